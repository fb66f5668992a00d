//! The sync engine: a full mirror of an org into its cache file.
//!
//! Strategy — the fewest requests that still give complete data:
//! - users, devices, apps: v1 listings, 100 per page, pages fetched concurrently (every listing
//!   and per-object read below runs `max_in_flight` requests at a time under one limiter);
//! - user and device groups: v2 listings; memberships from the cheaper side of the association:
//!   one `members` listing per group (≥ 1 request per group) when there are fewer groups than
//!   members, else one `memberof` per member;
//! - the bulk reports first (docs/jumpcloud-api.md §10): `users-to-devices`,
//!   `users-to-user-groups` and `users-to-sso-applications` are requested when the sync starts
//!   and generate while users and devices are listed; each replaces one request per device,
//!   group or app when it checks out (`reports`), and otherwise those associations are read
//!   object by object (`associations`), the sync's notes saying which and why;
//! - user↔device bindings: the report's direct rows, else the cheaper of one
//!   `/systems/{id}/associations?targets=user` per device or one
//!   `/users/{id}/associations?targets=system` per user (direct bindings only);
//! - what a user group is bound to (devices, device groups): one
//!   `/usergroups/{id}/associations?targets=system,system_group` per user group, in flight
//!   beside the membership listings (JumpCloud's report does not say which group a row comes
//!   through), so that the mirror counts who reaches a device the way JumpCloud does
//!   (`rollcall_cache::reach`);
//! - hardware and disk encryption: System Insights' bulk tables, 10,000 rows per request
//!   (`system_info`, `disk_encryption`, `bitlocker_info`, `logical_drives`) instead of one call
//!   per device;
//! - app access: one `users` and one `usergroups` listing per app;
//! - admins and roles: one listing each; recent logins: Directory Insights, 2,500 per page, in
//!   four time slices at once, read beside the associations on a connection of their own
//!   (`logins.rs`).
//!
//! Progressive: users land first, then devices (browsable at once on a first import), then the
//! associations. Atomic: rows go to staging and are swapped in only when the sync completes.
//! Cancellable between batches through `CancelToken`; progress is a typed `SyncProgress`.

mod associations;
mod event_window;
mod held;
mod insights;
mod logins;
mod odd;
mod phases;
mod reports;
mod spool;

pub use phases::EVENT_DAYS;
pub use reports::{ReportUnused, REPORT_WAIT};

use crate::convert;
use futures_util::stream::{self, StreamExt};
use jumpcloud::Client;
use rollcall_cache::{AdminRow, AppUser, Binding, Cache, Edge, RoleRow, SyncCounts, SyncEnd, SyncWriter};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Rows written per transaction.
const BATCH: usize = 1000;

/// Requests in flight for a sync's client. Most of a large sync is one small graph request per
/// device, so a sync runs wider than interactive use (8); the adaptive limiter still halves
/// the window at the first 429 and paces requests after it.
pub const SYNC_IN_FLIGHT: usize = 16;

/// Stops a running sync at the next batch boundary.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
    /// Whether `other` is this token (a clone of it), not just one in the same state.
    pub fn same(&self, other: &CancelToken) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// What to sync.
#[derive(Debug, Clone, Default)]
pub struct SyncOptions {
    /// Only these user groups and their members (all people when empty).
    pub user_groups: Vec<String>,
    /// Only these device groups and their members (all devices when empty).
    pub system_groups: Vec<String>,
    /// Days of Directory Insights login events to keep (default 90, all JumpCloud retains).
    pub event_days: u32,
    /// The MSP provider id, to list administrators (skipped when unknown).
    pub provider_id: Option<String>,
    /// "Now", RFC 3339 (for the event window; defaults to the clock).
    pub now: Option<String>,
    /// Read every association object by object instead of from JumpCloud's bulk reports.
    pub no_reports: bool,
    /// How long to wait for the reports, from the start of the sync (`REPORT_WAIT` if unset).
    pub report_wait: Option<std::time::Duration>,
}

impl SyncOptions {
    /// "Now" for this sync in milliseconds: `now` when given, else the clock.
    pub fn now_ms(&self) -> i64 {
        self.now
            .as_deref()
            .and_then(rollcall_cache::parse_ms)
            .unwrap_or_else(rollcall_cache::dates::now_ms)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Users,
    Devices,
    Groups,
    Memberships,
    Bindings,
    Insights,
    Apps,
    Admins,
    Events,
    Saving,
}

impl Phase {
    pub const ALL: &'static [Phase] = &[
        Phase::Users,
        Phase::Devices,
        Phase::Groups,
        Phase::Memberships,
        Phase::Bindings,
        Phase::Insights,
        Phase::Apps,
        Phase::Admins,
        Phase::Events,
        Phase::Saving,
    ];

    /// What the phase reads, as the progress bar says it ("Reading …").
    pub fn label(self) -> &'static str {
        match self {
            Phase::Users => "people",
            Phase::Devices => "devices",
            Phase::Groups => "groups",
            Phase::Memberships => "group memberships",
            Phase::Bindings => "device bindings",
            Phase::Insights => "System Insights",
            Phase::Apps => "apps",
            Phase::Admins => "administrators",
            Phase::Events => "login events",
            Phase::Saving => "the local copy",
        }
    }
}

/// Progress of a sync, reported through the callback.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SyncProgress {
    Started {
        #[cfg_attr(feature = "specta", specta(type = u32))]
        sync_id: i64,
        first_import: bool,
    },
    Phase {
        phase: Phase,
    },
    Items {
        phase: Phase,
        #[cfg_attr(feature = "specta", specta(type = u32))]
        done: u64,
        #[cfg_attr(feature = "specta", specta(type = u32))]
        total: u64,
        #[cfg_attr(feature = "specta", specta(type = u32))]
        requests: u64,
        rate_per_s: f64,
        eta_secs: Option<f64>,
    },
    /// Users and devices are in the cache, listable and searchable (first import) — the rest
    /// fills in.
    Browsable {
        #[cfg_attr(feature = "specta", specta(type = u32))]
        users: u64,
        #[cfg_attr(feature = "specta", specta(type = u32))]
        devices: u64,
        #[cfg_attr(feature = "specta", specta(type = u32))]
        after_ms: u64,
    },
    Finished {
        #[cfg_attr(feature = "specta", specta(type = u32))]
        sync_id: i64,
        #[cfg_attr(feature = "specta", specta(type = u32))]
        requests: u64,
        #[cfg_attr(feature = "specta", specta(type = u32))]
        elapsed_ms: u64,
    },
}

/// What a finished sync did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncReport {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub sync_id: i64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub requests: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub elapsed_ms: u64,
    /// When every user was in the cache (first import: listable from then on).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub browsable_after_ms: u64,
    pub counts: SyncCounts,
    /// How the associations were read (from a bulk report, or object by object and why).
    pub notes: Vec<SyncNote>,
}

/// Associations a bulk report can give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Association {
    /// People in user groups (`users-to-user-groups`).
    Memberships,
    /// People bound to devices (`users-to-devices`).
    Bindings,
    /// People reaching apps (`users-to-sso-applications`).
    AppAccess,
}

impl Association {
    pub fn label(self) -> &'static str {
        match self {
            Association::Memberships => "User group memberships",
            Association::Bindings => "Device bindings",
            Association::AppAccess => "App access",
        }
    }

    pub fn report(self) -> jumpcloud::ReportType {
        match self {
            Association::Memberships => jumpcloud::ReportType::UsersToUserGroups,
            Association::Bindings => jumpcloud::ReportType::UsersToDevices,
            Association::AppAccess => jumpcloud::ReportType::UsersToSsoApplications,
        }
    }
}

/// Where a sync read one kind of association from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "how", rename_all = "snake_case")]
pub enum AssociationSource {
    /// JumpCloud's bulk report, checked whole.
    Report,
    /// One request per object, because the report was not used.
    ObjectByObject { why: ReportUnused },
}

/// How a sync read one kind of association, and the sentence that says so.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncNote {
    pub association: Association,
    pub source: AssociationSource,
    pub text: String,
}

impl SyncNote {
    pub fn new(association: Association, source: AssociationSource) -> Self {
        let (what, kind) = (association.label(), association.report());
        let text = match &source {
            AssociationSource::Report => format!("{what}: from the {kind} report."),
            AssociationSource::ObjectByObject { why } => {
                format!("{what}: read object by object; the {kind} report was not used: {why}.")
            }
        };
        SyncNote {
            association,
            source,
            text,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Api(#[from] jumpcloud::Error),
    #[error(transparent)]
    Cache(#[from] rollcall_cache::CacheError),
    #[error("the sync was cancelled; the previous data is unchanged")]
    Cancelled,
}

type Result<T> = std::result::Result<T, SyncError>;

struct Run<'a> {
    client: &'a Client,
    progress: &'a (dyn Fn(SyncProgress) + Send + Sync),
    cancel: &'a CancelToken,
    started: Instant,
    base_requests: u64,
}

impl Run<'_> {
    fn requests(&self) -> u64 {
        self.client.counters().sent - self.base_requests
    }

    fn check(&self) -> Result<()> {
        if self.cancel.is_cancelled() {
            Err(SyncError::Cancelled)
        } else {
            Ok(())
        }
    }

    fn items(&self, phase: Phase, done: u64, total: u64, phase_started: Instant) {
        let secs = phase_started.elapsed().as_secs_f64().max(0.001);
        let rate = done as f64 / secs;
        let eta = (rate > 0.0 && total >= done).then(|| (total - done) as f64 / rate);
        (self.progress)(SyncProgress::Items {
            phase,
            done,
            total,
            requests: self.requests(),
            rate_per_s: rate,
            eta_secs: eta,
        });
    }
}

/// Now, as Rollcall stores times (`YYYY-MM-DDTHH:MM:SS.mmmZ`).
pub fn now_rfc3339() -> String {
    rollcall_cache::dates::now_rfc3339()
}

/// Runs a full sync of the org behind `client` into the cache file at `cache_path`.
pub async fn sync_org(
    client: &Client,
    cache_path: &Path,
    opts: &SyncOptions,
    progress: &(dyn Fn(SyncProgress) + Send + Sync),
    cancel: &CancelToken,
) -> Result<SyncReport> {
    let (mut cache, _) = Cache::open(cache_path)?;
    // The writer streams through the file once: a small page cache and no memory map keep
    // the sync's memory low (readers keep the large cache for browsing).
    cache.use_little_memory()?;
    let run = Run {
        client,
        progress,
        cancel,
        started: Instant::now(),
        base_requests: client.counters().sent,
    };
    // The login events' own connection (they are read beside the rest of the sync).
    let beside = Cache::open_beside(cache_path)?;
    let mut writer = cache.begin_sync(&now_rfc3339())?;
    let sync_id = writer.sync_id;
    progress(SyncProgress::Started {
        sync_id,
        first_import: writer.progressive,
    });
    match phases::run_phases(&run, &mut writer, beside, opts).await {
        Ok((counts, notes, browsable_after_ms)) => {
            progress(SyncProgress::Phase { phase: Phase::Saving });
            let mut counts_json = serde_json::to_value(&counts).unwrap_or_default();
            counts_json["notes"] = json!(notes);
            for n in &notes {
                tracing::info!(sync_id, "{}", n.text);
            }
            let requests = run.requests();
            let finished_at = now_rfc3339();
            writer.finish(&finished_at, requests, &counts_json)?;
            // The posture of this snapshot, for the trends (a failure here loses a point on a
            // chart, not the sync).
            let now_ms = opts.now_ms();
            let kept = crate::posture::measure(&cache, now_ms, crate::posture::SILENT_DAYS)
                .and_then(|p| cache.record_posture(sync_id, &finished_at, &p));
            if let Err(e) = kept {
                tracing::warn!(error = %e, "the posture of this sync could not be kept");
            }
            if let Err(e) = cache.note_admins_seen(sync_id, &finished_at) {
                tracing::warn!(error = %e, "the administrators this sync saw could not be noted");
            }
            let elapsed_ms = run.started.elapsed().as_millis() as u64;
            progress(SyncProgress::Finished {
                sync_id,
                requests,
                elapsed_ms,
            });
            Ok(SyncReport {
                sync_id,
                requests,
                elapsed_ms,
                browsable_after_ms,
                counts,
                notes,
            })
        }
        Err(e) => {
            let end = if matches!(e, SyncError::Cancelled) {
                SyncEnd::Cancelled
            } else {
                SyncEnd::Failed
            };
            let requests = run.requests();
            if let Err(abandon) = writer.abandon(end, &now_rfc3339(), requests, &e.to_string()) {
                tracing::error!(error = %abandon, "could not record the end of a failed sync");
            }
            Err(e)
        }
    }
}

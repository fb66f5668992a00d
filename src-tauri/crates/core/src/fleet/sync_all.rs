//! Syncs of every connected org, `ORGS_AT_ONCE` at a time. The orgs one key reaches draw on one
//! request budget (JumpCloud limits requests per key, whichever org they name: their clients
//! share one adaptive limiter — at most its requests in flight for all of them together, and a
//! 429 met in one org slows them all). A few orgs run at once because most of a small org's
//! sync is waiting — for JumpCloud to generate its bulk reports, and for answers at the
//! network's latency — which overlaps without sending more at once than one org would. One
//! org's failure — its key refused or revoked, JumpCloud failing for it alone — is recorded
//! for that org and the next one starts. The open org syncs through the session's own path (its status bar, its guard
//! against two syncs); the others straight into their files. The timer covers every org:
//! each is synced when its own interval (kept in its file) has passed, retried after a
//! failure 5 minutes later, then 10, 20, … like the open org.

use crate::session::DataKind;
use crate::session::{retry_wait, OrgEntry, OrgSession, ProgressPace, SessionEvents, SyncScope, SyncStartError};
use crate::{CancelToken, SyncError, SyncOptions, SyncProgress};
use futures_util::stream::{self, StreamExt};
use jumpcloud::Client;
use rollcall_cache::SyncStatus;
use serde::Serialize;
use std::collections::HashMap;
use std::time::Instant;

/// Orgs synced at the same time in a pass (their requests share one budget per key).
pub const ORGS_AT_ONCE: usize = 8;

/// An org with fewer people and devices than this is synced without JumpCloud's bulk reports:
/// reading its associations object by object takes a few dozen requests, where the reports
/// take seconds to generate (most of a small client org's sync was waiting for them).
pub const REPORTS_FROM: u64 = 400;

/// Why an org of a pass was skipped: a sync of its file was already under way.
const ALREADY_RUNNING: &str = "A sync of it was already running.";

/// How one org's sync ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum OrgSyncOutcome {
    Synced,
    Failed,
    /// Not started: a sync of it was already running, or the pass was cancelled first.
    Skipped,
    Cancelled,
}

/// One org's sync in a pass over every org.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrgSyncResult {
    pub org_id: String,
    pub org_name: String,
    pub outcome: OrgSyncOutcome,
    /// Why it failed or was skipped.
    pub detail: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub requests: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub elapsed_ms: u64,
}

/// A pass over every org.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FleetSyncReport {
    pub results: Vec<OrgSyncResult>,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub requests: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub elapsed_ms: u64,
}

/// Where a pass is.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum FleetStep {
    Started,
    Sync { progress: SyncProgress },
    Finished { result: OrgSyncResult },
}

/// Progress of a pass: which org (of how many) and what its sync does.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FleetProgress {
    pub index: u32,
    pub total: u32,
    pub org_id: String,
    pub org_name: String,
    pub step: FleetStep,
}

/// Where a pass's news goes (the window, a benchmark's counters).
pub trait FleetEvents: Send + Sync {
    fn progress(&self, p: FleetProgress);
    /// Org `org_id`'s file changed (its lists if it is open, the overview).
    fn org_changed(&self, org_id: &str);
    /// The open org's status changed.
    fn status_changed(&self);
}

/// One org's sync seen as a session's sync (for the open org's own path).
struct OrgEvents<'a> {
    fleet: &'a dyn FleetEvents,
    index: u32,
    total: u32,
    entry: &'a OrgEntry,
}

impl OrgEvents<'_> {
    fn step(&self, step: FleetStep) {
        self.fleet.progress(FleetProgress {
            index: self.index,
            total: self.total,
            org_id: self.entry.id.clone(),
            org_name: self.entry.name.clone(),
            step,
        });
    }
}

impl SessionEvents for OrgEvents<'_> {
    fn status_changed(&self) {
        self.fleet.status_changed();
    }
    fn cache_changed(&self, _: &[DataKind]) {
        self.fleet.org_changed(&self.entry.id);
    }
    fn progress(&self, p: SyncProgress) {
        self.step(FleetStep::Sync { progress: p });
    }
}

fn result(
    entry: &OrgEntry,
    outcome: OrgSyncOutcome,
    detail: Option<String>,
    requests: u64,
    started: Instant,
) -> OrgSyncResult {
    OrgSyncResult {
        org_id: entry.id.clone(),
        org_name: entry.name.clone(),
        outcome,
        detail,
        requests,
        elapsed_ms: started.elapsed().as_millis() as u64,
    }
}

/// People and devices of the org behind `client` (two one-record listings; None when
/// JumpCloud does not answer: the sync then says why).
async fn org_size(client: &Client) -> Option<u64> {
    let total = |path: &'static str| async move {
        let (_, v) = client.call(jumpcloud::Method::GET, path, None).await.ok()?;
        v.get("totalCount").and_then(serde_json::Value::as_u64)
    };
    let (users, devices) = tokio::join!(total("/api/systemusers?limit=1"), total("/api/systems?limit=1"));
    Some(users? + devices?)
}

impl OrgSession {
    /// The orgs a pass covers: those of `org_ids` (every connected org when empty), the demo
    /// left out (it lives only while the app runs), in the list's order.
    pub(crate) fn fleet_orgs(&self, org_ids: &[String]) -> Vec<OrgEntry> {
        self.registry
            .lock()
            .orgs()
            .iter()
            .filter(|o| !o.demo && (org_ids.is_empty() || org_ids.iter().any(|id| id.eq_ignore_ascii_case(&o.id))))
            .cloned()
            .collect()
    }

    /// Syncs each org of `org_ids` (every connected org when empty), `ORGS_AT_ONCE` at a time
    /// in the list's order; a failure is recorded for its org and the next one starts. One
    /// pass at a time (a second waits). The results come in the list's order.
    pub async fn sync_orgs(&self, org_ids: &[String], events: &dyn FleetEvents) -> FleetSyncReport {
        let _pass = self.fleet.pass.lock().await;
        let started = Instant::now();
        let token = CancelToken::default();
        *self.fleet.cancel.lock() = Some(token.clone());
        let orgs = self.fleet_orgs(org_ids);
        let total = orgs.len() as u32;
        // Each org's client, those of one key drawing on one budget (an org open when its turn
        // comes syncs through the session's own path instead).
        let mut budgets: HashMap<String, Client> = HashMap::new();
        let clients: Vec<crate::session::Result<Client>> =
            orgs.iter().map(|e| self.budgeted_client(e, &mut budgets)).collect();
        let token = &token;
        let mut results: Vec<(usize, OrgSyncResult)> = stream::iter(orgs.into_iter().zip(clients).enumerate())
            .map(|(i, (entry, client))| self.pass_one(i, total, entry, client, token, events))
            .buffer_unordered(ORGS_AT_ONCE)
            .collect()
            .await;
        results.sort_by_key(|(i, _)| *i);
        let results: Vec<OrgSyncResult> = results.into_iter().map(|(_, r)| r).collect();
        *self.fleet.cancel.lock() = None;
        FleetSyncReport {
            requests: results.iter().map(|r| r.requests).sum(),
            results,
            elapsed_ms: started.elapsed().as_millis() as u64,
        }
    }

    /// One org of a pass, announced (started, finished) and kept. A boxed future: a stream of
    /// them must be `Send` for the window's command.
    fn pass_one<'a>(
        &'a self,
        i: usize,
        total: u32,
        entry: OrgEntry,
        client: crate::session::Result<Client>,
        token: &'a CancelToken,
        events: &'a dyn FleetEvents,
    ) -> futures_util::future::BoxFuture<'a, (usize, OrgSyncResult)> {
        Box::pin(async move {
            let entry = &entry;
            let ev = OrgEvents {
                fleet: events,
                index: i as u32,
                total,
                entry,
            };
            let r = if token.is_cancelled() {
                let why = "The sync of every organisation was cancelled before this one.";
                result(entry, OrgSyncOutcome::Skipped, Some(why.into()), 0, Instant::now())
            } else {
                ev.step(FleetStep::Started);
                self.sync_one(entry, &ev, token, client).await
            };
            self.after_one(entry, &r);
            ev.step(FleetStep::Finished { result: r.clone() });
            events.org_changed(&entry.id);
            (i, r)
        })
    }

    /// Keeps what one org's sync in a pass ended with (the overview's health).
    fn after_one(&self, entry: &OrgEntry, r: &OrgSyncResult) {
        match r.outcome {
            OrgSyncOutcome::Failed => {
                let detail = r.detail.clone().unwrap_or_default();
                tracing::warn!(org_id = %entry.id, error = %detail, "an organisation's sync failed; going on with the next");
                self.fleet.failures.lock().insert(entry.id.clone(), detail);
            }
            OrgSyncOutcome::Synced => {
                self.fleet.failures.lock().remove(&entry.id);
            }
            _ => {}
        }
    }

    /// One org's sync within a pass: the org open at its turn through the session's own path,
    /// the others straight into their files with `client`, once their file is claimed.
    async fn sync_one(
        &self,
        entry: &OrgEntry,
        ev: &OrgEvents<'_>,
        token: &CancelToken,
        client: crate::session::Result<Client>,
    ) -> OrgSyncResult {
        let started = Instant::now();
        if self.try_active().is_some_and(|o| o.entry.id == entry.id) {
            return match self.sync(ev).await {
                Ok(r) => result(entry, OrgSyncOutcome::Synced, None, r.requests, started),
                // Its own sync (the first import, the timer) is under way: the pass waits for
                // it and reports how it ended, rather than leave the org unsynced.
                Err(SyncStartError::Run(crate::session::SyncRunError::AlreadyRunning)) => {
                    self.await_own_sync(entry, token, started).await
                }
                Err(SyncStartError::Run(crate::session::SyncRunError::Sync(SyncError::Cancelled))) => {
                    result(entry, OrgSyncOutcome::Cancelled, None, 0, started)
                }
                Err(e) => result(entry, OrgSyncOutcome::Failed, Some(e.to_string()), 0, started),
            };
        }
        let client = match client {
            Ok(c) => c,
            Err(e) => return result(entry, OrgSyncOutcome::Failed, Some(e.to_string()), 0, started),
        };
        let path = rollcall_cache::org_file(&self.data_dir, &entry.id);
        if let Some(dir) = path.parent() {
            if let Err(e) = std::fs::create_dir_all(dir) {
                let detail = format!("Cannot create {}: {e}", dir.display());
                return result(entry, OrgSyncOutcome::Failed, Some(detail), 0, started);
            }
        }
        let scope = self.scope_of(&entry.id);
        let opts = SyncOptions {
            no_reports: org_size(&client).await.is_some_and(|n| n < REPORTS_FROM),
            user_groups: scope.user_groups,
            system_groups: scope.system_groups,
            ..Default::default()
        };
        let pace = ProgressPace::default();
        let progress = |p: SyncProgress| pace.forward(ev, p);
        let sent_before = client.counters().sent;
        let Some(claim) = self.fleet.claim(&entry.id) else {
            return result(entry, OrgSyncOutcome::Skipped, Some(ALREADY_RUNNING.into()), 0, started);
        };
        ev.status_changed();
        let outcome = crate::sync_org(&client, &path, &opts, &progress, token).await;
        drop(claim);
        let requests = client.counters().sent - sent_before;
        match outcome {
            Ok(r) => result(entry, OrgSyncOutcome::Synced, None, r.requests, started),
            Err(SyncError::Cancelled) => result(entry, OrgSyncOutcome::Cancelled, None, requests, started),
            Err(e) => result(entry, OrgSyncOutcome::Failed, Some(e.to_string()), requests, started),
        }
    }

    /// The open org's own sync was under way at its turn: waits until its file is no longer
    /// claimed (the claim is taken before that sync starts and let go once it has recorded how
    /// it ended), then reports how the latest sync in that file ended — a cancel (the admin
    /// opened or removed another org meanwhile) as a cancel.
    async fn await_own_sync(&self, entry: &OrgEntry, token: &CancelToken, started: Instant) -> OrgSyncResult {
        while self.fleet.is_busy(&entry.id) {
            if token.is_cancelled() {
                return result(entry, OrgSyncOutcome::Cancelled, None, 0, started);
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        let last = self
            .fleet_reader(&entry.id)
            .and_then(|r| r.lock().sync_runs(1).ok())
            .and_then(|runs| runs.into_iter().next());
        let (outcome, detail) = match last {
            Some(r) if r.status == SyncStatus::Complete => (OrgSyncOutcome::Synced, None),
            Some(r) if r.status == SyncStatus::Failed => (
                OrgSyncOutcome::Failed,
                Some(r.error.unwrap_or_else(|| "The sync failed.".into())),
            ),
            Some(r) if r.status == SyncStatus::Cancelled => (OrgSyncOutcome::Cancelled, None),
            _ => (OrgSyncOutcome::Skipped, Some(ALREADY_RUNNING.into())),
        };
        result(entry, outcome, detail, 0, started)
    }

    /// A client for `entry` with its key from the credential store, drawing on the request
    /// budget of the orgs already synced with the same key in this pass.
    fn budgeted_client(
        &self,
        entry: &OrgEntry,
        budgets: &mut HashMap<String, Client>,
    ) -> crate::session::Result<Client> {
        let key = self.keys.read(&entry.id).map_err(crate::session::SessionError::Key)?;
        let fingerprint = key.fingerprint();
        let own = self.client_for(entry, key)?;
        Ok(match budgets.get(&fingerprint) {
            Some(shared) => shared.sharing_budget(own.config().clone())?,
            None => {
                budgets.insert(fingerprint, own.clone());
                own
            }
        })
    }

    /// The scope kept in an org's file (the whole org when none, or no file yet).
    fn scope_of(&self, org_id: &str) -> SyncScope {
        self.fleet_reader(org_id)
            .map(|r| crate::session::scope_in(&r.lock()))
            .unwrap_or_default()
    }

    /// The timer's look at every org but the open one (which `timer_tick` covers): syncs, in
    /// one pass, each whose interval has passed (or that was never synced) and whose retry
    /// time after a failure has come. Skipped while a pass runs. Returns how many it synced.
    pub async fn fleet_timer_tick(&self, now_ms: i64, events: &dyn FleetEvents) -> usize {
        // Not while a pass runs, nor while JumpCloud cannot be reached (every org would fail).
        if self.fleet.pass.try_lock().is_err()
            || matches!(self.connectivity(), crate::session::Connectivity::Offline(_))
        {
            return 0;
        }
        let active = self.try_active().map(|o| o.entry.id.clone());
        let due: Vec<String> = self
            .fleet_orgs(&[])
            .into_iter()
            .filter(|o| active.as_deref() != Some(o.id.as_str()) && self.fleet_due(&o.id, now_ms))
            .map(|o| o.id)
            .collect();
        if due.is_empty() {
            return 0;
        }
        tracing::info!(orgs = due.len(), "timed sync of other organisations starting");
        let report = self.sync_orgs(&due, events).await;
        let mut retries = self.fleet.retries.lock();
        for r in &report.results {
            match r.outcome {
                OrgSyncOutcome::Failed => {
                    let failures = retries.get(&r.org_id).map_or(0, |f| f.0) + 1;
                    let every = self.every_of(&r.org_id);
                    let retry_at = now_ms + retry_wait(failures, every).as_millis() as i64;
                    retries.insert(r.org_id.clone(), (failures, retry_at));
                }
                _ => {
                    retries.remove(&r.org_id);
                }
            }
        }
        report.results.len()
    }

    /// An org's interval between timed syncs (its file's setting, else the default).
    fn every_of(&self, org_id: &str) -> std::time::Duration {
        self.fleet_reader(org_id)
            .map_or(crate::schedule::DEFAULT_RESYNC_EVERY, |r| {
                crate::session::resync_interval(&r.lock())
            })
    }

    /// Whether the timer should sync an org that is not open now.
    fn fleet_due(&self, org_id: &str, now_ms: i64) -> bool {
        if let Some((_, retry_at)) = self.fleet.retries.lock().get(org_id) {
            if now_ms < *retry_at {
                return false;
            }
        }
        let every = self.every_of(org_id);
        if every.is_zero() {
            return false;
        }
        let last = self
            .fleet_reader(org_id)
            .and_then(|r| r.lock().last_complete_sync().ok().flatten())
            .and_then(|(_, at)| rollcall_cache::parse_ms(&at));
        crate::schedule::next_sync_in(last, now_ms, every).is_zero()
    }
}

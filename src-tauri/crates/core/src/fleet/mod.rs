//! Many organisations in one window — an MSP's client orgs reached with one multi-tenant key,
//! or a consultant's several orgs: each keeps its own file and key entry (`session`), and this
//! module looks across them. Read-only connections to every org's file (`Fleet::reader`), so
//! that the **All organisations** overview (`overview`) and the search across every org
//! (`search`) never open the org; syncs of every org, a few at a time under one request budget
//! per key, the timer covering every org, one org's failure never stopping the others
//! (`sync_all`).
//! Nothing here sends a write: actions stay with the open org (`session::OrgSession::for_writes`).

mod overview;
mod pack;
mod search;
mod sync_all;

pub use overview::{overview_xlsx, OrgHealth, OrgOverview, Overview, OverviewCell, OverviewColumn};
pub use pack::{fleet_pack_offer, fleet_pack_pdf, fleet_pack_xlsx, OrgPart, StartedReview};
pub use search::{OrgHits, CROSS_ORG_LIMIT};
pub use sync_all::{
    FleetEvents, FleetProgress, FleetStep, FleetSyncReport, OrgSyncOutcome, OrgSyncResult, ORGS_AT_ONCE,
};

use crate::CancelToken;
use parking_lot::Mutex;
use rollcall_cache::Cache;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

/// An org's file claimed by one sync (see `Fleet::claim`).
pub struct Claim<'a> {
    fleet: &'a Fleet,
    org_id: String,
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        self.fleet.busy.lock().remove(&self.org_id);
    }
}

/// What the session keeps across organisations.
#[derive(Default)]
pub struct Fleet {
    /// A read-only connection per org file, opened on first use.
    readers: Mutex<HashMap<String, Arc<Mutex<Cache>>>>,
    /// Orgs whose file a sync is writing now (the open org's own sync, or a pass's).
    busy: Mutex<BTreeSet<String>>,
    /// Why an org could not be synced at all (its key missing, its file not writable): the
    /// overview's health when its file says nothing newer.
    pub(crate) failures: Mutex<HashMap<String, String>>,
    /// The timer's failures in a row and retry time, per org (not the open one's: `timer.rs`).
    pub(crate) retries: Mutex<HashMap<String, (u32, i64)>>,
    /// The running sync of every organisation, to cancel it.
    pub(crate) cancel: Mutex<Option<CancelToken>>,
    /// One pass over every org at a time (the button and the timer).
    pub(crate) pass: tokio::sync::Mutex<()>,
}

impl Fleet {
    /// A read-only connection to the org's file at `path` (no migration, no recovery: nothing
    /// in the file is changed or moved); None when it has no file yet (never synced) or the file
    /// cannot be read now (logged; the overview says so). Opened once, under the map's lock.
    pub fn reader(&self, org_id: &str, path: &Path) -> Option<Arc<Mutex<Cache>>> {
        let mut readers = self.readers.lock();
        if let Some(r) = readers.get(org_id) {
            return Some(r.clone());
        }
        if !path.exists() {
            return None;
        }
        match Cache::open_read_only(path) {
            Ok(c) => {
                let r = Arc::new(Mutex::new(c));
                readers.insert(org_id.to_string(), r.clone());
                Some(r)
            }
            Err(e) => {
                tracing::warn!(org_id, error = %e, "could not open an organisation's file for reading");
                None
            }
        }
    }

    /// Claims `org_id` for a sync: None when a sync of it (the open org's, or a pass's) is
    /// writing its file now. The claim is given back when the guard is dropped.
    pub fn claim(&self, org_id: &str) -> Option<Claim<'_>> {
        let mut busy = self.busy.lock();
        if !busy.insert(org_id.to_string()) {
            return None;
        }
        Some(Claim {
            fleet: self,
            org_id: org_id.to_string(),
        })
    }

    /// Drops the reader of an org (removed, or its file replaced).
    pub fn forget(&self, org_id: &str) {
        self.readers.lock().remove(org_id);
        self.failures.lock().remove(org_id);
        self.retries.lock().remove(org_id);
    }

    /// Forgets a failure and its retry once the org has synced (by any path).
    pub fn forget_failure(&self, org_id: &str) {
        self.failures.lock().remove(org_id);
        self.retries.lock().remove(org_id);
    }

    /// Whether a sync is writing `org_id`'s file now.
    pub fn is_busy(&self, org_id: &str) -> bool {
        self.busy.lock().contains(org_id)
    }

    /// Asks the running pass over every org to stop (the org being synced keeps its last
    /// complete copy; the others are not started).
    pub fn cancel(&self) {
        if let Some(t) = self.cancel.lock().as_ref() {
            t.cancel();
        }
    }
}

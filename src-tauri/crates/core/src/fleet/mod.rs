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

/// The page cache of each fleet reader (KiB, negative as SQLite takes it): forty orgs' readers
/// stay within ~80 MB however large their files.
const READER_CACHE_KIB: i64 = 2048;

/// What the session keeps across organisations.
#[derive(Default)]
pub struct Fleet {
    /// A read-only connection per org file, opened on first use.
    readers: Mutex<HashMap<String, Arc<Mutex<Cache>>>>,
    /// Orgs a sync of every organisation is writing now (their own syncs wait).
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
    /// A read-only connection to the org's file at `path`; None when it has no file yet (never
    /// synced) or the file cannot be opened (the error is logged; the overview says "never").
    pub fn reader(&self, org_id: &str, path: &Path) -> Option<Arc<Mutex<Cache>>> {
        if let Some(r) = self.readers.lock().get(org_id) {
            return Some(r.clone());
        }
        if !path.exists() {
            return None;
        }
        let opened = Cache::open_for_browsing(path).and_then(|(c, _)| {
            c.connection()
                .pragma_update(None, "cache_size", -READER_CACHE_KIB)
                .map_err(rollcall_cache::CacheError::from)?;
            Ok(c)
        });
        match opened {
            Ok(c) => {
                let r = Arc::new(Mutex::new(c));
                self.readers.lock().insert(org_id.to_string(), r.clone());
                Some(r)
            }
            Err(e) => {
                tracing::warn!(org_id, error = %e, "could not open an organisation's file for reading");
                None
            }
        }
    }

    /// Drops the reader of an org (removed, or its file replaced).
    pub fn forget(&self, org_id: &str) {
        self.readers.lock().remove(org_id);
        self.failures.lock().remove(org_id);
        self.retries.lock().remove(org_id);
    }

    /// Whether a sync of every organisation is writing `org_id` now.
    pub fn is_busy(&self, org_id: &str) -> bool {
        self.busy.lock().contains(org_id)
    }

    pub(crate) fn set_busy(&self, org_id: &str, busy: bool) {
        let mut b = self.busy.lock();
        if busy {
            b.insert(org_id.to_string());
        } else {
            b.remove(org_id);
        }
    }

    /// Asks the running pass over every org to stop (the org being synced keeps its last
    /// complete copy; the others are not started).
    pub fn cancel(&self) {
        if let Some(t) = self.cancel.lock().as_ref() {
            t.cancel();
        }
    }
}

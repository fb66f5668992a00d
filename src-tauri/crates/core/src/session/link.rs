//! The parts of an open organisation's session that need no window: whether JumpCloud answers
//! and what that allows (the write guard), whether it refused the key, the one sync that may
//! run at a time with its progress paced for a screen, and when the next sync is due. The
//! desktop shell holds a `Link` per session and hands it a `SessionEvents` to announce changes;
//! the CLI and the tests can use the same.

use crate::schedule;
use crate::sync::{sync_org, CancelToken, SyncError, SyncOptions, SyncProgress, SyncReport};
use jumpcloud::{Client, Error, KeyRefusal};
use parking_lot::Mutex;
use rollcall_cache::SnapshotInfo;
use serde::Serialize;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Reachability of JumpCloud for the open org.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Connectivity {
    /// Not tried yet.
    Unknown,
    Online,
    /// With the reason, an admin-readable sentence.
    Offline(String),
}

/// What part of an org's local data changed, so a screen refetches only what shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DataKind {
    Users,
    Systems,
    Groups,
    /// The activity trail.
    Audit,
    /// Checklist runs, steps, templates and grants.
    Checklists,
    /// Everything (a sync finished or became browsable, the file was replaced).
    All,
}

/// How a session tells its holder that something changed.
pub trait SessionEvents: Send + Sync {
    /// Connectivity, the running sync or its error changed.
    fn status_changed(&self);
    /// The org's file changed; `kinds` names what.
    fn cache_changed(&self, kinds: &[DataKind]);
    /// Progress of the running sync (already paced: at most ten item counts a second).
    fn progress(&self, p: SyncProgress);
}

/// Why nothing may be sent to JumpCloud now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteBlock {
    /// JumpCloud cannot be reached (or refuses the key): the sentence says why.
    Offline(String),
    /// JumpCloud has not been reached yet this session: the role is not confirmed.
    NotReady(String),
}

impl WriteBlock {
    pub fn message(&self) -> &str {
        match self {
            WriteBlock::Offline(m) | WriteBlock::NotReady(m) => m,
        }
    }
}

/// Errors that mean "JumpCloud is not reachable" rather than "JumpCloud said no".
pub fn is_network(e: &Error) -> bool {
    matches!(e, Error::Offline { .. } | Error::Timeout { .. } | Error::Tls { .. })
}

/// A sync that could not run or did not finish.
#[derive(Debug, thiserror::Error)]
pub enum SyncRunError {
    #[error("A sync is already running.")]
    AlreadyRunning,
    #[error(transparent)]
    Sync(#[from] SyncError),
}

/// What a session knows of JumpCloud's side: reachability, the key, the running sync.
#[derive(Debug)]
pub struct Link {
    connectivity: Mutex<Connectivity>,
    key_refused: AtomicBool,
    sync_error: Mutex<Option<String>>,
    running: Mutex<Option<CancelToken>>,
}

impl Default for Link {
    fn default() -> Self {
        Self {
            connectivity: Mutex::new(Connectivity::Unknown),
            key_refused: AtomicBool::new(false),
            sync_error: Mutex::new(None),
            running: Mutex::new(None),
        }
    }
}

impl Link {
    /// A fresh link for a newly opened org (`offline` when its key could not be read).
    pub fn reset(&self, offline: Option<String>) {
        self.set_connectivity(offline.map_or(Connectivity::Unknown, Connectivity::Offline));
        *self.sync_error.lock() = None;
        self.key_refused.store(false, Ordering::SeqCst);
        if let Some(t) = self.running.lock().take() {
            t.cancel();
        }
    }

    pub fn connectivity(&self) -> Connectivity {
        self.connectivity.lock().clone()
    }

    /// Sets connectivity; true when it changed.
    pub fn set_connectivity(&self, c: Connectivity) -> bool {
        let mut cur = self.connectivity.lock();
        let changed = *cur != c;
        *cur = c;
        changed
    }

    /// Notes the outcome of any request to JumpCloud: an answer means online, a network error
    /// offline, a 401 for the key means the key was refused. True when connectivity changed.
    pub fn observe(&self, result: Result<(), &Error>) -> bool {
        match result {
            Ok(()) => {
                self.key_refused.store(false, Ordering::SeqCst);
                self.set_connectivity(Connectivity::Online)
            }
            Err(Error::Unauthorized {
                refusal: KeyRefusal::Key,
                ..
            }) => {
                self.key_refused.store(true, Ordering::SeqCst);
                false
            }
            Err(e) if is_network(e) => self.set_connectivity(Connectivity::Offline(e.to_string())),
            Err(_) => false,
        }
    }

    /// JumpCloud answered 401 for the key since it last answered anything else.
    pub fn key_refused(&self) -> bool {
        self.key_refused.load(Ordering::SeqCst)
    }

    /// Why writes are refused now, if they are.
    pub fn write_block(&self) -> Option<WriteBlock> {
        match self.connectivity() {
            Connectivity::Offline(reason) => Some(WriteBlock::Offline(format!(
                "Actions need JumpCloud, which is not available: {reason} The cached data stays available; Rollcall reconnects by itself."
            ))),
            Connectivity::Unknown => Some(WriteBlock::NotReady(
                "Rollcall is still reaching JumpCloud to confirm your role; try again in a moment.".into(),
            )),
            Connectivity::Online => None,
        }
    }

    pub fn sync_error(&self) -> Option<String> {
        self.sync_error.lock().clone()
    }

    pub fn set_sync_error(&self, e: Option<String>) {
        *self.sync_error.lock() = e;
    }

    pub fn syncing(&self) -> bool {
        self.running.lock().is_some()
    }

    /// Asks the running sync (if any) to stop; it keeps the last complete copy.
    pub fn cancel_sync(&self) {
        if let Some(t) = self.running.lock().as_ref() {
            t.cancel();
        }
    }

    /// Runs a full sync of the org behind `client` into `cache_path`: never two at once, its
    /// progress paced for a screen, the org's lists refreshed as soon as the first import makes
    /// people browsable, connectivity and the sync error recorded at the end.
    pub async fn sync(
        &self,
        client: &Client,
        cache_path: &Path,
        opts: &SyncOptions,
        events: &dyn SessionEvents,
    ) -> Result<SyncReport, SyncRunError> {
        let token = CancelToken::default();
        {
            let mut running = self.running.lock();
            if running.is_some() {
                return Err(SyncRunError::AlreadyRunning);
            }
            *running = Some(token.clone());
        }
        events.status_changed();
        let pace = ProgressPace::default();
        let progress = |p: SyncProgress| pace.forward(events, p);
        let result = sync_org(client, cache_path, opts, &progress, &token).await;
        // Another org opened meanwhile (`reset` took and cancelled this sync): what this sync
        // met says nothing of the org now open, and a sync of that one may be running.
        let ours = {
            let mut running = self.running.lock();
            let ours = running.as_ref().is_some_and(|t| t.same(&token));
            if ours {
                *running = None;
            }
            ours
        };
        if ours {
            self.observe(match &result {
                Err(SyncError::Api(e)) => Err(e),
                _ => Ok(()),
            });
            self.set_sync_error(result.as_ref().err().map(|e| format!("The last sync stopped: {e}")));
        }
        events.cache_changed(&[DataKind::All]);
        events.status_changed();
        Ok(result?)
    }
}

/// Paces sync progress for a screen: phase changes and milestones always pass, item counts at
/// most once per `every`.
#[derive(Debug)]
pub struct ProgressPace {
    last: Mutex<Option<Instant>>,
    every: Duration,
}

impl Default for ProgressPace {
    fn default() -> Self {
        Self {
            last: Mutex::new(None),
            every: Duration::from_millis(100),
        }
    }
}

impl ProgressPace {
    /// True when `p` should be shown now.
    pub fn admit(&self, p: &SyncProgress) -> bool {
        if !matches!(p, SyncProgress::Items { .. }) {
            return true;
        }
        let mut last = self.last.lock();
        if last.is_some_and(|t| t.elapsed() < self.every) {
            return false;
        }
        *last = Some(Instant::now());
        true
    }

    /// Hands `p` to `events` when it should be shown now; people and devices becoming
    /// browsable on a first import also refresh the org's lists.
    pub fn forward(&self, events: &dyn SessionEvents, p: SyncProgress) {
        if !self.admit(&p) {
            return;
        }
        if matches!(p, SyncProgress::Browsable { .. }) {
            events.cache_changed(&[DataKind::All]);
        }
        events.progress(p);
    }
}

/// Whether a full sync is due: never synced, the first import unfinished, the last complete
/// sync older than `every`, or a demo whose simulator started afresh (`fresh_demo`).
pub fn sync_due(snapshot: Option<&SnapshotInfo>, now_ms: i64, every: Duration, fresh_demo: bool) -> bool {
    fresh_demo
        || match snapshot {
            Some(s) if s.state == rollcall_cache::kinds::SnapshotState::Complete => {
                let last = s.as_of.as_deref().and_then(rollcall_cache::parse_ms);
                schedule::next_sync_in(last, now_ms, every).is_zero()
            }
            Some(_) => true,
            None => false,
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unauthorized(message: &str) -> Error {
        Error::Unauthorized {
            status: 401,
            message: message.into(),
            refusal: KeyRefusal::of(message),
        }
    }

    #[test]
    fn writes_wait_for_jumpcloud_and_stop_when_it_is_gone() {
        let link = Link::default();
        assert!(
            matches!(link.write_block(), Some(WriteBlock::NotReady(_))),
            "not reached yet"
        );
        assert!(link.observe(Ok(())), "first answer: online");
        assert_eq!(link.write_block(), None);
        let offline = Error::Offline {
            detail: "connection refused".into(),
        };
        assert!(link.observe(Err(&offline)));
        let Some(WriteBlock::Offline(why)) = link.write_block() else {
            panic!("offline blocks writes")
        };
        assert!(
            why.contains("connection refused") && why.contains("reconnects"),
            "{why}"
        );
        assert!(
            !link.observe(Err(&Error::NotFound { message: "x".into() })),
            "a refusal is an answer, not a change"
        );
    }

    #[test]
    fn a_refused_key_is_remembered_until_jumpcloud_answers_again() {
        let link = Link::default();
        link.observe(Err(&unauthorized("Unauthorized")));
        assert!(link.key_refused());
        link.observe(Err(&unauthorized("ID not included for multi-tenant admin")));
        assert!(link.key_refused(), "a missing org id is not a new verdict on the key");
        link.observe(Ok(()));
        assert!(!link.key_refused());
        link.observe(Err(&unauthorized("Unauthorized")));
        link.reset(None);
        assert!(
            !link.key_refused() && link.connectivity() == Connectivity::Unknown,
            "a reopened org starts afresh"
        );
    }

    #[test]
    fn item_counts_are_paced_and_milestones_are_not() {
        let pace = ProgressPace::default();
        let items = SyncProgress::Items {
            phase: crate::Phase::Users,
            done: 1,
            total: 2,
            requests: 1,
            rate_per_s: 0.0,
            eta_secs: None,
        };
        assert!(pace.admit(&items));
        assert!(!pace.admit(&items), "a second count within 100 ms waits");
        assert!(pace.admit(&SyncProgress::Phase {
            phase: crate::Phase::Devices
        }));
    }

    #[test]
    fn a_sync_is_due_when_never_done_partial_stale_or_a_fresh_demo() {
        let h = 3_600_000;
        let snap = |state: &str, as_of: Option<&str>| SnapshotInfo {
            state: rollcall_cache::kinds::SnapshotState::parse(state).unwrap(),
            sync_id: Some(1),
            as_of: as_of.map(String::from),
            users: 0,
            systems: 0,
            groups: 0,
            apps: 0,
            problems: 0,
        };
        let at = rollcall_cache::parse_ms("2026-11-01T12:00:00Z").unwrap();
        let every = schedule::DEFAULT_RESYNC_EVERY;
        assert!(!sync_due(None, at, every, false), "no org file yet: nothing to say");
        assert!(sync_due(Some(&snap("partial", None)), at, every, false));
        assert!(!sync_due(
            Some(&snap("complete", Some("2026-11-01T11:00:00.000Z"))),
            at,
            every,
            false
        ));
        assert!(sync_due(
            Some(&snap("complete", Some("2026-11-01T07:00:00.000Z"))),
            at + h,
            every,
            false
        ));
        assert!(sync_due(
            Some(&snap("complete", Some("2026-11-01T11:00:00.000Z"))),
            at,
            every,
            true
        ));
    }
}

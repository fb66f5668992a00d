//! The open organisation — its client, its file's connections, what the admin may do — and the
//! session that opens, recovers, re-keys and removes orgs. Blocking calls (the credential
//! store, SQLite) are plain functions: the shell runs them on a blocking pool.

use super::link::{Connectivity, Link, WriteBlock};
use super::orgs::{OrgEntry, RegionName, Registry};
use crate::access::Access;
use crate::actions::Actor;
use crate::connect::{check, ConnectError};
use jumpcloud::{ApiKey, Client, ClientConfig, Method};
use parking_lot::{Mutex, MutexGuard, RwLock};
use rollcall_cache::{Cache, CacheError, OpenOutcome, SnapshotInfo};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Size of the demo organisation (users; devices and groups follow from it).
pub const DEMO_USERS: usize = 400;

/// Why the credential store could not give, keep or forget a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The organisation's key is not in the store (removed outside Rollcall).
    #[error("The API key of this organisation is not in the system credential store any more. Connect it again with its key.")]
    Missing,
    /// The store refused (locked, not running, …), in an admin-readable sentence.
    #[error("{0}")]
    Store(String),
}

/// Where API keys live: the OS credential store in the app, memory in tests.
pub trait KeyStore: Send + Sync {
    fn read(&self, org_id: &str) -> Result<ApiKey, KeyError>;
    /// Stores (or replaces) an org's key.
    fn store(&self, org_id: &str, key: &str) -> Result<(), KeyError>;
    /// Deletes an org's key; a key already gone is fine.
    fn delete(&self, org_id: &str) -> Result<(), KeyError>;
}

/// Why the session could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("No organisation is open. Connect one, or try the demo.")]
    NoOrg,
    #[error("That organisation is not in the list any more.")]
    UnknownOrg,
    /// Nothing may be sent now (offline, or JumpCloud not reached yet).
    #[error("{}", .0.message())]
    Blocked(WriteBlock),
    /// The credential store refused, or the key is not in it.
    #[error(transparent)]
    Key(KeyError),
    /// A request the admin made that cannot be done (a demo with no key to replace, an empty
    /// key, a key of another organisation).
    #[error("{0}")]
    Invalid(String),
    /// A file could not be created, moved or deleted, or the org list saved.
    #[error("{0}")]
    Files(String),
    /// The demo organisation could not start.
    #[error("The demo organisation could not start: {0}")]
    Demo(String),
    #[error(transparent)]
    Cache(#[from] CacheError),
    #[error(transparent)]
    Api(#[from] jumpcloud::Error),
    #[error(transparent)]
    Connect(#[from] ConnectError),
}

pub type Result<T, E = SessionError> = std::result::Result<T, E>;

/// One open organisation.
pub struct ActiveOrg {
    pub entry: OrgEntry,
    pub client: Client,
    pub cache_path: PathBuf,
    /// The readers' connection for what a click waits on (pages, search, panels); also takes
    /// the live updates of actions.
    pub cache: Mutex<Cache>,
    /// A second reader for aggregates (facet counts, group sizes) so that a first page never
    /// queues behind them.
    pub stats: Mutex<Cache>,
    /// What the admin may do; None until JumpCloud has been reached once this session.
    pub access: Mutex<Option<Access>>,
    /// A problem found when the org was opened (a corrupt file moved aside, a key missing
    /// from the credential store).
    pub open_note: Option<String>,
    /// The key could not be read: the cache is browsable, nothing is sent.
    pub key_problem: Option<KeyError>,
    /// Found after opening (the background integrity check).
    pub later_note: Mutex<Option<String>>,
}

impl ActiveOrg {
    pub fn cache(&self) -> MutexGuard<'_, Cache> {
        self.cache.lock()
    }
    pub fn stats(&self) -> MutexGuard<'_, Cache> {
        self.stats.lock()
    }
    pub fn access(&self) -> Option<Access> {
        self.access.lock().clone()
    }
}

/// Everything the status bar, the org switcher and the action buttons need.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrgStatus {
    pub org: Option<OrgEntry>,
    pub orgs: Vec<OrgEntry>,
    pub snapshot: Option<SnapshotInfo>,
    pub connectivity: Connectivity,
    pub access: Option<Access>,
    pub syncing: bool,
    /// The last sync's error, if it failed.
    pub sync_error: Option<String>,
    /// A full sync is due (never synced, or the last one is older than the re-sync interval).
    pub sync_due: bool,
    /// A note to show once (for example: the cache file was damaged and rebuilt).
    pub note: Option<String>,
    /// JumpCloud refused the org's key (rotated, revoked, its admin gone) or the key could not
    /// be read from the credential store: the org offers "Enter a new key".
    pub key_refused: bool,
    /// When the next timed sync runs, and a failed one's retry.
    pub schedule: Option<super::SyncSchedule>,
    /// The groups the open org's sync is limited to (None: the whole org).
    pub scope: Option<super::SyncScope>,
}

/// Whether to send the permission probes again or reuse what this key already told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relearn {
    /// Reuse what was learned with this key (probe only when nothing was).
    IfUnknown,
    /// Probe now (the admin asked; JumpCloud refused something for the role).
    Now,
}

/// The demo simulator, started on first use.
pub(super) struct DemoSim {
    pub base_url: String,
    pub org_id: String,
    pub org_name: String,
    pub provider_id: String,
    pub key: String,
}

/// The organisations of one running Rollcall and the one open now.
pub struct OrgSession {
    pub(crate) data_dir: PathBuf,
    pub registry: Mutex<Registry>,
    pub(crate) keys: Box<dyn KeyStore>,
    pub(super) active: RwLock<Option<Arc<ActiveOrg>>>,
    demo: Mutex<Option<DemoSim>>,
    /// Reachability, the key's standing, the running sync.
    pub link: Link,
    /// The demo simulator starts afresh with each launch: its copy is re-synced once per run.
    demo_synced: AtomicBool,
    /// The sync timer's failures and retry (`timer.rs`).
    pub(super) timer: Mutex<super::timer::TimerState>,
    /// What is kept across organisations (`crate::fleet`).
    pub fleet: crate::fleet::Fleet,
}

/// Who is acting, for the audit trail: the OS account running Rollcall.
pub fn operator() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "local admin".into())
}

impl OrgSession {
    /// A session over the org list in `config_dir` and the org files in `data_dir`.
    pub fn new(config_dir: &std::path::Path, data_dir: PathBuf, keys: Box<dyn KeyStore>) -> Self {
        Self {
            data_dir,
            registry: Mutex::new(Registry::load(config_dir)),
            keys,
            active: RwLock::new(None),
            demo: Mutex::new(None),
            link: Link::default(),
            demo_synced: AtomicBool::new(false),
            timer: Mutex::new(Default::default()),
            fleet: Default::default(),
        }
    }

    /// The open org, or an error telling the admin to connect one.
    pub fn active(&self) -> Result<Arc<ActiveOrg>> {
        self.try_active().ok_or(SessionError::NoOrg)
    }

    pub fn try_active(&self) -> Option<Arc<ActiveOrg>> {
        self.active.read().clone()
    }

    /// A connected org's entry (the demo's as it runs now).
    pub fn entry(&self, org_id: &str) -> Result<OrgEntry> {
        let entry = self
            .registry
            .lock()
            .get(org_id)
            .cloned()
            .ok_or(SessionError::UnknownOrg)?;
        if entry.demo {
            self.demo_entry()
        } else {
            Ok(entry)
        }
    }

    /// The org to open at launch: the demo when asked for, else the last one open (if any).
    pub fn entry_at_launch(&self, demo: bool) -> Result<Option<OrgEntry>> {
        if demo {
            return self.demo_entry().map(Some);
        }
        let last = self.registry.lock().last_active().cloned();
        match last {
            Some(e) if e.demo => self.demo_entry().map(Some),
            other => Ok(other),
        }
    }

    pub fn connectivity(&self) -> Connectivity {
        self.link.connectivity()
    }

    pub fn set_connectivity(&self, c: Connectivity) -> bool {
        self.link.set_connectivity(c)
    }

    /// Notes the outcome of any request to JumpCloud (see `Link::observe`).
    pub fn observe(&self, result: std::result::Result<(), &jumpcloud::Error>) -> bool {
        self.link.observe(result)
    }

    /// Why writes are refused now, if they are.
    pub fn write_block_reason(&self) -> Option<String> {
        self.link.write_block().map(|b| b.message().to_string())
    }

    /// The open org, the admin's access and the audit actor, for a command that writes to
    /// JumpCloud: refused with the reason while offline or before the role is known.
    pub fn for_writes(&self, run_id: Option<String>) -> Result<(Arc<ActiveOrg>, Access, Actor)> {
        let org = self.active()?;
        if let Some(b) = self.link.write_block() {
            return Err(SessionError::Blocked(b));
        }
        let access = org.access().ok_or_else(|| {
            SessionError::Blocked(WriteBlock::NotReady(
                "Rollcall has not confirmed your role with JumpCloud yet; try again in a moment.".into(),
            ))
        })?;
        let actor = Actor {
            org_id: org.entry.id.clone(),
            operator: operator(),
            run_id,
        };
        Ok((org, access, actor))
    }

    /// Starts the demo simulator (once); its org id, name, base URL and key.
    fn demo_sim(&self) -> Result<(String, String, String, ApiKey)> {
        let mut demo = self.demo.lock();
        if demo.is_none() {
            *demo = Some(start_demo()?);
        }
        let d = demo
            .as_ref()
            .ok_or_else(|| SessionError::Demo("it did not start".into()))?;
        Ok((
            d.org_id.clone(),
            d.org_name.clone(),
            d.base_url.clone(),
            ApiKey::new(d.key.clone()),
        ))
    }

    /// The MSP provider id, when known (the demo's; real orgs do not expose it).
    pub fn provider_id(&self, entry: &OrgEntry) -> Option<String> {
        if entry.demo {
            self.demo.lock().as_ref().map(|d| d.provider_id.clone())
        } else {
            None
        }
    }

    /// The demo's entry in the org list (starts the simulator).
    pub fn demo_entry(&self) -> Result<OrgEntry> {
        let (id, name, _, _) = self.demo_sim()?;
        Ok(OrgEntry {
            id,
            name,
            region: RegionName::US,
            base_url: None,
            send_org_id: false,
            demo: true,
        })
    }

    /// A client for an org entry with the given key.
    pub fn client_for(&self, entry: &OrgEntry, key: ApiKey) -> Result<Client> {
        let endpoints = if entry.demo {
            jumpcloud::Endpoints::custom(&self.demo_sim()?.2)
        } else {
            entry.endpoints()
        };
        let mut cfg = ClientConfig::new(endpoints, key);
        if entry.send_org_id {
            cfg = cfg.with_org(entry.id.clone());
        }
        Ok(Client::new(cfg)?)
    }

    /// Opens an org: its key (credential store, or the demo's), client and file. Blocking;
    /// does not touch the network (`refresh_access` does).
    pub fn activate(&self, entry: OrgEntry) -> Result<Arc<ActiveOrg>> {
        let (key, key_problem) = if entry.demo {
            (self.demo_sim()?.3, None)
        } else {
            match self.keys.read(&entry.id) {
                Ok(k) => (k, None),
                // A placeholder the client accepts; nothing is sent while `key_problem` is set.
                Err(e) => (ApiKey::new("unavailable"), Some(e)),
            }
        };
        let client = self.client_for(&entry, key)?;
        let cache_path = rollcall_cache::org_file(&self.data_dir, &entry.id);
        if let Some(dir) = cache_path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| SessionError::Files(format!("Cannot create {}: {e}", dir.display())))?;
        }
        let started = std::time::Instant::now();
        let (cache, outcome) = Cache::open_for_browsing(&cache_path)?;
        tracing::info!(ms = started.elapsed().as_millis() as u64, file = %cache_path.display(), "cache opened");
        let open_note = match outcome {
            OpenOutcome::Recovered { moved_to, reason } => Some(format!(
                "The local copy of {} was damaged ({reason}). It was moved to {} and a fresh copy is being built by a full sync.",
                entry.name,
                moved_to.display()
            )),
            _ => None,
        }
        .or_else(|| key_problem.clone().map(|p| format!("{p} Until then the local copy can be browsed, searched and exported, but nothing is sent to JumpCloud.")));
        let (stats, _) = Cache::open_for_browsing(&cache_path)?;
        // Aggregates scan whole narrow tables, reading each page once per query: a page cache
        // does not speed a scan up (the system's file cache does), it only holds memory — at
        // 50,000 people a 16 MB one filled at launch. 4 MB keeps the tables' upper levels.
        stats
            .connection()
            .pragma_update(None, "cache_size", -4_096)
            .map_err(CacheError::from)?;
        let now = rollcall_cache::dates::now_rfc3339();
        let settled = cache.audit_settle_interrupted(&now)? + cache.settle_interrupted_steps(&now)?;
        if settled > 0 {
            tracing::warn!(
                settled,
                "actions left pending by a previous run are now 'outcome unknown'"
            );
        }
        let org = Arc::new(ActiveOrg {
            entry: entry.clone(),
            client,
            cache_path,
            cache: Mutex::new(cache),
            stats: Mutex::new(stats),
            access: Mutex::new(None),
            open_note,
            key_problem: key_problem.clone(),
            later_note: Mutex::new(None),
        });
        *self.active.write() = Some(org.clone());
        self.link.reset(key_problem.map(|p| p.to_string()));
        *self.timer.lock() = Default::default();
        if let Err(e) = self.registry.lock().upsert(entry) {
            tracing::warn!(error = %e, "could not save the organisation list");
        }
        Ok(org)
    }

    /// Stores a key that was just tested, opens the org with it and keeps what the test
    /// learned of the admin's role (no probe is sent again). Blocking.
    pub fn open_with_key(&self, entry: OrgEntry, key: &str, access: Access) -> Result<Arc<ActiveOrg>> {
        self.keys.store(&entry.id, key).map_err(SessionError::Key)?;
        let org = self.activate(entry)?;
        if let Err(e) = crate::access::keep(&org.cache(), &org.client, &access) {
            tracing::warn!(error = %e, "could not keep the admin's access");
        }
        *org.access.lock() = Some(access);
        self.set_connectivity(Connectivity::Online);
        Ok(org)
    }

    /// Adds an organisation a multi-tenant key reaches without opening it: its key entry in
    /// the credential store (one per organisation) and its place in the list. It is opened,
    /// and its copy made, when the admin switches to it. Blocking.
    pub fn add_with_key(&self, entry: OrgEntry, key: &str) -> Result<()> {
        self.keys.store(&entry.id, key).map_err(SessionError::Key)?;
        if let Err(e) = self.registry.lock().upsert(entry) {
            tracing::warn!(error = %e, "could not save the organisation list");
        }
        Ok(())
    }

    /// "Enter a new key": tests `key` against the org's own region and ID and refuses a key
    /// that reaches another organisation. Returns the entry and what the test learned; the
    /// caller then stores it with `open_with_key`. Nothing changes when it fails.
    pub async fn check_new_key(&self, org_id: &str, key: &str) -> Result<(OrgEntry, Access)> {
        let entry = self
            .registry
            .lock()
            .get(org_id)
            .cloned()
            .ok_or(SessionError::UnknownOrg)?;
        if entry.demo {
            return Err(SessionError::Invalid(
                "The demo organisation has its own key; there is nothing to replace.".into(),
            ));
        }
        if key.trim().is_empty() {
            return Err(SessionError::Invalid(
                "Enter the new API key (Admin Portal → your name, top right → My API Key).".into(),
            ));
        }
        let client = self.client_for(&entry, ApiKey::new(key.trim().to_string()))?;
        let found = check(&client, entry.send_org_id.then_some(entry.id.as_str())).await?;
        if !found.org.id.eq_ignore_ascii_case(&entry.id) {
            return Err(SessionError::Invalid(format!(
                "This key belongs to {} ({}), not to {} ({}). Nothing was changed. Use a key of an administrator of {}, or connect {} as another organisation.",
                found.org.name, found.org.id, entry.name, entry.id, entry.name, found.org.name
            )));
        }
        Ok((entry, found.access))
    }

    /// Learns the admin's access and sets connectivity. What was learned with this key before
    /// is reused (one cheap request confirms JumpCloud answers); otherwise, or when `how` is
    /// `Now` (the admin asked, or JumpCloud refused something for the role), the 4 probe
    /// requests are sent and what they find is kept.
    pub async fn refresh_access(&self, org: &ActiveOrg, how: Relearn) -> Result<Access, jumpcloud::Error> {
        if let Some(p) = &org.key_problem {
            return Err(jumpcloud::Error::Config(p.to_string()));
        }
        let kept = match how {
            Relearn::IfUnknown => crate::access::kept(&org.cache(), &org.client),
            Relearn::Now => None,
        };
        let result = match kept {
            Some(a) => org
                .client
                .call(Method::GET, "/api/organizations?limit=1", None)
                .await
                .map(|_| a),
            None => {
                let probed = crate::access::probe(&org.client).await;
                if let Ok(a) = &probed {
                    if let Err(e) = crate::access::keep(&org.cache(), &org.client, a) {
                        tracing::warn!(error = %e, "could not keep the admin's access");
                    }
                }
                probed
            }
        };
        self.observe(result.as_ref().map(|_| ()));
        match &result {
            Ok(a) => *org.access.lock() = Some(a.clone()),
            // JumpCloud answered but refused the key (revoked, suspended admin, abuse block):
            // nothing can be sent until the admin acts, and the status bar says why.
            Err(e @ (jumpcloud::Error::Unauthorized { .. } | jumpcloud::Error::Blocked { .. })) => {
                self.set_connectivity(Connectivity::Offline(e.to_string()));
                self.link.set_sync_error(Some(e.to_string()));
            }
            Err(_) => {}
        }
        result
    }

    /// One cheap request to see whether JumpCloud answers again.
    pub async fn ping(&self, org: &ActiveOrg) -> bool {
        if org.key_problem.is_some() {
            return false;
        }
        let r = org.client.call(Method::GET, "/api/organizations?limit=1", None).await;
        self.observe(r.as_ref().map(|_| ()));
        r.is_ok()
    }

    /// One pass of the reconnect watch: while offline, asks JumpCloud once; before it was
    /// reached, learns the role. True when connectivity changed.
    pub async fn reconnect_tick(&self) -> bool {
        let Some(org) = self.try_active() else { return false };
        match self.connectivity() {
            Connectivity::Offline(_) => {
                let back = self.ping(&org).await;
                if back && org.access().is_none() {
                    let _ = self.refresh_access(&org, Relearn::IfUnknown).await;
                }
                back
            }
            Connectivity::Unknown => {
                self.refresh_access(&org, Relearn::IfUnknown).await.is_ok()
                    || matches!(self.connectivity(), Connectivity::Offline(_))
            }
            Connectivity::Online => false,
        }
    }

    /// A full sync of the open org (one at a time), announced through `events`; learns the
    /// role afterwards when it is not known yet.
    pub async fn sync(
        &self,
        events: &dyn super::SessionEvents,
    ) -> std::result::Result<crate::SyncReport, SyncStartError> {
        let org = self.active()?;
        if let Some(p) = &org.key_problem {
            return Err(SessionError::Key(p.clone()).into());
        }
        // One sync writes an org's file at a time, this one or a pass over every org's.
        let Some(_claim) = self.fleet.claim(&org.entry.id) else {
            return Err(super::SyncRunError::AlreadyRunning.into());
        };
        let scope = self.scope();
        let opts = crate::SyncOptions {
            provider_id: self.provider_id(&org.entry),
            user_groups: scope.user_groups,
            system_groups: scope.system_groups,
            ..Default::default()
        };
        let report = self.link.sync(&org.client, &org.cache_path, &opts, events).await?;
        if org.entry.demo {
            self.demo_synced.store(true, Ordering::SeqCst);
        }
        *self.timer.lock() = Default::default();
        self.fleet.forget_failure(&org.entry.id);
        if org.access().is_none() {
            let _ = self.refresh_access(&org, Relearn::IfUnknown).await;
        }
        Ok(report)
    }

    pub fn status(&self) -> OrgStatus {
        let org = self.try_active();
        let snapshot = org.as_ref().and_then(|o| o.cache().snapshot().ok());
        let demo_fresh = org
            .as_ref()
            .is_some_and(|o| o.entry.demo && !self.demo_synced.load(Ordering::SeqCst));
        let sync_due = super::sync_due(
            snapshot.as_ref(),
            rollcall_cache::dates::now_ms(),
            crate::schedule::DEFAULT_RESYNC_EVERY,
            demo_fresh,
        );
        let schedule = self.schedule(snapshot.as_ref().and_then(|s| s.as_of.as_deref()));
        OrgStatus {
            org: org.as_ref().map(|o| o.entry.clone()),
            orgs: self.registry.lock().orgs().to_vec(),
            snapshot,
            scope: Some(self.scope()).filter(|s| !s.is_whole_org()),
            connectivity: self.connectivity(),
            access: org.as_ref().and_then(|o| o.access()),
            syncing: self.link.syncing(),
            sync_error: self.link.sync_error(),
            sync_due,
            key_refused: org.as_ref().is_some_and(|o| !o.entry.demo && o.key_problem.is_some())
                || self.link.key_refused(),
            schedule,
            // The most recent finding first: damage found after opening, then what opening found.
            note: org.as_ref().and_then(|o| {
                let notes: Vec<String> = [o.later_note.lock().clone(), o.open_note.clone()]
                    .into_iter()
                    .flatten()
                    .collect();
                (!notes.is_empty()).then(|| notes.join(" "))
            }),
        }
    }
}

/// A sync that could not start or did not finish.
#[derive(Debug, thiserror::Error)]
pub enum SyncStartError {
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    Run(#[from] super::SyncRunError),
}

#[cfg(feature = "demo")]
fn start_demo() -> Result<DemoSim> {
    super::demo::start(DEMO_USERS).map_err(SessionError::Demo)
}

#[cfg(not(feature = "demo"))]
fn start_demo() -> Result<DemoSim> {
    Err(SessionError::Demo("this build has no demo organisation".into()))
}

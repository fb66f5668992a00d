//! The open organisation: its client, its cache connection, what the admin may do, and whether
//! JumpCloud is reachable. Also the demo organisation (jcsim in-process) and the background
//! reconnect loop.

use crate::error::{AppError, AppResult, ErrorCode};
use crate::keys;
use crate::orgs::{OrgEntry, RegionName, Registry};
use crate::paths::AppPaths;
use jumpcloud::{ApiKey, Client, ClientConfig, Method};
use rollcall_cache::lock;
use rollcall_cache::{Cache, OpenOutcome, SnapshotInfo};
use rollcall_core::access::Access;
use rollcall_core::actions::Actor;
pub use rollcall_core::session::Connectivity;
use rollcall_core::session::{Link, WriteBlock};
use serde::Serialize;
use specta::Type;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

/// Size of the demo organisation (users; devices and groups follow from it).
pub const DEMO_USERS: usize = 400;

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
    pub key_problem: Option<String>,
    /// Found after opening (the background integrity check).
    pub later_note: Mutex<Option<String>>,
}

impl ActiveOrg {
    pub fn cache(&self) -> MutexGuard<'_, Cache> {
        lock(&self.cache)
    }
    pub fn stats(&self) -> MutexGuard<'_, Cache> {
        lock(&self.stats)
    }
    pub fn access(&self) -> Option<Access> {
        lock(&self.access).clone()
    }
}

/// The demo simulator, started on first use.
pub struct DemoSim {
    pub base_url: String,
    pub org_id: String,
    pub org_name: String,
    pub provider_id: String,
    key: String,
}

/// Everything the status bar, the org switcher and the action buttons need.
#[derive(Debug, Clone, Serialize, Type)]
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
}

/// Whether to send the permission probes again or reuse what this key already told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relearn {
    /// Reuse what was learned with this key (probe only when nothing was).
    IfUnknown,
    /// Probe now (the admin asked; JumpCloud refused something for the role).
    Now,
}

/// Tauri-managed state.
pub struct Session {
    pub paths: AppPaths,
    pub registry: Mutex<Registry>,
    active: RwLock<Option<Arc<ActiveOrg>>>,
    demo: Mutex<Option<DemoSim>>,
    /// Reachability, the key's standing, the running sync (rollcall-core's session).
    pub link: Link,
    /// The demo simulator starts afresh with each launch: its copy is re-synced once per run.
    pub demo_synced: std::sync::atomic::AtomicBool,
}

/// Who is acting, for the audit trail: the OS account running Rollcall.
pub fn operator() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "local admin".into())
}

impl Session {
    pub fn new(paths: AppPaths) -> Self {
        let registry = Registry::load(&paths.config_dir);
        Self {
            paths,
            registry: Mutex::new(registry),
            active: RwLock::new(None),
            demo: Mutex::new(None),
            link: Link::default(),
            demo_synced: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// The open org, or an error telling the admin to connect one.
    pub fn active(&self) -> AppResult<Arc<ActiveOrg>> {
        self.active
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| {
                AppError::new(
                    ErrorCode::Invalid,
                    "No organisation is open. Connect one, or try the demo.",
                )
            })
    }

    pub fn try_active(&self) -> Option<Arc<ActiveOrg>> {
        self.active.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn connectivity(&self) -> Connectivity {
        self.link.connectivity()
    }

    pub fn set_connectivity(&self, c: Connectivity) -> bool {
        self.link.set_connectivity(c)
    }

    /// Notes the outcome of any request to JumpCloud (see `Link::observe`).
    pub fn observe(&self, result: Result<(), &jumpcloud::Error>) -> bool {
        self.link.observe(result)
    }

    /// Refuses writes while offline, with the reason.
    pub fn write_block_reason(&self) -> Option<String> {
        self.link.write_block().map(|b| b.message().to_string())
    }

    /// Why writes are refused now (offline, or JumpCloud not reached yet), as the error.
    fn write_block(&self) -> Option<AppError> {
        self.link.write_block().map(|b| match b {
            WriteBlock::Offline(m) => AppError::new(ErrorCode::Offline, m),
            WriteBlock::NotReady(m) => AppError::new(ErrorCode::NotReady, m),
        })
    }

    /// The open org, the admin's access and the audit actor, for a command that writes to
    /// JumpCloud: refused with the reason while offline or before the role is known.
    pub fn for_writes(&self, run_id: Option<String>) -> AppResult<(Arc<ActiveOrg>, Access, Actor)> {
        let org = self.active()?;
        if let Some(e) = self.write_block() {
            return Err(e);
        }
        let access = org.access().ok_or_else(|| {
            AppError::new(
                ErrorCode::NotReady,
                "Rollcall has not confirmed your role with JumpCloud yet; try again in a moment.",
            )
        })?;
        let actor = Actor {
            org_id: org.entry.id.clone(),
            operator: operator(),
            run_id,
        };
        Ok((org, access, actor))
    }

    /// Starts the demo simulator (once) and returns its org id, name, base URL and key.
    pub fn demo_sim(&self) -> AppResult<(String, String, String, ApiKey)> {
        let mut demo = lock(&self.demo);
        if demo.is_none() {
            let mut cfg = jcsim::SeedConfig::sized(2026, DEMO_USERS);
            cfg.hostile = true;
            cfg.second_org = false;
            cfg.org_name = "Northwind Demo Co.".into();
            let (base_url, state) = jcsim::serve_on_own_thread(cfg)
                .map_err(|e| AppError::internal(format!("The demo organisation could not start: {e}")))?;
            let w = state.world.read().unwrap_or_else(|p| p.into_inner());
            let org = &w.orgs[0];
            let key = w
                .admins
                .iter()
                .find(|a| a.role == jcsim::model::Role::Administrator && !a.multi_tenant)
                .map(|a| a.api_key.clone())
                .ok_or_else(|| AppError::internal("the demo organisation has no administrator"))?;
            tracing::info!(%base_url, "demo organisation started");
            let provider_id = w.provider_id.clone();
            *demo = Some(DemoSim {
                provider_id,
                base_url,
                org_id: org.id().to_string(),
                org_name: org.name().to_string(),
                key,
            });
        }
        let d = demo.as_ref().ok_or_else(|| AppError::internal("demo not started"))?;
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
            lock(&self.demo).as_ref().map(|d| d.provider_id.clone())
        } else {
            None
        }
    }

    /// The demo's entry in the org list.
    pub fn demo_entry(&self) -> AppResult<OrgEntry> {
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
    pub fn client_for(&self, entry: &OrgEntry, key: ApiKey) -> AppResult<Client> {
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

    /// Opens an org: its key (keyring, or the demo's), client and cache. Does not touch the
    /// network; `refresh_access` does.
    pub fn activate(&self, entry: OrgEntry) -> AppResult<Arc<ActiveOrg>> {
        let (key, key_problem) = if entry.demo {
            (self.demo_sim()?.3, None)
        } else {
            match keys::read(&entry.id) {
                Ok(k) => (k, None),
                // A placeholder the client accepts; nothing is sent while `key_problem` is set.
                Err(e) => (ApiKey::new("unavailable"), Some(e.message)),
            }
        };
        let client = self.client_for(&entry, key)?;
        let cache_path = rollcall_cache::org_file(&self.paths.data_dir, &entry.id);
        if let Some(dir) = cache_path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| AppError::new(ErrorCode::Cache, format!("Cannot create {}: {e}", dir.display())))?;
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
        // Aggregates scan narrow tables once; a 16 MB page cache is plenty and keeps memory down.
        stats
            .connection()
            .pragma_update(None, "cache_size", -16_384)
            .map_err(rollcall_cache::CacheError::from)?;
        let settled = cache.audit_settle_interrupted(&rollcall_core::sync::now_rfc3339())?
            + cache.settle_interrupted_steps(&rollcall_core::sync::now_rfc3339())?;
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
        *self.active.write().unwrap_or_else(|p| p.into_inner()) = Some(org.clone());
        self.link.reset(key_problem);
        if let Err(e) = lock(&self.registry).upsert(entry) {
            tracing::warn!(error = %e, "could not save the organisation list");
        }
        Ok(org)
    }

    /// Learns the admin's access and sets connectivity. What was learned with this key before
    /// is reused (one cheap request confirms JumpCloud answers); otherwise, or when `how` is
    /// `Relearn` (the admin asked, or JumpCloud refused something for the role), the 4 probe
    /// requests are sent and what they find is kept.
    pub async fn refresh_access(&self, org: &ActiveOrg, how: Relearn) -> Result<Access, jumpcloud::Error> {
        if let Some(p) = &org.key_problem {
            return Err(jumpcloud::Error::Config(p.clone()));
        }
        let kept = match how {
            Relearn::IfUnknown => rollcall_core::access::kept(&org.cache(), &org.client),
            Relearn::Now => None,
        };
        let result = match kept {
            Some(a) => org
                .client
                .call(Method::GET, "/api/organizations?limit=1", None)
                .await
                .map(|_| a),
            None => {
                let probed = rollcall_core::access::probe(&org.client).await;
                if let Ok(a) = &probed {
                    if let Err(e) = rollcall_core::access::keep(&org.cache(), &org.client, a) {
                        tracing::warn!(error = %e, "could not keep the admin's access");
                    }
                }
                probed
            }
        };
        self.observe(result.as_ref().map(|_| ()));
        match &result {
            Ok(a) => *lock(&org.access) = Some(a.clone()),
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

    pub fn status(&self) -> OrgStatus {
        let org = self.try_active();
        let registry = lock(&self.registry);
        let snapshot = org.as_ref().and_then(|o| o.cache().snapshot().ok());
        let demo_fresh = org
            .as_ref()
            .is_some_and(|o| o.entry.demo && !self.demo_synced.load(std::sync::atomic::Ordering::SeqCst));
        let now = rollcall_cache::dates::now_ms();
        let sync_due = rollcall_core::session::sync_due(
            snapshot.as_ref(),
            now,
            rollcall_core::schedule::DEFAULT_RESYNC_EVERY,
            demo_fresh,
        );
        OrgStatus {
            org: org.as_ref().map(|o| o.entry.clone()),
            orgs: registry.orgs().to_vec(),
            snapshot,
            connectivity: self.connectivity(),
            access: org.as_ref().and_then(|o| o.access()),
            syncing: self.link.syncing(),
            sync_error: self.link.sync_error(),
            sync_due,
            key_refused: org.as_ref().is_some_and(|o| !o.entry.demo && o.key_problem.is_some())
                || self.link.key_refused(),
            // The most recent finding first: damage found after opening, then what opening found.
            note: org.as_ref().and_then(|o| {
                let notes: Vec<String> = [lock(&o.later_note).clone(), o.open_note.clone()]
                    .into_iter()
                    .flatten()
                    .collect();
                (!notes.is_empty()).then(|| notes.join(" "))
            }),
        }
    }

    /// The background check found the open org's file damaged: it is moved aside and the org
    /// reopened on a fresh file, which the next sync fills. Returns the note shown to the admin.
    pub fn recover_damaged(&self, org: &ActiveOrg, reason: &str) -> String {
        if self.try_active().map(|a| a.entry.id.clone()) != Some(org.entry.id.clone()) {
            // The admin has moved on to another org; its next opening checks it again.
            return format!("The local copy of {} is damaged ({reason}).", org.entry.name);
        }
        let note = match rollcall_cache::db::move_aside(&org.cache_path) {
            Ok(moved_to) => match self.activate(org.entry.clone()) {
                Ok(_) => format!(
                    "The local copy of {} was damaged ({reason}). It was moved to {} and Rollcall started a fresh one: press Sync now to fill it.",
                    org.entry.name,
                    moved_to.display()
                ),
                Err(e) => format!("The local copy of {} was damaged ({reason}) and could not be replaced: {}", org.entry.name, e.message),
            },
            Err(e) => format!(
                "The local copy of {} is damaged ({reason}) and could not be moved aside ({e}). Remove the organisation and connect it again.",
                org.entry.name
            ),
        };
        if let Some(now) = self.try_active() {
            *lock(&now.later_note) = Some(note.clone());
        }
        note
    }

    /// Forgets an org: keyring entry, cache file (and its WAL), registry entry.
    pub fn remove(&self, id: &str) -> AppResult<()> {
        let is_active = self.try_active().is_some_and(|o| o.entry.id == id);
        if is_active {
            self.link.cancel_sync();
            *self.active.write().unwrap_or_else(|p| p.into_inner()) = None;
        }
        let demo = lock(&self.registry).get(id).is_some_and(|o| o.demo);
        if !demo {
            keys::delete(id)?;
        }
        let path = rollcall_cache::org_file(&self.paths.data_dir, id);
        for suffix in ["", "-wal", "-shm"] {
            let p = PathBuf::from(format!("{}{suffix}", path.display()));
            if p.exists() {
                std::fs::remove_file(&p)
                    .map_err(|e| AppError::new(ErrorCode::Cache, format!("Could not delete {}: {e}", p.display())))?;
            }
        }
        lock(&self.registry)
            .remove(id)
            .map_err(|e| AppError::internal(format!("Could not save the organisation list: {e}")))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Seek, SeekFrom, Write};

    #[test]
    fn a_damaged_cache_found_after_opening_is_moved_aside_and_replaced() {
        keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
        let dir = tempfile::tempdir().unwrap();
        let paths = AppPaths::under(dir.path());
        paths.create_all().unwrap();
        let entry = OrgEntry {
            id: "5f00000000000000000000aa".into(),
            name: "Acme".into(),
            region: RegionName::US,
            base_url: Some("http://127.0.0.1:9".into()),
            send_org_id: false,
            demo: false,
        };
        // A cache with enough pages that damage in the middle leaves the header readable.
        let file = rollcall_cache::org_file(&paths.data_dir, &entry.id);
        {
            let (c, _) = Cache::open(&file).unwrap();
            c.connection()
                .execute_batch("CREATE TABLE filler(x); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 20000) INSERT INTO filler SELECT hex(randomblob(64)) FROM n;")
                .unwrap();
        }
        let len = std::fs::metadata(&file).unwrap().len();
        let mut f = std::fs::OpenOptions::new().write(true).open(&file).unwrap();
        f.seek(SeekFrom::Start(len / 2)).unwrap();
        f.write_all(&[0xA5; 8192]).unwrap();
        drop(f);

        let session = Session::new(paths);
        let org = session
            .activate(entry)
            .expect("a damaged file still opens for browsing");
        assert!(org.key_problem.is_some(), "no key in the (mock) keyring: browsing only");
        let err = rollcall_cache::db::quick_check_file(&org.cache_path).expect_err("the damage is found");
        assert!(err.is_corruption(), "{err}");
        let note = session.recover_damaged(&org, &err.to_string());
        assert!(note.contains("moved to") && note.contains("Sync now"), "{note}");
        assert!(
            rollcall_cache::db::quick_check_file(&file).is_ok(),
            "a fresh file took its place"
        );
        let moved = std::fs::read_dir(file.parent().unwrap())
            .unwrap()
            .filter_map(|e| e.ok())
            .any(|e| e.file_name().to_string_lossy().contains(".corrupt-"));
        assert!(moved, "the damaged file was kept aside");
        let shown = session.status().note.unwrap_or_default();
        assert!(
            shown.starts_with(&note),
            "the damage is the first thing the banner says: {shown}"
        );
    }
}

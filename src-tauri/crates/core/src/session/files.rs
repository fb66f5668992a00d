//! The org's file on disk: checking it, replacing a damaged one, deleting it with the org.

use super::open::{ActiveOrg, OrgSession, Result, SessionError};
use std::path::PathBuf;

impl OrgSession {
    /// Checks the open org's file (blocking; seconds on a large file). A damaged file is moved
    /// aside and the org reopened on a fresh one, which the next sync fills; returns the note
    /// shown to the admin then.
    pub fn check_file(&self, org: &ActiveOrg) -> Option<String> {
        let started = std::time::Instant::now();
        let result = rollcall_cache::db::quick_check_file(&org.cache_path);
        tracing::info!(
            ms = started.elapsed().as_millis() as u64,
            ok = result.is_ok(),
            "background check of the cache file"
        );
        let damage = result.err().filter(|e| e.is_corruption())?;
        let note = self.recover_damaged(org, &damage.to_string());
        tracing::error!(%note, "cache file damaged");
        Some(note)
    }

    /// The open org's file was found damaged: it is moved aside and the org reopened on a
    /// fresh file, which the next sync fills. Returns the note shown to the admin.
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
                Err(e) => format!("The local copy of {} was damaged ({reason}) and could not be replaced: {e}", org.entry.name),
            },
            Err(e) => format!(
                "The local copy of {} is damaged ({reason}) and could not be moved aside ({e}). Remove the organisation and connect it again.",
                org.entry.name
            ),
        };
        if let Some(now) = self.try_active() {
            *now.later_note.lock() = Some(note.clone());
        }
        note
    }

    /// An org's name, for a confirmation.
    pub fn name_of(&self, org_id: &str) -> Result<String> {
        self.registry
            .lock()
            .get(org_id)
            .map(|o| o.name.clone())
            .ok_or(SessionError::UnknownOrg)
    }

    /// Forgets an org: its key, its file (and WAL), its entry in the list. Blocking.
    pub fn remove(&self, id: &str) -> Result<()> {
        let is_active = self.try_active().is_some_and(|o| o.entry.id == id);
        if is_active {
            self.link.cancel_sync();
            *self.active.write() = None;
        }
        let demo = self.registry.lock().get(id).is_some_and(|o| o.demo);
        if !demo {
            self.keys.delete(id).map_err(SessionError::Key)?;
        }
        let path = rollcall_cache::org_file(&self.data_dir, id);
        for suffix in ["", "-wal", "-shm"] {
            let p = PathBuf::from(format!("{}{suffix}", path.display()));
            if p.exists() {
                std::fs::remove_file(&p)
                    .map_err(|e| SessionError::Files(format!("Could not delete {}: {e}", p.display())))?;
            }
        }
        self.fleet.forget(id);
        self.registry
            .lock()
            .remove(id)
            .map_err(|e| SessionError::Files(format!("Could not save the organisation list: {e}")))?;
        Ok(())
    }
}

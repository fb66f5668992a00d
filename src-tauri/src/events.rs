//! Typed events the front end listens to. Today the front end refetches all of an org's data
//! on `CacheChanged` (whatever its kinds) and the status on `StatusChanged`; the kinds are sent
//! so that it can narrow that later.

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::AppHandle;
use tauri_specta::Event;

/// The cache of the open org changed (a sync finished or became browsable, an action landed).
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct CacheChanged {
    pub org_id: String,
    /// What changed: `users`, `systems`, `groups`, `audit`, or `all`.
    pub kinds: Vec<String>,
}

/// Connectivity, access, sync state or the org list changed: refetch the status.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct StatusChanged;

pub fn cache_changed(app: &AppHandle, org_id: &str, kinds: &[&str]) {
    let e = CacheChanged {
        org_id: org_id.to_string(),
        kinds: kinds.iter().map(|k| k.to_string()).collect(),
    };
    if let Err(err) = e.emit(app) {
        tracing::warn!(error = %err, "could not emit CacheChanged");
    }
}

pub fn status_changed(app: &AppHandle) {
    if let Err(err) = StatusChanged.emit(app) {
        tracing::warn!(error = %err, "could not emit StatusChanged");
    }
}

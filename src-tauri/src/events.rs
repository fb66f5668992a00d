//! Typed events the front end listens to: on `CacheChanged` it refetches the queries that show
//! the kinds of data named (ui/src/queryKeys.ts), on `StatusChanged` the status.

use serde::Serialize;
use specta::Type;
use tauri::AppHandle;
use tauri_specta::Event;

pub use rollcall_core::session::DataKind;

/// The cache of the open org changed (a sync finished or became browsable, an action landed).
#[derive(Debug, Clone, Serialize, Type, Event)]
pub struct CacheChanged {
    pub org_id: String,
    /// What changed.
    pub kinds: Vec<DataKind>,
}

/// Connectivity, access, sync state or the org list changed: refetch the status.
#[derive(Debug, Clone, Serialize, Type, Event)]
pub struct StatusChanged;

pub fn cache_changed(app: &AppHandle, org_id: &str, kinds: &[DataKind]) {
    let e = CacheChanged {
        org_id: org_id.to_string(),
        kinds: kinds.to_vec(),
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

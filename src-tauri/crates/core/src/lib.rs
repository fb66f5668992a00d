//! rollcall-core: Rollcall's use cases on top of the API client and the cache: sync now;
//! actions with audit, checklists (templates, evidence reports in CSV and PDF). No Tauri here.

pub mod access;
pub mod actions;
pub mod checklists;
pub mod connect;
pub mod convert;
pub mod evidence;
pub mod export;
pub mod pdf;
pub mod schedule;
pub mod sync;
pub mod templates;

pub use sync::{sync_org, CancelToken, Phase, SyncError, SyncOptions, SyncProgress, SyncReport};

//! rollcall-core: Rollcall's use cases on top of the API client and the cache: sync; actions
//! with audit; reads of what JumpCloud holds now before access is removed (`live`); checklists
//! (templates, evidence reports in CSV and PDF); what the admin's role may do. No Tauri here.

pub mod access;
pub mod actions;
pub mod apispec;
pub mod catalogue;
pub mod certify;
pub mod checklists;
pub mod connect;
pub mod console;
pub mod convert;
pub mod csv_read;
pub mod evidence;
pub mod explore;
pub mod export;
pub mod files;
pub mod fleet;
pub mod live;
pub mod pdf;
pub mod posture;
pub mod report_export;
pub mod review_pdf;
pub mod reviews;
pub mod schedule;
pub mod session;
pub mod sync;
pub mod templates;
pub mod vocabulary;

pub use sync::{sync_org, CancelToken, Phase, SyncError, SyncOptions, SyncProgress, SyncReport};

//! The sync engine and the cache against jcsim.

mod actions;
mod certify;
mod certify_workbook;
mod checklist_kinds;
mod checklists;
mod common;
mod console;
mod fleet;
mod ground_truth;
mod live;
mod living;
mod posture;
mod reports;
mod session;
mod sync;

//! The Reports view: the org's posture at a glance, its trend across syncs, and what changed
//! between two syncs — all from the mirror, offline.

use crate::commands::blocking::{read_on, Reader};
use crate::error::AppResult;
use crate::session::Session;
use rollcall_cache::{dates, Posture, SyncDiff, SyncRun, TrendPoint};
use tauri::State;
use tracing::instrument;

/// The posture of the mirror now; devices silent after `silent_days` days.
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn posture(session: State<'_, Session>, silent_days: u32) -> AppResult<Posture> {
    read_on(&session, Reader::Aggregates, "the posture", move |c| {
        c.posture(dates::now_ms(), silent_days.clamp(1, 3650))
    })
    .await
}

/// The posture figures of the last `limit` complete syncs, oldest first.
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn posture_trends(session: State<'_, Session>, limit: u32) -> AppResult<Vec<TrendPoint>> {
    read_on(&session, Reader::Aggregates, "the trends", move |c| c.trends(limit.clamp(2, 1000))).await
}

/// The last `limit` syncs (complete or not), newest first.
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn sync_history(session: State<'_, Session>, limit: u32) -> AppResult<Vec<SyncRun>> {
    read_on(&session, Reader::Aggregates, "the syncs", move |c| c.sync_runs(limit.clamp(1, 1000))).await
}

/// What changed between complete syncs `from` and `to`.
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn sync_diff(session: State<'_, Session>, from: u32, to: u32) -> AppResult<SyncDiff> {
    read_on(&session, Reader::Aggregates, "what changed", move |c| c.diff(from as i64, to as i64)).await
}

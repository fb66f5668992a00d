//! The Reports view: the org's posture at a glance, its trend across syncs, what changed
//! between two syncs, and the report catalogue (tables, CSV and Excel) — all from the mirror,
//! offline. What each figure and report is, is core's (`rollcall_core::posture`, `catalogue`).

use crate::commands::blocking::{read_on, Reader};
use crate::error::AppResult;
use crate::session::Session;
use rollcall_cache::{dates, SyncDiff, SyncRun, TrendPoint};
use rollcall_core::catalogue::{self, ReportFile, ReportId, ReportInfo, ReportTable};
use rollcall_core::posture::{self, PostureView};
use tauri::{AppHandle, State};
use tracing::instrument;

/// The posture of the mirror now; devices silent after `silent_days` days.
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn posture(session: State<'_, Session>, silent_days: u32) -> AppResult<PostureView> {
    read_on(&session, Reader::Aggregates, "the posture", move |c| {
        posture::measure(c, dates::now_ms(), silent_days.clamp(1, 3650)).map(posture::view)
    })
    .await
}

/// The posture figures of the last `limit` complete syncs, oldest first.
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn posture_trends(session: State<'_, Session>, limit: u32) -> AppResult<Vec<TrendPoint>> {
    read_on(&session, Reader::Aggregates, "the trends", move |c| {
        c.trends(limit.clamp(2, 1000))
    })
    .await
}

/// The last `limit` syncs (complete or not), newest first.
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn sync_history(session: State<'_, Session>, limit: u32) -> AppResult<Vec<SyncRun>> {
    read_on(&session, Reader::Aggregates, "the syncs", move |c| {
        c.sync_runs(limit.clamp(1, 1000))
    })
    .await
}

/// What changed between complete syncs `from` and `to`.
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn sync_diff(session: State<'_, Session>, from: u32, to: u32) -> AppResult<SyncDiff> {
    read_on(&session, Reader::Aggregates, "what changed", move |c| {
        c.diff(from as i64, to as i64)
    })
    .await
}

/// The reports the catalogue offers.
#[tauri::command]
#[specta::specta]
#[instrument(err(Debug))]
pub async fn report_catalogue() -> AppResult<Vec<ReportInfo>> {
    Ok(catalogue::catalogue())
}

/// One report of the catalogue, every row.
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn report_table(session: State<'_, Session>, id: ReportId) -> AppResult<ReportTable> {
    read_on(&session, Reader::Export, "a report", move |c| {
        catalogue::report(c, id, &posture::thresholds_now())
    })
    .await
}

/// Saves reports through the native save dialog: one as CSV, or any as an Excel workbook (a
/// sheet each). The path and the number of rows written; None when the admin cancelled.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn report_export(
    app: AppHandle,
    session: State<'_, Session>,
    ids: Vec<ReportId>,
    format: ReportFile,
) -> AppResult<Option<(String, u32)>> {
    let offer = catalogue::export_offer(&session.active()?.entry.name, &ids, format)?;
    crate::dialogs::save_as(&app, &offer, || async {
        let th = posture::thresholds_now();
        read_on(&session, Reader::Export, "a report export", move |c| {
            catalogue::export(c, &ids, format, &th)
        })
        .await
    })
    .await
}

//! The Reports view: the org's posture at a glance, its trend across syncs, and what changed
//! between two syncs, and the report catalogue (tables, CSV and Excel) — all from the mirror,
//! offline.

use crate::commands::blocking::{read_on, Reader};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::session::Session;
use rollcall_cache::{dates, Posture, ReportId, ReportInfo, ReportTable, SyncDiff, SyncRun, TrendPoint};
use serde::Deserialize;
use specta::Type;
use tauri::{AppHandle, State};
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
    Ok(rollcall_cache::catalogue())
}

/// One report of the catalogue, every row.
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn report_table(session: State<'_, Session>, id: ReportId) -> AppResult<ReportTable> {
    read_on(&session, Reader::Export, "a report", move |c| {
        c.report(id, dates::now_ms())
    })
    .await
}

/// A report file's format.
#[derive(Debug, Clone, Copy, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ReportFile {
    Csv,
    Xlsx,
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
    let org = session.active()?;
    let (one, csv) = match (ids.as_slice(), format) {
        ([], _) => {
            return Err(AppError::new(
                ErrorCode::Invalid,
                "Choose at least one report to export.",
            ))
        }
        ([one], ReportFile::Csv) => (Some(*one), true),
        (_, ReportFile::Csv) => {
            return Err(AppError::new(
                ErrorCode::Invalid,
                "A CSV file holds one report: choose one, or export several as Excel (a sheet each).",
            ))
        }
        _ => (None, false),
    };
    let date = &dates::now_rfc3339()[..10];
    let what = match one {
        Some(id) => id.describe().0.to_lowercase().replace(' ', "-"),
        None => "reports".into(),
    };
    let ext = if csv { "csv" } else { "xlsx" };
    let file_name = format!(
        "{}-{what}-{date}.{ext}",
        crate::commands::browse::safe_name(&org.entry.name)
    );
    let (title, filter) = if csv {
        ("Export the report as CSV", ("CSV", "csv"))
    } else {
        ("Export the reports as Excel", ("Excel workbook", "xlsx"))
    };
    crate::dialogs::save_as(&app, title, &file_name, filter, || async {
        let tables = read_on(&session, Reader::Export, "a report export", move |c| {
            ids.iter()
                .map(|id| c.report(*id, dates::now_ms()))
                .collect::<rollcall_cache::Result<Vec<_>>>()
        })
        .await?;
        let rows: usize = tables.iter().map(|t| t.rows.len()).sum();
        let bytes = if csv {
            rollcall_core::report_export::csv(&tables[0]).into_bytes()
        } else {
            rollcall_core::report_export::xlsx(&tables)
                .map_err(|e| AppError::new(ErrorCode::Internal, format!("The Excel file could not be written: {e}")))?
        };
        Ok((bytes, rows as u32))
    })
    .await
}

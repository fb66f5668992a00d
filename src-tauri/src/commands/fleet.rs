//! Every connected organisation at once: the All organisations overview (and its Excel file),
//! the search across every org, and a sync of every org in turn. Reads run on the blocking
//! pool against each org's own file; nothing here writes to JumpCloud.

use crate::commands::blocking::blocking;
use crate::error::{AppError, AppResult};
use crate::events;
use crate::session::Session;
use rollcall_core::fleet::{self, FleetEvents, FleetProgress, FleetSyncReport, OrgHits, Overview};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tracing::instrument;

/// The All organisations overview.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app), err(Debug))]
pub async fn fleet_overview(app: AppHandle) -> AppResult<Overview> {
    blocking(move || {
        let session: State<'_, Session> = tauri::Manager::state(&app);
        Ok(session.overview(rollcall_cache::dates::now_ms()))
    })
    .await
}

/// Saves the overview as an Excel workbook where the admin chooses (None: cancelled).
#[tauri::command]
#[specta::specta]
#[instrument(skip(app), err(Debug))]
pub async fn fleet_overview_export(app: AppHandle) -> AppResult<Option<String>> {
    let offer = rollcall_core::files::SaveOffer::dated(
        "Export the overview of every organisation",
        "All organisations",
        "overview",
        "Excel workbook",
        "xlsx",
    );
    let app2 = app.clone();
    let saved = crate::dialogs::save_as(&app, &offer, || async move {
        let o = fleet_overview(app2).await?;
        let bytes = fleet::overview_xlsx(&o)
            .map_err(|e| AppError::internal(format!("The workbook could not be written: {e}")))?;
        Ok((bytes, ()))
    })
    .await?;
    Ok(saved.map(|(path, ())| path))
}

/// `text` searched in every connected org but the open one, a few hits each, by org.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app), err(Debug))]
pub async fn fleet_search(app: AppHandle, text: String) -> AppResult<Vec<OrgHits>> {
    blocking(move || {
        let session: State<'_, Session> = tauri::Manager::state(&app);
        Ok(session.search_other_orgs(&text, fleet::CROSS_ORG_LIMIT))
    })
    .await
}

/// Where a pass over every org reports: the command's channel (a timed pass has none), the
/// window's events.
pub(crate) struct WindowFleet {
    pub app: AppHandle,
    pub channel: Option<Channel<FleetProgress>>,
}

impl FleetEvents for WindowFleet {
    fn progress(&self, p: FleetProgress) {
        if let Some(c) = &self.channel {
            let _ = c.send(p);
        }
    }
    fn org_changed(&self, org_id: &str) {
        events::cache_changed(&self.app, org_id, &[events::DataKind::All]);
    }
    fn status_changed(&self) {
        events::status_changed(&self.app);
    }
}

/// Syncs every connected org (or those of `org_ids`) in turn, reporting on `on_progress`.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session, on_progress), err(Debug))]
pub async fn fleet_sync(
    app: AppHandle,
    session: State<'_, Session>,
    org_ids: Vec<String>,
    on_progress: Channel<FleetProgress>,
) -> AppResult<FleetSyncReport> {
    let events = WindowFleet {
        app: app.clone(),
        channel: Some(on_progress),
    };
    let report = session.sync_orgs(&org_ids, &events).await;
    events::status_changed(&app);
    Ok(report)
}

/// Opens a review titled `title` in every connected org with a synced copy (each decided in
/// its own org); what happened in each.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app), err(Debug))]
pub async fn fleet_reviews_start(
    app: AppHandle,
    title: String,
    attendees: String,
) -> AppResult<Vec<fleet::StartedReview>> {
    if title.trim().is_empty() {
        return Err(AppError::new(
            crate::error::ErrorCode::Invalid,
            "Give the review a title (for example “December review”).",
        ));
    }
    let app2 = app.clone();
    let started = blocking(move || {
        let session: State<'_, Session> = tauri::Manager::state(&app2);
        Ok(session.fleet_start_reviews(title.trim(), attendees.trim(), rollcall_cache::dates::now_ms()))
    })
    .await?;
    for s in started.iter().filter(|s| s.review_id.is_some()) {
        events::cache_changed(&app, &s.org_id, &[events::DataKind::All]);
    }
    Ok(started)
}

/// Saves the pack of every organisation (the overview, then each org's posture and latest
/// review's decisions) as PDF or Excel where the admin chooses (None: cancelled).
#[tauri::command]
#[specta::specta]
#[instrument(skip(app), err(Debug))]
pub async fn fleet_pack(app: AppHandle, format: rollcall_core::reviews::PackFormat) -> AppResult<Option<String>> {
    let offer = fleet::fleet_pack_offer(format);
    let app2 = app.clone();
    let saved = crate::dialogs::save_as(&app, &offer, || async move {
        let bytes = blocking(move || {
            let session: State<'_, Session> = tauri::Manager::state(&app2);
            let now = rollcall_cache::dates::now_ms();
            let (o, parts) = (session.overview(now), session.fleet_parts(now));
            match format {
                rollcall_core::reviews::PackFormat::Pdf => {
                    fleet::fleet_pack_pdf(&o, &parts, time::OffsetDateTime::now_utc())
                        .map_err(|e| AppError::internal(e.0))
                }
                rollcall_core::reviews::PackFormat::Xlsx => fleet::fleet_pack_xlsx(&o, &parts)
                    .map_err(|e| AppError::internal(format!("The workbook could not be written: {e}"))),
            }
        })
        .await?;
        Ok((bytes, ()))
    })
    .await?;
    Ok(saved.map(|(path, ())| path))
}

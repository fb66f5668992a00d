//! Review meetings: start one on the current snapshot (its agenda from the failed posture
//! checks, the changes since the last review and the open follow-ups), decide each item, finish
//! it, export the review pack as PDF or Excel. Kept in the org's file.

use crate::commands::blocking::{read_on, with_org, Reader};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::session::Session;
use rollcall_cache::{dates, Decision, ReportId, Review};
use tauri::{AppHandle, State};
use tracing::instrument;

/// Every review, newest first (with the items still open).
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn review_list(session: State<'_, Session>) -> AppResult<Vec<Review>> {
    read_on(&session, Reader::Interactive, "the reviews", |c| c.reviews()).await
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn review_get(session: State<'_, Session>, id: u32) -> AppResult<Review> {
    read_on(&session, Reader::Interactive, "a review", move |c| c.review(id as i64)).await
}

/// Starts a review of the current snapshot.
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn review_start(session: State<'_, Session>, title: String, attendees: String) -> AppResult<Review> {
    let title = title.trim().to_string();
    if title.is_empty() {
        return Err(AppError::new(
            ErrorCode::Invalid,
            "Give the review a title (for example \"Inventory review, December\").",
        ));
    }
    with_org(&session, move |org| {
        let mut c = org.cache();
        if c.last_complete_sync()?.is_none() {
            return Err(AppError::new(
                ErrorCode::Invalid,
                "A review looks at a complete copy of the organisation: sync it first.",
            ));
        }
        let checks = rollcall_cache::reviews::failed_checks(&c.posture(dates::now_ms(), 30)?);
        Ok(c.start_review(&title, attendees.trim(), &dates::now_rfc3339(), checks)?)
    })
    .await
}

/// Records the decision on agenda item `seq` (None: undecided again).
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn review_decide(
    session: State<'_, Session>,
    id: u32,
    seq: u32,
    decision: Option<Decision>,
    owner: String,
    due: Option<String>,
    notes: String,
) -> AppResult<Review> {
    if decision == Some(Decision::FollowUp) && owner.trim().is_empty() {
        return Err(AppError::new(
            ErrorCode::Invalid,
            "A follow-up needs an owner: who will do it?",
        ));
    }
    if let Some(d) = due.as_deref().filter(|d| !d.trim().is_empty()) {
        if dates::parse_ms(&format!("{}T00:00:00Z", d.trim())).is_none() {
            return Err(AppError::new(
                ErrorCode::Invalid,
                format!("\"{d}\" is not a date: use YYYY-MM-DD."),
            ));
        }
    }
    with_org(&session, move |org| {
        Ok(org.cache().decide(
            id as i64,
            seq as i64,
            decision,
            &owner,
            due.as_deref(),
            &notes,
            &dates::now_rfc3339(),
        )?)
    })
    .await
}

/// Ends a review; its open follow-ups go on the next one's agenda.
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn review_finish(session: State<'_, Session>, id: u32, attendees: String) -> AppResult<Review> {
    with_org(&session, move |org| {
        Ok(org
            .cache()
            .finish_review(id as i64, attendees.trim(), &dates::now_rfc3339())?)
    })
    .await
}

/// The files a review pack is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum PackFormat {
    /// PDF/A-2b: cover, posture and charts, trends, agenda with decisions, appendix tables.
    Pdf,
    /// Excel: the review, its agenda, then one sheet per catalogue report.
    Xlsx,
}

/// The review pack, through the save dialog: as PDF (the posture and trends as of the review's
/// snapshot where it was kept, the agenda with the decisions, each report's first rows) or as
/// an Excel workbook (the review, its agenda, every catalogue report whole).
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn review_export(
    app: AppHandle,
    session: State<'_, Session>,
    id: u32,
    format: PackFormat,
) -> AppResult<Option<(String, u32)>> {
    let org = session.active()?;
    let org_name = org.entry.name.clone();
    let (title, ext, kind) = match format {
        PackFormat::Pdf => ("Export the review pack as PDF", "pdf", "PDF document"),
        PackFormat::Xlsx => ("Export the review pack as Excel", "xlsx", "Excel workbook"),
    };
    let file_name = format!(
        "{}-review-{id}-{}.{ext}",
        crate::commands::browse::safe_name(&org.entry.name),
        &dates::now_rfc3339()[..10]
    );
    crate::dialogs::save_as(&app, title, &file_name, (kind, ext), || async {
        let (review, tables, posture, trends) = read_on(&session, Reader::Export, "the review pack", move |c| {
            let review = c.review(id as i64)?;
            let now = dates::now_ms();
            let tables = ReportId::ALL
                .iter()
                .map(|r| c.report(*r, now))
                .collect::<rollcall_cache::Result<Vec<_>>>()?;
            let (posture, trends) = match format {
                PackFormat::Xlsx => (None, vec![]),
                PackFormat::Pdf => {
                    let kept = match review.sync_id {
                        Some(s) => c.posture_of_sync(s)?,
                        None => None,
                    };
                    let posture = match kept {
                        Some(p) => p,
                        None => c.posture(now, rollcall_core::sync::POSTURE_SILENT_DAYS)?,
                    };
                    (Some(posture), c.trends(180)?)
                }
            };
            Ok((review, tables, posture, trends))
        })
        .await?;
        let n = review.items.len() as u32;
        let written = tokio::task::spawn_blocking(move || match posture {
            None => rollcall_core::report_export::review_pack(&org_name, &review, &tables)
                .map_err(|e| format!("The Excel file could not be written: {e}")),
            Some(posture) => rollcall_core::review_pdf::review_pack_pdf(&rollcall_core::review_pdf::PackInput {
                org: &org_name,
                review: &review,
                posture: &posture,
                trends: &trends,
                tables: &tables,
                created: time::OffsetDateTime::now_utc(),
            })
            .map_err(|e| format!("The review pack could not be written: {e}")),
        })
        .await
        .map_err(|e| AppError::new(ErrorCode::Internal, format!("Writing the review pack stopped: {e}")))?;
        let bytes = written.map_err(|e| AppError::new(ErrorCode::Internal, e))?;
        Ok((bytes, n))
    })
    .await
}

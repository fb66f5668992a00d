//! Review meetings: start one on the current snapshot (its agenda from the failed posture
//! checks, the changes since the last review and the open follow-ups), decide each item, finish
//! it, export the review pack as an Excel workbook. Kept in the org's file.

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

/// The review pack as an Excel workbook: the review (org, snapshot, attendees), its agenda with
/// the decisions, then every catalogue report as of the snapshot.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn review_export(app: AppHandle, session: State<'_, Session>, id: u32) -> AppResult<Option<(String, u32)>> {
    let org = session.active()?;
    let org_name = org.entry.name.clone();
    let file_name = format!(
        "{}-review-{id}-{}.xlsx",
        crate::commands::browse::safe_name(&org.entry.name),
        &dates::now_rfc3339()[..10]
    );
    crate::dialogs::save_as(
        &app,
        "Export the review pack as Excel",
        &file_name,
        ("Excel workbook", "xlsx"),
        || async {
            let (review, tables) = read_on(&session, Reader::Export, "the review pack", move |c| {
                let review = c.review(id as i64)?;
                let now = dates::now_ms();
                let tables = ReportId::ALL
                    .iter()
                    .map(|r| c.report(*r, now))
                    .collect::<rollcall_cache::Result<Vec<_>>>()?;
                Ok((review, tables))
            })
            .await?;
            let bytes = rollcall_core::report_export::review_pack(&org_name, &review, &tables)
                .map_err(|e| AppError::new(ErrorCode::Internal, format!("The Excel file could not be written: {e}")))?;
            Ok((bytes, review.items.len() as u32))
        },
    )
    .await
}

//! Review meetings: start one on the current snapshot, decide each item, finish it, export the
//! review pack as PDF or Excel. What goes on the agenda and what a decision needs is core's
//! (`rollcall_core::reviews`); the reviews live in the org's file.

use crate::commands::blocking::{read_on, with_org, Reader};
use crate::error::AppResult;
use crate::session::Session;
use rollcall_cache::{dates, Decision, Review};
use rollcall_core::reviews::{self, PackFormat, ReviewView};
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
pub async fn review_get(session: State<'_, Session>, id: u32) -> AppResult<ReviewView> {
    read_on(&session, Reader::Interactive, "a review", move |c| {
        c.review(id as i64).map(reviews::view)
    })
    .await
}

/// Starts a review of the current snapshot.
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn review_start(session: State<'_, Session>, title: String, attendees: String) -> AppResult<ReviewView> {
    with_org(&session, move |org| {
        Ok(reviews::start(&mut org.cache(), &title, &attendees, dates::now_ms())?)
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
) -> AppResult<ReviewView> {
    with_org(&session, move |org| {
        let c = org.cache();
        Ok(reviews::decide(
            &c,
            id as i64,
            seq as i64,
            decision,
            &owner,
            due.as_deref(),
            &notes,
        )?)
    })
    .await
}

/// Ends a review; its open follow-ups go on the next one's agenda.
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn review_finish(session: State<'_, Session>, id: u32, attendees: String) -> AppResult<ReviewView> {
    with_org(&session, move |org| {
        Ok(reviews::finish(&org.cache(), id as i64, &attendees)?)
    })
    .await
}

/// The review pack, through the save dialog, as PDF or Excel; the path and the number of
/// agenda items, None when the admin cancelled.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn review_export(
    app: AppHandle,
    session: State<'_, Session>,
    id: u32,
    format: PackFormat,
) -> AppResult<Option<(String, u32)>> {
    let org_name = session.active()?.entry.name.clone();
    let offer = reviews::pack_offer(&org_name, id as i64, format);
    crate::dialogs::save_as(&app, &offer, || async {
        read_on(&session, Reader::Export, "the review pack", move |c| {
            reviews::pack(c, &org_name, id as i64, format)
        })
        .await
    })
    .await
}

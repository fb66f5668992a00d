//! Reads from the open org's cache: paged, sorted, filtered lists with facet counts, search,
//! detail panels, the activity trail, CSV export. Nothing here touches the network.

use crate::commands::blocking::{read, read_on, Reader};
use crate::error::AppResult;
use crate::session::Session;
use rollcall_cache::*;
use rollcall_core::export::ExportRequest;
use rollcall_core::posture::thresholds_now;
use serde::Serialize;
use specta::Type;
use tauri::{AppHandle, State};
use tracing::instrument;

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn users_page(session: State<'_, Session>, query: UserQuery) -> AppResult<Page<UserRow>> {
    read(&session, "users page", move |c| c.users(&query, &thresholds_now())).await
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn user_facets(session: State<'_, Session>, query: UserQuery) -> AppResult<Vec<Facet>> {
    read_on(&session, Reader::Aggregates, "user facets", move |c| {
        c.user_facets(&query, &thresholds_now())
    })
    .await
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn systems_page(session: State<'_, Session>, query: SystemQuery) -> AppResult<Page<SystemRow>> {
    read(&session, "devices page", move |c| c.systems(&query, &thresholds_now())).await
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn system_facets(session: State<'_, Session>, query: SystemQuery) -> AppResult<Vec<Facet>> {
    read_on(&session, Reader::Aggregates, "device facets", move |c| {
        c.system_facets(&query, &thresholds_now())
    })
    .await
}

/// Groups of one kind (`None`: both), optionally matching a search.
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn groups_list(
    session: State<'_, Session>,
    kind: Option<GroupKind>,
    search: Option<String>,
) -> AppResult<Vec<GroupSummary>> {
    read_on(&session, Reader::Aggregates, "groups", move |c| {
        c.groups(kind, search.as_deref())
    })
    .await
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct GroupMembers {
    pub users: Vec<UserRow>,
    pub systems: Vec<SystemRow>,
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn group_members(session: State<'_, Session>, group_id: String) -> AppResult<GroupMembers> {
    read(&session, "group members", move |c| {
        c.group_members(&group_id)
            .map(|(users, systems)| GroupMembers { users, systems })
    })
    .await
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn apps_list(session: State<'_, Session>) -> AppResult<Vec<AppSummary>> {
    read_on(&session, Reader::Aggregates, "apps", |c| c.apps()).await
}

/// The records of the last sync that could not be fully read (kept, with what was left out).
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn record_problems(session: State<'_, Session>) -> AppResult<Vec<RecordProblem>> {
    read(&session, "record problems", |c| c.record_problems(1000)).await
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn admins_list(session: State<'_, Session>) -> AppResult<Vec<AdminRow>> {
    read(&session, "admins", |c| c.admins()).await
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn search_all(session: State<'_, Session>, text: String, limit: u32) -> AppResult<Vec<SearchHit>> {
    read(&session, "search", move |c| c.search(&text, limit.clamp(1, 200))).await
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn user_detail(session: State<'_, Session>, id: String) -> AppResult<Option<UserDetail>> {
    read(&session, "user detail", move |c| c.user_detail(&id)).await
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn system_detail(session: State<'_, Session>, id: String) -> AppResult<Option<SystemDetail>> {
    read(&session, "device detail", move |c| c.system_detail(&id)).await
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn audit_list(session: State<'_, Session>, query: AuditQuery) -> AppResult<Vec<AuditEntry>> {
    read(&session, "audit", move |c| c.audit(&query)).await
}

/// Asks where to save (native dialog), writes every row of the filtered view as CSV. Returns
/// the path and the row count, or None when the admin cancelled.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn export_csv(
    app: AppHandle,
    session: State<'_, Session>,
    request: ExportRequest,
) -> AppResult<Option<(String, u32)>> {
    let offer = request.offer(&session.active()?.entry.name);
    crate::dialogs::save_as(&app, &offer, || async {
        // Its own connection: a long export never holds the one pages and panels wait on.
        read_on(&session, Reader::Export, "csv export", move |c| request.csv(c)).await
    })
    .await
}

/// The words of every closed set the screens show, as Rust writes them.
#[tauri::command]
#[specta::specta]
#[instrument(err(Debug))]
pub async fn vocabulary() -> AppResult<rollcall_core::vocabulary::Vocabulary> {
    Ok(rollcall_core::vocabulary::vocabulary())
}

//! Reads from the open org's cache: paged, sorted, filtered lists with facet counts, search,
//! detail panels, the activity trail, CSV export. Nothing here touches the network.

use crate::commands::blocking::{read, read_on, Reader};
use crate::error::AppResult;
use crate::session::Session;
use rollcall_cache::*;
use serde::Serialize;
use specta::Type;
use tauri::{AppHandle, State};
use tracing::instrument;

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn users_page(session: State<'_, Session>, query: UserQuery) -> AppResult<Page<UserRow>> {
    read(&session, "users page", move |c| c.users(&query)).await
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn user_facets(session: State<'_, Session>, query: UserQuery) -> AppResult<Vec<Facet>> {
    read_on(&session, Reader::Aggregates, "user facets", move |c| {
        c.user_facets(&query)
    })
    .await
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn systems_page(session: State<'_, Session>, query: SystemQuery) -> AppResult<Page<SystemRow>> {
    read(&session, "devices page", move |c| c.systems(&query)).await
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn system_facets(session: State<'_, Session>, query: SystemQuery) -> AppResult<Vec<Facet>> {
    read_on(&session, Reader::Aggregates, "device facets", move |c| {
        c.system_facets(&query)
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

/// Which view to export, with its filters.
#[derive(Debug, Clone, serde::Deserialize, Type)]
#[serde(tag = "view")]
pub enum ExportRequest {
    Users { query: UserQuery },
    Systems { query: SystemQuery },
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
    let org = session.active()?;
    let name = match &request {
        ExportRequest::Users { .. } => "users",
        ExportRequest::Systems { .. } => "devices",
    };
    let date = rollcall_core::sync::now_rfc3339();
    let file_name = format!("{}-{name}-{}.csv", safe_name(&org.entry.name), &date[..10]);
    let title = format!("Export {name} as CSV");
    crate::dialogs::save_as(&app, &title, &file_name, ("CSV", "csv"), || async {
        // Its own connection: a long export never holds the one pages and panels wait on.
        let (text, rows) = read_on(&session, Reader::Export, "csv export", move |c| match &request {
            ExportRequest::Users { query } => rollcall_core::export::users_csv(c, query),
            ExportRequest::Systems { query } => rollcall_core::export::systems_csv(c, query),
        })
        .await?;
        Ok((text.into_bytes(), rows as u32))
    })
    .await
}

pub(crate) fn safe_name(s: &str) -> String {
    let n: String = s
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '-' { c } else { '-' })
        .collect();
    n.trim_matches('-').chars().take(40).collect()
}

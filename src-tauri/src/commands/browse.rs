//! Reads from the open org's cache: paged, sorted, filtered lists with facet counts, search,
//! detail panels, the activity trail, CSV export. Nothing here touches the network.

use crate::error::{AppError, AppResult};
use crate::session::Session;
use rollcall_cache::*;
use serde::Serialize;
use specta::Type;
use tauri::{AppHandle, State};
use tracing::instrument;

/// Which reader connection a query uses.
#[derive(Clone, Copy)]
enum Reader {
    /// Pages, search, panels: what a click waits on.
    Interactive,
    /// Facet counts and group sizes (hundreds of ms on a large org).
    Aggregates,
}

/// Runs a read on the cache connection off the async runtime's threads.
async fn read<T: Send + 'static>(
    session: &Session,
    what: &'static str,
    f: impl FnOnce(&Cache) -> rollcall_cache::Result<T> + Send + 'static,
) -> AppResult<T> {
    read_on(session, Reader::Interactive, what, f).await
}

async fn read_on<T: Send + 'static>(
    session: &Session,
    reader: Reader,
    what: &'static str,
    f: impl FnOnce(&Cache) -> rollcall_cache::Result<T> + Send + 'static,
) -> AppResult<T> {
    let org = session.active()?;
    tauri::async_runtime::spawn_blocking(move || {
        let started = std::time::Instant::now();
        let cache = match reader {
            Reader::Interactive => org.cache(),
            Reader::Aggregates => org.stats(),
        };
        let waited = started.elapsed();
        let out = f(&cache).map_err(AppError::from);
        let ms = started.elapsed().as_millis() as u64;
        if ms >= 50 {
            tracing::info!(what, ms, waited_ms = waited.as_millis() as u64, "slow cache read");
        }
        out
    })
    .await
    .map_err(|e| AppError::internal(format!("a cache read stopped: {e}")))?
}

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

/// `kind`: `user`, `system`, or empty for both.
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn groups_list(
    session: State<'_, Session>,
    kind: String,
    search: Option<String>,
) -> AppResult<Vec<GroupSummary>> {
    read_on(&session, Reader::Aggregates, "groups", move |c| {
        c.groups(&kind, search.as_deref())
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
        let (text, rows) = read(&session, "csv export", move |c| match &request {
            ExportRequest::Users { query } => rollcall_core::export::users_csv(c, query),
            ExportRequest::Systems { query } => rollcall_core::export::systems_csv(c, query),
        })
        .await?;
        Ok((text.into_bytes(), rows as u32))
    })
    .await
}

fn safe_name(s: &str) -> String {
    let n: String = s
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '-' { c } else { '-' })
        .collect();
    n.trim_matches('-').chars().take(40).collect()
}

//! The Directory Insights explorer: a page of events, the count, the histogram and a field's
//! top values, from JumpCloud or from the org's archive (offline); what the archive holds and
//! which services it keeps; saved queries; exports; a person's last login on demand. The
//! meaning of a filter is core's (`rollcall_core::explore`).

use crate::commands::blocking::{read, read_on, Reader};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::events;
use crate::session::Session;
use rollcall_cache::{dates, ArchiveSpan, Cache, CacheError, SavedQuery};
use rollcall_core::explore::{
    self, from_archive, EventFilter, EventLine, EventSource, EventsPage, FromArchive, Histogram, Online, ValueCount,
};
use rollcall_core::files::SaveOffer;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Manager, State};
use tracing::instrument;

/// The saved queries' kind in the org's file.
const SAVED_KIND: &str = "insights";
/// The most events an export gathers.
const EXPORT_MOST: usize = 100_000;
const PAGE: u32 = 100;

/// Notes a JumpCloud error on the connection state (offline, a role refusal) and passes it on.
fn noted(app: &AppHandle, session: &Session, e: jumpcloud::Error) -> AppError {
    if session.observe(Err(&e)) {
        events::status_changed(app);
    }
    e.into()
}

async fn archive_read<T: Send + 'static>(
    session: &Session,
    f: impl FnOnce(&Cache) -> Result<T, CacheError> + Send + 'static,
) -> AppResult<T> {
    read_on(session, Reader::Export, "the event archive", f).await
}

/// Asks `filter` of JumpCloud (`online`) or of the archive (`archive`), as `source` says.
async fn ask<T, Fut>(
    app: &AppHandle,
    session: &Session,
    filter: EventFilter,
    source: EventSource,
    online: impl FnOnce(Online) -> Fut,
    archive: impl for<'a> FnOnce(FromArchive<'a>, i64) -> Result<T, CacheError> + Send + 'static,
) -> AppResult<T>
where
    T: Send + 'static,
    Fut: std::future::Future<Output = jumpcloud::Result<T>>,
{
    let now = dates::now_ms();
    match source {
        EventSource::Jumpcloud => {
            let org = session.active()?;
            let asked = Online {
                client: org.client.clone(),
                filter,
                now_ms: now,
            };
            online(asked).await.map_err(|e| noted(app, session, e))
        }
        EventSource::Archive => archive_read(session, move |c| archive(from_archive(c, &filter, now), now)).await,
    }
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn events_page(
    app: AppHandle,
    session: State<'_, Session>,
    filter: EventFilter,
    source: EventSource,
    cursor: Option<String>,
) -> AppResult<EventsPage> {
    let c2 = cursor.clone();
    ask(
        &app,
        &session,
        filter,
        source,
        |o| async move { o.page(cursor.as_deref(), PAGE).await },
        move |a, _| a.page(c2.as_deref(), PAGE),
    )
    .await
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn events_count(
    app: AppHandle,
    session: State<'_, Session>,
    filter: EventFilter,
    source: EventSource,
) -> AppResult<f64> {
    let n = ask(
        &app,
        &session,
        filter,
        source,
        |o| async move { o.count().await },
        |a, _| a.count(),
    )
    .await?;
    Ok(n as f64)
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn events_histogram(
    app: AppHandle,
    session: State<'_, Session>,
    filter: EventFilter,
    source: EventSource,
) -> AppResult<Histogram> {
    ask(
        &app,
        &session,
        filter,
        source,
        |o| async move { o.histogram().await },
        |a, now| a.histogram(now),
    )
    .await
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn events_distinct(
    app: AppHandle,
    session: State<'_, Session>,
    filter: EventFilter,
    source: EventSource,
    field: String,
) -> AppResult<Vec<ValueCount>> {
    let f2 = field.clone();
    ask(
        &app,
        &session,
        filter,
        source,
        |o| async move { o.distinct(&field).await },
        move |a, _| a.distinct(&f2),
    )
    .await
}

/// What the archive holds and which services it keeps beyond logins.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ArchiveInfo {
    pub note: String,
    pub spans: Vec<ArchiveSpan>,
    /// The services archived beyond the ones every sync keeps.
    pub services: Vec<String>,
    /// Directory Insights' services, and those every sync keeps.
    pub known: Vec<String>,
    pub always: Vec<String>,
    /// The fields whose top values the explorer offers.
    pub top_fields: Vec<String>,
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn events_archive(session: State<'_, Session>) -> AppResult<ArchiveInfo> {
    read(&session, "the event archive", |c| {
        Ok::<_, CacheError>(ArchiveInfo {
            note: explore::archive_note(c, dates::now_ms())?,
            spans: c.archive_spans()?,
            services: c.archive_services()?,
            known: explore::SERVICES.iter().map(|s| s.to_string()).collect(),
            always: explore::ALWAYS_ARCHIVED.iter().map(|s| s.to_string()).collect(),
            top_fields: explore::TOP_FIELDS.iter().map(|s| s.to_string()).collect(),
        })
    })
    .await
}

/// The services archived beyond logins (from the next sync on).
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn events_archive_services_set(session: State<'_, Session>, services: Vec<String>) -> AppResult<ArchiveInfo> {
    let clean: Vec<String> = services
        .into_iter()
        .map(|s| s.trim().to_lowercase())
        .filter(|s| explore::SERVICES.contains(&s.as_str()) && !explore::ALWAYS_ARCHIVED.contains(&s.as_str()))
        .collect();
    read(&session, "the event archive", move |c| c.set_archive_services(&clean)).await?;
    events_archive(session).await
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn events_saved(session: State<'_, Session>) -> AppResult<Vec<SavedQuery>> {
    read(&session, "the saved queries", |c| c.saved_queries(SAVED_KIND)).await
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn events_save(session: State<'_, Session>, name: String, filter: EventFilter) -> AppResult<Vec<SavedQuery>> {
    let name = name.trim().to_string();
    if name.is_empty() {
        return Err(AppError::new(ErrorCode::Invalid, "Name the query to save it."));
    }
    let body = serde_json::to_string(&filter).map_err(|e| AppError::internal(e.to_string()))?;
    read(&session, "the saved queries", move |c| {
        c.save_query(SAVED_KIND, &name, &body)?;
        c.saved_queries(SAVED_KIND)
    })
    .await
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn events_delete_saved(session: State<'_, Session>, name: String) -> AppResult<Vec<SavedQuery>> {
    read(&session, "the saved queries", move |c| {
        c.delete_query(SAVED_KIND, &name)?;
        c.saved_queries(SAVED_KIND)
    })
    .await
}

/// A saved query's filter (core wrote it; one written by another version is refused by name).
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn events_saved_filter(session: State<'_, Session>, name: String) -> AppResult<EventFilter> {
    let saved = events_saved(session).await?;
    let q = saved
        .into_iter()
        .find(|q| q.name == name)
        .ok_or_else(|| AppError::new(ErrorCode::NotFound, format!("No saved query is named {name:?}.")))?;
    serde_json::from_str(&q.body).map_err(|e| {
        AppError::new(
            ErrorCode::Invalid,
            format!("The saved query {name:?} cannot be read ({e}); save it again."),
        )
    })
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum EventsFormat {
    Csv,
    Xlsx,
}

/// Every matching event (up to 100,000) through the save dialog, as CSV or Excel.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn events_export(
    app: AppHandle,
    session: State<'_, Session>,
    filter: EventFilter,
    source: EventSource,
    format: EventsFormat,
) -> AppResult<Option<String>> {
    let org = session.active()?;
    let offer = match format {
        EventsFormat::Csv => SaveOffer::dated("Export events", &org.entry.name, "events", "CSV", "csv"),
        EventsFormat::Xlsx => SaveOffer::dated("Export events", &org.entry.name, "events", "Excel workbook", "xlsx"),
    };
    let app2 = app.clone();
    let saved = crate::dialogs::save_as(&app, &offer, || async move {
        let mut lines: Vec<EventLine> = vec![];
        let mut cursor: Option<String> = None;
        loop {
            let page = events_page(
                app2.clone(),
                app2.state::<Session>(),
                filter.clone(),
                source,
                cursor.clone(),
            )
            .await?;
            lines.extend(page.lines);
            cursor = page.next;
            if cursor.is_none() || lines.len() >= EXPORT_MOST {
                break;
            }
        }
        let bytes = match format {
            EventsFormat::Csv => explore::events_csv(&lines),
            EventsFormat::Xlsx => explore::events_xlsx("Events", &lines)
                .map_err(|e| AppError::internal(format!("the workbook could not be written: {e}")))?,
        };
        Ok((bytes, ()))
    })
    .await?;
    Ok(saved.map(|(p, _)| p))
}

/// A person's last successful login in the 90 days JumpCloud keeps, asked now.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn events_last_login(
    app: AppHandle,
    session: State<'_, Session>,
    username: String,
) -> AppResult<Option<EventLine>> {
    let org = session.active()?;
    explore::last_login(&org.client, username.trim(), dates::now_ms())
        .await
        .map_err(|e| noted(&app, &session, e))
}

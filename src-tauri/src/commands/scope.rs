//! The sync's scope: the org's groups to choose from and what a choice holds (both read live
//! from JumpCloud), and saving it.

use crate::commands::blocking::blocking;
use crate::error::AppResult;
use crate::events;
use crate::session::{OrgStatus, Session};
use rollcall_core::session::{ScopeChoices, ScopePreview, SyncScope};
use tauri::{AppHandle, State};
use tracing::instrument;

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn scope_choices(session: State<'_, Session>) -> AppResult<ScopeChoices> {
    Ok(session.scope_choices().await?)
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn scope_preview(session: State<'_, Session>, scope: SyncScope) -> AppResult<ScopePreview> {
    Ok(session.scope_preview(&scope).await?)
}

/// Keeps the scope; the window then starts a sync that follows it.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app), err(Debug))]
pub async fn scope_set(app: AppHandle, scope: SyncScope) -> AppResult<OrgStatus> {
    let app2 = app.clone();
    let status = blocking(move || {
        let session: State<'_, Session> = tauri::Manager::state(&app2);
        session.set_scope(&scope)?;
        Ok(session.status())
    })
    .await?;
    events::status_changed(&app);
    Ok(status)
}

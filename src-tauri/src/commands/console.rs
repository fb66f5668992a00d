//! The API console: JumpCloud's published operations (read where the admin keeps the
//! descriptions), a call checked before it is sent, reads at once, every call that changes
//! something behind the native confirmation and audited; copies as curl and PowerShell; the
//! last answer saved as JSON or CSV; the org's history of calls. The rules are core's
//! (`rollcall_core::apispec`, `rollcall_core::console`).

use crate::commands::blocking::{blocking, read};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::session::Session;
use crate::state::Shell;
use parking_lot::{Mutex, RwLock};
use rollcall_cache::ConsoleEntry;
use rollcall_core::actions::Confirmation;
use rollcall_core::apispec::{self, ApiCatalog, ApiIndex, Checked, ConsoleRequest, Paging};
use rollcall_core::console::{self, ConsoleAnswer, PageProgress};
use rollcall_core::files::SaveOffer;
use rollcall_core::CancelToken;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;
use std::path::PathBuf;
use std::sync::Arc;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};
use tracing::instrument;

/// The console's state in the shell: the index (loaded once), the last answer (for saving)
/// and the running read's Cancel.
#[derive(Default)]
pub struct ConsoleState {
    index: RwLock<Option<Result<Arc<ApiIndex>, String>>>,
    /// The last answer, with the org it came from.
    last: Mutex<Option<(String, Value)>>,
    cancel: Mutex<Option<CancelToken>>,
}

/// Where the descriptions are read from: `ROLLCALL_API_SPECS`, else the copy in Rollcall's
/// data folder.
fn specs_dir(shell: &Shell) -> PathBuf {
    match std::env::var_os("ROLLCALL_API_SPECS") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => shell.paths.data_dir.join("api-specs"),
    }
}

fn catalog_of(loaded: &Result<Arc<ApiIndex>, String>) -> ApiCatalog {
    match loaded {
        Ok(i) => i.catalog(),
        Err(why) => ApiCatalog {
            methods: apispec::check::METHODS.iter().map(|m| m.to_string()).collect(),
            sources: vec![],
            operations: vec![],
            missing: why.clone(),
        },
    }
}

/// The index, read from disk the first time it is asked for.
async fn index(app: &AppHandle) -> Result<Arc<ApiIndex>, String> {
    let state = app.state::<ConsoleState>();
    if let Some(loaded) = state.index.read().clone() {
        return loaded;
    }
    let dir = specs_dir(&app.state::<Shell>());
    let loaded = tauri::async_runtime::spawn_blocking(move || {
        if !dir.is_dir() {
            return Err(format!(
                "JumpCloud's API descriptions are not loaded: choose Load API descriptions and pick the folder holding {}.",
                apispec::SPEC_FILES_HINT
            ));
        }
        apispec::load_dir(&dir).map(Arc::new)
    })
    .await
    .unwrap_or_else(|e| Err(format!("reading the descriptions stopped: {e}")));
    *state.index.write() = Some(loaded.clone());
    loaded
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(app), err(Debug))]
pub async fn console_catalog(app: AppHandle) -> AppResult<ApiCatalog> {
    let loaded = index(&app).await;
    Ok(catalog_of(&loaded))
}

/// Asks for the folder holding JumpCloud's published descriptions, reads them, and keeps a
/// copy in Rollcall's data folder (the descriptions are never part of Rollcall itself).
#[tauri::command]
#[specta::specta]
#[instrument(skip(app), err(Debug))]
pub async fn console_load_specs(app: AppHandle) -> AppResult<Option<ApiCatalog>> {
    let Some(dir) = crate::dialogs::ask_folder(&app, "The folder with JumpCloud's OpenAPI files").await? else {
        return Ok(None);
    };
    let keep = app.state::<Shell>().paths.data_dir.join("api-specs");
    let index = blocking(move || {
        let index = apispec::load_dir(&dir).map_err(|m| AppError::new(ErrorCode::Invalid, m))?;
        let same = |a: &std::path::Path, b: &std::path::Path| {
            matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
        };
        if !same(&dir, &keep) {
            keep_only(&dir, &keep, &index)?;
        }
        Ok(Arc::new(index))
    })
    .await?;
    let catalog = index.catalog();
    *app.state::<ConsoleState>().index.write() = Some(Ok(index));
    Ok(Some(catalog))
}

/// Replaces the kept copy with the files `index` was read from (earlier files removed, so an
/// older description cannot shadow a newer one).
fn keep_only(dir: &std::path::Path, keep: &std::path::Path, index: &ApiIndex) -> AppResult<()> {
    let fail = |what: String| AppError::new(ErrorCode::Invalid, what);
    if keep.is_dir() {
        std::fs::remove_dir_all(keep).map_err(|e| fail(format!("Cannot empty {}: {e}", keep.display())))?;
    }
    std::fs::create_dir_all(keep).map_err(|e| fail(format!("Cannot create {}: {e}", keep.display())))?;
    for s in &index.sources {
        std::fs::copy(dir.join(&s.file), keep.join(&s.file))
            .map_err(|e| fail(format!("Cannot copy {}: {e}", s.file)))?;
    }
    Ok(())
}

/// Checks a call: where each problem is, whether it changes anything, what it does in words.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn console_check(app: AppHandle, session: State<'_, Session>, request: ConsoleRequest) -> AppResult<Checked> {
    let loaded = index(&app).await.ok();
    read(&session, "the console's check", move |c| {
        let name_of = |id: &str| c.name_of_id(id).ok().flatten();
        Ok::<_, AppError>(apispec::check(loaded.as_deref(), &request, &name_of))
    })
    .await
}

/// Why calls that change something are refused now (a read-only role, offline), if they are.
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn console_write_block(session: State<'_, Session>) -> AppResult<Option<String>> {
    let org = session.active()?;
    if let Some(access) = org.access().filter(|a| a.read_only()) {
        return Ok(Some(format!(
            "Your JumpCloud role ({}) may only read: calls that change something are disabled.",
            access.role
        )));
    }
    Ok(session.write_block_reason())
}

/// Sends a call: a read at once (with `all_pages`, every page, progress on `on_progress`), a
/// call that changes something only after the native confirmation, once, audited.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session, on_progress), err(Debug))]
pub async fn console_send(
    app: AppHandle,
    session: State<'_, Session>,
    request: ConsoleRequest,
    all_pages: bool,
    on_progress: Channel<PageProgress>,
) -> AppResult<ConsoleAnswer> {
    let checked = console_check(app.clone(), session.clone(), request.clone()).await?;
    if let Some(i) = checked.issues.iter().find(|i| i.blocking) {
        return Err(AppError::new(
            ErrorCode::Invalid,
            format!("Nothing was sent: {}", i.message),
        ));
    }
    let parts = apispec::check::parts(&request)
        .ok_or_else(|| AppError::new(ErrorCode::Invalid, "Nothing was sent: the call could not be read."))?;
    let (answer, value) = if checked.changes {
        if let Some(why) = console_write_block(session.clone()).await? {
            return Err(AppError::new(ErrorCode::Forbidden, format!("Nothing was sent: {why}")));
        }
        let (org, _, actor) = session.for_writes(None)?;
        let confirm = Confirmation {
            title: format!("Send {} to JumpCloud", parts.method),
            message: format!(
                "{}\n\nThis changes the organisation {} in JumpCloud now, and is sent once.",
                checked.in_words, org.entry.name
            ),
            ok_label: format!("Send {}", parts.method),
        };
        if !crate::dialogs::confirm(&app, &org.entry, &confirm).await {
            return Err(AppError::new(
                ErrorCode::Cancelled,
                "Cancelled — nothing was sent to JumpCloud.",
            ));
        }
        console::write(&org.client, &org.cache, &actor, &parts, &checked).await?
    } else {
        let org = session.active()?;
        let token = CancelToken::default();
        *app.state::<ConsoleState>().cancel.lock() = Some(token.clone());
        let paging = checked.operation.as_ref().map_or(Paging::None, |o| o.paging);
        let mut progress = move |p: PageProgress| {
            let _ = on_progress.send(p);
        };
        console::read(&org.client, &parts, paging, all_pages, &mut progress, &token).await
    };
    *app.state::<ConsoleState>().last.lock() = Some((session.active()?.entry.id.clone(), value));
    let entry = console::history_entry(&request, &answer);
    read(&session, "the console's history", move |c| c.console_log(&entry)).await?;
    Ok(answer)
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(app), err(Debug))]
pub async fn console_cancel(app: AppHandle) -> AppResult<()> {
    if let Some(t) = app.state::<ConsoleState>().cancel.lock().as_ref() {
        t.cancel();
    }
    Ok(())
}

/// How a call is copied for the admin's own scripts.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum CopyAs {
    Curl,
    Powershell,
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn console_copy(session: State<'_, Session>, request: ConsoleRequest, format: CopyAs) -> AppResult<String> {
    let org = session.active()?;
    let parts = apispec::check::parts(&request).ok_or_else(|| {
        AppError::new(
            ErrorCode::Invalid,
            "Fix the path and the body first: the call cannot be written out as it is.",
        )
    })?;
    let cfg = org.client.config();
    let org_id = cfg.org_id.as_deref();
    Ok(match format {
        CopyAs::Curl => console::as_curl(&cfg.endpoints, org_id, &parts),
        CopyAs::Powershell => console::as_powershell(&cfg.endpoints, org_id, &parts),
    })
}

/// How the last answer is saved.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SaveAs {
    Json,
    Csv,
}

/// Saves the last answer (all of it, every page read) through the save dialog.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn console_save(app: AppHandle, session: State<'_, Session>, format: SaveAs) -> AppResult<Option<String>> {
    let org = session.active()?;
    let last = app.state::<ConsoleState>().last.lock().clone();
    let Some((_, value)) = last.filter(|(org_id, _)| *org_id == org.entry.id) else {
        return Err(AppError::new(
            ErrorCode::Invalid,
            "Send a call first: there is no answer from this organisation to save.",
        ));
    };
    let offer = match format {
        SaveAs::Json => SaveOffer::dated("Save the answer", &org.entry.name, "api answer", "JSON", "json"),
        SaveAs::Csv => SaveOffer::dated("Save the answer", &org.entry.name, "api answer", "CSV", "csv"),
    };
    let saved = crate::dialogs::save_as(&app, &offer, || async move {
        blocking(move || {
            Ok(match format {
                SaveAs::Json => (serde_json::to_vec_pretty(&value).unwrap_or_default(), ()),
                SaveAs::Csv => (console::to_csv(&value).0, ()),
            })
        })
        .await
    })
    .await?;
    Ok(saved.map(|(p, _)| p))
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn console_history(session: State<'_, Session>) -> AppResult<Vec<ConsoleEntry>> {
    read(&session, "the console's history", |c| c.console_history(200)).await
}

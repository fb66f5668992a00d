//! Updates through tauri-plugin-updater: where a release build looks for them (the URL the
//! release workflow compiles in as `ROLLCALL_UPDATE_URL`) and with which public key
//! (`plugins.updater.pubkey` in tauri.conf.json, written by `make updater-key`). Rollcall checks
//! when it starts (the admin can turn that off), shows the release notes, and installs only when
//! asked — never while a sync or a checklist step is running.

use crate::commands::blocking::blocking;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::session::Session;
use crate::state::Shell;
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_updater::UpdaterExt;
use tracing::instrument;

/// Where this build looks for updates; None for builds made outside the release workflow.
const UPDATE_URL: Option<&str> = option_env!("ROLLCALL_UPDATE_URL");

/// The file (in the settings folder) that says whether to check at launch.
const SETTINGS_FILE: &str = "updates.json";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Settings {
    check_on_launch: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { check_on_launch: true }
    }
}

/// A release newer than this one.
#[derive(Debug, Clone, Serialize, Type)]
pub struct UpdateInfo {
    pub version: String,
    /// Its release notes, as text.
    pub notes: String,
    pub date: Option<String>,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct UpdateStatus {
    pub current: String,
    /// Why this build cannot update itself, if it cannot.
    pub not_configured: Option<String>,
    pub check_on_launch: bool,
    pub available: Option<UpdateInfo>,
    /// Why installing must wait now (a sync or a checklist step is running), if it must.
    pub busy: Option<String>,
    pub last_error: Option<String>,
}

/// What the shell knows of updates this session.
#[derive(Default)]
pub struct Updates {
    available: Mutex<Option<UpdateInfo>>,
    last_error: Mutex<Option<String>>,
}

fn settings_path(app: &AppHandle) -> std::path::PathBuf {
    app.state::<Shell>().paths.config_dir.join(SETTINGS_FILE)
}

fn settings(app: &AppHandle) -> Settings {
    std::fs::read_to_string(settings_path(app))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// Why this build cannot update itself, if it cannot.
fn not_configured(app: &AppHandle) -> Option<String> {
    let pubkey = app
        .config()
        .plugins
        .0
        .get("updater")
        .and_then(|u| u.get("pubkey"))
        .and_then(|k| k.as_str())
        .unwrap_or("");
    if UPDATE_URL.is_none() {
        Some("This build was not made by the release workflow, so it does not update itself: install new versions by hand.".into())
    } else if pubkey.is_empty() {
        Some("This build has no update signing key (tauri.conf.json), so it cannot verify an update.".into())
    } else {
        None
    }
}

/// Why installing must wait now, if it must.
fn busy(session: &Session) -> Option<String> {
    if session.status().syncing {
        return Some("A sync is running: install when it has finished.".into());
    }
    let running = session
        .try_active()
        .map(|o| o.cache().steps_running().unwrap_or(0))
        .unwrap_or(0);
    (running > 0).then(|| "A checklist step is running: install when it has finished.".into())
}

fn status(app: &AppHandle, session: &Session) -> UpdateStatus {
    let u = app.state::<Updates>();
    let available = u.available.lock().clone();
    let last_error = u.last_error.lock().clone();
    UpdateStatus {
        current: app.package_info().version.to_string(),
        not_configured: not_configured(app),
        check_on_launch: settings(app).check_on_launch,
        available,
        busy: busy(session),
        last_error,
    }
}

async fn updater(app: &AppHandle) -> AppResult<tauri_plugin_updater::Updater> {
    if let Some(why) = not_configured(app) {
        return Err(AppError::new(ErrorCode::Invalid, why));
    }
    let url = UPDATE_URL
        .and_then(|u| url::Url::parse(u).ok())
        .ok_or_else(|| AppError::internal("the compiled-in update address is not a URL"))?;
    app.updater_builder()
        .endpoints(vec![url])
        .and_then(|b| b.build())
        .map_err(|e| AppError::internal(format!("the updater could not be set up: {e}")))
}

/// Asks the release's manifest whether a newer version exists; keeps what it says.
async fn check_now(app: &AppHandle) -> AppResult<Option<UpdateInfo>> {
    let found = updater(app).await?.check().await;
    let u = app.state::<Updates>();
    match found {
        Ok(update) => {
            let info = update.map(|up| UpdateInfo {
                version: up.version.clone(),
                notes: up.body.clone().unwrap_or_default(),
                date: up.date.map(|d| d.to_string()),
            });
            *u.available.lock() = info.clone();
            *u.last_error.lock() = None;
            Ok(info)
        }
        Err(e) => {
            let msg = format!("Could not check for updates: {e}");
            *u.last_error.lock() = Some(msg.clone());
            Err(AppError::new(ErrorCode::Offline, msg))
        }
    }
}

/// At launch: checks once in the background when the admin has not turned it off.
pub fn check_at_launch(app: &AppHandle) {
    if not_configured(app).is_some() || !settings(app).check_on_launch {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if let Err(e) = check_now(&app).await {
            tracing::info!(error = %e.message, "update check at launch failed");
        }
    });
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn updates_status(app: AppHandle, session: State<'_, Session>) -> AppResult<UpdateStatus> {
    Ok(status(&app, &session))
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn updates_check(app: AppHandle, session: State<'_, Session>) -> AppResult<UpdateStatus> {
    check_now(&app).await?;
    Ok(status(&app, &session))
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn updates_set_check_on_launch(
    app: AppHandle,
    session: State<'_, Session>,
    on: bool,
) -> AppResult<UpdateStatus> {
    let path = settings_path(&app);
    blocking(move || {
        let text = serde_json::to_string(&Settings { check_on_launch: on }).unwrap_or_default();
        std::fs::write(&path, text)
            .map_err(|e| AppError::new(ErrorCode::Invalid, format!("Could not write {}: {e}", path.display())))
    })
    .await?;
    Ok(status(&app, &session))
}

/// Downloads and installs the newer version, then restarts — only when nothing is running.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn updates_install(app: AppHandle, session: State<'_, Session>) -> AppResult<()> {
    if let Some(why) = busy(&session) {
        return Err(AppError::new(ErrorCode::Invalid, why));
    }
    let update = updater(&app)
        .await?
        .check()
        .await
        .map_err(|e| AppError::new(ErrorCode::Offline, format!("Could not check for updates: {e}")))?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound, "No newer version is published."))?;
    let bytes = update
        .download(|_, _| {}, || {})
        .await
        .map_err(|e| AppError::new(ErrorCode::Offline, format!("The update could not be downloaded: {e}")))?;
    // A sync or a step may have started while it downloaded: installing restarts the app.
    if let Some(why) = busy(&session) {
        return Err(AppError::new(ErrorCode::Invalid, why));
    }
    update
        .install(bytes)
        .map_err(|e| AppError::new(ErrorCode::Invalid, format!("The update could not be installed: {e}")))?;
    tracing::info!(version = %update.version, "update installed; restarting");
    app.restart()
}

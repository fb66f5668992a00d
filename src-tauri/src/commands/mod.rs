//! Tauri commands: each a few lines that call into a crate and map its error to `AppError`.

pub mod act;
pub mod blocking;
pub mod browse;
pub mod certify;
pub mod checklists;
pub mod console;
pub mod explore;
pub mod fleet;
pub mod org;
pub mod reports;
pub mod reviews;
pub mod scope;

use crate::error::AppResult;
use crate::state::Shell;
use serde::Serialize;
use specta::Type;
use tauri::State;
use tracing::instrument;

/// How the running binary was built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum BuildProfile {
    Debug,
    Release,
}

/// What the About panel shows.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    pub profile: BuildProfile,
    pub data_dir: String,
    pub log_file: String,
    /// True when started with `--demo`.
    pub demo: bool,
    /// e.g. `linux x86_64`.
    pub platform: String,
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(shell), err(Debug))]
pub async fn app_info(shell: State<'_, Shell>) -> AppResult<AppInfo> {
    Ok(shell.app_info())
}

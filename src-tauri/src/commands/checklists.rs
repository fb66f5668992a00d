//! Checklist runs: start one for a person, run or skip its steps one by one (device steps ask
//! the same native confirmation as a device's panel), export the evidence.

use crate::error::{AppError, AppResult, ErrorCode};
use crate::events;
use crate::session::Session;
use rollcall_cache::{RunRow, StepRow};
use rollcall_core::actions::Confirmation;
use rollcall_core::checklists::{self, ChecklistError, StepContext, StepInput, StepItem};
use serde::Serialize;
use specta::Type;
use std::future::Future;
use std::pin::Pin;
use tauri::{AppHandle, State};
use tracing::instrument;

impl From<ChecklistError> for AppError {
    fn from(e: ChecklistError) -> Self {
        match e {
            ChecklistError::Invalid(m) => AppError::new(ErrorCode::Invalid, m),
            ChecklistError::Cache(c) => c.into(),
            ChecklistError::Json(j) => AppError::internal(format!("a checklist record could not be read: {j}")),
            ChecklistError::Action(a) => a.into(),
        }
    }
}

/// A step with its items decoded.
#[derive(Debug, Clone, Serialize, Type)]
pub struct StepView {
    pub step: StepRow,
    pub items: Vec<StepItem>,
    pub done: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct RunView {
    pub run: RunRow,
    pub steps: Vec<StepView>,
}

fn view(run: RunRow, steps: Vec<StepRow>) -> AppResult<RunView> {
    let steps = steps
        .into_iter()
        .map(|s| {
            let items = serde_json::from_str(&s.items).map_err(|e| AppError::internal(e.to_string()))?;
            let done = serde_json::from_str(&s.items_done).map_err(|e| AppError::internal(e.to_string()))?;
            Ok(StepView { step: s, items, done })
        })
        .collect::<AppResult<_>>()?;
    Ok(RunView { run, steps })
}

/// Starts a run of `template` (offboarding, password_reset, mfa_reset) for a user; returns its id.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub fn checklist_start(
    app: AppHandle,
    session: State<'_, Session>,
    template: String,
    user_id: String,
) -> AppResult<String> {
    let org = session.active()?;
    let operator = crate::session::operator();
    let id = checklists::start_run(&mut org.cache(), &org.entry.id, &operator, &template, &user_id)?;
    events::cache_changed(&app, &org.entry.id, &["checklists"]);
    Ok(id)
}

/// Runs started for several people at once.
#[derive(Debug, Clone, Serialize, Type)]
pub struct BulkStart {
    pub started: Vec<String>,
    /// Lines that matched nobody in the local copy.
    pub unknown: Vec<String>,
}

/// Starts `template` for each person in `people` (emails, usernames or ids; one per line).
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub fn checklist_start_bulk(
    app: AppHandle,
    session: State<'_, Session>,
    template: String,
    people: String,
) -> AppResult<BulkStart> {
    let org = session.active()?;
    let operator = crate::session::operator();
    let (started, unknown) = checklists::start_bulk(&mut org.cache(), &org.entry.id, &operator, &template, &people)?;
    events::cache_changed(&app, &org.entry.id, &["checklists"]);
    Ok(BulkStart { started, unknown })
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub fn checklist_runs(session: State<'_, Session>) -> AppResult<Vec<RunRow>> {
    Ok(session.active()?.cache().runs()?)
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub fn checklist_run(session: State<'_, Session>, run_id: String) -> AppResult<RunView> {
    let org = session.active()?;
    let found = org.cache().run(&run_id)?;
    let (run, steps) =
        found.ok_or_else(|| AppError::new(ErrorCode::NotFound, "That checklist run is not in this organisation."))?;
    view(run, steps)
}

/// Runs one step (its remaining items), confirming device items natively.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn checklist_step_run(
    app: AppHandle,
    session: State<'_, Session>,
    run_id: String,
    idx: u32,
    input: StepInput,
) -> AppResult<StepRow> {
    let (org, access, actor) = session.for_writes(Some(run_id.clone()))?;
    let app2 = app.clone();
    let confirm = move |c: Confirmation| -> Pin<Box<dyn Future<Output = bool> + Send>> {
        let app = app2.clone();
        Box::pin(async move { crate::dialogs::confirm(&app, &c).await })
    };
    let ctx = StepContext {
        client: &org.client,
        cache: &org.cache,
        access: &access,
        actor: &actor,
        confirm: &confirm,
    };
    let result = checklists::run_step(&ctx, &run_id, idx, &input).await;
    events::cache_changed(
        &app,
        &org.entry.id,
        &["users", "groups", "systems", "audit", "checklists"],
    );
    Ok(result?)
}

/// "Restore access": re-adds what the run's capture step recorded (groups, direct app access).
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn checklist_restore(app: AppHandle, session: State<'_, Session>, run_id: String) -> AppResult<String> {
    let (org, access, actor) = session.for_writes(Some(run_id.clone()))?;
    let no_dialog = |_c: Confirmation| -> Pin<Box<dyn Future<Output = bool> + Send>> { Box::pin(async { false }) };
    let ctx = StepContext {
        client: &org.client,
        cache: &org.cache,
        access: &access,
        actor: &actor,
        confirm: &no_dialog,
    };
    let summary = checklists::restore_access(&ctx, &run_id).await;
    events::cache_changed(&app, &org.entry.id, &["users", "groups", "audit", "checklists"]);
    Ok(summary?)
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub fn checklist_step_skip(
    app: AppHandle,
    session: State<'_, Session>,
    run_id: String,
    idx: u32,
    reason: String,
) -> AppResult<StepRow> {
    let org = session.active()?;
    let s = checklists::skip_step(&org.cache(), &run_id, idx, &reason)?;
    events::cache_changed(&app, &org.entry.id, &["checklists"]);
    Ok(s)
}

/// Saves the run's evidence report as CSV (native save dialog); None when cancelled.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn checklist_export(
    app: AppHandle,
    session: State<'_, Session>,
    run_id: String,
) -> AppResult<Option<String>> {
    let org = session.active()?;
    let csv = checklists::evidence_csv(&org.cache(), &run_id)?;
    let title = "Export checklist evidence as CSV";
    let Some(path) = crate::dialogs::ask_save_path(&app, title, &format!("{run_id}-evidence.csv")).await? else {
        return Ok(None);
    };
    crate::dialogs::write_file(&path, &csv)?;
    Ok(Some(path.display().to_string()))
}

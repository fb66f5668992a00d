//! Checklist runs: start one for a person (or a new starter), run or skip its steps one by one
//! (device steps ask the same native confirmation as a device's panel), export the evidence;
//! the org's templates (edit, reset, export, import); access grants due for removal.

use crate::commands::blocking::{read, with_org};
use crate::error::{AppError, AppResult};
use crate::events::{self, DataKind};
use crate::session::Session;
use rollcall_cache::{RunRow, StepRow};
use rollcall_core::actions::Confirmation;
use rollcall_core::checklists::{self, Grant, RunView, StartInput, StepContext, StepInput};
use rollcall_core::evidence;
use rollcall_core::templates::{self, Template, TemplateCatalog, TemplateImport};
use serde::Serialize;
use specta::Type;
use std::future::Future;
use std::pin::Pin;
use tauri::{AppHandle, State};
use tracing::instrument;

/// A change to the open org's checklist records (runs, steps, templates), made in its file
/// on the blocking pool (`f` gets the cache and the org id), then announced so the views
/// refresh.
async fn change_checklists<T: Send + 'static>(
    app: &AppHandle,
    session: &Session,
    f: impl FnOnce(&mut rollcall_cache::Cache, &str) -> Result<T, AppError> + Send + 'static,
) -> AppResult<T> {
    let (out, org_id) = with_org(session, move |org| {
        let out = f(&mut org.cache(), &org.entry.id)?;
        Ok((out, org.entry.id.clone()))
    })
    .await?;
    events::cache_changed(app, &org_id, &[DataKind::Checklists]);
    Ok(out)
}

/// Starts a run of the template `template` (built-in or the org's own) for a person, or for a
/// new starter (onboarding); returns its id.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn checklist_start(
    app: AppHandle,
    session: State<'_, Session>,
    template: String,
    input: StartInput,
) -> AppResult<String> {
    let operator = rollcall_core::session::operator();
    change_checklists(&app, &session, move |cache, org_id| {
        Ok(checklists::start_run(cache, org_id, &operator, &template, &input)?)
    })
    .await
}

/// Runs started for several people at once.
#[derive(Debug, Clone, Serialize, Type)]
pub struct BulkStart {
    pub started: Vec<String>,
    /// Entries not started, each with why (matched nobody, already in the group, …).
    pub unknown: Vec<String>,
}

/// Starts `template` for each person in `people` (emails, usernames or ids one per line, or a
/// CSV with an email or username column), with the same choices (`input`) for each.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session, people), err(Debug))]
pub async fn checklist_start_bulk(
    app: AppHandle,
    session: State<'_, Session>,
    template: String,
    people: String,
    input: StartInput,
) -> AppResult<BulkStart> {
    let operator = rollcall_core::session::operator();
    change_checklists(&app, &session, move |cache, org_id| {
        let (started, unknown) = checklists::start_bulk(cache, org_id, &operator, &template, &people, &input)?;
        Ok(BulkStart { started, unknown })
    })
    .await
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn checklist_runs(session: State<'_, Session>) -> AppResult<Vec<RunRow>> {
    read(&session, "checklist runs", |c| c.runs()).await
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn checklist_run(session: State<'_, Session>, run_id: String) -> AppResult<RunView> {
    read(&session, "checklist run", move |c| checklists::run_view(c, &run_id)).await
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
    let (app2, entry) = (app.clone(), org.entry.clone());
    let confirm = move |c: Confirmation| -> Pin<Box<dyn Future<Output = bool> + Send>> {
        let (app, entry) = (app2.clone(), entry.clone());
        Box::pin(async move { crate::dialogs::confirm(&app, &entry, &c).await })
    };
    let ctx = StepContext {
        client: &org.client,
        cache: &org.cache,
        access: &access,
        actor: &actor,
        confirm: &confirm,
    };
    let result = checklists::run_step(&ctx, &run_id, idx, &input).await;
    relearn_if_refused(&app, &org);
    use DataKind as K;
    events::cache_changed(
        &app,
        &org.entry.id,
        &[K::Users, K::Groups, K::Systems, K::Audit, K::Checklists],
    );
    Ok(result?)
}

/// Cancels the suspend step's scheduled suspension while JumpCloud still holds it pending;
/// says what was done.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn checklist_step_cancel_schedule(
    app: AppHandle,
    session: State<'_, Session>,
    run_id: String,
    idx: u32,
) -> AppResult<String> {
    run_write(&app, &session, &run_id, RunWrite::CancelSchedule(idx)).await
}

/// JumpCloud refused a request of the run for the role (the audited actions then forget what
/// was learned of it): learn it again in the background, so the buttons say what is allowed.
fn relearn_if_refused(app: &AppHandle, org: &crate::session::ActiveOrg) {
    let still_known = rollcall_core::access::kept(&org.cache(), &org.client).is_some();
    if !still_known && org.access().is_some() {
        crate::commands::org::relearn_access_in_background(app);
    }
}

/// The run-level writes that send without a dialog of their own (group and app changes, a
/// scheduled suspension's cancellation).
enum RunWrite {
    Restore,
    RemoveGrant,
    /// The scheduled suspension of step `idx`.
    CancelSchedule(u32),
}

async fn run_write(app: &AppHandle, session: &Session, run_id: &str, what: RunWrite) -> AppResult<String> {
    let (org, access, actor) = session.for_writes(Some(run_id.to_string()))?;
    let no_dialog = |_c: Confirmation| -> Pin<Box<dyn Future<Output = bool> + Send>> { Box::pin(async { false }) };
    let ctx = StepContext {
        client: &org.client,
        cache: &org.cache,
        access: &access,
        actor: &actor,
        confirm: &no_dialog,
    };
    let summary = match what {
        RunWrite::Restore => checklists::restore_access(&ctx, run_id).await,
        RunWrite::RemoveGrant => checklists::remove_grant(&ctx, run_id).await,
        RunWrite::CancelSchedule(idx) => checklists::cancel_scheduled(&ctx, run_id, idx).await.map(|s| s.message),
    };
    relearn_if_refused(app, &org);
    use DataKind as K;
    events::cache_changed(app, &org.entry.id, &[K::Users, K::Groups, K::Audit, K::Checklists]);
    Ok(summary?)
}

/// "Restore access": re-adds what the run's capture step recorded (groups, direct app access).
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn checklist_restore(app: AppHandle, session: State<'_, Session>, run_id: String) -> AppResult<String> {
    run_write(&app, &session, &run_id, RunWrite::Restore).await
}

/// Access given by access requests and still in place, soonest expiry first (`due` when the
/// expiry date has come).
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn checklist_grants(session: State<'_, Session>) -> AppResult<Vec<Grant>> {
    with_org(&session, |org| Ok(checklists::grants(&org.cache())?)).await
}

/// Removes an access request's grant now (one request, audited with its run).
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn checklist_grant_remove(app: AppHandle, session: State<'_, Session>, run_id: String) -> AppResult<String> {
    run_write(&app, &session, &run_id, RunWrite::RemoveGrant).await
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn checklist_step_skip(
    app: AppHandle,
    session: State<'_, Session>,
    run_id: String,
    idx: u32,
    reason: String,
) -> AppResult<StepRow> {
    change_checklists(&app, &session, move |cache, _| {
        Ok(checklists::skip_step(cache, &run_id, idx, &reason)?)
    })
    .await
}

/// Saves the run's evidence report as `format` through the native save
/// dialog; returns the path, None when cancelled.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn checklist_export(
    app: AppHandle,
    session: State<'_, Session>,
    run_id: String,
    format: evidence::ReportFormat,
) -> AppResult<Option<String>> {
    let org = session.active()?;
    let from = match session.connectivity() {
        // Online, the Directory Insights events come from JumpCloud now; offline, from the last sync.
        crate::session::Connectivity::Online => evidence::EventsFrom::JumpCloud,
        _ => evidence::EventsFrom::LastSync,
    };
    let offer = evidence::offer(&run_id, format);
    let saved = crate::dialogs::save_as(&app, &offer, || async {
        let bytes = evidence::report(&org.client, &org.cache, &run_id, from, format).await?;
        Ok((bytes, ()))
    })
    .await?;
    Ok(saved.map(|(path, ())| path))
}

/// The org's templates (its own versions where it has them) and the step kinds they may hold.
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn checklist_templates(session: State<'_, Session>) -> AppResult<TemplateCatalog> {
    read(&session, "checklist templates", templates::catalog).await
}

/// Saves the org's version of a template (checked first; the message names what is wrong).
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn checklist_template_save(app: AppHandle, session: State<'_, Session>, template: Template) -> AppResult<()> {
    change_checklists(&app, &session, move |cache, _| Ok(templates::save(cache, &template)?)).await
}

/// Puts a built-in template back as shipped, or deletes one of the org's own.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn checklist_template_reset(app: AppHandle, session: State<'_, Session>, id: String) -> AppResult<()> {
    change_checklists(&app, &session, move |cache, _| Ok(templates::reset(cache, &id)?)).await
}

/// Saves a template as a JSON file (native save dialog); returns the path, None when cancelled.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn checklist_template_export(
    app: AppHandle,
    session: State<'_, Session>,
    id: String,
) -> AppResult<Option<String>> {
    let t = {
        let id = id.clone();
        with_org(&session, move |org| Ok(templates::get(&org.cache(), &id)?)).await?
    };
    let offer = templates::offer(&t);
    let saved =
        crate::dialogs::save_as(&app, &offer, || async { Ok((templates::export(&t).into_bytes(), ())) }).await?;
    Ok(saved.map(|(path, ())| path))
}

/// Imports a template file (native open dialog); None when cancelled.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn checklist_template_import(
    app: AppHandle,
    session: State<'_, Session>,
) -> AppResult<Option<TemplateImport>> {
    session.active()?; // with no organisation open, refuse before the dialog
    let Some(path) = crate::dialogs::ask_open_path(&app, "Import a checklist template", ("JSON", "json")).await? else {
        return Ok(None);
    };
    let text = crate::commands::blocking::blocking(move || crate::dialogs::read_text(&path)).await?;
    let (template, unmatched) =
        change_checklists(&app, &session, move |cache, _| Ok(templates::import(cache, &text)?)).await?;
    Ok(Some(TemplateImport { template, unmatched }))
}

/// Reads a CSV of people for a bulk start (native open dialog), as it is (the start reads its
/// email or username column, or an onboarding's new-starter columns); None when cancelled.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app), err(Debug))]
pub async fn checklist_people_file(app: AppHandle) -> AppResult<Option<String>> {
    let Some(path) = crate::dialogs::ask_open_path(&app, "Choose a CSV of people", ("CSV", "csv")).await? else {
        return Ok(None);
    };
    let text = crate::commands::blocking::blocking(move || crate::dialogs::read_text(&path)).await?;
    Ok(Some(text))
}

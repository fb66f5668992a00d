//! Checklists: offboarding, onboarding, access requests and resets, run click by click.
//!
//! Starting a run (`start`) previews what each step will do from the local copy (the 7 groups,
//! the 3 apps, the 2 devices by hostname) and stores it in the org's file. Each step is then
//! run on its own button (`run`): a step that removes access (groups, apps, devices) first reads
//! what JumpCloud holds now (`crate::live`), says how that differs from the preview, acts on it,
//! and is "done" only when a read afterwards shows the access gone. Its items are sent one by
//! one through the audited actions and every accepted item is written down at once, so after a
//! crash or a restart the run resumes where it stopped; a device command already accepted is
//! never sent again. Device items go through the same native confirmation as a click in a
//! device's panel (the caller supplies it). Writes on a whole run (restore access, remove a
//! time-limited grant) live in `whole_run`.

mod rules;
mod run;
mod scheduled;
mod start;
mod view;
mod whole_run;

pub use rules::{step_preview, step_rules, StepPreview, StepRules};
pub use run::{run_step, skip_step};
pub use scheduled::cancel_scheduled;
pub use start::{new_starters, people_in, start_bulk, start_run};
pub use view::{run_view, RunView, StepView};
pub use whole_run::{grants, remove_grant, restore_access, Grant};

use crate::access::Access;
use crate::actions::{ActionError, ActionRequest, Actor, Confirmation, UserProfile};
use crate::live::LiveReadError;
use crate::sync::now_rfc3339;
use futures_util::future::BoxFuture;
use jumpcloud::Client;
use parking_lot::Mutex;
pub(crate) use rollcall_cache::{Cache, CacheError, RunRow, RunStatus, StepKind, StepRow, StepState};
use serde::{Deserialize, Serialize};

/// One thing a step does: one request (or, without one, something it will not do and why).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StepItem {
    pub key: String,
    pub label: String,
    pub request: Option<ActionRequest>,
    /// Why this item is not sent (not offered for the device, reached through a group, …).
    pub note: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ChecklistError {
    #[error("{0}")]
    Invalid(String),
    /// The run or step named is not in this organisation's file.
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Cache(#[from] CacheError),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Action(#[from] ActionError),
    /// What the person holds could not be read from JumpCloud; nothing was sent.
    #[error("Nothing was sent. {0}")]
    Live(#[from] LiveReadError),
}

type Result<T> = std::result::Result<T, ChecklistError>;

pub(crate) fn item(key: String, label: String, request: Option<ActionRequest>, note: Option<String>) -> StepItem {
    StepItem {
        key,
        label,
        request,
        note,
    }
}

pub(crate) fn step(idx: u32, kind: StepKind, title: &str, items: &[StepItem], optional: bool) -> Result<StepRow> {
    Ok(StepRow {
        run_id: String::new(),
        idx,
        kind,
        title: title.into(),
        items: serde_json::to_string(items)?,
        state: StepState::Pending,
        items_done: "[]".into(),
        started_at: None,
        finished_at: None,
        message: String::new(),
        note: String::new(),
        optional,
    })
}

/// What the admin gives when starting a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StartInput {
    /// The person (every checklist but onboarding).
    pub user_id: String,
    /// Onboarding: the new person.
    pub new_user: Option<UserProfile>,
    /// Onboarding: the groups to join (the template's baseline unless changed); access
    /// request: the one group asked for.
    pub group_ids: Vec<String>,
    /// Onboarding: the device to bind, if one is ready.
    pub device_id: Option<String>,
    /// Access request: the last day of the grant (YYYY-MM-DD, UTC).
    pub expires_on: Option<String>,
}

/// Today's date (UTC), YYYY-MM-DD.
pub fn today() -> String {
    rollcall_cache::dates::today_utc()
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn insert(
    cache: &mut Cache,
    org_id: &str,
    operator: &str,
    template: &str,
    title: &str,
    subject_id: &str,
    subject_label: &str,
    steps: Vec<StepRow>,
) -> Result<String> {
    let id = run_id();
    let run = RunRow {
        id: id.clone(),
        org_id: org_id.into(),
        template: template.into(),
        title: title.into(),
        subject_id: subject_id.into(),
        subject_label: subject_label.into(),
        operator: operator.into(),
        started_at: now_rfc3339(),
        finished_at: None,
        status: RunStatus::Active,
        capture: "{}".into(),
    };
    let steps: Vec<StepRow> = steps
        .into_iter()
        .map(|s| StepRow {
            run_id: id.clone(),
            ..s
        })
        .collect();
    cache.insert_run(&run, &steps)?;
    Ok(id)
}

/// A new run id: a UUID v7 (time-ordered, unique).
fn run_id() -> String {
    format!("run-{}", uuid::Uuid::now_v7())
}

/// The run, step `idx`, and all the run's steps.
pub(crate) fn load_step(cache: &Cache, run_id: &str, idx: u32) -> Result<(RunRow, StepRow, Vec<StepRow>)> {
    let (run, steps) = cache
        .run(run_id)?
        .ok_or_else(|| ChecklistError::NotFound(format!("No checklist run {run_id} in this organisation.")))?;
    let s = steps
        .iter()
        .find(|s| s.idx == idx)
        .cloned()
        .ok_or_else(|| ChecklistError::NotFound(format!("The run has no step {idx}.")))?;
    Ok((run, s, steps))
}

/// Asks the admin to confirm (a native dialog in the app).
pub type Confirm<'a> = &'a (dyn Fn(Confirmation) -> BoxFuture<'static, bool> + Send + Sync);

/// Who runs a step, against what, and how confirmations are asked.
pub struct StepContext<'a> {
    pub client: &'a Client,
    pub cache: &'a Mutex<Cache>,
    pub access: &'a Access,
    pub actor: &'a Actor,
    pub confirm: Confirm<'a>,
}

/// What the admin typed for a step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StepInput {
    /// For wipes: device id → the hostname as typed.
    pub typed_hostnames: Vec<(String, String)>,
    /// For manual steps: who did what, where. For identity checks: who verified, how.
    pub note: String,
    /// For approval steps: who approved, and the ticket it was asked in.
    #[serde(default)]
    pub approver: String,
    #[serde(default)]
    pub ticket: String,
    /// For the suspend step: suspend at this date and time (RFC 3339, UTC) instead of now.
    #[serde(default)]
    pub suspend_at: Option<String>,
}

/// How a captured app was reached: the capture's `via`, or (captures from before it was kept)
/// its `how`, "direct" or the group's name.
pub(crate) fn captured_via(app: &serde_json::Value) -> rollcall_cache::AppVia {
    use rollcall_cache::AppVia;
    if let Some(via) = app.get("via").and_then(|v| serde_json::from_value(v.clone()).ok()) {
        return via;
    }
    match app.get("how").and_then(|h| h.as_str()).unwrap_or_default() {
        "direct" => AppVia::Direct,
        group => AppVia::Group {
            id: String::new(),
            name: group.to_string(),
        },
    }
}

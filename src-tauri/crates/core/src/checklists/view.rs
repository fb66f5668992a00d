//! A run as the screen shows it: each step with its items decoded, what its preview may be
//! missing, what it asks of the admin, and whether "Restore access" has anything to put back.

use super::{step_preview, step_rules, ChecklistError, Result, StepItem, StepPreview, StepRules};
use rollcall_cache::{Cache, RunRow, StepRow};
use serde::Serialize;

/// A step with its items decoded.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StepView {
    pub step: StepRow,
    pub items: Vec<StepItem>,
    /// The keys of the items done.
    pub done: Vec<String>,
    /// Whether it reads JumpCloud when it runs, and what the preview may be missing.
    pub preview: StepPreview,
    /// What it asks of the admin and whether it may run now.
    pub rules: StepRules,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RunView {
    pub run: RunRow,
    pub steps: Vec<StepView>,
    /// The capture step recorded groups and apps that "Restore access" can put back.
    pub can_restore: bool,
}

/// Run `run_id` for the screen, given the state of the local copy.
pub fn run_view(cache: &Cache, run_id: &str) -> Result<RunView> {
    let (run, steps) = cache
        .run(run_id)?
        .ok_or_else(|| ChecklistError::NotFound("That checklist run is not in this organisation.".into()))?;
    let state = cache.mirror_state()?;
    let views = steps
        .iter()
        .map(|s| {
            Ok(StepView {
                step: s.clone(),
                items: serde_json::from_str(&s.items)?,
                done: serde_json::from_str(&s.items_done)?,
                preview: step_preview(s.kind, state),
                rules: step_rules(&steps, s.idx),
            })
        })
        .collect::<Result<_>>()?;
    let can_restore = serde_json::from_str::<serde_json::Value>(&run.capture)
        .is_ok_and(|c| c.get("groups").is_some_and(|g| g.is_array()));
    Ok(RunView {
        run,
        steps: views,
        can_restore,
    })
}

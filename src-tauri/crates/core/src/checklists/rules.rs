//! What the screen needs to know of each step, decided here so the front end never repeats a
//! rule: what the admin must give before it runs (a note, an approval, typed hostnames),
//! whether it is next or held back by an earlier approval or identity check, and what its
//! preview may be missing while the local copy is still importing.

use rollcall_cache::{StepKind, StepRow, StepState};
use serde::Serialize;

/// The steps that act on what a person holds; they read it from JumpCloud when they run.
pub(crate) fn reads_live(kind: StepKind) -> bool {
    matches!(
        kind,
        StepKind::Capture
            | StepKind::RemoveGroups
            | StepKind::RemoveApps
            | StepKind::LockDevices
            | StepKind::WipeDevices
    )
}

/// A step that removes access: "done" only once a read afterwards shows none of it left.
pub(crate) fn removes_access(kind: StepKind) -> bool {
    matches!(kind, StepKind::RemoveGroups | StepKind::RemoveApps)
}

/// What a step's preview should tell the admin beside its items.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StepPreview {
    /// The step reads what the person holds from JumpCloud when it runs (and acts on that).
    pub reads_live: bool,
    /// The step removes access, and reads JumpCloud again afterwards to check it is gone.
    pub removes_access: bool,
    /// The local copy is still being filled: the preview may be missing what is loading.
    pub loading: Option<String>,
}

/// The preview note of a step of `kind`, given the state of the local copy.
pub fn step_preview(kind: StepKind, snapshot_state: rollcall_cache::kinds::SnapshotState) -> StepPreview {
    let live = reads_live(kind);
    let what = match kind {
        StepKind::Capture => "group memberships, app access and device bindings",
        StepKind::RemoveGroups => "group memberships",
        StepKind::RemoveApps => "app access",
        _ => "device bindings",
    };
    StepPreview {
        reads_live: live,
        removes_access: removes_access(kind),
        loading: (live && snapshot_state != rollcall_cache::kinds::SnapshotState::Complete).then(|| {
            format!(
                "The first import of this organisation has not finished, so {what} may be missing from this preview. When the step runs it reads them from JumpCloud and acts on what is there."
            )
        }),
    }
}

/// What a step asks of the admin, and whether it may run now.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StepRules {
    /// Done or skipped: it offers no buttons.
    pub closed: bool,
    /// The first step not done or skipped.
    pub next: bool,
    /// A note must be written before it runs (who did what; who verified, how).
    pub note_required: bool,
    /// The prompt for the note field; None when the step shows none (a skip reason is asked
    /// on the next step).
    pub note_prompt: Option<String>,
    /// Who approved and the ticket must be recorded.
    pub approval: bool,
    /// The hostname of each device must be typed (wipes).
    pub typed_hostnames: bool,
    /// An approval or identity check before it that is not recorded yet (its title).
    pub waits_for: Option<String>,
    /// It may run at a date and time instead of now (the suspend step: a scheduled
    /// suspension).
    pub schedulable: bool,
    /// JumpCloud will make its change at a date: running it again checks whether it has.
    pub scheduled: bool,
}

/// The rules of step `idx` among `steps` (a run's steps in order).
pub fn step_rules(steps: &[StepRow], idx: u32) -> StepRules {
    let Some(s) = steps.iter().find(|s| s.idx == idx) else {
        return StepRules {
            closed: true,
            next: false,
            note_required: false,
            note_prompt: None,
            approval: false,
            typed_hostnames: false,
            waits_for: None,
            schedulable: false,
            scheduled: false,
        };
    };
    let next = steps.iter().find(|x| !x.state.is_closed()).map(|x| x.idx) == Some(idx);
    let note_required = matches!(s.kind, StepKind::Manual | StepKind::Verify);
    let note_prompt = match s.kind {
        StepKind::Verify => {
            Some("Required: who verified the person, and how (call-back, video, in person)".to_string())
        }
        StepKind::Manual => Some("Note (required): who collected what, where".to_string()),
        _ if next => Some("Reason, if you skip".to_string()),
        _ => None,
    };
    StepRules {
        closed: s.state.is_closed(),
        next,
        note_required,
        note_prompt,
        approval: s.kind == StepKind::Approval,
        typed_hostnames: s.kind == StepKind::WipeDevices,
        waits_for: steps
            .iter()
            .find(|g| g.kind.is_gate() && g.idx < idx && g.state != StepState::Done)
            .map(|g| g.title.clone()),
        schedulable: s.kind == StepKind::Suspend && s.state != StepState::Scheduled,
        scheduled: s.state == StepState::Scheduled,
    }
}

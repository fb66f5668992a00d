//! The offboarding's suspend step at a date and time (the person's last day): JumpCloud's
//! scheduled state change (`/api/v2/bulk/userstates`). The step shows as scheduled until
//! JumpCloud applies it; running it again checks — done, verified, once JumpCloud lists the
//! person as suspended; failed when the job is gone and the person is not (cancelled outside
//! Rollcall). Until then the suspension can be cancelled.

use super::{load_step, ChecklistError, Result, StepContext};
use crate::actions::{self, ActionRequest, ActionStatus, Actor};
use crate::live::{self, Part};
use crate::pdf::utc;
use crate::sync::now_rfc3339;
use rollcall_cache::{RunRow, StepKind, StepRow, StepState};
use serde_json::json;

/// The job a run's suspension was scheduled as: (job id, when).
fn scheduled_of(run: &RunRow) -> Option<(String, String)> {
    let c: serde_json::Value = serde_json::from_str(&run.capture).ok()?;
    let s = c.get("scheduled_suspension")?;
    Some((
        s.get("job_id")?.as_str()?.to_string(),
        s.get("at")?.as_str()?.to_string(),
    ))
}

fn set_scheduled(ctx: &StepContext<'_>, run: &RunRow, value: Option<(&str, &str)>) -> Result<()> {
    let mut c: serde_json::Value = serde_json::from_str(&run.capture).unwrap_or_else(|_| json!({}));
    match value {
        Some((job, at)) => c["scheduled_suspension"] = json!({ "job_id": job, "at": at }),
        None => {
            if let Some(m) = c.as_object_mut() {
                m.remove("scheduled_suspension");
            }
        }
    }
    ctx.cache.lock().save_capture(&run.id, &c.to_string())?;
    Ok(())
}

fn actor(ctx: &StepContext<'_>, run_id: &str) -> Actor {
    Actor {
        run_id: Some(run_id.to_string()),
        ..ctx.actor.clone()
    }
}

/// Asks JumpCloud to suspend the run's person at `at` (confirmed natively first); the step is
/// then scheduled.
pub(super) async fn schedule(ctx: &StepContext<'_>, run: &RunRow, mut s: StepRow, at: &str) -> Result<StepRow> {
    let request = ActionRequest::UserScheduleSuspend {
        user_id: run.subject_id.clone(),
        at: at.to_string(),
    };
    let plan = actions::plan(&ctx.cache.lock(), ctx.access, request)?;
    if let Some(c) = plan.confirm.clone() {
        if !(ctx.confirm)(c).await {
            return Err(ChecklistError::Invalid(
                "Cancelled — nothing was sent to JumpCloud.".into(),
            ));
        }
    }
    let out = actions::execute(ctx.client, ctx.cache, &plan, &actor(ctx, &run.id)).await?;
    let job = out.created_id.clone().unwrap_or_default();
    set_scheduled(ctx, run, Some((&job, at)))?;
    s.state = StepState::Scheduled;
    s.started_at.get_or_insert_with(now_rfc3339);
    s.message = format!(
        "{} It shows as scheduled until JumpCloud applies it; run the step again after that time to verify it.",
        out.message
    );
    ctx.cache.lock().save_step(&s)?;
    Ok(s)
}

/// Checks a scheduled suspension: done when JumpCloud lists the person as suspended, still
/// scheduled while the job is pending, failed when the job is gone and the person is not.
pub(super) async fn check(ctx: &StepContext<'_>, run: &RunRow, mut s: StepRow) -> Result<StepRow> {
    let (job, at) = scheduled_of(run).unwrap_or_default();
    let now = live::read_person(ctx.client, ctx.cache, &run.subject_id, &[Part::Account]).await?;
    let when = utc(&at, false);
    let pending = ctx
        .client
        .users()
        .scheduled_states(&run.subject_id)
        .await
        .map_err(|e| ChecklistError::Invalid(format!("Rollcall could not read the scheduled changes: {e}")))?;
    let read = utc(&now.read_at, true);
    if pending.iter().any(|p| p.scheduled_job_id == job) {
        // Still pending, even if someone suspended the person meanwhile: it can be cancelled.
        s.message = format!(
            "Still scheduled: JumpCloud will suspend {} at {when} (job {job} is pending, read at {read}).",
            run.subject_label
        );
    } else if now.state.as_deref() == Some("SUSPENDED") {
        s.state = StepState::Done;
        s.finished_at = Some(now_rfc3339());
        s.message = format!(
            "Verified: the suspension scheduled for {when} ran (job {job}) and JumpCloud lists {} as suspended (read at {read}).",
            run.subject_label
        );
        set_scheduled(ctx, run, None)?;
    } else {
        s.state = StepState::Failed;
        s.message = format!(
            "JumpCloud no longer lists the suspension scheduled for {when} and {} is not suspended: it was cancelled outside Rollcall, or the person was reactivated. Run the step to suspend now, or choose a new time.",
            run.subject_label
        );
        set_scheduled(ctx, run, None)?;
    }
    ctx.cache.lock().save_step(&s)?;
    Ok(s)
}

/// Cancels the run's scheduled suspension (while pending): the step is to do again.
pub async fn cancel_scheduled(ctx: &StepContext<'_>, run_id: &str, idx: u32) -> Result<StepRow> {
    let (run, mut s, _) = load_step(&ctx.cache.lock(), run_id, idx)?;
    if s.kind != StepKind::Suspend || s.state != StepState::Scheduled {
        return Err(ChecklistError::Invalid(
            "This step has no scheduled suspension to cancel.".into(),
        ));
    }
    let Some((job, at)) = scheduled_of(&run) else {
        return Err(ChecklistError::Invalid("This run recorded no scheduled job.".into()));
    };
    let request = ActionRequest::UserCancelScheduled {
        user_id: run.subject_id.clone(),
        job_id: job,
    };
    let plan = actions::plan(&ctx.cache.lock(), ctx.access, request)?;
    let out = actions::execute(ctx.client, ctx.cache, &plan, &actor(ctx, run_id)).await?;
    if out.status != ActionStatus::Done {
        return Err(ChecklistError::Invalid(out.message));
    }
    set_scheduled(ctx, &run, None)?;
    s.state = StepState::Pending;
    s.message = format!(
        "{} (it was scheduled for {}).",
        out.message.trim_end_matches('.'),
        utc(&at, false)
    );
    ctx.cache.lock().save_step(&s)?;
    Ok(s)
}

//! "Suspend this person on a date" as part of a closed campaign's remediation: JumpCloud's
//! scheduled state change (`/api/v2/bulk/userstates`), confirmed natively and audited, kept
//! with the campaign, checked — verified once JumpCloud lists the person suspended, "lost" when
//! the job is gone and they are not —, cancellable while pending.

use super::{remedy::Remediation, CertifyError, Result};
use crate::actions::{self, ActionRequest};
use crate::checklists::Confirm;
use crate::live::{self, Part};
use crate::pdf::utc;
use crate::sync::now_rfc3339;
use rollcall_cache::{CertDecision, ScheduledSuspension, SuspensionState};

fn invalid(e: impl std::fmt::Display) -> CertifyError {
    CertifyError::Invalid(e.to_string())
}

/// Schedules the suspension of `person_id` (who has a revoked row in campaign `id`) at `at`.
pub async fn schedule_suspension(
    ctx: &Remediation<'_>,
    id: i64,
    person_id: &str,
    at: &str,
    confirm: Confirm<'_>,
) -> Result<super::CampaignView> {
    let person = {
        let c = ctx.cache.lock();
        if c.campaign(id)?.closed_at.is_none() {
            return Err(invalid(
                "Close the access review first: suspensions are part of its remediation.",
            ));
        }
        let person = c
            .campaign_rows(id)?
            .into_iter()
            .find(|r| r.row.person_id == person_id && r.decision == Some(CertDecision::Revoke))
            .map(|r| r.row.person)
            .ok_or_else(|| invalid("Only a person with a revoked row in this access review is suspended from it."))?;
        if c.campaign_suspensions(id)?
            .iter()
            .any(|x| x.person_id == person_id && x.state == SuspensionState::Scheduled)
        {
            return Err(invalid(
                "A suspension of this person is already scheduled: cancel it first to choose another time.",
            ));
        }
        person
    };
    let request = ActionRequest::UserScheduleSuspend {
        user_id: person_id.to_string(),
        at: at.to_string(),
    };
    let plan = actions::plan(&ctx.cache.lock(), ctx.access, request).map_err(invalid)?;
    if let Some(c) = plan.confirm.clone() {
        if !confirm(c).await {
            return Err(invalid("Cancelled — nothing was sent to JumpCloud."));
        }
    }
    let out = actions::execute(ctx.client, ctx.cache, &plan, ctx.actor)
        .await
        .map_err(invalid)?;
    let c = ctx.cache.lock();
    c.add_campaign_suspension(
        id,
        &ScheduledSuspension {
            person_id: person_id.to_string(),
            person,
            at: at.to_string(),
            job_id: out
                .created_id
                .filter(|j| !j.is_empty())
                .unwrap_or_else(|| format!("unnamed-{}", rollcall_cache::dates::now_ms())),
            scheduled_by: ctx.actor.operator.clone(),
            scheduled_at: now_rfc3339(),
            state: SuspensionState::Scheduled,
            note: out.message,
        },
    )?;
    super::view(&c, id)
}

/// Reads JumpCloud for each pending suspension: verified when the person is suspended, still
/// scheduled while the job is listed, lost when neither.
pub async fn check_suspensions(ctx: &Remediation<'_>, id: i64) -> Result<super::CampaignView> {
    let pending: Vec<ScheduledSuspension> = ctx
        .cache
        .lock()
        .campaign_suspensions(id)?
        .into_iter()
        .filter(|s| s.state == SuspensionState::Scheduled)
        .collect();
    for s in pending {
        let now = live::read_person(ctx.client, ctx.cache, &s.person_id, &[Part::Account])
            .await
            .map_err(invalid)?;
        let read = utc(&now.read_at, true);
        let jobs = ctx.client.users().scheduled_states(&s.person_id).await?;
        let pending = jobs.iter().any(|j| j.scheduled_job_id == s.job_id);
        let suspended = now.state.as_deref() == Some("SUSPENDED");
        // Verified only once JumpCloud ran the job: a person already suspended by someone else
        // while the job is still pending stays "scheduled" (the job can still be cancelled).
        let (state, note) = match (pending, suspended) {
            (true, _) => (
                SuspensionState::Scheduled,
                format!("Pending: JumpCloud will suspend them at {} (read at {read}).", utc(&s.at, false)),
            ),
            (false, true) => (
                SuspensionState::Verified,
                format!("Verified: the job ran and JumpCloud lists {} as suspended (read at {read}).", s.person),
            ),
            (false, false) => (
                SuspensionState::Lost,
                format!(
                    "JumpCloud no longer lists the job and {} is not suspended (read at {read}): it was cancelled outside Rollcall, or the person was reactivated.",
                    s.person
                ),
            ),
        };
        ctx.cache.lock().set_campaign_suspension(id, &s.job_id, state, &note)?;
    }
    super::view(&ctx.cache.lock(), id)
}

/// Cancels a pending suspension of campaign `id` (its job).
pub async fn cancel_suspension(ctx: &Remediation<'_>, id: i64, job_id: &str) -> Result<super::CampaignView> {
    let s = ctx
        .cache
        .lock()
        .campaign_suspensions(id)?
        .into_iter()
        .find(|s| s.job_id == job_id && s.state == SuspensionState::Scheduled)
        .ok_or_else(|| invalid("No pending suspension of this access review has that job."))?;
    let request = ActionRequest::UserCancelScheduled {
        user_id: s.person_id.clone(),
        job_id: job_id.to_string(),
    };
    let plan = actions::plan(&ctx.cache.lock(), ctx.access, request).map_err(invalid)?;
    let out = actions::execute(ctx.client, ctx.cache, &plan, ctx.actor)
        .await
        .map_err(invalid)?;
    let c = ctx.cache.lock();
    c.set_campaign_suspension(
        id,
        job_id,
        SuspensionState::Cancelled,
        &format!(
            "{} Cancelled by {} at {}.",
            out.message,
            ctx.actor.operator,
            utc(&now_rfc3339(), false)
        ),
    )?;
    super::view(&c, id)
}

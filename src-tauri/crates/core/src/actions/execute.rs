//! Sending a planned (and, where needed, confirmed) action: the audit intent, the one request,
//! the outcome, and the change written into the cache. A request that must not be repeated is
//! sent at most once; a lost answer is "outcome unknown".

use super::rules::Route;
use super::{user_label, ActionError, ActionOutcome, ActionPlan, ActionRequest, ActionStatus, Actor};
use crate::convert;
use crate::sync::now_rfc3339;
use jumpcloud::{Client, Error, Method};
use parking_lot::Mutex;
use rollcall_cache::{AuditAction, AuditIntent, AuditStatus, Cache, GroupKind, UserState};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Parameters recorded in the audit trail: the request without secrets (Rollcall's requests
/// hold none; a macOS PIN is recorded on purpose, it is what unlocks the device).
fn audit_params(plan: &ActionPlan) -> String {
    let mut v = serde_json::to_value(&plan.request).unwrap_or(Value::Null);
    if let Some(p) = &plan.pin {
        v["pin"] = json!(p);
    }
    v.to_string()
}

async fn refresh_user(client: &Client, cache: &Mutex<Cache>, id: &str) -> Result<(), ActionError> {
    let (_, raw) = client
        .call(Method::GET, &format!("/api/systemusers/{id}"), None)
        .await?;
    if let Ok(convert::Read { row, .. }) = convert::user_row(&raw) {
        cache.lock().apply_user(&row)?;
    }
    Ok(())
}

/// One request for a plan (bulk membership: one per member).
/// `member`: the member a membership change adds or removes, with the group's kind.
async fn send(client: &Client, plan: &ActionPlan, member: Option<(GroupKind, &str)>) -> Result<Option<String>, Error> {
    use ActionRequest as R;
    let users = client.users();
    match &plan.request {
        R::UserCreate { profile } => return Ok(Some(users.create(&profile.to_json()).await?.id)),
        R::UserUpdate { user_id, profile } => {
            users.update(user_id, &profile.to_json()).await?;
        }
        R::UserSuspend { user_id } => users.suspend(user_id).await?,
        R::UserScheduleSuspend { user_id, at } => {
            let jobs = users
                .schedule_state(std::slice::from_ref(user_id), "SUSPENDED", at)
                .await?;
            return Ok(jobs.into_iter().next().map(|j| j.scheduled_job_id));
        }
        R::UserCancelScheduled { job_id, .. } => users.cancel_scheduled_state(job_id).await?,
        R::UserActivate { user_id } => activate(client, user_id).await?,
        R::UserUnlock { user_id } => users.unlock(user_id).await?,
        R::UserResetMfa { user_id } => users.reset_mfa(user_id).await?,
        R::UserExpirePassword { user_id } => users.expire_password(user_id).await?,
        R::UserResendEmail { user_id } => {
            let u = users.get(user_id).await?;
            users.resend_email(user_id, &u.email).await?;
        }
        R::UserDelete { user_id } => {
            users.delete(user_id).await?;
        }
        R::AppAccess { app_id, user_id, grant } => app_access(client, app_id, user_id, *grant).await?,
        R::GroupCreate {
            group_kind,
            name,
            description,
        } => {
            let groups = client.groups(convert::api_group_kind(*group_kind));
            return Ok(Some(groups.create(name.trim(), description.trim()).await?.id));
        }
        R::GroupMembers { group_id, add, .. } => change_membership(client, plan, member, group_id, *add).await?,
        R::DeviceBind {
            system_id,
            user_id,
            bind,
        } => device_binding(client, system_id, user_id, *bind).await?,
        R::DeviceSudo {
            system_id,
            user_id,
            sudo,
        } => client.systems().set_user_sudo(system_id, user_id, *sudo).await?,
        R::DeviceLock { system_id }
        | R::DeviceWipe { system_id, .. }
        | R::DeviceRestart { system_id }
        | R::DeviceShutdown { system_id } => device_command(client, plan, system_id).await?,
    }
    Ok(None)
}

/// Activates a staged account (sending its activation email), or unsuspends any other.
async fn activate(client: &Client, user_id: &str) -> Result<(), Error> {
    let users = client.users();
    let current = users.get(user_id).await?;
    if current.state.as_deref().map(UserState::parse) == Some(UserState::Staged) {
        users.activate(user_id, true).await?;
    } else {
        users.unsuspend(user_id).await?;
    }
    Ok(())
}

/// Gives the user direct access to the app, or removes it.
async fn app_access(client: &Client, app_id: &str, user_id: &str, grant: bool) -> Result<(), Error> {
    let apps = client.applications();
    if grant {
        apps.assign_user(app_id, user_id).await?;
    } else {
        apps.unassign_user(app_id, user_id).await?;
    }
    Ok(())
}

/// Adds `member` (with its group's kind) to the group, or removes it.
async fn change_membership(
    client: &Client,
    plan: &ActionPlan,
    member: Option<(GroupKind, &str)>,
    group_id: &str,
    add: bool,
) -> Result<(), Error> {
    let Some((kind, member)) = member else {
        return Err(Error::Config(format!("{} names no member.", plan.action)));
    };
    let groups = client.groups(convert::api_group_kind(kind));
    if add {
        groups.add_member(group_id, member).await?;
    } else {
        groups.remove_member(group_id, member).await?;
    }
    Ok(())
}

/// Binds the user to the device, or unbinds them.
async fn device_binding(client: &Client, system_id: &str, user_id: &str, bind: bool) -> Result<(), Error> {
    if bind {
        client.systems().bind_user(system_id, user_id, false).await?;
    } else {
        client.systems().unbind_user(system_id, user_id).await?;
    }
    Ok(())
}

/// A lock, wipe, restart or shutdown: through Apple MDM where the plan routes it there, else
/// as a JumpCloud command.
async fn device_command(client: &Client, plan: &ActionPlan, system_id: &str) -> Result<(), Error> {
    use ActionRequest as R;
    let systems = client.systems();
    match plan.route {
        Some(Route::AppleMdm { .. }) => apple_mdm_command(client, plan).await?,
        _ => match &plan.request {
            R::DeviceLock { .. } => systems.lock(system_id).await?,
            R::DeviceWipe { .. } => systems.erase(system_id).await?,
            R::DeviceRestart { .. } => systems.restart(system_id).await?,
            _ => systems.shutdown(system_id).await?,
        },
    }
    Ok(())
}

/// A device command sent through the organisation's (first) Apple MDM server.
async fn apple_mdm_command(client: &Client, plan: &ActionPlan) -> Result<(), Error> {
    use ActionRequest as R;
    let device = &plan.mdm_device_id;
    let mdm = client
        .apple_mdm()
        .list()
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| Error::NotFound {
            message: "no Apple MDM server is configured in this organisation".into(),
        })?;
    let pin = plan.pin.clone().unwrap_or_default();
    let mdms = client.apple_mdm();
    match &plan.request {
        R::DeviceLock { .. } => mdms.lock(&mdm.id, device, &pin).await?,
        R::DeviceWipe { .. } => mdms.erase(&mdm.id, device, &pin).await?,
        R::DeviceRestart { .. } => mdms.restart(&mdm.id, device).await?,
        _ => mdms.shutdown(&mdm.id, device).await?,
    }
    Ok(())
}

fn status_of(e: &Error) -> AuditStatus {
    match e {
        Error::OutcomeUnknown { .. } => AuditStatus::Unknown,
        _ => AuditStatus::Failed,
    }
}

/// Sends one request with its audit rows around it; returns the created id, if any.
async fn audited(
    client: &Client,
    cache: &Mutex<Cache>,
    plan: &ActionPlan,
    actor: &Actor,
    member: Option<(&str, String)>,
) -> Result<Option<String>, ActionError> {
    let group_kind = match member {
        Some(_) => plan.member_group_kind()?,
        None => GroupKind::User,
    };
    let (target_kind, target_id, target_label) = match &member {
        Some((id, label)) => (
            group_kind.member(),
            id.to_string(),
            format!("{label} ↔ group {}", plan.target_label),
        ),
        None => (plan.target_kind, plan.target_id.clone(), plan.target_label.clone()),
    };
    let intent = AuditIntent {
        org_id: actor.org_id.clone(),
        operator: actor.operator.clone(),
        action: plan.action,
        target_kind,
        target_id,
        target_label,
        params: audit_params(plan),
        run_id: actor.run_id.clone(),
    };
    let audit_id = cache.lock().audit_intent(&now_rfc3339(), &intent)?;
    let result = send(client, plan, member.as_ref().map(|(id, _)| (group_kind, *id))).await;
    let (status, http, message) = match &result {
        // The client reports success without the exact 2xx code (200, 201 or 204).
        Ok(_) => (
            AuditStatus::Done,
            None,
            "JumpCloud accepted the request (2xx)".to_string(),
        ),
        Err(e) => (status_of(e), e.status(), e.to_string()),
    };
    let c = cache.lock();
    c.audit_outcome(audit_id, &now_rfc3339(), status, http, &message)?;
    if matches!(result, Err(Error::Forbidden { .. })) {
        // JumpCloud refused this for the role: what Rollcall learned of it may be out of date.
        crate::access::forget(&c)?;
    }
    if let (Ok(Some(id)), AuditAction::UserCreate) = (&result, plan.action) {
        // The created user's id is only known now.
        c.audit_set_target(audit_id, id)?;
    }
    drop(c);
    Ok(result?)
}

/// The outcome of an action done as asked, with the plan's PIN (if any).
fn done(plan: &ActionPlan, message: String, created_id: Option<String>) -> ActionOutcome {
    ActionOutcome {
        status: ActionStatus::Done,
        message,
        pin: plan.pin.clone(),
        created_id,
    }
}

/// Sends a planned (and, where needed, confirmed) action; records it; updates the cache.
pub async fn execute(
    client: &Client,
    cache: &Mutex<Cache>,
    plan: &ActionPlan,
    actor: &Actor,
) -> Result<ActionOutcome, ActionError> {
    use ActionRequest as R;
    match &plan.request {
        R::GroupMembers {
            group_id,
            member_ids,
            add,
        } => execute_membership(client, cache, plan, actor, group_id, member_ids, *add).await,
        R::UserCreate { .. } => {
            let id = audited(client, cache, plan, actor, None).await?.unwrap_or_default();
            refresh_user(client, cache, &id).await?;
            Ok(done(plan, format!("Created {}.", plan.target_label), Some(id)))
        }
        R::GroupCreate { group_kind, .. } => execute_group_create(client, cache, plan, actor, *group_kind).await,
        R::AppAccess { app_id, user_id, grant } => {
            audited(client, cache, plan, actor, None).await?;
            cache.lock().apply_app_access(app_id, user_id, *grant)?;
            let verb = if *grant { "Gave access" } else { "Removed access" };
            Ok(done(plan, format!("{verb}: {}.", plan.target_label), None))
        }
        R::UserScheduleSuspend { at, .. } => {
            let job = audited(client, cache, plan, actor, None).await?.unwrap_or_default();
            Ok(done(
                plan,
                format!(
                    "JumpCloud will suspend {} at {} (scheduled job {job}).",
                    plan.target_label,
                    crate::pdf::utc(at, false)
                ),
                Some(job),
            ))
        }
        R::UserCancelScheduled { .. } => {
            audited(client, cache, plan, actor, None).await?;
            Ok(done(
                plan,
                format!("Cancelled the scheduled suspension of {}.", plan.target_label),
                None,
            ))
        }
        R::UserDelete { user_id } => {
            audited(client, cache, plan, actor, None).await?;
            cache.lock().remove_user(user_id)?;
            Ok(done(plan, format!("Deleted {}.", plan.target_label), None))
        }
        R::UserUpdate { user_id, .. }
        | R::UserSuspend { user_id }
        | R::UserActivate { user_id }
        | R::UserUnlock { user_id }
        | R::UserResetMfa { user_id }
        | R::UserExpirePassword { user_id }
        | R::UserResendEmail { user_id } => {
            audited(client, cache, plan, actor, None).await?;
            // The change is made; a failed refresh only leaves the cache behind until the next sync.
            if let Err(e) = refresh_user(client, cache, user_id).await {
                tracing::warn!(error = %e, "could not refresh the user after an action");
            }
            Ok(done(plan, success_text(plan.action, &plan.target_label), None))
        }
        R::DeviceBind {
            system_id,
            user_id,
            bind,
        } => {
            audited(client, cache, plan, actor, None).await?;
            cache.lock().apply_binding(system_id, user_id, *bind)?;
            let verb = if *bind { "Bound" } else { "Unbound" };
            Ok(done(plan, format!("{verb}: {}.", plan.target_label), None))
        }
        R::DeviceSudo {
            system_id,
            user_id,
            sudo,
        } => {
            audited(client, cache, plan, actor, None).await?;
            cache
                .lock()
                .set_binding_rights(&[(system_id.clone(), user_id.clone(), *sudo)])?;
            let what = if *sudo {
                "Gave administrator rights"
            } else {
                "Dropped administrator rights"
            };
            Ok(done(plan, format!("{what}: {}.", plan.target_label), None))
        }
        R::DeviceLock { .. } | R::DeviceWipe { .. } | R::DeviceRestart { .. } | R::DeviceShutdown { .. } => {
            audited(client, cache, plan, actor, None).await?;
            let mut message = success_text(plan.action, &plan.target_label);
            if let Some(p) = &plan.pin {
                message.push_str(&format!(" PIN: {p} — record it now; JumpCloud keeps no copy."));
            }
            Ok(done(plan, message, None))
        }
    }
}

/// Adds members to a group (or removes them), one audited request each; says how many were
/// done and which were not.
async fn execute_membership(
    client: &Client,
    cache: &Mutex<Cache>,
    plan: &ActionPlan,
    actor: &Actor,
    group_id: &str,
    member_ids: &[String],
    add: bool,
) -> Result<ActionOutcome, ActionError> {
    let mut failed: Vec<String> = vec![];
    for m in member_ids {
        let label = member_label(&cache.lock(), plan.group_kind, m);
        match audited(client, cache, plan, actor, Some((m, label.clone()))).await {
            Ok(_) => cache.lock().apply_membership(group_id, m, add)?,
            Err(ActionError::Api(e)) => failed.push(format!("{label}: {e}")),
            Err(e) => return Err(e),
        }
    }
    let ok = member_ids.len() - failed.len();
    let verb = if add { "Added" } else { "Removed" };
    let dir = if add { "to" } else { "from" };
    let mut message = format!("{verb} {ok} of {} {dir} {}.", member_ids.len(), plan.target_label);
    if !failed.is_empty() {
        message.push_str(&format!(" Not done: {}", failed.join("; ")));
    }
    Ok(ActionOutcome {
        status: if failed.is_empty() {
            ActionStatus::Done
        } else {
            ActionStatus::Failed
        },
        message,
        pin: None,
        created_id: None,
    })
}

/// Creates a group, then reads it back into the cache.
async fn execute_group_create(
    client: &Client,
    cache: &Mutex<Cache>,
    plan: &ActionPlan,
    actor: &Actor,
    group_kind: GroupKind,
) -> Result<ActionOutcome, ActionError> {
    let id = audited(client, cache, plan, actor, None).await?.unwrap_or_default();
    let path = match group_kind {
        GroupKind::System => "systemgroups",
        GroupKind::User => "usergroups",
    };
    let (_, raw) = client.call(Method::GET, &format!("/api/v2/{path}/{id}"), None).await?;
    if let Ok(convert::Read { row, .. }) = convert::group_row(&raw, group_kind) {
        cache.lock().apply_group(&row)?;
    }
    Ok(done(plan, format!("Created group {}.", plan.target_label), Some(id)))
}

/// Sends an action a panel or a table selection asked for. Removing members from a group (a
/// selection's "Remove from group") acts on what JumpCloud holds now: the group's members are
/// read first and a removal is sent only for those still in it; a read afterwards must list
/// none of them, or the outcome is "failed" naming who is still in. Everything else is
/// `execute`.
pub async fn perform(
    client: &Client,
    cache: &Mutex<Cache>,
    plan: &ActionPlan,
    actor: &Actor,
) -> Result<ActionOutcome, ActionError> {
    let ActionRequest::GroupMembers {
        group_id,
        member_ids,
        add: false,
    } = &plan.request
    else {
        return execute(client, cache, plan, actor).await;
    };
    let before = members_now(client, plan, group_id, "before removing").await?;
    let (still, gone): (Vec<String>, Vec<String>) = member_ids.iter().cloned().partition(|m| before.contains(m));
    for m in &gone {
        cache.lock().apply_membership(group_id, m, false)?;
    }
    let mut out = if still.is_empty() {
        ActionOutcome {
            status: ActionStatus::Done,
            message: String::new(),
            pin: None,
            created_id: None,
        }
    } else {
        let mut sub = plan.clone();
        sub.request = ActionRequest::GroupMembers {
            group_id: group_id.clone(),
            member_ids: still.clone(),
            add: false,
        };
        execute(client, cache, &sub, actor).await?
    };
    if !gone.is_empty() {
        out.message = format!(
            "{} {} no longer in {} (nothing sent for them). {}",
            gone.len(),
            if gone.len() == 1 { "was" } else { "were" },
            plan.target_label,
            out.message
        )
        .trim()
        .to_string();
    }
    let after = if still.is_empty() {
        Ok(before)
    } else {
        members_now(client, plan, group_id, "after removing").await
    };
    verify_removed(&mut out, after, cache, plan, member_ids);
    out.message = out.message.trim().to_string();
    Ok(out)
}

/// The ids of the group's members as JumpCloud lists them now; `what` says when they were read
/// ("before removing"), for the error.
async fn members_now(
    client: &Client,
    plan: &ActionPlan,
    group_id: &str,
    what: &str,
) -> Result<BTreeSet<String>, ActionError> {
    let groups = client.groups(convert::api_group_kind(plan.member_group_kind()?));
    groups
        .members(group_id)
        .await
        .map(|m| m.into_iter().map(|c| c.to.id).collect::<BTreeSet<String>>())
        .map_err(|source| ActionError::LiveRead {
            what: format!("the members of {} ({what})", plan.target_label),
            source,
        })
}

/// Completes a removal's outcome with what the read afterwards shows: verified when none of
/// `member_ids` is left in the group, else failed naming who is still in.
fn verify_removed(
    out: &mut ActionOutcome,
    after: Result<BTreeSet<String>, ActionError>,
    cache: &Mutex<Cache>,
    plan: &ActionPlan,
    member_ids: &[String],
) {
    match after {
        Ok(after) => {
            let left: Vec<String> = member_ids
                .iter()
                .filter(|m| after.contains(*m))
                .map(|m| member_label(&cache.lock(), plan.group_kind, m))
                .collect();
            if left.is_empty() {
                out.message.push_str(&format!(
                    " Verified: JumpCloud lists none of the {} in {}.",
                    member_ids.len(),
                    plan.target_label
                ));
            } else {
                out.status = ActionStatus::Failed;
                out.message.push_str(&format!(
                    " Failed — still in {}: {}. Run the removal again to send only what remains.",
                    plan.target_label,
                    crate::live::names(&left, 10)
                ));
            }
        }
        Err(e) => {
            out.status = ActionStatus::Failed;
            out.message.push_str(&format!(
                " The removals were sent, but the check afterwards failed: {e}"
            ));
        }
    }
}

fn member_label(cache: &Cache, group_kind: Option<GroupKind>, id: &str) -> String {
    let found = if group_kind == Some(GroupKind::System) {
        cache.system_detail(id).ok().flatten().map(|d| d.system.hostname)
    } else {
        cache.user_detail(id).ok().flatten().map(|d| user_label(&d.user))
    };
    found.unwrap_or_else(|| id.to_string())
}

fn success_text(action: AuditAction, target: &str) -> String {
    use AuditAction as A;
    match action {
        A::UserUpdate => format!("Saved {target}."),
        A::UserSuspend => format!("Suspended {target}."),
        A::UserActivate => format!("Activated {target}."),
        A::UserUnlock => format!("Unlocked {target}."),
        A::UserResetMfa => format!("Reset MFA for {target}: they enrol again at their next login."),
        A::UserExpirePassword => {
            format!("Expired the password of {target}: they must set a new one at their next login.")
        }
        A::UserResendEmail => format!("Sent the activation / reset email to {target}."),
        A::DeviceLock => format!("Lock sent to {target}."),
        A::DeviceWipe => format!("Wipe sent to {target}."),
        A::DeviceRestart => format!("Restart sent to {target}."),
        A::DeviceShutdown => format!("Shutdown sent to {target}."),
        other => format!("{other}: done for {target}."),
    }
}

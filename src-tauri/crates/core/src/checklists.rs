//! Checklists: offboarding (and, later, onboarding and access requests) run click by click.
//!
//! Starting a run fixes what each step will do from the local copy (the 7 groups, the 3 apps,
//! the 2 devices by hostname) and stores it in the org's file. Each step is then run on its own
//! button: its items are sent one by one through the audited actions, and every accepted item
//! is written down at once, so after a crash or a restart the run resumes where it stopped and
//! nothing already done is sent again. Device items go through the same native confirmation as
//! a click in a device's panel (the caller supplies it).

use crate::access::Access;
use crate::actions::{self, ActionError, ActionRequest, Actor, Confirmation};
use crate::sync::now_rfc3339;
use futures_util::future::BoxFuture;
use jumpcloud::Client;
use rollcall_cache::{AuditQuery, Cache, CacheError, RunRow, StepRow, UserDetail};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::Mutex;

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
    #[error(transparent)]
    Cache(#[from] CacheError),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Action(#[from] ActionError),
}

type Result<T> = std::result::Result<T, ChecklistError>;

fn lock(cache: &Mutex<Cache>) -> std::sync::MutexGuard<'_, Cache> {
    cache.lock().unwrap_or_else(|p| p.into_inner())
}

fn item(key: String, label: String, request: Option<ActionRequest>, note: Option<String>) -> StepItem {
    StepItem {
        key,
        label,
        request,
        note,
    }
}

fn step(idx: u32, kind: &str, title: &str, items: &[StepItem], optional: bool) -> Result<StepRow> {
    Ok(StepRow {
        run_id: String::new(),
        idx,
        kind: kind.into(),
        title: title.into(),
        items: serde_json::to_string(items)?,
        state: "pending".into(),
        items_done: "[]".into(),
        started_at: None,
        finished_at: None,
        message: String::new(),
        note: String::new(),
        optional,
    })
}

/// The person a run is about, with the label the run shows.
fn subject(cache: &Cache, user_id: &str) -> Result<(UserDetail, String)> {
    let d = cache.user_detail(user_id)?.ok_or_else(|| {
        ChecklistError::Invalid(format!("User {user_id} is not in the local copy; sync and try again."))
    })?;
    let label = actions::user_label(&d.user);
    Ok((d, label))
}

/// The built-in templates.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("offboarding", "Offboarding"),
    ("password_reset", "Password reset"),
    ("mfa_reset", "MFA reset"),
];

/// Starts a run of `template` for `user_id`; returns the run id.
pub fn start_run(cache: &mut Cache, org_id: &str, operator: &str, template: &str, user_id: &str) -> Result<String> {
    match template {
        "offboarding" => start_offboarding(cache, org_id, operator, user_id),
        "password_reset" | "mfa_reset" => start_reset(cache, org_id, operator, template, user_id),
        other => Err(ChecklistError::Invalid(format!(
            "There is no checklist template \"{other}\"."
        ))),
    }
}

/// Starts the same template for several people (one per line: email, username or id). Returns
/// the runs started and the lines that matched nobody.
pub fn start_bulk(
    cache: &mut Cache,
    org_id: &str,
    operator: &str,
    template: &str,
    people: &str,
) -> Result<(Vec<String>, Vec<String>)> {
    let (mut started, mut unknown) = (vec![], vec![]);
    for who in people.split(['\n', ',', ';']).map(str::trim).filter(|w| !w.is_empty()) {
        match cache.user_detail(who)? {
            Some(d) => started.push(start_run(cache, org_id, operator, template, &d.user.id)?),
            None => unknown.push(who.to_string()),
        }
    }
    Ok((started, unknown))
}

/// Password reset and MFA reset: identity verified (who, how) → the reset → instructions to
/// send the person → evidence. The reset is refused until the identity check is recorded.
fn start_reset(cache: &mut Cache, org_id: &str, operator: &str, template: &str, user_id: &str) -> Result<String> {
    let (d, label) = subject(cache, user_id)?;
    let u = &d.user;
    let uid = u.id.clone();
    let (name, action, instructions) = if template == "mfa_reset" {
        (
            "MFA reset",
            vec![item("mfa".into(), "Reset MFA factors".into(), Some(ActionRequest::UserResetMfa { user_id: uid.clone() }), None)],
            format!("Tell {}: at your next sign-in JumpCloud asks you to enrol your authenticator again; have your phone ready. If you did not ask for this, call IT at once.", u.email),
        )
    } else {
        (
            "Password reset",
            vec![
                item("expire".into(), "Expire the password".into(), Some(ActionRequest::UserExpirePassword { user_id: uid.clone() }), None),
                item("email".into(), "Send the reset email".into(), Some(ActionRequest::UserResendEmail { user_id: uid.clone() }), None),
            ],
            format!("Tell {}: a password reset email is on its way; follow its link to set a new password. Your old password no longer works. If you did not ask for this, call IT at once.", u.email),
        )
    };
    let steps = vec![
        step(0, "verify", "Identity verified (who verified, and how)", &[], false)?,
        step(1, "reset", name, &action, false)?,
        step(
            2,
            "instructions",
            "Instructions to send the person",
            &[item("text".into(), instructions, None, None)],
            false,
        )?,
        step(3, "evidence", "Evidence report", &[], false)?,
    ];
    insert(
        cache,
        org_id,
        operator,
        template,
        &format!("{name} for {label}"),
        &uid,
        &label,
        steps,
    )
}

#[allow(clippy::too_many_arguments)]
fn insert(
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
        status: "active".into(),
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

/// A new run id: time-ordered and unique enough for one org's file.
fn run_id() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("run-{now:x}")
}

/// Starts an offboarding run for `user_id`: capture → remove from all groups → remove direct
/// app access → reset MFA → expire password → suspend → lock each bound device → (optional)
/// wipe → laptop collected → evidence. Returns the run id.
pub fn start_offboarding(cache: &mut Cache, org_id: &str, operator: &str, user_id: &str) -> Result<String> {
    let (d, label) = subject(cache, user_id)?;
    let u = &d.user;
    let uid = u.id.clone();

    let groups: Vec<StepItem> = d
        .groups
        .iter()
        .map(|g| {
            item(
                format!("group:{}", g.id),
                g.name.clone(),
                Some(ActionRequest::GroupMembers {
                    group_id: g.id.clone(),
                    member_ids: vec![uid.clone()],
                    add: false,
                }),
                None,
            )
        })
        .collect();
    let apps: Vec<StepItem> = d
        .apps
        .iter()
        .map(|(a, how)| {
            let name = if a.label.is_empty() {
                a.name.clone()
            } else {
                a.label.clone()
            };
            if how == "direct" {
                item(
                    format!("app:{}", a.id),
                    name,
                    Some(ActionRequest::AppAccess {
                        app_id: a.id.clone(),
                        user_id: uid.clone(),
                        grant: false,
                    }),
                    None,
                )
            } else {
                item(
                    format!("app:{}:{how}", a.id),
                    name,
                    None,
                    Some(format!("through the group {how}: removed with the groups")),
                )
            }
        })
        .collect();
    let device = |cmd: actions::DeviceCommand| -> Vec<StepItem> {
        d.devices
            .iter()
            .map(|s| {
                let request = match cmd {
                    actions::DeviceCommand::Wipe => ActionRequest::DeviceWipe {
                        system_id: s.id.clone(),
                        typed_hostname: String::new(),
                    },
                    _ => ActionRequest::DeviceLock {
                        system_id: s.id.clone(),
                    },
                };
                let label = format!("{} ({} {})", s.hostname, s.os, s.os_version);
                match actions::device_route(cmd, s) {
                    Ok(_) => item(format!("device:{}", s.id), label, Some(request), None),
                    Err(why) => item(format!("device:{}", s.id), label, None, Some(why)),
                }
            })
            .collect()
    };
    let one = |key: &str, label: &str, r: ActionRequest| vec![item(key.into(), label.into(), Some(r), None)];
    let steps = vec![
        step(
            0,
            "capture",
            "Capture current access (groups, apps, devices)",
            &[],
            false,
        )?,
        step(1, "remove_groups", "Remove from all groups", &groups, false)?,
        step(2, "remove_apps", "Remove direct app access", &apps, false)?,
        step(
            3,
            "reset_mfa",
            "Reset MFA",
            &one(
                "mfa",
                "Reset MFA factors",
                ActionRequest::UserResetMfa { user_id: uid.clone() },
            ),
            false,
        )?,
        step(
            4,
            "expire_password",
            "Expire password",
            &one(
                "password",
                "Expire the password",
                ActionRequest::UserExpirePassword { user_id: uid.clone() },
            ),
            false,
        )?,
        step(
            5,
            "suspend",
            "Suspend the account",
            &one(
                "suspend",
                "Suspend",
                ActionRequest::UserSuspend { user_id: uid.clone() },
            ),
            false,
        )?,
        step(
            6,
            "lock_devices",
            "Lock each bound device",
            &device(actions::DeviceCommand::Lock),
            false,
        )?,
        step(
            7,
            "wipe_devices",
            "Wipe returned devices (optional)",
            &device(actions::DeviceCommand::Wipe),
            true,
        )?,
        step(8, "manual", "Laptop collected (note who and where)", &[], false)?,
        step(9, "evidence", "Evidence report", &[], false)?,
    ];
    insert(
        cache,
        org_id,
        operator,
        "offboarding",
        &format!("Offboarding {label}"),
        &uid,
        &label,
        steps,
    )
}

fn load_step(cache: &Cache, run_id: &str, idx: u32) -> Result<(RunRow, StepRow)> {
    let (run, steps) = cache
        .run(run_id)?
        .ok_or_else(|| ChecklistError::Invalid(format!("No checklist run {run_id} in this organisation.")))?;
    let s = steps
        .into_iter()
        .find(|s| s.idx == idx)
        .ok_or_else(|| ChecklistError::Invalid(format!("The run has no step {idx}.")))?;
    Ok((run, s))
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
    /// For manual steps: who did what, where.
    pub note: String,
}

/// Runs one step: sends its remaining items (never one already done), records each at once.
/// `typed_hostnames` holds what the admin typed for wipes (device id → hostname). Returns the
/// step as it ended.
pub async fn run_step(ctx: &StepContext<'_>, run_id: &str, idx: u32, input: &StepInput) -> Result<StepRow> {
    let StepContext {
        client,
        cache,
        access,
        actor,
        confirm,
    } = *ctx;
    let (typed_hostnames, note) = (&input.typed_hostnames, input.note.as_str());
    let (run, mut s) = load_step(&lock(cache), run_id, idx)?;
    if run.status != "active" {
        return Err(ChecklistError::Invalid("This run is finished.".into()));
    }
    if s.state == "done" {
        return Err(ChecklistError::Invalid(format!(
            "\"{}\" is already done; it is not sent again.",
            s.title
        )));
    }
    if s.kind == "manual" && note.trim().is_empty() {
        return Err(ChecklistError::Invalid(
            "Write a note for this step (who collected what, where).".into(),
        ));
    }
    if s.kind == "verify" && note.trim().is_empty() {
        return Err(ChecklistError::Invalid(
            "Record who verified the person's identity, and how (call-back to a known number, video, in person)."
                .into(),
        ));
    }
    let all = lock(cache).run(run_id)?.map(|(_, steps)| steps).unwrap_or_default();
    if let Some(gate) = all
        .iter()
        .find(|g| g.kind == "verify" && g.idx < idx && g.state != "done")
    {
        return Err(ChecklistError::Invalid(format!(
            "\"{}\" comes first: record it before this step.",
            gate.title
        )));
    }
    s.state = "running".into();
    s.started_at.get_or_insert_with(now_rfc3339);
    s.message.clear();
    lock(cache).save_step(&s)?;

    let items: Vec<StepItem> = serde_json::from_str(&s.items)?;
    let mut done: Vec<String> = serde_json::from_str(&s.items_done)?;
    let mut notes: Vec<String> = vec![];
    let actor = Actor {
        run_id: Some(run_id.to_string()),
        ..actor.clone()
    };
    let mut outcome: std::result::Result<(), (String, String)> = Ok(());

    match s.kind.as_str() {
        "capture" => {
            let d = lock(cache).user_detail(&run.subject_id)?;
            let capture = match d {
                Some(d) => json!({
                    "captured_at": now_rfc3339(),
                    "groups": d.groups.iter().map(|g| json!({"id": g.id, "name": g.name})).collect::<Vec<_>>(),
                    "apps": d.apps.iter().map(|(a, how)| json!({"id": a.id, "name": a.label, "how": how})).collect::<Vec<_>>(),
                    "devices": d.devices.iter().map(|x| json!({"id": x.id, "hostname": x.hostname, "serial": x.serial})).collect::<Vec<_>>(),
                    "state": d.user.state,
                }),
                None => json!({"captured_at": now_rfc3339(), "missing": true}),
            };
            lock(cache).save_capture(run_id, &capture.to_string())?;
            let n = |k: &str| capture.get(k).and_then(|v| v.as_array()).map_or(0, |a| a.len());
            notes.push(format!(
                "Captured {} groups, {} apps, {} devices.",
                n("groups"),
                n("apps"),
                n("devices")
            ));
        }
        "manual" | "verify" => notes.push("Recorded.".into()),
        "instructions" => notes.push(items.first().map(|i| i.label.clone()).unwrap_or_default()),
        "evidence" => {
            lock(cache).set_run_status(run_id, "finished", Some(&now_rfc3339()))?;
            notes.push("Run finished; export the evidence report.".into());
        }
        _ => {
            let remaining: Vec<&StepItem> = items.iter().filter(|it| !done.contains(&it.key)).collect();
            for it in remaining {
                let Some(mut request) = it.request.clone() else {
                    if let Some(n) = &it.note {
                        notes.push(format!("{}: not sent — {n}", it.label));
                    }
                    continue;
                };
                if let ActionRequest::DeviceWipe {
                    system_id,
                    typed_hostname,
                } = &mut request
                {
                    *typed_hostname = typed_hostnames
                        .iter()
                        .find(|(id, _)| id == system_id)
                        .map(|(_, h)| h.clone())
                        .unwrap_or_default();
                }
                let plan = match actions::plan(&lock(cache), access, request) {
                    Ok(p) => p,
                    // Already in the wanted state (suspended, say): nothing to send.
                    Err(ActionError::Unavailable(why)) if why.contains("already") => {
                        notes.push(format!("{}: {why}", it.label));
                        done.push(it.key.clone());
                        continue;
                    }
                    Err(e) => {
                        outcome = Err(("failed".into(), format!("{}: {e}", it.label)));
                        break;
                    }
                };
                if let Some(c) = &plan.confirm {
                    if !confirm(c.clone()).await {
                        outcome = Err((
                            "pending".into(),
                            format!("Cancelled at {} — nothing was sent for it.", it.label),
                        ));
                        break;
                    }
                }
                match actions::execute(client, cache, &plan, &actor).await {
                    Ok(out) => {
                        done.push(it.key.clone());
                        notes.push(out.message);
                        s.items_done = serde_json::to_string(&done)?;
                        lock(cache).save_step(&s)?;
                    }
                    Err(ActionError::Api(e)) => {
                        let state = if matches!(e, jumpcloud::Error::OutcomeUnknown { .. }) {
                            "unknown"
                        } else {
                            "failed"
                        };
                        outcome = Err((state.into(), format!("{}: {e}", it.label)));
                        break;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
    }
    s.items_done = serde_json::to_string(&done)?;
    match outcome {
        Ok(()) => {
            s.state = "done".into();
            s.finished_at = Some(now_rfc3339());
            s.message = if notes.is_empty() {
                "Nothing to do.".into()
            } else {
                notes.join(" ")
            };
        }
        Err((state, why)) => {
            s.state = state;
            s.message = [notes.join(" "), why]
                .iter()
                .filter(|x| !x.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(" ");
        }
    }
    if matches!(s.kind.as_str(), "manual" | "verify") {
        s.note = note.trim().to_string();
    }
    lock(cache).save_step(&s)?;
    Ok(s)
}

/// "Restore access" (a rehire, or a mistake): re-adds the captured groups and direct app
/// access, each one request with its audit row tied to the run. The account itself is not
/// reactivated here: that stays an explicit action in the person's panel. Returns a summary.
pub async fn restore_access(ctx: &StepContext<'_>, run_id: &str) -> Result<String> {
    let StepContext {
        client,
        cache,
        access,
        actor,
        ..
    } = *ctx;
    let (run, _) = lock(cache)
        .run(run_id)?
        .ok_or_else(|| ChecklistError::Invalid(format!("No checklist run {run_id}.")))?;
    let capture: serde_json::Value = serde_json::from_str(&run.capture)?;
    let Some(groups) = capture.get("groups").and_then(|g| g.as_array()) else {
        return Err(ChecklistError::Invalid(
            "Nothing was captured in this run, so there is nothing to restore.".into(),
        ));
    };
    let actor = Actor {
        run_id: Some(run_id.to_string()),
        ..actor.clone()
    };
    let uid = run.subject_id.clone();
    let mut requests: Vec<ActionRequest> = groups
        .iter()
        .filter_map(|g| g.get("id").and_then(|v| v.as_str()))
        .map(|g| ActionRequest::GroupMembers {
            group_id: g.to_string(),
            member_ids: vec![uid.clone()],
            add: true,
        })
        .collect();
    requests.extend(
        capture
            .get("apps")
            .and_then(|a| a.as_array())
            .into_iter()
            .flatten()
            .filter(|a| a.get("how").and_then(|h| h.as_str()) == Some("direct"))
            .filter_map(|a| a.get("id").and_then(|v| v.as_str()))
            .map(|a| ActionRequest::AppAccess {
                app_id: a.to_string(),
                user_id: uid.clone(),
                grant: true,
            }),
    );
    let (mut ok, mut failed) = (0, vec![]);
    for r in requests {
        let plan = match actions::plan(&lock(cache), access, r) {
            Ok(p) => p,
            Err(e) => {
                failed.push(e.to_string());
                continue;
            }
        };
        match actions::execute(client, cache, &plan, &actor).await {
            Ok(_) => ok += 1,
            Err(e) => failed.push(format!("{}: {e}", plan.target_label)),
        }
    }
    let mut summary = format!(
        "Restored {ok} of {} captured accesses for {}.",
        ok + failed.len(),
        run.subject_label
    );
    if !failed.is_empty() {
        summary.push_str(&format!(" Not restored: {}", failed.join("; ")));
    }
    Ok(summary)
}

/// Skips a step with the admin's reason (never a step already done).
pub fn skip_step(cache: &Cache, run_id: &str, idx: u32, reason: &str) -> Result<StepRow> {
    let (_, mut s) = load_step(cache, run_id, idx)?;
    if s.state == "done" {
        return Err(ChecklistError::Invalid("A finished step cannot be skipped.".into()));
    }
    if reason.trim().is_empty() {
        return Err(ChecklistError::Invalid("Give a reason for skipping this step.".into()));
    }
    s.state = "skipped".into();
    s.finished_at = Some(now_rfc3339());
    s.note = reason.trim().to_string();
    cache.save_step(&s)?;
    Ok(s)
}

/// The evidence report as CSV: each step (time, outcome, what JumpCloud said, notes), then
/// every audited request of the run.
pub fn evidence_csv(cache: &Cache, run_id: &str) -> Result<String> {
    use crate::export::field;
    let (run, steps) = cache
        .run(run_id)?
        .ok_or_else(|| ChecklistError::Invalid(format!("No checklist run {run_id}.")))?;
    let mut out = String::new();
    let mut line = |cells: &[&str]| {
        out.push_str(&cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    };
    line(&[
        "run",
        &run.title,
        "operator",
        &run.operator,
        "started",
        &run.started_at,
        "finished",
        run.finished_at.as_deref().unwrap_or(""),
    ]);
    line(&["step", "title", "state", "started", "finished", "outcome", "note"]);
    for s in &steps {
        line(&[
            &(s.idx + 1).to_string(),
            &s.title,
            &s.state,
            s.started_at.as_deref().unwrap_or(""),
            s.finished_at.as_deref().unwrap_or(""),
            &s.message,
            &s.note,
        ]);
    }
    line(&[
        "request",
        "time",
        "action",
        "target",
        "status",
        "JumpCloud said",
        "operator",
    ]);
    let audit = cache.audit(&AuditQuery {
        run_id: Some(run_id.into()),
        limit: 10_000,
        ..Default::default()
    })?;
    for a in audit.iter().rev() {
        line(&[
            &a.id.to_string(),
            &a.started_at,
            &a.action,
            &a.target_label,
            &a.status,
            &a.message,
            &a.operator,
        ]);
    }
    // Directory Insights events about the person since the run started, as far as the last
    // sync brought them in.
    line(&[
        "Directory Insights event (as of the last sync)",
        "time",
        "type",
        "service",
        "success",
    ]);
    if let Some(d) = cache.user_detail(&run.subject_id)? {
        for e in d.recent_events.iter().filter(|e| e.at >= run.started_at) {
            line(&[&e.id, &e.at, &e.event_type, &e.service, &e.success.to_string()]);
        }
    }
    line(&["capture", &run.capture]);
    Ok(out)
}

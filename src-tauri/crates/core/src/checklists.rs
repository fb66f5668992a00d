//! Checklists: offboarding (and, later, onboarding and access requests) run click by click.
//!
//! Starting a run fixes what each step will do from the local copy (the 7 groups, the 3 apps,
//! the 2 devices by hostname) and stores it in the org's file. Each step is then run on its own
//! button: its items are sent one by one through the audited actions, and every accepted item
//! is written down at once, so after a crash or a restart the run resumes where it stopped and
//! nothing already done is sent again. Device items go through the same native confirmation as
//! a click in a device's panel (the caller supplies it).

use crate::access::Access;
use crate::actions::{self, ActionError, ActionRequest, Actor, Confirmation, UserProfile};
use crate::sync::now_rfc3339;
use crate::templates;
use futures_util::future::BoxFuture;
use jumpcloud::Client;
use rollcall_cache::{Cache, CacheError, RunRow, StepRow, UserDetail};
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
    now_rfc3339().chars().take(10).collect()
}

/// Starts a run of the template `template_id` (built-in or the org's own); returns the run id.
pub fn start_run(
    cache: &mut Cache,
    org_id: &str,
    operator: &str,
    template_id: &str,
    input: &StartInput,
) -> Result<String> {
    let t = templates::get(cache, template_id).map_err(|e| ChecklistError::Invalid(e.to_string()))?;
    templates::validate(&t).map_err(|e| ChecklistError::Invalid(e.to_string()))?;
    let mut capture = json!({});
    // The person: someone in the local copy, or (onboarding) someone about to be created.
    let (detail, subject_id, label, name, email) = if t.base == "onboarding" {
        let p = input
            .new_user
            .clone()
            .ok_or_else(|| ChecklistError::Invalid("Fill in the new person's username and email.".into()))?;
        if p.username.trim().is_empty() || !p.email.contains('@') {
            return Err(ChecklistError::Invalid(
                "The new person needs a username and a valid email address.".into(),
            ));
        }
        if cache.user_detail(p.username.trim())?.is_some() || cache.user_detail(p.email.trim())?.is_some() {
            return Err(ChecklistError::Invalid(format!(
                "{} is already in JumpCloud; start an access request or edit them instead.",
                p.email.trim()
            )));
        }
        let name = format!("{} {}", p.firstname.trim(), p.lastname.trim())
            .trim()
            .to_string();
        let label = format!("{} <{}>", p.username.trim(), p.email.trim());
        let name = if name.is_empty() {
            p.username.trim().to_string()
        } else {
            name
        };
        (None, String::new(), label, name, p.email.trim().to_string())
    } else {
        let (d, label) = subject(cache, &input.user_id)?;
        let name = if d.user.displayname.trim().is_empty() {
            d.user.username.clone()
        } else {
            d.user.displayname.clone()
        };
        let (id, email) = (d.user.id.clone(), d.user.email.clone());
        (Some(d), id, label, name, email)
    };
    let groups_named = |ids: &[String]| -> Result<Vec<(String, String)>> {
        let all = cache.groups("", None)?;
        ids.iter()
            .map(|id| {
                all.iter()
                    .find(|g| &g.group.id == id)
                    .map(|g| (g.group.id.clone(), g.group.name.clone()))
                    .ok_or_else(|| {
                        ChecklistError::Invalid(format!("Group {id} is not in the local copy; sync and try again."))
                    })
            })
            .collect()
    };
    if t.base == "access_request" {
        let [gid] = input.group_ids.as_slice() else {
            return Err(ChecklistError::Invalid(
                "Choose the one group the access is for.".into(),
            ));
        };
        let expires = input.expires_on.clone().unwrap_or_default();
        let valid_date = expires.len() == 10
            && expires
                .chars()
                .enumerate()
                .all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() });
        if !valid_date {
            return Err(ChecklistError::Invalid(
                "Give the last day of the access as a date (YYYY-MM-DD).".into(),
            ));
        }
        if expires < today() {
            return Err(ChecklistError::Invalid(format!(
                "The expiry date {expires} is already past; pick today or a later day."
            )));
        }
        let (gid, gname) = groups_named(std::slice::from_ref(gid))?.remove(0);
        if detail.as_ref().is_some_and(|d| d.groups.iter().any(|g| g.id == gid)) {
            return Err(ChecklistError::Invalid(format!("{label} is already in {gname}.")));
        }
        capture = json!({"grant": {"group_id": gid, "group_name": gname, "expires_on": expires}});
    }
    let group_ids: Vec<String> = if t.base == "onboarding" && input.group_ids.is_empty() {
        t.defaults.groups.iter().map(|g| g.id.clone()).collect()
    } else {
        input.group_ids.clone()
    };
    let chosen_groups = groups_named(&group_ids)?;

    let mut steps = vec![];
    for (idx, ts) in t.steps.iter().enumerate() {
        let items = items_for(&ts.kind, detail.as_ref(), &subject_id, input, &chosen_groups, cache)?;
        let mut row = step(idx as u32, &ts.kind, &ts.title, &items, ts.optional)?;
        if ts.kind == "instructions" || (ts.kind == "manual" && !ts.text.is_empty()) {
            let text = ts.text.replace("{name}", &name).replace("{email}", &email);
            row.items = serde_json::to_string(&[item("text".into(), text, None, None)])?;
        }
        steps.push(row);
    }
    let title = if t.base == "onboarding" {
        format!("{} for {name}", t.name)
    } else {
        format!("{} for {label}", t.name)
    };
    let id = insert(cache, org_id, operator, &t.id, &title, &subject_id, &label, steps)?;
    if capture != json!({}) {
        cache.save_capture(&id, &capture.to_string())?;
    }
    Ok(id)
}

/// What a step of `kind` will do for this person, fixed when the run starts. Requests about a
/// person still to be created carry an empty user id, filled in when the step runs.
fn items_for(
    kind: &str,
    d: Option<&UserDetail>,
    uid: &str,
    input: &StartInput,
    groups: &[(String, String)],
    cache: &Cache,
) -> Result<Vec<StepItem>> {
    let uid = uid.to_string();
    let one = |key: &str, label: &str, r: ActionRequest| vec![item(key.into(), label.into(), Some(r), None)];
    let device = |cmd: actions::DeviceCommand| -> Vec<StepItem> {
        d.map(|d| d.devices.as_slice())
            .unwrap_or_default()
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
    let membership = |(id, name): &(String, String), add: bool| {
        item(
            format!("group:{id}"),
            name.clone(),
            Some(ActionRequest::GroupMembers {
                group_id: id.clone(),
                member_ids: vec![uid.clone()],
                add,
            }),
            None,
        )
    };
    Ok(match kind {
        "remove_groups" => d
            .map(|d| {
                d.groups
                    .iter()
                    .map(|g| membership(&(g.id.clone(), g.name.clone()), false))
                    .collect()
            })
            .unwrap_or_default(),
        "remove_apps" => d
            .map(|d| {
                d.apps
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
                    .collect()
            })
            .unwrap_or_default(),
        "reset_mfa" => one("mfa", "Reset MFA factors", ActionRequest::UserResetMfa { user_id: uid }),
        "expire_password" => one(
            "password",
            "Expire the password",
            ActionRequest::UserExpirePassword { user_id: uid },
        ),
        "reset_password" => vec![
            item(
                "expire".into(),
                "Expire the password".into(),
                Some(ActionRequest::UserExpirePassword { user_id: uid.clone() }),
                None,
            ),
            item(
                "email".into(),
                "Send the reset email".into(),
                Some(ActionRequest::UserResendEmail { user_id: uid }),
                None,
            ),
        ],
        "suspend" => one("suspend", "Suspend", ActionRequest::UserSuspend { user_id: uid }),
        "lock_devices" => device(actions::DeviceCommand::Lock),
        "wipe_devices" => device(actions::DeviceCommand::Wipe),
        "create_user" => {
            let p = input.new_user.clone().unwrap_or_default();
            let label = format!(
                "{} <{}> (staged: no email until the activation step)",
                p.username.trim(),
                p.email.trim()
            );
            one("create", &label, ActionRequest::UserCreate { profile: p })
        }
        "add_groups" | "grant_group" => groups.iter().map(|g| membership(g, true)).collect(),
        "activation_email" => one(
            "activate",
            "Activate the account and send the activation email",
            ActionRequest::UserActivate { user_id: uid },
        ),
        "bind_device" => match input.device_id.as_deref().filter(|s| !s.is_empty()) {
            Some(sid) => {
                let s = cache.system_detail(sid)?.ok_or_else(|| {
                    ChecklistError::Invalid(format!("Device {sid} is not in the local copy; sync and try again."))
                })?;
                vec![item(
                    format!("device:{sid}"),
                    format!(
                        "{} ({} {}, serial {})",
                        s.system.hostname, s.system.os, s.system.os_version, s.system.serial
                    ),
                    Some(ActionRequest::DeviceBind {
                        system_id: sid.into(),
                        user_id: uid,
                        bind: true,
                    }),
                    None,
                )]
            }
            None => vec![item(
                "device:none".into(),
                "No device".into(),
                None,
                Some(
                    "no device was chosen when the run started; bind one from the device's panel when it arrives"
                        .into(),
                ),
            )],
        },
        _ => vec![],
    })
}

/// Fills in the person a request is about when it was not known at the start (onboarding).
fn fill_subject(request: &mut ActionRequest, uid: &str) {
    use ActionRequest as R;
    match request {
        R::UserSuspend { user_id }
        | R::UserActivate { user_id }
        | R::UserUnlock { user_id }
        | R::UserResetMfa { user_id }
        | R::UserExpirePassword { user_id }
        | R::UserResendEmail { user_id }
        | R::AppAccess { user_id, .. }
        | R::DeviceBind { user_id, .. }
            if user_id.is_empty() =>
        {
            *user_id = uid.to_string()
        }
        R::GroupMembers { member_ids, .. } => {
            for m in member_ids.iter_mut().filter(|m| m.is_empty()) {
                *m = uid.to_string();
            }
        }
        _ => {}
    }
}

/// Starts the same template for several people: one per line (email, username or id), or a
/// CSV whose header names an `email` or `username` column; for an onboarding, a CSV of new
/// starters (username, email, firstname, lastname, department, job title). `input` holds the
/// choices shared by all (the group and last day of an access request, onboarding groups).
/// Returns the runs started and, for each entry not started, why.
pub fn start_bulk(
    cache: &mut Cache,
    org_id: &str,
    operator: &str,
    template: &str,
    people: &str,
    input: &StartInput,
) -> Result<(Vec<String>, Vec<String>)> {
    let t = templates::get(cache, template).map_err(|e| ChecklistError::Invalid(e.to_string()))?;
    // Who, and what to start for them (or why not).
    let mut todo: Vec<(String, std::result::Result<StartInput, String>)> = vec![];
    if t.base == "onboarding" {
        for p in new_starters(people)? {
            let who = if p.email.is_empty() {
                p.username.clone()
            } else {
                p.email.clone()
            };
            let one = StartInput {
                new_user: Some(p),
                ..input.clone()
            };
            todo.push((who, Ok(one)));
        }
    } else {
        for who in people_in(people) {
            let found = match cache.user_detail(&who)? {
                Some(d) => Ok(StartInput {
                    user_id: d.user.id.clone(),
                    ..input.clone()
                }),
                None => Err("not in the local copy".to_string()),
            };
            todo.push((who, found));
        }
    }
    let (mut started, mut not_started) = (vec![], vec![]);
    for (who, one) in todo {
        match one.map(|i| start_run(cache, org_id, operator, template, &i)) {
            Ok(Ok(id)) => started.push(id),
            Ok(Err(ChecklistError::Invalid(why))) | Err(why) => not_started.push(format!("{who}: {why}")),
            Ok(Err(e)) => return Err(e),
        }
    }
    Ok((started, not_started))
}

/// Splits one CSV line (quotes allowed, "" for a quote inside).
fn csv_cells(line: &str) -> Vec<String> {
    let (mut cells, mut cur, mut quoted) = (vec![], String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',' | ';' | '\t', false) => cells.push(std::mem::take(&mut cur).trim().to_string()),
            _ => cur.push(c),
        }
    }
    cells.push(cur.trim().to_string());
    cells
}

/// New starters from a CSV with a header row naming at least `username` and `email`.
pub fn new_starters(text: &str) -> Result<Vec<UserProfile>> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<String> = lines
        .next()
        .map(csv_cells)
        .unwrap_or_default()
        .into_iter()
        .map(|h| h.to_lowercase().replace([' ', '_'], ""))
        .collect();
    let col = |names: &[&str]| header.iter().position(|h| names.contains(&h.as_str()));
    let (Some(u), Some(e)) = (col(&["username"]), col(&["email"])) else {
        return Err(ChecklistError::Invalid(
            "For several new starters, give a CSV whose first line names the columns: username, email (and firstname, lastname, department, jobtitle if you have them).".into(),
        ));
    };
    let (f, l, d, j) = (
        col(&["firstname", "givenname"]),
        col(&["lastname", "surname", "familyname"]),
        col(&["department"]),
        col(&["jobtitle", "title"]),
    );
    Ok(lines
        .map(|line| {
            let cells = csv_cells(line);
            let get = |i: Option<usize>| i.and_then(|i| cells.get(i)).cloned().unwrap_or_default();
            UserProfile {
                username: get(Some(u)),
                email: get(Some(e)),
                firstname: get(f),
                lastname: get(l),
                department: get(d),
                job_title: get(j),
                ..Default::default()
            }
        })
        .collect())
}

/// The people named in a pasted list or a CSV export (Rollcall's own, JumpCloud's, HR's).
pub fn people_in(text: &str) -> Vec<String> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty()).peekable();
    let split = |l: &str| -> Vec<String> {
        l.split([',', ';', '\t'])
            .map(|c| c.trim().trim_matches('"').trim().to_string())
            .collect()
    };
    let header = lines.peek().map(|l| split(l)).unwrap_or_default();
    let column = ["email", "username", "id", "_id"]
        .iter()
        .find_map(|want| header.iter().position(|h| h.eq_ignore_ascii_case(want)));
    match column {
        Some(c) => lines
            .skip(1)
            .filter_map(|l| split(l).get(c).cloned())
            .filter(|c| !c.is_empty())
            .collect(),
        None => lines.flat_map(split).filter(|c| !c.is_empty()).collect(),
    }
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

/// The run, step `idx`, and all the run's steps.
fn load_step(cache: &Cache, run_id: &str, idx: u32) -> Result<(RunRow, StepRow, Vec<StepRow>)> {
    let (run, steps) = cache
        .run(run_id)?
        .ok_or_else(|| ChecklistError::Invalid(format!("No checklist run {run_id} in this organisation.")))?;
    let s = steps
        .iter()
        .find(|s| s.idx == idx)
        .cloned()
        .ok_or_else(|| ChecklistError::Invalid(format!("The run has no step {idx}.")))?;
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
    let (run, mut s, all) = load_step(&lock(cache), run_id, idx)?;
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
    if s.kind == "approval" && (input.approver.trim().is_empty() || input.ticket.trim().is_empty()) {
        return Err(ChecklistError::Invalid(
            "Record who approved this, and the ticket or request it was approved in.".into(),
        ));
    }
    if let Some(gate) = all
        .iter()
        .find(|g| templates::GATES.contains(&g.kind.as_str()) && g.idx < idx && g.state != "done")
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
        "manual" | "verify" | "approval" => notes.push("Recorded.".into()),
        "instructions" => notes.push(items.first().map(|i| i.label.clone()).unwrap_or_default()),
        "evidence" => {
            lock(cache).set_run_status(run_id, "finished", Some(&now_rfc3339()))?;
            notes.push("Run finished; export the evidence report.".into());
        }
        _ => {
            // The person the requests are about; empty until an onboarding creates them.
            let mut subject_id = run.subject_id.clone();
            let remaining: Vec<&StepItem> = items.iter().filter(|it| !done.contains(&it.key)).collect();
            for it in remaining {
                let Some(mut request) = it.request.clone() else {
                    if let Some(n) = &it.note {
                        notes.push(format!("{}: not sent — {n}", it.label));
                    }
                    continue;
                };
                let creates = matches!(request, ActionRequest::UserCreate { .. });
                if !creates {
                    if subject_id.is_empty() {
                        outcome = Err((
                            "pending".into(),
                            "The person is not created yet: run \"Create the user\" first.".into(),
                        ));
                        break;
                    }
                    fill_subject(&mut request, &subject_id);
                }
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
                        if let (true, Some(id)) = (creates, &out.created_id) {
                            lock(cache).set_run_subject(run_id, id, &plan.target_label)?;
                            subject_id.clone_from(id);
                        }
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
    if s.kind == "approval" {
        s.note = format!(
            "Approved by {}; ticket {}. {}",
            input.approver.trim(),
            input.ticket.trim(),
            note.trim()
        )
        .trim()
        .to_string();
    }
    lock(cache).save_step(&s)?;
    Ok(s)
}

/// The run, its capture and the audit actor tied to it, for a write made on the whole run.
fn run_write(ctx: &StepContext<'_>, run_id: &str) -> Result<(RunRow, serde_json::Value, Actor)> {
    let (run, _) = lock(ctx.cache)
        .run(run_id)?
        .ok_or_else(|| ChecklistError::Invalid(format!("No checklist run {run_id}.")))?;
    let capture = serde_json::from_str(&run.capture)?;
    let actor = Actor {
        run_id: Some(run_id.to_string()),
        ..ctx.actor.clone()
    };
    Ok((run, capture, actor))
}

/// "Restore access" (a rehire, or a mistake): re-adds the captured groups and direct app
/// access, each one request with its audit row tied to the run. The account itself is not
/// reactivated here: that stays an explicit action in the person's panel. Returns a summary.
pub async fn restore_access(ctx: &StepContext<'_>, run_id: &str) -> Result<String> {
    let (run, capture, actor) = run_write(ctx, run_id)?;
    let StepContext {
        client, cache, access, ..
    } = *ctx;
    let Some(groups) = capture.get("groups").and_then(|g| g.as_array()) else {
        return Err(ChecklistError::Invalid(
            "Nothing was captured in this run, so there is nothing to restore.".into(),
        ));
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
    let (_, mut s, _) = load_step(cache, run_id, idx)?;
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

/// Access given by an access request, until its expiry date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Grant {
    pub run_id: String,
    pub user_id: String,
    pub user_label: String,
    pub group_id: String,
    pub group_name: String,
    /// The last day of the access (YYYY-MM-DD).
    pub expires_on: String,
    /// Who approved it, and the ticket.
    pub approval: String,
    /// The grant step has run (the person is in the group).
    pub granted: bool,
    /// The expiry date is today or past: remove it.
    pub due: bool,
}

/// Grants from access requests that are still in place (granted and not yet removed), soonest
/// expiry first.
pub fn grants(cache: &Cache) -> Result<Vec<Grant>> {
    let today = today();
    let mut out = vec![];
    for run in cache.runs()? {
        let capture: serde_json::Value = serde_json::from_str(&run.capture).unwrap_or_default();
        let Some(g) = capture.get("grant") else { continue };
        if g.get("removed_at").is_some() || run.status == "abandoned" {
            continue;
        }
        let steps = cache.run(&run.id)?.map(|(_, s)| s).unwrap_or_default();
        let granted = steps.iter().any(|s| s.kind == "grant_group" && s.state == "done");
        let text = |k: &str| g.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
        let expires_on = text("expires_on");
        out.push(Grant {
            due: granted && expires_on <= today,
            run_id: run.id.clone(),
            user_id: run.subject_id.clone(),
            user_label: run.subject_label.clone(),
            group_id: text("group_id"),
            group_name: text("group_name"),
            approval: steps
                .iter()
                .filter(|s| s.kind == "approval" && s.state == "done")
                .map(|s| s.note.clone())
                .collect::<Vec<_>>()
                .join(" | "),
            expires_on,
            granted,
        });
    }
    out.retain(|g| g.granted);
    out.sort_by(|a, b| a.expires_on.cmp(&b.expires_on).then(a.run_id.cmp(&b.run_id)));
    Ok(out)
}

/// Removes the access an access request gave (one request, audited with the run) and notes
/// it in the run, so it no longer shows as due. Returns what was done.
pub async fn remove_grant(ctx: &StepContext<'_>, run_id: &str) -> Result<String> {
    let (run, mut capture, actor) = run_write(ctx, run_id)?;
    let StepContext {
        client, cache, access, ..
    } = *ctx;
    let Some(g) = capture.get_mut("grant") else {
        return Err(ChecklistError::Invalid("This run gave no time-limited access.".into()));
    };
    if g.get("removed_at").is_some() {
        return Err(ChecklistError::Invalid(
            "This access was already removed; nothing is sent again.".into(),
        ));
    }
    let group_id = g
        .get("group_id")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string();
    let request = ActionRequest::GroupMembers {
        group_id,
        member_ids: vec![run.subject_id.clone()],
        add: false,
    };
    let plan = actions::plan(&lock(cache), access, request)?;
    let out = actions::execute(client, cache, &plan, &actor).await?;
    if out.status != "done" {
        return Err(ChecklistError::Invalid(out.message));
    }
    g["removed_at"] = json!(now_rfc3339());
    g["removed_by"] = json!(actor.operator);
    lock(cache).save_capture(run_id, &capture.to_string())?;
    Ok(out.message)
}

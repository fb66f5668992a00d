//! Starting runs: one person (or a new starter), or several from a pasted list or a CSV. What
//! each step will do is previewed from the local copy and stored with the run; the steps that
//! remove access read JumpCloud again when they run (`run`), so the preview is what the admin
//! reviews, not what is trusted.

use super::{insert, item, step, today, ChecklistError, Result, StartInput, StepItem};
use crate::actions::{self, ActionRequest, UserProfile};
use crate::live::PersonNow;
use crate::templates;
use rollcall_cache::{AppVia, Cache, ReachKind, StepKind, StepRow, SystemRow, TemplateBase, UserDetail};
use serde_json::json;

/// The person a run is about, with the label the run shows.
fn subject(cache: &Cache, user_id: &str) -> Result<(UserDetail, String)> {
    let d = cache.user_detail(user_id)?.ok_or_else(|| {
        ChecklistError::Invalid(format!("User {user_id} is not in the local copy; sync and try again."))
    })?;
    let label = actions::user_label(&d.user);
    Ok((d, label))
}

/// The person a run is about, as its steps and its title name them.
struct Subject {
    /// Their record in the local copy (none for someone about to be created).
    detail: Option<UserDetail>,
    /// Their id (empty until an onboarding creates them).
    id: String,
    label: String,
    name: String,
    email: String,
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
    // The person: someone in the local copy, or (onboarding) someone about to be created.
    let who = if t.base == TemplateBase::Onboarding {
        new_person(cache, input)?
    } else {
        known_person(cache, input)?
    };
    let capture = if t.base == TemplateBase::AccessRequest {
        grant_capture(cache, input, &who)?
    } else {
        json!({})
    };
    let group_ids: Vec<String> = if t.base == TemplateBase::Onboarding && input.group_ids.is_empty() {
        t.defaults.groups.iter().map(|g| g.id.clone()).collect()
    } else {
        input.group_ids.clone()
    };
    let chosen_groups = groups_named(cache, &group_ids)?;
    let steps = run_steps(cache, &t, &who, input, &chosen_groups)?;
    let title = if t.base == TemplateBase::Onboarding {
        format!("{} for {}", t.name, who.name)
    } else {
        format!("{} for {}", t.name, who.label)
    };
    let id = insert(cache, org_id, operator, &t.id, &title, &who.id, &who.label, steps)?;
    if capture != json!({}) {
        cache.save_capture(&id, &capture.to_string())?;
    }
    Ok(id)
}

/// An onboarding's new person, checked: a username, a valid email, and not in JumpCloud yet.
fn new_person(cache: &Cache, input: &StartInput) -> Result<Subject> {
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
    Ok(Subject {
        detail: None,
        id: String::new(),
        label,
        name,
        email: p.email.trim().to_string(),
    })
}

/// The person in the local copy that the run is about.
fn known_person(cache: &Cache, input: &StartInput) -> Result<Subject> {
    let (d, label) = subject(cache, &input.user_id)?;
    let name = if d.user.displayname.trim().is_empty() {
        d.user.username.clone()
    } else {
        d.user.displayname.clone()
    };
    let (id, email) = (d.user.id.clone(), d.user.email.clone());
    Ok(Subject {
        detail: Some(d),
        id,
        label,
        name,
        email,
    })
}

/// The groups `ids` as (id, name), from the local copy.
fn groups_named(cache: &Cache, ids: &[String]) -> Result<Vec<(String, String)>> {
    let all = cache.groups(None, None)?;
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
}

/// An access request's grant, checked (one group the person is not in, a last day not past),
/// as the run's capture keeps it.
fn grant_capture(cache: &Cache, input: &StartInput, who: &Subject) -> Result<serde_json::Value> {
    let [gid] = input.group_ids.as_slice() else {
        return Err(ChecklistError::Invalid(
            "Choose the one group the access is for.".into(),
        ));
    };
    let expires = input.expires_on.clone().unwrap_or_default();
    let expires = expires.trim().to_string();
    if expires.len() != 10 || rollcall_cache::dates::parse_date(&expires).is_none() {
        return Err(ChecklistError::Invalid(
            "Give the last day of the access as a date (YYYY-MM-DD).".into(),
        ));
    }
    if expires < today() {
        return Err(ChecklistError::Invalid(format!(
            "The expiry date {expires} is already past; pick today or a later day."
        )));
    }
    let (gid, gname) = groups_named(cache, std::slice::from_ref(gid))?.remove(0);
    if who
        .detail
        .as_ref()
        .is_some_and(|d| d.groups.iter().any(|g| g.id == gid))
    {
        return Err(ChecklistError::Invalid(format!("{} is already in {gname}.", who.label)));
    }
    Ok(json!({"grant": {"group_id": gid, "group_name": gname, "expires_on": expires}}))
}

/// The run's steps from the template, each with what it will do for this person.
fn run_steps(
    cache: &Cache,
    t: &templates::Template,
    who: &Subject,
    input: &StartInput,
    chosen_groups: &[(String, String)],
) -> Result<Vec<StepRow>> {
    let mut steps = vec![];
    for (idx, ts) in t.steps.iter().enumerate() {
        let holdings = who.detail.as_ref().map(Holdings::from_mirror);
        let items = items_for(ts.kind, holdings.as_ref(), &who.id, input, chosen_groups, cache)?;
        let mut row = step(idx as u32, ts.kind, &ts.title, &items, ts.optional)?;
        if ts.kind == StepKind::Instructions || (ts.kind == StepKind::Manual && !ts.text.is_empty()) {
            let text = ts.text.replace("{name}", &who.name).replace("{email}", &who.email);
            row.items = serde_json::to_string(&[item("text".into(), text, None, None)])?;
        }
        steps.push(row);
    }
    Ok(steps)
}

/// What a person holds, as the steps see it: from the local copy (the preview) or as
/// JumpCloud answered just now (when a step runs).
#[derive(Debug, Clone, Default)]
pub(crate) struct Holdings {
    /// (group id, name)
    pub groups: Vec<(String, String)>,
    pub apps: Vec<HeldApp>,
    /// The devices they are bound to directly (not those reached through a group).
    pub devices: Vec<SystemRow>,
}

/// An app a person reaches: id, name, and how.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HeldApp {
    pub id: String,
    pub name: String,
    pub via: AppVia,
}

impl HeldApp {
    /// The key an item or a difference names it by ("<app>:direct", "<app>:<group>").
    pub fn key(&self) -> String {
        format!("{}:{}", self.id, self.via.describe())
    }
}

impl Holdings {
    pub fn from_mirror(d: &UserDetail) -> Self {
        Self {
            groups: d.groups.iter().map(|g| (g.id.clone(), g.name.clone())).collect(),
            apps: d
                .apps
                .iter()
                .map(|r| HeldApp {
                    id: r.app.id.clone(),
                    name: if r.app.label.is_empty() {
                        r.app.name.clone()
                    } else {
                        r.app.label.clone()
                    },
                    via: r.via.clone(),
                })
                .collect(),
            devices: d
                .devices
                .iter()
                .filter(|r| r.paths.iter().any(|p| p.kind == ReachKind::Direct))
                .map(|r| r.device.clone())
                .collect(),
        }
    }

    pub fn from_live(n: &PersonNow) -> Self {
        Self {
            groups: n
                .groups
                .iter()
                .flatten()
                .map(|g| (g.id.clone(), g.name.clone()))
                .collect(),
            apps: n
                .apps
                .iter()
                .flatten()
                .map(|p| HeldApp {
                    id: p.app.id.clone(),
                    name: p.app.name.clone(),
                    via: match &p.via {
                        None => AppVia::Direct,
                        Some(g) => AppVia::Group {
                            id: g.id.clone(),
                            name: g.name.clone(),
                        },
                    },
                })
                .collect(),
            devices: n.devices.clone().unwrap_or_default(),
        }
    }
}

/// What a step of `kind` will do for this person. Requests about a person still to be created
/// carry an empty user id, filled in when the step runs.
pub(crate) fn items_for(
    kind: StepKind,
    d: Option<&Holdings>,
    uid: &str,
    input: &StartInput,
    groups: &[(String, String)],
    cache: &Cache,
) -> Result<Vec<StepItem>> {
    let uid = uid.to_string();
    Ok(match kind {
        StepKind::RemoveGroups => d
            .map(|d| d.groups.iter().map(|g| membership(g, &uid, false)).collect())
            .unwrap_or_default(),
        StepKind::RemoveApps => d.map(|d| app_removals(&d.apps, &uid)).unwrap_or_default(),
        StepKind::ResetMfa => one("mfa", "Reset MFA factors", ActionRequest::UserResetMfa { user_id: uid }),
        StepKind::ExpirePassword => one(
            "password",
            "Expire the password",
            ActionRequest::UserExpirePassword { user_id: uid },
        ),
        StepKind::ResetPassword => password_reset(uid),
        StepKind::Suspend => one("suspend", "Suspend", ActionRequest::UserSuspend { user_id: uid }),
        StepKind::LockDevices => device_commands(d, actions::DeviceCommand::Lock),
        StepKind::WipeDevices => device_commands(d, actions::DeviceCommand::Wipe),
        StepKind::CreateUser => user_creation(input),
        StepKind::AddGroups | StepKind::GrantGroup => groups.iter().map(|g| membership(g, &uid, true)).collect(),
        StepKind::ActivationEmail => one(
            "activate",
            "Activate the account and send the activation email",
            ActionRequest::UserActivate { user_id: uid },
        ),
        StepKind::BindDevice => device_binding(input, uid, cache)?,
        _ => vec![],
    })
}

/// A step's single item: one request.
fn one(key: &str, label: &str, r: ActionRequest) -> Vec<StepItem> {
    vec![item(key.into(), label.into(), Some(r), None)]
}

/// The item adding the person to (or removing them from) the group (id, name).
fn membership((id, name): &(String, String), uid: &str, add: bool) -> StepItem {
    item(
        format!("group:{id}"),
        name.clone(),
        Some(ActionRequest::GroupMembers {
            group_id: id.clone(),
            member_ids: vec![uid.to_string()],
            add,
        }),
        None,
    )
}

/// The items removing the apps: a request for direct access, a note for access through a group.
fn app_removals(apps: &[HeldApp], uid: &str) -> Vec<StepItem> {
    apps.iter()
        .map(|a| {
            let (id, name) = (&a.id, &a.name);
            if let AppVia::Group { name: group, .. } = &a.via {
                item(
                    format!("app:{id}:{group}"),
                    name.clone(),
                    None,
                    Some(format!("through the group {group}: removed with the groups")),
                )
            } else {
                item(
                    format!("app:{id}"),
                    name.clone(),
                    Some(ActionRequest::AppAccess {
                        app_id: id.clone(),
                        user_id: uid.to_string(),
                        grant: false,
                    }),
                    None,
                )
            }
        })
        .collect()
}

/// The items of a password reset: expire the password, then send the reset email.
fn password_reset(uid: String) -> Vec<StepItem> {
    vec![
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
    ]
}

/// One item per device bound directly: the lock or wipe, or why the device does not take it.
fn device_commands(d: Option<&Holdings>, cmd: actions::DeviceCommand) -> Vec<StepItem> {
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
                Err(why) => item(format!("device:{}", s.id), label, None, Some(why.to_string())),
            }
        })
        .collect()
}

/// The item creating the new person (staged).
fn user_creation(input: &StartInput) -> Vec<StepItem> {
    let p = input.new_user.clone().unwrap_or_default();
    let label = format!(
        "{} <{}> (staged: no email until the activation step)",
        p.username.trim(),
        p.email.trim()
    );
    one("create", &label, ActionRequest::UserCreate { profile: p })
}

/// The item binding the chosen device to the person, or a note that none was chosen.
fn device_binding(input: &StartInput, uid: String, cache: &Cache) -> Result<Vec<StepItem>> {
    Ok(match input.device_id.as_deref().filter(|s| !s.is_empty()) {
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
            Some("no device was chosen when the run started; bind one from the device's panel when it arrives".into()),
        )],
    })
}

/// Fills in the person a request is about when it was not known at the start (onboarding).
pub(crate) fn fill_subject(request: &mut ActionRequest, uid: &str) {
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
    if t.base == TemplateBase::Onboarding {
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

/// New starters from a CSV with a header row naming at least `username` and `email`.
pub fn new_starters(text: &str) -> Result<Vec<UserProfile>> {
    let mut rows = crate::csv_read::rows(text).into_iter();
    let header: Vec<String> = rows
        .next()
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
    Ok(rows
        .map(|cells| {
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

/// The people named in a pasted list (one per line) or a CSV export (Rollcall's own,
/// JumpCloud's, HR's) whose header names an `email`, `username` or `id` column.
pub fn people_in(text: &str) -> Vec<String> {
    let rows = crate::csv_read::rows(text);
    let header = rows.first().cloned().unwrap_or_default();
    let column = ["email", "username", "id", "_id"]
        .iter()
        .find_map(|want| header.iter().position(|h| h.eq_ignore_ascii_case(want)));
    match column {
        Some(c) => rows
            .iter()
            .skip(1)
            .filter_map(|r| r.get(c).cloned())
            .filter(|c| !c.is_empty())
            .collect(),
        None => rows.into_iter().flatten().filter(|c| !c.is_empty()).collect(),
    }
}

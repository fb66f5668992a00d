//! Actions on users, groups and devices, each with its audit trail.
//!
//! An action goes through two steps. `plan` (no network) resolves the target from the cache,
//! checks that the action is offered for it (ENDPOINTS.md §4 and the admin's role), and
//! builds the confirmation the shell shows in a native dialog. `execute` records the intent,
//! sends the one request, records the outcome and writes the change into the cache. A request
//! that must not be repeated is sent at most once; a lost answer is "outcome unknown".

use crate::access::Access;
use crate::convert;
use crate::sync::now_rfc3339;
use jumpcloud::{Client, Error, Method};
use rollcall_cache::lock;
use rollcall_cache::{AuditIntent, Cache, CacheError, SystemRow, UserRow};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::Mutex;

/// Profile fields an admin can set on a user. Empty strings are left out of the request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UserProfile {
    pub username: String,
    pub email: String,
    pub firstname: String,
    pub lastname: String,
    pub department: String,
    pub job_title: String,
    pub employee_id: String,
    pub location: String,
}

impl UserProfile {
    fn to_json(&self) -> Value {
        let mut m = serde_json::Map::new();
        for (k, v) in [
            ("username", &self.username),
            ("email", &self.email),
            ("firstname", &self.firstname),
            ("lastname", &self.lastname),
            ("department", &self.department),
            ("jobTitle", &self.job_title),
            ("employeeIdentifier", &self.employee_id),
            ("location", &self.location),
        ] {
            if !v.trim().is_empty() {
                m.insert(k.into(), Value::String(v.trim().to_string()));
            }
        }
        Value::Object(m)
    }
}

/// What the admin asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind")]
pub enum ActionRequest {
    UserCreate {
        profile: UserProfile,
    },
    UserUpdate {
        user_id: String,
        profile: UserProfile,
    },
    UserSuspend {
        user_id: String,
    },
    /// Activates a staged user (sending the activation email) or lifts a suspension.
    UserActivate {
        user_id: String,
    },
    UserUnlock {
        user_id: String,
    },
    UserResetMfa {
        user_id: String,
    },
    UserExpirePassword {
        user_id: String,
    },
    /// Sends the activation / password-reset email again.
    UserResendEmail {
        user_id: String,
    },
    UserDelete {
        user_id: String,
    },
    /// `group_kind`: `user` or `system`.
    GroupCreate {
        group_kind: String,
        name: String,
        description: String,
    },
    /// Adds (or removes) each member; one request and one audit row per member.
    GroupMembers {
        group_id: String,
        member_ids: Vec<String>,
        add: bool,
    },
    /// Removes (or gives back) a user's direct access to an SSO application.
    AppAccess {
        app_id: String,
        user_id: String,
        grant: bool,
    },
    /// Binds a user to a device (or unbinds them): their account on that machine.
    DeviceBind {
        system_id: String,
        user_id: String,
        bind: bool,
    },
    DeviceLock {
        system_id: String,
    },
    /// `typed_hostname` must equal the device's hostname.
    DeviceWipe {
        system_id: String,
        typed_hostname: String,
    },
    DeviceRestart {
        system_id: String,
    },
    DeviceShutdown {
        system_id: String,
    },
}

/// The four device commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum DeviceCommand {
    Lock,
    Wipe,
    Restart,
    Shutdown,
}

impl DeviceCommand {
    pub const ALL: [DeviceCommand; 4] = [Self::Lock, Self::Wipe, Self::Restart, Self::Shutdown];
    fn verb(self) -> &'static str {
        match self {
            Self::Lock => "lock",
            Self::Wipe => "wipe",
            Self::Restart => "restart",
            Self::Shutdown => "shut down",
        }
    }
}

/// How a device command reaches the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Route {
    /// The JumpCloud agent's builtin command (Linux, Windows).
    Agent,
    /// Apple MDM; `pin` when macOS needs a 6-digit PIN (lock, erase).
    AppleMdm { pin: bool },
}

fn os_name(s: &SystemRow) -> String {
    if s.os.is_empty() {
        s.os_family.clone()
    } else {
        format!("{} {}", s.os, s.os_version).trim().to_string()
    }
}

/// Where Rollcall offers a device command (ENDPOINTS.md §4, "Which device action Rollcall
/// offers where"), or the reason it does not.
pub fn device_route(cmd: DeviceCommand, s: &SystemRow) -> Result<Route, String> {
    let verb = cmd.verb();
    let mdm = s.mdm_enrolled && !s.mdm_device_id.is_empty();
    match s.os_family.as_str() {
        "darwin" | "ios" if !mdm => Err(format!(
            "Apple devices can only be {}ed through JumpCloud's Apple MDM, and this one is not enrolled. Enrol it in MDM first.",
            if cmd == DeviceCommand::Shutdown { "shut down".to_string() } else { verb.trim_end_matches('e').to_string() }
        )
        .replace("shut downed", "shut down")),
        "darwin" => Ok(Route::AppleMdm {
            pin: matches!(cmd, DeviceCommand::Lock | DeviceCommand::Wipe),
        }),
        "ios" => Ok(Route::AppleMdm { pin: false }),
        "windows" if cmd == DeviceCommand::Wipe && !(s.mdm_enrolled && s.fde_active) => {
            let mut missing = vec![];
            if !s.mdm_enrolled {
                missing.push("it is not enrolled in JumpCloud MDM");
            }
            if !s.fde_active {
                missing.push("BitLocker is off");
            }
            Err(format!(
                "A Windows wipe needs JumpCloud MDM enrolment and BitLocker on; {}.",
                missing.join(" and ")
            ))
        }
        "windows" => Ok(Route::Agent),
        "linux" if cmd == DeviceCommand::Wipe => {
            Err("Linux systems have no managed wipe; handle it manually.".into())
        }
        "linux" => Ok(Route::Agent),
        "android" => Err("Android devices are managed through Google EMM, which Rollcall does not support yet; use the JumpCloud console.".into()),
        other => Err(format!("Rollcall does not know how to {verb} a device running \"{other}\".")),
    }
}

/// A native confirmation the shell must show (and the admin accept) before `execute`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Confirmation {
    pub title: String,
    pub message: String,
    pub ok_label: String,
}

/// A checked action, ready to confirm and send.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionPlan {
    pub request: ActionRequest,
    /// Stable name for the audit trail, e.g. `device.lock`.
    pub action: String,
    pub target_kind: String,
    pub target_id: String,
    pub target_label: String,
    pub confirm: Option<Confirmation>,
    /// The 6-digit PIN for a macOS lock or erase, shown to the admin to record.
    pub pin: Option<String>,
    route: Option<Route>,
    /// `user` or `system` for membership changes.
    group_kind: String,
    /// The Apple MDM device id, for MDM commands.
    mdm_device_id: String,
}

/// How an action ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ActionOutcome {
    /// done | failed (bulk membership changes report each member)
    pub status: String,
    pub message: String,
    pub pin: Option<String>,
    /// The id of a created record.
    pub created_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    /// Not offered for this target or role; nothing was sent.
    #[error("{0}")]
    Unavailable(String),
    /// The target is already as the action would leave it (suspended, active, not locked):
    /// nothing to send.
    #[error("{0}")]
    AlreadyDone(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{0} is not in the local copy; sync and try again.")]
    UnknownTarget(String),
    #[error(transparent)]
    Api(#[from] Error),
    #[error("The local cache could not be updated: {0}")]
    Cache(#[from] CacheError),
    /// What JumpCloud holds now could not be read before acting: nothing was sent.
    #[error("Nothing was sent: Rollcall could not read {what} from JumpCloud: {source}")]
    LiveRead {
        what: String,
        #[source]
        source: Error,
    },
}

/// "Name <email>" (the username when there is no display name), as targets are labelled.
pub(crate) fn user_label(u: &UserRow) -> String {
    let name = u.displayname.trim();
    if name.is_empty() {
        format!("{} <{}>", u.username, u.email)
    } else {
        format!("{name} <{}>", u.email)
    }
}

/// A 6-digit PIN for a macOS lock or erase, from the OS's random source (uniform: draws past
/// the last whole million are drawn again). None when the OS has no random source to give.
fn pin6() -> Option<String> {
    loop {
        let mut b = [0u8; 4];
        getrandom::fill(&mut b).ok()?;
        let n = u32::from_le_bytes(b);
        if n < 4_294_000_000 {
            return Some(format!("{:06}", n % 1_000_000));
        }
    }
}

fn must<T>(v: Option<T>, what: &str) -> Result<T, ActionError> {
    v.ok_or_else(|| ActionError::UnknownTarget(what.to_string()))
}

/// Checks an action against the cache and the admin's access; builds its confirmation.
pub fn plan(cache: &Cache, access: &Access, request: ActionRequest) -> Result<ActionPlan, ActionError> {
    use ActionRequest as R;
    let refuse = |allowed: bool, what: &str| -> Result<(), ActionError> {
        match access.refusal(allowed, what) {
            Some(r) => Err(ActionError::Unavailable(r)),
            None => Ok(()),
        }
    };
    let user = |id: &str| -> Result<UserRow, ActionError> {
        must(cache.user_detail(id)?.map(|d| d.user), &format!("User {id}"))
    };
    let simple = |action: &str, kind: &str, id: &str, label: String| ActionPlan {
        request: request.clone(),
        action: action.into(),
        target_kind: kind.into(),
        target_id: id.into(),
        target_label: label,
        confirm: None,
        pin: None,
        route: None,
        group_kind: String::new(),
        mdm_device_id: String::new(),
    };
    let p = match &request {
        R::UserCreate { profile } => {
            refuse(access.user_edit, "create users")?;
            if profile.username.trim().is_empty() || !profile.email.contains('@') {
                return Err(ActionError::Invalid(
                    "A new user needs a username and a valid email address.".into(),
                ));
            }
            simple(
                "user.create",
                "user",
                "",
                format!("{} <{}>", profile.username.trim(), profile.email.trim()),
            )
        }
        R::UserUpdate { user_id, profile } => {
            refuse(access.user_edit, "edit users")?;
            if !profile.email.is_empty() && !profile.email.contains('@') {
                return Err(ActionError::Invalid(format!(
                    "\"{}\" is not an email address.",
                    profile.email
                )));
            }
            simple("user.update", "user", user_id, user_label(&user(user_id)?))
        }
        R::UserSuspend { user_id } => {
            refuse(access.user_edit, "suspend users")?;
            let u = user(user_id)?;
            if u.state == "SUSPENDED" {
                return Err(ActionError::AlreadyDone(format!(
                    "{} is already suspended.",
                    user_label(&u)
                )));
            }
            simple("user.suspend", "user", user_id, user_label(&u))
        }
        R::UserActivate { user_id } => {
            refuse(access.user_edit, "activate users")?;
            let u = user(user_id)?;
            if u.state == "ACTIVATED" {
                return Err(ActionError::AlreadyDone(format!(
                    "{} is already active.",
                    user_label(&u)
                )));
            }
            simple("user.activate", "user", user_id, user_label(&u))
        }
        R::UserUnlock { user_id } => {
            refuse(access.user_edit, "unlock users")?;
            let u = user(user_id)?;
            if !u.locked {
                return Err(ActionError::AlreadyDone(format!(
                    "{} is not locked out.",
                    user_label(&u)
                )));
            }
            simple("user.unlock", "user", user_id, user_label(&u))
        }
        R::UserResetMfa { user_id } => {
            refuse(access.user_edit, "reset MFA")?;
            simple("user.reset_mfa", "user", user_id, user_label(&user(user_id)?))
        }
        R::UserExpirePassword { user_id } => {
            refuse(access.user_edit, "expire passwords")?;
            simple("user.expire_password", "user", user_id, user_label(&user(user_id)?))
        }
        R::UserResendEmail { user_id } => {
            refuse(access.user_edit, "send activation or reset emails")?;
            simple("user.resend_email", "user", user_id, user_label(&user(user_id)?))
        }
        R::UserDelete { user_id } => {
            refuse(access.user_delete, "delete users")?;
            let d = must(cache.user_detail(user_id)?, &format!("User {user_id}"))?;
            let label = user_label(&d.user);
            let mut p = simple("user.delete", "user", user_id, label.clone());
            p.confirm = Some(Confirmation {
                title: "Delete user".into(),
                message: format!(
                    "Delete {label} from JumpCloud?\n\nUsername: {}\nState: {}\nGroups: {}\nDevices: {}\n\nThis cannot be undone: the account, its group memberships and device bindings are removed.",
                    d.user.username,
                    d.user.state,
                    d.groups.len(),
                    if d.devices.is_empty() { "none".to_string() } else { d.devices.iter().map(|s| s.hostname.clone()).collect::<Vec<_>>().join(", ") },
                ),
                ok_label: "Delete".into(),
            });
            p
        }
        R::GroupCreate { group_kind, name, .. } => {
            refuse(access.groups, "create groups")?;
            if name.trim().is_empty() {
                return Err(ActionError::Invalid("A group needs a name.".into()));
            }
            if group_kind != "user" && group_kind != "system" {
                return Err(ActionError::Invalid(format!("Unknown group kind \"{group_kind}\".")));
            }
            simple("group.create", "group", "", name.trim().to_string())
        }
        R::GroupMembers {
            group_id,
            member_ids,
            add,
        } => {
            refuse(access.groups, "change group membership")?;
            if member_ids.is_empty() {
                return Err(ActionError::Invalid("Select at least one member.".into()));
            }
            let g = must(
                cache.groups("", None)?.into_iter().find(|g| &g.group.id == group_id),
                &format!("Group {group_id}"),
            )?;
            let mut p = simple(
                if *add {
                    "group.add_members"
                } else {
                    "group.remove_members"
                },
                "group",
                group_id,
                g.group.name,
            );
            p.group_kind = g.group.kind;
            p
        }
        R::AppAccess { app_id, user_id, grant } => {
            refuse(access.groups, "change application access")?;
            let app = must(
                cache.apps()?.into_iter().find(|a| &a.app.id == app_id),
                &format!("App {app_id}"),
            )?;
            let u = user(user_id)?;
            let name = if app.app.label.is_empty() {
                app.app.name
            } else {
                app.app.label
            };
            simple(
                if *grant { "app.grant" } else { "app.revoke" },
                "user",
                user_id,
                format!("{} ↔ {name}", user_label(&u)),
            )
        }
        R::DeviceBind {
            system_id,
            user_id,
            bind,
        } => {
            refuse(access.groups, "bind users to devices")?;
            let d = must(cache.system_detail(system_id)?, &format!("Device {system_id}"))?;
            let u = user(user_id)?;
            simple(
                if *bind {
                    "device.bind_user"
                } else {
                    "device.unbind_user"
                },
                "system",
                system_id,
                format!("{} ↔ {}", d.system.hostname, user_label(&u)),
            )
        }
        R::DeviceLock { system_id }
        | R::DeviceRestart { system_id }
        | R::DeviceShutdown { system_id }
        | R::DeviceWipe { system_id, .. } => {
            let cmd = match &request {
                R::DeviceLock { .. } => DeviceCommand::Lock,
                R::DeviceRestart { .. } => DeviceCommand::Restart,
                R::DeviceShutdown { .. } => DeviceCommand::Shutdown,
                _ => DeviceCommand::Wipe,
            };
            refuse(access.device_commands, "lock, wipe, restart or shut down devices")?;
            let d = must(cache.system_detail(system_id)?, &format!("Device {system_id}"))?;
            let s = &d.system;
            let route = device_route(cmd, s).map_err(ActionError::Unavailable)?;
            if let R::DeviceWipe { typed_hostname, .. } = &request {
                if typed_hostname.trim() != s.hostname {
                    return Err(ActionError::Invalid(format!(
                        "To wipe, type the device's hostname exactly: {}",
                        s.hostname
                    )));
                }
            }
            let pin = match route {
                Route::AppleMdm { pin: true } => Some(pin6().ok_or_else(|| {
                    ActionError::Invalid(
                        "The operating system gave no random numbers to make the device PIN; nothing was sent.".into(),
                    )
                })?),
                _ => None,
            };
            let owner = d
                .owner
                .as_ref()
                .map(user_label)
                .unwrap_or_else(|| "no bound user".into());
            let what = match cmd {
                DeviceCommand::Lock => "Lock",
                DeviceCommand::Wipe => "ERASE ALL DATA on",
                DeviceCommand::Restart => "Restart",
                DeviceCommand::Shutdown => "Shut down",
            };
            let mut message = format!(
                "{what} {}?\n\nHostname: {}\nSerial: {}\nOwner: {owner}\nOS: {}\nLast contact: {}",
                s.hostname,
                s.hostname,
                if s.serial.is_empty() { "unknown" } else { &s.serial },
                os_name(s),
                s.last_contact.as_deref().unwrap_or("never"),
            );
            match (&pin, cmd) {
                (Some(p), DeviceCommand::Lock) => message.push_str(&format!("\n\nThe Mac will be locked with PIN {p}. Record it now: JumpCloud keeps no copy, and the Mac cannot be unlocked without it.")),
                (Some(p), _) => message.push_str(&format!("\n\nThe erase is protected by PIN {p}. Record it now: JumpCloud keeps no copy.")),
                _ => {}
            }
            if cmd == DeviceCommand::Wipe {
                message.push_str("\n\nEverything on the device is erased. This cannot be undone.");
            } else if route == Route::Agent {
                message.push_str("\n\nIf the device is offline, JumpCloud queues the command until it checks in.");
            }
            let (title, ok) = match cmd {
                DeviceCommand::Lock => ("Lock device", "Lock"),
                DeviceCommand::Wipe => ("Wipe device — erase all data", "Wipe"),
                DeviceCommand::Restart => ("Restart device", "Restart"),
                DeviceCommand::Shutdown => ("Shut down device", "Shut down"),
            };
            ActionPlan {
                request: request.clone(),
                action: format!("device.{}", format!("{cmd:?}").to_lowercase()),
                target_kind: "system".into(),
                target_id: system_id.clone(),
                target_label: format!("{} ({}, {})", s.hostname, os_name(s), owner),
                confirm: Some(Confirmation {
                    title: title.into(),
                    message,
                    ok_label: ok.into(),
                }),
                pin,
                route: Some(route),
                group_kind: String::new(),
                mdm_device_id: s.mdm_device_id.clone(),
            }
        }
    };
    Ok(p)
}

/// Who acts and for which run (checklists), for the audit trail.
#[derive(Debug, Clone)]
pub struct Actor {
    pub org_id: String,
    pub operator: String,
    pub run_id: Option<String>,
}

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
    if let Some(row) = convert::user_row(&raw) {
        lock(cache).apply_user(&row)?;
    }
    Ok(())
}

/// One request for a plan (bulk membership: one per member).
async fn send(client: &Client, plan: &ActionPlan, member: Option<&str>) -> Result<Option<String>, Error> {
    use ActionRequest as R;
    let users = client.users();
    match &plan.request {
        R::UserCreate { profile } => return Ok(Some(users.create(&profile.to_json()).await?.id)),
        R::UserUpdate { user_id, profile } => {
            users.update(user_id, &profile.to_json()).await?;
        }
        R::UserSuspend { user_id } => users.suspend(user_id).await?,
        R::UserActivate { user_id } => {
            let current = users.get(user_id).await?;
            if current.state.as_deref() == Some("STAGED") {
                users.activate(user_id, true).await?;
            } else {
                users.unsuspend(user_id).await?;
            }
        }
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
        R::AppAccess { app_id, user_id, grant } => {
            let apps = client.applications();
            if *grant {
                apps.assign_user(app_id, user_id).await?;
            } else {
                apps.unassign_user(app_id, user_id).await?;
            }
        }
        R::GroupCreate {
            group_kind,
            name,
            description,
        } => {
            let groups = if group_kind == "system" {
                client.system_groups()
            } else {
                client.user_groups()
            };
            return Ok(Some(groups.create(name.trim(), description.trim()).await?.id));
        }
        R::GroupMembers { group_id, add, .. } => {
            let member = member.unwrap_or_default();
            let groups = if plan.group_kind == "system" {
                client.system_groups()
            } else {
                client.user_groups()
            };
            if *add {
                groups.add_member(group_id, member).await?;
            } else {
                groups.remove_member(group_id, member).await?;
            }
        }
        R::DeviceBind {
            system_id,
            user_id,
            bind,
        } => {
            if *bind {
                client.systems().bind_user(system_id, user_id, false).await?;
            } else {
                client.systems().unbind_user(system_id, user_id).await?;
            }
        }
        R::DeviceLock { system_id }
        | R::DeviceWipe { system_id, .. }
        | R::DeviceRestart { system_id }
        | R::DeviceShutdown { system_id } => {
            let systems = client.systems();
            match plan.route {
                Some(Route::AppleMdm { .. }) => {
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
                }
                _ => match &plan.request {
                    R::DeviceLock { .. } => systems.lock(system_id).await?,
                    R::DeviceWipe { .. } => systems.erase(system_id).await?,
                    R::DeviceRestart { .. } => systems.restart(system_id).await?,
                    _ => systems.shutdown(system_id).await?,
                },
            }
        }
    }
    Ok(None)
}

/// One action a panel offers, enabled or with the reason it is not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ActionOption {
    /// The request to send (for a wipe, the UI replaces `typed_hostname` with what was typed).
    pub request: ActionRequest,
    pub label: String,
    /// Why it is disabled; None when it is available.
    pub reason: Option<String>,
    /// Opens a native confirmation.
    pub confirm: bool,
}

/// The actions offered on a user (`target_kind` "user") or device ("system"), each enabled or
/// disabled with its reason. `blocked` (offline, role not known yet) disables all of them.
pub fn options_for(
    cache: &Cache,
    access: &Access,
    blocked: Option<&str>,
    target_kind: &str,
    id: &str,
) -> Result<Vec<ActionOption>, ActionError> {
    use ActionRequest as R;
    let id = id.to_string();
    let candidates: Vec<(R, &str)> = if target_kind == "system" {
        let hostname = must(cache.system_detail(&id)?, &format!("Device {id}"))?
            .system
            .hostname;
        vec![
            (R::DeviceLock { system_id: id.clone() }, "Lock"),
            (R::DeviceRestart { system_id: id.clone() }, "Restart"),
            (R::DeviceShutdown { system_id: id.clone() }, "Shut down"),
            (
                R::DeviceWipe {
                    system_id: id.clone(),
                    typed_hostname: hostname,
                },
                "Wipe…",
            ),
        ]
    } else {
        vec![
            (R::UserSuspend { user_id: id.clone() }, "Suspend"),
            (R::UserActivate { user_id: id.clone() }, "Activate"),
            (R::UserUnlock { user_id: id.clone() }, "Unlock"),
            (R::UserResetMfa { user_id: id.clone() }, "Reset MFA"),
            (R::UserExpirePassword { user_id: id.clone() }, "Expire password"),
            (R::UserResendEmail { user_id: id.clone() }, "Send reset email"),
            (R::UserDelete { user_id: id.clone() }, "Delete…"),
        ]
    };
    let mut out = vec![];
    for (request, label) in candidates {
        let (reason, confirm) = match plan(cache, access, request.clone()) {
            Ok(p) => (None, p.confirm.is_some()),
            Err(ActionError::Unavailable(r) | ActionError::Invalid(r) | ActionError::AlreadyDone(r)) => {
                (Some(r), false)
            }
            Err(e) => return Err(e),
        };
        let mut request = request;
        if let R::DeviceWipe { typed_hostname, .. } = &mut request {
            typed_hostname.clear();
        }
        out.push(ActionOption {
            request,
            label: label.into(),
            reason: blocked.map(String::from).or(reason),
            confirm,
        });
    }
    Ok(out)
}

fn status_of(e: &Error) -> &'static str {
    match e {
        Error::OutcomeUnknown { .. } => "unknown",
        _ => "failed",
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
    let (target_kind, target_id, target_label) = match &member {
        Some((id, label)) => (
            plan.group_kind.clone(),
            id.to_string(),
            format!("{label} ↔ group {}", plan.target_label),
        ),
        None => (
            plan.target_kind.clone(),
            plan.target_id.clone(),
            plan.target_label.clone(),
        ),
    };
    let intent = AuditIntent {
        org_id: actor.org_id.clone(),
        operator: actor.operator.clone(),
        action: plan.action.clone(),
        target_kind,
        target_id,
        target_label,
        params: audit_params(plan),
        run_id: actor.run_id.clone(),
    };
    let audit_id = lock(cache).audit_intent(&now_rfc3339(), &intent)?;
    let result = send(client, plan, member.as_ref().map(|(id, _)| *id)).await;
    let (status, http, message) = match &result {
        // The client reports success without the exact 2xx code (200, 201 or 204).
        Ok(_) => ("done", None, "JumpCloud accepted the request (2xx)".to_string()),
        Err(e) => (status_of(e), e.status(), e.to_string()),
    };
    let c = lock(cache);
    c.audit_outcome(audit_id, &now_rfc3339(), status, http, &message)?;
    if matches!(result, Err(Error::Forbidden { .. })) {
        // JumpCloud refused this for the role: what Rollcall learned of it may be out of date.
        crate::access::forget(&c)?;
    }
    if let (Ok(Some(id)), "user.create") = (&result, plan.action.as_str()) {
        // The created user's id is only known now.
        c.audit_set_target(audit_id, id)?;
    }
    drop(c);
    Ok(result?)
}

/// Sends a planned (and, where needed, confirmed) action; records it; updates the cache.
pub async fn execute(
    client: &Client,
    cache: &Mutex<Cache>,
    plan: &ActionPlan,
    actor: &Actor,
) -> Result<ActionOutcome, ActionError> {
    use ActionRequest as R;
    let done = |message: String, created_id: Option<String>| ActionOutcome {
        status: "done".into(),
        message,
        pin: plan.pin.clone(),
        created_id,
    };
    match &plan.request {
        R::GroupMembers {
            group_id,
            member_ids,
            add,
        } => {
            let mut failed: Vec<String> = vec![];
            for m in member_ids {
                let label = member_label(&lock(cache), &plan.group_kind, m);
                match audited(client, cache, plan, actor, Some((m, label.clone()))).await {
                    Ok(_) => lock(cache).apply_membership(group_id, m, *add)?,
                    Err(ActionError::Api(e)) => failed.push(format!("{label}: {e}")),
                    Err(e) => return Err(e),
                }
            }
            let ok = member_ids.len() - failed.len();
            let verb = if *add { "Added" } else { "Removed" };
            let dir = if *add { "to" } else { "from" };
            let mut message = format!("{verb} {ok} of {} {dir} {}.", member_ids.len(), plan.target_label);
            if !failed.is_empty() {
                message.push_str(&format!(" Not done: {}", failed.join("; ")));
            }
            Ok(ActionOutcome {
                status: if failed.is_empty() { "done" } else { "failed" }.into(),
                message,
                pin: None,
                created_id: None,
            })
        }
        R::UserCreate { .. } => {
            let id = audited(client, cache, plan, actor, None).await?.unwrap_or_default();
            refresh_user(client, cache, &id).await?;
            Ok(done(format!("Created {}.", plan.target_label), Some(id)))
        }
        R::GroupCreate { group_kind, .. } => {
            let id = audited(client, cache, plan, actor, None).await?.unwrap_or_default();
            let path = if group_kind == "system" {
                "systemgroups"
            } else {
                "usergroups"
            };
            let (_, raw) = client.call(Method::GET, &format!("/api/v2/{path}/{id}"), None).await?;
            if let Some(row) = convert::group_row(&raw, group_kind) {
                lock(cache).apply_group(&row)?;
            }
            Ok(done(format!("Created group {}.", plan.target_label), Some(id)))
        }
        R::AppAccess { app_id, user_id, grant } => {
            audited(client, cache, plan, actor, None).await?;
            lock(cache).apply_app_access(app_id, user_id, *grant)?;
            let verb = if *grant { "Gave access" } else { "Removed access" };
            Ok(done(format!("{verb}: {}.", plan.target_label), None))
        }
        R::UserDelete { user_id } => {
            audited(client, cache, plan, actor, None).await?;
            lock(cache).remove_user(user_id)?;
            Ok(done(format!("Deleted {}.", plan.target_label), None))
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
            Ok(done(success_text(&plan.action, &plan.target_label), None))
        }
        R::DeviceBind {
            system_id,
            user_id,
            bind,
        } => {
            audited(client, cache, plan, actor, None).await?;
            lock(cache).apply_binding(system_id, user_id, *bind)?;
            let verb = if *bind { "Bound" } else { "Unbound" };
            Ok(done(format!("{verb}: {}.", plan.target_label), None))
        }
        R::DeviceLock { .. } | R::DeviceWipe { .. } | R::DeviceRestart { .. } | R::DeviceShutdown { .. } => {
            audited(client, cache, plan, actor, None).await?;
            let mut message = success_text(&plan.action, &plan.target_label);
            if let Some(p) = &plan.pin {
                message.push_str(&format!(" PIN: {p} — record it now; JumpCloud keeps no copy."));
            }
            Ok(done(message, None))
        }
    }
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
    let members = |what: &'static str| async move {
        let groups = if plan.group_kind == "system" {
            client.system_groups()
        } else {
            client.user_groups()
        };
        groups
            .members(group_id)
            .await
            .map(|m| {
                m.into_iter()
                    .map(|c| c.to.id)
                    .collect::<std::collections::BTreeSet<String>>()
            })
            .map_err(|source| ActionError::LiveRead {
                what: format!("the members of {} ({what})", plan.target_label),
                source,
            })
    };
    let before = members("before removing").await?;
    let (still, gone): (Vec<String>, Vec<String>) = member_ids.iter().cloned().partition(|m| before.contains(m));
    for m in &gone {
        lock(cache).apply_membership(group_id, m, false)?;
    }
    let mut out = if still.is_empty() {
        ActionOutcome {
            status: "done".into(),
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
        members("after removing").await
    };
    match after {
        Ok(after) => {
            let left: Vec<String> = member_ids
                .iter()
                .filter(|m| after.contains(*m))
                .map(|m| member_label(&lock(cache), &plan.group_kind, m))
                .collect();
            if left.is_empty() {
                out.message.push_str(&format!(
                    " Verified: JumpCloud lists none of the {} in {}.",
                    member_ids.len(),
                    plan.target_label
                ));
            } else {
                out.status = "failed".into();
                out.message.push_str(&format!(
                    " Failed — still in {}: {}. Run the removal again to send only what remains.",
                    plan.target_label,
                    crate::live::names(&left, 10)
                ));
            }
        }
        Err(e) => {
            out.status = "failed".into();
            out.message.push_str(&format!(
                " The removals were sent, but the check afterwards failed: {e}"
            ));
        }
    }
    out.message = out.message.trim().to_string();
    Ok(out)
}

fn member_label(cache: &Cache, group_kind: &str, id: &str) -> String {
    let found = if group_kind == "system" {
        cache.system_detail(id).ok().flatten().map(|d| d.system.hostname)
    } else {
        cache.user_detail(id).ok().flatten().map(|d| user_label(&d.user))
    };
    found.unwrap_or_else(|| id.to_string())
}

fn success_text(action: &str, target: &str) -> String {
    match action {
        "user.update" => format!("Saved {target}."),
        "user.suspend" => format!("Suspended {target}."),
        "user.activate" => format!("Activated {target}."),
        "user.unlock" => format!("Unlocked {target}."),
        "user.reset_mfa" => format!("Reset MFA for {target}: they enrol again at their next login."),
        "user.expire_password" => {
            format!("Expired the password of {target}: they must set a new one at their next login.")
        }
        "user.resend_email" => format!("Sent the activation / reset email to {target}."),
        "device.lock" => format!("Lock sent to {target}."),
        "device.wipe" => format!("Wipe sent to {target}."),
        "device.restart" => format!("Restart sent to {target}."),
        "device.shutdown" => format!("Shutdown sent to {target}."),
        other => format!("{other}: done for {target}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sys(os_family: &str, mdm: bool, fde: bool) -> SystemRow {
        SystemRow {
            id: "s1".into(),
            hostname: "host-1".into(),
            os_family: os_family.into(),
            mdm_enrolled: mdm,
            mdm_device_id: if mdm { "dev1".into() } else { String::new() },
            fde_active: fde,
            ..Default::default()
        }
    }

    #[test]
    fn device_rules_follow_the_product_table() {
        use DeviceCommand::*;
        assert_eq!(
            device_route(Lock, &sys("darwin", true, true)),
            Ok(Route::AppleMdm { pin: true })
        );
        assert_eq!(
            device_route(Wipe, &sys("darwin", true, true)),
            Ok(Route::AppleMdm { pin: true })
        );
        assert_eq!(
            device_route(Restart, &sys("darwin", true, true)),
            Ok(Route::AppleMdm { pin: false })
        );
        assert!(device_route(Lock, &sys("darwin", false, true))
            .unwrap_err()
            .contains("not enrolled"));
        assert_eq!(
            device_route(Lock, &sys("ios", true, false)),
            Ok(Route::AppleMdm { pin: false })
        );
        assert_eq!(device_route(Lock, &sys("windows", false, false)), Ok(Route::Agent));
        assert_eq!(device_route(Wipe, &sys("windows", true, true)), Ok(Route::Agent));
        let w = device_route(Wipe, &sys("windows", false, false)).unwrap_err();
        assert!(w.contains("not enrolled") && w.contains("BitLocker is off"), "{w}");
        assert!(device_route(Wipe, &sys("windows", true, false))
            .unwrap_err()
            .contains("BitLocker"));
        assert_eq!(device_route(Shutdown, &sys("linux", false, false)), Ok(Route::Agent));
        assert_eq!(
            device_route(Wipe, &sys("linux", false, true)).unwrap_err(),
            "Linux systems have no managed wipe; handle it manually."
        );
        assert!(device_route(Lock, &sys("android", false, false))
            .unwrap_err()
            .contains("Google EMM"));
    }

    #[test]
    fn pins_are_six_digits() {
        let pins: std::collections::BTreeSet<String> = (0..50).map(|_| pin6().unwrap()).collect();
        for p in &pins {
            assert!(p.len() == 6 && p.chars().all(|c| c.is_ascii_digit()), "{p}");
        }
        assert!(pins.len() > 45, "random, not repeated: {pins:?}");
    }
}

//! Checking an action against the cache and the admin's role, without the network: the
//! target is found, the action is offered for it, and its native confirmation is written.

use super::rules::{device_route, os_name, Route};
use super::{must, user_label, ActionError, ActionPlan, ActionRequest, Confirmation, DeviceCommand};
use crate::access::Access;
use rollcall_cache::{AuditAction, Cache, ReachKind, RecordKind, SystemRow, UserRow, UserState};

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

/// What a planner needs: the cache, the admin's access, the request.
struct Planner<'a> {
    cache: &'a Cache,
    access: &'a Access,
    request: &'a ActionRequest,
}

impl Planner<'_> {
    /// Refuses what the role may not do, naming it.
    fn allowed(&self, allowed: bool, what: &str) -> Result<(), ActionError> {
        match self.access.refusal(allowed, what) {
            Some(r) => Err(ActionError::Unavailable(r)),
            None => Ok(()),
        }
    }

    fn user(&self, id: &str) -> Result<UserRow, ActionError> {
        must(self.cache.user_detail(id)?.map(|d| d.user), &format!("User {id}"))
    }

    /// A plan with no confirmation.
    fn simple(&self, action: AuditAction, kind: RecordKind, id: &str, label: String) -> ActionPlan {
        ActionPlan {
            request: self.request.clone(),
            action,
            target_kind: kind,
            target_id: id.into(),
            target_label: label,
            confirm: None,
            pin: None,
            route: None,
            group_kind: None,
            mdm_device_id: String::new(),
        }
    }

    /// A plan on one existing person.
    fn on_user(&self, action: AuditAction, user_id: &str) -> Result<ActionPlan, ActionError> {
        Ok(self.simple(action, RecordKind::User, user_id, user_label(&self.user(user_id)?)))
    }
}

/// Checks an action against the cache and the admin's access; builds its confirmation.
pub fn plan(cache: &Cache, access: &Access, request: ActionRequest) -> Result<ActionPlan, ActionError> {
    use ActionRequest as R;
    let p = Planner {
        cache,
        access,
        request: &request,
    };
    match &request {
        R::UserCreate { .. }
        | R::UserUpdate { .. }
        | R::UserSuspend { .. }
        | R::UserActivate { .. }
        | R::UserUnlock { .. }
        | R::UserResetMfa { .. }
        | R::UserExpirePassword { .. }
        | R::UserResendEmail { .. }
        | R::UserScheduleSuspend { .. }
        | R::UserCancelScheduled { .. } => plan_user(&p),
        R::UserDelete { user_id } => plan_delete(&p, user_id),
        R::GroupCreate { .. } | R::GroupMembers { .. } => plan_group(&p),
        R::AppAccess { app_id, user_id, grant } => plan_app_access(&p, app_id, user_id, *grant),
        R::DeviceBind {
            system_id,
            user_id,
            bind,
        } => plan_bind(&p, system_id, user_id, *bind),
        R::DeviceSudo { system_id, user_id, .. } => {
            let mut plan = plan_bind(&p, system_id, user_id, true)?;
            plan.action = AuditAction::DeviceSetSudo;
            Ok(plan)
        }
        R::DeviceLock { system_id } => plan_device(&p, DeviceCommand::Lock, system_id),
        R::DeviceRestart { system_id } => plan_device(&p, DeviceCommand::Restart, system_id),
        R::DeviceShutdown { system_id } => plan_device(&p, DeviceCommand::Shutdown, system_id),
        R::DeviceWipe { system_id, .. } => plan_device(&p, DeviceCommand::Wipe, system_id),
    }
}

/// Creating, editing and changing the state of a person.
fn plan_user(p: &Planner<'_>) -> Result<ActionPlan, ActionError> {
    use ActionRequest as R;
    use AuditAction as A;
    let edit = |what: &str| p.allowed(p.access.user_edit, what);
    match p.request {
        R::UserCreate { profile } => {
            edit("create users")?;
            if profile.username.trim().is_empty() || !profile.email.contains('@') {
                return Err(ActionError::Invalid(
                    "A new user needs a username and a valid email address.".into(),
                ));
            }
            let label = format!("{} <{}>", profile.username.trim(), profile.email.trim());
            Ok(p.simple(A::UserCreate, RecordKind::User, "", label))
        }
        R::UserUpdate { user_id, profile } => {
            edit("edit users")?;
            if !profile.email.is_empty() && !profile.email.contains('@') {
                return Err(ActionError::Invalid(format!(
                    "\"{}\" is not an email address.",
                    profile.email
                )));
            }
            p.on_user(A::UserUpdate, user_id)
        }
        R::UserSuspend { user_id } => {
            edit("suspend users")?;
            let u = p.user(user_id)?;
            if u.state == UserState::Suspended {
                return Err(ActionError::AlreadyDone(format!(
                    "{} is already suspended.",
                    user_label(&u)
                )));
            }
            Ok(p.simple(A::UserSuspend, RecordKind::User, user_id, user_label(&u)))
        }
        R::UserScheduleSuspend { user_id, at } => {
            edit("schedule a suspension")?;
            let u = p.user(user_id)?;
            let when = rollcall_cache::dates::parse_ms(at)
                .ok_or_else(|| ActionError::Invalid(format!("\"{at}\" is not a date and time (RFC 3339).")))?;
            if when <= rollcall_cache::dates::now_ms() {
                return Err(ActionError::Invalid(
                    "Choose a date and time still to come, or suspend now.".into(),
                ));
            }
            let mut plan = p.simple(A::UserScheduleSuspend, RecordKind::User, user_id, user_label(&u));
            plan.confirm = Some(super::Confirmation {
                title: format!("Suspend {} at {}?", user_label(&u), crate::pdf::utc(at, false)),
                message: "JumpCloud will suspend the account at that time (a scheduled state change). It can be cancelled until then.".into(),
                ok_label: "Schedule".into(),
            });
            Ok(plan)
        }
        R::UserCancelScheduled { user_id, .. } => {
            edit("cancel a scheduled suspension")?;
            p.on_user(A::UserCancelScheduled, user_id)
        }
        R::UserActivate { user_id } => {
            edit("activate users")?;
            let u = p.user(user_id)?;
            if u.state == UserState::Activated {
                return Err(ActionError::AlreadyDone(format!(
                    "{} is already active.",
                    user_label(&u)
                )));
            }
            Ok(p.simple(A::UserActivate, RecordKind::User, user_id, user_label(&u)))
        }
        R::UserUnlock { user_id } => {
            edit("unlock users")?;
            let u = p.user(user_id)?;
            if !u.locked {
                return Err(ActionError::AlreadyDone(format!(
                    "{} is not locked out.",
                    user_label(&u)
                )));
            }
            Ok(p.simple(A::UserUnlock, RecordKind::User, user_id, user_label(&u)))
        }
        R::UserResetMfa { user_id } => {
            edit("reset MFA")?;
            p.on_user(A::UserResetMfa, user_id)
        }
        R::UserExpirePassword { user_id } => {
            edit("expire passwords")?;
            p.on_user(A::UserExpirePassword, user_id)
        }
        R::UserResendEmail { user_id } => {
            edit("send activation or reset emails")?;
            p.on_user(A::UserResendEmail, user_id)
        }
        other => Err(ActionError::Invalid(format!("{other:?} is not a change to a person."))),
    }
}

/// Deleting a person: confirmed natively, naming what goes with them.
fn plan_delete(p: &Planner<'_>, user_id: &str) -> Result<ActionPlan, ActionError> {
    p.allowed(p.access.user_delete, "delete users")?;
    let d = must(p.cache.user_detail(user_id)?, &format!("User {user_id}"))?;
    let label = user_label(&d.user);
    let bound: Vec<String> = d
        .devices
        .iter()
        .filter(|r| r.paths.iter().any(|p| p.kind == ReachKind::Direct))
        .map(|r| r.device.hostname.clone())
        .collect();
    let mut plan = p.simple(AuditAction::UserDelete, RecordKind::User, user_id, label.clone());
    plan.confirm = Some(Confirmation {
        title: "Delete user".into(),
        message: format!(
            "Delete {label} from JumpCloud?\n\nUsername: {}\nState: {}\nGroups: {}\nDevices: {}\n\nThis cannot be undone: the account, its group memberships and device bindings are removed.",
            d.user.username,
            d.user.state.label(),
            d.groups.len(),
            if bound.is_empty() { "none".to_string() } else { bound.join(", ") },
        ),
        ok_label: "Delete".into(),
    });
    Ok(plan)
}

/// Creating a group, changing its members.
fn plan_group(p: &Planner<'_>) -> Result<ActionPlan, ActionError> {
    use ActionRequest as R;
    match p.request {
        R::GroupCreate { name, .. } => {
            p.allowed(p.access.groups, "create groups")?;
            if name.trim().is_empty() {
                return Err(ActionError::Invalid("A group needs a name.".into()));
            }
            Ok(p.simple(AuditAction::GroupCreate, RecordKind::Group, "", name.trim().to_string()))
        }
        R::GroupMembers {
            group_id,
            member_ids,
            add,
        } => {
            p.allowed(p.access.groups, "change group membership")?;
            if member_ids.is_empty() {
                return Err(ActionError::Invalid("Select at least one member.".into()));
            }
            let g = must(
                p.cache
                    .groups(None, None)?
                    .into_iter()
                    .find(|g| &g.group.id == group_id),
                &format!("Group {group_id}"),
            )?;
            let action = if *add {
                AuditAction::GroupAddMembers
            } else {
                AuditAction::GroupRemoveMembers
            };
            let mut plan = p.simple(action, RecordKind::Group, group_id, g.group.name);
            plan.group_kind = Some(g.group.kind);
            Ok(plan)
        }
        other => Err(ActionError::Invalid(format!("{other:?} is not a change to a group."))),
    }
}

/// Giving a person direct access to an app, or taking it away.
fn plan_app_access(p: &Planner<'_>, app_id: &str, user_id: &str, grant: bool) -> Result<ActionPlan, ActionError> {
    p.allowed(p.access.groups, "change application access")?;
    let app = must(
        p.cache.apps()?.into_iter().find(|a| a.app.id == app_id),
        &format!("App {app_id}"),
    )?;
    let u = p.user(user_id)?;
    let name = if app.app.label.is_empty() {
        app.app.name
    } else {
        app.app.label
    };
    let action = if grant {
        AuditAction::AppGrant
    } else {
        AuditAction::AppRevoke
    };
    Ok(p.simple(
        action,
        RecordKind::User,
        user_id,
        format!("{} ↔ {name}", user_label(&u)),
    ))
}

/// Binding a person to a device, or unbinding them.
fn plan_bind(p: &Planner<'_>, system_id: &str, user_id: &str, bind: bool) -> Result<ActionPlan, ActionError> {
    p.allowed(p.access.groups, "bind users to devices")?;
    let d = must(p.cache.system_detail(system_id)?, &format!("Device {system_id}"))?;
    let u = p.user(user_id)?;
    let action = if bind {
        AuditAction::DeviceBindUser
    } else {
        AuditAction::DeviceUnbindUser
    };
    let label = format!("{} ↔ {}", d.system.hostname, user_label(&u));
    Ok(p.simple(action, RecordKind::System, system_id, label))
}

/// A device command (lock, wipe, restart, shut down): offered only where JumpCloud would send
/// it, confirmed natively naming the device, with a PIN for a macOS lock or erase.
fn plan_device(p: &Planner<'_>, cmd: DeviceCommand, system_id: &str) -> Result<ActionPlan, ActionError> {
    p.allowed(p.access.device_commands, "lock, wipe, restart or shut down devices")?;
    let d = must(p.cache.system_detail(system_id)?, &format!("Device {system_id}"))?;
    let s = &d.system;
    let route = device_route(cmd, s).map_err(|why| ActionError::Unavailable(why.to_string()))?;
    if let ActionRequest::DeviceWipe { typed_hostname, .. } = p.request {
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
    Ok(ActionPlan {
        request: p.request.clone(),
        action: cmd.audit_action(),
        target_kind: RecordKind::System,
        target_id: system_id.to_string(),
        target_label: format!("{} ({}, {})", s.hostname, os_name(s), owner),
        confirm: Some(device_confirmation(cmd, s, &owner, pin.as_deref(), route)),
        pin,
        route: Some(route),
        group_kind: None,
        mdm_device_id: s.mdm_device_id.clone(),
    })
}

/// The native confirmation of a device command: the exact target, the PIN to record, what
/// cannot be undone.
fn device_confirmation(
    cmd: DeviceCommand,
    s: &SystemRow,
    owner: &str,
    pin: Option<&str>,
    route: Route,
) -> Confirmation {
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
    match (pin, cmd) {
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
    Confirmation {
        title: title.into(),
        message,
        ok_label: ok.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_six_digits() {
        let pins: std::collections::BTreeSet<String> = (0..50).map(|_| pin6().unwrap()).collect();
        for p in &pins {
            assert!(p.len() == 6 && p.chars().all(|c| c.is_ascii_digit()), "{p}");
        }
        assert!(pins.len() > 45, "random, not repeated: {pins:?}");
    }
}

//! Checking an action against the cache and the admin's role, without the network: the
//! target is found, the action is offered for it, and its native confirmation is written.

use super::rules::{device_route, os_name, Route};
use super::{must, user_label, ActionError, ActionPlan, ActionRequest, Confirmation, DeviceCommand};
use crate::access::Access;
use rollcall_cache::{Cache, RecordKind, UserRow};

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
    let simple = |action: &str, kind: RecordKind, id: &str, label: String| ActionPlan {
        request: request.clone(),
        action: action.into(),
        target_kind: kind,
        target_id: id.into(),
        target_label: label,
        confirm: None,
        pin: None,
        route: None,
        group_kind: None,
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
                RecordKind::User,
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
            simple("user.update", RecordKind::User, user_id, user_label(&user(user_id)?))
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
            simple("user.suspend", RecordKind::User, user_id, user_label(&u))
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
            simple("user.activate", RecordKind::User, user_id, user_label(&u))
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
            simple("user.unlock", RecordKind::User, user_id, user_label(&u))
        }
        R::UserResetMfa { user_id } => {
            refuse(access.user_edit, "reset MFA")?;
            simple("user.reset_mfa", RecordKind::User, user_id, user_label(&user(user_id)?))
        }
        R::UserExpirePassword { user_id } => {
            refuse(access.user_edit, "expire passwords")?;
            simple(
                "user.expire_password",
                RecordKind::User,
                user_id,
                user_label(&user(user_id)?),
            )
        }
        R::UserResendEmail { user_id } => {
            refuse(access.user_edit, "send activation or reset emails")?;
            simple(
                "user.resend_email",
                RecordKind::User,
                user_id,
                user_label(&user(user_id)?),
            )
        }
        R::UserDelete { user_id } => {
            refuse(access.user_delete, "delete users")?;
            let d = must(cache.user_detail(user_id)?, &format!("User {user_id}"))?;
            let label = user_label(&d.user);
            let mut p = simple("user.delete", RecordKind::User, user_id, label.clone());
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
        R::GroupCreate { name, .. } => {
            refuse(access.groups, "create groups")?;
            if name.trim().is_empty() {
                return Err(ActionError::Invalid("A group needs a name.".into()));
            }
            simple("group.create", RecordKind::Group, "", name.trim().to_string())
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
                cache.groups(None, None)?.into_iter().find(|g| &g.group.id == group_id),
                &format!("Group {group_id}"),
            )?;
            let mut p = simple(
                if *add {
                    "group.add_members"
                } else {
                    "group.remove_members"
                },
                RecordKind::Group,
                group_id,
                g.group.name,
            );
            p.group_kind = Some(g.group.kind);
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
                RecordKind::User,
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
                RecordKind::System,
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
                target_kind: RecordKind::System,
                target_id: system_id.clone(),
                target_label: format!("{} ({}, {})", s.hostname, os_name(s), owner),
                confirm: Some(Confirmation {
                    title: title.into(),
                    message,
                    ok_label: ok.into(),
                }),
                pin,
                route: Some(route),
                group_kind: None,
                mdm_device_id: s.mdm_device_id.clone(),
            }
        }
    };
    Ok(p)
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

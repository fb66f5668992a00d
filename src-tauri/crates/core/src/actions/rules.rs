//! Which action Rollcall offers where (docs/jumpcloud-api.md §4, "Which device action Rollcall
//! offers where"), and the list a panel shows, each enabled or disabled with its reason.

use super::{must, plan, ActionError, ActionRequest, DeviceCommand};
use crate::access::Access;
use rollcall_cache::{Cache, OsFamily, RecordKind, SystemRow};
use serde::Serialize;

/// How a device command reaches the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Route {
    /// The JumpCloud agent's builtin command (Linux, Windows).
    Agent,
    /// Apple MDM; `pin` when macOS needs a 6-digit PIN (lock, erase).
    AppleMdm { pin: bool },
}

pub(super) fn os_name(s: &SystemRow) -> String {
    if s.os.is_empty() {
        s.os_family.label()
    } else {
        format!("{} {}", s.os, s.os_version).trim().to_string()
    }
}

/// Why Rollcall does not offer a device command on a device (a closed set: each reason says
/// what to do instead).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotOffered {
    /// A Mac, iPhone or iPad not enrolled in JumpCloud's Apple MDM.
    AppleWithoutMdm(DeviceCommand),
    /// A Windows wipe without MDM enrolment or BitLocker.
    WindowsWipeNeeds { mdm: bool, bitlocker: bool },
    /// Linux has no managed wipe.
    LinuxWipe,
    /// Android is managed through Google EMM.
    Android,
    /// JumpCloud does not say which operating system the device runs.
    UnknownOs(DeviceCommand),
    /// An operating system Rollcall does not know.
    OtherOs(DeviceCommand, String),
}

impl std::fmt::Display for NotOffered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotOffered::AppleWithoutMdm(cmd) => write!(
                f,
                "Apple devices can only be {} through JumpCloud's Apple MDM, and this one is not enrolled. Enrol it in MDM first.",
                cmd.past_participle()
            ),
            NotOffered::WindowsWipeNeeds { mdm, bitlocker } => {
                let mut missing = vec![];
                if !mdm {
                    missing.push("it is not enrolled in JumpCloud MDM");
                }
                if !bitlocker {
                    missing.push("BitLocker is off");
                }
                write!(
                    f,
                    "A Windows wipe needs JumpCloud MDM enrolment and BitLocker on; {}.",
                    missing.join(" and ")
                )
            }
            NotOffered::LinuxWipe => f.write_str("Linux systems have no managed wipe; handle it manually."),
            NotOffered::Android => f.write_str("Android devices are managed through Google EMM, which Rollcall does not support yet; use the JumpCloud console."),
            NotOffered::UnknownOs(cmd) => write!(
                f,
                "JumpCloud does not say which operating system this device runs, so Rollcall cannot tell how to {} it; use the JumpCloud console.",
                cmd.verb()
            ),
            NotOffered::OtherOs(cmd, other) => write!(
                f,
                "Rollcall does not know how to {} a device running \"{other}\"; use the JumpCloud console.",
                cmd.verb()
            ),
        }
    }
}

/// Where Rollcall offers a device command (docs/jumpcloud-api.md §4, "Which device action
/// Rollcall offers where"), or why it does not.
pub fn device_route(cmd: DeviceCommand, s: &SystemRow) -> Result<Route, NotOffered> {
    let mdm = s.mdm_enrolled && !s.mdm_device_id.is_empty();
    match &s.os_family {
        OsFamily::Darwin | OsFamily::Ios | OsFamily::Ipados if !mdm => Err(NotOffered::AppleWithoutMdm(cmd)),
        OsFamily::Darwin => Ok(Route::AppleMdm {
            pin: matches!(cmd, DeviceCommand::Lock | DeviceCommand::Wipe),
        }),
        OsFamily::Ios | OsFamily::Ipados => Ok(Route::AppleMdm { pin: false }),
        OsFamily::Windows if cmd == DeviceCommand::Wipe && !(s.mdm_enrolled && s.fde_active) => {
            Err(NotOffered::WindowsWipeNeeds {
                mdm: s.mdm_enrolled,
                bitlocker: s.fde_active,
            })
        }
        OsFamily::Windows => Ok(Route::Agent),
        OsFamily::Linux if cmd == DeviceCommand::Wipe => Err(NotOffered::LinuxWipe),
        OsFamily::Linux => Ok(Route::Agent),
        OsFamily::Android => Err(NotOffered::Android),
        OsFamily::Unknown => Err(NotOffered::UnknownOs(cmd)),
        OsFamily::Other(other) => Err(NotOffered::OtherOs(cmd, other.clone())),
    }
}

/// One action a panel offers, enabled or with the reason it is not.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ActionOption {
    /// The request to send (for a wipe, the UI replaces `typed_hostname` with what was typed).
    pub request: ActionRequest,
    /// What the action is called ("Wipe").
    pub label: String,
    /// The button asks for more before anything is sent (a typed hostname, a confirmation):
    /// shown with an ellipsis ("Wipe…").
    pub asks_more: bool,
    /// Why it is disabled; None when it is available.
    pub reason: Option<String>,
    /// Opens a native confirmation.
    pub confirm: bool,
}

/// The actions offered on a user or a device, each enabled or disabled with its reason.
/// `blocked` (offline, role not known yet) disables all of them.
pub fn options_for(
    cache: &Cache,
    access: &Access,
    blocked: Option<&str>,
    target_kind: RecordKind,
    id: &str,
) -> Result<Vec<ActionOption>, ActionError> {
    use ActionRequest as R;
    let id = id.to_string();
    let candidates: Vec<(R, &str)> = match target_kind {
        RecordKind::System => {
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
                    "Wipe",
                ),
            ]
        }
        RecordKind::User => vec![
            (R::UserSuspend { user_id: id.clone() }, "Suspend"),
            (R::UserActivate { user_id: id.clone() }, "Activate"),
            (R::UserUnlock { user_id: id.clone() }, "Unlock"),
            (R::UserResetMfa { user_id: id.clone() }, "Reset MFA"),
            (R::UserExpirePassword { user_id: id.clone() }, "Expire password"),
            (R::UserResendEmail { user_id: id.clone() }, "Send reset email"),
            (R::UserDelete { user_id: id.clone() }, "Delete"),
        ],
        other => {
            return Err(ActionError::Invalid(format!(
                "Rollcall offers actions on people and devices, not on a {other}."
            )))
        }
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
            asks_more: matches!(request, R::DeviceWipe { .. } | R::UserDelete { .. }),
            request,
            label: label.into(),
            reason: blocked.map(String::from).or(reason),
            confirm,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sys(os_family: &str, mdm: bool, fde: bool) -> SystemRow {
        SystemRow {
            id: "s1".into(),
            hostname: "host-1".into(),
            os_family: OsFamily::parse(os_family),
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
            .to_string()
            .contains("not enrolled"));
        assert_eq!(
            device_route(Lock, &sys("ios", true, false)),
            Ok(Route::AppleMdm { pin: false })
        );
        // An iPad is an Apple mobile device like an iPhone: Apple MDM, no PIN.
        assert_eq!(
            device_route(Lock, &sys("ipados", true, false)),
            Ok(Route::AppleMdm { pin: false })
        );
        assert!(device_route(Wipe, &sys("ipados", false, false))
            .unwrap_err()
            .to_string()
            .contains("not enrolled"));
        assert!(device_route(Lock, &sys("", true, true))
            .unwrap_err()
            .to_string()
            .contains("does not say which operating system"));
        assert_eq!(device_route(Lock, &sys("windows", false, false)), Ok(Route::Agent));
        assert_eq!(device_route(Wipe, &sys("windows", true, true)), Ok(Route::Agent));
        let w = device_route(Wipe, &sys("windows", false, false))
            .unwrap_err()
            .to_string();
        assert!(w.contains("not enrolled") && w.contains("BitLocker is off"), "{w}");
        assert!(device_route(Wipe, &sys("windows", true, false))
            .unwrap_err()
            .to_string()
            .contains("BitLocker"));
        assert_eq!(device_route(Shutdown, &sys("linux", false, false)), Ok(Route::Agent));
        assert_eq!(
            device_route(Wipe, &sys("linux", false, true)),
            Err(NotOffered::LinuxWipe)
        );
        assert!(device_route(Lock, &sys("android", false, false))
            .unwrap_err()
            .to_string()
            .contains("Google EMM"));
    }
}

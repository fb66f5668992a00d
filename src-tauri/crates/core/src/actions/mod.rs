//! Actions on users, groups and devices, each with its audit trail: what can be asked
//! (here), which actions are offered where (`rules`), checking one against the cache and the
//! admin's role (`plan`) and sending it with its audit rows (`execute`).
//!
//! An action goes through two steps. `plan` (no network) resolves the target from the cache,
//! checks that the action is offered for it (docs/jumpcloud-api.md §4 and the admin's role), and
//! builds the confirmation the shell shows in a native dialog. `execute` records the intent,
//! sends the one request, records the outcome and writes the change into the cache. A request
//! that must not be repeated is sent at most once; a lost answer is "outcome unknown".

mod execute;
mod plan;
mod rules;

pub use execute::{execute, perform};
pub use plan::plan;
pub use rules::{device_route, options_for, ActionOption, NotOffered, Route};

use jumpcloud::Error;
use rollcall_cache::{AuditAction, CacheError, GroupKind, RecordKind, UserRow};
use serde::{Deserialize, Serialize};
use serde_json::Value;

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
    /// Suspends the person at `at` (RFC 3339, UTC): JumpCloud's scheduled state change.
    UserScheduleSuspend {
        user_id: String,
        at: String,
    },
    /// Cancels a pending scheduled state change (its job id).
    UserCancelScheduled {
        user_id: String,
        job_id: String,
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
    GroupCreate {
        group_kind: GroupKind,
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
    /// Gives or takes a bound user's administrator (sudo) rights on a device; the binding stays.
    DeviceSudo {
        system_id: String,
        user_id: String,
        sudo: bool,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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

    /// The audit trail's name of the command.
    pub fn audit_action(self) -> AuditAction {
        match self {
            Self::Lock => AuditAction::DeviceLock,
            Self::Wipe => AuditAction::DeviceWipe,
            Self::Restart => AuditAction::DeviceRestart,
            Self::Shutdown => AuditAction::DeviceShutdown,
        }
    }

    fn past_participle(self) -> &'static str {
        match self {
            Self::Lock => "locked",
            Self::Wipe => "wiped",
            Self::Restart => "restarted",
            Self::Shutdown => "shut down",
        }
    }
}

/// A native confirmation the shell must show (and the admin accept) before `execute`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Confirmation {
    pub title: String,
    pub message: String,
    pub ok_label: String,
}

impl Confirmation {
    /// The confirmation as shown before anything is sent to JumpCloud: its title ends with
    /// the organisation's name and its message starts with the organisation, so that an admin
    /// with many orgs open in one window always sees which one a change goes to.
    pub fn in_org(&self, org: &crate::session::OrgEntry) -> Confirmation {
        let title = if self.title.ends_with(&org.name) {
            self.title.clone()
        } else {
            format!("{} — {}", self.title, org.name)
        };
        Confirmation {
            title,
            message: format!("Organisation: {} ({})\n\n{}", org.name, org.id, self.message),
            ok_label: self.ok_label.clone(),
        }
    }
}

/// A checked action, ready to confirm and send.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionPlan {
    pub request: ActionRequest,
    /// Stable name for the audit trail, e.g. `device.lock`.
    pub action: AuditAction,
    pub target_kind: RecordKind,
    pub target_id: String,
    pub target_label: String,
    pub confirm: Option<Confirmation>,
    /// The 6-digit PIN for a macOS lock or erase, shown to the admin to record.
    pub pin: Option<String>,
    route: Option<Route>,
    /// The group's kind, for membership changes.
    group_kind: Option<GroupKind>,
    /// The Apple MDM device id, for MDM commands.
    mdm_device_id: String,
}

impl ActionPlan {
    /// What of the org's file an action of this plan changes, for the views to follow it.
    pub fn changes(&self) -> Vec<crate::session::DataKind> {
        use crate::session::DataKind as K;
        match self.target_kind {
            RecordKind::User => vec![K::Users, K::Groups, K::Audit],
            RecordKind::Group | RecordKind::App => vec![K::Groups, K::Users, K::Systems, K::Audit],
            RecordKind::System => vec![K::Systems, K::Audit],
        }
    }

    /// The kind of the group whose members this plan changes.
    pub(crate) fn member_group_kind(&self) -> Result<GroupKind, ActionError> {
        self.group_kind
            .ok_or_else(|| ActionError::Invalid(format!("{} does not change a group's members.", self.action)))
    }
}

/// Whether an action did all it was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    Done,
    Failed,
}

/// How an action ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ActionOutcome {
    /// Failed when any member of a bulk membership change was not done (each is named).
    pub status: ActionStatus,
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

pub(crate) fn must<T>(v: Option<T>, what: &str) -> Result<T, ActionError> {
    v.ok_or_else(|| ActionError::UnknownTarget(what.to_string()))
}

/// Who acts and for which run (checklists), for the audit trail.
#[derive(Debug, Clone)]
pub struct Actor {
    pub org_id: String,
    pub operator: String,
    pub run_id: Option<String>,
}

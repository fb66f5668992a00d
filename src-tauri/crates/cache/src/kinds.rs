//! Closed sets that are stored as text in the org's file and cross to the front end as
//! string-literal unions: checklist step kinds and states, run statuses, template bases. Each
//! is an enum; its text is fixed forever (old files and exported templates hold it). Also the
//! status of an audited action, the kind of a record and of a group, a sync's status.
//!
//! Sets JumpCloud owns (a person's state, a device's OS family) are open: JumpCloud may send a
//! value this version does not know, which is kept as it came (`Other`) and shown as it is.
//! Each set's label — the words the screens, the agenda and the documents print — is written
//! here, once, beside the set.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

/// Declares an enum stored as text: `as_str`, `parse`, `ALL`, Display, serde and SQLite.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The text stored and sent for this value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The value written `text`, if there is one.
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let text = value.as_str()?;
                $name::parse(text).ok_or_else(|| {
                    FromSqlError::Other(format!("\"{text}\" is not a {}", stringify!($name)).into())
                })
            }
        }
    };
}
pub(crate) use text_enum;

text_enum!(
    /// Where a review's agenda item comes from.
    AgendaKind {
        /// A posture check that fails.
        Check => "check",
        /// A change since the last review.
        Change => "change",
        /// A follow-up an earlier review left open.
        FollowUp => "follow_up",
    }
);

text_enum!(
    /// What a review meeting decided about an agenda item.
    Decision {
        Accepted => "accepted",
        /// Fixed during the meeting with the normal actions (their confirmations and audit).
        FixNow => "fix_now",
        /// To be done by an owner by a due date; carried to the next review.
        FollowUp => "follow_up",
    }
);

text_enum!(
    /// What a checklist step does.
    StepKind {
        /// Record what the person holds now (groups, apps, devices).
        Capture => "capture",
        RemoveGroups => "remove_groups",
        RemoveApps => "remove_apps",
        ResetMfa => "reset_mfa",
        ExpirePassword => "expire_password",
        Suspend => "suspend",
        LockDevices => "lock_devices",
        WipeDevices => "wipe_devices",
        CreateUser => "create_user",
        AddGroups => "add_groups",
        ActivationEmail => "activation_email",
        BindDevice => "bind_device",
        GrantGroup => "grant_group",
        ResetPassword => "reset_password",
        /// Who verified the person's identity, and how.
        Verify => "verify",
        /// Who approved, and the ticket.
        Approval => "approval",
        /// Done by hand; a note says who did what.
        Manual => "manual",
        Instructions => "instructions",
        Evidence => "evidence",
    }
);

text_enum!(
    /// Where a checklist step stands.
    StepState {
        Pending => "pending",
        /// Being sent now (or Rollcall stopped while it was: settled to `unknown` on open).
        Running => "running",
        Done => "done",
        Failed => "failed",
        Skipped => "skipped",
        /// A request got no answer: check in JumpCloud before retrying.
        Unknown => "unknown",
        /// JumpCloud will make the change at a date (a scheduled suspension); verified once it
        /// has.
        Scheduled => "scheduled",
    }
);

text_enum!(
    /// Where a checklist run stands.
    RunStatus {
        Active => "active",
        Finished => "finished",
        Abandoned => "abandoned",
    }
);

text_enum!(
    /// What a checklist template is for; decides which step kinds it may hold.
    TemplateBase {
        Offboarding => "offboarding",
        Onboarding => "onboarding",
        AccessRequest => "access_request",
        PasswordReset => "password_reset",
        MfaReset => "mfa_reset",
    }
);

text_enum!(
    /// Where an audited action stands: `pending` between the intent and JumpCloud's answer.
    AuditStatus {
        Pending => "pending",
        Done => "done",
        Failed => "failed",
        /// No answer came (or Rollcall stopped): check in JumpCloud before retrying.
        Unknown => "unknown",
    }
);

text_enum!(
    /// How far the org's local copy is.
    SnapshotState {
        /// A full sync finished.
        Complete => "complete",
        /// The first import has not finished (what is there is browsable).
        Partial => "partial",
        Empty => "empty",
    }
);

text_enum!(
    /// What kind of record something is: a search hit, the target of an audited action.
    RecordKind {
        User => "user",
        /// A device (JumpCloud's API calls them systems).
        System => "system",
        Group => "group",
        App => "app",
    }
);

text_enum!(
    /// Which members a group holds: people (a user group) or devices (a device group).
    GroupKind {
        User => "user",
        System => "system",
    }
);

/// Declares an open set JumpCloud owns: each known value with the text JumpCloud sends (and
/// SQLite stores), its name across IPC (the same text, but a name for JumpCloud's empty
/// value) and its label for people; anything else kept as it came in `Other` (sent as
/// `{"other": text}`). Reads back from SQLite (the stored text) and from JSON (the name, the
/// stored text, or the `{"other": …}` form).
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident (default $default:ident) { $($(#[$vmeta:meta])* $variant:ident => ($text:literal, $wire:literal, $label:literal),)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $wire)] $variant,)+
            /// A value this version of Rollcall does not know, kept as JumpCloud sent it.
            #[serde(rename = "other")]
            Other(String),
        }

        impl $name {
            /// The known values.
            pub const KNOWN: &'static [$name] = &[$($name::$variant,)+];

            /// The text stored (and sent by JumpCloud) for this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Other(s) => s,
                }
            }

            /// The value JumpCloud wrote as `text` (unknown text is kept as `Other`).
            pub fn parse(text: &str) -> Self {
                match text {
                    $($text => $name::$variant,)+
                    other => $name::Other(other.to_string()),
                }
            }

            /// How people name it: the screens, the agenda and the documents print this.
            pub fn label(&self) -> String {
                match self {
                    $($name::$variant => $label.to_string(),)+
                    $name::Other(s) => s.clone(),
                }
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::$default
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                Ok($name::parse(value.as_str()?))
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                #[derive(serde::Deserialize)]
                #[serde(untagged)]
                enum Wire {
                    Text(String),
                    Other { other: String },
                }
                Ok(match Wire::deserialize(d)? {
                    $(Wire::Text(t) if t == $wire => $name::$variant,)+
                    Wire::Text(t) => $name::parse(&t),
                    Wire::Other { other } => $name::Other(other),
                })
            }
        }
    };
}

open_enum!(
    /// A person's state in JumpCloud (`state`).
    UserState (default Activated) {
        Activated => ("ACTIVATED", "ACTIVATED", "Active"),
        Staged => ("STAGED", "STAGED", "Staged"),
        Suspended => ("SUSPENDED", "SUSPENDED", "Suspended"),
    }
);

open_enum!(
    /// A device's operating-system family (JumpCloud's `osFamily`); `Unknown` when the device
    /// did not say. The one list of families: the device-action rules, the catalogue, the
    /// posture, the documents and the screens all read it.
    OsFamily (default Unknown) {
        Darwin => ("darwin", "darwin", "macOS"),
        Windows => ("windows", "windows", "Windows"),
        Linux => ("linux", "linux", "Linux"),
        Ios => ("ios", "ios", "iOS"),
        Ipados => ("ipados", "ipados", "iPadOS"),
        Android => ("android", "android", "Android"),
        Unknown => ("", "unknown", "Unknown"),
    }
);

open_enum!(
    /// Where a person's MFA enrolment stands (JumpCloud's `mfaEnrollment.overallStatus`).
    MfaStatus (default Unknown) {
        NotEnrolled => ("NOT_ENROLLED", "NOT_ENROLLED", "Not enrolled"),
        Disabled => ("DISABLED", "DISABLED", "Disabled"),
        PendingActivation => ("PENDING_ACTIVATION", "PENDING_ACTIVATION", "Pending activation"),
        EnrollmentExpired => ("ENROLLMENT_EXPIRED", "ENROLLMENT_EXPIRED", "Enrolment expired"),
        InEnrollment => ("IN_ENROLLMENT", "IN_ENROLLMENT", "Enrolling"),
        PreEnrollment => ("PRE_ENROLLMENT", "PRE_ENROLLMENT", "Before enrolment"),
        Enrolled => ("ENROLLED", "ENROLLED", "Enrolled"),
        Unknown => ("", "unknown", "Unknown"),
    }
);

impl OsFamily {
    /// An Apple mobile device (iPhone or iPad): managed through Apple MDM only.
    pub fn is_apple_mobile(&self) -> bool {
        matches!(self, OsFamily::Ios | OsFamily::Ipados)
    }
}

text_enum!(
    /// How a sync ended (or that it is running).
    SyncStatus {
        Running => "running",
        Complete => "complete",
        Failed => "failed",
        Cancelled => "cancelled",
    }
);

text_enum!(
    /// What an audited action did: the audit trail's `action`, stable forever.
    AuditAction {
        UserCreate => "user.create",
        UserUpdate => "user.update",
        UserSuspend => "user.suspend",
        /// A suspension JumpCloud makes at a date (`/api/v2/bulk/userstates`).
        UserScheduleSuspend => "user.schedule_suspend",
        UserCancelScheduled => "user.cancel_scheduled",
        UserActivate => "user.activate",
        UserUnlock => "user.unlock",
        UserResetMfa => "user.reset_mfa",
        UserExpirePassword => "user.expire_password",
        UserResendEmail => "user.resend_email",
        UserDelete => "user.delete",
        GroupCreate => "group.create",
        GroupAddMembers => "group.add_members",
        GroupRemoveMembers => "group.remove_members",
        AppGrant => "app.grant",
        AppRevoke => "app.revoke",
        DeviceBindUser => "device.bind_user",
        DeviceUnbindUser => "device.unbind_user",
        /// Administrator (sudo) rights on a device given or taken, the binding kept.
        DeviceSetSudo => "device.set_sudo",
        DeviceLock => "device.lock",
        DeviceWipe => "device.wipe",
        DeviceRestart => "device.restart",
        DeviceShutdown => "device.shutdown",
        /// A call that changes something, made through the API console.
        ApiCall => "api.call",
    }
);

text_enum!(
    /// What an edge of the history joins (`a` → `b`): the kinds of association a diff lists.
    EdgeKind {
        /// A person in a user group, or a device in a device group (group → member).
        Member => "member",
        /// A person bound to a device (device → person).
        Binding => "binding",
        /// A person reaching an app (app → person).
        AppUser => "app_user",
        /// A user group assigned to an app (app → group).
        AppGroup => "app_group",
        /// A user group bound to a device (group → device).
        GroupDevice => "group_device",
        /// A user group bound to a device group (group → device group).
        GroupDeviceGroup => "group_device_group",
    }
);

text_enum!(
    /// A posture check a review's agenda can carry (a failed check is an agenda item).
    PostureCheck {
        AdminsWithoutMfa => "admins_without_mfa",
        MfaAdoption => "mfa_adoption",
        SuspendedWithAccess => "suspended_with_access",
        NotEncrypted => "not_encrypted",
        OwnedBySuspended => "owned_by_suspended",
        Locked => "locked",
        PasswordExpired => "password_expired",
        StagedOld => "staged_old",
        Silent => "silent",
        Behind => "behind",
        LowDisk => "low_disk",
        Inactive => "inactive",
    }
);

text_enum!(
    /// How a record differs between two syncs.
    ChangeKind {
        Added => "added",
        Removed => "removed",
        Changed => "changed",
    }
);

impl ChangeKind {
    /// How the change lists tag it.
    pub fn label(self) -> &'static str {
        self.as_str()
    }
}

impl AuditStatus {
    /// How the Activity list says it.
    pub fn label(self) -> &'static str {
        match self {
            AuditStatus::Pending => "pending",
            AuditStatus::Done => "done",
            AuditStatus::Failed => "failed",
            AuditStatus::Unknown => "outcome unknown",
        }
    }
}

impl EdgeKind {
    /// How the change lists name a kind of association.
    pub fn label(self) -> &'static str {
        match self {
            EdgeKind::Member => "Group memberships",
            EdgeKind::Binding => "Device bindings",
            EdgeKind::AppUser => "App access",
            EdgeKind::AppGroup => "Apps' groups",
            EdgeKind::GroupDevice => "User groups bound to devices",
            EdgeKind::GroupDeviceGroup => "User groups bound to device groups",
        }
    }
}

impl RecordKind {
    /// How the change lists name records of a kind.
    pub fn plural_label(self) -> &'static str {
        match self {
            RecordKind::User => "People",
            RecordKind::System => "Devices",
            RecordKind::Group => "Groups",
            RecordKind::App => "Apps",
        }
    }
}

impl Decision {
    /// How the agenda, the pack and the screens name it (the screens capitalise it).
    pub fn label(self) -> &'static str {
        match self {
            Decision::Accepted => "accepted",
            Decision::FixNow => "fix now",
            Decision::FollowUp => "follow-up",
        }
    }

    /// The label of an item's decision, or of none yet.
    pub fn label_of(d: Option<Decision>) -> &'static str {
        d.map_or("undecided", Decision::label)
    }
}

impl AgendaKind {
    /// Where an agenda item comes from, as the pack and the screens name it.
    pub fn label(self) -> &'static str {
        match self {
            AgendaKind::Check => "failed check",
            AgendaKind::Change => "change",
            AgendaKind::FollowUp => "open follow-up",
        }
    }
}

impl SnapshotState {
    /// The state of a mirror that has (or not) a complete sync and any users or devices.
    pub fn of(complete: bool, any_rows: bool) -> Self {
        if complete {
            SnapshotState::Complete
        } else if any_rows {
            SnapshotState::Partial
        } else {
            SnapshotState::Empty
        }
    }
}

impl GroupKind {
    /// The kind of record a member of such a group is.
    pub fn member(self) -> RecordKind {
        match self {
            GroupKind::User => RecordKind::User,
            GroupKind::System => RecordKind::System,
        }
    }

    /// The group's word in the Admin Portal and in messages.
    pub fn noun(self) -> &'static str {
        match self {
            GroupKind::User => "user group",
            GroupKind::System => "device group",
        }
    }
}

impl StepKind {
    /// Steps that hold back every later step until recorded.
    pub fn is_gate(self) -> bool {
        matches!(self, StepKind::Approval | StepKind::Verify)
    }
}

impl StepState {
    /// Finished one way or another: done or skipped.
    pub fn is_closed(self) -> bool {
        matches!(self, StepState::Done | StepState::Skipped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips_and_matches_serde() {
        for k in StepKind::ALL {
            assert_eq!(StepKind::parse(k.as_str()), Some(*k));
            assert_eq!(serde_json::to_value(k).unwrap(), serde_json::json!(k.as_str()));
        }
        assert_eq!(StepKind::parse("wipe"), None);
        assert_eq!(
            serde_json::from_str::<TemplateBase>("\"access_request\"").unwrap(),
            TemplateBase::AccessRequest
        );
    }
}

//! Closed sets that are stored as text in the org's file and cross to the front end as
//! string-literal unions: checklist step kinds and states, run statuses, template bases. Each
//! is an enum; its text is fixed forever (old files and exported templates hold it). Also the
//! status of an audited action, the kind of a record and of a group.

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

//! The closed sets of access reviews, each with the words the screens and the evidence print.

use crate::kinds::text_enum;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

text_enum!(
    /// What kind of access a campaign row is.
    GrantKind {
        /// A member of a user group.
        GroupMember => "group_member",
        /// Reaches an SSO application (directly or through a user group).
        AppAccess => "app_access",
        /// Reaches a device (bound directly or through groups), with or without admin rights.
        DeviceAccess => "device_access",
        /// An administrator of the JumpCloud console, with their role.
        ConsoleAdmin => "console_admin",
        /// Time-limited access given by a Rollcall access request.
        TimedGrant => "timed_grant",
    }
);

text_enum!(
    /// A reviewer's decision on a row.
    CertDecision {
        Keep => "keep",
        Revoke => "revoke",
        /// Not decided now: an owner decides by a due date.
        Defer => "defer",
        /// Keep the access, drop the administrator (sudo) rights on the device.
        DropAdmin => "drop_admin",
    }
);

text_enum!(
    /// Why a row deserves a look; each carries the fact behind it.
    CertFlag {
        /// Not in the last campaign on the same scope.
        New => "new",
        Suspended => "suspended",
        Staged => "staged",
        /// No login in the days the copy holds (Directory Insights).
        NoRecentLogin => "no_recent_login",
        /// Reached through a user group, not directly.
        ThroughGroup => "through_group",
        /// Administrator rights: sudo on a device, or a console administrator.
        Privileged => "privileged",
        AdminWithoutMfa => "admin_without_mfa",
        NoManager => "no_manager",
        ManagerSuspended => "manager_suspended",
        /// The email is outside the org's domains.
        OutsideDomain => "outside_domain",
        /// The device has not checked in for the silent-device threshold.
        DeviceSilent => "device_silent",
        /// Given by an access request.
        FromAccessRequest => "from_access_request",
        /// The only reviewer is the person the row is about.
        SelfReview => "self_review",
    }
);

text_enum!(
    /// Where a revocation stands.
    RemedyState {
        /// Revoked; nothing sent yet.
        Pending => "pending",
        /// The request was sent (written before it leaves); the check afterwards has not
        /// confirmed it gone.
        Sent => "sent",
        /// A read of JumpCloud afterwards shows the access gone.
        Verified => "verified",
        /// Refused, or still present afterwards.
        Failed => "failed",
        /// The API cannot remove it: an admin must, and confirm it.
        Manual => "manual",
        /// An admin confirmed they removed it by hand.
        ManualConfirmed => "manual_confirmed",
    }
);

text_enum!(
    /// Where a campaign's scheduled suspension stands.
    SuspensionState {
        /// JumpCloud holds the job; the date has not come (or not been checked since).
        Scheduled => "scheduled",
        /// A read of JumpCloud showed the person suspended.
        Verified => "verified",
        /// Cancelled from Rollcall before its date.
        Cancelled => "cancelled",
        /// The job is gone and the person is not suspended (cancelled outside Rollcall).
        Lost => "lost",
    }
);

text_enum!(
    /// Who reviews a campaign's rows.
    ReviewerMode {
        /// The admin preparing it.
        Admin => "admin",
        /// Each person's manager (JumpCloud's `manager`).
        Manager => "manager",
        /// The owner named for each group or app.
        Owner => "owner",
    }
);

text_enum!(
    /// Which device access a campaign covers.
    #[derive(Default)]
    DeviceScope {
        #[default]
        None => "none",
        /// Only people with administrator (sudo) rights on a device.
        Admins => "admins",
        /// Everyone who reaches a device.
        All => "all",
    }
);

impl GrantKind {
    /// How the screens and the evidence name it (the screens capitalise it).
    pub fn label(self) -> &'static str {
        match self {
            GrantKind::GroupMember => "group member",
            GrantKind::AppAccess => "app access",
            GrantKind::DeviceAccess => "device access",
            GrantKind::ConsoleAdmin => "console administrator",
            GrantKind::TimedGrant => "time-limited grant",
        }
    }
}

impl CertDecision {
    pub fn label(self) -> &'static str {
        match self {
            CertDecision::Keep => "keep",
            CertDecision::Revoke => "revoke",
            CertDecision::Defer => "defer",
            CertDecision::DropAdmin => "drop admin rights",
        }
    }

    /// The label of a row's decision, or of none yet.
    pub fn label_of(d: Option<CertDecision>) -> &'static str {
        d.map_or("undecided", CertDecision::label)
    }
}

impl CertFlag {
    pub fn label(self) -> &'static str {
        match self {
            CertFlag::New => "new since last review",
            CertFlag::Suspended => "suspended",
            CertFlag::Staged => "staged",
            CertFlag::NoRecentLogin => "no recent login",
            CertFlag::ThroughGroup => "through a group",
            CertFlag::Privileged => "privileged",
            CertFlag::AdminWithoutMfa => "admin without MFA",
            CertFlag::NoManager => "no manager",
            CertFlag::ManagerSuspended => "manager suspended",
            CertFlag::OutsideDomain => "outside the org's domains",
            CertFlag::DeviceSilent => "device silent",
            CertFlag::FromAccessRequest => "from an access request",
            CertFlag::SelfReview => "own access",
        }
    }
}

impl RemedyState {
    pub fn label(self) -> &'static str {
        match self {
            RemedyState::Pending => "to remove",
            RemedyState::Sent => "sent, not verified",
            RemedyState::Verified => "verified removed",
            RemedyState::Failed => "failed",
            RemedyState::Manual => "manual removal needed",
            RemedyState::ManualConfirmed => "removed by hand (confirmed)",
        }
    }
}

impl ReviewerMode {
    pub fn label(self) -> &'static str {
        match self {
            ReviewerMode::Admin => "the admin",
            ReviewerMode::Manager => "each person's manager",
            ReviewerMode::Owner => "each group's or app's owner",
        }
    }
}

impl DeviceScope {
    pub fn label(self) -> &'static str {
        match self {
            DeviceScope::None => "no devices",
            DeviceScope::Admins => "device administrators (sudo)",
            DeviceScope::All => "everyone who reaches a device",
        }
    }
}

impl SuspensionState {
    pub fn label(self) -> &'static str {
        match self {
            SuspensionState::Scheduled => "scheduled",
            SuspensionState::Verified => "verified suspended",
            SuspensionState::Cancelled => "cancelled",
            SuspensionState::Lost => "cancelled outside Rollcall",
        }
    }
}

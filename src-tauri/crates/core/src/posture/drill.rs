//! Which list a figure opens, filtered to exactly the rows it counts: the drills of the
//! posture's figures and checks.

use super::{INACTIVE_DAYS, STAGED_DAYS};
use rollcall_cache::{DeviceCheck, OsFamily, PostureCheck, UserCheck, UserState};
use serde::Serialize;

/// Which list a figure opens and how it is filtered: exactly the rows the figure counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "view", rename_all = "snake_case")]
pub enum Drill {
    Users { filter: UserFilter, label: String },
    Devices { filter: DeviceFilter, label: String },
}

/// A Users list filter (empty fields do not filter).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UserFilter {
    pub states: Vec<UserState>,
    pub locked: Option<bool>,
    pub mfa: Option<bool>,
    pub check: Option<UserCheck>,
}

/// A Devices list filter (empty fields do not filter).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeviceFilter {
    pub os: Vec<OsFamily>,
    pub fde: Option<bool>,
    pub mdm: Option<bool>,
    /// Silent for more than this many days (or never seen).
    pub stale_days: Option<u32>,
    pub unbound: Option<bool>,
    pub check: Option<DeviceCheck>,
    /// Only devices running this agent version.
    pub agent_version: Option<String>,
    /// Only devices on this OS version.
    pub os_version: Option<String>,
}

pub(super) fn users(label: &str, filter: UserFilter) -> Option<Drill> {
    Some(Drill::Users {
        filter,
        label: label.into(),
    })
}

pub(super) fn devices(label: &str, filter: DeviceFilter) -> Option<Drill> {
    Some(Drill::Devices {
        filter,
        label: label.into(),
    })
}

/// The list of the rows a check counts, devices silent after `silent_days`.
pub fn check_drill(c: PostureCheck, silent_days: u32) -> Option<Drill> {
    let user_check = |label: &str, c: UserCheck| {
        users(
            label,
            UserFilter {
                check: Some(c),
                ..Default::default()
            },
        )
    };
    let device_check = |label: &str, c: DeviceCheck| {
        devices(
            label,
            DeviceFilter {
                check: Some(c),
                ..Default::default()
            },
        )
    };
    match c {
        PostureCheck::AdminsWithoutMfa => None,
        PostureCheck::MfaAdoption => users(
            "no MFA",
            UserFilter {
                mfa: Some(false),
                states: vec![UserState::Activated],
                ..Default::default()
            },
        ),
        PostureCheck::SuspendedWithAccess => user_check("suspended with access", UserCheck::SuspendedWithAccess),
        PostureCheck::NotEncrypted => devices(
            "not encrypted",
            DeviceFilter {
                fde: Some(false),
                ..Default::default()
            },
        ),
        PostureCheck::OwnedBySuspended => device_check("bound to a suspended person", DeviceCheck::OwnedBySuspended),
        PostureCheck::Locked => users(
            "locked out",
            UserFilter {
                locked: Some(true),
                ..Default::default()
            },
        ),
        PostureCheck::PasswordExpired => user_check("password expired", UserCheck::PasswordExpired),
        PostureCheck::StagedOld => user_check(&format!("staged over {STAGED_DAYS} days"), UserCheck::StagedOld),
        PostureCheck::Silent => devices(
            &format!("silent > {silent_days} days"),
            DeviceFilter {
                stale_days: Some(silent_days),
                ..Default::default()
            },
        ),
        PostureCheck::Behind => device_check("behind the newest version", DeviceCheck::Behind),
        PostureCheck::LowDisk => device_check("low free disk", DeviceCheck::LowDisk),
        PostureCheck::Inactive => user_check(&format!("no login in {INACTIVE_DAYS} days"), UserCheck::Inactive),
    }
}

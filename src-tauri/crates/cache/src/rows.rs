//! The rows the cache keeps, as the sync engine writes them and the UI reads them.

use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub email: String,
    pub firstname: String,
    pub lastname: String,
    pub displayname: String,
    pub department: String,
    pub job_title: String,
    pub employee_type: String,
    pub employee_id: String,
    pub location: String,
    pub company: String,
    pub manager_id: Option<String>,
    pub state: crate::UserState,
    pub locked: bool,
    pub locked_at: Option<String>,
    pub mfa_configured: bool,
    pub mfa_status: crate::MfaStatus,
    pub password_expired: bool,
    pub password_expires_at: Option<String>,
    /// When the password was last set (`password_date`).
    pub password_date: Option<String>,
    /// An administrator (sudo) on every device they are bound to (JumpCloud's `sudo`).
    pub sudo: bool,
    pub created: Option<String>,
    /// The full JumpCloud record (read for a detail, empty in list pages), for Rust's own
    /// use: never sent to the front end.
    #[serde(skip)]
    pub json: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SystemRow {
    pub id: String,
    pub display_name: String,
    pub hostname: String,
    pub serial: String,
    pub os: String,
    pub os_family: crate::OsFamily,
    pub os_version: String,
    pub arch: String,
    pub hw_vendor: String,
    /// From System Insights.
    pub model: String,
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub memory_bytes: Option<i64>,
    pub cpu: String,
    pub fde_active: bool,
    pub fde_key_present: bool,
    /// FileVault / BitLocker / LUKS detail from System Insights.
    pub fde_detail: String,
    pub mdm_vendor: String,
    pub mdm_enrolled: bool,
    /// Apple MDM device id (for MDM lock/erase), when enrolled.
    pub mdm_device_id: String,
    pub last_contact: Option<String>,
    pub active: bool,
    pub agent_version: String,
    pub created: Option<String>,
    /// The full JumpCloud record, for Rust's own use (never sent to the front end).
    #[serde(skip)]
    pub json: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GroupRow {
    pub id: String,
    pub kind: crate::GroupKind,
    pub name: String,
    pub description: String,
    pub email: String,
    /// The full JumpCloud record, for Rust's own use (never sent to the front end).
    #[serde(skip)]
    pub json: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AppRow {
    pub id: String,
    pub name: String,
    pub label: String,
    pub sso_type: String,
    pub active: bool,
    /// The full JumpCloud record, for Rust's own use (never sent to the front end).
    #[serde(skip)]
    pub json: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AdminRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role_name: String,
    pub suspended: bool,
    pub mfa: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RoleRow {
    pub id: String,
    pub name: String,
    pub scopes: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EventRow {
    pub id: String,
    pub at: String,
    pub service: String,
    pub event_type: String,
    pub success: bool,
    pub user_id: String,
    pub username: String,
    pub system_id: String,
    pub app_id: String,
    /// The whole event as JumpCloud sent it, for Rust's own use (never sent to the front end):
    /// written to the archive; empty when read back from the `events` table, which keeps the
    /// columns only.
    #[serde(skip)]
    pub json: String,
}

/// A membership or binding edge.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Edge {
    pub a: String,
    pub b: String,
}

/// Who reaches an app: directly (`via_group` empty) or through a user group.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AppUser {
    pub app_id: String,
    pub user_id: String,
    pub via_group: String,
}

/// A user↔device binding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Binding {
    pub system_id: String,
    pub user_id: String,
    pub sudo: bool,
}

/// FNV-1a, stored as i64, to tell versions of a record apart.
pub fn hash(text: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.as_bytes() {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h as i64
}

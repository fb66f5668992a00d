//! The records the simulator keeps, serialized with JumpCloud's field names (docs/jumpcloud-api.md §1-§7
//! and the published schemas). Optional fields JumpCloud omits when unset are skipped;
//! fields the spec marks nullable are sent as `null`.

mod admin;

pub use admin::*;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A 24-hex-digit MongoDB-style object id, as JumpCloud uses.
pub type Id = String;

/// Makes an object id from a creation time (seconds) and a per-world counter, so ids sort in
/// creation order like real ObjectIds do.
pub fn object_id(created_secs: i64, counter: u64) -> Id {
    format!("{:08x}{:016x}", created_secs.max(0) as u32, counter)
}

/// True for a well-formed object id (24 lowercase or uppercase hex digits).
pub fn is_object_id(s: &str) -> bool {
    s.len() == 24 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct RecoveryEmail {
    pub address: String,
    pub verified: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    #[serde(rename = "type")]
    pub kind: String,
    pub street_address: String,
    pub locality: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct PhoneNumber {
    #[serde(rename = "type")]
    pub kind: String,
    pub number: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Mfa {
    pub configured: bool,
    pub exclusion: bool,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub exclusion_until: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub exclusion_days: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MfaEnrollment {
    pub totp_status: String,
    pub web_authn_status: String,
    pub push_status: String,
    pub sms_status: String,
    pub jc_go_status: String,
    pub overall_status: String,
}

impl MfaEnrollment {
    pub fn not_enrolled() -> Self {
        let s = || "NOT_ENROLLED".to_string();
        Self {
            totp_status: s(),
            web_authn_status: s(),
            push_status: s(),
            sms_status: s(),
            jc_go_status: s(),
            overall_status: s(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AdminRef {
    pub id: String,
    pub role_name: String,
}

/// `systemuserreturn`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct User {
    #[serde(rename = "_id")]
    pub id: Id,
    pub username: String,
    pub email: String,
    pub firstname: String,
    pub middlename: String,
    pub lastname: String,
    pub displayname: String,
    #[serde(rename = "alternateEmail")]
    pub alternate_email: String,
    #[serde(rename = "recoveryEmail")]
    pub recovery_email: RecoveryEmail,
    #[serde(rename = "jobTitle")]
    pub job_title: String,
    pub department: String,
    pub company: String,
    #[serde(rename = "costCenter")]
    pub cost_center: String,
    #[serde(rename = "employeeType")]
    pub employee_type: String,
    #[serde(rename = "employeeIdentifier")]
    pub employee_identifier: String,
    pub location: String,
    pub description: String,
    pub addresses: Vec<Address>,
    #[serde(rename = "phoneNumbers")]
    pub phone_numbers: Vec<PhoneNumber>,
    /// Another user's `_id`, or omitted.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub manager: Option<Id>,
    pub state: String,
    pub activated: bool,
    pub suspended: bool,
    pub account_locked: bool,
    pub account_locked_date: Option<String>,
    #[serde(rename = "badLoginAttempts")]
    pub bad_login_attempts: u32,
    pub password_expired: bool,
    pub password_expiration_date: Option<String>,
    pub password_date: Option<String>,
    pub password_never_expires: bool,
    pub mfa: Mfa,
    pub totp_enabled: bool,
    pub enable_user_portal_multifactor: bool,
    #[serde(rename = "mfaEnrollment")]
    pub mfa_enrollment: MfaEnrollment,
    pub created: String,
    #[serde(rename = "creationSource")]
    pub creation_source: String,
    pub admin: Option<AdminRef>,
    pub organization: Id,
    pub sudo: bool,
    pub passwordless_sudo: bool,
    pub allow_public_key: bool,
    pub enable_managed_uid: bool,
    pub ldap_binding_user: bool,
    pub samba_service_user: bool,
    pub unix_uid: u32,
    pub unix_guid: u32,
    pub attributes: Vec<serde_json::Value>,
    pub tags: Vec<String>,
}

/// `UserGroup` / `SystemGroup` (the same shape; `type` tells them apart).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    pub id: Id,
    pub name: String,
    pub description: String,
    pub email: String,
    /// `user_group` or `system_group`.
    #[serde(rename = "type")]
    pub kind: String,
    pub attributes: Option<serde_json::Value>,
    pub membership_method: String,
    pub organization_object_id: Option<Id>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct OsVersionDetail {
    pub os_name: String,
    pub major: String,
    pub minor: String,
    pub patch: String,
    pub release_name: String,
    pub version: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub distribution_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Fde {
    pub active: bool,
    pub key_present: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct MdmInternal {
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub device_id: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub windows_device_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Mdm {
    /// unknown | none | internal | external
    pub vendor: String,
    pub dep: bool,
    pub user_approved: bool,
    /// unknown | automated device | device | user
    pub enrollment_type: String,
    pub internal: MdmInternal,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub profile_identifier: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub provider_id: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub lost_mode_status: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BuiltInCommand {
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct UserMetric {
    pub user_name: String,
    pub admin: bool,
    pub managed: bool,
    pub suspended: bool,
    pub secure_token_enabled: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NetworkInterface {
    pub name: String,
    pub address: String,
    pub family: String,
    pub internal: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct IdRef {
    pub id: Id,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct DomainInfo {
    pub part_of_domain: bool,
    pub domain_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct InsightsState {
    pub state: String,
}

/// `system`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct System {
    #[serde(rename = "_id")]
    pub id: Id,
    pub display_name: String,
    pub hostname: String,
    pub serial_number: String,
    pub hw_vendor: String,
    pub arch: String,
    pub arch_family: String,
    pub os: String,
    pub os_family: String,
    pub version: String,
    pub os_version_detail: OsVersionDetail,
    pub last_contact: Option<String>,
    pub active: bool,
    pub created: String,
    pub agent_version: String,
    #[serde(rename = "remoteIP")]
    pub remote_ip: String,
    pub system_timezone: i32,
    pub fde: Fde,
    pub mdm: Mdm,
    pub built_in_commands: Vec<BuiltInCommand>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub primary_system_user: Option<IdRef>,
    pub user_metrics: Vec<UserMetric>,
    pub domain_info: DomainInfo,
    pub azure_ad_joined: bool,
    pub system_insights: InsightsState,
    pub network_interfaces: Vec<NetworkInterface>,
    pub organization: Id,
    pub allow_multi_factor_authentication: bool,
    pub allow_ssh_password_authentication: bool,
    pub allow_ssh_root_login: bool,
    pub allow_public_key_authentication: bool,
    #[serde(rename = "modifySSHDConfig")]
    pub modify_sshd_config: bool,
    pub desktop_capable: bool,
    pub tags: Vec<String>,
    pub attributes: Vec<serde_json::Value>,
    pub description: String,
}

/// What the simulator knows of a device beyond its JumpCloud record: what System Insights
/// reports, its Apple MDM link, and the facts insights listings filter on (so a listing need
/// not parse every record).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SystemExtra {
    pub hardware: Hardware,
    pub apple_mdm: Option<AppleMdmLink>,
    pub os_family: String,
    pub insights_enabled: bool,
    /// Local accounts reported by the `users` table (root + the bound users' metrics).
    pub local_users: usize,
}

impl SystemExtra {
    pub fn of(s: &System, hardware: Hardware, apple_mdm: Option<AppleMdmLink>) -> Self {
        Self {
            hardware,
            apple_mdm,
            os_family: s.os_family.clone(),
            insights_enabled: s.system_insights.state == "enabled",
            local_users: s.user_metrics.len() + 1,
        }
    }
}

/// Hardware facts that JumpCloud exposes only through System Insights.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Hardware {
    pub model: String,
    pub memory_bytes: u64,
    pub cpu_brand: String,
    pub cpu_physical_cores: u32,
    pub cpu_logical_cores: u32,
    pub uuid: String,
    pub os_build: String,
    pub os_install_date: String,
    /// For BitLocker / FileVault / LUKS rows.
    pub encryption_method: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppleMdmLink {
    pub mdm_id: Id,
    pub device_id: Id,
    pub udid: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Sso {
    #[serde(rename = "type")]
    pub kind: String,
    pub jit: bool,
    pub hidden: bool,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub idp_cert_expiration_at: Option<String>,
}

/// `application`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    #[serde(rename = "_id")]
    pub id: Id,
    pub name: String,
    pub display_name: String,
    pub display_label: String,
    pub sso_url: String,
    pub active: bool,
    pub sso: Sso,
    pub config: serde_json::Value,
    pub created: String,
    pub organization: Id,
    pub description: String,
}

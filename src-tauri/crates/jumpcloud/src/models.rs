//! Typed records, with JumpCloud's field names. Unknown fields are ignored, missing ones take
//! their default, and nullable ones are `Option`s, so a new or absent field never breaks a
//! sync. IDs are strings everywhere.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// v1 list envelope.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListEnvelope<T> {
    #[serde(default)]
    pub total_count: Option<u64>,
    #[serde(default = "Vec::new")]
    pub results: Vec<T>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecoveryEmail {
    pub address: Option<String>,
    pub verified: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Address {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub street_address: Option<String>,
    pub locality: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PhoneNumber {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub number: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Mfa {
    pub configured: bool,
    pub exclusion: bool,
    pub exclusion_until: Option<String>,
    pub exclusion_days: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MfaEnrollment {
    pub totp_status: Option<String>,
    pub web_authn_status: Option<String>,
    pub push_status: Option<String>,
    pub sms_status: Option<String>,
    pub jc_go_status: Option<String>,
    pub overall_status: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UserAdminRef {
    pub id: Option<String>,
    pub role_name: Option<String>,
}

/// A directory user (`systemuserreturn`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct User {
    #[serde(rename = "_id")]
    pub id: String,
    pub username: String,
    pub email: String,
    pub firstname: Option<String>,
    pub middlename: Option<String>,
    pub lastname: Option<String>,
    pub displayname: Option<String>,
    #[serde(rename = "alternateEmail")]
    pub alternate_email: Option<String>,
    #[serde(rename = "recoveryEmail")]
    pub recovery_email: Option<RecoveryEmail>,
    #[serde(rename = "jobTitle")]
    pub job_title: Option<String>,
    pub department: Option<String>,
    pub company: Option<String>,
    #[serde(rename = "costCenter")]
    pub cost_center: Option<String>,
    #[serde(rename = "employeeType")]
    pub employee_type: Option<String>,
    #[serde(rename = "employeeIdentifier")]
    pub employee_identifier: Option<String>,
    pub location: Option<String>,
    pub description: Option<String>,
    pub addresses: Vec<Address>,
    #[serde(rename = "phoneNumbers")]
    pub phone_numbers: Vec<PhoneNumber>,
    pub manager: Option<String>,
    /// STAGED | ACTIVATED | SUSPENDED
    pub state: Option<String>,
    pub activated: bool,
    pub suspended: bool,
    pub account_locked: bool,
    pub account_locked_date: Option<String>,
    #[serde(rename = "badLoginAttempts")]
    pub bad_login_attempts: Option<u32>,
    pub password_expired: bool,
    pub password_expiration_date: Option<String>,
    pub password_date: Option<String>,
    pub password_never_expires: bool,
    pub mfa: Mfa,
    pub totp_enabled: bool,
    pub enable_user_portal_multifactor: bool,
    #[serde(rename = "mfaEnrollment")]
    pub mfa_enrollment: MfaEnrollment,
    pub created: Option<String>,
    #[serde(rename = "creationSource")]
    pub creation_source: Option<String>,
    pub admin: Option<UserAdminRef>,
    pub organization: Option<String>,
    pub sudo: bool,
    pub tags: Vec<String>,
}

/// A user or system group (`UserGroup` / `SystemGroup`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub email: Option<String>,
    /// `user_group` or `system_group`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub attributes: Option<Value>,
    pub membership_method: Option<String>,
}

/// The type of a node of the graph (`GraphType` in the v2 spec), the kinds Rollcall reads;
/// the rest (directories, policies, RADIUS servers, …) are `Other`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GraphType {
    User,
    UserGroup,
    System,
    SystemGroup,
    Application,
    Command,
    #[default]
    #[serde(other)]
    Other,
}

/// A node of the graph: `{id, type, attributes}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GraphObject {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: GraphType,
    pub attributes: Option<Value>,
}

/// `GraphConnection`: an edge to `to` (and sometimes from `from`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GraphConnection {
    pub to: GraphObject,
    pub from: Option<GraphObject>,
    pub attributes: Option<Value>,
}

impl GraphConnection {
    /// `attributes.sudo.enabled`: the binding makes the user an administrator on the device.
    pub fn sudo(&self) -> bool {
        self.attributes
            .as_ref()
            .and_then(|a| a.pointer("/sudo/enabled"))
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }
}

/// `GraphObjectWithPaths`: an object reached through one or more chains of edges.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GraphObjectWithPaths {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: GraphType,
    pub paths: Vec<Vec<GraphConnection>>,
    pub compiled_attributes: Option<Value>,
}

impl GraphObjectWithPaths {
    /// True when one of the paths is a single hop (a direct membership or binding).
    pub fn is_direct(&self) -> bool {
        self.paths.iter().any(|p| p.len() == 1)
    }

    /// A user group the object is a direct member of (a `memberof` listing's row).
    pub fn is_direct_user_group(&self) -> bool {
        self.kind == GraphType::UserGroup && self.is_direct()
    }

    /// `compiledAttributes.sudo.enabled`
    pub fn sudo(&self) -> bool {
        self.compiled_attributes
            .as_ref()
            .and_then(|a| a.pointer("/sudo/enabled"))
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OsVersionDetail {
    pub os_name: Option<String>,
    pub major: Option<String>,
    pub minor: Option<String>,
    pub patch: Option<String>,
    pub release_name: Option<String>,
    pub version: Option<String>,
    pub distribution_name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Fde {
    pub active: bool,
    pub key_present: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MdmInternal {
    pub device_id: Option<String>,
    pub windows_device_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Mdm {
    pub vendor: Option<String>,
    pub dep: bool,
    pub user_approved: bool,
    pub enrollment_type: Option<String>,
    pub internal: Option<MdmInternal>,
    pub profile_identifier: Option<String>,
    pub provider_id: Option<String>,
    pub lost_mode_status: Option<String>,
}

impl Mdm {
    /// Enrolled in JumpCloud's own MDM.
    pub fn is_jumpcloud(&self) -> bool {
        self.vendor.as_deref() == Some("internal")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IdRef {
    pub id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UserMetric {
    pub user_name: Option<String>,
    pub admin: bool,
    pub managed: bool,
    pub suspended: bool,
    pub secure_token_enabled: bool,
}

/// A device (`system`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct System {
    #[serde(rename = "_id")]
    pub id: String,
    pub display_name: Option<String>,
    pub hostname: Option<String>,
    pub serial_number: Option<String>,
    pub hw_vendor: Option<String>,
    pub arch: Option<String>,
    pub arch_family: Option<String>,
    pub os: Option<String>,
    pub os_family: Option<String>,
    pub version: Option<String>,
    pub os_version_detail: Option<OsVersionDetail>,
    pub last_contact: Option<String>,
    pub active: bool,
    pub created: Option<String>,
    pub agent_version: Option<String>,
    #[serde(rename = "remoteIP")]
    pub remote_ip: Option<String>,
    pub fde: Option<Fde>,
    pub mdm: Option<Mdm>,
    pub primary_system_user: Option<IdRef>,
    pub user_metrics: Vec<UserMetric>,
    pub azure_ad_joined: bool,
    pub description: Option<String>,
    pub tags: Vec<String>,
}

/// `systeminsights/system_info`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SystemInfoRow {
    pub system_id: String,
    pub collection_time: Option<String>,
    pub hardware_model: Option<String>,
    pub hardware_vendor: Option<String>,
    pub hardware_serial: Option<String>,
    /// Bytes, as a string.
    pub physical_memory: Option<String>,
    pub cpu_brand: Option<String>,
    pub cpu_physical_cores: Option<i64>,
    pub cpu_logical_cores: Option<i64>,
    pub cpu_type: Option<String>,
    pub computer_name: Option<String>,
    pub hostname: Option<String>,
    pub uuid: Option<String>,
}

/// `systeminsights/os_version`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OsVersionRow {
    pub system_id: String,
    pub collection_time: Option<String>,
    pub name: Option<String>,
    pub version: Option<String>,
    pub major: Option<i64>,
    pub minor: Option<i64>,
    pub patch: Option<i64>,
    pub build: Option<String>,
    pub platform: Option<String>,
    pub install_date: Option<String>,
}

/// `systeminsights/disk_encryption` (FileVault / LUKS)
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DiskEncryptionRow {
    pub system_id: String,
    pub collection_time: Option<String>,
    pub name: Option<String>,
    pub encrypted: Option<i64>,
    pub encryption_status: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// `systeminsights/logical_drives`: a drive's size and free space (bytes, as strings).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogicalDriveRow {
    pub system_id: String,
    pub device_id: Option<String>,
    pub boot_partition: Option<i64>,
    pub size: Option<String>,
    pub free_space: Option<String>,
}

/// `systeminsights/bitlocker_info` (Windows)
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BitlockerRow {
    pub system_id: String,
    pub collection_time: Option<String>,
    pub drive_letter: Option<String>,
    pub protection_status: Option<i64>,
    pub conversion_status: Option<i64>,
    pub encryption_method: Option<String>,
    pub percentage_encrypted: Option<i64>,
}

/// `systeminsights/users` (local accounts on a device)
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct InsightsUserRow {
    pub system_id: String,
    pub collection_time: Option<String>,
    pub username: Option<String>,
    pub admin: Option<bool>,
    pub managed: Option<bool>,
    pub suspended: Option<bool>,
    pub last_login: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Sso {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub jit: bool,
    pub hidden: bool,
    pub idp_cert_expiration_at: Option<String>,
}

/// An SSO application.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Application {
    #[serde(rename = "_id")]
    pub id: String,
    pub name: Option<String>,
    pub display_name: Option<String>,
    pub display_label: Option<String>,
    pub sso_url: Option<String>,
    pub active: bool,
    pub sso: Option<Sso>,
    pub created: Option<String>,
}

impl Application {
    pub fn label(&self) -> String {
        self.display_label
            .clone()
            .or_else(|| self.display_name.clone())
            .or_else(|| self.name.clone())
            .unwrap_or_else(|| self.id.clone())
    }
}

/// A portal administrator (`Administrator`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Administrator {
    pub id: String,
    pub email: Option<String>,
    pub firstname: Option<String>,
    pub lastname: Option<String>,
    pub role: Option<String>,
    pub role_name: Option<String>,
    pub roles: Vec<String>,
    pub suspended: bool,
    pub enable_multi_factor: bool,
    pub api_key_allowed: bool,
}

/// An admin role (`Role`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Role {
    pub id: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub organization_ids: Vec<String>,
    pub is_custom: bool,
}

/// An organisation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Organization {
    #[serde(rename = "_id", alias = "id")]
    pub id: String,
    #[serde(alias = "name")]
    pub display_name: Option<String>,
    pub logo_url: Option<String>,
}

/// Apple MDM server.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AppleMdm {
    pub id: String,
    pub name: Option<String>,
}

/// A device enrolled through Apple MDM.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AppleMdmDevice {
    pub id: String,
    pub serial_number: Option<String>,
    pub udid: Option<String>,
    pub os_version: Option<String>,
    pub dep_registered: bool,
    pub enrolled: bool,
    pub device_information: Option<Value>,
    pub security_info: Option<Value>,
}

/// A saved command.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Command {
    #[serde(rename = "_id", skip_serializing_if = "String::is_empty")]
    pub id: String,
    pub name: String,
    pub command: String,
    /// linux | mac | windows
    pub command_type: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub user: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub shell: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub launch_type: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub timeout: String,
    pub sudo: bool,
}

/// The result of a command on one device.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CommandResult {
    #[serde(rename = "_id")]
    pub id: String,
    pub name: Option<String>,
    pub system: Option<String>,
    pub system_id: Option<String>,
    pub request_time: Option<String>,
    pub response_time: Option<String>,
    pub response: Option<Value>,
}

/// `POST /runCommand` answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RunCommandResponse {
    pub queue_ids: Vec<String>,
    pub workflow_instance_id: Option<String>,
}

/// A Directory Insights event. The common fields are typed; the whole event is kept in `raw`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Event {
    pub id: Option<String>,
    pub service: Option<String>,
    pub event_type: Option<String>,
    pub success: Option<bool>,
    pub timestamp: Option<String>,
    pub client_ip: Option<String>,
    pub initiated_by: Option<Value>,
    pub resource: Option<Value>,
    pub username: Option<String>,
    pub system: Option<Value>,
    pub application: Option<Value>,
    #[serde(skip)]
    pub raw: Value,
}

/// `POST /events/count`
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct EventCount {
    pub count: u64,
}

/// TOTP enrolment date.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TotpInfo {
    pub enrollment_date: Option<String>,
}

/// A pending scheduled state change (`scheduled-userstate-result`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ScheduledState {
    pub scheduled_job_id: String,
    /// When it runs (UTC, RFC 3339).
    pub scheduled_date: String,
    pub state: String,
    pub system_user_id: String,
}

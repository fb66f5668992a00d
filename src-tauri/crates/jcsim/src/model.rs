//! The records the simulator keeps, serialized with JumpCloud's field names (ENDPOINTS.md §1-§7
//! and the published schemas). Optional fields JumpCloud omits when unset are skipped;
//! fields the spec marks nullable are sent as `null`.

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

/// An administrator (portal admin, not a directory user) and the key bound to them.
#[derive(Debug, Clone, PartialEq)]
pub struct Admin {
    pub id: Id,
    pub email: String,
    pub firstname: String,
    pub lastname: String,
    pub role: Role,
    pub api_key: String,
    /// Multi-tenant (MSP) admins must send `x-org-id` and may reach several orgs.
    pub multi_tenant: bool,
    pub org_ids: Vec<Id>,
    pub suspended: bool,
    pub enable_multi_factor: bool,
}

/// The built-in admin roles and what each may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    AdministratorWithBilling,
    Administrator,
    Manager,
    HelpDesk,
    ReadOnly,
    CommandRunner,
}

/// Classes of writes, for the role check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteKind {
    /// Create, edit, suspend, activate, unlock, reset MFA, expire, resend email.
    UserEdit,
    UserDelete,
    /// Group CRUD and membership.
    Group,
    /// Device record edit, delete, user binding.
    System,
    /// lock, erase, restart, shutdown (agent or MDM).
    DeviceCommand,
    /// Create / edit / delete saved commands.
    CommandEdit,
    /// Run a saved command.
    CommandRun,
    /// SSO application assignments.
    Application,
    /// Organisation settings, admins, roles.
    Organization,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::AdministratorWithBilling,
        Role::Administrator,
        Role::Manager,
        Role::HelpDesk,
        Role::ReadOnly,
        Role::CommandRunner,
    ];

    /// JumpCloud's display name for the role.
    pub fn name(self) -> &'static str {
        match self {
            Role::AdministratorWithBilling => "Administrator with Billing",
            Role::Administrator => "Administrator",
            Role::Manager => "Manager",
            Role::HelpDesk => "Help Desk",
            Role::ReadOnly => "Read Only",
            Role::CommandRunner => "Command Runner",
        }
    }

    /// A stable role id (for `/v2/roles`).
    pub fn id(self) -> &'static str {
        match self {
            Role::AdministratorWithBilling => "5c3536e5e3f2f5a1c0000001",
            Role::Administrator => "5c3536e5e3f2f5a1c0000002",
            Role::Manager => "5c3536e5e3f2f5a1c0000003",
            Role::HelpDesk => "5c3536e5e3f2f5a1c0000004",
            Role::ReadOnly => "5c3536e5e3f2f5a1c0000005",
            Role::CommandRunner => "5c3536e5e3f2f5a1c0000006",
        }
    }

    pub fn may(self, write: WriteKind) -> bool {
        use WriteKind::*;
        match self {
            Role::AdministratorWithBilling | Role::Administrator => true,
            Role::Manager => !matches!(write, Organization),
            Role::HelpDesk => matches!(write, UserEdit | Group),
            Role::CommandRunner => matches!(write, CommandRun),
            Role::ReadOnly => false,
        }
    }

    /// Permission scopes as `/v2/roles` lists them.
    pub fn scopes(self) -> Vec<&'static str> {
        match self {
            Role::AdministratorWithBilling => {
                vec!["billing", "directory", "mdm", "commands", "applications", "settings"]
            }
            Role::Administrator => vec!["directory", "mdm", "commands", "applications", "settings"],
            Role::Manager => vec!["directory", "mdm", "commands", "applications"],
            Role::HelpDesk => vec!["users", "users.readonly", "groups", "directory.readonly"],
            Role::ReadOnly => vec!["directory.readonly", "mdm.readonly", "commands.readonly"],
            Role::CommandRunner => vec!["commands", "systems.readonly"],
        }
    }
}

/// `command` (a saved command of the command runner).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Command {
    #[serde(rename = "_id")]
    pub id: Id,
    pub name: String,
    pub command: String,
    pub command_type: String,
    pub user: String,
    pub shell: String,
    pub launch_type: String,
    pub timeout: String,
    pub schedule: String,
    pub trigger: String,
    pub sudo: bool,
    pub organization: Id,
}

/// `commandresult`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CommandResult {
    #[serde(rename = "_id")]
    pub id: Id,
    pub command: String,
    pub name: String,
    pub system: String,
    pub system_id: Id,
    pub organization: Id,
    pub workflow_id: Id,
    pub workflow_instance_id: Id,
    pub request_time: String,
    pub response_time: String,
    pub sudo: bool,
    pub user: String,
    pub response: serde_json::Value,
}

/// An organisation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    #[serde(rename = "_id")]
    pub id: Id,
    pub display_name: String,
    pub logo_url: String,
}

/// An Apple MDM server record (`/v2/applemdms`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AppleMdm {
    pub id: Id,
    pub name: String,
    pub organization: Id,
}

/// A Directory Insights event, kept compact (about 100 bytes, no allocation of its own: the
/// actor, system and application are shared); serialized on demand.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Milliseconds since the Unix epoch.
    pub at_ms: i64,
    /// Unique per world, also the cursor tiebreaker.
    pub seq: u64,
    pub service: &'static str,
    pub event_type: &'static str,
    pub success: bool,
    /// IPv4, packed.
    pub client_ip: u32,
    /// `initiated_by` (the actor: a user or an admin).
    pub initiated_by: Option<Arc<Actor>>,
    /// What was acted on.
    pub resource: Option<Arc<EventResource>>,
    /// For `systems` events: (id, hostname).
    pub system: Option<Arc<(Id, String)>>,
    /// For `systems` login events: the actor's username is the login name.
    pub username_from_actor: bool,
    /// For `sso` events: (id, name).
    pub application: Option<Arc<(Id, String)>>,
    /// Free-form changes (e.g. for updates).
    pub changes: Option<Box<serde_json::Value>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub id: Id,
    pub kind: &'static str,
    pub username: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EventResource {
    pub id: Id,
    pub kind: &'static str,
    pub name: String,
}

/// `a.b.c.d` from a packed IPv4.
pub fn ip_text(ip: u32) -> String {
    std::net::Ipv4Addr::from(ip).to_string()
}

impl Event {
    pub fn to_json(&self, org_id: &str) -> serde_json::Value {
        use serde_json::json;
        let mut v = json!({
            "id": format!("{:024x}", self.seq),
            "service": self.service,
            "event_type": self.event_type,
            "success": self.success,
            "client_ip": ip_text(self.client_ip),
            "timestamp": crate::clock::rfc3339_ms(self.at_ms),
            "organization": org_id,
            "version": "1",
        });
        let m = v.as_object_mut().expect("object literal");
        if let Some(a) = &self.initiated_by {
            let mut o = json!({ "id": a.id, "type": a.kind });
            if let Some(u) = &a.username {
                o["username"] = json!(u);
            }
            if let Some(e) = &a.email {
                o["email"] = json!(e);
            }
            m.insert("initiated_by".into(), o);
        }
        if let Some(r) = &self.resource {
            m.insert("resource".into(), json!({ "id": r.id, "type": r.kind, "name": r.name }));
        }
        if let Some(sys) = &self.system {
            m.insert("system".into(), json!({ "id": sys.0, "hostname": sys.1 }));
        }
        if self.username_from_actor {
            if let Some(u) = self.initiated_by.as_ref().and_then(|a| a.username.as_ref()) {
                m.insert("username".into(), json!(u));
            }
        }
        if let Some(app) = &self.application {
            m.insert("application".into(), json!({ "id": app.0, "name": app.1 }));
        }
        if let Some(c) = &self.changes {
            m.insert("changes".into(), (**c).clone());
        }
        v
    }
}

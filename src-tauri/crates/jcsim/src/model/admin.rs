//! Administrators and their roles, commands, organisations, Apple MDM servers and Directory
//! Insights events.

use super::*;
use serde::{Deserialize, Serialize};

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

    /// Whether the role may request and read Directory Insights reports (Help Desk and Command
    /// Runner may not).
    pub fn may_read_reports(self) -> bool {
        !matches!(self, Role::HelpDesk | Role::CommandRunner)
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
    /// For `association_change` events: `{op, connection: {from: {type, id}, to: {type, id}}}`
    /// (docs/jumpcloud-api.md §12).
    pub association: Option<Box<serde_json::Value>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub id: Id,
    pub kind: &'static str,
    pub username: Option<String>,
    pub email: Option<String>,
}

impl Actor {
    /// A directory user as the actor of their own events (logins).
    pub fn user(u: &User) -> Arc<Actor> {
        Arc::new(Actor {
            id: u.id.clone(),
            kind: "user",
            username: Some(u.username.clone()),
            email: Some(u.email.clone()),
        })
    }
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
        if let Some(a) = &self.association {
            m.insert("association".into(), (**a).clone());
        }
        v
    }
}

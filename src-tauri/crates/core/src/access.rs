//! What the connected admin may do, learned when the organisation is connected.
//!
//! JumpCloud has no "who am I" endpoint for an API key, so Rollcall probes: each probe is a
//! write aimed at an ID that cannot exist (all zeros). JumpCloud checks the role before it
//! looks the record up, so a 403 means the role may not (and names it), and a 404 means it may.
//! Nothing can change: there is no such record.
//!
//! The probes are sent once per API key: what they found is kept in the org's file under the
//! key's fingerprint (never the key) and reused at the next launch. It is learned again when
//! the admin asks, when the key changes, and after JumpCloud refuses a request for the role
//! (`forget`, called by the audited actions on a 403).

use jumpcloud::{Client, Error, Method};
use rollcall_cache::Cache;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// An ObjectId no record has.
pub const NO_SUCH_ID: &str = "000000000000000000000000";

/// The admin's write permissions, as far as Rollcall needs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Access {
    /// The role's name when JumpCloud named it (in a refusal), else empty.
    pub role: String,
    /// Create, edit, suspend, activate, unlock, reset MFA, expire.
    pub user_edit: bool,
    pub user_delete: bool,
    /// Group create and membership.
    pub groups: bool,
    /// Lock, wipe, restart, shutdown.
    pub device_commands: bool,
}

impl Access {
    /// Everything allowed (a key whose probes all passed, or the demo's Administrator).
    pub fn full(role: &str) -> Self {
        Self {
            role: role.into(),
            user_edit: true,
            user_delete: true,
            groups: true,
            device_commands: true,
        }
    }

    /// True when no write at all is allowed.
    pub fn read_only(&self) -> bool {
        !(self.user_edit || self.user_delete || self.groups || self.device_commands)
    }

    /// The reason a kind of action is refused, or None when it is allowed.
    pub fn refusal(&self, allowed: bool, what: &str) -> Option<String> {
        if allowed {
            None
        } else if self.role.is_empty() {
            Some(format!("Your JumpCloud role may not {what}."))
        } else {
            Some(format!("Your JumpCloud role ({}) may not {what}.", self.role))
        }
    }
}

/// Pulls the role name out of a refusal like "Forbidden: the Read Only role may not edit users".
pub fn role_in_message(message: &str) -> Option<String> {
    let after = message.split("the ").nth(1)?;
    let (role, _) = after.split_once(" role")?;
    (!role.is_empty() && role.len() < 60).then(|| role.to_string())
}

/// Where the learned access is kept in the org's file.
const KEPT: &str = "access";

/// What was learned, and with which key.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Kept {
    key_fingerprint: String,
    access: Access,
    learned_at: String,
}

/// The access learned earlier with the client's key, if any.
pub fn kept(cache: &Cache, client: &Client) -> Option<Access> {
    let text = cache.setting(KEPT).ok().flatten()?;
    let k: Kept = serde_json::from_str(&text).ok()?;
    (k.key_fingerprint == client.config().api_key.fingerprint()).then_some(k.access)
}

/// Keeps what the probes found with the client's key.
pub fn keep(cache: &Cache, client: &Client, access: &Access) -> Result<(), rollcall_cache::CacheError> {
    let now = crate::sync::now_rfc3339();
    let k = Kept {
        key_fingerprint: client.config().api_key.fingerprint(),
        access: access.clone(),
        learned_at: now.clone(),
    };
    cache.set_setting(KEPT, &serde_json::to_string(&k).unwrap_or_default(), &now)
}

/// Forgets what was learned (JumpCloud refused a request for the role: it may have changed).
pub fn forget(cache: &Cache) -> Result<(), rollcall_cache::CacheError> {
    cache.clear_setting(KEPT)
}

/// Runs the probes (four requests, none of which can change anything), each sent as the spec
/// defines the operation: a body only where it defines one.
pub async fn probe(client: &Client) -> Result<Access, Error> {
    let mut access = Access::full("");
    let probes: [(Method, String, Option<serde_json::Value>, &str); 4] = [
        (
            Method::PUT,
            format!("/api/systemusers/{NO_SUCH_ID}"),
            Some(json!({})),
            "user_edit",
        ),
        (
            Method::DELETE,
            format!("/api/systemusers/{NO_SUCH_ID}"),
            None,
            "user_delete",
        ),
        (
            Method::POST,
            format!("/api/v2/usergroups/{NO_SUCH_ID}/members"),
            Some(json!({"op": "add", "type": "user", "id": NO_SUCH_ID})),
            "groups",
        ),
        (
            Method::POST,
            format!("/api/systems/{NO_SUCH_ID}/command/builtin/restart"),
            None,
            "device_commands",
        ),
    ];
    for (method, path, body, which) in probes {
        let allowed = match client.call(method, &path, body).await {
            Ok(_) => true,
            Err(Error::Forbidden { message, .. }) => {
                if let Some(role) = role_in_message(&message) {
                    access.role = role;
                }
                false
            }
            Err(Error::NotFound { .. } | Error::BadRequest { .. } | Error::Conflict { .. }) => true,
            Err(e) => return Err(e),
        };
        match which {
            "user_edit" => access.user_edit = allowed,
            "user_delete" => access.user_delete = allowed,
            "groups" => access.groups = allowed,
            _ => access.device_commands = allowed,
        }
    }
    Ok(access)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_is_read_from_refusals() {
        assert_eq!(
            role_in_message("Forbidden: the Read Only role may not edit users").as_deref(),
            Some("Read Only")
        );
        assert_eq!(role_in_message("Forbidden").as_deref(), None);
    }

    #[test]
    fn refusal_names_the_role() {
        let a = Access {
            role: "Help Desk".into(),
            user_edit: true,
            user_delete: false,
            groups: true,
            device_commands: false,
        };
        assert_eq!(a.refusal(a.user_edit, "edit users"), None);
        assert_eq!(
            a.refusal(a.device_commands, "lock, wipe, restart or shut down devices")
                .as_deref(),
            Some("Your JumpCloud role (Help Desk) may not lock, wipe, restart or shut down devices.")
        );
        assert!(!a.read_only());
    }
}

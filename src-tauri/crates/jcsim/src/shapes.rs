//! Record shapes a real org sends that a freshly seeded one does not, applied to what the
//! simulator answers (its own records stay as they are).
//!
//! `odd_records` (spec-legal): on one record in five of each kind, optional fields come as an
//! explicit `null` (booleans only when unset, so the record still says the same), some strings
//! are empty, fields this version of the API does not define appear, and one array is very
//! large. `malformed_records` (not spec-legal, as after an API change or from a broken proxy): on
//! one record in fifty, a field has the wrong type.

use crate::rng::hash_str;
use serde_json::{json, Map, Value};

/// Fields of a user that may come as `null` when unset (booleans only when false).
const USER_NULLABLE: &[&str] = &[
    "addresses",
    "phoneNumbers",
    "alternateEmail",
    "company",
    "costCenter",
    "description",
    "recoveryEmail",
    "attributes",
    "mfaEnrollment",
    "account_locked_date",
    "password_expiration_date",
    "creationSource",
];
const USER_FLAGS: &[&str] = &[
    "activated",
    "suspended",
    "account_locked",
    "password_expired",
    "password_never_expires",
    "totp_enabled",
    "enable_user_portal_multifactor",
    "sudo",
    "passwordless_sudo",
    "ldap_binding_user",
];
const SYSTEM_NULLABLE: &[&str] = &[
    "networkInterfaces",
    "sshdParams",
    "domainInfo",
    "builtInCommands",
    "userMetrics",
    "remoteIP",
    "amazonInstanceID",
    "templateName",
    "description",
];
const SYSTEM_FLAGS: &[&str] = &[
    "active",
    "allowSshPasswordAuthentication",
    "allowSshRootLogin",
    "modifySSHDConfig",
];
const GROUP_NULLABLE: &[&str] = &["description", "email", "attributes", "membershipMethod"];
const APP_NULLABLE: &[&str] = &["description", "logo", "learnMore", "beta", "config", "organization"];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    User,
    System,
    Group,
    App,
}

/// Which kind of record an object of an answer is, by the fields JumpCloud always sends.
fn kind_of(o: &Map<String, Value>) -> Option<(Kind, &str)> {
    if let Some(id) = o.get("_id").and_then(Value::as_str) {
        if o.contains_key("username") && o.contains_key("email") {
            return Some((Kind::User, id));
        }
        if o.contains_key("hostname") && o.contains_key("os") {
            return Some((Kind::System, id));
        }
        if o.contains_key("ssoUrl") || o.contains_key("displayLabel") {
            return Some((Kind::App, id));
        }
    }
    let id = o.get("id").and_then(Value::as_str)?;
    matches!(
        o.get("type").and_then(Value::as_str),
        Some("user_group" | "system_group")
    )
    .then_some((Kind::Group, id))
}

/// Whether the record with this id is sent odd (with `odd_records`).
pub fn is_odd(id: &str) -> bool {
    hash_str(id).is_multiple_of(5)
}

/// Whether the record with this id is sent malformed (with `malformed_records`).
pub fn is_malformed(id: &str) -> bool {
    hash_str(id) % 50 == 7
}

/// Applies the shapes to a JSON answer; the body unchanged when nothing applies.
pub fn reshape(body: &[u8], odd: bool, malformed: bool) -> Option<Vec<u8>> {
    let mut v: Value = serde_json::from_slice(body).ok()?;
    let mut changed = false;
    walk(&mut v, odd, malformed, &mut changed);
    changed.then(|| serde_json::to_vec(&v).unwrap_or_else(|_| body.to_vec()))
}

fn walk(v: &mut Value, odd: bool, malformed: bool, changed: &mut bool) {
    match v {
        Value::Array(items) => items.iter_mut().for_each(|x| walk(x, odd, malformed, changed)),
        Value::Object(o) => {
            if let Some((kind, id)) = kind_of(o) {
                let (is_odd, is_malformed) = (is_odd(id), is_malformed(id));
                if odd && is_odd {
                    oddify(o, kind);
                    *changed = true;
                }
                if malformed && is_malformed {
                    malform(o, kind);
                    *changed = true;
                }
            } else {
                o.values_mut().for_each(|x| walk(x, odd, malformed, changed));
            }
        }
        _ => {}
    }
}

fn oddify(o: &mut Map<String, Value>, kind: Kind) {
    let (nullable, flags): (&[&str], &[&str]) = match kind {
        Kind::User => (USER_NULLABLE, USER_FLAGS),
        Kind::System => (SYSTEM_NULLABLE, SYSTEM_FLAGS),
        Kind::Group => (GROUP_NULLABLE, &[]),
        Kind::App => (APP_NULLABLE, &[]),
    };
    for f in nullable {
        o.insert((*f).into(), Value::Null);
    }
    for f in flags {
        if o.get(*f) == Some(&Value::Bool(false)) {
            o.insert((*f).into(), Value::Null);
        }
    }
    match kind {
        Kind::User => {
            if o.get("mfa").and_then(|m| m.get("configured")) == Some(&Value::Bool(false)) {
                o.insert("mfa".into(), Value::Null);
            }
            o.insert("middlename".into(), json!(""));
            o.insert(
                "tags".into(),
                json!((0..400).map(|i| format!("tag-{i}")).collect::<Vec<_>>()),
            );
        }
        Kind::System => {
            if o.get("fde").and_then(|m| m.get("active")) == Some(&Value::Bool(false)) {
                o.insert("fde".into(), Value::Null);
            }
            o.insert(
                "tags".into(),
                json!((0..400).map(|i| format!("tag-{i}")).collect::<Vec<_>>()),
            );
        }
        Kind::Group | Kind::App => {}
    }
    o.insert(
        "rollcallFutureField".into(),
        json!({"addedIn": "a later API version", "values": [1, null, {"deep": [true]}]}),
    );
}

fn malform(o: &mut Map<String, Value>, kind: Kind) {
    match kind {
        Kind::User => {
            o.insert("activated".into(), json!("yes"));
            o.insert("addresses".into(), json!([{"type": "work", "country": "NZ"}, 42]));
        }
        Kind::System => {
            o.insert("agentVersion".into(), json!({"major": 1}));
        }
        Kind::Group => {
            o.insert("description".into(), json!(["not", "a", "string"]));
        }
        Kind::App => {
            o.insert("active".into(), json!("true"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_record_in_five_is_odd_and_the_same_on_every_answer() {
        let users: Vec<Value> = (0..200)
            .map(|i| json!({"_id": format!("5f{i:022x}"), "username": "u", "email": "e", "activated": false, "addresses": []}))
            .collect();
        let body = serde_json::to_vec(&json!({"totalCount": 200, "results": users})).unwrap();
        let a: Value = serde_json::from_slice(&reshape(&body, true, false).unwrap()).unwrap();
        let b: Value = serde_json::from_slice(&reshape(&body, true, false).unwrap()).unwrap();
        assert_eq!(a, b);
        let odd = a["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["addresses"].is_null())
            .count();
        assert!((20..=60).contains(&odd), "{odd} of 200");
        assert_eq!(a["totalCount"], 200);
        assert!(reshape(b"[1,2]", true, true).is_none(), "no records: unchanged");
    }
}

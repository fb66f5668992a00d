//! Observations versus versions. Some fields of a record move on their own, without anyone
//! changing anything (docs/jumpcloud-api.md §11): a device's `lastContact`, `active` and `remoteIP` with
//! every check-in, a user's failed-login counter and lockout time. They are kept as the
//! record's current value but are not part of its version: a re-sync where only they moved adds
//! no history and "what changed" does not list them. The transitions that matter are versions:
//! a device that went stale (no check-in for `STALE_DAYS`) or came back, a person locked out or
//! unlocked, encryption or MDM turned off (those fields are ordinary ones).

use crate::rows::hash;
use crate::RecordKind;
use serde_json::Value;

/// Days without a check-in after which a device is silent (core's `posture::SILENT_DAYS` is
/// this number).
pub const STALE_DAYS: i64 = 30;

/// The fields of a record of `kind` that are observations.
pub fn observed_fields(kind: RecordKind) -> &'static [&'static str] {
    match kind {
        RecordKind::System => &["lastContact", "active", "remoteIP"],
        RecordKind::User => &["badLoginAttempts", "account_locked_date"],
        RecordKind::Group | RecordKind::App => &[],
    }
}

/// The hash of a record's version: its JSON without the observed fields, plus the transitions
/// that matter (for a device: whether it is stale at `now_ms`).
pub fn version_hash(kind: RecordKind, json: &str, now_ms: i64) -> i64 {
    let observed = observed_fields(kind);
    if observed.is_empty() {
        return hash(json);
    }
    let Ok(Value::Object(mut m)) = serde_json::from_str::<Value>(json) else {
        return hash(json);
    };
    if kind == RecordKind::System {
        let last = m
            .get("lastContact")
            .and_then(Value::as_str)
            .and_then(crate::dates::parse_ms);
        let stale = last.is_none_or(|t| now_ms - t > STALE_DAYS * 86_400_000);
        m.insert("~stale".into(), Value::Bool(stale));
    }
    for f in observed {
        m.remove(*f);
    }
    hash(&Value::Object(m).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_800_000_000_000;

    fn device(last: &str, active: bool, os: &str) -> String {
        json!({"_id": "d1", "hostname": "pc", "lastContact": last, "active": active, "os": os}).to_string()
    }

    #[test]
    fn a_check_in_is_not_a_version_but_going_stale_and_a_real_edit_are() {
        let now = crate::dates::format_ms(NOW);
        let minute_ago = crate::dates::format_ms(NOW - 60_000);
        let h = |j: &str| version_hash(RecordKind::System, j, NOW);
        assert_eq!(
            h(&device(&now, true, "Windows")),
            h(&device(&minute_ago, false, "Windows"))
        );
        assert_ne!(h(&device(&now, true, "Windows")), h(&device(&now, true, "Windows 11")));
        let long_ago = crate::dates::format_ms(NOW - 40 * 86_400_000);
        assert_ne!(
            h(&device(&now, true, "Windows")),
            h(&device(&long_ago, false, "Windows")),
            "going stale is a change"
        );
        let user =
            |n: u32, locked: bool| json!({"_id": "u1", "badLoginAttempts": n, "account_locked": locked}).to_string();
        let u = |j: &str| version_hash(RecordKind::User, j, NOW);
        assert_eq!(u(&user(0, false)), u(&user(3, false)));
        assert_ne!(u(&user(3, false)), u(&user(10, true)), "a lockout is a change");
    }
}

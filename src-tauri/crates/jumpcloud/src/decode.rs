//! Reading a record whose shape is not the one expected, without losing it.
//!
//! JumpCloud sends `null` for optional fields it has no value for (an `addresses` of `null`, a
//! `mfa` of `null`, booleans of `null`); those mean "not set" and decode to the field's default.
//! A field of an unexpected type (a string where a boolean belongs, a new kind of value) is
//! left out, the rest of the record is read, and the field's path and the reason are returned
//! so the record can be flagged: a record is never dropped for one odd field.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// A record read as far as it could be, with what could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded<T> {
    pub value: T,
    /// One line per field left out: `path: reason`. Empty when the record was read whole.
    pub problems: Vec<String>,
}

/// Why a JSON body or record could not be read: where (the field's path, when it is a field)
/// and what serde said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undecodable {
    /// `results[12].lastContact`; None when the whole value is wrong (not an object, bad JSON).
    pub path: Option<String>,
    pub reason: String,
}

impl Undecodable {
    pub(crate) fn at(path: String, reason: impl Into<String>) -> Undecodable {
        let path = (!path.is_empty() && path != ".").then_some(path);
        Undecodable {
            path,
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for Undecodable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.path {
            Some(p) => write!(f, "{p}: {}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

impl std::error::Error for Undecodable {}

/// Fields left out before giving up (a record this far from the schema is not that record).
const MAX_PROBLEMS: usize = 32;

/// Reads `raw` as a `T`: `null`s count as unset, fields of the wrong type are left out and
/// named. Errors only when no reading is possible (not an object, a required field missing).
pub fn lenient<T: DeserializeOwned>(raw: &Value) -> Result<Decoded<T>, Undecodable> {
    if !raw.is_object() {
        return Err(Undecodable::at(String::new(), "not a JSON object"));
    }
    let mut value = raw.clone();
    strip_nulls(&mut value);
    let mut problems = Vec::new();
    loop {
        match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(v) => return Ok(Decoded { value: v, problems }),
            Err(e) => {
                let path = e.path().to_string();
                let reason = e.inner().to_string();
                if problems.len() >= MAX_PROBLEMS || path == "." || !remove_path(&mut value, e.path()) {
                    return Err(Undecodable::at(path, reason));
                }
                problems.push(format!("{path}: {reason}"));
            }
        }
    }
}

/// Removes every `null` member of every object (array elements that are `null` stay: their
/// position may matter, and a `null` element is reported if it cannot be read).
pub(crate) fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|_, x| !x.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// Removes the member or element at `path`; false when there is nothing there to remove.
fn remove_path(v: &mut Value, path: &serde_path_to_error::Path) -> bool {
    use serde_path_to_error::Segment;
    let segments: Vec<&Segment> = path.iter().collect();
    let Some((last, parents)) = segments.split_last() else {
        return false;
    };
    let mut at = v;
    for s in parents {
        let next = match (s, at) {
            (Segment::Map { key }, Value::Object(m)) => m.get_mut(key.as_str()),
            (Segment::Seq { index }, Value::Array(a)) => a.get_mut(*index),
            _ => None,
        };
        match next {
            Some(n) => at = n,
            None => return false,
        }
    }
    match (last, at) {
        (Segment::Map { key }, Value::Object(m)) => m.remove(key.as_str()).is_some(),
        (Segment::Seq { index }, Value::Array(a)) if *index < a.len() => {
            a.remove(*index);
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{System, User};
    use serde_json::json;

    #[test]
    fn nulls_are_unset_and_the_record_reads_whole() {
        let raw = json!({
            "_id": "5f00000000000000000000a1", "username": "ann", "email": "ann@x.io",
            "addresses": null, "phoneNumbers": null, "mfa": null, "activated": null,
            "suspended": null, "account_locked": null, "mfaEnrollment": null,
            "recoveryEmail": {"address": null}, "tags": null, "futureField": {"a": [1, null]},
        });
        let d = lenient::<User>(&raw).unwrap();
        assert!(d.problems.is_empty(), "{:?}", d.problems);
        assert_eq!(d.value.username, "ann");
        assert!(d.value.addresses.is_empty() && !d.value.activated && !d.value.mfa.configured);
    }

    #[test]
    fn a_field_of_the_wrong_type_is_left_out_and_named() {
        let raw = json!({
            "_id": "5f00000000000000000000a2", "username": "bo", "email": "bo@x.io",
            "activated": "yes", "addresses": [{"country": "NZ"}, 7], "mfa": {"configured": "on"},
        });
        let d = lenient::<User>(&raw).unwrap();
        assert_eq!(d.value.email, "bo@x.io");
        assert_eq!(d.value.addresses.len(), 1, "the readable address is kept");
        assert_eq!(d.problems.len(), 3, "{:?}", d.problems);
        assert!(
            d.problems.iter().any(|p| p.starts_with("activated:")),
            "{:?}",
            d.problems
        );
        assert!(
            d.problems.iter().any(|p| p.starts_with("addresses[1]:")),
            "{:?}",
            d.problems
        );
        assert!(
            d.problems.iter().any(|p| p.starts_with("mfa.configured:")),
            "{:?}",
            d.problems
        );
    }

    #[test]
    fn a_device_with_null_flags_reads_and_a_record_without_its_id_does_not() {
        let raw = json!({"_id": "5f00000000000000000000a3", "hostname": "pc", "active": null,
                         "fde": null, "mdm": null, "networkInterfaces": null});
        let d = lenient::<System>(&raw).unwrap();
        assert!(d.problems.is_empty() && !d.value.active);
        assert!(lenient::<System>(&json!([1, 2])).is_err());
        assert!(lenient::<System>(&json!("text")).is_err());
    }
}

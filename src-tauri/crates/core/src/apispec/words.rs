//! A request body said in words, for the native confirmation: what it sets, and which
//! records its ids name.

use serde_json::Value;

/// A body as the words, the audit trail and the history keep it: the value of any field whose name says
/// it is a secret (a password, a token, a key, a PIN) replaced by `<redacted>`.
pub fn redacted(v: &Value) -> Value {
    const SECRET: [&str; 7] = [
        "password",
        "passwd",
        "secret",
        "token",
        "apikey",
        "api_key",
        "private_key",
    ];
    const SECRET_NAMES: [&str; 3] = ["pin", "key", "passcode"];
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| {
                    let lower = k.to_ascii_lowercase();
                    let secret = SECRET.iter().any(|s| lower.contains(s)) || SECRET_NAMES.contains(&lower.as_str());
                    if secret && !x.is_object() && !x.is_array() {
                        (k.clone(), Value::String("<redacted>".into()))
                    } else {
                        (k.clone(), redacted(x))
                    }
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(redacted).collect()),
        other => other.clone(),
    }
}

/// How many fields are spelled out before "and N more".
const SHOWN: usize = 6;

fn scalar(v: &Value, name_of: &dyn Fn(&str) -> Option<String>) -> String {
    match v {
        Value::String(s) => match name_of(s) {
            Some(n) => format!("{n} ({s})"),
            None => format!("\"{}\"", s.chars().take(80).collect::<String>()),
        },
        Value::Array(a) if a.len() <= 3 && a.iter().all(|x| !x.is_object() && !x.is_array()) => {
            format!(
                "[{}]",
                a.iter().map(|x| scalar(x, name_of)).collect::<Vec<_>>().join(", ")
            )
        }
        Value::Array(a) => format!("a list of {}", a.len()),
        Value::Object(m) => format!("an object of {} fields", m.len()),
        other => other.to_string(),
    }
}

/// Leaf fields as `a.b = value`, depth first.
fn leaves(prefix: &str, v: &Value, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, x) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                leaves(&key, x, out);
            }
        }
        other => out.push((prefix.to_string(), other.clone())),
    }
}

/// The body in words: a graph edit (`{op, type, id}`) as "removes the association with …",
/// an object as the fields it sets, anything else by its size.
pub fn body_in_words(body: &Value, name_of: &dyn Fn(&str) -> Option<String>) -> String {
    if let (Some(op), Some(kind), Some(id)) = (
        body.get("op").and_then(Value::as_str),
        body.get("type").and_then(Value::as_str),
        body.get("id").and_then(Value::as_str),
    ) {
        let target = name_of(id)
            .map(|n| format!("{n} ({id})"))
            .unwrap_or_else(|| format!("{kind} {id}"));
        return match op {
            "add" => format!("adds the association with {target}"),
            "remove" => format!("removes the association with {target}"),
            "update" => format!("updates the association with {target}"),
            other => format!("{other} the association with {target}"),
        };
    }
    match body {
        Value::Object(_) => {
            let mut fields = vec![];
            leaves("", body, &mut fields);
            let mut said: Vec<String> = fields
                .iter()
                .take(SHOWN)
                .map(|(k, v)| format!("{k} to {}", scalar(v, name_of)))
                .collect();
            if fields.len() > SHOWN {
                said.push(format!("and {} more fields", fields.len() - SHOWN));
            }
            if said.is_empty() {
                "sends an empty object".into()
            } else {
                format!("sets {}", said.join(", "))
            }
        }
        Value::Array(a) => format!("sends a list of {} items", a.len()),
        other => format!("sends {}", scalar(other, name_of)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bodies_are_said_with_the_names_of_their_ids() {
        let name_of = |id: &str| (id == "u1").then(|| "person Ada Lovelace (ada)".to_string());
        assert_eq!(
            body_in_words(&json!({"suspended": true}), &name_of),
            "sets suspended to true"
        );
        assert_eq!(
            body_in_words(&json!({"op": "remove", "type": "user", "id": "u1"}), &name_of),
            "removes the association with person Ada Lovelace (ada) (u1)"
        );
        assert_eq!(
            body_in_words(&json!({"mfa": {"exclusion": true}, "user_ids": ["u1"]}), &name_of),
            "sets mfa.exclusion to true, user_ids to [person Ada Lovelace (ada) (u1)]"
        );
        assert_eq!(body_in_words(&json!([1, 2]), &name_of), "sends a list of 2 items");
    }
}

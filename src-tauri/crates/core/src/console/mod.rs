//! The API console: any call to JumpCloud's API, checked first (`apispec::check`). Reads run at
//! once, and "all pages" follows skip/limit or Directory Insights' cursor; a call that changes
//! something is sent at most once with its audit rows around it (a lost answer is "outcome
//! unknown"). Every call is kept in the org's console history (never the key).

mod copy;
mod pages;

pub use crate::apispec::redacted;
pub use copy::{as_curl, as_powershell, to_csv};
pub use pages::{read, PageProgress};

use crate::actions::Actor;
use crate::apispec::check::Parts;
use crate::apispec::{client_call, Checked};
use crate::sync::now_rfc3339;
use parking_lot::Mutex;
use rollcall_cache::{AuditAction, AuditIntent, AuditStatus, Cache, ConsoleEntry, RecordKind};
use serde::Serialize;
use serde_json::Value;
use std::time::Instant;

/// The largest answer body sent to the screen; the whole of it is kept for saving.
pub const SHOWN_BYTES: usize = 4 * 1024 * 1024;

/// The response headers the console shows: totals, cursors, rate limits.
const SHOWN_HEADERS: [&str; 10] = [
    "x-total-count",
    "x-search_after",
    "x-result-count",
    "x-limit",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "ratelimit-limit",
    "ratelimit-remaining",
    "retry-after",
    "x-request-id",
];

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HeaderPair {
    pub name: String,
    pub value: String,
}

/// What came back.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConsoleAnswer {
    /// JumpCloud's status; None when no answer came (offline, outcome unknown).
    pub status: Option<u16>,
    pub ok: bool,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub ms: u64,
    pub headers: Vec<HeaderPair>,
    /// The JSON answer as text (up to `SHOWN_BYTES`).
    pub body: String,
    /// The body was longer than shown (saving writes all of it).
    pub truncated: bool,
    /// Pages read and items gathered ("all pages").
    pub pages: u32,
    pub items: Option<u32>,
    /// JumpCloud's total, where it gives one.
    pub total: Option<f64>,
    /// What went wrong, or what was done, in a sentence.
    pub message: String,
    /// The audit row of a call that changes something.
    pub audit_id: Option<f64>,
}

impl ConsoleAnswer {
    pub(crate) fn failed(e: &jumpcloud::Error, ms: u64) -> Self {
        Self {
            status: e.status(),
            ok: false,
            ms,
            headers: vec![],
            body: String::new(),
            truncated: false,
            pages: 0,
            items: None,
            total: None,
            message: e.to_string(),
            audit_id: None,
        }
    }
}

/// The headers worth showing, in `SHOWN_HEADERS` order.
pub(crate) fn shown_headers(h: &jumpcloud::HeaderMap) -> Vec<HeaderPair> {
    SHOWN_HEADERS
        .iter()
        .filter_map(|n| {
            h.get(*n).and_then(|v| v.to_str().ok()).map(|v| HeaderPair {
                name: n.to_string(),
                value: v.to_string(),
            })
        })
        .collect()
}

/// The body as text for the screen, cut at `SHOWN_BYTES`.
pub(crate) fn shown_body(v: &Value) -> (String, bool) {
    let text = serde_json::to_string_pretty(v).unwrap_or_default();
    if text.len() <= SHOWN_BYTES {
        return (text, false);
    }
    let mut cut = SHOWN_BYTES;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    (text[..cut].to_string(), true)
}

pub(crate) fn body_value(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

/// The kind of record a path acts on, for the audit row.
fn target_kind(rest: &str) -> RecordKind {
    let segs: Vec<&str> = rest.split('/').collect();
    if segs.iter().any(|s| matches!(*s, "usergroups" | "systemgroups")) {
        RecordKind::Group
    } else if segs.iter().any(|s| matches!(*s, "applications")) {
        RecordKind::App
    } else if segs.iter().any(|s| matches!(*s, "systems")) {
        RecordKind::System
    } else {
        RecordKind::User
    }
}

/// Sends a call that changes something, once, with its audit rows: the intent before, the
/// outcome after (a lost answer recorded as unknown).
pub async fn write(
    client: &jumpcloud::Client,
    cache: &Mutex<Cache>,
    actor: &Actor,
    parts: &Parts,
    checked: &Checked,
) -> Result<(ConsoleAnswer, Value), rollcall_cache::CacheError> {
    let path = format!("{}{}", parts.api.prefix(), parts.rest);
    let intent = AuditIntent {
        org_id: actor.org_id.clone(),
        operator: actor.operator.clone(),
        action: AuditAction::ApiCall,
        target_kind: target_kind(&parts.rest),
        // The record the path names (its first object id), else its last segment.
        target_id: parts
            .rest
            .split('/')
            .find(|s| s.len() == 24 && s.chars().all(|c| c.is_ascii_hexdigit()))
            .or_else(|| parts.rest.rsplit('/').find(|s| !s.is_empty()))
            .unwrap_or("")
            .to_string(),
        target_label: checked.in_words.clone(),
        params: serde_json::json!({
            "method": parts.method.as_str(),
            "path": path,
            "query": parts.query,
            "body": parts.body.as_ref().map(redacted),
        })
        .to_string(),
        run_id: None,
    };
    let audit_id = cache.lock().audit_intent(&now_rfc3339(), &intent)?;
    let call = client_call(parts);
    let started = Instant::now();
    let result = client.send(&call).await;
    let ms = started.elapsed().as_millis() as u64;
    let (mut answer, value) = match &result {
        Ok(a) => {
            let value = body_value(&a.body);
            let (body, truncated) = shown_body(&value);
            (
                ConsoleAnswer {
                    status: Some(a.status.as_u16()),
                    ok: true,
                    ms,
                    headers: shown_headers(&a.headers),
                    body,
                    truncated,
                    pages: 1,
                    items: None,
                    total: None,
                    message: format!("JumpCloud accepted the call ({}).", a.status),
                    audit_id: None,
                },
                value,
            )
        }
        Err(e) => (ConsoleAnswer::failed(e, ms), Value::Null),
    };
    let status = match &result {
        Ok(_) => AuditStatus::Done,
        Err(jumpcloud::Error::OutcomeUnknown { .. }) => AuditStatus::Unknown,
        Err(_) => AuditStatus::Failed,
    };
    cache
        .lock()
        .audit_outcome(audit_id, &now_rfc3339(), status, answer.status, &answer.message)?;
    answer.audit_id = Some(audit_id as f64);
    Ok((answer, value))
}

/// The history row of a call (the body as written: Rollcall's requests hold no secret).
pub fn history_entry(req: &crate::apispec::ConsoleRequest, answer: &ConsoleAnswer) -> ConsoleEntry {
    ConsoleEntry {
        id: 0,
        at: now_rfc3339(),
        method: req.method.trim().to_ascii_uppercase(),
        path: copy::path_with_query(req),
        body: match serde_json::from_str::<Value>(&req.body) {
            Ok(v) => serde_json::to_string_pretty(&redacted(&v)).unwrap_or_default(),
            Err(_) => req.body.clone(),
        },
        status: answer.status,
        ms: answer.ms,
        outcome: answer.message.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_in_a_body_are_not_kept() {
        let body = json!({"username": "ada", "password": "hunter2", "mfa": {"pin": 1234}, "tags": [{"apiKey": "k"}], "mapping": "kept"});
        let kept = redacted(&body);
        assert_eq!(
            kept,
            json!({"username": "ada", "password": "<redacted>", "mfa": {"pin": "<redacted>"}, "tags": [{"apiKey": "<redacted>"}], "mapping": "kept"})
        );
    }
}

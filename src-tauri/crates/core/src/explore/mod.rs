//! The Directory Insights explorer: one filter (services, event types, time range, person,
//! device, success, full text and exact-match terms) asked of JumpCloud (`online`) or of the
//! org's own archive (`archive`), with the same meaning in both — the meaning is defined here,
//! once: `EventFilter::body` for JumpCloud, `EventFilter::matches` for the archive.

mod archive;
mod export;
mod online;

pub use archive::{archive_note, from_archive, FromArchive};
pub use export::{events_csv, events_xlsx};
pub use online::{last_login, Online};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Directory Insights' services (its spec's closed list, `all` aside), in the explorer's order.
pub const SERVICES: [&str; 21] = [
    "directory",
    "systems",
    "sso",
    "radius",
    "ldap",
    "mdm",
    "password_manager",
    "password_vault",
    "software",
    "object_storage",
    "alerts",
    "notifications",
    "reports",
    "saas_app_management",
    "access_management",
    "asset_management",
    "workflows",
    "genai",
    "aigw",
    "ai_admin",
    "generic_di",
];

/// The fields whose top values the explorer offers as filters.
pub const TOP_FIELDS: [&str; 6] = [
    "event_type",
    "initiated_by.username",
    "username",
    "system.hostname",
    "application.name",
    "client_ip",
];

/// The services every sync keeps in the archive (logins and directory changes).
pub const ALWAYS_ARCHIVED: [&str; 3] = rollcall_cache::LOGIN_SERVICES;

/// An exact-match term: the event's `field` (dotted, e.g. `initiated_by.username`) equals
/// `value` (case-insensitive: Directory Insights stores values in lowercase).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Term {
    pub field: String,
    pub value: String,
}

/// What the explorer asks for. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EventFilter {
    /// Directory Insights services; empty: all.
    pub services: Vec<String>,
    pub event_types: Vec<String>,
    /// RFC 3339 (UTC).
    pub start: String,
    /// RFC 3339 (UTC); empty: now.
    pub end: String,
    /// A username: the person who acted or logged in.
    pub person: String,
    /// A device's id.
    pub device: String,
    pub success: Option<bool>,
    /// Full text.
    pub q: String,
    pub all_of: Vec<Term>,
    pub any_of: Vec<Term>,
    pub none_of: Vec<Term>,
}

/// Where events are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum EventSource {
    /// JumpCloud's Directory Insights (the last 90 days).
    Jumpcloud,
    /// The org's own archive, offline, as far back as it was kept.
    Archive,
}

/// One event in the explorer's table.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EventLine {
    pub id: String,
    pub at: String,
    pub service: String,
    pub event_type: String,
    pub success: Option<bool>,
    /// The outcome in words: "success", "failed", or empty when the event says none.
    pub outcome: String,
    /// Who acted or logged in (username or email).
    pub who: String,
    pub user_id: String,
    /// The device (hostname), if any.
    pub device: String,
    pub system_id: String,
    pub client_ip: String,
    /// The whole event as JSON text (rendered as text, never as markup).
    pub json: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EventsPage {
    pub lines: Vec<EventLine>,
    /// The cursor of the next page, if there is one.
    pub next: Option<String>,
    pub source: EventSource,
}

/// The time buckets of a histogram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Bucketing {
    Hour,
    Day,
    Week,
}

impl Bucketing {
    /// The bucket for a range: hours up to two days, days up to two months, else weeks.
    pub fn for_range(start_ms: i64, end_ms: i64) -> Self {
        let days = (end_ms - start_ms) as f64 / 86_400_000.0;
        if days <= 2.0 {
            Bucketing::Hour
        } else if days <= 62.0 {
            Bucketing::Day
        } else {
            Bucketing::Week
        }
    }

    pub fn millis(self) -> i64 {
        match self {
            Bucketing::Hour => 3_600_000,
            Bucketing::Day => 86_400_000,
            Bucketing::Week => 7 * 86_400_000,
        }
    }

    /// Directory Insights' `interval_unit`.
    fn unit(self) -> &'static str {
        match self {
            Bucketing::Hour => "h",
            Bucketing::Day => "d",
            Bucketing::Week => "w",
        }
    }

    /// The start of the bucket holding `ms` (weeks start on Monday, as Directory Insights'
    /// calendar weeks do).
    pub fn floor(self, ms: i64) -> i64 {
        // 1970-01-01 was a Thursday: Mondays are 4 days later modulo a week.
        let offset = if self == Bucketing::Week { 4 * 86_400_000 } else { 0 };
        (ms - offset).div_euclid(self.millis()) * self.millis() + offset
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Bucket {
    /// The bucket's start (RFC 3339, UTC).
    pub at: String,
    pub count: f64,
}

/// The histogram of every bucket from the one holding `start` to the one holding `end`,
/// counted by `count`.
fn every_bucket(bucketing: Bucketing, start: i64, end: i64, count: impl Fn(i64) -> f64) -> Histogram {
    let mut buckets = vec![];
    let mut at = bucketing.floor(start);
    while at <= end && buckets.len() < 10_000 {
        buckets.push(Bucket {
            at: rollcall_cache::format_ms(at),
            count: count(at),
        });
        at += bucketing.millis();
    }
    Histogram {
        bucketing,
        step_ms: bucketing.millis() as f64,
        buckets,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Histogram {
    pub bucketing: Bucketing,
    /// A bucket's length in milliseconds.
    pub step_ms: f64,
    pub buckets: Vec<Bucket>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ValueCount {
    pub value: String,
    pub count: f64,
}

/// The fields a person is named by in events: device logins carry `username`, the rest
/// `initiated_by.username`.
const PERSON_FIELDS: [&str; 2] = ["initiated_by.username", "username"];

fn term(field: &str, value: impl Into<Value>) -> Value {
    json!({ field: value.into() })
}

impl EventFilter {
    /// The time range in milliseconds (the end defaults to `now_ms`).
    pub fn range_ms(&self, now_ms: i64) -> (i64, i64) {
        let start = rollcall_cache::parse_ms(&self.start).unwrap_or(now_ms - 7 * 86_400_000);
        let end = rollcall_cache::parse_ms(&self.end).unwrap_or(now_ms);
        (start, end)
    }

    /// Directory Insights' `search_term`: every condition under `and`, alternatives and
    /// exclusions nested in it.
    pub fn search_term(&self) -> Option<Value> {
        let mut and: Vec<Value> = self
            .all_of
            .iter()
            .filter(|t| !t.field.trim().is_empty())
            .map(|t| term(t.field.trim(), t.value.clone()))
            .collect();
        if !self.person.trim().is_empty() {
            let p = self.person.trim().to_lowercase();
            and.push(json!({ "or": PERSON_FIELDS.iter().map(|f| term(f, p.clone())).collect::<Vec<_>>() }));
        }
        if !self.device.trim().is_empty() {
            and.push(term("system.id", self.device.trim()));
        }
        if let Some(s) = self.success {
            and.push(term("success", s));
        }
        if !self.event_types.is_empty() {
            and.push(
                json!({ "or": self.event_types.iter().map(|t| term("event_type", t.clone())).collect::<Vec<_>>() }),
            );
        }
        let list = |ts: &[Term]| -> Vec<Value> {
            ts.iter()
                .filter(|t| !t.field.trim().is_empty())
                .map(|t| term(t.field.trim(), t.value.clone()))
                .collect()
        };
        let any = list(&self.any_of);
        if !any.is_empty() {
            and.push(json!({ "or": any }));
        }
        let none = list(&self.none_of);
        if !none.is_empty() {
            and.push(json!({ "not": none }));
        }
        (!and.is_empty()).then(|| json!({ "and": and }))
    }

    /// The body of a Directory Insights query (events, count, interval, distinct).
    pub fn body(&self, now_ms: i64) -> Value {
        let (start, end) = self.range_ms(now_ms);
        let services: Vec<String> = if self.services.is_empty() {
            vec!["all".into()]
        } else {
            self.services.clone()
        };
        let mut b = json!({
            "service": services,
            "start_time": rollcall_cache::format_ms(start),
            "end_time": rollcall_cache::format_ms(end),
        });
        if !self.q.trim().is_empty() {
            b["q"] = json!(self.q.trim());
        }
        if let Some(t) = self.search_term() {
            b["search_term"] = t;
        }
        b
    }

    /// Whether deciding needs an event's JSON beyond the archive's columns (service, type,
    /// time, success, person, device): full text or exact terms.
    pub fn needs_json(&self) -> bool {
        let terms = |ts: &[Term]| ts.iter().any(|t| !t.field.trim().is_empty());
        !self.q.trim().is_empty() || terms(&self.all_of) || terms(&self.any_of) || terms(&self.none_of)
    }

    /// False when the event's raw JSON text cannot match: the full text, or a string value
    /// every event must have, is not in it (case aside). True: parse it and decide (`matches`).
    pub fn may_match_text(&self, raw: &str) -> bool {
        let q = self.q.trim();
        let wanted = self
            .all_of
            .iter()
            .filter(|t| !t.field.trim().is_empty() && !t.value.is_empty())
            .map(|t| t.value.as_str())
            .chain((!q.is_empty()).then_some(q))
            // A quote or a backslash is escaped in the raw text: such a value is left to `matches`.
            .filter(|w| !w.contains(['"', '\\']) && !w.chars().any(char::is_control));
        let mut lower: Option<String> = None;
        for w in wanted {
            let text = lower.get_or_insert_with(|| raw.to_lowercase());
            if !text.contains(&w.to_lowercase()) {
                return false;
            }
        }
        true
    }

    /// Whether an event (as JSON) passes the filter: the archive's side of `body`.
    pub fn matches(&self, ev: &Value) -> bool {
        if !self.services.is_empty() && !self.services.iter().any(|s| s == "all") {
            let service = ev.get("service").and_then(Value::as_str).unwrap_or("");
            if !self.services.iter().any(|s| s == service) {
                return false;
            }
        }
        if let Some(t) = self.search_term() {
            if !term_matches(&t, ev) {
                return false;
            }
        }
        let q = self.q.trim().to_lowercase();
        q.is_empty() || ev.to_string().to_lowercase().contains(&q)
    }
}

/// A dotted field of an event (`initiated_by.username`).
pub fn lookup<'a>(ev: &'a Value, field: &str) -> Option<&'a Value> {
    field.split('.').try_fold(ev, |v, k| v.get(k))
}

/// Directory Insights' `search_term` on one event: `and` / `or` / `not` lists of `{field:
/// value}` (nested conjunctions allowed); strings compare without case.
pub fn term_matches(t: &Value, ev: &Value) -> bool {
    let Some(m) = t.as_object() else { return true };
    let clause = |c: &Value| -> bool {
        let Some(cm) = c.as_object() else { return false };
        cm.iter().all(|(k, v)| match k.as_str() {
            "and" | "or" | "not" => term_matches(&json!({ k: v }), ev),
            field => match (lookup(ev, field), v) {
                (Some(Value::String(g)), Value::String(w)) => g.eq_ignore_ascii_case(w),
                (Some(g), w) => g == w,
                (None, _) => false,
            },
        })
    };
    let items = |v: &Value| -> Vec<Value> {
        match v {
            Value::Array(a) => a.clone(),
            other => vec![other.clone()],
        }
    };
    m.iter().all(|(k, v)| match k.as_str() {
        "and" => items(v).iter().all(clause),
        "or" => items(v).iter().any(clause),
        "not" => !items(v).iter().any(clause),
        _ => clause(t),
    })
}

/// An event as a line of the explorer's table.
pub fn line_of(ev: &Value) -> EventLine {
    let s = |field: &str| lookup(ev, field).and_then(Value::as_str).unwrap_or("").to_string();
    let first = |fields: &[&str]| fields.iter().map(|f| s(f)).find(|v| !v.is_empty()).unwrap_or_default();
    let user_id = if s("initiated_by.type") == "user" {
        s("initiated_by.id")
    } else {
        String::new()
    };
    EventLine {
        id: s("id"),
        at: s("timestamp"),
        service: s("service"),
        event_type: s("event_type"),
        success: ev.get("success").and_then(Value::as_bool),
        outcome: match ev.get("success").and_then(Value::as_bool) {
            Some(true) => "success".into(),
            Some(false) => "failed".into(),
            None => String::new(),
        },
        who: first(&["initiated_by.username", "username", "initiated_by.email"]),
        user_id,
        device: first(&["system.hostname", "system.displayName", "system.id"]),
        system_id: s("system.id"),
        client_ip: s("client_ip"),
        json: ev.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev() -> Value {
        json!({"id": "e1", "service": "systems", "event_type": "login_attempt", "success": false,
               "username": "Ada", "system": {"id": "s1", "hostname": "ada-mac"}, "timestamp": "2026-12-01T10:00:00Z"})
    }

    #[test]
    fn the_filter_means_the_same_for_jumpcloud_and_the_archive() {
        let f = EventFilter {
            services: vec!["systems".into()],
            event_types: vec!["login_attempt".into(), "user_login_attempt".into()],
            person: "ada".into(),
            success: Some(false),
            none_of: vec![Term {
                field: "system.id".into(),
                value: "s2".into(),
            }],
            ..Default::default()
        };
        let t = f.search_term().unwrap();
        assert_eq!(t["and"].as_array().unwrap().len(), 4);
        assert!(f.matches(&ev()));
        let mut g = f.clone();
        g.none_of[0].value = "S1".into();
        assert!(!g.matches(&ev()), "exact terms compare without case");
        g = f.clone();
        g.success = Some(true);
        assert!(!g.matches(&ev()));
        g = f.clone();
        g.q = "ADA-MAC".into();
        assert!(g.matches(&ev()));
        g.q = "bob".into();
        assert!(!g.matches(&ev()));
        let body = f.body(rollcall_cache::parse_ms("2026-12-05T00:00:00Z").unwrap());
        assert_eq!(body["service"], json!(["systems"]));
        assert_eq!(body["end_time"], json!("2026-12-05T00:00:00.000Z"));
        let line = line_of(&ev());
        assert_eq!((line.who.as_str(), line.device.as_str()), ("Ada", "ada-mac"));
    }

    #[test]
    fn buckets_follow_the_range_and_weeks_start_on_monday() {
        let day = 86_400_000;
        assert_eq!(Bucketing::for_range(0, day), Bucketing::Hour);
        assert_eq!(Bucketing::for_range(0, 30 * day), Bucketing::Day);
        assert_eq!(Bucketing::for_range(0, 365 * day), Bucketing::Week);
        // 2026-12-02 is a Wednesday; its week starts on Monday 2026-11-30.
        let wed = rollcall_cache::parse_ms("2026-12-02T15:00:00Z").unwrap();
        let monday = Bucketing::Week.floor(wed);
        assert!(rollcall_cache::format_ms(monday).starts_with("2026-11-30T00:00:00"));
    }
}

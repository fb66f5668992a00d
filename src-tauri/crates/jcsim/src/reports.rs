//! Directory Insights bulk reports (ENDPOINTS.md §10): requested, generated in the background
//! (`PENDING` → `IN_PROGRESS` → `COMPLETED` after `generate_ms` of real time), downloaded as a
//! JSON or CSV artifact, gone after `expire_minutes`. The rows are the org as it was when the
//! report was requested. Faults on demand (`PUT /__sim/reports`): refused, failed, expired,
//! malformed rows, a truncated artifact, a partial one, a report that never finishes.

use crate::clock::rfc3339_ms;
use crate::world::Org;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use std::time::Instant;

/// The report types JumpCloud publishes; the first three are generated, the others answer an
/// empty report.
pub const REPORT_TYPES: &[&str] = &[
    "users-to-devices",
    "users-to-user-groups",
    "users-to-sso-applications",
    "browser-patch-policy",
    "os-patch-policy",
    "os-version",
    "software-inventory",
    "user-account-health",
    "users-to-directories",
    "users-to-ldap-servers",
    "users-to-radius-servers",
];

/// What goes wrong with reports, on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportFault {
    /// 403 "User role does not have access to Reports", whatever the role.
    Refused,
    /// Generation ends `FAILED`.
    Fail,
    /// The report is `DELETED` (expired) as soon as it completes; its artifacts are 404.
    Expire,
    /// Some rows lack a field the client needs, one names an id the org does not have.
    Malformed,
    /// The artifact is cut off mid-JSON (and mid-CSV).
    Truncated,
    /// Valid JSON, but only the first half of the rows.
    Partial,
    /// Stays `IN_PROGRESS` for ever.
    Stuck,
}

/// How reports behave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReportSettings {
    /// Real milliseconds from request to `COMPLETED` (the first fifth `PENDING`).
    pub generate_ms: u64,
    /// Simulated minutes a completed report stays downloadable.
    pub expire_minutes: i64,
    /// Applies to reports requested from now on.
    pub fault: Option<ReportFault>,
    /// The fault applies only to this report type (all when unset).
    pub fault_type: Option<String>,
}

impl Default for ReportSettings {
    fn default() -> Self {
        Self {
            generate_ms: 3000,
            expire_minutes: 7 * 24 * 60,
            fault: None,
            fault_type: None,
        }
    }
}

#[derive(Debug)]
struct Report {
    id: String,
    kind: String,
    org: usize,
    requested: Instant,
    created_ms: i64,
    requester_id: String,
    requester_email: String,
    fault: Option<ReportFault>,
    json: Vec<u8>,
    csv: Vec<u8>,
}

/// The reports requested so far, and how new ones behave.
#[derive(Debug, Default)]
pub struct Reports {
    pub settings: ReportSettings,
    list: Vec<Report>,
    counter: u64,
}

/// Where a report stands, and whether its artifacts can be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    InProgress,
    Completed,
    Failed,
    Deleted,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "PENDING",
            Status::InProgress => "IN_PROGRESS",
            Status::Completed => "COMPLETED",
            Status::Failed => "FAILED",
            Status::Deleted => "DELETED",
        }
    }
}

impl Reports {
    /// Requests a report of `kind` on `org` (as it is now); its metadata.
    pub fn request(&mut self, o: &Org, org: usize, kind: &str, who: (&str, &str), now_ms: i64) -> Value {
        self.counter += 1;
        let id = format!(
            "{:08x}{:016x}",
            (now_ms / 1000) as u32,
            0xE000_0000_0000u64 + self.counter
        );
        let s = &self.settings;
        let fault = s.fault.filter(|_| s.fault_type.as_deref().is_none_or(|t| t == kind));
        let mut rows = rows(o, kind);
        match fault {
            Some(ReportFault::Malformed) => malform(&mut rows),
            Some(ReportFault::Partial) => rows.truncate(rows.len() / 2),
            _ => {}
        }
        let mut json = serde_json::to_vec(&rows).unwrap_or_default();
        let mut csv = to_csv(&rows);
        if fault == Some(ReportFault::Truncated) {
            json.truncate(json.len() / 2);
            csv.truncate(csv.len() / 2);
        }
        self.list.push(Report {
            id,
            kind: kind.to_string(),
            org,
            requested: Instant::now(),
            created_ms: now_ms,
            requester_id: who.0.to_string(),
            requester_email: who.1.to_string(),
            fault,
            json,
            csv,
        });
        let r = self.list.last().expect("just pushed");
        self.meta(r)
    }

    fn status(&self, r: &Report) -> Status {
        let gen = self.settings.generate_ms as u128;
        let elapsed = r.requested.elapsed().as_millis();
        if elapsed < gen / 5 {
            Status::Pending
        } else if elapsed < gen || r.fault == Some(ReportFault::Stuck) {
            Status::InProgress
        } else {
            match r.fault {
                Some(ReportFault::Fail) => Status::Failed,
                Some(ReportFault::Expire) => Status::Deleted,
                _ => Status::Completed,
            }
        }
    }

    fn meta(&self, r: &Report) -> Value {
        let status = self.status(r);
        let done = matches!(status, Status::Completed | Status::Failed | Status::Deleted);
        let updated = if done {
            r.created_ms + self.settings.generate_ms as i64
        } else {
            r.created_ms
        };
        json!({
            "id": r.id,
            "type": r.kind,
            "status": status.as_str(),
            "artifacts": [
                { "id": format!("{}-json", r.id), "format": "JSON" },
                { "id": format!("{}-csv", r.id), "format": "CSV" },
            ],
            "created_at": rfc3339_ms(r.created_ms),
            "updated_at": rfc3339_ms(updated),
            "expiration": rfc3339_ms(r.created_ms + self.settings.expire_minutes * 60_000),
            "requester_id": r.requester_id,
            "requester_email": r.requester_email,
            "parameters": [],
        })
    }

    /// Reports of `org` not yet expired at `now_ms`, newest first (or oldest first when
    /// `ascending`).
    pub fn list(&self, org: usize, now_ms: i64, ascending: bool) -> Vec<Value> {
        let mut out: Vec<Value> = self
            .list
            .iter()
            .filter(|r| r.org == org)
            .map(|r| {
                let mut m = self.meta(r);
                if self.expired(r, now_ms) {
                    m["status"] = json!("DELETED");
                }
                m
            })
            .collect();
        if !ascending {
            out.reverse();
        }
        out
    }

    fn expired(&self, r: &Report, now_ms: i64) -> bool {
        now_ms > r.created_ms + self.settings.expire_minutes * 60_000
    }

    /// An artifact's body and whether it is JSON; `None` when there is no such report or
    /// artifact in `org`, or it is not (or no longer) downloadable.
    pub fn content(&self, org: usize, report: &str, artifact: &str, now_ms: i64) -> Option<(Vec<u8>, bool)> {
        let r = self.list.iter().find(|r| r.id == report && r.org == org)?;
        if self.status(r) != Status::Completed || self.expired(r, now_ms) {
            return None;
        }
        match artifact.strip_prefix(&r.id)? {
            "-json" => Some((r.json.clone(), true)),
            "-csv" => Some((r.csv.clone(), false)),
            _ => None,
        }
    }

    pub fn clear(&mut self) {
        self.list.clear();
    }
}

/// The user columns every report row carries.
fn user_cols(o: &Org, id: &str) -> Option<Map<String, Value>> {
    let u = o.users.get(id)?.rec();
    let mut m = Map::new();
    m.insert("user_object_id".into(), json!(u.id));
    m.insert("username".into(), json!(u.username));
    m.insert("email".into(), json!(u.email));
    Some(m)
}

fn row(o: &Org, user: &str, resource: &str, fields: &[(&str, Value)], via: &str) -> Option<Value> {
    let mut m = user_cols(o, user)?;
    m.insert("resource_object_id".into(), json!(resource));
    for (k, v) in fields {
        m.insert((*k).into(), v.clone());
    }
    m.insert("association_type".into(), json!(via));
    Some(Value::Object(m))
}

/// The rows of a report of `kind`, as the org stands.
pub fn rows(o: &Org, kind: &str) -> Vec<Value> {
    let members = |g: &str| o.ug_members.get(g).into_iter().flatten();
    let mut out = Vec::new();
    match kind {
        "users-to-devices" => {
            // (user, system, how) — direct bindings, then user groups bound to the system or
            // to a device group holding it.
            let mut pairs: BTreeSet<(String, String, &str)> = BTreeSet::new();
            for (sys, users) in &o.bindings {
                for u in users.keys() {
                    pairs.insert((u.clone(), sys.clone(), "direct"));
                }
            }
            for (g, systems) in &o.ug_systems {
                for s in systems {
                    for u in members(g) {
                        pairs.insert((u.clone(), s.clone(), "user_group"));
                    }
                }
            }
            for (g, sgs) in &o.ug_system_groups {
                for sg in sgs {
                    for s in o.sg_members.get(sg).into_iter().flatten() {
                        for u in members(g) {
                            pairs.insert((u.clone(), s.clone(), "system_group"));
                        }
                    }
                }
            }
            for (u, s, via) in pairs {
                let Some(sys) = o.systems.get(&s).map(|x| x.rec()) else {
                    continue;
                };
                let fields = [("hostname", json!(sys.hostname)), ("device_os", json!(sys.os))];
                out.extend(row(o, &u, &s, &fields, via));
            }
        }
        "users-to-user-groups" => {
            for (g, users) in &o.ug_members {
                let Some(group) = o.user_groups.get(g) else { continue };
                for u in users {
                    out.extend(row(o, u, g, &[("resource_name", json!(group.name))], "direct"));
                }
            }
        }
        "users-to-sso-applications" => {
            let mut pairs: BTreeSet<(String, String, &str)> = BTreeSet::new();
            for (app, users) in &o.app_users {
                for u in users {
                    pairs.insert((u.clone(), app.clone(), "direct"));
                }
            }
            for (app, groups) in &o.app_groups {
                for g in groups {
                    for u in members(g) {
                        pairs.insert((u.clone(), app.clone(), "user_group"));
                    }
                }
            }
            for (u, app, via) in pairs {
                let Some(a) = o.apps.get(&app) else { continue };
                out.extend(row(o, &u, &app, &[("resource_name", json!(a.display_label))], via));
            }
        }
        _ => {}
    }
    out
}

/// Rows a broken generator writes: a field missing here and there, an id nobody has.
fn malform(rows: &mut [Value]) {
    for (i, r) in rows.iter_mut().enumerate() {
        if i % 37 == 3 {
            if let Some(m) = r.as_object_mut() {
                m.remove("user_object_id");
            }
        }
        if i % 41 == 5 {
            r["resource_object_id"] = json!("000000000000000000000000");
        }
    }
}

/// The rows as CSV: the columns of the first row, every field quoted.
fn to_csv(rows: &[Value]) -> Vec<u8> {
    let cols: Vec<String> = rows
        .first()
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut out = cols.iter().map(|c| quote(c)).collect::<Vec<_>>().join(",");
    out.push('\n');
    for r in rows {
        let line = cols
            .iter()
            .map(|c| match r.get(c) {
                Some(Value::String(s)) => quote(s),
                Some(Value::Null) | None => String::new(),
                Some(v) => quote(&v.to_string()),
            })
            .collect::<Vec<_>>()
            .join(",");
        out.push_str(&line);
        out.push('\n');
    }
    out.into_bytes()
}

//! Directory Insights bulk reports (docs/jumpcloud-api.md §10): requested, generated in the background
//! (`PENDING` → `IN_PROGRESS` → `COMPLETED` after `generate_ms`, by the simulator's clock or the
//! wall clock, whichever has moved further: a test moves it on with `advance` instead of waiting,
//! and a stopped clock does not stop generation), downloaded as a
//! JSON or CSV artifact, gone after `expire_minutes`. The JSON artifact is written while the
//! report generates, from the org as it stands when requested (as JumpCloud's artifact is
//! stored by the time the report completes, and a download starts at once), the newest of a
//! type and org kept; the CSV one — and a JSON one no longer kept — is written when downloaded,
//! from the org as it then stands. Faults on demand (`PUT /__sim/reports`):
//! refused, failed, expired, malformed rows, a truncated artifact, a partial one, a report that
//! never finishes.

use crate::clock::rfc3339_ms;
use crate::world::Org;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write;
use std::time::Instant;

pub use crate::spooled::Spooled;

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
    /// Milliseconds from request to `COMPLETED` (the first fifth `PENDING`), simulated or real,
    /// whichever has passed first.
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
    /// The JSON artifact as written while the report generated.
    json: Written,
}

/// Where the JSON artifact written while a report generates stands.
#[derive(Debug, Default, Clone)]
enum Written {
    /// Not written ahead (or let go for a newer report of its type): written when downloaded.
    #[default]
    No,
    /// Being written by [`Reports::take_jobs`]' taker.
    Writing,
    Done(std::sync::Arc<Spooled>),
}

/// A JSON artifact to write while its report generates: the report, its org, what to write.
#[derive(Debug)]
pub struct Job {
    pub report: String,
    pub org: usize,
    pub artifact: Artifact,
}

/// The reports requested so far, and how new ones behave.
#[derive(Debug, Default)]
pub struct Reports {
    pub settings: ReportSettings,
    list: Vec<Report>,
    counter: u64,
    /// JSON artifacts to write (`take_jobs`).
    jobs: Vec<Job>,
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
    /// Requests a report of `kind` on the `org`-th org; its metadata. Its JSON artifact is to
    /// be written now (`take_jobs`), from the org as it stands; its CSV one when downloaded.
    pub fn request(&mut self, org: usize, kind: &str, who: (&str, &str), now_ms: i64) -> Value {
        self.counter += 1;
        let id = format!(
            "{:08x}{:016x}",
            (now_ms / 1000) as u32,
            0xE000_0000_0000u64 + self.counter
        );
        let s = &self.settings;
        let fault = s.fault.filter(|_| s.fault_type.as_deref().is_none_or(|t| t == kind));
        self.list.push(Report {
            id,
            kind: kind.to_string(),
            org,
            requested: Instant::now(),
            created_ms: now_ms,
            requester_id: who.0.to_string(),
            requester_email: who.1.to_string(),
            fault,
            json: Written::No,
        });
        let r = self.list.last().expect("just pushed");
        // A report that will never have an artifact is not written.
        if !matches!(
            fault,
            Some(ReportFault::Fail | ReportFault::Expire | ReportFault::Stuck)
        ) {
            self.jobs.push(Job {
                report: r.id.clone(),
                org,
                artifact: Artifact {
                    kind: r.kind.clone(),
                    fault,
                    json: true,
                },
            });
        }
        let r = self.list.last().expect("just pushed");
        self.meta(r, now_ms)
    }

    /// The JSON artifacts to write now (each report's once), marked as being written: until
    /// then a download writes its own.
    pub fn take_jobs(&mut self) -> Vec<Job> {
        let jobs = std::mem::take(&mut self.jobs);
        for job in &jobs {
            if let Some(r) = self.list.iter_mut().find(|r| r.id == job.report) {
                r.json = Written::Writing;
            }
        }
        jobs
    }

    /// A JSON artifact written while its report generated (None: it could not be; a download
    /// writes it). Only the newest report of a type and org keeps its file (an older one's is
    /// removed once no download reads it): a sync reads the newest.
    pub fn written(&mut self, report: &str, file: Option<Spooled>) {
        let Some(i) = self.list.iter().position(|r| r.id == report) else {
            return;
        };
        let (org, kind) = (self.list[i].org, self.list[i].kind.clone());
        let same = |r: &Report| r.org == org && r.kind == kind;
        let newer_kept = self.list[i + 1..]
            .iter()
            .any(|r| same(r) && matches!(r.json, Written::Done(_)));
        self.list[i].json = match file {
            Some(f) if !newer_kept => Written::Done(std::sync::Arc::new(f)),
            _ => Written::No,
        };
        if !newer_kept {
            for r in self.list[..i].iter_mut().filter(|r| same(r)) {
                if matches!(r.json, Written::Done(_)) {
                    r.json = Written::No;
                }
            }
        }
    }

    /// The JSON artifact of `report` as written ahead: `Some(Some(file))` when written,
    /// `Some(None)` while being written, None when a download must write it.
    pub fn written_json(&self, report: &str) -> Option<Option<std::sync::Arc<Spooled>>> {
        match &self.list.iter().find(|r| r.id == report)?.json {
            Written::No => None,
            Written::Writing => Some(None),
            Written::Done(f) => Some(Some(f.clone())),
        }
    }

    fn status(&self, r: &Report, now_ms: i64) -> Status {
        let gen = self.settings.generate_ms as i64;
        let elapsed = (now_ms - r.created_ms).max(r.requested.elapsed().as_millis() as i64);
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

    fn meta(&self, r: &Report, now_ms: i64) -> Value {
        let status = self.status(r, now_ms);
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
                let mut m = self.meta(r, now_ms);
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

    /// What a download of `artifact` of `report` in `org` would send (`None` when there is no
    /// such report or artifact, or it is not — or no longer — downloadable): read under the
    /// reports' lock, written by [`Artifact::write`] without it.
    pub fn artifact(&self, org: usize, report: &str, artifact: &str, now_ms: i64) -> Option<Artifact> {
        let r = self.list.iter().find(|r| r.id == report && r.org == org)?;
        if self.status(r, now_ms) != Status::Completed || self.expired(r, now_ms) {
            return None;
        }
        let json = match artifact.strip_prefix(&r.id)? {
            "-json" => true,
            "-csv" => false,
            _ => return None,
        };
        Some(Artifact {
            kind: r.kind.clone(),
            fault: r.fault,
            json,
        })
    }

    pub fn clear(&mut self) {
        self.list.clear();
        self.jobs.clear();
    }
}

/// A downloadable artifact: which report, its fault, JSON or CSV.
#[derive(Debug)]
pub struct Artifact {
    kind: String,
    fault: Option<ReportFault>,
    pub json: bool,
}

impl Artifact {
    /// The artifact's body, written to a temporary file — when downloaded, or ahead while the
    /// report generates (a large org's report runs to millions of rows and gigabytes; the
    /// simulator holds none of it in memory).
    pub fn write(&self, o: &Org) -> Option<Spooled> {
        let mut spooled = Spooled::write(|out| write(o, &self.kind, self.fault, self.json, out)).ok()?;
        if self.fault == Some(ReportFault::Truncated) {
            spooled.truncate(spooled.len / 2).ok()?;
        }
        Some(spooled)
    }
}

/// One report row: the user's columns, the resource's, how the user reaches it.
#[derive(Debug, Clone, Serialize)]
struct Row<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    user_object_id: Option<&'a str>,
    username: &'a str,
    email: &'a str,
    resource_object_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    hostname: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    device_os: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_name: Option<&'a str>,
    association_type: &'static str,
}

/// (user, resource, how) of every association a report of `kind` lists, in that order.
pub fn associations<'a>(o: &'a Org, kind: &str) -> Vec<(&'a str, &'a str, &'static str)> {
    let members = |g: &str| o.ug_members.get(g).into_iter().flatten();
    // A Vec sorted once: a large org's report holds millions of rows.
    let mut pairs = Vec::new();
    match kind {
        "users-to-devices" => {
            for (sys, users) in &o.bindings {
                for u in users.keys() {
                    pairs.push((u.as_str(), sys.as_str(), "direct"));
                }
            }
            for (g, systems) in &o.ug_systems {
                for s in systems {
                    for u in members(g) {
                        pairs.push((u.as_str(), s.as_str(), "user_group"));
                    }
                }
            }
            for (g, sgs) in &o.ug_system_groups {
                for sg in sgs {
                    for s in o.sg_members.get(sg).into_iter().flatten() {
                        for u in members(g) {
                            pairs.push((u.as_str(), s.as_str(), "system_group"));
                        }
                    }
                }
            }
        }
        "users-to-user-groups" => {
            for (g, users) in &o.ug_members {
                for u in users {
                    pairs.push((u.as_str(), g.as_str(), "direct"));
                }
            }
        }
        "users-to-sso-applications" => {
            for (app, users) in &o.app_users {
                for u in users {
                    pairs.push((u.as_str(), app.as_str(), "direct"));
                }
            }
            for (app, groups) in &o.app_groups {
                for g in groups {
                    for u in members(g) {
                        pairs.push((u.as_str(), app.as_str(), "user_group"));
                    }
                }
            }
        }
        _ => {}
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// The report as JSON or CSV, with `fault`'s damage: some rows missing a field and one naming
/// nobody (malformed), or only the first half (partial).
fn write(o: &Org, kind: &str, fault: Option<ReportFault>, json: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let pairs = associations(o, kind);
    // Each record's columns are read once (a report can hold millions of rows).
    let people: BTreeMap<&str, (String, String)> = o
        .users
        .iter()
        .map(|(id, s)| {
            let u = s.rec();
            (id.as_str(), (u.username, u.email))
        })
        .collect();
    type Cols = (Option<String>, Option<String>, Option<String>);
    let resources: BTreeMap<&str, Cols> = match kind {
        "users-to-devices" => o
            .systems
            .iter()
            .map(|(id, s)| {
                let sys = s.rec();
                (id.as_str(), (Some(sys.hostname), Some(sys.os), None))
            })
            .collect(),
        "users-to-user-groups" => o
            .user_groups
            .iter()
            .map(|(id, g)| (id.as_str(), (None, None, Some(g.name.clone()))))
            .collect(),
        _ => o
            .apps
            .iter()
            .map(|(id, a)| (id.as_str(), (None, None, Some(a.display_label.clone()))))
            .collect(),
    };
    let keep = if fault == Some(ReportFault::Partial) {
        pairs.len() / 2
    } else {
        pairs.len()
    };
    let rows = pairs.into_iter().take(keep).enumerate().filter_map(|(i, (u, r, via))| {
        let (username, email) = people.get(u)?;
        let (hostname, os, name) = resources.get(r)?;
        let bad = fault == Some(ReportFault::Malformed);
        Some(Row {
            user_object_id: (!bad || i % 37 != 3).then_some(u),
            username,
            email,
            resource_object_id: if bad && i % 41 == 5 { NOBODY } else { r },
            hostname: hostname.as_deref(),
            device_os: os.as_deref(),
            resource_name: name.as_deref(),
            association_type: via,
        })
    });
    if json {
        to_json(rows, out)
    } else {
        to_csv(kind, rows, out)
    }
}

const NOBODY: &str = "000000000000000000000000";

fn to_json<'a>(rows: impl Iterator<Item = Row<'a>>, out: &mut dyn Write) -> std::io::Result<()> {
    out.write_all(b"[")?;
    for (i, r) in rows.enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut *out, &r).map_err(std::io::Error::other)?;
    }
    out.write_all(b"]")
}

/// The rows as CSV: a header line, every field quoted.
fn to_csv<'a>(kind: &str, rows: impl Iterator<Item = Row<'a>>, out: &mut dyn Write) -> std::io::Result<()> {
    let devices = kind == "users-to-devices";
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let header: &[&str] = if devices {
        &[
            "user_object_id",
            "username",
            "email",
            "resource_object_id",
            "hostname",
            "device_os",
            "association_type",
        ]
    } else {
        &[
            "user_object_id",
            "username",
            "email",
            "resource_object_id",
            "resource_name",
            "association_type",
        ]
    };
    let line = |cols: &[&str]| cols.iter().map(|c| quote(c)).collect::<Vec<_>>().join(",") + "\n";
    out.write_all(line(header).as_bytes())?;
    for r in rows {
        let mut cols = vec![
            r.user_object_id.unwrap_or(""),
            r.username,
            r.email,
            r.resource_object_id,
        ];
        if devices {
            cols.extend([r.hostname.unwrap_or(""), r.device_os.unwrap_or("")]);
        } else {
            cols.push(r.resource_name.unwrap_or(""));
        }
        cols.push(r.association_type);
        out.write_all(line(&cols).as_bytes())?;
    }
    Ok(())
}

//! The queries the UI needs: paged, sorted, filtered lists with facet counts, search,
//! one-record "enrich" views, sync runs and the diff between two syncs. All filtering and
//! sorting happens in SQLite, never over the whole set in the caller.

use crate::dates::{format_ms, now_ms, parse_ms};
use crate::error::{CacheError, Result};
use crate::rows::*;
use crate::Cache;
use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Page<T> {
    /// Rows matching the filters (all pages).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub total: u64,
    pub rows: Vec<T>,
}

/// Counts per value of one filter dimension, computed with every other filter applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Facet {
    pub name: String,
    #[cfg_attr(feature = "specta", specta(type = Vec<(String, u32)>))]
    pub counts: Vec<(String, u64)>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UserQuery {
    pub search: Option<String>,
    pub states: Vec<String>,
    pub locked: Option<bool>,
    pub mfa: Option<bool>,
    pub group_id: Option<String>,
    pub department: Option<String>,
    /// One of: name, username, email, department, state, created.
    pub sort: Option<String>,
    pub desc: bool,
    pub offset: u32,
    pub limit: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SystemQuery {
    pub search: Option<String>,
    pub os_families: Vec<String>,
    pub os_version: Option<String>,
    pub fde: Option<bool>,
    pub mdm: Option<bool>,
    /// Last contact older than this many days (or never).
    pub stale_days: Option<u32>,
    pub unbound: Option<bool>,
    pub group_id: Option<String>,
    /// One of: hostname, os, os_version, last_contact, serial, model, created.
    pub sort: Option<String>,
    pub desc: bool,
    pub offset: u32,
    pub limit: u32,
    /// "Now" for the stale filter, RFC 3339.
    pub now: Option<String>,
}

/// State of the mirror.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SnapshotInfo {
    /// `complete` (a full sync finished), `partial` (the first import has not finished), `empty`.
    pub state: String,
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub sync_id: Option<i64>,
    /// When the last complete sync finished.
    pub as_of: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub users: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub systems: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub groups: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub apps: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncRun {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub id: i64,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub status: String,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub requests: i64,
    pub counts: String,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SearchHit {
    pub kind: String,
    pub id: String,
    pub label: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GroupSummary {
    pub group: GroupRow,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub members: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AppSummary {
    pub app: AppRow,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub users: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub groups: u64,
}

/// A user with everything around them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UserDetail {
    pub user: UserRow,
    pub groups: Vec<GroupRow>,
    pub devices: Vec<SystemRow>,
    /// (app, how: "direct" or the group name)
    pub apps: Vec<(AppRow, String)>,
    pub admin_role: Option<String>,
    pub last_login: Option<String>,
    pub manager: Option<UserRow>,
    pub recent_events: Vec<EventRow>,
}

/// A device with its owner and surroundings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SystemDetail {
    pub system: SystemRow,
    /// Bound users (the owner is the one whose email matches the device's primary user, else the first).
    pub users: Vec<UserRow>,
    pub owner: Option<UserRow>,
    pub groups: Vec<GroupRow>,
    pub recent_events: Vec<EventRow>,
}

/// One record that changed between two syncs, with the fields that changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Changed {
    pub id: String,
    pub label: String,
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct KindDiff {
    pub added: Vec<(String, String)>,
    pub removed: Vec<(String, String)>,
    pub changed: Vec<Changed>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncDiff {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub from: i64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub to: i64,
    pub records: BTreeMap<String, KindDiff>,
    /// kind → (added edges, removed edges)
    pub edges: BTreeMap<String, (Vec<Edge>, Vec<Edge>)>,
}

pub(crate) fn user_row(r: &Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        id: r.get("id")?,
        username: r.get("username")?,
        email: r.get("email")?,
        firstname: r.get("firstname")?,
        lastname: r.get("lastname")?,
        displayname: r.get("displayname")?,
        department: r.get("department")?,
        job_title: r.get("job_title")?,
        employee_type: r.get("employee_type")?,
        employee_id: r.get("employee_id")?,
        location: r.get("location")?,
        company: r.get("company")?,
        manager_id: r.get("manager_id")?,
        state: r.get("state")?,
        locked: r.get("locked")?,
        locked_at: r.get("locked_at")?,
        mfa_configured: r.get("mfa_configured")?,
        mfa_status: r.get("mfa_status")?,
        password_expired: r.get("password_expired")?,
        password_expires_at: r.get("password_expires_at")?,
        created: r.get("created")?,
        json: r.get("json").unwrap_or_default(),
    })
}

pub(crate) fn system_row(r: &Row<'_>) -> rusqlite::Result<SystemRow> {
    Ok(SystemRow {
        id: r.get("id")?,
        display_name: r.get("display_name")?,
        hostname: r.get("hostname")?,
        serial: r.get("serial")?,
        os: r.get("os")?,
        os_family: r.get("os_family")?,
        os_version: r.get("os_version")?,
        arch: r.get("arch")?,
        hw_vendor: r.get("hw_vendor")?,
        model: r.get("model")?,
        memory_bytes: r.get("memory_bytes")?,
        cpu: r.get("cpu")?,
        fde_active: r.get("fde_active")?,
        fde_key_present: r.get("fde_key_present")?,
        fde_detail: r.get("fde_detail")?,
        mdm_vendor: r.get("mdm_vendor")?,
        mdm_enrolled: r.get("mdm_enrolled")?,
        mdm_device_id: r.get("mdm_device_id")?,
        last_contact: r.get("last_contact")?,
        active: r.get("active")?,
        agent_version: r.get("agent_version")?,
        created: r.get("created")?,
        json: r.get("json").unwrap_or_default(),
    })
}

fn group_row(r: &Row<'_>) -> rusqlite::Result<GroupRow> {
    Ok(GroupRow {
        id: r.get("id")?,
        kind: r.get("kind")?,
        name: r.get("name")?,
        description: r.get("description")?,
        email: r.get("email")?,
        json: r.get("json").unwrap_or_default(),
    })
}

fn app_row(r: &Row<'_>) -> rusqlite::Result<AppRow> {
    Ok(AppRow {
        id: r.get("id")?,
        name: r.get("name")?,
        label: r.get("label")?,
        sso_type: r.get("sso_type")?,
        active: r.get("active")?,
        json: r.get("json").unwrap_or_default(),
    })
}

fn event_row(r: &Row<'_>) -> rusqlite::Result<EventRow> {
    Ok(EventRow {
        id: r.get("id")?,
        at: r.get("at")?,
        service: r.get("service")?,
        event_type: r.get("event_type")?,
        success: r.get("success")?,
        user_id: r.get("user_id")?,
        username: r.get("username")?,
        system_id: r.get("system_id")?,
        app_id: r.get("app_id")?,
        json: r.get("json")?,
    })
}

/// WHERE-clause builder: conditions ANDed, parameters positional.
#[derive(Default)]
struct Where {
    conds: Vec<String>,
    params: Vec<Value>,
}

impl Where {
    fn push(&mut self, cond: &str, vals: impl IntoIterator<Item = Value>) {
        self.conds.push(cond.to_string());
        self.params.extend(vals);
    }
    fn sql(&self) -> String {
        if self.conds.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.conds.join(" AND "))
        }
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn in_list(col: &str, n: usize) -> String {
    format!("{col} IN ({})", vec!["?"; n].join(","))
}

impl UserQuery {
    fn filters(&self, skip: &str) -> Where {
        let mut w = Where::default();
        if let Some(m) = self.search.as_deref().and_then(crate::search::match_expr) {
            w.push(
                "id IN (SELECT ref FROM search_index WHERE search_index MATCH ? AND kind = 'user')",
                [text(&m)],
            );
        }
        if skip != "state" && !self.states.is_empty() {
            w.push(
                &in_list("state", self.states.len()),
                self.states.iter().map(|s| text(s)),
            );
        }
        if skip != "locked" {
            if let Some(l) = self.locked {
                w.push("locked = ?", [Value::Integer(l as i64)]);
            }
        }
        if skip != "mfa" {
            if let Some(m) = self.mfa {
                w.push("mfa_configured = ?", [Value::Integer(m as i64)]);
            }
        }
        if let Some(g) = &self.group_id {
            w.push(
                "id IN (SELECT member_id FROM group_members WHERE group_id = ?)",
                [text(g)],
            );
        }
        if skip != "department" {
            if let Some(d) = &self.department {
                w.push("department = ?", [text(d)]);
            }
        }
        w
    }
}

impl SystemQuery {
    fn stale_before(&self) -> Option<String> {
        let days = self.stale_days?;
        let now = self.now.as_deref().and_then(parse_ms).unwrap_or_else(now_ms);
        Some(format_ms(now - days as i64 * 86_400_000))
    }

    fn filters(&self, skip: &str) -> Where {
        let mut w = Where::default();
        if let Some(m) = self.search.as_deref().and_then(crate::search::match_expr) {
            w.push(
                "id IN (SELECT ref FROM search_index WHERE search_index MATCH ? AND kind = 'system')",
                [text(&m)],
            );
        }
        if skip != "os" && !self.os_families.is_empty() {
            w.push(
                &in_list("os_family", self.os_families.len()),
                self.os_families.iter().map(|s| text(s)),
            );
        }
        if let Some(v) = &self.os_version {
            w.push("os_version = ?", [text(v)]);
        }
        if skip != "fde" {
            if let Some(f) = self.fde {
                w.push("fde_active = ?", [Value::Integer(f as i64)]);
            }
        }
        if skip != "mdm" {
            if let Some(m) = self.mdm {
                w.push("mdm_enrolled = ?", [Value::Integer(m as i64)]);
            }
        }
        if skip != "stale" {
            if let Some(before) = self.stale_before() {
                w.push("(last_contact IS NULL OR last_contact < ?)", [text(&before)]);
            }
        }
        if skip != "unbound" {
            match self.unbound {
                Some(true) => w.push(
                    "NOT EXISTS (SELECT 1 FROM bindings b WHERE b.system_id = systems.id)",
                    [],
                ),
                Some(false) => w.push("EXISTS (SELECT 1 FROM bindings b WHERE b.system_id = systems.id)", []),
                None => {}
            }
        }
        if let Some(g) = &self.group_id {
            w.push(
                "id IN (SELECT member_id FROM group_members WHERE group_id = ?)",
                [text(g)],
            );
        }
        w
    }
}

fn page_bounds(offset: u32, limit: u32) -> (i64, i64) {
    (offset as i64, if limit == 0 { 100 } else { limit.min(5000) as i64 })
}

impl Cache {
    /// The last complete sync, if any.
    pub fn last_complete_sync(&self) -> Result<Option<(i64, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, finished_at FROM sync_runs WHERE status = 'complete' ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    pub fn snapshot(&self) -> Result<SnapshotInfo> {
        let last = self.last_complete_sync()?;
        let count = |t: &str| -> Result<u64> {
            Ok(self
                .conn
                .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get::<_, i64>(0))? as u64)
        };
        let users = count("users")?;
        let systems = count("systems")?;
        Ok(SnapshotInfo {
            state: if last.is_some() {
                "complete".into()
            } else if users + systems > 0 {
                "partial".into()
            } else {
                "empty".into()
            },
            sync_id: last.as_ref().map(|l| l.0),
            as_of: last.map(|l| l.1),
            users,
            systems,
            groups: count("groups")?,
            apps: count("apps")?,
        })
    }

    pub fn sync_runs(&self, limit: u32) -> Result<Vec<SyncRun>> {
        let mut stmt = self.conn.prepare("SELECT id, started_at, finished_at, status, requests, counts, error FROM sync_runs ORDER BY id DESC LIMIT ?")?;
        let rows = stmt.query_map([limit], |r| {
            Ok(SyncRun {
                id: r.get(0)?,
                started_at: r.get(1)?,
                finished_at: r.get(2)?,
                status: r.get(3)?,
                requests: r.get(4)?,
                counts: r.get(5)?,
                error: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn users(&self, q: &UserQuery) -> Result<Page<UserRow>> {
        let w = q.filters("");
        let order = match q.sort.as_deref().unwrap_or("name") {
            "username" => "username COLLATE NOCASE",
            "email" => "email COLLATE NOCASE",
            "department" => "department COLLATE NOCASE",
            "state" => "state",
            "created" => "created",
            _ => "lastname COLLATE NOCASE, firstname COLLATE NOCASE",
        };
        let dir = if q.desc { "DESC" } else { "ASC" };
        let total: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM users{}", w.sql()),
            rusqlite::params_from_iter(&w.params),
            |r| r.get(0),
        )?;
        let (off, lim) = page_bounds(q.offset, q.limit);
        let sql = format!(
            "SELECT * FROM users{} ORDER BY {order} {dir}, id LIMIT {lim} OFFSET {off}",
            w.sql()
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(&w.params), user_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Page {
            total: total as u64,
            rows,
        })
    }

    pub fn user_facets(&self, q: &UserQuery) -> Result<Vec<Facet>> {
        let mut out = vec![];
        for (name, expr) in [
            ("state", "state"),
            ("locked", "CASE locked WHEN 1 THEN 'locked' ELSE 'unlocked' END"),
            (
                "mfa",
                "CASE mfa_configured WHEN 1 THEN 'enrolled' ELSE 'not enrolled' END",
            ),
        ] {
            let w = q.filters(name);
            out.push(self.facet(name, expr, "users", &w)?);
        }
        Ok(out)
    }

    fn facet(&self, name: &str, expr: &str, table: &str, w: &Where) -> Result<Facet> {
        let sql = format!(
            "SELECT {expr} AS v, count(*) FROM {table}{} GROUP BY v ORDER BY count(*) DESC",
            w.sql()
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let counts = stmt
            .query_map(rusqlite::params_from_iter(&w.params), |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Facet {
            name: name.into(),
            counts,
        })
    }

    pub fn systems(&self, q: &SystemQuery) -> Result<Page<SystemRow>> {
        let w = q.filters("");
        let order = match q.sort.as_deref().unwrap_or("hostname") {
            "os" => "os_family, os",
            "os_version" => "os_version",
            "last_contact" => "last_contact",
            "serial" => "serial COLLATE NOCASE",
            "model" => "model COLLATE NOCASE",
            "created" => "created",
            _ => "hostname COLLATE NOCASE",
        };
        let dir = if q.desc { "DESC" } else { "ASC" };
        let total: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM systems{}", w.sql()),
            rusqlite::params_from_iter(&w.params),
            |r| r.get(0),
        )?;
        let (off, lim) = page_bounds(q.offset, q.limit);
        let sql = format!(
            "SELECT * FROM systems{} ORDER BY {order} {dir}, id LIMIT {lim} OFFSET {off}",
            w.sql()
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(&w.params), system_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Page {
            total: total as u64,
            rows,
        })
    }

    pub fn system_facets(&self, q: &SystemQuery) -> Result<Vec<Facet>> {
        let stale_before = q
            .stale_before()
            .unwrap_or_else(|| format_ms(q.now.as_deref().and_then(parse_ms).unwrap_or_else(now_ms) - 30 * 86_400_000));
        let stale_expr = format!(
            "CASE WHEN last_contact IS NULL OR last_contact < '{}' THEN 'stale' ELSE 'recent' END",
            stale_before.replace('\'', "")
        );
        let dims: [(&str, String); 5] = [
            ("os", "os_family".into()),
            ("fde", "CASE fde_active WHEN 1 THEN 'encrypted' ELSE 'not encrypted' END".into()),
            ("mdm", "CASE mdm_enrolled WHEN 1 THEN 'enrolled' ELSE 'not enrolled' END".into()),
            ("stale", stale_expr),
            ("unbound", "CASE WHEN EXISTS (SELECT 1 FROM bindings b WHERE b.system_id = systems.id) THEN 'bound' ELSE 'unbound' END".into()),
        ];
        dims.iter()
            .map(|(name, expr)| self.facet(name, expr, "systems", &q.filters(name)))
            .collect()
    }

    pub fn groups(&self, kind: &str, search: Option<&str>) -> Result<Vec<GroupSummary>> {
        let mut w = Where::default();
        // `user`, `system`, or empty for both.
        if !kind.is_empty() {
            w.push("g.kind = ?", [text(kind)]);
        }
        if let Some(m) = search.and_then(crate::search::match_expr) {
            w.push(
                "g.id IN (SELECT ref FROM search_index WHERE search_index MATCH ? AND kind = 'group')",
                [text(&m)],
            );
        }
        let sql = format!(
            "SELECT g.*, (SELECT count(*) FROM group_members m WHERE m.group_id = g.id) AS n FROM groups g{} ORDER BY g.name COLLATE NOCASE",
            w.sql()
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(&w.params), |r| {
            Ok(GroupSummary {
                group: group_row(r)?,
                members: r.get::<_, i64>("n")? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Members of a group: users for a user group, devices for a device group.
    pub fn group_members(&self, group_id: &str) -> Result<(Vec<UserRow>, Vec<SystemRow>)> {
        let mut s = self.conn.prepare_cached("SELECT u.* FROM users u JOIN group_members m ON m.member_id = u.id WHERE m.group_id = ? ORDER BY u.lastname, u.firstname")?;
        let users = s.query_map([group_id], user_row)?.collect::<rusqlite::Result<_>>()?;
        let mut s = self.conn.prepare_cached("SELECT s.* FROM systems s JOIN group_members m ON m.member_id = s.id WHERE m.group_id = ? ORDER BY s.hostname")?;
        let systems = s.query_map([group_id], system_row)?.collect::<rusqlite::Result<_>>()?;
        Ok((users, systems))
    }

    pub fn apps(&self) -> Result<Vec<AppSummary>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.*, (SELECT count(DISTINCT user_id) FROM app_users x WHERE x.app_id = a.id) AS n, (SELECT count(*) FROM app_groups g WHERE g.app_id = a.id) AS g FROM apps a ORDER BY a.label COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(AppSummary {
                app: app_row(r)?,
                users: r.get::<_, i64>("n")? as u64,
                groups: r.get::<_, i64>("g")? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn admins(&self) -> Result<Vec<AdminRow>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, email, name, role_name, suspended, mfa FROM admins ORDER BY name")?;
        let rows = stmt.query_map([], |r| {
            Ok(AdminRow {
                id: r.get(0)?,
                email: r.get(1)?,
                name: r.get(2)?,
                role_name: r.get(3)?,
                suspended: r.get(4)?,
                mfa: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One search box across everything: best matches first, at most `limit`. A one- or
    /// two-letter prefix matches thousands of rows, and ranking them all costs more than the
    /// ranking is worth while the admin is still typing: such short queries come back in index
    /// order.
    pub fn search(&self, input: &str, limit: u32) -> Result<Vec<SearchHit>> {
        let Some(m) = crate::search::match_expr(input) else {
            return Ok(vec![]);
        };
        // Ranking (bm25) costs time per match: skip it for one- or two-letter prefixes and for
        // words so common that thousands match (where no order is meaningful anyway).
        let ranked = input.chars().filter(|c| c.is_alphanumeric()).count() >= 3 && {
            let many: i64 = self
                .conn
                .prepare_cached(
                    "SELECT count(*) FROM (SELECT 1 FROM search_index WHERE search_index MATCH ?1 LIMIT 3000)",
                )?
                .query_row([&m], |r| r.get(0))?;
            many < 3000
        };
        let order = if ranked { "ORDER BY rank" } else { "" };
        let sql = format!(
            "SELECT s.kind, s.ref,
                CASE s.kind
                  WHEN 'user' THEN (SELECT displayname FROM users WHERE id = s.ref)
                  WHEN 'system' THEN (SELECT hostname FROM systems WHERE id = s.ref)
                  WHEN 'group' THEN (SELECT name FROM groups WHERE id = s.ref)
                  ELSE (SELECT label FROM apps WHERE id = s.ref) END,
                CASE s.kind
                  WHEN 'user' THEN (SELECT email FROM users WHERE id = s.ref)
                  WHEN 'system' THEN (SELECT os || ' · ' || serial FROM systems WHERE id = s.ref)
                  WHEN 'group' THEN (SELECT kind || ' group' FROM groups WHERE id = s.ref)
                  ELSE 'application' END
             FROM search_index s WHERE search_index MATCH ?1 {order} LIMIT ?2"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![m, limit], |r| {
            Ok(SearchHit {
                kind: r.get(0)?,
                id: r.get(1)?,
                label: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                detail: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A user by id, email or username, with groups, devices, apps, admin status and last login.
    pub fn user_detail(&self, key: &str) -> Result<Option<UserDetail>> {
        let user = self
            .conn
            .query_row("SELECT u.*, (SELECT json FROM records r WHERE r.kind = 'user' AND r.id = u.id) AS json FROM users u WHERE u.id = ?1 OR u.email = ?1 COLLATE NOCASE OR u.username = ?1 COLLATE NOCASE LIMIT 1", [key], user_row)
            .optional()?;
        let Some(user) = user else { return Ok(None) };
        let id = user.id.clone();
        let mut s = self.conn.prepare_cached(
            "SELECT g.* FROM groups g JOIN group_members m ON m.group_id = g.id WHERE m.member_id = ? ORDER BY g.name",
        )?;
        let groups = s.query_map([&id], group_row)?.collect::<rusqlite::Result<_>>()?;
        let mut s = self.conn.prepare_cached(
            "SELECT s.* FROM systems s JOIN bindings b ON b.system_id = s.id WHERE b.user_id = ? ORDER BY s.hostname",
        )?;
        let devices = s.query_map([&id], system_row)?.collect::<rusqlite::Result<_>>()?;
        let mut s = self.conn.prepare_cached(
            "SELECT a.*, CASE WHEN x.via_group = '' THEN 'direct' ELSE COALESCE((SELECT name FROM groups WHERE id = x.via_group), x.via_group) END AS how
             FROM apps a JOIN app_users x ON x.app_id = a.id WHERE x.user_id = ? ORDER BY a.label",
        )?;
        let apps = s
            .query_map([&id], |r| Ok((app_row(r)?, r.get::<_, String>("how")?)))?
            .collect::<rusqlite::Result<_>>()?;
        let admin_role = self
            .conn
            .query_row(
                "SELECT role_name FROM admins WHERE email = ? COLLATE NOCASE",
                [&user.email],
                |r| r.get(0),
            )
            .optional()?;
        let last_login = self
            .conn
            .query_row("SELECT max(at) FROM events WHERE (user_id = ?1 OR username = ?2) AND success = 1 AND event_type IN ('user_login_attempt', 'login_attempt', 'sso_auth')", params![id, user.username], |r| r.get(0))
            .optional()?
            .flatten();
        let manager = match &user.manager_id {
            Some(m) => self
                .conn
                .query_row("SELECT * FROM users WHERE id = ?", [m], user_row)
                .optional()?,
            None => None,
        };
        let mut s = self
            .conn
            .prepare_cached("SELECT * FROM events WHERE user_id = ?1 OR username = ?2 ORDER BY at DESC LIMIT 50")?;
        let recent_events = s
            .query_map(params![id, user.username], event_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some(UserDetail {
            user,
            groups,
            devices,
            apps,
            admin_role,
            last_login,
            manager,
            recent_events,
        }))
    }

    /// A device by id, hostname or serial, with its bound users (owner first), groups and events.
    pub fn system_detail(&self, key: &str) -> Result<Option<SystemDetail>> {
        let system = self
            .conn
            .query_row("SELECT s.*, (SELECT json FROM records r WHERE r.kind = 'system' AND r.id = s.id) AS json FROM systems s WHERE s.id = ?1 OR s.hostname = ?1 COLLATE NOCASE OR s.serial = ?1 COLLATE NOCASE LIMIT 1", [key], system_row)
            .optional()?;
        let Some(system) = system else { return Ok(None) };
        let mut s = self.conn.prepare_cached(
            "SELECT u.* FROM users u JOIN bindings b ON b.user_id = u.id WHERE b.system_id = ? ORDER BY u.lastname",
        )?;
        let users: Vec<UserRow> = s.query_map([&system.id], user_row)?.collect::<rusqlite::Result<_>>()?;
        let primary: Option<String> = serde_json::from_str::<serde_json::Value>(&system.json)
            .ok()
            .and_then(|v| {
                v.pointer("/primarySystemUser/id")
                    .and_then(|x| x.as_str())
                    .map(String::from)
            });
        let owner = primary
            .as_ref()
            .and_then(|p| users.iter().find(|u| &u.id == p))
            .or_else(|| users.first())
            .cloned();
        let mut s = self.conn.prepare_cached(
            "SELECT g.* FROM groups g JOIN group_members m ON m.group_id = g.id WHERE m.member_id = ? ORDER BY g.name",
        )?;
        let groups = s.query_map([&system.id], group_row)?.collect::<rusqlite::Result<_>>()?;
        let mut s = self
            .conn
            .prepare_cached("SELECT * FROM events WHERE system_id = ? ORDER BY at DESC LIMIT 50")?;
        let recent_events = s.query_map([&system.id], event_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(Some(SystemDetail {
            system,
            users,
            owner,
            groups,
            recent_events,
        }))
    }

    /// What changed between complete syncs `from` and `to`.
    pub fn diff(&self, from: i64, to: i64) -> Result<SyncDiff> {
        for id in [from, to] {
            let ok: Option<i64> = self
                .conn
                .query_row(
                    "SELECT id FROM sync_runs WHERE id = ? AND status = 'complete'",
                    [id],
                    |r| r.get(0),
                )
                .optional()?;
            if ok.is_none() {
                return Err(CacheError::NoSuchSync(id));
            }
        }
        let mut out = SyncDiff {
            from,
            to,
            ..Default::default()
        };
        for kind in crate::history::RECORD_KINDS {
            let at = |sync: i64| -> Result<BTreeMap<String, (i64, String)>> {
                let mut s = self.conn.prepare_cached("SELECT id, hash, json FROM history_records WHERE kind = ?1 AND first_sync <= ?2 AND last_sync >= ?2")?;
                let rows = s.query_map(params![kind, sync], |r| {
                    Ok((r.get::<_, String>(0)?, (r.get::<_, i64>(1)?, r.get::<_, String>(2)?)))
                })?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            };
            let (a, b) = (at(from)?, at(to)?);
            let mut d = KindDiff::default();
            for (id, (h, json)) in &b {
                match a.get(id) {
                    None => d.added.push((id.clone(), label_of(json))),
                    Some((ha, ja)) if ha != h => d.changed.push(Changed {
                        id: id.clone(),
                        label: label_of(json),
                        fields: changed_fields(ja, json),
                    }),
                    _ => {}
                }
            }
            for (id, (_, json)) in &a {
                if !b.contains_key(id) {
                    d.removed.push((id.clone(), label_of(json)));
                }
            }
            out.records.insert(kind.to_string(), d);
        }
        for (kind, ..) in crate::history::EDGE_KINDS {
            let at = |sync: i64| -> Result<std::collections::BTreeSet<Edge>> {
                let mut s = self.conn.prepare_cached(
                    "SELECT a, b FROM history_edges WHERE kind = ?1 AND first_sync <= ?2 AND last_sync >= ?2",
                )?;
                let rows = s.query_map(params![kind, sync], |r| {
                    Ok(Edge {
                        a: r.get(0)?,
                        b: r.get(1)?,
                    })
                })?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            };
            let (a, b) = (at(from)?, at(to)?);
            out.edges.insert(
                kind.to_string(),
                (b.difference(&a).cloned().collect(), a.difference(&b).cloned().collect()),
            );
        }
        Ok(out)
    }
}

fn label_of(json: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    for k in ["username", "hostname", "name", "displayLabel", "displayName"] {
        if let Some(s) = v.get(k).and_then(|x| x.as_str()).filter(|s| !s.is_empty()) {
            return s.to_string();
        }
    }
    String::new()
}

/// Top-level fields whose values differ.
pub fn changed_fields(a: &str, b: &str) -> Vec<String> {
    let (a, b): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(a).unwrap_or_default(),
        serde_json::from_str(b).unwrap_or_default(),
    );
    let empty = serde_json::Map::new();
    let (ma, mb) = (a.as_object().unwrap_or(&empty), b.as_object().unwrap_or(&empty));
    let mut keys: Vec<String> = ma
        .keys()
        .chain(mb.keys())
        .filter(|k| ma.get(*k) != mb.get(*k))
        .cloned()
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

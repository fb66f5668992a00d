//! The event archive: Directory Insights events kept in the org's file past JumpCloud's 90
//! days (logins from every sync, and the services the admin chose to archive), compressed with
//! the events' dictionary and ordered by time, so a time range is one ordered scan.
//!
//! The archive lives outside the sync's snapshot tables: a sync adds to it and never removes
//! from it. The cache filters on the columns it keeps; what an event query means beyond them
//! (full text, search terms on any field) is core's rule, applied to each event's JSON.

use crate::error::Result;
use crate::Cache;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

/// Migration 17: the archive, saved queries and the API console's history.
pub(crate) const DDL: &str = "
CREATE TABLE event_archive (
    -- Milliseconds since the epoch: ordered whatever the precision JumpCloud wrote.
    at INTEGER NOT NULL,
    id TEXT NOT NULL,
    service TEXT NOT NULL DEFAULT '',
    event_type TEXT NOT NULL DEFAULT '',
    success INTEGER NOT NULL DEFAULT 0,
    username TEXT NOT NULL DEFAULT '',
    system_id TEXT NOT NULL DEFAULT '',
    json BLOB NOT NULL,
    PRIMARY KEY (at, id)
) WITHOUT ROWID;
CREATE INDEX event_archive_user ON event_archive(username, at);
INSERT INTO event_archive (at, id, service, event_type, success, username, system_id, json)
    SELECT CAST(round((julianday(at) - 2440587.5) * 86400000) AS INTEGER), id, service, event_type, success,
           lower(username), system_id, json
    FROM events WHERE julianday(at) IS NOT NULL;
CREATE TABLE saved_queries (
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (kind, name)
) WITHOUT ROWID;
CREATE TABLE console_history (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    status INTEGER,
    ms INTEGER NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL DEFAULT ''
);
";

/// The services whose events every sync reads (logins to devices, the portal and apps): the
/// `events` view of the mirror shows these.
pub const LOGIN_SERVICES: [&str; 3] = ["directory", "systems", "sso"];

/// Migration 18: the login events live in the archive only. The `events` table the mirror kept
/// beside it (the same events, a second time, copied into each sync's snapshot) becomes a view
/// of the archive's logins with the same columns, so every reader of `events` is unchanged; the
/// archive gains the two columns only `events` had, and an index by device.
pub(crate) const LOGINS_IN_ARCHIVE: &str = "
ALTER TABLE event_archive ADD COLUMN user_id TEXT NOT NULL DEFAULT '';
ALTER TABLE event_archive ADD COLUMN app_id TEXT NOT NULL DEFAULT '';
UPDATE event_archive SET user_id = e.user_id, app_id = e.app_id
    FROM events e WHERE e.id = event_archive.id AND (e.user_id != '' OR e.app_id != '');
-- Events whose time could not be read were left out of the archive by migration 17: kept at
-- the epoch, as the archive keeps such events.
INSERT OR IGNORE INTO event_archive (at, id, service, event_type, success, username, system_id, json, user_id, app_id)
    SELECT 0, id, service, event_type, success, lower(username), system_id, json, user_id, app_id
    FROM events WHERE julianday(at) IS NULL;
CREATE INDEX event_archive_system ON event_archive(system_id, at);
DROP TABLE events;
DROP TABLE s_events;
CREATE VIEW events AS
    SELECT id,
           strftime('%Y-%m-%dT%H:%M:%S', at / 1000, 'unixepoch') || '.' || printf('%03d', at % 1000) || 'Z' AS at,
           service, event_type, success, user_id, username, system_id, app_id, '' AS json
    FROM event_archive WHERE service IN ('directory', 'systems', 'sso') AND at > 0;
";

/// The setting naming the services archived beyond logins (a JSON array).
const ARCHIVE_SERVICES: &str = "archive_services";

/// Which archived events a scan visits: the columns the archive keeps. Empty lists and None
/// do not filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArchiveScan {
    pub services: Vec<String>,
    pub event_types: Vec<String>,
    /// RFC 3339, inclusive.
    pub start: String,
    /// RFC 3339, inclusive; empty: no end.
    pub end: String,
    /// Lowercase, as Directory Insights stores it.
    pub username: Option<String>,
    pub system_id: Option<String>,
    pub success: Option<bool>,
    /// Only events past this (at in ms, id), in the scan's order.
    pub after: Option<(i64, String)>,
    pub newest_first: bool,
}

/// One archived event.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchivedEvent {
    /// Milliseconds since the epoch.
    pub at: i64,
    pub id: String,
    pub json: String,
}

/// What the archive holds of one service.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ArchiveSpan {
    pub service: String,
    pub from: String,
    pub to: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub events: u64,
}

/// A query kept under a name (explorer or console), its body as core wrote it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SavedQuery {
    pub kind: String,
    pub name: String,
    pub body: String,
    pub saved_at: String,
}

/// One call made through the API console (never the key: Rollcall's requests hold none).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConsoleEntry {
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub id: i64,
    pub at: String,
    pub method: String,
    pub path: String,
    pub body: String,
    pub status: Option<u16>,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub ms: u64,
    pub outcome: String,
}

impl Cache {
    /// The WHERE clause (and its arguments) of `scan`, with its order.
    fn archive_where(scan: &ArchiveScan) -> (String, Vec<Box<dyn rusqlite::ToSql>>) {
        let ms = |s: &str| crate::dates::parse_ms(s);
        let mut sql = String::from(" WHERE at >= ?1");
        let mut args: Vec<Box<dyn rusqlite::ToSql>> = vec![Box::new(ms(&scan.start).unwrap_or(i64::MIN))];
        let mut arg = |sql: &mut String, clause: &str, v: Box<dyn rusqlite::ToSql>| {
            args.push(v);
            sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
        };
        if let Some(end) = ms(&scan.end) {
            arg(&mut sql, " AND at <= ?", Box::new(end));
        }
        if let Some(u) = &scan.username {
            arg(&mut sql, " AND username = ?", Box::new(u.to_lowercase()));
        }
        if let Some(s) = &scan.system_id {
            // The device index holds the events that name one.
            arg(&mut sql, " AND system_id = ? AND system_id <> ''", Box::new(s.clone()));
        }
        if let Some(s) = scan.success {
            arg(&mut sql, " AND success = ?", Box::new(s));
        }
        for (col, list) in [("service", &scan.services), ("event_type", &scan.event_types)] {
            if !list.is_empty() {
                let json = serde_json::to_string(list).unwrap_or_default();
                arg(
                    &mut sql,
                    &format!(" AND {col} IN (SELECT value FROM json_each(?))"),
                    Box::new(json),
                );
            }
        }
        let cmp = if scan.newest_first { "<" } else { ">" };
        if let Some((at, id)) = &scan.after {
            arg(&mut sql, &format!(" AND (at, key) {cmp} (?"), Box::new(*at));
            // The id as the archive keys it (each `?` of the rule is this argument).
            arg(
                &mut sql,
                &format!(", {})", crate::event_log::key_of("?")),
                Box::new(id.clone()),
            );
        }
        (sql, args)
    }

    /// Visits the archived events `scan` selects, in its order, until `visit` returns false.
    /// With `json` false the events' JSON is not read (it comes empty).
    pub fn archive_scan(
        &self,
        scan: &ArchiveScan,
        json: bool,
        visit: &mut dyn FnMut(ArchivedEvent) -> bool,
    ) -> Result<()> {
        let (filter, args) = Self::archive_where(scan);
        let order = if scan.newest_first {
            " ORDER BY at DESC, key DESC"
        } else {
            " ORDER BY at, key"
        };
        let body = if json { "json" } else { "''" };
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT at, id, {body} FROM event_archive{filter}{order}"))?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args.iter().map(|b| b.as_ref())))?;
        while let Some(r) = rows.next()? {
            let json: crate::packed::Packed = r.get(2)?;
            if !visit(ArchivedEvent {
                at: r.get(0)?,
                id: r.get(1)?,
                json: json.0,
            }) {
                break;
            }
        }
        Ok(())
    }

    /// The most frequent values of a kept column (`service`, `event_type`, `username`,
    /// `system_id`) among the events `scan` selects, most frequent first.
    pub fn archive_top(&self, scan: &ArchiveScan, column: &str, limit: u32) -> Result<Vec<(String, u64)>> {
        if !matches!(column, "service" | "event_type" | "username" | "system_id") {
            return Ok(vec![]);
        }
        let (filter, args) = Self::archive_where(scan);
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {column}, count(*) FROM event_archive{filter} AND {column} != '' GROUP BY {column} ORDER BY 2 DESC, 1 LIMIT {limit}"
        ))?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter().map(|b| b.as_ref())), |r| {
            Ok((r.get(0)?, r.get::<_, i64>(1)? as u64))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The bytes the file's pages take (after writing the log back into it), for figures.
    pub fn used_bytes(&self) -> Result<u64> {
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        let pages: i64 = self.conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        let size: i64 = self.conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        Ok((pages * size) as u64)
    }

    /// What the archive holds, per service: its first and last event and how many.
    pub fn archive_spans(&self) -> Result<Vec<ArchiveSpan>> {
        let mut stmt = self.conn.prepare(
            "SELECT service, min(at), max(at), count(*) FROM event_archive GROUP BY service ORDER BY service",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ArchiveSpan {
                service: r.get(0)?,
                from: crate::dates::format_ms(r.get(1)?),
                to: crate::dates::format_ms(r.get(2)?),
                events: r.get::<_, i64>(3)? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The newest archived event of `service`, if any.
    pub fn archive_newest(&self, service: &str) -> Result<Option<String>> {
        Ok(self.archive_newest_ms(&[service])?.map(crate::dates::format_ms))
    }

    /// The time (ms) of the newest archived event of any of `services`: found by walking the
    /// archive's rows back from the newest, their kinds' numbers only (17 ms through the 114,000
    /// events of 10,000 people when none is of them; through the joined view, 860 ms).
    pub(crate) fn archive_newest_ms(&self, services: &[&str]) -> Result<Option<i64>> {
        let services = serde_json::to_string(services).unwrap_or_else(|_| "[]".into());
        Ok(self
            .conn
            .query_row(
                "SELECT at FROM event_log
                 WHERE kind IN (SELECT k FROM event_kinds WHERE service IN (SELECT value FROM json_each(?1)))
                 ORDER BY at DESC LIMIT 1",
                [services],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The services archived beyond logins, as the admin chose them.
    pub fn archive_services(&self) -> Result<Vec<String>> {
        Ok(self
            .setting(ARCHIVE_SERVICES)?
            .and_then(|v| serde_json::from_str(&v).ok())
            .unwrap_or_default())
    }

    pub fn set_archive_services(&self, services: &[String]) -> Result<()> {
        let v = serde_json::to_string(services).unwrap_or_else(|_| "[]".into());
        self.set_setting(ARCHIVE_SERVICES, &v, &crate::dates::now_rfc3339())
    }

    /// Keeps `body` under `name` (replacing a query of that name).
    pub fn save_query(&self, kind: &str, name: &str, body: &str) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO saved_queries (kind, name, body, saved_at) VALUES (?1, ?2, ?3, ?4)",
            params![kind, name, body, crate::dates::now_rfc3339()],
        )?;
        Ok(())
    }

    pub fn saved_queries(&self, kind: &str) -> Result<Vec<SavedQuery>> {
        let mut stmt = self
            .conn
            .prepare("SELECT kind, name, body, saved_at FROM saved_queries WHERE kind = ?1 ORDER BY name")?;
        let rows = stmt.query_map([kind], |r| {
            Ok(SavedQuery {
                kind: r.get(0)?,
                name: r.get(1)?,
                body: r.get(2)?,
                saved_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn delete_query(&self, kind: &str, name: &str) -> Result<()> {
        self.conn.execute(
            "DELETE FROM saved_queries WHERE kind = ?1 AND name = ?2",
            params![kind, name],
        )?;
        Ok(())
    }

    /// Records a console call; its id.
    pub fn console_log(&self, e: &ConsoleEntry) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO console_history (at, method, path, body, status, ms, outcome) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![e.at, e.method, e.path, e.body, e.status, e.ms as i64, e.outcome],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The latest console calls, newest first.
    pub fn console_history(&self, limit: u32) -> Result<Vec<ConsoleEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, at, method, path, body, status, ms, outcome FROM console_history ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| {
            Ok(ConsoleEntry {
                id: r.get(0)?,
                at: r.get(1)?,
                method: r.get(2)?,
                path: r.get(3)?,
                body: r.get(4)?,
                status: r.get(5)?,
                ms: r.get::<_, i64>(6)? as u64,
                outcome: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

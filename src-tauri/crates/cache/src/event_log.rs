//! How the archive stores an event (migration 19): a narrow row per event in `event_log`, what
//! kind of event it is (service and type) and whom it names (username and user id) each kept
//! once in `event_kinds` and `event_actors`, and the event's id as its bytes when it is
//! lowercase hexadecimal digits (a JumpCloud object id's 24 are 12 bytes). The view `event_archive` joins them back into
//! the columns the archive had, so its readers ask the same questions; the `events` view of the
//! mirror's logins reads it.
//!
//! At 10,000 people, 114,000 logins of 90 days took ~307 bytes an event with the archive's two
//! indexes; they take ~183 as a sync writes them (the JSON, compressed with the events'
//! dictionary, ~78 of them).

use crate::error::Result;
use crate::rows::EventRow;
use crate::Cache;
use rusqlite::{params, Transaction};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The key an event id is stored under, as SQL over the operand `x`: the id's bytes when it is
/// an even number of lowercase hexadecimal digits (a JumpCloud object id is 24), the id as it
/// is otherwise. The same rule converts the old archive, stores a new event (so an event read
/// twice is one row) and places a scan's cursor.
pub(crate) fn key_of(x: &str) -> String {
    format!(
        "CASE WHEN length({x}) > 0 AND length({x}) % 2 = 0 AND {x} NOT GLOB '*[^0-9a-f]*' THEN unhex({x}) ELSE {x} END"
    )
}

/// The id a stored key stands for (the inverse of [`key_of`]), as SQL over the column `key`.
const ID_OF_KEY: &str = "CASE WHEN typeof(key) = 'blob' THEN lower(hex(key)) ELSE key END";

/// Migration 19: the archive's events in narrow rows (see the module's doc). The device index
/// holds only the events that name a device (a third of the logins).
pub(crate) fn narrow_ddl() -> &'static str {
    static DDL: OnceLock<String> = OnceLock::new();
    DDL.get_or_init(|| {
        let key = key_of("e.id");
        format!(
            "
CREATE TABLE event_kinds (
    k INTEGER PRIMARY KEY,
    service TEXT NOT NULL,
    event_type TEXT NOT NULL,
    UNIQUE (service, event_type)
);
CREATE TABLE event_actors (
    a INTEGER PRIMARY KEY,
    -- Lowercase, as Directory Insights stores it.
    username TEXT NOT NULL,
    user_id TEXT NOT NULL,
    UNIQUE (username, user_id)
);
CREATE INDEX event_actors_user_id ON event_actors(user_id);
INSERT INTO event_kinds (service, event_type) SELECT DISTINCT service, event_type FROM event_archive ORDER BY 1, 2;
INSERT INTO event_actors (username, user_id) SELECT DISTINCT username, user_id FROM event_archive ORDER BY 1, 2;
CREATE TABLE event_log (
    -- Milliseconds since the epoch: ordered whatever the precision JumpCloud wrote.
    at INTEGER NOT NULL,
    key BLOB NOT NULL,
    kind INTEGER NOT NULL REFERENCES event_kinds(k),
    success INTEGER NOT NULL DEFAULT 0,
    actor INTEGER NOT NULL REFERENCES event_actors(a),
    system_id TEXT NOT NULL DEFAULT '',
    app_id TEXT NOT NULL DEFAULT '',
    json BLOB NOT NULL,
    PRIMARY KEY (at, key)
) WITHOUT ROWID;
INSERT INTO event_log (at, key, kind, success, actor, system_id, app_id, json)
    SELECT e.at, {key}, k.k, e.success, a.a, e.system_id, e.app_id, e.json
    FROM event_archive e
    JOIN event_kinds k ON k.service = e.service AND k.event_type = e.event_type
    JOIN event_actors a ON a.username = e.username AND a.user_id = e.user_id
    ORDER BY e.at, e.id;
DROP VIEW events;
DROP TABLE event_archive;
CREATE INDEX event_log_actor ON event_log(actor, at);
CREATE INDEX event_log_system ON event_log(system_id, at) WHERE system_id <> '';
CREATE VIEW event_archive AS
    SELECT at, key, {ID_OF_KEY} AS id, service, event_type, success, username, system_id, json, user_id, app_id
    FROM event_log JOIN event_kinds ON k = kind JOIN event_actors ON a = actor;
CREATE VIEW events AS
    SELECT id,
           strftime('%Y-%m-%dT%H:%M:%S', at / 1000, 'unixepoch') || '.' || printf('%03d', at % 1000) || 'Z' AS at,
           service, event_type, success, user_id, username, system_id, app_id, '' AS json
    FROM event_archive WHERE service IN ('directory', 'systems', 'sso') AND at > 0;
"
        )
    })
}

/// Where an event's values are numbered: its kind (service, type), or whom it names (username,
/// user id).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Numbered {
    Kind,
    Actor,
}

impl Numbered {
    /// Adding a pair (once), and reading its number.
    fn sql(self) -> (&'static str, &'static str) {
        match self {
            Numbered::Kind => (
                "INSERT INTO event_kinds (service, event_type) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                "SELECT k FROM event_kinds WHERE service = ?1 AND event_type = ?2",
            ),
            Numbered::Actor => (
                "INSERT INTO event_actors (username, user_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                "SELECT a FROM event_actors WHERE username = ?1 AND user_id = ?2",
            ),
        }
    }
}

/// The numbers a put has given the kinds and actors it met (each asked of the file once).
#[derive(Default)]
struct Interned(HashMap<(Numbered, String, String), i64>);

impl Interned {
    fn number(&mut self, tx: &Transaction<'_>, which: Numbered, a: &str, b: &str) -> Result<i64> {
        let key = (which, a.to_string(), b.to_string());
        if let Some(n) = self.0.get(&key) {
            return Ok(*n);
        }
        let (add, read) = which.sql();
        tx.prepare_cached(add)?.execute(params![a, b])?;
        let n = tx.prepare_cached(read)?.query_row(params![a, b], |r| r.get(0))?;
        self.0.insert(key, n);
        Ok(n)
    }
}

impl Cache {
    /// Adds events to the archive (one already there is left as it is); the number added.
    pub fn archive_put(&mut self, rows: &[EventRow]) -> Result<u64> {
        if rows.is_empty() {
            return Ok(0);
        }
        let samples: Vec<&str> = rows.iter().take(2_000).map(|r| r.json.as_str()).collect();
        let dict = crate::packed::dict_for(&self.conn, "event", &samples, &crate::dates::now_rfc3339())?;
        let tx = self.conn.transaction()?;
        let mut interned = Interned::default();
        let mut added = 0;
        {
            let mut stmt = tx.prepare_cached(&format!(
                "INSERT OR IGNORE INTO event_log (at, key, kind, success, actor, system_id, app_id, json)
                 VALUES (?1, {}, ?3, ?4, ?5, ?6, ?7, ?8)",
                key_of("?2")
            ))?;
            for r in rows {
                let kind = interned.number(&tx, Numbered::Kind, &r.service, &r.event_type)?;
                let actor = interned.number(&tx, Numbered::Actor, &r.username.to_lowercase(), &r.user_id)?;
                // An event without a readable time is kept at the epoch, not dropped.
                let at = crate::dates::parse_ms(&r.at).unwrap_or(0);
                added += stmt.execute(params![
                    at,
                    r.id,
                    kind,
                    r.success,
                    actor,
                    r.system_id,
                    r.app_id,
                    crate::packed::pack_with(dict, &r.json),
                ])? as u64;
            }
        }
        tx.commit()?;
        Ok(added)
    }
}

//! The `events` table (recent Directory Insights events): its schema and how a sync writes it,
//! carrying forward what the copy already holds.

use super::upsert_sql;
use crate::error::Result;
use crate::rows::EventRow;
use rusqlite::params;

/// The table as the first schema made it.
pub(crate) const DDL: &str = "
-- Recent Directory Insights events (logins), for last-login and history panels.
CREATE TABLE {p}events (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    service TEXT NOT NULL DEFAULT '',
    event_type TEXT NOT NULL DEFAULT '',
    success INTEGER NOT NULL DEFAULT 0,
    user_id TEXT NOT NULL DEFAULT '',
    username TEXT NOT NULL DEFAULT '',
    system_id TEXT NOT NULL DEFAULT '',
    app_id TEXT NOT NULL DEFAULT '',
    json TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX {p}events_user ON {p}events(username, at);
CREATE INDEX {p}events_system ON {p}events(system_id, at);
";

/// The setting that says from when the copy's login events are whole.
const EVENTS_FROM: &str = "events_from";

const EVENT_COLS: &str = "id,at,service,event_type,success,user_id,username,system_id,app_id,json";

impl super::SyncWriter<'_> {
    /// Carries the Directory Insights events the copy already holds from `from` on into this
    /// sync, so that only newer ones need asking for. Returns the newest one's time, or None when
    /// the copy does not hold the whole window from `from` (the sync then asks for all of it).
    pub fn carry_events(&mut self, from: &str) -> Result<Option<String>> {
        if self.progressive {
            return Ok(None);
        }
        let held = self.cache.setting(EVENTS_FROM)?;
        if held.is_none_or(|h| h.as_str() > from) {
            return Ok(None);
        }
        let tx = self.cache.conn.transaction()?;
        // The events' JSON lives in the archive (`archive_put`): a copy written before that
        // carries its columns only.
        tx.execute(
            "INSERT OR REPLACE INTO s_events (id,at,service,event_type,success,user_id,username,system_id,app_id,json) \
             SELECT id,at,service,event_type,success,user_id,username,system_id,app_id,'' FROM events WHERE at >= ?1",
            [from],
        )?;
        let newest: Option<String> = tx.query_row("SELECT max(at) FROM s_events", [], |r| r.get(0))?;
        tx.commit()?;
        Ok(newest)
    }

    /// Records that this sync's events cover the window from `from` (so the next sync can
    /// carry them), or, with None, that they are unknown (Directory Insights not available).
    pub fn events_cover(&mut self, from: Option<&str>) -> Result<()> {
        match from {
            Some(f) => self.cache.set_setting(EVENTS_FROM, f, &crate::dates::now_rfc3339()),
            None => self.cache.clear_setting(EVENTS_FROM),
        }
    }

    /// Directory Insights events: their columns here (last logins, a person's or device's
    /// recent events), the whole event once, in the archive, which keeps it past JumpCloud's
    /// 90 days — the JSON is not stored twice.
    pub fn put_events(&mut self, rows: &[EventRow]) -> Result<()> {
        let prefixes = self.prefixes();
        let tx = self.cache.conn.transaction()?;
        for prefix in prefixes {
            let sql = upsert_sql(&format!("{prefix}events"), EVENT_COLS);
            let mut stmt = tx.prepare_cached(&sql)?;
            for r in rows {
                stmt.execute(params![
                    r.id,
                    r.at,
                    r.service,
                    r.event_type,
                    r.success,
                    r.user_id,
                    r.username,
                    r.system_id,
                    r.app_id,
                    "",
                ])?;
            }
        }
        tx.commit()?;
        // Every event a sync reads is kept past JumpCloud's 90 days too.
        self.cache.archive_put(rows)?;
        Ok(())
    }

    /// Events of a service archived beyond logins: into the archive only.
    pub fn archive_events(&mut self, rows: &[EventRow]) -> Result<u64> {
        self.cache.archive_put(rows)
    }

    /// The services the admin chose to archive beyond logins, each with its newest archived
    /// event's time.
    pub fn archived_services(&self) -> Result<Vec<(String, Option<String>)>> {
        let services = self.cache.archive_services()?;
        services
            .into_iter()
            .map(|s| {
                let newest = self.cache.archive_newest(&s)?;
                Ok((s, newest))
            })
            .collect()
    }
}

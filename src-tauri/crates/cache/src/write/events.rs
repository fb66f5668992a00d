//! The login events a sync reads: the first schema's `events` table (a view of the archive
//! since migration 18), and how a sync adds to the archive only what is newer than it holds.

use crate::error::Result;
use crate::rows::EventRow;

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
pub(crate) const EVENTS_FROM: &str = "events_from";
/// The newest login event of the last sync that read its whole window (a sync stopped part
/// way may have stored a later slice's events before an earlier one's: the next one asks again
/// from here, not from the newest event stored).
const EVENTS_THROUGH: &str = "events_through";

/// What a sync does with login events, on its own connection beside the sync's writer
/// ([`crate::Cache::open_beside`]): they go to the archive alone, not the snapshot, so they are
/// read while the rest of the org is.
impl crate::Cache {
    /// Whether the copy holds every login event from `from` on, and then the newest one's
    /// time as of the last sync that read its whole window, so that only newer ones need asking
    /// for; None when it does not hold the whole window (the sync then asks for all of it). The
    /// events stay where they are: the archive is never emptied by a sync.
    pub fn carry_events(&mut self, from: &str) -> Result<Option<String>> {
        let held = self.setting(EVENTS_FROM)?;
        if held.is_none_or(|h| h.as_str() > from) {
            return Ok(None);
        }
        self.setting(EVENTS_THROUGH)
    }

    /// Records that this sync's events cover the window from `from` (so the next sync can
    /// carry them), or, with None, that they are unknown (Directory Insights not available).
    pub fn events_cover(&mut self, from: Option<&str>) -> Result<()> {
        let now = crate::dates::now_rfc3339();
        match from {
            Some(f) => {
                let newest = self.archive_newest_ms(&crate::archive::LOGIN_SERVICES)?;
                match newest {
                    Some(ms) => self.set_setting(EVENTS_THROUGH, &crate::dates::format_ms(ms), &now)?,
                    None => self.clear_setting(EVENTS_THROUGH)?,
                }
                self.set_setting(EVENTS_FROM, f, &now)
            }
            None => {
                self.clear_setting(EVENTS_THROUGH)?;
                self.clear_setting(EVENTS_FROM)
            }
        }
    }

    /// Login events from Directory Insights: into the archive, once (the mirror's `events` is
    /// a view of it), where they stay past JumpCloud's 90 days. Browsable at once, also on a
    /// first import.
    pub fn put_events(&mut self, rows: &[EventRow]) -> Result<()> {
        self.archive_put(rows)?;
        Ok(())
    }
}

impl super::SyncWriter<'_> {
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

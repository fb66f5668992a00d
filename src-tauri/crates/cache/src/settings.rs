//! Small facts Rollcall learns about an organisation and keeps in its file (for example what
//! the admin's role may do, learned once per API key): one JSON value per key.

use crate::error::Result;
use crate::Cache;
use rusqlite::{params, OptionalExtension};

/// Added by migration 5.
pub(crate) const DDL: &str = "
CREATE TABLE org_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
";

impl Cache {
    /// The value kept under `key`, if any.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM org_settings WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// Keeps `value` under `key` (replacing what was there).
    pub fn set_setting(&self, key: &str, value: &str, now: &str) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO org_settings (key, value, updated_at) VALUES (?1, ?2, ?3)",
            params![key, value, now],
        )?;
        Ok(())
    }

    /// Forgets what was kept under `key`.
    pub fn clear_setting(&self, key: &str) -> Result<()> {
        self.conn.execute("DELETE FROM org_settings WHERE key = ?1", [key])?;
        Ok(())
    }
}

//! When each administrator was first seen by a sync. JumpCloud's API gives administrators no
//! creation date, so "administrators added in the last 14 days" is answered from what the syncs
//! saw: an administrator first listed by a sync after the first one that listed any.

use crate::error::Result;
use crate::Cache;
use rusqlite::params;

/// Added by migration 14. Administrators already in the copy then are recorded as present when
/// tracking began (sync 0), so none of them counts as added.
pub(crate) const DDL: &str = "
CREATE TABLE admin_first_seen (
    id TEXT PRIMARY KEY,
    sync_id INTEGER NOT NULL,
    at TEXT
) WITHOUT ROWID;
INSERT INTO admin_first_seen (id, sync_id, at) SELECT id, 0, NULL FROM admins;
";

impl Cache {
    /// Notes the administrators the complete sync `sync_id` (ended `at`) listed that no earlier
    /// sync had seen.
    pub fn note_admins_seen(&self, sync_id: i64, at: &str) -> Result<()> {
        self.conn.execute(
            "INSERT OR IGNORE INTO admin_first_seen (id, sync_id, at) SELECT id, ?1, ?2 FROM admins",
            params![sync_id, at],
        )?;
        Ok(())
    }
}

//! Writing a sync: rows land in the `s_` staging tables phase by phase; `finish` swaps them into
//! the live tables, records history and rebuilds the search index in one transaction. A sync
//! that fails, is cancelled or is killed never touches the live tables, so readers keep the last
//! complete snapshot. The first import of an org has no snapshot to protect, so it is
//! progressive: each batch also lands in the live tables at once, and users are browsable while
//! memberships still fill in.

use crate::error::Result;
use crate::rows::Edge;
use crate::schema::MIRRORED;
use crate::Cache;
use rusqlite::params;

/// `put_<name>(&mut self, rows: &[<ty>])`: upserts rows into `<table>` (and its staging twin),
/// binding each with `bind` in the order of `cols`.
macro_rules! put_rows {
    ($name:ident, $ty:ty, $table:literal, $cols:expr, $bind:expr) => {
        pub fn $name(&mut self, rows: &[$ty]) -> Result<()> {
            let prefixes = self.prefixes();
            let tx = self.cache.conn.transaction()?;
            for prefix in prefixes {
                let sql = super::upsert_sql(&format!("{prefix}{}", $table), $cols);
                let mut stmt = tx.prepare_cached(&sql)?;
                for r in rows {
                    let bind: &dyn Fn(&$ty) -> Vec<rusqlite::types::Value> = &$bind;
                    stmt.execute(rusqlite::params_from_iter(bind(r)))?;
                }
            }
            tx.commit()?;
            Ok(())
        }
    };
}

pub(crate) mod admins;
pub(crate) mod apps;
pub(crate) mod bindings;
pub(crate) mod events;
pub(crate) mod groups;
pub(crate) mod records;
pub(crate) mod systems;
pub(crate) mod users;

pub use records::RecordRow;

/// How a sync ended, for `sync_runs.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncEnd {
    Failed,
    Cancelled,
}

/// An open sync.
pub struct SyncWriter<'a> {
    cache: &'a mut Cache,
    pub sync_id: i64,
    /// No complete snapshot yet: write through to the live tables.
    pub progressive: bool,
}

impl Cache {
    /// Starts a sync: records it as running, empties the staging tables.
    pub fn begin_sync(&mut self, now: &str) -> Result<SyncWriter<'_>> {
        let progressive = self.last_complete_sync()?.is_none();
        let tx = self.conn.transaction()?;
        // A sync left "running" by a crash is marked failed: its staging rows are discarded.
        tx.execute("UPDATE sync_runs SET status = 'failed', error = 'interrupted (Rollcall stopped during the sync)', finished_at = ?1 WHERE status = 'running'", [now])?;
        for t in MIRRORED {
            tx.execute(&format!("DELETE FROM s_{t}"), [])?;
        }
        tx.execute(
            "INSERT INTO sync_runs (started_at, status) VALUES (?1, 'running')",
            [now],
        )?;
        let sync_id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(SyncWriter {
            cache: self,
            sync_id,
            progressive,
        })
    }
}

fn v<T: Into<rusqlite::types::Value>>(x: T) -> rusqlite::types::Value {
    x.into()
}

fn opt(x: &Option<String>) -> rusqlite::types::Value {
    match x {
        Some(s) => rusqlite::types::Value::Text(s.clone()),
        None => rusqlite::types::Value::Null,
    }
}

/// `INSERT OR REPLACE INTO <table> (<cols>) VALUES (?, …)`.
pub(crate) fn upsert_sql(table: &str, cols: &str) -> String {
    let marks = vec!["?"; cols.split(',').count()].join(",");
    format!("INSERT OR REPLACE INTO {table} ({cols}) VALUES ({marks})")
}

impl SyncWriter<'_> {
    pub(crate) fn cache_mut(&mut self) -> &mut Cache {
        self.cache
    }

    /// The table prefixes a write goes to: the staging twins, and during a first import the
    /// live tables as well.
    pub(crate) fn prefixes(&self) -> &'static [&'static str] {
        if self.progressive {
            &["s_", ""]
        } else {
            &["s_"]
        }
    }

    /// Edges (a, b) into a two-column mirrored table.
    pub(crate) fn put_edges(&mut self, table: &str, cols: &str, edges: &[Edge]) -> Result<()> {
        let prefixes = self.prefixes();
        let tx = self.cache.conn.transaction()?;
        for prefix in prefixes {
            let mut stmt = tx.prepare_cached(&upsert_sql(&format!("{prefix}{table}"), cols))?;
            for e in edges {
                stmt.execute(params![e.a, e.b])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Makes what has landed so far searchable during a first import.
    pub fn refresh_search(&mut self) -> Result<()> {
        if self.progressive {
            let tx = self.cache.conn.transaction()?;
            crate::search::rebuild(&tx)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Swaps the staged snapshot in, records history, rebuilds search; marks the sync complete.
    pub fn finish(self, now: &str, requests: u64, counts: &serde_json::Value) -> Result<i64> {
        let id = self.sync_id;
        let prev = self.cache.last_complete_sync()?.map(|(id, _)| id);
        let tx = self.cache.conn.transaction()?;
        // Versions that end with this sync keep their JSON before `records` is replaced.
        crate::history::keep_ending_versions(&tx, prev)?;
        for t in MIRRORED {
            tx.execute(&format!("DELETE FROM {t}"), [])?;
            tx.execute(&format!("INSERT INTO {t} SELECT * FROM s_{t}"), [])?;
            tx.execute(&format!("DELETE FROM s_{t}"), [])?;
        }
        crate::reach::refresh_bound(&tx, None)?;
        crate::history::record(&tx, id, prev)?;
        crate::search::rebuild(&tx)?;
        tx.execute(
            "UPDATE sync_runs SET status = 'complete', finished_at = ?2, requests = ?3, counts = ?4 WHERE id = ?1",
            params![id, now, requests as i64, counts.to_string()],
        )?;
        tx.commit()?;
        // Give back the pages the emptied staging tables held. The pragma frees pages as it is
        // stepped, so every row it yields is read.
        let mut vacuum = self.cache.conn.prepare("PRAGMA incremental_vacuum")?;
        let mut rows = vacuum.query([])?;
        while rows.next()?.is_some() {}
        Ok(id)
    }

    /// Ends the sync without touching the live snapshot.
    pub fn abandon(self, end: SyncEnd, now: &str, requests: u64, error: &str) -> Result<()> {
        let status = match end {
            SyncEnd::Failed => "failed",
            SyncEnd::Cancelled => "cancelled",
        };
        let tx = self.cache.conn.transaction()?;
        for t in MIRRORED {
            tx.execute(&format!("DELETE FROM s_{t}"), [])?;
        }
        tx.execute(
            "UPDATE sync_runs SET status = ?2, finished_at = ?3, requests = ?4, error = ?5 WHERE id = ?1",
            params![self.sync_id, status, now, requests as i64, error],
        )?;
        tx.commit()?;
        Ok(())
    }
}

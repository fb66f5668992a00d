//! Records that could not be fully read. A sync keeps every record JumpCloud returns; one with a
//! field of an unexpected type is kept with that field left out and the reason in
//! `records.problems`, and one that cannot be a row at all (no ID) is kept whole under a
//! stand-in ID. The app lists both ("N records could not be fully read").

use crate::write::SyncWriter;
use crate::{Cache, RecordKind, Result};
use rusqlite::params;
use serde::Serialize;

/// Migration: the problems of each record (empty when it was read whole).
pub(crate) const DDL: &str = "
ALTER TABLE records ADD COLUMN problems TEXT NOT NULL DEFAULT '';
ALTER TABLE s_records ADD COLUMN problems TEXT NOT NULL DEFAULT '';
CREATE INDEX records_problems ON records(kind) WHERE problems <> '';
";

/// The stand-in ID of a record that has none: `unreadable-` and a hash of its JSON.
pub const UNREADABLE_PREFIX: &str = "unreadable-";

/// A record that could not be fully read.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RecordProblem {
    pub kind: RecordKind,
    pub id: String,
    /// The name the record goes by (empty for a record that is not a row).
    pub label: String,
    /// One line per field left out: `path: reason`.
    pub problems: Vec<String>,
    /// No row could be made of it (no ID): only its JSON is kept.
    pub unreadable: bool,
}

impl SyncWriter<'_> {
    /// Notes what could not be read of records already put (kind, ID, problems).
    pub fn flag_records(&mut self, flags: &[(RecordKind, String, Vec<String>)]) -> Result<()> {
        let prefixes = self.prefixes();
        let tx = self.cache_mut().conn.transaction()?;
        for prefix in prefixes {
            let mut stmt = tx.prepare_cached(&format!(
                "UPDATE {prefix}records SET problems = ?3 WHERE kind = ?1 AND id = ?2"
            ))?;
            for (kind, id, problems) in flags {
                stmt.execute(params![kind, id, problems.join("\n")])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Keeps a record no row can be made of, whole, with the reason.
    pub fn put_unreadable(&mut self, kind: RecordKind, json: &str, reason: &str) -> Result<String> {
        let id = format!("{UNREADABLE_PREFIX}{:016x}", crate::rows::hash(json));
        let prefixes = self.prefixes();
        let tx = self.cache_mut().conn.transaction()?;
        for prefix in prefixes {
            tx.execute(
                &format!("INSERT OR REPLACE INTO {prefix}records (kind, id, hash, json, problems) VALUES (?1, ?2, ?3, ?4, ?5)"),
                params![
                    kind,
                    id,
                    crate::rows::hash(json),
                    crate::packed::Packed(json.to_string()),
                    reason
                ],
            )?;
        }
        tx.commit()?;
        Ok(id)
    }
}

impl Cache {
    /// How many records of the last snapshot could not be fully read.
    pub fn problem_count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM records WHERE problems <> ''", [], |r| {
                r.get::<_, i64>(0)
            })? as u64)
    }

    /// The records that could not be fully read, by kind then name.
    pub fn record_problems(&self, limit: u32) -> Result<Vec<RecordProblem>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.kind, r.id, r.problems,
                    coalesce(u.displayname || ' <' || u.email || '>', s.hostname, g.name, a.label, '') AS label,
                    (u.id IS NULL AND s.id IS NULL AND g.id IS NULL AND a.id IS NULL) AS unreadable
               FROM records r
               LEFT JOIN users u ON r.kind = 'user' AND u.id = r.id
               LEFT JOIN systems s ON r.kind = 'system' AND s.id = r.id
               LEFT JOIN groups g ON r.kind = 'group' AND g.id = r.id
               LEFT JOIN apps a ON r.kind = 'app' AND a.id = r.id
              WHERE r.problems <> ''
              ORDER BY r.kind, label COLLATE NOCASE
              LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| {
            Ok(RecordProblem {
                kind: r.get(0)?,
                id: r.get(1)?,
                problems: r.get::<_, String>(2)?.lines().map(String::from).collect(),
                label: r.get(3)?,
                unreadable: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

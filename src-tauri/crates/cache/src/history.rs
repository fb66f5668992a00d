//! Per-sync history: every distinct version of a record and every edge, with the range of
//! complete syncs it was current for. Unchanged records cost nothing per sync (their range is
//! extended in place), so the history stays compact and any two syncs can be compared.

use crate::error::Result;
use rusqlite::{params, Transaction};

/// Kinds of record kept whole in the `records` table.
pub const RECORD_KINDS: &[crate::RecordKind] = crate::RecordKind::ALL;
/// (history kind, live table, column a, column b)
pub const EDGE_KINDS: &[(&str, &str, &str, &str)] = &[
    ("member", "group_members", "group_id", "member_id"),
    ("binding", "bindings", "system_id", "user_id"),
    ("app_user", "app_users", "app_id", "user_id"),
    ("app_group", "app_groups", "app_id", "group_id"),
];

/// Records the live tables (just swapped in) as the state of sync `new`.
pub fn record(tx: &Transaction<'_>, new: i64, prev: Option<i64>) -> Result<()> {
    for kind in RECORD_KINDS {
        if let Some(prev) = prev {
            tx.execute(
                "UPDATE history_records SET last_sync = ?1 WHERE kind = ?2 AND last_sync = ?3
                 AND EXISTS (SELECT 1 FROM records s WHERE s.kind = ?2 AND s.id = history_records.id AND s.hash = history_records.hash)",
                params![new, kind, prev],
            )?;
        }
        tx.execute(
            "INSERT INTO history_records (kind, id, hash, json, first_sync, last_sync)
             SELECT ?2, id, hash, json, ?1, ?1 FROM records s
             WHERE s.kind = ?2 AND NOT EXISTS (SELECT 1 FROM history_records h WHERE h.kind = ?2 AND h.id = s.id AND h.last_sync = ?1)",
            params![new, kind],
        )?;
    }
    for (kind, table, a, b) in EDGE_KINDS {
        if let Some(prev) = prev {
            tx.execute(
                &format!(
                    "UPDATE history_edges SET last_sync = ?1 WHERE kind = ?2 AND last_sync = ?3
                     AND EXISTS (SELECT 1 FROM {table} t WHERE t.{a} = history_edges.a AND t.{b} = history_edges.b)"
                ),
                params![new, kind, prev],
            )?;
        }
        tx.execute(
            &format!(
                "INSERT OR IGNORE INTO history_edges (kind, a, b, first_sync, last_sync)
                 SELECT DISTINCT ?2, {a}, {b}, ?1, ?1 FROM {table} t
                 WHERE NOT EXISTS (SELECT 1 FROM history_edges h WHERE h.kind = ?2 AND h.a = t.{a} AND h.b = t.{b} AND h.last_sync = ?1)"
            ),
            params![new, kind],
        )?;
    }
    Ok(())
}

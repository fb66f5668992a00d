//! Per-sync history: every distinct version of a record and every edge, with the range of
//! complete syncs it was current for. Unchanged records cost nothing per sync (their range is
//! extended in place), so the history stays compact and any two syncs can be compared. A
//! version is the record without its observed fields (`observed.rs`: a check-in is not a new
//! version); its JSON is stored packed (`packed.rs`) in an ordinary rowid table, where large
//! rows do not bloat the B-tree as they did in the first, `WITHOUT ROWID` layout.

/// Migration 7: history in a rowid table (old rows copied as they are: TEXT, still readable).
pub(crate) const DDL_V7: &str = "
CREATE TABLE history_versions (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    hash INTEGER NOT NULL,
    json BLOB NOT NULL,
    first_sync INTEGER NOT NULL,
    last_sync INTEGER NOT NULL
);
INSERT INTO history_versions (kind, id, hash, json, first_sync, last_sync)
    SELECT kind, id, hash, json, first_sync, last_sync FROM history_records;
DROP TABLE history_records;
ALTER TABLE history_versions RENAME TO history_records;
CREATE UNIQUE INDEX history_records_key ON history_records(kind, id, first_sync);
CREATE INDEX history_records_last ON history_records(kind, last_sync);
DROP INDEX history_edges_last;
";

use crate::error::Result;
use crate::kinds::EdgeKind;
use rusqlite::{params, Transaction};

/// From which sync each edge kind added after the first schema has history (migration 15 added
/// the group bindings): a diff from an earlier sync cannot say what changed in them, and leaves
/// them out rather than list every one as added.
pub(crate) const EDGES_SINCE_DDL: &str = "
CREATE TABLE history_edges_since (
    kind TEXT PRIMARY KEY,
    first_sync INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO history_edges_since (kind, first_sync)
    SELECT k.kind, coalesce((SELECT max(id) FROM sync_runs), 0) + 1
      FROM (SELECT 'group_device' AS kind UNION ALL SELECT 'group_device_group') k;
";

/// Whether the history holds edges of `kind` at sync `from`.
pub fn edges_tracked_at(conn: &rusqlite::Connection, kind: EdgeKind, from: i64) -> Result<bool> {
    use rusqlite::OptionalExtension;
    let since: Option<i64> = conn
        .query_row(
            "SELECT first_sync FROM history_edges_since WHERE kind = ?1",
            [kind],
            |r| r.get(0),
        )
        .optional()?;
    Ok(since.is_none_or(|s| from >= s))
}

/// Kinds of record kept whole in the `records` table.
pub const RECORD_KINDS: &[crate::RecordKind] = crate::RecordKind::ALL;
/// (history kind, live table, column a, column b)
pub const EDGE_KINDS: &[(EdgeKind, &str, &str, &str)] = &[
    (EdgeKind::Member, "group_members", "group_id", "member_id"),
    (EdgeKind::Binding, "bindings", "system_id", "user_id"),
    (EdgeKind::AppUser, "app_users", "app_id", "user_id"),
    (EdgeKind::AppGroup, "app_groups", "app_id", "group_id"),
    (EdgeKind::GroupDevice, "user_group_devices", "group_id", "system_id"),
    (
        EdgeKind::GroupDeviceGroup,
        "user_group_device_groups",
        "group_id",
        "device_group_id",
    ),
];

/// Before the swap: the versions current at sync `prev` that the staged sync does not carry on
/// (changed or gone) get their JSON from `records`, which is about to be replaced. A current
/// version's JSON is not copied into the history (it is the live record's): an empty BLOB
/// stands for "as in `records`".
pub fn keep_ending_versions(tx: &Transaction<'_>, prev: Option<i64>) -> Result<()> {
    let Some(prev) = prev else { return Ok(()) };
    tx.execute(
        "UPDATE history_records
            SET json = (SELECT r.json FROM records r WHERE r.kind = history_records.kind AND r.id = history_records.id)
          WHERE last_sync = ?1 AND length(json) = 0
            AND NOT EXISTS (SELECT 1 FROM s_records s WHERE s.kind = history_records.kind AND s.id = history_records.id AND s.hash = history_records.hash)
            AND EXISTS (SELECT 1 FROM records r WHERE r.kind = history_records.kind AND r.id = history_records.id)",
        [prev],
    )?;
    Ok(())
}

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
             SELECT ?2, id, hash, x'', ?1, ?1 FROM records s
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

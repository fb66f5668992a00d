//! The `groups` and `group_members` tables: their schema and how a sync writes them.

use super::v;
use crate::error::Result;
use crate::rows::{Edge, GroupRow};
use crate::RecordKind;

/// The tables as the first schema made them.
pub(crate) const DDL: &str = "
CREATE TABLE {p}groups (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('user', 'system')),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
";

/// Who is in a user group, and which devices are in a device group.
pub(crate) const MEMBERS_DDL: &str = "
CREATE TABLE {p}group_members (
    group_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    PRIMARY KEY (group_id, member_id)
) WITHOUT ROWID;
CREATE INDEX {p}group_members_member ON {p}group_members(member_id);
";

pub(crate) const GROUP_COLS: &str = "id,kind,name,description,email";

pub(crate) fn group_values(r: &GroupRow) -> Vec<rusqlite::types::Value> {
    vec![
        v(r.id.clone()),
        v(r.kind.as_str().to_string()),
        v(r.name.clone()),
        v(r.description.clone()),
        v(r.email.clone()),
    ]
}

impl super::SyncWriter<'_> {
    put_rows!(put_group_rows, GroupRow, "groups", GROUP_COLS, group_values);

    /// Groups, with their whole records.
    pub fn put_groups(&mut self, rows: &[GroupRow]) -> Result<()> {
        self.put_group_rows(rows)?;
        self.put_whole(RecordKind::Group, rows.iter().map(|r| (&r.id, &r.json)))
    }

    /// Memberships: edges (group, member).
    pub fn put_group_members(&mut self, edges: &[Edge]) -> Result<()> {
        self.put_edges("group_members", "group_id,member_id", edges)
    }
}

//! The `apps`, `app_users` and `app_groups` tables: their schema and how a sync writes them.

use super::v;
use crate::error::Result;
use crate::rows::{AppRow, AppUser, Edge};
use crate::RecordKind;

/// The tables as the first schema made them.
pub(crate) const DDL: &str = "
CREATE TABLE {p}apps (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    label TEXT NOT NULL DEFAULT '',
    sso_type TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Who reaches an app: directly (via_group '') or through a user group.
CREATE TABLE {p}app_users (
    app_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    via_group TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (app_id, user_id, via_group)
) WITHOUT ROWID;
CREATE INDEX {p}app_users_user ON {p}app_users(user_id);

CREATE TABLE {p}app_groups (
    app_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    PRIMARY KEY (app_id, group_id)
) WITHOUT ROWID;
";

pub(crate) const APP_COLS: &str = "id,name,label,sso_type,active";

pub(crate) fn app_values(r: &AppRow) -> Vec<rusqlite::types::Value> {
    vec![
        v(r.id.clone()),
        v(r.name.clone()),
        v(r.label.clone()),
        v(r.sso_type.clone()),
        v(r.active),
    ]
}

impl super::SyncWriter<'_> {
    put_rows!(put_app_rows, AppRow, "apps", APP_COLS, app_values);

    /// Apps, with their whole records.
    pub fn put_apps(&mut self, rows: &[AppRow]) -> Result<()> {
        self.put_app_rows(rows)?;
        self.put_whole(RecordKind::App, rows.iter().map(|r| (&r.id, &r.json)))
    }

    put_rows!(
        put_app_users,
        AppUser,
        "app_users",
        "app_id,user_id,via_group",
        |r: &AppUser| vec![v(r.app_id.clone()), v(r.user_id.clone()), v(r.via_group.clone())]
    );

    /// User groups an app is bound to: edges (app, group).
    pub fn put_app_groups(&mut self, edges: &[Edge]) -> Result<()> {
        self.put_edges("app_groups", "app_id,group_id", edges)
    }
}

//! Who reaches which device, the way JumpCloud counts it: a person bound to the device
//! directly, a member of a user group bound to the device, or a member of a user group bound
//! to a device group the device is in (JumpCloud's `/systems/{id}/users` lists all of them, and
//! its `users-to-devices` report gives each row's `association_type`). The mirror keeps the
//! groups' bindings (`user_group_devices`, `user_group_device_groups`, with staging twins);
//! the view `device_reach` joins them with the memberships, one row per path.

use crate::error::Result;
use crate::kinds::OsFamily;
use crate::rows::{Edge, SystemRow, UserRow};
use crate::Cache;
use serde::Serialize;

/// The group-binding tables (added by migration 15), as one mirrored table each.
pub(crate) const MIRROR_DDL: &str = "
-- A user group bound to a device: every member reaches it.
CREATE TABLE {p}user_group_devices (
    group_id TEXT NOT NULL,
    system_id TEXT NOT NULL,
    PRIMARY KEY (group_id, system_id)
) WITHOUT ROWID;
CREATE INDEX {p}user_group_devices_system ON {p}user_group_devices(system_id);
-- A user group bound to a device group: every member reaches every device in it.
CREATE TABLE {p}user_group_device_groups (
    group_id TEXT NOT NULL,
    device_group_id TEXT NOT NULL,
    PRIMARY KEY (group_id, device_group_id)
) WITHOUT ROWID;
CREATE INDEX {p}user_group_device_groups_dg ON {p}user_group_device_groups(device_group_id);
";

/// The view of every path by which a person reaches a device (migration 15).
pub(crate) const VIEW_DDL: &str = "
CREATE VIEW device_reach AS
    SELECT b.system_id, b.user_id, '' AS user_group, '' AS device_group FROM bindings b
    UNION ALL
    SELECT gd.system_id, m.member_id, gd.group_id, '' FROM user_group_devices gd
      JOIN group_members m ON m.group_id = gd.group_id
    UNION ALL
    SELECT dm.member_id, m.member_id, gg.group_id, gg.device_group_id FROM user_group_device_groups gg
      JOIN group_members m ON m.group_id = gg.group_id
      JOIN group_members dm ON dm.group_id = gg.device_group_id;
";

/// Whether a device is reached by anyone, as SQL over `systems` (the `bound` flag's rule): the
/// three paths of `device_reach`, each asked on its own. (Asked of the view in a correlated
/// subquery, SQLite builds an index of every path first — tens of millions of rows in memory
/// when a large user group is bound to a large device group.)
pub(crate) const REACHED: &str = "(EXISTS (SELECT 1 FROM bindings b WHERE b.system_id = systems.id) \
    OR EXISTS (SELECT 1 FROM user_group_devices gd JOIN group_members m ON m.group_id = gd.group_id WHERE gd.system_id = systems.id) \
    OR EXISTS (SELECT 1 FROM group_members dm JOIN user_group_device_groups gg ON gg.device_group_id = dm.group_id \
               JOIN group_members m ON m.group_id = gg.group_id WHERE dm.member_id = systems.id))";

/// How a person reaches a device: JumpCloud's `association_type` of a `users-to-devices` row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ReachKind {
    /// Bound to the device itself.
    Direct,
    /// A member of a user group bound to the device.
    UserGroup,
    /// A member of a user group bound to a device group the device is in.
    DeviceGroup,
}

impl ReachKind {
    /// JumpCloud's word for it (the report's `association_type`).
    pub fn as_str(self) -> &'static str {
        match self {
            ReachKind::Direct => "direct",
            ReachKind::UserGroup => "user_group",
            ReachKind::DeviceGroup => "system_group",
        }
    }
}

/// One path from a person to a device.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReachPath {
    pub kind: ReachKind,
    /// The user group it goes through (None: direct), with its name.
    pub user_group: Option<(String, String)>,
    /// The device group it goes through, with its name.
    pub device_group: Option<(String, String)>,
    /// The path in words, as the panels show it (`describe`).
    pub text: String,
}

impl ReachPath {
    fn new(user_group: Option<(String, String)>, device_group: Option<(String, String)>) -> ReachPath {
        let kind = match (&user_group, &device_group) {
            (None, _) => ReachKind::Direct,
            (Some(_), None) => ReachKind::UserGroup,
            (Some(_), Some(_)) => ReachKind::DeviceGroup,
        };
        let mut path = ReachPath {
            kind,
            user_group,
            device_group,
            text: String::new(),
        };
        path.text = path.describe();
        path
    }

    /// The path in words: "direct", "via Engineering", "via Engineering → device group Linux
    /// servers".
    pub fn describe(&self) -> String {
        match (&self.user_group, &self.device_group) {
            (None, _) => "direct".into(),
            (Some((_, ug)), None) => format!("via {ug}"),
            (Some((_, ug)), Some((_, dg))) => format!("via {ug} → device group {dg}"),
        }
    }

    /// The groups it goes through, as the catalogue's "Through" column shows them:
    /// "Engineering", "Engineering → Linux servers"; None when direct.
    pub fn through(&self) -> Option<String> {
        match (&self.user_group, &self.device_group) {
            (None, _) => None,
            (Some((_, ug)), None) => Some(ug.clone()),
            (Some((_, ug)), Some((_, dg))) => Some(format!("{ug} → {dg}")),
        }
    }
}

/// A device someone reaches, and every path by which they do.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReachedDevice {
    pub device: SystemRow,
    pub paths: Vec<ReachPath>,
}

/// A person who reaches a device, and every path by which they do.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReachingUser {
    pub user: UserRow,
    pub paths: Vec<ReachPath>,
}

/// One row of "who reaches which device" (the Users to devices report).
#[derive(Debug, Clone, PartialEq)]
pub struct ReachRow {
    pub username: String,
    pub email: String,
    pub device: String,
    pub os_family: OsFamily,
    pub os_version: String,
    pub path: ReachPath,
}

const PATH_COLS: &str = "r.user_group, (SELECT name FROM groups WHERE id = r.user_group), \
                         r.device_group, (SELECT name FROM groups WHERE id = r.device_group)";

/// The path of a `device_reach` row read with `PATH_COLS` from column `at`.
fn path_at(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<ReachPath> {
    let named = |id: String, name: Option<String>| -> Option<(String, String)> {
        (!id.is_empty()).then(|| {
            let name = name.unwrap_or_else(|| id.clone());
            (id, name)
        })
    };
    let user_group = named(r.get(at)?, r.get(at + 1)?);
    let device_group = named(r.get(at + 2)?, r.get(at + 3)?);
    Ok(ReachPath::new(user_group, device_group))
}

/// Rows of (something, path) into (something, its paths), in order of first appearance.
fn grouped<T: PartialEq>(rows: Vec<(T, ReachPath)>) -> Vec<(T, Vec<ReachPath>)> {
    let mut out: Vec<(T, Vec<ReachPath>)> = Vec::new();
    for (t, p) in rows {
        match out.last_mut() {
            Some((last, paths)) if *last == t => paths.push(p),
            _ => out.push((t, vec![p])),
        }
    }
    out
}

impl Cache {
    /// The devices a person reaches, each with its paths, by hostname.
    pub fn devices_reached_by(&self, user_id: &str) -> Result<Vec<ReachedDevice>> {
        let mut s = self.conn.prepare_cached(&format!(
            "SELECT s.*, {PATH_COLS} FROM device_reach r JOIN systems s ON s.id = r.system_id \
             WHERE r.user_id = ?1 ORDER BY s.hostname COLLATE NOCASE, s.id, r.user_group, r.device_group"
        ))?;
        let n = s.column_count() - 4;
        let rows = s
            .query_map([user_id], |r| Ok((crate::read::system_row(r)?, path_at(r, n)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(grouped(rows)
            .into_iter()
            .map(|(device, paths)| ReachedDevice { device, paths })
            .collect())
    }

    /// The people who reach a device, each with their paths, by last name.
    pub fn users_reaching(&self, system_id: &str) -> Result<Vec<ReachingUser>> {
        let mut s = self.conn.prepare_cached(&format!(
            "SELECT u.*, {PATH_COLS} FROM device_reach r JOIN users u ON u.id = r.user_id \
             WHERE r.system_id = ?1 ORDER BY u.lastname COLLATE NOCASE, u.id, r.user_group, r.device_group"
        ))?;
        let n = s.column_count() - 4;
        let rows = s
            .query_map([system_id], |r| Ok((crate::read::user_row(r)?, path_at(r, n)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(grouped(rows)
            .into_iter()
            .map(|(user, paths)| ReachingUser { user, paths })
            .collect())
    }

    /// Every path from a person to a device, by username and device (the Users to devices
    /// report).
    pub fn reach_rows(&self) -> Result<Vec<ReachRow>> {
        let mut s = self.conn.prepare(&format!(
            "SELECT u.username, u.email, coalesce(nullif(s.hostname, ''), s.display_name), s.os_family, s.os_version, \
             {PATH_COLS} FROM device_reach r JOIN users u ON u.id = r.user_id JOIN systems s ON s.id = r.system_id \
             ORDER BY u.username COLLATE NOCASE, 3 COLLATE NOCASE, r.user_group, r.device_group"
        ))?;
        let rows = s
            .query_map([], |r| {
                Ok(ReachRow {
                    username: r.get(0)?,
                    email: r.get(1)?,
                    device: r.get(2)?,
                    os_family: r.get(3)?,
                    os_version: r.get(4)?,
                    path: path_at(r, 5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

impl crate::write::SyncWriter<'_> {
    /// User groups bound to devices: edges (group, device).
    pub fn put_user_group_devices(&mut self, edges: &[Edge]) -> Result<()> {
        self.put_edges("user_group_devices", "group_id,system_id", edges)
    }

    /// User groups bound to device groups: edges (user group, device group).
    pub fn put_user_group_device_groups(&mut self, edges: &[Edge]) -> Result<()> {
        self.put_edges("user_group_device_groups", "group_id,device_group_id", edges)
    }
}

/// Sets the `bound` flag (reached by anyone, as the facets and filters read it) of the devices
/// named, or of every device.
pub(crate) fn refresh_bound(conn: &rusqlite::Connection, system_ids: Option<&[String]>) -> Result<()> {
    match system_ids {
        None => {
            conn.execute(&format!("UPDATE systems SET bound = {REACHED}"), [])?;
        }
        Some(ids) => {
            let mut stmt = conn.prepare_cached(&format!("UPDATE systems SET bound = {REACHED} WHERE id = ?1"))?;
            for id in ids {
                stmt.execute([id])?;
            }
        }
    }
    Ok(())
}

/// The devices a user group reaches through its bindings (directly or through device groups):
/// those whose `bound` flag a change of the group's members can move. For a device group, its
/// member devices are what moves instead (`member` when one is named).
pub(crate) fn devices_behind_group(conn: &rusqlite::Connection, group_id: &str) -> Result<Vec<String>> {
    let mut s = conn.prepare_cached(
        "SELECT system_id FROM user_group_devices WHERE group_id = ?1
         UNION SELECT dm.member_id FROM user_group_device_groups gg
           JOIN group_members dm ON dm.group_id = gg.device_group_id WHERE gg.group_id = ?1",
    )?;
    let ids = s
        .query_map([group_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

//! Changes made by Rollcall's own actions, written straight into the live snapshot so the UI
//! shows them at once (the next sync confirms them). Each is one transaction and keeps the
//! search index in step.

use crate::error::Result;
use crate::reach::{devices_behind_group, refresh_bound};
use crate::rows::*;
use crate::write::apps::{app_values, APP_COLS};
use crate::write::groups::{group_values, GROUP_COLS};
use crate::write::records::{record_values, RecordRow, RECORD_COLS};
use crate::write::systems::{system_values, SYSTEM_COLS};
use crate::write::upsert_sql;
use crate::write::users::{user_values, USER_COLS};
use crate::Cache;
use crate::RecordKind;
use rusqlite::{params, OptionalExtension};

/// What JumpCloud holds for one person, as read just now; `None` for a part not read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PersonAccess {
    /// The user groups they are a member of.
    pub user_groups: Option<Vec<String>>,
    /// (app id, user group id it is reached through, or empty for direct access).
    pub apps: Option<Vec<(String, String)>>,
    /// The devices they are bound to directly.
    pub devices: Option<Vec<String>>,
}

impl Cache {
    /// Inserts or replaces a user (after create, edit, suspend, unlock, …).
    pub fn apply_user(&mut self, row: &UserRow) -> Result<()> {
        let text = [
            &row.displayname,
            &row.firstname,
            &row.lastname,
            &row.username,
            &row.email,
            &row.department,
            &row.job_title,
            &row.employee_id,
        ]
        .map(|s| s.as_str())
        .join(" ");
        self.apply_record(
            "users",
            USER_COLS,
            user_values(row),
            RecordKind::User,
            &row.id,
            &row.json,
            &text,
        )
    }

    /// Removes a deleted user and every edge that pointed at them.
    pub fn remove_user(&mut self, id: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        let bound: Vec<String> = tx
            .prepare_cached("SELECT DISTINCT system_id FROM device_reach WHERE user_id = ?1")?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for sql in [
            "DELETE FROM users WHERE id = ?1",
            "DELETE FROM records WHERE kind = 'user' AND id = ?1",
            "DELETE FROM group_members WHERE member_id = ?1",
            "DELETE FROM bindings WHERE user_id = ?1",
            "DELETE FROM app_users WHERE user_id = ?1",
            "DELETE FROM search_index WHERE kind = 'user' AND ref = ?1",
        ] {
            tx.execute(sql, [id])?;
        }
        refresh_bound(&tx, Some(&bound))?;
        tx.commit()?;
        Ok(())
    }

    /// Inserts or replaces a group (after create or edit).
    pub fn apply_group(&mut self, row: &GroupRow) -> Result<()> {
        let text = format!("{} {} {}", row.name, row.email, row.description);
        self.apply_record(
            "groups",
            GROUP_COLS,
            group_values(row),
            RecordKind::Group,
            &row.id,
            &row.json,
            &text,
        )
    }

    /// A group's name, if the mirror knows the group.
    pub fn group_name(&self, id: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT name FROM groups WHERE id = ?1", [id], |r| r.get(0))
            .optional()?)
    }

    /// An app's label (its name when it has none), if the mirror knows the app.
    pub fn app_name(&self, id: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT CASE WHEN label <> '' THEN label ELSE name END FROM apps WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Inserts or replaces a device (one JumpCloud answered about while acting: a device bound
    /// since the last sync, or a fresher copy of a known one).
    pub fn apply_system(&mut self, row: &SystemRow) -> Result<()> {
        let text = format!(
            "{} {} {} {} {}",
            row.hostname, row.display_name, row.serial, row.os, row.model
        );
        self.apply_record(
            "systems",
            SYSTEM_COLS,
            system_values(row),
            RecordKind::System,
            &row.id,
            &row.json,
            &text,
        )
    }

    /// Inserts or replaces an SSO application.
    pub fn apply_app(&mut self, row: &AppRow) -> Result<()> {
        let text = format!("{} {}", row.label, row.name);
        self.apply_record(
            "apps",
            APP_COLS,
            app_values(row),
            RecordKind::App,
            &row.id,
            &row.json,
            &text,
        )
    }

    /// Replaces what the mirror says one person holds with what JumpCloud answered just now
    /// (each part only when it was read): their user groups, the apps they reach (directly or
    /// through a group) and the devices they are bound to. One transaction.
    pub fn replace_person_access(&mut self, user_id: &str, now: &PersonAccess) -> Result<()> {
        let tx = self.conn.transaction()?;
        let reached = |tx: &rusqlite::Transaction<'_>| -> Result<Vec<String>> {
            Ok(tx
                .prepare_cached("SELECT DISTINCT system_id FROM device_reach WHERE user_id = ?1")?
                .query_map([user_id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?)
        };
        let reached_before = reached(&tx)?;
        if let Some(groups) = &now.user_groups {
            // Device groups never hold a person; only their user-group memberships are replaced.
            tx.execute(
                "DELETE FROM group_members WHERE member_id = ?1 AND group_id NOT IN (SELECT id FROM groups WHERE kind = 'system')",
                [user_id],
            )?;
            let mut ins =
                tx.prepare_cached("INSERT OR IGNORE INTO group_members (group_id, member_id) VALUES (?1, ?2)")?;
            for g in groups {
                ins.execute(params![g, user_id])?;
            }
        }
        if let Some(apps) = &now.apps {
            tx.execute("DELETE FROM app_users WHERE user_id = ?1", [user_id])?;
            let mut ins =
                tx.prepare_cached("INSERT OR IGNORE INTO app_users (app_id, user_id, via_group) VALUES (?1, ?2, ?3)")?;
            for (app, via) in apps {
                ins.execute(params![app, user_id, via])?;
            }
        }
        if let Some(devices) = &now.devices {
            // Kept rows keep their sudo flag; bindings that are gone are dropped.
            let keep: std::collections::BTreeSet<&str> = devices.iter().map(String::as_str).collect();
            let held: Vec<String> = tx
                .prepare_cached("SELECT system_id FROM bindings WHERE user_id = ?1")?
                .query_map([user_id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for gone in held.iter().filter(|h| !keep.contains(h.as_str())) {
                tx.execute(
                    "DELETE FROM bindings WHERE system_id = ?1 AND user_id = ?2",
                    params![gone, user_id],
                )?;
            }
            let mut ins =
                tx.prepare_cached("INSERT OR IGNORE INTO bindings (system_id, user_id, sudo) VALUES (?1, ?2, 0)")?;
            for d in devices {
                ins.execute(params![d, user_id])?;
            }
        }
        // Groups and bindings both move what a person reaches.
        let touched: Vec<String> = reached_before.into_iter().chain(reached(&tx)?).collect();
        refresh_bound(&tx, Some(&touched))?;
        tx.commit()?;
        Ok(())
    }

    /// One record into its narrow table, the `records` table and the search index, in one
    /// transaction.
    #[allow(clippy::too_many_arguments)]
    fn apply_record(
        &mut self,
        table: &str,
        cols: &str,
        values: Vec<rusqlite::types::Value>,
        kind: RecordKind,
        id: &str,
        json: &str,
        search_text: &str,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(&upsert_sql(table, cols), rusqlite::params_from_iter(values))?;
        if kind == RecordKind::System {
            refresh_bound(&tx, Some(&[id.to_string()]))?;
        }
        let dict = crate::packed::dict_for(&tx, kind.as_str(), &[], "")?;
        let rec = RecordRow {
            kind,
            id: id.to_string(),
            json: json.to_string(),
            dict,
        };
        tx.execute(
            &upsert_sql("records", RECORD_COLS),
            rusqlite::params_from_iter(record_values(&rec)),
        )?;
        tx.execute(
            "DELETE FROM search_index WHERE kind = ?1 AND ref = ?2",
            params![kind, id],
        )?;
        tx.execute(
            "INSERT INTO search_index (kind, ref, text) VALUES (?1, ?2, ?3)",
            params![kind, id, search_text],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Adds (`present`) or deletes one edge row keyed by two ids.
    fn apply_edge(&mut self, present: bool, insert: &str, delete: &str, a: &str, b: &str) -> Result<()> {
        self.conn.execute(if present { insert } else { delete }, [a, b])?;
        Ok(())
    }

    /// Records a user's direct access to an app given or taken away.
    pub fn apply_app_access(&mut self, app_id: &str, user_id: &str, present: bool) -> Result<()> {
        self.apply_edge(
            present,
            "INSERT OR IGNORE INTO app_users (app_id, user_id, via_group) VALUES (?1, ?2, '')",
            "DELETE FROM app_users WHERE app_id = ?1 AND user_id = ?2 AND via_group = ''",
            app_id,
            user_id,
        )
    }

    /// Records a user bound to (or unbound from) a device.
    pub fn apply_binding(&mut self, system_id: &str, user_id: &str, present: bool) -> Result<()> {
        self.apply_edge(
            present,
            "INSERT OR IGNORE INTO bindings (system_id, user_id, sudo) VALUES (?1, ?2, 0)",
            "DELETE FROM bindings WHERE system_id = ?1 AND user_id = ?2",
            system_id,
            user_id,
        )?;
        refresh_bound(&self.conn, Some(&[system_id.to_string()]))
    }

    /// Records a membership added (`present`) or removed; the devices the group's members
    /// reach through it (or the device that joined or left a device group) are counted again.
    pub fn apply_membership(&mut self, group_id: &str, member_id: &str, present: bool) -> Result<()> {
        self.apply_edge(
            present,
            "INSERT OR IGNORE INTO group_members (group_id, member_id) VALUES (?1, ?2)",
            "DELETE FROM group_members WHERE group_id = ?1 AND member_id = ?2",
            group_id,
            member_id,
        )?;
        let mut moved = devices_behind_group(&self.conn, group_id)?;
        moved.push(member_id.to_string());
        refresh_bound(&self.conn, Some(&moved))
    }
}

//! Changes made by Rollcall's own actions, written straight into the live snapshot so the UI
//! shows them at once (the next sync confirms them). Each is one transaction and keeps the
//! search index in step.

use crate::error::Result;
use crate::rows::*;
use crate::write::{
    group_values, record_values, upsert_sql, user_values, RecordRow, GROUP_COLS, RECORD_COLS, USER_COLS,
};
use crate::Cache;
use rusqlite::params;

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
        self.apply_record("users", USER_COLS, user_values(row), "user", &row.id, &row.json, &text)
    }

    /// Removes a deleted user and every edge that pointed at them.
    pub fn remove_user(&mut self, id: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
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
            "group",
            &row.id,
            &row.json,
            &text,
        )
    }

    /// One record into its narrow table, the `records` table and the search index, in one
    /// transaction.
    #[allow(clippy::too_many_arguments)]
    fn apply_record(
        &mut self,
        table: &str,
        cols: &str,
        values: Vec<rusqlite::types::Value>,
        kind: &'static str,
        id: &str,
        json: &str,
        search_text: &str,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(&upsert_sql(table, cols), rusqlite::params_from_iter(values))?;
        let rec = RecordRow {
            kind,
            id: id.to_string(),
            json: json.to_string(),
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
        )
    }

    /// Records a membership added (`present`) or removed.
    pub fn apply_membership(&mut self, group_id: &str, member_id: &str, present: bool) -> Result<()> {
        self.apply_edge(
            present,
            "INSERT OR IGNORE INTO group_members (group_id, member_id) VALUES (?1, ?2)",
            "DELETE FROM group_members WHERE group_id = ?1 AND member_id = ?2",
            group_id,
            member_id,
        )
    }
}

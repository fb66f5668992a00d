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
        let tx = self.conn.transaction()?;
        tx.execute(
            &upsert_sql("users", USER_COLS),
            rusqlite::params_from_iter(user_values(row)),
        )?;
        let rec = RecordRow {
            kind: "user",
            id: row.id.clone(),
            json: row.json.clone(),
        };
        tx.execute(
            &upsert_sql("records", RECORD_COLS),
            rusqlite::params_from_iter(record_values(&rec)),
        )?;
        tx.execute("DELETE FROM search_index WHERE kind = 'user' AND ref = ?1", [&row.id])?;
        tx.execute(
            "INSERT INTO search_index (kind, ref, text) VALUES ('user', ?1, ?2)",
            params![
                row.id,
                [
                    &row.displayname,
                    &row.firstname,
                    &row.lastname,
                    &row.username,
                    &row.email,
                    &row.department,
                    &row.job_title,
                    &row.employee_id
                ]
                .map(|s| s.as_str())
                .join(" ")
            ],
        )?;
        tx.commit()?;
        Ok(())
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
        let tx = self.conn.transaction()?;
        tx.execute(
            &upsert_sql("groups", GROUP_COLS),
            rusqlite::params_from_iter(group_values(row)),
        )?;
        let rec = RecordRow {
            kind: "group",
            id: row.id.clone(),
            json: row.json.clone(),
        };
        tx.execute(
            &upsert_sql("records", RECORD_COLS),
            rusqlite::params_from_iter(record_values(&rec)),
        )?;
        tx.execute("DELETE FROM search_index WHERE kind = 'group' AND ref = ?1", [&row.id])?;
        tx.execute(
            "INSERT INTO search_index (kind, ref, text) VALUES ('group', ?1, ?2)",
            params![row.id, format!("{} {} {}", row.name, row.email, row.description)],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Records a membership added (`present`) or removed.
    pub fn apply_membership(&mut self, group_id: &str, member_id: &str, present: bool) -> Result<()> {
        if present {
            self.conn.execute(
                "INSERT OR IGNORE INTO group_members (group_id, member_id) VALUES (?1, ?2)",
                [group_id, member_id],
            )?;
        } else {
            self.conn.execute(
                "DELETE FROM group_members WHERE group_id = ?1 AND member_id = ?2",
                [group_id, member_id],
            )?;
        }
        Ok(())
    }
}

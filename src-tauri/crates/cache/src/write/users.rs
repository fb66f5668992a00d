//! The `users` table: its schema and how a sync writes it.

use super::{opt, v};
use crate::error::Result;
use crate::rows::UserRow;
use crate::RecordKind;

/// The table as the first schema made it.
pub(crate) const DDL: &str = "
CREATE TABLE {p}users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    email TEXT NOT NULL,
    firstname TEXT NOT NULL DEFAULT '',
    lastname TEXT NOT NULL DEFAULT '',
    displayname TEXT NOT NULL DEFAULT '',
    department TEXT NOT NULL DEFAULT '',
    job_title TEXT NOT NULL DEFAULT '',
    employee_type TEXT NOT NULL DEFAULT '',
    employee_id TEXT NOT NULL DEFAULT '',
    location TEXT NOT NULL DEFAULT '',
    company TEXT NOT NULL DEFAULT '',
    manager_id TEXT,
    state TEXT NOT NULL DEFAULT '',
    locked INTEGER NOT NULL DEFAULT 0,
    locked_at TEXT,
    mfa_configured INTEGER NOT NULL DEFAULT 0,
    mfa_status TEXT NOT NULL DEFAULT '',
    password_expired INTEGER NOT NULL DEFAULT 0,
    password_expires_at TEXT,
    created TEXT
) WITHOUT ROWID;
CREATE INDEX {p}users_state ON {p}users(state);
CREATE INDEX {p}users_email ON {p}users(email COLLATE NOCASE);
CREATE INDEX {p}users_username ON {p}users(username COLLATE NOCASE);
CREATE INDEX {p}users_name ON {p}users(lastname COLLATE NOCASE, firstname COLLATE NOCASE);
CREATE INDEX {p}users_state_email ON {p}users(state, email COLLATE NOCASE);
CREATE INDEX {p}users_state_name ON {p}users(state, lastname COLLATE NOCASE, firstname COLLATE NOCASE);
";

/// The narrow index the facet counts scan instead of the wide rows (migration 9).
pub(crate) const FACETS_INDEX: &str = "CREATE INDEX users_facets ON users(state, locked, mfa_configured);";

/// When each person's password was last set (NULL until the next sync reads it; migration 13).
pub(crate) const PASSWORD_DATE: &str = "
ALTER TABLE users ADD COLUMN password_date TEXT;
ALTER TABLE s_users ADD COLUMN password_date TEXT;
";

/// Whether a person is an administrator (sudo) on every device they are bound to (JumpCloud's
/// `sudo` on the user; 0 until the next sync reads it; migration 16).
pub(crate) const GLOBAL_SUDO: &str = "
ALTER TABLE users ADD COLUMN sudo INTEGER NOT NULL DEFAULT 0;
ALTER TABLE s_users ADD COLUMN sudo INTEGER NOT NULL DEFAULT 0;
";

pub(crate) const USER_COLS: &str = "id,username,email,firstname,lastname,displayname,department,job_title,employee_type,employee_id,location,company,manager_id,state,locked,locked_at,mfa_configured,mfa_status,password_expired,password_expires_at,created,password_date,sudo";

pub(crate) fn user_values(r: &UserRow) -> Vec<rusqlite::types::Value> {
    vec![
        v(r.id.clone()),
        v(r.username.clone()),
        v(r.email.clone()),
        v(r.firstname.clone()),
        v(r.lastname.clone()),
        v(r.displayname.clone()),
        v(r.department.clone()),
        v(r.job_title.clone()),
        v(r.employee_type.clone()),
        v(r.employee_id.clone()),
        v(r.location.clone()),
        v(r.company.clone()),
        opt(&r.manager_id),
        v(r.state.as_str().to_string()),
        v(r.locked),
        opt(&r.locked_at),
        v(r.mfa_configured),
        v(r.mfa_status.as_str().to_string()),
        v(r.password_expired),
        opt(&r.password_expires_at),
        opt(&r.created),
        opt(&r.password_date),
        v(r.sudo),
    ]
}

impl super::SyncWriter<'_> {
    put_rows!(put_user_rows, UserRow, "users", USER_COLS, user_values);

    /// People, with their whole records.
    pub fn put_users(&mut self, rows: &[UserRow]) -> Result<()> {
        self.put_user_rows(rows)?;
        self.put_whole(RecordKind::User, rows.iter().map(|r| (&r.id, &r.json)))
    }
}

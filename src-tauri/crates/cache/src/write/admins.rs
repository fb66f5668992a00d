//! The `admins` and `roles` tables (the org's administrators): their schema and how a sync
//! writes them.

use super::v;
use crate::error::Result;
use crate::rows::{AdminRow, RoleRow};

/// The tables as the first schema made them.
pub(crate) const DDL: &str = "
CREATE TABLE {p}admins (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    role_name TEXT NOT NULL DEFAULT '',
    suspended INTEGER NOT NULL DEFAULT 0,
    mfa INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE {p}roles (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    scopes TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
";

impl super::SyncWriter<'_> {
    put_rows!(
        put_admins,
        AdminRow,
        "admins",
        "id,email,name,role_name,suspended,mfa",
        |r: &AdminRow| vec![
            v(r.id.clone()),
            v(r.email.clone()),
            v(r.name.clone()),
            v(r.role_name.clone()),
            v(r.suspended),
            v(r.mfa),
        ]
    );
    put_rows!(put_roles, RoleRow, "roles", "id,name,scopes", |r: &RoleRow| vec![
        v(r.id.clone()),
        v(r.name.clone()),
        v(r.scopes.clone())
    ]);
}

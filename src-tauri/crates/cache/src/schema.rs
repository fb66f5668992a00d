//! The schema, as migrations. Only ever append a migration; never edit or repurpose a column
//! that has shipped (old files must upgrade in place).
//!
//! Each mirrored table has a twin prefixed `s_` (staging): a sync fills the twins, and only a
//! complete sync swaps them into the live tables in one transaction, so readers always see the
//! last complete snapshot. `history_*` keep every distinct version of a record or edge with the
//! range of syncs it was current for, which is enough to diff any two syncs.

use rusqlite_migration::{Migrations, M};

/// Tables that mirror JumpCloud (live and `s_` staging twins have the same columns).
pub const MIRRORED: &[&str] = &[
    "records",
    "users",
    "groups",
    "group_members",
    "systems",
    "bindings",
    "apps",
    "app_users",
    "app_groups",
    "user_group_devices",
    "user_group_device_groups",
    "admins",
    "roles",
    "events",
];

const MIRROR_DDL: &str = "
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

CREATE TABLE {p}groups (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('user', 'system')),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

-- The whole JumpCloud record of each user, device, group and app, kept apart from the narrow
-- tables above so that filtering and sorting never read it.
CREATE TABLE {p}records (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    hash INTEGER NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);

CREATE TABLE {p}group_members (
    group_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    PRIMARY KEY (group_id, member_id)
) WITHOUT ROWID;
CREATE INDEX {p}group_members_member ON {p}group_members(member_id);

CREATE TABLE {p}systems (
    id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL DEFAULT '',
    hostname TEXT NOT NULL DEFAULT '',
    serial TEXT NOT NULL DEFAULT '',
    os TEXT NOT NULL DEFAULT '',
    os_family TEXT NOT NULL DEFAULT '',
    os_version TEXT NOT NULL DEFAULT '',
    arch TEXT NOT NULL DEFAULT '',
    hw_vendor TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    memory_bytes INTEGER,
    cpu TEXT NOT NULL DEFAULT '',
    fde_active INTEGER NOT NULL DEFAULT 0,
    fde_key_present INTEGER NOT NULL DEFAULT 0,
    fde_detail TEXT NOT NULL DEFAULT '',
    mdm_vendor TEXT NOT NULL DEFAULT '',
    mdm_enrolled INTEGER NOT NULL DEFAULT 0,
    mdm_device_id TEXT NOT NULL DEFAULT '',
    last_contact TEXT,
    active INTEGER NOT NULL DEFAULT 0,
    agent_version TEXT NOT NULL DEFAULT '',
    created TEXT
) WITHOUT ROWID;
CREATE INDEX {p}systems_hostname ON {p}systems(hostname COLLATE NOCASE);
CREATE INDEX {p}systems_serial ON {p}systems(serial COLLATE NOCASE);
CREATE INDEX {p}systems_os ON {p}systems(os_family, os_version);
CREATE INDEX {p}systems_os_fde ON {p}systems(os_family, fde_active, hostname COLLATE NOCASE);
CREATE INDEX {p}systems_contact ON {p}systems(last_contact);

CREATE TABLE {p}bindings (
    system_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    sudo INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (system_id, user_id)
) WITHOUT ROWID;
CREATE INDEX {p}bindings_user ON {p}bindings(user_id);

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

-- Recent Directory Insights events (logins), for last-login and history panels.
CREATE TABLE {p}events (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    service TEXT NOT NULL DEFAULT '',
    event_type TEXT NOT NULL DEFAULT '',
    success INTEGER NOT NULL DEFAULT 0,
    user_id TEXT NOT NULL DEFAULT '',
    username TEXT NOT NULL DEFAULT '',
    system_id TEXT NOT NULL DEFAULT '',
    app_id TEXT NOT NULL DEFAULT '',
    json TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX {p}events_user ON {p}events(username, at);
CREATE INDEX {p}events_system ON {p}events(system_id, at);
";

fn mirror(prefix: &str) -> String {
    MIRROR_DDL.replace("{p}", prefix)
}

const V1_SHARED: &str = "
CREATE TABLE sync_runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed', 'cancelled')),
    requests INTEGER NOT NULL DEFAULT 0,
    counts TEXT NOT NULL DEFAULT '{}',
    error TEXT
);

-- Every distinct version of a record, current from first_sync to last_sync (complete syncs).
CREATE TABLE history_records (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    hash INTEGER NOT NULL,
    json TEXT NOT NULL,
    first_sync INTEGER NOT NULL,
    last_sync INTEGER NOT NULL,
    PRIMARY KEY (kind, id, first_sync)
) WITHOUT ROWID;
CREATE INDEX history_records_last ON history_records(kind, last_sync);

-- Every membership or binding edge, present from first_sync to last_sync.
CREATE TABLE history_edges (
    kind TEXT NOT NULL,
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    first_sync INTEGER NOT NULL,
    last_sync INTEGER NOT NULL,
    PRIMARY KEY (kind, a, b, first_sync)
) WITHOUT ROWID;
CREATE INDEX history_edges_last ON history_edges(kind, last_sync);

-- Search over names, emails, usernames, departments, hostnames, serials and owner emails.
CREATE VIRTUAL TABLE search_index USING fts5(
    kind UNINDEXED, ref UNINDEXED, text,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
";

/// All migrations, oldest first.
pub fn migrations() -> Migrations<'static> {
    static V1: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let v1 = V1.get_or_init(|| format!("{}{}{}", mirror(""), mirror("s_"), V1_SHARED));
    // Who reaches a device through groups: the groups' bindings, and the view of every path
    // (devices reached only through a group were "bound to nobody" before).
    static V15: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let v15 = V15.get_or_init(|| {
        let ddl = crate::reach::MIRROR_DDL;
        format!(
            "{}{}{}",
            ddl.replace("{p}", ""),
            ddl.replace("{p}", "s_"),
            crate::reach::VIEW_DDL
        )
    });
    Migrations::new(vec![
        M::up(v1),
        M::up(crate::audit::DDL),
        M::up(crate::checklists::DDL),
        M::up(crate::checklists::TEMPLATES_DDL),
        M::up(crate::settings::DDL),
        M::up(crate::problems::DDL),
        M::up(crate::history::DDL_V7),
        M::up(crate::packed::DDL),
        // Whether a device has a user bound (kept by `refresh_bound`), and narrow indexes the
        // facet counts scan instead of the wide rows.
        M::up(
            "ALTER TABLE systems ADD COLUMN bound INTEGER NOT NULL DEFAULT 0;
             ALTER TABLE s_systems ADD COLUMN bound INTEGER NOT NULL DEFAULT 0;
             UPDATE systems SET bound = (id IN (SELECT system_id FROM bindings));
             CREATE INDEX systems_facets ON systems(os_family, fde_active, mdm_enrolled, last_contact, bound);
             CREATE INDEX users_facets ON users(state, locked, mfa_configured);",
        ),
        M::up(crate::trends::DDL),
        M::up(crate::reviews::DDL),
        // The system drive's size and free space, from System Insights (NULL: not reported).
        M::up(
            "ALTER TABLE systems ADD COLUMN disk_size INTEGER;
             ALTER TABLE systems ADD COLUMN disk_free INTEGER;
             ALTER TABLE s_systems ADD COLUMN disk_size INTEGER;
             ALTER TABLE s_systems ADD COLUMN disk_free INTEGER;",
        ),
        // When each person's password was last set (NULL until the next sync reads it).
        M::up(
            "ALTER TABLE users ADD COLUMN password_date TEXT;
             ALTER TABLE s_users ADD COLUMN password_date TEXT;",
        ),
        M::up(crate::admins_seen::DDL),
        M::up(v15),
    ])
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        super::migrations()
            .validate()
            .expect("every migration applies to an empty database");
    }
}

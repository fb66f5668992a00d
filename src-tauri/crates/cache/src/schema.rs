//! The schema, as migrations. Only ever append a migration; never edit or repurpose a column
//! that has shipped (old files must upgrade in place).
//!
//! Each mirrored table has a twin prefixed `s_` (staging): a sync fills the twins, and only a
//! complete sync swaps them into the live tables in one transaction, so readers always see the
//! last complete snapshot. `history_*` keep every distinct version of a record or edge with the
//! range of syncs it was current for, which is enough to diff any two syncs.

use rusqlite_migration::{Migrations, M};

/// Tables that mirror JumpCloud (live and `s_` staging twins have the same columns). The login
/// events are not among them since migration 18: they are added to the archive, which a sync
/// never empties (`events` is a view of it).
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
];

/// The mirrored tables as the first schema made them; each table's slice lives beside the code
/// that writes it (`write/<table>.rs`). Later changes to a table are later migrations below.
const MIRROR_V1: &[&str] = &[
    crate::write::users::DDL,
    crate::write::groups::DDL,
    crate::write::records::DDL,
    crate::write::groups::MEMBERS_DDL,
    crate::write::systems::DDL,
    crate::write::bindings::DDL,
    crate::write::apps::DDL,
    crate::write::admins::DDL,
    crate::write::events::DDL,
];

fn mirror(prefix: &str) -> String {
    MIRROR_V1.concat().replace("{p}", prefix)
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

/// The schema version the latest migration leaves (`PRAGMA user_version`).
pub const LATEST: usize = 20;

/// All migrations, oldest first.
pub fn migrations() -> Migrations<'static> {
    static V1: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let v1 = V1.get_or_init(|| format!("{}{}{}", mirror(""), mirror("s_"), V1_SHARED));
    static V9: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let v9 = V9.get_or_init(|| [crate::write::systems::BOUND, crate::write::users::FACETS_INDEX].concat());
    // Who reaches a device through groups: the groups' bindings, and the view of every path
    // (devices reached only through a group were "bound to nobody" before).
    static V15: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let v15 = V15.get_or_init(|| {
        let ddl = crate::reach::MIRROR_DDL;
        format!(
            "{}{}{}{}",
            ddl.replace("{p}", ""),
            ddl.replace("{p}", "s_"),
            crate::reach::VIEW_DDL,
            crate::history::EDGES_SINCE_DDL
        )
    });
    // Access reviews, and whether a person is an administrator on every device they reach.
    static V16: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let v16 = V16.get_or_init(|| {
        [
            crate::campaigns::DDL,
            crate::write::users::GLOBAL_SUDO,
            crate::checklists::SCHEDULED_STEPS,
        ]
        .concat()
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
        // Whether a device is reached by anyone, and the narrow indexes the facet counts scan.
        M::up(v9),
        M::up(crate::trends::DDL),
        M::up(crate::reviews::DDL),
        M::up(crate::write::systems::DISKS),
        M::up(crate::write::users::PASSWORD_DATE),
        M::up(crate::admins_seen::DDL),
        M::up(v15),
        M::up(v16),
        // The event archive, saved queries and the API console's history.
        M::up(crate::archive::DDL),
        // The login events kept once, in the archive (`events` a view of it).
        M::up(crate::archive::LOGINS_IN_ARCHIVE),
        // The archive's events in narrow rows, what kind and whom each names kept once.
        M::up(crate::event_log::narrow_ddl()),
        // The search index without a copy of the text it indexes.
        M::up(crate::search::contentless_ddl()),
    ])
}

#[cfg(test)]
mod tests {
    #[test]
    fn latest_is_the_version_the_migrations_leave() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        super::migrations().to_latest(&mut conn).unwrap();
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v as usize, super::LATEST);
    }

    #[test]
    fn migrations_are_valid() {
        super::migrations()
            .validate()
            .expect("every migration applies to an empty database");
    }

    /// The sync empties and swaps exactly the tables in `MIRRORED`: every staging twin must be
    /// in it, and a live table and its twin must have the same columns in the same order
    /// (`INSERT INTO t SELECT * FROM s_t`).
    #[test]
    fn every_mirrored_table_has_a_twin_of_the_same_shape() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        super::migrations().to_latest(&mut conn).unwrap();
        let mut twins: Vec<String> = conn
            .prepare("SELECT substr(name, 3) FROM sqlite_master WHERE type = 'table' AND name LIKE 's\\_%' ESCAPE '\\'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        twins.sort();
        let mut mirrored: Vec<String> = super::MIRRORED.iter().map(|t| t.to_string()).collect();
        mirrored.sort();
        assert_eq!(twins, mirrored);
        let columns = |t: &str| -> Vec<(String, String)> {
            conn.prepare(&format!("SELECT name, type FROM pragma_table_info('{t}') ORDER BY cid"))
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        for t in super::MIRRORED {
            let live = columns(t);
            assert!(!live.is_empty(), "{t} exists");
            assert_eq!(live, columns(&format!("s_{t}")), "{t} and s_{t}");
        }
    }
}

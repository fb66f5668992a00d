//! Writing a sync: rows land in the `s_` staging tables phase by phase; `finish` swaps them into
//! the live tables, records history and rebuilds the search index in one transaction. A sync
//! that fails, is cancelled or is killed never touches the live tables, so readers keep the last
//! complete snapshot. The first import of an org has no snapshot to protect, so it is
//! progressive: each batch also lands in the live tables at once, and users are browsable while
//! memberships still fill in.

use crate::error::Result;
use crate::rows::*;
use crate::schema::MIRRORED;
use crate::Cache;
use rusqlite::params;

/// How a sync ended, for `sync_runs.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncEnd {
    Failed,
    Cancelled,
}

/// The whole record of a user, device, group or app (the `records` table).
pub struct RecordRow {
    pub kind: crate::RecordKind,
    pub id: String,
    pub json: String,
    /// The compression dictionary of its kind in this file (`packed.rs`), if there is one.
    pub dict: Option<u32>,
}

/// An open sync.
pub struct SyncWriter<'a> {
    cache: &'a mut Cache,
    pub sync_id: i64,
    /// No complete snapshot yet: write through to the live tables.
    pub progressive: bool,
}

impl Cache {
    /// Starts a sync: records it as running, empties the staging tables.
    pub fn begin_sync(&mut self, now: &str) -> Result<SyncWriter<'_>> {
        let progressive = self.last_complete_sync()?.is_none();
        let tx = self.conn.transaction()?;
        // A sync left "running" by a crash is marked failed: its staging rows are discarded.
        tx.execute("UPDATE sync_runs SET status = 'failed', error = 'interrupted (Rollcall stopped during the sync)', finished_at = ?1 WHERE status = 'running'", [now])?;
        for t in MIRRORED {
            tx.execute(&format!("DELETE FROM s_{t}"), [])?;
        }
        tx.execute(
            "INSERT INTO sync_runs (started_at, status) VALUES (?1, 'running')",
            [now],
        )?;
        let sync_id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(SyncWriter {
            cache: self,
            sync_id,
            progressive,
        })
    }
}

macro_rules! put_rows {
    ($name:ident, $ty:ty, $table:literal, $cols:expr, $bind:expr) => {
        pub fn $name(&mut self, rows: &[$ty]) -> Result<()> {
            let prefixes = self.prefixes();
            let tx = self.cache.conn.transaction()?;
            for prefix in prefixes {
                let sql = upsert_sql(&format!("{prefix}{}", $table), $cols);
                let mut stmt = tx.prepare_cached(&sql)?;
                for r in rows {
                    let bind: &dyn Fn(&$ty) -> Vec<rusqlite::types::Value> = &$bind;
                    stmt.execute(rusqlite::params_from_iter(bind(r)))?;
                }
            }
            tx.commit()?;
            Ok(())
        }
    };
}

fn v<T: Into<rusqlite::types::Value>>(x: T) -> rusqlite::types::Value {
    x.into()
}

fn opt(x: &Option<String>) -> rusqlite::types::Value {
    match x {
        Some(s) => rusqlite::types::Value::Text(s.clone()),
        None => rusqlite::types::Value::Null,
    }
}

/// The setting that says from when the copy's login events are whole.
const EVENTS_FROM: &str = "events_from";

pub(crate) const USER_COLS: &str = "id,username,email,firstname,lastname,displayname,department,job_title,employee_type,employee_id,location,company,manager_id,state,locked,locked_at,mfa_configured,mfa_status,password_expired,password_expires_at,created,password_date";

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
    ]
}

pub(crate) const SYSTEM_COLS: &str = "id,display_name,hostname,serial,os,os_family,os_version,arch,hw_vendor,model,memory_bytes,cpu,fde_active,fde_key_present,fde_detail,mdm_vendor,mdm_enrolled,mdm_device_id,last_contact,active,agent_version,created";

pub(crate) fn system_values(r: &SystemRow) -> Vec<rusqlite::types::Value> {
    vec![
        v(r.id.clone()),
        v(r.display_name.clone()),
        v(r.hostname.clone()),
        v(r.serial.clone()),
        v(r.os.clone()),
        v(r.os_family.as_str().to_string()),
        v(r.os_version.clone()),
        v(r.arch.clone()),
        v(r.hw_vendor.clone()),
        v(r.model.clone()),
        v(r.memory_bytes),
        v(r.cpu.clone()),
        v(r.fde_active),
        v(r.fde_key_present),
        v(r.fde_detail.clone()),
        v(r.mdm_vendor.clone()),
        v(r.mdm_enrolled),
        v(r.mdm_device_id.clone()),
        opt(&r.last_contact),
        v(r.active),
        v(r.agent_version.clone()),
        opt(&r.created),
    ]
}

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

pub(crate) const RECORD_COLS: &str = "kind,id,hash,json";

pub(crate) fn record_values(r: &RecordRow) -> Vec<rusqlite::types::Value> {
    vec![
        v(r.kind.as_str().to_string()),
        v(r.id.clone()),
        v(crate::observed::version_hash(r.kind, &r.json, crate::dates::now_ms())),
        v(crate::packed::pack_with(r.dict, &r.json)),
    ]
}

/// `INSERT OR REPLACE INTO <table> (<cols>) VALUES (?, …)`.
pub(crate) fn upsert_sql(table: &str, cols: &str) -> String {
    let marks = vec!["?"; cols.split(',').count()].join(",");
    format!("INSERT OR REPLACE INTO {table} ({cols}) VALUES ({marks})")
}

impl SyncWriter<'_> {
    pub(crate) fn cache_mut(&mut self) -> &mut Cache {
        self.cache
    }

    /// The table prefixes a write goes to: the staging twins, and during a first import the
    /// live tables as well.
    pub(crate) fn prefixes(&self) -> &'static [&'static str] {
        if self.progressive {
            &["s_", ""]
        } else {
            &["s_"]
        }
    }

    put_rows!(put_user_rows, UserRow, "users", USER_COLS, user_values);
    put_rows!(put_system_rows, SystemRow, "systems", SYSTEM_COLS, system_values);
    put_rows!(put_group_rows, GroupRow, "groups", GROUP_COLS, group_values);
    put_rows!(put_records, RecordRow, "records", RECORD_COLS, record_values);

    pub fn put_users(&mut self, rows: &[UserRow]) -> Result<()> {
        self.put_user_rows(rows)?;
        let dict = self.dict("user", rows.iter().map(|r| r.json.as_str()))?;
        self.put_records(
            &rows
                .iter()
                .map(|r| RecordRow {
                    kind: crate::RecordKind::User,
                    id: r.id.clone(),
                    json: r.json.clone(),
                    dict,
                })
                .collect::<Vec<_>>(),
        )
    }

    pub fn put_systems(&mut self, rows: &[SystemRow]) -> Result<()> {
        self.put_system_rows(rows)?;
        let dict = self.dict("system", rows.iter().map(|r| r.json.as_str()))?;
        self.put_records(
            &rows
                .iter()
                .map(|r| RecordRow {
                    kind: crate::RecordKind::System,
                    id: r.id.clone(),
                    json: r.json.clone(),
                    dict,
                })
                .collect::<Vec<_>>(),
        )
    }

    pub fn put_groups(&mut self, rows: &[GroupRow]) -> Result<()> {
        self.put_group_rows(rows)?;
        let dict = self.dict("group", rows.iter().map(|r| r.json.as_str()))?;
        self.put_records(
            &rows
                .iter()
                .map(|r| RecordRow {
                    kind: crate::RecordKind::Group,
                    id: r.id.clone(),
                    json: r.json.clone(),
                    dict,
                })
                .collect::<Vec<_>>(),
        )
    }

    pub fn put_apps(&mut self, rows: &[AppRow]) -> Result<()> {
        self.put_app_rows(rows)?;
        let dict = self.dict("app", rows.iter().map(|r| r.json.as_str()))?;
        self.put_records(
            &rows
                .iter()
                .map(|r| RecordRow {
                    kind: crate::RecordKind::App,
                    id: r.id.clone(),
                    json: r.json.clone(),
                    dict,
                })
                .collect::<Vec<_>>(),
        )
    }

    put_rows!(
        put_group_members,
        Edge,
        "group_members",
        "group_id,member_id",
        |r: &Edge| vec![v(r.a.clone()), v(r.b.clone())]
    );
    put_rows!(
        put_bindings,
        Binding,
        "bindings",
        "system_id,user_id,sudo",
        |r: &Binding| vec![v(r.system_id.clone()), v(r.user_id.clone()), v(r.sudo)]
    );
    put_rows!(put_app_rows, AppRow, "apps", APP_COLS, app_values);

    /// Edges (a, b) into a two-column mirrored table.
    pub(crate) fn put_edges(&mut self, table: &str, cols: &str, edges: &[Edge]) -> Result<()> {
        let prefixes = self.prefixes();
        let tx = self.cache.conn.transaction()?;
        for prefix in prefixes {
            let mut stmt = tx.prepare_cached(&upsert_sql(&format!("{prefix}{table}"), cols))?;
            for e in edges {
                stmt.execute(params![e.a, e.b])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
    put_rows!(
        put_app_users,
        AppUser,
        "app_users",
        "app_id,user_id,via_group",
        |r: &AppUser| vec![v(r.app_id.clone()), v(r.user_id.clone()), v(r.via_group.clone())]
    );
    put_rows!(put_app_groups, Edge, "app_groups", "app_id,group_id", |r: &Edge| vec![
        v(r.a.clone()),
        v(r.b.clone())
    ]);
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
    /// Carries the Directory Insights events the copy already holds from `from` on into this
    /// sync, so that only newer ones need asking for. Returns the newest one's time, or None when
    /// the copy does not hold the whole window from `from` (the sync then asks for all of it).
    pub fn carry_events(&mut self, from: &str) -> Result<Option<String>> {
        if self.progressive {
            return Ok(None);
        }
        let held = self.cache.setting(EVENTS_FROM)?;
        if held.is_none_or(|h| h.as_str() > from) {
            return Ok(None);
        }
        let tx = self.cache.conn.transaction()?;
        tx.execute(
            "INSERT OR REPLACE INTO s_events SELECT * FROM events WHERE at >= ?1",
            [from],
        )?;
        let newest: Option<String> = tx.query_row("SELECT max(at) FROM s_events", [], |r| r.get(0))?;
        tx.commit()?;
        Ok(newest)
    }

    /// Records that this sync's events cover the window from `from` (so the next sync can
    /// carry them), or, with None, that they are unknown (Directory Insights not available).
    pub fn events_cover(&mut self, from: Option<&str>) -> Result<()> {
        match from {
            Some(f) => self.cache.set_setting(EVENTS_FROM, f, &crate::dates::now_rfc3339()),
            None => self.cache.clear_setting(EVENTS_FROM),
        }
    }

    /// Directory Insights events (their JSON packed with the events' dictionary).
    pub fn put_events(&mut self, rows: &[EventRow]) -> Result<()> {
        let dict = self.dict("event", rows.iter().map(|r| r.json.as_str()))?;
        let prefixes = self.prefixes();
        let tx = self.cache.conn.transaction()?;
        for prefix in prefixes {
            let sql = upsert_sql(
                &format!("{prefix}events"),
                "id,at,service,event_type,success,user_id,username,system_id,app_id,json",
            );
            let mut stmt = tx.prepare_cached(&sql)?;
            for r in rows {
                stmt.execute(params![
                    r.id,
                    r.at,
                    r.service,
                    r.event_type,
                    r.success,
                    r.user_id,
                    r.username,
                    r.system_id,
                    r.app_id,
                    crate::packed::pack_with(dict, &r.json),
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The compression dictionary of `kind` in this file, trained on `samples` if there is
    /// none yet and they are enough.
    fn dict<'s>(&mut self, kind: &str, samples: impl Iterator<Item = &'s str>) -> Result<Option<u32>> {
        let samples: Vec<&str> = samples.take(2_000).collect();
        Ok(crate::packed::dict_for(
            &self.cache.conn,
            kind,
            &samples,
            &crate::dates::now_rfc3339(),
        )?)
    }

    /// Fills in hardware facts from System Insights on devices already written.
    pub fn put_system_hardware(&mut self, rows: &[(String, String, Option<i64>, String)]) -> Result<()> {
        let prefixes = self.prefixes();
        let tx = self.cache.conn.transaction()?;
        for prefix in prefixes {
            let mut stmt = tx.prepare_cached(&format!(
                "UPDATE {prefix}systems SET model = ?2, memory_bytes = ?3, cpu = ?4 WHERE id = ?1"
            ))?;
            for (id, model, mem, cpu) in rows {
                stmt.execute(params![id, model, mem, cpu])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Fills in the system drive's size and free space (bytes) from System Insights.
    pub fn put_system_disks(&mut self, rows: &[(String, i64, i64)]) -> Result<()> {
        let prefixes = self.prefixes();
        let tx = self.cache.conn.transaction()?;
        for prefix in prefixes {
            let mut stmt = tx.prepare_cached(&format!(
                "UPDATE {prefix}systems SET disk_size = ?2, disk_free = ?3 WHERE id = ?1"
            ))?;
            for (id, size, free) in rows {
                stmt.execute(params![id, size, free])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Fills in disk encryption detail (FileVault / BitLocker / LUKS) from System Insights.
    pub fn put_system_fde_detail(&mut self, rows: &[(String, String)]) -> Result<()> {
        let prefixes = self.prefixes();
        let tx = self.cache.conn.transaction()?;
        for prefix in prefixes {
            let mut stmt = tx.prepare_cached(&format!("UPDATE {prefix}systems SET fde_detail = ?2 WHERE id = ?1"))?;
            for (id, detail) in rows {
                stmt.execute(params![id, detail])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Makes what has landed so far searchable during a first import.
    pub fn refresh_search(&mut self) -> Result<()> {
        if self.progressive {
            let tx = self.cache.conn.transaction()?;
            crate::search::rebuild(&tx)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Swaps the staged snapshot in, records history, rebuilds search; marks the sync complete.
    pub fn finish(self, now: &str, requests: u64, counts: &serde_json::Value) -> Result<i64> {
        let id = self.sync_id;
        let prev = self.cache.last_complete_sync()?.map(|(id, _)| id);
        let tx = self.cache.conn.transaction()?;
        // Versions that end with this sync keep their JSON before `records` is replaced.
        crate::history::keep_ending_versions(&tx, prev)?;
        for t in MIRRORED {
            tx.execute(&format!("DELETE FROM {t}"), [])?;
            tx.execute(&format!("INSERT INTO {t} SELECT * FROM s_{t}"), [])?;
            tx.execute(&format!("DELETE FROM s_{t}"), [])?;
        }
        crate::reach::refresh_bound(&tx, None)?;
        crate::history::record(&tx, id, prev)?;
        crate::search::rebuild(&tx)?;
        tx.execute(
            "UPDATE sync_runs SET status = 'complete', finished_at = ?2, requests = ?3, counts = ?4 WHERE id = ?1",
            params![id, now, requests as i64, counts.to_string()],
        )?;
        tx.commit()?;
        // Give back the pages the emptied staging tables held. The pragma frees pages as it is
        // stepped, so every row it yields is read.
        let mut vacuum = self.cache.conn.prepare("PRAGMA incremental_vacuum")?;
        let mut rows = vacuum.query([])?;
        while rows.next()?.is_some() {}
        Ok(id)
    }

    /// Ends the sync without touching the live snapshot.
    pub fn abandon(self, end: SyncEnd, now: &str, requests: u64, error: &str) -> Result<()> {
        let status = match end {
            SyncEnd::Failed => "failed",
            SyncEnd::Cancelled => "cancelled",
        };
        let tx = self.cache.conn.transaction()?;
        for t in MIRRORED {
            tx.execute(&format!("DELETE FROM s_{t}"), [])?;
        }
        tx.execute(
            "UPDATE sync_runs SET status = ?2, finished_at = ?3, requests = ?4, error = ?5 WHERE id = ?1",
            params![self.sync_id, status, now, requests as i64, error],
        )?;
        tx.commit()?;
        Ok(())
    }
}

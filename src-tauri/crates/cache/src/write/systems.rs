//! The `systems` table (devices): its schema and how a sync writes it.

use super::{opt, v};
use crate::error::Result;
use crate::rows::SystemRow;
use crate::RecordKind;
use rusqlite::ToSql;

/// The table as the first schema made it.
pub(crate) const DDL: &str = "
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
";

/// Whether a device is reached by anyone (kept by `reach::refresh_bound`), and the narrow index
/// the facet counts scan instead of the wide rows (migration 9).
pub(crate) const BOUND: &str = "
ALTER TABLE systems ADD COLUMN bound INTEGER NOT NULL DEFAULT 0;
ALTER TABLE s_systems ADD COLUMN bound INTEGER NOT NULL DEFAULT 0;
UPDATE systems SET bound = (id IN (SELECT system_id FROM bindings));
CREATE INDEX systems_facets ON systems(os_family, fde_active, mdm_enrolled, last_contact, bound);
";

/// The system drive's size and free space, from System Insights (NULL: not reported;
/// migration 12).
pub(crate) const DISKS: &str = "
ALTER TABLE systems ADD COLUMN disk_size INTEGER;
ALTER TABLE systems ADD COLUMN disk_free INTEGER;
ALTER TABLE s_systems ADD COLUMN disk_size INTEGER;
ALTER TABLE s_systems ADD COLUMN disk_free INTEGER;
";

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

impl super::SyncWriter<'_> {
    put_rows!(put_system_rows, SystemRow, "systems", SYSTEM_COLS, system_values);

    /// Devices, with their whole records.
    pub fn put_systems(&mut self, rows: &[SystemRow]) -> Result<()> {
        self.put_system_rows(rows)?;
        self.put_whole(RecordKind::System, rows.iter().map(|r| (&r.id, &r.json)))
    }

    /// Fills in hardware facts from System Insights on devices already written.
    pub fn put_system_hardware(&mut self, rows: &[(String, String, Option<i64>, String)]) -> Result<()> {
        self.update_systems(
            "model = ?2, memory_bytes = ?3, cpu = ?4",
            rows,
            |(id, model, mem, cpu)| {
                vec![
                    id as &dyn ToSql,
                    model as &dyn ToSql,
                    mem as &dyn ToSql,
                    cpu as &dyn ToSql,
                ]
            },
        )
    }

    /// Fills in the system drive's size and free space (bytes) from System Insights.
    pub fn put_system_disks(&mut self, rows: &[(String, i64, i64)]) -> Result<()> {
        self.update_systems("disk_size = ?2, disk_free = ?3", rows, |(id, size, free)| {
            vec![id as &dyn ToSql, size as &dyn ToSql, free as &dyn ToSql]
        })
    }

    /// Fills in disk encryption detail (FileVault / BitLocker / LUKS) from System Insights.
    pub fn put_system_fde_detail(&mut self, rows: &[(String, String)]) -> Result<()> {
        self.update_systems("fde_detail = ?2", rows, |(id, detail)| {
            vec![id as &dyn ToSql, detail as &dyn ToSql]
        })
    }

    /// `UPDATE systems SET <set> WHERE id = ?1` for each row, bound by `bind`.
    fn update_systems<T>(&mut self, set: &str, rows: &[T], bind: impl Fn(&T) -> Vec<&dyn ToSql>) -> Result<()> {
        let prefixes = self.prefixes();
        let tx = self.cache.conn.transaction()?;
        for prefix in prefixes {
            let mut stmt = tx.prepare_cached(&format!("UPDATE {prefix}systems SET {set} WHERE id = ?1"))?;
            for r in rows {
                stmt.execute(bind(r).as_slice())?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

//! The posture of every complete sync, kept when the sync ends, so that each figure can be
//! drawn across the org's history (people, devices, MFA and encryption coverage, silent
//! devices, admins). Syncs from before this was kept give what their summary holds (people
//! and devices).

use crate::error::Result;
use crate::read::Posture;
use crate::Cache;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

/// Added by migration 10.
pub(crate) const DDL: &str = "
CREATE TABLE posture_history (
    sync_id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    json TEXT NOT NULL
);
";

/// The figures of one sync.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TrendPoint {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub sync_id: i64,
    /// When the sync finished.
    pub at: String,
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub people: Option<u64>,
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub devices: Option<u64>,
    /// Active people enrolled in MFA, percent.
    pub mfa_pct: Option<f64>,
    /// Devices encrypted, percent.
    pub encrypted_pct: Option<f64>,
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub silent: Option<u64>,
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub admins: Option<u64>,
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub admins_without_mfa: Option<u64>,
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub locked: Option<u64>,
}

fn pct(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

impl TrendPoint {
    fn of(sync_id: i64, at: String, p: &Posture) -> Self {
        let d = &p.devices;
        TrendPoint {
            sync_id,
            at,
            people: Some(p.people.total),
            devices: Some(d.total),
            mfa_pct: pct(p.people.active_mfa, p.people.active),
            encrypted_pct: pct(d.total - d.not_encrypted, d.total),
            silent: Some(d.silent),
            admins: Some(p.people.admins),
            admins_without_mfa: Some(p.people.admins_without_mfa),
            locked: Some(p.people.locked),
        }
    }
}

impl Cache {
    /// Keeps the posture of sync `sync_id` (replacing one kept before).
    pub fn record_posture(&self, sync_id: i64, at: &str, posture: &Posture) -> Result<()> {
        let json = serde_json::to_string(posture).unwrap_or_default();
        self.conn.execute(
            "INSERT OR REPLACE INTO posture_history (sync_id, at, json) VALUES (?1, ?2, ?3)",
            params![sync_id, at, json],
        )?;
        Ok(())
    }

    /// The figures of every complete sync, oldest first (at most the last `limit`).
    /// The posture recorded when sync `sync_id` ended (None: not recorded, e.g. a sync from
    /// before postures were kept, or one that did not complete).
    pub fn posture_of_sync(&self, sync_id: i64) -> Result<Option<Posture>> {
        let json: Option<String> = self
            .conn
            .query_row("SELECT json FROM posture_history WHERE sync_id = ?1", [sync_id], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
    }

    pub fn trends(&self, limit: u32) -> Result<Vec<TrendPoint>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.id, coalesce(p.at, r.finished_at, r.started_at), p.json, r.counts FROM sync_runs r \
             LEFT JOIN posture_history p ON p.sync_id = r.id \
             WHERE r.status = 'complete' ORDER BY r.id DESC LIMIT ?1",
        )?;
        let rows = stmt
            .query_map([limit], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out: Vec<TrendPoint> = rows
            .into_iter()
            .map(|(id, at, posture, counts)| {
                if let Some(p) = posture.and_then(|j| serde_json::from_str::<Posture>(&j).ok()) {
                    return TrendPoint::of(id, at, &p);
                }
                let counts: serde_json::Value = counts.and_then(|c| serde_json::from_str(&c).ok()).unwrap_or_default();
                let n = |k: &str| counts.get(k).and_then(serde_json::Value::as_u64);
                TrendPoint {
                    sync_id: id,
                    at,
                    people: n("users"),
                    devices: n("devices"),
                    mfa_pct: None,
                    encrypted_pct: None,
                    silent: None,
                    admins: n("admins"),
                    admins_without_mfa: None,
                    locked: None,
                }
            })
            .collect();
        out.reverse();
        Ok(out)
    }
}

//! People a campaign's remediation suspends on a date (JumpCloud's scheduled state change).

use super::SuspensionState;
use crate::error::Result;
use crate::Cache;
use rusqlite::params;
use serde::Serialize;

/// A person a campaign's remediation suspends on a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScheduledSuspension {
    pub person_id: String,
    pub person: String,
    /// When JumpCloud suspends them (RFC 3339, UTC).
    pub at: String,
    pub job_id: String,
    pub scheduled_by: String,
    pub scheduled_at: String,
    pub state: SuspensionState,
    pub note: String,
}

impl Cache {
    pub fn add_campaign_suspension(&self, id: i64, s: &ScheduledSuspension) -> Result<()> {
        self.conn.execute(
            "INSERT INTO campaign_suspensions (campaign_id, person_id, person, at, job_id, scheduled_by, scheduled_at, state, note) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![id, s.person_id, s.person, s.at, s.job_id, s.scheduled_by, s.scheduled_at, s.state, s.note],
        )?;
        Ok(())
    }

    pub fn set_campaign_suspension(&self, id: i64, job_id: &str, state: SuspensionState, note: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE campaign_suspensions SET state = ?3, note = ?4 WHERE campaign_id = ?1 AND job_id = ?2",
            params![id, job_id, state, note],
        )?;
        Ok(())
    }

    pub fn campaign_suspensions(&self, id: i64) -> Result<Vec<ScheduledSuspension>> {
        let mut st = self.conn.prepare(
            "SELECT person_id, person, at, job_id, scheduled_by, scheduled_at, state, note FROM campaign_suspensions \
             WHERE campaign_id = ?1 ORDER BY scheduled_at",
        )?;
        let v = st
            .query_map([id], |r| {
                Ok(ScheduledSuspension {
                    person_id: r.get(0)?,
                    person: r.get(1)?,
                    at: r.get(2)?,
                    job_id: r.get(3)?,
                    scheduled_by: r.get(4)?,
                    scheduled_at: r.get(5)?,
                    state: r.get(6)?,
                    note: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
}

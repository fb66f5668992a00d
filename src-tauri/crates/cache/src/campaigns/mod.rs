//! Access reviews (certification campaigns), kept in the org's file: what a campaign covers
//! and who reviews it, the grants it froze when it was prepared (each row's JSON and its
//! SHA-256, never changed by a later sync), each decision as it is made (and a log of every
//! decision, none overwritten), and what was done to remove what was revoked. What goes into
//! a campaign and what a decision needs is core's (`rollcall_core::certify`).

use crate::error::{CacheError, Result};
use crate::Cache;
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod kinds;
mod suspensions;
pub use kinds::*;
pub use suspensions::ScheduledSuspension;

/// Added by migration 16.
pub(crate) const DDL: &str = "
CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    scope TEXT NOT NULL,
    reviewer_mode TEXT NOT NULL,
    owners TEXT NOT NULL DEFAULT '{}',
    due TEXT NOT NULL,
    repeat_months INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    previous_id INTEGER,
    prepared_at TEXT,
    sync_id INTEGER,
    data_as_of TEXT,
    prep_note TEXT NOT NULL DEFAULT '',
    org_domains TEXT NOT NULL DEFAULT '',
    rows_hash TEXT,
    closed_at TEXT,
    closed_by TEXT NOT NULL DEFAULT '',
    undecided_as TEXT,
    decisions_hash TEXT
);
CREATE TABLE campaign_rows (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    grant_key TEXT NOT NULL,
    frozen TEXT NOT NULL,
    row_hash TEXT NOT NULL,
    reviewer TEXT NOT NULL DEFAULT '',
    decision TEXT,
    reason TEXT NOT NULL DEFAULT '',
    defer_owner TEXT NOT NULL DEFAULT '',
    defer_due TEXT,
    decided_by TEXT NOT NULL DEFAULT '',
    decided_at TEXT,
    decided_via TEXT NOT NULL DEFAULT '',
    remedy TEXT,
    remedy_note TEXT NOT NULL DEFAULT '',
    remedy_at TEXT,
    event_id TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (campaign_id, seq)
);
CREATE INDEX campaign_rows_key ON campaign_rows(grant_key);
-- A person suspended on a date as part of a campaign's remediation (JumpCloud's scheduled
-- state change): pending until verified, or cancelled.
CREATE TABLE campaign_suspensions (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL,
    person TEXT NOT NULL,
    at TEXT NOT NULL,
    job_id TEXT NOT NULL,
    scheduled_by TEXT NOT NULL,
    scheduled_at TEXT NOT NULL,
    state TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (campaign_id, person_id, job_id)
) WITHOUT ROWID;
CREATE TABLE campaign_decisions (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    decision TEXT,
    reason TEXT NOT NULL DEFAULT '',
    decided_by TEXT NOT NULL DEFAULT '',
    decided_via TEXT NOT NULL DEFAULT ''
);
";

/// What a campaign covers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CampaignScope {
    /// User group ids: their members.
    pub user_groups: Vec<String>,
    /// SSO application ids: who reaches them.
    pub apps: Vec<String>,
    pub devices: DeviceScope,
    /// Console administrators and their roles.
    pub admins: bool,
    /// Time-limited grants from access requests.
    pub timed_grants: bool,
}

impl CampaignScope {
    pub fn is_empty(&self) -> bool {
        self.user_groups.is_empty()
            && self.apps.is_empty()
            && self.devices == DeviceScope::None
            && !self.admins
            && !self.timed_grants
    }

    /// The same scope whatever order its ids were picked in (campaigns on one scope compare).
    pub fn normalized(&self) -> Self {
        let mut s = self.clone();
        s.user_groups.sort();
        s.user_groups.dedup();
        s.apps.sort();
        s.apps.dedup();
        s
    }
}

/// A new campaign, as the admin describes it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewCampaign {
    pub name: String,
    pub scope: CampaignScope,
    pub reviewer_mode: ReviewerMode,
    /// Owner mode: the reviewer (an email) of each group or app, by id.
    pub owners: BTreeMap<String, String>,
    /// `YYYY-MM-DD`.
    pub due: String,
    /// 0: once; 3: every quarter (the Reviews list says when the next is due).
    pub repeat_months: u32,
}

/// A campaign, its preparation and its close.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Campaign {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub id: i64,
    pub name: String,
    pub scope: CampaignScope,
    pub reviewer_mode: ReviewerMode,
    pub owners: BTreeMap<String, String>,
    pub due: String,
    pub repeat_months: u32,
    pub created_at: String,
    pub created_by: String,
    /// The last campaign prepared on the same scope (what is new is new since it).
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub previous_id: Option<i64>,
    pub prepared_at: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub sync_id: Option<i64>,
    /// When the sync the rows were copied from finished.
    pub data_as_of: Option<String>,
    /// What the preparation said of the copy (a sync that failed, a copy older than a day).
    pub prep_note: String,
    /// The domains an email must be in not to be flagged "outside the org's domains".
    pub org_domains: Vec<String>,
    /// SHA-256 of the frozen rows (the manifest).
    pub rows_hash: Option<String>,
    pub closed_at: Option<String>,
    pub closed_by: String,
    /// What undecided rows became at close, chosen by the admin.
    pub undecided_as: Option<CertDecision>,
    /// SHA-256 of the decisions at close.
    pub decisions_hash: Option<String>,
}

/// One flag on a row and the fact behind it ("no login since 2026-08-01 (copy holds 90 days)").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FlagFact {
    pub flag: CertFlag,
    pub fact: String,
}

/// A grant as it was frozen: never changed after preparation; its JSON is what is hashed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FrozenRow {
    /// Identifies the same grant across campaigns: `kind|person|resource|via`.
    pub grant_key: String,
    pub kind: GrantKind,
    pub person_id: String,
    /// "Name <email>".
    pub person: String,
    pub email: String,
    pub resource_id: String,
    /// The group, app or device (hostname), the console with the admin's role, or the
    /// access request's group.
    pub resource: String,
    /// The user group (or user group → device group) it is reached through; empty: direct.
    pub via_id: String,
    pub via: String,
    pub privileged: bool,
    /// Administrator rights that come from the binding alone: dropping them (the device kept)
    /// leaves the person no administrator there.
    #[serde(default)]
    pub sudo_droppable: bool,
    pub flags: Vec<FlagFact>,
    /// Who reviews it (an email, or the admin).
    pub reviewer: String,
    /// For a time-limited grant: the access request's run.
    pub run_id: String,
}

/// A frozen row with its decision and remediation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CampaignRow {
    pub seq: u32,
    pub row: FrozenRow,
    pub row_hash: String,
    pub decision: Option<CertDecision>,
    pub reason: String,
    pub defer_owner: String,
    /// `YYYY-MM-DD`.
    pub defer_due: Option<String>,
    pub decided_by: String,
    pub decided_at: Option<String>,
    /// "desk", or "workbook <SHA-256>".
    pub decided_via: String,
    pub remedy: Option<RemedyState>,
    pub remedy_note: String,
    pub remedy_at: Option<String>,
    /// The Directory Insights event that records the removal.
    pub event_id: String,
}

/// One decision to record.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionWrite<'a> {
    pub decision: Option<CertDecision>,
    pub reason: &'a str,
    pub defer_owner: &'a str,
    pub defer_due: Option<&'a str>,
    pub by: &'a str,
    pub via: &'a str,
    pub at: &'a str,
}

fn campaign_row(r: &Row<'_>) -> rusqlite::Result<Campaign> {
    let json = |i: &str| -> rusqlite::Result<String> { r.get(i) };
    Ok(Campaign {
        id: r.get("id")?,
        name: r.get("name")?,
        scope: serde_json::from_str(&json("scope")?).unwrap_or_default(),
        reviewer_mode: r.get("reviewer_mode")?,
        owners: serde_json::from_str(&json("owners")?).unwrap_or_default(),
        due: r.get("due")?,
        repeat_months: r.get("repeat_months")?,
        created_at: r.get("created_at")?,
        created_by: r.get("created_by")?,
        previous_id: r.get("previous_id")?,
        prepared_at: r.get("prepared_at")?,
        sync_id: r.get("sync_id")?,
        data_as_of: r.get("data_as_of")?,
        prep_note: r.get("prep_note")?,
        org_domains: json("org_domains")?
            .split(',')
            .filter(|d| !d.is_empty())
            .map(String::from)
            .collect(),
        rows_hash: r.get("rows_hash")?,
        closed_at: r.get("closed_at")?,
        closed_by: r.get("closed_by")?,
        undecided_as: r.get("undecided_as")?,
        decisions_hash: r.get("decisions_hash")?,
    })
}

fn row_of(r: &Row<'_>) -> rusqlite::Result<CampaignRow> {
    let frozen: String = r.get("frozen")?;
    let row = serde_json::from_str(&frozen)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))?;
    Ok(CampaignRow {
        seq: r.get("seq")?,
        row,
        row_hash: r.get("row_hash")?,
        decision: r.get("decision")?,
        reason: r.get("reason")?,
        defer_owner: r.get("defer_owner")?,
        defer_due: r.get("defer_due")?,
        decided_by: r.get("decided_by")?,
        decided_at: r.get("decided_at")?,
        decided_via: r.get("decided_via")?,
        remedy: r.get("remedy")?,
        remedy_note: r.get("remedy_note")?,
        remedy_at: r.get("remedy_at")?,
        event_id: r.get("event_id")?,
    })
}

/// A campaign's preparation, to write with its rows.
pub struct Preparation<'a> {
    pub at: &'a str,
    pub sync_id: Option<i64>,
    pub data_as_of: Option<&'a str>,
    pub note: &'a str,
    pub org_domains: &'a [String],
    pub previous_id: Option<i64>,
    /// Each row's frozen JSON and its SHA-256, in order.
    pub rows: &'a [(FrozenRow, String, String)],
    pub rows_hash: &'a str,
}

impl Cache {
    pub fn create_campaign(&self, c: &NewCampaign, by: &str, at: &str) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO campaigns (name, scope, reviewer_mode, owners, due, repeat_months, created_at, created_by) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                c.name,
                serde_json::to_string(&c.scope.normalized()).unwrap_or_default(),
                c.reviewer_mode,
                serde_json::to_string(&c.owners).unwrap_or_default(),
                c.due,
                c.repeat_months,
                at,
                by
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn campaigns(&self) -> Result<Vec<Campaign>> {
        let mut st = self.conn.prepare("SELECT * FROM campaigns ORDER BY id DESC")?;
        let v = st.query_map([], campaign_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    pub fn campaign(&self, id: i64) -> Result<Campaign> {
        self.conn
            .query_row("SELECT * FROM campaigns WHERE id = ?1", [id], campaign_row)
            .optional()?
            .ok_or_else(|| CacheError::NoSuchCampaign(id))
    }

    pub fn campaign_rows(&self, id: i64) -> Result<Vec<CampaignRow>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT * FROM campaign_rows WHERE campaign_id = ?1 ORDER BY seq")?;
        let v = st.query_map([id], row_of)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    /// The last campaign prepared before `id` on the same scope, and its grant keys.
    pub fn previous_campaign(&self, id: i64) -> Result<Option<(i64, Vec<String>)>> {
        let prev: Option<i64> = self
            .conn
            .query_row(
                "SELECT p.id FROM campaigns p, campaigns c WHERE c.id = ?1 AND p.id < c.id \
                 AND p.scope = c.scope AND p.prepared_at IS NOT NULL ORDER BY p.id DESC LIMIT 1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(p) = prev else { return Ok(None) };
        let mut st = self
            .conn
            .prepare("SELECT grant_key FROM campaign_rows WHERE campaign_id = ?1")?;
        let keys = st
            .query_map([p], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(Some((p, keys)))
    }

    /// Freezes a campaign's rows, once: a campaign already prepared is refused (its rows never
    /// change).
    pub fn freeze_campaign(&mut self, id: i64, p: &Preparation<'_>) -> Result<()> {
        let tx = self.conn.transaction()?;
        let prepared: Option<String> = tx
            .query_row("SELECT prepared_at FROM campaigns WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| CacheError::NoSuchCampaign(id))?;
        if prepared.is_some() {
            return Err(CacheError::CampaignSealed(
                "This access review was already prepared: its rows are sealed and never change.".into(),
            ));
        }
        {
            let mut ins = tx.prepare_cached(
                "INSERT INTO campaign_rows (campaign_id, seq, grant_key, frozen, row_hash, reviewer) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for (i, (row, json, hash)) in p.rows.iter().enumerate() {
                ins.execute(params![id, i as i64 + 1, row.grant_key, json, hash, row.reviewer])?;
            }
        }
        tx.execute(
            "UPDATE campaigns SET prepared_at = ?2, sync_id = ?3, data_as_of = ?4, prep_note = ?5, \
             org_domains = ?6, previous_id = ?7, rows_hash = ?8 WHERE id = ?1",
            params![
                id,
                p.at,
                p.sync_id,
                p.data_as_of,
                p.note,
                p.org_domains.join(","),
                p.previous_id,
                p.rows_hash
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Records one decision on each of `seqs` (and in the log), in one transaction.
    pub fn decide_campaign_rows(&mut self, id: i64, seqs: &[u32], d: &DecisionWrite<'_>) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let mut n = 0;
        {
            let mut up = tx.prepare_cached(
                "UPDATE campaign_rows SET decision = ?3, reason = ?4, defer_owner = ?5, defer_due = ?6, \
                 decided_by = ?7, decided_at = ?8, decided_via = ?9 WHERE campaign_id = ?1 AND seq = ?2",
            )?;
            let mut log = tx.prepare_cached(
                "INSERT INTO campaign_decisions (campaign_id, seq, at, decision, reason, decided_by, decided_via) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for &s in seqs {
                n += up.execute(params![
                    id,
                    s,
                    d.decision,
                    d.reason,
                    d.defer_owner,
                    d.defer_due,
                    d.by,
                    d.at,
                    d.via
                ])?;
                log.execute(params![id, s, d.at, d.decision, d.reason, d.by, d.via])?;
            }
        }
        tx.commit()?;
        Ok(n)
    }

    /// Closes a campaign: what undecided rows became, who closed it, the decisions' hash.
    pub fn close_campaign(&self, id: i64, undecided_as: CertDecision, by: &str, at: &str, hash: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE campaigns SET closed_at = ?2, closed_by = ?3, undecided_as = ?4, decisions_hash = ?5 WHERE id = ?1",
            params![id, at, by, undecided_as, hash],
        )?;
        Ok(())
    }

    /// Where a row's revocation stands (the event id kept when one is given).
    pub fn set_remedy(
        &self,
        id: i64,
        seq: u32,
        state: RemedyState,
        note: &str,
        at: &str,
        event_id: &str,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE campaign_rows SET remedy = ?3, remedy_note = ?4, remedy_at = ?5, \
             event_id = CASE WHEN ?6 = '' THEN event_id ELSE ?6 END WHERE campaign_id = ?1 AND seq = ?2",
            params![id, seq, state, note, at, event_id],
        )?;
        Ok(())
    }

    /// Every decision made on a campaign, oldest first: (seq, at, decision, reason, by, via).
    pub fn campaign_decision_log(&self, id: i64) -> Result<Vec<DecisionLogEntry>> {
        let mut st = self.conn.prepare(
            "SELECT seq, at, decision, reason, decided_by, decided_via FROM campaign_decisions \
             WHERE campaign_id = ?1 ORDER BY rowid",
        )?;
        let v = st
            .query_map([id], |r| {
                Ok(DecisionLogEntry {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    decision: r.get(2)?,
                    reason: r.get(3)?,
                    by: r.get(4)?,
                    via: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
}

/// One decision as it was made (a row decided twice has two).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DecisionLogEntry {
    pub seq: u32,
    pub at: String,
    pub decision: Option<CertDecision>,
    pub reason: String,
    pub by: String,
    pub via: String,
}

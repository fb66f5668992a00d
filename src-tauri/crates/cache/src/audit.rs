//! The audit trail: every action Rollcall sends records its intent before the call and its
//! outcome after it, in the org's own file. A row still `pending` after the app stopped is an
//! action whose outcome nobody saw: it reads as "outcome unknown".

use crate::error::Result;
use crate::kinds::AuditStatus;
use crate::Cache;
use rusqlite::{params, Row};
use serde::{Deserialize, Serialize};

/// Added by migration 2.
pub(crate) const DDL: &str = "
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    org_id TEXT NOT NULL,
    operator TEXT NOT NULL,
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    target_label TEXT NOT NULL,
    params TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed', 'unknown')),
    http_status INTEGER,
    message TEXT NOT NULL DEFAULT '',
    run_id TEXT
);
CREATE INDEX audit_target ON audit(target_id, started_at);
CREATE INDEX audit_started ON audit(started_at);
";

/// What is about to be sent. `params` must never hold a secret (a PIN is recorded, a password
/// is not).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuditIntent {
    pub org_id: String,
    pub operator: String,
    pub action: crate::AuditAction,
    pub target_kind: crate::RecordKind,
    pub target_id: String,
    pub target_label: String,
    /// The request as JSON text.
    pub params: String,
    pub run_id: Option<String>,
}

/// One row of the trail.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuditEntry {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub id: i64,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub org_id: String,
    pub operator: String,
    pub action: crate::AuditAction,
    pub target_kind: crate::RecordKind,
    pub target_id: String,
    pub target_label: String,
    /// The request as sent (no secrets), as JSON text: kept for the evidence, not sent to the
    /// front end.
    #[serde(skip)]
    pub params: String,
    pub status: AuditStatus,
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub http_status: Option<i64>,
    pub message: String,
    pub run_id: Option<String>,
}

/// Filters for the Activity view. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuditQuery {
    pub target_id: Option<String>,
    pub action: Option<crate::AuditAction>,
    pub status: Option<AuditStatus>,
    /// Matches target label, action or message.
    pub text: Option<String>,
    /// Only the actions of this checklist run.
    pub run_id: Option<String>,
    pub limit: u32,
}

fn entry(r: &Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.get("id")?,
        started_at: r.get("started_at")?,
        finished_at: r.get("finished_at")?,
        org_id: r.get("org_id")?,
        operator: r.get("operator")?,
        action: r.get("action")?,
        target_kind: r.get("target_kind")?,
        target_id: r.get("target_id")?,
        target_label: r.get("target_label")?,
        params: r.get("params")?,
        status: r.get("status")?,
        http_status: r.get("http_status")?,
        message: r.get("message")?,
        run_id: r.get("run_id")?,
    })
}

impl Cache {
    /// Records an action before it is sent; returns the row id for `audit_outcome`.
    pub fn audit_intent(&self, at: &str, i: &AuditIntent) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO audit (started_at, org_id, operator, action, target_kind, target_id, target_label, params, status, run_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending', ?9)",
            params![at, i.org_id, i.operator, i.action, i.target_kind, i.target_id, i.target_label, i.params, i.run_id],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Records how an action ended: `done`, `failed` or `unknown`, with JumpCloud's status and
    /// message.
    pub fn audit_outcome(
        &self,
        id: i64,
        at: &str,
        status: AuditStatus,
        http_status: Option<u16>,
        message: &str,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE audit SET finished_at = ?2, status = ?3, http_status = ?4, message = ?5 WHERE id = ?1",
            params![id, at, status, http_status, message],
        )?;
        Ok(())
    }

    /// Sets the target of a row whose target was created by the action itself.
    pub fn audit_set_target(&self, id: i64, target_id: &str) -> Result<()> {
        self.conn
            .execute("UPDATE audit SET target_id = ?2 WHERE id = ?1", params![id, target_id])?;
        Ok(())
    }

    /// Marks actions left `pending` by a previous run of the app as `unknown`: the request may
    /// or may not have reached JumpCloud.
    pub fn audit_settle_interrupted(&self, at: &str) -> Result<usize> {
        Ok(self.conn.execute(
            "UPDATE audit SET status = 'unknown', finished_at = ?1,
                message = 'Rollcall stopped before the answer arrived: check in JumpCloud before retrying'
             WHERE status = 'pending'",
            [at],
        )?)
    }

    /// The trail, newest first.
    pub fn audit(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
        let mut sql = String::from("SELECT * FROM audit WHERE 1=1");
        let mut args: Vec<String> = Vec::new();
        if let Some(t) = q.target_id.as_ref().filter(|s| !s.is_empty()) {
            args.push(t.clone());
            sql.push_str(&format!(" AND target_id = ?{}", args.len()));
        }
        if let Some(a) = q.action {
            args.push(a.as_str().to_string());
            sql.push_str(&format!(" AND action = ?{}", args.len()));
        }
        if let Some(r) = q.run_id.as_ref().filter(|s| !s.is_empty()) {
            args.push(r.clone());
            sql.push_str(&format!(" AND run_id = ?{}", args.len()));
        }
        if let Some(s) = q.status {
            args.push(s.as_str().to_string());
            sql.push_str(&format!(" AND status = ?{}", args.len()));
        }
        if let Some(t) = q.text.as_ref().filter(|s| !s.trim().is_empty()) {
            args.push(format!("%{}%", t.trim()));
            let n = args.len();
            sql.push_str(&format!(
                " AND (target_label LIKE ?{n} OR action LIKE ?{n} OR message LIKE ?{n} OR target_id LIKE ?{n})"
            ));
        }
        let limit = if q.limit == 0 { 500 } else { q.limit.min(10_000) };
        sql.push_str(&format!(" ORDER BY id DESC LIMIT {limit}"));
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), entry)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

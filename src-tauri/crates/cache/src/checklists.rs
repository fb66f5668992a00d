//! Checklist runs (offboarding and the like), persisted step by step in the org's own file so
//! a run survives a crash or a restart and resumes where it stopped. The engine that fills and
//! drives them lives in `rollcall-core::checklists`; here are the tables and their typed reads
//! and writes.

use crate::error::Result;
use crate::kinds::{RunStatus, StepKind, StepState};
use crate::Cache;
use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

/// Added by migration 3.
pub(crate) const DDL: &str = "
CREATE TABLE checklist_runs (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    template TEXT NOT NULL,
    title TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    subject_label TEXT NOT NULL,
    operator TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('active', 'finished', 'abandoned')),
    capture TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE checklist_steps (
    run_id TEXT NOT NULL REFERENCES checklist_runs(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    -- What the step will do, fixed when the run starts: [{key, label, request?, note?}].
    items TEXT NOT NULL DEFAULT '[]',
    state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed', 'skipped', 'unknown')),
    -- Keys of the items already sent and accepted: never sent again.
    items_done TEXT NOT NULL DEFAULT '[]',
    started_at TEXT,
    finished_at TEXT,
    message TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    optional INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, idx)
) WITHOUT ROWID;
";

/// Added by migration 4: the org's own versions of the checklist templates (JSON bodies; a
/// built-in template with no row here is used as shipped).
/// Migration 16: a step may be `scheduled` (a suspension JumpCloud makes at a date). SQLite
/// cannot change a CHECK constraint: the table is rebuilt with every row.
pub(crate) const SCHEDULED_STEPS: &str = "
CREATE TABLE checklist_steps_v16 (
    run_id TEXT NOT NULL REFERENCES checklist_runs(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    items TEXT NOT NULL DEFAULT '[]',
    state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed', 'skipped', 'unknown', 'scheduled')),
    items_done TEXT NOT NULL DEFAULT '[]',
    started_at TEXT,
    finished_at TEXT,
    message TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    optional INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, idx)
) WITHOUT ROWID;
INSERT INTO checklist_steps_v16 (run_id, idx, kind, title, items, state, items_done, started_at, finished_at, message, note, optional)
    SELECT run_id, idx, kind, title, items, state, items_done, started_at, finished_at, message, note, optional FROM checklist_steps;
DROP TABLE checklist_steps;
ALTER TABLE checklist_steps_v16 RENAME TO checklist_steps;
";

pub(crate) const TEMPLATES_DDL: &str = "
CREATE TABLE checklist_templates (
    id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
";

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RunRow {
    pub id: String,
    pub org_id: String,
    pub template: String,
    pub title: String,
    pub subject_id: String,
    pub subject_label: String,
    pub operator: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub status: RunStatus,
    /// What the capture step recorded (JSON text, read by core; never sent to the front end).
    #[serde(skip)]
    pub capture: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StepRow {
    pub run_id: String,
    pub idx: u32,
    pub kind: StepKind,
    pub title: String,
    /// JSON array of the step's items (decoded by core into `StepView`; never sent as text).
    #[serde(skip)]
    pub items: String,
    pub state: StepState,
    /// JSON array of item keys already done (decoded by core into `StepView`).
    #[serde(skip)]
    pub items_done: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub message: String,
    pub note: String,
    pub optional: bool,
}

fn run_row(r: &Row<'_>) -> rusqlite::Result<RunRow> {
    Ok(RunRow {
        id: r.get("id")?,
        org_id: r.get("org_id")?,
        template: r.get("template")?,
        title: r.get("title")?,
        subject_id: r.get("subject_id")?,
        subject_label: r.get("subject_label")?,
        operator: r.get("operator")?,
        started_at: r.get("started_at")?,
        finished_at: r.get("finished_at")?,
        status: r.get("status")?,
        capture: r.get("capture")?,
    })
}

fn step_row(r: &Row<'_>) -> rusqlite::Result<StepRow> {
    Ok(StepRow {
        run_id: r.get("run_id")?,
        idx: r.get("idx")?,
        kind: r.get("kind")?,
        title: r.get("title")?,
        items: r.get("items")?,
        state: r.get("state")?,
        items_done: r.get("items_done")?,
        started_at: r.get("started_at")?,
        finished_at: r.get("finished_at")?,
        message: r.get("message")?,
        note: r.get("note")?,
        optional: r.get("optional")?,
    })
}

impl Cache {
    /// Stores a new run with its steps, in one transaction.
    pub fn insert_run(&mut self, run: &RunRow, steps: &[StepRow]) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO checklist_runs (id, org_id, template, title, subject_id, subject_label, operator, started_at, status, capture)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![run.id, run.org_id, run.template, run.title, run.subject_id, run.subject_label, run.operator, run.started_at, run.status, run.capture],
        )?;
        for s in steps {
            tx.execute(
                "INSERT INTO checklist_steps (run_id, idx, kind, title, items, state, optional) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![run.id, s.idx, s.kind, s.title, s.items, s.state, s.optional],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Runs, newest first.
    pub fn runs(&self) -> Result<Vec<RunRow>> {
        let mut stmt = self
            .conn
            .prepare("SELECT * FROM checklist_runs ORDER BY started_at DESC, id")?;
        let rows = stmt.query_map([], run_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One run with its steps in order.
    pub fn run(&self, id: &str) -> Result<Option<(RunRow, Vec<StepRow>)>> {
        let Some(run) = self
            .conn
            .query_row("SELECT * FROM checklist_runs WHERE id = ?1", [id], run_row)
            .optional()?
        else {
            return Ok(None);
        };
        let mut stmt = self
            .conn
            .prepare("SELECT * FROM checklist_steps WHERE run_id = ?1 ORDER BY idx")?;
        let steps = stmt.query_map([id], step_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(Some((run, steps)))
    }

    /// Writes a step's items (what it acts on: a step that reads JumpCloud when it runs
    /// replaces its preview with what it found), state, progress and texts.
    pub fn save_step(&self, s: &StepRow) -> Result<()> {
        self.conn.execute(
            "UPDATE checklist_steps SET state = ?3, items_done = ?4, started_at = ?5, finished_at = ?6, message = ?7, note = ?8, items = ?9
             WHERE run_id = ?1 AND idx = ?2",
            params![s.run_id, s.idx, s.state, s.items_done, s.started_at, s.finished_at, s.message, s.note, s.items],
        )?;
        Ok(())
    }

    pub fn save_capture(&self, run_id: &str, capture: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE checklist_runs SET capture = ?2 WHERE id = ?1",
            params![run_id, capture],
        )?;
        Ok(())
    }

    pub fn set_run_status(&self, run_id: &str, status: RunStatus, at: Option<&str>) -> Result<()> {
        self.conn.execute(
            "UPDATE checklist_runs SET status = ?2, finished_at = ?3 WHERE id = ?1",
            params![run_id, status, at],
        )?;
        Ok(())
    }

    /// Names the person a run is about once it exists (onboarding creates them).
    pub fn set_run_subject(&self, run_id: &str, subject_id: &str, label: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE checklist_runs SET subject_id = ?2, subject_label = ?3 WHERE id = ?1",
            params![run_id, subject_id, label],
        )?;
        Ok(())
    }

    /// The org's stored templates: (id, JSON body).
    pub fn stored_templates(&self) -> Result<Vec<(String, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, body FROM checklist_templates ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn save_template(&self, id: &str, body: &str, at: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO checklist_templates (id, body, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
            params![id, body, at],
        )?;
        Ok(())
    }

    /// Drops the org's version of a template (a built-in one goes back to as shipped).
    pub fn delete_template(&self, id: &str) -> Result<bool> {
        Ok(self
            .conn
            .execute("DELETE FROM checklist_templates WHERE id = ?1", [id])?
            > 0)
    }

    /// How many checklist steps are running now (an update waits for them).
    pub fn steps_running(&self) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM checklist_steps WHERE state = 'running'",
            [],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }

    /// Steps a previous run of the app left `running`: what was in flight is unknown.
    pub fn settle_interrupted_steps(&self, at: &str) -> Result<usize> {
        Ok(self.conn.execute(
            "UPDATE checklist_steps SET state = 'unknown', finished_at = ?1,
                message = 'Rollcall stopped during this step. Items already done are kept and will not be sent again; check the rest in JumpCloud, then retry or skip.'
             WHERE state = 'running'",
            [at],
        )?)
    }
}

//! The evidence as an Excel workbook: an overview sheet (the facts, the manifest, the controls),
//! one row per decision, the scheduled suspensions, and the decision log.

use super::evidence::{flags_text, manifest_facts, overview_facts, CONTROLS};
use super::CampaignView;
use crate::catalogue::ReportColumn;
use crate::report_export::{col, text, workbook, Sheet};
use rollcall_cache::campaigns::DecisionLogEntry;
use rollcall_cache::{Cell, CertDecision, ColumnKind, RemedyState};

/// One sheet's columns and rows.
type Table = (Vec<ReportColumn>, Vec<Vec<Cell>>);

pub(super) fn xlsx(
    org: &str,
    org_id: &str,
    v: &CampaignView,
    log: &[DecisionLogEntry],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let sheets = [
        ("Overview", overview(org, org_id, v)),
        ("Decisions", decisions(v)),
        ("Suspensions", suspensions(v)),
        ("Decision log", decision_log(log)),
    ];
    let sheets: Vec<Sheet<'_>> = sheets
        .iter()
        .map(|(title, (columns, rows))| Sheet { title, columns, rows })
        .collect();
    workbook(&sheets)
}

/// The facts, the manifest and the controls, one per row.
fn overview(org: &str, org_id: &str, v: &CampaignView) -> Table {
    let mut facts = overview_facts(org, org_id, v);
    facts.extend(manifest_facts(org_id, &v.campaign, v.rows.len()));
    facts.extend(CONTROLS.iter().map(|(s, c)| (format!("Controls: {s}"), c.to_string())));
    let cols = vec![col("Fact", ColumnKind::Text), col("Value", ColumnKind::Text)];
    (cols, facts.iter().map(|(k, v)| vec![text(k), text(v)]).collect())
}

/// One row per decision, with the row's context, remediation and hash.
fn decisions(v: &CampaignView) -> Table {
    let cols = vec![
        col("#", ColumnKind::Number),
        col("Person", ColumnKind::Text),
        col("Email", ColumnKind::Text),
        col("Kind", ColumnKind::Text),
        col("Access", ColumnKind::Text),
        col("Through", ColumnKind::Text),
        col("Privileged", ColumnKind::Bool),
        col("Flags", ColumnKind::Text),
        col("Reviewer", ColumnKind::Text),
        col("Decision", ColumnKind::Text),
        col("Reason", ColumnKind::Text),
        col("Deferred to", ColumnKind::Text),
        col("Deferred until", ColumnKind::Date),
        col("Decided by", ColumnKind::Text),
        col("Decided at", ColumnKind::Date),
        col("Decided how", ColumnKind::Text),
        col("Remediation", ColumnKind::Text),
        col("Verification", ColumnKind::Text),
        col("Event", ColumnKind::Text),
        col("Row SHA-256", ColumnKind::Text),
    ];
    let rows = v
        .rows
        .iter()
        .map(|r| {
            vec![
                Cell::Number(r.seq as f64),
                text(&r.row.person),
                text(&r.row.email),
                text(r.row.kind.label()),
                text(&r.row.resource),
                text(&r.row.via),
                Cell::Bool(r.row.privileged),
                text(&flags_text(r)),
                text(&r.row.reviewer),
                text(CertDecision::label_of(r.decision)),
                text(&r.reason),
                text(&r.defer_owner),
                r.defer_due.as_deref().map(text).unwrap_or(Cell::Empty),
                text(&r.decided_by),
                r.decided_at.as_deref().map(text).unwrap_or(Cell::Empty),
                text(&r.decided_via),
                text(r.remedy.map(RemedyState::label).unwrap_or("")),
                text(&r.remedy_note),
                text(&r.event_id),
                text(&r.row_hash),
            ]
        })
        .collect();
    (cols, rows)
}

/// The people suspended on a date.
fn suspensions(v: &CampaignView) -> Table {
    let cols = vec![
        col("Person", ColumnKind::Text),
        col("At", ColumnKind::Date),
        col("Job", ColumnKind::Text),
        col("State", ColumnKind::Text),
        col("Scheduled by", ColumnKind::Text),
        col("Scheduled at", ColumnKind::Date),
        col("What JumpCloud showed", ColumnKind::Text),
    ];
    let rows = v
        .suspensions
        .iter()
        .map(|x| {
            vec![
                text(&x.person),
                text(&x.at),
                text(&x.job_id),
                text(x.state.label()),
                text(&x.scheduled_by),
                text(&x.scheduled_at),
                text(&x.note),
            ]
        })
        .collect();
    (cols, rows)
}

/// Every decision as it was made, a changed one included.
fn decision_log(log: &[DecisionLogEntry]) -> Table {
    let cols = vec![
        col("#", ColumnKind::Number),
        col("At", ColumnKind::Date),
        col("Decision", ColumnKind::Text),
        col("Reason", ColumnKind::Text),
        col("By", ColumnKind::Text),
        col("How", ColumnKind::Text),
    ];
    let rows = log
        .iter()
        .map(|e| {
            vec![
                Cell::Number(e.seq as f64),
                text(&e.at),
                text(CertDecision::label_of(e.decision)),
                text(&e.reason),
                text(&e.by),
                text(&e.via),
            ]
        })
        .collect();
    (cols, rows)
}

//! The evidence report of a checklist run, as CSV and as PDF from the same rows: the run,
//! each step (time, outcome, what JumpCloud said, approver and notes), every audited request
//! of the run with JumpCloud's response, the Directory Insights events about the person since
//! the run began (as far as the last sync brought them in), and what was captured.

use crate::checklists::ChecklistError;
use crate::export::field;
use crate::pdf::{self, Block};
use rollcall_cache::{AuditQuery, Cache};

/// A titled table.
pub struct Section {
    pub title: String,
    pub columns: Vec<&'static str>,
    /// Relative widths in the PDF.
    pub widths: Vec<f32>,
    pub rows: Vec<Vec<String>>,
}

pub struct Evidence {
    pub title: String,
    pub facts: Vec<(String, String)>,
    pub sections: Vec<Section>,
}

pub fn gather(cache: &Cache, run_id: &str) -> Result<Evidence, ChecklistError> {
    let (run, steps) = cache
        .run(run_id)?
        .ok_or_else(|| ChecklistError::Invalid(format!("No checklist run {run_id}.")))?;
    let approvals: Vec<String> = steps
        .iter()
        .filter(|s| s.kind == "approval" && s.state == "done")
        .map(|s| s.note.clone())
        .collect();
    let status = match run.status.as_str() {
        "finished" => "finished".to_string(),
        other => format!("{other} (not finished: steps below show where it stands)"),
    };
    let mut facts = vec![
        ("Run".to_string(), run.id.clone()),
        ("Organisation".into(), run.org_id.clone()),
        ("Person".into(), run.subject_label.clone()),
        ("Operator".into(), run.operator.clone()),
        ("Started".into(), run.started_at.clone()),
        ("Finished".into(), run.finished_at.clone().unwrap_or_default()),
        ("Status".into(), status),
    ];
    if !approvals.is_empty() {
        facts.push(("Approval".into(), approvals.join(" | ")));
    }
    let step_rows = steps
        .iter()
        .map(|s| {
            vec![
                (s.idx + 1).to_string(),
                s.title.clone(),
                s.state.clone(),
                s.started_at.clone().unwrap_or_default(),
                s.finished_at.clone().unwrap_or_default(),
                s.message.clone(),
                s.note.clone(),
            ]
        })
        .collect();
    let audit = cache.audit(&AuditQuery {
        run_id: Some(run_id.into()),
        limit: 10_000,
        ..Default::default()
    })?;
    let requests = audit
        .iter()
        .rev()
        .map(|a| {
            let code = a.http_status.map(|c| format!("HTTP {c}")).unwrap_or_else(|| {
                if a.status == "done" {
                    "2xx".into()
                } else {
                    String::new()
                }
            });
            vec![
                a.id.to_string(),
                a.started_at.clone(),
                a.action.clone(),
                a.target_label.clone(),
                format!("{} {code}", a.status).trim().to_string(),
                a.message.clone(),
                a.operator.clone(),
            ]
        })
        .collect();
    let events = match cache.user_detail(&run.subject_id)? {
        Some(d) => d
            .recent_events
            .iter()
            .filter(|e| e.at >= run.started_at)
            .map(|e| {
                vec![
                    e.at.clone(),
                    e.event_type.clone(),
                    e.service.clone(),
                    if e.success { "yes" } else { "no" }.into(),
                    e.id.clone(),
                ]
            })
            .collect(),
        None => vec![],
    };
    Ok(Evidence {
        title: run.title.clone(),
        facts,
        sections: vec![
            Section {
                title: "Steps".into(),
                columns: vec!["#", "step", "state", "started", "finished", "outcome", "note"],
                widths: vec![0.4, 3.0, 1.1, 2.2, 2.2, 5.0, 3.0],
                rows: step_rows,
            },
            Section {
                title: "Requests sent to JumpCloud".into(),
                columns: vec!["#", "time", "action", "target", "result", "JumpCloud said", "operator"],
                widths: vec![0.6, 2.2, 2.0, 3.4, 1.3, 4.0, 2.0],
                rows: requests,
            },
            Section {
                title: "Directory Insights events since the run began (as of the last sync)".into(),
                columns: vec!["time", "event", "service", "success", "event id"],
                widths: vec![2.2, 3.0, 2.0, 1.0, 3.0],
                rows: events,
            },
            Section {
                title: "Captured before any change".into(),
                columns: vec!["capture (JSON)"],
                widths: vec![1.0],
                rows: vec![vec![run.capture.clone()]],
            },
        ],
    })
}

/// The report as CSV (formula-safe cells).
pub fn csv(e: &Evidence) -> String {
    let mut out = String::new();
    let mut line = |cells: &[&str]| {
        out.push_str(&cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    };
    line(&["report", &e.title]);
    for (k, v) in &e.facts {
        line(&[k, v]);
    }
    for s in &e.sections {
        line(&[]);
        line(&[&s.title]);
        line(&s.columns);
        for r in &s.rows {
            line(&r.iter().map(String::as_str).collect::<Vec<_>>());
        }
    }
    out
}

/// The report as PDF.
pub fn pdf(e: &Evidence) -> Vec<u8> {
    let mut blocks = vec![
        Block::Title(format!("Evidence: {}", e.title)),
        Block::Table(
            vec!["".into(), "".into()],
            vec![1.0, 5.0],
            e.facts.iter().map(|(k, v)| vec![k.clone(), v.clone()]).collect(),
        ),
    ];
    for s in &e.sections {
        blocks.push(Block::Heading(s.title.clone()));
        if s.rows.is_empty() {
            blocks.push(Block::Text("None.".into()));
        } else {
            blocks.push(Block::Table(
                s.columns.iter().map(|c| c.to_string()).collect(),
                s.widths.clone(),
                s.rows.clone(),
            ));
        }
    }
    let run = e.facts.first().map(|(_, v)| v.as_str()).unwrap_or("");
    pdf::render(&blocks, &format!("Rollcall evidence report · {run}"))
}

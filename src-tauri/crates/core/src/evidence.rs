//! The evidence report of a checklist run, as CSV and as PDF from the same rows: the run,
//! each step (time, outcome, what JumpCloud said, approver and notes), every audited request
//! of the run with JumpCloud's response, the Directory Insights events about the person since
//! the run began (as far as the last sync brought them in), and what was captured.

use crate::checklists::ChecklistError;
use crate::export::CsvOut;
use crate::pdf::{self, Block};
use rollcall_cache::{AppVia, AuditEntry, AuditQuery, Cache, EventRow, RunRow, StepRow};

/// A titled table.
pub struct Section {
    pub title: String,
    pub columns: Vec<&'static str>,
    /// Relative widths in the PDF.
    pub widths: Vec<f32>,
    pub rows: Vec<Vec<String>>,
}

pub struct Evidence {
    /// The run the report is about.
    pub run: RunRow,
    pub facts: Vec<(String, String)>,
    pub sections: Vec<Section>,
}

/// "2026-11-23T09:15:02.123Z" → "2026-11-23 09:15:02 UTC".
fn at(s: &str) -> String {
    pdf::utc(s, true)
}

fn at_opt(s: &Option<String>) -> String {
    s.as_deref().map(at).unwrap_or_default()
}

pub fn gather(cache: &Cache, run_id: &str) -> Result<Evidence, ChecklistError> {
    let (run, steps) = cache
        .run(run_id)?
        .ok_or_else(|| ChecklistError::NotFound(format!("No checklist run {run_id} in this organisation.")))?;
    let facts = run_facts(&run, &steps);
    let step_rows = step_rows(&steps);
    let audit = cache.audit(&AuditQuery {
        run_id: Some(run_id.into()),
        limit: 10_000,
        ..Default::default()
    })?;
    let requests = request_rows(&audit);
    let events = match cache.user_detail(&run.subject_id)? {
        Some(d) => synced_event_rows(&d.recent_events, &run.started_at),
        None => vec![],
    };
    Ok(Evidence {
        facts,
        sections: vec![
            Section {
                title: "Steps".into(),
                columns: vec!["#", "step", "state", "started", "finished", "outcome", "note"],
                widths: vec![0.5, 3.6, 1.3, 1.6, 1.6, 4.8, 2.8],
                rows: step_rows,
            },
            Section {
                title: "Requests sent to JumpCloud".into(),
                columns: vec!["#", "time", "action", "target", "result", "JumpCloud said", "operator"],
                widths: vec![0.5, 1.6, 3.0, 3.4, 1.1, 3.8, 1.6],
                rows: requests,
            },
            Section {
                title: format!("{EVENTS_TITLE} (as of the last sync)"),
                columns: EVENT_COLUMNS.to_vec(),
                widths: vec![1.6, 2.6, 1.2, 0.9, 3.0, 2.6],
                rows: events,
            },
            Section {
                title: "Captured before any change".into(),
                columns: vec!["what", "recorded"],
                widths: vec![1.0, 6.0],
                rows: capture_rows(&run.capture),
            },
        ],
        run,
    })
}

/// The report's facts: the run, the person, who ran it, when, its status and its approvals.
fn run_facts(run: &RunRow, steps: &[StepRow]) -> Vec<(String, String)> {
    let approvals: Vec<String> = steps
        .iter()
        .filter(|s| s.kind == rollcall_cache::StepKind::Approval && s.state == rollcall_cache::StepState::Done)
        .map(|s| s.note.clone())
        .collect();
    let status = match run.status {
        rollcall_cache::RunStatus::Finished => "finished".to_string(),
        other => format!("{other} (not finished: steps below show where it stands)"),
    };
    let mut facts = vec![
        ("Run".to_string(), run.id.clone()),
        ("Organisation".into(), run.org_id.clone()),
        ("Person".into(), run.subject_label.clone()),
        ("Operator".into(), run.operator.clone()),
        ("Started".into(), at(&run.started_at)),
        ("Finished".into(), at_opt(&run.finished_at)),
        ("Status".into(), status),
    ];
    if !approvals.is_empty() {
        facts.push(("Approval".into(), approvals.join(" | ")));
    }
    facts
}

/// One row per step: number, title, state, times, outcome and note.
fn step_rows(steps: &[StepRow]) -> Vec<Vec<String>> {
    steps
        .iter()
        .map(|s| {
            vec![
                (s.idx + 1).to_string(),
                s.title.clone(),
                s.state.to_string(),
                at_opt(&s.started_at),
                at_opt(&s.finished_at),
                s.message.clone(),
                s.note.clone(),
            ]
        })
        .collect()
}

/// One row per audited request of the run, oldest first, with what JumpCloud answered.
fn request_rows(audit: &[AuditEntry]) -> Vec<Vec<String>> {
    audit
        .iter()
        .rev()
        .map(|a| {
            let code = a.http_status.map(|c| format!("HTTP {c}")).unwrap_or_else(|| {
                if a.status == rollcall_cache::AuditStatus::Done {
                    "2xx".into()
                } else {
                    String::new()
                }
            });
            vec![
                a.id.to_string(),
                at(&a.started_at),
                a.action.to_string(),
                a.target_label.clone(),
                format!("{} {code}", a.status).trim().to_string(),
                a.message.clone(),
                a.operator.clone(),
            ]
        })
        .collect()
}

/// One row per event the last sync brought in about the person since `since`.
fn synced_event_rows(events: &[EventRow], since: &str) -> Vec<Vec<String>> {
    events
        .iter()
        .filter(|e| e.at.as_str() >= since)
        .map(|e| {
            vec![
                at(&e.at),
                e.event_type.clone(),
                e.service.clone(),
                if e.success { "yes" } else { "no" }.into(),
                e.username.clone(),
                String::new(),
            ]
        })
        .collect()
}

const CLOCK_ALLOWANCE_MS: i64 = 5 * 60 * 1000;
const EVENTS_TITLE: &str = "Directory Insights events about the person since the run began";
const EVENT_COLUMNS: &[&str] = &["time", "event", "service", "success", "initiated by", "about"];

/// The report with the Directory Insights events asked of JumpCloud now (about the person, or
/// initiated by them, since the run began), so the report made right after a run shows what
/// JumpCloud logged. When JumpCloud cannot be asked, the events of the last sync stay, and the
/// section says why.
pub async fn gather_live(
    client: &jumpcloud::Client,
    cache: &parking_lot::Mutex<Cache>,
    run_id: &str,
) -> Result<Evidence, ChecklistError> {
    let mut report = gather(&cache.lock(), run_id)?;
    let run = report.run.clone();
    if run.subject_id.is_empty() {
        return Ok(report);
    }
    let fetch = live_event_rows(client, events_query(&run));
    let section = report
        .sections
        .iter_mut()
        .find(|s| s.title.starts_with(EVENTS_TITLE))
        .expect("the events section");
    match tokio::time::timeout(std::time::Duration::from_secs(20), fetch).await {
        Ok(Ok(rows)) => {
            section.title = format!(
                "{EVENTS_TITLE} (asked of JumpCloud at {}; from 5 minutes before the start, for clock differences)",
                at(&crate::sync::now_rfc3339())
            );
            section.rows = rows;
        }
        Ok(Err(e)) => {
            section.title = format!("{EVENTS_TITLE} (as of the last sync: JumpCloud could not be asked now: {e})");
        }
        Err(_) => {
            section.title = format!("{EVENTS_TITLE} (as of the last sync: JumpCloud did not answer within 20 s)");
        }
    }
    Ok(report)
}

/// The Directory Insights query for the events about the run's person, or initiated by them,
/// since the run began.
fn events_query(run: &RunRow) -> serde_json::Value {
    // JumpCloud's clock and this computer's may differ a little: ask from a few minutes
    // before the run began.
    let since = rollcall_cache::parse_ms(&run.started_at)
        .map(|ms| rollcall_cache::format_ms(ms - CLOCK_ALLOWANCE_MS))
        .unwrap_or_else(|| run.started_at.clone());
    serde_json::json!({
        "service": ["all"],
        "start_time": since,
        "sort": "ASC",
        "limit": 1000,
        "search_term": { "or": [
            { "resource.id": run.subject_id },
            { "initiated_by.id": run.subject_id },
        ] },
    })
}

/// The events JumpCloud answers `query` with, as rows (at most 2000).
async fn live_event_rows(
    client: &jumpcloud::Client,
    query: serde_json::Value,
) -> Result<Vec<Vec<String>>, jumpcloud::Error> {
    use futures_util::StreamExt;
    let mut rows = vec![];
    let mut stream = client.insights().events(query);
    while let Some(e) = stream.next().await {
        let e = e?;
        rows.push(vec![
            at(e.timestamp.as_deref().unwrap_or_default()),
            e.event_type.clone().unwrap_or_default(),
            e.service.clone().unwrap_or_default(),
            if e.success.unwrap_or(false) { "yes" } else { "no" }.into(),
            event_party(&e.initiated_by),
            event_party(&e.resource),
        ]);
        if rows.len() >= 2000 {
            break;
        }
    }
    Ok(rows)
}

/// Who or what an event names (its initiator or resource): email, username, name, hostname
/// or id, the first given.
fn event_party(v: &Option<serde_json::Value>) -> String {
    v.as_ref()
        .map(|x| {
            ["email", "username", "name", "hostname", "id"]
                .iter()
                .find_map(|k| x.get(*k).and_then(|s| s.as_str()).filter(|s| !s.is_empty()))
                .unwrap_or_default()
                .to_string()
        })
        .unwrap_or_default()
}

/// The capture in words: groups, apps (and how), devices, state; an access grant.
fn capture_rows(capture: &str) -> Vec<Vec<String>> {
    let v: serde_json::Value = serde_json::from_str(capture).unwrap_or_default();
    let text = |x: &serde_json::Value, k: &str| x.get(k).and_then(|s| s.as_str()).unwrap_or_default().to_string();
    let list = |k: &str, f: &dyn Fn(&serde_json::Value) -> String| -> Option<Vec<String>> {
        let items = v.get(k)?.as_array()?;
        let shown: Vec<String> = items.iter().map(f).collect();
        Some(vec![
            format!("{k} ({})", items.len()),
            if shown.is_empty() {
                "none".into()
            } else {
                shown.join("; ")
            },
        ])
    };
    let mut rows: Vec<Vec<String>> = [
        list("groups", &|g| text(g, "name")),
        list("apps", &|a| match crate::checklists::captured_via(a) {
            AppVia::Direct => format!("{} (direct)", text(a, "name")),
            AppVia::Group { name, .. } => format!("{} (through {name})", text(a, "name")),
        }),
        list("devices", &|d| {
            format!("{} (serial {})", text(d, "hostname"), text(d, "serial"))
        }),
    ]
    .into_iter()
    .flatten()
    .collect();
    if let Some(s) = v.get("state").and_then(|s| s.as_str()) {
        rows.push(vec!["account state".into(), s.into()]);
    }
    if let Some(at) = v.get("captured_at").and_then(|s| s.as_str()) {
        rows.push(vec!["captured at".into(), self::at(at)]);
    }
    if let Some(g) = v.get("grant") {
        let mut s = format!("{} until {} (last day)", text(g, "group_name"), text(g, "expires_on"));
        if let Some(r) = g.get("removed_at").and_then(|r| r.as_str()) {
            s.push_str(&format!("; removed {} by {}", self::at(r), text(g, "removed_by")));
        }
        rows.push(vec!["access granted".into(), s]);
    }
    rows
}

/// The report as CSV (formula-safe cells).
/// Where the evidence report's Directory Insights events come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventsFrom {
    /// JumpCloud, asked now (Rollcall is online).
    JumpCloud,
    /// The last sync (offline).
    LastSync,
}

#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error(transparent)]
    Checklist(#[from] ChecklistError),
    #[error("The evidence report could not be written: {0}")]
    Pdf(#[from] pdf::PdfError),
}

/// What the save dialog proposes for run `run_id`'s report as `format`.
pub fn offer(run_id: &str, format: ReportFormat) -> crate::files::SaveOffer {
    let (name, ext) = format.name_and_extension();
    crate::files::SaveOffer::new(
        format!("Export the evidence report as {name}"),
        &format!("{run_id}-evidence"),
        name,
        ext,
    )
}

/// Run `run_id`'s evidence report as `format`, its events from `from`.
pub async fn report(
    client: &jumpcloud::Client,
    cache: &parking_lot::Mutex<Cache>,
    run_id: &str,
    from: EventsFrom,
    format: ReportFormat,
) -> Result<Vec<u8>, EvidenceError> {
    let evidence = match from {
        EventsFrom::JumpCloud => gather_live(client, cache, run_id).await?,
        EventsFrom::LastSync => gather(&cache.lock(), run_id)?,
    };
    Ok(format.write(&evidence)?)
}

/// The files an evidence report is saved as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    Pdf,
    Csv,
}

impl ReportFormat {
    /// The format's name for a dialog title, and its file extension.
    pub fn name_and_extension(self) -> (&'static str, &'static str) {
        match self {
            ReportFormat::Pdf => ("PDF", "pdf"),
            ReportFormat::Csv => ("CSV", "csv"),
        }
    }

    /// The report written in this format.
    pub fn write(self, e: &Evidence) -> Result<Vec<u8>, pdf::PdfError> {
        match self {
            ReportFormat::Pdf => pdf(e),
            ReportFormat::Csv => Ok(csv(e).into_bytes()),
        }
    }
}

pub fn csv(e: &Evidence) -> String {
    let mut out = CsvOut::default();
    out.record(&["report", &e.run.title]);
    for (k, v) in &e.facts {
        out.record(&[k, v]);
    }
    for s in &e.sections {
        out.blank();
        out.record(&[&s.title]);
        out.record(&s.columns);
        for r in &s.rows {
            out.record(r);
        }
    }
    out.into_string()
}

/// The report as PDF (PDF/A-2b).
pub fn pdf(e: &Evidence) -> Result<Vec<u8>, pdf::PdfError> {
    let mut blocks = vec![
        Block::Title(format!("Evidence: {}", e.run.title)),
        Block::Facts(e.facts.clone()),
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
    let meta = pdf::Meta {
        title: format!("Evidence: {}", e.run.title),
        subject: format!("Rollcall evidence report of checklist run {}", e.run.id),
        footer: format!("Rollcall evidence report · {} · run {}", e.run.subject_label, e.run.id),
        created: time::OffsetDateTime::now_utc(),
    };
    pdf::render(&blocks, &meta)
}

//! The evidence an auditor reads: a PDF/A pack (overview with completeness and totals,
//! privileged access, every decision with reviewer, time and reason, remediation with its
//! verification and events, the manifest), an Excel workbook (overview, one row per decision)
//! and a JSON manifest — each section mapped to SOC 2 CC6.2 / CC6.3 and ISO 27001 A.5.18.

use super::{CampaignView, Totals};
use crate::files::SaveOffer;
use crate::pdf::{self, Block, Figure};
use rollcall_cache::campaigns::DecisionLogEntry;
use rollcall_cache::{Campaign, CampaignRow, CertDecision, RemedyState};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The files the evidence is saved as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum EvidenceFormat {
    Pdf,
    Xlsx,
    /// The manifest: ids, times, hashes of the rows and of the decisions.
    Json,
}

#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error("The evidence could not be written: {0}")]
    Pdf(#[from] pdf::PdfError),
    #[error("The Excel file could not be written: {0}")]
    Excel(#[from] rust_xlsxwriter::XlsxError),
    #[error("{0}")]
    NotClosed(String),
}

/// The controls each section of the pack is evidence for.
pub(super) const CONTROLS: [(&str, &str); 4] = [
    ("Overview and completeness", "SOC 2 CC6.2, CC6.3; ISO 27001:2022 A.5.18"),
    (
        "Privileged access",
        "SOC 2 CC6.3; ISO 27001:2022 A.5.18 (privileged access rights, A.8.2)",
    ),
    (
        "Every decision",
        "SOC 2 CC6.2 (access reviewed and authorised); ISO 27001:2022 A.5.18",
    ),
    (
        "Remediation",
        "SOC 2 CC6.3 (access removed when no longer needed); ISO 27001:2022 A.5.18",
    ),
];

pub fn evidence_offer(org: &str, c: &Campaign, format: EvidenceFormat) -> SaveOffer {
    let what = format!("access-review-{}", c.id);
    match format {
        EvidenceFormat::Pdf => SaveOffer::dated(
            "Export the access review evidence as PDF",
            org,
            &what,
            "PDF document",
            "pdf",
        ),
        EvidenceFormat::Xlsx => SaveOffer::dated(
            "Export the access review evidence as Excel",
            org,
            &what,
            "Excel workbook",
            "xlsx",
        ),
        EvidenceFormat::Json => SaveOffer::dated(
            "Export the access review manifest as JSON",
            org,
            &format!("{what}-manifest"),
            "JSON manifest",
            "json",
        ),
    }
}

fn scope_text(c: &Campaign, v: &CampaignView) -> String {
    let mut parts = vec![];
    let names = |kind: rollcall_cache::GrantKind| {
        let mut n: Vec<&str> = v
            .rows
            .iter()
            .filter(|r| r.row.kind == kind)
            .map(|r| r.row.resource.as_str())
            .collect();
        n.sort();
        n.dedup();
        n.join(", ")
    };
    if !c.scope.user_groups.is_empty() {
        parts.push(format!(
            "{} user group(s): {}",
            c.scope.user_groups.len(),
            names(rollcall_cache::GrantKind::GroupMember)
        ));
    }
    if !c.scope.apps.is_empty() {
        parts.push(format!(
            "{} app(s): {}",
            c.scope.apps.len(),
            names(rollcall_cache::GrantKind::AppAccess)
        ));
    }
    if c.scope.devices != rollcall_cache::DeviceScope::None {
        parts.push(c.scope.devices.label().to_string());
    }
    if c.scope.admins {
        parts.push("console administrators and their roles".into());
    }
    if c.scope.timed_grants {
        parts.push("time-limited grants from access requests".into());
    }
    parts.join("; ")
}

fn reviewers(rows: &[CampaignRow]) -> String {
    let mut r: Vec<&str> = rows.iter().map(|r| r.row.reviewer.as_str()).collect();
    r.sort();
    r.dedup();
    r.join(", ")
}

/// Each flag's fact (the facts name what they flag).
pub(super) fn flags_text(r: &CampaignRow) -> String {
    r.row
        .flags
        .iter()
        .map(|f| f.fact.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn decided_text(r: &CampaignRow) -> String {
    let mut s = CertDecision::label_of(r.decision).to_string();
    if r.decision == Some(CertDecision::Defer) {
        s.push_str(&format!(
            " to {} by {}",
            r.defer_owner,
            r.defer_due.as_deref().unwrap_or("")
        ));
    }
    s
}

fn access_text(r: &CampaignRow) -> String {
    let mut s = format!("{}: {}", r.row.kind.label(), r.row.resource);
    if !r.row.via.is_empty() {
        s.push_str(&format!(" (through {})", r.row.via));
    }
    s
}

/// The manifest: what the campaign covered, its times and hashes, and each row's hash.
fn manifest(org: &str, org_id: &str, v: &CampaignView) -> serde_json::Value {
    let c = &v.campaign;
    json!({
        "kind": "rollcall.access_review.manifest",
        "organisation": org,
        "organisation_id": org_id,
        "campaign_id": c.id,
        "campaign": c.name,
        "scope": c.scope,
        "reviewer_mode": c.reviewer_mode,
        "sync_id": c.sync_id,
        "data_as_of_utc": c.data_as_of,
        "prepared_at_utc": c.prepared_at,
        "closed_at_utc": c.closed_at,
        "closed_by": c.closed_by,
        "undecided_at_close": c.undecided_as,
        "rows": v.rows.len(),
        "rows_sha256": c.rows_hash,
        "decisions_sha256": c.decisions_hash,
        "totals": v.totals,
        "suspensions": v.suspensions,
        "integrity": integrity(v).text(),
        "hash_method": format!(
            "Each row's sha256 is the SHA-256 of its frozen JSON (below, as stored). rows_sha256 = SHA-256 of the rows' sha256 (hex), each followed by a newline, in row order. decisions_sha256 = the same over the SHA-256 of each row's decision line: {}.",
            super::decide::DECISION_LINE
        ),
        "rows_frozen": v.rows.iter().map(|r| json!({
            "row": r.seq,
            "sha256": r.row_hash,
            "frozen": serde_json::to_string(&r.row).unwrap_or_default(),
            "decision_line": super::decide::decision_line(r),
        })).collect::<Vec<_>>(),
    })
}

/// What recomputing the hashes at export found.
struct Integrity {
    /// Rows whose stored JSON no longer hashes to the row's SHA-256.
    altered: Vec<u32>,
    rows_match: bool,
    decisions_match: bool,
}

impl Integrity {
    fn text(&self) -> String {
        if self.altered.is_empty() && self.rows_match && self.decisions_match {
            "Recomputed at export: every row's SHA-256, the rows' hash and the decisions' hash match what was recorded when the review was sealed and closed.".into()
        } else {
            format!(
                "MISMATCH at export: {} — the stored review was changed after it was sealed or closed.",
                [
                    (!self.altered.is_empty()).then(|| format!("rows {:?} no longer match their hash", self.altered)),
                    (!self.rows_match).then(|| "the rows' hash differs from the manifest".to_string()),
                    (!self.decisions_match)
                        .then(|| "the decisions' hash differs from the one taken at close".to_string()),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("; ")
            )
        }
    }
}

/// Recomputes every row's hash from its stored row, the rows' hash and the decisions' hash.
fn integrity(v: &CampaignView) -> Integrity {
    let altered: Vec<u32> = v
        .rows
        .iter()
        .filter(|r| super::sha256_hex(serde_json::to_string(&r.row).unwrap_or_default().as_bytes()) != r.row_hash)
        .map(|r| r.seq)
        .collect();
    let rows_hash = super::freeze::manifest_hash(v.rows.iter().map(|r| r.row_hash.as_str()));
    Integrity {
        altered,
        rows_match: v.campaign.rows_hash.as_deref() == Some(rows_hash.as_str()),
        decisions_match: v.campaign.decisions_hash.as_deref() == Some(super::decide::decisions_hash(&v.rows).as_str()),
    }
}

/// The evidence of a closed campaign as `format`: the bytes and the number of rows.
pub fn evidence(
    org: &str,
    org_id: &str,
    v: &CampaignView,
    log: &[DecisionLogEntry],
    format: EvidenceFormat,
) -> Result<(Vec<u8>, u32), EvidenceError> {
    if v.campaign.closed_at.is_none() {
        return Err(EvidenceError::NotClosed(
            "Close the access review first: the evidence records final decisions.".into(),
        ));
    }
    let n = v.rows.len() as u32;
    let bytes = match format {
        EvidenceFormat::Json => serde_json::to_vec_pretty(&manifest(org, org_id, v)).unwrap_or_default(),
        EvidenceFormat::Xlsx => super::evidence_book::xlsx(org, org_id, v, log)?,
        EvidenceFormat::Pdf => pdf(org, org_id, v, time::OffsetDateTime::now_utc())?,
    };
    Ok((bytes, n))
}

pub(super) fn overview_facts(org: &str, org_id: &str, v: &CampaignView) -> Vec<(String, String)> {
    let c = &v.campaign;
    let t = &v.totals;
    let when = |s: &Option<String>| s.as_deref().map(|s| pdf::utc(s, true)).unwrap_or_else(|| "—".into());
    let decided = t.reviewed;
    vec![
        ("Organisation".into(), format!("{org} ({org_id})")),
        ("Access review".into(), format!("#{} {}", c.id, c.name)),
        ("Scope".into(), scope_text(c, v)),
        (
            "Reviewers".into(),
            format!("{}: {}", c.reviewer_mode.label(), reviewers(&v.rows)),
        ),
        (
            "Created".into(),
            format!("{} by {}", pdf::utc(&c.created_at, false), c.created_by),
        ),
        ("Due".into(), c.due.clone()),
        (
            "Data as of".into(),
            format!(
                "{} (sync {})",
                when(&c.data_as_of),
                c.sync_id.map(|s| s.to_string()).unwrap_or("—".into())
            ),
        ),
        ("Prepared (sealed)".into(), when(&c.prepared_at)),
        ("Closed".into(), format!("{} by {}", when(&c.closed_at), c.closed_by)),
        (
            "Undecided rows at close".into(),
            match c.undecided_as {
                Some(CertDecision::Revoke) => format!("revoked, as chosen by {}", c.closed_by),
                Some(_) => format!("kept as they were, as chosen by {}", c.closed_by),
                None => "—".into(),
            },
        ),
        (
            "Completeness".into(),
            format!(
                "rows in scope = rows frozen = rows decided: {} = {} = {decided} ({} of them undecided until the close, then {})",
                t.rows,
                v.rows.len(),
                t.decided_at_close,
                match c.undecided_as {
                    Some(CertDecision::Revoke) => "revoked",
                    _ => "kept as they were",
                }
            ),
        ),
        ("Integrity".into(), integrity(v).text()),
        (
            "Totals".into(),
            format!(
                "{} kept, {} revoked, {} deferred, {} kept with administrator rights dropped; {} removals verified or confirmed, {} open",
                t.kept, t.revoked, t.deferred, t.reduced, t.removed, t.remediation_open
            ),
        ),
        (
            "Preparation note".into(),
            if c.prep_note.is_empty() {
                "—".into()
            } else {
                c.prep_note.clone()
            },
        ),
    ]
}

pub(super) fn manifest_facts(org_id: &str, c: &Campaign, rows: usize) -> Vec<(String, String)> {
    vec![
        ("Organisation id".into(), org_id.to_string()),
        ("Access review id".into(), c.id.to_string()),
        ("Sync id".into(), c.sync_id.map(|s| s.to_string()).unwrap_or("—".into())),
        ("Prepared (UTC)".into(), c.prepared_at.clone().unwrap_or_default()),
        ("Closed (UTC)".into(), c.closed_at.clone().unwrap_or_default()),
        ("Rows frozen".into(), rows.to_string()),
        (
            "SHA-256 of the frozen rows".into(),
            c.rows_hash.clone().unwrap_or_default(),
        ),
        (
            "SHA-256 of the decisions".into(),
            c.decisions_hash.clone().unwrap_or_default(),
        ),
    ]
}

fn pdf(org: &str, org_id: &str, v: &CampaignView, created: time::OffsetDateTime) -> Result<Vec<u8>, pdf::PdfError> {
    let c = &v.campaign;
    let mut blocks = vec![
        Block::Title(format!("Access review: {}", c.name)),
        Block::Subtitle(format!("{org} · evidence of who can reach what, reviewed and enforced")),
        Block::Heading("Overview".into()),
        Block::Facts(overview_facts(org, org_id, v)),
        figures(&v.totals),
        Block::Table(
            vec!["Section".into(), "Controls".into()],
            vec![1.0, 2.0],
            CONTROLS
                .iter()
                .map(|(s, c)| vec![s.to_string(), c.to_string()])
                .collect(),
        ),
        Block::Heading("Privileged access".into()),
    ];
    let privileged: Vec<&CampaignRow> = v.rows.iter().filter(|r| r.row.privileged).collect();
    blocks.push(if privileged.is_empty() {
        Block::Text("No privileged access was in scope.".into())
    } else {
        decision_table(&privileged)
    });
    blocks.push(Block::Heading("Every decision".into()));
    blocks.push(decision_table(&v.rows.iter().collect::<Vec<_>>()));
    blocks.push(Block::Heading("Remediation".into()));
    blocks.extend(remediation_blocks(v));
    blocks.push(Block::Heading("Manifest".into()));
    blocks.push(Block::Facts(manifest_facts(org_id, c, v.rows.len())));
    blocks.push(Block::Text(
        "Each row was copied from the organisation's data when the review was prepared and hashed (SHA-256 of its JSON); the rows' hash is the SHA-256 of those hashes, one per line, in row order. The JSON manifest lists every row's hash. Later syncs never change a review's rows.".into(),
    ));
    pdf::render(
        &blocks,
        &pdf::Meta {
            title: format!("Access review {} — {}", c.id, c.name),
            subject: format!("Rollcall access review evidence for {org}"),
            footer: format!("Rollcall access review #{} · {org}", c.id),
            created,
        },
    )
}

/// The figures of the overview, as tiles (the bad ones in red).
fn figures(t: &Totals) -> Block {
    let fig = |value: u32, label: &str, bad: bool| Figure {
        value: value.to_string(),
        label: label.into(),
        bad,
    };
    Block::Figures(vec![
        fig(t.rows, "rows in the review", false),
        fig(t.kept, "kept", false),
        fig(t.revoked, "revoked", false),
        fig(t.deferred, "deferred", false),
        fig(t.reduced, "admin rights dropped", false),
        fig(t.decided_at_close, "decided at close", t.decided_at_close > 0),
        fig(t.privileged, "privileged rows", false),
        fig(t.flagged, "flagged rows", false),
        fig(t.removed, "removals verified or confirmed", false),
        fig(t.remediation_open, "removals still open", t.remediation_open > 0),
    ])
}

/// What was removed (or its rights dropped) and how it was verified; the people suspended on a
/// date.
fn remediation_blocks(v: &CampaignView) -> Vec<Block> {
    let mut out = vec![];
    let revoked: Vec<&CampaignRow> = v.rows.iter().filter(|r| r.remedy.is_some()).collect();
    out.push(if revoked.is_empty() {
        Block::Text("Nothing was revoked and no administrator rights were dropped.".into())
    } else {
        Block::Table(
            vec![
                "#".into(),
                "Person".into(),
                "Access".into(),
                "State".into(),
                "Verification".into(),
                "Event".into(),
            ],
            vec![0.45, 1.4, 1.4, 0.9, 2.4, 1.0],
            revoked
                .iter()
                .map(|r| {
                    vec![
                        r.seq.to_string(),
                        r.row.person.clone(),
                        access_text(r),
                        r.remedy.map(RemedyState::label).unwrap_or("—").to_string(),
                        format!(
                            "{} {}",
                            r.remedy_note,
                            r.remedy_at.as_deref().map(|s| pdf::utc(s, true)).unwrap_or_default()
                        ),
                        r.event_id.clone(),
                    ]
                })
                .collect(),
        )
    });
    if !v.suspensions.is_empty() {
        out.push(Block::Text(
            "People suspended on a date (JumpCloud's scheduled state change):".into(),
        ));
        out.push(Block::Table(
            vec![
                "Person".into(),
                "At".into(),
                "Job".into(),
                "State".into(),
                "Scheduled by".into(),
                "What JumpCloud showed".into(),
            ],
            vec![1.4, 0.9, 1.0, 0.8, 0.9, 2.2],
            v.suspensions
                .iter()
                .map(|x| {
                    vec![
                        x.person.clone(),
                        pdf::utc(&x.at, false),
                        x.job_id.clone(),
                        x.state.label().to_string(),
                        format!("{} {}", x.scheduled_by, pdf::utc(&x.scheduled_at, false)),
                        x.note.clone(),
                    ]
                })
                .collect(),
        ));
    }
    out
}

fn decision_table(rows: &[&CampaignRow]) -> Block {
    Block::Table(
        vec![
            "#".into(),
            "Person".into(),
            "Access".into(),
            "Flags".into(),
            "Decision".into(),
            "Reason".into(),
            "Reviewer".into(),
            "Decided".into(),
        ],
        vec![0.45, 1.3, 1.2, 1.9, 0.8, 1.5, 0.9, 1.1],
        rows.iter()
            .map(|r| {
                vec![
                    r.seq.to_string(),
                    r.row.person.clone(),
                    access_text(r),
                    flags_text(r),
                    decided_text(r),
                    r.reason.clone(),
                    r.row.reviewer.clone(),
                    format!(
                        "{} {} ({})",
                        r.decided_by,
                        r.decided_at.as_deref().map(|s| pdf::utc(s, true)).unwrap_or_default(),
                        r.decided_via
                    ),
                ]
            })
            .collect(),
    )
}

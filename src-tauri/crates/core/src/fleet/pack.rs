//! A review meeting over every organisation: "Start a review in every organisation" opens one
//! in each org's own file (its agenda from that org's failed checks, changes and open
//! follow-ups, decided in that org as usual), and the pack of every organisation — PDF/A or
//! Excel — puts the All organisations overview first, then per org its posture and its latest
//! review's agenda with each decision (or, where no review was held, its failed checks).

use super::Overview;
use crate::catalogue::ReportColumn;
use crate::pdf::{self, Block};
use crate::posture;
use crate::reviews::PackFormat;
use crate::session::{OrgEntry, OrgSession};
use rollcall_cache::{Cell, ColumnKind, Decision, Posture, Review};
use serde::Serialize;

/// One org's part of the pack.
pub struct OrgPart {
    pub org: OrgEntry,
    /// The posture of its last complete sync (None: never synced).
    pub posture: Option<Posture>,
    /// Its latest review with every agenda item (None: no review held).
    pub review: Option<Review>,
}

/// What starting a review in every organisation did in one org.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StartedReview {
    pub org_id: String,
    pub org_name: String,
    /// The review opened, with how many agenda items (None: not started, see `problem`).
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub review_id: Option<i64>,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub items: u64,
    pub problem: Option<String>,
}

impl OrgSession {
    /// Each connected org (the demo aside) with its posture and latest review, for the pack.
    pub fn fleet_parts(&self, now_ms: i64) -> Vec<OrgPart> {
        let orgs: Vec<OrgEntry> = self.fleet_orgs(&[]);
        orgs.into_iter()
            .map(|org| {
                let (posture, review) = self
                    .fleet_reader(&org.id)
                    .map(|r| {
                        let c = r.lock();
                        let posture = posture::of_last_sync(&c, now_ms).ok().flatten();
                        let latest = c.reviews().ok().and_then(|rs| rs.first().map(|r| r.id));
                        (posture, latest.and_then(|id| c.review(id).ok()))
                    })
                    .unwrap_or((None, None));
                OrgPart { org, posture, review }
            })
            .collect()
    }

    /// Opens a review titled `title` in every connected org that has a complete copy, each in
    /// its own file; an org without a copy, or whose file refuses, is reported and skipped.
    pub fn fleet_start_reviews(&self, title: &str, attendees: &str, now_ms: i64) -> Vec<StartedReview> {
        let orgs: Vec<OrgEntry> = self.fleet_orgs(&[]);
        orgs.into_iter()
            .map(|org| {
                // A connection that may write (the fleet's readers may not).
                let path = rollcall_cache::org_file(&self.data_dir, &org.id);
                let never = || "Not synced yet: nothing to review.".to_string();
                let started = if path.exists() { Ok(()) } else { Err(never()) }.and_then(|()| {
                    let (mut c, _) = rollcall_cache::Cache::open_for_browsing(&path).map_err(|e| e.to_string())?;
                    if c.last_complete_sync().ok().flatten().is_none() {
                        return Err(never());
                    }
                    crate::reviews::start(&mut c, title, attendees, now_ms).map_err(|e| e.to_string())
                });
                match started {
                    Ok(v) => StartedReview {
                        org_id: org.id,
                        org_name: org.name,
                        review_id: Some(v.review.id),
                        items: v.review.items.len() as u64,
                        problem: None,
                    },
                    Err(problem) => StartedReview {
                        org_id: org.id,
                        org_name: org.name,
                        review_id: None,
                        items: 0,
                        problem: Some(problem),
                    },
                }
            })
            .collect()
    }
}

/// What the save dialog proposes for the pack of every organisation.
pub fn fleet_pack_offer(format: PackFormat) -> crate::files::SaveOffer {
    use crate::files::SaveOffer;
    match format {
        PackFormat::Pdf => SaveOffer::dated(
            "Export the pack of every organisation as PDF",
            "All organisations",
            "review-pack",
            "PDF document",
            "pdf",
        ),
        PackFormat::Xlsx => SaveOffer::dated(
            "Export the pack of every organisation as Excel",
            "All organisations",
            "review-pack",
            "Excel workbook",
            "xlsx",
        ),
    }
}

/// One org's findings: its latest review's agenda items, or (no review held) its failed
/// checks — (title, detail, count, decision, owner, due, notes).
type Finding = (String, String, i64, Option<Decision>, String, Option<String>, String);

fn findings(part: &OrgPart) -> Vec<Finding> {
    if let Some(r) = &part.review {
        return r
            .items
            .iter()
            .map(|i| {
                (
                    i.title.clone(),
                    i.detail.clone(),
                    i.count,
                    i.decision,
                    i.owner.clone(),
                    i.due.clone(),
                    i.notes.clone(),
                )
            })
            .collect();
    }
    let Some(p) = &part.posture else { return vec![] };
    posture::failed(p)
        .into_iter()
        .map(|(check, rows)| {
            let (title, detail) = posture::agenda_entry(check, p);
            (title, detail, rows as i64, None, String::new(), None, String::new())
        })
        .collect()
}

fn overview_table(o: &Overview) -> Block {
    let labels = o.columns.iter().map(|c| c.label.clone()).collect();
    let rows = o
        .rows
        .iter()
        .map(|r| r.cells.iter().map(|c| c.text.clone()).collect())
        .chain([o.totals.iter().map(|c| c.text.clone()).collect()])
        .collect();
    Block::Table(labels, vec![], rows)
}

fn org_blocks(part: &OrgPart, o: &Overview, blocks: &mut Vec<Block>) {
    blocks.push(Block::PageBreak);
    blocks.push(Block::Heading(part.org.name.clone()));
    let row = o.rows.iter().find(|r| r.org_id == part.org.id);
    if let Some(r) = row.filter(|r| r.health.bad() || r.detail.is_some()) {
        let why = r.detail.as_deref().map_or(String::new(), |d| format!(": {d}"));
        blocks.push(Block::Text(format!("{}{why}", r.health.label())));
    }
    let Some(p) = &part.posture else {
        blocks.push(Block::Text(
            "No sync of this organisation has finished: there is nothing to report.".into(),
        ));
        return;
    };
    blocks.push(Block::Text(match &p.as_of {
        Some(at) => format!("As of its last sync, {}.", pdf::utc(at, false)),
        None => "As the local copy holds it.".into(),
    }));
    blocks.push(Block::Figures(
        posture::figures(p)
            .into_iter()
            .map(|f| pdf::Figure {
                value: f.value.text(),
                label: f.label,
                bad: f.bad,
            })
            .collect(),
    ));
    let found = findings(part);
    match &part.review {
        Some(r) => blocks.push(Block::Text(format!(
            "Review “{}”, started {}{}.",
            r.title,
            pdf::utc(&r.started_at, false),
            r.finished_at
                .as_deref()
                .map_or(", in progress".into(), |f| format!(", finished {}", pdf::utc(f, false)))
        ))),
        None => blocks.push(Block::Text(
            "No review was held in this organisation: its failed checks are listed undecided.".into(),
        )),
    }
    if found.is_empty() {
        blocks.push(Block::Text("Nothing to decide: every check passes.".into()));
        return;
    }
    let rows = found
        .into_iter()
        .map(|(title, detail, count, decision, owner, due, notes)| {
            let mut d = Decision::label_of(decision).to_string();
            if !owner.is_empty() {
                d.push_str(&format!("\nowner: {owner}"));
            }
            if let Some(due) = due {
                d.push_str(&format!("\ndue: {due}"));
            }
            vec![
                if detail.is_empty() {
                    title
                } else {
                    format!("{title}\n{detail}")
                },
                if count > 0 { count.to_string() } else { String::new() },
                d,
                notes,
            ]
        })
        .collect();
    blocks.push(Block::Table(
        vec!["Finding".into(), "Count".into(), "Decision".into(), "Notes".into()],
        vec![3.6, 0.6, 1.5, 2.4],
        rows,
    ));
}

/// The pack of every organisation as PDF/A-2b.
pub fn fleet_pack_pdf(
    o: &Overview,
    parts: &[OrgPart],
    created: time::OffsetDateTime,
) -> Result<Vec<u8>, pdf::PdfError> {
    let today = created.date().to_string();
    let with_copy = parts.iter().filter(|p| p.posture.is_some()).count();
    let reviewed = parts.iter().filter(|p| p.review.is_some()).count();
    let mut blocks = vec![
        Block::Title("Review of every organisation".into()),
        Block::Subtitle(format!("{} organisations · {today}", parts.len())),
        Block::Facts(vec![
            ("Organisations".into(), parts.len().to_string()),
            ("With a synced copy".into(), with_copy.to_string()),
            ("With a review held".into(), reviewed.to_string()),
        ]),
        Block::Heading("All organisations".into()),
        overview_table(o),
    ];
    for part in parts {
        org_blocks(part, o, &mut blocks);
    }
    let meta = pdf::Meta {
        title: format!("Review of every organisation ({today})"),
        subject: format!("Rollcall review pack of {} organisations", parts.len()),
        footer: format!("Rollcall · review of every organisation · {today}"),
        created,
    };
    pdf::render(&blocks, &meta)
}

/// The pack of every organisation as Excel: the overview, then one row per finding of each
/// org with its decision.
pub fn fleet_pack_xlsx(o: &Overview, parts: &[OrgPart]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let col = |label: &str, kind: ColumnKind| ReportColumn {
        label: label.into(),
        kind,
    };
    let text = |s: &str| {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.to_string())
        }
    };
    let columns = [
        col("Organisation", ColumnKind::Text),
        col("Review", ColumnKind::Text),
        col("Finding", ColumnKind::Text),
        col("Detail", ColumnKind::Text),
        col("Count", ColumnKind::Number),
        col("Decision", ColumnKind::Text),
        col("Owner", ColumnKind::Text),
        col("Due", ColumnKind::Date),
        col("Notes", ColumnKind::Text),
    ];
    let rows: Vec<Vec<Cell>> = parts
        .iter()
        .flat_map(|part| {
            let review = part.review.as_ref().map_or(String::new(), |r| r.title.clone());
            findings(part)
                .into_iter()
                .map(move |(title, detail, count, decision, owner, due, notes)| {
                    vec![
                        Cell::Text(part.org.name.clone()),
                        text(&review),
                        Cell::Text(title),
                        text(&detail),
                        Cell::Number(count as f64),
                        Cell::Text(Decision::label_of(decision).into()),
                        text(&owner),
                        due.map_or(Cell::Empty, Cell::Text),
                        text(&notes),
                    ]
                })
        })
        .collect();
    let (ocols, orows) = super::overview::sheet(o);
    crate::report_export::workbook(&[
        crate::report_export::Sheet {
            title: "All organisations",
            columns: &ocols,
            rows: &orows,
        },
        crate::report_export::Sheet {
            title: "Findings and decisions",
            columns: &columns,
            rows: &rows,
        },
    ])
}

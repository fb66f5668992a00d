//! A review's pack as PDF: a cover (organisation, dates, snapshot, attendees), the posture
//! figures and the Reports view's charts, the trends, the agenda with each decision and its
//! notes, then the catalogue's reports as appendix tables.

use rollcall_cache::{Cell, ColumnKind, Decision, Posture, Review, TrendPoint};

use crate::catalogue::ReportTable;
use crate::pdf::{self, Bars, Block, Chart, Figure, Lines, Series};
use crate::posture::{self, Section};

/// How many rows of each report the appendix prints (the Excel pack has every row).
pub const APPENDIX_ROWS: usize = 100;

/// What the pack is made from.
pub struct PackInput<'a> {
    pub org: &'a str,
    pub review: &'a Review,
    /// The posture as of the review's snapshot.
    pub posture: &'a Posture,
    /// The posture of each sync, oldest first.
    pub trends: &'a [TrendPoint],
    pub tables: &'a [ReportTable],
    pub created: time::OffsetDateTime,
}

/// "2026-11-23T09:15:02.123Z" → "2026-11-23 09:15 UTC".
fn when(s: &str) -> String {
    pdf::utc(s, false)
}

fn pct(part: u64, whole: u64) -> String {
    if whole == 0 {
        "–".into()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

/// The figures of one half of the posture table, as the pane shows them (bad ones in red).
fn figures(p: &Posture, section: Section) -> Block {
    Block::Figures(
        posture::figures(p)
            .into_iter()
            .filter(|f| f.section == section)
            .map(|f| Figure {
                value: f.value.text(),
                label: f.label,
                bad: f.bad,
            })
            .collect(),
    )
}

fn posture_blocks(p: &Posture, blocks: &mut Vec<Block>) {
    let (pe, d) = (&p.people, &p.devices);
    blocks.push(Block::Heading("Posture".into()));
    blocks.push(Block::Text(match &p.as_of {
        Some(at) => format!("As of the snapshot's sync, {}.", when(at)),
        None => "No sync has finished: the figures are of what the local copy holds.".into(),
    }));
    blocks.push(figures(p, Section::People));
    if pe.inactive.is_some() && pe.event_days < posture::INACTIVE_DAYS as u64 {
        blocks.push(Block::Text(format!(
            "Inactivity is read from the login events the local copy holds: {} days of them.",
            pe.event_days
        )));
    }
    blocks.push(Block::Chart(Chart::Bars(Bars {
        title: "People by state".into(),
        categories: pe.by_state.iter().map(|(s, _)| s.label()).collect(),
        series: vec![Series {
            name: "People".into(),
            values: pe.by_state.iter().map(|(_, n)| Some(*n as f64)).collect(),
        }],
    })));
    blocks.push(figures(p, Section::Devices));
    blocks.push(Block::Chart(Chart::Bars(Bars {
        title: "Encryption by OS".into(),
        categories: d.by_os.iter().map(|o| o.family.label()).collect(),
        series: vec![
            Series {
                name: "Encrypted".into(),
                values: d.by_os.iter().map(|o| Some(o.encrypted as f64)).collect(),
            },
            Series {
                name: "Not encrypted".into(),
                values: d
                    .by_os
                    .iter()
                    .map(|o| Some((o.devices - o.encrypted.min(o.devices)) as f64))
                    .collect(),
            },
        ],
    })));
    blocks.push(Block::Chart(Chart::Bars(Bars {
        title: "Agent versions".into(),
        categories: d
            .agent_versions
            .iter()
            .map(|(v, _)| if v.is_empty() { "unknown".into() } else { v.clone() })
            .collect(),
        series: vec![Series {
            name: "Devices".into(),
            values: d.agent_versions.iter().map(|(_, n)| Some(*n as f64)).collect(),
        }],
    })));
    blocks.push(os_table(p));
}

/// Devices per OS: encrypted, in MDM, the newest version seen and how many are behind it.
fn os_table(p: &Posture) -> Block {
    Block::Table(
        vec![
            "Operating system".into(),
            "Devices".into(),
            "Encrypted".into(),
            "In MDM".into(),
            "Newest version seen".into(),
            "Behind it".into(),
        ],
        vec![2.0, 1.0, 1.0, 1.0, 2.0, 1.0],
        p.devices
            .by_os
            .iter()
            .map(|o| {
                vec![
                    o.family.label(),
                    o.devices.to_string(),
                    format!("{} ({})", o.encrypted, pct(o.encrypted, o.devices)),
                    o.mdm.to_string(),
                    o.newest.clone(),
                    o.behind.to_string(),
                ]
            })
            .collect(),
    )
}

fn trend_blocks(t: &[TrendPoint], blocks: &mut Vec<Block>) {
    blocks.push(Block::Heading("Trends".into()));
    if t.len() < 2 {
        blocks.push(Block::Text(format!(
            "{} sync{} recorded so far: trends need two.",
            t.len(),
            if t.len() == 1 { "" } else { "s" }
        )));
        return;
    }
    blocks.push(Block::Text(format!(
        "{} syncs from {} to {}.",
        t.len(),
        when(&t[0].at),
        when(&t[t.len() - 1].at)
    )));
    // dates, or times of day when every sync is of one day
    let one_day = t.iter().all(|p| p.at.get(..10) == t[0].at.get(..10));
    let x: Vec<String> = t
        .iter()
        .map(|p| {
            if one_day {
                p.at.get(11..16).unwrap_or(&p.at).to_string()
            } else {
                p.at.get(..10).unwrap_or(&p.at).to_string()
            }
        })
        .collect();
    let series = |name: &str, f: &dyn Fn(&TrendPoint) -> Option<f64>| Series {
        name: name.into(),
        values: t.iter().map(f).collect(),
    };
    let n = |v: Option<u64>| v.map(|v| v as f64);
    blocks.push(Block::Chart(Chart::Lines(Lines {
        title: "People and devices".into(),
        x: x.clone(),
        series: vec![series("People", &|p| n(p.people)), series("Devices", &|p| n(p.devices))],
        percent: false,
    })));
    blocks.push(Block::Chart(Chart::Lines(Lines {
        title: "Coverage".into(),
        x: x.clone(),
        series: vec![
            series("MFA enrolled (active people)", &|p| p.mfa_pct),
            series("Devices encrypted", &|p| p.encrypted_pct),
        ],
        percent: true,
    })));
    blocks.push(Block::Chart(Chart::Lines(Lines {
        title: "Findings".into(),
        x,
        series: vec![
            series("Silent devices", &|p| n(p.silent)),
            series("Locked out", &|p| n(p.locked)),
            series("Administrators", &|p| n(p.admins)),
            series("Administrators without MFA", &|p| n(p.admins_without_mfa)),
        ],
        percent: false,
    })));
}

fn agenda_blocks(r: &Review, blocks: &mut Vec<Block>) {
    blocks.push(Block::Heading("Agenda and decisions".into()));
    if r.items.is_empty() {
        blocks.push(Block::Text(
            "The agenda was empty: no failed check, change or open follow-up.".into(),
        ));
        return;
    }
    let rows = r
        .items
        .iter()
        .map(|i| {
            let item = if i.detail.is_empty() {
                i.title.clone()
            } else {
                format!("{}\n{}", i.title, i.detail)
            };
            let mut decision = Decision::label_of(i.decision).to_string();
            if !i.owner.is_empty() {
                decision.push_str(&format!("\nowner: {}", i.owner));
            }
            if let Some(due) = &i.due {
                decision.push_str(&format!("\ndue: {due}"));
            }
            vec![
                i.seq.to_string(),
                i.kind.label().into(),
                item,
                if i.count > 0 {
                    i.count.to_string()
                } else {
                    String::new()
                },
                decision,
                i.notes.clone(),
            ]
        })
        .collect();
    blocks.push(Block::Table(
        vec![
            "#".into(),
            "From".into(),
            "Item".into(),
            "Count".into(),
            "Decision".into(),
            "Notes".into(),
        ],
        vec![0.35, 1.0, 3.2, 0.6, 1.5, 2.4],
        rows,
    ));
}

fn appendix_blocks(tables: &[ReportTable], blocks: &mut Vec<Block>) {
    if tables.is_empty() {
        return;
    }
    blocks.push(Block::PageBreak);
    blocks.push(Block::Title("Appendix: reports".into()));
    blocks.push(Block::Subtitle(format!(
        "Each report's first {APPENDIX_ROWS} rows; the Excel pack has every row."
    )));
    for t in tables {
        blocks.push(Block::Heading(t.title.clone()));
        let shown = t.rows.len().min(APPENDIX_ROWS);
        let count = if shown < t.rows.len() {
            format!("{} rows, the first {shown} shown.", t.rows.len())
        } else {
            format!("{} row{}.", t.rows.len(), if t.rows.len() == 1 { "" } else { "s" })
        };
        blocks.push(Block::Text(format!("{} {count}", t.description)));
        if shown == 0 {
            continue;
        }
        let rows: Vec<Vec<String>> = t.rows[..shown]
            .iter()
            .map(|r| {
                r.iter()
                    .zip(&t.columns)
                    .map(|(c, col)| match (col.kind, c) {
                        (ColumnKind::Date, Cell::Text(d)) => when(d).trim_end_matches(" UTC").to_string(),
                        _ => c.text(),
                    })
                    .collect()
            })
            .collect();
        let labels: Vec<String> = t.columns.iter().map(|c| c.label.clone()).collect();
        blocks.push(Block::Table(labels, vec![], rows));
    }
}

/// The pack's blocks.
pub fn blocks(input: &PackInput<'_>) -> Vec<Block> {
    let r = input.review;
    let mut blocks = vec![
        Block::Title(format!("Inventory review: {}", r.title)),
        Block::Subtitle(format!("{} · {}", input.org, when(&r.started_at))),
        Block::Facts(vec![
            ("Organisation".into(), input.org.to_string()),
            ("Review".into(), r.title.clone()),
            ("Started".into(), when(&r.started_at)),
            (
                "Finished".into(),
                r.finished_at
                    .as_deref()
                    .map(when)
                    .unwrap_or_else(|| "not yet (in progress)".into()),
            ),
            (
                "Attendees".into(),
                if r.attendees.is_empty() {
                    "none recorded".into()
                } else {
                    r.attendees.clone()
                },
            ),
            (
                "Snapshot".into(),
                match (r.sync_id, &input.posture.as_of) {
                    (Some(s), Some(at)) => format!(
                        "sync {s}, finished {}; fingerprint of its data (SHA-256) {}",
                        when(at),
                        r.snapshot_hash
                    ),
                    (Some(s), None) => format!("sync {s}; fingerprint of its data (SHA-256) {}", r.snapshot_hash),
                    _ => format!(
                        "no finished sync; fingerprint of its data (SHA-256) {}",
                        r.snapshot_hash
                    ),
                },
            ),
            (
                "Agenda".into(),
                format!(
                    "{} items: {}",
                    r.items.len(),
                    crate::reviews::decision_counts(r)
                        .iter()
                        .map(|(d, n)| format!("{n} {}", Decision::label_of(*d)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        ]),
    ];
    if input.posture.sync_id.is_some() && input.posture.sync_id != r.sync_id {
        blocks.push(Block::Text(format!(
            "The local copy has synced since this review's snapshot: the posture, trends and reports \
             below are of sync {}, the decisions of the snapshot (sync {}).",
            input.posture.sync_id.unwrap_or_default(),
            r.sync_id.map_or("none".to_string(), |s| s.to_string())
        )));
    }
    posture_blocks(input.posture, &mut blocks);
    trend_blocks(input.trends, &mut blocks);
    agenda_blocks(r, &mut blocks);
    appendix_blocks(input.tables, &mut blocks);
    blocks
}

/// The pack as a PDF/A-2b document.
pub fn review_pack_pdf(input: &PackInput<'_>) -> Result<Vec<u8>, pdf::PdfError> {
    let meta = pdf::Meta {
        title: format!("Inventory review: {} ({})", input.review.title, input.org),
        subject: format!("Rollcall review pack of review {} of {}", input.review.id, input.org),
        footer: format!("Rollcall review pack · {} · {}", input.org, input.review.title),
        created: input.created,
    };
    pdf::render(&blocks(input), &meta)
}

//! Inventory review meetings: a review looks at the current snapshot, and its agenda is the
//! follow-ups the last review left open, then the posture checks that fail (the posture table,
//! `posture`), then what changed since the last review. Each item's decision is recorded as it
//! is made; a finished review carries its open follow-ups to the next one. The cache stores
//! reviews (`rollcall_cache::reviews`); what goes on the agenda and what a decision needs is
//! decided here.

use crate::posture::{self, Drill};
use rollcall_cache::reviews::{AgendaSubject, NewItem, OpenFollowUp};
use rollcall_cache::{dates, AgendaKind, Cache, CacheError, ChangeKind, Decision, Review};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("Give the review a title (for example \"Inventory review, December\").")]
    NoTitle,
    #[error("A review looks at a complete copy of the organisation: sync it first.")]
    NoSnapshot,
    #[error("A follow-up needs an owner: who will do it?")]
    NoOwner,
    #[error("\"{0}\" is not a date: use YYYY-MM-DD.")]
    BadDate(String),
    #[error(transparent)]
    Cache(#[from] CacheError),
}

type Result<T> = std::result::Result<T, ReviewError>;

/// The list an agenda item's rows are in.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ItemDrill {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub seq: i64,
    pub drill: Drill,
}

/// A review as the screen shows it: the review, and the list each item about a posture check
/// opens.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReviewView {
    pub review: Review,
    pub drills: Vec<ItemDrill>,
}

/// The review with its items' drills.
pub fn view(review: Review) -> ReviewView {
    let drills = review
        .items
        .iter()
        .filter_map(|i| {
            let check = i.subject.check()?;
            posture::check_drill(check, posture::SILENT_DAYS).map(|drill| ItemDrill { seq: i.seq, drill })
        })
        .collect();
    ReviewView { review, drills }
}

/// An open follow-up, carried to the new review's agenda as it was titled.
fn carried(f: OpenFollowUp) -> NewItem {
    let i = f.item;
    let owner = if i.owner.is_empty() { "not named" } else { &i.owner };
    let due = i.due.as_deref().map(|d| format!(", due {d}")).unwrap_or_default();
    let notes = if i.notes.is_empty() {
        String::new()
    } else {
        format!(". Notes: {}", i.notes)
    };
    NewItem {
        kind: AgendaKind::FollowUp,
        subject: AgendaSubject::FollowUp {
            review: f.review,
            item: i.seq,
            of: Box::new(i.subject),
        },
        title: i.title,
        detail: format!("Owner {owner}{due}{notes}"),
        count: 0,
    }
}

/// The failed checks of the posture now, worst first.
fn failed_checks(cache: &Cache, now_ms: i64) -> Result<Vec<NewItem>> {
    let p = posture::measure(cache, now_ms, posture::SILENT_DAYS)?;
    Ok(posture::failed(&p)
        .into_iter()
        .map(|(check, rows)| {
            let (title, detail) = posture::agenda_entry(check, &p);
            NewItem {
                kind: AgendaKind::Check,
                subject: AgendaSubject::Check { check },
                title,
                detail,
                count: rows as i64,
            }
        })
        .collect())
}

/// What changed between the last finished review's snapshot and the current one.
fn changes_since_last(cache: &Cache) -> Result<Vec<NewItem>> {
    let (Some((_, Some(from))), Some((to, _))) = (cache.last_finished_review()?, cache.last_complete_sync()?) else {
        return Ok(vec![]);
    };
    if from == to {
        return Ok(vec![]);
    }
    let diff = cache.diff(from, to)?;
    let mut out = vec![];
    for (record, d) in &diff.records {
        for (change, n) in [
            (ChangeKind::Added, d.added.len()),
            (ChangeKind::Removed, d.removed.len()),
            (ChangeKind::Changed, d.changed.len()),
        ] {
            if n > 0 {
                out.push(NewItem {
                    kind: AgendaKind::Change,
                    subject: AgendaSubject::Change {
                        record: *record,
                        change,
                    },
                    title: format!(
                        "{n} {} {change} since the last review",
                        record.plural_label().to_lowercase()
                    ),
                    detail: String::new(),
                    count: n as i64,
                });
            }
        }
    }
    Ok(out)
}

/// Starts a review of the current snapshot: the open follow-ups, the failed checks, the
/// changes since the last review.
pub fn start(cache: &mut Cache, title: &str, attendees: &str, now_ms: i64) -> Result<ReviewView> {
    let title = title.trim();
    if title.is_empty() {
        return Err(ReviewError::NoTitle);
    }
    if cache.last_complete_sync()?.is_none() {
        return Err(ReviewError::NoSnapshot);
    }
    let mut items: Vec<NewItem> = cache.open_follow_ups()?.into_iter().map(carried).collect();
    items.extend(failed_checks(cache, now_ms)?);
    items.extend(changes_since_last(cache)?);
    let review = cache.start_review(title, attendees.trim(), &dates::format_ms(now_ms), &items)?;
    Ok(view(review))
}

/// Records the meeting's decision on item `seq` (None: undecided again). A follow-up needs an
/// owner; a due date is `YYYY-MM-DD`.
pub fn decide(
    cache: &Cache,
    id: i64,
    seq: i64,
    decision: Option<Decision>,
    owner: &str,
    due: Option<&str>,
    notes: &str,
) -> Result<ReviewView> {
    if decision == Some(Decision::FollowUp) && owner.trim().is_empty() {
        return Err(ReviewError::NoOwner);
    }
    let due = due.map(str::trim).filter(|d| !d.is_empty());
    if let Some(d) = due {
        if dates::parse_ms(&format!("{d}T00:00:00Z")).is_none() {
            return Err(ReviewError::BadDate(d.into()));
        }
    }
    let review = cache.decide(id, seq, decision, owner, due, notes, &dates::now_rfc3339())?;
    Ok(view(review))
}

/// Ends a review; its open follow-ups go on the next one's agenda.
pub fn finish(cache: &Cache, id: i64, attendees: &str) -> Result<ReviewView> {
    Ok(view(cache.finish_review(
        id,
        attendees.trim(),
        &dates::now_rfc3339(),
    )?))
}

/// The decisions of a review, counted: (accepted, fix now, follow-up, undecided).
pub fn decision_counts(r: &Review) -> [(Option<Decision>, usize); 4] {
    let n = |d: Option<Decision>| r.items.iter().filter(|i| i.decision == d).count();
    [
        (Some(Decision::Accepted), n(Some(Decision::Accepted))),
        (Some(Decision::FixNow), n(Some(Decision::FixNow))),
        (Some(Decision::FollowUp), n(Some(Decision::FollowUp))),
        (None, n(None)),
    ]
}

/// The files a review pack is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PackFormat {
    /// PDF/A-2b: cover, posture and charts, trends, agenda with decisions, appendix tables.
    Pdf,
    /// Excel: the review, its agenda, then one sheet per catalogue report.
    Xlsx,
}

#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("The review pack could not be written: {0}")]
    Pdf(#[from] crate::pdf::PdfError),
    #[error("The Excel file could not be written: {0}")]
    Excel(#[from] rust_xlsxwriter::XlsxError),
    #[error(transparent)]
    Cache(#[from] CacheError),
}

/// What the save dialog proposes for review `id`'s pack.
pub fn pack_offer(org: &str, id: i64, format: PackFormat) -> crate::files::SaveOffer {
    use crate::files::SaveOffer;
    let what = format!("review-{id}");
    match format {
        PackFormat::Pdf => SaveOffer::dated("Export the review pack as PDF", org, &what, "PDF document", "pdf"),
        PackFormat::Xlsx => SaveOffer::dated("Export the review pack as Excel", org, &what, "Excel workbook", "xlsx"),
    }
}

/// The pack of review `id` of `org`: its bytes and the number of agenda items. The PDF shows
/// the posture and trends as of the review's snapshot where it was kept (else the copy now);
/// both carry every catalogue report (the PDF its first rows).
pub fn pack(cache: &Cache, org: &str, id: i64, format: PackFormat) -> std::result::Result<(Vec<u8>, u32), PackError> {
    let review = cache.review(id)?;
    let now = dates::now_ms();
    let tables = crate::catalogue::all_reports(cache, &posture::thresholds(now, posture::SILENT_DAYS))?;
    let n = review.items.len() as u32;
    let bytes = match format {
        PackFormat::Xlsx => crate::report_export::review_pack(org, &review, &tables)?,
        PackFormat::Pdf => {
            let kept = match review.sync_id {
                Some(s) => cache.posture_of_sync(s)?,
                None => None,
            };
            let measured = match kept {
                Some(p) => p,
                None => posture::measure(cache, now, posture::SILENT_DAYS)?,
            };
            crate::review_pdf::review_pack_pdf(&crate::review_pdf::PackInput {
                org,
                review: &review,
                posture: &measured,
                trends: &cache.trends(crate::vocabulary::TREND_SYNCS)?,
                tables: &tables,
                created: time::OffsetDateTime::now_utc(),
            })?
        }
    };
    Ok((bytes, n))
}

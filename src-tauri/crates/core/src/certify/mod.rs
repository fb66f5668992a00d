//! Access reviews: a campaign certifies who can reach what. It is created with a scope and
//! reviewers (`create`), prepared — the data sealed: every grant in scope copied from the
//! mirror with its context and a SHA-256 of each row (`freeze`) —, decided row by row or in
//! bulk with the reasons the rules ask for (`decide`), closed, and what was revoked removed
//! from JumpCloud's live state and verified (`remedy`). Its evidence is a PDF/A pack, an
//! Excel workbook and a JSON manifest (`evidence`).

mod decide;
mod evidence;
mod evidence_book;
mod freeze;
mod remedy;
mod suspend;
mod workbook;

pub use decide::{close, decide, needs_reason, totals, DecideInput, Decided, Totals};
pub use evidence::{evidence, evidence_offer, EvidenceError, EvidenceFormat};
pub use freeze::{after_failed_sync, prepare, read_device_rights, PrepareInput, FRESH_ENOUGH_MS, NEW_SINCE_NOTE};
pub use remedy::{confirm_manual, open_revocations, remediate, Remediation, RemedyReport};
pub use suspend::{cancel_suspension, check_suspensions, schedule_suspension};
pub use workbook::{import_workbook, workbook_for, ImportReport};

use rollcall_cache::{Cache, CacheError, Campaign, CampaignRow, NewCampaign, ScheduledSuspension};
use serde::Serialize;
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum CertifyError {
    /// What the admin asked cannot be done as asked (the message says what to do).
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Cache(#[from] CacheError),
    /// JumpCloud could not be read.
    #[error(transparent)]
    Api(#[from] jumpcloud::Error),
}

pub type Result<T> = std::result::Result<T, CertifyError>;

/// A campaign with its rows and totals, as the screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CampaignView {
    pub campaign: Campaign,
    pub rows: Vec<CampaignRow>,
    pub totals: Totals,
    /// Where the campaign is: to prepare, in review, closed.
    pub stage: Stage,
    /// People its remediation suspends on a date.
    pub suspensions: Vec<ScheduledSuspension>,
}

/// A campaign's summary in the Reviews list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CampaignSummary {
    pub campaign: Campaign,
    pub totals: Totals,
    pub stage: Stage,
    /// A repeating campaign's next one is due on this day (`YYYY-MM-DD`) and has not been
    /// created yet.
    pub next_due: Option<String>,
    /// Past its due date and not closed, or its repeat is due.
    pub overdue: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Created; its data not sealed yet.
    Draft,
    /// Sealed; decisions are being made.
    InReview,
    Closed,
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::Draft, Stage::InReview, Stage::Closed];

    /// How the Reviews list names it.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Draft => "not prepared yet",
            Stage::InReview => "in review",
            Stage::Closed => "closed",
        }
    }
}

fn stage(c: &Campaign) -> Stage {
    if c.closed_at.is_some() {
        Stage::Closed
    } else if c.prepared_at.is_some() {
        Stage::InReview
    } else {
        Stage::Draft
    }
}

/// SHA-256 of `bytes`, in hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(bytes);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Today, `YYYY-MM-DD` (UTC).
fn today() -> String {
    rollcall_cache::dates::format_ms(rollcall_cache::dates::now_ms())
        .get(..10)
        .unwrap_or_default()
        .to_string()
}

/// A `YYYY-MM-DD` day.
pub(crate) fn day(s: &str) -> Option<time::Date> {
    let mut p = s.splitn(3, '-');
    let (y, m, d) = (p.next()?, p.next()?, p.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
    time::Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

/// `day` plus `months` (the same day of the month, or the month's last day).
fn add_months(day_text: &str, months: u32) -> Option<String> {
    let d = day(day_text)?;
    let total = d.year() * 12 + (d.month() as i32 - 1) + months as i32;
    let (y, m) = (total.div_euclid(12), total.rem_euclid(12) as u8 + 1);
    let month = time::Month::try_from(m).ok()?;
    let last = time::util::days_in_month(month, y);
    let out = time::Date::from_calendar_date(y, month, d.day().min(last)).ok()?;
    Some(out.to_string())
}

/// Creates a campaign (not prepared yet).
pub fn create(cache: &Cache, c: &NewCampaign, by: &str) -> Result<CampaignView> {
    if c.name.trim().is_empty() {
        return Err(CertifyError::Invalid("Give the access review a name.".into()));
    }
    if c.scope.is_empty() {
        return Err(CertifyError::Invalid(
            "Choose what the access review covers: user groups, apps, device access, console administrators or time-limited grants.".into(),
        ));
    }
    if day(&c.due).is_none() {
        return Err(CertifyError::Invalid(format!(
            "The due date \"{}\" is not a date (YYYY-MM-DD).",
            c.due
        )));
    }
    if c.reviewer_mode == rollcall_cache::ReviewerMode::Owner {
        let missing = c
            .scope
            .user_groups
            .iter()
            .chain(&c.scope.apps)
            .filter(|id| c.owners.get(*id).is_none_or(|o| o.trim().is_empty()))
            .count();
        if missing > 0 {
            return Err(CertifyError::Invalid(format!(
                "Name an owner (their email) for every group and app in scope: {missing} have none."
            )));
        }
    }
    let id = cache.create_campaign(c, by, &crate::sync::now_rfc3339())?;
    view(cache, id)
}

/// A campaign as the screen shows it.
pub fn view(cache: &Cache, id: i64) -> Result<CampaignView> {
    let campaign = cache.campaign(id)?;
    let rows = cache.campaign_rows(id)?;
    Ok(CampaignView {
        suspensions: cache.campaign_suspensions(id)?,
        stage: stage(&campaign),
        totals: totals(&rows),
        campaign,
        rows,
    })
}

/// Every campaign, newest first, with its totals and whether it (or its repeat) is due.
pub fn list(cache: &Cache) -> Result<Vec<CampaignSummary>> {
    let all = cache.campaigns()?;
    let today = today();
    let mut out = vec![];
    for c in &all {
        let rows = cache.campaign_rows(c.id)?;
        let st = stage(c);
        // The next of a repeating campaign is due once it is closed, unless a later campaign
        // on the same scope exists.
        let repeated = all.iter().any(|o| o.id > c.id && o.scope == c.scope);
        let next_due = (c.repeat_months > 0 && st == Stage::Closed && !repeated)
            .then(|| add_months(&c.due, c.repeat_months))
            .flatten();
        let overdue = (st != Stage::Closed && c.due < today) || next_due.as_ref().is_some_and(|d| *d <= today);
        out.push(CampaignSummary {
            campaign: c.clone(),
            totals: totals(&rows),
            stage: st,
            next_due,
            overdue,
        });
    }
    Ok(out)
}

/// A new campaign on the same scope and reviewers as `id`, due `repeat_months` after it.
pub fn repeat(cache: &Cache, id: i64, by: &str) -> Result<CampaignView> {
    let c = cache.campaign(id)?;
    let months = c.repeat_months.max(3);
    let due = add_months(&c.due, months).unwrap_or_else(today);
    let name = format!("{} (next)", c.name.trim_end_matches(" (next)"));
    create(
        cache,
        &NewCampaign {
            name,
            scope: c.scope,
            reviewer_mode: c.reviewer_mode,
            owners: c.owners,
            due,
            repeat_months: c.repeat_months,
        },
        by,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_added_to_the_day_or_the_months_last_day() {
        assert_eq!(add_months("2026-01-31", 3).as_deref(), Some("2026-04-30"));
        assert_eq!(add_months("2026-11-15", 3).as_deref(), Some("2027-02-15"));
        assert_eq!(add_months("not a day", 3), None);
    }
}

//! Decisions on a campaign's rows and what each needs: a reason to revoke, to keep a flagged
//! or privileged row, for a row only its own person could review, and for every bulk
//! decision; an owner and a due date to defer. Decisions are written as they are made (and
//! logged, none overwritten); the totals add up. Closing chooses what undecided rows become.

use super::{day, freeze::manifest_hash, sha256_hex, CampaignView, CertifyError, Result};
use rollcall_cache::campaigns::DecisionWrite;
use rollcall_cache::{Cache, CampaignRow, CertDecision, CertFlag, FrozenRow, RemedyState};
use serde::{Deserialize, Serialize};

/// A decision as the reviewer makes it, on one row or many.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DecideInput {
    pub seqs: Vec<u32>,
    /// None: undecided again.
    pub decision: Option<CertDecision>,
    pub reason: String,
    /// Defer: who decides, and by when (`YYYY-MM-DD`).
    pub defer_owner: String,
    pub defer_due: Option<String>,
}

/// Where a campaign's decisions stand: reviewed = kept + revoked + deferred + reduced (admin
/// rights dropped, access kept); rows = reviewed + left.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Totals {
    pub rows: u32,
    pub reviewed: u32,
    pub kept: u32,
    pub revoked: u32,
    pub deferred: u32,
    /// Access kept, administrator rights dropped.
    pub reduced: u32,
    pub left: u32,
    pub privileged: u32,
    pub flagged: u32,
    /// Revocations a read of JumpCloud shows gone, or confirmed removed by hand.
    pub removed: u32,
    /// Revocations still to do, failed, or waiting for a manual removal.
    pub remediation_open: u32,
    /// Rows left undecided until the close, decided then as the admin chose.
    pub decided_at_close: u32,
    /// Removals Rollcall can still send or verify (to remove, sent, failed): what "Remove …"
    /// acts on.
    pub to_send: u32,
}

/// Whether a row counts as flagged for the reason rule (being reached through a group is
/// context, not a finding).
pub fn is_flagged(r: &FrozenRow) -> bool {
    r.flags.iter().any(|f| f.flag != CertFlag::ThroughGroup)
}

/// Why `decision` on `row` needs a written reason, if it does.
pub fn needs_reason(row: &FrozenRow, decision: CertDecision) -> Option<&'static str> {
    if row.flags.iter().any(|f| f.flag == CertFlag::SelfReview) {
        return Some("only the person themselves could review this row");
    }
    match decision {
        CertDecision::Revoke => Some("revoking access needs a reason"),
        CertDecision::DropAdmin => Some("dropping administrator rights needs a reason"),
        CertDecision::Keep if row.privileged => Some("keeping privileged access needs a reason"),
        CertDecision::Keep if is_flagged(row) => Some("keeping a flagged row needs a reason"),
        _ => None,
    }
}

pub fn totals(rows: &[CampaignRow]) -> Totals {
    let mut t = Totals {
        rows: rows.len() as u32,
        ..Default::default()
    };
    for r in rows {
        match r.decision {
            Some(CertDecision::Keep) => t.kept += 1,
            Some(CertDecision::Revoke) => t.revoked += 1,
            Some(CertDecision::Defer) => t.deferred += 1,
            Some(CertDecision::DropAdmin) => t.reduced += 1,
            None => t.left += 1,
        }
        t.privileged += r.row.privileged as u32;
        t.decided_at_close += (r.decided_via == "close") as u32;
        t.flagged += is_flagged(&r.row) as u32;
        t.to_send += matches!(
            r.remedy,
            Some(RemedyState::Pending | RemedyState::Sent | RemedyState::Failed)
        ) as u32;
        match r.remedy {
            Some(RemedyState::Verified | RemedyState::ManualConfirmed) => t.removed += 1,
            Some(_) => t.remediation_open += 1,
            None => {}
        }
    }
    t.reviewed = t.kept + t.revoked + t.deferred + t.reduced;
    t
}

/// What a decision changed: the rows decided, as they are now, and the campaign's totals (the
/// screen patches its copy instead of reading every row again).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Decided {
    pub rows: Vec<CampaignRow>,
    pub totals: Totals,
}

/// Records a decision on the rows `input.seqs` by `by` (at the desk, or from a workbook:
/// `via`). Refused, whole, when the campaign is not in review or any row's rule is not met.
pub fn decide(cache: &mut Cache, id: i64, input: &DecideInput, by: &str, via: &str) -> Result<Decided> {
    let c = cache.campaign(id)?;
    if c.prepared_at.is_none() {
        return Err(CertifyError::Invalid(
            "Prepare the access review first: decisions are made on sealed data.".into(),
        ));
    }
    if c.closed_at.is_some() {
        return Err(CertifyError::Invalid(
            "This access review is closed: its decisions are final.".into(),
        ));
    }
    if input.seqs.is_empty() {
        return Err(CertifyError::Invalid("Select the rows to decide.".into()));
    }
    let rows = cache.campaign_rows(id)?;
    let reason = input.reason.trim();
    if let Some(d) = input.decision {
        check(&rows, input, d, reason)?;
    }
    let at = crate::sync::now_rfc3339();
    let deferring = input.decision == Some(CertDecision::Defer);
    cache.decide_campaign_rows(
        id,
        &input.seqs,
        &DecisionWrite {
            decision: input.decision,
            reason,
            defer_owner: if deferring { input.defer_owner.trim() } else { "" },
            defer_due: if deferring { input.defer_due.as_deref() } else { None },
            by,
            via,
            at: &at,
        },
    )?;
    let all = cache.campaign_rows(id)?;
    let wanted: std::collections::HashSet<u32> = input.seqs.iter().copied().collect();
    Ok(Decided {
        totals: totals(&all),
        rows: all.into_iter().filter(|r| wanted.contains(&r.seq)).collect(),
    })
}

/// Why decision `d` may not be recorded on `row` with this reason and deferral, if it may not
/// (the words name the rule; the caller names the row). One rule for the desk and workbooks.
pub(crate) fn row_refusal(
    row: &FrozenRow,
    d: CertDecision,
    reason: &str,
    owner: &str,
    due: Option<&str>,
) -> Option<String> {
    if d == CertDecision::DropAdmin && !can_drop_admin(row) {
        return Some(
            "only administrator rights given on a direct binding can be dropped with the device kept (rights set on the person are changed in JumpCloud); keep or revoke it"
                .into(),
        );
    }
    if d == CertDecision::Defer {
        if owner.trim().is_empty() {
            return Some("name who decides a deferred row (its owner)".into());
        }
        if due.and_then(day).is_none() {
            return Some("give the date a deferred row must be decided by (YYYY-MM-DD)".into());
        }
    }
    if reason.trim().is_empty() {
        if let Some(why) = needs_reason(row, d) {
            return Some(format!("{why}; write one and decide again"));
        }
    }
    None
}

/// The rules of a decision on the chosen rows.
fn check(rows: &[CampaignRow], input: &DecideInput, d: CertDecision, reason: &str) -> Result<()> {
    if input.seqs.len() > 1 && reason.is_empty() {
        return Err(CertifyError::Invalid(format!(
            "A decision on {} rows at once needs a reason: write why they all get \"{}\".",
            input.seqs.len(),
            d.label()
        )));
    }
    for s in &input.seqs {
        let Some(r) = rows.iter().find(|r| r.seq == *s) else {
            return Err(CertifyError::Invalid(format!("Row {s} is not in this access review.")));
        };
        if let Some(why) = row_refusal(&r.row, d, reason, &input.defer_owner, input.defer_due.as_deref()) {
            return Err(CertifyError::Invalid(format!(
                "Row {s} ({} — {}): {why}.",
                r.row.person, r.row.resource
            )));
        }
    }
    Ok(())
}

/// Whether a row is administrator rights on a device that can be dropped while the binding
/// stays: sudo on a direct binding.
pub fn can_drop_admin(r: &FrozenRow) -> bool {
    r.kind == rollcall_cache::GrantKind::DeviceAccess && r.sudo_droppable
}

/// The hash of a campaign's decisions: SHA-256 over one line per row (seq, decision, reason,
/// defer owner and date, who, when, how), in order.
pub(crate) fn decisions_hash(rows: &[CampaignRow]) -> String {
    let lines: Vec<String> = rows.iter().map(|r| sha256_hex(decision_line(r).as_bytes())).collect();
    manifest_hash(lines.iter().map(String::as_str))
}

/// A row's decision as one line, as its hash is taken: `seq|decision|reason|defer owner|defer
/// date|decided by|decided at|how` (`DECISION_LINE`).
pub(crate) fn decision_line(r: &CampaignRow) -> String {
    format!(
        "{}|{}|{}|{}|{}|{}|{}|{}",
        r.seq,
        r.decision.map(|d| d.as_str()).unwrap_or(""),
        r.reason,
        r.defer_owner,
        r.defer_due.as_deref().unwrap_or(""),
        r.decided_by,
        r.decided_at.as_deref().unwrap_or(""),
        r.decided_via
    )
}

/// How a decision line is written, for the manifest.
pub(crate) const DECISION_LINE: &str = "seq|decision|reason|defer owner|defer date|decided by|decided at (RFC 3339)|how (desk, close, workbook <SHA-256>, imported by …)";

/// Closes campaign `id`: undecided rows become `undecided_as` (chosen by the admin, recorded
/// with each), every revoked row waits for remediation, and the decisions are hashed.
pub fn close(cache: &mut Cache, id: i64, undecided_as: CertDecision, by: &str) -> Result<CampaignView> {
    let c = cache.campaign(id)?;
    if c.prepared_at.is_none() || c.closed_at.is_some() {
        return Err(CertifyError::Invalid(
            "Only a prepared access review that is not closed yet can be closed.".into(),
        ));
    }
    if !matches!(undecided_as, CertDecision::Keep | CertDecision::Revoke) {
        return Err(CertifyError::Invalid(
            "At close, undecided rows are either kept as they are or revoked.".into(),
        ));
    }
    let rows = cache.campaign_rows(id)?;
    let left: Vec<u32> = rows.iter().filter(|r| r.decision.is_none()).map(|r| r.seq).collect();
    let at = crate::sync::now_rfc3339();
    if !left.is_empty() {
        let reason = format!(
            "Undecided at close; {} by {by} for every undecided row.",
            match undecided_as {
                CertDecision::Revoke => "revoked",
                _ => "kept as it is",
            }
        );
        cache.decide_campaign_rows(
            id,
            &left,
            &DecisionWrite {
                decision: Some(undecided_as),
                reason: &reason,
                defer_owner: "",
                defer_due: None,
                by,
                via: "close",
                at: &at,
            },
        )?;
    }
    let rows = cache.campaign_rows(id)?;
    for r in rows
        .iter()
        .filter(|r| matches!(r.decision, Some(CertDecision::Revoke | CertDecision::DropAdmin)))
    {
        let (state, note) = super::remedy::first_state(&r.row, r.decision);
        cache.set_remedy(id, r.seq, state, &note, &at, "")?;
    }
    let rows = cache.campaign_rows(id)?;
    cache.close_campaign(id, undecided_as, by, &at, &decisions_hash(&rows))?;
    super::view(cache, id)
}

//! Reviewers without Rollcall: a workbook of one reviewer's rows (the context locked, a
//! decision, a reason and a deferral's owner and date to fill in, a hidden sheet naming the
//! campaign, the organisation and the hash of the rows it carries), and reading it back — it
//! must belong to this campaign, no frozen cell may have changed and each decision must meet
//! the rules; every refusal names its row. Accepted decisions record the reviewer and the
//! file's SHA-256.

use super::{decide::row_refusal, freeze::manifest_hash, sha256_hex, CertifyError, Result};
use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use rollcall_cache::campaigns::DecisionWrite;
use rollcall_cache::{Cache, CampaignRow, CertDecision};
use rust_xlsxwriter::{DataValidation, Format, FormatBorder, Workbook, XlsxError};
use serde::Serialize;

/// The review sheet's columns: the frozen context first (locked), then what the reviewer fills.
const COLUMNS: [&str; 13] = [
    "Row",
    "Person",
    "Email",
    "Kind",
    "Access",
    "Through",
    "Flags",
    "Row SHA-256",
    "Decision",
    "Reason",
    "Defer: owner",
    "Defer: decide by (YYYY-MM-DD)",
    "Current decision",
];
/// The first column the reviewer fills.
const FILL: u16 = 8;
const SHEET: &str = "Review";
const META: &str = "Rollcall";

/// The decisions a reviewer types, as the workbook offers them (Rust's closed set).
fn choices() -> Vec<&'static str> {
    CertDecision::ALL.iter().map(|d| d.as_str()).collect()
}

/// The frozen cells of a row, as the workbook prints them (columns 1–7).
fn frozen_cells(r: &CampaignRow) -> [String; 7] {
    [
        r.row.person.clone(),
        r.row.email.clone(),
        r.row.kind.label().to_string(),
        r.row.resource.clone(),
        r.row.via.clone(),
        r.row
            .flags
            .iter()
            .map(|f| format!("{}: {}", f.flag.label(), f.fact))
            .collect::<Vec<_>>()
            .join(" | "),
        r.row_hash.clone(),
    ]
}

/// The rows of `reviewer` (every row when empty).
fn rows_of<'a>(rows: &'a [CampaignRow], reviewer: &str) -> Vec<&'a CampaignRow> {
    rows.iter()
        .filter(|r| reviewer.is_empty() || r.row.reviewer == reviewer)
        .collect()
}

/// The workbook of `reviewer`'s rows of campaign `id` (of org `org_id`).
pub fn workbook_for(cache: &Cache, id: i64, org_id: &str, reviewer: &str) -> Result<(Vec<u8>, u32)> {
    let c = cache.campaign(id)?;
    if c.prepared_at.is_none() || c.closed_at.is_some() {
        return Err(CertifyError::Invalid(
            "A reviewer's workbook is made from a prepared access review that is not closed.".into(),
        ));
    }
    let all = cache.campaign_rows(id)?;
    let rows = rows_of(&all, reviewer);
    if rows.is_empty() {
        return Err(CertifyError::Invalid(format!("{reviewer} has no rows to review.")));
    }
    let bytes = write(&c.name, id, org_id, reviewer, &rows)
        .map_err(|e| CertifyError::Invalid(format!("The workbook could not be written: {e}")))?;
    Ok((bytes, rows.len() as u32))
}

fn write(
    name: &str,
    id: i64,
    org_id: &str,
    reviewer: &str,
    rows: &[&CampaignRow],
) -> std::result::Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let head = Format::new().set_bold().set_border_bottom(FormatBorder::Thin);
    let open = Format::new().set_unlocked().set_background_color("FFF4D6");
    let sheet = book.add_worksheet();
    sheet.set_name(SHEET)?;
    for (c, label) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *label, &head)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_number(row, 0, r.seq as f64)?;
        for (k, v) in frozen_cells(r).iter().enumerate() {
            sheet.write_string(row, k as u16 + 1, v)?;
        }
        for col in FILL..FILL + 4 {
            sheet.write_blank(row, col, &open)?;
        }
        sheet.write_string(row, FILL + 4, CertDecision::label_of(r.decision))?;
    }
    let last = rows.len() as u32;
    let choices = DataValidation::new().allow_list_strings(&choices())?;
    sheet.add_data_validation(1, FILL, last.max(1), FILL, &choices)?;
    for (c, w) in [
        6.0, 28.0, 26.0, 14.0, 28.0, 18.0, 40.0, 20.0, 10.0, 36.0, 20.0, 16.0, 14.0,
    ]
    .iter()
    .enumerate()
    {
        sheet.set_column_width(c as u16, *w)?;
    }
    sheet.set_freeze_panes(1, 2)?;
    sheet.protect();
    let meta = book.add_worksheet();
    meta.set_name(META)?;
    let hash = manifest_hash(rows.iter().map(|r| r.row_hash.as_str()));
    for (r, (k, v)) in [
        ("campaign_id", id.to_string()),
        ("campaign", name.to_string()),
        ("organisation_id", org_id.to_string()),
        ("reviewer", reviewer.to_string()),
        ("rows", rows.len().to_string()),
        ("rows_sha256", hash),
    ]
    .iter()
    .enumerate()
    {
        meta.write_string(r as u32, 0, *k)?;
        meta.write_string(r as u32, 1, v)?;
    }
    meta.set_hidden(true);
    meta.protect();
    book.save_to_buffer()
}

/// What reading a workbook back did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportReport {
    pub reviewer: String,
    /// SHA-256 of the file read.
    pub file_sha256: String,
    pub accepted: u32,
    /// Rows left empty (nothing decided in the file).
    pub blank: u32,
    /// One line per refused row, naming it and why.
    pub refused: Vec<String>,
}

fn text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        other => other.to_string(),
    }
    .trim()
    .to_string()
}

/// A date cell as `YYYY-MM-DD`: typed as text, or an Excel date (days since 1899-12-30).
fn date_cell(d: &Data) -> Option<String> {
    let serial = match d {
        Data::DateTime(dt) => Some(dt.as_f64()),
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    };
    match serial {
        Some(s) => {
            let epoch = time::Date::from_calendar_date(1899, time::Month::December, 30).ok()?;
            Some((epoch + time::Duration::days(s.floor() as i64)).to_string())
        }
        None => {
            let t = text(d);
            (!t.is_empty()).then_some(t)
        }
    }
}

/// Reads a reviewer's workbook back into campaign `id` (of org `org_id`), recording `by` as
/// who imported it.
pub fn import_workbook(cache: &mut Cache, id: i64, org_id: &str, bytes: &[u8], by: &str) -> Result<ImportReport> {
    let c = cache.campaign(id)?;
    if c.prepared_at.is_none() || c.closed_at.is_some() {
        return Err(CertifyError::Invalid(
            "Decisions from a workbook are taken only while the access review is in review.".into(),
        ));
    }
    let bad = |what: &str| {
        CertifyError::Invalid(format!(
            "This file is not a reviewer's workbook of this access review: {what}."
        ))
    };
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| bad(&format!("it cannot be read as Excel ({e})")))?;
    let meta = book
        .worksheet_range(META)
        .map_err(|_| bad("it has no Rollcall sheet"))?;
    let fact = |k: &str| {
        meta.rows()
            .find(|r| r.first().map(text).as_deref() == Some(k))
            .and_then(|r| r.get(1).map(text))
            .unwrap_or_default()
    };
    if fact("campaign_id") != id.to_string() || fact("organisation_id") != org_id {
        return Err(bad(&format!(
            "it was made for access review {} of organisation {}",
            fact("campaign_id"),
            fact("organisation_id")
        )));
    }
    let reviewer = fact("reviewer");
    let sheet = book.worksheet_range(SHEET).map_err(|_| bad("it has no Review sheet"))?;
    let all = cache.campaign_rows(id)?;
    let mut report = ImportReport {
        file_sha256: sha256_hex(bytes),
        reviewer: reviewer.clone(),
        ..Default::default()
    };
    let via = format!("workbook {}, imported by {by}", report.file_sha256);
    let at = crate::sync::now_rfc3339();
    for cells in sheet.rows().skip(1) {
        match read_row(cells, &all, &reviewer) {
            RowRead::Empty => {}
            RowRead::Blank => report.blank += 1,
            RowRead::Refused(why) => report.refused.push(why),
            RowRead::Take(t) => {
                let deferring = t.decision == CertDecision::Defer;
                cache.decide_campaign_rows(
                    id,
                    &[t.seq],
                    &DecisionWrite {
                        decision: Some(t.decision),
                        reason: &t.reason,
                        defer_owner: if deferring { &t.owner } else { "" },
                        defer_due: if deferring { t.due.as_deref() } else { None },
                        by: if reviewer.is_empty() { by } else { &reviewer },
                        via: &via,
                        at: &at,
                    },
                )?;
                report.accepted += 1;
            }
        }
    }
    Ok(report)
}

/// A decision read from a row of the workbook, checked.
struct Taken {
    seq: u32,
    decision: CertDecision,
    reason: String,
    owner: String,
    due: Option<String>,
}

/// What a row of the Review sheet holds.
enum RowRead {
    /// No row number: not a row.
    Empty,
    /// Nothing decided in the file.
    Blank,
    /// Why its decision is not taken, naming the row.
    Refused(String),
    Take(Taken),
}

/// Reads one row of the Review sheet against the campaign's rows (`all`) and the workbook's
/// reviewer: refused when it is not this review's, not this reviewer's, a frozen cell changed,
/// the decision is not one or breaks the rules, or the row was decided since the file was made.
fn read_row(cells: &[Data], all: &[CampaignRow], reviewer: &str) -> RowRead {
    let seq_text = cells.first().map(text).unwrap_or_default();
    if seq_text.is_empty() {
        return RowRead::Empty;
    }
    let cell = |k: usize| cells.get(k).cloned().unwrap_or(Data::Empty);
    let Some(r) = seq_text
        .parse::<u32>()
        .ok()
        .and_then(|s| all.iter().find(|r| r.seq == s))
    else {
        return RowRead::Refused(format!("Row {seq_text}: not a row of this access review."));
    };
    let name = format!("Row {} ({} — {})", r.seq, r.row.person, r.row.resource);
    if !reviewer.is_empty() && r.row.reviewer != reviewer {
        return RowRead::Refused(format!("{name}: it is reviewed by {}, not {reviewer}.", r.row.reviewer));
    }
    let changed: Vec<&str> = frozen_cells(r)
        .iter()
        .enumerate()
        .filter(|(k, v)| text(&cell(k + 1)) != v.trim())
        .map(|(k, _)| COLUMNS[k + 1])
        .collect();
    if !changed.is_empty() {
        return RowRead::Refused(format!(
            "{name}: a frozen cell was altered ({}); its decision is not taken.",
            changed.join(", ")
        ));
    }
    let decision_text = text(&cell(FILL as usize)).to_lowercase();
    if decision_text.is_empty() {
        return RowRead::Blank;
    }
    let Some(decision) = CertDecision::parse(&decision_text) else {
        return RowRead::Refused(format!(
            "{name}: \"{decision_text}\" is not a decision ({}).",
            choices().join(", ")
        ));
    };
    let reason = text(&cell(FILL as usize + 1));
    let owner = text(&cell(FILL as usize + 2));
    let due = date_cell(&cell(FILL as usize + 3));
    if let Some(why) = row_refusal(&r.row, decision, &reason, &owner, due.as_deref()) {
        return RowRead::Refused(format!("{name}: {why}."));
    }
    let current = text(&cell(FILL as usize + 4));
    if !current.is_empty() && current != CertDecision::label_of(r.decision) {
        return RowRead::Refused(format!(
            "{name}: decided since the workbook was made (now \"{}\"); its decision in the file is not taken.",
            CertDecision::label_of(r.decision)
        ));
    }
    RowRead::Take(Taken {
        seq: r.seq,
        decision,
        reason,
        owner,
        due,
    })
}

//! The catalogue's reports as files: CSV (one report) and Excel (one sheet per report, typed
//! cells — numbers as numbers, dates as dates, yes/no as booleans — a frozen, filterable
//! header and fitted columns), written with `rust_xlsxwriter`.

use crate::export::line;
use rollcall_cache::{Cell, ColumnKind, ReportColumn, ReportTable, Review};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatBorder, Workbook, XlsxError};

/// A report as CSV (RFC 4180, formula-safe text).
pub fn csv(t: &ReportTable) -> String {
    let mut out = line(&t.columns.iter().map(|c| c.label.clone()).collect::<Vec<_>>());
    for r in &t.rows {
        out.push_str(&line(&r.iter().map(Cell::text).collect::<Vec<_>>()));
    }
    out
}

/// A worksheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, unique.
fn sheet_name(title: &str, taken: &mut Vec<String>) -> String {
    let base: String = title
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .take(28)
        .collect();
    let mut name = base.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        name = format!("{base} {n}");
        n += 1;
    }
    taken.push(name.clone());
    name
}

/// One worksheet: a title, typed columns and rows.
pub struct Sheet<'a> {
    pub title: &'a str,
    pub columns: &'a [ReportColumn],
    pub rows: &'a [Vec<Cell>],
}

impl<'a> From<&'a ReportTable> for Sheet<'a> {
    fn from(t: &'a ReportTable) -> Self {
        Sheet {
            title: &t.title,
            columns: &t.columns,
            rows: &t.rows,
        }
    }
}

/// The reports as one Excel workbook, a sheet each.
pub fn xlsx(tables: &[ReportTable]) -> Result<Vec<u8>, XlsxError> {
    workbook(&tables.iter().map(Sheet::from).collect::<Vec<_>>())
}

/// A review's pack: the review (organisation, snapshot, attendees, dates), its agenda with each
/// decision, then the reports (`tables`).
pub fn review_pack(org: &str, review: &Review, tables: &[ReportTable]) -> Result<Vec<u8>, XlsxError> {
    let text = |s: &str| {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.to_string())
        }
    };
    let kv = [
        ReportColumn {
            label: "Review".into(),
            kind: ColumnKind::Text,
        },
        ReportColumn {
            label: review.title.clone(),
            kind: ColumnKind::Text,
        },
    ];
    let decided = review.items.iter().filter(|i| i.decision.is_some()).count();
    let cover: Vec<Vec<Cell>> = [
        ("Organisation", org.to_string()),
        ("Started", review.started_at.clone()),
        (
            "Finished",
            review.finished_at.clone().unwrap_or_else(|| "not yet".into()),
        ),
        ("Attendees", review.attendees.clone()),
        (
            "Snapshot",
            review.sync_id.map(|s| format!("sync {s}")).unwrap_or_default(),
        ),
        ("Snapshot hash", review.snapshot_hash.clone()),
        ("Agenda", format!("{} items, {decided} decided", review.items.len())),
    ]
    .into_iter()
    .map(|(k, v)| vec![Cell::Text(k.into()), text(&v)])
    .collect();
    let col = |label: &str, kind: ColumnKind| ReportColumn {
        label: label.into(),
        kind,
    };
    let agenda_cols = [
        col("#", ColumnKind::Number),
        col("From", ColumnKind::Text),
        col("Item", ColumnKind::Text),
        col("Count", ColumnKind::Number),
        col("Decision", ColumnKind::Text),
        col("Owner", ColumnKind::Text),
        col("Due", ColumnKind::Text),
        col("Notes", ColumnKind::Text),
        col("Detail", ColumnKind::Text),
    ];
    let agenda: Vec<Vec<Cell>> = review
        .items
        .iter()
        .map(|i| {
            vec![
                Cell::Number(i.seq as f64),
                Cell::Text(crate::review_pdf::kind_label(i.kind).into()),
                Cell::Text(i.title.clone()),
                if i.count > 0 {
                    Cell::Number(i.count as f64)
                } else {
                    Cell::Empty
                },
                Cell::Text(crate::review_pdf::decision_label(i.decision).into()),
                text(&i.owner),
                text(i.due.as_deref().unwrap_or("")),
                text(&i.notes),
                text(&i.detail),
            ]
        })
        .collect();
    let mut sheets = vec![
        Sheet {
            title: "Review",
            columns: &kv,
            rows: &cover,
        },
        Sheet {
            title: "Agenda",
            columns: &agenda_cols,
            rows: &agenda,
        },
    ];
    sheets.extend(tables.iter().map(Sheet::from));
    workbook(&sheets)
}

/// Sheets as one workbook: a bold header row, frozen and filterable; typed cells (numbers as
/// numbers, dates as dates, yes/no as booleans); columns fitted to their contents.
fn workbook(sheets: &[Sheet<'_>]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let head = Format::new().set_bold().set_border_bottom(FormatBorder::Thin);
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let pct = Format::new().set_num_format("0.0\"%\"");
    let mut taken = vec![];
    for t in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(t.title, &mut taken))?;
        for (c, col) in t.columns.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, &col.label, &head)?;
        }
        let mut widths: Vec<usize> = t.columns.iter().map(|c| c.label.chars().count()).collect();
        for (r, row) in t.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, (cell, col)) in row.iter().zip(t.columns).enumerate() {
                let cu = c as u16;
                match (cell, col.kind) {
                    (Cell::Empty, _) => {}
                    (Cell::Bool(b), _) => {
                        sheet.write_boolean(r, cu, *b)?;
                    }
                    (Cell::Number(n), ColumnKind::Percent) => {
                        sheet.write_number_with_format(r, cu, *n, &pct)?;
                    }
                    (Cell::Number(n), _) => {
                        sheet.write_number(r, cu, *n)?;
                    }
                    (Cell::Text(s), ColumnKind::Date) => match date_of(s) {
                        Some(d) => {
                            sheet.write_datetime_with_format(r, cu, &d, &date)?;
                        }
                        None => {
                            sheet.write_string(r, cu, s)?;
                        }
                    },
                    (Cell::Text(s), _) => {
                        sheet.write_string(r, cu, s)?;
                    }
                }
                let w = match (cell, col.kind) {
                    (_, ColumnKind::Date) => 16,
                    (c, _) => c.text().chars().count(),
                };
                widths[c] = widths[c].max(w);
            }
        }
        for (c, w) in widths.iter().enumerate() {
            sheet.set_column_width(c as u16, (*w as f64 + 2.0).min(60.0))?;
        }
        sheet.set_freeze_panes(1, 0)?;
        if !t.columns.is_empty() {
            sheet.autofilter(0, 0, t.rows.len() as u32, t.columns.len() as u16 - 1)?;
        }
    }
    if sheets.is_empty() {
        book.add_worksheet();
    }
    book.save_to_buffer()
}

/// An RFC 3339 time (UTC) as an Excel date-time.
fn date_of(s: &str) -> Option<ExcelDateTime> {
    let ms = rollcall_cache::parse_ms(s)?;
    let t = time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)).ok()?;
    ExcelDateTime::from_ymd(t.year() as u16, t.month() as u8, t.day())
        .ok()?
        .and_hms(t.hour() as u16, t.minute() as u8, t.second() as f64)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rollcall_cache::ReportId;

    fn table() -> ReportTable {
        ReportTable {
            id: ReportId::PeopleWithoutMfa,
            title: "People without MFA".into(),
            description: String::new(),
            source: String::new(),
            as_of: None,
            columns: vec![
                ReportColumn {
                    label: "Username".into(),
                    kind: ColumnKind::Text,
                },
                ReportColumn {
                    label: "Created".into(),
                    kind: ColumnKind::Date,
                },
                ReportColumn {
                    label: "Devices".into(),
                    kind: ColumnKind::Number,
                },
            ],
            rows: vec![
                vec![
                    Cell::Text("=cmd|' /C calc'!A0".into()),
                    Cell::Text("2026-11-01T12:00:00.000Z".into()),
                    Cell::Number(2.0),
                ],
                vec![Cell::Text("Zoë, \"the\" admin".into()), Cell::Empty, Cell::Number(0.0)],
            ],
        }
    }

    #[test]
    fn csv_quotes_commas_and_defuses_formulas() {
        let c = csv(&table());
        assert!(c.starts_with("Username,Created,Devices\r\n"));
        assert!(c.contains("'=cmd|' /C calc'!A0,2026-11-01T12:00:00.000Z,2\r\n"));
        assert!(c.contains("\"Zoë, \"\"the\"\" admin\",,0\r\n"));
    }

    #[test]
    fn excel_has_a_sheet_per_report_with_unique_valid_names() {
        let mut t2 = table();
        t2.title = "People without MFA".into();
        let bytes = xlsx(&[table(), t2]).unwrap();
        assert_eq!(&bytes[..2], b"PK", "an xlsx is a zip");
        let mut taken = vec![];
        assert_eq!(sheet_name("a/b:c", &mut taken), "a-b-c");
        assert_eq!(sheet_name("A-B-C", &mut taken), "A-B-C 2");
        assert!(date_of("2026-11-01T12:00:00.000Z").is_some());
    }
}

//! The catalogue's reports as files: CSV (one report, through the `csv` writer) and Excel (one
//! sheet per report, typed cells — numbers as numbers, dates as dates, yes/no as booleans — a
//! frozen, filterable header and columns fitted by `rust_xlsxwriter`'s own autofit), and the
//! review pack as Excel.

use crate::catalogue::{ReportColumn, ReportTable};
use crate::export::CsvOut;
use rollcall_cache::{Cell, ColumnKind, Decision, Review};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError};

/// A report as CSV (RFC 4180, formula-safe text).
pub fn csv(t: &ReportTable) -> String {
    let mut out = CsvOut::default();
    out.record(&t.columns.iter().map(|c| c.label.as_str()).collect::<Vec<_>>());
    for r in &t.rows {
        out.record(&r.iter().map(Cell::text).collect::<Vec<_>>());
    }
    out.into_string()
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
    let mut book = Workbook::new();
    let mut taken = vec![];
    for t in tables {
        write_sheet(book.add_worksheet(), &Sheet::from(t), &mut taken)?;
    }
    if tables.is_empty() {
        book.add_worksheet();
    }
    book.save_to_buffer()
}

/// Sheets of typed rows as one Excel workbook (each with its bold, frozen, filterable header).
pub fn workbook(sheets: &[Sheet<'_>]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let mut taken = vec![];
    for s in sheets {
        write_sheet(book.add_worksheet(), s, &mut taken)?;
    }
    book.save_to_buffer()
}

pub(crate) fn col(label: &str, kind: ColumnKind) -> ReportColumn {
    ReportColumn {
        label: label.into(),
        kind,
    }
}

pub(crate) fn text(s: &str) -> Cell {
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s.to_string())
    }
}

/// The review's own sheet: one row per fact, the dates as dates.
fn review_sheet(sheet: &mut Worksheet, org: &str, review: &Review, taken: &mut Vec<String>) -> Result<(), XlsxError> {
    let decided = review.items.iter().filter(|i| i.decision.is_some()).count();
    let date = |d: &Option<String>| d.as_deref().map(text).unwrap_or(Cell::Empty);
    let facts: [(&str, Cell, ColumnKind); 7] = [
        ("Organisation", text(org), ColumnKind::Text),
        ("Started", text(&review.started_at), ColumnKind::Date),
        ("Finished", date(&review.finished_at), ColumnKind::Date),
        ("Attendees", text(&review.attendees), ColumnKind::Text),
        (
            "Snapshot",
            text(&review.sync_id.map(|s| format!("sync {s}")).unwrap_or_default()),
            ColumnKind::Text,
        ),
        (
            "Snapshot fingerprint (SHA-256)",
            text(&review.snapshot_hash),
            ColumnKind::Text,
        ),
        (
            "Agenda",
            text(&format!("{} items, {decided} decided", review.items.len())),
            ColumnKind::Text,
        ),
    ];
    let formats = Formats::new();
    sheet.set_name(sheet_name("Review", taken))?;
    sheet.write_string_with_format(0, 0, "Review", &formats.head)?;
    sheet.write_string_with_format(0, 1, &review.title, &formats.head)?;
    for (r, (label, value, kind)) in facts.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, *label)?;
        write_cell(sheet, r, 1, value, *kind, &formats)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_autofit_max_width(480).autofit();
    Ok(())
}

/// A review's pack: the review (organisation, snapshot, attendees, dates), its agenda with each
/// decision (due dates as dates), then the reports (`tables`).
pub fn review_pack(org: &str, review: &Review, tables: &[ReportTable]) -> Result<Vec<u8>, XlsxError> {
    let agenda_cols = [
        col("#", ColumnKind::Number),
        col("From", ColumnKind::Text),
        col("Item", ColumnKind::Text),
        col("Count", ColumnKind::Number),
        col("Decision", ColumnKind::Text),
        col("Owner", ColumnKind::Text),
        col("Due", ColumnKind::Date),
        col("Notes", ColumnKind::Text),
        col("Detail", ColumnKind::Text),
    ];
    let agenda: Vec<Vec<Cell>> = review
        .items
        .iter()
        .map(|i| {
            vec![
                Cell::Number(i.seq as f64),
                Cell::Text(i.kind.label().into()),
                Cell::Text(i.title.clone()),
                if i.count > 0 {
                    Cell::Number(i.count as f64)
                } else {
                    Cell::Empty
                },
                Cell::Text(Decision::label_of(i.decision).into()),
                text(&i.owner),
                text(i.due.as_deref().unwrap_or("")),
                text(&i.notes),
                text(&i.detail),
            ]
        })
        .collect();
    let mut book = Workbook::new();
    let mut taken = vec![];
    review_sheet(book.add_worksheet(), org, review, &mut taken)?;
    let agenda_sheet = Sheet {
        title: "Agenda",
        columns: &agenda_cols,
        rows: &agenda,
    };
    write_sheet(book.add_worksheet(), &agenda_sheet, &mut taken)?;
    for t in tables {
        write_sheet(book.add_worksheet(), &Sheet::from(t), &mut taken)?;
    }
    book.save_to_buffer()
}

/// The cell formats of a workbook.
struct Formats {
    head: Format,
    date_time: Format,
    date: Format,
    percent: Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            head: Format::new().set_bold().set_border_bottom(FormatBorder::Thin),
            date_time: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            percent: Format::new().set_num_format("0.0\"%\""),
        }
    }
}

/// Rows an Excel sheet holds (the header included).
const SHEET_ROWS: usize = 1_048_576;

/// One sheet: a bold header row, frozen and filterable; typed cells; columns autofitted.
fn write_sheet(sheet: &mut Worksheet, t: &Sheet<'_>, taken: &mut Vec<String>) -> Result<(), XlsxError> {
    let f = Formats::new();
    sheet.set_name(sheet_name(t.title, taken))?;
    for (c, col) in t.columns.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, &col.label, &f.head)?;
    }
    // A sheet holds 1,048,576 rows: beyond that, the last row says how many are left out (the
    // CSV export holds them all).
    let fits = t.rows.len().min(SHEET_ROWS - 2);
    for (r, row) in t.rows[..fits].iter().enumerate() {
        for (c, (cell, col)) in row.iter().zip(t.columns).enumerate() {
            write_cell(sheet, r as u32 + 1, c as u16, cell, col.kind, &f)?;
        }
    }
    if fits < t.rows.len() {
        sheet.write_string(
            fits as u32 + 1,
            0,
            format!(
                "… and {} more rows: more than an Excel sheet holds. Export this report as CSV for every row.",
                t.rows.len() - fits
            ),
        )?;
    }
    sheet.set_freeze_panes(1, 0)?;
    if !t.columns.is_empty() {
        sheet.autofilter(0, 0, fits as u32, t.columns.len() as u16 - 1)?;
    }
    // Fitted on the first rows (a screenful and more): the whole of a 50,000-row sheet would
    // cost seconds for the same widths.
    sheet.set_autofit_max_row(1000).set_autofit_max_width(420).autofit();
    Ok(())
}

fn write_cell(
    sheet: &mut Worksheet,
    r: u32,
    c: u16,
    cell: &Cell,
    kind: ColumnKind,
    f: &Formats,
) -> Result<(), XlsxError> {
    match (cell, kind) {
        (Cell::Empty, _) => {}
        (Cell::Bool(b), _) => {
            sheet.write_boolean(r, c, *b)?;
        }
        (Cell::Number(n), ColumnKind::Percent) => {
            sheet.write_number_with_format(r, c, *n, &f.percent)?;
        }
        (Cell::Number(n), _) => {
            sheet.write_number(r, c, *n)?;
        }
        (Cell::Text(s), ColumnKind::Date) => match date_of(s) {
            Some((d, true)) => {
                sheet.write_datetime_with_format(r, c, &d, &f.date_time)?;
            }
            Some((d, false)) => {
                sheet.write_datetime_with_format(r, c, &d, &f.date)?;
            }
            None => {
                sheet.write_string(r, c, s)?;
            }
        },
        (Cell::Text(s), _) => {
            sheet.write_string(r, c, s)?;
        }
    }
    Ok(())
}

/// An RFC 3339 time (UTC) as an Excel date-time, or a `YYYY-MM-DD` day as a date (the flag:
/// whether it has a time of day).
fn date_of(s: &str) -> Option<(ExcelDateTime, bool)> {
    if let Some(day) = rollcall_cache::dates::parse_date(s) {
        let d = ExcelDateTime::from_ymd(day.year() as u16, day.month() as u8, day.day()).ok()?;
        return Some((d, false));
    }
    let ms = rollcall_cache::parse_ms(s)?;
    Some((ExcelDateTime::from_timestamp(ms.div_euclid(1000)).ok()?, true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{ReportId, ReportSource};

    fn table() -> ReportTable {
        ReportTable {
            id: ReportId::PeopleWithoutMfa,
            title: "People without MFA".into(),
            description: String::new(),
            source: ReportSource::PostureCheck,
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
        assert!(date_of("2026-11-01T12:00:00.000Z").is_some_and(|(_, time)| time));
        assert!(
            date_of("2026-12-31").is_some_and(|(_, time)| !time),
            "a due date is a date"
        );
        assert!(date_of("not a date").is_none());
    }
}

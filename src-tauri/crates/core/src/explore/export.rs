//! The explorer's events as CSV and Excel, through the same engines as the reports (typed
//! cells, formula-safe text, dates as dates).

use super::EventLine;
use crate::export::CsvOut;
use crate::report_export::{col, text, workbook, Sheet};
use rollcall_cache::{Cell, ColumnKind};

const HEADERS: [(&str, ColumnKind); 9] = [
    ("Time (UTC)", ColumnKind::Date),
    ("Service", ColumnKind::Text),
    ("Event type", ColumnKind::Text),
    ("Success", ColumnKind::Bool),
    ("Who", ColumnKind::Text),
    ("Device", ColumnKind::Text),
    ("Client IP", ColumnKind::Text),
    ("Event id", ColumnKind::Text),
    ("Event (JSON)", ColumnKind::Text),
];

fn cells(l: &EventLine) -> Vec<Cell> {
    vec![
        text(&l.at),
        text(&l.service),
        text(&l.event_type),
        l.success.map(Cell::Bool).unwrap_or(Cell::Empty),
        text(&l.who),
        text(&l.device),
        text(&l.client_ip),
        text(&l.id),
        // Excel holds at most 32,767 characters in a cell.
        text(&l.json.chars().take(32_000).collect::<String>()),
    ]
}

pub fn events_csv(lines: &[EventLine]) -> Vec<u8> {
    let mut out = CsvOut::default();
    out.record(&HEADERS.iter().map(|(h, _)| *h).collect::<Vec<_>>());
    for l in lines {
        out.record(&cells(l).iter().map(Cell::text).collect::<Vec<_>>());
    }
    out.into_string().into_bytes()
}

pub fn events_xlsx(title: &str, lines: &[EventLine]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let columns: Vec<_> = HEADERS.iter().map(|(h, k)| col(h, *k)).collect();
    let rows: Vec<Vec<Cell>> = lines.iter().map(cells).collect();
    workbook(&[Sheet {
        title,
        columns: &columns,
        rows: &rows,
    }])
}

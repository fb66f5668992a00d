//! Rollcall's PDFs (evidence reports, review packs): A4 pages of headings, facts, figures,
//! vector charts and wrapped tables, written by krilla as PDF/A-2b with subset fonts embedded,
//! so every name prints as it is and can be searched and copied.
//!
//! Blocks are laid out into pages of drawing operations first (`layout`), then drawn
//! (`draw`), so each page's footer can say "page N of M".

mod chart;
mod draw;
mod layout;
mod text;

pub use chart::{Bars, Chart, Lines, Series};

/// One block of a report.
pub enum Block {
    Title(String),
    /// A line under the title, in grey.
    Subtitle(String),
    Heading(String),
    Text(String),
    /// Label and value pairs.
    Facts(Vec<(String, String)>),
    /// Number tiles, four to a row.
    Figures(Vec<Figure>),
    Chart(Chart),
    /// Column headers, relative column widths (none: as wide as their contents), rows.
    Table(Vec<String>, Vec<f32>, Vec<Vec<String>>),
    PageBreak,
}

/// A posture figure: its number and what it counts; `bad` prints the number in red.
pub struct Figure {
    pub value: String,
    pub label: String,
    pub bad: bool,
}

/// What a PDF says about itself (shown by readers; kept in its XMP metadata).
pub struct Meta {
    pub title: String,
    pub subject: String,
    /// The footer's left part; "page N of M" is added on the right.
    pub footer: String,
    /// When it was written (UTC).
    pub created: time::OffsetDateTime,
}

/// An RFC 3339 time as a report prints it: "2026-11-23 09:15 UTC", or with `seconds`
/// "2026-11-23 09:15:02 UTC" (wraps at the space in a table cell). Other text prints as it is.
pub fn utc(s: &str, seconds: bool) -> String {
    match s.split_once('T') {
        Some((day, time)) => {
            let hms = time.split(['.', 'Z']).next().unwrap_or(time);
            let shown = if seconds { hms } else { hms.get(..5).unwrap_or(hms) };
            format!("{day} {shown} UTC")
        }
        None => s.to_string(),
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the PDF could not be written: {0}")]
pub struct PdfError(pub String);

/// The blocks as a PDF/A-2b document.
pub fn render(blocks: &[Block], meta: &Meta) -> Result<Vec<u8>, PdfError> {
    let mut fonts = text::Fonts::new()?;
    let mut pages = layout::lay_out(blocks, &mut fonts);
    layout::add_footers(&mut pages, &mut fonts, &meta.footer);
    draw::draw(&pages, &fonts, meta)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> Meta {
        Meta {
            title: "Test report".into(),
            subject: "A test".into(),
            footer: "Rollcall · test".into(),
            created: time::OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn writes_a_pdf_a_document_with_every_kind_of_block() {
        let rows: Vec<Vec<String>> = (0..120)
            .map(|i| vec![format!("Дмитрий Ελένη {i}"), "<b>x</b> & \"quoted, comma\"".into()])
            .collect();
        let blocks = vec![
            Block::Title("Review: Q4 — Acme Ünïcode".into()),
            Block::Subtitle("snapshot 3".into()),
            Block::Facts(vec![("Organisation".into(), "Acme".into())]),
            Block::Figures(vec![Figure {
                value: "59".into(),
                label: "not encrypted".into(),
                bad: true,
            }]),
            Block::Chart(Chart::Bars(Bars {
                title: "People by state".into(),
                categories: vec!["active".into(), "suspended".into()],
                series: vec![Series {
                    name: "People".into(),
                    values: vec![Some(10.0), Some(2.0)],
                }],
            })),
            Block::Chart(Chart::Lines(Lines {
                title: "Coverage".into(),
                x: vec!["1 Nov".into(), "2 Nov".into(), "3 Nov".into()],
                series: vec![Series {
                    name: "MFA %".into(),
                    values: vec![Some(50.0), None, Some(75.0)],
                }],
                percent: true,
            })),
            Block::Heading("Rows".into()),
            Block::Table(vec!["Name".into(), "Note".into()], vec![1.0, 2.0], rows),
            Block::PageBreak,
            Block::Text("The end.".into()),
        ];
        let pdf = render(&blocks, &meta()).unwrap();
        let s = String::from_utf8_lossy(&pdf);
        assert!(pdf.starts_with(b"%PDF-1."));
        assert!(
            s.contains("pdfaid:part") && s.contains("<pdfaid:conformance>B<"),
            "no PDF/A-2b identification"
        );
        assert!(s.contains("FontFile2"), "no embedded font");
    }

    /// The text as `pdftotext` reads it back (poppler-utils: `make test` installs it).
    fn pdftotext(pdf: &[u8]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.pdf");
        std::fs::write(&path, pdf).unwrap();
        let out = std::process::Command::new("pdftotext")
            .args([path.to_str().unwrap(), "-"])
            .output()
            .expect("pdftotext (poppler-utils) is needed for this test: `make test` installs it");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    #[test]
    fn every_name_reads_back_as_it_was_written() {
        let names = [
            "Дмитрий Иванов",
            "Ελένη Παπαδοπούλου",
            "Zoë O'Brien-Łukasz",
            "<img src=x onerror=alert(1)>",
            "李小龍",
            "محمد",
            "\u{202E}txt.exe",
        ];
        let blocks = vec![
            Block::Title("Names".into()),
            Block::Table(
                vec!["Name".into()],
                vec![1.0],
                names.iter().map(|n| vec![n.to_string()]).collect(),
            ),
        ];
        let pdf = render(&blocks, &meta()).unwrap();
        let text = pdftotext(&pdf);
        for n in &names[..5] {
            assert!(text.contains(n), "{n} is missing from: {text}");
        }
        // an override character draws nothing and reorders nothing: the name shows as typed
        assert!(text.contains("txt.exe"), "{text}");
        // right-to-left text comes back in reading order or visual order depending on the reader
        let arabic: String = names[5].chars().rev().collect();
        assert!(
            text.contains(names[5]) || text.contains(&arabic),
            "Arabic missing: {text}"
        );
        assert!(text.contains("page 1 of 1"), "{text}");
    }

    #[test]
    fn a_table_row_taller_than_a_page_goes_on_over_pages_within_the_margins() {
        // One cell of 200 lines (a notes field someone pasted a log into), between two rows.
        let long: String = (0..200)
            .map(|i| format!("line {i} of the notes"))
            .collect::<Vec<_>>()
            .join("\n");
        let rows = vec![
            vec!["before".into(), "short".into()],
            vec!["tall".into(), long],
            vec!["after".into(), "short".into()],
        ];
        let blocks = vec![
            Block::Title("Tall".into()),
            Block::Table(vec!["Item".into(), "Notes".into()], vec![1.0, 3.0], rows),
        ];
        let mut fonts = text::Fonts::new().unwrap();
        let pages = layout::lay_out(&blocks, &mut fonts);
        assert!(pages.len() >= 3, "200 lines take several pages: {}", pages.len());
        for (n, page) in pages.iter().enumerate() {
            for op in &page.ops {
                if let layout::Op::Text { y, .. } = op {
                    assert!(
                        *y >= layout::MARGIN && *y <= layout::H - layout::MARGIN - 14.0,
                        "page {}: text at y {y} outside the margins",
                        n + 1
                    );
                }
            }
        }
        let text = pdftotext(&render(&blocks, &meta()).unwrap());
        for needle in ["line 0 of the notes", "line 199 of the notes", "after"] {
            assert!(text.contains(needle), "{needle} is missing");
        }
    }
}

//! A small PDF writer for reports: A4 pages of headings, key/value facts and wrapped tables in
//! the standard Helvetica fonts (no fonts embedded, nothing compressed, so the text can be
//! searched and checked). Characters outside Windows-1252 print as `?`.

const W: f32 = 595.0;
const H: f32 = 842.0;
const MARGIN: f32 = 40.0;
const SIZE: f32 = 8.0;
const LEAD: f32 = 10.5;

/// One block of a report.
pub enum Block {
    Title(String),
    Heading(String),
    Text(String),
    /// Column headers, relative column widths, rows.
    Table(Vec<String>, Vec<f32>, Vec<Vec<String>>),
}

/// Approximate Helvetica advance width of `c` in 1/1000 em.
fn advance(c: char) -> f32 {
    match c {
        'i' | 'j' | 'l' | '.' | ',' | '\'' | '|' | ':' | ';' | '!' => 240.0,
        ' ' | 'f' | 't' | 'I' | '[' | ']' | '(' | ')' | '/' | 'r' => 300.0,
        'm' | 'w' | 'M' | 'W' | '@' | '%' => 850.0,
        'A'..='Z' | '&' => 690.0,
        '0'..='9' => 556.0,
        _ => 540.0,
    }
}

fn width(s: &str, size: f32) -> f32 {
    s.chars().map(advance).sum::<f32>() * size / 1000.0
}

/// Splits `text` into lines no wider than `max` points (long words are cut).
fn wrap(text: &str, size: f32, max: f32) -> Vec<String> {
    let mut lines = vec![];
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split(' ') {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if width(&candidate, size) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let mut rest = word.to_string();
            while width(&rest, size) > max {
                let mut cut = String::new();
                for c in rest.chars() {
                    if width(&format!("{cut}{c}"), size) > max && !cut.is_empty() {
                        break;
                    }
                    cut.push(c);
                }
                rest = rest[cut.len()..].to_string();
                lines.push(cut);
            }
            line = rest;
        }
        lines.push(line);
    }
    lines
}

/// A PDF string literal in WinAnsiEncoding.
fn literal(s: &str) -> Vec<u8> {
    let mut out = vec![b'('];
    for c in s.chars() {
        let b: u8 = match c {
            '↔' | '→' => {
                out.extend_from_slice(if c == '↔' { b"<->" } else { b"->" });
                continue;
            }
            '\\' | '(' | ')' => {
                out.push(b'\\');
                c as u8
            }
            '€' => 0x80,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{ff}' => c as u32 as u8,
            _ => b'?',
        };
        out.push(b);
    }
    out.push(b')');
    out
}

struct Layout {
    pages: Vec<Vec<u8>>,
    y: f32,
}

impl Layout {
    fn page(&mut self) -> &mut Vec<u8> {
        if self.pages.is_empty() {
            self.pages.push(vec![]);
        }
        self.pages.last_mut().expect("a page")
    }
    fn room(&mut self, h: f32) {
        if self.pages.is_empty() || self.y - h < MARGIN + 14.0 {
            self.pages.push(vec![]);
            self.y = H - MARGIN;
        }
    }
    fn text(&mut self, x: f32, font: &str, size: f32, s: &str) {
        let y = self.y;
        let page = self.page();
        page.extend_from_slice(format!("BT /{font} {size} Tf {x:.1} {y:.1} Td ").as_bytes());
        page.extend(literal(s));
        page.extend_from_slice(b" Tj ET\n");
    }
    fn rule(&mut self, y: f32) {
        let page = self.page();
        page.extend_from_slice(format!("0.7 G {MARGIN} {y:.1} m {:.1} {y:.1} l S 0 G\n", W - MARGIN).as_bytes());
    }
}

/// Lays out `blocks` and returns the PDF file; `footer` is printed on every page with its number.
pub fn render(blocks: &[Block], footer: &str) -> Vec<u8> {
    let mut l = Layout {
        pages: vec![],
        y: H - MARGIN,
    };
    let body = W - 2.0 * MARGIN;
    for b in blocks {
        match b {
            Block::Title(t) => {
                for line in wrap(t, 15.0, body) {
                    l.room(20.0);
                    l.y -= 16.0;
                    l.text(MARGIN, "F2", 15.0, &line);
                }
                l.y -= 8.0;
            }
            Block::Heading(t) => {
                l.room(40.0);
                l.y -= 16.0;
                l.text(MARGIN, "F2", 11.0, t);
                l.y -= 4.0;
            }
            Block::Text(t) => {
                for line in wrap(t, SIZE + 1.0, body) {
                    l.room(LEAD + 1.0);
                    l.y -= LEAD + 1.0;
                    l.text(MARGIN, "F1", SIZE + 1.0, &line);
                }
            }
            Block::Table(head, weights, rows) => {
                let total: f32 = weights.iter().sum::<f32>().max(1.0);
                let cols: Vec<f32> = weights.iter().map(|w| w / total * body).collect();
                let draw = |l: &mut Layout, cells: &[String], font: &str| {
                    let wrapped: Vec<Vec<String>> =
                        cells.iter().zip(&cols).map(|(c, w)| wrap(c, SIZE, w - 4.0)).collect();
                    let n = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
                    for i in 0..n {
                        l.room(LEAD);
                        l.y -= LEAD;
                        let mut x = MARGIN;
                        for (lines, w) in wrapped.iter().zip(&cols) {
                            if let Some(s) = lines.get(i) {
                                l.text(x, font, SIZE, s);
                            }
                            x += w;
                        }
                    }
                    let y = l.y - 3.0;
                    l.rule(y);
                    l.y -= 3.0;
                };
                draw(&mut l, head, "F2");
                for r in rows {
                    draw(&mut l, r, "F1");
                }
                l.y -= 6.0;
            }
        }
    }
    if l.pages.is_empty() {
        l.pages.push(vec![]);
    }
    let n = l.pages.len();
    for (i, page) in l.pages.iter_mut().enumerate() {
        page.extend_from_slice(format!("BT /F1 7 Tf {MARGIN} 24 Td ").as_bytes());
        page.extend(literal(&format!("{footer} · page {} of {n}", i + 1)));
        page.extend_from_slice(b" Tj ET\n");
    }
    assemble(&l.pages)
}

/// Writes the objects and the cross-reference table.
fn assemble(pages: &[Vec<u8>]) -> Vec<u8> {
    let mut objects: Vec<Vec<u8>> = vec![];
    let page_ids: Vec<usize> = (0..pages.len()).map(|i| 5 + 2 * i).collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    let kids: Vec<String> = page_ids.iter().map(|id| format!("{id} 0 R")).collect();
    objects.push(format!("<< /Type /Pages /Kids [{}] /Count {} >>", kids.join(" "), pages.len()).into_bytes());
    objects.push(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec());
    objects.push(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>".to_vec());
    for (i, content) in pages.iter().enumerate() {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {W} {H}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
                page_ids[i] + 1
            )
            .into_bytes(),
        );
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend_from_slice(content);
        stream.extend_from_slice(b"endstream");
        objects.push(stream);
    }
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = vec![];
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every cross-reference entry points at the object it names, and startxref at the table.
    fn check_structure(pdf: &[u8]) {
        let text = String::from_utf8_lossy(pdf);
        let start: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|t| t.lines().next())
            .and_then(|n| n.parse().ok())
            .expect("startxref");
        assert!(pdf[start..].starts_with(b"xref\n"));
        let table = String::from_utf8_lossy(&pdf[start..]);
        for (i, line) in table.lines().skip(3).take_while(|l| l.ends_with(" n ")).enumerate() {
            let at: usize = line[..10].parse().expect("offset");
            let want = format!("{} 0 obj", i + 1);
            assert!(
                pdf[at..].starts_with(want.as_bytes()),
                "entry {} points at the wrong place",
                i + 1
            );
        }
    }

    #[test]
    fn a_long_report_breaks_into_pages_with_valid_offsets() {
        let rows: Vec<Vec<String>> = (0..200)
            .map(|i| {
                vec![
                    format!("{i}"),
                    format!("Step number {i} with a (paren) and a back\\slash — and “quotes”"),
                    "done".into(),
                ]
            })
            .collect();
        let pdf = render(
            &[
                Block::Title("Offboarding <script>alert(1)</script>".into()),
                Block::Table(
                    vec!["#".into(), "title".into(), "state".into()],
                    vec![1.0, 8.0, 2.0],
                    rows,
                ),
            ],
            "footer",
        );
        check_structure(&pdf);
        let text = String::from_utf8_lossy(&pdf);
        let pages = text.matches("/Type /Page ").count();
        assert!(pages >= 3, "200 rows need several pages, got {pages}");
        assert!(text.contains(&format!("page {pages} of {pages}")));
        assert!(text.contains("Step number 199 with a \\(paren\\) and a back\\\\slash"));
        assert!(text.contains("<script>alert\\(1\\)</script>"), "markup is plain text");
    }

    #[test]
    fn wrapping_keeps_every_character_and_fits() {
        let long = "averyveryverylongwordwithoutanyspaceatallthatmustbecut and then normal words follow here";
        let lines = wrap(long, 8.0, 60.0);
        assert!(lines.iter().all(|l| width(l, 8.0) <= 60.0 + 0.01));
        assert_eq!(lines.join("").replace(' ', ""), long.replace(' ', ""));
    }
}

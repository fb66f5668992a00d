//! Blocks laid out on A4 pages as drawing operations (points, y downwards from the top).

use super::text::{Fonts, Line};
use super::{chart, Block, Figure};

pub(crate) const W: f32 = 595.0;
pub(crate) const H: f32 = 842.0;
pub(crate) const MARGIN: f32 = 42.0;
/// The lowest y content may reach (the footer sits below it).
const BOTTOM: f32 = H - MARGIN - 14.0;
const CONTENT: f32 = W - 2.0 * MARGIN;

pub(crate) type Rgb = (u8, u8, u8);
pub(crate) const INK: Rgb = (28, 32, 40);
pub(crate) const GREY: Rgb = (100, 108, 120);
pub(crate) const RULE: Rgb = (205, 210, 218);
pub(crate) const SHADE: Rgb = (240, 242, 246);
pub(crate) const RED: Rgb = (190, 30, 45);

/// One drawing operation.
pub(crate) enum Op {
    /// Shaped text; `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        line: Line,
        color: Rgb,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Rgb,
    },
    /// A polyline of `width` points.
    Stroke {
        points: Vec<(f32, f32)>,
        width: f32,
        color: Rgb,
    },
}

pub(crate) struct Page {
    pub ops: Vec<Op>,
}

/// The layout's state: pages so far and the cursor on the last one.
pub(crate) struct Layout<'f> {
    pub fonts: &'f mut Fonts,
    pub pages: Vec<Page>,
    pub y: f32,
}

impl Layout<'_> {
    fn new_page(&mut self) {
        self.pages.push(Page { ops: vec![] });
        self.y = MARGIN;
    }

    /// Starts a new page unless `h` more points fit on this one.
    pub fn ensure(&mut self, h: f32) {
        if self.y + h > BOTTOM && self.y > MARGIN {
            self.new_page();
        }
    }

    pub fn op(&mut self, op: Op) {
        self.pages.last_mut().expect("a page").ops.push(op);
    }

    /// Text at a baseline.
    pub fn text(&mut self, x: f32, y: f32, s: &str, size: f32, bold: bool, color: Rgb) {
        let line = self.fonts.shape(s, bold);
        self.op(Op::Text {
            x,
            y,
            size,
            line,
            color,
        });
    }

    /// Text right-aligned to `right`.
    pub fn text_right(&mut self, right: f32, y: f32, s: &str, size: f32, bold: bool, color: Rgb) {
        let line = self.fonts.shape(s, bold);
        let x = right - line.width(size);
        self.op(Op::Text {
            x,
            y,
            size,
            line,
            color,
        });
    }

    /// Wrapped text across the content width, advancing the cursor.
    fn paragraph(&mut self, s: &str, size: f32, bold: bool, color: Rgb) {
        let lead = size * 1.35;
        for l in self.fonts.wrap(s, bold, size, CONTENT) {
            self.ensure(lead);
            self.y += lead;
            self.text(MARGIN, self.y - size * 0.3, &l, size, bold, color);
        }
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb) {
        self.op(Op::Rect { x, y, w, h, color });
    }

    pub fn hline(&mut self, x: f32, y: f32, w: f32, color: Rgb) {
        self.op(Op::Stroke {
            points: vec![(x, y), (x + w, y)],
            width: 0.5,
            color,
        });
    }

    fn facts(&mut self, facts: &[(String, String)]) {
        let key_w = 130.0;
        for (k, v) in facts {
            let lines = self.fonts.wrap(v, false, 9.0, CONTENT - key_w);
            let lead = 12.5;
            self.ensure(lead * lines.len() as f32);
            let top = self.y;
            self.text(MARGIN, top + 9.0, k, 9.0, true, GREY);
            for (i, l) in lines.iter().enumerate() {
                self.text(MARGIN + key_w, top + 9.0 + lead * i as f32, l, 9.0, false, INK);
            }
            self.y = top + lead * lines.len() as f32;
        }
        self.y += 6.0;
    }

    fn figures(&mut self, figures: &[Figure]) {
        let (cols, gap, h) = (4usize, 8.0, 48.0);
        let w = (CONTENT - gap * (cols as f32 - 1.0)) / cols as f32;
        for row in figures.chunks(cols) {
            self.ensure(h + gap);
            let top = self.y;
            for (i, f) in row.iter().enumerate() {
                let x = MARGIN + i as f32 * (w + gap);
                self.rect(x, top, w, h, SHADE);
                let color = if f.bad { RED } else { INK };
                self.text(x + 8.0, top + 20.0, &f.value, 15.0, true, color);
                let lines = self.fonts.wrap(&f.label, false, 7.5, w - 16.0);
                for (j, l) in lines.iter().take(2).enumerate() {
                    let l = if j == 1 && lines.len() > 2 {
                        self.fonts
                            .ellipsize(&format!("{l} {}", lines[2..].join(" ")), false, 7.5, w - 16.0)
                    } else {
                        l.clone()
                    };
                    self.text(x + 8.0, top + 32.0 + 9.0 * j as f32, &l, 7.5, false, GREY);
                }
            }
            self.y = top + h + gap;
        }
        self.y += 4.0;
    }

    /// One table row's cells (their wrapped lines) from `top`, a column each.
    fn cells(&mut self, top: f32, cells: &[Vec<String>], ws: &[f32], (size, lead, pad): (f32, f32, f32), bold: bool) {
        let mut x = MARGIN;
        for (lines, w) in cells.iter().zip(ws) {
            for (j, s) in lines.iter().enumerate() {
                self.text(x + pad, top + pad + lead * (j as f32 + 1.0) - 2.5, s, size, bold, INK);
            }
            x += w;
        }
    }

    /// Each column as wide as its widest cell (or its header's longest word); when they do not
    /// all fit, the widest are narrowed to one common width so the narrow ones keep theirs.
    /// Also says whether every column got its natural width.
    fn natural_widths(&mut self, columns: &[String], rows: &[Vec<String>], size: f32, pad: f32) -> (Vec<f32>, bool) {
        let natural: Vec<f32> = columns
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let head = label
                    .split(' ')
                    .map(|w| self.fonts.width(w, true, size))
                    .fold(0.0, f32::max);
                let cells = rows
                    .iter()
                    .map(|r| self.fonts.width(r.get(i).map_or("", String::as_str), false, size))
                    .fold(0.0, f32::max);
                head.max(cells) + 2.0 * pad + 1.0
            })
            .collect();
        if natural.iter().sum::<f32>() <= CONTENT {
            let spare = (CONTENT - natural.iter().sum::<f32>()) / natural.len().max(1) as f32;
            return (natural.iter().map(|w| w + spare).collect(), true);
        }
        // the common cap: the level at which the capped widths fill the page
        let mut sorted = natural.clone();
        sorted.sort_by(|a, b| a.total_cmp(b));
        let mut below = 0.0;
        let mut cap = CONTENT / natural.len() as f32;
        for (k, w) in sorted.iter().enumerate() {
            let rest = (sorted.len() - k) as f32;
            let level = (CONTENT - below) / rest;
            if *w >= level {
                cap = level;
                break;
            }
            below += w;
        }
        (natural.iter().map(|w| w.min(cap)).collect(), false)
    }

    fn table(&mut self, columns: &[String], widths: &[f32], rows: &[Vec<String>]) {
        let (mut size, mut lead, pad) = (7.5, 9.5, 3.0);
        let ws: Vec<f32> = if widths.is_empty() {
            let (ws, fits) = self.natural_widths(columns, rows, size, pad);
            if fits {
                ws
            } else {
                // a wide table takes a smaller type before its columns wrap
                (size, lead) = (6.5, 8.3);
                self.natural_widths(columns, rows, size, pad).0
            }
        } else {
            let total: f32 = widths.iter().sum::<f32>().max(f32::EPSILON);
            (0..columns.len())
                .map(|i| CONTENT * widths.get(i).copied().unwrap_or(1.0) / total)
                .collect()
        };
        let header_lines: Vec<Vec<String>> = columns
            .iter()
            .zip(&ws)
            .map(|(c, w)| self.fonts.wrap(c, true, size, w - 2.0 * pad))
            .collect();
        let has_header = columns.iter().any(|c| !c.is_empty());
        let header = |l: &mut Self| {
            if !has_header {
                return;
            }
            let n = header_lines.iter().map(Vec::len).max().unwrap_or(1);
            let h = n as f32 * lead + 2.0 * pad;
            // never a header alone at the foot of a page: room for it and a few lines of rows
            l.ensure(h + 4.0 * lead + 2.0 * pad);
            let top = l.y;
            l.rect(MARGIN, top, CONTENT, h, SHADE);
            l.cells(top, &header_lines, &ws, (size, lead, pad), true);
            l.y = top + h;
        };
        header(self);
        for row in rows {
            let cells: Vec<Vec<String>> = ws
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    self.fonts
                        .wrap(row.get(i).map_or("", String::as_str), false, size, w - 2.0 * pad)
                })
                .collect();
            self.row(&cells, &ws, (size, lead, pad), &header);
        }
        self.y += 8.0;
    }

    /// One table row (each cell's wrapped lines), moved to the next page (under the header
    /// again) when it does not fit; a row taller than a page is cut between lines and goes on
    /// over as many pages as it needs, never past the bottom margin.
    fn row(
        &mut self,
        cells: &[Vec<String>],
        ws: &[f32],
        (size, lead, pad): (f32, f32, f32),
        header: &dyn Fn(&mut Self),
    ) {
        let n = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let fits = |l: &Self, lines: usize| l.y + lines as f32 * lead + 2.0 * pad <= BOTTOM;
        let whole_page_lines = ((BOTTOM - MARGIN - 2.0 * pad) / lead).floor().max(1.0) as usize;
        if !fits(self, n) && n <= whole_page_lines {
            self.new_page();
            header(self);
        }
        let mut from = 0;
        while from < n {
            let room = ((BOTTOM - self.y - 2.0 * pad) / lead).floor().max(0.0) as usize;
            if room == 0 {
                self.new_page();
                header(self);
                continue;
            }
            let to = n.min(from + room);
            let part: Vec<Vec<String>> = cells
                .iter()
                .map(|c| c.get(from.min(c.len())..to.min(c.len())).unwrap_or_default().to_vec())
                .collect();
            let top = self.y;
            self.cells(top, &part, ws, (size, lead, pad), false);
            self.y = top + (to - from) as f32 * lead + 2.0 * pad;
            from = to;
            if from < n {
                self.new_page();
                header(self);
            }
        }
        self.hline(MARGIN, self.y, CONTENT, RULE);
    }
}

/// The blocks on pages.
pub(crate) fn lay_out(blocks: &[Block], fonts: &mut Fonts) -> Vec<Page> {
    let mut l = Layout {
        fonts,
        pages: vec![],
        y: MARGIN,
    };
    l.new_page();
    for (i, b) in blocks.iter().enumerate() {
        match b {
            Block::Title(s) => {
                l.paragraph(s, 17.0, true, INK);
                l.y += 4.0;
            }
            Block::Subtitle(s) => {
                l.paragraph(s, 10.0, false, GREY);
                l.y += 8.0;
            }
            Block::Heading(s) => {
                // a heading is never the last thing on a page: room for what follows it
                l.ensure(110.0);
                if i > 0 {
                    l.y += 8.0;
                }
                l.paragraph(s, 12.0, true, INK);
                l.y += 2.0;
                let y = l.y;
                l.hline(MARGIN, y, CONTENT, RULE);
                l.y += 6.0;
            }
            Block::Text(s) => {
                l.paragraph(s, 9.0, false, INK);
                l.y += 5.0;
            }
            Block::Facts(f) => l.facts(f),
            Block::Figures(f) => l.figures(f),
            Block::Chart(c) => chart::lay_out(&mut l, c, MARGIN, CONTENT),
            Block::Table(c, w, r) => l.table(c, w, r),
            Block::PageBreak => l.new_page(),
        }
    }
    l.pages
}

/// Each page's footer: what the document is (shortened to fit), and "page N of M".
pub(crate) fn add_footers(pages: &mut [Page], fonts: &mut Fonts, footer: &str) {
    let (size, y) = (7.0, H - MARGIN + 6.0);
    let n = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        let right = fonts.shape(&format!("page {} of {n}", i + 1), false);
        let right_x = W - MARGIN - right.width(size);
        let left = fonts.ellipsize(footer, false, size, right_x - MARGIN - 20.0);
        let left = fonts.shape(&left, false);
        for (x, line) in [(MARGIN, left), (right_x, right)] {
            page.ops.push(Op::Text {
                x,
                y,
                size,
                line,
                color: GREY,
            });
        }
    }
}

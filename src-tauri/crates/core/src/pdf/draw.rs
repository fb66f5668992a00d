//! Pages of operations drawn with krilla, with the document's metadata, validated as PDF/A-2b.

use krilla::color::rgb;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::{Document, SerializeSettings};

use super::layout::{Op, Page, Rgb, H, W};
use super::text::Fonts;
use super::{Meta, PdfError};

fn color(c: Rgb) -> rgb::Color {
    rgb::Color::new(c.0, c.1, c.2)
}

fn fill(c: Rgb) -> Fill {
    Fill {
        paint: color(c).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn date(t: time::OffsetDateTime) -> DateTime {
    let t = t.to_offset(time::UtcOffset::UTC);
    DateTime::new(t.year().clamp(0, 9999) as u16)
        .month(t.month() as u8)
        .day(t.day())
        .hour(t.hour())
        .minute(t.minute())
        .second(t.second())
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}

/// The pages as a PDF/A-2b document.
pub(crate) fn draw(pages: &[Page], fonts: &Fonts, meta: &Meta) -> Result<Vec<u8>, PdfError> {
    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A2_B)
        .finish()
        .map_err(|e| PdfError(format!("{e:?}")))?;
    let mut doc = Document::new_with(SerializeSettings {
        configuration,
        enable_tagging: false,
        ..Default::default()
    });
    doc.set_metadata(
        Metadata::new()
            .title(meta.title.clone())
            .description(meta.subject.clone())
            .creator("Rollcall".into())
            .producer(format!("Rollcall {} (krilla)", env!("CARGO_PKG_VERSION")))
            .language("en".into())
            .creation_date(date(meta.created)),
    );
    for p in pages {
        let settings = PageSettings::from_wh(W, H).ok_or_else(|| PdfError("bad page size".into()))?;
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        for op in &p.ops {
            draw_op(&mut surface, op, fonts);
        }
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| PdfError(e.to_string()))
}

/// One operation on a page.
fn draw_op(surface: &mut Surface<'_>, op: &Op, fonts: &Fonts) {
    match op {
        Op::Text {
            x,
            y,
            size,
            line,
            color: c,
        } => {
            surface.set_fill(Some(fill(*c)));
            surface.set_stroke(None);
            let mut cx = *x;
            for run in &line.runs {
                surface.draw_glyphs(
                    Point::from_xy(cx, *y),
                    &run.glyphs,
                    fonts.font(run.face),
                    &run.text,
                    *size,
                    false,
                );
                cx += run.advance * size;
            }
        }
        Op::Rect { x, y, w, h, color: c } => {
            let mut pb = PathBuilder::new();
            let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) else {
                return;
            };
            pb.push_rect(rect);
            if let Some(path) = pb.finish() {
                surface.set_fill(Some(fill(*c)));
                surface.set_stroke(None);
                surface.draw_path(&path);
            }
        }
        Op::Stroke {
            points,
            width,
            color: c,
        } => stroke(surface, points, *width, *c),
    }
}

/// A line through `points`.
fn stroke(surface: &mut Surface<'_>, points: &[(f32, f32)], width: f32, c: Rgb) {
    let mut pb = PathBuilder::new();
    for (k, (px, py)) in points.iter().enumerate() {
        if k == 0 {
            pb.move_to(*px, *py);
        } else {
            pb.line_to(*px, *py);
        }
    }
    if let Some(path) = pb.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke {
            paint: color(c).into(),
            width,
            ..Default::default()
        }));
        surface.draw_path(&path);
    }
}

//! Text for PDFs: which font draws each character, shaping (rustybuzz), right-to-left runs
//! (unicode-bidi), measuring, wrapping and shortening. Which characters are marks, joiners,
//! invisible or right-to-left is Unicode's data (ICU4X, unicode-bidi), not a table of our own.
//!
//! DejaVu Sans is bundled (Latin, Greek, Cyrillic and more). A character it lacks is drawn with
//! the first system font that has it (CJK, Arabic, …; outline fonts only). A character no font
//! has is drawn as a box, but its text is kept, so the name still searches and copies as it is.

use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::OnceLock;

use krilla::text::{Font, GlyphId, KrillaGlyph};
use rustybuzz::{Direction, UnicodeBuffer};

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
/// Drawn for a character no font has (its text is still written).
const TOFU: char = '\u{25A1}';

/// One font face: its bytes parsed for shaping, and krilla's handle for embedding.
struct Face {
    shaper: rustybuzz::Face<'static>,
    pdf: Font,
}

impl Face {
    fn new(data: &'static [u8], index: u32) -> Option<Face> {
        Some(Face {
            shaper: rustybuzz::Face::from_slice(data, index)?,
            pdf: Font::new(data.into(), index)?,
        })
    }

    fn has(&self, c: char) -> bool {
        self.shaper.glyph_index(c).is_some()
    }
}

/// The system's fonts, listed once per process; regular faces first (a fallback should not be
/// bold or italic when another will do).
fn system_fonts() -> &'static (fontdb::Database, Vec<fontdb::ID>) {
    static FONTS: OnceLock<(fontdb::Database, Vec<fontdb::ID>)> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        let mut ids: Vec<(bool, String, fontdb::ID)> = db
            .faces()
            .map(|f| {
                let plain = f.style == fontdb::Style::Normal && f.weight == fontdb::Weight::NORMAL;
                let name = f.families.first().map(|n| n.0.clone()).unwrap_or_default();
                (!plain, name, f.id)
            })
            .collect();
        ids.sort();
        let order = ids.into_iter().map(|(_, _, id)| id).collect();
        (db, order)
    })
}

/// A system font's bytes, read once per process and kept for its life (as the bundled fonts
/// are); only fonts a document draws with are read.
fn system_data(id: fontdb::ID) -> Option<(&'static [u8], u32)> {
    /// A font file's bytes and the face's index in it.
    type Loaded = (&'static [u8], u32);
    static LOADED: OnceLock<Mutex<HashMap<fontdb::ID, Loaded>>> = OnceLock::new();
    let mut loaded = LOADED.get_or_init(Default::default).lock();
    if let Some(d) = loaded.get(&id) {
        return Some(*d);
    }
    let (db, _) = system_fonts();
    let (data, index) = db.with_face_data(id, |data, index| (data.to_vec(), index))?;
    let data: &'static [u8] = Box::leak(data.into_boxed_slice());
    loaded.insert(id, (data, index));
    Some((data, index))
}

/// Whether the face has `c` drawn as outlines (bitmap-only colour fonts cannot be embedded).
fn draws(data: &[u8], index: u32, c: char) -> bool {
    let Ok(face) = rustybuzz::ttf_parser::Face::parse(data, index) else {
        return false;
    };
    let t = face.tables();
    face.glyph_index(c).is_some()
        && (t.glyf.is_some() || t.cff.is_some() || t.cff2.is_some())
        && t.cbdt.is_none()
        && t.sbix.is_none()
}

/// Characters that join the character before them and take its font when it has them:
/// combining marks, joiners, variation selectors and emoji skin-tone modifiers (Unicode's own
/// properties, from ICU4X's data).
fn joins_previous(c: char) -> bool {
    use icu_properties::props::{EmojiModifier, GeneralCategory, GeneralCategoryGroup, JoinControl, VariationSelector};
    use icu_properties::{CodePointMapData, CodePointSetData};
    GeneralCategoryGroup::Mark.contains(CodePointMapData::<GeneralCategory>::new().get(c))
        || CodePointSetData::new::<JoinControl>().contains(c)
        || CodePointSetData::new::<VariationSelector>().contains(c)
        || CodePointSetData::new::<EmojiModifier>().contains(c)
}

/// Characters that draw nothing (direction marks and overrides, joiners, soft hyphens, variation
/// selectors, …: Unicode's Default_Ignorable_Code_Point): the shaper hides them, so the run's
/// own font takes them.
fn is_default_ignorable(c: char) -> bool {
    icu_properties::CodePointSetData::new::<icu_properties::props::DefaultIgnorableCodePoint>().contains(c)
}

/// A right-to-left letter (Hebrew, Arabic, …): only text with one is reordered.
fn is_rtl_char(c: char) -> bool {
    use unicode_bidi::BidiClass;
    matches!(unicode_bidi::bidi_class(c), BidiClass::R | BidiClass::AL)
}

/// Which face draws a character.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Pick {
    Face(usize),
    /// No font has it: drawn as a box, its text kept.
    Tofu,
}

/// A run of glyphs in one face, in visual order, with the text they stand for.
pub(crate) struct Run {
    pub face: usize,
    pub glyphs: Vec<KrillaGlyph>,
    pub text: String,
    /// The run's advance in ems.
    pub advance: f32,
}

/// One line of shaped text, runs in visual order.
#[derive(Default)]
pub(crate) struct Line {
    pub runs: Vec<Run>,
}

impl Line {
    pub fn width(&self, size: f32) -> f32 {
        self.runs.iter().map(|r| r.advance).sum::<f32>() * size
    }
}

/// The fonts of one document.
pub(crate) struct Fonts {
    faces: Vec<Face>,
    picks: HashMap<(char, bool), Pick>,
    /// System fonts already loaded (their face's number) or found unusable (None).
    tried: HashMap<fontdb::ID, Option<usize>>,
}

impl Fonts {
    pub fn new() -> Result<Fonts, super::PdfError> {
        let bundled = |data, what: &str| {
            Face::new(data, 0).ok_or_else(|| super::PdfError(format!("the bundled {what} could not be read")))
        };
        let regular = bundled(REGULAR, "font")?;
        let bold = bundled(BOLD, "bold font")?;
        Ok(Fonts {
            faces: vec![regular, bold],
            picks: HashMap::new(),
            tried: HashMap::new(),
        })
    }

    /// The face's font, for drawing.
    pub fn font(&self, face: usize) -> Font {
        self.faces[face].pdf.clone()
    }

    /// How many system fonts this document uses.
    #[cfg(test)]
    pub fn fallbacks_used(&self) -> usize {
        self.faces.len() - 2
    }

    fn pick(&mut self, c: char, bold: bool) -> Pick {
        if let Some(p) = self.picks.get(&(c, bold)) {
            return *p;
        }
        let base = usize::from(bold);
        let pick = if c.is_control() || is_default_ignorable(c) || self.faces[base].has(c) {
            Pick::Face(base)
        } else if let Some(i) = (2..self.faces.len()).find(|&i| self.faces[i].has(c)) {
            Pick::Face(i)
        } else {
            self.system_pick(c).map_or(Pick::Tofu, Pick::Face)
        };
        self.picks.insert((c, bold), pick);
        pick
    }

    /// The first system font that has `c`, loaded as a new face.
    fn system_pick(&mut self, c: char) -> Option<usize> {
        let (db, order) = system_fonts();
        for id in order {
            if self.tried.contains_key(id) {
                continue; // loaded already (so checked by `pick`) or unusable
            }
            if !db
                .with_face_data(*id, |data, index| draws(data, index, c))
                .unwrap_or(false)
            {
                continue;
            }
            let face = system_data(*id).and_then(|(data, index)| Face::new(data, index));
            let Some(face) = face else {
                self.tried.insert(*id, None);
                continue;
            };
            self.faces.push(face);
            let i = self.faces.len() - 1;
            self.tried.insert(*id, Some(i));
            tracing::debug!(font = ?db.face(*id).map(|f| &f.post_script_name), "PDF: a system font draws {c:?}");
            return Some(i);
        }
        None
    }

    /// `text` shaped as one line (line breaks are spaces).
    pub fn shape(&mut self, text: &str, bold: bool) -> Line {
        let text: String = text
            .chars()
            .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
            .collect();
        let mut line = Line::default();
        if text.is_empty() {
            return line;
        }
        // Without right-to-left letters, text is drawn as typed: an override character alone
        // (a hostile "U+202E txt.exe") reorders nothing.
        if !text.chars().any(is_rtl_char) {
            self.shape_directional(&text, false, bold, &mut line);
            return line;
        }
        let info = unicode_bidi::BidiInfo::new(&text, None);
        for para in &info.paragraphs {
            let (levels, runs) = info.visual_runs(para, para.range.clone());
            for r in runs {
                let rtl = levels[r.start].is_rtl();
                self.shape_directional(&text[r.clone()], rtl, bold, &mut line);
            }
        }
        line
    }

    /// One direction's text: split where the font changes, each piece shaped, pieces placed in
    /// visual order.
    fn shape_directional(&mut self, text: &str, rtl: bool, bold: bool, line: &mut Line) {
        let mut pieces: Vec<(Pick, std::ops::Range<usize>)> = vec![];
        for (i, c) in text.char_indices() {
            let end = i + c.len_utf8();
            if let Some((p, r)) = pieces.last_mut() {
                // marks, joiners and spaces stay in the run's font when it has them
                let same = ((joins_previous(c) || c == ' ') && matches!(*p, Pick::Face(f) if self.faces[f].has(c)))
                    || (is_default_ignorable(c) && matches!(*p, Pick::Face(_)));
                if same || self.pick(c, bold) == *p {
                    r.end = end;
                    continue;
                }
            }
            pieces.push((self.pick(c, bold), i..end));
        }
        if rtl {
            pieces.reverse();
        }
        for (pick, range) in pieces {
            let piece = &text[range];
            let run = match pick {
                Pick::Face(face) => self.shape_piece(face, piece, rtl),
                Pick::Tofu => self.tofu(piece, bold),
            };
            line.runs.push(run);
        }
    }

    fn shape_piece(&self, face: usize, text: &str, rtl: bool) -> Run {
        let f = &self.faces[face].shaper;
        let upem = f.units_per_em() as f32;
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        buffer.set_direction(if rtl {
            Direction::RightToLeft
        } else {
            Direction::LeftToRight
        });
        let out = rustybuzz::shape(f, &[], buffer);
        let mut starts: Vec<usize> = out.glyph_infos().iter().map(|g| g.cluster as usize).collect();
        starts.sort_unstable();
        starts.dedup();
        let end_of = |start: usize| {
            let i = starts.partition_point(|&s| s <= start);
            starts.get(i).copied().unwrap_or(text.len())
        };
        let mut advance = 0.0;
        let glyphs = out
            .glyph_infos()
            .iter()
            .zip(out.glyph_positions())
            .map(|(info, pos)| {
                let start = info.cluster as usize;
                advance += pos.x_advance as f32 / upem;
                KrillaGlyph::new(
                    GlyphId::new(info.glyph_id),
                    pos.x_advance as f32 / upem,
                    pos.x_offset as f32 / upem,
                    pos.y_offset as f32 / upem,
                    pos.y_advance as f32 / upem,
                    start..end_of(start),
                    None,
                )
            })
            .collect();
        Run {
            face,
            glyphs,
            text: text.to_string(),
            advance,
        }
    }

    /// Characters no font has: a box each, standing for the character's own text.
    fn tofu(&self, text: &str, bold: bool) -> Run {
        let face = usize::from(bold);
        let f = &self.faces[face].shaper;
        let upem = f.units_per_em() as f32;
        let gid = f.glyph_index(TOFU).map_or(0, |g| g.0);
        let adv = f.glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(gid)).unwrap_or(0) as f32 / upem;
        let glyphs: Vec<KrillaGlyph> = text
            .char_indices()
            .map(|(i, c)| KrillaGlyph::new(GlyphId::new(gid as u32), adv, 0.0, 0.0, 0.0, i..i + c.len_utf8(), None))
            .collect();
        Run {
            face,
            advance: adv * glyphs.len() as f32,
            glyphs,
            text: text.to_string(),
        }
    }

    pub fn width(&mut self, text: &str, bold: bool, size: f32) -> f32 {
        self.shape(text, bold).width(size)
    }

    /// `text` cut to fit `max` points, ending in "…" when cut.
    pub fn ellipsize(&mut self, text: &str, bold: bool, size: f32, max: f32) -> String {
        if self.width(text, bold, size) <= max {
            return text.to_string();
        }
        let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        // the longest prefix that fits with the ellipsis
        let (mut lo, mut hi) = (0usize, bounds.len());
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            let candidate = format!("{}…", text[..bounds[mid.min(bounds.len() - 1)]].trim_end());
            if mid < bounds.len() && self.width(&candidate, bold, size) <= max {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        format!("{}…", text[..bounds[lo]].trim_end())
    }

    /// `text` in lines no wider than `max` points (a word wider than a line is cut).
    pub fn wrap(&mut self, text: &str, bold: bool, size: f32, max: f32) -> Vec<String> {
        let mut lines = vec![];
        for para in text.split('\n') {
            let mut line = String::new();
            for word in para.split(' ') {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.width(&candidate, bold, size) <= max {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                let mut rest = word;
                while !rest.is_empty() && self.width(rest, bold, size) > max {
                    let mut cut = self.longest_fitting(rest, bold, size, max);
                    // an address or a path breaks after its punctuation when it can
                    if let Some(p) = rest[..cut].rfind(['@', '.', '-', '/', '_', '\\']) {
                        if p > 0 && p + 1 < cut {
                            cut = p + 1;
                        }
                    }
                    lines.push(rest[..cut].to_string());
                    rest = &rest[cut..];
                }
                line = rest.to_string();
            }
            lines.push(line);
        }
        lines
    }

    /// The byte length of the longest prefix of `word` that fits (at least one character).
    fn longest_fitting(&mut self, word: &str, bold: bool, size: f32, max: f32) -> usize {
        let ends: Vec<usize> = word.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
        let (mut lo, mut hi) = (0usize, ends.len() - 1);
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if self.width(&word[..ends[mid]], bold, size) <= max {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        ends[lo]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_invisibles_and_direction_are_unicodes_own() {
        // combining acute, a Devanagari vowel sign (a spacing mark), zero-width joiner, an emoji
        // skin tone, a variation selector
        for c in ['\u{0301}', '\u{093E}', '\u{200D}', '\u{1F3FD}', '\u{FE0F}'] {
            assert!(joins_previous(c), "{c:?} joins the character before it");
        }
        assert!(!joins_previous('a') && !joins_previous(' '));
        for c in ['\u{00AD}', '\u{200B}', '\u{202E}', '\u{2066}', '\u{FEFF}', '\u{E0041}'] {
            assert!(is_default_ignorable(c), "{c:?} draws nothing");
        }
        assert!(!is_default_ignorable('a') && !is_default_ignorable('\u{00A0}'));
        assert!(is_rtl_char('א') && is_rtl_char('ع') && is_rtl_char('ߊ'));
        assert!(!is_rtl_char('a') && !is_rtl_char('1') && !is_rtl_char('\u{202E}'));
    }

    #[test]
    fn latin_greek_and_cyrillic_use_the_bundled_font() {
        let mut f = Fonts::new().unwrap();
        let line = f.shape("Zoë Ελένη Дмитрий", false);
        assert_eq!(line.runs.len(), 1);
        assert_eq!(line.runs[0].face, 0);
        assert!(line.runs[0].glyphs.iter().all(|g| g.glyph_id.to_u32() != 0));
        assert_eq!(f.fallbacks_used(), 0);
    }

    #[test]
    fn a_character_no_font_has_keeps_its_text() {
        let mut f = Fonts::new().unwrap();
        // a private-use character: no font is expected to have it
        let line = f.shape("a\u{10FFFD}b", false);
        let text: String = line.runs.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(text, "a\u{10FFFD}b");
        assert!(line
            .runs
            .iter()
            .flat_map(|r| &r.glyphs)
            .all(|g| g.glyph_id.to_u32() != 0));
    }

    #[test]
    fn invisible_characters_draw_nothing_and_no_box() {
        let mut f = Fonts::new().unwrap();
        let tofu = f.faces[0].shaper.glyph_index(TOFU).unwrap().0 as u32;
        let line = f.shape("\u{202E}txt.exe\u{200B}", false);
        assert!(line.runs.iter().flat_map(|r| &r.glyphs).all(|g| {
            let id = g.glyph_id.to_u32();
            id != 0 && id != tofu
        }));
        let text: String = line.runs.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(text, "\u{202E}txt.exe\u{200B}");
    }

    #[test]
    fn right_to_left_runs_are_placed_in_visual_order() {
        let mut f = Fonts::new().unwrap();
        let line = f.shape("Ahmed أحمد", false);
        let text: String = line.runs.iter().map(|r| r.text.as_str()).collect();
        // the Latin run is drawn first (left), the Arabic run after it
        assert!(text.starts_with("Ahmed"), "{text}");
        assert!(text.contains("أحمد"), "{text}");
    }

    #[test]
    fn wrapping_keeps_every_character_and_fits() {
        let mut f = Fonts::new().unwrap();
        let text = "Remove from all groups: Engineering, Finance, Пользователи, averyveryveryveryverylongword";
        let lines = f.wrap(text, false, 8.0, 60.0);
        assert!(lines.len() > 3);
        for l in &lines {
            assert!(f.width(l, false, 8.0) <= 60.0 + 0.01, "{l}");
        }
        assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
        let short = f.ellipsize(text, false, 8.0, 80.0);
        assert!(short.ends_with('…') && f.width(&short, false, 8.0) <= 80.0, "{short}");
    }
}

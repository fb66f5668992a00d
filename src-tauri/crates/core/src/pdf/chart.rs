//! Charts as vector graphics: horizontal bars (stacked when there are several series) and
//! lines over time, in the Reports view's colours (ECharts' default palette).

use super::layout::{Layout, Op, Rgb, GREY, INK, RULE};

/// ECharts' default palette, so a chart in the pack looks like the one on screen.
const PALETTE: [Rgb; 7] = [
    (84, 112, 198),
    (145, 204, 117),
    (250, 200, 88),
    (238, 102, 102),
    (115, 192, 222),
    (59, 162, 114),
    (252, 132, 82),
];

pub enum Chart {
    Bars(Bars),
    Lines(Lines),
}

/// One named series of values (None: no value at that point).
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// Horizontal bars, one per category; several series stack.
pub struct Bars {
    pub title: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
}

/// Lines over `x` (sync dates); `percent` fixes the scale at 0–100 %.
pub struct Lines {
    pub title: String,
    pub x: Vec<String>,
    pub series: Vec<Series>,
    pub percent: bool,
}

/// A number as a chart label: whole numbers without decimals.
fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.1}")
    }
}

/// How tall the legend is: a line when there are several series, none for one.
fn legend_height(series: &[Series]) -> f32 {
    if series.len() > 1 {
        14.0
    } else {
        0.0
    }
}

/// The legend at `y`, if there are several series; the cursor moves below it.
fn legend(l: &mut Layout<'_>, series: &[Series], x: f32) {
    let y = l.y;
    l.y += legend_height(series);
    if series.len() < 2 {
        return;
    }
    let mut cx = x;
    for (i, s) in series.iter().enumerate() {
        l.rect(cx, y + 2.0, 8.0, 8.0, PALETTE[i % PALETTE.len()]);
        l.text(cx + 11.0, y + 9.0, &s.name, 7.5, false, INK);
        cx += 11.0 + l.fonts.width(&s.name, false, 7.5) + 14.0;
    }
}

fn title(l: &mut Layout<'_>, t: &str, x: f32) {
    l.text(x, l.y + 10.0, t, 9.5, true, INK);
    l.y += 16.0;
}

pub(crate) fn lay_out(l: &mut Layout<'_>, chart: &Chart, x: f32, width: f32) {
    match chart {
        Chart::Bars(b) => bars(l, b, x, width),
        Chart::Lines(c) => lines(l, c, x, width),
    }
}

fn bars(l: &mut Layout<'_>, b: &Bars, x: f32, width: f32) {
    let row = 15.0;
    let legend_h = legend_height(&b.series);
    l.ensure(16.0 + legend_h + row * b.categories.len().max(1) as f32 + 10.0);
    title(l, &b.title, x);
    let top = l.y;
    legend(l, &b.series, x);
    if b.categories.is_empty() {
        l.text(x, l.y + 9.0, "No data.", 8.0, false, GREY);
        l.y += 22.0;
        return;
    }
    let label_w = (width * 0.28).min(150.0);
    let total = |i: usize| {
        b.series
            .iter()
            .map(|s| s.values.get(i).copied().flatten().unwrap_or(0.0))
            .sum::<f64>()
    };
    let max = (0..b.categories.len()).map(total).fold(0.0, f64::max).max(1.0);
    let bar_w = width - label_w - 50.0;
    for (i, cat) in b.categories.iter().enumerate() {
        let y = l.y;
        let label = l.fonts.ellipsize(cat, false, 7.5, label_w - 6.0);
        l.text_right(x + label_w - 6.0, y + 10.0, &label, 7.5, false, INK);
        let mut cx = x + label_w;
        for (si, s) in b.series.iter().enumerate() {
            let v = s.values.get(i).copied().flatten().unwrap_or(0.0);
            let w = (v / max) as f32 * bar_w;
            if w > 0.0 {
                l.rect(cx, y + 2.5, w, row - 5.0, PALETTE[si % PALETTE.len()]);
            }
            cx += w;
        }
        l.text(cx + 4.0, y + 10.0, &num(total(i)), 7.5, false, GREY);
        l.y += row;
    }
    l.op(Op::Stroke {
        points: vec![(x + label_w, top + legend_h), (x + label_w, l.y)],
        width: 0.6,
        color: GREY,
    });
    l.y += 10.0;
}

fn lines(l: &mut Layout<'_>, c: &Lines, x: f32, width: f32) {
    let plot_h = 110.0;
    let legend_h = legend_height(&c.series);
    l.ensure(16.0 + legend_h + plot_h + 30.0);
    title(l, &c.title, x);
    legend(l, &c.series, x);
    let values = c.series.iter().flat_map(|s| s.values.iter().flatten().copied());
    let (lo, hi, steps) = if c.percent {
        (0.0, 100.0, 4)
    } else {
        let (top, steps) = count_axis(values.fold(0.0, f64::max));
        (0.0, top, steps)
    };
    let axis_w = 34.0;
    let (px, py, pw, ph) = (x + axis_w, l.y + 4.0, width - axis_w - 8.0, plot_h);
    let to_y = |v: f64| py + ph - ((v - lo) / (hi - lo)) as f32 * ph;
    for k in 0..=steps {
        let v = lo + (hi - lo) * k as f64 / steps as f64;
        let y = to_y(v);
        l.hline(px, y, pw, RULE);
        let label = if c.percent { format!("{}%", num(v)) } else { num(v) };
        l.text_right(px - 4.0, y + 2.5, &label, 7.0, false, GREY);
    }
    let n = c.x.len();
    let to_x = |i: usize| {
        if n <= 1 {
            px + pw / 2.0
        } else {
            px + pw * i as f32 / (n - 1) as f32
        }
    };
    // dates: first, last and up to three between
    if n > 0 {
        let picks: Vec<usize> = if n <= 5 {
            (0..n).collect()
        } else {
            (0..5).map(|k| k * (n - 1) / 4).collect()
        };
        // a label that would overlap the one before it is left out
        let mut right_of_last = f32::MIN;
        for i in picks {
            let w = l.fonts.width(&c.x[i], false, 7.0);
            let tx = (to_x(i) - w / 2.0).clamp(px - 10.0, px + pw - w + 10.0);
            if tx < right_of_last + 8.0 {
                continue;
            }
            l.text(tx, py + ph + 11.0, &c.x[i], 7.0, false, GREY);
            right_of_last = tx + w;
        }
    }
    for (si, s) in c.series.iter().enumerate() {
        let color = PALETTE[si % PALETTE.len()];
        // a gap (no value) breaks the line
        let mut segment: Vec<(f32, f32)> = vec![];
        let flush = |l: &mut Layout<'_>, seg: &mut Vec<(f32, f32)>| {
            match seg.len() {
                0 => {}
                1 => l.rect(seg[0].0 - 1.5, seg[0].1 - 1.5, 3.0, 3.0, color),
                _ => l.op(Op::Stroke {
                    points: std::mem::take(seg),
                    width: 1.4,
                    color,
                }),
            }
            seg.clear();
        };
        for (i, v) in s.values.iter().enumerate() {
            match v {
                Some(v) => segment.push((to_x(i), to_y(*v))),
                None => flush(l, &mut segment),
            }
        }
        flush(l, &mut segment);
    }
    l.y = py + ph + 24.0;
}

/// A count axis reaching at least `v`: its top and how many steps of 1, 2 or 5 times a power
/// of ten (whole numbers) it has, at most five.
fn count_axis(v: f64) -> (f64, u32) {
    let rough = (v.max(1.0) / 5.0).max(1.0);
    let p = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|c| *c >= rough)
        .unwrap_or(10.0 * p);
    let steps = (v.max(1.0) / step).ceil().max(1.0);
    (steps * step, steps as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_round_up_to_readable_numbers() {
        assert_eq!(count_axis(0.0), (1.0, 1));
        assert_eq!(count_axis(7.0), (8.0, 4));
        assert_eq!(count_axis(33.0), (40.0, 4));
        assert_eq!(count_axis(180.0), (200.0, 4));
        assert_eq!(count_axis(407.0), (500.0, 5));
        assert_eq!(count_axis(2100.0), (2500.0, 5));
        assert_eq!(num(3.0), "3");
        assert_eq!(num(97.46), "97.5");
    }
}

//! `kind = "bars"`: figures or derived lines by category, vertical or horizontal, linear or
//! log. Each `[[chart.series]]` draws its items as bars, points or intervals; a bar or point
//! with an interval gets an error bar, a lower bound an arrow. `[[chart.reference]]` draws a
//! value across the chart as a dashed line (a cap), `[[chart.band]]` a derived interval as a
//! shaded band (a window).

use super::kinds::{self, default_color, ChartError, NumFormat, Rec, Size, Source, Val};
use super::{
    anchor, builder, dashed, error_bar_h, error_bar_v, label_at, linear, linear_ticks, log,
    log_ticks, mesh, nice_step, palette, Area, DrawResult, Mark, Plot, Style,
};
use plotters::coord::ranged1d::ValueFormatter;
use plotters::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bar,
    Point,
    Interval,
}

struct Item {
    cat: usize,
    v: Val,
    /// Where the mark sits on the value axis (an interval: its upper end).
    y: f64,
    label: String,
    /// Offset from the category's centre and width, in category units (bars side by side).
    offset: f64,
    width: f64,
}

struct Series {
    color: RGBColor,
    kind: Kind,
    items: Vec<Item>,
}

struct Reference {
    y: f64,
    label: String,
    color: RGBColor,
}

struct Band {
    lo: f64,
    hi: f64,
    color: RGBColor,
}

enum Axis {
    Linear { lo: f64, hi: f64, step: f64 },
    Log { lo: f64, hi: f64 },
}

struct Bars {
    horizontal: bool,
    categories: Vec<String>,
    series: Vec<Series>,
    references: Vec<Reference>,
    bands: Vec<Band>,
    axis: Axis,
    category_label: String,
    value_label: String,
    fmt: NumFormat,
}

pub fn render(src: &Source, rec: &Rec, size: Size) -> Result<Vec<u8>, ChartError> {
    let mut frame = kinds::frame(src, rec)?;
    let horizontal = rec.choice("orientation", &["vertical", "horizontal"])? == "horizontal";
    let log_scale = rec.choice("value_scale", &["linear", "log"])? == "log";
    let fmt = NumFormat::read(rec, "value_format", "number")?;
    let bar_width = rec.num("bar_width")?.unwrap_or(0.6);
    if !(bar_width > 0.0 && bar_width <= 1.0) {
        return Err(src.error("bar_width must lie in (0, 1]"));
    }
    let mut categories: Vec<String> = Vec::new();
    let mut series = Vec::new();
    let mut error_bars = false;
    for (i, s) in rec.records("series")?.iter().enumerate() {
        let color = s.color("color", default_color(i))?;
        let kind = match s.choice("mark", &["bar", "point", "interval"])? {
            "point" => Kind::Point,
            "interval" => Kind::Interval,
            _ => Kind::Bar,
        };
        if let Some(l) = s.str("legend")? {
            let mark = match kind {
                Kind::Bar => Mark::Bar,
                Kind::Point => Mark::Point,
                Kind::Interval => Mark::ErrorBar,
            };
            frame = frame.legend(src.text(&l, None), color, mark);
        }
        let default_label = s.str("label")?;
        let mut items = Vec::new();
        for it in s.records("items")? {
            let v = src.get(&it.req_str("id")?)?;
            let y = match kind {
                Kind::Interval => {
                    if !(v.lo.is_finite() && v.hi.is_finite()) {
                        return Err(src.error(format!(
                            "`{}` has the unbounded interval {}; an interval mark needs two finite ends",
                            v.id,
                            super::text::interval(v.lo, v.hi, None)
                        )));
                    }
                    v.hi
                }
                _ => src.value(&v)?,
            };
            if kind != Kind::Interval && v.has_interval() {
                error_bars = true;
            }
            let category = match it.str("category")? {
                Some(c) => src.text(&c, Some(&v)),
                None => v.id.clone(),
            };
            let cat = match categories.iter().position(|c| *c == category) {
                Some(i) => i,
                None => {
                    categories.push(category);
                    categories.len() - 1
                }
            };
            let label = match it.str("label")?.or_else(|| default_label.clone()) {
                Some(t) => src.text(&t, Some(&v)),
                None if kind == Kind::Interval => format!(
                    "{}-{}",
                    super::text::num(v.lo, None, super::text::Round::Nearest),
                    super::text::num(v.hi, None, super::text::Round::Nearest)
                ),
                None => fmt.label(&v),
            };
            items.push(Item {
                cat,
                v,
                y,
                label,
                offset: 0.0,
                width: bar_width,
            });
        }
        series.push(Series { color, kind, items });
    }
    if categories.is_empty() {
        return Err(src.error("a bars chart needs at least one [[chart.series]] with items"));
    }
    if let Some(l) = rec.str("interval_legend")? {
        if error_bars {
            frame = frame.legend(src.text(&l, None), palette::INK, Mark::ErrorBar);
        }
    }
    // Bars of several series in one category stand side by side.
    for cat in 0..categories.len() {
        let here: Vec<(usize, usize)> = series
            .iter()
            .enumerate()
            .filter(|(_, s)| s.kind == Kind::Bar)
            .flat_map(|(si, s)| {
                s.items
                    .iter()
                    .enumerate()
                    .filter(|(_, it)| it.cat == cat)
                    .map(move |(ii, _)| (si, ii))
            })
            .collect();
        let k = here.len() as f64;
        for (j, (si, ii)) in here.into_iter().enumerate() {
            let it = &mut series[si].items[ii];
            let slot = bar_width / k;
            it.offset = (j as f64 - (k - 1.0) / 2.0) * slot;
            it.width = if k > 1.0 { slot * 0.88 } else { slot };
        }
    }
    let mut references = Vec::new();
    let mut legends: Vec<(String, RGBColor)> = Vec::new();
    for r in rec.records("reference")? {
        let v = src.get(&r.req_str("id")?)?;
        let y = src.value(&v)?;
        let color = r.color("color", palette::VERMILION)?;
        if let Some(l) = r.str("legend")? {
            let l = src.text(&l, Some(&v));
            if !legends.iter().any(|(t, c)| *t == l && *c == color) {
                legends.push((l, color));
            }
        }
        let label = match r.str("label")? {
            Some(t) => src.text(&t, Some(&v)),
            None => fmt.label(&v),
        };
        references.push(Reference { y, label, color });
    }
    for (l, c) in legends {
        frame = frame.legend(l, c, Mark::Dashed);
    }
    let mut bands = Vec::new();
    for b in rec.records("band")? {
        let v = src.get(&b.req_str("id")?)?;
        if !(v.lo.is_finite() && v.hi.is_finite() && v.lo <= v.hi) {
            return Err(src.error(format!(
                "band `{}`: its interval {} has no two finite ends",
                v.id,
                super::text::interval(v.lo, v.hi, None)
            )));
        }
        let color = b.color("color", palette::ORANGE)?;
        let legend = b.str("legend")?.unwrap_or_else(|| "{.lo}-{.hi}".into());
        frame = frame.legend(src.text(&legend, Some(&v)), color, Mark::Band);
        bands.push(Band {
            lo: v.lo,
            hi: v.hi,
            color,
        });
    }

    // The value axis covers every mark, reference and band.
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let mut see = |x: f64| {
        if x.is_finite() {
            lo = lo.min(x);
            hi = hi.max(x);
        }
    };
    let mut bounded_top = f64::NEG_INFINITY;
    for s in &series {
        for it in &s.items {
            see(it.y);
            see(it.v.lo);
            see(it.v.hi);
            if it.v.lower_bound() {
                bounded_top = bounded_top.max(it.y);
            }
        }
    }
    for r in &references {
        see(r.y);
    }
    for b in &bands {
        see(b.lo);
        see(b.hi);
    }
    let axis = match (rec.range("value_range")?, log_scale) {
        (Some((a, b)), true) if a > 0.0 => Axis::Log { lo: a, hi: b },
        (Some(_), true) => return Err(src.error("value_range of a log axis must start above 0")),
        (Some((a, b)), false) => Axis::Linear {
            lo: a,
            hi: b,
            step: nice_step((b - a) / 5.0),
        },
        (None, true) => {
            let (a, b) = kinds::log_range(lo, hi, fmt, src)?;
            Axis::Log { lo: a, hi: b }
        }
        (None, false) => {
            // Room for a lower bound's arrow and its label above it.
            let top = hi.max(bounded_top + 0.15 * hi);
            let (a, b, step) = kinds::linear_range(lo, top, 1.18);
            Axis::Linear { lo: a, hi: b, step }
        }
    };
    let plot = Bars {
        horizontal,
        categories,
        series,
        references,
        bands,
        axis,
        category_label: src.text(&rec.str("category_label")?.unwrap_or_default(), None),
        value_label: src.text(&rec.str("value_label")?.unwrap_or_default(), None),
        fmt,
    };
    kinds::draw(&frame, &plot, size)
}

/// An arrow from `at` (data coordinates) `len` pixels in direction `dir` (a unit step in
/// pixels: (0, -1) is up), drawn as a shaft and a filled head.
fn arrow<DB, CT>(
    pa: &DrawingArea<DB, CT>,
    at: (f64, f64),
    dir: (i32, i32),
    len: i32,
    color: RGBColor,
    s: &Style,
) -> DrawResult
where
    DB: DrawingBackend,
    CT: CoordTranslate<From = (f64, f64)>,
{
    let p = pa.map_coordinate(&at);
    let flat = pa.strip_coord_spec();
    let base = flat.get_base_pixel();
    let (x, y) = (p.0 - base.0, p.1 - base.1);
    let head = (len as f64 * 0.38) as i32;
    let half = (head as f64 * 0.62) as i32;
    let tip = (x + dir.0 * len, y + dir.1 * len);
    let neck = (x + dir.0 * (len - head), y + dir.1 * (len - head));
    flat.draw(&PathElement::new(
        vec![(x, y), (neck.0 + dir.0, neck.1 + dir.1)],
        s.stroke(color, 3.0),
    ))
    .map_err(super::err)?;
    // The head's base runs across the direction.
    let across = (dir.1.abs() * half, dir.0.abs() * half);
    flat.draw(&Polygon::new(
        vec![
            (neck.0 - across.0, neck.1 - across.1),
            (neck.0 + across.0, neck.1 + across.1),
            tip,
        ],
        color.filled(),
    ))
    .map_err(super::err)
}

impl Bars {
    /// Data coordinates of value `v` at category position `c`.
    fn at(&self, c: f64, v: f64) -> (f64, f64) {
        if self.horizontal {
            (v, self.categories.len() as f64 - 1.0 - c)
        } else {
            (c, v)
        }
    }

    fn base(&self) -> f64 {
        match self.axis {
            Axis::Linear { lo, hi, .. } => 0f64.clamp(lo, hi),
            Axis::Log { lo, .. } => {
                if self.fmt == NumFormat::Ratio && lo <= 1.0 {
                    1.0
                } else {
                    lo
                }
            }
        }
    }

    fn marks<DB, CT>(&self, pa: &DrawingArea<DB, CT>, s: &Style, plot_px: i32) -> DrawResult
    where
        DB: DrawingBackend,
        CT: CoordTranslate<From = (f64, f64)>,
    {
        let n = self.categories.len() as f64;
        let (c0, c1) = (-0.6, n - 0.4);
        for b in &self.bands {
            let pts = [
                self.at(c0, b.lo),
                self.at(c1, b.lo),
                self.at(c1, b.hi),
                self.at(c0, b.hi),
            ];
            pa.draw(&Polygon::new(pts.to_vec(), b.color.mix(0.3).filled()))
                .map_err(super::err)?;
        }
        for r in &self.references {
            dashed(
                pa,
                self.at(c0, r.y),
                self.at(c1, r.y),
                s.width(10.0) as i32,
                s.stroke(r.color, 2.0),
            )?;
        }
        let base = self.base();
        let arrow_len = (plot_px as f64 * 0.09) as i32;
        let gap = s.width(8.0) as i32;
        let mut labels = Vec::new();
        for series in &self.series {
            let color = series.color;
            for it in &series.items {
                let c = it.cat as f64 + it.offset;
                let half = it.width / 2.0;
                // Where the label goes: past the outermost mark, in pixels from a data point.
                let mut end = it.y;
                if it.v.hi.is_finite() {
                    end = end.max(it.v.hi);
                }
                let mut push = 0;
                match series.kind {
                    Kind::Bar => {
                        let (a, b) = if self.horizontal {
                            (self.at(c + half, base), self.at(c - half, it.y))
                        } else {
                            (self.at(c - half, base), self.at(c + half, it.y))
                        };
                        pa.draw(&Rectangle::new([a, b], color.filled()))
                            .map_err(super::err)?;
                    }
                    Kind::Point => {
                        let r = (7.0 * s.scale).max(4.0) as i32;
                        pa.draw(&Circle::new(self.at(c, it.y), r, color.filled()))
                            .map_err(super::err)?;
                    }
                    Kind::Interval => {
                        let (cap, st) = (s.width(26.0) as i32, s.stroke(color, 2.5));
                        if self.horizontal {
                            error_bar_h(pa, self.at(c, 0.0).1, it.v.lo, it.v.hi, cap, st)?;
                        } else {
                            error_bar_v(pa, c, it.v.lo, it.v.hi, cap, st)?;
                        }
                    }
                }
                if series.kind != Kind::Interval {
                    if it.v.has_interval() {
                        let (cap, st) = (s.width(22.0) as i32, s.stroke(palette::INK, 2.0));
                        if self.horizontal {
                            error_bar_h(pa, self.at(c, 0.0).1, it.v.lo, it.v.hi, cap, st)?;
                        } else {
                            error_bar_v(pa, c, it.v.lo, it.v.hi, cap, st)?;
                        }
                    }
                    if it.v.lower_bound() || it.v.upper_bound() {
                        // An arrow: the true value lies beyond (or short of) the mark.
                        let sign = if it.v.lower_bound() { 1 } else { -1 };
                        let dir = if self.horizontal {
                            (sign, 0)
                        } else {
                            (0, -sign)
                        };
                        let on_bar = series.kind == Kind::Bar && sign < 0;
                        let col = if on_bar { palette::BACKGROUND } else { color };
                        arrow(pa, self.at(c, it.y), dir, arrow_len, col, s)?;
                        if sign > 0 {
                            push = arrow_len;
                        }
                    }
                }
                let bold = s.bold(s.note(), palette::INK);
                let plain = s.text(s.note(), color);
                let (at, off, style, h) = match (series.kind, self.horizontal) {
                    (Kind::Bar, false) => (
                        self.at(c, end),
                        (0, -(push + gap - s.width(2.0) as i32)),
                        bold,
                        ("center", "bottom"),
                    ),
                    (Kind::Bar, true) => {
                        (self.at(c, end), (push + gap, 0), bold, ("left", "center"))
                    }
                    (Kind::Point, _) => (
                        self.at(c, it.y),
                        (s.width(14.0) as i32, 0),
                        bold,
                        ("left", "center"),
                    ),
                    (Kind::Interval, false) => (
                        self.at(c, it.v.hi),
                        (s.width(20.0) as i32, 0),
                        plain,
                        ("left", "center"),
                    ),
                    (Kind::Interval, true) => {
                        (self.at(c, it.v.hi), (gap, 0), plain, ("left", "center"))
                    }
                };
                labels.push((at, off, it.label.as_str(), style, h));
            }
        }
        // Labels last, so no mark drawn later covers one.
        for r in &self.references {
            let ts = s.text(s.note(), r.color);
            let w = s.width(4.0) as i32;
            if self.horizontal {
                let at = self.at(c0 + 0.05, r.y);
                label_at(pa, at, (w, 0), &r.label, &ts, anchor("left", "top"))?;
            } else {
                let at = self.at(c0 + 0.05, r.y);
                label_at(pa, at, (0, -w), &r.label, &ts, anchor("left", "bottom"))?;
            }
        }
        for (at, off, text, style, (h, v)) in labels {
            label_at(pa, at, off, text, &style, anchor(h, v))?;
        }
        Ok(())
    }

    fn category_of(&self, v: f64) -> String {
        let n = self.categories.len() as i64;
        let i = v.round() as i64;
        let i = if self.horizontal { n - 1 - i } else { i };
        usize::try_from(i)
            .ok()
            .and_then(|i| self.categories.get(i).cloned())
            .unwrap_or_default()
    }

    fn draw_on<DB, V>(&self, area: &Area<DB>, s: &Style, value: V) -> DrawResult
    where
        DB: DrawingBackend,
        V: Ranged<ValueType = f64> + ValueFormatter<f64>,
    {
        let n = self.categories.len() as f64;
        let cats = linear(-0.6..n - 0.4, linear_ticks(0.0, n - 1.0, 1.0));
        let fmt = self.fmt;
        let vf = move |v: &f64| fmt.tick(*v);
        let cf = |v: &f64| self.category_of(*v);
        if self.horizontal {
            let ts = s.text(s.tick(), palette::INK);
            let widest = self
                .categories
                .iter()
                .map(|l| area.estimate_text_size(l, &ts).map(|(w, _)| w).unwrap_or(0))
                .max()
                .unwrap_or(0);
            let mut c = builder(area, s)
                .y_label_area_size(widest + s.width(20.0))
                .build_cartesian_2d(value, cats)
                .map_err(super::err)?;
            c.configure_mesh()
                .disable_y_mesh()
                .bold_line_style(palette::LIGHT.mix(0.6))
                .light_line_style(TRANSPARENT)
                .axis_style(s.stroke(palette::GREY, 1.5))
                .label_style(ts.clone())
                .axis_desc_style(s.text(s.label(), palette::INK))
                .x_desc(self.value_label.as_str())
                .y_desc(self.category_label.as_str())
                .x_label_formatter(&vf)
                .y_label_formatter(&cf)
                .set_all_tick_mark_size(s.width(6.0))
                .draw()
                .map_err(super::err)?;
            let px = c.plotting_area().dim_in_pixel().0 as i32;
            self.marks(c.plotting_area(), s, px)
        } else {
            let mut c = builder(area, s)
                .build_cartesian_2d(cats, value)
                .map_err(super::err)?;
            mesh(&mut c, s, &self.category_label, &self.value_label, &cf, &vf)?;
            let px = c.plotting_area().dim_in_pixel().1 as i32;
            self.marks(c.plotting_area(), s, px)
        }
    }
}

impl Plot for Bars {
    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, s: &Style) -> DrawResult {
        match self.axis {
            Axis::Linear { lo, hi, step } => {
                self.draw_on(area, s, linear(lo..hi, linear_ticks(lo, hi, step)))
            }
            Axis::Log { lo, hi } => self.draw_on(area, s, log(lo..hi, log_ticks(lo, hi, true))),
        }
    }
}

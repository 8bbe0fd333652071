//! The chart kinds a dataset's `[[chart]]` records declare (docs/charts.md): `timeline`,
//! `bars` and `tail`. A kind reads the record's fields, looks every drawn id up in the
//! evaluated ledger ([`Source::get`]: a derived line's value and interval, or a figure's point
//! and the interval its qualifier stands for) and draws it. Nothing here computes a figure:
//! what a chart shows beyond the layout is a figure or a derived line of the dataset.
//!
//! The records are validated when the dataset loads (`wages data check`,
//! crates/data/src/load/charts.rs); the readers here still return a [`ChartError::Data`]
//! rather than draw something wrong if a record gets past it.

use super::{palette, Format, Frame};
use plotters::style::RGBColor;
use serde_json::{Map, Value as Json};
use wages_data::ledger::{ChartDecl, Evaluated};
use wages_data::{Dataset, Date};

/// Why a chart could not be drawn.
#[derive(Debug)]
pub enum ChartError {
    /// The dataset lacks what the chart draws, or a drawn line is not available.
    Data(String),
    /// Drawing failed (e.g. the layout does not fit).
    Draw(String),
}

/// The kinds of chart, in the order docs/charts.md describes them.
pub use wages_data::chart_words::KINDS;

/// Draws one declared chart of a dataset in a format and size.
pub fn render(
    ds: &Dataset,
    ev: &Evaluated,
    decl: &ChartDecl,
    format: Format,
    width: u32,
    height: u32,
) -> Result<Vec<u8>, ChartError> {
    let src = Source::new(ds, ev, &decl.id);
    let rec = Rec::top(decl);
    let size = (format, width, height);
    match decl.kind.as_str() {
        "timeline" => super::timeline::render(&src, &rec, size),
        "bars" => super::bars::render(&src, &rec, size),
        "tail" => super::tail::render(&src, &rec, size),
        other => Err(ChartError::Data(format!(
            "{}: chart `{}`: unknown kind `{}`; use one of {}",
            crate::output::printable(&decl.file),
            decl.id,
            crate::output::printable(other),
            KINDS.join(", ")
        ))),
    }
}

/// The one-line description `wages chart --list` shows: `description`, else the title.
pub fn description(ds: &Dataset, ev: &Evaluated, decl: &ChartDecl) -> String {
    let src = Source::new(ds, ev, &decl.id);
    let text = decl
        .fields
        .get("description")
        .and_then(|v| v.as_str())
        .unwrap_or(&decl.title);
    crate::output::printable(&super::text::render(&src, text, None)).into_owned()
}

/// What every output size and format is drawn with.
pub type Size = (Format, u32, u32);

/// The frame every kind shares: title, subtitle, notes and source, rendered.
pub fn frame(src: &Source, rec: &Rec) -> Result<Frame, ChartError> {
    let t = |s: &str| src.text(s, None);
    let mut f = Frame::new(t(&rec.req_str("title")?));
    if let Some(s) = rec.str("subtitle")? {
        f = f.subtitle(t(&s));
    }
    for n in rec.strings("notes")? {
        f = f.note(t(&n));
    }
    if let Some(s) = rec.str("source")? {
        f = f.source(t(&s));
    }
    Ok(f)
}

/// Renders `frame` around `plot`.
pub fn draw<P: super::Plot>(frame: &Frame, plot: &P, size: Size) -> Result<Vec<u8>, ChartError> {
    super::render(frame, plot, size.0, size.1, size.2).map_err(ChartError::Draw)
}

// --- Values from the evaluated ledger --------------------------------------------------------

/// A drawn quantity: a figure or a derived line, with its interval and (for a figure) date.
#[derive(Debug, Clone)]
pub struct Val {
    pub id: String,
    pub point: Option<f64>,
    pub lo: f64,
    pub hi: f64,
    pub date: Option<Date>,
}

impl Val {
    /// A lower bound: `[lo, ∞)`.
    pub fn lower_bound(&self) -> bool {
        self.lo.is_finite() && self.hi == f64::INFINITY
    }
    /// An upper bound: `(-∞, hi]`.
    pub fn upper_bound(&self) -> bool {
        self.hi.is_finite() && self.lo == f64::NEG_INFINITY
    }
    /// The value a mark is placed at: the point, else the finite end of a one-sided interval.
    pub fn value(&self) -> Option<f64> {
        self.point.or(if self.lower_bound() {
            Some(self.lo)
        } else if self.upper_bound() {
            Some(self.hi)
        } else {
            None
        })
    }
    /// How `{.}` rounds: never past the bound the ledger gives.
    pub fn rounding(&self) -> super::text::Round {
        use super::text::Round;
        if self.lower_bound() {
            Round::Down
        } else if self.upper_bound() {
            Round::Up
        } else {
            Round::Nearest
        }
    }
    /// A bounded interval wider than a point (drawn as an error bar).
    pub fn has_interval(&self) -> bool {
        self.lo.is_finite()
            && self.hi.is_finite()
            && self.hi - self.lo > 1e-9 * self.hi.abs().max(self.lo.abs())
    }
}

/// The dataset and its evaluated ledger, as one chart reads them.
pub struct Source<'a> {
    pub ds: &'a Dataset,
    pub ev: &'a Evaluated,
    pub chart: &'a str,
    /// The ledger's template renderer, indexed once.
    pub names: wages_data::ledger::Names<'a>,
    inputs: wages_analysis::ledger::Inputs,
}

impl<'a> Source<'a> {
    pub fn new(ds: &'a Dataset, ev: &'a Evaluated, chart: &'a str) -> Self {
        Source {
            ds,
            ev,
            chart,
            names: wages_data::ledger::Names::new(ds, &ev.outcomes),
            inputs: wages_data::ledger::inputs(ds),
        }
    }

    /// A chart-data error: "chart `x`: ...".
    pub fn error(&self, message: impl std::fmt::Display) -> ChartError {
        ChartError::Data(format!(
            "chart `{}`: {}",
            self.chart,
            crate::output::printable(&message.to_string())
        ))
    }

    /// The value of a derived line or a figure (or any other key a formula may name, such as
    /// `{rule.field}`), by id.
    pub fn get(&self, id: &str) -> Result<Val, ChartError> {
        use wages_analysis::ledger::Outcome;
        if let Some(o) = self.ev.get(id) {
            return match o {
                Outcome::Derived(d) => Ok(Val {
                    id: id.to_string(),
                    point: d.point,
                    lo: d.interval.lo(),
                    hi: d.interval.hi(),
                    date: None,
                }),
                Outcome::Unavailable(u) => Err(self.error(format!(
                    "`{id}` is not available: {} (see `wages report`)",
                    u.reason
                ))),
                Outcome::Check(_) => Err(self.error(format!(
                    "`{id}` is a check, not a value; draw a figure or a derived line"
                ))),
            };
        }
        if let Some(q) = self.inputs.known.get(id) {
            return Ok(Val {
                id: id.to_string(),
                point: q.point,
                lo: q.interval.lo(),
                hi: q.interval.hi(),
                date: self.ds.figure(id).and_then(|f| f.date),
            });
        }
        if let Some(why) = self.inputs.absent.get(id) {
            return Err(self.error(format!("`{id}` is not available: {why}")));
        }
        Err(self.error(format!(
            "`{id}` names no figure or derived line of the dataset ({}); run `wages data check`",
            self.ds.origin
        )))
    }

    /// The value a mark of `id` is placed at (a window has none).
    pub fn value(&self, v: &Val) -> Result<f64, ChartError> {
        v.value().ok_or_else(|| {
            self.error(format!(
                "`{}` is a range with no single value ({}); draw it as an interval or a band",
                v.id,
                super::text::interval(v.lo, v.hi, None)
            ))
        })
    }

    /// A label template rendered (docs/charts.md).
    pub fn text(&self, template: &str, item: Option<&Val>) -> String {
        super::text::render(self, template, item)
    }
}

// --- Reading a record's fields ---------------------------------------------------------------

/// A `[[chart]]` record or one of its sub-records (a series, an item), read field by field.
/// The record's TOML table is read as JSON (its serde form): the binary does not link the
/// TOML crate, and chart fields hold no dates, so nothing is lost.
pub struct Rec<'a> {
    chart: &'a str,
    /// Where in the record: "" or "series 2: ".
    at: String,
    t: Map<String, Json>,
}

impl<'a> Rec<'a> {
    pub fn top(decl: &'a ChartDecl) -> Rec<'a> {
        let t = match serde_json::to_value(&decl.fields) {
            Ok(Json::Object(m)) => m,
            _ => Map::new(),
        };
        Rec {
            chart: &decl.id,
            at: String::new(),
            t,
        }
    }

    fn bad(&self, key: &str, problem: &str) -> ChartError {
        ChartError::Data(format!(
            "chart `{}`: {}`{key}` {problem}; run `wages data check` (docs/charts.md)",
            self.chart, self.at
        ))
    }

    pub fn str(&self, key: &str) -> Result<Option<String>, ChartError> {
        match self.t.get(key) {
            None => Ok(None),
            Some(Json::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.bad(key, "is not a string")),
        }
    }

    pub fn req_str(&self, key: &str) -> Result<String, ChartError> {
        self.str(key)?.ok_or_else(|| self.bad(key, "is missing"))
    }

    pub fn num(&self, key: &str) -> Result<Option<f64>, ChartError> {
        match self.t.get(key) {
            None => Ok(None),
            Some(Json::Number(x)) => match x.as_f64() {
                Some(x) if x.is_finite() => Ok(Some(x)),
                _ => Err(self.bad(key, "is not a finite number")),
            },
            Some(_) => Err(self.bad(key, "is not a number")),
        }
    }

    pub fn req_num(&self, key: &str) -> Result<f64, ChartError> {
        self.num(key)?.ok_or_else(|| self.bad(key, "is missing"))
    }

    pub fn bool(&self, key: &str, default: bool) -> Result<bool, ChartError> {
        match self.t.get(key) {
            None => Ok(default),
            Some(Json::Bool(b)) => Ok(*b),
            Some(_) => Err(self.bad(key, "is not true or false")),
        }
    }

    /// One of `allowed` (the first is the default).
    pub fn choice(&self, key: &str, allowed: &[&'static str]) -> Result<&'static str, ChartError> {
        match self.str(key)? {
            None => Ok(allowed[0]),
            Some(s) => allowed
                .iter()
                .find(|a| **a == s)
                .copied()
                .ok_or_else(|| self.bad(key, &format!("must be one of {}", allowed.join(", ")))),
        }
    }

    /// A string or a list of strings.
    pub fn strings(&self, key: &str) -> Result<Vec<String>, ChartError> {
        match self.t.get(key) {
            None => Ok(Vec::new()),
            Some(Json::String(s)) => Ok(vec![s.clone()]),
            Some(Json::Array(a)) => a
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| self.bad(key, "is not a list of strings"))
                })
                .collect(),
            Some(_) => Err(self.bad(key, "is not a list of strings")),
        }
    }

    /// `[lo, hi]` with `lo < hi`, if given.
    pub fn range(&self, key: &str) -> Result<Option<(f64, f64)>, ChartError> {
        let Some(v) = self.t.get(key) else {
            return Ok(None);
        };
        let n = |v: &Json| v.as_f64().filter(|x| x.is_finite());
        match v.as_array().map(|a| a.iter().map(n).collect::<Vec<_>>()) {
            Some(a) if a.len() == 2 => match (a[0], a[1]) {
                (Some(lo), Some(hi)) if lo < hi => Ok(Some((lo, hi))),
                _ => Err(self.bad(key, "must be [low, high] with low < high")),
            },
            _ => Err(self.bad(key, "must be [low, high]")),
        }
    }

    pub fn color(&self, key: &str, default: RGBColor) -> Result<RGBColor, ChartError> {
        match self.str(key)? {
            None => Ok(default),
            Some(name) => color(&name)
                .ok_or_else(|| self.bad(key, &format!("must be one of {}", COLORS.join(", ")))),
        }
    }

    /// The sub-records under `key` (`[[chart.series]]`, or an inline list of tables); a plain
    /// string in the list is a record `{ id = "..." }`.
    pub fn records(&self, key: &str) -> Result<Vec<Rec<'a>>, ChartError> {
        let items: Vec<Json> = match self.t.get(key) {
            None => return Ok(Vec::new()),
            Some(Json::Array(a)) => a.clone(),
            Some(t @ Json::Object(_)) => vec![t.clone()],
            Some(_) => return Err(self.bad(key, "is not a list")),
        };
        items
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                let t = match v {
                    Json::Object(t) => t,
                    Json::String(s) => {
                        let mut t = Map::new();
                        t.insert("id".into(), Json::String(s));
                        t
                    }
                    _ => return Err(self.bad(key, "is not a list of ids or tables")),
                };
                let what = t
                    .get("id")
                    .and_then(Json::as_str)
                    .map(|id| format!("`{id}`"))
                    .unwrap_or_else(|| format!("#{}", i + 1));
                Ok(Rec {
                    chart: self.chart,
                    at: format!("{}{key} {what}: ", self.at),
                    t,
                })
            })
            .collect()
    }
}

// --- Colours and number formats --------------------------------------------------------------

/// The colour names a record may use, from the house palette.
pub use wages_data::chart_words::COLORS;

pub fn color(name: &str) -> Option<RGBColor> {
    Some(match name {
        "blue" => palette::BLUE,
        "vermilion" => palette::VERMILION,
        "green" => palette::GREEN,
        "orange" => palette::ORANGE,
        "sky" => palette::SKY,
        "purple" => palette::PURPLE,
        "grey" => palette::GREY,
        "ink" => palette::INK,
        _ => return None,
    })
}

/// The colour of the `i`-th series when the record names none.
pub fn default_color(i: usize) -> RGBColor {
    const CYCLE: [RGBColor; 6] = [
        palette::BLUE,
        palette::VERMILION,
        palette::GREEN,
        palette::ORANGE,
        palette::SKY,
        palette::PURPLE,
    ];
    CYCLE[i % CYCLE.len()]
}

/// How values on an axis and in default labels are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumFormat {
    /// 80,000
    Number,
    /// 12x
    Multiple,
    /// 1:40
    Ratio,
    /// 13.8%
    Percent,
}

pub use wages_data::chart_words::FORMATS;

impl NumFormat {
    pub fn read(rec: &Rec, key: &str, default: &'static str) -> Result<NumFormat, ChartError> {
        let allowed: Vec<&'static str> = std::iter::once(default)
            .chain(FORMATS.iter().copied().filter(|f| *f != default))
            .collect();
        Ok(match rec.choice(key, &allowed)? {
            "multiple" => NumFormat::Multiple,
            "ratio" => NumFormat::Ratio,
            "percent" => NumFormat::Percent,
            _ => NumFormat::Number,
        })
    }

    /// A number already written out, in this format.
    pub fn wrap(self, n: &str) -> String {
        match self {
            NumFormat::Number => n.to_string(),
            NumFormat::Multiple => format!("{n}x"),
            NumFormat::Ratio => format!("1:{n}"),
            NumFormat::Percent => format!("{n}%"),
        }
    }

    /// A tick label.
    pub fn tick(self, v: f64) -> String {
        self.wrap(&super::fmt_tick(&v))
    }

    /// The default label of a drawn value: "≥ 12x" for a lower bound, "63,100  [63,050,
    /// 73,150]" for a value with an interval.
    pub fn label(self, v: &Val) -> String {
        let value = self.wrap(&super::text::value_text(v, None));
        if v.lower_bound() {
            format!("≥ {value}")
        } else if v.upper_bound() {
            format!("≤ {value}")
        } else if v.has_interval() && v.point.is_some() {
            format!("{value}  {}", super::text::interval(v.lo, v.hi, None))
        } else {
            value
        }
    }
}

// --- Axis ranges -----------------------------------------------------------------------------

/// The largest 1-2-5 number (…, 1, 2, 5, 10, …) at or below `x > 0`.
pub fn floor_125(x: f64) -> f64 {
    let p = 10f64.powf(x.log10().floor());
    for m in [5.0, 2.0, 1.0] {
        if m * p <= x * (1.0 + 1e-9) {
            return m * p;
        }
    }
    p
}

/// The smallest 1-2-5 number at or above `x > 0`.
pub fn ceil_125(x: f64) -> f64 {
    let p = 10f64.powf(x.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * p >= x * (1.0 - 1e-9) {
            return m * p;
        }
    }
    10.0 * p
}

/// A log axis over positive values from `lo` to `hi`: room below and above, and from 1:1 for
/// ratios (equal pay is where a ratio axis starts).
pub fn log_range(lo: f64, hi: f64, fmt: NumFormat, src: &Source) -> Result<(f64, f64), ChartError> {
    if !(lo > 0.0 && hi.is_finite() && hi >= lo) {
        return Err(src.error(format!(
            "a log axis needs values above 0; the values drawn run from {} to {}; use a linear scale",
            super::text::num(lo, None, super::text::Round::Nearest),
            super::text::num(hi, None, super::text::Round::Nearest)
        )));
    }
    let mut a = floor_125(lo / 1.3);
    if fmt == NumFormat::Ratio && lo >= 1.0 {
        a = a.min(1.0);
    }
    // Room above the highest value, and at least one tick above it.
    let b = (hi * 1.5).max(ceil_125(hi * (1.0 + 1e-9))).max(a * 10.0);
    Ok((a, b))
}

/// A linear axis over `lo..hi` from 0 (or below, for negative values) with room above: the
/// range and the tick step.
pub fn linear_range(lo: f64, hi: f64, headroom: f64) -> (f64, f64, f64) {
    let lo = lo.min(0.0);
    let hi = if hi > lo { hi } else { lo + 1.0 };
    let step = super::nice_step((hi - lo) / 5.0);
    let top = ((hi * headroom) / step).ceil() * step;
    let bottom = if lo < 0.0 {
        ((lo * headroom) / step).floor() * step
    } else {
        0.0
    };
    (bottom, top, step)
}

/// A colour blended with white: a light tint that stays opaque in both formats.
pub fn tint(c: RGBColor, a: f64) -> RGBColor {
    let mix = |x: u8| (x as f64 * a + 255.0 * (1.0 - a)).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_two_five_bounds() {
        assert_eq!(floor_125(1115.0), 1000.0);
        assert_eq!(floor_125(4.6), 2.0);
        assert_eq!(floor_125(6.15), 5.0);
        assert_eq!(ceil_125(39.0), 50.0);
        assert_eq!(ceil_125(100.0), 100.0);
    }

    #[test]
    fn linear_ranges_leave_room_above() {
        assert_eq!(
            linear_range(0.0, 73_150.0, 1.18),
            (0.0, 100_000.0, 20_000.0)
        );
        assert_eq!(linear_range(0.0, 40.0, 1.18), (0.0, 50.0, 10.0));
    }

    #[test]
    fn default_labels() {
        let v = |point, lo, hi| Val {
            id: "x".into(),
            point,
            lo,
            hi,
            date: None,
        };
        let n = NumFormat::Number;
        assert_eq!(
            n.label(&v(Some(63_100.0), 63_050.0, 73_150.0)),
            "63,100  [63,050, 73,150]"
        );
        assert_eq!(n.label(&v(Some(15_400.0), 15_400.0, 15_400.0)), "15,400");
        assert_eq!(
            NumFormat::Multiple.label(&v(Some(25.8667), 25.8667, f64::INFINITY)),
            "≥ 25.86x"
        );
        assert_eq!(NumFormat::Ratio.label(&v(Some(5.0), 5.0, 5.0)), "1:5");
    }
}

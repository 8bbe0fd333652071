//! The charts of the embedded dataset (Pirani 2006, plus the cited modern caps).
//!
//! Every number drawn comes from a figure of the dataset or from a `wages_analysis::derived`
//! function applied to such figures; nothing is typed in here except thresholds that are part
//! of the figures' own definitions (the 8x/15x/30x bracket bounds).

use super::{
    anchor, builder, dashed, err, error_bar_h, error_bar_v, fmt_multiple, fmt_tick, label_at,
    linear_ticks, log_axis_chart, log_ticks, mesh, nice_step, palette, Area, DrawResult, Format,
    Frame, Mark, Plot, Style,
};
use plotters::prelude::*;
use wages_analysis::derived::{self, Estimate};
use wages_data::{format_number, Dataset, Figure, Value};

/// Draws one chart of a dataset in a format and size.
type RenderFn = fn(&Dataset, Format, u32, u32) -> Result<Vec<u8>, ChartError>;

/// A chart of the dataset: name, one-line description, renderer.
pub struct ChartDef {
    pub name: &'static str,
    pub description: &'static str,
    render: RenderFn,
}

impl ChartDef {
    pub fn render(
        &self,
        ds: &Dataset,
        format: Format,
        width: u32,
        height: u32,
    ) -> Result<Vec<u8>, ChartError> {
        (self.render)(ds, format, width, height)
    }
}

/// Why a chart could not be drawn.
#[derive(Debug)]
pub enum ChartError {
    /// The dataset lacks a figure, or its figures do not support the derivation.
    Data(String),
    /// Drawing failed (e.g. the layout does not fit).
    Draw(String),
}

/// All charts, in the order `--list` and `all` use.
pub const CHARTS: &[ChartDef] = &[
    ChartDef {
        name: "ratio-timeline",
        description: "Official max:min pay ratio 1919-1923 (5, 8, 80, 40) on a log scale, with Andreev's effective ratio (40, 20)",
        render: ratio_timeline,
    },
    ChartDef {
        name: "vovsi-brackets",
        description: "People earning 8-15x, 15-30x and over 30x the minimum (1924), with intervals from the qualifiers",
        render: vovsi_brackets,
    },
    ChartDef {
        name: "vovsi-tail",
        description: "Number earning more than k times the minimum against k, log-log, with fitted Pareto segments",
        render: vovsi_tail,
    },
    ChartDef {
        name: "bromlei",
        description: "Bromlei factory, Oct 1923: salaries as multiples of the 5th-grade wage (lower bounds), against the caps",
        render: bromlei,
    },
    ChartDef {
        name: "party-pay-1922",
        description: "Party officials' pay, July 1922 (300/430/645 rubles) against the worker wage that makes it \"20-50 times\"",
        render: party_pay,
    },
    ChartDef {
        name: "caps-compared",
        description: "Pay-ratio caps through history: the Soviet caps of 1919-23 and cited modern reference points",
        render: caps_compared,
    },
];

pub fn find(name: &str) -> Option<&'static ChartDef> {
    CHARTS.iter().find(|c| c.name == name)
}

// --- Figures from the dataset ----------------------------------------------------------------

struct Figs<'a> {
    ds: &'a Dataset,
    chart: &'static str,
}

impl<'a> Figs<'a> {
    fn get(&self, id: &str) -> Result<&'a Figure, ChartError> {
        self.ds.figure(id).ok_or_else(|| {
            ChartError::Data(format!(
                "chart `{}` needs figure `{id}`, which the dataset ({}) lacks; add it under figures/ or run without --data",
                self.chart,
                crate::output::printable(&self.ds.origin)
            ))
        })
    }

    /// The figure as an estimate: its stated value and the interval its qualifier implies.
    fn est(&self, id: &str) -> Result<Estimate, ChartError> {
        let f = self.get(id)?;
        let q = f.qualifier;
        let (v, high) = match f.value {
            Value::Point { value } => (value, None),
            Value::Range { low, high } => (low, Some(high)),
        };
        Estimate::from_qualifier(q, v, high, f.rounding).map_err(|e| self.bad(f, e))
    }

    fn bad(&self, f: &Figure, e: impl std::fmt::Display) -> ChartError {
        ChartError::Data(format!(
            "{}: figure `{}`: {e} (needed by chart `{}`)",
            crate::output::printable(&f.file),
            f.id,
            self.chart
        ))
    }

    fn derive<T>(&self, what: &str, r: Result<T, derived::AnalysisError>) -> Result<T, ChartError> {
        r.map_err(|e| {
            ChartError::Data(format!(
                "chart `{}`: cannot compute {what} from the dataset ({}): {e}",
                self.chart,
                crate::output::printable(&self.ds.origin)
            ))
        })
    }
}

fn draw_err(e: String) -> ChartError {
    ChartError::Draw(e)
}

fn fmt_sig(x: f64) -> String {
    wages_analysis::interval::fmt_num(x).0
}

// --- 1. ratio-timeline -----------------------------------------------------------------------

struct Dated {
    x: f64,
    /// Half-width of the date's uncertainty in years (0.5 for a year-only date).
    x_half: f64,
    y: f64,
    label: String,
}

fn dated(f: &Figure, label: String) -> Result<Dated, ChartError> {
    let d = f.date.ok_or_else(|| {
        ChartError::Data(format!(
            "{}: figure `{}` has no date; ratio-timeline needs one (add date = \"YYYY\")",
            crate::output::printable(&f.file),
            f.id
        ))
    })?;
    Ok(Dated {
        x: d.fractional_year(),
        x_half: if d.month.is_none() { 0.5 } else { 0.0 },
        y: f.value.central(),
        label,
    })
}

struct Timeline {
    official: Vec<Dated>,
    effective: Vec<Dated>,
}

const OFFICIAL: [&str; 4] = ["ratio-1919", "ratio-1922", "ratio-1922-12", "ratio-1923-06"];

fn ratio_timeline(ds: &Dataset, f: Format, w: u32, h: u32) -> Result<Vec<u8>, ChartError> {
    let figs = Figs {
        ds,
        chart: "ratio-timeline",
    };
    let mut official = Vec::new();
    for id in OFFICIAL {
        let fig = figs.get(id)?;
        official.push(dated(
            fig,
            format!("1:{}", format_number(fig.value.central())),
        )?);
    }
    let floor = figs.est("andreev-floor")?;
    let mut effective = Vec::new();
    for id in ["ratio-1922-12", "ratio-1923-06"] {
        let e = figs.derive(
            "Andreev's effective ratio",
            derived::effective_ratio(&figs.est(id)?, &floor),
        )?;
        let mut d = dated(figs.get(id)?, format!("1:{}", fmt_sig(e.value())))?;
        d.y = e.value();
        effective.push(d);
    }
    let floor_text = format_number(floor.value());
    let frame = Frame::new("Official ratio of highest to lowest pay, Soviet Russia, 1919-1923")
        .subtitle(format!(
            "Log scale: from 1:5 to 1:80 in three years. Andreev's effective ratio = official ratio / {floor_text}, because most enterprises paid the lowest-paid {floor_text}x the minimum."
        ))
        .legend("official ratio (union rule 1919, amended 1922; decrees Dec 1922, June 1923)", palette::BLUE, Mark::Point)
        .legend(format!("effective ratio if the lowest-paid get {floor_text}x the minimum (Andreev)"), palette::VERMILION, Mark::Point)
        .note("Dates given only as a year (1919, 1922) are drawn mid-year with a bar spanning the year.")
        .source("Source: Pirani (2006), text and fn 27, citing Carr, A History of Soviet Russia IV pp41-42 (decrees) and Dewar, Labour Policy in the USSR p94 (Andreev). Effective ratios computed by wages.");
    super::render(
        &frame,
        &Timeline {
            official,
            effective,
        },
        f,
        w,
        h,
    )
    .map_err(draw_err)
}

impl Plot for Timeline {
    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, s: &Style) -> DrawResult {
        let chart = log_axis_chart(
            area,
            s,
            (1918.7..1924.3, linear_ticks(1919.0, 1924.0, 1.0)),
            1.0..150.0,
            "date (year)",
            "max:min ratio (log scale)",
            &|v| format!("{v:.0}"),
            &|v| format!("1:{}", fmt_tick(v)),
        )?;
        let pa = chart.plotting_area();
        let r = (6.0 * s.scale).max(4.0) as i32;
        for (series, color, above) in [
            (&self.official, palette::BLUE, true),
            (&self.effective, palette::VERMILION, false),
        ] {
            pa.draw(&PathElement::new(
                series.iter().map(|d| (d.x, d.y)).collect::<Vec<_>>(),
                s.stroke(color.mix(0.55).to_rgba().into_color(), 2.0),
            ))
            .map_err(err)?;
            for d in series.iter() {
                if d.x_half > 0.0 {
                    error_bar_h(
                        pa,
                        d.y,
                        d.x - d.x_half,
                        d.x + d.x_half,
                        s.width(10.0) as i32,
                        s.stroke(color, 1.5),
                    )?;
                }
                pa.draw(&Circle::new((d.x, d.y), r, color.filled()))
                    .map_err(err)?;
                let ts = s.bold(s.note(), color);
                let (dy, v) = if above {
                    (-r - 4, "bottom")
                } else {
                    (r + 4, "top")
                };
                label_at(pa, (d.x, d.y), (0, dy), &d.label, &ts, anchor("center", v))?;
            }
        }
        Ok(())
    }
}

trait IntoColor {
    fn into_color(self) -> RGBColor;
}
impl IntoColor for RGBAColor {
    /// Blends with white: a light tint that stays an opaque colour in both formats.
    fn into_color(self) -> RGBColor {
        let a = self.3;
        let mix = |c: u8| (c as f64 * a + 255.0 * (1.0 - a)).round() as u8;
        RGBColor(mix(self.0), mix(self.1), mix(self.2))
    }
}

// --- 2. vovsi-brackets -----------------------------------------------------------------------

struct Bar {
    label: String,
    value: f64,
    lo: f64,
    hi: f64,
}

struct Brackets {
    bars: Vec<Bar>,
}

fn vovsi_counts(figs: &Figs) -> Result<[Estimate; 4], ChartError> {
    let above8 = figs.est("vovsi-count-above-8x")?;
    let b15_30 = figs.est("vovsi-count-15-30x")?;
    let above30 = figs.est("vovsi-count-above-30x")?;
    let b8_15 = figs.derive(
        "the 8-15x bracket",
        derived::bracket_by_difference(&above8, &[b15_30.clone(), above30.clone()]),
    )?;
    Ok([above8, b8_15, b15_30, above30])
}

fn vovsi_brackets(ds: &Dataset, f: Format, w: u32, h: u32) -> Result<Vec<u8>, ChartError> {
    let figs = Figs {
        ds,
        chart: "vovsi-brackets",
    };
    let [above8, b8_15, b15_30, above30] = vovsi_counts(&figs)?;
    let bar = |label: &str, e: &Estimate| Bar {
        label: label.to_string(),
        value: e.value(),
        lo: e.interval().lo(),
        hi: e.interval().hi(),
    };
    let bars = vec![
        bar("8-15x", &b8_15),
        bar("15-30x", &b15_30),
        bar("over 30x", &above30),
    ];
    let frame = Frame::new("Sluzhashchie by pay bracket, 1923/24: how many earned over 8x the minimum")
        .subtitle(format!(
            "Persons earning 8-15, 15-30 and over 30 times the minimum in soviet, industrial, trade, banking and co-operative institutions. 8-15x = more than {} - {} - about {}.",
            format_number(above8.value()),
            format_number(b15_30.value()),
            format_number(above30.value()),
        ))
        .legend("persons (Pirani's extrapolation from Vovsi's shares)", palette::BLUE, Mark::Bar)
        .legend("interval implied by the qualifiers", palette::INK, Mark::ErrorBar)
        .note(format!(
            "\"More than {}\" is read as {}; \"about {}\" as {}; {} is stated without a qualifier, so no interval is drawn (its precision is unknown).",
            format_number(above8.value()),
            above8.interval(),
            format_number(above30.value()),
            above30.interval(),
            format_number(b15_30.value()),
        ))
        .source("Source: Pirani (2006), text and fn 28, extrapolated from Vovsi (ed.), Polozhenie truda sluzhashchikh ... v 1923/24 g. (Moscow, 1924) pp97-98. 8-15x computed by wages.");
    super::render(&frame, &Brackets { bars }, f, w, h).map_err(draw_err)
}

impl Plot for Brackets {
    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, s: &Style) -> DrawResult {
        let top = self.bars.iter().map(|b| b.hi).fold(0.0, f64::max);
        let step = nice_step(top / 5.0);
        let y_max = (top * 1.18 / step).ceil() * step;
        let labels: Vec<String> = self.bars.iter().map(|b| b.label.clone()).collect();
        let n = self.bars.len() as f64;
        let mut chart = builder(area, s)
            .build_cartesian_2d(
                super::linear(-0.6..n - 0.4, linear_ticks(0.0, n - 1.0, 1.0)),
                super::linear(0.0..y_max, linear_ticks(0.0, y_max, step)),
            )
            .map_err(err)?;
        let xf = move |v: &f64| labels.get(v.round() as usize).cloned().unwrap_or_default();
        mesh(
            &mut chart,
            s,
            "pay bracket (multiple of the minimum wage)",
            "persons",
            &xf,
            &fmt_tick,
        )?;
        let pa = chart.plotting_area();
        for (i, b) in self.bars.iter().enumerate() {
            let x = i as f64;
            pa.draw(&Rectangle::new(
                [(x - 0.3, 0.0), (x + 0.3, b.value)],
                palette::BLUE.filled(),
            ))
            .map_err(err)?;
            if b.hi > b.lo {
                error_bar_v(
                    pa,
                    x,
                    b.lo,
                    b.hi,
                    s.width(22.0) as i32,
                    s.stroke(palette::INK, 2.0),
                )?;
            }
            let mut text = format_number(b.value);
            if b.hi > b.lo {
                text = format!("{text}  [{}, {}]", format_number(b.lo), format_number(b.hi));
            }
            label_at(
                pa,
                (x, b.hi),
                (0, -(s.width(8.0) as i32)),
                &text,
                &s.bold(s.note(), palette::INK),
                anchor("center", "bottom"),
            )?;
        }
        Ok(())
    }
}

// --- 3. vovsi-tail ---------------------------------------------------------------------------

struct TailPoint {
    k: f64,
    n: Estimate,
}

struct Tail {
    points: Vec<TailPoint>,
    alphas: Vec<Estimate>,
    /// The first segment's Pareto law extended to the last threshold.
    extended: Estimate,
}

fn vovsi_tail(ds: &Dataset, f: Format, w: u32, h: u32) -> Result<Vec<u8>, ChartError> {
    let figs = Figs {
        ds,
        chart: "vovsi-tail",
    };
    let [above8, _b8_15, b15_30, above30] = vovsi_counts(&figs)?;
    let above15 = figs.derive(
        "N(>15x)",
        derived::total(&[b15_30.clone(), above30.clone()]),
    )?;
    let points = vec![
        TailPoint { k: 8.0, n: above8 },
        TailPoint {
            k: 15.0,
            n: above15,
        },
        TailPoint {
            k: 30.0,
            n: above30,
        },
    ];
    let mut alphas = Vec::new();
    for pair in points.windows(2) {
        alphas.push(figs.derive(
            "a Pareto exponent",
            derived::pareto_alpha(&pair[0].n, pair[0].k, &pair[1].n, pair[1].k),
        )?);
    }
    let extended = figs.derive(
        "the extended Pareto count",
        derived::pareto_count_above(&points[0].n, 8.0, &alphas[0], 30.0),
    )?;
    let frame = Frame::new("The upper tail of Vovsi's survey: number earning more than k times the minimum")
        .subtitle(format!(
            "Log-log. Between adjacent thresholds N(>k) falls as a Pareto law k^-α; α rises from {:.2} to {:.2}: the top thins out faster than one Pareto law would predict.",
            alphas[0].value(),
            alphas[1].value()
        ))
        .legend("N(>k), persons", palette::BLUE, Mark::Point)
        .legend("Pareto segment, α = ln(N(>a)/N(>b)) / ln(b/a)", palette::BLUE, Mark::Line)
        .legend(format!("8-15x segment extended: ≈{} above 30x", format_number(extended.value().round())), palette::VERMILION, Mark::Dashed)
        .note("N(>15) = 15,400 + about 1,500. Vertical bars: intervals from the qualifiers (\"more than 80,000\" read as 80,000-90,000); α's interval in brackets.")
        .source("Source: Pirani (2006), text and fn 28, extrapolated from Vovsi (ed.), Polozhenie truda sluzhashchikh ... v 1923/24 g. (Moscow, 1924) pp97-98. Exponents computed by wages.");
    super::render(
        &frame,
        &Tail {
            points,
            alphas,
            extended,
        },
        f,
        w,
        h,
    )
    .map_err(draw_err)
}

impl Plot for Tail {
    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, s: &Style) -> DrawResult {
        let x_ticks = vec![5.0, 8.0, 10.0, 15.0, 20.0, 30.0, 50.0];
        let mut chart = builder(area, s)
            .build_cartesian_2d(
                super::log(5.0..50.0, x_ticks),
                super::log(1000.0..120_000.0, log_ticks(1000.0, 120_000.0, true)),
            )
            .map_err(err)?;
        mesh(
            &mut chart,
            s,
            "k, multiple of the minimum wage (log scale)",
            "N(>k), persons (log scale)",
            &fmt_multiple,
            &fmt_tick,
        )?;
        let pa = chart.plotting_area();
        // Segments and their exponents.
        for (pair, alpha) in self.points.windows(2).zip(&self.alphas) {
            let (a, b) = (
                (pair[0].k, pair[0].n.value()),
                (pair[1].k, pair[1].n.value()),
            );
            pa.draw(&PathElement::new(vec![a, b], s.line(palette::BLUE)))
                .map_err(err)?;
            let mid = ((a.0 * b.0).sqrt(), (a.1 * b.1).sqrt());
            let i = alpha.interval();
            label_at(
                pa,
                mid,
                (-(s.width(8.0) as i32), s.width(8.0) as i32),
                &format!("α ≈ {:.2} [{:.2}, {:.2}]", alpha.value(), i.lo(), i.hi()),
                &s.bold(s.note(), palette::INK),
                anchor("right", "top"),
            )?;
        }
        // The first segment extended.
        let last = &self.points[self.points.len() - 1];
        dashed(
            pa,
            (self.points[1].k, self.points[1].n.value()),
            (last.k, self.extended.value()),
            s.width(9.0) as i32,
            s.stroke(palette::VERMILION, 2.5),
        )?;
        label_at(
            pa,
            (last.k, self.extended.value()),
            (s.width(10.0) as i32, 0),
            &format!("≈{}", format_number(self.extended.value().round())),
            &s.bold(s.note(), palette::VERMILION),
            anchor("left", "center"),
        )?;
        // Points with their intervals.
        let r = (6.0 * s.scale).max(4.0) as i32;
        for p in &self.points {
            let i = p.n.interval();
            if i.hi() > i.lo() {
                error_bar_v(
                    pa,
                    p.k,
                    i.lo(),
                    i.hi(),
                    s.width(16.0) as i32,
                    s.stroke(palette::INK, 2.0),
                )?;
            }
            pa.draw(&Circle::new((p.k, p.n.value()), r, palette::BLUE.filled()))
                .map_err(err)?;
            label_at(
                pa,
                (p.k, p.n.value()),
                (-(s.width(12.0) as i32), 0),
                &format_number(p.n.value()),
                &s.text(s.note(), palette::INK),
                anchor("right", "center"),
            )?;
        }
        Ok(())
    }
}

// --- 4. bromlei ------------------------------------------------------------------------------

struct Person {
    label: String,
    rubles: f64,
    multiple: f64,
    lower_bound: bool,
}

struct Cap {
    ratio: f64,
    label: String,
}

struct Bromlei {
    people: Vec<Person>,
    caps: Vec<Cap>,
}

fn bromlei(ds: &Dataset, f: Format, w: u32, h: u32) -> Result<Vec<u8>, ChartError> {
    let figs = Figs {
        ds,
        chart: "bromlei",
    };
    let reference = figs.est("bromlei-anikeev")?;
    let mut people = vec![Person {
        label: "Anikeev (5th grade)".into(),
        rubles: reference.value(),
        multiple: 1.0,
        lower_bound: false,
    }];
    for (id, name) in [("bromlei-gurevich", "Gurevich"), ("bromlei-kun", "Kun")] {
        let pay = figs.est(id)?;
        let m = figs.derive(
            "a multiple of the 5th-grade wage",
            derived::lower_bound_multiple(&pay, &reference),
        )?;
        people.push(Person {
            label: name.into(),
            rubles: pay.value(),
            multiple: m.interval().lo(),
            lower_bound: !m.interval().is_bounded(),
        });
    }
    let mut caps = Vec::new();
    for (id, when) in [
        ("ratio-1919", "1919"),
        ("ratio-1922", "1922"),
        ("ratio-1923-06", "decreed by June 1923"),
    ] {
        let c = figs.get(id)?;
        caps.push(Cap {
            ratio: c.value.central(),
            label: format!("1:{} ({when})", format_number(c.value.central())),
        });
    }
    let frame = Frame::new("Bromlei factory, October 1923: pay as multiples of the 5th-grade wage")
        .subtitle(format!(
            "Salaries on the party cell's earnings list divided by Anikeev's {} rubles, the lowest stated. Arrows: lower bounds of the multiple of the true minimum.",
            format_number(reference.value())
        ))
        .legend("pay / Anikeev's pay (at least this multiple of the minimum)", palette::BLUE, Mark::Bar)
        .legend("official max:min ratios", palette::VERMILION, Mark::Dashed)
        .note("Lower bounds: non-party workers on grades 1-4 presumably earned less than Anikeev. Rubles presumably 1922 sovznaki; the pay period is not stated.")
        .source("Source: Pirani (2006), text and fn 30 (TsAODM f412 op1 d14, ll3-4 and 19); caps: text and fn 27. Multiples computed by wages.");
    super::render(&frame, &Bromlei { people, caps }, f, w, h).map_err(draw_err)
}

impl Plot for Bromlei {
    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, s: &Style) -> DrawResult {
        let top = self
            .caps
            .iter()
            .map(|c| c.ratio)
            .chain(self.people.iter().map(|p| p.multiple))
            .fold(0.0, f64::max);
        let y_max = (top * 1.15 / 5.0).ceil() * 5.0;
        let labels: Vec<String> = self.people.iter().map(|p| p.label.clone()).collect();
        let n = self.people.len() as f64;
        let mut chart = builder(area, s)
            .build_cartesian_2d(
                super::linear(-0.6..n - 0.4, linear_ticks(0.0, n - 1.0, 1.0)),
                super::linear(0.0..y_max, linear_ticks(0.0, y_max, 5.0)),
            )
            .map_err(err)?;
        let xf = move |v: &f64| labels.get(v.round() as usize).cloned().unwrap_or_default();
        mesh(
            &mut chart,
            s,
            "person (Bromlei party cell list)",
            "multiple of 5th-grade wage",
            &xf,
            &fmt_multiple,
        )?;
        let pa = chart.plotting_area();
        for c in &self.caps {
            dashed(
                pa,
                (-0.6, c.ratio),
                (n - 0.4, c.ratio),
                s.width(10.0) as i32,
                s.stroke(palette::VERMILION, 2.0),
            )?;
            label_at(
                pa,
                (-0.55, c.ratio),
                (0, -(s.width(4.0) as i32)),
                &c.label,
                &s.text(s.note(), palette::VERMILION),
                anchor("left", "bottom"),
            )?;
        }
        for (i, p) in self.people.iter().enumerate() {
            let x = i as f64;
            pa.draw(&Rectangle::new(
                [(x - 0.25, 0.0), (x + 0.25, p.multiple)],
                palette::BLUE.filled(),
            ))
            .map_err(err)?;
            let mut label_y = p.multiple;
            if p.lower_bound {
                // An arrow up from the bar: the true multiple is at least this.
                let head = y_max * 0.035;
                let tip = p.multiple + y_max * 0.09;
                pa.draw(&PathElement::new(
                    vec![(x, p.multiple), (x, tip - head * 0.5)],
                    s.stroke(palette::BLUE, 3.0),
                ))
                .map_err(err)?;
                pa.draw(&Polygon::new(
                    vec![(x - 0.06, tip - head), (x + 0.06, tip - head), (x, tip)],
                    palette::BLUE.filled(),
                ))
                .map_err(err)?;
                label_y = tip;
            }
            let text = if p.lower_bound {
                format!(
                    "{} rub.: ≥ {}",
                    format_number(p.rubles),
                    fmt_multiple(&((p.multiple * 100.0).floor() / 100.0))
                )
            } else {
                format!("{} rub. = 1x", format_number(p.rubles))
            };
            label_at(
                pa,
                (x, label_y),
                (0, -(s.width(6.0) as i32)),
                &text,
                &s.bold(s.note(), palette::INK),
                anchor("center", "bottom"),
            )?;
        }
        Ok(())
    }
}

// --- 5. party-pay-1922 -----------------------------------------------------------------------

struct Salary {
    label: String,
    rubles: f64,
}

struct PartyPay {
    salaries: Vec<Salary>,
    mult_low: f64,
    mult_high: f64,
    strict: Option<(f64, f64)>,
}

fn party_pay(ds: &Dataset, f: Format, w: u32, h: u32) -> Result<Vec<u8>, ChartError> {
    let figs = Figs {
        ds,
        chart: "party-pay-1922",
    };
    let mut salaries = Vec::new();
    for (id, label) in [
        ("pavlova-cell-secretary", "cell secretaries (min)"),
        ("pavlova-cc-member", "CC / regional (min)"),
        ("pavlova-maximum", "maximum"),
    ] {
        salaries.push(Salary {
            label: label.into(),
            rubles: figs.get(id)?.value.central(),
        });
    }
    let mult = figs.get("pavlova-multiple-of-workers")?;
    let (mult_low, mult_high) = (mult.value.low(), mult.value.high());
    let lowest = salaries
        .iter()
        .map(|s| s.rubles)
        .fold(f64::INFINITY, f64::min);
    let highest = salaries.iter().map(|s| s.rubles).fold(0.0, f64::max);
    let window = figs.derive(
        "the worker-pay window",
        derived::ratio_window(lowest, highest, mult_low, mult_high),
    )?;
    let strict = window.strict.map(|i| (i.lo(), i.hi()));
    let (ml, mh) = (format_number(mult_low), format_number(mult_high));
    let mut frame = Frame::new(format!(
        "Party officials' pay, July 1922, against the worker wage that makes it \"{ml}-{mh} times\""
    ))
    .subtitle(format!(
        "Monthly salaries set by the CC organisation bureau (log scale). Under each: the worker wages at which it is {ml}-{mh}x. Only wages in the shaded band make all three {ml}-{mh}x."
    ))
    .legend("salary, rubles a month", palette::BLUE, Mark::Point)
    .legend(format!("worker wage at which that salary is {ml}-{mh}x"), palette::GREY, Mark::ErrorBar);
    if let Some((lo, hi)) = strict {
        frame = frame.legend(
            format!(
                "implied worker wage: {}-{} rubles",
                fmt_sig(lo),
                fmt_sig(hi)
            ),
            palette::ORANGE,
            Mark::Band,
        );
    }
    let frame = frame
        .note("Conditional: \"20-50 times\" holds only if these are commodity rubles, which Pavlova does not say (three kinds circulated in 1922). The workers' wage is not given: it is implied.")
        .source("Source: Pirani (2006), fn 25, citing Pavlova, Stalinizm p68. Worker-wage window computed by wages.");
    super::render(
        &frame,
        &PartyPay {
            salaries,
            mult_low,
            mult_high,
            strict,
        },
        f,
        w,
        h,
    )
    .map_err(draw_err)
}

impl Plot for PartyPay {
    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, s: &Style) -> DrawResult {
        let labels: Vec<String> = self.salaries.iter().map(|p| p.label.clone()).collect();
        let n = self.salaries.len() as f64;
        let mut chart = builder(area, s)
            .build_cartesian_2d(
                super::linear(-0.6..n - 0.4, linear_ticks(0.0, n - 1.0, 1.0)),
                super::log(2.0..2000.0, log_ticks(2.0, 2000.0, true)),
            )
            .map_err(err)?;
        let xf = move |v: &f64| labels.get(v.round() as usize).cloned().unwrap_or_default();
        mesh(
            &mut chart,
            s,
            "post",
            "rubles a month (log scale)",
            &xf,
            &fmt_tick,
        )?;
        let pa = chart.plotting_area();
        if let Some((lo, hi)) = self.strict {
            pa.draw(&Polygon::new(
                vec![(-0.6, lo), (n - 0.4, lo), (n - 0.4, hi), (-0.6, hi)],
                palette::ORANGE.mix(0.3).filled(),
            ))
            .map_err(err)?;
        }
        let r = (7.0 * s.scale).max(4.0) as i32;
        for (i, p) in self.salaries.iter().enumerate() {
            let x = i as f64;
            let (wl, wh) = (p.rubles / self.mult_high, p.rubles / self.mult_low);
            error_bar_v(
                pa,
                x,
                wl,
                wh,
                s.width(26.0) as i32,
                s.stroke(palette::GREY, 2.5),
            )?;
            label_at(
                pa,
                (x, wh),
                (s.width(20.0) as i32, 0),
                &format!("{}-{}", fmt_sig(wl), fmt_sig(wh)),
                &s.text(s.note(), palette::GREY),
                anchor("left", "center"),
            )?;
            pa.draw(&Circle::new((x, p.rubles), r, palette::BLUE.filled()))
                .map_err(err)?;
            label_at(
                pa,
                (x, p.rubles),
                (s.width(14.0) as i32, 0),
                &format_number(p.rubles),
                &s.bold(s.note(), palette::INK),
                anchor("left", "center"),
            )?;
        }
        Ok(())
    }
}

// --- 6. caps-compared ------------------------------------------------------------------------

struct CapBar {
    label: String,
    ratio: f64,
    color: RGBColor,
}

struct Caps {
    bars: Vec<CapBar>,
}

fn cap_label(ds: &Dataset, f: &Figure) -> String {
    let year = f.date.map(|d| d.year.to_string()).unwrap_or_default();
    match f.id.as_str() {
        "ratio-1919" => "Soviet trade unions, 1919".into(),
        "ratio-1922" => "Soviet, amended 1922".into(),
        "ratio-1922-12" => "Soviet decree, Dec 1922".into(),
        "ratio-1923-06" => "Soviet decree, June 1923".into(),
        id if id.starts_with("mondragon") => format!("Mondragon co-ops, {year}"),
        "swiss-1-12-initiative" => match ds.figure("swiss-1-12-yes-share") {
            Some(y) => format!(
                "Swiss initiative, {year} ({}% yes)",
                fmt_sig(y.value.central())
            ),
            None => format!("Swiss initiative, {year}"),
        },
        id => format!("{id}, {year}"),
    }
}

fn caps_compared(ds: &Dataset, f: Format, w: u32, h: u32) -> Result<Vec<u8>, ChartError> {
    let figs = Figs {
        ds,
        chart: "caps-compared",
    };
    let mut chosen: Vec<&Figure> = Vec::new();
    for id in OFFICIAL {
        chosen.push(figs.get(id)?);
    }
    let mut modern: Vec<&Figure> = ds
        .figures
        .iter()
        .filter(|f| f.group == "modern-caps" && f.unit == wages_data::Unit::Ratio)
        .collect();
    modern.sort_by_key(|f| f.date);
    chosen.extend(modern);
    let bars = chosen
        .iter()
        .map(|f| CapBar {
            label: cap_label(ds, f),
            ratio: f.value.central(),
            color: if f.group == "official-ratios" {
                palette::BLUE
            } else if f.id.starts_with("swiss") {
                palette::ORANGE
            } else {
                palette::GREEN
            },
        })
        .collect();
    let frame = Frame::new("Pay-ratio caps compared: highest pay allowed, as a multiple of the lowest")
        .subtitle("Soviet Russia 1919-1923 against modern reference points (log scale; a bar starts at 1:1, equal pay).")
        .legend("Soviet caps (union rule, decrees)", palette::BLUE, Mark::Bar)
        .legend("Mondragon co-operatives (own rule)", palette::GREEN, Mark::Bar)
        .legend("Swiss \"1:12\" proposal, rejected 24 Nov 2013", palette::ORANGE, Mark::Bar)
        .note("Scopes differ: the Soviet ratios are economy-wide official min:max differentials; Mondragon's apply within each co-operative; the Swiss proposal, never in force, within each company.")
        .source("Sources: Pirani (2006), text and fn 27; Luzarraga Monasterio, Mondragon Multi-localisation Strategy (PhD thesis, Mondragon Unibertsitatea) p146; Swissvotes, vote no. 575 (24.11.2013).");
    super::render(&frame, &Caps { bars }, f, w, h).map_err(draw_err)
}

impl Plot for Caps {
    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, s: &Style) -> DrawResult {
        let n = self.bars.len();
        let labels: Vec<String> = self.bars.iter().map(|b| b.label.clone()).collect();
        let ts = s.text(s.tick(), palette::INK);
        let widest = labels
            .iter()
            .map(|l| area.estimate_text_size(l, &ts).map(|(w, _)| w).unwrap_or(0))
            .max()
            .unwrap_or(0);
        // Rows top to bottom in date order: row i sits at y = n - 1 - i.
        let mut chart = builder(area, s)
            .y_label_area_size(widest + s.width(20.0))
            .build_cartesian_2d(
                super::log(1.0..150.0, log_ticks(1.0, 100.0, true)),
                super::linear(-0.6..n as f64 - 0.4, linear_ticks(0.0, n as f64 - 1.0, 1.0)),
            )
            .map_err(err)?;
        let yf = move |v: &f64| {
            let i = n as i64 - 1 - v.round() as i64;
            usize::try_from(i)
                .ok()
                .and_then(|i| labels.get(i).cloned())
                .unwrap_or_default()
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .bold_line_style(palette::LIGHT.mix(0.6))
            .light_line_style(TRANSPARENT)
            .axis_style(s.stroke(palette::GREY, 1.5))
            .label_style(ts.clone())
            .axis_desc_style(s.text(s.label(), palette::INK))
            .x_desc("highest pay allowed / lowest pay (log scale)")
            .x_label_formatter(&|v| format!("1:{}", fmt_tick(v)))
            .y_label_formatter(&yf)
            .set_all_tick_mark_size(s.width(6.0))
            .draw()
            .map_err(err)?;
        let pa = chart.plotting_area();
        for (i, b) in self.bars.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            pa.draw(&Rectangle::new(
                [(1.0, y - 0.32), (b.ratio, y + 0.32)],
                b.color.filled(),
            ))
            .map_err(err)?;
            label_at(
                pa,
                (b.ratio, y),
                (s.width(8.0) as i32, 0),
                &format!("1:{}", format_number(b.ratio)),
                &s.bold(s.note(), palette::INK),
                anchor("left", "center"),
            )?;
        }
        Ok(())
    }
}

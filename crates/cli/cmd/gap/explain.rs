//! `wages gap --explain COLS`: the Blinder-Oaxaca decomposition's layout (tables, JSON, CSV
//! rows) and its chart. Every number is `wages_analysis::oaxaca::explain`'s.

use super::GapArgs;
use crate::chart::{
    self, builder, error_bar_h, fmt_tick, label_at, linear, linear_ticks, nice_step, palette, Area,
    DrawResult, Frame, Mark, Plot, Style,
};
use crate::output::{self, DynColumn, Format};
use plotters::prelude::*;
use serde_json::{json, Value};
use wages_analysis::oaxaca::{Detail, Explained, Outcome, Part};

/// What the unexplained part is and is not, wherever it is shown.
pub const UNEXPLAINED_NOTE: &str = "The unexplained part is the part of the gap that differences in the --explain columns do not account for, given these regressions: it includes unequal pay for the same characteristics and every difference in what the columns leave out; it is not by itself a measure of discrimination";

fn shown(s: &str) -> String {
    output::printable(s).into_owned()
}

/// Four decimals; a small non-zero number (a coefficient on pay in cents) with three
/// significant digits instead of as 0.0000.
fn num(x: f64) -> String {
    let x = if x == 0.0 { 0.0 } else { x };
    if x != 0.0 && x.abs() < 5e-4 {
        format!("{x:.2e}")
    } else {
        format!("{x:.4}")
    }
}

/// `value (se)`.
fn with_se(p: &Part) -> String {
    format!("{} ({})", num(p.value), num(p.se))
}

fn interval(p: &Part) -> String {
    format!("[{}, {}]", num(p.lo), num(p.hi))
}

fn share_of(p: &Part, gap: f64) -> String {
    if gap == 0.0 {
        "-".into()
    } else {
        format!("{:.1}%", 100.0 * p.value / gap)
    }
}

/// What the gap is in, in words.
fn outcome_words(e: &Explained) -> &'static str {
    match e.outcome {
        Outcome::Log => "log pay",
        Outcome::Level => "pay",
    }
}

/// The notes above the decomposition's tables.
pub fn notes(args: &GapArgs, e: &Explained) -> Vec<String> {
    let (a, b) = (shown(&e.group_a.label), shown(&e.group_b.label));
    let mut n = vec![
        format!(
            "gap R = mean {} of {a:?} - mean of {b:?} = {} - {} = {} (se {}){}",
            outcome_words(e),
            num(e.group_a.mean),
            num(e.group_b.mean),
            num(e.gap.value),
            num(e.gap.se),
            match e.outcome {
                Outcome::Log => format!(
                    "; in log points: exp(-R) - 1 = {:.2}% is {b:?}'s geometric mean pay against {a:?}'s",
                    100.0 * ((-e.gap.value).exp() - 1.0)
                ),
                Outcome::Level => String::new(),
            }
        ),
        format!(
            "regressions of {} on {} ({} coefficients): {a:?} {} rows (R² {:.3}), {b:?} {} rows (R² {:.3}); {} rows left out for a missing --explain column",
            outcome_words(e),
            args.explain.join(", "),
            e.group_a.coefficients.len(),
            e.group_a.n,
            e.group_a.r_squared,
            e.group_b.n,
            e.group_b.r_squared,
            e.dropped_missing
        ),
        format!("standard errors and 95% intervals: {}", e.method),
        format!(
            "twofold reference: {} (the default; every reference is in the table below)",
            e.reference.describe()
        ),
    ];
    if let Some(d) = e.detailed.iter().find(|d| d.base) {
        let bases: Vec<String> = e
            .detailed
            .iter()
            .filter(|d| d.base)
            .map(|d| {
                format!(
                    "{} = {:?}",
                    shown(d.variable.as_deref().unwrap_or("")),
                    shown(d.category.as_deref().unwrap_or(""))
                )
            })
            .collect();
        let _ = d;
        n.push(format!(
            "categorical columns: indicators of every category but the base ({}); detailed contributions normalised so that they do not depend on the base (Yun 2005)",
            bases.join(", ")
        ));
    }
    n.push(UNEXPLAINED_NOTE.to_string());
    n
}

/// The decomposition's tables (title, table) in `format`.
pub fn tables(e: &Explained, format: Format) -> Vec<(String, String)> {
    let (a, b) = (shown(&e.group_a.label), shown(&e.group_b.label));
    let gap = e.gap.value;
    type Row<'a> = (String, &'a Part);
    let part_columns = || -> Vec<DynColumn<'_, Row<'_>>> {
        vec![
            DynColumn::new("part", |(n, _): &Row| n.clone()),
            DynColumn::new("value", |(_, p): &Row| num(p.value)),
            DynColumn::new("se", |(_, p): &Row| num(p.se)),
            DynColumn::new("95% interval", |(_, p): &Row| interval(p)),
            DynColumn::new("share of the gap", move |(_, p): &Row| share_of(p, gap)),
        ]
    };
    let pooled = &e.twofold[0];
    let two: Vec<Row> = vec![
        ("gap".into(), &e.gap),
        ("explained".into(), &pooled.explained),
        ("unexplained".into(), &pooled.unexplained),
        (
            format!("  of which {a:?}'s advantage"),
            &pooled.unexplained_a,
        ),
        (
            format!("  of which {b:?}'s disadvantage"),
            &pooled.unexplained_b,
        ),
    ];
    let three: Vec<Row> = vec![
        ("endowments".into(), &e.threefold.endowments),
        ("coefficients".into(), &e.threefold.coefficients),
        ("interaction".into(), &e.threefold.interaction),
    ];
    let refs: Vec<DynColumn<&wages_analysis::oaxaca::Twofold>> = vec![
        DynColumn::new(
            "reference coefficients",
            |t: &&wages_analysis::oaxaca::Twofold| t.reference.describe().to_string(),
        ),
        DynColumn::new("explained (se)", |t: &&wages_analysis::oaxaca::Twofold| {
            with_se(&t.explained)
        }),
        DynColumn::new(
            "unexplained (se)",
            |t: &&wages_analysis::oaxaca::Twofold| with_se(&t.unexplained),
        ),
        DynColumn::new(
            "explained share",
            move |t: &&wages_analysis::oaxaca::Twofold| share_of(&t.explained, gap),
        ),
    ];
    let ref_rows: Vec<&wages_analysis::oaxaca::Twofold> = e.twofold.iter().collect();
    let detail_columns: Vec<DynColumn<&Detail>> = vec![
        DynColumn::new("column", |d: &&Detail| match (&d.variable, &d.category) {
            (None, _) => "(constant)".into(),
            (Some(v), None) => shown(v),
            (Some(_), Some(c)) => format!("  {}{}", shown(c), if d.base { " (base)" } else { "" }),
        }),
        DynColumn::new("explained (se)", |d: &&Detail| with_se(&d.explained)),
        DynColumn::new("unexplained (se)", |d: &&Detail| with_se(&d.unexplained)),
        DynColumn::new("endowments (se)", |d: &&Detail| with_se(&d.endowments)),
        DynColumn::new("coefficients (se)", |d: &&Detail| with_se(&d.coefficients)),
        DynColumn::new("interaction (se)", |d: &&Detail| with_se(&d.interaction)),
    ];
    let details: Vec<&Detail> = e.detailed.iter().collect();
    let reg_columns: Vec<DynColumn<usize>> = vec![
        DynColumn::new("term", move |i: &usize| {
            shown(&e.group_a.coefficients[*i].0)
        }),
        DynColumn::new(format!("{a} coefficient (se)"), move |i: &usize| {
            let c = &e.group_a.coefficients[*i];
            format!("{} ({})", num(c.1), num(c.2))
        }),
        DynColumn::new(format!("{a} mean"), move |i: &usize| {
            num(e.group_a.coefficients[*i].3)
        }),
        DynColumn::new(format!("{b} coefficient (se)"), move |i: &usize| {
            let c = &e.group_b.coefficients[*i];
            format!("{} ({})", num(c.1), num(c.2))
        }),
        DynColumn::new(format!("{b} mean"), move |i: &usize| {
            num(e.group_b.coefficients[*i].3)
        }),
    ];
    let reg_rows: Vec<usize> = (0..e.group_a.coefficients.len()).collect();
    vec![
        (
            format!("Explaining the gap between {a:?} and {b:?} (Blinder-Oaxaca, twofold, pooled reference)"),
            output::export_dyn(format, &part_columns(), &two),
        ),
        (
            format!("Threefold, from {b:?}'s viewpoint: endowments = (x̄_A - x̄_B)'β_B, coefficients = x̄_B'(β_A - β_B), interaction = (x̄_A - x̄_B)'(β_A - β_B)"),
            output::export_dyn(format, &part_columns(), &three),
        ),
        (
            "Twofold under every choice of reference coefficients (with a pooled reference, the split of the unexplained part into U_A and U_B follows from how the group indicator is coded: 1 for B, so U_A = 0 by construction)".into(),
            output::export_dyn(format, &refs, &ref_rows),
        ),
        (
            "Detailed decomposition: each column's contribution (twofold with the pooled reference, and threefold)".into(),
            output::export_dyn(format, &detail_columns, &details),
        ),
        (
            format!("The regressions (A = {a:?}, B = {b:?})"),
            output::export_dyn(format, &reg_columns, &reg_rows),
        ),
    ]
}

fn part_json(p: &Part) -> Value {
    json!({"value": p.value, "se": p.se, "lo": p.lo, "hi": p.hi})
}

/// The `explain` object of the JSON document.
pub fn json_value(e: &Explained) -> Value {
    let group = |g: &wages_analysis::oaxaca::GroupFit| {
        json!({
            "group": g.label,
            "n": g.n,
            "weighted_n": g.weighted_n,
            "mean_outcome": g.mean,
            "r_squared": g.r_squared,
            "coefficients": g.coefficients.iter().map(|(t, c, s, m)| json!({
                "term": t, "coefficient": c, "se": s, "mean": m
            })).collect::<Vec<_>>(),
        })
    };
    json!({
        "outcome": e.outcome,
        "method": e.method,
        "reference": e.reference,
        "group_a": group(&e.group_a),
        "group_b": group(&e.group_b),
        "dropped_missing": e.dropped_missing,
        "gap": part_json(&e.gap),
        "threefold": {
            "endowments": part_json(&e.threefold.endowments),
            "coefficients": part_json(&e.threefold.coefficients),
            "interaction": part_json(&e.threefold.interaction),
        },
        "twofold": e.twofold.iter().map(|t| json!({
            "reference": t.reference,
            "reference_description": t.reference.describe(),
            "explained": part_json(&t.explained),
            "unexplained": part_json(&t.unexplained),
            "unexplained_a": part_json(&t.unexplained_a),
            "unexplained_b": part_json(&t.unexplained_b),
        })).collect::<Vec<_>>(),
        "detailed": e.detailed.iter().map(|d| json!({
            "variable": d.variable,
            "category": d.category,
            "base": d.base,
            "explained": part_json(&d.explained),
            "unexplained": part_json(&d.unexplained),
            "endowments": part_json(&d.endowments),
            "coefficients": part_json(&d.coefficients),
            "interaction": part_json(&d.interaction),
        })).collect::<Vec<_>>(),
        "note": UNEXPLAINED_NOTE,
    })
}

/// The decomposition's rows of the long CSV: `(category, measure, value)`; `category` names the
/// detailed row (`(constant)`, a column, or `column=category`).
pub fn csv_rows(e: &Explained) -> Vec<(String, String, String)> {
    let mut rows = Vec::new();
    let mut part = |term: &str, name: &str, p: &Part| {
        for (suffix, v) in [("", p.value), (".se", p.se), (".lo", p.lo), (".hi", p.hi)] {
            rows.push((term.to_string(), format!("{name}{suffix}"), format!("{v}")));
        }
    };
    part("", "gap", &e.gap);
    part("", "threefold.endowments", &e.threefold.endowments);
    part("", "threefold.coefficients", &e.threefold.coefficients);
    part("", "threefold.interaction", &e.threefold.interaction);
    for t in &e.twofold {
        let r = serde_json::to_value(t.reference)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        part("", &format!("twofold.{r}.explained"), &t.explained);
        part("", &format!("twofold.{r}.unexplained"), &t.unexplained);
        part("", &format!("twofold.{r}.unexplained_a"), &t.unexplained_a);
        part("", &format!("twofold.{r}.unexplained_b"), &t.unexplained_b);
    }
    for d in &e.detailed {
        let term = match (&d.variable, &d.category) {
            (None, _) => "(constant)".to_string(),
            (Some(v), None) => v.clone(),
            (Some(v), Some(c)) => format!("{v}={c}"),
        };
        part(&term, "detailed.explained", &d.explained);
        part(&term, "detailed.unexplained", &d.unexplained);
        part(&term, "detailed.endowments", &d.endowments);
        part(&term, "detailed.coefficients", &d.coefficients);
        part(&term, "detailed.interaction", &d.interaction);
    }
    rows
}

// --- The chart -------------------------------------------------------------------------------

pub const CHART: &str = "gap-explained";

/// One bar: label, value, interval, colour.
struct Bar {
    label: String,
    value: f64,
    lo: f64,
    hi: f64,
    colour: RGBColor,
}

pub struct ExplainedChart {
    bars: Vec<Bar>,
    x: (f64, f64, f64),
    x_desc: &'static str,
}

/// The chart: the gap, its explained and unexplained parts, then each column's explained
/// contribution, each with its 95% interval.
pub fn chart(args: &GapArgs, e: &Explained) -> (Frame, ExplainedChart) {
    let (a, b) = (shown(&e.group_a.label), shown(&e.group_b.label));
    let pooled = &e.twofold[0];
    let bar = |label: String, p: &Part, colour| Bar {
        label,
        value: p.value,
        lo: p.lo,
        hi: p.hi,
        colour,
    };
    let mut bars = vec![
        bar("gap".into(), &e.gap, palette::INK),
        bar("explained".into(), &pooled.explained, palette::BLUE),
        bar(
            "unexplained".into(),
            &pooled.unexplained,
            palette::VERMILION,
        ),
    ];
    for d in e
        .detailed
        .iter()
        .filter(|d| d.variable.is_some() && d.category.is_none())
    {
        bars.push(bar(
            format!("  {}", shown(d.variable.as_deref().unwrap_or(""))),
            &d.explained,
            palette::SKY,
        ));
    }
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for b in &bars {
        lo = lo.min(b.lo).min(b.value);
        hi = hi.max(b.hi).max(b.value);
    }
    let span = (hi - lo).max(1e-9);
    let step = nice_step(span / 6.0);
    let x = (
        ((lo - span * 0.05) / step).floor() * step,
        ((hi + span * 0.05) / step).ceil() * step,
        step,
    );
    let frame = Frame::new(format!("What explains the gap between {a:?} and {b:?}"))
        .subtitle(format!(
            "Blinder-Oaxaca decomposition of the mean gap in {} (twofold, {}); light bars: each column's part of the explained gap. Lines: 95% intervals ({})",
            outcome_words(e),
            e.reference.describe(),
            e.method
        ))
        .source(format!(
            "Source: {}, pay column {:?}, groups by {:?}; {} + {} rows",
            args.file.display(),
            args.pay,
            args.by,
            e.group_a.n,
            e.group_b.n
        ))
        .legend("explained", palette::BLUE, Mark::Bar)
        .legend("unexplained", palette::VERMILION, Mark::Bar)
        .legend("a column's explained part", palette::SKY, Mark::Bar)
        .note("The unexplained part is not by itself a measure of discrimination: it also holds every difference the columns leave out.");
    let x_desc = match e.outcome {
        Outcome::Log => "part of the gap (log points)",
        Outcome::Level => "part of the gap (pay)",
    };
    (frame, ExplainedChart { bars, x, x_desc })
}

impl Plot for ExplainedChart {
    fn draw<DB: DrawingBackend>(&self, area: &Area<DB>, s: &Style) -> DrawResult {
        let n = self.bars.len();
        let (lo, hi, step) = self.x;
        let labels: Vec<String> = self.bars.iter().map(|b| b.label.clone()).collect();
        let cat = move |v: &f64| {
            let i = v.round();
            if (v - i).abs() > 1e-9 || i < 0.0 {
                return String::new();
            }
            let i = n as i64 - 1 - i as i64;
            usize::try_from(i)
                .ok()
                .and_then(|i| labels.get(i).cloned())
                .unwrap_or_default()
        };
        let ts = s.text(s.tick(), palette::INK);
        let widest = self
            .bars
            .iter()
            .map(|b| {
                area.estimate_text_size(&b.label, &ts)
                    .map(|(w, _)| w)
                    .unwrap_or(0)
            })
            .max()
            .unwrap_or(0);
        let mut c = builder(area, s)
            .y_label_area_size(widest + s.width(20.0))
            .build_cartesian_2d(
                linear(lo..hi, linear_ticks(lo, hi, step)),
                linear(-0.6..n as f64 - 0.4, linear_ticks(0.0, n as f64 - 1.0, 1.0)),
            )
            .map_err(chart::err)?;
        c.configure_mesh()
            .disable_y_mesh()
            .bold_line_style(palette::LIGHT.mix(0.6))
            .light_line_style(TRANSPARENT)
            .axis_style(s.stroke(palette::GREY, 1.5))
            .label_style(ts.clone())
            .axis_desc_style(s.text(s.label(), palette::INK))
            .x_desc(self.x_desc)
            .x_label_formatter(&|v: &f64| fmt_tick(v))
            .y_label_formatter(&cat)
            .set_all_tick_mark_size(s.width(6.0))
            .draw()
            .map_err(chart::err)?;
        let pa = c.plotting_area();
        pa.draw(&PathElement::new(
            vec![(0.0, -0.6), (0.0, n as f64 - 0.4)],
            s.stroke(palette::GREY, 1.5),
        ))
        .map_err(chart::err)?;
        let note = s.text(s.note(), palette::INK);
        for (i, b) in self.bars.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            pa.draw(&Rectangle::new(
                [(0.0, y - 0.3), (b.value, y + 0.3)],
                b.colour.filled(),
            ))
            .map_err(chart::err)?;
            error_bar_h(
                pa,
                y,
                b.lo,
                b.hi,
                s.width(10.0) as i32,
                s.stroke(palette::INK, 1.5),
            )?;
            let right = b.hi.max(b.value);
            label_at(
                pa,
                (right, y),
                (s.width(6.0) as i32, -((s.note() * 0.55) as i32)),
                &num(b.value),
                &note,
                crate::chart::anchor("left", "top"),
            )?;
        }
        Ok(())
    }
}

//! `wages gap --format html`: the parts of the terminal and Markdown output in their order (the
//! notes, the Article 9(1) indicators, every table through the shared exporter, the `--ci`
//! intervals, the decomposition of `--explain`, the pay ratio), then the charts of `--chart`
//! inline, and how the page was made.

use super::command::{Doc, Part};
use super::{Chart, Made};
use crate::cmd::gap::GapArgs;
use crate::output::numbers::{count, level};
use crate::output::{export_dyn, DynColumn, Format};
use wages_analysis::gap::{Band, Category, CellPay, Gaps, CURVE_LEVELS};
use wages_analysis::oaxaca::{Explained, Part as Share};

/// The tables the page adds to the terminal's, from the same result: the pay and gap at every
/// level the percentile chart draws (the chart's data as a table), and the people of each
/// group in each quartile band (the terminal shows their shares).
fn chart_tables(g: &Gaps) -> Vec<Part> {
    let label = |i: usize| super::text(&g.groups[i].label);
    type Row = (usize, f64);
    let rows: Vec<Row> = CURVE_LEVELS.iter().copied().enumerate().collect();
    let mut cols: Vec<DynColumn<Row>> = vec![DynColumn::new("percentile", |(_, p): &Row| {
        format!("P{}", (p * 100.0).round())
    })];
    for (i, grp) in g.groups.iter().enumerate() {
        cols.push(DynColumn::new(
            format!("pay: {}", label(i)),
            move |(k, _): &Row| {
                grp.quantiles
                    .get(*k)
                    .map_or_else(|| "-".into(), |x| level(*x))
            },
        ));
    }
    for gap in &g.gaps {
        cols.push(DynColumn::new(
            format!("gap %: {}", label(gap.group)),
            move |(k, _): &Row| {
                gap.quantile_gaps
                    .get(*k)
                    .map_or_else(|| "-".into(), |x| format!("{:.1}", x))
            },
        ));
    }
    let mut band_cols: Vec<DynColumn<&Band>> =
        vec![DynColumn::new("band", |b: &&Band| b.name.to_string())];
    for i in 0..g.groups.len() {
        band_cols.push(DynColumn::new(
            format!("people: {}", label(i)),
            move |b: &&Band| b.weight.get(i).map_or_else(|| "-".into(), |w| count(*w)),
        ));
    }
    let bands: Vec<&Band> = g.bands.iter().collect();
    vec![
        Part::Heading("Pay and gap at every percentile the chart draws".into()),
        Part::Table {
            caption: "Pay at each percentile of each group, and each group's gap to the reference there (%; the data of the percentile chart)".into(),
            html: export_dyn(Format::Html, &cols, &rows),
        },
        Part::Table {
            caption: "People (weighted) of each group in each quartile pay band".into(),
            html: export_dyn(Format::Html, &band_cols, &bands),
        },
    ]
}

/// Each group's pay within each category of workers (`--within`; the terminal shows the
/// gaps).
fn category_pay(g: &Gaps, cats: &[Category]) -> Vec<Part> {
    type Row<'a> = (&'a str, &'a str, &'a CellPay);
    let rows: Vec<Row> = cats
        .iter()
        .flat_map(|c| {
            c.groups
                .iter()
                .enumerate()
                .map(move |(i, p)| (c.label.as_str(), g.groups[i].label.as_str(), p))
        })
        .collect();
    let opt = |x: Option<f64>| x.map_or_else(|| "-".to_string(), level);
    let cols: Vec<DynColumn<Row>> = vec![
        DynColumn::new("category", |r: &Row| super::text(r.0)),
        DynColumn::new("group", |r: &Row| super::text(r.1)),
        DynColumn::new("rows", |r: &Row| r.2.n.to_string()),
        DynColumn::new("people (weighted)", |r: &Row| count(r.2.weighted_n)),
        DynColumn::new("mean pay", move |r: &Row| opt(r.2.mean)),
        DynColumn::new("median pay", move |r: &Row| opt(r.2.median)),
        DynColumn::new("mean bonus", move |r: &Row| opt(r.2.bonus_mean)),
        DynColumn::new("median bonus", move |r: &Row| opt(r.2.bonus_median)),
    ];
    vec![
        Part::Heading("Pay by group within each category of workers".into()),
        Part::Table {
            caption: "Pay by group within each category of workers".into(),
            html: export_dyn(Format::Html, &cols, &rows),
        },
    ]
}

/// Every part of the decomposition with its standard error and interval, as the JSON's
/// `explain` has them (the terminal tables show a selection).
fn every_part(e: &Explained) -> Vec<Part> {
    let mut rows: Vec<(String, &Share)> = vec![
        ("gap".into(), &e.gap),
        ("threefold: endowments".into(), &e.threefold.endowments),
        ("threefold: coefficients".into(), &e.threefold.coefficients),
        ("threefold: interaction".into(), &e.threefold.interaction),
    ];
    for t in &e.twofold {
        let key = serde_json::to_value(t.reference)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let r = format!("twofold, {} ({key})", t.reference.describe());
        rows.push((format!("{r}: explained"), &t.explained));
        rows.push((format!("{r}: unexplained"), &t.unexplained));
        rows.push((format!("{r}: unexplained A"), &t.unexplained_a));
        rows.push((format!("{r}: unexplained B"), &t.unexplained_b));
    }
    for d in &e.detailed {
        let term = match (&d.variable, &d.category) {
            (None, _) => "(constant)".to_string(),
            (Some(v), None) => super::text(v),
            (Some(v), Some(c)) => format!("{}={}", super::text(v), super::text(c)),
        };
        for (name, p) in [
            ("explained", &d.explained),
            ("unexplained", &d.unexplained),
            ("endowments", &d.endowments),
            ("coefficients", &d.coefficients),
            ("interaction", &d.interaction),
        ] {
            rows.push((format!("detailed, {term}: {name}"), p));
        }
    }
    type Row<'a> = (String, &'a Share);
    // Six significant digits: enough to read every part back.
    let n = |x: f64| {
        let x = crate::output::numbers::unsigned_zero(x);
        if x != 0.0 && x.abs() < 1e-3 {
            format!("{x:.3e}")
        } else {
            format!("{x:.6}")
        }
    };
    let cols: Vec<DynColumn<Row>> = vec![
        DynColumn::new("part", |r: &Row| r.0.clone()),
        DynColumn::new("value", move |r: &Row| n(r.1.value)),
        DynColumn::new("se", move |r: &Row| n(r.1.se)),
        DynColumn::new("lower", move |r: &Row| n(r.1.lo)),
        DynColumn::new("upper", move |r: &Row| n(r.1.hi)),
    ];
    vec![
        Part::Heading("Every part of the decomposition".into()),
        Part::Table {
            caption: "Every part of the decomposition, with its standard error and interval".into(),
            html: export_dyn(Format::Html, &cols, &rows),
        },
    ]
}

pub fn page(
    args: &GapArgs,
    g: &Gaps,
    e: Option<&Explained>,
    parts: Vec<Part>,
    charts: Vec<Chart>,
) -> String {
    let file = wages_table::shown_path(&args.file);
    let mut made = Made::new()
        .fact("input", super::text(&file))
        .fact("pay column", super::text(&args.pay))
        .fact("groups by column", super::text(&args.by))
        .fact("data rows read", g.rows_read.to_string());
    if let Some(r) = g.groups.get(g.reference) {
        made = made.fact("reference group", super::text(&r.label));
    }
    if let Some(w) = &args.weight {
        made = made.fact("weights", format!("column {}", super::text(w)));
    }
    if let Some(w) = &args.within {
        made = made.fact(
            "categories of workers",
            format!("column {}", super::text(w)),
        );
    }
    if g.dropped_nonpositive > 0 {
        made = made.fact(
            "rows excluded (zero or negative pay)",
            g.dropped_nonpositive.to_string(),
        );
    }
    let mut d = Doc::new(
        format!("Pay gaps: {}", super::text(&super::file_name(&args.file))),
        "Gaps between groups as the UK SI 2017/172 (regs 8-13) and the EU Directive 2023/970 (Art. 9-10) define them (docs/gap.md)",
        made,
    );
    d.parts = parts;
    d.parts.extend(chart_tables(g));
    if let Some(cats) = &g.categories {
        d.parts.extend(category_pay(g, cats));
    }
    if let Some(e) = e {
        d.parts.extend(every_part(e));
    }
    if !charts.is_empty() {
        d.heading("Charts");
        d.charts(charts);
    }
    d.render()
}

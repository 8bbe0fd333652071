//! `wages gap --format html`: the parts of the terminal and Markdown output in their order (the
//! notes, the Article 9(1) indicators, every table through the shared exporter, the `--ci`
//! intervals, the decomposition of `--explain`, the pay ratio), then the charts of `--chart`
//! inline, and how the page was made.

use super::command::{Doc, Part};
use super::{Chart, Made};
use crate::cmd::gap::GapArgs;
use crate::output::numbers::{count, level};
use crate::output::{export_dyn, DynColumn, Format};
use wages_analysis::gap::{Band, Gaps, CURVE_LEVELS};

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

pub fn page(args: &GapArgs, g: &Gaps, parts: Vec<Part>, charts: Vec<Chart>) -> String {
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
    if !charts.is_empty() {
        d.heading("Charts");
        d.charts(charts);
    }
    d.render()
}

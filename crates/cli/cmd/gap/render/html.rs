//! `wages gap --format html`: the parts of the terminal output in its order, built from the
//! same pieces (`notes`, `rule_lines`, `tables`, the `--ci` and `--explain` tables, each
//! through the shared exporter with `Format::Html`), handed to the page (crates/cli/html/gap.rs)
//! with the charts of `--chart`. A child of `render` so it reuses its private pieces.

use super::{
    ci_note, ci_table, explain, level, notes, rule_lines, shown, tables, unsigned_zero, Ci, GapCi,
    ARTICLE_10_NOTE,
};
use crate::cmd::gap::GapArgs;
use crate::error::Result;
use crate::output::{self, DynColumn, Format};
use wages_analysis::gap::{Gaps, CURVE_LEVELS};
use wages_analysis::oaxaca::Explained;
use wages_analysis::uncertainty::Interval;
/// The `--ci` intervals of the gap at every level of [`CURVE_LEVELS`] (P5 ... P95), which the
/// JSON has and the terminal's table shows at four levels.
fn percentile_intervals(g: &Gaps, ci: &GapCi) -> String {
    type Row<'a> = (&'a str, f64, Option<f64>, Option<Interval>);
    let mut rows: Vec<Row> = Vec::new();
    for x in &ci.overall {
        let gap = g.gaps.iter().find(|k| k.group == x.group);
        for (j, &p) in CURVE_LEVELS.iter().enumerate() {
            rows.push((
                g.groups[x.group].label.as_str(),
                p,
                gap.and_then(|k| k.quantile_gaps.get(j).copied()),
                x.quantile_gaps.get(j).copied().flatten(),
            ));
        }
    }
    let cell = |x: Option<f64>| {
        x.map_or_else(
            || "n/a".to_string(),
            |x| format!("{:.2}%", unsigned_zero(x)),
        )
    };
    let columns: Vec<DynColumn<Row>> = vec![
        DynColumn::new("group", |r: &Row| shown(r.0)),
        DynColumn::new("percentile", |r: &Row| format!("P{:.0}", r.1 * 100.0)),
        DynColumn::new("gap", move |r: &Row| cell(r.2)),
        DynColumn::new("std. error", move |r: &Row| cell(r.3.map(|i| i.se))),
        DynColumn::new("lower", move |r: &Row| cell(r.3.map(|i| i.lower))),
        DynColumn::new("upper", move |r: &Row| cell(r.3.map(|i| i.upper))),
    ];
    output::export_dyn(Format::Html, &columns, &rows)
}

/// The page: the parts in the terminal's order, then the charts.
pub fn page(args: &GapArgs, g: &Gaps, e: Option<&Explained>, ci: Ci) -> Result<String> {
    use crate::html::command::Part;
    let table = |caption: &str, html: String| Part::Table {
        caption: caption.to_string(),
        html,
    };
    let mut parts = vec![
        Part::Notes(notes(args, g)),
        Part::Heading("EU Directive 2023/970, Article 9(1) indicators (the UK measures of SI 2017/172 regs 8-13 are the same figures)".into()),
        Part::Notes(rule_lines(args, g)),
    ];
    for (title, t) in tables(args, g, Format::Html) {
        parts.push(Part::Heading(title.clone()));
        parts.push(table(&title, t));
    }
    if let Some((c, intervals)) = ci {
        parts.push(Part::Heading("Sampling uncertainty of the gaps".into()));
        parts.push(Part::Notes(vec![ci_note(args, c)]));
        let t = ci_table(g, intervals, Format::Html);
        parts.push(table("Intervals of the gaps", t));
        parts.push(table(
            "Intervals of the gap at every percentile the chart draws (the terminal shows P10, P25, P75, P90)",
            percentile_intervals(g, intervals),
        ));
    }
    if g.categories.is_some() {
        parts.push(Part::Notes(vec![ARTICLE_10_NOTE.into()]));
    }
    if let Some(e) = e {
        parts.push(Part::Heading(
            "Explaining the gap: the Blinder-Oaxaca decomposition (Jann 2008)".into(),
        ));
        parts.push(Part::Notes(explain::notes(args, e)));
        for (title, t) in explain::tables(e, Format::Html) {
            parts.push(table(&title, t));
        }
    }
    if let Some(r) = &g.ratio {
        parts.push(Part::Heading(
            "Pay ratio (US Regulation S-K, Item 402(u))".into(),
        ));
        parts.push(Part::Notes(vec![format!(
            "{:?} is paid {}; the median of everyone else is {}: a ratio of {:.1} to 1",
            shown(&r.label),
            level(r.pay),
            level(r.median_of_others),
            r.ratio
        )]));
    }
    let charts = crate::cmd::gap::charts::svgs(args, g, e)?;
    Ok(crate::html::gap::page(args, g, e, parts, charts))
}

//! `wages gap --format html`: the parts of the terminal output in its order, built from the
//! same pieces (`notes`, `rule_lines`, `tables`, the `--ci` and `--explain` tables, each
//! through the shared exporter with `Format::Html`), handed to the page (crates/cli/html/gap.rs)
//! with the charts of `--chart`. A child of `render` so it reuses its private pieces.

use super::{
    ci_note, ci_table, explain, level, notes, rule_lines, shown, tables, Ci, ARTICLE_10_NOTE,
};
use crate::cmd::gap::GapArgs;
use crate::error::Result;
use crate::output::Format;
use wages_analysis::gap::Gaps;
use wages_analysis::oaxaca::Explained;
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

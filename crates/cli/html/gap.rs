//! `wages gap --format html`: the parts of the terminal and Markdown output in their order (the
//! notes, the Article 9(1) indicators, every table through the shared exporter, the `--ci`
//! intervals, the decomposition of `--explain`, the pay ratio), then the charts of `--chart`
//! inline, and how the page was made.

use super::command::{Doc, Part};
use super::{Chart, Made};
use crate::cmd::gap::GapArgs;
use wages_analysis::gap::Gaps;

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
        format!("Pay gaps: {}", super::text(&file)),
        "Gaps between groups as the UK SI 2017/172 (regs 8-13) and the EU Directive 2023/970 (Art. 9-10) define them (docs/gap.md)",
        made,
    );
    d.parts = parts;
    if !charts.is_empty() {
        d.heading("Charts");
        d.charts(charts);
    }
    d.render()
}

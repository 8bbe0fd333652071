//! `wages analyze --format html`: the notes (what was read, the reference minimum, the
//! policies), every table of the terminal and Markdown output (pay levels, ratios, inequality,
//! caps, Eurostat indicators, the decomposition, the `--ci` intervals), each through the shared
//! exporter from the command's typed rows, and the two charts of `--chart` inline.

use super::command::Doc;
use super::{Chart, Made};
use crate::cmd::analyze::AnalyzeArgs;
use crate::output::{export_dyn, DynColumn, Format};
use wages_analysis::decompose::GroupShare;
use wages_analysis::payroll::Analysis;

/// The table the page adds to the terminal's, from the same result: each group's GE(-1) and
/// GE(2), the indices of the decomposition the inequality table has no column for.
fn decomposition_indices(a: &Analysis) -> Option<String> {
    let d = a.decomposition.as_ref()?;
    type Row<'a> = (String, &'a GroupShare);
    let rows: Vec<Row> = a
        .groups
        .iter()
        // The decomposition's groups are the groups with rows, in order.
        .filter(|g| g.summary.is_some())
        .zip(&d.groups)
        .map(|(g, s)| (super::text(&g.label), s))
        .collect();
    let index = |x: f64| format!("{:.4}", crate::output::numbers::unsigned_zero(x));
    let cols: Vec<DynColumn<Row>> = vec![
        DynColumn::new("group", |(l, _): &Row| l.clone()),
        DynColumn::new("GE(-1)", move |(_, s): &Row| {
            s.ge_m1.map_or_else(|| "n/a".into(), index)
        }),
        DynColumn::new("GE(2)", move |(_, s): &Row| index(s.ge_2)),
    ];
    Some(export_dyn(Format::Html, &cols, &rows))
}

pub fn page(
    args: &AnalyzeArgs,
    a: &Analysis,
    notes: Vec<String>,
    tables: Vec<(&'static str, String)>,
    charts: Vec<Chart>,
) -> String {
    let file = wages_table::shown_path(&args.file);
    let mut made = Made::new()
        .fact("input", super::text(&file))
        .fact("pay column", super::text(&args.pay))
        .fact("data rows read", a.rows_read.to_string())
        .fact("rows analyzed", a.all.n.to_string());
    if let Some(g) = &args.group {
        made = made.fact(
            "groups",
            format!("{} by column {}", a.groups.len(), super::text(g)),
        );
    }
    if let Some(w) = &args.weight {
        made = made.fact("weights", format!("column {}", super::text(w)));
    }
    if a.dropped_nonpositive > 0 {
        made = made.fact(
            "rows excluded (zero or negative pay)",
            a.dropped_nonpositive.to_string(),
        );
    }
    if a.kept_nonpositive > 0 {
        made = made.fact(
            "rows kept with zero or negative pay",
            a.kept_nonpositive.to_string(),
        );
    }
    let mut d = Doc::new(
        format!("Payroll: {}", super::text(&super::file_name(&args.file))),
        "Pay levels, ratios, inequality, caps and Eurostat indicators (docs/analyze.md)",
        made,
    );
    d.notes(notes);
    for (title, table) in tables {
        // A table with nothing defined (the caps without a reference minimum) is left out; the
        // notes say why.
        if table.is_empty() {
            continue;
        }
        let short = title.split(" (").next().unwrap_or(title);
        d.heading(short);
        d.table(title, table);
    }
    if let Some(t) = decomposition_indices(a) {
        d.heading("Group indices in the decomposition");
        d.table(
            "GE(-1) and GE(2) of each group (the within part weights them)",
            t,
        );
    }
    if !charts.is_empty() {
        d.heading("Charts");
        d.charts(charts);
    }
    d.render()
}

//! `wages tabulate --format html`: the input's notes, then per group its bracket table (the
//! columns of the terminal table, through the shared exporter), its summary lines (membership,
//! checks, fits, Gini bounds, sources), and its fitted survival curve; the total's note.

use super::command::Doc;
use super::{Chart, Made};

/// One group of the tabulation as the page shows it.
pub struct Group {
    pub name: String,
    /// The bracket table, from `output::export(Format::Html, ...)`.
    pub table: String,
    pub lines: Vec<String>,
}

pub fn page(
    input: &str,
    input_notes: &[String],
    groups: &[Group],
    total_note: Option<String>,
    charts: Vec<(String, Chart)>,
    skipped: &[(String, String)],
) -> String {
    let made = Made::new()
        .fact("input", super::text(input))
        .fact("groups (with the total, if any)", groups.len().to_string());
    let mut d = Doc::new(
        format!("Bracket table: {}", super::text(input)),
        "Head-counts with rounding intervals, Pareto exponents, fitted distributions and Gini bounds (docs/tabulate.md)",
        made,
    );
    if !input_notes.is_empty() {
        d.heading("Notes in the input (its # lines)");
        d.notes(input_notes.to_vec());
    }
    let mut charts: Vec<Option<(String, Chart)>> = charts.into_iter().map(Some).collect();
    for g in groups {
        d.heading(format!("Group \"{}\"", g.name));
        d.table(format!("Brackets of \"{}\"", g.name), g.table.clone());
        d.notes(g.lines.clone());
        // The first chart of this group's name (the total and a group may share a name).
        if let Some(slot) = charts
            .iter_mut()
            .find(|c| c.as_ref().is_some_and(|(n, _)| n == &g.name))
        {
            if let Some((_, c)) = slot.take() {
                d.charts(vec![c]);
            }
        } else if let Some((_, why)) = skipped.iter().find(|(n, _)| n == &g.name) {
            d.notes(vec![format!("no chart: {why}")]);
        }
    }
    let mut tail = Vec::new();
    if let Some(n) = total_note {
        tail.push(n);
    }
    tail.push("Intervals follow from the printed rounding of shares and the qualifiers of counts; see docs/tabulate.md.".into());
    d.heading("Notes");
    d.notes(tail);
    d.render()
}

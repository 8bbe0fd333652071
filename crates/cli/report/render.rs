//! Text renderings of a [`Report`]: one terminal table per section, Markdown (a heading and a
//! table per section, cells escaped), and long-format CSV (one row per line). JSON is serde's
//! rendering of the model itself.

use super::{Line, Report, Section, Status};
use crate::output::{self, Column, Format};
use comfy_table::{ColumnConstraint, Width};
use wages_analysis::format::{fmt_num, fmt_toward};
use wages_analysis::interval::Interval;

use crate::output::{markdown_text, table_text};

/// The report's table, in the terminal and in Markdown: a line's label and id, its value, its
/// interval, and its provenance (one part per line in the terminal, `; `-separated in Markdown).
const COLUMNS: &[Column<Line>] = &[
    Column {
        header: "figure",
        terminal: true,
        cell: |l, f| {
            format!(
                "{}{}({})",
                l.label(),
                if f == Format::Table { "\n" } else { " " },
                l.id()
            )
        },
    },
    Column {
        header: "value",
        terminal: true,
        cell: |l, _| value_text(l),
    },
    Column {
        header: "interval",
        terminal: true,
        cell: |l, _| interval_text(l),
    },
    Column {
        header: "basis",
        terminal: true,
        cell: |l, f| basis_parts(l).join(if f == Format::Table { "\n" } else { "; " }),
    },
];

/// The legend printed above the terminal and Markdown renderings.
pub fn legend(r: &Report) -> Vec<String> {
    vec![
        format!("Dataset: {}. Report schema version {}.", output::printable(&r.dataset_origin), r.schema_version),
        "Intervals: what the source's wording allows (\"13.8%\" = [13.75, 13.85], \"about 1,500\" = [1,450, 1,550], \"more than 80,000\" = [80,000, 90,000], \"at least 12\" = [12, ∞)); derived intervals follow from their inputs'. See docs/report.md.".into(),
        "ASSUMES: the line rests on an assumption, not on a source alone. Checks say PASS (holds for every value in the intervals), FAIL (for none) or UNDECIDED, with their arithmetic.".into(),
    ]
}

/// "≈ 579,710 persons", "at least 12 x the minimum", "12.9 to 15 rubles/month".
pub fn value_text(line: &Line) -> String {
    match line {
        Line::Reported(r) => {
            if r.status == Status::Assumption {
                format!("ASSUMED: {}", r.value_text)
            } else {
                r.value_text.clone()
            }
        }
        Line::Derived(d) => {
            let body = match d.value {
                Some(v) => {
                    let (s, exact) = fmt_num(v);
                    if d.interval.hi() == f64::INFINITY && d.interval.lo() >= v {
                        // A bound is shown rounded toward what it guarantees: 25.866… is
                        // "at least 25.86", never "at least 25.87".
                        format!("at least {}", fmt_toward(v, f64::floor))
                    } else if d.interval.lo() == f64::NEG_INFINITY && d.interval.hi() <= v {
                        format!("at most {}", fmt_toward(v, f64::ceil))
                    } else if exact {
                        s
                    } else {
                        format!("≈ {s}")
                    }
                }
                None => format!(
                    "{} to {}",
                    fmt_num(d.interval.lo()).0,
                    fmt_num(d.interval.hi()).0
                ),
            };
            format!("{body} {}", d.unit_text)
        }
        Line::Check(c) => c.verdict.word().into(),
        Line::Unavailable(_) => "not available".into(),
    }
}

pub fn interval_text(line: &Line) -> String {
    let iv: Option<Interval> = match line {
        Line::Reported(r) => r.interval,
        Line::Derived(d) => Some(d.interval),
        _ => None,
    };
    iv.map(outward).unwrap_or_default()
}

/// `[lo, hi]` rounded outward in the digits `fmt_num` shows (the lower end down, the upper end
/// up), so the printed interval always contains the computed one: [2.468, 2.666], not the
/// nearest [2.469, 2.665] of [2.46856…, 2.66534…]. Exact ends are printed as they are.
fn outward(i: Interval) -> String {
    let open = if i.lo().is_finite() { '[' } else { '(' };
    let close = if i.hi().is_finite() { ']' } else { ')' };
    format!(
        "{open}{}, {}{close}",
        fmt_toward(i.lo(), f64::floor),
        fmt_toward(i.hi(), f64::ceil)
    )
}

/// The provenance of a line as separate parts: source, or formula and inputs, then every
/// assumption (prefixed `ASSUMES:`), then the note.
pub fn basis_parts(line: &Line) -> Vec<String> {
    let mut parts = Vec::new();
    match line {
        Line::Reported(r) => {
            let mut s = format!("source: {}", r.source);
            if let Some(f) = r.footnote {
                if !r.source.contains(&format!("fn {f}")) {
                    s.push_str(&format!(" (fn {f})"));
                }
            }
            parts.push(s);
        }
        Line::Derived(d) => {
            parts.push(d.formula.clone());
            if !d.inputs.is_empty() {
                parts.push(format!("inputs: {}", d.inputs.join(", ")));
            }
        }
        Line::Check(c) => {
            parts.push(c.detail.clone());
            if !c.inputs.is_empty() {
                parts.push(format!("inputs: {}", c.inputs.join(", ")));
            }
        }
        Line::Unavailable(u) => parts.push(u.reason.clone()),
    }
    match line {
        Line::Reported(_) => {
            for a in line.assumptions() {
                parts.push(format!("ASSUMES: {a}"));
            }
        }
        _ => {
            for a in line.assumed() {
                parts.push(format!("ASSUMES ({}): {}", a.id, a.statement));
            }
        }
    }
    let note = match line {
        Line::Derived(d) => d.note.as_ref(),
        Line::Check(c) => c.note.as_ref(),
        _ => None,
    };
    if let Some(n) = note {
        parts.push(format!("note: {n}"));
    }
    parts
}

/// One comfy-table per section, under its title.
pub fn table(r: &Report) -> String {
    let mut out = String::new();
    for l in legend(r) {
        out.push_str(&l);
        out.push('\n');
    }
    for s in &r.sections {
        out.push_str(&format!("\n{} [{}]\n", s.title, s.id));
        if s.lines.is_empty() {
            out.push_str("(none)\n");
            continue;
        }
        out.push_str(&output::export(Format::Table, COLUMNS, &s.lines, |t| {
            for (i, w) in [(0, 40), (1, 28), (2, 20)] {
                if let Some(c) = t.column_mut(i) {
                    c.set_constraint(ColumnConstraint::UpperBoundary(Width::Fixed(w)));
                }
            }
        }));
    }
    out
}

/// `--brief`: one line per figure (id, value, interval, and `ASSUMES` where the line rests on an
/// assumption), under each section's title; the sources, formulas and inputs are left to the
/// full table (`wages report`) and to `wages data show ID`.
pub fn brief(r: &Report) -> String {
    let mut out = format!(
        "Dataset: {}. One line per figure; `wages report` gives the source, formula and inputs of each, `wages data show ID` the record.\n",
        output::printable(&r.dataset_origin)
    );
    for s in &r.sections {
        out.push_str(&format!("\n{} [{}]\n", s.title, s.id));
        let mut t = comfy_table::Table::new();
        t.load_preset(comfy_table::presets::NOTHING);
        for l in &s.lines {
            let flag = if l.assumptions().is_empty() {
                ""
            } else {
                "ASSUMES"
            };
            t.add_row(vec![
                table_text(l.id()).into_owned(),
                table_text(&value_text(l)).into_owned(),
                interval_text(l),
                flag.to_string(),
            ]);
        }
        if s.lines.is_empty() {
            out.push_str("  (none)\n");
        } else {
            out.push_str(&format!("{t}\n"));
        }
    }
    out
}

/// A `##` heading and a table per section.
pub fn markdown(r: &Report) -> String {
    let mut out = String::from("# wages report\n\n");
    for l in legend(r) {
        out.push_str(&output::markdown_cell(&markdown_text(&l)));
        out.push_str("\n\n");
    }
    for s in &r.sections {
        out.push_str(&format!(
            "## {} ({})\n\n",
            output::markdown_cell(&s.title),
            output::markdown_cell(&s.id)
        ));
        if s.lines.is_empty() {
            out.push_str("(none)\n\n");
            continue;
        }
        out.push_str(&output::export(Format::Markdown, COLUMNS, &s.lines, |_| {}));
        out.push('\n');
    }
    out
}

/// One row of the long CSV format. The field names are the header (in this order), so the
/// header and the cells cannot drift apart; docs/report-json.md lists them.
#[derive(Default, serde::Serialize)]
struct CsvLine {
    section: String,
    kind: &'static str,
    id: String,
    label: String,
    value: String,
    value_text: String,
    qualifier: String,
    interval_lo: String,
    interval_hi: String,
    unit: String,
    status: String,
    passed: String,
    source: String,
    footnote: String,
    formula: String,
    inputs: String,
    assumptions: String,
}

/// Infinite bounds as `-Inf` / `Inf` (read as numbers by R's `read.csv` and pandas).
fn bound(x: f64) -> String {
    if x == f64::INFINITY {
        "Inf".into()
    } else if x == f64::NEG_INFINITY {
        "-Inf".into()
    } else {
        format!("{x}")
    }
}

fn csv_row(s: &Section, line: &Line) -> CsvLine {
    let mut r = CsvLine {
        section: s.id.clone(),
        id: line.id().into(),
        label: line.label().into(),
        value_text: value_text(line),
        assumptions: line.assumptions().join(" | "),
        ..CsvLine::default()
    };
    let iv = |r: &mut CsvLine, i: &Interval| {
        r.interval_lo = bound(i.lo());
        r.interval_hi = bound(i.hi());
    };
    match line {
        Line::Reported(x) => {
            r.kind = match x.record {
                super::Record::Figure => "reported",
                super::Record::Rule => "reported-rule",
                super::Record::Scale => "reported-scale",
            };
            r.value = x.value.map(|v| format!("{v}")).unwrap_or_default();
            r.qualifier = x.qualifier.clone().unwrap_or_default();
            if let Some(i) = &x.interval {
                iv(&mut r, i);
            }
            r.unit = x.unit.clone().unwrap_or_default();
            r.status = match x.status {
                Status::Reported => "reported",
                Status::Assumption => "assumption",
            }
            .into();
            r.source = x.source.clone();
            r.footnote = x.footnote.map(|f| f.to_string()).unwrap_or_default();
        }
        Line::Derived(d) => {
            r.kind = "derived";
            r.value = d.value.map(|v| format!("{v}")).unwrap_or_default();
            iv(&mut r, &d.interval);
            r.unit = d.unit.clone();
            r.status = if d.assumptions.is_empty() {
                "derived"
            } else {
                "derived-from-assumption"
            }
            .into();
            r.formula = d.formula.clone();
            r.inputs = d.inputs.join(";");
        }
        Line::Check(c) => {
            r.kind = "check";
            r.status = c.verdict.word().to_lowercase();
            r.passed = c.passed.to_string();
            r.formula = c.detail.clone();
            r.inputs = c.inputs.join(";");
        }
        Line::Unavailable(u) => {
            r.kind = "unavailable";
            r.formula = u.reason.clone();
            r.inputs = u.missing.join(";");
        }
    }
    r
}

/// Long format: one row per line, with its section.
pub fn csv(r: &Report) -> String {
    let rows: Vec<CsvLine> = r
        .sections
        .iter()
        .flat_map(|s| s.lines.iter().map(move |l| csv_row(s, l)))
        .collect();
    output::csv_serialize(&rows)
}

//! `wages tabulate`: published bracket tables to head-counts with rounding intervals, checks,
//! Pareto exponents, fitted distributions and Gini bounds. Input format, formulas and JSON keys:
//! docs/tabulate.md.

mod chart;
mod compute;
mod parse;

use super::Context;
use crate::error::{CliError, Result};
use crate::output::{self, Format};
use compute::{bracket_label, Figure, GroupReport};
use serde::Serialize;
use std::path::PathBuf;
use wages_analysis::interval::fmt_num;

/// Vovsi's 1924 survey as far as Pirani (2006) reports it: aggregate figures only.
const VOVSI: &str = include_str!("../../../../data/tabulations/vovsi-1924.csv");
/// A small invented table to show the format and every output (not historical).
const ILLUSTRATIVE: &str = include_str!("../../../../data/tabulations/illustrative-synthetic.csv");

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Example {
    /// Vovsi's 1924 survey of sluzhashchie, aggregate figures as reported by Pirani (2006).
    Vovsi,
    /// An invented two-institution table (synthetic, for illustration only).
    Illustrative,
}

#[derive(clap::Args)]
#[command(
    after_help = "Input: CSV with columns group,membership,lower,upper,share_percent,mean (or count instead of share_percent); see docs/tabulate.md.\nExample: wages tabulate --example vovsi"
)]
pub struct TabulateArgs {
    /// The bracket table: CSV, one row per group and bracket (see docs/tabulate.md).
    #[arg(
        value_name = "FILE",
        required_unless_present = "example",
        conflicts_with = "example"
    )]
    pub file: Option<PathBuf>,
    /// Run on a built-in example table instead of FILE.
    #[arg(long, value_enum)]
    pub example: Option<Example>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Also draw each group's fitted survival curve (log-log, with the bracket points) into DIR,
    /// as tabulate-<group>.png and .svg.
    #[arg(long, value_name = "DIR")]
    pub chart: Option<PathBuf>,
}

/// The whole report, as written by `--format json`.
#[derive(Serialize)]
struct Report {
    /// The file read, or `example:vovsi`.
    input: String,
    /// The input's `#` comment lines (sources, caveats), in order.
    input_notes: Vec<String>,
    groups: Vec<GroupReport>,
    /// Sum over the groups (when there are several with the same brackets), else `null`.
    total: Option<GroupReport>,
    /// Why there is no total, when there is none for several groups.
    total_note: Option<String>,
}

pub fn run(_ctx: &Context, args: TabulateArgs) -> Result<()> {
    let (name, text) = match (&args.example, &args.file) {
        (Some(Example::Vovsi), _) => ("example:vovsi".to_string(), VOVSI.to_string()),
        (Some(Example::Illustrative), _) => {
            ("example:illustrative".to_string(), ILLUSTRATIVE.to_string())
        }
        (None, Some(path)) => {
            let text = std::fs::read(path).map_err(|e| {
                CliError::data(format!(
                    "{}: cannot read the file: {e}; check the path",
                    path.display()
                ))
            })?;
            let text = String::from_utf8(text).map_err(|_| {
                CliError::data(format!(
                    "{}: not valid UTF-8; save the table as UTF-8 CSV",
                    path.display()
                ))
            })?;
            (path.display().to_string(), text)
        }
        (None, None) => {
            return Err(CliError::usage(
                "give a table FILE or --example vovsi (see `wages tabulate --help`)",
            ))
        }
    };
    let report = build(&name, &text).map_err(CliError::data)?;
    // Charts are rendered in memory before anything is written, so a failure leaves no files.
    let charts = match &args.chart {
        Some(dir) => {
            let (files, skipped) =
                chart::render_all(&name, &all_groups(&report)).map_err(CliError::Output)?;
            Some((dir, files, skipped))
        }
        None => None,
    };
    let out = match args.format {
        Format::Json => serde_json::to_string_pretty(&report)
            .map(|s| s + "\n")
            .map_err(|e| CliError::Output(format!("cannot write JSON: {e}")))?,
        Format::Csv => csv_out(&report),
        Format::Markdown => markdown_out(&report),
        Format::Table => table_out(&report),
    };
    if let Some((dir, files, skipped)) = charts {
        output::ensure_dir(dir)?;
        for (file, bytes) in &files {
            let path = dir.join(file);
            output::write_atomic(&path, bytes)?;
            eprintln!("wages: wrote {}", path.display());
        }
        for (g, why) in skipped {
            eprintln!("wages: no chart for group \"{}\": {why}", parse::esc(&g));
        }
    }
    output::print(&out)
}

fn build(name: &str, text: &str) -> std::result::Result<Report, String> {
    let groups = parse::parse(name, text)?;
    let input_notes = text
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix('#'))
        .map(|l| l.trim().to_string())
        .collect();
    let reports: Vec<GroupReport> = groups
        .iter()
        .map(|g| compute::group_report(name, g))
        .collect::<std::result::Result<_, _>>()?;
    let (total, total_note) = if reports.len() > 1 {
        match compute::total_report(name, &reports)? {
            Ok(t) => (Some(t), None),
            Err(why) => (None, Some(why)),
        }
    } else {
        (None, None)
    };
    Ok(Report {
        input: name.to_string(),
        input_notes,
        groups: reports,
        total,
        total_note,
    })
}

fn num(x: f64) -> String {
    fmt_num(x).0
}

fn opt(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_string(), num)
}

fn all_groups(r: &Report) -> Vec<&GroupReport> {
    r.groups.iter().chain(r.total.iter()).collect()
}

const BRACKET_HEADER: [&str; 7] = [
    "bracket (x minimum)",
    "share %",
    "count",
    "at or above lower: share %",
    "at or above lower: count",
    "Pareto alpha to next",
    "origin",
];

fn bracket_rows(g: &GroupReport) -> Vec<Vec<String>> {
    g.brackets
        .iter()
        .enumerate()
        .map(|(i, b)| {
            vec![
                bracket_label(b.lower, b.upper),
                b.share_percent.text(),
                b.count.text(),
                g.above[i].share_percent.text(),
                g.above[i].count.text(),
                g.pareto
                    .get(i)
                    .and_then(|p| p.alpha.as_ref())
                    .map_or_else(|| "-".into(), Figure::text),
                b.origin.clone(),
            ]
        })
        .collect()
}

fn summary_lines(g: &GroupReport) -> Vec<String> {
    let mut out = vec![format!(
        "membership: {} ({})",
        g.membership.members.text(),
        g.membership.origin
    )];
    if let Some(m) = g.top_bracket_mean_implied {
        out.push(format!(
            "open top bracket: mean implied by the last Pareto exponent = alpha/(alpha-1) x threshold = {}",
            num(m)
        ));
    }
    for c in &g.checks {
        out.push(format!("check {} [{}]: {}", c.check, c.status, c.message));
    }
    out.push(format!("fits describe: {}", g.fit_population));
    for f in &g.fits {
        out.push(format!(
            "{}: mean {}, P50 {}, P90 {}, P99 {}, top 10% share {}, top 1% share {}, Gini {}",
            f.method,
            num(f.mean),
            opt(f.p50),
            opt(f.p90),
            opt(f.p99),
            opt(f.top10_share),
            opt(f.top1_share),
            num(f.gini)
        ));
    }
    if g.gini.lower.is_some() {
        out.push(format!(
            "Gini: fit {} ({}), bounds [{}, {}] (lower: everyone at the bracket mean; upper: everyone at a bracket end)",
            opt(g.gini.fit),
            g.gini.fit_method.unwrap_or("-"),
            opt(g.gini.lower),
            opt(g.gini.upper)
        ));
    }
    for nf in &g.not_fitted {
        out.push(format!("not computed: {}: {}", nf.method, nf.reason));
    }
    out
}

fn table_out(r: &Report) -> String {
    let mut s = String::new();
    for n in &r.input_notes {
        s.push_str(&format!("# {n}\n"));
    }
    for g in all_groups(r) {
        s.push_str(&format!("\nGroup \"{}\"\n", g.group));
        let mut t = output::terminal_table(&BRACKET_HEADER);
        for row in bracket_rows(g) {
            t.add_row(row);
        }
        s.push_str(&format!("{t}\n"));
        for l in summary_lines(g) {
            s.push_str(&format!("  {l}\n"));
        }
    }
    if let Some(n) = &r.total_note {
        s.push_str(&format!("\n{n}\n"));
    }
    s.push_str("\nIntervals follow from the printed rounding of shares and the qualifiers of counts; see docs/tabulate.md.\n");
    s
}

fn markdown_out(r: &Report) -> String {
    let mut s = format!("# Bracket table: {}\n\n", output::markdown_cell(&r.input));
    for n in &r.input_notes {
        s.push_str(&format!("> {}\n", output::markdown_cell(n)));
    }
    for g in all_groups(r) {
        s.push_str(&format!("\n## {}\n\n", output::markdown_cell(&g.group)));
        s.push_str(&output::markdown_table(&BRACKET_HEADER, &bracket_rows(g)));
        s.push('\n');
        for l in summary_lines(g) {
            s.push_str(&format!("- {}\n", output::markdown_cell(&l)));
        }
    }
    if let Some(n) = &r.total_note {
        s.push_str(&format!("\n{}\n", output::markdown_cell(n)));
    }
    s
}

fn csv_out(r: &Report) -> String {
    let header = [
        "group",
        "lower",
        "upper",
        "share_percent",
        "share_percent_lo",
        "share_percent_hi",
        "count",
        "count_lo",
        "count_hi",
        "above_share_percent",
        "above_share_percent_lo",
        "above_share_percent_hi",
        "above_count",
        "above_count_lo",
        "above_count_hi",
        "pareto_alpha_to_next",
        "origin",
    ];
    let f = |x: f64| format!("{x}");
    let o = |x: Option<f64>| x.map_or_else(String::new, |v| format!("{v}"));
    let mut rows = Vec::new();
    for g in all_groups(r) {
        for (i, b) in g.brackets.iter().enumerate() {
            let a = &g.above[i];
            rows.push(vec![
                g.group.clone(),
                f(b.lower),
                o(b.upper),
                f(b.share_percent.value),
                o(b.share_percent.lo),
                o(b.share_percent.hi),
                f(b.count.value),
                o(b.count.lo),
                o(b.count.hi),
                f(a.share_percent.value),
                o(a.share_percent.lo),
                o(a.share_percent.hi),
                f(a.count.value),
                o(a.count.lo),
                o(a.count.hi),
                o(g.pareto.get(i).and_then(|p| p.alpha.map(|x| x.value))),
                b.origin.clone(),
            ]);
        }
    }
    output::csv_text(&header, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Extrapolation with the rounding interval written out: 12,000 members x 13.8% (printed
    /// with one decimal, so [13.75%, 13.85%]) = 1,656, interval
    /// [12,000 x 0.1375, 12,000 x 0.1385] = [1,650, 1,662].
    #[test]
    fn count_from_rounded_share() {
        let r = build(
            "t.csv",
            "group,membership,lower,upper,share_percent\nA,12000,8,,13.8\n",
        )
        .unwrap();
        let c = r.groups[0].brackets[0].count;
        assert!((c.value - 1656.0).abs() < 1e-9);
        assert!((c.lo.unwrap() - 1650.0).abs() < 1e-9);
        assert!((c.hi.unwrap() - 1662.0).abs() < 1e-9);
        // Only 13.8% is listed: the rest is said to lie below 8, not flagged as an error.
        assert_eq!(r.groups[0].checks[0].status, "note");
    }

    /// The Vovsi example reproduces Pirani's counts: N[15,30) = 15,400 and N[30,inf) = about
    /// 1,500 as reported; N[8,15) = 80,000 - 15,400 - 1,500 = 63,100 by difference, interval
    /// [80,000 - 15,400 - 1,550, 90,000 - 15,400 - 1,450] = [63,050, 73,150] ("more than
    /// 80,000" read as [80,000, 90,000], "about 1,500" as [1,450, 1,550]); membership
    /// 80,000 / 13.8% = 579,710.1, interval [80,000 / 0.1385, 90,000 / 0.1375]
    /// = [577,617.3, 654,545.5].
    #[test]
    fn vovsi_counts() {
        let r = build("example:vovsi", VOVSI).unwrap();
        let g = &r.groups[0];
        let m = g.membership.members;
        assert!((m.value - 80000.0 / 0.138).abs() < 1e-6);
        assert!((m.lo.unwrap() - 80000.0 / 0.1385).abs() < 1e-6);
        assert!((m.hi.unwrap() - 90000.0 / 0.1375).abs() < 1e-6);
        let b: Vec<_> = g.brackets.iter().map(|b| b.count).collect();
        assert_eq!(b.len(), 3);
        assert!((b[0].value - 63100.0).abs() < 1e-9);
        assert!((b[0].lo.unwrap() - 63050.0).abs() < 1e-9);
        assert!((b[0].hi.unwrap() - 73150.0).abs() < 1e-9);
        assert_eq!(b[1].value, 15400.0);
        assert_eq!((b[2].lo, b[2].hi), (Some(1450.0), Some(1550.0)));
        // alpha(8 -> 15) = ln(80,000 / 16,900) / ln(15/8) = 2.473;
        // alpha(15 -> 30) = ln(16,900 / 1,500) / ln 2 = 3.494.
        let a0 = g.pareto[0].alpha.unwrap().value;
        let a1 = g.pareto[1].alpha.unwrap().value;
        assert!((a0 - (80000.0f64 / 16900.0).ln() / (15.0f64 / 8.0).ln()).abs() < 1e-12);
        assert!((a1 - (16900.0f64 / 1500.0).ln() / 2f64.ln()).abs() < 1e-12);
        // Implied mean above 30: a1 / (a1 - 1) x 30.
        let implied = g.top_bracket_mean_implied.unwrap();
        assert!((implied - a1 / (a1 - 1.0) * 30.0).abs() < 1e-9);
    }
}

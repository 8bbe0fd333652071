//! The four output formats of `wages analyze`. Table and Markdown round numbers for reading;
//! JSON and CSV carry every number at full precision (shortest round-trip form).

use super::AnalyzeArgs;
use crate::error::{CliError, Result};
use crate::output::{self, Format};
use serde_json::{Map, Value};
use wages_analysis::inequality::Summary;
use wages_analysis::payroll::{Analysis, MinimumSource};

/// The output text for `args.format`.
pub fn render(args: &AnalyzeArgs, a: &Analysis) -> Result<String> {
    match args.format {
        Format::Json => json_text(args, a),
        Format::Csv => Ok(csv(args, a)),
        Format::Table | Format::Markdown => Ok(human(args, a)),
    }
}

/// The rows of the human tables: the whole table, then each group (a group left without rows
/// by `--drop-nonpositive` has no summary). Labels are shown with control characters escaped.
fn scopes(a: &Analysis) -> Vec<(String, Option<&Summary>)> {
    let mut v = vec![("(all rows)".to_string(), Some(&a.all))];
    for g in &a.groups {
        let label = if g.label.is_empty() {
            "(blank)".to_string()
        } else {
            output::printable(&g.label).into_owned()
        };
        v.push((label, g.summary.as_ref()));
    }
    v
}

/// What a table cell says for a group without rows.
const NO_ROWS: &str = "-";

/// The notes printed above the tables: what was read, the minimum and where it came from.
pub fn notes(args: &AnalyzeArgs, a: &Analysis) -> Vec<String> {
    let mut n = vec![format!(
        "{}: {} data rows; pay column {:?}{}{}",
        wages_table::shown_path(&args.file),
        a.rows_read,
        args.pay,
        args.weight
            .as_ref()
            .map(|w| format!("; weights from column {w:?}"))
            .unwrap_or_default(),
        args.group
            .as_ref()
            .map(|g| format!("; {} groups by column {g:?}", a.groups.len()))
            .unwrap_or_default(),
    )];
    if a.dropped_nonpositive > 0 {
        n.push(format!(
            "{} rows with zero or negative pay excluded (--drop-nonpositive); {} rows analyzed",
            a.dropped_nonpositive, a.all.n
        ));
    }
    let empty: Vec<String> = a
        .groups
        .iter()
        .filter(|g| g.summary.is_none())
        .map(|g| format!("{:?}", g.label))
        .collect();
    if !empty.is_empty() {
        const SHOWN: usize = 10;
        let mut names = empty
            .iter()
            .take(SHOWN)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if empty.len() > SHOWN {
            names.push_str(&format!(" and {} more", empty.len() - SHOWN));
        }
        n.push(format!(
            "{} group(s) have no rows left, every row having zero or negative pay: {}; they are listed with 0 rows and no statistics",
            empty.len(),
            output::printable(&names)
        ));
    }
    n.push(match a.minimum_source {
        MinimumSource::Given => format!("reference minimum: {} (--minimum)", level(a.minimum)),
        MinimumSource::SmallestPay => format!(
            "reference minimum: {}, the smallest pay in the file (no --minimum given): multiples and caps are relative to it",
            level(a.minimum)
        ),
    });
    n
}

/// `-0.0` (an empty sum in the statistics) printed as `0`.
fn unsigned_zero(x: f64) -> f64 {
    if x == 0.0 {
        0.0
    } else {
        x
    }
}

fn level(x: f64) -> String {
    let x = unsigned_zero(x);
    if x.abs() >= 1.0 || x == 0.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.6}")
    }
}

fn ratio(x: f64) -> String {
    format!("{x:.3}")
}

fn index(x: f64) -> String {
    format!("{x:.4}")
}

fn pct(x: f64) -> String {
    format!("{:.2}%", 100.0 * unsigned_zero(x))
}

fn count(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

fn multiple(k: f64) -> String {
    format!("{}x", k)
}

type Section = (&'static str, Vec<&'static str>, Vec<Vec<String>>);

fn sections(a: &Analysis) -> Vec<Section> {
    let sc = scopes(a);
    let mut levels_h = vec!["group", "rows"];
    if a.weighted {
        levels_h.push("weighted n");
    }
    levels_h.extend(["min", "P10", "median", "mean", "P90", "max"]);
    // A group without rows: its label, 0 rows and a dash in every other cell.
    let empty_row = |label: &str, cells: usize, rows: bool| {
        let mut r = vec![label.to_string()];
        if rows {
            r.push("0".to_string());
        }
        r.resize(cells, NO_ROWS.to_string());
        r
    };
    let levels: Vec<Vec<String>> = sc
        .iter()
        .map(|(l, s)| {
            let Some(s) = s else {
                return empty_row(l, levels_h.len(), true);
            };
            let mut r = vec![l.clone(), s.n.to_string()];
            if a.weighted {
                r.push(count(s.weighted_n));
            }
            r.extend([s.min, s.p10, s.p50, s.mean, s.p90, s.max].map(level));
            r
        })
        .collect();
    let ratios: Vec<Vec<String>> = sc
        .iter()
        .map(|(l, s)| {
            let Some(s) = s else {
                return empty_row(l, 7, false);
            };
            vec![
                l.clone(),
                ratio(s.max_min_ratio),
                ratio(s.p90_p10),
                ratio(s.p50_p10),
                ratio(s.p90_p50),
                index(s.kaitz),
                pct(s.low_pay_share),
            ]
        })
        .collect();
    let ineq: Vec<Vec<String>> = sc
        .iter()
        .map(|(l, s)| {
            let Some(s) = s else {
                return empty_row(l, 11, false);
            };
            vec![
                l.clone(),
                index(s.gini),
                s.gini_corrected.map(index).unwrap_or_else(|| "-".into()),
                index(s.theil_t),
                index(s.mld),
                index(s.atkinson_0_5),
                index(s.atkinson_1),
                index(s.atkinson_2),
                pct(s.top10_share),
                pct(s.top1_share),
                ratio(s.palma),
            ]
        })
        .collect();
    let mut caps_h = vec!["group", "cap", "threshold", "rows above"];
    if a.weighted {
        caps_h.push("weighted above");
    }
    caps_h.extend(["share above", "pay above threshold"]);
    let mut caps = Vec::new();
    for (l, s) in &sc {
        let Some(s) = s else { continue };
        for c in &s.caps {
            let mut r = vec![
                l.clone(),
                multiple(c.k),
                level(c.threshold),
                c.rows.to_string(),
            ];
            if a.weighted {
                r.push(count(c.count));
            }
            r.extend([pct(c.share), level(c.pay_above_total)]);
            caps.push(r);
        }
    }
    vec![
        ("Pay levels", levels_h, levels),
        (
            "Ratios (max:min of the data; Kaitz = minimum / median; low pay = share below 2/3 of the median)",
            vec![
                "group", "max:min", "P90/P10", "P50/P10", "P90/P50", "Kaitz", "low pay",
            ],
            ratios,
        ),
        (
            "Inequality",
            vec![
                "group",
                "Gini",
                "Gini (corr.)",
                "Theil T",
                "MLD",
                "Atkinson 0.5",
                "Atkinson 1",
                "Atkinson 2",
                "top 10%",
                "top 1%",
                "Palma",
            ],
            ineq,
        ),
        (
            "Caps: who earns more than k x the minimum, and the pay above k x minimum a cap would redirect",
            caps_h,
            caps,
        ),
    ]
}

fn human(args: &AnalyzeArgs, a: &Analysis) -> String {
    let md = args.format == Format::Markdown;
    let mut s = String::new();
    for line in notes(args, a) {
        if md {
            s.push_str(&format!("- {}\n", output::markdown_cell(&line)));
        } else {
            s.push_str(&line);
            s.push('\n');
        }
    }
    for (title, header, rows) in sections(a) {
        s.push('\n');
        if md {
            s.push_str(&format!("## {}\n\n", output::markdown_cell(title)));
            s.push_str(&output::markdown_table(&header, &rows));
        } else {
            s.push_str(title);
            s.push('\n');
            let mut t = output::terminal_table(&header);
            for r in rows {
                t.add_row(r);
            }
            s.push_str(&t.to_string());
            s.push('\n');
        }
    }
    s
}

/// The JSON document. Keys are in sorted order (as a `serde_json::Map` writes them) and the
/// groups are serialized one at a time straight into the output, so memory grows with the
/// output and not with a tree of every group's values (100,000 groups: about the output's
/// size, not ten times it).
fn json_text(args: &AnalyzeArgs, a: &Analysis) -> Result<String> {
    use serde::ser::{SerializeSeq, Serializer};
    use serde::Serialize;
    let fail =
        |e: serde_json::Error| CliError::Output(format!("cannot serialize the summary: {e}"));

    /// One group: its label and its summary's keys, in sorted order.
    struct Group<'a>(&'a wages_analysis::payroll::GroupSummary);
    impl Serialize for Group<'_> {
        fn serialize<S: Serializer>(&self, ser: S) -> std::result::Result<S::Ok, S::Error> {
            let mut m = Map::new();
            m.insert("group".into(), Value::String(self.0.label.clone()));
            match &self.0.summary {
                Some(s) => {
                    if let Value::Object(o) =
                        serde_json::to_value(s).map_err(serde::ser::Error::custom)?
                    {
                        m.extend(o);
                    }
                }
                None => {
                    m.insert("n".into(), Value::from(0));
                    m.insert(
                        "note".into(),
                        Value::String(
                            "no rows left: every row of the group has zero or negative pay (--drop-nonpositive)"
                                .into(),
                        ),
                    );
                }
            }
            m.serialize(ser)
        }
    }
    struct Groups<'a>(&'a [wages_analysis::payroll::GroupSummary]);
    impl Serialize for Groups<'_> {
        fn serialize<S: Serializer>(&self, ser: S) -> std::result::Result<S::Ok, S::Error> {
            let mut seq = ser.serialize_seq(Some(self.0.len()))?;
            for g in self.0 {
                seq.serialize_element(&Group(g))?;
            }
            seq.end()
        }
    }
    /// The document's fields, declared in sorted key order.
    #[derive(Serialize)]
    struct Document<'a> {
        all: Value,
        caps: &'a [f64],
        dropped_nonpositive: usize,
        file: String,
        group_column: &'a Option<String>,
        groups: Groups<'a>,
        minimum: f64,
        minimum_source: &'static str,
        pay_column: &'a str,
        rows_analyzed: usize,
        rows_read: usize,
        weight_column: &'a Option<String>,
    }
    let doc = Document {
        all: serde_json::to_value(&a.all).map_err(fail)?,
        caps: &args.caps,
        dropped_nonpositive: a.dropped_nonpositive,
        file: args.file.display().to_string(),
        group_column: &args.group,
        groups: Groups(&a.groups),
        minimum: a.minimum,
        minimum_source: match a.minimum_source {
            MinimumSource::Given => "given",
            MinimumSource::SmallestPay => "smallest_pay",
        },
        pay_column: &args.pay,
        rows_analyzed: a.all.n,
        rows_read: a.rows_read,
        weight_column: &args.weight,
    };
    let mut out = Vec::with_capacity(4096 + a.groups.len() * 1600);
    serde_json::to_writer_pretty(&mut out, &doc).map_err(fail)?;
    out.push(b'\n');
    String::from_utf8(out)
        .map_err(|e| CliError::Output(format!("cannot serialize the summary: {e}")))
}

/// Full-precision number: Rust's shortest round-trip form.
fn full(x: f64) -> String {
    format!("{}", unsigned_zero(x))
}

fn csv(args: &AnalyzeArgs, a: &Analysis) -> String {
    let mut header: Vec<String> = [
        "scope",
        "group",
        "n",
        "weighted_n",
        "min",
        "p10",
        "p50",
        "mean",
        "p90",
        "max",
        "max_min_ratio",
        "p90_p10",
        "p50_p10",
        "p90_p50",
        "minimum",
        "minimum_source",
        "dropped_nonpositive",
        "kaitz",
        "low_pay_share",
        "gini",
        "gini_corrected",
        "theil_t",
        "mld",
        "atkinson_0_5",
        "atkinson_1",
        "atkinson_2",
        "top10_share",
        "top1_share",
        "palma",
    ]
    .map(String::from)
    .to_vec();
    for k in &args.caps {
        for f in ["threshold", "rows", "count", "share", "pay_above_total"] {
            header.push(format!("cap_{k}_{f}"));
        }
    }
    let source = match a.minimum_source {
        MinimumSource::Given => "given",
        MinimumSource::SmallestPay => "smallest_pay",
    };
    let mut scopes: Vec<(&str, &str, Option<&Summary>)> = vec![("all", "", Some(&a.all))];
    for g in &a.groups {
        scopes.push(("group", &g.label, g.summary.as_ref()));
    }
    let rows: Vec<Vec<String>> = scopes
        .into_iter()
        .map(|(scope, label, s)| {
            let Some(s) = s else {
                // A group without rows: 0 rows, every statistic empty.
                let mut r = vec![scope.to_string(), label.to_string(), "0".to_string()];
                r.resize(header.len(), String::new());
                return r;
            };
            let mut r = vec![scope.to_string(), label.to_string(), s.n.to_string()];
            r.extend(
                [
                    s.weighted_n,
                    s.min,
                    s.p10,
                    s.p50,
                    s.mean,
                    s.p90,
                    s.max,
                    s.max_min_ratio,
                    s.p90_p10,
                    s.p50_p10,
                    s.p90_p50,
                    s.minimum,
                ]
                .map(full),
            );
            r.push(source.to_string());
            r.push(if scope == "all" {
                a.dropped_nonpositive.to_string()
            } else {
                String::new()
            });
            r.extend([s.kaitz, s.low_pay_share, s.gini].map(full));
            r.push(s.gini_corrected.map(full).unwrap_or_default());
            r.extend(
                [
                    s.theil_t,
                    s.mld,
                    s.atkinson_0_5,
                    s.atkinson_1,
                    s.atkinson_2,
                    s.top10_share,
                    s.top1_share,
                    s.palma,
                ]
                .map(full),
            );
            for c in &s.caps {
                r.push(full(c.threshold));
                r.push(c.rows.to_string());
                r.extend([c.count, c.share, c.pay_above_total].map(full));
            }
            r
        })
        .collect();
    let h: Vec<&str> = header.iter().map(String::as_str).collect();
    output::csv_text(&h, &rows)
}

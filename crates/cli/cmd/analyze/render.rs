//! The four output formats of `wages analyze`. Table and Markdown round numbers for reading;
//! JSON and CSV carry every number at full precision (shortest round-trip form).
//!
//! With `--group`, the subgroup decomposition (`wages_analysis::decompose`) adds two tables to
//! Table and Markdown and the `decomposition` key to JSON. CSV stays one table with one row per
//! scope: the decomposition is a table of another shape (index by part), which a second header
//! in the same file would hide from CSV readers, so it is in JSON only (docs/analyze.md).

use super::uncertainty;
use super::AnalyzeArgs;
use crate::error::{CliError, Result};
use crate::output::numbers::{count, full, level, ratio, unsigned_zero};
use crate::output::{self, DynColumn, Format};
use serde_json::{Map, Value};
use wages_analysis::decompose::{Decomposition, GroupShare, Parts};
use wages_analysis::inequality::Summary;
use wages_analysis::payroll::{Analysis, GroupSummary, MinimumSource};

/// The output text for `args.format`.
pub fn render(args: &AnalyzeArgs, a: &Analysis) -> Result<String> {
    match args.format {
        Format::Json => json_text(args, a),
        Format::Csv => Ok(csv(args, a)),
        Format::Table | Format::Markdown => Ok(human(args, a)),
        Format::Html => Ok(crate::html::analyze::page(
            args,
            a,
            notes(args, a),
            tables(a, Format::Html),
            super::charts::svgs(args, a)?,
        )),
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
            .or_else(|| args
                .count
                .as_ref()
                .map(|c| format!("; counts of identical rows from column {c:?}")))
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
    if a.kept_nonpositive > 0 {
        let negative = a.all.min < 0.0;
        n.push(format!(
            "{} rows with zero or negative pay kept (--nonpositive keep): MLD, Theil T and Atkinson 1 and 2 are not defined with non-positive pay{}; a ratio to a zero or negative quantile or share shows n/a{}",
            a.kept_nonpositive,
            if negative { ", nor Atkinson 0.5 with negative pay" } else { "" },
            if a.decomposition.is_some() {
                "; the decomposition splits only the Gini, GE(2) and (without negative pay) Atkinson 0.5"
            } else {
                ""
            }
        ));
    }
    if let Some(ci) = &a.ci {
        n.push(uncertainty::note(args, ci));
    }
    if !a.multiples_defined {
        n.push(format!(
            "reference minimum: none; the smallest pay in the file is {}, so max:min, the Kaitz index and the caps are not defined: give a positive --minimum for them",
            level(a.minimum)
        ));
        return n;
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

/// A statistic that may be undefined (zero or negative pay kept, a ratio to zero): `n/a`.
fn na(x: Option<f64>, f: fn(f64) -> String) -> String {
    x.map_or_else(|| "n/a".to_string(), f)
}

fn index(x: f64) -> String {
    format!("{x:.4}")
}

fn pct(x: f64) -> String {
    format!("{:.2}%", 100.0 * unsigned_zero(x))
}

/// A part of the decomposition, to 5 decimals as Stata `ineqdeco` prints them (between-group
/// parts are often small). A rounding error below zero (the Gini's overlap of groups whose pay
/// ranges do not overlap) is never printed as `-0.00000`.
fn part(x: f64) -> String {
    let s = format!("{x:.5}");
    match s.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        _ => s,
    }
}

fn multiple(k: f64) -> String {
    format!("{}x", k)
}

/// A row of the per-group tables: the group's label and its summary (none for a group left
/// without rows).
type Scope<'a> = (String, Option<&'a Summary>);

/// A per-group statistic column: its header and the cell from a summary; a group without rows
/// shows [`NO_ROWS`].
fn stat<'a>(
    header: impl Into<String>,
    cell: impl Fn(&Summary) -> String + 'a,
) -> DynColumn<'a, Scope<'a>> {
    DynColumn::new(header, move |(_, s): &Scope| {
        s.map_or_else(|| NO_ROWS.to_string(), &cell)
    })
}

fn group_column<'a>() -> DynColumn<'a, Scope<'a>> {
    DynColumn::new("group", |(l, _): &Scope| l.clone())
}

/// The four human tables (title, rendered table) in `format`.
fn tables(a: &Analysis, format: Format) -> Vec<(&'static str, String)> {
    let sc = scopes(a);
    let mut levels = vec![
        group_column(),
        DynColumn::new("rows", |(_, s): &Scope| {
            s.map_or_else(|| "0".to_string(), |s| s.n.to_string())
        }),
    ];
    if a.weighted {
        levels.push(stat("weighted n", |s| count(s.weighted_n)));
    }
    levels.extend([
        stat("min", |s| level(s.min)),
        stat("P10", |s| level(s.p10)),
        stat("median", |s| level(s.p50)),
        stat("mean", |s| level(s.mean)),
        stat("P90", |s| level(s.p90)),
        stat("max", |s| level(s.max)),
    ]);
    let ratios = vec![
        group_column(),
        stat("max:min", |s| na(s.max_min_ratio, ratio)),
        stat("P90/P10", |s| na(s.p90_p10, ratio)),
        stat("P50/P10", |s| na(s.p50_p10, ratio)),
        stat("P90/P50", |s| na(s.p90_p50, ratio)),
        stat("Kaitz", |s| na(s.kaitz, index)),
        stat("low pay", |s| pct(s.low_pay_share)),
    ];
    let ineq = vec![
        group_column(),
        stat("Gini", |s| index(s.gini)),
        stat("Gini (corr.)", |s| {
            s.gini_corrected.map(index).unwrap_or_else(|| "-".into())
        }),
        stat("Theil T", |s| na(s.theil_t, index)),
        stat("MLD", |s| na(s.mld, index)),
        stat("Atkinson 0.5", |s| na(s.atkinson_0_5, index)),
        stat("Atkinson 1", |s| na(s.atkinson_1, index)),
        stat("Atkinson 2", |s| na(s.atkinson_2, index)),
        stat("top 10%", |s| pct(s.top10_share)),
        stat("top 1%", |s| pct(s.top1_share)),
        stat("Palma", |s| na(s.palma, ratio)),
    ];
    // One row per (group, cap); groups without rows have none.
    type CapRow<'a> = (&'a str, &'a wages_analysis::inequality::CapRow);
    let cap_rows: Vec<CapRow> = sc
        .iter()
        .filter_map(|(l, s)| s.map(|s| (l.as_str(), s)))
        .flat_map(|(l, s)| s.caps.iter().map(move |c| (l, c)))
        .collect();
    let mut caps: Vec<DynColumn<CapRow>> = vec![
        DynColumn::new("group", |(l, _): &CapRow| l.to_string()),
        DynColumn::new("cap", |(_, c): &CapRow| multiple(c.k)),
        DynColumn::new("threshold", |(_, c): &CapRow| level(c.threshold)),
        DynColumn::new("rows above", |(_, c): &CapRow| c.rows.to_string()),
    ];
    if a.weighted {
        caps.push(DynColumn::new("weighted above", |(_, c): &CapRow| {
            count(c.count)
        }));
    }
    caps.extend([
        DynColumn::new("share above", |(_, c): &CapRow| pct(c.share)),
        DynColumn::new("pay above threshold", |(_, c): &CapRow| {
            level(c.pay_above_total)
        }),
    ]);
    let eurostat = vec![
        group_column(),
        stat("S80/S20", |s| na(s.s80_s20, ratio)),
        stat(
            format!(
                "poverty threshold ({}% of median)",
                a.all.poverty_line * 100.0
            ),
            |s| level(s.poverty_threshold),
        ),
        stat("at risk of poverty", |s| pct(s.poverty_rate)),
        stat("median poverty gap", |s| {
            s.poverty_gap.map(pct).unwrap_or_else(|| "-".into())
        }),
    ];
    let mut out = vec![
        ("Pay levels", output::export_dyn(format, &levels, &sc)),
        (
            "Ratios (max:min of the data; Kaitz = minimum / median; low pay = share below 2/3 of the median)",
            output::export_dyn(format, &ratios, &sc),
        ),
        ("Inequality", output::export_dyn(format, &ineq, &sc)),
        (
            "Caps: who earns more than k x the minimum, and the pay above k x minimum a cap would redirect",
            if a.multiples_defined {
                output::export_dyn(format, &caps, &cap_rows)
            } else {
                String::new()
            },
        ),
        (
            "Eurostat indicators (S80/S20 = pay above P80 / pay at or below P20; at risk of poverty = share below the threshold; gap = 1 - median pay of those below / threshold)",
            output::export_dyn(format, &eurostat, &sc),
        ),
    ];
    if let Some(d) = &a.decomposition {
        out.extend(decomposition_tables(a, d, format));
    }
    let mut entries = vec![("(all rows)".to_string(), a.uncertainty.as_deref())];
    entries.extend(
        sc.iter()
            .skip(1)
            .zip(&a.groups)
            .map(|((l, _), g)| (l.clone(), g.uncertainty.as_deref())),
    );
    if let Some(t) = uncertainty::table(a, format, &entries) {
        out.push((
            "Sampling uncertainty: standard errors and intervals (the method is in the notes above)",
            t,
        ));
    }
    out
}

/// The indices of the decomposition, in table order: (label, JSON key, parts; `None` where
/// not defined, with zero or negative pay kept).
fn measures(d: &Decomposition) -> [(&'static str, &'static str, Option<&Parts>); 8] {
    [
        ("GE(-1)", "ge_m1", d.ge_m1.as_ref()),
        ("MLD, GE(0)", "mld", d.mld.as_ref()),
        ("Theil T, GE(1)", "theil_t", d.theil_t.as_ref()),
        ("GE(2)", "ge_2", Some(&d.ge_2)),
        ("Atkinson 0.5", "atkinson_0_5", d.atkinson_0_5.as_ref()),
        ("Atkinson 1", "atkinson_1", d.atkinson_1.as_ref()),
        ("Atkinson 2", "atkinson_2", d.atkinson_2.as_ref()),
        ("Gini", "gini", Some(&d.gini)),
    ]
}

/// The groups with rows, which the decomposition's `groups` follow, with their labels.
fn decomposed_groups<'a>(
    a: &'a Analysis,
    d: &'a Decomposition,
) -> impl Iterator<Item = (&'a GroupSummary, &'a GroupShare)> {
    a.groups
        .iter()
        .filter(|g| g.summary.is_some())
        .zip(&d.groups)
}

/// The two tables of the subgroup decomposition (with `--group`).
fn decomposition_tables(
    a: &Analysis,
    d: &Decomposition,
    format: Format,
) -> [(&'static str, String); 2] {
    type Row<'a> = (&'static str, Option<&'a Parts>);
    let rows: Vec<Row> = measures(d).iter().map(|&(l, _, p)| (l, p)).collect();
    // An index not defined (zero or negative pay kept) is `n/a` across its row.
    let cell = |p: &Option<&Parts>, f: &dyn Fn(&Parts) -> String| p.map_or_else(|| "n/a".into(), f);
    let parts: Vec<DynColumn<Row>> = vec![
        DynColumn::new("index", |(l, _): &Row| l.to_string()),
        DynColumn::new("total", move |(_, p): &Row| cell(p, &|p| part(p.total))),
        DynColumn::new("within", move |(_, p): &Row| cell(p, &|p| part(p.within))),
        DynColumn::new("between", move |(_, p): &Row| cell(p, &|p| part(p.between))),
        DynColumn::new("overlap", move |(_, p): &Row| {
            cell(p, &|p| p.overlap.map_or_else(|| "-".to_string(), part))
        }),
        DynColumn::new("between share", move |(_, p): &Row| {
            cell(p, &|p| p.between_share.map_or_else(|| "-".to_string(), pct))
        }),
    ];
    type GroupRow<'a> = (String, &'a GroupShare);
    let groups: Vec<GroupRow> = decomposed_groups(a, d)
        .map(|(g, share)| {
            let label = if g.label.is_empty() {
                "(blank)".to_string()
            } else {
                output::printable(&g.label).into_owned()
            };
            (label, share)
        })
        .collect();
    let shares: Vec<DynColumn<GroupRow>> = vec![
        DynColumn::new("group", |(l, _): &GroupRow| l.clone()),
        DynColumn::new("population share", |(_, g): &GroupRow| {
            pct(g.population_share)
        }),
        DynColumn::new("income share", |(_, g): &GroupRow| pct(g.income_share)),
        DynColumn::new("relative mean", |(_, g): &GroupRow| ratio(g.relative_mean)),
    ];
    [
        (
            "Decomposition by group (GE: total = within + between; Atkinson: 1 - total = (1 - within)(1 - between), share of ln(1 - total); Gini: total = within + between + overlap)",
            output::export_dyn(format, &parts, &rows),
        ),
        (
            "Groups in the decomposition: share of the people (weighted), share of the pay, mean / overall mean",
            output::export_dyn(format, &shares, &groups),
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
    for (title, table) in tables(a, args.format) {
        // A table with nothing defined (the caps without a reference minimum) is left out;
        // the notes say why.
        if table.is_empty() {
            continue;
        }
        s.push('\n');
        if md {
            s.push_str(&format!("## {}\n\n", output::markdown_cell(title)));
        } else {
            s.push_str(title);
            s.push('\n');
        }
        s.push_str(&table);
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
    /// The decomposition: one object per index (its parts' keys sorted), and the groups with
    /// rows, each with its label, one at a time (as `Groups`).
    struct Decomposed<'a>(&'a Analysis, &'a Decomposition);
    impl Serialize for Decomposed<'_> {
        fn serialize<S: Serializer>(&self, ser: S) -> std::result::Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            struct Shares<'a>(&'a Analysis, &'a Decomposition);
            impl Serialize for Shares<'_> {
                fn serialize<S: Serializer>(&self, ser: S) -> std::result::Result<S::Ok, S::Error> {
                    let mut seq = ser.serialize_seq(Some(self.1.groups.len()))?;
                    for (g, share) in decomposed_groups(self.0, self.1) {
                        let mut m = Map::new();
                        m.insert("group".into(), Value::String(g.label.clone()));
                        if let Value::Object(o) =
                            serde_json::to_value(share).map_err(serde::ser::Error::custom)?
                        {
                            m.extend(o);
                        }
                        seq.serialize_element(&m)?;
                    }
                    seq.end()
                }
            }
            // `Some(p)`: an index (`p` is `None`, JSON `null`, where not defined); `None`: the
            // groups.
            let mut keyed: Vec<(&str, Option<Option<&Parts>>)> = measures(self.1)
                .iter()
                .map(|&(_, k, p)| (k, Some(p)))
                .collect();
            keyed.push(("groups", None));
            keyed.sort_by_key(|&(k, _)| k);
            let mut map = ser.serialize_map(Some(keyed.len()))?;
            for (k, p) in keyed {
                match p {
                    Some(p) => map.serialize_entry(
                        k,
                        &serde_json::to_value(p).map_err(serde::ser::Error::custom)?,
                    )?,
                    None => map.serialize_entry(k, &Shares(self.0, self.1))?,
                }
            }
            map.end()
        }
    }
    /// The document's fields, declared in sorted key order.
    #[derive(Serialize)]
    struct Document<'a> {
        all: Value,
        caps: &'a [f64],
        /// Only with `--count` (so that other runs print what they always did).
        #[serde(skip_serializing_if = "Option::is_none")]
        count_column: Option<&'a String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        decomposition: Option<Decomposed<'a>>,
        dropped_nonpositive: usize,
        file: String,
        group_column: &'a Option<String>,
        groups: Groups<'a>,
        /// Only with `--nonpositive keep` (so that other runs print what they always did).
        #[serde(skip_serializing_if = "Option::is_none")]
        kept_nonpositive: Option<usize>,
        /// `null` when there is no reference minimum (the smallest pay is 0 or less).
        minimum: Option<f64>,
        minimum_source: &'static str,
        pay_column: &'a str,
        rows_analyzed: usize,
        rows_read: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        uncertainty: Option<Value>,
        weight_column: &'a Option<String>,
    }
    let doc = Document {
        all: serde_json::to_value(&a.all).map_err(fail)?,
        caps: &args.caps,
        count_column: args.count.as_ref(),
        decomposition: a.decomposition.as_ref().map(|d| Decomposed(a, d)),
        dropped_nonpositive: a.dropped_nonpositive,
        file: args.file.display().to_string(),
        group_column: &args.group,
        groups: Groups(&a.groups),
        kept_nonpositive: (super::nonpositive_policy(args) == wages_table::NonPositive::Keep)
            .then_some(a.kept_nonpositive),
        minimum: a.multiples_defined.then_some(a.minimum),
        minimum_source: match a.minimum_source {
            MinimumSource::Given => "given",
            MinimumSource::SmallestPay => "smallest_pay",
        },
        pay_column: &args.pay,
        rows_analyzed: a.all.n,
        rows_read: a.rows_read,
        uncertainty: uncertainty::json(args, a),
        weight_column: &args.weight,
    };
    let mut out = Vec::with_capacity(4096 + a.groups.len() * 1600);
    serde_json::to_writer_pretty(&mut out, &doc).map_err(fail)?;
    out.push(b'\n');
    String::from_utf8(out)
        .map_err(|e| CliError::Output(format!("cannot serialize the summary: {e}")))
}

/// A CSV row: the scope (`all` or `group`), the group's label (control characters as in the
/// file; the CSV writer escapes them), and its summary (none for a group without rows).
type CsvScope<'a> = (
    &'static str,
    &'a str,
    Option<&'a Summary>,
    Option<&'a [wages_analysis::uncertainty::Entry]>,
);

/// A CSV statistic column: the full-precision cell from a summary, empty without rows.
fn csv_stat<'a>(
    header: impl Into<String>,
    cell: impl Fn(&Summary) -> String + 'a,
) -> DynColumn<'a, CsvScope<'a>> {
    DynColumn::new(header, move |(_, _, s, _): &CsvScope| {
        s.map(&cell).unwrap_or_default()
    })
}

fn csv(args: &AnalyzeArgs, a: &Analysis) -> String {
    let source = match a.minimum_source {
        MinimumSource::Given => "given",
        MinimumSource::SmallestPay => "smallest_pay",
    };
    let dropped = a.dropped_nonpositive.to_string();
    let mut columns: Vec<DynColumn<CsvScope>> = vec![
        DynColumn::new("scope", |(scope, _, _, _): &CsvScope| scope.to_string()),
        DynColumn::new("group", |(_, label, _, _): &CsvScope| label.to_string()),
        DynColumn::new("n", |(_, _, s, _): &CsvScope| {
            s.map_or_else(|| "0".to_string(), |s| s.n.to_string())
        }),
        csv_stat("weighted_n", |s| full(s.weighted_n)),
        csv_stat("min", |s| full(s.min)),
        csv_stat("p10", |s| full(s.p10)),
        csv_stat("p50", |s| full(s.p50)),
        csv_stat("mean", |s| full(s.mean)),
        csv_stat("p90", |s| full(s.p90)),
        csv_stat("max", |s| full(s.max)),
        csv_stat("max_min_ratio", |s| {
            s.max_min_ratio.map(full).unwrap_or_default()
        }),
        csv_stat("p90_p10", |s| s.p90_p10.map(full).unwrap_or_default()),
        csv_stat("p50_p10", |s| s.p50_p10.map(full).unwrap_or_default()),
        csv_stat("p90_p50", |s| s.p90_p50.map(full).unwrap_or_default()),
        // Empty when there is no reference minimum (the smallest pay is 0 or less).
        csv_stat("minimum", |s| {
            if s.minimum.is_nan() {
                String::new()
            } else {
                full(s.minimum)
            }
        }),
        csv_stat("minimum_source", move |_| source.to_string()),
        // The rows excluded by --drop-nonpositive are counted once, on the whole table.
        DynColumn::new("dropped_nonpositive", move |(scope, _, s, _): &CsvScope| {
            if *scope == "all" && s.is_some() {
                dropped.clone()
            } else {
                String::new()
            }
        }),
        csv_stat("kaitz", |s| s.kaitz.map(full).unwrap_or_default()),
        csv_stat("low_pay_share", |s| full(s.low_pay_share)),
        csv_stat("gini", |s| full(s.gini)),
        csv_stat("gini_corrected", |s| {
            s.gini_corrected.map(full).unwrap_or_default()
        }),
        csv_stat("theil_t", |s| s.theil_t.map(full).unwrap_or_default()),
        csv_stat("mld", |s| s.mld.map(full).unwrap_or_default()),
        csv_stat("atkinson_0_5", |s| {
            s.atkinson_0_5.map(full).unwrap_or_default()
        }),
        csv_stat("atkinson_1", |s| s.atkinson_1.map(full).unwrap_or_default()),
        csv_stat("atkinson_2", |s| s.atkinson_2.map(full).unwrap_or_default()),
        csv_stat("top10_share", |s| full(s.top10_share)),
        csv_stat("top1_share", |s| full(s.top1_share)),
        csv_stat("palma", |s| s.palma.map(full).unwrap_or_default()),
    ];
    // Five columns per cap asked for, in the order of --caps (the summary's caps follow it).
    for (j, k) in args.caps.iter().enumerate() {
        let cap = move |s: &Summary| s.caps.get(j).cloned();
        columns.extend([
            csv_stat(format!("cap_{k}_threshold"), move |s| {
                cap(s).map(|c| full(c.threshold)).unwrap_or_default()
            }),
            csv_stat(format!("cap_{k}_rows"), move |s| {
                cap(s).map(|c| c.rows.to_string()).unwrap_or_default()
            }),
            csv_stat(format!("cap_{k}_count"), move |s| {
                cap(s).map(|c| full(c.count)).unwrap_or_default()
            }),
            csv_stat(format!("cap_{k}_share"), move |s| {
                cap(s).map(|c| full(c.share)).unwrap_or_default()
            }),
            csv_stat(format!("cap_{k}_pay_above_total"), move |s| {
                cap(s).map(|c| full(c.pay_above_total)).unwrap_or_default()
            }),
        ]);
    }
    columns.extend([
        csv_stat("s80_s20", |s| s.s80_s20.map(full).unwrap_or_default()),
        csv_stat("poverty_line", |s| full(s.poverty_line)),
        csv_stat("poverty_threshold", |s| full(s.poverty_threshold)),
        csv_stat("poverty_rate", |s| full(s.poverty_rate)),
        csv_stat("poverty_gap", |s| {
            s.poverty_gap.map(full).unwrap_or_default()
        }),
    ]);
    if a.ci.is_some() {
        let keys = wages_analysis::uncertainty::keys(&a.all);
        columns.extend(uncertainty::csv_columns(&keys, |r: &CsvScope| r.3));
    }
    let mut rows: Vec<CsvScope> = vec![("all", "", Some(&a.all), a.uncertainty.as_deref())];
    rows.extend(a.groups.iter().map(|g| {
        (
            "group",
            g.label.as_str(),
            g.summary.as_ref(),
            g.uncertainty.as_deref(),
        )
    }));
    output::export_dyn(Format::Csv, &columns, &rows)
}

//! The standard errors and intervals of `wages analyze --ci` in the four output formats: a
//! table of one row per (group, statistic) in Table and Markdown, the `uncertainty` key in
//! JSON, and `KEY_se`, `KEY_lower`, `KEY_upper` columns in CSV (docs/uncertainty.md).

use super::AnalyzeArgs;
use crate::output::numbers::{full, level, ratio, unsigned_zero};
use crate::output::{self, DynColumn, Format};
use serde_json::{json, Value};
use wages_analysis::payroll::Analysis;
use wages_analysis::uncertainty::{CiOptions, Entry, Method, WeightKind};

/// How a statistic is printed in the human tables: by what it measures.
fn shown(key: &str, x: f64) -> String {
    match key {
        "mean" | "p10" | "p50" | "p90" | "poverty_threshold" => level(x),
        "p90_p10" | "p50_p10" | "p90_p50" | "palma" | "s80_s20" => ratio(x),
        k if k.ends_with("_share") || k == "poverty_rate" || k == "poverty_gap" => {
            format!("{:.2}%", 100.0 * unsigned_zero(x))
        }
        _ => format!("{:.4}", unsigned_zero(x)),
    }
}

/// The label of a statistic's key in the human table.
fn label(key: &str) -> String {
    let fixed = match key {
        "mean" => "mean",
        "p10" => "P10",
        "p50" => "median",
        "p90" => "P90",
        "p90_p10" => "P90/P10",
        "p50_p10" => "P50/P10",
        "p90_p50" => "P90/P50",
        "kaitz" => "Kaitz",
        "low_pay_share" => "low pay",
        "gini" => "Gini",
        "gini_corrected" => "Gini (corr.)",
        "theil_t" => "Theil T",
        "mld" => "MLD",
        "atkinson_0_5" => "Atkinson 0.5",
        "atkinson_1" => "Atkinson 1",
        "atkinson_2" => "Atkinson 2",
        "top10_share" => "top 10%",
        "top1_share" => "top 1%",
        "palma" => "Palma",
        "s80_s20" => "S80/S20",
        "poverty_threshold" => "poverty threshold",
        "poverty_rate" => "at risk of poverty",
        "poverty_gap" => "median poverty gap",
        other => {
            return match other
                .strip_prefix("cap_")
                .and_then(|k| k.strip_suffix("_share"))
            {
                Some(k) => format!("share above {k}x"),
                None => other.to_string(),
            }
        }
    };
    fixed.to_string()
}

fn kind(ci: &CiOptions) -> &'static str {
    match ci.weight_kind {
        WeightKind::Sampling => "sampling",
        WeightKind::Frequency => "frequency",
    }
}

/// The notes line: level, method, design, and what the interval is not.
pub fn note(args: &AnalyzeArgs, ci: &CiOptions) -> String {
    let level = ci.level * 100.0;
    let weights = if args.weight.is_some() || args.count.is_some() {
        format!("; {} weights", kind(ci))
    } else {
        String::new()
    };
    let method = match ci.method {
        Method::Linearised => "linearisation by influence functions".to_string(),
        Method::Bootstrap { replicates, seed } => format!(
            "bootstrap, {replicates} replicates, seed {seed}, rows resampled (within each group for the groups), percentile intervals"
        ),
    };
    format!(
        "{level}% intervals: sampling uncertainty under the stated design ({}{weights}), {method} (docs/uncertainty.md); a complete payroll (a census) has no sampling error",
        crate::cmd::payroll_file::design_text(args.strata.as_deref(), args.cluster.as_deref())
    )
}

/// A row of the table: the scope's label and one entry.
type Row<'a> = (&'a str, &'a Entry);

/// The human table, if `--ci` was given.
pub fn table(
    a: &Analysis,
    format: Format,
    scopes: &[(String, Option<&[Entry]>)],
) -> Option<String> {
    let ci = a.ci.as_ref()?;
    let rows: Vec<Row> = scopes
        .iter()
        .filter_map(|(l, e)| e.map(|e| (l.as_str(), e)))
        .flat_map(|(l, es)| es.iter().map(move |e| (l, e)))
        .collect();
    let pct = ci.level * 100.0;
    let none = "n/a";
    let columns: Vec<DynColumn<Row>> = vec![
        DynColumn::new("group", |(l, _): &Row| l.to_string()),
        DynColumn::new("statistic", |(_, e): &Row| label(&e.statistic)),
        DynColumn::new("estimate", |(_, e): &Row| {
            e.estimate
                .map_or_else(|| none.into(), |x| shown(&e.statistic, x))
        }),
        DynColumn::new("std. error", |(_, e): &Row| {
            e.interval
                .map_or_else(|| none.into(), |i| shown(&e.statistic, i.se))
        }),
        DynColumn::new(format!("{pct}% lower"), |(_, e): &Row| {
            e.interval
                .map_or_else(|| none.into(), |i| shown(&e.statistic, i.lower))
        }),
        DynColumn::new(format!("{pct}% upper"), |(_, e): &Row| {
            e.interval
                .map_or_else(|| none.into(), |i| shown(&e.statistic, i.upper))
        }),
    ];
    Some(output::export_dyn(format, &columns, &rows))
}

fn entries_json(entries: &[Entry]) -> Value {
    Value::Array(
        entries
            .iter()
            .map(|e| {
                json!({
                    "statistic": e.statistic,
                    "estimate": e.estimate,
                    "se": e.interval.map(|i| i.se),
                    "lower": e.interval.map(|i| i.lower),
                    "upper": e.interval.map(|i| i.upper),
                })
            })
            .collect(),
    )
}

/// The `uncertainty` key of the JSON document, if `--ci` was given.
pub fn json(args: &AnalyzeArgs, a: &Analysis) -> Option<Value> {
    let ci = a.ci.as_ref()?;
    let (method, replicates, seed) = match ci.method {
        Method::Linearised => ("linearised", None, None),
        Method::Bootstrap { replicates, seed } => ("bootstrap", Some(replicates), Some(seed)),
    };
    let groups: Vec<Value> = a
        .groups
        .iter()
        .filter_map(|g| {
            g.uncertainty
                .as_ref()
                .map(|e| json!({"group": g.label, "statistics": entries_json(e)}))
        })
        .collect();
    Some(json!({
        "level": ci.level,
        "method": method,
        "replicates": replicates,
        "seed": seed,
        "weight_kind": (args.weight.is_some() || args.count.is_some()).then(|| kind(ci)),
        "strata_column": args.strata,
        "cluster_column": args.cluster,
        "note": note(args, ci),
        "all": entries_json(a.uncertainty.as_deref().unwrap_or(&[])),
        "groups": groups,
    }))
}

/// The CSV columns `KEY_se`, `KEY_lower`, `KEY_upper` for each statistic of `keys`, from a
/// row's entries (`get` finds them); empty cells where not defined.
pub fn csv_columns<'a, R: 'a>(
    keys: &[String],
    get: impl Fn(&R) -> Option<&'a [Entry]> + Copy + 'a,
) -> Vec<DynColumn<'a, R>> {
    let mut out = Vec::new();
    for (j, key) in keys.iter().enumerate() {
        let cell = move |r: &R, part: fn(&wages_analysis::uncertainty::Interval) -> f64| {
            get(r)
                .and_then(|e| e.get(j))
                .and_then(|e| e.interval)
                .map(|i| full(part(&i)))
                .unwrap_or_default()
        };
        out.push(DynColumn::new(format!("{key}_se"), move |r: &R| {
            cell(r, |i| i.se)
        }));
        out.push(DynColumn::new(format!("{key}_lower"), move |r: &R| {
            cell(r, |i| i.lower)
        }));
        out.push(DynColumn::new(format!("{key}_upper"), move |r: &R| {
            cell(r, |i| i.upper)
        }));
    }
    out
}

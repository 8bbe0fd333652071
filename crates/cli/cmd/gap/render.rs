//! The four output formats of `wages gap`. Table and Markdown round numbers for reading; JSON
//! and CSV carry every number at full precision (shortest round-trip form). Keys and columns:
//! docs/gap.md.

use super::explain;
use super::GapArgs;
use crate::error::{CliError, Result};
use crate::output::numbers::{count, full, level, ratio, unsigned_zero};
use crate::output::{self, DynColumn, Format};
use serde_json::{json, Value};
use wages_analysis::gap::{
    Category, GapWarning, Gaps, GroupGap, GroupPay, ReferenceChoice, ARTICLE_10_THRESHOLD,
    CURVE_LEVELS, SHOWN_LEVELS,
};
use wages_analysis::oaxaca::Explained;
use wages_analysis::uncertainty::{CiOptions, GapIntervals, GroupIntervals, Interval, Method};

/// The intervals of `--ci`: each group's gaps and own figures over the whole table, and its
/// gaps within each category of workers (`--within`; empty without), by label.
pub struct GapCi {
    /// Over the whole table.
    pub overall: Vec<GapIntervals>,
    /// Each group's proportion paid a bonus and quartile band shares.
    pub groups: Vec<GroupIntervals>,
    /// Within each category: its label and the intervals.
    pub categories: Vec<(String, Vec<GapIntervals>)>,
}

/// The `--ci` choices and the intervals.
pub type Ci<'a> = Option<(&'a CiOptions, &'a GapCi)>;

// `--format html`: the page's parts, from the same pieces as the terminal output.
mod html;

/// The output text for `args.format`.
pub fn render(args: &GapArgs, g: &Gaps, e: Option<&Explained>, ci: Ci) -> Result<String> {
    match args.format {
        Format::Json => json_text(args, g, e, ci),
        Format::Csv => Ok(csv(g, e, ci)),
        Format::Table | Format::Markdown => Ok(human(args, g, e, ci)),
        Format::Html => html::page(args, g, e, ci),
    }
}

/// The note on the intervals: level, design, method, and what they are not.
fn ci_note(args: &GapArgs, ci: &CiOptions) -> String {
    let design =
        crate::cmd::payroll_file::design_text(args.strata.as_deref(), args.cluster.as_deref());
    let method = match ci.method {
        Method::Linearised => "linearisation by influence functions".to_string(),
        Method::Bootstrap { replicates, seed } => format!(
            "bootstrap, {replicates} replicates, seed {seed}, rows resampled within each group, percentile intervals"
        ),
    };
    format!(
        "{}% intervals of the gaps, the proportions paid a bonus and the quartile band shares: sampling uncertainty under the stated design ({design}), {method} (docs/uncertainty.md); a complete payroll (a census) has no sampling error",
        ci.level * 100.0
    )
}

/// The intervals' table: one row per group and measure (the gaps, then the group's own
/// figures, in percent), and per category of workers and gap.
fn ci_table(g: &Gaps, ci: &GapCi, format: Format) -> String {
    type Row<'a> = (&'a str, &'a str, String, Option<f64>, Option<Interval>);
    let mut rows: Vec<Row> = Vec::new();
    let has_bonus = g.groups.iter().any(|p| p.bonus.is_some());
    for x in &ci.overall {
        let gap = g.gaps.iter().find(|k| k.group == x.group);
        let label = g.groups[x.group].label.as_str();
        let mut push = |measure: String, estimate: Option<f64>, i: Option<Interval>| {
            rows.push(("(all)", label, measure, estimate, i));
        };
        push("mean gap".into(), gap.map(|k| k.mean_gap), x.mean_gap);
        push("median gap".into(), gap.map(|k| k.median_gap), x.median_gap);
        for &p in &SHOWN_LEVELS {
            let Some(j) = CURVE_LEVELS.iter().position(|&l| l == p) else {
                continue;
            };
            let estimate = gap.and_then(|k| k.quantile_gaps.get(j).copied());
            let interval = x.quantile_gaps.get(j).copied().flatten();
            push(format!("gap at P{:.0}", p * 100.0), estimate, interval);
        }
        if has_bonus {
            let estimate = gap.and_then(|k| k.bonus_mean_gap);
            push("bonus mean gap".into(), estimate, x.bonus_mean_gap);
            let estimate = gap.and_then(|k| k.bonus_median_gap);
            push("bonus median gap".into(), estimate, x.bonus_median_gap);
        }
    }
    // Shares as percentages, as the gaps are.
    let percent = |i: Option<Interval>| {
        i.map(|i| Interval {
            se: 100.0 * i.se,
            lower: 100.0 * i.lower,
            upper: 100.0 * i.upper,
        })
    };
    for x in &ci.groups {
        let label = g.groups[x.group].label.as_str();
        if let Some(b) = &g.groups[x.group].bonus {
            rows.push((
                "(all)",
                label,
                "proportion paid a bonus".into(),
                Some(100.0 * b.proportion_paid),
                percent(x.proportion_paid),
            ));
        }
        for (band, i) in g.bands.iter().zip(x.band_shares) {
            rows.push((
                "(all)",
                label,
                format!("share of the {} band", band.name),
                band.share.get(x.group).map(|s| 100.0 * s),
                percent(i),
            ));
        }
    }
    let categories = g.categories.as_deref().unwrap_or(&[]);
    for (name, intervals) in &ci.categories {
        let Some(cat) = categories.iter().find(|c| &c.label == name) else {
            continue;
        };
        for x in intervals {
            let gap = cat.gaps.iter().find(|k| k.group == x.group);
            let label = g.groups[x.group].label.as_str();
            let mut push = |measure: &str, estimate: Option<f64>, i: Option<Interval>| {
                rows.push((name, label, measure.to_string(), estimate, i));
            };
            push("mean gap", gap.and_then(|k| k.mean_gap), x.mean_gap);
            push("median gap", gap.and_then(|k| k.median_gap), x.median_gap);
            if has_bonus {
                let estimate = gap.and_then(|k| k.bonus_mean_gap);
                push("bonus mean gap", estimate, x.bonus_mean_gap);
                let estimate = gap.and_then(|k| k.bonus_median_gap);
                push("bonus median gap", estimate, x.bonus_median_gap);
            }
        }
    }
    let cell = |x: Option<f64>| {
        x.map_or_else(
            || "n/a".to_string(),
            |x| format!("{:.2}%", unsigned_zero(x)),
        )
    };
    let mut columns: Vec<DynColumn<Row>> = Vec::new();
    if !ci.categories.is_empty() {
        columns.push(DynColumn::new("category", |r: &Row| shown(r.0)));
    }
    columns.extend([
        DynColumn::new("group", |r: &Row| shown(r.1)),
        DynColumn::new("measure", |r: &Row| r.2.clone()),
        DynColumn::new("estimate", move |r: &Row| cell(r.3)),
        DynColumn::new("std. error", move |r: &Row| cell(r.4.map(|i| i.se))),
        DynColumn::new("lower", move |r: &Row| cell(r.4.map(|i| i.lower))),
        DynColumn::new("upper", move |r: &Row| cell(r.4.map(|i| i.upper))),
    ]);
    output::export_dyn(format, &columns, &rows)
}

fn interval_json(i: Option<Interval>) -> Value {
    match i {
        Some(i) => json!({"se": i.se, "lower": i.lower, "upper": i.upper}),
        None => Value::Null,
    }
}

/// What the Article 10 flag means, wherever it is shown.
pub const ARTICLE_10_NOTE: &str = "Art. 10 flag: a mean gap of 5% or more (either way) in a category of workers, the Directive's threshold for a joint pay assessment where the employer cannot justify it by objective, gender-neutral criteria; a threshold, not a finding of discrimination";

/// A label as the human tables and notes show it.
fn shown(label: &str) -> String {
    output::printable(label).into_owned()
}

/// A gap already in percent.
fn gap(x: f64) -> String {
    format!("{:.2}%", unsigned_zero(x))
}

/// A share in `[0, 1]` as a percentage.
fn share(x: f64) -> String {
    format!("{:.1}%", 100.0 * unsigned_zero(x))
}

/// An optional figure, or what a cell says without it.
fn or_none(x: Option<f64>, f: fn(f64) -> String) -> String {
    x.map_or_else(|| NONE.to_string(), f)
}

/// A cell whose figure cannot be computed (nobody in the group there, nobody paid a bonus).
const NONE: &str = "-";

/// The position of `p` in [`CURVE_LEVELS`].
fn level_index(p: f64) -> usize {
    CURVE_LEVELS
        .iter()
        .position(|&l| l == p)
        .expect("a shown level is a curve level")
}

fn reference_label(g: &Gaps) -> &str {
    &g.groups[g.reference].label
}

/// The notes printed above the tables.
pub fn notes(args: &GapArgs, g: &Gaps) -> Vec<String> {
    let mut n = vec![format!(
        "{}: {} data rows; pay column {:?}; {} groups by column {:?}{}{}{}",
        wages_table::shown_path(&args.file),
        g.rows_read,
        args.pay,
        g.groups.len(),
        args.by,
        args.weight
            .as_ref()
            .map(|w| format!("; weights from column {w:?}"))
            .unwrap_or_default(),
        args.bonus
            .as_ref()
            .map(|b| format!("; bonus from column {b:?}"))
            .unwrap_or_default(),
        match (&args.within, &g.categories) {
            (Some(w), Some(c)) => format!("; {} categories of workers by column {w:?}", c.len()),
            _ => String::new(),
        },
    )];
    if g.dropped_nonpositive > 0 {
        n.push(format!(
            "{} rows with zero or negative pay excluded (--drop-nonpositive)",
            g.dropped_nonpositive
        ));
    }
    let r = shown(reference_label(g));
    n.push(match g.reference_choice {
        ReferenceChoice::Given => format!("reference group: {r:?} (--reference)"),
        ReferenceChoice::HighestMean => format!(
            "reference group: {r:?}, the group with the highest mean pay (--reference names another)"
        ),
    });
    n.push(
        "gap = (reference - group) / reference x 100: positive when the group is paid less; ratio = group / reference".into(),
    );
    if g.weighted {
        n.push("every figure is weighted; counts of people are weighted counts".into());
    }
    for w in &g.warnings {
        n.push(warning_text(w));
    }
    n
}

/// A warning as one line.
pub fn warning_text(w: &GapWarning) -> String {
    match w {
        GapWarning::SmallGroup { label, n } => format!(
            "warning: group {:?} has only {n} row{}: its figures rest on very few people",
            shown(label),
            if *n == 1 { "" } else { "s" }
        ),
        GapWarning::SmallCells { cells, first } => {
            let listed: Vec<String> = first
                .iter()
                .map(|(c, g, n)| format!("{:?}/{:?} {n}", shown(c), shown(g)))
                .collect();
            format!(
                "warning: {cells} (category, group) cell{} of fewer than 10 rows ({}{}): the category figures there rest on very few people",
                if *cells == 1 { "" } else { "s" },
                listed.join(", "),
                if *cells > first.len() { ", ..." } else { "" }
            )
        }
    }
}

/// A gap row: the group and its gap against the reference.
type GapRow<'a> = (&'a GroupPay, &'a GroupGap);

fn gap_rows(g: &Gaps) -> Vec<GapRow<'_>> {
    g.gaps.iter().map(|x| (&g.groups[x.group], x)).collect()
}

/// The human tables (title, rendered table) in `format`.
fn tables(args: &GapArgs, g: &Gaps, format: Format) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut levels: Vec<DynColumn<&GroupPay>> = vec![
        DynColumn::new("group", |p: &&GroupPay| shown(&p.label)),
        DynColumn::new("rows", |p: &&GroupPay| p.n.to_string()),
    ];
    if g.weighted {
        levels.push(DynColumn::new("weighted n", |p: &&GroupPay| {
            count(p.weighted_n)
        }));
    }
    levels.push(DynColumn::new("mean", |p: &&GroupPay| level(p.mean)));
    levels.push(DynColumn::new("median", |p: &&GroupPay| level(p.median)));
    for p in SHOWN_LEVELS {
        let i = level_index(p);
        levels.push(DynColumn::new(
            format!("P{:.0}", p * 100.0),
            move |x: &&GroupPay| level(x.quantiles[i]),
        ));
    }
    let groups: Vec<&GroupPay> = g.groups.iter().collect();
    out.push((
        "Pay by group".to_string(),
        output::export_dyn(format, &levels, &groups),
    ));

    let mut gaps: Vec<DynColumn<GapRow>> = vec![
        DynColumn::new("group", |(p, _): &GapRow| shown(&p.label)),
        DynColumn::new("mean gap", |(_, x): &GapRow| gap(x.mean_gap)),
        DynColumn::new("median gap", |(_, x): &GapRow| gap(x.median_gap)),
        DynColumn::new("mean ratio", |(_, x): &GapRow| ratio(x.mean_ratio)),
        DynColumn::new("median ratio", |(_, x): &GapRow| ratio(x.median_ratio)),
    ];
    for p in SHOWN_LEVELS {
        let i = level_index(p);
        gaps.push(DynColumn::new(
            format!("gap at P{:.0}", p * 100.0),
            move |(_, x): &GapRow| gap(x.quantile_gaps[i]),
        ));
    }
    let rows = gap_rows(g);
    out.push((
        format!(
            "Pay gap against {:?} (UK SI 2017/172 regs 8-9; EU Directive 2023/970 Art. 9(1)(a), (c))",
            shown(reference_label(g))
        ),
        output::export_dyn(format, &gaps, &rows),
    ));

    if args.bonus.is_some() {
        let reference = &g.groups[g.reference];
        // Every group, the reference first, with its gap where it has one.
        let mut bonus_rows: Vec<(&GroupPay, Option<&GroupGap>)> = vec![(reference, None)];
        bonus_rows.extend(rows.iter().map(|(p, x)| (*p, Some(*x))));
        type BonusRow<'a> = (&'a GroupPay, Option<&'a GroupGap>);
        let b = |p: &GroupPay| p.bonus.clone().expect("bonus figures with --bonus");
        let columns: Vec<DynColumn<BonusRow>> = vec![
            DynColumn::new("group", |(p, _): &BonusRow| shown(&p.label)),
            DynColumn::new("paid a bonus", move |(p, _): &BonusRow| {
                if g.weighted {
                    count(b(p).paid_weighted_n)
                } else {
                    b(p).paid_n.to_string()
                }
            }),
            DynColumn::new("proportion paid", move |(p, _): &BonusRow| {
                share(b(p).proportion_paid)
            }),
            DynColumn::new("mean bonus", move |(p, _): &BonusRow| {
                or_none(b(p).mean, level)
            }),
            DynColumn::new("median bonus", move |(p, _): &BonusRow| {
                or_none(b(p).median, level)
            }),
            DynColumn::new("mean bonus gap", |(_, x): &BonusRow| {
                x.map_or_else(|| "(reference)".into(), |x| or_none(x.bonus_mean_gap, gap))
            }),
            DynColumn::new("median bonus gap", |(_, x): &BonusRow| {
                x.map_or_else(
                    || "(reference)".into(),
                    |x| or_none(x.bonus_median_gap, gap),
                )
            }),
        ];
        out.push((
            "Bonus pay, over those paid a bonus (UK regs 10-12; EU Art. 9(1)(b), (d), (e))".into(),
            output::export_dyn(format, &columns, &bonus_rows),
        ));
    }

    let mut bands: Vec<DynColumn<&wages_analysis::gap::Band>> = vec![
        DynColumn::new("band", |b: &&wages_analysis::gap::Band| b.name.to_string()),
        DynColumn::new("pay from", |b: &&wages_analysis::gap::Band| {
            level(b.pay_from)
        }),
        DynColumn::new("pay to", |b: &&wages_analysis::gap::Band| level(b.pay_to)),
    ];
    for (i, p) in g.groups.iter().enumerate() {
        bands.push(DynColumn::new(
            shown(&p.label),
            move |b: &&wages_analysis::gap::Band| share(b.share[i]),
        ));
    }
    let band_rows: Vec<&wages_analysis::gap::Band> = g.bands.iter().collect();
    out.push((
        "Quartile pay bands: everyone ranked by pay and cut into four equal quarters; each group's share of each (UK reg. 13; EU Art. 9(1)(f))".into(),
        output::export_dyn(format, &bands, &band_rows),
    ));

    if let Some(cats) = &g.categories {
        type CatRow<'a> = (&'a Category, usize);
        let rows: Vec<CatRow> = cats
            .iter()
            .flat_map(|c| (0..c.gaps.len()).map(move |k| (c, k)))
            .collect();
        let reference = g.reference;
        let mut columns: Vec<DynColumn<CatRow>> = vec![
            DynColumn::new("category", |(c, _): &CatRow| shown(&c.label)),
            DynColumn::new("group", move |(c, k): &CatRow| {
                shown(&g.groups[c.gaps[*k].group].label)
            }),
            DynColumn::new("rows", |(c, k): &CatRow| {
                c.groups[c.gaps[*k].group].n.to_string()
            }),
            DynColumn::new("reference rows", move |(c, _): &CatRow| {
                c.groups[reference].n.to_string()
            }),
            DynColumn::new("mean gap", |(c, k): &CatRow| {
                or_none(c.gaps[*k].mean_gap, gap)
            }),
            DynColumn::new("median gap", |(c, k): &CatRow| {
                or_none(c.gaps[*k].median_gap, gap)
            }),
        ];
        if args.bonus.is_some() {
            columns.push(DynColumn::new("mean bonus gap", |(c, k): &CatRow| {
                or_none(c.gaps[*k].bonus_mean_gap, gap)
            }));
            columns.push(DynColumn::new("median bonus gap", |(c, k): &CatRow| {
                or_none(c.gaps[*k].bonus_median_gap, gap)
            }));
        }
        columns.push(DynColumn::new("Art. 10", |(c, k): &CatRow| {
            if c.gaps[*k].article_10 {
                "5% or more".into()
            } else {
                String::new()
            }
        }));
        out.push((
            format!(
                "By category of workers ({:?}): pay and bonus gaps against {:?} (EU Art. 9(1)(g); Art. 10)",
                args.within.as_deref().unwrap_or(""),
                shown(reference_label(g))
            ),
            output::export_dyn(format, &columns, &rows),
        ));
    }
    out
}

/// The measures as the UK and EU rules name them, one line each, for every group against the
/// reference: what a report under either rule copies.
fn rule_lines(args: &GapArgs, g: &Gaps) -> Vec<String> {
    let mut lines = Vec::new();
    let r = shown(reference_label(g));
    for x in &g.gaps {
        let p = &g.groups[x.group];
        let who = if g.gaps.len() > 1 {
            format!("{:?} against {r:?}: ", shown(&p.label))
        } else {
            String::new()
        };
        let both = |f: &dyn Fn(&GroupPay) -> String| {
            format!(
                "{:?} {}, {r:?} {}",
                shown(&p.label),
                f(p),
                f(&g.groups[g.reference])
            )
        };
        let band_shares: Vec<String> = g
            .bands
            .iter()
            .map(|b| {
                format!(
                    "{} {} / {}",
                    b.name,
                    share(b.share[x.group]),
                    share(b.share[g.reference])
                )
            })
            .collect();
        lines.push(format!(
            "{who}(a) gender pay gap {} | (c) median gender pay gap {}",
            gap(x.mean_gap),
            gap(x.median_gap)
        ));
        if args.bonus.is_some() {
            lines.push(format!(
                "{who}(b) gender pay gap in complementary or variable components {} | (d) median {} | (e) proportion receiving them: {}",
                or_none(x.bonus_mean_gap, gap),
                or_none(x.bonus_median_gap, gap),
                both(&|q: &GroupPay| q
                    .bonus
                    .as_ref()
                    .map_or_else(|| NONE.into(), |b| share(b.proportion_paid)))
            ));
        }
        lines.push(format!(
            "{who}(f) proportion in each quartile pay band, {:?} / {r:?}: {}",
            shown(&p.label),
            band_shares.join("; ")
        ));
        if let Some(cats) = &g.categories {
            let flagged = cats
                .iter()
                .filter(|c| c.gaps.iter().any(|k| k.group == x.group && k.article_10))
                .count();
            lines.push(format!(
                "{who}(g) gap by category of workers: {} categories in the table below; {flagged} with a mean gap of {ARTICLE_10_THRESHOLD}% or more (Art. 10)",
                cats.len()
            ));
        }
    }
    lines
}

fn human(args: &GapArgs, g: &Gaps, e: Option<&Explained>, ci: Ci) -> String {
    let md = args.format == Format::Markdown;
    let mut s = String::new();
    let bullet = |s: &mut String, line: &str| {
        if md {
            s.push_str(&format!("- {}\n", output::markdown_cell(line)));
        } else {
            s.push_str(line);
            s.push('\n');
        }
    };
    for line in notes(args, g) {
        bullet(&mut s, &line);
    }
    let heading = |s: &mut String, title: &str| {
        s.push('\n');
        if md {
            s.push_str(&format!("## {}\n\n", output::markdown_cell(title)));
        } else {
            s.push_str(title);
            s.push('\n');
        }
    };
    heading(
        &mut s,
        "EU Directive 2023/970, Article 9(1) indicators (the UK measures of SI 2017/172 regs 8-13 are the same figures)",
    );
    for line in rule_lines(args, g) {
        bullet(&mut s, &line);
    }
    for (title, table) in tables(args, g, args.format) {
        heading(&mut s, &title);
        s.push_str(&table);
    }
    if let Some((c, intervals)) = ci {
        heading(&mut s, "Sampling uncertainty of the gaps");
        bullet(&mut s, &ci_note(args, c));
        s.push_str(&ci_table(g, intervals, args.format));
    }
    if g.categories.is_some() {
        s.push('\n');
        bullet(&mut s, ARTICLE_10_NOTE);
    }
    if let Some(e) = e {
        heading(
            &mut s,
            "Explaining the gap: the Blinder-Oaxaca decomposition (Jann 2008)",
        );
        for line in explain::notes(args, e) {
            bullet(&mut s, &line);
        }
        for (title, table) in explain::tables(e, args.format) {
            heading(&mut s, &title);
            s.push_str(&table);
        }
    }
    if let Some(r) = &g.ratio {
        heading(&mut s, "Pay ratio (US Regulation S-K, Item 402(u))");
        bullet(
            &mut s,
            &format!(
                "{:?} is paid {}; the median of everyone else is {}: a ratio of {:.1} to 1",
                shown(&r.label),
                level(r.pay),
                level(r.median_of_others),
                r.ratio
            ),
        );
    }
    s
}

/// The JSON document (docs/gap.md lists the keys): the analysis with group indexes replaced by
/// labels.
fn json_text(args: &GapArgs, g: &Gaps, e: Option<&Explained>, ci: Ci) -> Result<String> {
    let fail = |e: serde_json::Error| CliError::Output(format!("cannot serialize the gaps: {e}"));
    let label = |i: usize| Value::String(g.groups[i].label.clone());
    let gaps: Vec<Value> = g
        .gaps
        .iter()
        .map(|x| {
            json!({
                "group": label(x.group),
                "mean_gap_pct": x.mean_gap,
                "median_gap_pct": x.median_gap,
                "mean_ratio": x.mean_ratio,
                "median_ratio": x.median_ratio,
                "quantile_gaps_pct": x.quantile_gaps,
                "bonus_mean_gap_pct": x.bonus_mean_gap,
                "bonus_median_gap_pct": x.bonus_median_gap,
            })
        })
        .collect();
    let bands: Vec<Value> = g
        .bands
        .iter()
        .map(|b| {
            json!({
                "band": b.name,
                "pay_from": b.pay_from,
                "pay_to": b.pay_to,
                "groups": g.groups.iter().enumerate().map(|(i, p)| json!({
                    "group": p.label,
                    "weight": b.weight[i],
                    "share": b.share[i],
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let categories = g.categories.as_ref().map(|cats| {
        cats.iter()
            .map(|c| {
                json!({
                    "category": c.label,
                    "groups": c.groups.iter().enumerate().map(|(i, f)| {
                        let mut v = serde_json::to_value(f).unwrap_or(Value::Null);
                        if let Value::Object(o) = &mut v {
                            o.insert("group".into(), label(i));
                        }
                        v
                    }).collect::<Vec<_>>(),
                    "gaps": c.gaps.iter().map(|k| json!({
                        "group": label(k.group),
                        "mean_gap_pct": k.mean_gap,
                        "median_gap_pct": k.median_gap,
                        "bonus_mean_gap_pct": k.bonus_mean_gap,
                        "bonus_median_gap_pct": k.bonus_median_gap,
                        "article_10": k.article_10,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect::<Vec<_>>()
    });
    let doc = json!({
        "file": args.file.display().to_string(),
        "pay_column": args.pay,
        "by_column": args.by,
        "within_column": args.within,
        "bonus_column": args.bonus,
        "weight_column": args.weight,
        "rows_read": g.rows_read,
        "dropped_nonpositive": g.dropped_nonpositive,
        "weighted": g.weighted,
        "reference": reference_label(g),
        "reference_choice": g.reference_choice,
        "gap_formula": "(reference - group) / reference x 100",
        "quantile_levels": CURVE_LEVELS,
        "groups": serde_json::to_value(&g.groups).map_err(fail)?,
        "gaps": gaps,
        "quartile_bands": bands,
        "categories": categories,
        "article_10_threshold_pct": ARTICLE_10_THRESHOLD,
        "article_10_note": g.categories.as_ref().map(|_| ARTICLE_10_NOTE),
        "pay_ratio": serde_json::to_value(&g.ratio).map_err(fail)?,
        "warnings": g.warnings.iter().map(warning_text).collect::<Vec<_>>(),
        "explain": e.map(explain::json_value),
    });
    let mut doc = doc;
    let gap_json = |x: &[GapIntervals]| -> Vec<Value> {
        x.iter()
            .map(|x| {
                json!({
                    "group": label(x.group),
                    "mean_gap_pct": interval_json(x.mean_gap),
                    "median_gap_pct": interval_json(x.median_gap),
                    "quantile_gaps_pct": x.quantile_gaps.iter().map(|&i| interval_json(i)).collect::<Vec<_>>(),
                    "bonus_mean_gap_pct": interval_json(x.bonus_mean_gap),
                    "bonus_median_gap_pct": interval_json(x.bonus_median_gap),
                })
            })
            .collect()
    };
    if let (Some((c, intervals)), Value::Object(m)) = (ci, &mut doc) {
        let (method, replicates, seed) = match c.method {
            Method::Linearised => ("linearised", None, None),
            Method::Bootstrap { replicates, seed } => ("bootstrap", Some(replicates), Some(seed)),
        };
        m.insert(
            "uncertainty".into(),
            json!({
                "level": c.level,
                "method": method,
                "replicates": replicates,
                "seed": seed,
                "strata_column": args.strata,
                "cluster_column": args.cluster,
                "note": ci_note(args, c),
                "gaps": gap_json(&intervals.overall),
                "groups": intervals.groups.iter().map(|x| json!({
                    "group": label(x.group),
                    "proportion_paid": interval_json(x.proportion_paid),
                    "band_shares": x.band_shares.iter().map(|&i| interval_json(i)).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "categories": intervals.categories.iter().map(|(name, x)| json!({
                    "category": name,
                    "gaps": gap_json(x),
                })).collect::<Vec<_>>(),
            }),
        );
    }
    let mut text = serde_json::to_string_pretty(&doc).map_err(fail)?;
    text.push('\n');
    Ok(text)
}

/// One CSV row of the long table: section, band, category, group, measure, value.
struct CsvRow {
    section: &'static str,
    band: String,
    category: String,
    group: String,
    measure: String,
    value: String,
}

/// The CSV: one long table, a figure per row (`section,band,category,group,measure,value`),
/// ready to pivot.
fn csv(g: &Gaps, e: Option<&Explained>, ci: Ci) -> String {
    let mut rows = Vec::new();
    let mut push = |section, band: &str, category: &str, group: &str, measure: &str, value| {
        rows.push(CsvRow {
            section,
            band: band.to_string(),
            category: category.to_string(),
            group: group.to_string(),
            measure: measure.to_string(),
            value,
        })
    };
    for p in &g.groups {
        let l = p.label.as_str();
        push("group", "", "", l, "n", p.n.to_string());
        push("group", "", "", l, "weighted_n", full(p.weighted_n));
        push("group", "", "", l, "mean", full(p.mean));
        push("group", "", "", l, "median", full(p.median));
        for (q, v) in CURVE_LEVELS.iter().zip(&p.quantiles) {
            push("group", "", "", l, &format!("p{:.0}", q * 100.0), full(*v));
        }
        if let Some(b) = &p.bonus {
            push("group", "", "", l, "bonus_paid_n", b.paid_n.to_string());
            push(
                "group",
                "",
                "",
                l,
                "bonus_paid_weighted_n",
                full(b.paid_weighted_n),
            );
            push(
                "group",
                "",
                "",
                l,
                "bonus_proportion_paid",
                full(b.proportion_paid),
            );
            push(
                "group",
                "",
                "",
                l,
                "bonus_mean",
                b.mean.map(full).unwrap_or_default(),
            );
            push(
                "group",
                "",
                "",
                l,
                "bonus_median",
                b.median.map(full).unwrap_or_default(),
            );
        }
    }
    let r = reference_label(g).to_string();
    push(
        "reference",
        "",
        "",
        &r,
        "reference",
        match g.reference_choice {
            ReferenceChoice::Given => "given".into(),
            ReferenceChoice::HighestMean => "highest_mean".into(),
        },
    );
    for x in &g.gaps {
        let l = g.groups[x.group].label.as_str();
        push("gap", "", "", l, "mean_gap_pct", full(x.mean_gap));
        push("gap", "", "", l, "median_gap_pct", full(x.median_gap));
        push("gap", "", "", l, "mean_ratio", full(x.mean_ratio));
        push("gap", "", "", l, "median_ratio", full(x.median_ratio));
        for (q, v) in CURVE_LEVELS.iter().zip(&x.quantile_gaps) {
            push(
                "gap",
                "",
                "",
                l,
                &format!("p{:.0}_gap_pct", q * 100.0),
                full(*v),
            );
        }
        let opt = |v: Option<f64>| v.map(full).unwrap_or_default();
        if g.groups[x.group].bonus.is_some() {
            push(
                "gap",
                "",
                "",
                l,
                "bonus_mean_gap_pct",
                opt(x.bonus_mean_gap),
            );
            push(
                "gap",
                "",
                "",
                l,
                "bonus_median_gap_pct",
                opt(x.bonus_median_gap),
            );
        }
    }
    for b in &g.bands {
        push("band", b.name, "", "", "pay_from", full(b.pay_from));
        push("band", b.name, "", "", "pay_to", full(b.pay_to));
        for (i, p) in g.groups.iter().enumerate() {
            push("band", b.name, "", &p.label, "weight", full(b.weight[i]));
            push("band", b.name, "", &p.label, "share", full(b.share[i]));
        }
    }
    if let Some(cats) = &g.categories {
        let opt = |v: Option<f64>| v.map(full).unwrap_or_default();
        for c in cats {
            for (i, f) in c.groups.iter().enumerate() {
                let l = g.groups[i].label.as_str();
                push("category", "", &c.label, l, "n", f.n.to_string());
                push(
                    "category",
                    "",
                    &c.label,
                    l,
                    "weighted_n",
                    full(f.weighted_n),
                );
                push("category", "", &c.label, l, "mean", opt(f.mean));
                push("category", "", &c.label, l, "median", opt(f.median));
            }
            for k in &c.gaps {
                let l = g.groups[k.group].label.as_str();
                push("category", "", &c.label, l, "mean_gap_pct", opt(k.mean_gap));
                push(
                    "category",
                    "",
                    &c.label,
                    l,
                    "median_gap_pct",
                    opt(k.median_gap),
                );
                if g.groups[k.group].bonus.is_some() {
                    push(
                        "category",
                        "",
                        &c.label,
                        l,
                        "bonus_mean_gap_pct",
                        opt(k.bonus_mean_gap),
                    );
                    push(
                        "category",
                        "",
                        &c.label,
                        l,
                        "bonus_median_gap_pct",
                        opt(k.bonus_median_gap),
                    );
                }
                push(
                    "category",
                    "",
                    &c.label,
                    l,
                    "article_10",
                    k.article_10.to_string(),
                );
            }
        }
    }
    if let Some(p) = &g.ratio {
        push("pay_ratio", "", "", &p.label, "pay", full(p.pay));
        push(
            "pay_ratio",
            "",
            "",
            &p.label,
            "median_of_others",
            full(p.median_of_others),
        );
        push("pay_ratio", "", "", &p.label, "ratio", full(p.ratio));
    }
    if let Some(e) = e {
        for (term, measure, value) in explain::csv_rows(e) {
            push("explain", "", &term, "", &measure, value);
        }
    }
    if let Some((_, intervals)) = ci {
        let has_bonus = g.groups.iter().any(|p| p.bonus.is_some());
        let all = std::iter::once(("", &intervals.overall));
        let parts = intervals.categories.iter().map(|(n, x)| (n.as_str(), x));
        let each = all
            .chain(parts)
            .flat_map(|(c, v)| v.iter().map(move |x| (c, x)));
        let mut interval_rows =
            |band: &str, category: &str, group: &str, name: &str, i: Option<Interval>| {
                for (part, v) in [
                    ("se", i.map(|i| i.se)),
                    ("lower", i.map(|i| i.lower)),
                    ("upper", i.map(|i| i.upper)),
                ] {
                    push(
                        "uncertainty",
                        band,
                        category,
                        group,
                        &format!("{name}_{part}"),
                        v.map(full).unwrap_or_default(),
                    );
                }
            };
        for (category, x) in each {
            let l = g.groups[x.group].label.as_str();
            let mut measures = vec![
                ("mean_gap_pct".to_string(), x.mean_gap),
                ("median_gap_pct".to_string(), x.median_gap),
            ];
            for (p, &i) in CURVE_LEVELS.iter().zip(&x.quantile_gaps) {
                measures.push((format!("p{:.0}_gap_pct", p * 100.0), i));
            }
            if has_bonus {
                measures.push(("bonus_mean_gap_pct".into(), x.bonus_mean_gap));
                measures.push(("bonus_median_gap_pct".into(), x.bonus_median_gap));
            }
            for (name, i) in measures {
                interval_rows("", category, l, &name, i);
            }
        }
        for x in &intervals.groups {
            let l = g.groups[x.group].label.as_str();
            if has_bonus {
                interval_rows("", "", l, "bonus_proportion_paid", x.proportion_paid);
            }
            for (band, &i) in g.bands.iter().zip(&x.band_shares) {
                interval_rows(band.name, "", l, "share", i);
            }
        }
    }
    let columns: Vec<DynColumn<CsvRow>> = vec![
        DynColumn::new("section", |r: &CsvRow| r.section.to_string()),
        DynColumn::new("band", |r: &CsvRow| r.band.clone()),
        DynColumn::new("category", |r: &CsvRow| r.category.clone()),
        DynColumn::new("group", |r: &CsvRow| r.group.clone()),
        DynColumn::new("measure", |r: &CsvRow| r.measure.clone()),
        DynColumn::new("value", |r: &CsvRow| r.value.clone()),
    ];
    output::export_dyn(Format::Csv, &columns, &rows)
}

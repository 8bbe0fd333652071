//! `wages_analysis::gap` against the independent R reference values in
//! `tests/fixtures/gap/` (made by `make_reference.R` there: `laeken::gpg` on laeken's `ses`
//! earnings data, R's `weighted.mean` and `quantile(type = 2)`, the weighted quantile rule
//! written in R, and the quartile bands computed three ways). R is not needed to run this.

use serde_json::Value;
use std::path::{Path, PathBuf};
use wages_analysis::gap::{gaps, groups_from_labels, GapOptions, Gaps};
use wages_analysis::payroll::Payroll;

/// R sums in extended precision and Rust in doubles: the ses mean gap differs in the 13th
/// digit (the fixture README's note). 1e-10 relative is well inside what any reader sees.
const REL_TOL: f64 = 1e-10;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= REL_TOL * a.abs().max(b.abs()) + 1e-12
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gap")
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Reads a fixture CSV (plain, no quotes) into a payroll, by the column names the fixture's
/// `columns` gives.
fn read(fixture: &Value) -> Payroll {
    let file = fixture["file"].as_str().unwrap();
    let text = std::fs::read_to_string(dir().join(file)).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |key: &str| {
        let name = fixture["columns"][key].as_str()?;
        Some(header.iter().position(|h| *h == name).unwrap())
    };
    let (g, p, c, b) = (
        col("group").unwrap(),
        col("pay").unwrap(),
        col("category").unwrap(),
        col("bonus").unwrap(),
    );
    let w = if fixture["weighted"].as_bool().unwrap() {
        col("weight")
    } else {
        None
    };
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let f = |r: &Vec<&str>, i: usize| r[i].parse::<f64>().unwrap();
    let labels: Vec<&str> = rows.iter().map(|r| r[g]).collect();
    let cats: Vec<&str> = rows.iter().map(|r| r[c]).collect();
    Payroll {
        pay: rows.iter().map(|r| f(r, p)).collect(),
        weight: w.map(|w| rows.iter().map(|r| f(r, w)).collect()),
        groups: Some(groups_from_labels(&labels)),
        bonus: Some(rows.iter().map(|r| f(r, b)).collect()),
        within: Some(groups_from_labels(&cats)),
        covariates: Vec::new(),
        rows_read: rows.len(),
        dropped_nonpositive: 0,
        kept_nonpositive: 0,
    }
}

fn compute(fixture: &Value) -> Gaps {
    let options = GapOptions {
        reference: Some("male"),
        ..GapOptions::default()
    };
    gaps(read(fixture), &options).unwrap()
}

fn fixtures() -> Vec<Value> {
    let text = std::fs::read_to_string(dir().join("reference.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["fixtures"].as_array().unwrap().clone()
}

macro_rules! check {
    ($name:expr, $what:expr, $ours:expr, $theirs:expr) => {{
        let (a, b) = ($ours, num(&$theirs));
        assert!(close(a, b), "{}: {}: ours {a:e}, R {b:e}", $name, $what);
    }};
}

#[test]
fn every_fixture_matches_r() {
    let all = fixtures();
    assert_eq!(all.len(), 4);
    for fx in &all {
        let name = fx["name"].as_str().unwrap();
        let g = compute(fx);
        let female = g.groups.iter().position(|p| p.label == "female").unwrap();
        assert_eq!(g.groups[g.reference].label, "male");
        let gap = &g.gaps[0];
        assert_eq!(gap.group, female);
        for (label, i) in [("female", female), ("male", g.reference)] {
            let (ours, r) = (&g.groups[i], &fx["groups"][label]);
            assert_eq!(ours.n as u64, r["n"].as_u64().unwrap(), "{name}: n");
            check!(name, "weighted_n", ours.weighted_n, r["weighted_n"]);
            check!(name, "mean", ours.mean, r["mean"]);
            check!(name, "median", ours.median, r["median"]);
            for (k, q) in ours.quantiles.iter().enumerate() {
                check!(name, format!("{label} quantile {k}"), *q, r["quantiles"][k]);
            }
            let b = ours.bonus.as_ref().unwrap();
            let rb = &r["bonus"];
            assert_eq!(b.paid_n as u64, rb["recipients_n"].as_u64().unwrap());
            check!(
                name,
                "bonus weight",
                b.paid_weighted_n,
                rb["recipients_weight"]
            );
            check!(
                name,
                "bonus proportion",
                b.proportion_paid,
                rb["proportion"]
            );
            check!(name, "bonus mean", b.mean.unwrap(), rb["mean"]);
            check!(name, "bonus median", b.median.unwrap(), rb["median"]);
        }
        check!(name, "mean gap", gap.mean_gap, fx["mean_gap_pct"]);
        check!(name, "median gap", gap.median_gap, fx["median_gap_pct"]);
        check!(name, "mean ratio", gap.mean_ratio, fx["ratio_mean"]);
        check!(name, "median ratio", gap.median_ratio, fx["ratio_median"]);
        for (k, q) in gap.quantile_gaps.iter().enumerate() {
            check!(
                name,
                format!("quantile gap {k}"),
                *q,
                fx["quantile_gap_pct"][k]
            );
        }
        check!(
            name,
            "bonus mean gap",
            gap.bonus_mean_gap.unwrap(),
            fx["bonus"]["mean_gap_pct"]
        );
        check!(
            name,
            "bonus median gap",
            gap.bonus_median_gap.unwrap(),
            fx["bonus"]["median_gap_pct"]
        );
        for (band, r) in g.bands.iter().zip(fx["quartile_bands"].as_array().unwrap()) {
            check!(
                name,
                "band female weight",
                band.weight[female],
                r["female_weight"]
            );
            check!(
                name,
                "band male weight",
                band.weight[g.reference],
                r["male_weight"]
            );
            check!(
                name,
                "band female share",
                band.share[female],
                r["female_share"]
            );
            check!(
                name,
                "band male share",
                band.share[g.reference],
                r["male_share"]
            );
        }
        let cats = g.categories.as_ref().unwrap();
        let r_cats = fx["by_category"].as_array().unwrap();
        assert_eq!(cats.len(), r_cats.len(), "{name}: categories");
        for (c, r) in cats.iter().zip(r_cats) {
            assert_eq!(c.label, r["category"].as_str().unwrap());
            let what = format!("category {}", c.label);
            let cg = &c.gaps[0];
            let opt = |ours: Option<f64>, theirs: &Value, field: &str| match (ours, theirs) {
                (None, Value::Null) => {}
                (Some(a), v) if !v.is_null() => check!(name, format!("{what} {field}"), a, v),
                (a, b) => panic!("{name}: {what} {field}: ours {a:?}, R {b}"),
            };
            opt(cg.mean_gap, &r["mean_gap_pct"], "mean gap");
            opt(cg.median_gap, &r["median_gap_pct"], "median gap");
            opt(
                cg.bonus_mean_gap,
                &r["bonus_mean_gap_pct"],
                "bonus mean gap",
            );
            opt(
                cg.bonus_median_gap,
                &r["bonus_median_gap_pct"],
                "bonus median gap",
            );
            assert_eq!(
                cg.article_10,
                r["article10"].as_bool().unwrap(),
                "{name}: {what}"
            );
            for (label, i) in [("female", female), ("male", g.reference)] {
                assert_eq!(c.groups[i].n as u64, r[label]["n"].as_u64().unwrap());
            }
        }
    }
}

/// laeken's own `gpg` (Eurostat's unadjusted gender pay gap) on the weighted ses data: the mean
/// gap, overall and by education, to 1e-10; the median gap where laeken's median rule agrees
/// with ours (it takes the upper value at an exact tie, ours the mean of the two).
#[test]
fn laeken_gpg_on_ses() {
    for fx in fixtures().iter().filter(|f| f.get("laeken").is_some()) {
        let name = fx["name"].as_str().unwrap();
        let g = compute(fx);
        let l = &fx["laeken"];
        check!(name, "gpg mean", g.gaps[0].mean_gap, l["gpg_mean_pct"]);
        if l["gpg_median_agrees"].as_bool().unwrap() {
            check!(
                name,
                "gpg median",
                g.gaps[0].median_gap,
                l["gpg_median_pct"]
            );
        }
        let cats = g.categories.unwrap();
        for (c, r) in cats.iter().zip(l["by_category"].as_array().unwrap()) {
            check!(
                name,
                "gpg mean by category",
                c.gaps[0].mean_gap.unwrap(),
                r["gpg_mean_pct"]
            );
        }
    }
}

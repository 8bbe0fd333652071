//! `wages_analysis::decompose` against independently computed reference values, and the
//! identities of the decompositions as properties.
//!
//! `tests/fixtures/decompose/eusilc.csv` and `reference.json` were produced by
//! `make_reference.R` in that directory (Stata `ineqdeco`'s GE and Atkinson decompositions and
//! R `dineq::gini_decomp`, written in R from their documented definitions, on laeken's `eusilc`
//! data, by sex and by region, weighted and not); R is not needed to run these tests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::Value;
use wages_analysis::decompose::{decompose, Decomposition, Part, Parts};
use wages_analysis::inequality::Sample;
use wages_analysis::payroll::{analyze, Groups, Payroll};

/// Relative tolerance against the R reference.
const REL_TOL: f64 = 1e-8;
/// Absolute floor, for parts whose reference value is (within rounding of) zero.
const ABS_TOL: f64 = 1e-14;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= REL_TOL * a.abs().max(b.abs()) + ABS_TOL
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/decompose")
}

/// The columns of eusilc.csv: income, weight, sex, region.
struct Eusilc {
    income: Vec<f64>,
    weight: Vec<f64>,
    sex: Vec<String>,
    region: Vec<String>,
}

fn read_eusilc() -> Eusilc {
    let text = std::fs::read_to_string(fixture_dir().join("eusilc.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("income,weight,sex,region"));
    let mut d = Eusilc {
        income: Vec::new(),
        weight: Vec::new(),
        sex: Vec::new(),
        region: Vec::new(),
    };
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 4, "{line}");
        d.income.push(f[0].parse().unwrap());
        d.weight.push(f[1].parse().unwrap());
        d.sex.push(f[2].to_string());
        d.region.push(f[3].to_string());
    }
    d
}

fn reference() -> Value {
    let text = std::fs::read_to_string(fixture_dir().join("reference.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Group codes into labels in byte order, as the table readers make them.
fn groups_of(labels: &[String]) -> Groups {
    let sorted: BTreeMap<&str, u32> = labels.iter().map(|l| (l.as_str(), 0)).collect();
    let names: Vec<String> = sorted.keys().map(|s| s.to_string()).collect();
    let code = |l: &str| names.iter().position(|n| n == l).unwrap() as u32;
    Groups {
        codes: labels.iter().map(|l| code(l)).collect(),
        labels: names,
    }
}

const MEASURES: [&str; 8] = [
    "ge_m1",
    "mld",
    "theil_t",
    "ge_2",
    "atkinson_0_5",
    "atkinson_1",
    "atkinson_2",
    "gini",
];

/// The parts of index `key`; every one is defined here (positive pay).
fn measure(d: &Decomposition, key: &str) -> Parts {
    match key {
        "ge_m1" => d.ge_m1,
        "mld" => d.mld,
        "theil_t" => d.theil_t,
        "ge_2" => Some(d.ge_2),
        "atkinson_0_5" => d.atkinson_0_5,
        "atkinson_1" => d.atkinson_1,
        "atkinson_2" => d.atkinson_2,
        "gini" => Some(d.gini),
        _ => unreachable!(),
    }
    .unwrap_or_else(|| panic!("{key} is not defined"))
}

/// Compares `d` (groups labelled `labels`) with the reference fixture `fx`; returns the
/// differences.
fn compare(name: &str, d: &Decomposition, labels: &[String], fx: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |at: String, got: f64, want: &Value| {
        let want = want
            .as_f64()
            .unwrap_or_else(|| panic!("{at}: no reference"));
        if !close(got, want) {
            out.push(format!("{at}: got {got:.17e}, reference {want:.17e}"));
        }
    };
    for key in MEASURES {
        let p = measure(d, key);
        let r = &fx[key];
        check(format!("{name}.{key}.total"), p.total, &r["total"]);
        check(format!("{name}.{key}.within"), p.within, &r["within"]);
        check(format!("{name}.{key}.between"), p.between, &r["between"]);
        if key == "gini" {
            check(
                format!("{name}.gini.overlap"),
                p.overlap.unwrap(),
                &r["overlap"],
            );
        } else {
            assert!(p.overlap.is_none());
        }
    }
    let groups = fx["groups"].as_array().unwrap();
    assert_eq!(groups.len(), d.groups.len(), "{name}: groups");
    for ((g, label), r) in d.groups.iter().zip(labels).zip(groups) {
        assert_eq!(
            r["group"].as_str(),
            Some(label.as_str()),
            "{name}: label order"
        );
        let at = |k: &str| format!("{name}.groups[{label}].{k}");
        check(
            at("population_share"),
            g.population_share,
            &r["population_share"],
        );
        check(at("income_share"), g.income_share, &r["income_share"]);
        check(at("relative_mean"), g.relative_mean, &r["relative_mean"]);
        check(at("ge_m1"), g.ge_m1.unwrap(), &r["ge_m1"]);
        check(at("ge_2"), g.ge_2, &r["ge_2"]);
    }
    out
}

#[test]
fn every_part_matches_the_r_reference_on_eusilc() {
    let data = read_eusilc();
    let reference = reference();
    assert_eq!(reference["rows_dropped_nonpositive"].as_u64(), Some(3));
    assert_eq!(data.income.len(), 14_824);
    let fixtures = reference["fixtures"].as_array().unwrap();
    assert_eq!(fixtures.len(), 4);
    let mut failures = Vec::new();
    for fx in fixtures {
        let name = fx["name"].as_str().unwrap();
        let weighted = fx["weighted"].as_bool().unwrap();
        let column = match fx["group_column"].as_str().unwrap() {
            "sex" => &data.sex,
            "region" => &data.region,
            other => panic!("{name}: unknown group column {other}"),
        };
        let groups = groups_of(column);
        let weight = weighted.then(|| data.weight.clone());

        // Route 1: samples built here, parts computed from them alone (Part::of).
        let mut members: Vec<(Vec<f64>, Vec<f64>)> = vec![Default::default(); groups.labels.len()];
        for ((&x, &w), &c) in data.income.iter().zip(&data.weight).zip(&groups.codes) {
            members[c as usize].0.push(x);
            members[c as usize].1.push(w);
        }
        let parts: Vec<Part> = members
            .into_iter()
            .map(|(x, w)| Part::of(&Sample::new(x, weighted.then_some(w)).unwrap()))
            .collect();
        let whole = Sample::new(data.income.clone(), weight.clone()).unwrap();
        assert!(close(
            whole.weighted_n(),
            fx["weighted_n"].as_f64().unwrap()
        ));
        assert!(close(whole.mean(), fx["mean"].as_f64().unwrap()));
        let d = decompose(&parts, &Part::of(&whole)).unwrap();
        failures.extend(compare(name, &d, &groups.labels, fx));

        // Route 2: the payroll analysis of `wages analyze --group`, from its summaries.
        let payroll = Payroll {
            pay: data.income.clone(),
            weight,
            groups: Some(groups.clone()),
            bonus: None,
            within: None,
            covariates: Vec::new(),
            rows_read: data.income.len(),
            dropped_nonpositive: 0,
            kept_nonpositive: 0,
        };
        let a = analyze(payroll, None, &[5.0], false).unwrap();
        let d2 = a.decomposition.expect("a decomposition with groups");
        failures.extend(compare(
            &format!("{name} (analyze)"),
            &d2,
            &groups.labels,
            fx,
        ));
        // The totals are the whole table's own indices.
        assert_eq!(
            (
                measure(&d2, "mld").total,
                measure(&d2, "theil_t").total,
                d2.gini.total
            ),
            (a.all.mld.unwrap(), a.all.theil_t.unwrap(), a.all.gini)
        );
        assert_eq!(Some(measure(&d2, "atkinson_2").total), a.all.atkinson_2);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---- properties -------------------------------------------------------------------------------

/// Pay with frequent ties mixed with spread-out values, weights in a wide range, a group code.
fn rows() -> impl Strategy<Value = Vec<(f64, f64, u32)>> {
    let pay = prop_oneof![(1u32..20).prop_map(f64::from), 0.01f64..1e6];
    prop::collection::vec((pay, 0.001f64..1000.0, 0u32..5), 1..120)
}

/// The decomposition of `rows` by their group codes (groups without rows left out).
fn decompose_rows(rows: &[(f64, f64, u32)], weighted: bool) -> (Decomposition, usize) {
    let mut by: BTreeMap<u32, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for &(x, w, g) in rows {
        let e = by.entry(g).or_default();
        e.0.push(x);
        e.1.push(w);
    }
    let sample = |x: Vec<f64>, w: Vec<f64>| Sample::new(x, weighted.then_some(w)).unwrap();
    let parts: Vec<Part> = by
        .values()
        .map(|(x, w)| Part::of(&sample(x.clone(), w.clone())))
        .collect();
    let (x, w): (Vec<f64>, Vec<f64>) = rows.iter().map(|&(x, w, _)| (x, w)).unzip();
    let total = Part::of(&sample(x, w));
    (decompose(&parts, &total).unwrap(), parts.len())
}

/// `a` and `b` agree to a relative 1e-10 of `scale` (the total the parts add up to), with an
/// absolute floor for totals near zero.
fn agree(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= 1e-10 * scale.abs() + 1e-13
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn ge_within_plus_between_is_the_total(rows in rows(), weighted in any::<bool>()) {
        let (d, _) = decompose_rows(&rows, weighted);
        for key in ["ge_m1", "mld", "theil_t", "ge_2"] {
            let p = measure(&d, key);
            prop_assert!(p.within >= 0.0 && p.between >= 0.0, "{key}: {p:?}");
            prop_assert!(agree(p.within + p.between, p.total, p.total), "{key}: {p:?}");
        }
    }

    #[test]
    fn gini_parts_sum_to_the_gini(rows in rows(), weighted in any::<bool>()) {
        let (d, _) = decompose_rows(&rows, weighted);
        let g = d.gini;
        let overlap = g.overlap.unwrap();
        prop_assert!(agree(g.within + g.between + overlap, g.total, g.total), "{g:?}");
        // The overlap is never negative (beyond rounding), nor are the other parts.
        prop_assert!(overlap >= -1e-12 && g.within >= 0.0 && g.between >= 0.0, "{g:?}");
    }

    #[test]
    fn atkinson_parts_multiply(rows in rows(), weighted in any::<bool>()) {
        let (d, _) = decompose_rows(&rows, weighted);
        for key in ["atkinson_0_5", "atkinson_1", "atkinson_2"] {
            let p = measure(&d, key);
            prop_assert!((0.0..=1.0).contains(&p.within) && (0.0..=1.0).contains(&p.between));
            let product = (1.0 - p.within) * (1.0 - p.between);
            prop_assert!(agree(product, 1.0 - p.total, 1.0), "{p:?}");
        }
    }

    #[test]
    fn shares_add_up(rows in rows(), weighted in any::<bool>()) {
        let (d, _) = decompose_rows(&rows, weighted);
        let v: f64 = d.groups.iter().map(|g| g.population_share).sum();
        let s: f64 = d.groups.iter().map(|g| g.income_share).sum();
        prop_assert!((v - 1.0).abs() < 1e-12 && (s - 1.0).abs() < 1e-12, "{v} {s}");
    }

    #[test]
    fn one_group_has_nothing_between(rows in rows(), weighted in any::<bool>()) {
        let one: Vec<(f64, f64, u32)> = rows.iter().map(|&(x, w, _)| (x, w, 0)).collect();
        let (d, k) = decompose_rows(&one, weighted);
        prop_assert_eq!(k, 1);
        for key in MEASURES {
            let p = measure(&d, key);
            prop_assert_eq!(p.between, 0.0);
            prop_assert_eq!(p.within, p.total);
        }
        prop_assert_eq!(d.gini.overlap, Some(0.0));
    }

    #[test]
    fn relabelling_groups_permutes_nothing_but_the_group_list(rows in rows()) {
        // Reversing the group codes reverses `groups`; every part stays the same up to the
        // order of summation.
        let flipped: Vec<(f64, f64, u32)> = rows.iter().map(|&(x, w, g)| (x, w, 4 - g)).collect();
        let (a, _) = decompose_rows(&rows, true);
        let (b, _) = decompose_rows(&flipped, true);
        for key in MEASURES {
            let (p, q) = (measure(&a, key), measure(&b, key));
            prop_assert!(agree(p.within, q.within, p.total) && agree(p.between, q.between, p.total));
        }
        let rev: Vec<f64> = b.groups.iter().rev().map(|g| g.relative_mean).collect();
        let fwd: Vec<f64> = a.groups.iter().map(|g| g.relative_mean).collect();
        for (x, y) in fwd.iter().zip(&rev) {
            prop_assert!((x - y).abs() <= 1e-12 * x);
        }
    }
}

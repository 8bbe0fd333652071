//! `wages_analysis::inequality` against independently computed reference values, and its
//! invariance properties.
//!
//! The fixtures and `reference.json` in `tests/fixtures/inequality/` were produced by
//! `make_reference.R` in that directory (R formulas of `ineq`, `laeken::gini`,
//! `laeken::weightedQuantile`, `quantile(type = 2)`, and expansion by integer weights); R is not
//! needed to run these tests.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::Value;
use wages_analysis::inequality::{Sample, Summary};

/// Relative tolerance for every comparison in this file.
const REL_TOL: f64 = 1e-9;
/// Absolute floor, for statistics whose reference value is (or is within rounding of) zero.
const ABS_TOL: f64 = 1e-12;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= REL_TOL * a.abs().max(b.abs()) + ABS_TOL
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inequality")
}

/// Reads a fixture CSV with a `pay` column and an optional `weight` column.
fn read_fixture(file: &str) -> (Vec<f64>, Option<Vec<f64>>) {
    let text = std::fs::read_to_string(fixture_dir().join(file)).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let weighted = match header.as_slice() {
        ["pay"] => false,
        ["pay", "weight"] => true,
        other => panic!("{file}: unexpected header {other:?}"),
    };
    let (mut pay, mut weights) = (Vec::new(), Vec::new());
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let mut fields = line.split(',').map(|f| f.trim().parse::<f64>().unwrap());
        pay.push(fields.next().unwrap());
        if weighted {
            weights.push(fields.next().unwrap());
        }
    }
    (pay, weighted.then_some(weights))
}

/// Compares two JSON trees: same keys (minus `skip`), numbers within tolerance, `null` only
/// against `null`. Returns the paths that differ.
fn diff(path: &str, got: &Value, want: &Value, skip: &[&str], out: &mut Vec<String>) {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => {
            for key in g.keys().chain(w.keys().filter(|k| !g.contains_key(*k))) {
                if skip.contains(&key.as_str()) {
                    continue;
                }
                match (g.get(key), w.get(key)) {
                    (Some(gv), Some(wv)) => diff(&format!("{path}.{key}"), gv, wv, skip, out),
                    _ => out.push(format!("{path}.{key}: present on one side only")),
                }
            }
        }
        (Value::Array(g), Value::Array(w)) if g.len() == w.len() => {
            for (i, (gv, wv)) in g.iter().zip(w).enumerate() {
                diff(&format!("{path}[{i}]"), gv, wv, skip, out);
            }
        }
        (Value::Number(g), Value::Number(w)) => {
            let (g, w) = (g.as_f64().unwrap(), w.as_f64().unwrap());
            if !close(g, w) {
                out.push(format!("{path}: got {g:.17e}, reference {w:.17e}"));
            }
        }
        (g, w) if g == w => {}
        (g, w) => out.push(format!("{path}: got {g}, reference {w}")),
    }
}

fn assert_same(got: &Summary, want: &Summary, skip: &[&str], what: &str) {
    let mut out = Vec::new();
    diff(
        "",
        &serde_json::to_value(got).unwrap(),
        &serde_json::to_value(want).unwrap(),
        skip,
        &mut out,
    );
    assert!(out.is_empty(), "{what}:\n{}", out.join("\n"));
}

#[test]
fn every_statistic_matches_the_r_reference() {
    let text = std::fs::read_to_string(fixture_dir().join("reference.json")).unwrap();
    let reference: Value = serde_json::from_str(&text).unwrap();
    let fixtures = reference["fixtures"].as_array().unwrap();
    assert_eq!(fixtures.len(), 5);
    let mut failures = Vec::new();
    for fx in fixtures {
        let name = fx["name"].as_str().unwrap();
        let (pay, weights) = read_fixture(fx["file"].as_str().unwrap());
        assert_eq!(
            weights.is_some(),
            fx["weighted"].as_bool().unwrap(),
            "{name}"
        );
        let minimum = fx["minimum"].as_f64().unwrap();
        let caps: Vec<f64> = fx["caps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let sample = Sample::new(pay, weights).unwrap();
        let summary = serde_json::to_value(sample.summary(minimum, &caps)).unwrap();
        // The Eurostat indicators came later than this R reference: they are checked against
        // laeken in tests/uncertainty_reference.rs.
        let eurostat = [
            "s80_s20",
            "poverty_line",
            "poverty_threshold",
            "poverty_rate",
            "poverty_gap",
        ];
        diff(name, &summary, &fx["summary"], &eurostat, &mut failures);

        let extra = &fx["extra"];
        let checks = [
            ("ge_2", sample.generalized_entropy(2.0)),
            ("ge_neg1", sample.generalized_entropy(-1.0)),
            ("lorenz_0_25", sample.lorenz(0.25)),
            ("top_share_0_3", sample.top_share(0.3)),
        ];
        for (key, got) in checks {
            let want = extra[key].as_f64().unwrap();
            if !close(got, want) {
                failures.push(format!(
                    "{name}.extra.{key}: got {got:.17e}, reference {want:.17e}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn single_statistic_methods_match_the_summary_on_fixtures() {
    for file in ["lognormal50.csv", "weighted_survey.csv", "ties.csv"] {
        let (pay, weights) = read_fixture(file);
        let s = Sample::new(pay, weights).unwrap();
        let m = s.summary(s.min(), &[]);
        for (got, want) in [
            (s.gini(), m.gini),
            (s.gini_corrected().unwrap(), m.gini_corrected.unwrap()),
            (s.theil_t(), m.theil_t.unwrap()),
            (s.mld(), m.mld.unwrap()),
            (s.atkinson(0.5), m.atkinson_0_5.unwrap()),
            (s.atkinson(1.0), m.atkinson_1.unwrap()),
            (s.atkinson(2.0), m.atkinson_2.unwrap()),
            (s.palma(), m.palma.unwrap()),
        ] {
            assert!(close(got, want), "{file}: {got} vs {want}");
        }
    }
}

// ---- properties -------------------------------------------------------------------------------

/// Pay with frequent ties (small integers) mixed with spread-out values.
fn pay_value() -> impl Strategy<Value = f64> {
    prop_oneof![(1u32..20).prop_map(f64::from), 0.01f64..1e6]
}

fn unweighted() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(pay_value(), 1..80)
}

fn weighted() -> impl Strategy<Value = Vec<(f64, f64)>> {
    prop::collection::vec((pay_value(), 0.001f64..1000.0), 1..80)
}

fn integer_weighted() -> impl Strategy<Value = Vec<(f64, f64)>> {
    prop::collection::vec((pay_value(), (1u32..6).prop_map(f64::from)), 1..60)
}

const CAPS: [f64; 5] = [1.0, 1.5, 2.0, 5.0, 8.0];

fn sample_of(rows: &[(f64, f64)]) -> Sample {
    let (pay, w) = rows.iter().copied().unzip();
    Sample::new(pay, Some(w)).unwrap()
}

fn summary_of(s: &Sample) -> Summary {
    s.summary(s.min(), &CAPS)
}

fn check_bounds(s: &Sample) -> Result<(), TestCaseError> {
    let m = summary_of(s);
    for v in [
        m.gini,
        m.atkinson_0_5.unwrap(),
        m.atkinson_1.unwrap(),
        m.atkinson_2.unwrap(),
        m.top10_share,
        m.top1_share,
    ] {
        prop_assert!((0.0..=1.0).contains(&v), "{v} outside [0, 1]: {m:?}");
    }
    if let Some(g) = m.gini_corrected {
        prop_assert!((0.0..=1.0).contains(&g));
    }
    if s.weights().is_none() {
        prop_assert!(m.gini <= 1.0 - 1.0 / m.n as f64 + 1e-12);
    }
    prop_assert!(m.theil_t.unwrap() >= 0.0 && m.mld.unwrap() >= 0.0);
    prop_assert!(
        m.atkinson_0_5.unwrap() <= m.atkinson_1.unwrap() + 1e-12
            && m.atkinson_1.unwrap() <= m.atkinson_2.unwrap() + 1e-12
    );
    prop_assert!(m.min <= m.p10 && m.p10 <= m.p50 && m.p50 <= m.p90 && m.p90 <= m.max);
    Ok(())
}

/// The summary of `c · x` (with minimum `c · min`) with its level statistics divided by `c`.
fn unscaled_summary(s: &Sample, c: f64) -> Summary {
    let scaled = Sample::new(
        s.pay().iter().map(|x| x * c).collect(),
        s.weights().map(<[f64]>::to_vec),
    )
    .unwrap();
    let mut m = scaled.summary(scaled.min(), &CAPS);
    for v in [
        &mut m.min,
        &mut m.p10,
        &mut m.p50,
        &mut m.mean,
        &mut m.p90,
        &mut m.max,
        &mut m.minimum,
        &mut m.poverty_threshold,
    ] {
        *v /= c;
    }
    for cap in &mut m.caps {
        cap.threshold /= c;
        cap.pay_above_total /= c;
    }
    m
}

/// Statistics that count rows or weight against a threshold (comparisons `<`, `>`); scaling by
/// a non-power of two can move a value that sits exactly on a threshold across it.
const THRESHOLD_FIELDS: [&str; 4] = ["low_pay_share", "caps", "poverty_rate", "poverty_gap"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn gini_and_atkinson_lie_in_unit_interval(pay in unweighted(), rows in weighted()) {
        check_bounds(&Sample::new(pay, None).unwrap())?;
        check_bounds(&sample_of(&rows))?;
    }

    #[test]
    fn invariant_to_scaling_pay(pay in unweighted(), rows in weighted(), c in 1e-3f64..1e3,
                                exp in -20i32..20) {
        for s in [Sample::new(pay, None).unwrap(), sample_of(&rows)] {
            let m = summary_of(&s);
            assert_same(&unscaled_summary(&s, c), &m, &THRESHOLD_FIELDS, "scale by c");
            // A power of two scales exactly, so even threshold counts must agree.
            assert_same(&unscaled_summary(&s, 2f64.powi(exp)), &m, &[], "scale by 2^k");
        }
    }

    #[test]
    fn invariant_to_duplicating_rows(pay in unweighted(), rows in integer_weighted()) {
        let counts = ["n", "weighted_n", "rows", "count", "pay_above_total", "gini_corrected"];
        let s = Sample::new(pay.clone(), None).unwrap();
        let twice = Sample::new(pay.iter().chain(&pay).copied().collect(), None).unwrap();
        let (m, m2) = (summary_of(&s), summary_of(&twice));
        assert_same(&m2, &m, &counts, "duplicated unweighted rows");
        prop_assert_eq!(m2.n, 2 * m.n);
        for (a, b) in m2.caps.iter().zip(&m.caps) {
            prop_assert!(close(a.count, 2.0 * b.count) && close(a.pay_above_total, 2.0 * b.pay_above_total));
        }

        let s = sample_of(&rows);
        let doubled: Vec<(f64, f64)> = rows.iter().chain(&rows).copied().collect();
        let m = summary_of(&s);
        assert_same(&summary_of(&sample_of(&doubled)), &m, &counts, "duplicated weighted rows");
        // Doubling every weight is the same as duplicating every row, corrected Gini aside.
        let heavier: Vec<(f64, f64)> = rows.iter().map(|&(x, w)| (x, 2.0 * w)).collect();
        assert_same(&summary_of(&sample_of(&heavier)), &m, &counts, "doubled weights");
        // Integer weights are frequency weights: the same as repeating each row w times.
        let expanded: Vec<f64> =
            rows.iter().flat_map(|&(x, w)| std::iter::repeat_n(x, w as usize)).collect();
        let e = summary_of(&Sample::new(expanded, None).unwrap());
        assert_same(&e, &m, &["n", "rows", "gini_corrected"], "expanded by integer weights");
    }

    #[test]
    fn invariant_to_permuting_rows(
        (pay, shuffled) in unweighted().prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
        (rows, rows_shuffled) in weighted().prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
    ) {
        // The sort orders ties by weight too, so the sorted sample, and hence every rounding,
        // is the same whatever the input order: the summaries are bit-for-bit equal.
        prop_assert_eq!(
            summary_of(&Sample::new(pay, None).unwrap()),
            summary_of(&Sample::new(shuffled, None).unwrap())
        );
        prop_assert_eq!(summary_of(&sample_of(&rows_shuffled)), summary_of(&sample_of(&rows)));
    }

    #[test]
    fn a_higher_cap_never_counts_more(pay in unweighted(), rows in weighted(),
                                      mut caps in prop::collection::vec(0.1f64..50.0, 1..8)) {
        caps.sort_by(f64::total_cmp);
        for s in [Sample::new(pay, None).unwrap(), sample_of(&rows)] {
            let m = s.summary(s.min(), &caps);
            for pair in m.caps.windows(2) {
                let (lo, hi) = (&pair[0], &pair[1]);
                prop_assert!(hi.rows <= lo.rows);
                prop_assert!(hi.count <= lo.count && hi.share <= lo.share);
                prop_assert!(hi.pay_above_total <= lo.pay_above_total * (1.0 + 1e-12));
            }
        }
    }

    #[test]
    fn from_sorted_agrees_with_new(rows in weighted()) {
        let s = sample_of(&rows);
        let again = Sample::from_sorted(s.pay().to_vec(), s.weights().map(<[f64]>::to_vec)).unwrap();
        prop_assert_eq!(summary_of(&again), summary_of(&s));
    }
}

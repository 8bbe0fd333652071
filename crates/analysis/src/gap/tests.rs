//! Hand-worked tables for every measure; the arithmetic is written out beside each value.

use super::*;

fn payroll(rows: &[(&str, f64)], weight: Option<Vec<f64>>) -> Payroll {
    let labels: Vec<&str> = rows.iter().map(|r| r.0).collect();
    Payroll {
        pay: rows.iter().map(|r| r.1).collect(),
        weight,
        groups: Some(groups_from_labels(&labels)),
        bonus: None,
        within: None,
        covariates: Vec::new(),
        rows_read: rows.len(),
        dropped_nonpositive: 0,
        kept_nonpositive: 0,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
}

/// Men 10, 12, 14, 20 (bonus 0, 100, 200, 0); women 9, 10, 11 (bonus 50, 0, 0).
fn seven() -> Payroll {
    let mut p = payroll(
        &[
            ("m", 10.0),
            ("w", 9.0),
            ("m", 12.0),
            ("w", 10.0),
            ("m", 14.0),
            ("w", 11.0),
            ("m", 20.0),
        ],
        None,
    );
    p.bonus = Some(vec![0.0, 50.0, 100.0, 0.0, 200.0, 0.0, 0.0]);
    p
}

#[test]
fn mean_median_and_quantile_gaps() {
    let g = gaps(seven(), &GapOptions::default()).unwrap();
    // Men's mean 56/4 = 14 beats women's 30/3 = 10: men are the reference.
    assert_eq!(g.reference, 0);
    assert_eq!(g.reference_choice, ReferenceChoice::HighestMean);
    assert_eq!(g.groups[0].label, "m");
    assert_eq!((g.groups[0].mean, g.groups[1].mean), (14.0, 10.0));
    // Medians: men (12 + 14) / 2 = 13, women 10.
    assert_eq!((g.groups[0].median, g.groups[1].median), (13.0, 10.0));
    let w = &g.gaps[0];
    assert_eq!(w.group, 1);
    assert!(close(w.mean_gap, (14.0 - 10.0) / 14.0 * 100.0)); // 28.571...
    assert!(close(w.median_gap, (13.0 - 10.0) / 13.0 * 100.0)); // 23.077...
    assert!(close(w.mean_ratio, 10.0 / 14.0));
    assert!(close(w.median_ratio, 10.0 / 13.0));
    let at = |p: f64| w.quantile_gaps[CURVE_LEVELS.iter().position(|&l| l == p).unwrap()];
    // P10: men 0.4 of 4 rows -> 1st = 10; women 0.3 of 3 -> 1st = 9: (10 - 9) / 10 = 10%.
    assert!(close(at(0.10), 10.0));
    // P25: men 1.0 exactly -> (10 + 12) / 2 = 11; women 0.75 -> 9: 2 / 11.
    assert!(close(at(0.25), 2.0 / 11.0 * 100.0));
    // P75: men 3.0 exactly -> (14 + 20) / 2 = 17; women 2.25 -> 3rd = 11: 6 / 17.
    assert!(close(at(0.75), 6.0 / 17.0 * 100.0));
    // P90: men 3.6 -> 20; women 2.7 -> 11: 9 / 20 = 45%.
    assert!(close(at(0.90), 45.0));
    assert_eq!(g.groups[1].n, 3);
    assert_eq!(g.groups[1].weighted_n, 3.0);
}

#[test]
fn bonus_gaps_are_over_those_paid_one() {
    let g = gaps(seven(), &GapOptions::default()).unwrap();
    let (m, w) = (
        g.groups[0].bonus.as_ref().unwrap(),
        g.groups[1].bonus.as_ref().unwrap(),
    );
    // Men: 2 of 4 paid (100, 200): mean = median = 150. Women: 1 of 3 paid (50).
    assert_eq!((m.paid_n, m.proportion_paid), (2, 0.5));
    assert_eq!((m.mean, m.median), (Some(150.0), Some(150.0)));
    assert_eq!(w.paid_n, 1);
    assert!(close(w.proportion_paid, 1.0 / 3.0));
    // (150 - 50) / 150 = 66.67%.
    assert!(close(g.gaps[0].bonus_mean_gap.unwrap(), 100.0 / 1.5));
    assert!(close(g.gaps[0].bonus_median_gap.unwrap(), 100.0 / 1.5));
}

/// Seven people (not a multiple of four), the two 10s tied across the first cut.
///
/// Ranked: 9w 10w 10m 11w 12m 14m 20m; bands of 7/4 = 1.75. The block of 10s spans [1, 3):
/// cut 1.75 puts 0.375 of it below, each of its two people split alike: lower = 9w + 0.375
/// (10w) + 0.375 (10m). Cut 3.5 halves 11w; cut 5.25 takes a quarter of 14m.
#[test]
fn quartile_bands_split_ties_and_the_remainder() {
    let g = gaps(seven(), &GapOptions::default()).unwrap();
    let weights: Vec<Vec<f64>> = g.bands.iter().map(|b| b.weight.clone()).collect();
    assert_eq!(
        weights,
        vec![
            vec![0.375, 1.375], // lower: m 0.375; w 1 + 0.375
            vec![0.625, 1.125], // lower middle: m 0.625 (rest of 10m); w 0.625 + 0.5 (11w)
            vec![1.25, 0.5],    // upper middle: m 12 + 0.25 of 14; w the other half of 11
            vec![1.75, 0.0],    // upper: m 0.75 of 14 + 20
        ]
    );
    assert!(close(g.bands[0].share[0], 0.375 / 1.75));
    assert_eq!(g.bands[3].share, vec![1.0, 0.0]);
    assert_eq!(g.bands[0].name, "lower");
    assert_eq!((g.bands[3].pay_from, g.bands[3].pay_to), (14.0, 20.0));
}

#[test]
fn a_given_reference_turns_the_sign() {
    let options = GapOptions {
        reference: Some("w"),
        ..GapOptions::default()
    };
    let g = gaps(seven(), &options).unwrap();
    assert_eq!(g.reference, 1);
    assert_eq!(g.reference_choice, ReferenceChoice::Given);
    // (10 - 14) / 10 = -40%.
    assert!(close(g.gaps[0].mean_gap, -40.0));
    assert_eq!(g.gaps[0].group, 0);
}

/// Integer weights give the figures of the rows repeated (frequency and sampling weights give
/// the same point values).
#[test]
fn integer_weights_are_repeated_rows() {
    let rows = [("a", 5.0), ("b", 3.0), ("a", 8.0), ("b", 4.0), ("b", 9.0)];
    let w = vec![2.0, 1.0, 3.0, 2.0, 1.0];
    let mut expanded = Vec::new();
    for (r, &k) in rows.iter().zip(&w) {
        for _ in 0..k as usize {
            expanded.push(*r);
        }
    }
    let a = gaps(payroll(&rows, Some(w)), &GapOptions::default()).unwrap();
    let b = gaps(payroll(&expanded, None), &GapOptions::default()).unwrap();
    assert_eq!(a.reference, b.reference);
    for (x, y) in a.gaps.iter().zip(&b.gaps) {
        assert!(close(x.mean_gap, y.mean_gap));
        assert_eq!(x.median_gap, y.median_gap);
        assert_eq!(x.quantile_gaps, y.quantile_gaps);
    }
    for (x, y) in a.bands.iter().zip(&b.bands) {
        assert_eq!(x.weight, y.weight);
    }
    assert_eq!(a.groups[1].weighted_n, 4.0);
    assert_eq!(b.groups[1].n, 4);
    assert!(a.weighted && !b.weighted);
}

/// Two categories: in A men earn 10 and 10, women 9.4 and 9.5 (mean gap (10 - 9.45) / 10 =
/// 5.5%, at or past 5%: flagged); in B men 20, women 19.5 (2.5%: not flagged); C has men only.
#[test]
fn categories_and_the_article_10_flag() {
    let rows = [
        ("m", 10.0),
        ("m", 10.0),
        ("w", 9.4),
        ("w", 9.5),
        ("m", 20.0),
        ("w", 19.5),
        ("m", 30.0),
    ];
    let mut p = payroll(&rows, None);
    p.within = Some(groups_from_labels(&["A", "A", "A", "A", "B", "B", "C"]));
    let g = gaps(p, &GapOptions::default()).unwrap();
    let cats = g.categories.unwrap();
    assert_eq!(cats.len(), 3);
    assert!(close(cats[0].gaps[0].mean_gap.unwrap(), 5.5));
    assert!(close(cats[0].gaps[0].median_gap.unwrap(), 5.5));
    assert!(cats[0].gaps[0].article_10);
    assert!(close(cats[1].gaps[0].mean_gap.unwrap(), 2.5));
    assert!(!cats[1].gaps[0].article_10);
    assert_eq!(cats[2].groups[1].n, 0);
    assert_eq!(cats[2].gaps[0].mean_gap, None);
    assert!(!cats[2].gaps[0].article_10);
    // The groups' own figures pool their categories: men (10 + 10 + 20 + 30) / 4 = 17.5.
    assert_eq!(g.groups[0].mean, 17.5);
    assert_eq!(g.groups[0].median, 15.0);
    // Every cell is small: 5 cells of fewer than 10 rows, named.
    assert!(matches!(
        &g.warnings[..],
        [
            GapWarning::SmallGroup { .. },
            GapWarning::SmallGroup { .. },
            GapWarning::SmallCells { cells: 5, .. }
        ]
    ));
}

#[test]
fn pay_ratio_to_the_median_of_everyone_else() {
    let rows = [
        ("ceo", 1000.0),
        ("staff", 10.0),
        ("staff", 30.0),
        ("staff", 20.0),
    ];
    let options = GapOptions {
        ratio_of: Some("ceo"),
        ..GapOptions::default()
    };
    let g = gaps(payroll(&rows, None), &options).unwrap();
    let r = g.ratio.unwrap();
    // 1000 / median(10, 20, 30) = 1000 / 20 = 50 to 1.
    assert_eq!((r.pay, r.median_of_others, r.ratio), (1000.0, 20.0, 50.0));
    let options = GapOptions {
        ratio_of: Some("staff"),
        ..GapOptions::default()
    };
    let e = gaps(payroll(&rows, None), &options).unwrap_err();
    assert_eq!(
        e,
        GapError::RatioGroupNotOne {
            label: "staff".into(),
            n: 3
        }
    );
}

#[test]
fn errors_name_what_is_wrong() {
    let options = GapOptions {
        reference: Some("x"),
        ..GapOptions::default()
    };
    let e = gaps(seven(), &options).unwrap_err();
    assert_eq!(
        e.to_string(),
        "there is no group \"x\"; the groups are: \"m\", \"w\"; name one of them"
    );
    let e = gaps(
        payroll(&[("a", 1.0), ("a", 2.0)], None),
        &GapOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e, GapError::OneGroup { label: "a".into() });
    let mut p = seven();
    p.groups = None;
    assert_eq!(
        gaps(p, &GapOptions::default()).unwrap_err(),
        GapError::NoGroups
    );
    // A label whose rows were all dropped (the reader keeps the label table).
    let mut p = payroll(&[("a", 1.0), ("a", 2.0)], None);
    p.groups = Some(Groups {
        labels: vec!["a".into(), "b".into()],
        codes: vec![0, 0],
    });
    assert_eq!(
        gaps(p, &GapOptions::default()).unwrap_err(),
        GapError::EmptyGroup { label: "b".into() }
    );
}

/// Three groups: each is set against the one reference.
#[test]
fn three_groups_one_reference() {
    let rows = [("a", 10.0), ("b", 20.0), ("c", 5.0), ("b", 20.0)];
    let g = gaps(payroll(&rows, None), &GapOptions::default()).unwrap();
    assert_eq!(g.reference, 1);
    assert_eq!(g.gaps.len(), 2);
    assert_eq!((g.gaps[0].group, g.gaps[0].mean_gap), (0, 50.0));
    assert_eq!((g.gaps[1].group, g.gaps[1].mean_gap), (2, 75.0));
    let share_sum: f64 = g.bands[0].share.iter().sum();
    assert!(close(share_sum, 1.0));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn rows() -> impl Strategy<Value = Vec<(u8, u8, u16, u8)>> {
        // (group 0..3, category 0..4, pay in grades 1..40, weight 1..4)
        proptest::collection::vec((0u8..3, 0u8..4, 1u16..40, 1u8..4), 2..80)
    }

    fn build(rows: &[(u8, u8, u16, u8)], within: bool, weighted: bool) -> Payroll {
        let labels: Vec<String> = rows.iter().map(|r| format!("g{}", r.0)).collect();
        let cats: Vec<String> = rows.iter().map(|r| format!("c{}", r.1)).collect();
        let l: Vec<&str> = labels.iter().map(String::as_str).collect();
        let c: Vec<&str> = cats.iter().map(String::as_str).collect();
        Payroll {
            pay: rows.iter().map(|r| f64::from(r.2) / 4.0).collect(),
            weight: weighted.then(|| rows.iter().map(|r| f64::from(r.3)).collect()),
            groups: Some(groups_from_labels(&l)),
            bonus: None,
            within: within.then(|| groups_from_labels(&c)),
            covariates: Vec::new(),
            rows_read: rows.len(),
            dropped_nonpositive: 0,
            kept_nonpositive: 0,
        }
    }

    proptest! {
        /// Splitting the rows into categories changes none of the groups' own figures: a
        /// group's union of cells is its pooled sample (quantiles bit for bit, counts and
        /// integer weights being exact), and the bands do not move.
        #[test]
        fn cells_pool_to_the_group(rows in rows(), weighted in any::<bool>()) {
            let distinct: std::collections::BTreeSet<u8> = rows.iter().map(|r| r.0).collect();
            prop_assume!(distinct.len() >= 2);
            let a = gaps(build(&rows, false, weighted), &GapOptions::default()).unwrap();
            let b = gaps(build(&rows, true, weighted), &GapOptions::default()).unwrap();
            for (x, y) in a.groups.iter().zip(&b.groups) {
                prop_assert_eq!(&x.quantiles, &y.quantiles);
                prop_assert_eq!(x.median, y.median);
                prop_assert!(close(x.mean, y.mean));
            }
            for (x, y) in a.bands.iter().zip(&b.bands) {
                for (u, v) in x.weight.iter().zip(&y.weight) {
                    prop_assert!((u - v).abs() < 1e-9);
                }
            }
        }

        /// The bands hold a quarter of the weight each, and every group's weight is shared out
        /// over them in full.
        #[test]
        fn bands_are_quarters(rows in rows(), weighted in any::<bool>()) {
            let distinct: std::collections::BTreeSet<u8> = rows.iter().map(|r| r.0).collect();
            prop_assume!(distinct.len() >= 2);
            let g = gaps(build(&rows, true, weighted), &GapOptions::default()).unwrap();
            let total: f64 = g.groups.iter().map(|p| p.weighted_n).sum();
            for b in &g.bands {
                let s: f64 = b.weight.iter().sum();
                prop_assert!((s - total / 4.0).abs() < 1e-9 * total);
                prop_assert!(b.pay_from <= b.pay_to);
            }
            for (k, p) in g.groups.iter().enumerate() {
                let s: f64 = g.bands.iter().map(|b| b.weight[k]).sum();
                prop_assert!((s - p.weighted_n).abs() < 1e-9 * total);
            }
        }
    }
}

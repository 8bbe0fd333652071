//! The decomposition's identities, its invariances, a case worked by hand, the errors.

use super::*;
use crate::payroll::{Covariate, Groups};

/// A deterministic pseudo-random stream in [0, 1).
fn uniform(state: &mut u64) -> f64 {
    crate::resample::unit(state)
}

/// `n` rows: groups "m"/"w", experience, a three-level education (labels in `educ_labels`
/// order), log pay = 2 + 0.03 exp + educ effect + 0.1 [m] + noise.
fn payroll(n: usize, educ_labels: [&str; 3], weighted: bool, seed: u64) -> Payroll {
    let mut s = seed;
    let (mut pay, mut w, mut g, mut exp, mut educ) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        let male = uniform(&mut s) < 0.5;
        let e = (uniform(&mut s) * 30.0).floor() + if male { 3.0 } else { 0.0 };
        let level = ((uniform(&mut s) + if male { 0.2 } else { 0.0 }) * 3.0).min(2.0) as usize;
        let effect = [0.0, 0.2, 0.45][level];
        let noise = (uniform(&mut s) - 0.5) * 0.6;
        pay.push((2.0 + 0.03 * e + effect + if male { 0.1 } else { 0.0 } + noise).exp());
        w.push(0.5 + uniform(&mut s));
        g.push(u32::from(!male)); // "m" = 0, "w" = 1
        exp.push(e);
        educ.push(level);
    }
    // Codes follow the sorted labels.
    let mut sorted: Vec<&str> = educ_labels.to_vec();
    sorted.sort();
    let code_of: Vec<u32> = educ_labels
        .iter()
        .map(|l| sorted.iter().position(|s| s == l).unwrap() as u32)
        .collect();
    Payroll {
        pay,
        weight: weighted.then_some(w),
        groups: Some(Groups {
            labels: vec!["m".into(), "w".into()],
            codes: g,
        }),
        bonus: None,
        within: None,
        covariates: vec![
            Covariate {
                name: "exp".into(),
                values: CovariateValues::Numeric(exp),
            },
            Covariate {
                name: "educ".into(),
                values: CovariateValues::Categorical(Groups {
                    labels: sorted.iter().map(|s| s.to_string()).collect(),
                    codes: educ.iter().map(|&l| code_of[l]).collect(),
                }),
            },
        ],
        rows_read: n,
        dropped_nonpositive: 0,
        kept_nonpositive: 0,
    }
}

fn options() -> ExplainOptions<'static> {
    ExplainOptions {
        reference: None,
        other: None,
        outcome: Outcome::Log,
        variance: Variance::Delta { robust: false },
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-10 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn parts_sum_to_the_gap_for_every_reference() {
    for weighted in [false, true] {
        let e = explain(
            &payroll(400, ["low", "mid", "high"], weighted, 7),
            &options(),
        )
        .unwrap();
        assert_eq!(e.group_a.label, "m");
        let r = e.gap.value;
        assert!(close(r, e.group_a.mean - e.group_b.mean));
        let t = &e.threefold;
        assert!(close(
            t.endowments.value + t.coefficients.value + t.interaction.value,
            r
        ));
        for two in &e.twofold {
            assert!(
                close(two.explained.value + two.unexplained.value, r),
                "{:?}",
                two.reference
            );
            assert!(close(
                two.unexplained_a.value + two.unexplained_b.value,
                two.unexplained.value
            ));
        }
        // Detailed rows: the constant and each variable's total sum to the parts.
        let totals: Vec<&Detail> = e.detailed.iter().filter(|d| d.category.is_none()).collect();
        let sum = |f: fn(&Detail) -> f64| totals.iter().map(|d| f(d)).sum::<f64>();
        assert!(close(sum(|d| d.endowments.value), t.endowments.value));
        assert!(close(
            sum(|d| d.unexplained.value),
            e.twofold[0].unexplained.value
        ));
        assert!(close(
            sum(|d| d.explained.value),
            e.twofold[0].explained.value
        ));
        // A categorical variable's total is the sum of its categories.
        let educ: Vec<&Detail> = e
            .detailed
            .iter()
            .filter(|d| d.variable.as_deref() == Some("educ"))
            .collect();
        let cats: f64 = educ[1..].iter().map(|d| d.coefficients.value).sum();
        assert!(close(cats, educ[0].coefficients.value));
        assert!(educ[1].base && !educ[2].base);
        // The constant explains nothing (its mean is 1 in both groups).
        assert_eq!(e.detailed[0].explained.value, 0.0);
    }
}

/// The normalised contributions of each category do not depend on which category is the base
/// (the omitted one): relabelling so that another sorts first changes the base, not the
/// detailed decomposition.
#[test]
fn normalised_categories_do_not_depend_on_the_base() {
    let a = explain(
        &payroll(300, ["a-low", "b-mid", "c-high"], true, 11),
        &options(),
    )
    .unwrap();
    let b = explain(
        &payroll(300, ["z-low", "b-mid", "c-high"], true, 11),
        &options(),
    )
    .unwrap();
    let by_level = |e: &Explained, prefix: &str| -> Detail {
        e.detailed
            .iter()
            .find(|d| d.category.as_deref().is_some_and(|c| c.ends_with(prefix)))
            .unwrap()
            .clone()
    };
    for level in ["low", "mid", "high"] {
        let (x, y) = (by_level(&a, level), by_level(&b, level));
        for (p, q) in [
            (x.endowments, y.endowments),
            (x.coefficients, y.coefficients),
            (x.interaction, y.interaction),
            (x.explained, y.explained),
            (x.unexplained, y.unexplained),
        ] {
            assert!(
                close(p.value, q.value),
                "{level}: {} vs {}",
                p.value,
                q.value
            );
            assert!((p.se - q.se).abs() <= 1e-8 * p.se.max(1e-12), "{level} se");
        }
    }
    assert_eq!(
        a.detailed
            .iter()
            .find(|d| d.base)
            .unwrap()
            .category
            .as_deref(),
        Some("a-low")
    );
    assert_eq!(
        b.detailed
            .iter()
            .find(|d| d.base)
            .unwrap()
            .category
            .as_deref(),
        Some("b-mid")
    );
}

/// One numeric covariate, two groups of four, worked by hand.
///
/// A: x = 1, 2, 3, 4 with y = 2, 3, 5, 4 (b = 0.8, a = 1.5; ȳ = 3.5, x̄ = 2.5). B: x = 0, 1, 2,
/// 3 with y = 1, 2, 2, 3 (x̄ = 1.5, ȳ = 2; Sxy = 3, Sxx = 5: b = 0.6, a = 1.1). R = 1.5.
/// E = (2.5 − 1.5) 0.6 = 0.6; C = (1.5 − 1.1) + 1.5 (0.8 − 0.6) = 0.7; I = 1 × 0.2 = 0.2.
/// Twofold with β_A: Q = 0.8, U = 0.7; Reimers: Q = 0.7, U = 0.8.
#[test]
fn worked_by_hand() {
    let p = Payroll {
        pay: [2.0, 3.0, 5.0, 4.0, 1.0, 2.0, 2.0, 3.0].to_vec(),
        weight: None,
        groups: Some(Groups {
            labels: vec!["a".into(), "b".into()],
            codes: vec![0, 0, 0, 0, 1, 1, 1, 1],
        }),
        bonus: None,
        within: None,
        covariates: vec![Covariate {
            name: "x".into(),
            values: CovariateValues::Numeric(vec![1.0, 2.0, 3.0, 4.0, 0.0, 1.0, 2.0, 3.0]),
        }],
        rows_read: 8,
        dropped_nonpositive: 0,
        kept_nonpositive: 0,
    };
    let o = ExplainOptions {
        outcome: Outcome::Level,
        ..options()
    };
    let e = explain(&p, &o).unwrap();
    assert!(close(e.gap.value, 1.5));
    assert!(close(e.threefold.endowments.value, 0.6));
    assert!(close(e.threefold.coefficients.value, 0.7));
    assert!(close(e.threefold.interaction.value, 0.2));
    let two = |r: Reference| e.twofold.iter().find(|t| t.reference == r).unwrap();
    assert!(close(two(Reference::GroupA).explained.value, 0.8));
    assert!(close(two(Reference::GroupB).explained.value, 0.6));
    assert!(close(two(Reference::Reimers).explained.value, 0.7));
    assert!(close(two(Reference::Cotton).explained.value, 0.7));
    assert!(close(e.group_a.coefficients[1].1, 0.8));
    // V(ȳ_A) by the delta method = x̄'V(β)x̄ + β'V(x̄)β: x̄'V(β)x̄ = s²/n = 0.9/4 for the
    // regression (the fitted mean), plus 0.8² V(x̄) = 0.64 × (5/3)/4; group B: s² = RSS/2
    // with residuals 0.1 (=1-(1.1+0)), 0.3, -0.3, 0.1... computed from b: fitted 1.1, 1.7,
    // 2.3, 2.9; residuals -0.1, 0.3, -0.3, 0.1: RSS = 0.2, s² = 0.1; plus 0.36 × (5/3)/4.
    let want = 0.9 / 4.0 + 0.64 * (5.0 / 3.0) / 4.0 + 0.1 / 4.0 + 0.36 * (5.0 / 3.0) / 4.0;
    assert!(
        close(e.gap.se * e.gap.se, want),
        "{} vs {want}",
        e.gap.se.powi(2)
    );
}

#[test]
fn bootstrap_and_delta_method_agree_roughly() {
    let p = payroll(2000, ["low", "mid", "high"], false, 3);
    let delta = explain(&p, &options()).unwrap();
    let o = ExplainOptions {
        variance: Variance::Bootstrap {
            replicates: 200,
            seed: 42,
        },
        ..options()
    };
    let boot = explain(&p, &o).unwrap();
    assert_eq!(boot.gap.value, delta.gap.value);
    for (d, b) in [
        (delta.gap, boot.gap),
        (delta.threefold.endowments, boot.threefold.endowments),
        (delta.twofold[0].unexplained, boot.twofold[0].unexplained),
    ] {
        // 200 replicates estimate a standard error to about ±10% (1/sqrt(2 × 200) = 5% sd).
        let ratio = b.se / d.se;
        assert!(
            (0.75..1.33).contains(&ratio),
            "bootstrap {} vs delta {}",
            b.se,
            d.se
        );
        assert!(b.lo < b.value && b.value < b.hi);
    }
    // The same seed gives the same replicates.
    assert_eq!(explain(&p, &o).unwrap(), boot);
    assert!(boot.method.contains("200 replicates") && boot.method.contains("seed 42"));
}

#[test]
fn errors_name_the_column() {
    // A category that occurs in one group only: its indicator is constant in the other.
    let mut p = payroll(200, ["low", "mid", "high"], false, 5);
    if let CovariateValues::Categorical(g) = &mut p.covariates[1].values {
        let codes = &mut g.codes;
        for (i, c) in codes.iter_mut().enumerate() {
            if p.groups.as_ref().unwrap().codes[i] == 1 && *c == 2 {
                *c = 0;
            }
        }
    }
    let e = explain(&p, &options()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "--explain: column \"educ\" = \"mid\" is constant in group \"w\", so its effect cannot be estimated there; leave it out, or merge categories so every category occurs in both groups"
    );
    // A covariate that is a copy of another.
    let mut p = payroll(100, ["low", "mid", "high"], false, 5);
    let copy = p.covariates[0].clone();
    p.covariates.push(Covariate {
        name: "exp2".into(),
        ..copy
    });
    let e = explain(&p, &options()).unwrap_err();
    assert!(
        e.to_string()
            .contains("column \"exp2\" is a linear combination"),
        "{e}"
    );
    let mut p = payroll(10, ["low", "mid", "high"], false, 5);
    p.covariates.clear();
    assert_eq!(
        explain(&p, &options()).unwrap_err(),
        ExplainError::NoCovariates
    );
}

#[test]
fn missing_covariates_drop_rows_and_are_counted() {
    let mut p = payroll(300, ["low", "mid", "high"], false, 9);
    if let CovariateValues::Numeric(v) = &mut p.covariates[0].values {
        v[3] = f64::NAN;
        v[10] = f64::NAN;
    }
    if let CovariateValues::Categorical(g) = &mut p.covariates[1].values {
        g.codes[10] = crate::payroll::MISSING_CODE;
        g.codes[20] = crate::payroll::MISSING_CODE;
    }
    let e = explain(&p, &options()).unwrap();
    assert_eq!(e.dropped_missing, 3);
    assert_eq!(e.group_a.n + e.group_b.n, 297);
}

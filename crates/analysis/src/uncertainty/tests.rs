//! The linearisation against numerical derivatives, the designs against each other, the
//! bootstrap against the linearisation, and the intervals' coverage on simulated samples.
//! Values against R `survey` and `laeken`: tests/uncertainty_reference.rs.

use super::*;
use crate::inequality::Sample;
use crate::resample::unit;

fn lognormal(n: usize, sigma: f64, state: &mut u64) -> Vec<f64> {
    (0..n)
        .map(|_| {
            // Box-Muller; 1 − u keeps the logarithm finite.
            let (u, v) = (1.0 - unit(state), unit(state));
            let z = (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos();
            (sigma * z).exp()
        })
        .collect()
}

const CAPS: [f64; 1] = [5.0];

fn options(kind: WeightKind) -> CiOptions {
    CiOptions {
        level: 0.95,
        method: Method::Linearised,
        weight_kind: kind,
    }
}

fn iid(total_rows: f64) -> Domain<'static> {
    Domain {
        design: None,
        units: None,
        total_rows,
    }
}

fn se_of(entries: &[Entry], key: &str) -> f64 {
    entries
        .iter()
        .find(|e| e.statistic == key)
        .and_then(|e| e.interval)
        .map(|i| i.se)
        .unwrap_or(f64::NAN)
}

/// The linearised variance of a smooth statistic equals `n/(n−1) Σ (w_k z_k − ū)²` with `z_k`
/// the numerical derivative of the statistic with respect to the weight of row `k` (Deville's
/// definition of the linearised variable), computed here by central differences.
#[test]
fn linearised_variables_are_the_derivatives_of_the_statistics() {
    let mut state = 7;
    let n = 40;
    let pay = lognormal(n, 0.8, &mut state);
    let w: Vec<f64> = (0..n).map(|_| 0.5 + 2.0 * unit(&mut state)).collect();
    let sample = Sample::new(pay.clone(), Some(w.clone())).unwrap();
    let minimum = sample.min();
    let summary = sample.summary(minimum, &CAPS);
    let got = linearise(
        &sample,
        &summary,
        iid(n as f64),
        &options(WeightKind::Sampling),
    );
    let smooth = [
        "mean",
        "gini",
        "theil_t",
        "mld",
        "atkinson_0_5",
        "atkinson_1",
        "atkinson_2",
    ];
    let stat = |w: &[f64], key: &str| {
        let s = Sample::new(pay.clone(), Some(w.to_vec()))
            .unwrap()
            .summary(minimum, &CAPS);
        match key {
            "mean" => s.mean,
            "gini" => s.gini,
            "theil_t" => s.theil_t.unwrap(),
            "mld" => s.mld.unwrap(),
            "atkinson_0_5" => s.atkinson_0_5.unwrap(),
            "atkinson_1" => s.atkinson_1.unwrap(),
            _ => s.atkinson_2.unwrap(),
        }
    };
    for key in smooth {
        let mut u = Vec::with_capacity(n);
        for k in 0..n {
            let eps = 1e-6 * w[k];
            let (mut up, mut down) = (w.clone(), w.clone());
            up[k] += eps;
            down[k] -= eps;
            let z = (stat(&up, key) - stat(&down, key)) / (2.0 * eps);
            u.push(w[k] * z);
        }
        let mean = u.iter().sum::<f64>() / n as f64;
        let v: f64 =
            u.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() * n as f64 / (n as f64 - 1.0);
        let se = se_of(&got, key);
        assert!(
            (se - v.sqrt()).abs() < 1e-5 * se,
            "{key}: linearised {se}, numerical {}",
            v.sqrt()
        );
    }
}

/// Designs that describe the same sampling give the same variance: one cluster per row is rows
/// as PSUs; one stratum is the iid design.
#[test]
fn equivalent_designs_agree() {
    let mut state = 11;
    let n = 60;
    let pay = lognormal(n, 0.6, &mut state);
    let sample = Sample::new(pay, None).unwrap();
    let summary = sample.summary(sample.min(), &CAPS);
    let o = options(WeightKind::Sampling);
    let plain = linearise(&sample, &summary, iid(n as f64), &o);
    let rows = Design::new(n, None, None).unwrap();
    let codes: Vec<u32> = (0..n as u32).collect();
    let one_per_row = Design::new(n, None, Some(&codes)).unwrap();
    for d in [&rows, &one_per_row] {
        let got = linearise(
            &sample,
            &summary,
            Domain {
                design: Some(d),
                units: Some(d.row_units()),
                total_rows: n as f64,
            },
            &o,
        );
        for (a, b) in plain.iter().zip(&got) {
            let (a, b) = (a.interval.unwrap().se, b.interval.unwrap().se);
            assert!((a - b).abs() <= 1e-12 * a, "{a} vs {b}");
        }
    }
}

/// Frequency weights give the variance of the sample with each row repeated `w_k` times.
#[test]
fn frequency_weights_are_repeated_rows() {
    let mut state = 5;
    let n = 30;
    let pay = lognormal(n, 0.7, &mut state);
    let w: Vec<f64> = (0..n).map(|i| 1.0 + (i % 4) as f64).collect();
    let expanded: Vec<f64> = pay
        .iter()
        .zip(&w)
        .flat_map(|(&x, &w)| std::iter::repeat_n(x, w as usize))
        .collect();
    let big_n = expanded.len() as f64;
    let fw = Sample::new(pay, Some(w)).unwrap();
    let mut s_fw = fw.summary(fw.min(), &CAPS);
    apply_weight_kind(&mut s_fw, WeightKind::Frequency, true);
    let got = linearise(&fw, &s_fw, iid(big_n), &options(WeightKind::Frequency));
    let ex = Sample::new(expanded, None).unwrap();
    let s_ex = ex.summary(ex.min(), &CAPS);
    let want = linearise(&ex, &s_ex, iid(big_n), &options(WeightKind::Sampling));
    assert_eq!(
        s_fw.gini_corrected,
        s_ex.gini_corrected.map(|g| g + 0.0 * g)
    );
    for (a, b) in got.iter().zip(&want) {
        match (a.interval, b.interval) {
            (Some(a), Some(b)) => assert!(
                (a.se - b.se).abs() <= 1e-9 * b.se.max(1e-300),
                "{}: {} vs {}",
                b.se,
                a.se,
                b.se
            ),
            (a, b) => assert_eq!(a.is_some(), b.is_some()),
        }
    }
}

/// On 3,000 lognormal rows the bootstrap's standard errors (400 replicates) agree with the
/// linearised ones within Monte Carlo error: the standard error of a bootstrap SE from R
/// replicates is about SE / sqrt(2R) = 3.5%; allowed 15%.
#[test]
fn bootstrap_agrees_with_linearisation() {
    let mut state = 3;
    let n = 3000;
    let pay = lognormal(n, 0.5, &mut state);
    let sample = Sample::new(pay, None).unwrap();
    let minimum = 0.2;
    let summary = sample.summary(minimum, &CAPS);
    let o = options(WeightKind::Sampling);
    let lin = linearise(&sample, &summary, iid(n as f64), &o);
    let boot = bootstrap(&sample, &summary, minimum, &CAPS, &o, 400, 42).unwrap();
    for key in [
        "mean",
        "p10",
        "p50",
        "p90",
        "gini",
        "theil_t",
        "mld",
        "atkinson_2",
        "top10_share",
        "palma",
        "s80_s20",
        "poverty_rate",
        "low_pay_share",
        "kaitz",
    ] {
        let (a, b) = (se_of(&lin, key), se_of(&boot, key));
        assert!(
            (a / b - 1.0).abs() < 0.15,
            "{key}: linearised {a}, bootstrap {b}"
        );
    }
    // The same seed gives the same replicates.
    let again = bootstrap(&sample, &summary, minimum, &CAPS, &o, 400, 42).unwrap();
    assert_eq!(boot, again);
}

/// Coverage: on 1,000 samples of 2,000 rows from a lognormal with σ = 0.6, the 95% linearised
/// intervals contain the true Gini (2Φ(σ/√2) − 1 = 0.3286) and the true median (1) close to 95%
/// of the time. Measured (seed 2026): Gini 95.0%, median 95.9%; a binomial proportion of 1,000
/// draws at 95% has a standard deviation of 0.7%, so [93%, 97%] is allowed. (With 500 rows the
/// Gini's coverage was 92.9%: the linearised interval of a skewed distribution's Gini is a little
/// short in small samples, as docs/uncertainty.md says.)
#[test]
fn intervals_cover_the_true_values() {
    let sigma: f64 = 0.6;
    // Φ(σ/√2) by Simpson's rule on the standard normal density.
    let a = sigma / 2f64.sqrt();
    let m = 1000;
    let h = a / m as f64;
    let f = |x: f64| (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let integral: f64 = (0..m)
        .map(|i| {
            let x = i as f64 * h;
            h / 6.0 * (f(x) + 4.0 * f(x + h / 2.0) + f(x + h))
        })
        .sum();
    let true_gini = 2.0 * (0.5 + integral) - 1.0;
    let mut state = 2026;
    let (mut gini_in, mut median_in) = (0, 0);
    let reps = 1000;
    for _ in 0..reps {
        let sample = Sample::new(lognormal(2000, sigma, &mut state), None).unwrap();
        let summary = sample.summary(sample.min(), &CAPS);
        let e = linearise(
            &sample,
            &summary,
            iid(2000.0),
            &options(WeightKind::Sampling),
        );
        let inside = |key: &str, truth: f64| {
            let i = e
                .iter()
                .find(|e| e.statistic == key)
                .unwrap()
                .interval
                .unwrap();
            i.lower <= truth && truth <= i.upper
        };
        gini_in += usize::from(inside("gini", true_gini));
        median_in += usize::from(inside("p50", 1.0));
    }
    let (g, md) = (gini_in as f64 / reps as f64, median_in as f64 / reps as f64);
    eprintln!("coverage: Gini {g}, median {md}");
    assert!((0.93..=0.97).contains(&g), "Gini coverage {g}");
    assert!((0.93..=0.97).contains(&md), "median coverage {md}");
}

#[test]
fn a_stratum_with_one_unit_is_refused() {
    let labels = vec!["a".to_string(), "b".to_string()];
    let strata = [0, 0, 1];
    let e = Design::new(3, Some((&strata, &labels)), None).unwrap_err();
    assert!(
        e.to_string().contains("stratum \"b\" has a single row"),
        "{e}"
    );
    let clusters = [0, 1, 2];
    let strata = [0, 0, 1];
    let e = Design::new(3, Some((&strata, &labels)), Some(&clusters)).unwrap_err();
    assert!(e.to_string().contains("single cluster"), "{e}");
}

#[test]
fn normal_quantiles_match_r_qnorm() {
    // R: qnorm(c(0.975, 0.95, 0.995, 0.5, 0.001)).
    let want = [
        (0.975, 1.959963984540054),
        (0.95, 1.644853626951472),
        (0.995, 2.575829303548901),
        (0.5, 0.0),
        (0.001, -3.090232306167814),
    ];
    for (p, q) in want {
        let got = normal_quantile(p);
        assert!(
            (got - q).abs() <= 2e-9 * q.abs().max(1.0),
            "{p}: {got} vs {q}"
        );
    }
}

/// One row: every standard error is undefined (no variance from one unit), never a number.
#[test]
fn a_single_row_has_no_interval() {
    let sample = Sample::new(vec![5.0], None).unwrap();
    let summary = sample.summary(1.0, &CAPS);
    let e = linearise(&sample, &summary, iid(1.0), &options(WeightKind::Sampling));
    assert!(e.iter().all(|e| e.interval.is_none()));
}

/// The mean gap's linearised standard error is the delta method on two independent means,
/// `100 √((μ_g/μ_a²)² s_a²/n_a + (1/μ_a)² s_g²/n_g)` (up to the domain estimator's `n/(n−1)`
/// over all rows instead of each group's own), and the bootstrap agrees with both gaps' (15%).
#[test]
fn gap_intervals_match_the_delta_method_and_the_bootstrap() {
    let mut state = 17;
    let (na, ng) = (1500, 1000);
    let mut pay = lognormal(na, 0.4, &mut state);
    pay.extend(lognormal(ng, 0.5, &mut state).iter().map(|x| 0.85 * x));
    let codes: Vec<u32> = (0..na + ng).map(|i| u32::from(i >= na)).collect();
    let o = options(WeightKind::Sampling);
    let table = GapTable {
        pay: &pay,
        weight: None,
        bonus: None,
        codes: &codes,
        groups: 2,
        reference: 0,
        design: None,
    };
    let lin = gap_intervals(&table, &o).unwrap();
    let moments = |v: &[f64]| {
        let m = v.iter().sum::<f64>() / v.len() as f64;
        let s2 = v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() as f64 - 1.0);
        (m, s2 / v.len() as f64)
    };
    let ((ma, va), (mg, vg)) = (moments(&pay[..na]), moments(&pay[na..]));
    let want = 100.0 * ((mg / (ma * ma)).powi(2) * va + (1.0 / ma).powi(2) * vg).sqrt();
    let got = lin[0].mean_gap.unwrap().se;
    assert!(
        (got / want - 1.0).abs() < 0.01,
        "linearised {got}, delta method {want}"
    );
    let boot = CiOptions {
        method: Method::Bootstrap {
            replicates: 400,
            seed: 9,
        },
        ..o
    };
    let b = gap_intervals(&table, &boot).unwrap();
    for (l, b) in [
        (lin[0].mean_gap.unwrap(), b[0].mean_gap.unwrap()),
        (lin[0].median_gap.unwrap(), b[0].median_gap.unwrap()),
    ] {
        assert!((l.se / b.se - 1.0).abs() < 0.15, "{} vs {}", l.se, b.se);
    }
    // The percentile gaps P5 … P95: a bootstrap's standard error of a quantile is noisy (400
    // replicates measured 0.79 to 1.12 of the linearised one level by level), so each level
    // within 30% and their geometric mean within 7% (measured: 0.99).
    let quantile = |x: &GapIntervals, j: usize| x.quantile_gaps[j].unwrap().se;
    let ratios: Vec<f64> = (0..19)
        .map(|j| quantile(&b[0], j) / quantile(&lin[0], j))
        .collect();
    assert!(ratios.iter().all(|r| (r - 1.0).abs() < 0.3), "{ratios:?}");
    let mean_log = ratios.iter().map(|r| r.ln()).sum::<f64>() / 19.0;
    assert!(mean_log.abs() < 0.07, "{ratios:?}");
    // P50 of the curve is the median gap.
    assert_eq!(lin[0].quantile_gaps[9], lin[0].median_gap);
}

/// A group's proportion paid a bonus is a domain proportion: its linearised standard error is
/// the binomial `√(π (1 − π) / n_g)` (up to the domain estimator's `n/(n−1)` over all rows). A
/// band share, when pay does not depend on the group, is `√(π (1 − π) / (n/4))` with `π` the
/// group's share of everyone (the influence of band `k`'s share is then `4 (1{g} − π) 1{in
/// band k}` plus a constant); measured: within 0.5% of both. The bootstrap resamples within
/// groups, so their sizes are fixed: its proportions agree with the linearisation (measured
/// 1.00 and 0.99; allowed 10%), and its band shares are those of a band of `n/4` drawn
/// without replacement from fixed groups, `√(3/4)` of the linearised ones (measured 1/1.13 to
/// 1/1.17 of them; allowed 8% around √(3/4) = 1/1.155). The bonus gaps, over those paid a
/// bonus only, agree with the bootstrap (measured 1.06 and 0.98; allowed 15%).
#[test]
fn bonus_and_band_intervals_match_the_binomial_and_the_bootstrap() {
    let mut state = 29;
    let (na, ng) = (3000usize, 2000usize);
    let n = na + ng;
    let pay = lognormal(n, 0.4, &mut state);
    let codes: Vec<u32> = (0..n).map(|i| u32::from(i >= na)).collect();
    // Bonus paid with probability 0.4 (reference) and 0.3, of lognormal size.
    let bonus: Vec<f64> = (0..n)
        .map(|i| {
            let p = if i < na { 0.4 } else { 0.3 };
            let size = lognormal(1, 0.8, &mut state)[0] * if i < na { 1.0 } else { 0.8 };
            if unit(&mut state) < p {
                size
            } else {
                0.0
            }
        })
        .collect();
    let table = GapTable {
        pay: &pay,
        weight: None,
        bonus: Some(&bonus),
        codes: &codes,
        groups: 2,
        reference: 0,
        design: None,
    };
    let o = options(WeightKind::Sampling);
    let groups = group_intervals(&table, &o).unwrap();
    for (g, size) in [(0, na), (1, ng)] {
        let rows = if g == 0 { 0..na } else { na..n };
        let pi = bonus[rows].iter().filter(|&&b| b > 0.0).count() as f64 / size as f64;
        let want = (pi * (1.0 - pi) / size as f64).sqrt();
        let got = groups[g].proportion_paid.unwrap().se;
        assert!(
            (got / want - 1.0).abs() < 0.01,
            "group {g}: {got} vs {want}"
        );
        let share = size as f64 / n as f64;
        let want = (share * (1.0 - share) / (n as f64 / 4.0)).sqrt();
        for band in &groups[g].band_shares {
            let got = band.unwrap().se;
            assert!(
                (got / want - 1.0).abs() < 0.05,
                "group {g}: band {got} vs {want}"
            );
        }
    }
    let boot = CiOptions {
        method: Method::Bootstrap {
            replicates: 400,
            seed: 5,
        },
        ..o
    };
    let boot_groups = group_intervals(&table, &boot).unwrap();
    for (l, b) in groups.iter().zip(&boot_groups) {
        let (l, b) = (l.proportion_paid.unwrap().se, b.proportion_paid.unwrap().se);
        assert!((l / b - 1.0).abs() < 0.1, "proportion: {l} vs {b}");
    }
    for (l, b) in groups[1]
        .band_shares
        .iter()
        .zip(&boot_groups[1].band_shares)
    {
        let (l, b) = (l.unwrap().se, b.unwrap().se);
        let conditional = l * (0.75f64).sqrt();
        assert!(
            (conditional / b - 1.0).abs() < 0.08,
            "band share: {l} vs {b}"
        );
    }
    let lin = gap_intervals(&table, &o).unwrap();
    let b = gap_intervals(&table, &boot).unwrap();
    for (l, b) in [
        (lin[0].bonus_mean_gap.unwrap(), b[0].bonus_mean_gap.unwrap()),
        (
            lin[0].bonus_median_gap.unwrap(),
            b[0].bonus_median_gap.unwrap(),
        ),
    ] {
        assert!((l.se / b.se - 1.0).abs() < 0.15, "{} vs {}", l.se, b.se);
    }
}

/// A large sample's pass is cut between threads: the standard errors do not depend on the
/// number of threads beyond the order of additions: the shares before each piece are summed
/// piece by piece (measured: 2.8e-12 relative at most; allowed 1e-10).
#[test]
fn threads_do_not_change_the_standard_errors() {
    let mut state = 23;
    let n = (1 << 18) + 1234;
    // Rounded to whole units, so runs of ties cross the pieces' boundaries.
    let pay: Vec<f64> = lognormal(n, 0.5, &mut state)
        .iter()
        .map(|x| (x * 100.0).round())
        .collect();
    let sample = Sample::new(pay, None).unwrap();
    let summary = sample.summary(sample.min(), &CAPS);
    let o = options(WeightKind::Sampling);
    let on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| linearise(&sample, &summary, iid(n as f64), &o))
    };
    let one = on(1);
    for threads in [2, 3] {
        for (a, b) in one.iter().zip(on(threads)) {
            let (a, b) = (a.interval.unwrap().se, b.interval.unwrap().se);
            assert!((a - b).abs() <= 1e-10 * a, "{threads} threads: {a} vs {b}");
        }
    }
}

/// With negative pay kept a replicate's total can be zero or less though the sample's is
/// positive: {−1000, 10, 20, 1000} totals 30, and a replicate drawing −1000 more often than 1000
/// totals less than 0 (one in four draws is each; 200 replicates draw such a one). The
/// bootstrap says so instead of failing on "the total pay" of the data.
#[test]
fn a_replicate_with_a_nonpositive_total_is_named() {
    let sample = Sample::new_keeping_nonpositive(vec![-1000.0, 10.0, 20.0, 1000.0], None).unwrap();
    let summary = sample.summary(10.0, &CAPS);
    let o = options(WeightKind::Sampling);
    let e = bootstrap(&sample, &summary, 10.0, &CAPS, &o, 200, 1).unwrap_err();
    assert!(
        matches!(e, BootstrapError::NonPositiveReplicate { .. }),
        "{e}"
    );
    assert!(e.to_string().contains("--ci without --bootstrap"), "{e}");
    // Zeros but no negative pay: a replicate's total is positive unless it drew zeros only
    // (probability (2/6)^6 each); with this seed none does, and the Gini gets its interval.
    let zeros =
        Sample::new_keeping_nonpositive(vec![0.0, 0.0, 10.0, 20.0, 30.0, 40.0], None).unwrap();
    let summary = zeros.summary(10.0, &CAPS);
    let entries = bootstrap(&zeros, &summary, 10.0, &CAPS, &o, 50, 1).unwrap();
    assert!(entries
        .iter()
        .any(|e| e.statistic == "gini" && e.interval.is_some()));
}

/// The vectorisable `exp` and `ln` of the linearisation agree with the standard library's to
/// 2 ulp (measured: 1 ulp) over their domains: the kernel's `−u²/2` for `|u| ≤ 8.5` and far
/// below, and pay relative to the mean from subnormal to huge.
#[test]
fn vectorisable_exp_and_ln_match_the_standard_library() {
    use super::linearise::{exp_nonpositive, ln_positive};
    let ulps = |a: f64, b: f64| (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs();
    let mut state = 41;
    let mut worst = (0, 0);
    for i in 0..200_000 {
        let u = 8.5 * unit(&mut state);
        let x = if i % 10 == 0 {
            -700.0 * unit(&mut state)
        } else {
            -0.5 * u * u
        };
        worst.0 = worst.0.max(ulps(exp_nonpositive(x), x.exp()));
        let e = 1000.0 * unit(&mut state) - 1070.0;
        let y = (2.0f64).powf(e) * (1.0 + unit(&mut state));
        worst.1 = worst.1.max(ulps(ln_positive(y), y.ln()));
    }
    assert!(
        worst.0 <= 2 && worst.1 <= 2,
        "exp {} ulp, ln {} ulp",
        worst.0,
        worst.1
    );
    assert_eq!(exp_nonpositive(0.0), 1.0);
    assert_eq!(ln_positive(1.0), 0.0);
    assert_eq!(ln_positive(0.0), f64::NEG_INFINITY);
    assert!(ln_positive(-1.0).is_nan());
    assert!(ln_positive(f64::MIN_POSITIVE / 4.0).is_finite());
}

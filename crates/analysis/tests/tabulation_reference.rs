//! Bracket-table math checked against independently computed worked values
//! (`fixtures/tabulation/worked_values.py` -> `worked_values.json`), a round trip from samples of
//! known distributions, and rejection of malformed tables.

use wages_analysis::tabulation::{
    count_interval, gini_bounds, printed_decimals, rounding_tolerance, shares_sum_consistent,
    Bracket, BracketTable, FittedDistribution, GeneralizedParetoInterpolation, MeanSplitHistogram,
    Segment, TabulationError, TailSource, TopTreatment,
};

use serde_json::Value;

fn worked() -> Value {
    let text = include_str!("fixtures/tabulation/worked_values.json");
    serde_json::from_str(text).expect("worked_values.json parses")
}

fn table_from(v: &Value) -> BracketTable {
    let brackets = v
        .as_array()
        .unwrap()
        .iter()
        .map(|b| Bracket {
            lower: b["lower"].as_f64().unwrap(),
            upper: b["upper"].as_f64(),
            share: b["share"].as_f64().unwrap(),
            mean: b["mean"].as_f64(),
        })
        .collect();
    BracketTable::new(brackets).unwrap()
}

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn pairs(v: &Value) -> Vec<(f64, f64)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| (x[0].as_f64().unwrap(), x[1].as_f64().unwrap()))
        .collect()
}

#[track_caller]
fn close(got: f64, want: f64, rel: f64, what: &str) {
    let err = (got - want).abs() / want.abs().max(1e-12);
    assert!(
        err <= rel,
        "{what}: got {got}, want {want} (relative error {err:e} > {rel:e})"
    );
}

/// Numerical integration in the script (trapezoid on fine grids) is accurate to ~1e-9; 1e-6 is
/// the tolerance for quantities the script integrates, 1e-12 for closed-form ones.
const NUMERIC: f64 = 1e-6;
const EXACT: f64 = 1e-12;

fn check_fit(fit: &impl FittedDistribution, want: &Value, name: &str) {
    close(fit.mean(), want["mean"].as_f64().unwrap(), NUMERIC, name);
    close(
        fit.gini(),
        want["gini"].as_f64().unwrap(),
        NUMERIC,
        &format!("{name} gini"),
    );
    for (p, q) in pairs(&want["quantiles"]) {
        close(
            fit.quantile(p).unwrap(),
            q,
            NUMERIC,
            &format!("{name} Q({p})"),
        );
    }
    for (p, t) in pairs(&want["top_shares"]) {
        close(
            fit.top_share(p).unwrap(),
            t,
            NUMERIC,
            &format!("{name} top share above p={p}"),
        );
    }
}

#[test]
fn worked_values_table_a() {
    let w = worked();
    let a = &w["table_a"];
    let table = table_from(&a["brackets"]);

    for (got, want) in table.survival().iter().zip(f64s(&a["survival"])) {
        close(*got, want, EXACT, "survival");
    }
    let exps = table.pareto_exponents();
    let want = f64s(&a["pareto_alphas"]);
    assert_eq!(exps.len(), want.len());
    for (e, w) in exps.iter().zip(want) {
        close(e.alpha.unwrap(), w, EXACT, "pareto alpha");
    }
    close(
        table.implied_top_mean().unwrap(),
        a["implied_top_mean"].as_f64().unwrap(),
        EXACT,
        "implied top mean",
    );

    let hist = MeanSplitHistogram::fit(&table).unwrap();
    assert_eq!(hist.tail_source(), TailSource::BracketMean);
    check_fit(&hist, &a["histogram"], "histogram A");

    let sup = gini_bounds(&table, None).unwrap();
    close(
        sup.lower,
        a["gini_lower"].as_f64().unwrap(),
        EXACT,
        "gini lower",
    );
    // The script puts the top atom at 1e12: the supremum differs from it by O(1e-11).
    close(
        sup.upper,
        a["gini_upper_sup"].as_f64().unwrap(),
        1e-9,
        "gini upper sup",
    );
    assert_eq!(sup.top, TopTreatment::Supremum);
    let max50 = gini_bounds(&table, Some(50.0)).unwrap();
    close(
        max50.upper,
        a["gini_upper_max50"].as_f64().unwrap(),
        EXACT,
        "gini upper, max 50",
    );
    assert!(max50.upper < sup.upper);

    let gp = GeneralizedParetoInterpolation::fit(&table).unwrap();
    assert!(gp.segments().iter().all(|s| *s == Segment::Spline));
    for (k, want) in gp.knots().iter().zip(f64s(&a["gpinter"]["knots_a"])) {
        close(k.a, want, 1e-9, "phi'' at knot");
    }
    let t = gp.tail();
    assert!(!t.strict_pareto_fallback);
    let g = &a["gpinter"]["gpd"];
    close(t.mu, g["mu"].as_f64().unwrap(), 1e-9, "gpd mu");
    close(t.sigma, g["sigma"].as_f64().unwrap(), 1e-9, "gpd sigma");
    close(t.xi, g["xi"].as_f64().unwrap(), 1e-9, "gpd xi");
    check_fit(&gp, &a["gpinter"], "gpinter A");

    // Both fits respect the bounds.
    for g in [hist.gini(), gp.gini()] {
        assert!(sup.lower <= g && g <= sup.upper, "{g} outside bounds");
    }
    // Knots are reproduced: Q(p_k) = q_k.
    for k in gp.knots() {
        close(gp.quantile(k.p).unwrap(), k.q, 1e-9, "gpinter Q at knot");
    }
}

#[test]
fn worked_values_table_b_gap_unknown_means_partial_coverage() {
    let w = worked();
    let b = &w["table_b"];
    let table = table_from(&b["brackets"]);
    for (got, want) in table.survival().iter().zip(f64s(&b["survival"])) {
        close(*got, want, EXACT, "survival B");
    }
    for (e, want) in table
        .pareto_exponents()
        .iter()
        .zip(f64s(&b["pareto_alphas"]))
    {
        close(e.alpha.unwrap(), want, EXACT, "alpha B");
    }
    let hist = MeanSplitHistogram::fit(&table).unwrap();
    assert_eq!(hist.tail_source(), TailSource::LastExponent);
    check_fit(&hist, &b["histogram"], "histogram B");
    // Means unknown: no bounds, no gpinter, and the errors say which bracket.
    let err = gini_bounds(&table, None).unwrap_err();
    assert!(err.to_string().contains("bracket 1 [2, 4)"), "{err}");
    let err = GeneralizedParetoInterpolation::fit(&table).unwrap_err();
    assert!(matches!(err, TabulationError::MissingMean { index: 1, .. }));
}

#[test]
fn worked_counts_with_rounding() {
    let w = worked();
    for row in w["counts"].as_array().unwrap() {
        let r = f64s(row);
        let c = count_interval(r[0], r[1], r[2] as i32).unwrap();
        close(c.interval().lo() + 1.0, r[3] + 1.0, EXACT, "count lo");
        close(c.value() + 1.0, r[4] + 1.0, EXACT, "count point");
        close(c.interval().hi() + 1.0, r[5] + 1.0, EXACT, "count hi");
    }
    // Written out: 20% of 1000 printed without decimals is 195..205.
    let c = count_interval(1000.0, 20.0, 0).unwrap();
    assert_eq!(
        (c.interval().lo(), c.value(), c.interval().hi()),
        (195.0, 200.0, 205.0)
    );
    assert_eq!(printed_decimals("12.50"), 2);
    assert_eq!(printed_decimals(" 7 "), 0);
    assert_eq!(printed_decimals("3,25"), 2);
    assert!((rounding_tolerance(&[1, 1, 0]) - 0.6).abs() < 1e-12);
    assert!(shares_sum_consistent(&[(33.3, 1), (33.3, 1), (33.3, 1)]));
    assert!(!shares_sum_consistent(&[(33.0, 1), (33.0, 1), (33.0, 1)]));
}

// ---------------------------------------------------------------------------------------------
// Round trip: sample -> brackets (exact shares and means) -> fit -> compare with the sample.

struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in (0, 1).
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    /// Standard normal (Box-Muller).
    fn normal(&mut self) -> f64 {
        let (u1, u2) = (self.uniform(), self.uniform());
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

struct Truth {
    gini: f64,
    quantiles: Vec<(f64, f64)>,
    top10: f64,
}

fn truth(sorted: &[f64]) -> Truth {
    let n = sorted.len() as f64;
    let total: f64 = sorted.iter().sum();
    let weighted: f64 = sorted
        .iter()
        .enumerate()
        .map(|(i, x)| (2.0 * (i as f64 + 1.0) - n - 1.0) * x)
        .sum();
    let q = |p: f64| sorted[((p * n).ceil() as usize).saturating_sub(1)];
    let top10: f64 = sorted[(0.9 * n) as usize..].iter().sum::<f64>() / total;
    Truth {
        gini: weighted / (n * total),
        quantiles: [0.5, 0.9, 0.99].iter().map(|&p| (p, q(p))).collect(),
        top10,
    }
}

fn bracket_sample(sorted: &[f64], thresholds: &[f64]) -> BracketTable {
    let n = sorted.len() as f64;
    let mut brackets = Vec::new();
    for (k, &lo) in thresholds.iter().enumerate() {
        let hi = thresholds.get(k + 1).copied();
        let members: Vec<f64> = sorted
            .iter()
            .copied()
            .filter(|&x| x >= lo && hi.is_none_or(|h| x < h))
            .collect();
        let share = members.len() as f64 / n;
        let mean = members.iter().sum::<f64>() / members.len() as f64;
        brackets.push(Bracket {
            lower: lo,
            upper: hi,
            share,
            mean: Some(mean),
        });
    }
    BracketTable::new(brackets).unwrap()
}

/// Relative errors of the fit against the sample truth: (gini, max quantile error, top 10%).
fn errors(fit: &impl FittedDistribution, t: &Truth) -> (f64, f64, f64) {
    let g = (fit.gini() - t.gini).abs() / t.gini;
    let q = t
        .quantiles
        .iter()
        .map(|&(p, q)| (fit.quantile(p).unwrap() - q).abs() / q)
        .fold(0.0, f64::max);
    let s = (fit.top_share(0.9).unwrap() - t.top10).abs() / t.top10;
    (g, q, s)
}

fn round_trip(name: &str, sample: Vec<f64>, thresholds: &[f64], tol: [(f64, f64, f64); 2]) {
    let mut sorted = sample;
    sorted.sort_by(f64::total_cmp);
    let t = truth(&sorted);
    let table = bracket_sample(&sorted, thresholds);
    let bounds = gini_bounds(&table, None).unwrap();
    assert!(
        bounds.lower <= t.gini && t.gini <= bounds.upper,
        "{name}: true Gini {} outside [{}, {}]",
        t.gini,
        bounds.lower,
        bounds.upper
    );
    let hist = MeanSplitHistogram::fit(&table).unwrap();
    let gp = GeneralizedParetoInterpolation::fit(&table).unwrap();
    let eh = errors(&hist, &t);
    let eg = errors(&gp, &t);
    eprintln!(
        "{name}: true gini {:.5} in [{:.5}, {:.5}]; histogram gini {:.5} gpinter gini {:.5}",
        t.gini,
        bounds.lower,
        bounds.upper,
        hist.gini(),
        gp.gini()
    );
    for (p, q) in &t.quantiles {
        eprintln!(
            "  Q({p}) true {q:.4} histogram {:.4} gpinter {:.4}",
            hist.quantile(*p).unwrap(),
            gp.quantile(*p).unwrap()
        );
    }
    eprintln!(
        "  relative errors (gini, worst of P50/P90/P99, top-10% share): histogram ({:.2e}, {:.2e}, {:.2e}) gpinter ({:.2e}, {:.2e}, {:.2e})",
        eh.0, eh.1, eh.2, eg.0, eg.1, eg.2
    );
    for (e, tl, method) in [(eh, tol[0], "histogram"), (eg, tol[1], "gpinter")] {
        assert!(
            e.0 <= tl.0,
            "{name} {method}: gini error {:e} > {:e}",
            e.0,
            tl.0
        );
        assert!(
            e.1 <= tl.1,
            "{name} {method}: quantile error {:e} > {:e}",
            e.1,
            tl.1
        );
        assert!(
            e.2 <= tl.2,
            "{name} {method}: top share error {:e} > {:e}",
            e.2,
            tl.2
        );
    }
    for g in [hist.gini(), gp.gini()] {
        assert!(bounds.lower <= g && g <= bounds.upper);
    }
}

#[test]
fn round_trip_shifted_lognormal() {
    // X = 1 + exp(0.3 + 0.8 Z): pay in multiples of a minimum of 1, right-skewed.
    let mut rng = SplitMix64(20240607);
    let sample: Vec<f64> = (0..200_000)
        .map(|_| 1.0 + (0.3 + 0.8 * rng.normal()).exp())
        .collect();
    round_trip(
        "shifted lognormal",
        sample,
        &[1.0, 1.5, 2.0, 3.0, 5.0, 8.0],
        // Tolerances, relative (gini, worst of P50/P90/P99, top-10% share). Measured with this
        // seed: histogram (7.0e-4, 1.5e-2 at P90, 4.3e-4), gpinter (2.8e-3, 3.7e-3, 7.6e-6).
        [(0.002, 0.03, 0.002), (0.005, 0.01, 0.002)],
    );
}

#[test]
fn round_trip_pareto() {
    // Strict Pareto, alpha = 2.5, minimum 1: X = U^(-1/alpha).
    let mut rng = SplitMix64(7);
    let sample: Vec<f64> = (0..200_000)
        .map(|_| rng.uniform().powf(-1.0 / 2.5))
        .collect();
    round_trip(
        "pareto 2.5",
        sample,
        &[1.0, 1.5, 2.0, 3.0, 5.0],
        // Measured: histogram (6.1e-5, 8.7e-3 at P50, 1.6e-3), gpinter (6.7e-5, 6.5e-4, 3.3e-4).
        [(0.002, 0.03, 0.005), (0.002, 0.005, 0.002)],
    );
}

// ---------------------------------------------------------------------------------------------
// Malformed tables.

fn rejected(brackets: Vec<Bracket>) -> TabulationError {
    BracketTable::new(brackets).unwrap_err()
}

#[test]
fn malformed_tables_are_rejected_with_the_bracket_named() {
    let e = rejected(vec![
        Bracket::closed(2.0, 4.0, 0.5),
        Bracket::closed(1.0, 2.0, 0.3),
        Bracket::open(4.0, 0.2),
    ]);
    assert!(
        matches!(e, TabulationError::Unsorted { index: 1, .. }),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "bracket 1 [1, 2) starts below the end of bracket 0 [2, 4): thresholds must be sorted and brackets must not overlap"
    );

    let e = rejected(vec![
        Bracket::closed(1.0, 3.0, 0.5),
        Bracket::open(2.0, 0.5),
    ]);
    assert!(
        matches!(e, TabulationError::Unsorted { index: 1, .. }),
        "{e}"
    );

    let e = rejected(vec![
        Bracket::closed(1.0, 2.0, 0.7),
        Bracket::open(2.0, 0.4),
    ]);
    assert!(matches!(e, TabulationError::SharesOverOne { .. }), "{e}");
    assert!(!e.to_string().contains('\n'));

    let e = rejected(vec![Bracket::closed(1.0, 2.0, 1.2)]);
    assert!(
        matches!(e, TabulationError::ShareOutOfRange { index: 0, .. }),
        "{e}"
    );

    let e = rejected(vec![
        Bracket::closed(1.0, 2.0, 0.5),
        Bracket::open(2.0, -0.1),
    ]);
    assert!(
        matches!(e, TabulationError::ShareOutOfRange { index: 1, .. }),
        "{e}"
    );
    assert!(
        e.to_string().starts_with("bracket 1 [2, +inf): share -0.1"),
        "{e}"
    );

    let e = rejected(vec![Bracket::closed(1.0, 2.0, f64::NAN)]);
    assert!(matches!(e, TabulationError::ShareOutOfRange { .. }), "{e}");

    let e = rejected(vec![Bracket::open(1.0, 0.5), Bracket::open(2.0, 0.5)]);
    assert!(
        matches!(e, TabulationError::OpenNotLast { index: 0, .. }),
        "{e}"
    );

    let e = rejected(vec![Bracket::closed(0.0, 2.0, 0.5)]);
    assert!(
        matches!(e, TabulationError::BadThreshold { index: 0, .. }),
        "{e}"
    );

    let e = rejected(vec![Bracket::closed(2.0, 2.0, 0.5)]);
    assert!(
        matches!(e, TabulationError::EmptyRange { index: 0, .. }),
        "{e}"
    );

    let e = rejected(vec![Bracket::closed(1.0, 2.0, 0.5).with_mean(2.5)]);
    assert!(
        matches!(e, TabulationError::MeanOutside { index: 0, .. }),
        "{e}"
    );

    assert_eq!(rejected(vec![]), TabulationError::Empty);

    // Rounded shares summing to 100.1%: rejected as exact, accepted within their rounding.
    let rounded = vec![
        Bracket::closed(1.0, 2.0, 0.334),
        Bracket::closed(2.0, 3.0, 0.334),
        Bracket::open(3.0, 0.333),
    ];
    assert!(BracketTable::new(rounded.clone()).is_err());
    let tol = rounding_tolerance(&[1, 1, 1]) / 100.0;
    assert!(BracketTable::with_share_tolerance(rounded, tol).is_ok());
}

#[test]
fn fits_refuse_what_they_cannot_use() {
    // Too few brackets for gpinter.
    let t = BracketTable::new(vec![
        Bracket::closed(1.0, 2.0, 0.6).with_mean(1.5),
        Bracket::open(2.0, 0.4).with_mean(3.0),
    ])
    .unwrap();
    assert!(matches!(
        GeneralizedParetoInterpolation::fit(&t),
        Err(TabulationError::TooFewBrackets { needed: 3, .. })
    ));
    // Open top, mean unknown, last exponent <= 1: no finite tail.
    let t = BracketTable::new(vec![
        Bracket::closed(1.0, 2.0, 0.3),
        Bracket::open(2.0, 0.7),
    ])
    .unwrap();
    assert!(matches!(
        MeanSplitHistogram::fit(&t),
        Err(TabulationError::TailExponent { .. })
    ));
    assert_eq!(t.implied_top_mean(), None);
    // Maximum below the top mean.
    let t = BracketTable::new(vec![
        Bracket::closed(1.0, 2.0, 0.6).with_mean(1.5),
        Bracket::open(2.0, 0.4).with_mean(3.0),
    ])
    .unwrap();
    assert!(matches!(
        gini_bounds(&t, Some(2.5)),
        Err(TabulationError::MaxBelowMean { .. })
    ));
    // Probabilities outside [0, 1].
    let h = MeanSplitHistogram::fit(&t).unwrap();
    assert!(h.quantile(1.5).is_err());
    assert!(h.top_share(-0.1).is_err());
}

// ---------------------------------------------------------------------------------------------
// Properties on random valid tables: the fits reproduce the table (shares at the thresholds,
// overall mean), their quantile functions never decrease, and their Gini lies in the bounds.

use proptest::prelude::*;

fn random_table() -> impl Strategy<Value = Vec<Bracket>> {
    // 3-6 brackets: widths, positive weights (normalised to shares), mean positions in (0, 1)
    // of each closed bracket, and a top mean as a multiple (1.05-4) of the top threshold.
    (3usize..=6)
        .prop_flat_map(|n| {
            (
                prop::collection::vec(0.2f64..3.0, n - 1),
                prop::collection::vec(0.01f64..1.0, n),
                prop::collection::vec(0.02f64..0.98, n - 1),
                1.05f64..4.0,
            )
        })
        .prop_map(|(widths, weights, pos, top)| {
            let total: f64 = weights.iter().sum();
            let mut lower = 1.0;
            let mut out = Vec::new();
            for (k, w) in widths.iter().enumerate() {
                let upper = lower + w;
                out.push(
                    Bracket::closed(lower, upper, weights[k] / total).with_mean(lower + pos[k] * w),
                );
                lower = upper;
            }
            out.push(Bracket::open(lower, weights[widths.len()] / total).with_mean(lower * top));
            out
        })
}

fn check_monotone_and_bounds(fit: &impl FittedDistribution, table: &BracketTable, name: &str) {
    let bounds = gini_bounds(table, None).unwrap();
    let g = fit.gini();
    let slack = 1e-7;
    assert!(
        bounds.lower - slack <= g && g <= bounds.upper + slack,
        "{name}: gini {g} outside [{}, {}]",
        bounds.lower,
        bounds.upper
    );
    let mean: f64 = table
        .brackets()
        .iter()
        .map(|b| b.share * b.mean.unwrap())
        .sum();
    assert!((fit.mean() - mean).abs() < 1e-9 * mean, "{name}: mean");
    let mut prev = f64::NEG_INFINITY;
    for i in 0..=2000 {
        let p = 0.9999 * i as f64 / 2000.0;
        let q = fit.quantile(p).unwrap();
        assert!(
            q >= prev - 1e-9 * q.abs(),
            "{name}: Q decreases at p={p}: {prev} -> {q}"
        );
        prev = q;
    }
    let surv = table.survival();
    for (b, s) in table.brackets().iter().zip(surv) {
        let p = (1.0 - s).max(0.0);
        let q = fit.quantile(p).unwrap();
        assert!(
            (q - b.lower).abs() < 1e-7 * b.lower,
            "{name}: Q({p}) = {q} != {}",
            b.lower
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn fits_reproduce_the_table_and_respect_the_bounds(brackets in random_table()) {
        let table = BracketTable::with_share_tolerance(brackets, 1e-9).unwrap();
        let hist = MeanSplitHistogram::fit(&table).unwrap();
        check_monotone_and_bounds(&hist, &table, "histogram");
        let gp = GeneralizedParetoInterpolation::fit(&table).unwrap();
        check_monotone_and_bounds(&gp, &table, "gpinter");
    }
}

#[test]
fn gpinter_falls_back_to_the_histogram_where_the_spline_would_bend_back() {
    // A bracket whose mean hugs its lower threshold next to one whose mean hugs its upper one.
    let table = BracketTable::new(vec![
        Bracket::closed(1.0, 2.0, 0.3).with_mean(1.98),
        Bracket::closed(2.0, 3.0, 0.3).with_mean(2.02),
        Bracket::closed(3.0, 4.0, 0.3).with_mean(3.97),
        Bracket::open(4.0, 0.1).with_mean(5.0),
    ])
    .unwrap();
    let gp = GeneralizedParetoInterpolation::fit(&table).unwrap();
    eprintln!("segments: {:?}", gp.segments());
    assert!(gp
        .segments()
        .iter()
        .any(|s| matches!(s, Segment::Histogram { .. })));
    check_monotone_and_bounds(&gp, &table, "gpinter with fallback");
}

/// A table proptest found (in a CI run) where a 200-step monotonicity grid missed a 1.5e-7 dip
/// of Q just after the first knot; the fit must now detect it and stay monotone.
#[test]
fn gpinter_stays_monotone_on_the_table_a_coarse_grid_missed() {
    let table = BracketTable::with_share_tolerance(
        vec![
            Bracket::closed(1.0, 1.2, 0.22991285894564173).with_mean(1.0575170384043966),
            Bracket::closed(1.2, 3.28360872573548, 0.685683529069868).with_mean(1.4373876092855444),
            Bracket::closed(3.28360872573548, 5.026389264156564, 0.049357627954297024)
                .with_mean(4.3296840672172205),
            Bracket::open(5.026389264156564, 0.03504598403019347).with_mean(5.727761004804899),
        ],
        1e-9,
    )
    .unwrap();
    let gp = GeneralizedParetoInterpolation::fit(&table).unwrap();
    check_monotone_and_bounds(&gp, &table, "gpinter");
}

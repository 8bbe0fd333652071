//! Property tests of the analysis core that the unit tests beside the code do not already make
//! (those cover `+ - × ÷ ln scale` of finite intervals one operation at a time, the qualifier
//! intervals, the paper's derivations, and fitted distributions against the Gini bounds):
//!
//! - interval arithmetic: chained expressions, unbounded intervals (`at least x`), `recip`,
//!   `exp`, `clamp_min`, `hull` and `intersect` always contain the point result, never NaN;
//! - extrapolated totals (`derived::total`, `count_from_shares`) equal the sum of their parts,
//!   in the value and in both ends of the interval, however the parts are grouped;
//! - Gastwirth's Gini bounds computed from the bracket table of *any* sample (shares and means
//!   per bracket) contain that sample's Gini, weighted or not, with the open top bracket
//!   bounded by the sample maximum or left open.

use proptest::prelude::*;
use wages_analysis::derived::{count_from_share, count_from_shares, total, Estimate};
use wages_analysis::inequality::Sample;
use wages_analysis::interval::Interval;
use wages_analysis::tabulation::{gini_bounds, Bracket, BracketTable};

/// A finite interval and a point in it.
fn finite(range: std::ops::Range<f64>, max_w: f64) -> impl Strategy<Value = (Interval, f64)> {
    (range, 0.0..max_w, 0.0..=1.0f64).prop_map(|(lo, w, t)| {
        let hi = lo + w;
        let x = (lo + t * w).clamp(lo, hi);
        (Interval::new(lo, hi).unwrap(), x)
    })
}

/// A finite interval or `[lo, +inf)` ("at least lo"), and a point in it.
fn maybe_unbounded(
    range: std::ops::Range<f64>,
    max_w: f64,
) -> impl Strategy<Value = (Interval, f64)> {
    (finite(range, max_w), any::<bool>()).prop_map(|((iv, x), open)| {
        if open {
            (Interval::at_least(iv.lo()).unwrap(), x)
        } else {
            (iv, x)
        }
    })
}

fn no_nan(iv: &Interval) -> bool {
    !iv.lo().is_nan() && !iv.hi().is_nan()
}

proptest! {
    #[test]
    fn chained_arithmetic_contains_the_point_result(
        (a, x) in maybe_unbounded(-1e4..1e4, 1e3),
        (b, y) in maybe_unbounded(0.0..1e4, 1e3),
        (c, z) in finite(-1e2..1e2, 1e2),
        (d, w) in maybe_unbounded(1e-3..1e3, 1e3),
    ) {
        // ((a + b) × c - a) / d
        let e = ((a + b) * c - a).try_div(&d).unwrap();
        let v = ((x + y) * z - x) / w;
        prop_assert!(no_nan(&e), "{e}");
        prop_assert!(e.contains(v), "{v} not in {e}");
    }

    #[test]
    fn recip_exp_and_clamp_contain_the_point_result(
        (a, x) in maybe_unbounded(1e-3..1e6, 1e6),
        neg in any::<bool>(),
        m in -1e3..1e3f64,
        (s, t) in finite(-50.0..50.0, 20.0),
    ) {
        let (a, x) = if neg { (-a, -x) } else { (a, x) };
        let r = a.recip().unwrap();
        prop_assert!(no_nan(&r) && r.contains(1.0 / x), "1/{x} not in {r}");
        let c = a.clamp_min(m).unwrap();
        prop_assert!(c.contains(x.max(m)), "max({x}, {m}) not in {c}");
        let e = s.exp();
        prop_assert!(e.contains(t.exp()), "exp {t} not in {e}");
    }

    #[test]
    fn hull_and_intersection_keep_their_points(
        (a, x) in maybe_unbounded(-1e6..1e6, 1e5),
        (b, y) in maybe_unbounded(-1e6..1e6, 1e5),
    ) {
        let h = a.hull(&b);
        prop_assert!(h.contains(x) && h.contains(y));
        prop_assert!(h.contains_interval(&a) && h.contains_interval(&b));
        match a.intersect(&b) {
            Some(i) => {
                prop_assert!(a.contains_interval(&i) && b.contains_interval(&i));
                if b.contains(x) {
                    prop_assert!(i.contains(x));
                }
            }
            None => prop_assert!(!b.contains(x) && !a.contains(y)),
        }
    }

    #[test]
    fn a_total_is_the_sum_of_its_parts_however_grouped(
        parts in prop::collection::vec(finite(0.0..1e6, 1e4), 1..8),
        split in 0usize..8,
    ) {
        let est: Vec<Estimate> = parts
            .iter()
            .map(|(iv, x)| Estimate::new(*x, *iv).unwrap())
            .collect();
        let t = total(&est).unwrap();
        let sum: f64 = parts.iter().map(|(_, x)| x).sum();
        let lo: f64 = parts.iter().map(|(iv, _)| iv.lo()).sum();
        let hi: f64 = parts.iter().map(|(iv, _)| iv.hi()).sum();
        let tol = 1e-9 * (1.0 + hi.abs());
        prop_assert!((t.value() - sum).abs() <= tol, "{} != {sum}", t.value());
        prop_assert!((t.interval().lo() - lo).abs() <= tol);
        prop_assert!((t.interval().hi() - hi).abs() <= tol);
        prop_assert!(t.interval().contains_approx(t.value()));
        // Regrouped: total(total(head), total(tail)) is the same total.
        let k = split.min(est.len() - 1).max(1).min(est.len());
        if k < est.len() {
            let regrouped =
                total(&[total(&est[..k]).unwrap(), total(&est[k..]).unwrap()]).unwrap();
            prop_assert!((regrouped.value() - t.value()).abs() <= tol);
            prop_assert!((regrouped.interval().lo() - lo).abs() <= tol);
            prop_assert!((regrouped.interval().hi() - hi).abs() <= tol);
        }
    }

    #[test]
    fn extrapolated_counts_over_groups_are_the_sum_of_the_groups(
        groups in prop::collection::vec(
            (finite(1.0..1e6, 1e4), finite(0.0..0.9, 0.1)),
            1..6,
        ),
    ) {
        let pairs: Vec<(Estimate, Estimate)> = groups
            .iter()
            .map(|((m, mx), (s, sx))| {
                (Estimate::new(*mx, *m).unwrap(), Estimate::new(*sx, *s).unwrap())
            })
            .collect();
        let all = count_from_shares(&pairs).unwrap();
        let each: Vec<Estimate> = pairs
            .iter()
            .map(|(m, s)| count_from_share(m, s).unwrap())
            .collect();
        let sum: f64 = each.iter().map(Estimate::value).sum();
        let lo: f64 = each.iter().map(|e| e.interval().lo()).sum();
        let hi: f64 = each.iter().map(|e| e.interval().hi()).sum();
        let tol = 1e-9 * (1.0 + hi.abs());
        prop_assert!((all.value() - sum).abs() <= tol, "{} != {sum}", all.value());
        prop_assert!((all.interval().lo() - lo).abs() <= tol);
        prop_assert!((all.interval().hi() - hi).abs() <= tol);
        // And the point value is membership x share summed: the extrapolation itself.
        let direct: f64 = groups.iter().map(|((_, m), (_, s))| m * s).sum();
        prop_assert!((all.value() - direct).abs() <= tol);
        prop_assert!(all.interval().contains_approx(direct));
    }

    #[test]
    fn gini_bounds_from_a_samples_brackets_contain_its_gini(
        pay in prop::collection::vec(1.0..1000.0f64, 2..60),
        weights in prop::collection::vec(0.1..10.0f64, 60),
        weighted in any::<bool>(),
        cuts in prop::collection::vec(0.0..1.0f64, 0..5),
        close_top in any::<bool>(),
    ) {
        let w: Vec<f64> = if weighted {
            weights[..pay.len()].to_vec()
        } else {
            vec![1.0; pay.len()]
        };
        let sample = Sample::new(pay.clone(), weighted.then(|| w.clone())).unwrap();
        let g = sample.gini();
        // Thresholds: the minimum, then sample values picked by `cuts`, so that no bracket is
        // empty (each holds at least its own lower threshold).
        let mut sorted = pay.clone();
        sorted.sort_by(f64::total_cmp);
        let mut thresholds = vec![sorted[0]];
        for c in &cuts {
            let v = sorted[((c * sorted.len() as f64) as usize).min(sorted.len() - 1)];
            thresholds.push(v);
        }
        thresholds.sort_by(f64::total_cmp);
        thresholds.dedup();
        let total_w: f64 = w.iter().sum();
        let max = sorted[sorted.len() - 1];
        let mut brackets = Vec::new();
        for (k, &lower) in thresholds.iter().enumerate() {
            let upper = thresholds.get(k + 1).copied();
            let inside = |x: f64| x >= lower && upper.is_none_or(|u| x < u);
            let (mut sw, mut swx) = (0.0, 0.0);
            for (x, wi) in pay.iter().zip(&w) {
                if inside(*x) {
                    sw += wi;
                    swx += wi * x;
                }
            }
            let mean = (swx / sw).max(lower);
            let b = match upper {
                Some(u) => Bracket::closed(lower, u, sw / total_w).with_mean(mean.min(u)),
                // A weighted mean can exceed the maximum by a rounding: clamp.
                None => Bracket::open(lower, sw / total_w).with_mean(mean.min(max)),
            };
            brackets.push(b);
        }
        let table = BracketTable::with_share_tolerance(brackets, 1e-9).unwrap();
        let top = if close_top { Some(max) } else { None };
        let b = gini_bounds(&table, top).unwrap();
        let tol = 1e-9;
        prop_assert!(b.lower <= b.upper + tol, "{b:?}");
        prop_assert!(
            b.lower - tol <= g && g <= b.upper + tol,
            "Gini {g} outside [{}, {}] for {} brackets",
            b.lower,
            b.upper,
            thresholds.len()
        );
        prop_assert!((0.0..=1.0).contains(&b.lower) && b.upper <= 1.0 + tol);
    }
}

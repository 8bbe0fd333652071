//! Property tests of the analysis core that the unit tests beside the code do not already make
//! (those cover `+ - × ÷ ln scale` of finite intervals one operation at a time, the qualifier
//! intervals, the paper's derivations, and fitted distributions against the Gini bounds):
//!
//! - interval arithmetic: chained expressions, unbounded intervals (`at least x`), `recip`,
//!   `exp`, `clamp_min`, `hull` and `intersect` always contain the point result, never NaN;
//! - ledger totals (`{p0} + {p1} + ...`) and counts from shares (`{m} * {s} / 100`, summed)
//!   equal the sum of their parts, in the value and in both ends of the interval, however the
//!   parts are grouped into derived lines;
//! - Gastwirth's Gini bounds computed from the bracket table of *any* sample (shares and means
//!   per bracket) contain that sample's Gini, weighted or not, with the open top bracket
//!   bounded by the sample maximum or left open.

use proptest::prelude::*;
use std::collections::BTreeMap;
use wages_analysis::inequality::Sample;
use wages_analysis::interval::Interval;
use wages_analysis::ledger::{
    self, parse::parse_formula, Body, DerivedSpec, DerivedValue, Exactness, Outcome, Quantity, Spec,
};
use wages_analysis::tabulation::{gini_bounds, Bracket, BracketTable};
use wages_analysis::unit::Unit;

fn quantity(x: f64, iv: Interval, unit: &str) -> Quantity {
    Quantity {
        point: Some(x),
        interval: iv,
        unit: Unit::from_key(unit).unwrap(),
        assumptions: Vec::new(),
    }
}

fn derived(id: &str, formula: &str) -> Spec {
    Spec::Derived(DerivedSpec {
        id: id.into(),
        body: Body::Formula(parse_formula(formula).unwrap()),
        unit: Unit::from_key("persons").unwrap(),
        assumes: Vec::new(),
    })
}

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
    fn a_ledger_total_is_the_sum_of_its_parts_however_grouped(
        parts in prop::collection::vec(finite(0.0..1e6, 1e4), 1..8),
        split in 0usize..8,
    ) {
        // {p0} + {p1} + ...: each part once, so the range is the sum of the ends.
        let mut inputs = BTreeMap::new();
        for (i, (iv, x)) in parts.iter().enumerate() {
            inputs.insert(format!("p{i}"), quantity(*x, *iv, "persons"));
        }
        let refs: Vec<String> = (0..parts.len()).map(|i| format!("{{p{i}}}")).collect();
        let k = split.min(parts.len() - 1).max(1).min(parts.len());
        let mut specs = vec![derived("t", &refs.join(" + "))];
        if k < parts.len() {
            // Regrouped: a line for the head, one for the tail, and their sum.
            specs.push(derived("head", &refs[..k].join(" + ")));
            specs.push(derived("tail", &refs[k..].join(" + ")));
            specs.push(derived("regrouped", "{head} + {tail}"));
        }
        let out = ledger::evaluate(&inputs.into(), &specs);
        let sum: f64 = parts.iter().map(|(_, x)| x).sum();
        let lo: f64 = parts.iter().map(|(iv, _)| iv.lo()).sum();
        let hi: f64 = parts.iter().map(|(iv, _)| iv.hi()).sum();
        let tol = 1e-9 * (1.0 + hi.abs());
        for o in out.iter().filter(|o| matches!(o.id(), "t" | "regrouped")) {
            let Outcome::Derived(d) = o else { panic!("{o:?}") };
            prop_assert!((d.point.unwrap() - sum).abs() <= tol, "{:?} != {sum}", d.point);
            prop_assert!((d.interval.lo() - lo).abs() <= tol, "{:?}", d.interval);
            prop_assert!((d.interval.hi() - hi).abs() <= tol, "{:?}", d.interval);
            prop_assert_eq!(d.exactness, Exactness::Exact);
        }
    }

    #[test]
    fn ledger_counts_from_shares_over_groups_are_the_sum_of_the_groups(
        groups in prop::collection::vec(
            (finite(1.0..1e6, 1e4), finite(0.0..90.0, 10.0)),
            1..6,
        ),
    ) {
        // count_i = {m_i} * {s_i} / 100, all = the sum of the counts: membership x share.
        let mut inputs = BTreeMap::new();
        let mut specs = Vec::new();
        for (i, ((m, mx), (s, sx))) in groups.iter().enumerate() {
            inputs.insert(format!("m{i}"), quantity(*mx, *m, "persons"));
            inputs.insert(format!("s{i}"), quantity(*sx, *s, "percent"));
            specs.push(derived(&format!("c{i}"), &format!("{{m{i}}} * {{s{i}}} / 100")));
        }
        let all: Vec<String> = (0..groups.len()).map(|i| format!("{{c{i}}}")).collect();
        specs.push(derived("all", &all.join(" + ")));
        let out = ledger::evaluate(&inputs.into(), &specs);
        let each: Vec<&DerivedValue> = out[..groups.len()]
            .iter()
            .map(|o| match o {
                Outcome::Derived(d) => d,
                other => panic!("{other:?}"),
            })
            .collect();
        let Outcome::Derived(total) = &out[groups.len()] else { panic!() };
        let sum: f64 = each.iter().map(|d| d.point.unwrap()).sum();
        // each count is monotone in its own membership and share: [m.lo s.lo, m.hi s.hi] / 100
        let lo: f64 = groups.iter().map(|((m, _), (s, _))| m.lo() * s.lo() / 100.0).sum();
        let hi: f64 = groups.iter().map(|((m, _), (s, _))| m.hi() * s.hi() / 100.0).sum();
        let tol = 1e-9 * (1.0 + hi.abs());
        prop_assert!((total.point.unwrap() - sum).abs() <= tol);
        prop_assert!((total.interval.lo() - lo).abs() <= tol, "{:?} vs [{lo}, {hi}]", total.interval);
        prop_assert!((total.interval.hi() - hi).abs() <= tol, "{:?} vs [{lo}, {hi}]", total.interval);
        let direct: f64 = groups.iter().map(|((_, m), (_, s))| m * s / 100.0).sum();
        prop_assert!((total.point.unwrap() - direct).abs() <= tol);
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

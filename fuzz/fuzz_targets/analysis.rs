//! The math behind `wages analyze` and `wages tabulate` on arbitrary numbers (the CSV path of
//! analyze is polars, too heavy to build under the fuzzer; this covers what runs after it).
//!
//! Byte 0 picks the mode:
//! - even: inequality statistics. The rest is read as little-endian f64s: pay values, then as
//!   many weights if byte 0 & 2, then a minimum and caps. `Sample::new` must reject what it
//!   cannot summarize; whatever it accepts must summarize without NaN, with the Gini in [0, 1]
//!   and the quantiles in order.
//! - odd: bracket tables. Either raw f64 brackets (lower, upper, share, mean) when byte 0 & 2,
//!   or a structured table from 4 bytes per bracket (width, share, mean position, flags) so that
//!   most inputs are valid tables. Every fit and bound must run without panicking; bounds that
//!   are computed are finite and ordered; a successful fit has a finite mean and Gini (the
//!   histogram's in [0, 1]).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wages_analysis::inequality::Sample;
use wages_analysis::tabulation::{
    gini_bounds, Bracket, BracketTable, FittedDistribution, GeneralizedParetoInterpolation,
    MeanSplitHistogram,
};

fn f64s(data: &[u8]) -> Vec<f64> {
    data.chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

fn inequality(mode: u8, data: &[u8]) {
    let xs = f64s(data);
    if xs.len() < 2 {
        return;
    }
    let weighted = mode & 2 != 0;
    let n = if weighted { xs.len() / 2 } else { xs.len() - 1 };
    let n = n.max(1);
    let pay = xs[..n].to_vec();
    let weights = weighted.then(|| xs[n..2 * n.min(xs.len() / 2)].to_vec());
    let weights = weights.filter(|w| w.len() == n);
    let Ok(sample) = Sample::new(pay, weights) else {
        return;
    };
    let rest = &xs[(if weighted { 2 * n } else { n }).min(xs.len())..];
    let minimum = rest.first().copied().unwrap_or(sample.min());
    let caps: Vec<f64> = rest.iter().skip(1).take(4).copied().collect();
    let Ok(s) = sample.try_summary(minimum, &caps) else {
        return;
    };
    // Every magnitude `Sample::new` accepts (it computes in a rescaled space and rejects only
    // a pay spread beyond 1e100 or totals that overflow) must give numbers.
    for (name, v) in [
        ("min", s.min),
        ("p10", s.p10),
        ("p50", s.p50),
        ("mean", s.mean),
        ("p90", s.p90),
        ("max", s.max),
        ("gini", s.gini),
        // Positive pay: the ratios are always defined.
        ("max_min_ratio", s.max_min_ratio.unwrap_or(f64::NAN)),
        ("kaitz", s.kaitz.unwrap_or(f64::NAN)),
        ("low_pay_share", s.low_pay_share),
    ] {
        assert!(!v.is_nan(), "{name} is NaN for an accepted sample");
    }
    assert!(s.min <= s.p10 && s.p10 <= s.p50 && s.p50 <= s.p90 && s.p90 <= s.max);
    assert!((-1e-9..=1.0 + 1e-9).contains(&s.gini), "gini {}", s.gini);
}

fn structured(data: &[u8]) -> Vec<Bracket> {
    let mut lower = 1.0 + f64::from(*data.first().unwrap_or(&0)) / 16.0;
    let chunks: Vec<&[u8]> = data
        .get(1..)
        .unwrap_or(&[])
        .chunks_exact(4)
        .take(12)
        .collect();
    let total: f64 = chunks.iter().map(|c| f64::from(c[1]) + 1.0).sum();
    let mut out = Vec::new();
    for (k, c) in chunks.iter().enumerate() {
        let width = f64::from(c[0]) / 8.0 + 0.125;
        let share = (f64::from(c[1]) + 1.0) / total * if c[3] & 4 != 0 { 0.9 } else { 1.0 };
        let pos = f64::from(c[2]) / 255.0;
        let last = k + 1 == chunks.len();
        let b = if last && c[3] & 1 != 0 {
            Bracket::open(lower, share)
        } else {
            Bracket::closed(lower, lower + width, share)
        };
        let b = if c[3] & 2 != 0 {
            let mean = match b.upper {
                Some(u) => lower + pos * (u - lower),
                None => lower * (1.0 + 3.0 * pos + 1e-3),
            };
            b.with_mean(mean)
        } else {
            b
        };
        out.push(b);
        lower += width + if c[3] & 8 != 0 { 1.0 } else { 0.0 };
    }
    out
}

fn raw(data: &[u8]) -> Vec<Bracket> {
    f64s(data)
        .chunks_exact(4)
        .take(12)
        .map(|c| {
            let b = if c[1].is_sign_negative() {
                Bracket::open(c[0], c[2])
            } else {
                Bracket::closed(c[0], c[1], c[2])
            };
            if c[3].is_sign_negative() {
                b
            } else {
                b.with_mean(c[3])
            }
        })
        .collect()
}

fn tabulation(mode: u8, data: &[u8]) {
    let brackets = if mode & 2 != 0 {
        raw(data)
    } else {
        structured(data)
    };
    let Ok(table) = BracketTable::new(brackets) else {
        return;
    };
    // Bounds computed (for thresholds anywhere in f64) are numbers and ordered.
    if let Ok(b) = gini_bounds(&table, None) {
        assert!(b.lower.is_finite() && b.upper.is_finite(), "{b:?}");
        assert!(b.lower <= b.upper, "{b:?}");
    }
    let check = |g: f64, name: &str| {
        assert!(!g.is_nan(), "{name}: Gini is NaN");
        assert!((-1e-9..=1.0 + 1e-9).contains(&g), "{name}: Gini {g}");
    };
    if let Ok(fit) = MeanSplitHistogram::fit(&table) {
        assert!(fit.mean().is_finite(), "histogram: mean {}", fit.mean());
        check(fit.gini(), "histogram");
        let _ = (
            fit.quantile(0.5),
            fit.top_share(0.9),
            fit.survival_curve(8, 0.99),
        );
    }
    if let Ok(fit) = GeneralizedParetoInterpolation::fit(&table) {
        // A fit that succeeds has a finite mean and Gini (it returns NotFinite otherwise).
        assert!(fit.mean().is_finite(), "gpinter: mean {}", fit.mean());
        assert!(fit.gini().is_finite(), "gpinter: Gini {}", fit.gini());
        let _ = (
            fit.quantile(0.5),
            fit.top_share(0.9),
            fit.survival_curve(8, 0.99),
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode & 1 == 0 {
        inequality(mode, rest);
    } else {
        tabulation(mode, rest);
    }
});

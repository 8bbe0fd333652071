//! Counts extrapolated from shares printed with a given number of decimals, with the interval
//! the rounding leaves.

use serde::Serialize;

/// A value with the closed interval `[lo, hi]` that rounding allows around it.
///
/// Kept local so this module does not wait on `crate::interval`; it can be replaced by
/// `crate::interval::Interval` once that type settles.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RoundedValue {
    /// The value as printed (or computed from the printed value).
    pub point: f64,
    pub lo: f64,
    pub hi: f64,
}

impl RoundedValue {
    /// Whether `x` lies in `[lo, hi]`.
    pub fn contains(&self, x: f64) -> bool {
        self.lo <= x && x <= self.hi
    }

    /// Sum of values: points, lower and upper ends add separately (worst case, no cancellation).
    pub fn sum(values: &[RoundedValue]) -> RoundedValue {
        values.iter().fold(
            RoundedValue {
                point: 0.0,
                lo: 0.0,
                hi: 0.0,
            },
            |acc, v| RoundedValue {
                point: acc.point + v.point,
                lo: acc.lo + v.lo,
                hi: acc.hi + v.hi,
            },
        )
    }
}

/// Half a unit in the last printed place: `0.5 * 10^-decimals`.
pub fn half_unit(decimals: u32) -> f64 {
    0.5 * 10f64.powi(-(decimals as i32))
}

/// The interval a percentage printed as `share_percent` with `decimals` decimals stands for:
/// `[s - 0.5*10^-d, s + 0.5*10^-d]`, clipped to `[0, 100]` (a printed `0` cannot hide a negative
/// share).
pub fn share_percent_interval(share_percent: f64, decimals: u32) -> RoundedValue {
    let h = half_unit(decimals);
    RoundedValue {
        point: share_percent,
        lo: (share_percent - h).max(0.0),
        hi: (share_percent + h).min(100.0),
    }
}

/// Head-count extrapolated from a membership total and a printed percentage (as Pirani
/// extrapolated Vovsi's counts): `count = membership * s / 100`, with the interval
/// `membership * [s - 0.5*10^-d, s + 0.5*10^-d] / 100` (shares clipped to `[0, 100]`).
///
/// Example: 20% of 1,000 members printed with 0 decimals is `[195, 205]`, point 200.
pub fn count_interval(membership: f64, share_percent: f64, decimals: u32) -> RoundedValue {
    let s = share_percent_interval(share_percent, decimals);
    RoundedValue {
        point: membership * s.point / 100.0,
        lo: membership * s.lo / 100.0,
        hi: membership * s.hi / 100.0,
    }
}

/// Number of decimals in a number as printed (`"12.50"` -> 2, `"7"` -> 0, `"3,25"` -> 2): what
/// the CSV reader takes as the rounding of `share_percent`. Exponent notation is not a printed
/// share and counts as 0 decimals after the mantissa's point.
pub fn printed_decimals(printed: &str) -> u32 {
    let t = printed.trim();
    let mantissa = t.split(['e', 'E']).next().unwrap_or("");
    match mantissa.rfind(['.', ',']) {
        Some(i) => mantissa[i + 1..]
            .chars()
            .filter(|c| c.is_ascii_digit())
            .count() as u32,
        None => 0,
    }
}

/// How far from 100% the printed percentages may sum because of rounding alone:
/// `sum_k 0.5*10^-d_k` percentage points. A table is consistent when
/// `|sum_k s_k - 100| <= rounding_tolerance`; divided by 100 it is the tolerance to give
/// [`super::BracketTable::with_share_tolerance`].
pub fn rounding_tolerance(decimals: &[u32]) -> f64 {
    decimals.iter().map(|&d| half_unit(d)).sum()
}

/// Whether percentages as printed are consistent with summing to exactly 100%: the interval sum
/// of their rounding intervals contains 100.
pub fn shares_sum_consistent(shares_percent: &[(f64, u32)]) -> bool {
    let parts: Vec<RoundedValue> = shares_percent
        .iter()
        .map(|&(s, d)| share_percent_interval(s, d))
        .collect();
    RoundedValue::sum(&parts).contains(100.0)
}

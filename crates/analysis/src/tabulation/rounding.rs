//! Counts extrapolated from shares printed with a given number of decimals, with the interval
//! the rounding leaves.

use crate::estimate::Estimate;
use crate::interval::{Interval, IntervalError};

/// Half a unit in the last printed place: `0.5 * 10^-decimals`. `decimals` may be negative
/// (a share printed as `0.5e2` is rounded to tens: `decimals = -1`, half unit 5).
pub fn half_unit(decimals: i32) -> f64 {
    0.5 * 10f64.powi(-decimals.clamp(-MAX_DECIMALS, MAX_DECIMALS))
}

/// Largest number of decimals (either way) [`printed_decimals`] returns: beyond it a half unit
/// would no longer be a finite, non-zero `f64`.
pub const MAX_DECIMALS: i32 = 300;

/// The interval a percentage printed as `share_percent` with `decimals` decimals stands for:
/// `[s - 0.5*10^-d, s + 0.5*10^-d]`, clipped to `[0, 100]` (a printed `0` cannot hide a negative
/// share). A share outside `[0, 100]` (which the table reader refuses) gives the point itself.
pub fn share_percent_interval(share_percent: f64, decimals: i32) -> Interval {
    let h = half_unit(decimals);
    Interval::new((share_percent - h).max(0.0), (share_percent + h).min(100.0)).unwrap_or_else(
        |_| {
            Interval::new(share_percent, share_percent).unwrap_or_else(|_| Interval::non_negative())
        },
    )
}

/// Head-count extrapolated from a membership total and a printed percentage (as Pirani
/// extrapolated Vovsi's counts): `count = membership * s / 100`, with the interval
/// `membership * [s - 0.5*10^-d, s + 0.5*10^-d] / 100` (shares clipped to `[0, 100]`).
///
/// Example: 20% of 1,000 members printed with 0 decimals is `[195, 205]`, point 200.
pub fn count_interval(
    membership: f64,
    share_percent: f64,
    decimals: i32,
) -> Result<Estimate, IntervalError> {
    let s = share_percent_interval(share_percent, decimals);
    Estimate::new(
        membership * share_percent / 100.0,
        Interval::new(membership * s.lo() / 100.0, membership * s.hi() / 100.0)?,
    )
}

/// The place of the last printed digit of a number as printed, as a number of decimals: what
/// the CSV reader takes as the rounding of `share_percent`. Plain decimals: the digits after
/// the point (`"12.50"` -> 2, `"7"` -> 0, `"3,25"` -> 2). Scientific notation shifts it by the
/// exponent: the mantissa's decimals minus the exponent (`"0.5e2"` = 50 to the nearest ten
/// -> 1 - 2 = -1; Excel's `"1E-05"` -> 0 + 5 = 5; `"1.25e1"` -> 2 - 1 = 1), clamped to
/// `[-MAX_DECIMALS, MAX_DECIMALS]`.
pub fn printed_decimals(printed: &str) -> i32 {
    let t = printed.trim();
    let mut parts = t.splitn(2, ['e', 'E']);
    let mantissa = parts.next().unwrap_or("");
    let after_point = match mantissa.rfind(['.', ',']) {
        Some(i) => mantissa[i + 1..]
            .chars()
            .filter(|c| c.is_ascii_digit())
            .count() as i64,
        None => 0,
    };
    // An exponent too long for i64 is far beyond the clamp either way.
    let exponent: i64 = match parts.next() {
        Some(e) => {
            let e = e.replace('_', "");
            let negative = e.starts_with('-');
            let digits = e.trim_start_matches(['+', '-']);
            let magnitude = digits.parse::<i64>().unwrap_or(if digits.is_empty() {
                0
            } else {
                i64::from(MAX_DECIMALS) * 2
            });
            if negative {
                -magnitude
            } else {
                magnitude
            }
        }
        None => 0,
    };
    let max = i64::from(MAX_DECIMALS);
    (after_point.min(max) - exponent.clamp(-2 * max, 2 * max)).clamp(-max, max) as i32
}

/// How far from 100% the printed percentages may sum because of rounding alone:
/// `sum_k 0.5*10^-d_k` percentage points. A table is consistent when
/// `|sum_k s_k - 100| <= rounding_tolerance`; divided by 100 it is the tolerance to give
/// [`super::BracketTable::with_share_tolerance`].
pub fn rounding_tolerance(decimals: &[i32]) -> f64 {
    decimals.iter().map(|&d| half_unit(d)).sum()
}

/// Whether percentages as printed are consistent with summing to exactly 100%: the interval sum
/// of their rounding intervals contains 100.
pub fn shares_sum_consistent(shares_percent: &[(f64, i32)]) -> bool {
    shares_percent
        .iter()
        .map(|&(s, d)| share_percent_interval(s, d))
        .fold(
            Interval::new(0.0, 0.0).unwrap_or(Interval::non_negative()),
            |acc, s| acc + s,
        )
        .contains(100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A share in scientific notation is rounded at the place of its last printed digit,
    /// shifted by the exponent, not at its mantissa's decimals.
    #[test]
    fn scientific_notation_shifts_the_printed_place() {
        // "0.5e2" = 50 printed to the nearest ten: decimals 1 - 2 = -1, half unit
        // 0.5 x 10^1 = 5, so [50 - 5, 50 + 5] = [45, 55] (not [49.95, 50.05]).
        assert_eq!(printed_decimals("0.5e2"), -1);
        let s = share_percent_interval(50.0, printed_decimals("0.5e2"));
        assert!((s.lo() - 45.0).abs() < 1e-12 && (s.hi() - 55.0).abs() < 1e-12);
        // Excel's "1E-05" = 0.00001 with one significant digit: decimals 0 + 5 = 5, half unit
        // 0.5 x 10^-5, so [0.5e-5, 1.5e-5].
        assert_eq!(printed_decimals("1E-05"), 5);
        let s = share_percent_interval(1e-5, printed_decimals("1E-05"));
        assert!((s.lo() - 0.5e-5).abs() < 1e-18 && (s.hi() - 1.5e-5).abs() < 1e-18);
        // "1.25e1" = 12.5: decimals 2 - 1 = 1, [12.45, 12.55]; "2.50E+1" = 25.0: 2 - 1 = 1.
        assert_eq!(printed_decimals("1.25e1"), 1);
        assert_eq!(printed_decimals("2.50E+1"), 1);
        // "1e2" = 100 to the nearest hundred: decimals -2, half unit 50, clipped: [50, 100].
        let s = share_percent_interval(100.0, printed_decimals("1e2"));
        assert_eq!((s.lo(), s.hi()), (50.0, 100.0));
        // An absurd exponent is clamped, and the half unit stays a finite number.
        assert_eq!(printed_decimals("0e99999999999999999999"), -MAX_DECIMALS);
        assert_eq!(printed_decimals("1e-99999999999999999999"), MAX_DECIMALS);
        assert!(half_unit(-MAX_DECIMALS).is_finite() && half_unit(MAX_DECIMALS) > 0.0);
        // Plain decimals are unchanged.
        assert_eq!(printed_decimals("13.8"), 1);
        assert_eq!(printed_decimals("7"), 0);
    }
}

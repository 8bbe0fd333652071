//! Intervals that carry a source's qualifier and rounding, and the arithmetic that propagates
//! them.
//!
//! A figure printed as "13.8%" stands for anything in [13.75%, 13.85%); "about 1,500" for
//! [1,450, 1,550]; "more than 80,000" for [80,000, 90,000] (see [`interval_from_qualifier`] for
//! every rule and its reasoning). Derived figures are computed on these intervals with the
//! operations below, each of which returns the tightest closed interval that contains the result
//! for every choice of points inside its inputs (for an expression in which each input appears
//! once, the result is exact, not merely a bound).
//!
//! Conventions:
//! - Intervals are **closed** hulls `[lo, hi]`. A half-open source reading such as
//!   [13.75, 13.85) is represented by its closure: one endpoint too many never hides a value.
//! - `lo` may be `-∞` and `hi` may be `+∞`; `lo` is never `+∞`, `hi` never `-∞`, and no bound is
//!   ever NaN. The constructor checks this once; every method then keeps it without panicking.
//! - Products follow the interval-arithmetic rule `0 × ∞ = 0` (the bound `∞` is a limit, never a
//!   value), so `[0, 0] × [1, ∞) = [0, 0]` and no NaN can arise.
//! - In JSON an infinite bound is written as `null` (`{"lo": 80000.0, "hi": null}` is
//!   [80,000, ∞)); a missing or `null` `lo` reads as `-∞`, a missing or `null` `hi` as `+∞`.

use crate::format::fmt_num;
use std::fmt;
use std::ops::{Add, Mul, Neg, Sub};
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Relative tolerance used wherever two floating-point figures are compared for equality
/// (point values against interval ends, "is 645 exactly 430 + 50%?", float noise in
/// [`last_significant_unit`]). Kept in one place on purpose.
pub const REL_TOL: f64 = 1e-9;

/// Errors from building or combining intervals.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum IntervalError {
    /// A bound or input value is NaN.
    #[error("interval bound is NaN (lo {lo}, hi {hi})")]
    NaN { lo: f64, hi: f64 },
    /// `lo > hi`.
    #[error("interval bounds out of order: lo {lo} > hi {hi}")]
    Inverted { lo: f64, hi: f64 },
    /// `lo = +∞` or `hi = -∞`: the interval would contain no number.
    #[error("an interval cannot start at +infinity or end at -infinity (lo {lo}, hi {hi})")]
    EmptyAtInfinity { lo: f64, hi: f64 },
    /// An input that must be a finite number is not.
    #[error("{what} must be a finite number, got {value}")]
    NonFinite { what: &'static str, value: f64 },
    /// Division by an interval that contains zero: the quotient is unbounded (or undefined),
    /// so we refuse rather than return a silent `(-∞, ∞)`.
    #[error("division by an interval containing zero: [{lo}, {hi}]")]
    DivisorContainsZero { lo: f64, hi: f64 },
    /// Logarithm of an interval that reaches below zero (or is exactly `[0, 0]`).
    #[error("logarithm of an interval outside (0, ∞): [{lo}, {hi}]")]
    LogDomain { lo: f64, hi: f64 },
    /// A rounding unit that is not a positive finite number.
    #[error("rounding unit must be a positive finite number, got {0}")]
    BadRounding(f64),
    /// Qualifier `range` without its high value.
    #[error("qualifier `range` needs a high value")]
    MissingHigh,
    /// A high value given with a qualifier other than `range`.
    #[error("a high value ({high}) is only meaningful with qualifier `range`, not `{qualifier}`")]
    UnexpectedHigh { qualifier: Qualifier, high: f64 },
    /// A range whose low end exceeds its high end.
    #[error("range is reversed: low {low} > high {high}")]
    ReversedRange { low: f64, high: f64 },
    /// No last significant digit can be determined (zero, or a value out of range).
    #[error(
        "cannot determine the last significant digit of {0}; give the rounding unit explicitly"
    )]
    NoSignificantUnit(f64),
    /// `at most v` with a negative v (pay figures are non-negative).
    #[error("`at most` needs a non-negative value (pay figures are non-negative), got {0}")]
    NegativeAtMost(f64),
    /// A point value outside the interval it is said to lie in.
    #[error("value {value} lies outside its interval [{lo}, {hi}]")]
    Outside { value: f64, lo: f64, hi: f64 },
    /// An unknown qualifier word.
    #[error(
        "unknown qualifier `{0}`; expected one of: exact, about, more-than, at-least, at-most, range"
    )]
    UnknownQualifier(String),
}

/// A closed interval `[lo, hi]` of the extended reals, with `lo <= hi`, no NaN,
/// `lo < +∞` and `hi > -∞`.
///
/// Built once through a validating constructor ([`Interval::new`], [`Interval::point`],
/// [`Interval::at_least`], [`interval_from_qualifier`]); every operation afterwards keeps the
/// invariant. Read the bounds with [`Interval::lo`] and [`Interval::hi`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "IntervalRepr", into = "IntervalRepr")]
pub struct Interval {
    lo: f64,
    hi: f64,
}

/// Wire form: infinite bounds as `null`.
#[derive(Serialize, Deserialize)]
struct IntervalRepr {
    #[serde(default)]
    lo: Option<f64>,
    #[serde(default)]
    hi: Option<f64>,
}

impl From<Interval> for IntervalRepr {
    fn from(iv: Interval) -> Self {
        IntervalRepr {
            lo: iv.lo.is_finite().then_some(iv.lo),
            hi: iv.hi.is_finite().then_some(iv.hi),
        }
    }
}

impl TryFrom<IntervalRepr> for Interval {
    type Error = IntervalError;
    fn try_from(r: IntervalRepr) -> Result<Self, Self::Error> {
        Interval::new(
            r.lo.unwrap_or(f64::NEG_INFINITY),
            r.hi.unwrap_or(f64::INFINITY),
        )
    }
}

/// Product of two bounds with the interval convention `0 × ±∞ = 0`.
fn mul_bound(x: f64, y: f64) -> f64 {
    if x == 0.0 || y == 0.0 {
        0.0
    } else {
        x * y
    }
}

fn min4(a: f64, b: f64, c: f64, d: f64) -> f64 {
    // `f64::min` ignores a NaN operand, which is what the division corners need (see try_div).
    a.min(b).min(c).min(d)
}

fn max4(a: f64, b: f64, c: f64, d: f64) -> f64 {
    a.max(b).max(c).max(d)
}

fn finite(what: &'static str, value: f64) -> Result<f64, IntervalError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(IntervalError::NonFinite { what, value })
    }
}

impl Interval {
    /// `[lo, hi]`. Errors if a bound is NaN, if `lo > hi`, or if `lo = +∞` / `hi = -∞`.
    pub fn new(lo: f64, hi: f64) -> Result<Self, IntervalError> {
        if lo.is_nan() || hi.is_nan() {
            return Err(IntervalError::NaN { lo, hi });
        }
        if lo > hi {
            return Err(IntervalError::Inverted { lo, hi });
        }
        if lo == f64::INFINITY || hi == f64::NEG_INFINITY {
            return Err(IntervalError::EmptyAtInfinity { lo, hi });
        }
        Ok(Interval { lo, hi })
    }

    /// Internal constructor for results of operations that keep the invariant by construction.
    fn raw(lo: f64, hi: f64) -> Self {
        debug_assert!(
            !lo.is_nan() && !hi.is_nan() && lo <= hi,
            "bad interval [{lo}, {hi}]"
        );
        Interval { lo, hi }
    }

    /// The degenerate interval `[v, v]` of an exact figure. `v` must be finite.
    pub fn point(v: f64) -> Result<Self, IntervalError> {
        let v = finite("point value", v)?;
        Ok(Interval { lo: v, hi: v })
    }

    /// `[v, +∞)`: the unbounded reading of "at least v" or "more than v" (compare the bounded
    /// convention of [`Qualifier::MoreThan`] in [`interval_from_qualifier`]). `v` must be finite.
    pub fn at_least(v: f64) -> Result<Self, IntervalError> {
        let v = finite("lower bound", v)?;
        Ok(Interval {
            lo: v,
            hi: f64::INFINITY,
        })
    }

    /// `[0, +∞)`: all non-negative numbers.
    pub fn non_negative() -> Self {
        Interval {
            lo: 0.0,
            hi: f64::INFINITY,
        }
    }

    /// Lower bound (may be `-∞`).
    pub fn lo(&self) -> f64 {
        self.lo
    }

    /// Upper bound (may be `+∞`).
    pub fn hi(&self) -> f64 {
        self.hi
    }

    /// `lo <= x <= hi` (closed at both ends; NaN is never contained).
    pub fn contains(&self, x: f64) -> bool {
        self.lo <= x && x <= self.hi
    }

    /// Like [`Interval::contains`], with a slack of [`REL_TOL`] × max(1, |x|) at each end, for
    /// comparing a separately computed point value with an interval.
    pub fn contains_approx(&self, x: f64) -> bool {
        let tol = REL_TOL * x.abs().max(1.0);
        self.lo - tol <= x && x <= self.hi + tol
    }

    /// `other ⊆ self`.
    pub fn contains_interval(&self, other: &Interval) -> bool {
        self.lo <= other.lo && other.hi <= self.hi
    }

    /// `hi - lo` (`+∞` if unbounded).
    pub fn width(&self) -> f64 {
        self.hi - self.lo
    }

    /// `(lo + hi) / 2`; `±∞` if unbounded on one side, NaN-free: `(-∞, ∞)` gives 0.
    pub fn midpoint(&self) -> f64 {
        match (self.lo.is_finite(), self.hi.is_finite()) {
            (true, true) => self.lo + (self.hi - self.lo) / 2.0,
            (false, false) => 0.0,
            (false, true) => f64::NEG_INFINITY,
            (true, false) => f64::INFINITY,
        }
    }

    /// Both bounds finite.
    pub fn is_bounded(&self) -> bool {
        self.lo.is_finite() && self.hi.is_finite()
    }

    /// `lo == hi`.
    pub fn is_point(&self) -> bool {
        self.lo == self.hi
    }

    /// Smallest interval containing both.
    pub fn hull(&self, other: &Interval) -> Interval {
        Interval::raw(self.lo.min(other.lo), self.hi.max(other.hi))
    }

    /// Common part, or `None` if disjoint.
    pub fn intersect(&self, other: &Interval) -> Option<Interval> {
        let lo = self.lo.max(other.lo);
        let hi = self.hi.min(other.hi);
        (lo <= hi).then(|| Interval::raw(lo, hi))
    }

    /// `k × [lo, hi]` = `[min(k·lo, k·hi), max(k·lo, k·hi)]` (with `0 × ∞ = 0`). `k` must be
    /// finite.
    pub fn scale(&self, k: f64) -> Result<Interval, IntervalError> {
        let k = finite("scale factor", k)?;
        let a = mul_bound(k, self.lo);
        let b = mul_bound(k, self.hi);
        Ok(Interval::raw(a.min(b), a.max(b)))
    }

    /// `1 / [lo, hi]` = `[1/hi, 1/lo]` for an interval not containing zero (`1/∞ = 0`).
    /// Errors with [`IntervalError::DivisorContainsZero`] otherwise.
    pub fn recip(&self) -> Result<Interval, IntervalError> {
        Interval::point(1.0).and_then(|one| one.try_div(self))
    }

    /// `a / b` = hull of `x / y` for `x ∈ a`, `y ∈ b`:
    /// `[min, max]` of the four corner quotients `a.lo/b.lo, a.lo/b.hi, a.hi/b.lo, a.hi/b.hi`.
    ///
    /// - If `b` contains 0 (including an endpoint at 0) the quotient is unbounded or undefined:
    ///   this returns [`IntervalError::DivisorContainsZero`] rather than a silent `(-∞, ∞)`.
    ///   Callers that want the unbounded reading can catch the error and use
    ///   [`Interval::at_least`] or similar explicitly.
    /// - A corner `±∞ / ±∞` is indeterminate and is skipped: because `b` excludes 0 it always
    ///   has a finite non-zero endpoint, and the corners through it already reach the right
    ///   infinity, while `finite / ±∞ = 0` supplies the other side. E.g.
    ///   `[1, ∞) / [1, ∞) = [0, ∞)`, never NaN.
    ///
    /// Corner quotients are computed directly (not as `a × (1/b)`), so for points `x ∈ a`,
    /// `y ∈ b` the floating-point `x / y` always lies inside the result (IEEE division is
    /// correctly rounded, hence monotone).
    pub fn try_div(&self, b: &Interval) -> Result<Interval, IntervalError> {
        if b.contains(0.0) {
            return Err(IntervalError::DivisorContainsZero { lo: b.lo, hi: b.hi });
        }
        let (c1, c2, c3, c4) = (
            self.lo / b.lo,
            self.lo / b.hi,
            self.hi / b.lo,
            self.hi / b.hi,
        );
        Ok(Interval::raw(min4(c1, c2, c3, c4), max4(c1, c2, c3, c4)))
    }

    /// `ln [lo, hi]` = `[ln lo, ln hi]` (monotone increasing). Needs `lo >= 0` and `hi > 0`;
    /// `ln 0 = -∞` gives an unbounded lower end. Errors with [`IntervalError::LogDomain`]
    /// otherwise.
    pub fn ln(&self) -> Result<Interval, IntervalError> {
        if self.lo < 0.0 || self.hi <= 0.0 {
            return Err(IntervalError::LogDomain {
                lo: self.lo,
                hi: self.hi,
            });
        }
        Ok(Interval::raw(self.lo.ln(), self.hi.ln()))
    }

    /// `exp [lo, hi]` = `[exp lo, exp hi]` (monotone increasing; `exp(-∞) = 0`). Overflow gives
    /// `+∞` as an upper bound, which is still a valid (if uninformative) bound.
    pub fn exp(&self) -> Interval {
        Interval::raw(self.lo.exp(), self.hi.exp())
    }

    /// `max(m, [lo, hi])` = `[max(m, lo), max(m, hi)]` (the map `x ↦ max(m, x)` is
    /// non-decreasing). Used for "amount above a cap", which is never negative. `m` must be
    /// finite.
    pub fn clamp_min(&self, m: f64) -> Result<Interval, IntervalError> {
        let m = finite("clamp value", m)?;
        Ok(Interval::raw(self.lo.max(m), self.hi.max(m)))
    }

    /// Builds the interval a qualified figure stands for; see [`interval_from_qualifier`].
    pub fn from_qualifier(
        q: Qualifier,
        value: f64,
        high: Option<f64>,
        rounding: Option<f64>,
    ) -> Result<Interval, IntervalError> {
        interval_from_qualifier(q, value, high, rounding)
    }
}

/// `[a.lo + b.lo, a.hi + b.hi]`. Never NaN: a lower bound is never `+∞`, an upper never `-∞`.
impl Add for Interval {
    type Output = Interval;
    fn add(self, b: Interval) -> Interval {
        Interval::raw(self.lo + b.lo, self.hi + b.hi)
    }
}

/// `[a.lo - b.hi, a.hi - b.lo]`: the smallest difference pairs the smallest `a` with the largest
/// `b` (e.g. for counts: "80,000 minus 15,400 minus about 1,500").
impl Sub for Interval {
    type Output = Interval;
    fn sub(self, b: Interval) -> Interval {
        Interval::raw(self.lo - b.hi, self.hi - b.lo)
    }
}

/// `-[lo, hi] = [-hi, -lo]`.
impl Neg for Interval {
    type Output = Interval;
    fn neg(self) -> Interval {
        Interval::raw(-self.hi, -self.lo)
    }
}

/// `[min, max]` of the four corner products (`0 × ∞ = 0`). For non-negative intervals this is
/// simply `[a.lo · b.lo, a.hi · b.hi]`; the corner form is correct for any signs.
impl Mul for Interval {
    type Output = Interval;
    fn mul(self, b: Interval) -> Interval {
        let (c1, c2, c3, c4) = (
            mul_bound(self.lo, b.lo),
            mul_bound(self.lo, b.hi),
            mul_bound(self.hi, b.lo),
            mul_bound(self.hi, b.hi),
        );
        Interval::raw(min4(c1, c2, c3, c4), max4(c1, c2, c3, c4))
    }
}

/// `[1,450, 1,550]`, `[80,000, ∞)`, `(-∞, 3]`, numbers as in [`fmt_num`].
impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let open = if self.lo.is_finite() { '[' } else { '(' };
        let close = if self.hi.is_finite() { ']' } else { ')' };
        write!(
            f,
            "{open}{}, {}{close}",
            fmt_num(self.lo).0,
            fmt_num(self.hi).0
        )
    }
}

/// How a source qualifies a number: "13.8%" (exact as printed), "about 1,500",
/// "more than 80,000", "at least 12 times", "at most", "20 to 50 times" (a range).
///
/// Serde, [`FromStr`] and [`Display`](fmt::Display) all use the kebab-case words
/// `exact`, `about`, `more-than`, `at-least`, `at-most`, `range`. [`FromStr`] also accepts
/// spaces or underscores for the hyphen and any letter case ("More than").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Qualifier {
    Exact,
    About,
    MoreThan,
    AtLeast,
    AtMost,
    Range,
}

impl Qualifier {
    /// All qualifiers, in declaration order.
    pub const ALL: [Qualifier; 6] = [
        Qualifier::Exact,
        Qualifier::About,
        Qualifier::MoreThan,
        Qualifier::AtLeast,
        Qualifier::AtMost,
        Qualifier::Range,
    ];

    /// The kebab-case word used by serde, `FromStr` and `Display`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Qualifier::Exact => "exact",
            Qualifier::About => "about",
            Qualifier::MoreThan => "more-than",
            Qualifier::AtLeast => "at-least",
            Qualifier::AtMost => "at-most",
            Qualifier::Range => "range",
        }
    }

    /// The words to print before a number: "about", "more than", "at least", "at most";
    /// "" for exact; "range" for a range (which a report prints as "low to high").
    pub fn phrase(&self) -> &'static str {
        match self {
            Qualifier::Exact => "",
            Qualifier::About => "about",
            Qualifier::MoreThan => "more than",
            Qualifier::AtLeast => "at least",
            Qualifier::AtMost => "at most",
            Qualifier::Range => "range",
        }
    }
}

impl fmt::Display for Qualifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Qualifier {
    type Err = IntervalError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm: String = s
            .trim()
            .chars()
            .map(|c| match c {
                ' ' | '_' => '-',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        Qualifier::ALL
            .into_iter()
            .find(|q| q.as_str() == norm)
            .ok_or_else(|| IntervalError::UnknownQualifier(s.to_string()))
    }
}

/// Exact powers of ten up to 1e22 are exactly representable; beyond, `powi` is close enough.
fn pow10(k: i32) -> f64 {
    10f64.powi(k)
}

/// The place value of the last significant non-zero digit of `v`: the largest power of ten `u`
/// such that `v / u` is a whole number.
///
/// `1500 → 100`, `80000 → 10000`, `15400 → 100`, `13.8 → 0.1`, `7 → 1`, `0.25 → 0.01`.
///
/// Float noise: `13.8` is stored as 13.800000000000000710…, so "whole number" is tested with a
/// tolerance of max(1e-9, 1e-12 × q) on the quotient `q = |v| / u` (negative powers are applied
/// as `|v| × 10^k`, which keeps `13.8 × 10 = 138` exact). Consequently figures with more than
/// about 12 significant digits are treated as rounded at the 12th, which no historical pay figure
/// approaches. A value printed with trailing zeros after the decimal point ("13.80") cannot be
/// told apart from "13.8" here: pass the rounding unit explicitly for such figures.
///
/// Errors with [`IntervalError::NoSignificantUnit`] for 0, non-finite values, and magnitudes
/// outside [1e-200, 1e200].
pub fn last_significant_unit(v: f64) -> Result<f64, IntervalError> {
    let a = v.abs();
    if !a.is_finite() || !(1e-200..=1e200).contains(&a) {
        return Err(IntervalError::NoSignificantUnit(v));
    }
    let top = a.log10().floor() as i32 + 1; // one above, in case log10 rounds down
    let bottom = top - 17;
    for k in (bottom..=top).rev() {
        let q = if k >= 0 { a / pow10(k) } else { a * pow10(-k) };
        let tol = (q * 1e-12).max(1e-9);
        if q.round() >= 1.0 && (q - q.round()).abs() <= tol {
            return Ok(pow10(k));
        }
    }
    // Beyond double precision: every digit counts.
    Ok(pow10(bottom))
}

/// The interval a qualified source figure stands for.
///
/// `value` is the printed number; `high` the upper end of a range (required for
/// [`Qualifier::Range`], rejected otherwise); `rounding` the unit the source rounded to when it
/// is known (a printed "13.8" has `rounding = 0.1`; "15,400" rounded to hundreds has 100).
/// `u` below is `rounding` when given, else [`last_significant_unit`]`(value)`.
///
/// | qualifier | interval | reasoning |
/// |---|---|---|
/// | exact, no rounding | `[v, v]` | the number is taken as stated (a count, a decreed rate) |
/// | exact, rounding `r` | `[v - r/2, v + r/2]` | a printed "13.8" is any value that rounds to it: [13.75, 13.85) (closed here) |
/// | about `v` | `[v - u/2, v + u/2]` | the writer rounded: "about 1,500" is rounded to hundreds, so [1,450, 1,550]; a writer who rounded more coarsely (to 500, say) must be described with an explicit `rounding` |
/// | more than `v` | `[v, v + u]` | **convention**: "more than 80,000" gives [80,000, 90,000]. A writer who knew the figure was above 90,000 would have said "more than 90,000": the next step of the printed precision is the natural upper bound. The unbounded reading is available as [`Interval::at_least`] |
/// | at least `v` | `[v, +∞)` (with `r`: `[v - r/2, +∞)`) | a floor and nothing else ("at least 12 times the minimum") |
/// | at most `v` | `[0, v]` (with `r`: `[0, v + r/2]`) | a ceiling; the floor is 0 because pay figures, counts and shares are non-negative. Negative `v` is an error |
/// | range `v`..`high` | `[v, high]` (with `r`: `[v - r/2, high + r/2]`) | "20 to 50 times": both ends as stated |
///
/// All intervals are closed hulls (see the module docs). `value` and `high` must be finite;
/// `rounding` must be positive and finite.
pub fn interval_from_qualifier(
    q: Qualifier,
    value: f64,
    high: Option<f64>,
    rounding: Option<f64>,
) -> Result<Interval, IntervalError> {
    let v = finite("value", value)?;
    let r = match rounding {
        None => None,
        Some(r) if r.is_finite() && r > 0.0 => Some(r),
        Some(r) => return Err(IntervalError::BadRounding(r)),
    };
    if q != Qualifier::Range {
        if let Some(high) = high {
            return Err(IntervalError::UnexpectedHigh { qualifier: q, high });
        }
    }
    let unit = || match r {
        Some(r) => Ok(r),
        None => last_significant_unit(v),
    };
    let half = r.map_or(0.0, |r| r / 2.0);
    match q {
        Qualifier::Exact => Interval::new(v - half, v + half),
        Qualifier::About => {
            let u = unit()?;
            Interval::new(v - u / 2.0, v + u / 2.0)
        }
        Qualifier::MoreThan => {
            let u = unit()?;
            Interval::new(v, v + u)
        }
        Qualifier::AtLeast => Interval::at_least(v - half),
        Qualifier::AtMost => {
            if v < 0.0 {
                return Err(IntervalError::NegativeAtMost(v));
            }
            Interval::new(0.0, v + half)
        }
        Qualifier::Range => {
            let h = finite("range high value", high.ok_or(IntervalError::MissingHigh)?)?;
            if v > h {
                return Err(IntervalError::ReversedRange { low: v, high: h });
            }
            Interval::new(v - half, h + half)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use proptest::prelude::*;

    fn iv(lo: f64, hi: f64) -> Interval {
        Interval::new(lo, hi).unwrap()
    }

    #[test]
    fn constructor_validates() {
        assert!(Interval::new(1.0, 2.0).is_ok());
        assert!(Interval::new(2.0, 1.0).is_err());
        assert!(Interval::new(f64::NAN, 1.0).is_err());
        assert!(Interval::new(0.0, f64::NAN).is_err());
        assert!(Interval::new(f64::INFINITY, f64::INFINITY).is_err());
        assert!(Interval::new(f64::NEG_INFINITY, f64::NEG_INFINITY).is_err());
        assert!(Interval::new(f64::NEG_INFINITY, f64::INFINITY).is_ok());
        assert!(Interval::point(f64::INFINITY).is_err());
        assert!(Interval::at_least(f64::NAN).is_err());
    }

    #[test]
    fn basic_methods() {
        let a = iv(1450.0, 1550.0);
        assert!(a.contains(1450.0) && a.contains(1550.0) && a.contains(1500.0));
        assert!(!a.contains(1449.9) && !a.contains(f64::NAN));
        assert_eq!(a.width(), 100.0);
        assert_eq!(a.midpoint(), 1500.0);
        assert!(a.is_bounded());
        let b = Interval::at_least(80_000.0).unwrap();
        assert!(!b.is_bounded());
        assert_eq!(b.width(), f64::INFINITY);
        assert!(b.contains(1e300));
        assert!(Interval::point(7.0).unwrap().is_point());
        assert_eq!(a.hull(&iv(0.0, 1.0)), iv(0.0, 1550.0));
        assert_eq!(a.intersect(&iv(0.0, 1.0)), None);
        assert_eq!(a.intersect(&iv(1500.0, 2000.0)), Some(iv(1500.0, 1550.0)));
    }

    #[test]
    fn last_significant_units() {
        assert_eq!(last_significant_unit(1500.0).unwrap(), 100.0);
        assert_eq!(last_significant_unit(80_000.0).unwrap(), 10_000.0);
        assert_eq!(last_significant_unit(15_400.0).unwrap(), 100.0);
        assert_eq!(last_significant_unit(7.0).unwrap(), 1.0);
        assert_eq!(last_significant_unit(1000.0).unwrap(), 1000.0);
        assert_eq!(last_significant_unit(-1500.0).unwrap(), 100.0);
        assert_relative_eq!(last_significant_unit(13.8).unwrap(), 0.1);
        assert_relative_eq!(last_significant_unit(0.25).unwrap(), 0.01);
        assert_relative_eq!(last_significant_unit(0.1385).unwrap(), 0.0001);
        assert_relative_eq!(last_significant_unit(2.15).unwrap(), 0.01);
        assert!(last_significant_unit(0.0).is_err());
        assert!(last_significant_unit(f64::NAN).is_err());
        assert!(last_significant_unit(f64::INFINITY).is_err());
    }

    #[test]
    fn exact_with_rounding_13_8() {
        // 13.8 printed to one decimal: 13.8 ± 0.1 / 2 = [13.75, 13.85]
        let i = interval_from_qualifier(Qualifier::Exact, 13.8, None, Some(0.1)).unwrap();
        assert_relative_eq!(i.lo(), 13.75, epsilon = 1e-12);
        assert_relative_eq!(i.hi(), 13.85, epsilon = 1e-12);
        // exact, no rounding: [v, v]
        let p = interval_from_qualifier(Qualifier::Exact, 645.0, None, None).unwrap();
        assert_eq!(p, iv(645.0, 645.0));
    }

    #[test]
    fn about_1500() {
        // unit 100: 1500 ± 50 = [1450, 1550]
        let i = interval_from_qualifier(Qualifier::About, 1500.0, None, None).unwrap();
        assert_eq!(i, iv(1450.0, 1550.0));
        // explicit rounding to 500: 1500 ± 250 = [1250, 1750]
        let j = interval_from_qualifier(Qualifier::About, 1500.0, None, Some(500.0)).unwrap();
        assert_eq!(j, iv(1250.0, 1750.0));
    }

    #[test]
    fn more_than_80000() {
        // unit 10,000: [80,000, 80,000 + 10,000] = [80,000, 90,000]
        let i = interval_from_qualifier(Qualifier::MoreThan, 80_000.0, None, None).unwrap();
        assert_eq!(i, iv(80_000.0, 90_000.0));
        // "more than 8 times" -> [8, 9]
        let k = interval_from_qualifier(Qualifier::MoreThan, 8.0, None, None).unwrap();
        assert_eq!(k, iv(8.0, 9.0));
    }

    #[test]
    fn other_qualifiers() {
        let a = interval_from_qualifier(Qualifier::AtLeast, 12.0, None, None).unwrap();
        assert_eq!(a, Interval::at_least(12.0).unwrap());
        let m = interval_from_qualifier(Qualifier::AtMost, 5.0, None, None).unwrap();
        assert_eq!(m, iv(0.0, 5.0));
        let r = interval_from_qualifier(Qualifier::Range, 20.0, Some(50.0), None).unwrap();
        assert_eq!(r, iv(20.0, 50.0));
        use IntervalError as E;
        assert_eq!(
            interval_from_qualifier(Qualifier::Range, 20.0, None, None),
            Err(E::MissingHigh)
        );
        assert!(matches!(
            interval_from_qualifier(Qualifier::Range, 50.0, Some(20.0), None),
            Err(E::ReversedRange { .. })
        ));
        assert!(matches!(
            interval_from_qualifier(Qualifier::Exact, 5.0, Some(6.0), None),
            Err(E::UnexpectedHigh { .. })
        ));
        assert!(matches!(
            interval_from_qualifier(Qualifier::AtMost, -1.0, None, None),
            Err(E::NegativeAtMost(_))
        ));
        assert!(matches!(
            interval_from_qualifier(Qualifier::Exact, 1.0, None, Some(0.0)),
            Err(E::BadRounding(_))
        ));
        assert!(matches!(
            interval_from_qualifier(Qualifier::Exact, f64::NAN, None, None),
            Err(E::NonFinite { .. })
        ));
        assert!(matches!(
            interval_from_qualifier(Qualifier::About, 0.0, None, None),
            Err(E::NoSignificantUnit(_))
        ));
    }

    #[test]
    fn qualifier_words() {
        for q in Qualifier::ALL {
            let json = serde_json::to_string(&q).unwrap();
            assert_eq!(json, format!("\"{q}\""));
            assert_eq!(q.to_string().parse::<Qualifier>().unwrap(), q);
            let back: Qualifier = serde_json::from_str(&json).unwrap();
            assert_eq!(back, q);
        }
        assert_eq!(
            serde_json::to_string(&Qualifier::MoreThan).unwrap(),
            "\"more-than\""
        );
        assert_eq!(
            "More than".parse::<Qualifier>().unwrap(),
            Qualifier::MoreThan
        );
        assert_eq!("at_least".parse::<Qualifier>().unwrap(), Qualifier::AtLeast);
        assert!("roughly".parse::<Qualifier>().is_err());
        assert_eq!(Qualifier::Exact.phrase(), "");
        assert_eq!(Qualifier::MoreThan.phrase(), "more than");
        assert_eq!(Qualifier::AtMost.phrase(), "at most");
    }

    #[test]
    fn arithmetic() {
        let a = iv(80_000.0, 90_000.0);
        let b = iv(1450.0, 1550.0);
        // [80,000 + 1,450, 90,000 + 1,550]
        assert_eq!(a + b, iv(81_450.0, 91_550.0));
        // counts: [80,000 - 1,550, 90,000 - 1,450]
        assert_eq!(a - b, iv(78_450.0, 88_550.0));
        assert_eq!(-b, iv(-1550.0, -1450.0));
        // [2, 3] x [4, 5] = [8, 15]; [-1, 2] x [3, 4] = [-4, 8]
        assert_eq!(iv(2.0, 3.0) * iv(4.0, 5.0), iv(8.0, 15.0));
        assert_eq!(iv(-1.0, 2.0) * iv(3.0, 4.0), iv(-4.0, 8.0));
        // [80,000, 90,000] / [0.1375, 0.1385] = [80,000/0.1385, 90,000/0.1375]
        let q = a.try_div(&iv(0.1375, 0.1385)).unwrap();
        assert_relative_eq!(q.lo(), 80_000.0 / 0.1385);
        assert_relative_eq!(q.hi(), 90_000.0 / 0.1375);
        assert!(matches!(
            a.try_div(&iv(0.0, 1.0)),
            Err(IntervalError::DivisorContainsZero { .. })
        ));
        assert!(a.try_div(&iv(-1.0, 1.0)).is_err());
        // 2 x [1, 3] = [2, 6]; -2 x [1, 3] = [-6, -2]
        assert_eq!(iv(1.0, 3.0).scale(2.0).unwrap(), iv(2.0, 6.0));
        assert_eq!(iv(1.0, 3.0).scale(-2.0).unwrap(), iv(-6.0, -2.0));
        assert!(iv(1.0, 3.0).scale(f64::NAN).is_err());
        // ln [1, e] = [0, 1]
        let l = iv(1.0, std::f64::consts::E).ln().unwrap();
        assert_relative_eq!(l.lo(), 0.0);
        assert_relative_eq!(l.hi(), 1.0);
        assert_eq!(
            iv(0.0, 1.0).ln().unwrap(),
            Interval::new(f64::NEG_INFINITY, 0.0).unwrap()
        );
        assert!(iv(-1.0, 1.0).ln().is_err());
        assert!(iv(0.0, 0.0).ln().is_err());
        assert_eq!(iv(2.0, 4.0).recip().unwrap(), iv(0.25, 0.5));
        assert_eq!(iv(-3.0, 2.0).clamp_min(0.0).unwrap(), iv(0.0, 2.0));
        assert_eq!(iv(0.0, 0.0).exp(), iv(1.0, 1.0));
    }

    #[test]
    fn infinities_never_give_nan() {
        let inf = f64::INFINITY;
        let up = Interval::at_least(1.0).unwrap(); // [1, ∞)
        let all = Interval::new(-inf, inf).unwrap();
        let zero = iv(0.0, 0.0);
        // ∞/∞ corners are skipped: [1, ∞) / [1, ∞) = [0, ∞)
        assert_eq!(up.try_div(&up).unwrap(), iv(0.0, inf));
        // 0 × ∞ = 0
        assert_eq!(zero * up, zero);
        assert_eq!(zero * all, zero);
        assert_eq!(iv(0.0, 5.0) * up, iv(0.0, inf));
        assert_eq!(up - up, all);
        assert_eq!(up + up, Interval::at_least(2.0).unwrap());
        assert_eq!(up.scale(0.0).unwrap(), zero);
        assert_eq!(up.recip().unwrap(), iv(0.0, 1.0));
        assert_eq!(all.try_div(&up).unwrap(), all);
        assert_eq!(up.ln().unwrap(), Interval::at_least(0.0).unwrap());
        assert_eq!(Interval::new(-inf, 0.0).unwrap().exp(), iv(0.0, 1.0));
        for r in [
            up.try_div(&up).unwrap(),
            zero * all,
            up - up,
            all * all,
            up.try_div(&iv(-2.0, -1.0)).unwrap(),
        ] {
            assert!(!r.lo().is_nan() && !r.hi().is_nan(), "{r:?}");
        }
    }

    #[test]
    fn serde_writes_infinity_as_null() {
        let up = Interval::at_least(80_000.0).unwrap();
        let json = serde_json::to_string(&up).unwrap();
        assert_eq!(json, r#"{"lo":80000.0,"hi":null}"#);
        let back: Interval = serde_json::from_str(&json).unwrap();
        assert_eq!(back, up);
        let b: Interval = serde_json::from_str(r#"{"lo":1450.0,"hi":1550.0}"#).unwrap();
        assert_eq!(b, iv(1450.0, 1550.0));
        let lo_missing: Interval = serde_json::from_str(r#"{"hi":3.0}"#).unwrap();
        assert_eq!(lo_missing.lo(), f64::NEG_INFINITY);
        assert!(serde_json::from_str::<Interval>(r#"{"lo":2.0,"hi":1.0}"#).is_err());
    }

    #[test]
    fn display_and_fmt_num() {
        assert_eq!(iv(1450.0, 1550.0).to_string(), "[1,450, 1,550]");
        assert_eq!(Interval::at_least(12.0).unwrap().to_string(), "[12, ∞)");
        assert_eq!(fmt_num(80_000.0), ("80,000".to_string(), true));
        assert_eq!(fmt_num(-1_234_567.0), ("-1,234,567".to_string(), true));
        assert_eq!(fmt_num(579_710.144_927), ("579,710".to_string(), false));
        assert_eq!(fmt_num(194_000.0 / 7500.0), ("25.87".to_string(), false));
        assert_eq!(fmt_num(0.138), ("0.138".to_string(), true));
        assert_eq!(fmt_num(13.75), ("13.75".to_string(), true));
        assert_eq!(fmt_num(0.0), ("0".to_string(), true));
        assert_eq!(fmt_num(f64::INFINITY).0, "∞");
    }

    /// A finite interval and a point inside it, drawn as lo, width and a fraction.
    fn interval_and_point(
        lo: std::ops::Range<f64>,
        max_width: f64,
    ) -> impl Strategy<Value = (Interval, f64)> {
        (lo, 0.0..max_width, 0.0..=1.0f64).prop_map(|(lo, w, t)| {
            let i = Interval::new(lo, lo + w).unwrap();
            let x = (lo + t * (i.hi() - lo)).clamp(i.lo(), i.hi());
            (i, x)
        })
    }

    proptest! {
        #[test]
        fn add_contains_point_results(
            (a, x) in interval_and_point(-1e6..1e6, 1e5),
            (b, y) in interval_and_point(-1e6..1e6, 1e5),
        ) {
            prop_assert!((a + b).contains(x + y));
        }

        #[test]
        fn sub_contains_point_results(
            (a, x) in interval_and_point(-1e6..1e6, 1e5),
            (b, y) in interval_and_point(-1e6..1e6, 1e5),
        ) {
            prop_assert!((a - b).contains(x - y));
        }

        #[test]
        fn mul_contains_point_results(
            (a, x) in interval_and_point(-1e3..1e3, 1e3),
            (b, y) in interval_and_point(-1e3..1e3, 1e3),
        ) {
            prop_assert!((a * b).contains(x * y));
        }

        #[test]
        fn div_contains_point_results(
            (a, x) in interval_and_point(-1e6..1e6, 1e5),
            (b, y) in interval_and_point(1e-3..1e3, 1e3),
            negate in any::<bool>(),
        ) {
            let (b, y) = if negate { (-b, -y) } else { (b, y) };
            let q = a.try_div(&b).unwrap();
            prop_assert!(q.contains(x / y), "{x} / {y} = {} not in {q}", x / y);
        }

        #[test]
        fn ln_contains_point_results((a, x) in interval_and_point(1e-6..1e6, 1e6)) {
            prop_assert!(a.ln().unwrap().contains(x.ln()));
        }

        #[test]
        fn scale_contains_point_results(
            (a, x) in interval_and_point(-1e6..1e6, 1e5),
            k in -1e3..1e3f64,
        ) {
            prop_assert!(a.scale(k).unwrap().contains(k * x));
        }

        #[test]
        fn qualifier_interval_contains_value(
            v in 1.0..1e7f64,
            q in prop::sample::select(vec![
                Qualifier::Exact, Qualifier::About, Qualifier::MoreThan,
                Qualifier::AtLeast, Qualifier::AtMost,
            ]),
        ) {
            let v = v.round();
            let i = interval_from_qualifier(q, v, None, None).unwrap();
            prop_assert!(i.contains(v));
        }
    }
}

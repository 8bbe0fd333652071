//! Derived figures and the paper's derivations.
//!
//! Every function here takes [`Estimate`]s (a point value plus the [`Interval`] that the
//! source's qualifiers and rounding allow) and returns an [`Estimate`] whose interval follows
//! from the inputs' intervals, together with a one-line formula with the numbers substituted
//! ("80 / 2 = 40"). The caller (the CLI's report model, `crates/cli/report/`) names the result,
//! its [`Unit`], the ids of its inputs and the plain-language assumptions it rests on.
//! Consistency checks return a [`Verdict`].
//!
//! Bad numbers (NaN, infinities where a finite value is needed, negative pay, zero or
//! zero-containing denominators, shares outside [0, 1]) are reported as [`AnalysisError`]s,
//! never as a panic or a silent NaN.
//!
//! Interval results treat the inputs as independent. Where two inputs share a component (the
//! paper's N(>15) = 15,400 + 1,500 and N(>30) = 1,500 both contain the same 1,500), the interval
//! is a valid but conservative (wider than necessary) bound.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::interval::{fmt_num, interval_from_qualifier, Interval, IntervalError, Qualifier};

/// Errors from the derivations.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum AnalysisError {
    /// An interval operation failed (division by an interval containing zero, …).
    #[error(transparent)]
    Interval(#[from] IntervalError),
    /// An input that must be finite is not.
    #[error("{what} must be a finite number, got {value}")]
    NonFinite { what: &'static str, value: f64 },
    /// An input that must be strictly positive (throughout its interval) is not.
    #[error("{what} must be positive, got {value} (interval {interval})")]
    NotPositive {
        what: &'static str,
        value: f64,
        interval: Interval,
    },
    /// An input that must be non-negative (throughout its interval) is not.
    #[error("{what} must not be negative, got {value} (interval {interval})")]
    Negative {
        what: &'static str,
        value: f64,
        interval: Interval,
    },
    /// A share outside [0, 1] (perhaps a percent passed where a fraction is expected).
    #[error(
        "{what} must be a fraction in [0, 1] (not a percent), got {value} (interval {interval})"
    )]
    ShareOutOfRange {
        what: &'static str,
        value: f64,
        interval: Interval,
    },
    /// A point value outside the interval it is said to lie in.
    #[error("point value {value} lies outside its interval {interval}")]
    ValueOutsideInterval { value: f64, interval: Interval },
    /// Thresholds not in the order `0 < a < b`.
    #[error("thresholds must satisfy 0 < a < b, got a = {a}, b = {b}")]
    ThresholdOrder { a: f64, b: f64 },
    /// Tail counts that do not decrease: N(>a) must exceed N(>b).
    #[error("a Pareto tail needs N(>a) > N(>b) > 0, got N(>a) = {n_a}, N(>b) = {n_b}")]
    NotDecreasing { n_a: f64, n_b: f64 },
    /// A Pareto exponent at or below 1: the tail mean is infinite.
    #[error("Pareto exponent alpha = {alpha} <= 1: the tail mean is infinite")]
    InfiniteMean { alpha: f64 },
    /// A stated range whose low end exceeds its high end.
    #[error("{what}: low end {low} exceeds high end {high}")]
    ReversedRange {
        what: &'static str,
        low: f64,
        high: f64,
    },
    /// Parts that add up to more than the total they are taken from.
    #[error("the parts add up to {parts}, more than the total {total}: no non-negative remainder")]
    PartsExceedTotal { total: f64, parts: f64 },
    /// An empty list where at least one item is needed.
    #[error("{0}: at least one input is needed")]
    Empty(&'static str),
}

type Result<T> = std::result::Result<T, AnalysisError>;

/// The unit of a derived figure.
///
/// Serde uses kebab-case (`"multiple-of-minimum"`); [`Display`](fmt::Display) gives the words a
/// report prints after the number ("12 x the minimum", "579,710 persons").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unit {
    /// A ratio of two like quantities ("16 times"; an effective 40:1 differential is 40).
    Ratio,
    /// Pay as a multiple of the minimum wage.
    MultipleOfMinimum,
    /// A head-count.
    Persons,
    /// A fraction in [0, 1].
    Share,
    /// A percentage (0-100).
    Percent,
    /// Rubles (of whatever kind the inputs were; the kind is the data crate's business).
    Rubles,
    /// A dimensionless exponent (Pareto alpha).
    Exponent,
}

impl Unit {
    /// The words printed after a number.
    pub fn words(&self) -> &'static str {
        match self {
            Unit::Ratio => "times",
            Unit::MultipleOfMinimum => "x the minimum",
            Unit::Persons => "persons",
            Unit::Share => "(share)",
            Unit::Percent => "%",
            Unit::Rubles => "rubles",
            Unit::Exponent => "(exponent)",
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.words())
    }
}

/// A point value with the interval it may lie in, and (for computed values) the formula that
/// produced it.
///
/// As an input: build it with [`Estimate::exact`], [`Estimate::from_qualifier`] or
/// [`Estimate::new`]; the constructors check that the value is finite and lies in the interval.
/// As an output: every derivation fills in [`Estimate::formula`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    value: f64,
    interval: Interval,
    #[serde(skip_serializing_if = "String::is_empty")]
    formula: String,
}

impl Estimate {
    /// A point value and its interval. The value must be finite and lie in the interval (with
    /// the tolerance of [`Interval::contains_approx`]).
    pub fn new(value: f64, interval: Interval) -> Result<Self> {
        if !value.is_finite() {
            return Err(AnalysisError::NonFinite {
                what: "point value",
                value,
            });
        }
        if !interval.contains_approx(value) {
            return Err(AnalysisError::ValueOutsideInterval { value, interval });
        }
        Ok(Estimate {
            value,
            interval,
            formula: String::new(),
        })
    }

    /// An exact figure: `value` with interval `[value, value]`.
    pub fn exact(value: f64) -> Result<Self> {
        Estimate::new(value, Interval::point(value)?)
    }

    /// A qualified source figure: the interval from [`interval_from_qualifier`]; the point value
    /// is the stated `value`, except for a range, whose point value is its midpoint
    /// `(value + high) / 2` (pass another point with [`Estimate::new`] if you prefer).
    pub fn from_qualifier(
        q: Qualifier,
        value: f64,
        high: Option<f64>,
        rounding: Option<f64>,
    ) -> Result<Self> {
        let interval = interval_from_qualifier(q, value, high, rounding)?;
        let point = match (q, high) {
            (Qualifier::Range, Some(h)) => value + (h - value) / 2.0,
            _ => value,
        };
        Estimate::new(point, interval)
    }

    /// The point value.
    pub fn value(&self) -> f64 {
        self.value
    }

    /// The interval.
    pub fn interval(&self) -> Interval {
        self.interval
    }

    /// The formula with numbers substituted ("" for an input figure).
    pub fn formula(&self) -> &str {
        &self.formula
    }

    fn computed(value: f64, interval: Interval, formula: String) -> Result<Self> {
        let mut e = Estimate::new(value, interval)?;
        e.formula = formula;
        Ok(e)
    }
}

/// Outcome of a consistency check: passed or not, and a one-line detail with the numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub passed: bool,
    pub detail: String,
}

// ---------------------------------------------------------------------------------------------
// helpers

/// Number as printed in formulas.
fn n(x: f64) -> String {
    fmt_num(x).0
}

/// "= 40" or "≈ 25.87".
fn eq(x: f64) -> String {
    let (s, exact) = fmt_num(x);
    format!("{} {s}", if exact { "=" } else { "≈" })
}

fn finite(what: &'static str, value: f64) -> Result<f64> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(AnalysisError::NonFinite { what, value })
    }
}

fn positive(what: &'static str, e: &Estimate) -> Result<()> {
    if e.value > 0.0 && e.interval.lo() > 0.0 {
        Ok(())
    } else {
        Err(AnalysisError::NotPositive {
            what,
            value: e.value,
            interval: e.interval,
        })
    }
}

fn non_negative(what: &'static str, e: &Estimate) -> Result<()> {
    if e.value >= 0.0 && e.interval.lo() >= 0.0 {
        Ok(())
    } else {
        Err(AnalysisError::Negative {
            what,
            value: e.value,
            interval: e.interval,
        })
    }
}

fn share(what: &'static str, e: &Estimate) -> Result<()> {
    if (0.0..=1.0).contains(&e.value) && e.interval.lo() >= 0.0 && e.interval.hi() <= 1.0 {
        Ok(())
    } else {
        Err(AnalysisError::ShareOutOfRange {
            what,
            value: e.value,
            interval: e.interval,
        })
    }
}

/// `a <= b` up to [`crate::interval::REL_TOL`].
fn le_tol(a: f64, b: f64) -> bool {
    a <= b + crate::interval::REL_TOL * a.abs().max(b.abs()).max(1.0)
}

// ---------------------------------------------------------------------------------------------
// multiples and ratios

/// Pay as a multiple of a reference wage: `m = pay / reference`.
///
/// Interval: `pay.interval / reference.interval` (corner quotients). Use this when the
/// reference *is* the minimum; otherwise see [`lower_bound_multiple`].
/// `pay` must be non-negative, `reference` positive.
pub fn multiple(pay: &Estimate, reference: &Estimate) -> Result<Estimate> {
    non_negative("pay", pay)?;
    positive("reference wage", reference)?;
    let v = pay.value / reference.value;
    let i = pay.interval.try_div(&reference.interval)?;
    Estimate::computed(
        v,
        i,
        format!("{} / {} {}", n(pay.value), n(reference.value), eq(v)),
    )
}

/// Pay as a multiple of the true minimum when the reference wage is only an upper bound on the
/// minimum: `m = pay / reference`, interval `[lo(pay / reference), +∞)`.
///
/// Bromlei factory, October 1923 (fn 30): the lowest stated wage is Anikeev's 7,500 rubles on
/// the 5th grade; workers on grades 1-4 presumably earned less. The true minimum is then
/// `<= 7,500`, so the multiple of the true minimum is `>= pay / 7,500`: Gurevich
/// 90,000 / 7,500 = 12 ("at least 12 times"), Kun 194,000 / 7,500 ≈ 25.87 ("at least 25").
/// The point value is the bound itself.
pub fn lower_bound_multiple(pay: &Estimate, reference: &Estimate) -> Result<Estimate> {
    let m = multiple(pay, reference)?;
    let i = Interval::at_least(m.interval.lo())?;
    Estimate::computed(
        m.value,
        i,
        format!(
            "{} / {} {} (lower bound: the reference is not the minimum)",
            n(pay.value),
            n(reference.value),
            eq(m.value)
        ),
    )
}

/// Effective differential when the lowest-paid are paid `k` times the official minimum:
/// `r_eff = r_official / k`.
///
/// Andreev (fn 27): most enterprises paid the lowest-paid twice the minimum, so the official
/// 1:80 (Dec 1922) was effectively 80 / 2 = 40, and 1:40 (June 1923) 40 / 2 = 20.
/// Interval: `official.interval / k.interval`. Both must be positive.
pub fn effective_ratio(official_ratio: &Estimate, floor_multiple: &Estimate) -> Result<Estimate> {
    positive("official ratio", official_ratio)?;
    positive("floor multiple", floor_multiple)?;
    let v = official_ratio.value / floor_multiple.value;
    let i = official_ratio.interval.try_div(&floor_multiple.interval)?;
    Estimate::computed(
        v,
        i,
        format!(
            "{} / {} {}",
            n(official_ratio.value),
            n(floor_multiple.value),
            eq(v)
        ),
    )
}

/// Growth factor: `g = later / earlier`.
///
/// The permitted maximum, in multiples of the minimum: 5 (1919) → 8 (1922) → 80 (Dec 1922) →
/// 40 (June 1923); 80 / 5 = 16 times from 1919 to December 1922. Both must be positive.
pub fn growth(earlier: &Estimate, later: &Estimate) -> Result<Estimate> {
    positive("earlier value", earlier)?;
    positive("later value", later)?;
    let v = later.value / earlier.value;
    let i = later.interval.try_div(&earlier.interval)?;
    Estimate::computed(
        v,
        i,
        format!("{} / {} {}", n(later.value), n(earlier.value), eq(v)),
    )
}

/// Highest pay allowed by a cap ratio: `cap = minimum × ratio` (1:8 with a minimum of 7,500
/// allows 60,000). Both must be positive.
pub fn cap_from_ratio(minimum: &Estimate, ratio: &Estimate) -> Result<Estimate> {
    positive("minimum", minimum)?;
    positive("cap ratio", ratio)?;
    let v = minimum.value * ratio.value;
    let i = minimum.interval * ratio.interval;
    Estimate::computed(
        v,
        i,
        format!("{} × {} {}", n(minimum.value), n(ratio.value), eq(v)),
    )
}

// ---------------------------------------------------------------------------------------------
// extrapolation

/// A percentage as a share: `s = p / 100` (13.8% → 0.138, [13.75, 13.85] → [0.1375, 0.1385]).
/// The percent must lie in [0, 100].
pub fn share_from_percent(percent: &Estimate) -> Result<Estimate> {
    let v = percent.value / 100.0;
    let i = percent.interval.scale(0.01)?;
    let e = Estimate::computed(v, i, format!("{}% / 100 {}", n(percent.value), eq(v)))?;
    share("percent / 100", &e)?;
    Ok(e)
}

/// Head-count in a group from its membership and the share in question: `c = M × s`.
///
/// Interval: `[M.lo · s.lo, M.hi · s.hi]`. `M` must be non-negative, `s` a fraction in [0, 1].
/// This is how Pirani extrapolated Vovsi's proportions to absolute numbers (fn 28).
pub fn count_from_share(membership: &Estimate, share_of: &Estimate) -> Result<Estimate> {
    non_negative("membership", membership)?;
    share("share", share_of)?;
    let v = membership.value * share_of.value;
    let i = membership.interval * share_of.interval;
    Estimate::computed(
        v,
        i,
        format!("{} × {} {}", n(membership.value), n(share_of.value), eq(v)),
    )
}

/// Sum of parts: `Σ x_i`, interval `[Σ lo_i, Σ hi_i]` ("15,400 + 1,500 = 16,900").
pub fn total(parts: &[Estimate]) -> Result<Estimate> {
    let (first, rest) = parts.split_first().ok_or(AnalysisError::Empty("total"))?;
    let v: f64 = parts.iter().map(|p| p.value).sum();
    let i = rest.iter().fold(first.interval, |acc, p| acc + p.interval);
    let terms: Vec<String> = parts.iter().map(|p| n(p.value)).collect();
    Estimate::computed(v, i, format!("{} {}", terms.join(" + "), eq(v)))
}

/// Head-count over several groups, each a `(membership, share)` pair: `C = Σ M_i × s_i`.
///
/// Interval: the sum of the per-group intervals of [`count_from_share`].
pub fn count_from_shares(groups: &[(Estimate, Estimate)]) -> Result<Estimate> {
    if groups.is_empty() {
        return Err(AnalysisError::Empty("count from shares"));
    }
    let counts = groups
        .iter()
        .map(|(m, s)| count_from_share(m, s))
        .collect::<Result<Vec<_>>>()?;
    let sum = total(&counts)?;
    let terms: Vec<String> = groups
        .iter()
        .map(|(m, s)| format!("{} × {}", n(m.value), n(s.value)))
        .collect();
    Estimate::computed(
        sum.value,
        sum.interval,
        format!("{} {}", terms.join(" + "), eq(sum.value)),
    )
}

/// Population implied by a count and the share it represents: `P = c / s`.
///
/// Vovsi: more than 80,000 people were 13.8% of the surveyed: 80,000 / 0.138 ≈ 579,710. With
/// "more than 80,000" = [80,000, 90,000] and "13.8%" = [0.1375, 0.1385]:
/// `[80,000 / 0.1385, 90,000 / 0.1375] ≈ [577,617, 654,545]`. (Caveat for the report: the 13.8%
/// and the 80,000 may not cover the same institutions; the result is the population *if* they
/// do.) `c` must be non-negative, `s` a fraction in (0, 1].
pub fn population_from_count_share(count: &Estimate, share_of: &Estimate) -> Result<Estimate> {
    non_negative("count", count)?;
    share("share", share_of)?;
    positive("share", share_of)?;
    let v = count.value / share_of.value;
    let i = count.interval.try_div(&share_of.interval)?;
    Estimate::computed(
        v,
        i,
        format!("{} / {} {}", n(count.value), n(share_of.value), eq(v)),
    )
}

/// A bracket's count as the total above its lower threshold minus the brackets above it:
/// `c = T - Σ p_i`.
///
/// Vovsi/Pirani: more than 80,000 above 8x, of whom 15,400 at 15-30x and about 1,500 above
/// 30x, leave 80,000 - 15,400 - 1,500 = 63,100 at 8-15x. Interval:
/// `[T.lo - Σ p.hi, T.hi - Σ p.lo]`, clipped below at 0 (a count is never negative); with
/// T = [80,000, 90,000], 15,400 exact and 1,500 = [1,450, 1,550]: [63,050, 73,150].
/// Errors with [`AnalysisError::PartsExceedTotal`] if the point values or the whole interval
/// would be negative. All inputs must be non-negative.
pub fn bracket_by_difference(total_above: &Estimate, parts: &[Estimate]) -> Result<Estimate> {
    non_negative("total", total_above)?;
    for p in parts {
        non_negative("part", p)?;
    }
    let sum_v: f64 = parts.iter().map(|p| p.value).sum();
    let sum_i = parts
        .iter()
        .fold(Interval::point(0.0)?, |acc, p| acc + p.interval);
    let v = total_above.value - sum_v;
    let raw = total_above.interval - sum_i;
    if v < 0.0 || raw.hi() < 0.0 {
        return Err(AnalysisError::PartsExceedTotal {
            total: total_above.value,
            parts: sum_v,
        });
    }
    let i = raw.clamp_min(0.0)?;
    let mut f = n(total_above.value);
    for p in parts {
        f.push_str(&format!(" - {}", n(p.value)));
    }
    Estimate::computed(v, i, format!("{f} {}", eq(v)))
}

/// A part as a percentage of a total: `p = 100 × part / total`.
///
/// Vovsi/Pirani: of the more than 80,000 above 8x, 15,400 were at 15-30x:
/// 100 × 15,400 / 80,000 = 19.25%. Interval: `100 × part.interval / total.interval` (corner
/// quotients; exact when part and total are independent), so with 80,000 = [80,000, 90,000]:
/// [100 × 15,400 / 90,000, 100 × 15,400 / 80,000] ≈ [17.11, 19.25]. `part` must be
/// non-negative, `total` positive.
pub fn percent_of_total(part: &Estimate, total_of: &Estimate) -> Result<Estimate> {
    non_negative("part", part)?;
    positive("total", total_of)?;
    let v = 100.0 * part.value / total_of.value;
    let i = part.interval.try_div(&total_of.interval)?.scale(100.0)?;
    Estimate::computed(
        v,
        i,
        format!("100 × {} / {} {}", n(part.value), n(total_of.value), eq(v)),
    )
}

/// The percentage of a total left after some parts: `p = 100 × (1 - Σ parts / total)`.
///
/// The 8-15x bracket as a share of those above 8x: 100 × (1 - (15,400 + 1,500) / 80,000)
/// = 78.875%. Written this way the total appears once, so the interval is exact (dividing the
/// difference 63,100 by the total would count the total's uncertainty twice):
/// `100 × (1 - [Σ lo / T.hi, Σ hi / T.lo])` = [100 × (1 - 16,950 / 80,000),
/// 100 × (1 - 16,850 / 90,000)] ≈ [78.81, 81.28]. Clipped below at 0. Errors with
/// [`AnalysisError::PartsExceedTotal`] if the point parts exceed the total.
pub fn percent_remainder(total_of: &Estimate, parts: &[Estimate]) -> Result<Estimate> {
    positive("total", total_of)?;
    for p in parts {
        non_negative("part", p)?;
    }
    let sum = total(parts)?;
    if sum.value > total_of.value {
        return Err(AnalysisError::PartsExceedTotal {
            total: total_of.value,
            parts: sum.value,
        });
    }
    let v = 100.0 * (1.0 - sum.value / total_of.value);
    let frac = sum.interval.try_div(&total_of.interval)?;
    let i = (Interval::point(1.0)? - frac)
        .scale(100.0)?
        .clamp_min(0.0)?;
    let terms: Vec<String> = parts.iter().map(|p| n(p.value)).collect();
    Estimate::computed(
        v,
        i,
        format!(
            "100 × (1 - ({}) / {}) {}",
            terms.join(" + "),
            n(total_of.value),
            eq(v)
        ),
    )
}

/// Does a recomputed figure agree with what the source states? Passed when the computed point
/// value lies in the interval the source's wording allows (with the tolerance of
/// [`Interval::contains_approx`]).
///
/// Andreev: 80 / 2 = 40 against the paper's "40:1" (exact, [40, 40]): agree. Bromlei:
/// 194,000 / 7,500 ≈ 25.87 against "at least 25" ([25, ∞)): agree. `stated_text` is the
/// source's wording, used in the detail.
pub fn agrees_with_stated(computed: &Estimate, stated: &Estimate, stated_text: &str) -> Verdict {
    let passed = stated.interval.contains_approx(computed.value);
    let (c, exact) = fmt_num(computed.value);
    let how = if exact { "=" } else { "≈" };
    let formula = if computed.formula.is_empty() {
        format!("computed {how} {c}")
    } else {
        format!("computed {}", computed.formula)
    };
    let verdict = if passed {
        "agree"
    } else {
        "DISAGREE: the computed value is outside the stated interval"
    };
    Verdict {
        passed,
        detail: format!(
            "{formula}; stated {stated_text}, i.e. {}: {verdict}",
            stated.interval
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Pareto tails

/// Pareto tail exponent between thresholds `a < b` from the counts above them:
/// `α = ln(N(>a) / N(>b)) / ln(b / a)`.
///
/// From N(>8) = 80,000 and N(>15) = 15,400 + 1,500 = 16,900:
/// α = ln(80,000 / 16,900) / ln(15 / 8) ≈ 2.47. From N(>15) = 16,900 and N(>30) = 1,500:
/// α = ln(16,900 / 1,500) / ln 2 ≈ 3.49. (A rising α means the top thins out faster than one
/// Pareto law would have it.)
///
/// Interval: α increases with N(>a) and decreases with N(>b), and each appears once, so the
/// interval expression `ln(N(>a).interval / N(>b).interval) / ln(b / a)` gives exactly
/// `[ln(N_a.lo / N_b.hi), ln(N_a.hi / N_b.lo)] / ln(b / a)`. Thresholds are exact (bracket
/// boundaries). Needs `0 < a < b` finite and point counts `N(>a) > N(>b) > 0`, with
/// `N(>b).interval` positive; the interval may still reach α ≤ 0 if the counts' intervals overlap.
pub fn pareto_alpha(
    n_above_a: &Estimate,
    a: f64,
    n_above_b: &Estimate,
    b: f64,
) -> Result<Estimate> {
    let a = finite("threshold a", a)?;
    let b = finite("threshold b", b)?;
    if !(a > 0.0 && a < b) {
        return Err(AnalysisError::ThresholdOrder { a, b });
    }
    positive("N(>a)", n_above_a)?;
    positive("N(>b)", n_above_b)?;
    if n_above_a.value <= n_above_b.value {
        return Err(AnalysisError::NotDecreasing {
            n_a: n_above_a.value,
            n_b: n_above_b.value,
        });
    }
    let d = (b / a).ln();
    let v = (n_above_a.value / n_above_b.value).ln() / d;
    let i = n_above_a
        .interval
        .try_div(&n_above_b.interval)?
        .ln()?
        .scale(1.0 / d)?;
    Estimate::computed(
        v,
        i,
        format!(
            "ln({} / {}) / ln({} / {}) {}",
            n(n_above_a.value),
            n(n_above_b.value),
            n(b),
            n(a),
            eq(v)
        ),
    )
}

/// Mean of a Pareto tail above threshold `t`: `E[X | X > t] = α / (α - 1) × t`, finite only for
/// `α > 1` (else [`AnalysisError::InfiniteMean`]).
///
/// α ≈ 2.47 above 8x gives ≈ 13.4x; α ≈ 3.49 above 15x gives ≈ 21.0x (and above 30x ≈ 42.0x).
/// The tail mean assumes the Pareto law holds from `t` all the way up, which the changing α of
/// the paper's brackets shows is only approximate.
///
/// Interval: the mean decreases in α, so `[f(α.hi), f(α.lo)]` with `f(∞) = t` and
/// `f(α.lo) = +∞` when `α.lo <= 1`. `t` must be positive and finite.
pub fn pareto_tail_mean(alpha: &Estimate, threshold: f64) -> Result<Estimate> {
    let t = finite("threshold", threshold)?;
    if t <= 0.0 {
        return Err(AnalysisError::NotPositive {
            what: "threshold",
            value: t,
            interval: Interval::point(t)?,
        });
    }
    let a = alpha.value;
    if a <= 1.0 {
        return Err(AnalysisError::InfiniteMean { alpha: a });
    }
    let f = |x: f64| -> f64 {
        if x == f64::INFINITY {
            t
        } else if x <= 1.0 {
            f64::INFINITY
        } else {
            x / (x - 1.0) * t
        }
    };
    let v = f(a);
    let i = Interval::new(f(alpha.interval.hi()), f(alpha.interval.lo()))?;
    Estimate::computed(
        v,
        i,
        format!("{} / ({} - 1) × {} {}", n(a), n(a), n(t), eq(v)),
    )
}

/// Count above `x` predicted by a Pareto tail through `N(>a)` with exponent α:
/// `N(>x) = N(>a) × (a / x)^α` for `x >= a > 0`.
///
/// E.g. α ≈ 2.47 fitted on 8-15x predicts 80,000 × (8 / 30)^2.47 ≈ 3,040 above 30x, against
/// the reported 1,500: the top is thinner than the 8-15x bracket suggests.
///
/// Interval: increasing in N(>a) and (since a / x <= 1) decreasing in α:
/// `N.interval × exp(α.interval × ln(a / x))`.
pub fn pareto_count_above(
    n_above_a: &Estimate,
    a: f64,
    alpha: &Estimate,
    x: f64,
) -> Result<Estimate> {
    let a = finite("threshold a", a)?;
    let x = finite("threshold x", x)?;
    if !(a > 0.0 && a <= x) {
        return Err(AnalysisError::ThresholdOrder { a, b: x });
    }
    non_negative("N(>a)", n_above_a)?;
    let l = (a / x).ln();
    let v = n_above_a.value * (alpha.value * l).exp();
    let i = n_above_a.interval * alpha.interval.scale(l)?.exp();
    Estimate::computed(
        v,
        i,
        format!(
            "{} × ({} / {})^{} {}",
            n(n_above_a.value),
            n(a),
            n(x),
            n(alpha.value),
            eq(v)
        ),
    )
}

// ---------------------------------------------------------------------------------------------
// consistency checks

/// Is `value` equal to `base` plus `pct` percent: `value = base × (1 + pct / 100)`?
///
/// Pavlova (fn 25): the 645-ruble maximum is exactly 430 + 50% (430 × 1.5 = 645), the same
/// "+50%" as the 12th conference's grades 12-17 plus 50%. Equality is tested with the relative
/// tolerance [`crate::interval::REL_TOL`]; the detail gives the percentage actually implied,
/// `(value / base - 1) × 100`. `base` must be positive.
pub fn is_plus_percent(base: f64, value: f64, pct: f64) -> Result<Verdict> {
    let base = finite("base", base)?;
    let value = finite("value", value)?;
    let pct = finite("percent", pct)?;
    if base <= 0.0 {
        return Err(AnalysisError::NotPositive {
            what: "base",
            value: base,
            interval: Interval::point(base)?,
        });
    }
    let expected = base * (1.0 + pct / 100.0);
    let passed = le_tol(expected, value) && le_tol(value, expected);
    let detail = if passed {
        format!(
            "{} + {}% = {}; stated {}: equal",
            n(base),
            n(pct),
            n(expected),
            n(value)
        )
    } else {
        let implied = (value / base - 1.0) * 100.0;
        format!(
            "{} + {}% = {}; stated {}: differs by {} (stated is {} + {}%)",
            n(base),
            n(pct),
            n(expected),
            n(value),
            n(value - expected),
            n(base),
            n(implied)
        )
    };
    Ok(Verdict { passed, detail })
}

/// Worker wages consistent with the statement "pays from `pay_low` to `pay_high` are
/// `mult_low` to `mult_high` times the workers' wage `w`".
///
/// Pavlova (fn 25): monthly 300 to 645 rubles, "20 to 50 times" workers' pay. Two readings:
///
/// - **loose** (necessary condition): some stated pay is some stated multiple of `w`, i.e. the
///   ranges `[pay_low, pay_high]` and `[mult_low · w, mult_high · w]` overlap:
///   `w ∈ [pay_low / mult_high, pay_high / mult_low]` = [300 / 50, 645 / 20] = [6, 32.25].
/// - **strict** (what the sentence most plausibly means): every stated pay lies within
///   `mult_low..mult_high` times `w`: `mult_low · w <= pay_low` and `pay_high <= mult_high · w`,
///   i.e. `w ∈ [pay_high / mult_high, pay_low / mult_low]` = [645 / 50, 300 / 20] = [12.9, 15].
///   Non-empty only if `pay_high / pay_low <= mult_high / mult_low` (here 2.15 <= 2.5). The same
///   two numbers are the ends-matched wages: the lowest pay at the lowest multiple gives
///   `w = 300 / 20 = 15`, the highest pay at the highest multiple `w = 645 / 50 = 12.9`; no
///   single `w` matches both ends exactly, but worker wages spread over exactly [12.9, 15]
///   would produce exactly "20 to 50 times".
///
/// The honest summary: the statement implies a worker wage of 12.9-15 rubles a month in the
/// same (unknown) kind of rubles; the loose window [6, 32.25] is only the outer limit. Inputs
/// must be positive, finite and in order.
pub fn ratio_window(
    pay_low: f64,
    pay_high: f64,
    mult_low: f64,
    mult_high: f64,
) -> Result<RatioWindow> {
    for (what, v) in [
        ("lowest pay", pay_low),
        ("highest pay", pay_high),
        ("lowest multiple", mult_low),
        ("highest multiple", mult_high),
    ] {
        finite(what, v)?;
        if v <= 0.0 {
            return Err(AnalysisError::NotPositive {
                what,
                value: v,
                interval: Interval::point(v)?,
            });
        }
    }
    if pay_low > pay_high {
        return Err(AnalysisError::ReversedRange {
            what: "pay range",
            low: pay_low,
            high: pay_high,
        });
    }
    if mult_low > mult_high {
        return Err(AnalysisError::ReversedRange {
            what: "multiple range",
            low: mult_low,
            high: mult_high,
        });
    }
    let loose = Interval::new(pay_low / mult_high, pay_high / mult_low)?;
    let wage_at_low_end = pay_low / mult_low;
    let wage_at_high_end = pay_high / mult_high;
    let strict = Interval::new(wage_at_high_end, wage_at_low_end).ok();
    let strict_text = match strict {
        Some(s) => format!(
            "every pay within {}-{}x: w in {} ({} / {} to {} / {})",
            n(mult_low),
            n(mult_high),
            s,
            n(pay_high),
            n(mult_high),
            n(pay_low),
            n(mult_low)
        ),
        None => format!(
            "no single w puts every pay within {}-{}x (pays span {}x, multiples {}x)",
            n(mult_low),
            n(mult_high),
            n(pay_high / pay_low),
            n(mult_high / mult_low)
        ),
    };
    let detail = format!(
        "{}-{} at {}-{}x: {}; outer limit w in {} ({} / {} to {} / {})",
        n(pay_low),
        n(pay_high),
        n(mult_low),
        n(mult_high),
        strict_text,
        loose,
        n(pay_low),
        n(mult_high),
        n(pay_high),
        n(mult_low)
    );
    Ok(RatioWindow {
        loose,
        strict,
        wage_at_low_end,
        wage_at_high_end,
        detail,
    })
}

/// Result of [`ratio_window`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RatioWindow {
    /// `[pay_low / mult_high, pay_high / mult_low]`: wages for which *some* stated pay is *some*
    /// stated multiple (the outer limit).
    pub loose: Interval,
    /// `[pay_high / mult_high, pay_low / mult_low]`: wages for which *every* stated pay is
    /// within the stated multiples; `None` if empty.
    pub strict: Option<Interval>,
    /// `pay_low / mult_low`: the wage at which the lowest pay is the lowest multiple.
    pub wage_at_low_end: f64,
    /// `pay_high / mult_high`: the wage at which the highest pay is the highest multiple.
    pub wage_at_high_end: f64,
    /// One line with the numbers.
    pub detail: String,
}

impl RatioWindow {
    /// Passed when the strict reading is non-empty (the stated ranges are consistent with one
    /// worker wage).
    pub fn verdict(&self) -> Verdict {
        Verdict {
            passed: self.strict.is_some(),
            detail: self.detail.clone(),
        }
    }
}

/// Do the parts fit inside the total: `Σ p_i <= T`?
///
/// "15,400 + 1,500 = 16,900 <= 80,000". Passed on the point values (with tolerance); the detail
/// also says whether the intervals could contradict it (`Σ p.hi > T.lo`) or certainly do
/// (`Σ p.lo > T.hi`).
pub fn parts_within_total(total_of: &Estimate, parts: &[Estimate]) -> Result<Verdict> {
    let sum = total(parts)?;
    let passed = le_tol(sum.value, total_of.value);
    let terms: Vec<String> = parts.iter().map(|p| n(p.value)).collect();
    let rel = if passed { "<=" } else { ">" };
    let intervals = if sum.interval.lo() > total_of.interval.hi() {
        "the intervals cannot fit"
    } else if sum.interval.hi() <= total_of.interval.lo() {
        "fits for every value in the intervals"
    } else {
        "the intervals overlap"
    };
    let detail = format!(
        "{} = {} {rel} {} ({intervals}: parts {}, total {})",
        terms.join(" + "),
        n(sum.value),
        n(total_of.value),
        sum.interval,
        total_of.interval
    );
    Ok(Verdict { passed, detail })
}

// ---------------------------------------------------------------------------------------------
// cap rules

/// Pay above a cap: `s = max(0, pay - cap)`.
///
/// The Moscow regional conference (March 1922, fn 32) asked members paid above the 17th grade
/// to donate this excess (cap = grade-17 pay). Interval: `max(0, ·)` is non-decreasing, so
/// `[max(0, pay.lo - cap.hi), max(0, pay.hi - cap.lo)]`. Both inputs must be non-negative.
pub fn amount_above_cap(pay: &Estimate, cap: &Estimate) -> Result<Estimate> {
    non_negative("pay", pay)?;
    non_negative("cap", cap)?;
    let v = (pay.value - cap.value).max(0.0);
    let i = (pay.interval - cap.interval).clamp_min(0.0)?;
    Estimate::computed(
        v,
        i,
        format!("max(0, {} - {}) {}", n(pay.value), n(cap.value), eq(v)),
    )
}

/// The surplus the 12th conference's deleted draft rule would have applied to:
/// `s = max(0, pay - 1.5 × grade17_pay)`.
///
/// The draft (fn 25) said party members "receiving more than one-and-a-half times the 17th
/// grade should pay **part** of the surplus" into the mutual support fund; the part was never
/// specified (and the paragraph was deleted). So this is the surplus *subject to* the rule, an
/// upper bound on the contribution, not the contribution. Note that 1.5 × grade 17 is exactly
/// the top rate the conference granted (grades 12-17 plus 50%): the rule would only have touched
/// pay beyond the conference's own maximum. Interval as in [`amount_above_cap`].
pub fn draft_surplus(pay: &Estimate, grade17_pay: &Estimate) -> Result<Estimate> {
    non_negative("pay", pay)?;
    non_negative("grade-17 pay", grade17_pay)?;
    let cap_v = 1.5 * grade17_pay.value;
    let v = (pay.value - cap_v).max(0.0);
    let i = (pay.interval - grade17_pay.interval.scale(1.5)?).clamp_min(0.0)?;
    Estimate::computed(
        v,
        i,
        format!(
            "max(0, {} - 1.5 × {}) {}",
            n(pay.value),
            n(grade17_pay.value),
            eq(v)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn ex(v: f64) -> Estimate {
        Estimate::exact(v).unwrap()
    }

    fn q(q: Qualifier, v: f64, r: Option<f64>) -> Estimate {
        Estimate::from_qualifier(q, v, None, r).unwrap()
    }

    /// Vovsi's counts as Pirani gives them: more than 80,000 above 8x; 15,400 at 15-30x
    /// (taken as stated); about 1,500 above 30x.
    fn vovsi() -> (Estimate, Estimate, Estimate) {
        (
            q(Qualifier::MoreThan, 80_000.0, None), // [80,000, 90,000]
            ex(15_400.0),
            q(Qualifier::About, 1_500.0, None), // [1,450, 1,550]
        )
    }

    #[test]
    fn andreev_effective_ratios() {
        // 80 / 2 = 40
        let dec = effective_ratio(&ex(80.0), &ex(2.0)).unwrap();
        assert_relative_eq!(dec.value(), 40.0);
        assert_eq!(dec.interval(), Interval::point(40.0).unwrap());
        assert_eq!(dec.formula(), "80 / 2 = 40");
        // 40 / 2 = 20
        let jun = effective_ratio(&ex(40.0), &ex(2.0)).unwrap();
        assert_relative_eq!(jun.value(), 20.0);
        assert_eq!(jun.formula(), "40 / 2 = 20");
        // "most enterprises" paid about 2x: with k in [1.5, 2.5], 80 / [1.5, 2.5] = [32, 53.33]
        let k = Estimate::new(2.0, Interval::new(1.5, 2.5).unwrap()).unwrap();
        let r = effective_ratio(&ex(80.0), &k).unwrap();
        assert_relative_eq!(r.interval().lo(), 32.0);
        assert_relative_eq!(r.interval().hi(), 80.0 / 1.5);
    }

    #[test]
    fn growth_of_permitted_maximum() {
        // 8 / 5 = 1.6; 80 / 8 = 10; 80 / 5 = 16; 40 / 80 = 0.5
        assert_relative_eq!(growth(&ex(5.0), &ex(8.0)).unwrap().value(), 1.6);
        assert_relative_eq!(growth(&ex(8.0), &ex(80.0)).unwrap().value(), 10.0);
        let g = growth(&ex(5.0), &ex(80.0)).unwrap();
        assert_relative_eq!(g.value(), 16.0);
        assert_eq!(g.formula(), "80 / 5 = 16");
        assert_relative_eq!(growth(&ex(80.0), &ex(40.0)).unwrap().value(), 0.5);
        // Vovsi: "rates higher than five times the minimum could not be found" (at most 5)
        // against more than 30x two years later: [30, 40] / [0, 5] has a zero divisor
        let at_most_5 = q(Qualifier::AtMost, 5.0, None);
        assert!(growth(&at_most_5, &ex(30.0)).is_err());
    }

    #[test]
    fn bromlei_lower_bound_multiples() {
        // Gurevich: 90,000 / 7,500 = 12
        let g = lower_bound_multiple(&ex(90_000.0), &ex(7_500.0)).unwrap();
        assert_relative_eq!(g.value(), 12.0);
        assert_eq!(g.interval(), Interval::at_least(12.0).unwrap());
        assert!(g.formula().starts_with("90,000 / 7,500 = 12"));
        // Kun: 194,000 / 7,500 = 25.8666...
        let k = lower_bound_multiple(&ex(194_000.0), &ex(7_500.0)).unwrap();
        assert_relative_eq!(k.value(), 25.866_666_666_666_667, epsilon = 1e-12);
        assert_relative_eq!(k.value(), 25.87, epsilon = 0.005);
        assert_eq!(k.interval().hi(), f64::INFINITY);
        assert!(k.formula().starts_with("194,000 / 7,500 ≈ 25.87"));
        // the plain multiple (reference = the minimum) is a point
        let m = multiple(&ex(90_000.0), &ex(7_500.0)).unwrap();
        assert_eq!(m.interval(), Interval::point(12.0).unwrap());
    }

    #[test]
    fn cap_from_ratio_and_caps() {
        // 7,500 x 8 = 60,000
        let cap = cap_from_ratio(&ex(7_500.0), &ex(8.0)).unwrap();
        assert_relative_eq!(cap.value(), 60_000.0);
        // max(0, 90,000 - 60,000) = 30,000
        let over = amount_above_cap(&ex(90_000.0), &cap).unwrap();
        assert_relative_eq!(over.value(), 30_000.0);
        assert_eq!(over.formula(), "max(0, 90,000 - 60,000) = 30,000");
        // max(0, 7,500 - 60,000) = 0
        assert_eq!(amount_above_cap(&ex(7_500.0), &cap).unwrap().value(), 0.0);
        // interval: pay [100, 200], cap [150, 160] -> [max(0, 100 - 160), max(0, 200 - 150)]
        let p = Estimate::new(150.0, Interval::new(100.0, 200.0).unwrap()).unwrap();
        let c = Estimate::new(155.0, Interval::new(150.0, 160.0).unwrap()).unwrap();
        let a = amount_above_cap(&p, &c).unwrap();
        assert_eq!(a.value(), 0.0);
        assert_eq!(a.interval(), Interval::new(0.0, 50.0).unwrap());
    }

    #[test]
    fn draft_surplus_rule() {
        // hypothetical grade-17 pay 600 (the paper gives none): 1.5 x 600 = 900;
        // max(0, 1,000 - 900) = 100
        let s = draft_surplus(&ex(1_000.0), &ex(600.0)).unwrap();
        assert_relative_eq!(s.value(), 100.0);
        assert_eq!(s.formula(), "max(0, 1,000 - 1.5 × 600) = 100");
        // grade 17 plus 50% (the conference's top rate) is exactly at the threshold: 0
        assert_eq!(draft_surplus(&ex(900.0), &ex(600.0)).unwrap().value(), 0.0);
    }

    #[test]
    fn plus_percent_checks() {
        // 430 x 1.5 = 645: equal
        let v = is_plus_percent(430.0, 645.0, 50.0).unwrap();
        assert!(v.passed);
        assert_eq!(v.detail, "430 + 50% = 645; stated 645: equal");
        // 300 x 1.5 = 450 != 430; 430 / 300 - 1 = 43.33%
        let w = is_plus_percent(300.0, 430.0, 50.0).unwrap();
        assert!(!w.passed);
        assert!(
            w.detail.contains("300 + 50% = 450; stated 430"),
            "{}",
            w.detail
        );
        assert!(w.detail.contains("43.33%"), "{}", w.detail);
        assert!(is_plus_percent(0.0, 1.0, 50.0).is_err());
        assert!(is_plus_percent(f64::NAN, 1.0, 50.0).is_err());
    }

    #[test]
    fn pavlova_ratio_window() {
        let w = ratio_window(300.0, 645.0, 20.0, 50.0).unwrap();
        // loose: [300 / 50, 645 / 20] = [6, 32.25]
        assert_relative_eq!(w.loose.lo(), 6.0);
        assert_relative_eq!(w.loose.hi(), 32.25);
        // ends matched: 300 / 20 = 15, 645 / 50 = 12.9
        assert_relative_eq!(w.wage_at_low_end, 15.0);
        assert_relative_eq!(w.wage_at_high_end, 12.9);
        // strict: [645 / 50, 300 / 20] = [12.9, 15]
        let s = w.strict.unwrap();
        assert_relative_eq!(s.lo(), 12.9);
        assert_relative_eq!(s.hi(), 15.0);
        assert!(w.verdict().passed);
        assert!(w.detail.contains("[12.9, 15]"), "{}", w.detail);
        assert!(w.detail.contains("[6, 32.25]"), "{}", w.detail);
        // pays spanning more than the multiples (645 / 100 > 50 / 20): strict window empty
        let e = ratio_window(100.0, 645.0, 20.0, 50.0).unwrap();
        assert!(e.strict.is_none());
        assert!(!e.verdict().passed);
        assert!(ratio_window(645.0, 300.0, 20.0, 50.0).is_err());
        assert!(ratio_window(300.0, 645.0, 0.0, 50.0).is_err());
    }

    #[test]
    fn vovsi_parts_within_total() {
        let (above8, b15_30, above30) = vovsi();
        // 15,400 + 1,500 = 16,900 <= 80,000
        let v = parts_within_total(&above8, &[b15_30.clone(), above30.clone()]).unwrap();
        assert!(v.passed);
        assert!(
            v.detail.starts_with("15,400 + 1,500 = 16,900 <= 80,000"),
            "{}",
            v.detail
        );
        let bad = parts_within_total(&ex(10_000.0), &[b15_30, above30]).unwrap();
        assert!(!bad.passed);
        assert!(bad.detail.contains("cannot fit"), "{}", bad.detail);
    }

    #[test]
    fn vovsi_bracket_by_difference() {
        let (above8, b15_30, above30) = vovsi();
        // 80,000 - 15,400 - 1,500 = 63,100
        let c = bracket_by_difference(&above8, &[b15_30, above30]).unwrap();
        assert_relative_eq!(c.value(), 63_100.0);
        assert_eq!(c.formula(), "80,000 - 15,400 - 1,500 = 63,100");
        // [80,000 - 15,400 - 1,550, 90,000 - 15,400 - 1,450] = [63,050, 73,150]
        assert_relative_eq!(c.interval().lo(), 63_050.0);
        assert_relative_eq!(c.interval().hi(), 73_150.0);
        assert!(matches!(
            bracket_by_difference(&ex(1_000.0), &[ex(2_000.0)]),
            Err(AnalysisError::PartsExceedTotal { .. })
        ));
    }

    #[test]
    fn vovsi_population() {
        // 13.8% printed to one decimal: [13.75, 13.85]% -> [0.1375, 0.1385]
        let pct = q(Qualifier::Exact, 13.8, Some(0.1));
        let s = share_from_percent(&pct).unwrap();
        assert_relative_eq!(s.value(), 0.138, epsilon = 1e-15);
        assert_relative_eq!(s.interval().lo(), 0.1375, epsilon = 1e-12);
        assert_relative_eq!(s.interval().hi(), 0.1385, epsilon = 1e-12);
        // 80,000 / 0.138 = 579,710.14...
        let (above8, _, _) = vovsi();
        let p = population_from_count_share(&above8, &s).unwrap();
        assert_relative_eq!(p.value(), 579_710.144_927_536, epsilon = 1e-6);
        assert_eq!(p.formula(), "80,000 / 0.138 ≈ 579,710");
        // [80,000 / 0.1385, 90,000 / 0.1375] = [577,617.33, 654,545.45]
        assert_relative_eq!(p.interval().lo(), 577_617.328_519_855, epsilon = 1e-3);
        assert_relative_eq!(p.interval().hi(), 654_545.454_545_454, epsilon = 1e-3);
        assert!(population_from_count_share(&above8, &ex(0.0)).is_err());
        // a percent passed as a share is refused
        assert!(matches!(
            population_from_count_share(&above8, &ex(13.8)),
            Err(AnalysisError::ShareOutOfRange { .. })
        ));
    }

    #[test]
    fn counts_from_shares() {
        // 600,000 x 0.138 = 82,800
        let c = count_from_share(&ex(600_000.0), &ex(0.138)).unwrap();
        assert_relative_eq!(c.value(), 82_800.0, epsilon = 1e-6);
        // two groups: 100,000 x 0.2 + 50,000 x 0.1 = 20,000 + 5,000 = 25,000
        let g = count_from_shares(&[(ex(100_000.0), ex(0.2)), (ex(50_000.0), ex(0.1))]).unwrap();
        assert_relative_eq!(g.value(), 25_000.0, epsilon = 1e-9);
        assert_eq!(g.formula(), "100,000 × 0.2 + 50,000 × 0.1 = 25,000");
        // with the share [0.1375, 0.1385]: [600,000 x 0.1375, 600,000 x 0.1385] = [82,500, 83,100]
        let s = Estimate::new(0.138, Interval::new(0.1375, 0.1385).unwrap()).unwrap();
        let ci = count_from_share(&ex(600_000.0), &s).unwrap();
        assert_relative_eq!(ci.interval().lo(), 82_500.0, epsilon = 1e-6);
        assert_relative_eq!(ci.interval().hi(), 83_100.0, epsilon = 1e-6);
        assert!(count_from_shares(&[]).is_err());
        assert!(count_from_share(&ex(-1.0), &ex(0.5)).is_err());
        // 15,400 + 1,500 = 16,900
        let t = total(&[ex(15_400.0), ex(1_500.0)]).unwrap();
        assert_eq!(t.formula(), "15,400 + 1,500 = 16,900");
    }

    #[test]
    fn pareto_alphas() {
        let (above8, b15_30, above30) = vovsi();
        let above15 = total(&[b15_30, above30.clone()]).unwrap(); // 16,900, [16,850, 16,950]
                                                                  // ln(80,000 / 16,900) / ln(15 / 8) = 1.55470 / 0.62861 = 2.4732
        let a1 = pareto_alpha(&above8, 8.0, &above15, 15.0).unwrap();
        assert_relative_eq!(
            a1.value(),
            (80_000.0f64 / 16_900.0).ln() / (15.0f64 / 8.0).ln()
        );
        assert_relative_eq!(a1.value(), 2.47, epsilon = 0.005);
        assert_eq!(a1.formula(), "ln(80,000 / 16,900) / ln(15 / 8) ≈ 2.473");
        // interval: [ln(80,000 / 16,950), ln(90,000 / 16,850)] / ln(15 / 8)
        let d = (15.0f64 / 8.0).ln();
        assert_relative_eq!(a1.interval().lo(), (80_000.0f64 / 16_950.0).ln() / d);
        assert_relative_eq!(a1.interval().hi(), (90_000.0f64 / 16_850.0).ln() / d);
        assert_relative_eq!(a1.interval().lo(), 2.4686, epsilon = 1e-3);
        assert_relative_eq!(a1.interval().hi(), 2.6653, epsilon = 1e-3);
        // ln(16,900 / 1,500) / ln(30 / 15) = 2.42185 / 0.69315 = 3.4940
        let a2 = pareto_alpha(&above15, 15.0, &above30, 30.0).unwrap();
        assert_relative_eq!(a2.value(), (16_900.0f64 / 1_500.0).ln() / 2.0f64.ln());
        assert_relative_eq!(a2.value(), 3.49, epsilon = 0.005);
        // interval: [ln(16,850 / 1,550), ln(16,950 / 1,450)] / ln 2
        assert_relative_eq!(
            a2.interval().lo(),
            (16_850.0f64 / 1_550.0).ln() / 2.0f64.ln()
        );
        assert_relative_eq!(
            a2.interval().hi(),
            (16_950.0f64 / 1_450.0).ln() / 2.0f64.ln()
        );
        // bad inputs
        assert!(matches!(
            pareto_alpha(&above30, 8.0, &above15, 15.0),
            Err(AnalysisError::NotDecreasing { .. })
        ));
        assert!(matches!(
            pareto_alpha(&above8, 15.0, &above15, 8.0),
            Err(AnalysisError::ThresholdOrder { .. })
        ));
        assert!(pareto_alpha(&above8, 8.0, &ex(0.0), 15.0).is_err());
        assert!(pareto_alpha(&above8, f64::NAN, &above15, 15.0).is_err());
    }

    #[test]
    fn pareto_tail_means() {
        let (above8, b15_30, above30) = vovsi();
        let above15 = total(&[b15_30, above30.clone()]).unwrap();
        let a1 = pareto_alpha(&above8, 8.0, &above15, 15.0).unwrap();
        let a2 = pareto_alpha(&above15, 15.0, &above30, 30.0).unwrap();
        // 2.4732 / 1.4732 x 8 = 13.43
        let m1 = pareto_tail_mean(&a1, 8.0).unwrap();
        assert_relative_eq!(m1.value(), a1.value() / (a1.value() - 1.0) * 8.0);
        assert_relative_eq!(m1.value(), 13.43, epsilon = 0.01);
        // decreasing in alpha: [f(alpha.hi), f(alpha.lo)]
        let f = |a: f64| a / (a - 1.0) * 8.0;
        assert_relative_eq!(m1.interval().lo(), f(a1.interval().hi()));
        assert_relative_eq!(m1.interval().hi(), f(a1.interval().lo()));
        // 3.4940 / 2.4940 x 15 = 21.01; x 30 = 42.03
        let m2 = pareto_tail_mean(&a2, 15.0).unwrap();
        assert_relative_eq!(m2.value(), 21.01, epsilon = 0.01);
        let m3 = pareto_tail_mean(&a2, 30.0).unwrap();
        assert_relative_eq!(m3.value(), 42.03, epsilon = 0.01);
        // alpha <= 1: infinite mean
        assert!(matches!(
            pareto_tail_mean(&ex(1.0), 8.0),
            Err(AnalysisError::InfiniteMean { .. })
        ));
        // alpha 1.5 in [0.9, ∞): mean 1.5 / 0.5 x 10 = 30, interval [10, ∞)
        let wide = Estimate::new(1.5, Interval::at_least(0.9).unwrap()).unwrap();
        let mw = pareto_tail_mean(&wide, 10.0).unwrap();
        assert_relative_eq!(mw.value(), 30.0);
        assert_eq!(mw.interval(), Interval::at_least(10.0).unwrap());
        assert!(pareto_tail_mean(&a1, 0.0).is_err());
    }

    #[test]
    fn pareto_count_prediction() {
        let (above8, b15_30, above30) = vovsi();
        let above15 = total(&[b15_30, above30]).unwrap();
        let a1 = pareto_alpha(&above8, 8.0, &above15, 15.0).unwrap();
        // 80,000 x (8 / 30)^2.4732 ≈ 3,040 (reported: about 1,500)
        let c = pareto_count_above(&above8, 8.0, &a1, 30.0).unwrap();
        assert_relative_eq!(
            c.value(),
            80_000.0 * (8.0f64 / 30.0).powf(a1.value()),
            epsilon = 1e-6
        );
        assert_relative_eq!(c.value(), 3_040.0, epsilon = 10.0);
        assert!(c.interval().contains(c.value()));
        // through the fitted points: N(>15) = 80,000 x (8 / 15)^alpha = 16,900
        let back = pareto_count_above(&above8, 8.0, &a1, 15.0).unwrap();
        assert_relative_eq!(back.value(), 16_900.0, epsilon = 1e-6);
    }

    #[test]
    fn bad_numbers_are_errors() {
        assert!(Estimate::exact(f64::NAN).is_err());
        assert!(Estimate::exact(f64::INFINITY).is_err());
        assert!(matches!(
            Estimate::new(5.0, Interval::new(0.0, 1.0).unwrap()),
            Err(AnalysisError::ValueOutsideInterval { .. })
        ));
        assert!(multiple(&ex(1.0), &ex(0.0)).is_err());
        assert!(multiple(&ex(-1.0), &ex(1.0)).is_err());
        assert!(effective_ratio(&ex(80.0), &ex(0.0)).is_err());
        assert!(growth(&ex(0.0), &ex(1.0)).is_err());
        assert!(total(&[]).is_err());
    }

    #[test]
    fn vovsi_bracket_percentages() {
        let (above8, b15_30, above30) = vovsi();
        // 100 x 15,400 / 80,000 = 19.25; interval [100 x 15,400 / 90,000, 100 x 15,400 / 80,000]
        let p = percent_of_total(&b15_30, &above8).unwrap();
        assert_relative_eq!(p.value(), 19.25);
        assert_eq!(p.formula(), "100 × 15,400 / 80,000 = 19.25");
        assert_relative_eq!(p.interval().lo(), 100.0 * 15_400.0 / 90_000.0);
        assert_relative_eq!(p.interval().hi(), 19.25);
        // 100 x 1,500 / 80,000 = 1.875; [100 x 1,450 / 90,000, 100 x 1,550 / 80,000]
        let t = percent_of_total(&above30, &above8).unwrap();
        assert_relative_eq!(t.value(), 1.875);
        assert_relative_eq!(t.interval().lo(), 100.0 * 1_450.0 / 90_000.0);
        assert_relative_eq!(t.interval().hi(), 100.0 * 1_550.0 / 80_000.0);
        // 100 x (1 - 16,900 / 80,000) = 78.875;
        // [100 x (1 - 16,950 / 80,000), 100 x (1 - 16,850 / 90,000)] = [78.8125, 81.278]
        let r = percent_remainder(&above8, &[b15_30.clone(), above30.clone()]).unwrap();
        assert_relative_eq!(r.value(), 78.875);
        assert_eq!(r.formula(), "100 × (1 - (15,400 + 1,500) / 80,000) ≈ 78.88");
        assert_relative_eq!(r.interval().lo(), 78.8125, epsilon = 1e-9);
        assert_relative_eq!(
            r.interval().hi(),
            100.0 * (1.0 - 16_850.0 / 90_000.0),
            epsilon = 1e-9
        );
        // the three shares add up to 100: 78.875 + 19.25 + 1.875 = 100
        assert_relative_eq!(r.value() + p.value() + t.value(), 100.0);
        assert!(matches!(
            percent_remainder(&ex(1_000.0), &[b15_30]),
            Err(AnalysisError::PartsExceedTotal { .. })
        ));
        assert!(percent_of_total(&ex(1.0), &ex(0.0)).is_err());
    }

    #[test]
    fn agreement_with_stated_figures() {
        // 80 / 2 = 40 against "40:1"
        let c = effective_ratio(&ex(80.0), &ex(2.0)).unwrap();
        let v = agrees_with_stated(&c, &ex(40.0), "40:1");
        assert!(v.passed);
        assert_eq!(
            v.detail,
            "computed 80 / 2 = 40; stated 40:1, i.e. [40, 40]: agree"
        );
        // 194,000 / 7,500 = 25.87 against "at least 25" = [25, inf)
        let k = lower_bound_multiple(&ex(194_000.0), &ex(7_500.0)).unwrap();
        let at_least_25 = q(Qualifier::AtLeast, 25.0, None);
        assert!(agrees_with_stated(&k, &at_least_25, "at least 25").passed);
        // 80 / 2 = 40 against a stated 30: disagree
        let w = agrees_with_stated(&c, &ex(30.0), "30:1");
        assert!(!w.passed);
        assert!(w.detail.contains("DISAGREE"), "{}", w.detail);
    }

    #[test]
    fn units_read_as_words() {
        assert_eq!(Unit::MultipleOfMinimum.to_string(), "x the minimum");
        assert_eq!(Unit::Persons.to_string(), "persons");
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// An estimate whose interval is [lo, lo + w], with a point value at fraction t, and
        /// a second point inside it at fraction u (standing for "the truth").
        fn est(lo: std::ops::Range<f64>, max_w: f64) -> impl Strategy<Value = (Estimate, f64)> {
            (lo, 0.0..max_w, 0.0..=1.0f64, 0.0..=1.0f64).prop_map(|(lo, w, t, u)| {
                let i = Interval::new(lo, lo + w).unwrap();
                let at = |f: f64| (lo + f * w).clamp(i.lo(), i.hi());
                (Estimate::new(at(t), i).unwrap(), at(u))
            })
        }

        proptest! {
            #[test]
            fn population_interval_contains_truth(
                (c, ct) in est(1.0..1e6, 1e5),
                (s, st) in est(0.01..0.5, 0.4),
            ) {
                let p = population_from_count_share(&c, &s).unwrap();
                prop_assert!(p.interval().contains(ct / st));
                prop_assert!(p.interval().contains(p.value()));
            }

            #[test]
            fn alpha_interval_contains_truth(
                (na, nat) in est(2e4..1e5, 1e4),
                (nb, nbt) in est(10.0..1e4, 5e3),
                a in 1.0..10.0f64,
                ratio in 1.1..5.0f64,
            ) {
                let b = a * ratio;
                let al = pareto_alpha(&na, a, &nb, b).unwrap();
                let truth = (nat / nbt).ln() / (b / a).ln();
                prop_assert!(al.interval().contains_approx(truth), "{truth} not in {}", al.interval());
                prop_assert!(al.interval().contains_approx(al.value()));
            }

            #[test]
            fn bracket_interval_contains_truth(
                (t, tt) in est(5e4..1e5, 1e4),
                (p1, p1t) in est(0.0..2e4, 1e3),
                (p2, p2t) in est(0.0..2e4, 1e3),
            ) {
                let c = bracket_by_difference(&t, &[p1, p2]).unwrap();
                prop_assert!(c.interval().contains_approx(tt - p1t - p2t));
            }

            #[test]
            fn tail_mean_interval_contains_truth(
                (al, alt) in est(1.01..5.0, 2.0),
                t in 1.0..50.0f64,
            ) {
                let m = pareto_tail_mean(&al, t).unwrap();
                prop_assert!(m.interval().contains_approx(alt / (alt - 1.0) * t));
            }

            #[test]
            fn cap_interval_contains_truth(
                (p, pt) in est(0.0..1e5, 1e4),
                (g, gt) in est(0.0..5e4, 1e4),
            ) {
                let s = draft_surplus(&p, &g).unwrap();
                prop_assert!(s.interval().contains_approx((pt - 1.5 * gt).max(0.0)));
            }
        }
    }
}

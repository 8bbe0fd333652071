//! Brackets, the validated table, survival shares and Pareto exponents between thresholds.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Default tolerance on the sum of shares in [`BracketTable::new`]: exact tables only.
/// Tables of shares rounded as printed should use [`BracketTable::with_share_tolerance`] with the
/// tolerance their rounding allows (see [`super::rounding::rounding_tolerance`]).
pub const DEFAULT_SHARE_TOLERANCE: f64 = 1e-9;

/// One bracket of a tabulation: the members whose pay lies in `[lower, upper)`, in multiples of
/// the minimum.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bracket {
    /// Lower threshold (inclusive), a positive multiple of the minimum.
    pub lower: f64,
    /// Upper threshold (exclusive); `None` for the open top bracket.
    pub upper: Option<f64>,
    /// Fraction of the whole population in the bracket, in `[0, 1]`.
    pub share: f64,
    /// Mean pay within the bracket, in multiples of the minimum, when the source gives it.
    pub mean: Option<f64>,
}

impl Bracket {
    /// A closed bracket `[lower, upper)` holding `share` of the population, mean unknown.
    pub fn closed(lower: f64, upper: f64, share: f64) -> Self {
        Self {
            lower,
            upper: Some(upper),
            share,
            mean: None,
        }
    }

    /// The open top bracket `[lower, +inf)`, mean unknown.
    pub fn open(lower: f64, share: f64) -> Self {
        Self {
            lower,
            upper: None,
            share,
            mean: None,
        }
    }

    /// The same bracket with its mean known.
    pub fn with_mean(mut self, mean: f64) -> Self {
        self.mean = Some(mean);
        self
    }

    /// `"[8, 15)"` or `"[20, +inf)"`: how errors and reports name the bracket.
    pub fn bounds(&self) -> String {
        super::format::bracket_label(self.lower, self.upper)
    }
}

/// Why a table was rejected or a fit could not be made. Every message is one line and names the
/// bracket by its 0-based index and bounds, so that a caller can prefix the group name.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum TabulationError {
    #[error("the table has no brackets")]
    Empty,
    #[error("bracket {index} {bounds}: thresholds must be finite and positive (multiples of the minimum)")]
    BadThreshold { index: usize, bounds: String },
    #[error("bracket {index} {bounds}: the upper threshold must be above the lower one")]
    EmptyRange { index: usize, bounds: String },
    #[error("bracket {index} {bounds} is open-ended but is not the last bracket")]
    OpenNotLast { index: usize, bounds: String },
    #[error("bracket {index} {bounds} starts below the end of bracket {previous} {previous_bounds}: thresholds must be sorted and brackets must not overlap")]
    Unsorted {
        index: usize,
        bounds: String,
        previous: usize,
        previous_bounds: String,
    },
    #[error("bracket {index} {bounds}: share {share} is outside [0, 1] (negative, over 100%, or not a number)")]
    ShareOutOfRange {
        index: usize,
        bounds: String,
        share: f64,
    },
    #[error("the shares sum to {sum} (over 100%; tolerance {tolerance})")]
    SharesOverOne { sum: f64, tolerance: f64 },
    #[error("the shares sum to zero: nothing to fit")]
    NoMass,
    #[error("bracket {index} {bounds}: mean {mean} lies outside the bracket")]
    MeanOutside {
        index: usize,
        bounds: String,
        mean: f64,
    },
    #[error(
        "bracket {index} {bounds}: mean {mean} must lie strictly inside the bracket for {method}"
    )]
    MeanNotInterior {
        index: usize,
        bounds: String,
        mean: f64,
        method: &'static str,
    },
    #[error("bracket {index} {bounds}: the mean is unknown, and {what} needs it")]
    MissingMean {
        index: usize,
        bounds: String,
        what: &'static str,
    },
    #[error("bracket {index} {bounds}: share is zero, which {what} cannot use (merge or drop the bracket)")]
    ZeroShare {
        index: usize,
        bounds: String,
        what: &'static str,
    },
    #[error("{what} needs at least {needed} brackets, the table has {got}")]
    TooFewBrackets {
        what: &'static str,
        needed: usize,
        got: usize,
    },
    #[error("open top bracket {bounds}: its mean is unknown and the Pareto exponent below it ({alpha}) is not above 1, so no finite tail mean follows")]
    TailExponent { bounds: String, alpha: f64 },
    #[error("maximum {max} is below the mean {mean} of the open top bracket")]
    MaxBelowMean { max: f64, mean: f64 },
    #[error("probability {p} is outside [0, 1]")]
    BadProbability { p: f64 },
    #[error("{what}: not computable in floating point for this table ({reason}); check the thresholds, means and shares for values implausibly far apart")]
    NotFinite {
        /// The fit or figure that failed, e.g. `generalized Pareto interpolation`.
        what: &'static str,
        /// What came out, e.g. `the Gini is NaN`.
        reason: String,
    },
}

/// A validated bracket table: brackets sorted by threshold, non-overlapping (gaps allowed, they
/// hold nobody), at most one open bracket and only at the top, shares in `[0, 1]` summing to at
/// most `1 + tolerance`, means (where given) inside their brackets.
///
/// Shares are fractions of the *whole* population; if they sum to less than one, the rest is
/// unaccounted for. The fits ([`super::MeanSplitHistogram`], [`super::GeneralizedParetoInterpolation`])
/// and the Gini bounds describe the population the table covers: they divide by the total share.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BracketTable {
    brackets: Vec<Bracket>,
}

/// Pareto exponent between two consecutive thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ParetoExponent {
    /// Lower threshold `a`.
    pub lower: f64,
    /// Upper threshold `b` (the next bracket's lower threshold).
    pub upper: f64,
    /// `N(>=a)`: share of the whole population at or above `a`.
    pub survival_lower: f64,
    /// `N(>=b)`.
    pub survival_upper: f64,
    /// `alpha = ln(N(>=a)/N(>=b)) / ln(b/a)`; `None` when `N(>=b) = 0`.
    pub alpha: Option<f64>,
}

impl BracketTable {
    /// Validate `brackets` with the exact-table tolerance [`DEFAULT_SHARE_TOLERANCE`].
    pub fn new(brackets: Vec<Bracket>) -> Result<Self, TabulationError> {
        Self::with_share_tolerance(brackets, DEFAULT_SHARE_TOLERANCE)
    }

    /// Validate `brackets`, accepting shares that sum to at most `1 + tolerance` (for shares
    /// rounded as printed).
    pub fn with_share_tolerance(
        brackets: Vec<Bracket>,
        tolerance: f64,
    ) -> Result<Self, TabulationError> {
        if brackets.is_empty() {
            return Err(TabulationError::Empty);
        }
        let last = brackets.len() - 1;
        let mut sum = 0.0;
        for (index, b) in brackets.iter().enumerate() {
            let bounds = b.bounds();
            let positive = |v: f64| v.is_finite() && v > 0.0;
            if !positive(b.lower) || b.upper.is_some_and(|u| !positive(u)) {
                return Err(TabulationError::BadThreshold { index, bounds });
            }
            match b.upper {
                Some(u) if u <= b.lower => {
                    return Err(TabulationError::EmptyRange { index, bounds })
                }
                None if index != last => {
                    return Err(TabulationError::OpenNotLast { index, bounds })
                }
                _ => {}
            }
            if index > 0 {
                let prev = &brackets[index - 1];
                // `prev.upper` is Some here: an open bracket before the last was rejected above.
                let prev_end = prev.upper.unwrap_or(f64::INFINITY);
                if b.lower < prev_end {
                    return Err(TabulationError::Unsorted {
                        index,
                        bounds,
                        previous: index - 1,
                        previous_bounds: prev.bounds(),
                    });
                }
            }
            if !(0.0..=1.0).contains(&b.share) {
                return Err(TabulationError::ShareOutOfRange {
                    index,
                    bounds,
                    share: b.share,
                });
            }
            if let Some(m) = b.mean {
                let inside = m.is_finite() && m >= b.lower && b.upper.is_none_or(|u| m <= u);
                if !inside {
                    return Err(TabulationError::MeanOutside {
                        index,
                        bounds,
                        mean: m,
                    });
                }
            }
            sum += b.share;
        }
        if sum > 1.0 + tolerance {
            return Err(TabulationError::SharesOverOne { sum, tolerance });
        }
        Ok(Self { brackets })
    }

    /// The brackets, in order.
    pub fn brackets(&self) -> &[Bracket] {
        &self.brackets
    }

    /// Number of brackets.
    pub fn len(&self) -> usize {
        self.brackets.len()
    }

    /// Always false for a validated table (kept for clippy's `len_without_is_empty`).
    pub fn is_empty(&self) -> bool {
        self.brackets.is_empty()
    }

    /// Sum of the shares: the fraction of the population the table covers.
    pub fn total_share(&self) -> f64 {
        self.brackets.iter().map(|b| b.share).sum()
    }

    /// Whether the top bracket is open-ended.
    pub fn has_open_top(&self) -> bool {
        self.brackets.last().is_some_and(|b| b.upper.is_none())
    }

    /// Whether every bracket's mean is known.
    pub fn all_means_known(&self) -> bool {
        self.brackets.iter().all(|b| b.mean.is_some())
    }

    /// Survival shares at each bracket's lower threshold: `N(>=lower_k) = sum_{j>=k} share_j`,
    /// as fractions of the whole population (so any share missing from the table is taken to lie
    /// below the first threshold). One value per bracket.
    pub fn survival(&self) -> Vec<f64> {
        let mut out = vec![0.0; self.brackets.len()];
        let mut acc = 0.0;
        for (k, b) in self.brackets.iter().enumerate().rev() {
            acc += b.share;
            out[k] = acc;
        }
        out
    }

    /// Pareto exponents between consecutive lower thresholds `a = lower_k`, `b = lower_{k+1}`:
    ///
    /// `alpha_k = ln(N(>=a) / N(>=b)) / ln(b / a)`
    ///
    /// the exponent of the Pareto law `N(>=x) = N(>=a) (a/x)^alpha` through the two survival
    /// points (Pareto 1896; the classical "Pareto interpolation" of tabulated income data, e.g.
    /// Feenberg & Poterba 1993, Atkinson & Piketty 2007). A gap between brackets holds nobody,
    /// so the survival at a bracket's upper bound equals that at the next lower threshold.
    pub fn pareto_exponents(&self) -> Vec<ParetoExponent> {
        let surv = self.survival();
        self.brackets
            .windows(2)
            .zip(surv.windows(2))
            .map(|(b, s)| {
                let (a, bb) = (b[0].lower, b[1].lower);
                let alpha = (s[1] > 0.0).then(|| (s[0] / s[1]).ln() / (bb / a).ln());
                ParetoExponent {
                    lower: a,
                    upper: bb,
                    survival_lower: s[0],
                    survival_upper: s[1],
                    alpha,
                }
            })
            .collect()
    }

    /// Mean implied for the open top bracket `[a, +inf)` by the last Pareto exponent (between the
    /// two highest thresholds): `E[X | X >= a] = alpha / (alpha - 1) * a`, defined when
    /// `alpha > 1`. `None` if the top is closed, there is a single bracket, `alpha <= 1`, or
    /// the result is not a finite number.
    pub fn implied_top_mean(&self) -> Option<f64> {
        if !self.has_open_top() {
            return None;
        }
        let alpha = self.pareto_exponents().last()?.alpha?;
        let a = self.brackets.last()?.lower;
        // A survival ratio beyond f64 gives alpha = inf, and inf/inf = NaN: no figure then.
        (alpha > 1.0)
            .then(|| pareto_mean(a, alpha))
            .filter(|m| m.is_finite())
    }

    /// Bracket `index` and its bounds string, for error messages.
    pub(crate) fn named(&self, index: usize) -> (usize, String) {
        (index, self.brackets[index].bounds())
    }
}

/// Mean of a Pareto law above `a` with exponent `alpha > 1`: `alpha / (alpha - 1) * a`.
pub fn pareto_mean(a: f64, alpha: f64) -> f64 {
    alpha / (alpha - 1.0) * a
}

/// Pareto exponent whose tail mean above `a` is `mean` (inverse of [`pareto_mean`]):
/// `alpha = mean / (mean - a)`, for `mean > a`.
pub fn pareto_alpha_from_mean(a: f64, mean: f64) -> f64 {
    mean / (mean - a)
}

//! Inequality statistics on individual, optionally weighted, pay data.
//!
//! Build a [`Sample`] once (it validates and sorts), then ask it for statistics: every method is
//! infallible and O(n) or better on the sorted data, and [`Sample::summary`] computes the whole
//! table of the `wages analyze` command in a handful of linear scans, most of them partial.
//!
//! # Input policy
//!
//! * Pay must be finite and **strictly positive**. Zero and negative pay are errors here
//!   ([`InequalityError::NonPositivePay`]): the log-based measures (Theil, MLD, Atkinson with
//!   ε ≥ 1) are undefined for them and ratios to the minimum are meaningless. A caller that wants
//!   to exclude such rows must drop them itself and say so (the CLI's `--drop-nonpositive`).
//!   [`Sample::new_keeping_nonpositive`] keeps them (`--nonpositive keep`): the quantiles, the
//!   Gini (same formula, unclamped when some pay is negative: it can exceed 1), the Lorenz and
//!   top shares, the low-pay share and the caps include them; Atkinson ½ (`1 − E[√r]²`) is
//!   defined with zeros but not with negative pay; MLD, Theil T, Atkinson 1 and 2 and GE(−1) are
//!   not defined, and every ratio to a zero or negative denominator neither: the summary's fields
//!   for them are `None` (docs/analyze.md lists which). The total pay must be positive
//!   ([`InequalityError::NonPositiveTotal`]). [`Sample::new`] stays strict, and positive pay
//!   gives the same sample, bit for bit, through either constructor.
//! * Weights, when given, must be finite and strictly positive, one per pay value. They are
//!   treated as sampling (or frequency) weights: every statistic is computed on the weighted
//!   empirical distribution that puts mass `w_i / W` on `x_i`, with `W = Σ w_i`. Multiplying all
//!   weights by a constant changes nothing but `weighted_n`. With integer weights every statistic
//!   except [`Sample::gini_corrected`] equals the unweighted statistic of the data with row `i`
//!   repeated `w_i` times.
//! * Without weights every weight is 1 and all formulas below reduce to their unweighted forms.
//! * Magnitudes: the statistics are computed on pay and weights divided by the powers of two at
//!   or below their largest values (exact shifts, so ordinary data gives bit-for-bit the same
//!   figures), so pay and weights anywhere in `f64` neither overflow nor underflow
//!   (pay near `f64::MAX`, or pay 1e-200 with weight 1e-200). Level figures (min, quantiles,
//!   mean, `weighted_n`, cap thresholds and `pay_above_total`) stay in the data's own units.
//!   Two limits remain: the largest pay may be at most [`MAX_PAY_SPREAD`] (1e100) times the
//!   smallest ([`InequalityError::PaySpread`]; with zero or negative pay kept, the scale is the
//!   largest `|x_i|` and the spread that of `|x_i|` over the non-zero values), and the totals
//!   `W` and `S` in the data's units must be finite ([`InequalityError::TotalOverflow`]).
//!
//! # Notation
//!
//! After sorting, `x_1 ≤ … ≤ x_n` with weights `w_i`; `C_i = w_1 + … + w_i` (`C_0 = 0`),
//! `W = C_n`, `S = Σ w_i x_i`, `μ = S / W`, `r_i = x_i / μ`, and `E[f] = Σ w_i f(x_i) / W`.
//!
//! # Statistics and the references they match
//!
//! | statistic | definition | reference (unweighted; weighted) |
//! |---|---|---|
//! | quantile `Q(p)` | `x_i` for the first `i` with `C_i ≥ pW`; the mean of `x_i` and `x_{i+1}` when `C_i = pW` exactly | R `quantile(type = 2)` (SAS `PCTLDEF=5`, the averaged inverse of the empirical CDF; the median of an even count is the mean of the middle two); weighted: the same rule on cumulative weights (the weighted-percentile rule Stata's `summarize, detail` documents), equal to R `type = 2` on the data expanded by integer weights, and to `laeken::weightedQuantile` except when `C_i = pW` exactly, where laeken returns `x_{i+1}` (its `weightedMedian(1:10)` is 6) |
//! | P90/P10, P50/P10, P90/P50 | ratios of `Q(p)` | OECD earnings-dispersion deciles ratios |
//! | Kaitz index | `minimum / Q(0.5)` | OECD minimum-to-median wage ratio |
//! | low-pay share | `Σ_{x_i < 2·Q(0.5)/3} w_i / W` (strictly below) | OECD incidence of low pay |
//! | Gini | `Σ_i Σ_j w_i w_j |x_i − x_j| / (2 W² μ)`, computed as `Σ_i w_i x_i (C_{i−1} + C_i − W) / (W S)` | `ineq::Gini(x)`; `laeken::gini(x, w) / 100` |
//! | corrected Gini | `Gini · W² / (W² − Σ w_i²)` | `ineq::Gini(x, corr = TRUE)` (factor `n/(n−1)`); weighted: the pairwise form over distinct pairs `Σ_{i≠j} w_i w_j |x_i − x_j| / (2 μ (W² − Σ w_i²))` |
//! | Theil T | `E[r ln r]` | `ineq::Theil(x, parameter = 0)`, Stata `ineqdeco` GE(1) |
//! | mean log deviation | `E[−ln r]` | `ineq::Theil(x, parameter = 1)`, Stata `ineqdeco` GE(0) |
//! | Atkinson(ε) | `1 − E[r^(1−ε)]^(1/(1−ε))`; ε = 1: `1 − exp(E[ln r])` | `ineq::Atkinson(x, parameter = ε)`, Stata `ineqdeco` |
//! | generalized entropy GE(α) | `(E[r^α] − 1) / (α (α − 1))`; α = 0: MLD; α = 1: Theil T | Stata `ineqdeco` |
//! | Lorenz curve `L(q)` | share of `S` held by the poorest fraction `q` of the weight, the boundary observation counted in proportion to the part of its weight below `qW` | linear interpolation of `ineq::Lc(x, n = w)` |
//! | top share `T(p)` | `1 − L(1 − p)` (computed from the top) | as for `L` |
//! | Palma ratio | `T(0.1) / L(0.4)` | Cobham & Sumner (2013) |
//! | cap `k` | threshold `t = k · minimum`; count `Σ_{x_i > t} w_i`, share `count / W`, excess `Σ_{x_i > t} w_i (x_i − t)` | direct sums |
//!
//! The entropy measures are accumulated in their deviation forms, which are equal because
//! `E[r] = 1`: `T = E[r ln r − r + 1]`, `MLD = E[r − 1 − ln r]`,
//! `A(½) = h (2 − h)` with `h = E[(√r − 1)²] / 2`, `A(1) = −expm1(−MLD)`, and `A(2) = k / (1 + k)`
//! with `k = E[(r − 1)² / r]`. Every term is non-negative, so nearly equal pay loses no accuracy to
//! cancellation; results are clamped to their mathematical ranges (`[0, 1]` for Gini and
//! Atkinson, `≥ 0` for Theil and MLD) to remove the last-bit rounding left over (not the Gini and
//! the shares when some pay is negative: they may then leave `[0, 1]`).
//!
//! # Invariances
//!
//! All statistics are invariant to permuting rows, bit for bit: the sort orders tied pay by
//! weight, so the sorted sample does not depend on the input order (a `group_by` that
//! shuffles rows between runs still gives identical output). All are invariant to multiplying pay (and the
//! minimum) by a positive constant, except the level statistics (min, quantiles, mean, max,
//! `threshold`, `pay_above_total`), which scale with it. Duplicating every row (or doubling every
//! weight) leaves every statistic unchanged except `n`, `weighted_n`, cap counts and
//! `pay_above_total` (which double) and the corrected Gini (whose factor `W²/(W² − Σw²)`
//! depends on sample size by design). The type-2 quantile rule is duplication invariant;
//! R's default `type = 7` would not be.
//!
//! # Complexity
//!
//! [`Sample::new`] sorts once, O(n log n), and stores only the sorted pay, the sorted weights
//! (if any) and three totals. [`Sample::summary`] makes one full pass (Gini and entropy
//! measures together) plus partial scans for the quantiles, the Lorenz and top-share points,
//! the low-pay share and the caps; it allocates only its output. The full pass folds runs of
//! tied pay first, so pay made of grades costs one logarithm per distinct value.
//!
//! For charts, [`Sample::lorenz_curve`] gives the whole Lorenz curve in one pass (the values of
//! [`Sample::lorenz`] at every vertex, or on an even grid) and [`Sample::histogram`] the
//! weighted count per log-spaced bin of pay as a multiple of the minimum. Grouping a payroll
//! and summarizing each group in parallel is [`crate::payroll`].

use serde::Serialize;
use thiserror::Error;

/// Relative tolerance, as a fraction of the total weight `W`, within which a cumulative weight
/// `C_i` counts as *exactly* equal to the quantile target `pW`, so that the two neighbouring
/// values are averaged. It plays the role of R's `fuzz` in `quantile(type = 2)`: `0.1 * 30`
/// is `3.0000000000000004` in floating point, and P10 of 30 unweighted values must still be
/// the mean of the 3rd and 4th. Cumulative sums of integer weights are exact, so only
/// floating-point noise is absorbed.
pub const QUANTILE_TIE_RTOL: f64 = 1e-12;

/// Largest accepted ratio of the largest to the smallest pay of a [`Sample`]
/// ([`InequalityError::PaySpread`] beyond it). Statistics are computed on pay and weights
/// divided by powers of two near their maxima, so absolute magnitudes anywhere in `f64` are
/// fine; only the spread is bounded, so that every scaled product stays a normal number.
pub const MAX_PAY_SPREAD: f64 = 1e100;

/// Eurostat's at-risk-of-poverty line: 60% of the median.
pub const DEFAULT_POVERTY_LINE: f64 = 0.6;

/// Why a [`Sample`] or a [`Summary`] could not be built. Row indexes are 0-based positions in
/// the vectors passed in.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum InequalityError {
    /// No pay values at all.
    #[error("no pay values: inequality statistics need at least one observation")]
    Empty,
    /// A pay value is NaN or infinite.
    #[error("pay at row {index} is {value}: pay must be a finite number")]
    NonFinitePay {
        /// 0-based row.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// A pay value is zero or negative.
    #[error(
        "pay at row {index} is {value}: zero and negative pay are not accepted \
         (log-based measures and multiples of the minimum need positive pay); \
         drop such rows explicitly first"
    )]
    NonPositivePay {
        /// 0-based row.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// A weight is zero, negative, NaN or infinite.
    #[error("weight at row {index} is {value}: weights must be finite and positive")]
    InvalidWeight {
        /// 0-based row.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// Pay and weights differ in length.
    #[error("{pay} pay values but {weights} weights: give exactly one weight per pay value")]
    LengthMismatch {
        /// Number of pay values.
        pay: usize,
        /// Number of weights.
        weights: usize,
    },
    /// [`Sample::from_sorted`] was given pay that is not in ascending order.
    #[error("pay is not sorted ascending at row {index}: use Sample::new, which sorts")]
    NotSorted {
        /// 0-based row that is smaller than its predecessor.
        index: usize,
    },
    /// The weighted total of pay (or of the weights) overflows `f64`.
    #[error("the total of pay or weights is not finite (overflow): rescale the data")]
    TotalOverflow,
    /// The largest pay is more than [`MAX_PAY_SPREAD`] times the smallest: beyond what the
    /// statistics can be computed for in floating point.
    #[error(
        "pay ranges from {min} to {max}, more than {spread:e} times apart: \
         check the units of the pay column (some rows are likely in a different unit or corrupt)",
        spread = MAX_PAY_SPREAD
    )]
    PaySpread {
        /// Smallest pay.
        min: f64,
        /// Largest pay.
        max: f64,
    },
    /// The reference minimum passed to [`Sample::try_summary`] is not finite and positive.
    #[error("the reference minimum is {0}: it must be a finite positive number")]
    InvalidMinimum(f64),
    /// The total pay of a sample with zero or negative pay kept is not positive: shares of it
    /// and the Gini are not defined.
    #[error("the total pay is zero or negative: the Gini and the shares of total pay are not defined; check the pay column, or exclude the zero and negative rows (--nonpositive drop)")]
    NonPositiveTotal,
    /// The poverty line passed to [`Sample::try_summary_at`] is not in `(0, 1]`.
    #[error("the poverty line is {0}: give a fraction of the median in (0, 1], e.g. 0.6")]
    InvalidPovertyLine(f64),
    /// A cap multiple passed to [`Sample::try_summary`] is not finite and positive.
    #[error("cap multiple {0} is invalid: caps must be finite positive multiples of the minimum")]
    InvalidCap(f64),
}

/// A validated sample of pay values (positive, or with zeros and negatives kept by
/// [`Sample::new_keeping_nonpositive`]), optionally weighted, sorted ascending.
///
/// ```
/// use wages_analysis::inequality::Sample;
/// let s = Sample::new(vec![3.0, 1.0, 2.0, 4.0], None).unwrap();
/// assert_eq!(s.quantile(0.5), 2.5);
/// assert!((s.gini() - 0.25).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Pay, sorted ascending.
    pay: Vec<f64>,
    /// Weights aligned with `pay`; `None` means every weight is 1.
    weights: Option<Vec<f64>>,
    /// `W' = Σ w_i'` with `w_i' = w_i / weight_scale` (`n` when unweighted).
    total_weight: f64,
    /// `S' = Σ w_i' x_i'` with `x_i' = x_i / pay_scale`.
    total_pay: f64,
    /// `Σ w_i'²` (for the corrected Gini).
    sum_sq_weights: f64,
    /// `1 / pay_scale`, `pay_scale` the power of two at or below the largest pay.
    inv_pay_scale: f64,
    /// `1 / weight_scale`, `weight_scale` the power of two at or below the largest weight (1
    /// when unweighted).
    inv_weight_scale: f64,
}

/// Dispatches `$body` over an iterator of scaled `(pay, weight)` pairs `(x_i', w_i')`,
/// monomorphised separately for the weighted and unweighted cases so the unweighted loops carry
/// no weight array. The scales are powers of two, so the scaling is exact (bit-for-bit the same
/// ratios as unscaled arithmetic wherever that neither overflows nor underflows).
macro_rules! with_pairs {
    ($self:expr, |$it:ident| $body:expr) => {{
        let (sx, sw) = ($self.inv_pay_scale, $self.inv_weight_scale);
        match &$self.weights {
            Some(w) => {
                let $it = $self
                    .pay
                    .iter()
                    .zip(w.iter())
                    .map(move |(&x, &w)| (x * sx, w * sw));
                $body
            }
            None => {
                let $it = $self.pay.iter().map(move |&x| (x * sx, 1.0_f64));
                $body
            }
        }
    }};
}

macro_rules! with_pairs_rev {
    ($self:expr, |$it:ident| $body:expr) => {{
        let (sx, sw) = ($self.inv_pay_scale, $self.inv_weight_scale);
        match &$self.weights {
            Some(w) => {
                let $it = $self
                    .pay
                    .iter()
                    .rev()
                    .zip(w.iter().rev())
                    .map(move |(&x, &w)| (x * sx, w * sw));
                $body
            }
            None => {
                let $it = $self.pay.iter().rev().map(move |&x| (x * sx, 1.0_f64));
                $body
            }
        }
    }};
}

/// `1 / 2^e` for the largest power of two `2^e <= x` (`x` finite and positive). Multiplying by
/// it is exact: it only shifts the exponent (the result is at most `x / 2^e < 2`).
pub(crate) fn inv_pow2_below(x: f64) -> f64 {
    const EXP: u64 = 0x7ff0_0000_0000_0000;
    let bits = x.to_bits() & EXP;
    if bits == 0 {
        // Subnormal: 2^1022 brings it to [2^-52, 1), exactly.
        return 2f64.powi(1022);
    }
    let e = ((bits >> 52) as i32) - 1023;
    // 2^-e for e in [-1022, 1023]: 2^-1023 is subnormal but exact, as is every product below.
    if e == 1023 {
        2f64.powi(-1022) / 2.0
    } else {
        2f64.powi(-e)
    }
}

impl Sample {
    /// Validates `pay` (and `weights`), then sorts them together by pay.
    ///
    /// Errors: [`InequalityError::Empty`], [`InequalityError::NonFinitePay`],
    /// [`InequalityError::NonPositivePay`], [`InequalityError::InvalidWeight`],
    /// [`InequalityError::LengthMismatch`], [`InequalityError::TotalOverflow`],
    /// [`InequalityError::PaySpread`]; the first
    /// offending row is named.
    pub fn new(mut pay: Vec<f64>, weights: Option<Vec<f64>>) -> Result<Sample, InequalityError> {
        validate(&pay, weights.as_deref())?;
        let weights = match weights {
            None => {
                // All values are finite and positive, so their IEEE-754 bit patterns order
                // exactly like the numbers: an integer sort is faster than a float comparator.
                pay.sort_unstable_by_key(|x| x.to_bits());
                None
            }
            Some(mut w) => {
                // Pack each (pay, weight) pair into one u128, pay bits high: a plain integer
                // sort then orders by pay, and ties by weight, so the sorted sample (and every
                // rounding in it) does not depend on the input order.
                let mut pairs: Vec<u128> = pay
                    .iter()
                    .zip(w.iter())
                    .map(|(&x, &w)| (u128::from(x.to_bits()) << 64) | u128::from(w.to_bits()))
                    .collect();
                pairs.sort_unstable();
                for ((x, wt), packed) in pay.iter_mut().zip(w.iter_mut()).zip(pairs) {
                    *x = f64::from_bits((packed >> 64) as u64);
                    *wt = f64::from_bits(packed as u64);
                }
                Some(w)
            }
        };
        Self::assemble(pay, weights)
    }

    /// Like [`Sample::new`], but zero and negative pay are kept (`--nonpositive keep`): the
    /// quantiles, Gini, shares and caps include them, as R `ineq`/`laeken` and Stata's
    /// `ineqdec0` do, and [`Sample::try_summary`] reports the measures undefined for them (the
    /// log-based ones, Atkinson, ratios to a zero) as `None`. Pay must still be finite, and the
    /// total pay positive ([`InequalityError::NonPositiveTotal`]). Positive pay gives exactly
    /// [`Sample::new`]'s sample.
    pub fn new_keeping_nonpositive(
        pay: Vec<f64>,
        weights: Option<Vec<f64>>,
    ) -> Result<Sample, InequalityError> {
        if pay.iter().all(|&x| x > 0.0) {
            return Sample::new(pay, weights);
        }
        validate_finite(&pay, weights.as_deref())?;
        let mut pairs: Vec<(f64, f64)> = match &weights {
            None => pay.iter().map(|&x| (x, 1.0)).collect(),
            Some(w) => pay.iter().copied().zip(w.iter().copied()).collect(),
        };
        pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let sorted = pairs.iter().map(|p| p.0).collect();
        let weights = weights.map(|_| pairs.iter().map(|p| p.1).collect());
        Self::assemble(sorted, weights)
    }

    /// Like [`Sample::new`] for pay that is already sorted ascending (weights aligned with it).
    /// Checks the order in O(n) and returns [`InequalityError::NotSorted`] if it is wrong.
    pub fn from_sorted(
        pay: Vec<f64>,
        weights: Option<Vec<f64>>,
    ) -> Result<Sample, InequalityError> {
        validate(&pay, weights.as_deref())?;
        Self::assemble_sorted(pay, weights)
    }

    /// [`Sample::from_sorted`] with zero and negative pay kept, as
    /// [`Sample::new_keeping_nonpositive`] keeps them.
    pub fn from_sorted_keeping_nonpositive(
        pay: Vec<f64>,
        weights: Option<Vec<f64>>,
    ) -> Result<Sample, InequalityError> {
        validate_finite(&pay, weights.as_deref())?;
        Self::assemble_sorted(pay, weights)
    }

    /// Checks the order of validated pay, then [`Sample::assemble`].
    fn assemble_sorted(
        pay: Vec<f64>,
        weights: Option<Vec<f64>>,
    ) -> Result<Sample, InequalityError> {
        if let Some(i) = pay.windows(2).position(|p| p[1] < p[0]) {
            return Err(InequalityError::NotSorted { index: i + 1 });
        }
        Self::assemble(pay, weights)
    }

    fn assemble(pay: Vec<f64>, weights: Option<Vec<f64>>) -> Result<Sample, InequalityError> {
        // Sorted ascending, so the ends are the extremes.
        let (min, max) = (pay[0], pay[pay.len() - 1]);
        let largest = if min > 0.0 {
            if max / min > MAX_PAY_SPREAD {
                return Err(InequalityError::PaySpread { min, max });
            }
            max
        } else {
            // Zero or negative pay kept: the spread is that of the magnitudes, zeros aside.
            let largest = max.abs().max(min.abs());
            let smallest = pay
                .iter()
                .filter(|&&x| x != 0.0)
                .fold(f64::INFINITY, |m, &x| m.min(x.abs()));
            if largest == 0.0 {
                return Err(InequalityError::NonPositiveTotal);
            }
            if largest / smallest > MAX_PAY_SPREAD {
                return Err(InequalityError::PaySpread {
                    min: smallest,
                    max: largest,
                });
            }
            largest
        };
        let inv_pay_scale = inv_pow2_below(largest);
        let inv_weight_scale = weights.as_deref().map_or(1.0, |w| {
            inv_pow2_below(w.iter().copied().fold(0.0, f64::max))
        });
        let (total_weight, total_pay, sum_sq_weights) = match &weights {
            None => (
                pay.len() as f64,
                pay.iter().map(|&x| x * inv_pay_scale).sum::<f64>(),
                pay.len() as f64,
            ),
            Some(w) => {
                let (mut tw, mut tp, mut sq) = (0.0, 0.0, 0.0);
                for (&x, &w) in pay.iter().zip(w) {
                    let (x, w) = (x * inv_pay_scale, w * inv_weight_scale);
                    tw += w;
                    tp += w * x;
                    sq += w * w;
                }
                (tw, tp, sq)
            }
        };
        let sample = Sample {
            pay,
            weights,
            total_weight,
            total_pay,
            sum_sq_weights,
            inv_pay_scale,
            inv_weight_scale,
        };
        // The scaled totals are at most `n`; the totals in the data's own units must be finite
        // too, since `weighted_n` and `total_pay` report them.
        if !(sample.weighted_n().is_finite() && sample.total_pay().is_finite()) {
            return Err(InequalityError::TotalOverflow);
        }
        // Shares of total pay need a positive total.
        if sample.total_pay <= 0.0 {
            return Err(InequalityError::NonPositiveTotal);
        }
        Ok(sample)
    }

    /// A Gini or a Lorenz share clamped to its range `[0, 1]` (removing the last-bit rounding
    /// left over), unless some pay is negative: then the Gini can exceed 1 and the shares leave
    /// `[0, 1]`, and the value is returned as computed.
    fn bounded(&self, x: f64) -> f64 {
        if self.pay[0] < 0.0 {
            x
        } else {
            x.clamp(0.0, 1.0)
        }
    }

    /// Whether some pay is zero or negative ([`Sample::new_keeping_nonpositive`]).
    pub fn has_nonpositive(&self) -> bool {
        self.pay[0] <= 0.0
    }

    /// Pay, sorted ascending.
    pub fn pay(&self) -> &[f64] {
        &self.pay
    }

    /// Weights aligned with [`Sample::pay`], or `None` for an unweighted sample.
    pub fn weights(&self) -> Option<&[f64]> {
        self.weights.as_deref()
    }

    /// Number of rows `n` (never 0).
    pub fn n(&self) -> usize {
        self.pay.len()
    }

    /// Total weight `W = Σ w_i` (`n` when unweighted).
    pub fn weighted_n(&self) -> f64 {
        self.total_weight / self.inv_weight_scale
    }

    /// Weighted total of pay `S = Σ w_i x_i` (may underflow to 0 for pay and weights near the
    /// bottom of `f64`; the statistics do not use it, they work on scaled values).
    pub fn total_pay(&self) -> f64 {
        let (v, a, b) = (self.total_pay, self.inv_pay_scale, self.inv_weight_scale);
        // Undo the larger shift first when that moves `v` towards 1, so that no intermediate
        // overflows or underflows when the result itself is a normal number.
        let (first, second) = if (v >= 1.0) == (a >= b) {
            (a, b)
        } else {
            (b, a)
        };
        v / first / second
    }

    /// Smallest pay `x_1`.
    pub fn min(&self) -> f64 {
        self.pay[0]
    }

    /// Largest pay `x_n`.
    pub fn max(&self) -> f64 {
        self.pay[self.pay.len() - 1]
    }

    /// Weighted mean `μ = S / W`.
    pub fn mean(&self) -> f64 {
        self.scaled_mean() / self.inv_pay_scale
    }

    /// `μ' = S' / W'`: the mean of the scaled pay.
    fn scaled_mean(&self) -> f64 {
        self.total_pay / self.total_weight
    }

    /// Quantile `Q(p)`: `x_i` for the first `i` with `C_i ≥ pW`, or `(x_i + x_{i+1}) / 2` when
    /// `C_i = pW` (within [`QUANTILE_TIE_RTOL`]); `Q(0)` is the minimum and `Q(1)` the maximum.
    /// Unweighted, this is R's `quantile(x, p, type = 2)`; the median of an even number of
    /// values is the mean of the two middle ones. O(1) unweighted, O(n) weighted.
    ///
    /// # Panics
    /// If `p` is not in `[0, 1]`.
    pub fn quantile(&self, p: f64) -> f64 {
        assert!((0.0..=1.0).contains(&p), "quantile level {p} not in [0, 1]");
        let n = self.pay.len();
        if p == 0.0 {
            return self.min();
        }
        if p == 1.0 {
            return self.max();
        }
        let target = p * self.total_weight;
        let tol = QUANTILE_TIE_RTOL * self.total_weight;
        match &self.weights {
            None => {
                // C_i = i exactly: the first i with i ≥ target is ceil(target − tol).
                let i = ((target - tol).ceil() as usize).clamp(1, n);
                self.at_boundary(i - 1, (i as f64 - target).abs() <= tol)
            }
            Some(w) => {
                let mut cum = 0.0;
                for (i, &wi) in w.iter().enumerate() {
                    cum += wi * self.inv_weight_scale;
                    if cum >= target - tol {
                        return self.at_boundary(i, (cum - target).abs() <= tol);
                    }
                }
                self.max()
            }
        }
    }

    fn at_boundary(&self, i: usize, exact: bool) -> f64 {
        if exact && i + 1 < self.pay.len() {
            (self.pay[i] + self.pay[i + 1]) / 2.0
        } else {
            self.pay[i]
        }
    }

    /// Gini coefficient, `Σ_i Σ_j w_i w_j |x_i − x_j| / (2 W² μ)`, computed in one pass as
    /// `Σ_i w_i x_i (C_{i−1} + C_i − W) / (W S)`. Equals `ineq::Gini(x)` unweighted and
    /// `laeken::gini(x, w)$value / 100` weighted. Never exceeds `1 − 1/n` unweighted.
    pub fn gini(&self) -> f64 {
        let num = with_pairs!(self, |it| gini_numerator(it, self.total_weight));
        self.bounded(num / (self.total_weight * self.total_pay))
    }

    /// Finite-sample corrected Gini, `gini() · W² / (W² − Σ w_i²)`: the mean absolute
    /// difference over distinct pairs only. Unweighted the factor is `n / (n − 1)`, as
    /// `ineq::Gini(x, corr = TRUE)`. Weighted it is `n_eff / (n_eff − 1)` with Kish's effective
    /// sample size `n_eff = W² / Σ w_i²`, so it is invariant to rescaling the weights (but, unlike
    /// every other statistic, not to duplicating rows). `None` for a single row, where the
    /// correction divides by zero.
    pub fn gini_corrected(&self) -> Option<f64> {
        corrected_gini(self.gini(), self.total_weight, self.sum_sq_weights)
    }

    /// Theil T index, `E[r ln r]` (GE(1)); `ineq::Theil(x, parameter = 0)`.
    pub fn theil_t(&self) -> f64 {
        self.moments().theil_t(self.total_weight)
    }

    /// Mean log deviation, `E[−ln r]` (GE(0), Theil L); `ineq::Theil(x, parameter = 1)`.
    pub fn mld(&self) -> f64 {
        self.moments().mld(self.total_weight)
    }

    /// Atkinson index `1 − E[r^(1−ε)]^(1/(1−ε))`, and `1 − exp(E[ln r])` for `ε = 1`; as
    /// `ineq::Atkinson(x, parameter = ε)`. In `[0, 1]`.
    ///
    /// # Panics
    /// If `epsilon` is negative or not finite.
    pub fn atkinson(&self, epsilon: f64) -> f64 {
        assert!(
            epsilon.is_finite() && epsilon >= 0.0,
            "Atkinson epsilon {epsilon} must be finite and non-negative"
        );
        if epsilon == 0.0 {
            return 0.0;
        }
        if epsilon == 1.0 {
            return (-(-self.mld()).exp_m1()).clamp(0.0, 1.0);
        }
        let mean = self.scaled_mean();
        let e = 1.0 - epsilon;
        let sum: f64 = with_pairs!(self, |it| it.map(|(x, w)| w * (x / mean).powf(e)).sum());
        (1.0 - (sum / self.total_weight).powf(1.0 / e)).clamp(0.0, 1.0)
    }

    /// Generalized entropy `GE(α) = (E[r^α] − 1) / (α (α − 1))`, with `GE(0) = MLD` and
    /// `GE(1) = Theil T` (Stata `ineqdeco`).
    ///
    /// # Panics
    /// If `alpha` is not finite.
    pub fn generalized_entropy(&self, alpha: f64) -> f64 {
        assert!(alpha.is_finite(), "GE alpha {alpha} must be finite");
        if alpha == 0.0 {
            return self.mld();
        }
        if alpha == 1.0 {
            return self.theil_t();
        }
        let mean = self.scaled_mean();
        // E[r^α − 1 − α (r − 1)] = E[r^α] − 1 because E[r] = 1; each term has the sign of
        // α (α − 1), so the result is non-negative up to rounding.
        let sum: f64 = with_pairs!(self, |it| it
            .map(|(x, w)| {
                let r = x / mean;
                w * (r.powf(alpha) - 1.0 - alpha * (r - 1.0))
            })
            .sum());
        (sum / self.total_weight / (alpha * (alpha - 1.0))).max(0.0)
    }

    /// Lorenz curve `L(q)`: the share of total pay held by the poorest fraction `q` of the
    /// (weighted) population, counting the observation that straddles `qW` in proportion to
    /// the part of its weight below `qW`. This is the linear interpolation of the points
    /// `(C_i / W, Σ_{j≤i} w_j x_j / S)` that `ineq::Lc(x, n = w)` returns.
    ///
    /// # Panics
    /// If `q` is not in `[0, 1]`.
    pub fn lorenz(&self, q: f64) -> f64 {
        assert!((0.0..=1.0).contains(&q), "Lorenz level {q} not in [0, 1]");
        let held = with_pairs!(self, |it| pay_of_first(it, q * self.total_weight));
        self.bounded(held / self.total_pay)
    }

    /// Top share `T(p) = 1 − L(1 − p)`: the share of total pay held by the richest fraction `p`
    /// of the (weighted) population, with the boundary observation counted fractionally as in
    /// [`Sample::lorenz`]. Computed from the top, so it costs O(p·n).
    ///
    /// # Panics
    /// If `p` is not in `[0, 1]`.
    pub fn top_share(&self, p: f64) -> f64 {
        assert!(
            (0.0..=1.0).contains(&p),
            "top-share level {p} not in [0, 1]"
        );
        let held = with_pairs_rev!(self, |it| pay_of_first(it, p * self.total_weight));
        self.bounded(held / self.total_pay)
    }

    /// The Lorenz curve as points `(C_i / W, Σ_{j≤i} w_j x_j / S)`, from `(0, 0)` to `(1, 1)`:
    /// every vertex for up to `max_points` rows, else the curve at `max_points` even steps of
    /// the share of people, the row at each step counted fractionally: the values of
    /// [`Sample::lorenz`] at those steps, all in one pass over the sorted pay (for a chart).
    pub fn lorenz_curve(&self, max_points: usize) -> Vec<(f64, f64)> {
        let n = self.pay.len();
        let (total_w, total_p) = (self.total_weight, self.total_pay);
        let mut out = Vec::with_capacity(n.min(max_points) + 2);
        out.push((0.0, 0.0));
        with_pairs!(self, |it| lorenz_points(
            it,
            n <= max_points,
            max_points,
            (total_w, total_p),
            &mut out
        ));
        if let Some(last) = out.last_mut() {
            if last.0 >= 1.0 - 1e-12 {
                *last = (1.0, 1.0);
            } else {
                out.push((1.0, 1.0));
            }
        }
        out
    }

    /// People (weighted) per log-spaced bin of `pay / minimum`. Bins per decade are chosen for
    /// about `sqrt(n)` bins, between 8 and 40 over the data's range (4, 5, 10, 20 or 40 per
    /// decade); edges are powers `10^(k / per_decade)`, so a decade boundary (1x, 10x, 100x) is
    /// always an edge. O(bins log n) unweighted, one pass over the weights otherwise.
    pub fn histogram(&self, minimum: f64) -> Histogram {
        // A log scale has no place for zero or negative pay (kept by `--nonpositive keep`): the
        // bins hold the positive rows; the caller says how many were left out.
        let first = self.pay.partition_point(|&x| x <= 0.0);
        if first == self.pay.len() {
            return Histogram {
                edges: Vec::new(),
                counts: Vec::new(),
                per_decade: 10,
            };
        }
        let pay = self.pay();
        let (lo, hi) = (self.pay[first] / minimum, self.max() / minimum);
        let decades = (hi / lo).log10();
        let target = (self.n() as f64).sqrt().clamp(8.0, 40.0);
        // The nearest of 4, 5, 10, 20, 40 bins per decade (in log terms) to the target count.
        let want = (target / decades.max(1e-9)).clamp(4.0, 40.0);
        let per_decade = [4u32, 5, 10, 20, 40]
            .into_iter()
            .min_by(|a, b| {
                let d = |k: u32| (want / k as f64).ln().abs();
                d(*a).total_cmp(&d(*b))
            })
            .unwrap_or(10);
        let pd = per_decade as f64;
        let edge = |k: i64| 10f64.powf(k as f64 / pd);
        let mut k0 = (lo.log10() * pd).floor() as i64;
        while edge(k0) > lo {
            k0 -= 1;
        }
        let mut k1 = (hi.log10() * pd).floor() as i64 + 1;
        while edge(k1) <= hi {
            k1 += 1;
        }
        let edges: Vec<f64> = (k0..=k1).map(edge).collect();
        // Row index where each bin starts: the first row whose multiple reaches the edge.
        let starts: Vec<usize> = edges
            .iter()
            .map(|&e| pay.partition_point(|&x| x / minimum < e))
            .collect();
        let counts = starts
            .windows(2)
            .map(|r| match self.weights() {
                None => (r[1] - r[0]) as f64,
                Some(w) => w[r[0]..r[1]].iter().sum(),
            })
            .collect();
        Histogram {
            edges,
            counts,
            per_decade,
        }
    }

    /// Palma ratio `T(0.1) / L(0.4)`: top 10% share over bottom 40% share.
    pub fn palma(&self) -> f64 {
        self.top_share(0.1) / self.lorenz(0.4)
    }

    /// Quintile share ratio S80/S20 as Eurostat and `laeken::qsr` define it: the pay of the
    /// rows above `Q(0.8)` over the pay of the rows at or below `Q(0.2)`, `Σ_{x_i > Q(0.8)} w_i
    /// x_i / Σ_{x_i ≤ Q(0.2)} w_i x_i`. Unlike [`Sample::top_share`] no row is split at the
    /// boundary. (`laeken` takes its quantiles by its own rule, which differs from wages' only
    /// when a cumulative weight hits `pW` exactly; docs/uncertainty.md.)
    pub fn quintile_share_ratio(&self) -> Option<f64> {
        let (q20, q80) = (self.quantile(0.2), self.quantile(0.8));
        let low = self.pay.partition_point(|&x| x <= q20);
        let high = self.pay.partition_point(|&x| x <= q80);
        let sum = |r: std::ops::Range<usize>| -> f64 {
            let sx = self.inv_pay_scale;
            match &self.weights {
                None => self.pay[r].iter().map(|&x| x * sx).sum(),
                Some(w) => {
                    let sw = self.inv_weight_scale;
                    self.pay[r.clone()]
                        .iter()
                        .zip(&w[r])
                        .map(|(&x, &w)| (x * sx) * (w * sw))
                        .sum()
                }
            }
        };
        let bottom = sum(0..low);
        // Not defined when the bottom fifth holds no pay (zeros kept) or less than none.
        (bottom > 0.0).then(|| sum(high..self.pay.len()) / bottom)
    }

    /// The weighted median (the [`Sample::quantile`] rule) of the rows with pay strictly below
    /// `threshold`; `None` if there is none. Eurostat's relative median poverty gap is
    /// `1 − median_below(t) / t` at the poverty threshold `t`.
    pub fn median_below(&self, threshold: f64) -> Option<f64> {
        let m = self.pay.partition_point(|&x| x < threshold);
        if m == 0 {
            return None;
        }
        let pay = &self.pay[..m];
        let at = |i: usize, exact: bool| {
            if exact && i + 1 < m {
                (pay[i] + pay[i + 1]) / 2.0
            } else {
                pay[i]
            }
        };
        Some(match &self.weights {
            None => {
                let target = 0.5 * m as f64;
                let tol = QUANTILE_TIE_RTOL * m as f64;
                let i = ((target - tol).ceil() as usize).clamp(1, m);
                at(i - 1, (i as f64 - target).abs() <= tol)
            }
            Some(w) => {
                let w = &w[..m];
                let total: f64 = w.iter().map(|&w| w * self.inv_weight_scale).sum();
                let (target, tol) = (0.5 * total, QUANTILE_TIE_RTOL * total);
                let mut cum = 0.0;
                let mut found = at(m - 1, false);
                for (i, &wi) in w.iter().enumerate() {
                    cum += wi * self.inv_weight_scale;
                    if cum >= target - tol {
                        found = at(i, (cum - target).abs() <= tol);
                        break;
                    }
                }
                found
            }
        })
    }

    /// Weighted share of the population with pay strictly below `threshold`.
    pub fn share_below(&self, threshold: f64) -> f64 {
        let k = self.pay.partition_point(|&x| x < threshold);
        let w = match &self.weights {
            None => k as f64,
            Some(w) => w[..k].iter().map(|&w| w * self.inv_weight_scale).sum(),
        };
        w / self.total_weight
    }

    /// One [`CapRow`] per multiple `k`: who earns strictly more than `k · minimum`, and how much
    /// pay lies above that threshold. Costs O(log n) per cap plus, per four caps, the rows above
    /// the lowest of their thresholds.
    ///
    /// # Panics
    /// If `minimum` or a cap is not finite and positive (see [`Sample::try_summary`]).
    pub fn caps(&self, minimum: f64, caps: &[f64]) -> Vec<CapRow> {
        check_minimum_and_caps(minimum, caps).unwrap_or_else(|e| panic!("{e}"));
        self.cap_rows(minimum, caps)
    }

    /// The caps four at a time, each four in one pass over the rows above the lowest of their
    /// thresholds: a row adds `x − t` (weighted: `w` and `w (x − t)`) to a cap whose threshold it
    /// exceeds and `−0.0`, the identity of addition, to the others, so each cap's sums are added
    /// up in the same order as on its own rows alone, and the four run side by side.
    fn cap_rows(&self, minimum: f64, caps: &[f64]) -> Vec<CapRow> {
        let mut out = Vec::with_capacity(caps.len());
        for chunk in caps.chunks(4) {
            // An unused lane's threshold is exceeded by no row.
            let mut t = [f64::INFINITY; 4];
            for (t, &k) in t.iter_mut().zip(chunk) {
                *t = k * minimum;
            }
            let starts = t.map(|t| self.pay.partition_point(|&x| x <= t));
            let first = starts.iter().copied().min().unwrap_or(self.pay.len());
            let pay = &self.pay[first..];
            let (count, excess) = match &self.weights {
                None => {
                    // As `Iterator::sum`, which starts from −0.0.
                    let mut e = [-0.0f64; 4];
                    for &x in pay {
                        for c in 0..4 {
                            e[c] += if x > t[c] { x - t[c] } else { -0.0 };
                        }
                    }
                    (starts.map(|s| (self.pay.len() - s) as f64), e)
                }
                Some(w) => {
                    let (mut n, mut e) = ([0.0f64; 4], [0.0f64; 4]);
                    for (&x, &w) in pay.iter().zip(&w[first..]) {
                        for c in 0..4 {
                            let above = x > t[c];
                            n[c] += if above { w } else { -0.0 };
                            e[c] += if above { w * (x - t[c]) } else { -0.0 };
                        }
                    }
                    (n, e)
                }
            };
            for (c, &k) in chunk.iter().enumerate() {
                out.push(CapRow {
                    k,
                    threshold: t[c],
                    rows: self.pay.len() - starts[c],
                    count: count[c],
                    share: count[c] / self.weighted_n(),
                    pay_above_total: excess[c],
                });
            }
        }
        out
    }

    /// The full table of statistics; see [`Summary`] for the fields. `minimum` is the reference
    /// minimum wage (the caller may pass [`Sample::min`]); `caps` are multiples of it.
    ///
    /// # Panics
    /// If `minimum` or a cap is not finite and positive; use [`Sample::try_summary`] to get an
    /// error instead.
    pub fn summary(&self, minimum: f64, caps: &[f64]) -> Summary {
        self.try_summary(minimum, caps)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Sample::summary`] that returns [`InequalityError::InvalidMinimum`] or
    /// [`InequalityError::InvalidCap`] instead of panicking.
    pub fn try_summary(&self, minimum: f64, caps: &[f64]) -> Result<Summary, InequalityError> {
        self.try_summary_at(minimum, caps, DEFAULT_POVERTY_LINE)
    }

    /// [`Sample::try_summary`] with the at-risk-of-poverty threshold at `poverty_line` times the
    /// median (Eurostat's 0.6 is [`DEFAULT_POVERTY_LINE`]); `poverty_line` must be in `(0, 1]`
    /// ([`InequalityError::InvalidPovertyLine`]).
    pub fn try_summary_at(
        &self,
        minimum: f64,
        caps: &[f64],
        poverty_line: f64,
    ) -> Result<Summary, InequalityError> {
        check_minimum_and_caps(minimum, caps)?;
        if !(poverty_line > 0.0 && poverty_line <= 1.0) {
            return Err(InequalityError::InvalidPovertyLine(poverty_line));
        }
        let (min, max, mean) = (self.min(), self.max(), self.mean());
        let (p10, p50, p90) = (self.quantile(0.1), self.quantile(0.5), self.quantile(0.9));
        // A ratio to a zero (or, with negative pay kept, negative) quantile or share is not
        // defined; with positive pay every denominator is positive.
        let ratio = |a: f64, b: f64| (b > 0.0).then(|| a / b);
        let signed = self.has_nonpositive();
        let (gini, theil_t, mld, atkinson_0_5, atkinson_1, atkinson_2) = if signed {
            // The log-based measures and Atkinson with ε ≥ 1 are undefined at zero pay, and
            // Atkinson 0.5 (a square root) at negative pay.
            let a_half = (min >= 0.0).then(|| self.atkinson(0.5));
            (self.gini(), None, None, a_half, None, None)
        } else {
            let (gini_num, moments) = self.fused_pass(self.scaled_mean());
            let mld = moments.mld(self.total_weight);
            (
                self.bounded(gini_num / (self.total_weight * self.total_pay)),
                Some(moments.theil_t(self.total_weight)),
                Some(mld),
                Some(moments.atkinson_half(self.total_weight)),
                Some((-(-mld).exp_m1()).clamp(0.0, 1.0)),
                Some(moments.atkinson_two(self.total_weight)),
            )
        };
        let top10_share = self.top_share(0.1);
        Ok(Summary {
            n: self.n(),
            weighted_n: self.weighted_n(),
            min,
            p10,
            p50,
            mean,
            p90,
            max,
            max_min_ratio: ratio(max, min),
            p90_p10: ratio(p90, p10),
            p50_p10: ratio(p50, p10),
            p90_p50: ratio(p90, p50),
            minimum,
            kaitz: ratio(minimum, p50),
            low_pay_share: self.share_below(2.0 * p50 / 3.0),
            gini,
            gini_corrected: corrected_gini(gini, self.total_weight, self.sum_sq_weights)
                .map(|g| self.bounded(g)),
            theil_t,
            mld,
            atkinson_0_5,
            atkinson_1,
            atkinson_2,
            top10_share,
            top1_share: self.top_share(0.01),
            palma: ratio(top10_share, self.lorenz(0.4)),
            caps: self.cap_rows(minimum, caps),
            s80_s20: self.quintile_share_ratio(),
            poverty_line,
            poverty_threshold: poverty_line * p50,
            poverty_rate: self.share_below(poverty_line * p50),
            poverty_gap: self
                .median_below(poverty_line * p50)
                .map(|m| 1.0 - m / (poverty_line * p50)),
        })
    }

    fn moments(&self) -> Moments {
        self.fused_pass(self.scaled_mean()).1
    }

    /// One pass: the Gini numerator and the entropy-family sums, on the scaled pay.
    ///
    /// Runs of equal pay are folded first and each distinct value is visited once with the
    /// run's total weight `R`: the entropy terms are linear in the weight, and the Gini terms of
    /// a run starting at cumulative weight `C` telescope, `Σ_run w_i (C_{i−1} + C_i) = R (2C + R)`.
    /// Payroll data, made of pay grades, is full of ties, so this saves most of the logarithms.
    /// Rows go through in blocks: the runs of a block are found without branches, then their
    /// logarithms are taken in a loop of their own (independent calls overlap) and the sums
    /// accumulated in order, so every sum is added up exactly as row by row.
    fn fused_pass(&self, mean: f64) -> (f64, Moments) {
        let mut acc = FusedAcc {
            mean,
            total_weight: self.total_weight,
            cum: 0.0,
            gini: 0.0,
            m: Moments::default(),
            r: [0.0; FUSED_BLOCK],
            ln_r: [0.0; FUSED_BLOCK],
            terms: [[0.0; 5]; FUSED_BLOCK],
        };
        let (pay, sx) = (&self.pay[..], self.inv_pay_scale);
        let mut xs = [0.0; FUSED_BLOCK];
        let mut ws = [0.0; FUSED_BLOCK];
        match &self.weights {
            None => {
                // A run's weight is its length: exactly the sum of its 1s.
                let mut ends = [0usize; FUSED_BLOCK];
                let mut start = 0;
                for (b, block) in pay.chunks(FUSED_BLOCK).enumerate() {
                    let base = b * FUSED_BLOCK;
                    let mut prev = pay[base.saturating_sub(1)];
                    let mut k = 0;
                    for (j, &x) in block.iter().enumerate() {
                        ends[k] = base + j;
                        k += usize::from(x != prev);
                        prev = x;
                    }
                    for (m, &end) in ends[..k].iter().enumerate() {
                        xs[m] = pay[start] * sx;
                        ws[m] = (end - start) as f64;
                        start = end;
                    }
                    acc.add_runs(&xs[..k], &ws[..k]);
                }
                acc.add_runs(&[pay[start] * sx], &[(pay.len() - start) as f64]);
            }
            Some(w) => {
                let sw = self.inv_weight_scale;
                let (mut run_x, mut run_w) = (f64::NAN, 0.0);
                for (xb, wb) in pay.chunks(FUSED_BLOCK).zip(w.chunks(FUSED_BLOCK)) {
                    let mut k = 0;
                    for (&x, &w) in xb.iter().zip(wb) {
                        let x = x * sx;
                        let new = x != run_x;
                        xs[k] = run_x;
                        ws[k] = run_w;
                        // A run of weight 0 (the empty one before the first row) adds nothing.
                        k += usize::from(new && run_w != 0.0);
                        if new {
                            run_w = 0.0;
                        }
                        run_w += w * sw;
                        run_x = x;
                    }
                    acc.add_runs(&xs[..k], &ws[..k]);
                }
                if run_w != 0.0 {
                    acc.add_runs(&[run_x], &[run_w]);
                }
            }
        }
        (acc.gini, acc.m)
    }
}

/// All statistics of one sample, as [`Sample::summary`] computes them. Serialized with these
/// snake_case field names; see the [module docs](self) for each formula and its reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Number of rows.
    pub n: usize,
    /// Sum of weights `W` (equals `n` when unweighted).
    pub weighted_n: f64,
    /// Smallest pay.
    pub min: f64,
    /// 10th percentile `Q(0.1)` (R `type = 2` rule, weighted).
    pub p10: f64,
    /// Median `Q(0.5)`.
    pub p50: f64,
    /// Weighted mean.
    pub mean: f64,
    /// 90th percentile `Q(0.9)`.
    pub p90: f64,
    /// Largest pay.
    pub max: f64,
    /// `max / min` of the data (not of the reference minimum).
    pub max_min_ratio: Option<f64>,
    /// `p90 / p10`.
    pub p90_p10: Option<f64>,
    /// `p50 / p10`.
    pub p50_p10: Option<f64>,
    /// `p90 / p50`.
    pub p90_p50: Option<f64>,
    /// The reference minimum wage that `kaitz` and `caps` are relative to.
    pub minimum: f64,
    /// Kaitz index, `minimum / p50`.
    pub kaitz: Option<f64>,
    /// Weighted share with pay strictly below `2 · p50 / 3`.
    pub low_pay_share: f64,
    /// Gini (`ineq::Gini`; weighted `laeken::gini / 100`).
    pub gini: f64,
    /// Corrected Gini (`ineq::Gini(corr = TRUE)`; weighted factor `W²/(W² − Σw²)`); `null` for
    /// a single row.
    pub gini_corrected: Option<f64>,
    /// Theil T, GE(1).
    pub theil_t: Option<f64>,
    /// Mean log deviation, GE(0).
    pub mld: Option<f64>,
    /// Atkinson, ε = 0.5.
    pub atkinson_0_5: Option<f64>,
    /// Atkinson, ε = 1.
    pub atkinson_1: Option<f64>,
    /// Atkinson, ε = 2.
    pub atkinson_2: Option<f64>,
    /// Share of total pay held by the top 10% of the weighted population.
    pub top10_share: f64,
    /// Share of total pay held by the top 1%.
    pub top1_share: f64,
    /// Palma ratio, top 10% share / bottom 40% share.
    pub palma: Option<f64>,
    /// One row per cap multiple, in the order given.
    pub caps: Vec<CapRow>,
    /// Quintile share ratio S80/S20 ([`Sample::quintile_share_ratio`], `laeken::qsr`).
    pub s80_s20: Option<f64>,
    /// The at-risk-of-poverty line as a fraction of the median (Eurostat: 0.6).
    pub poverty_line: f64,
    /// At-risk-of-poverty threshold, `poverty_line · p50` (`laeken::arpt`).
    pub poverty_threshold: f64,
    /// At-risk-of-poverty rate: the weighted share strictly below the threshold
    /// (`laeken::arpr / 100`).
    pub poverty_rate: f64,
    /// Relative median at-risk-of-poverty gap, `1 − M / threshold` with `M` the weighted median
    /// of the pay below the threshold (`laeken::rmpg / 100`); `null` when nobody is below it.
    pub poverty_gap: Option<f64>,
}

/// Who earns more than `k` times the minimum, and what a cap at that level would redirect.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapRow {
    /// The cap multiple.
    pub k: f64,
    /// `k · minimum`.
    pub threshold: f64,
    /// Rows with pay strictly above `threshold` (unweighted).
    pub rows: usize,
    /// Weighted count with pay strictly above `threshold` (equals `rows` when unweighted).
    pub count: f64,
    /// `count / W`.
    pub share: f64,
    /// Total pay above the threshold, `Σ_{x_i > t} w_i (x_i − t)`: what the cap would redirect.
    pub pay_above_total: f64,
}

/// People (weighted) per log-spaced bin of pay / minimum ([`Sample::histogram`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Histogram {
    /// Bin edges in multiples of the minimum, ascending; `counts.len() + 1` of them. Bin `j` is
    /// `[edges[j], edges[j + 1])`.
    pub edges: Vec<f64>,
    /// Weighted count in each bin (0 for an empty bin).
    pub counts: Vec<f64>,
    /// Bins per decade: edges are `10^(k / per_decade)`.
    pub per_decade: u32,
}

/// [`validate`] without the positivity of pay: finite pay, valid weights.
fn validate_finite(pay: &[f64], weights: Option<&[f64]>) -> Result<(), InequalityError> {
    if let Some((index, &value)) = pay.iter().enumerate().find(|(_, x)| !x.is_finite()) {
        return Err(InequalityError::NonFinitePay { index, value });
    }
    if pay.is_empty() {
        return Err(InequalityError::Empty);
    }
    if let Some(w) = weights {
        if w.len() != pay.len() {
            return Err(InequalityError::LengthMismatch {
                pay: pay.len(),
                weights: w.len(),
            });
        }
        if let Some((index, &value)) = w
            .iter()
            .enumerate()
            .find(|(_, &w)| !(w > 0.0 && w.is_finite()))
        {
            return Err(InequalityError::InvalidWeight { index, value });
        }
    }
    Ok(())
}

fn validate(pay: &[f64], weights: Option<&[f64]>) -> Result<(), InequalityError> {
    if pay.is_empty() {
        return Err(InequalityError::Empty);
    }
    if let Some(w) = weights {
        if w.len() != pay.len() {
            return Err(InequalityError::LengthMismatch {
                pay: pay.len(),
                weights: w.len(),
            });
        }
    }
    // `x > 0 && finite` is one cheap test per value; find the culprit only on failure.
    if !pay.iter().all(|&x| x > 0.0 && x.is_finite()) {
        let (index, &value) = pay
            .iter()
            .enumerate()
            .find(|(_, &x)| !(x > 0.0 && x.is_finite()))
            .expect("a failing value exists");
        return Err(if value.is_finite() {
            InequalityError::NonPositivePay { index, value }
        } else {
            InequalityError::NonFinitePay { index, value }
        });
    }
    if let Some(w) = weights {
        if let Some((index, &value)) = w
            .iter()
            .enumerate()
            .find(|(_, &w)| !(w > 0.0 && w.is_finite()))
        {
            return Err(InequalityError::InvalidWeight { index, value });
        }
    }
    Ok(())
}

fn check_minimum_and_caps(minimum: f64, caps: &[f64]) -> Result<(), InequalityError> {
    if !(minimum > 0.0 && minimum.is_finite()) {
        return Err(InequalityError::InvalidMinimum(minimum));
    }
    if let Some(&k) = caps.iter().find(|&&k| !(k > 0.0 && k.is_finite())) {
        return Err(InequalityError::InvalidCap(k));
    }
    Ok(())
}

/// `Σ_i w_i x_i (C_{i−1} + C_i − W)`, the centred form of laeken's
/// `2 Σ w_i x_i C_i − Σ w_i² x_i − W S`.
fn gini_numerator(it: impl Iterator<Item = (f64, f64)>, total_weight: f64) -> f64 {
    let mut cum = 0.0;
    let mut num = 0.0;
    for (x, w) in it {
        let next = cum + w;
        num += w * x * (cum + next - total_weight);
        cum = next;
    }
    num
}

fn corrected_gini(gini: f64, total_weight: f64, sum_sq_weights: f64) -> Option<f64> {
    let w2 = total_weight * total_weight;
    let denom = w2 - sum_sq_weights;
    // A single row (W² = Σw²) has no distinct pairs.
    if denom <= w2 * 1e-15 {
        None
    } else {
        Some(gini * (w2 / denom))
    }
}

/// Weighted pay of the first `target` units of weight in iteration order, the straddling
/// observation counted fractionally.
fn pay_of_first(it: impl Iterator<Item = (f64, f64)>, target: f64) -> f64 {
    let (mut cum, mut held) = (0.0, 0.0);
    for (x, w) in it {
        if cum + w >= target {
            return held + x * (target - cum).max(0.0);
        }
        cum += w;
        held += w * x;
    }
    held
}

/// The points of [`Sample::lorenz_curve`] after `(0, 0)`, from scaled `(pay, weight)` pairs in
/// ascending order: each vertex (`every_row`), else `points` even steps of the total weight,
/// the row straddling a step counted in proportion to its weight below the step (as
/// [`pay_of_first`] does for one level).
fn lorenz_points(
    it: impl Iterator<Item = (f64, f64)>,
    every_row: bool,
    points: usize,
    (total_w, total_p): (f64, f64),
    out: &mut Vec<(f64, f64)>,
) {
    let (mut cw, mut cp) = (0.0, 0.0);
    if every_row {
        for (x, w) in it {
            cw += w;
            cp += w * x;
            out.push(((cw / total_w).min(1.0), (cp / total_p).min(1.0)));
        }
        return;
    }
    let step = |j: usize| j as f64 / points as f64;
    let mut j = 1;
    for (x, w) in it {
        while j < points && step(j) * total_w <= cw + w {
            let held = cp + x * (step(j) * total_w - cw).max(0.0);
            out.push((step(j), (held / total_p).clamp(0.0, 1.0)));
            j += 1;
        }
        cw += w;
        cp += w * x;
    }
    // Steps that rounding left past the last row hold all the pay.
    out.extend((j..points).map(|j| (step(j), 1.0)));
}

/// Weighted sums of the non-negative deviation terms of the entropy family.
#[derive(Debug, Clone, Copy, Default)]
struct Moments {
    /// `Σ w (r ln r − r + 1)`.
    theil: f64,
    /// `Σ w (r − 1 − ln r)`.
    mld: f64,
    /// `Σ w (√r − 1)²`.
    sqrt_dev: f64,
    /// `Σ w (r − 1)² / r`.
    inv_dev: f64,
}

impl Moments {
    fn theil_t(&self, total_weight: f64) -> f64 {
        (self.theil / total_weight).max(0.0)
    }
    fn mld(&self, total_weight: f64) -> f64 {
        (self.mld / total_weight).max(0.0)
    }
    /// `A(½) = 1 − (E√r)² = h (2 − h)`, `h = 1 − E√r = E[(√r − 1)²] / 2`.
    fn atkinson_half(&self, total_weight: f64) -> f64 {
        let h = self.sqrt_dev / total_weight / 2.0;
        (h * (2.0 - h)).clamp(0.0, 1.0)
    }
    /// `A(2) = 1 − 1 / E[1/r] = k / (1 + k)`, `k = E[1/r] − 1 = E[(r − 1)² / r]`.
    fn atkinson_two(&self, total_weight: f64) -> f64 {
        let k = self.inv_dev / total_weight;
        (k / (1.0 + k)).clamp(0.0, 1.0)
    }
}

/// Runs per block of [`Sample::fused_pass`]: the block's arrays stay in L1.
const FUSED_BLOCK: usize = 256;

struct FusedAcc {
    mean: f64,
    total_weight: f64,
    cum: f64,
    gini: f64,
    m: Moments,
    /// Scratch for a block's runs: `r = x / μ`, then `ln r`, then each run's terms.
    r: [f64; FUSED_BLOCK],
    ln_r: [f64; FUSED_BLOCK],
    terms: [[f64; 5]; FUSED_BLOCK],
}

impl FusedAcc {
    /// Adds runs of distinct (scaled) pay `xs` with total weights `ws` (all positive), in order.
    /// Each run's terms are computed apart from the running sums (no dependency between runs,
    /// so the divisions and square roots vectorize), then added up in order.
    #[inline]
    fn add_runs(&mut self, xs: &[f64], ws: &[f64]) {
        let n = xs.len();
        let (r, ln_r, terms) = (&mut self.r[..n], &mut self.ln_r[..n], &mut self.terms[..n]);
        for (r, &x) in r.iter_mut().zip(xs) {
            *r = x / self.mean;
        }
        for (l, &r) in ln_r.iter_mut().zip(r.iter()) {
            *l = r.ln();
        }
        for ((((t, &x), &w), &r), &ln_r) in terms
            .iter_mut()
            .zip(xs)
            .zip(ws)
            .zip(r.iter())
            .zip(ln_r.iter())
        {
            let d = r - 1.0;
            let s = r.sqrt() - 1.0;
            *t = [
                w * x,
                w * (r * ln_r - d),
                w * (d - ln_r),
                w * s * s,
                w * d * d / r,
            ];
        }
        let (mut cum, mut gini, mut m) = (self.cum, self.gini, self.m);
        for (&w, t) in ws.iter().zip(terms.iter()) {
            let next = cum + w;
            gini += t[0] * (cum + next - self.total_weight);
            cum = next;
            m.theil += t[1];
            m.mld += t[2];
            m.sqrt_dev += t[3];
            m.inv_dev += t[4];
        }
        (self.cum, self.gini, self.m) = (cum, gini, m);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The row-by-row forms the blocked passes replace: the same sums in the same order.
    fn reference_fused(s: &Sample) -> (f64, [f64; 4]) {
        let mean = s.scaled_mean();
        let (mut cum, mut gini) = (0.0, 0.0);
        let mut m = [0.0f64; 4];
        let mut add = |x: f64, w: f64| {
            if w == 0.0 {
                return;
            }
            let next = cum + w;
            gini += w * x * (cum + next - s.total_weight);
            cum = next;
            let r = x / mean;
            let ln_r = r.ln();
            let d = r - 1.0;
            m[0] += w * (r * ln_r - d);
            m[1] += w * (d - ln_r);
            let q = r.sqrt() - 1.0;
            m[2] += w * q * q;
            m[3] += w * d * d / r;
        };
        let (mut run_x, mut run_w) = (f64::NAN, 0.0);
        with_pairs!(s, |it| for (x, w) in it {
            if x != run_x {
                add(run_x, run_w);
                run_x = x;
                run_w = 0.0;
            }
            run_w += w;
        });
        add(run_x, run_w);
        (gini, m)
    }

    fn reference_cap(s: &Sample, minimum: f64, k: f64) -> (usize, f64, f64) {
        let threshold = k * minimum;
        let start = s.pay.partition_point(|&x| x <= threshold);
        let above = &s.pay[start..];
        match &s.weights {
            None => (
                above.len(),
                above.len() as f64,
                above.iter().map(|&x| x - threshold).sum(),
            ),
            Some(w) => {
                let (c, e) = above
                    .iter()
                    .zip(&w[start..])
                    .fold((0.0, 0.0), |(c, e), (&x, &w)| {
                        (c + w, e + w * (x - threshold))
                    });
                (above.len(), c, e)
            }
        }
    }

    #[test]
    fn blocked_passes_equal_row_by_row_bit_for_bit() {
        let mut seed = 7u64;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        // Sizes around the block length; pay on a coarse grid (many ties) or continuous.
        for n in [1, 2, 3, 255, 256, 257, 511, 512, 513, 1000, 5000] {
            for grid in [0.0, 0.5, 10.0] {
                let pay: Vec<f64> = (0..n)
                    .map(|_| {
                        let x = (next() * 5.0).exp() * 100.0;
                        if grid > 0.0 {
                            (x / grid).ceil() * grid
                        } else {
                            x
                        }
                    })
                    .collect();
                let w: Vec<f64> = (0..n).map(|_| (next() * 4.0).ceil() / 2.0).collect();
                for weights in [None, Some(w)] {
                    let s = Sample::new(pay.clone(), weights).unwrap();
                    let (gini, m) = s.fused_pass(s.scaled_mean());
                    let (rg, rm) = reference_fused(&s);
                    assert_eq!(gini.to_bits(), rg.to_bits(), "n {n} grid {grid}");
                    let got = [m.theil, m.mld, m.sqrt_dev, m.inv_dev].map(f64::to_bits);
                    assert_eq!(got, rm.map(f64::to_bits), "n {n} grid {grid}");
                    // Thresholds below, inside and above the data; more than four caps.
                    let caps = [0.5, 2.0, 1e9, 8.0, 30.0, 3.0, 100.0];
                    for (row, &k) in s.cap_rows(100.0, &caps).iter().zip(&caps) {
                        let (rows, count, excess) = reference_cap(&s, 100.0, k);
                        assert_eq!(row.rows, rows);
                        assert_eq!(row.count.to_bits(), count.to_bits());
                        assert_eq!(row.pay_above_total.to_bits(), excess.to_bits(), "k {k}");
                    }
                }
            }
        }
    }

    #[test]
    fn rejects_bad_input_naming_the_row() {
        assert_eq!(Sample::new(vec![], None), Err(InequalityError::Empty));
        assert_eq!(
            Sample::new(vec![1.0, 0.0, -1.0], None),
            Err(InequalityError::NonPositivePay {
                index: 1,
                value: 0.0
            })
        );
        assert!(matches!(
            Sample::new(vec![1.0, f64::NAN], None),
            Err(InequalityError::NonFinitePay { index: 1, .. })
        ));
        assert!(matches!(
            Sample::new(vec![f64::INFINITY], None),
            Err(InequalityError::NonFinitePay { index: 0, .. })
        ));
        assert_eq!(
            Sample::new(vec![1.0, 2.0], Some(vec![1.0])),
            Err(InequalityError::LengthMismatch { pay: 2, weights: 1 })
        );
        assert_eq!(
            Sample::new(vec![1.0, 2.0], Some(vec![1.0, 0.0])),
            Err(InequalityError::InvalidWeight {
                index: 1,
                value: 0.0
            })
        );
        assert!(matches!(
            Sample::new(vec![1.0, 2.0], Some(vec![f64::NAN, 1.0])),
            Err(InequalityError::InvalidWeight { index: 0, .. })
        ));
        assert_eq!(
            Sample::from_sorted(vec![1.0, 3.0, 2.0], None),
            Err(InequalityError::NotSorted { index: 2 })
        );
        assert_eq!(
            Sample::new(vec![1e308, 1e308], None),
            Err(InequalityError::TotalOverflow)
        );
        let s = Sample::new(vec![1.0], None).unwrap();
        assert_eq!(
            s.try_summary(0.0, &[]),
            Err(InequalityError::InvalidMinimum(0.0))
        );
        assert_eq!(
            s.try_summary(1.0, &[5.0, -1.0]),
            Err(InequalityError::InvalidCap(-1.0))
        );
    }

    /// Statistics are scale-invariant and computed on pay and weights shifted by powers of two:
    /// magnitudes at either end of `f64` give the same figures as moderate ones.
    #[test]
    fn extreme_magnitudes_are_computed_in_a_rescaled_space() {
        // Pay 1e300 and 1.7e308: W · S overflowed and the Gini came out 0 (true: 0.5 · (1 −
        // 1e300/1.7e308)/(1 + 1e300/1.7e308), about 0.5).
        let s = Sample::new(vec![1e300, 1.7e308], None).unwrap();
        let g = s.gini();
        assert!((g - 0.5).abs() < 1e-8, "{g}");
        let m = s.summary(1e300, &[2.0]);
        assert_eq!(m.gini, g);
        assert!(
            m.theil_t.unwrap().is_finite()
                && m.mld.unwrap().is_finite()
                && m.atkinson_2.unwrap().is_finite()
        );
        assert!((m.mean - 0.85e308).abs() < 1e300 && (m.top1_share - 0.02).abs() < 1e-8);
        // Pay 1e-200 with weight 1e-200: w · x underflowed, the total pay was 0, the Gini NaN.
        let s = Sample::new(vec![1e-200, 2e-200], Some(vec![1e-200, 1e-200])).unwrap();
        let m = s.summary(1e-200, &[1.5]);
        let moderate = Sample::new(vec![1.0, 2.0], Some(vec![1.0, 1.0]))
            .unwrap()
            .summary(1.0, &[1.5]);
        for (a, b) in [
            (m.gini, moderate.gini),
            (m.gini_corrected.unwrap(), moderate.gini_corrected.unwrap()),
            (m.theil_t.unwrap(), moderate.theil_t.unwrap()),
            (m.atkinson_0_5.unwrap(), moderate.atkinson_0_5.unwrap()),
            (m.top10_share, moderate.top10_share),
            (m.palma.unwrap(), moderate.palma.unwrap()),
            (m.caps[0].share, moderate.caps[0].share),
        ] {
            assert!((a - b).abs() <= 1e-12, "{a} vs {b}");
        }
        assert!((m.mean / 1.5e-200 - 1.0).abs() < 1e-12);
        assert!((m.weighted_n / 2e-200 - 1.0).abs() < 1e-12);
        // Heavy weights on large pay: W and S in the data's units overflow, an error.
        assert_eq!(
            Sample::new(vec![1.0, 2.0], Some(vec![1e308, 1e308])),
            Err(InequalityError::TotalOverflow)
        );
        // A spread beyond MAX_PAY_SPREAD is rejected with both ends named.
        let e = Sample::new(vec![1e-300, 1.0, 1e300], None).unwrap_err();
        assert_eq!(
            e,
            InequalityError::PaySpread {
                min: 1e-300,
                max: 1e300
            }
        );
        assert!(e.to_string().contains("more than 1e100 times apart"), "{e}");
        assert!(Sample::new(vec![1e-50, 1e50], None).is_ok());
    }

    #[test]
    fn sorts_pay_with_weights() {
        let s = Sample::new(vec![3.0, 1.0, 2.0], Some(vec![30.0, 10.0, 20.0])).unwrap();
        assert_eq!(s.pay(), &[1.0, 2.0, 3.0]);
        assert_eq!(s.weights().unwrap(), &[10.0, 20.0, 30.0]);
        assert_eq!(s.weighted_n(), 60.0);
        assert_eq!(s.total_pay(), 140.0);
    }

    #[test]
    fn quantiles_follow_r_type_2() {
        // R: quantile(1:10, c(.1, .5, .9, .25), type = 2) = 1.5 5.5 9.5 3
        let s = Sample::new((1..=10).map(f64::from).collect(), None).unwrap();
        assert_eq!(s.quantile(0.1), 1.5);
        assert_eq!(s.quantile(0.5), 5.5);
        assert_eq!(s.quantile(0.9), 9.5);
        assert_eq!(s.quantile(0.25), 3.0);
        assert_eq!(s.quantile(0.0), 1.0);
        assert_eq!(s.quantile(1.0), 10.0);
        // 0.1 * 30 = 3.0000000000000004 must still count as a tie: R gives 3.5.
        let s = Sample::new((1..=30).map(f64::from).collect(), None).unwrap();
        assert_eq!(s.quantile(0.1), 3.5);
        // Weighted: weights 1,2,3,4 on 1..4 (W = 10): C = 1,3,6,10; median target 5 -> x = 3.
        let s = Sample::new(vec![1.0, 2.0, 3.0, 4.0], Some(vec![1.0, 2.0, 3.0, 4.0])).unwrap();
        assert_eq!(s.quantile(0.5), 3.0);
        assert_eq!(s.quantile(0.3), 2.5);
    }

    #[test]
    fn hand_computed_values() {
        // x = 1,2,3,4: Σ|xi − xj| over ordered pairs = 20; Gini = 20 / (2 · 16 · 2.5) = 0.25.
        let s = Sample::new(vec![4.0, 3.0, 2.0, 1.0], None).unwrap();
        assert!((s.gini() - 0.25).abs() < 1e-15);
        assert!((s.gini_corrected().unwrap() - 0.25 * 4.0 / 3.0).abs() < 1e-15);
        // Top 10% of 4 people = 0.4 of the richest (4): 1.6 / 10.
        assert!((s.top_share(0.1) - 0.16).abs() < 1e-15);
        // Bottom 40% = person 1 and 0.6 of person 2: 2.2 / 10.
        assert!((s.lorenz(0.4) - 0.22).abs() < 1e-15);
        let caps = s.caps(1.0, &[2.0, 3.5]);
        assert_eq!(
            (caps[0].rows, caps[0].count, caps[0].pay_above_total),
            (2, 2.0, 3.0)
        );
        assert_eq!((caps[1].rows, caps[1].pay_above_total), (1, 0.5));
        assert_eq!(s.share_below(2.0), 0.25);
        // One row: everything is equal, the corrected Gini undefined.
        let one = Sample::new(vec![7.0], Some(vec![3.0]))
            .unwrap()
            .summary(7.0, &[1.0]);
        assert_eq!(
            (one.gini, one.theil_t.unwrap(), one.atkinson_2.unwrap()),
            (0.0, 0.0, 0.0)
        );
        assert_eq!(one.gini_corrected, None);
        assert_eq!(one.caps[0].count, 0.0);
    }

    #[test]
    fn summary_matches_single_statistics() {
        let s = Sample::new(
            vec![5.0, 1.5, 9.0, 2.0, 40.0, 3.3],
            Some(vec![1.0, 2.5, 0.5, 3.0, 0.25, 1.0]),
        )
        .unwrap();
        let m = s.summary(1.5, &[2.0, 8.0]);
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * a.abs().max(b.abs());
        assert!(close(m.gini, s.gini()));
        assert!(close(m.theil_t.unwrap(), s.theil_t()));
        assert!(close(m.theil_t.unwrap(), s.generalized_entropy(1.0)));
        assert!(close(m.mld.unwrap(), s.generalized_entropy(0.0)));
        assert!(close(m.atkinson_0_5.unwrap(), s.atkinson(0.5)));
        assert!(close(m.atkinson_1.unwrap(), s.atkinson(1.0)));
        assert!(close(m.atkinson_2.unwrap(), s.atkinson(2.0)));
        // GE(2) is half the squared coefficient of variation.
        let mean = s.mean();
        let var: f64 = s
            .pay()
            .iter()
            .zip(s.weights().unwrap())
            .map(|(&x, &w)| w * (x - mean).powi(2))
            .sum::<f64>()
            / s.weighted_n();
        assert!(close(s.generalized_entropy(2.0), var / mean / mean / 2.0));
        assert!(close(m.top10_share, 1.0 - s.lorenz(0.9)));
    }

    fn pseudo_random(n: usize, seed: u64) -> Vec<f64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((x >> 11) as f64 / (1u64 << 53) as f64 * 6.0).exp()
            })
            .collect()
    }

    #[test]
    fn lorenz_curve_agrees_with_lorenz() {
        let pay = pseudo_random(5000, 1);
        let w: Vec<f64> = pseudo_random(5000, 2)
            .iter()
            .map(|v| v.ln() + 0.5)
            .collect();
        for weights in [None, Some(w)] {
            let s = Sample::new(pay.clone(), weights).unwrap();
            // On the grid (more rows than points) and at every vertex (fewer).
            for points in [100, 10_000] {
                let c = s.lorenz_curve(points);
                assert_eq!(c.first(), Some(&(0.0, 0.0)));
                assert_eq!(c.last(), Some(&(1.0, 1.0)));
                assert!(c.windows(2).all(|p| p[1].0 >= p[0].0 && p[1].1 >= p[0].1));
                for &(q, l) in &c {
                    assert!((l - s.lorenz(q.min(1.0))).abs() < 1e-9, "q {q}: {l}");
                }
            }
            assert_eq!(s.lorenz_curve(100).len(), 101);
        }
    }

    #[test]
    fn histogram_bins_hold_every_row_once() {
        let pay = pseudo_random(3000, 3);
        let s = Sample::new(pay.clone(), None).unwrap();
        let h = s.histogram(1.0);
        assert_eq!(h.counts.len() + 1, h.edges.len());
        assert_eq!(h.counts.iter().sum::<f64>(), 3000.0);
        assert!(h.edges[0] <= s.min() && *h.edges.last().unwrap() > s.max());
        let j = 7;
        let direct = pay
            .iter()
            .filter(|&&x| x >= h.edges[j] && x < h.edges[j + 1])
            .count();
        assert_eq!(h.counts[j], direct as f64);
        // Weighted: the weights are summed; one pay value makes one bin.
        let s = Sample::new(vec![5.0; 4], Some(vec![1.0, 2.0, 3.0, 0.5])).unwrap();
        let h = s.histogram(2.0);
        assert_eq!(h.counts.iter().filter(|&&c| c > 0.0).count(), 1);
        assert_eq!(h.counts.iter().sum::<f64>(), 6.5);
    }
}

#[cfg(test)]
mod nonpositive_tests {
    use super::*;

    /// `--nonpositive keep`: the Gini with zeros and a negative value is the pairwise
    /// definition `Σ_i Σ_j w_i w_j |x_i − x_j| / (2 W² μ)` (computed here directly; it exceeds
    /// no bound: with negative pay it may pass 1), quantiles count the zeros, Atkinson 0.5 with
    /// zeros is `1 − E[√r]²`, and the log-based measures are not defined.
    #[test]
    fn zeros_and_negatives_are_kept_where_the_measures_allow() {
        let pay = vec![0.0, 1200.0, 1500.0, 0.0, 2200.0, 3100.0, 900.0, 1800.0];
        let w = vec![1.0, 2.0, 1.0, 1.5, 2.0, 1.0, 1.0, 3.0];
        let s = Sample::new_keeping_nonpositive(pay.clone(), Some(w.clone())).unwrap();
        let total: f64 = w.iter().sum();
        let mean = pay.iter().zip(&w).map(|(x, w)| x * w).sum::<f64>() / total;
        let mut pairs = 0.0;
        for (xi, wi) in pay.iter().zip(&w) {
            for (xj, wj) in pay.iter().zip(&w) {
                pairs += wi * wj * (xi - xj).abs();
            }
        }
        let gini = pairs / (2.0 * total * total * mean);
        let m = s.summary(100.0, &[5.0]);
        assert!((m.gini - gini).abs() < 1e-14, "{} vs {gini}", m.gini);
        // Weighted median: cumulative weights 1, 2.5 (the zeros), 3.5 (900), 5.5 (1200) of
        // 12.5: the median is the first value with C ≥ 6.25, 1500 (C = 6.5).
        assert_eq!(m.p50, 1500.0);
        let root: f64 = pay
            .iter()
            .zip(&w)
            .map(|(x, w)| w / total * (x / mean).sqrt())
            .sum();
        assert!((m.atkinson_0_5.unwrap() - (1.0 - root * root)).abs() < 1e-14);
        assert_eq!(
            (m.mld, m.theil_t, m.atkinson_1, m.atkinson_2),
            (None, None, None, None)
        );
        // P10 is 0: every ratio to it is not defined, and the bottom fifth's pay is 0 too.
        assert_eq!((m.p10, m.p90_p10, m.p50_p10), (0.0, None, None));
        assert_eq!(m.s80_s20, None);
        assert_eq!(m.max_min_ratio, None);

        let negative = vec![-50.0, 0.0, 100.0, 400.0];
        let s = Sample::new_keeping_nonpositive(negative.clone(), None).unwrap();
        let mu = 450.0 / 4.0;
        let mut pairs = 0.0;
        for a in &negative {
            for b in &negative {
                pairs += (a - b).abs();
            }
        }
        let m = s.summary(10.0, &[5.0]);
        assert!((m.gini - pairs / (2.0 * 16.0 * mu)).abs() < 1e-14);
        assert_eq!(m.atkinson_0_5, None);
    }

    /// Against R `laeken` 0.5.2 (its `gini` is the same formula; `ineq` is not installed here),
    /// and by hand. The R lines, with their output:
    ///
    /// ```text
    /// library(laeken); x <- c(0, 0, 900, 1200, 1500, 2200, 3100, 1800)
    /// w <- c(1.5, 1, 1, 2, 1, 2, 1, 3); y <- c(-50, 0, 100, 400, 250)
    /// sprintf("%.17g", gini(x)$value / 100)     # 0.4170560747663552
    /// sprintf("%.17g", gini(x, w)$value / 100)  # 0.34779661016949165
    /// quantile(x, c(0.1, 0.5, 0.9), type = 2)   # 0 1350 3100
    /// sprintf("%.17g", gini(y)$value / 100)     # 0.65714285714285725 (the same double as 0.6571428571428573)
    /// quantile(y, c(0.1, 0.5, 0.9), type = 2)   # -50 100 400
    /// qsr(x)$value                              # Inf (wages: None, the bottom fifth holds 0)
    /// ```
    ///
    /// By hand, sorted `x` has `n = 8`, `S = 10700`, `μ = 1337.5`, and the Gini is
    /// `Σ (2i − n − 1) x_i / (n² μ) = (−3·900 − 1200 + 1500 + 3·1800 + 5·2200 + 7·3100) / (64 ·
    /// 1337.5) = 35700 / 85600`; sorted `y` has `S = 700`, `μ = 140`:
    /// `(4·50 + 0 + 0 + 2·250 + 4·400) / (25 · 140) = 2300 / 3500 = 23/35` (above no bound:
    /// with negative pay the Gini may exceed 1).
    #[test]
    fn zeros_and_negatives_match_laeken() {
        let x = vec![0.0, 0.0, 900.0, 1200.0, 1500.0, 2200.0, 3100.0, 1800.0];
        let w = vec![1.5, 1.0, 1.0, 2.0, 1.0, 2.0, 1.0, 3.0];
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-15 * b.abs().max(1.0);
        let s = Sample::new_keeping_nonpositive(x.clone(), None).unwrap();
        assert!(close(s.gini(), 0.4170560747663552), "{}", s.gini());
        assert!(close(s.gini(), 35700.0 / 85600.0));
        assert_eq!(
            [0.1, 0.5, 0.9].map(|p| s.quantile(p)),
            [0.0, 1350.0, 3100.0]
        );
        assert_eq!(s.quintile_share_ratio(), None);
        let sw = Sample::new_keeping_nonpositive(x, Some(w)).unwrap();
        assert!(close(sw.gini(), 0.34779661016949165), "{}", sw.gini());
        let y =
            Sample::new_keeping_nonpositive(vec![-50.0, 0.0, 100.0, 400.0, 250.0], None).unwrap();
        assert!(close(y.gini(), 0.6571428571428573), "{}", y.gini());
        assert!(close(y.gini(), 23.0 / 35.0));
        assert_eq!(
            [0.1, 0.5, 0.9].map(|p| y.quantile(p)),
            [-50.0, 100.0, 400.0]
        );
        // The summary agrees with the single statistics, and says what is not defined.
        let m = y.summary(10.0, &[5.0]);
        assert_eq!(m.gini, y.gini());
        assert_eq!(
            (m.mld, m.theil_t, m.atkinson_0_5, m.atkinson_1, m.atkinson_2),
            (None, None, None, None, None)
        );
        // Caps against the given minimum 10: above 50 are 100, 250 and 400, 50 + 200 + 350 over.
        assert_eq!((m.caps[0].rows, m.caps[0].pay_above_total), (3, 600.0));
        // Kaitz 10 / 100; max:min not defined at a negative min.
        assert_eq!((m.kaitz, m.max_min_ratio), (Some(0.1), None));
    }

    /// The spread check of kept pay looks at magnitudes and leaves zeros out: the largest |pay|
    /// over the smallest non-zero |pay|.
    #[test]
    fn the_spread_of_kept_pay_is_of_the_nonzero_magnitudes() {
        // |−1e-99| to 2: a spread of 2e99, accepted; zeros do not count.
        let s = Sample::new_keeping_nonpositive(vec![0.0, -1e-99, 2.0, 0.0], None).unwrap();
        assert_eq!(s.min(), -1e-99);
        // The largest magnitude may be the negative end: −3e101 against 1.
        let e = Sample::new_keeping_nonpositive(vec![-3e101, 1.0, 1e200], None).unwrap_err();
        assert!(matches!(e, InequalityError::PaySpread { .. }), "{e}");
        let e = Sample::new_keeping_nonpositive(vec![-3e101, 1.0, 0.0], None).unwrap_err();
        assert!(
            matches!(e, InequalityError::PaySpread { min, max } if min == 1.0 && max == 3e101),
            "{e}"
        );
        // Pay near f64::MAX with a zero: scaled by the largest magnitude, no overflow.
        let s = Sample::new_keeping_nonpositive(vec![0.0, f64::MAX / 4.0, f64::MAX / 4.0], None)
            .unwrap();
        assert!((s.gini() - 1.0 / 3.0).abs() < 1e-15, "{}", s.gini());
    }

    #[test]
    fn positive_pay_gives_the_strict_sample_and_a_nonpositive_total_is_refused() {
        let pay = vec![3.0, 1.0, 2.0];
        assert_eq!(
            Sample::new_keeping_nonpositive(pay.clone(), None).unwrap(),
            Sample::new(pay, None).unwrap()
        );
        let e = Sample::new_keeping_nonpositive(vec![-5.0, 0.0, 2.0], None).unwrap_err();
        assert_eq!(e, InequalityError::NonPositiveTotal);
        let e = Sample::new_keeping_nonpositive(vec![0.0, 0.0], None).unwrap_err();
        assert_eq!(e, InequalityError::NonPositiveTotal);
        let e = Sample::new_keeping_nonpositive(vec![f64::NAN, 1.0], None).unwrap_err();
        assert!(matches!(e, InequalityError::NonFinitePay { index: 0, .. }));
        // The strict constructor still refuses zero.
        assert!(Sample::new(vec![0.0, 1.0], None).is_err());
    }
}

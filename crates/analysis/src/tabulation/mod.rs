//! Bracket tables: validated tables, survival shares and Pareto exponents, fitted distributions
//! (mean-split histogram, generalized Pareto interpolation), Gini bounds, and counts extrapolated
//! from rounded shares.
//!
//! Thresholds and means are in multiples of the minimum; shares are fractions of the population.
//!
//! ```
//! use wages_analysis::tabulation::{
//!     gini_bounds, Bracket, BracketTable, FittedDistribution, MeanSplitHistogram,
//! };
//! let table = BracketTable::new(vec![
//!     Bracket::closed(1.0, 2.0, 0.5).with_mean(1.4),
//!     Bracket::closed(2.0, 4.0, 0.3).with_mean(2.8),
//!     Bracket::open(4.0, 0.2).with_mean(6.0),
//! ])
//! .unwrap();
//! let hist = MeanSplitHistogram::fit(&table).unwrap();
//! let bounds = gini_bounds(&table, None).unwrap();
//! assert!(bounds.lower <= hist.gini() && hist.gini() <= bounds.upper);
//! ```
//!
//! For the `wages tabulate` command: build [`Bracket`]s from the CSV rows (share = percent / 100,
//! or count / membership), validate with [`BracketTable::with_share_tolerance`] using
//! [`rounding_tolerance`] of the printed decimals, report [`BracketTable::survival`],
//! [`BracketTable::pareto_exponents`], [`BracketTable::implied_top_mean`], the counts from
//! [`count_interval`], and, with at least three brackets, the fits through
//! [`FittedDistribution`] and [`gini_bounds`]. Errors name the bracket; the caller adds the group.

mod bounds;
mod fitted;
mod gpinter;
mod histogram;
mod rounding;
mod table;

pub use bounds::{gini_bounds, GiniBounds, TopTreatment};
pub use fitted::FittedDistribution;
pub use gpinter::{GeneralizedParetoInterpolation, GpdTail, Knot, Segment};
pub use histogram::{MeanSplitHistogram, ParetoTail, TailSource, UniformPiece};
pub use rounding::{
    count_interval, half_unit, printed_decimals, rounding_tolerance, share_percent_interval,
    shares_sum_consistent, RoundedValue,
};
pub use table::{
    pareto_alpha_from_mean, pareto_mean, Bracket, BracketTable, ParetoExponent, TabulationError,
    DEFAULT_SHARE_TOLERANCE,
};

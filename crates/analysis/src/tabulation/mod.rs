//! Bracket tables: what `wages tabulate` computes, from a published table's rows to counts,
//! checks and fitted distributions.
//!
//! This module owns:
//! - reading a table's rows once they are split into fields ([`input`]: the columns, the
//!   checks of each field and the plausible magnitudes, rows put together by group; the CSV
//!   reader itself is the caller's);
//! - [`tabulate`], the one entry point from rows to the report ([`Tabulation`]): the
//!   membership (given or implied), shares to counts and counts to shares with the interval
//!   that rounding and qualifiers leave, the bracket derived by difference from an `above` row,
//!   the consistency checks, the members at or above each threshold, Pareto exponents with
//!   intervals, the fits and Gini bounds, and the total over groups;
//! - [`TableError`], every reason a table is refused, with its location (line, group, bracket,
//!   column) and a one-line message;
//! - the pieces, usable on their own: validated tables ([`BracketTable`]), survival shares and
//!   Pareto exponents, fitted distributions (mean-split histogram, generalized Pareto
//!   interpolation), Gini bounds, and the rounding of printed shares;
//! - how its figures and messages are printed ([`format`]).
//!
//! Thresholds and means are in multiples of the minimum; shares are fractions of the population
//! in [`BracketTable`], percent in the rows and the report.
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
//! For a table read from a file: check the header with [`check_header`], add each record's
//! fields ([`RawRow`]) to a [`GroupsBuilder`], and give its groups to [`tabulate`]. Errors
//! from the pieces ([`TabulationError`]) name the bracket by index; [`TableError`] adds where
//! in the table it is.

mod bounds;
pub mod error;
mod fitted;
pub mod format;
mod gpinter;
mod histogram;
pub mod input;
mod resolve;
pub mod result;
mod rounding;
mod table;

pub use bounds::{gini_bounds, GiniBounds, TopTreatment};
pub use error::{Location, Problem, TableError};
pub use fitted::FittedDistribution;
pub use gpinter::{GeneralizedParetoInterpolation, GpdTail, Knot, Segment};
pub use histogram::{MeanSplitHistogram, ParetoTail, TailSource, UniformPiece};
pub use input::{
    check_header, Column, Group, GroupsBuilder, PrintedShare, QualifiedCount, RawRow, Row, RowKind,
};
pub use resolve::tabulate;
pub use result::{
    AtOrAbove, BracketCounts, Check, CheckKind, CheckStatus, FitSummary, GiniSummary,
    GroupTabulation, Membership, MembershipOrigin, Method, NoTotal, NotFitted, ParetoStep,
    Tabulation,
};
pub use rounding::{
    count_interval, half_unit, printed_decimals, rounding_tolerance, share_percent_interval,
    shares_sum_consistent,
};
pub use table::{
    pareto_alpha_from_mean, pareto_mean, Bracket, BracketTable, ParetoExponent, TabulationError,
    DEFAULT_SHARE_TOLERANCE,
};

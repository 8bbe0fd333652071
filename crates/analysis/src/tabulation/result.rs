//! What [`super::tabulate`] returns: per group (and for the total) the membership, the brackets
//! as counts and shares with their intervals, the members at or above each threshold, Pareto
//! exponents, checks, fits and Gini figures. Serialized as `wages tabulate --format json`
//! writes it (docs/tabulate.md, "JSON").

use std::fmt;

use serde::{Serialize, Serializer};

use crate::estimate::Estimate;

/// The whole table: each group, and the total when several groups share their brackets.
#[derive(Debug, Clone, Serialize)]
pub struct Tabulation {
    pub groups: Vec<GroupTabulation>,
    /// Sum over the groups (when there are several with the same brackets), else `None`.
    pub total: Option<GroupTabulation>,
    /// Why there is no total, when there is none for several groups.
    pub total_note: Option<NoTotal>,
}

impl Tabulation {
    /// The groups, then the total (if any).
    pub fn all_groups(&self) -> impl Iterator<Item = &GroupTabulation> {
        self.groups.iter().chain(self.total.iter())
    }
}

/// Why several groups have no total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoTotal {
    /// The groups' brackets differ, so their counts cannot be added bracket by bracket.
    BracketsDiffer,
}

impl fmt::Display for NoTotal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoTotal::BracketsDiffer => f.write_str(
                "no total: the groups' brackets differ, so their counts cannot be added bracket by bracket",
            ),
        }
    }
}

impl Serialize for NoTotal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Everything reported for one group (or the total).
#[derive(Debug, Clone, Serialize)]
pub struct GroupTabulation {
    pub group: String,
    pub membership: Membership,
    pub brackets: Vec<BracketCounts>,
    /// Share of the group's membership (and count) at or above each bracket's lower threshold.
    pub above: Vec<AtOrAbove>,
    pub pareto: Vec<ParetoStep>,
    /// `alpha/(alpha-1) x lower` of the open top bracket from the last exponent (`None` if
    /// the top is closed or alpha <= 1).
    pub top_bracket_mean_implied: Option<f64>,
    pub checks: Vec<Check>,
    /// Which population the fits and Gini figures describe.
    pub fit_population: String,
    pub fits: Vec<FitSummary>,
    pub not_fitted: Vec<NotFitted>,
    pub gini: GiniSummary,
    /// Points `(x, percent of the membership at or above x)` of the preferred fit, for charts.
    #[serde(skip)]
    pub curve: Vec<(f64, f64)>,
}

/// The group's membership and where it comes from.
#[derive(Debug, Clone, Serialize)]
pub struct Membership {
    pub members: Estimate,
    pub origin: MembershipOrigin,
}

/// Where a membership comes from. Serialized as its text (`reported`, `derived ...: the
/// arithmetic`, `sum of the groups' ...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MembershipOrigin {
    /// Given in the `membership` column.
    Reported,
    /// Implied by a row's count and share; the text gives the arithmetic.
    Derived(String),
    /// The total's: the sum of reported memberships.
    SumOfReported,
    /// The total's: the sum of memberships some of which are derived.
    SumSomeDerived,
}

impl fmt::Display for MembershipOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MembershipOrigin::Reported => f.write_str("reported"),
            MembershipOrigin::Derived(text) => f.write_str(text),
            MembershipOrigin::SumOfReported => {
                f.write_str("sum of the groups' reported memberships")
            }
            MembershipOrigin::SumSomeDerived => {
                f.write_str("sum of the groups' memberships (some derived)")
            }
        }
    }
}

impl Serialize for MembershipOrigin {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One bracket as counts and shares.
#[derive(Debug, Clone, Serialize)]
pub struct BracketCounts {
    pub lower: f64,
    /// `None` for the open top bracket.
    pub upper: Option<f64>,
    /// Share of the group's membership, percent.
    pub share_percent: Estimate,
    /// Head-count, `membership x share / 100` or as reported.
    pub count: Estimate,
    /// Bracket mean in multiples of the minimum, if given.
    pub mean: Option<f64>,
    /// `reported: ...`, `derived by difference ...` or `sum over N groups`.
    pub origin: String,
    /// The `source` column of the row the bracket is read from (for a bracket derived by
    /// difference, the `above` row); `None` when empty and in the total.
    pub source: Option<String>,
    /// The `note` column of the same row.
    pub note: Option<String>,
}

/// Members at or above a threshold.
#[derive(Debug, Clone, Serialize)]
pub struct AtOrAbove {
    pub threshold: f64,
    pub share_percent: Estimate,
    pub count: Estimate,
}

/// Pareto exponent between two consecutive thresholds.
#[derive(Debug, Clone, Serialize)]
pub struct ParetoStep {
    pub lower: f64,
    pub upper: f64,
    /// `ln(N(>=lower)/N(>=upper)) / ln(upper/lower)`; `None` when nobody is above `upper`.
    pub alpha: Option<Estimate>,
}

/// One consistency check.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub check: CheckKind,
    pub status: CheckStatus,
    pub message: String,
}

/// Which consistency check (serialized by these names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckKind {
    /// Shares sum to 100% within rounding (or below: the rest lies below the first threshold).
    SharesSum,
    /// Counts sum to at most the membership.
    CountsWithinMembership,
    /// A row's share and count agree with the membership.
    ShareCountAgree,
    /// An `above` row holds at least the brackets above it.
    DifferenceNotNegative,
    /// The fitted Gini lies within the Gini bounds.
    GiniFitWithinBounds,
}

impl CheckKind {
    pub fn name(self) -> &'static str {
        match self {
            CheckKind::SharesSum => "shares-sum",
            CheckKind::CountsWithinMembership => "counts-within-membership",
            CheckKind::ShareCountAgree => "share-count-agree",
            CheckKind::DifferenceNotNegative => "difference-not-negative",
            CheckKind::GiniFitWithinBounds => "gini-fit-within-bounds",
        }
    }
}

impl fmt::Display for CheckKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A check's outcome (a contradiction beyond the intervals is an error, not a status).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    /// Holds.
    Ok,
    /// Nothing wrong, but read this.
    Note,
    /// Holds only at the edges of the intervals.
    Warning,
}

impl CheckStatus {
    pub fn name(self) -> &'static str {
        match self {
            CheckStatus::Ok => "ok",
            CheckStatus::Note => "note",
            CheckStatus::Warning => "warning",
        }
    }
}

impl fmt::Display for CheckStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A fitted distribution, or the Gini bounds (serialized by these names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Method {
    /// [`super::MeanSplitHistogram`].
    #[serde(rename = "mean-split histogram")]
    MeanSplitHistogram,
    /// [`super::GeneralizedParetoInterpolation`].
    #[serde(rename = "generalized Pareto interpolation")]
    GeneralizedParetoInterpolation,
    /// [`super::gini_bounds`].
    #[serde(rename = "Gini bounds")]
    GiniBounds,
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::MeanSplitHistogram => "mean-split histogram",
            Method::GeneralizedParetoInterpolation => "generalized Pareto interpolation",
            Method::GiniBounds => "Gini bounds",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Summary of a fitted distribution.
#[derive(Debug, Clone, Serialize)]
pub struct FitSummary {
    pub method: Method,
    pub mean: f64,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub p99: Option<f64>,
    /// Share of pay held by the top 10% / top 1% of the fitted population.
    pub top10_share: Option<f64>,
    pub top1_share: Option<f64>,
    pub gini: f64,
}

/// A fit (or the Gini bounds) that could not be made, and why.
#[derive(Debug, Clone, Serialize)]
pub struct NotFitted {
    pub method: Method,
    pub reason: String,
}

/// Gini: from the preferred fit, and bounds where every bracket mean is known.
#[derive(Debug, Clone, Serialize)]
pub struct GiniSummary {
    pub fit: Option<f64>,
    pub fit_method: Option<Method>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

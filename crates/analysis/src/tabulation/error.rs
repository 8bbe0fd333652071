//! [`TableError`]: why a bracket table was refused, with where (the line, the group, the
//! bracket, the column). Its text is one line, `line 5: group "A", bracket [8, 15), field
//! `share_percent`: what is wrong; what to do`; the caller puts the file name before it.
//!
//! (A [`super::TabulationError`] is narrower: the shape of a [`super::BracketTable`] or a fit
//! that cannot be made, naming the bracket by index. Inside a table it arrives here as
//! [`Problem::Table`].)

use std::fmt;

use crate::estimate::Estimate;
use crate::interval::{Interval, IntervalError, Qualifier};

use super::format::{field, fmt_estimate, fmt_figure, fmt_figure_vs, fmt_iv, fmt_nums, n, short};
use super::input::{
    group_shown, row_label, Column, RowKind, MAX_MULTIPLE, MAX_PERSONS, MIN_MULTIPLE, MIN_PERSONS,
    MIN_SHARE_PERCENT,
};
use super::table::TabulationError;

/// A refused table: where ([`TableError::at`]), and what is wrong ([`TableError::problem`]).
/// Boxed, as rust-csv's `Error` is, so that a `Result` stays small.
#[derive(Debug, Clone, PartialEq)]
pub struct TableError(Box<Refusal>);

#[derive(Debug, Clone, PartialEq)]
struct Refusal {
    at: Location,
    problem: Problem,
}

impl TableError {
    pub fn new(at: Location, problem: Problem) -> Self {
        TableError(Box::new(Refusal { at, problem }))
    }

    /// Where in the table.
    pub fn at(&self) -> &Location {
        &self.0.at
    }

    /// What is wrong.
    pub fn problem(&self) -> &Problem {
        &self.0.problem
    }
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at() {
            Location::File => write!(f, "{}", self.problem()),
            at => write!(f, "{at}: {}", self.problem()),
        }
    }
}

impl std::error::Error for TableError {}

/// Where in the table a problem is. Group names and fields are shown escaped and shortened.
#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    /// The table as a whole (empty, no rows): no prefix.
    File,
    /// A line, before its group is known (the header, a record the CSV reader refused).
    Line { line: u64 },
    /// A field of a record as written: the bracket is named by its thresholds' text
    /// (`bracket [8, 15)`, `bracket [30, +inf)`, or `row with lower 2 and upper 1` when the
    /// upper threshold is not above the lower one).
    Field {
        line: u64,
        group: String,
        lower: String,
        upper: String,
        column: Column,
    },
    /// A field of a checked row, the bracket named by its thresholds (`>= 8` for an `above`
    /// row).
    Row {
        line: u64,
        group: String,
        kind: RowKind,
        lower: f64,
        upper: Option<f64>,
        column: Column,
    },
    /// A group as a whole, at its first line.
    Group { line: u64, group: String },
    /// The total over all groups (its shares and counts summed).
    Total,
    /// The total's brackets (a count divided by the summed membership).
    TotalBrackets,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File => Ok(()),
            Location::Line { line } => write!(f, "line {line}"),
            Location::Field {
                line,
                group,
                lower,
                upper,
                column,
            } => {
                // An inverted pair ("[2, 1)") is not a bracket: name both thresholds instead.
                let inverted = matches!(
                    (lower.parse::<f64>(), upper.parse::<f64>()),
                    (Ok(l), Ok(u)) if u <= l
                );
                write!(f, "line {line}: group \"{}\", ", group_shown(group))?;
                if upper.is_empty() {
                    write!(f, "bracket [{}, +inf)", field(lower))?;
                } else if inverted {
                    write!(
                        f,
                        "row with lower {} and upper {}",
                        field(lower),
                        field(upper)
                    )?;
                } else {
                    write!(f, "bracket [{}, {})", field(lower), field(upper))?;
                }
                write!(f, ", field `{column}`")
            }
            Location::Row {
                line,
                group,
                kind,
                lower,
                upper,
                column,
            } => write!(
                f,
                "line {line}: group \"{}\", bracket {}, field `{column}`",
                group_shown(group),
                row_label(*kind, *lower, *upper)
            ),
            Location::Group { line, group } => {
                write!(f, "line {line}: group \"{}\"", group_shown(group))
            }
            Location::Total => f.write_str("total over all groups"),
            Location::TotalBrackets => f.write_str("total"),
        }
    }
}

/// What is wrong. Texts from the file are kept as messages show them (escaped, shortened).
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    // --- the file and its header
    /// Nothing but white space.
    EmptyFile,
    /// The header line cannot be read (the reader's message).
    HeaderUnreadable {
        message: String,
    },
    /// A column name twice (in any letter case), at 1-based positions `first` and `second`.
    DuplicateColumn {
        name: String,
        first: usize,
        second: usize,
    },
    /// Required columns missing; `header` is the header as read.
    MissingColumns {
        missing: Vec<&'static str>,
        header: String,
    },
    /// A column that is not one of [`Column::ALL`].
    UnknownColumn {
        name: String,
    },
    /// A header and no rows.
    NoRows,
    // --- a record as the CSV reader splits it
    /// `len` fields where the header has `expected`.
    FieldCount {
        len: u64,
        expected: u64,
    },
    /// Not UTF-8.
    NotUtf8,
    /// Any other record the reader refuses (its message).
    RecordUnreadable {
        message: String,
    },
    // --- a field
    EmptyGroup,
    NotANumber {
        text: String,
    },
    NotFinite {
        text: String,
    },
    MultipleOutOfRange {
        text: String,
    },
    PersonsOutOfRange {
        text: String,
    },
    UnknownKind {
        text: String,
    },
    LowerEmpty,
    ThresholdNotPositive {
        text: String,
    },
    AboveWithUpper,
    UpperNotAbove {
        upper: String,
        lower: String,
    },
    NegativeShare {
        text: String,
    },
    ShareOver100 {
        text: String,
    },
    ShareTooSmall {
        text: String,
    },
    NegativeCount {
        text: String,
    },
    UnknownQualifier {
        text: String,
    },
    RangeQualifier,
    NoShareNorCount,
    MeanOutside {
        mean: f64,
    },
    MembershipNotPositive {
        text: String,
    },
    MembershipDiffers {
        membership: f64,
        previous: f64,
    },
    // --- a group's rows together
    /// A second `above` row in a group.
    SecondAbove,
    /// A row after the open top bracket (at `line`).
    AfterOpenTop {
        top: String,
        line: u64,
    },
    /// A bracket starting below the end of the previous one (at `line`).
    Overlap {
        previous: String,
        line: u64,
    },
    /// No membership given and none implied.
    NoMembership,
    /// A share of 0 cannot imply a membership.
    ZeroShareMembership,
    /// A share whose printed rounding reaches 0%, so it cannot imply a membership.
    ShareRoundsToZero {
        share: f64,
        interval: Interval,
    },
    /// `count / share` gives a membership above [`MAX_PERSONS`].
    MembershipTooLarge {
        count: f64,
        share: f64,
        membership: f64,
    },
    /// A count's qualifier gives no interval (`about 0`).
    CountInterval {
        count: f64,
        qualifier: Qualifier,
        error: IntervalError,
    },
    /// Interval arithmetic refused (a division by an interval holding 0).
    Interval(IntervalError),
    /// A row's share and count contradict the membership, beyond their intervals.
    ShareCountDisagree(Box<ShareCountDisagreement>),
    /// An `above` row not below the group's lowest bracket (`first`).
    AboveNotLowest {
        threshold: f64,
        first: f64,
    },
    /// An `above` row over brackets with gaps or without an open top.
    AboveNotContiguous {
        threshold: f64,
        first: f64,
    },
    /// An `above` count below what the brackets above it hold, beyond the intervals.
    AboveBelowBrackets {
        threshold: f64,
        first: f64,
        above: f64,
        above_hi: f64,
        brackets: f64,
        brackets_lo: f64,
    },
    /// Shares summing over 100% beyond rounding.
    SharesOver100 {
        sum: f64,
        interval: Interval,
    },
    /// Counts summing over the membership beyond the intervals.
    CountsOverMembership {
        sum: f64,
        sum_interval: Interval,
        membership: f64,
        membership_interval: Interval,
    },
    /// The point table refused.
    Table(TabulationError),
}

/// The numbers of [`Problem::ShareCountDisagree`]: share `share` (interval `share_interval`)
/// of `membership` is `implied` people, but the count is `count` (`count_interval`).
#[derive(Debug, Clone, PartialEq)]
pub struct ShareCountDisagreement {
    pub share: f64,
    pub share_interval: Interval,
    pub membership: Estimate,
    /// The line whose share and count imply the membership, when the source gives none.
    pub membership_line: Option<u64>,
    pub implied: f64,
    pub implied_interval: Interval,
    pub count: f64,
    pub qualifier: Qualifier,
    pub count_interval: Interval,
    /// The membership the row implies on its own, when its share cannot be 0.
    pub own_membership: Option<Interval>,
}

/// `the membership 1,000` or `the membership implied by line 2, 1,000 [952.4, 1,052.6]`.
pub(crate) fn membership_text(membership: &Estimate, line: Option<u64>) -> String {
    match line {
        Some(l) => format!(
            "the membership implied by line {l}, {}",
            fmt_estimate(membership)
        ),
        None => format!("the membership {}", fmt_estimate(membership)),
    }
}

/// `900`, or `about 1,500 ([1,450, 1,550])` for a qualified count.
pub(crate) fn count_text(count: f64, qualifier: Qualifier, interval: &Interval) -> String {
    if qualifier == Qualifier::Exact {
        n(count)
    } else {
        format!(
            "{} {} ({})",
            qualifier.phrase(),
            n(count),
            fmt_iv(interval, &[])
        )
    }
}

/// `500 [495, 505]`, an infinite upper end shown open.
pub(crate) fn implied_text(implied: f64, interval: &Interval) -> String {
    fmt_figure(
        implied,
        Some(interval.lo()),
        Some(interval.hi()).filter(|h| h.is_finite()),
    )
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Problem::*;
        match self {
            EmptyFile => f.write_str("the file is empty; expected a header line `group,membership,lower,upper,share_percent,mean` and one row per group and bracket (see docs/tabulate.md)"),
            HeaderUnreadable { message } => write!(f, "cannot read the header line: {message}"),
            DuplicateColumn { name, first, second } => write!(
                f,
                "column `{}` appears twice (columns {first} and {second}); keep one of them (rename or delete the other)",
                short(&super::format::esc(name))
            ),
            MissingColumns { missing, header } => write!(
                f,
                "missing column(s) {}; the header has: {header}; expected group,membership,lower,upper,share_percent (or count),mean",
                missing.join(", ")
            ),
            UnknownColumn { name } => {
                let known: Vec<&str> = Column::ALL.iter().map(|c| c.name()).collect();
                write!(
                    f,
                    "unknown column `{}`; known columns: {}",
                    short(&super::format::esc(name)),
                    known.join(", ")
                )
            }
            NoRows => f.write_str("the header is there but no rows follow; add one row per group and bracket"),
            FieldCount { len, expected } => write!(
                f,
                "{len} fields where the header has {expected}; give every row the same columns (leave a field empty, not out)"
            ),
            NotUtf8 => f.write_str("not valid UTF-8; save the file as UTF-8"),
            RecordUnreadable { message } => write!(f, "cannot read the row: {message}"),
            EmptyGroup => f.write_str("field `group` is empty; name the group (institution) each row belongs to"),
            NotANumber { text } => write!(
                f,
                "`{text}` is not a number; write a plain decimal number such as 12.5 (no thousands separators or % sign)"
            ),
            NotFinite { text } => write!(
                f,
                "`{text}` is not a finite number; write the value as printed in the source"
            ),
            MultipleOutOfRange { text } => write!(
                f,
                "{text} is outside [{MIN_MULTIPLE:e}, {MAX_MULTIPLE:e}] multiples of the minimum; thresholds and means are pay divided by the minimum wage (check the unit)"
            ),
            PersonsOutOfRange { text } => write!(
                f,
                "{text} is outside [{MIN_PERSONS:e}, {MAX_PERSONS:e}] persons; give the number of members as printed in the source (check the unit)"
            ),
            UnknownKind { text } => write!(
                f,
                "unknown kind `{text}`; use `bracket` (members in [lower, upper)) or `above` (members at or above lower)"
            ),
            LowerEmpty => f.write_str("empty; give the bracket's lower threshold in multiples of the minimum"),
            ThresholdNotPositive { text } => write!(
                f,
                "{text} is not positive; thresholds are positive multiples of the minimum"
            ),
            AboveWithUpper => f.write_str("an `above` row counts everyone at or above `lower`; leave `upper` empty"),
            UpperNotAbove { upper, lower } => write!(
                f,
                "the upper threshold {upper} is not above the lower threshold {lower}; swap or correct the thresholds"
            ),
            NegativeShare { text } => write!(
                f,
                "{text} is negative; shares are percentages between 0 and 100"
            ),
            ShareOver100 { text } => write!(
                f,
                "{text} is over 100; give the share as a percentage of the group's membership"
            ),
            ShareTooSmall { text } => write!(
                f,
                "{text} is below {MIN_SHARE_PERCENT:e} percent (one person in {MAX_PERSONS:e}); give 0 or the share as printed"
            ),
            NegativeCount { text } => write!(
                f,
                "{text} is negative; a head-count cannot be below zero"
            ),
            UnknownQualifier { text } => write!(
                f,
                "unknown qualifier `{text}`; use exact, about, more-than, at-least or at-most"
            ),
            RangeQualifier => f.write_str("`range` needs two values, which a count column cannot hold; split the bracket or use about/at-least/at-most"),
            NoShareNorCount => f.write_str("both `share_percent` and `count` are empty; give one of them"),
            MeanOutside { mean } => write!(
                f,
                "{mean} lies outside the bracket; a bracket's mean must be between its thresholds (leave it empty if unknown)"
            ),
            MembershipNotPositive { text } => write!(
                f,
                "{text} is not positive; give the group's total number of members"
            ),
            MembershipDiffers { membership, previous } => write!(
                f,
                "{membership} differs from {previous} given earlier for this group; a group has one membership total"
            ),
            SecondAbove => f.write_str("a second `above` row; give at most one `above` row per group (at its lowest threshold)"),
            AfterOpenTop { top, line } => write!(
                f,
                "the open top bracket {top} (line {line}) must be the group's last row"
            ),
            Overlap { previous, line } => write!(
                f,
                "it starts below the end of bracket {previous} (line {line}); sort the group's rows by threshold, without overlaps"
            ),
            NoMembership => f.write_str("no membership; put the group's total number of members in the `membership` column of one of its rows (or give both share_percent and count on one row so that it can be implied)"),
            ZeroShareMembership => f.write_str("share 0 cannot imply a membership; give the group's membership"),
            ShareRoundsToZero { share, interval } => write!(
                f,
                "share {share}% read with its printed rounding is {}%, which includes 0, so it cannot imply a membership; give the group's membership",
                fmt_iv(interval, &[0.0])
            ),
            MembershipTooLarge { count, share, membership } => write!(
                f,
                "count / share = {} / {share}% implies a membership of {}, above {MAX_PERSONS:e} persons; check the share and the count, or give the membership",
                n(*count),
                n(*membership)
            ),
            CountInterval { count, qualifier, error } => match error {
                IntervalError::NoSignificantUnit(_) => write!(
                    f,
                    "`{qualifier}` takes its interval from the count's last significant digit, and {} has none; give the count as `exact`, or an `at-most` bound",
                    n(*count)
                ),
                e => write!(f, "{e}"),
            },
            Interval(e) => write!(f, "{e}"),
            ShareCountDisagree(d) => write!(
                f,
                "share {}% ({}%) of {} is {} people, but the count is {}: no value within the rounding fits both{}; correct the share, the count or the membership",
                d.share,
                fmt_iv(&d.share_interval, &[]),
                membership_text(&d.membership, d.membership_line),
                implied_text(d.implied, &d.implied_interval),
                count_text(d.count, d.qualifier, &d.count_interval),
                d.own_membership
                    .map(|iv| format!(
                        "; on its own the row implies a membership of {}",
                        fmt_iv(&iv, &[])
                    ))
                    .unwrap_or_default()
            ),
            AboveNotLowest { threshold, first } => write!(
                f,
                "the `above` row's threshold {threshold} is not below the lowest bracket's lower threshold {first}; an `above` row sits at the group's lowest threshold, below every bracket (the bracket from it up to {first} is then derived by difference)"
            ),
            AboveNotContiguous { threshold, first } => write!(
                f,
                "the bracket [{threshold}, {first}) can only be derived by difference when the brackets above it run without gaps up to an open top bracket; add the missing brackets or give [{threshold}, {first}) itself"
            ),
            AboveBelowBrackets {
                threshold,
                first,
                above,
                above_hi,
                brackets,
                brackets_lo,
            } => {
                let t = fmt_nums(&[*above_hi, *brackets_lo]);
                write!(
                    f,
                    "{} members at or above {threshold} (at most {}) but the brackets above {first} already hold {} (at least {}); no value within the intervals fits, correct the counts",
                    n(*above),
                    t[0],
                    n(*brackets),
                    t[1]
                )
            }
            SharesOver100 { sum, interval } => write!(
                f,
                "the brackets' shares sum to {}, over 100% even allowing for rounding; check the shares and the membership",
                fmt_figure_vs(*sum, interval, &[100.0], "%")
            ),
            CountsOverMembership {
                sum,
                sum_interval,
                membership,
                membership_interval,
            } => write!(
                f,
                "the brackets' counts sum to {}, more than the membership {} even allowing for rounding; check the counts and the membership",
                fmt_figure_vs(*sum, sum_interval, &[membership_interval.hi()], ""),
                fmt_figure_vs(*membership, membership_interval, &[sum_interval.lo()], "")
            ),
            Table(e) => write!(f, "{e}"),
        }
    }
}

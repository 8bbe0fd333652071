//! [`tabulate`]: a table's rows, grouped, to the report. Per group: the membership (given, or
//! implied by a row's count and share), each row's share and count with the interval that the
//! printed rounding and the count's qualifier leave, the bracket below the others derived by
//! difference from an `above` row, the checks between them, the members at or above each
//! threshold, Pareto exponents with intervals, fits and Gini bounds; then the total over groups
//! with the same brackets. Formulas are in docs/tabulate.md, "What is computed".

use crate::estimate::Estimate;
use crate::interval::{interval_from_qualifier, Interval, IntervalError};

use super::bounds::gini_bounds;
use super::error::{
    count_text, implied_text, membership_text, Location, Problem, ShareCountDisagreement,
    TableError,
};
use super::fitted::FittedDistribution;
use super::format::{fmt_estimate, fmt_figure_vs, fmt_iv, fmt_nums, n};
use super::gpinter::GeneralizedParetoInterpolation;
use super::histogram::MeanSplitHistogram;
use super::input::{Column, Group, PrintedShare, QualifiedCount, Row, RowKind, MAX_PERSONS};
use super::result::{
    AtOrAbove, BracketCounts, Check, CheckKind, CheckStatus, FitSummary, GiniSummary,
    GroupTabulation, Membership, MembershipOrigin, Method, NoTotal, NotFitted, ParetoStep,
    Tabulation,
};
use super::rounding::{half_unit, share_percent_interval};
use super::table::{Bracket, BracketTable, TabulationError};

/// The table's groups to the report: each group (in order), and the total when there are
/// several groups with identical brackets. The first problem found is returned, naming the
/// line, the group, the bracket and the column.
///
/// ```
/// use wages_analysis::tabulation::{tabulate, GroupsBuilder, RawRow};
/// let mut rows = GroupsBuilder::new();
/// // 12,000 members, 13.8% (printed with one decimal) at or above 8 times the minimum.
/// let raw = RawRow {
///     group: "A",
///     membership: "12000",
///     lower: "8",
///     share_percent: "13.8",
///     ..Default::default()
/// };
/// rows.add(2, &raw).unwrap();
/// let t = tabulate(&rows.finish().unwrap()).unwrap();
/// // 12,000 x 13.8% = 1,656, interval 12,000 x [13.75%, 13.85%] = [1,650, 1,662].
/// let count = t.groups[0].brackets[0].count;
/// let (lo, hi) = (count.interval().lo(), count.interval().hi());
/// assert!((count.value() - 1656.0).abs() < 1e-9);
/// assert!((lo - 1650.0).abs() < 1e-9 && (hi - 1662.0).abs() < 1e-9);
/// ```
pub fn tabulate(groups: &[Group]) -> Result<Tabulation, TableError> {
    let reports: Vec<GroupTabulation> = groups.iter().map(group).collect::<Result<_, _>>()?;
    let (total, total_note) = if reports.len() > 1 {
        match total(&reports)? {
            Ok(t) => (Some(t), None),
            Err(why) => (None, Some(why)),
        }
    } else {
        (None, None)
    };
    Ok(Tabulation {
        groups: reports,
        total,
        total_note,
    })
}

/// A bracket resolved to shares and counts, before the table analysis.
#[derive(Debug, Clone)]
struct Resolved {
    lower: f64,
    upper: Option<f64>,
    share: Interval,
    share_point: f64,
    count: Interval,
    count_point: f64,
    mean: Option<f64>,
    origin: String,
    source: Option<String>,
    note: Option<String>,
}

/// `[v, v]`; `[0, inf)` for a value that is not finite (which the bounds on the input rule out).
fn point(v: f64) -> Interval {
    Interval::new(v, v).unwrap_or_else(|_| Interval::non_negative())
}

/// `value` in `interval`, the interval widened to hold the value where floating point leaves
/// it a rounding outside (a point computed apart from its bounds); an error only for a value
/// that is not finite, which the bounds on the input rule out.
fn estimate(value: f64, interval: Interval) -> Result<Estimate, IntervalError> {
    Estimate::new(value, interval.hull(&Interval::point(value)?))
}

/// The interval of a count as its qualifier reads it (`exact` = the point itself).
fn qualified_count_interval(c: &QualifiedCount) -> Result<Interval, Problem> {
    interval_from_qualifier(c.qualifier, c.count, None, None).map_err(|error| {
        Problem::CountInterval {
            count: c.count,
            qualifier: c.qualifier,
            error,
        }
    })
}

/// The interval a printed share stands for (see [`share_percent_interval`]).
fn share_interval(s: &PrintedShare) -> Interval {
    share_percent_interval(s.percent, s.decimals)
}

/// Where a row's field is, for messages.
fn at_row(g: &Group, r: &Row, column: Column) -> Location {
    Location::Row {
        line: r.line,
        group: g.name.clone(),
        kind: r.kind,
        lower: r.lower,
        upper: r.upper,
        column,
    }
}

/// Analyse one group.
fn group(g: &Group) -> Result<GroupTabulation, TableError> {
    let name = super::input::group_shown(&g.name);
    let at_group = || Location::Group {
        line: g.line,
        group: g.name.clone(),
    };
    let fail =
        |r: &Row, column: Column, problem: Problem| TableError::new(at_row(g, r, column), problem);
    let aboves: Vec<&Row> = g.rows.iter().filter(|r| r.kind == RowKind::Above).collect();
    let rows: Vec<&Row> = g
        .rows
        .iter()
        .filter(|r| r.kind == RowKind::Bracket)
        .collect();
    if aboves.len() > 1 {
        return Err(fail(aboves[1], Column::Kind, Problem::SecondAbove));
    }
    // Order and overlap of the brackets, as written in the file.
    for w in rows.windows(2) {
        let (prev, cur) = (w[0], w[1]);
        let prev_end = prev.upper.unwrap_or(f64::INFINITY);
        if cur.lower < prev_end {
            let problem = if prev.upper.is_none() {
                Problem::AfterOpenTop {
                    top: prev.label(),
                    line: prev.line,
                }
            } else {
                Problem::Overlap {
                    previous: prev.label(),
                    line: prev.line,
                }
            };
            return Err(fail(cur, Column::Lower, problem));
        }
    }

    // Membership: given, or implied by a row with both a share and a count.
    // The line whose share and count imply the membership, when the source gives none.
    let mut defining_line = None;
    let membership = match g.membership {
        Some(m) => Membership {
            members: estimate(m, point(m))
                .map_err(|e| TableError::new(at_group(), Problem::Interval(e)))?,
            origin: MembershipOrigin::Reported,
        },
        None => {
            let both = g
                .rows
                .iter()
                .find_map(|r| match (r.share_percent, r.count) {
                    (Some(s), Some(c)) => Some((r, s, c)),
                    _ => None,
                });
            let Some((r, share, count)) = both else {
                return Err(TableError::new(at_group(), Problem::NoMembership));
            };
            let (s, c, q) = (share.percent, count.count, count.qualifier);
            if s <= 0.0 {
                return Err(fail(r, Column::SharePercent, Problem::ZeroShareMembership));
            }
            let c_iv = qualified_count_interval(&count).map_err(|p| fail(r, Column::Count, p))?;
            let s_iv = share_interval(&share);
            if s_iv.lo() <= 0.0 {
                // Its printed rounding reaches 0%: any membership, however large, fits.
                return Err(fail(
                    r,
                    Column::SharePercent,
                    Problem::ShareRoundsToZero {
                        share: s,
                        interval: s_iv,
                    },
                ));
            }
            let iv = c_iv
                .try_div(&s_iv)
                .and_then(|x| x.scale(100.0))
                .map_err(|e| fail(r, Column::SharePercent, Problem::Interval(e)))?;
            let v = c * 100.0 / s;
            if v > MAX_PERSONS {
                return Err(fail(
                    r,
                    Column::SharePercent,
                    Problem::MembershipTooLarge {
                        count: c,
                        share: s,
                        membership: v,
                    },
                ));
            }
            let qual = q.phrase();
            defining_line = Some(r.line);
            Membership {
                members: estimate(v, iv)
                    .map_err(|e| fail(r, Column::SharePercent, Problem::Interval(e)))?,
                origin: MembershipOrigin::Derived(format!(
                    "derived (the source gives no membership): count / share = {}{} / {}% = {} (line {}); interval {} / {} x 100",
                    if qual.is_empty() { String::new() } else { format!("{qual} ") },
                    n(c),
                    s,
                    n(v),
                    r.line,
                    fmt_iv(&c_iv, &[]),
                    fmt_iv(&s_iv, &[])
                )),
            }
        }
    };
    let m_iv = membership.members.interval();
    let m_pt = membership.members.value();

    // Every other row that gives both a share and a count must agree with the membership:
    // count = membership x share / 100 for some values within the intervals (the rounding of
    // the share, the count's qualifier, a derived membership's interval), else the table
    // contradicts itself and no figure of it can be trusted.
    let mut checks = Vec::new();
    let m_text = membership_text(&membership.members, defining_line);
    for r in g.rows.iter().filter(|r| Some(r.line) != defining_line) {
        let (Some(share), Some(count)) = (r.share_percent, r.count) else {
            continue;
        };
        let (s, c, q) = (share.percent, count.count, count.qualifier);
        let s_iv = share_interval(&share);
        let c_iv = qualified_count_interval(&count).map_err(|p| fail(r, Column::Count, p))?;
        let implied = m_iv * s_iv.scale(0.01).unwrap_or(s_iv);
        let implied_pt = m_pt * s / 100.0;
        if implied.intersect(&c_iv).is_none() {
            // The membership this row implies on its own, when its share cannot be 0.
            let own = c_iv
                .try_div(&s_iv)
                .and_then(|x| x.scale(100.0))
                .ok()
                .filter(|_| s_iv.lo() > 0.0);
            return Err(fail(
                r,
                Column::Count,
                Problem::ShareCountDisagree(Box::new(ShareCountDisagreement {
                    share: s,
                    share_interval: s_iv,
                    membership: membership.members,
                    membership_line: defining_line,
                    implied: implied_pt,
                    implied_interval: implied,
                    count: c,
                    qualifier: q,
                    count_interval: c_iv,
                    own_membership: own,
                })),
            ));
        }
        let agree = implied.contains(c) || c_iv.contains(implied_pt);
        checks.push(Check {
            check: CheckKind::ShareCountAgree,
            status: if agree {
                CheckStatus::Ok
            } else {
                CheckStatus::Warning
            },
            message: format!(
                "group \"{name}\", line {}: share {s}% of {m_text} is {} people, count {}: {}",
                r.line,
                implied_text(implied_pt, &implied),
                count_text(c, q, &c_iv),
                if agree {
                    "they agree within rounding"
                } else {
                    "consistent only at the edges of the intervals"
                }
            ),
        });
    }

    let resolve = |r: &Row| -> Result<Resolved, TableError> {
        let (share, share_point, count, count_point, origin) = match (r.share_percent, r.count) {
            (Some(sh), Some(co)) => {
                let c_iv = qualified_count_interval(&co).map_err(|p| fail(r, Column::Count, p))?;
                let (s, c) = (sh.percent, co.count);
                (
                    share_interval(&sh),
                    s,
                    c_iv,
                    c,
                    format!(
                        "reported: share {s}% and count {} {}",
                        co.qualifier.phrase(),
                        n(c)
                    ),
                )
            }
            (Some(sh), None) => {
                let s = sh.percent;
                let s_iv = share_interval(&sh);
                let c_iv = m_iv * s_iv.scale(0.01).unwrap_or(s_iv);
                (
                    s_iv,
                    s,
                    c_iv,
                    m_pt * s / 100.0,
                    format!(
                        "reported: share {s}% (as printed, so ±{}: {}%); count = membership x share",
                        n(half_unit(sh.decimals)),
                        fmt_iv(&s_iv, &[s])
                    ),
                )
            }
            (None, Some(co)) => {
                let c = co.count;
                let c_iv = qualified_count_interval(&co).map_err(|p| fail(r, Column::Count, p))?;
                let s_iv = c_iv
                    .try_div(&m_iv)
                    .and_then(|x| x.scale(100.0))
                    .map_err(|e| fail(r, Column::Count, Problem::Interval(e)))?;
                let qual = co.qualifier.phrase();
                (
                    s_iv,
                    100.0 * c / m_pt,
                    c_iv,
                    c,
                    format!(
                        "reported: count {}{}; share = count / membership",
                        if qual.is_empty() {
                            String::new()
                        } else {
                            format!("{qual} ")
                        },
                        n(c)
                    ),
                )
            }
            // The reader refuses a row with neither share nor count.
            (None, None) => return Err(fail(r, Column::SharePercent, Problem::NoShareNorCount)),
        };
        // No share exceeds 100% and no count the membership: an `at least` count or a share
        // from a count is cut there, and its point kept inside (a point beyond is also
        // flagged by the counts-within-membership check).
        let share = share
            .intersect(&Interval::new(0.0, 100.0).unwrap_or(share))
            .unwrap_or(share);
        let count = count
            .intersect(&Interval::new(0.0, m_iv.hi()).unwrap_or(count))
            .unwrap_or(count);
        Ok(Resolved {
            lower: r.lower,
            upper: r.upper,
            share,
            share_point: share_point.clamp(share.lo(), share.hi()),
            count,
            count_point: count_point.clamp(count.lo(), count.hi()),
            mean: r.mean,
            origin,
            source: r.source.clone(),
            note: r.note.clone(),
        })
    };
    let mut brackets: Vec<Resolved> = rows.iter().map(|r| resolve(r)).collect::<Result<_, _>>()?;
    let mut above_reported: Option<Resolved> = None;
    if let Some(a) = aboves.first() {
        let ra = resolve(a)?;
        if brackets.is_empty() {
            let mut b = ra;
            b.upper = None;
            brackets.push(b);
        } else {
            let first = brackets[0].lower;
            if a.lower >= first {
                return Err(fail(
                    a,
                    Column::Lower,
                    Problem::AboveNotLowest {
                        threshold: a.lower,
                        first,
                    },
                ));
            }
            let contiguous = brackets.windows(2).all(|w| w[0].upper == Some(w[1].lower))
                && brackets.last().is_some_and(|b| b.upper.is_none());
            if !contiguous {
                return Err(fail(
                    a,
                    Column::Kind,
                    Problem::AboveNotContiguous {
                        threshold: a.lower,
                        first,
                    },
                ));
            }
            let sum_c = brackets.iter().fold(point(0.0), |acc, b| acc + b.count);
            let sum_cp: f64 = brackets.iter().map(|b| b.count_point).sum();
            let sum_s = brackets.iter().fold(point(0.0), |acc, b| acc + b.share);
            let sum_sp: f64 = brackets.iter().map(|b| b.share_point).sum();
            let mut cp = ra.count_point - sum_cp;
            if ra.count.hi() < sum_c.lo() {
                return Err(fail(
                    a,
                    Column::Count,
                    Problem::AboveBelowBrackets {
                        threshold: a.lower,
                        first,
                        above: ra.count_point,
                        above_hi: ra.count.hi(),
                        brackets: sum_cp,
                        brackets_lo: sum_c.lo(),
                    },
                ));
            }
            if cp < 0.0 {
                // The points contradict, the intervals do not: the derived point is the nearest
                // value the intervals allow, 0, and a warning says so.
                checks.push(Check {
                    check: CheckKind::DifferenceNotNegative,
                    status: CheckStatus::Warning,
                    message: format!(
                        "group \"{name}\", line {}: N(>= {}) = {} is below the {} the brackets above {first} hold; the bracket [{}, {first}) is taken as 0 (its interval {} allows it), consistent only at the edges of the intervals",
                        a.line,
                        a.lower,
                        n(ra.count_point),
                        n(sum_cp),
                        a.lower,
                        fmt_iv(&(ra.count - sum_c).clamp_min(0.0).unwrap_or_else(|_| point(0.0)), &[])
                    ),
                });
                cp = 0.0;
            }
            let terms: Vec<String> = brackets.iter().map(|b| n(b.count_point)).collect();
            let c_iv = (ra.count - sum_c)
                .clamp_min(0.0)
                .unwrap_or_else(|_| point(cp));
            let s_iv = (ra.share - sum_s)
                .clamp_min(0.0)
                .unwrap_or_else(|_| point(0.0));
            // The derived bracket's mean follows only when every mean is known.
            let mean = a.mean.and_then(|ma| {
                let pay: Option<f64> = brackets
                    .iter()
                    .map(|b| b.mean.map(|m| m * b.count_point))
                    .sum();
                let m = (ma * ra.count_point - pay?) / cp;
                (cp > 0.0 && m >= a.lower && m <= first).then_some(m)
            });
            brackets.insert(
                0,
                Resolved {
                    lower: a.lower,
                    upper: Some(first),
                    share: s_iv,
                    share_point: (ra.share_point - sum_sp).max(0.0),
                    count: c_iv,
                    count_point: cp,
                    mean,
                    origin: format!(
                        "derived by difference (line {}): N(>= {}) - sum of the brackets above = {} - ({}) = {}",
                        a.line,
                        a.lower,
                        n(ra.count_point),
                        terms.join(" + "),
                        n(cp)
                    ),
                    source: ra.source.clone(),
                    note: ra.note.clone(),
                },
            );
            above_reported = Some(ra);
        }
    }
    analyse(
        &g.name,
        at_group(),
        membership,
        brackets,
        above_reported,
        checks,
    )
}

/// A fit's error as the reason after `not computed: <method>: `, without repeating the method
/// when the error already starts with it (e.g. a figure not computable in floating point).
fn fit_error(method: &str, e: &TabulationError) -> String {
    let text = e.to_string();
    match text.strip_prefix(method).and_then(|t| t.strip_prefix(": ")) {
        Some(rest) => rest.to_string(),
        None => text,
    }
}

/// The interval of the Pareto exponent `alpha` (point `a`) between thresholds with
/// `ln_ba = ln(b / a)`, from the counts at or above them. `alpha` rises with `N(>=a)` and
/// falls with `N(>=b)`, so it is evaluated at the corners, each input once: with `N(>=a)`
/// reported on its own (an `above` row), `[ln(Na.lo / Nb.hi), ln(Na.hi / Nb.lo)] / ln_ba`;
/// else, with `N(>=a) = bracket + N(>=b)`,
/// `[ln(1 + bracket.lo / Nb.hi), ln(1 + bracket.hi / Nb.lo)] / ln_ba`. An end that is not a
/// number (0 / 0) is left open; the interval always holds the point.
fn pareto_alpha_interval(
    a: f64,
    ln_ba: f64,
    above_a: Option<Interval>,
    bracket: Interval,
    above_b: Interval,
) -> Interval {
    let nb = above_b;
    let (lo, hi) = match above_a {
        Some(na) => (
            (na.lo() / nb.hi()).ln() / ln_ba,
            (na.hi() / nb.lo()).ln() / ln_ba,
        ),
        None => (
            (1.0 + bracket.lo() / nb.hi()).ln() / ln_ba,
            (1.0 + bracket.hi() / nb.lo()).ln() / ln_ba,
        ),
    };
    Interval::new(
        if lo.is_nan() {
            f64::NEG_INFINITY
        } else {
            lo.min(a)
        },
        if hi.is_nan() {
            f64::INFINITY
        } else {
            hi.max(a)
        },
    )
    .unwrap_or_else(|_| point(a))
}

/// The table analysis shared by groups and the total: the shares' and counts' sums checked,
/// the members at or above each threshold, Pareto exponents, fits and Gini bounds.
fn analyse(
    group_name: &str,
    at_group: Location,
    membership: Membership,
    brackets: Vec<Resolved>,
    above_reported: Option<Resolved>,
    mut checks: Vec<Check>,
) -> Result<GroupTabulation, TableError> {
    // `group_name` is the group as given (for the output's `group`); messages show it escaped.
    let name = super::input::group_shown(group_name);
    let fail = |problem: Problem| TableError::new(at_group.clone(), problem);
    let m_pt = membership.members.value();
    // 1. Shares sum to 100% within rounding; the remainder lies below the first threshold.
    let sum_s = brackets.iter().fold(point(0.0), |acc, b| acc + b.share);
    let sum_sp: f64 = brackets.iter().map(|b| b.share_point).sum();
    let first = brackets.first().map_or(0.0, |b| b.lower);
    if sum_s.lo() > 100.0 + 1e-9 {
        return Err(fail(Problem::SharesOver100 {
            sum: sum_sp,
            interval: sum_s,
        }));
    }
    if sum_s.contains(100.0) || (sum_s.hi() - 100.0).abs() < 1e-9 {
        checks.push(Check {
            check: CheckKind::SharesSum,
            status: CheckStatus::Ok,
            message: format!(
                "group \"{name}\": shares sum to {}, 100% within rounding",
                fmt_figure_vs(sum_sp, &sum_s, &[], "%")
            ),
        });
    } else {
        let rest = (point(100.0) - sum_s)
            .clamp_min(0.0)
            .unwrap_or_else(|_| point(0.0));
        checks.push(Check {
            check: CheckKind::SharesSum,
            status: CheckStatus::Note,
            message: format!(
                "group \"{name}\": the brackets hold {}; the remaining {} is taken to earn below the first threshold, {first}",
                fmt_figure_vs(sum_sp, &sum_s, &[100.0], "%"),
                fmt_figure_vs((100.0 - sum_sp).clamp(rest.lo(), rest.hi()), &rest, &[], "%")
            ),
        });
    }
    // 2. Counts within membership.
    let sum_c = brackets.iter().fold(point(0.0), |acc, b| acc + b.count);
    let sum_cp: f64 = brackets.iter().map(|b| b.count_point).sum();
    let m_iv = membership.members.interval();
    if sum_c.lo() > m_iv.hi() + 1e-9 {
        return Err(fail(Problem::CountsOverMembership {
            sum: sum_cp,
            sum_interval: sum_c,
            membership: m_pt,
            membership_interval: m_iv,
        }));
    }
    if sum_cp > m_pt * (1.0 + 1e-9) {
        checks.push(Check {
            check: CheckKind::CountsWithinMembership,
            status: CheckStatus::Warning,
            message: format!(
                "group \"{name}\": counts sum to {}, above the membership {}; consistent only at the edges of rounding",
                fmt_figure_vs(sum_cp, &sum_c, &[m_pt], ""),
                fmt_figure_vs(m_pt, &m_iv, &[sum_cp], "")
            ),
        });
    } else {
        checks.push(Check {
            check: CheckKind::CountsWithinMembership,
            status: CheckStatus::Ok,
            message: format!(
                "group \"{name}\": counts sum to {}, within the membership {}",
                fmt_figure_vs(sum_cp, &sum_c, &[], ""),
                fmt_estimate(&membership.members)
            ),
        });
    }

    // 3. Survival at each threshold.
    let k = brackets.len();
    let mut above = Vec::with_capacity(k);
    for i in 0..k {
        let (c, cp, s, sp) = match (&above_reported, i) {
            (Some(a), 0) => (a.count, a.count_point, a.share, a.share_point),
            _ => (
                brackets[i..]
                    .iter()
                    .fold(point(0.0), |acc, b| acc + b.count),
                brackets[i..].iter().map(|b| b.count_point).sum(),
                brackets[i..]
                    .iter()
                    .fold(point(0.0), |acc, b| acc + b.share),
                brackets[i..].iter().map(|b| b.share_point).sum(),
            ),
        };
        // Nobody's share exceeds 100% and no count exceeds the membership: the intervals are
        // cut there, and the points (printed shares may sum to 100.1%) kept inside them.
        let s = s
            .intersect(&Interval::new(0.0, 100.0).unwrap_or(s))
            .unwrap_or_else(|| point(100.0));
        let c = c
            .intersect(&Interval::new(0.0, m_iv.hi()).unwrap_or(c))
            .unwrap_or_else(|| point(m_iv.hi()));
        let interval_err = |e| fail(Problem::Interval(e));
        above.push(AtOrAbove {
            threshold: brackets[i].lower,
            share_percent: estimate(sp.clamp(s.lo(), s.hi()), s).map_err(interval_err)?,
            count: estimate(cp.clamp(c.lo(), c.hi()), c).map_err(interval_err)?,
        });
    }

    // 4. The point table.
    let tolerance = ((sum_s.hi() - sum_sp) / 100.0).max(0.0) + 1e-9;
    let table = BracketTable::with_share_tolerance(
        brackets
            .iter()
            .map(|b| Bracket {
                lower: b.lower,
                upper: b.upper,
                share: (b.share_point / 100.0).clamp(0.0, 1.0),
                mean: b.mean,
            })
            .collect(),
        tolerance,
    )
    .map_err(|e| fail(Problem::Table(e)))?;

    // 5. Pareto exponents with intervals.
    let mut pareto = Vec::new();
    for (i, e) in table.pareto_exponents().iter().enumerate() {
        let alpha = match e.alpha {
            None => None,
            Some(a) => {
                let iv = pareto_alpha_interval(
                    a,
                    (e.upper / e.lower).ln(),
                    (above_reported.is_some() && i == 0).then(|| above[i].count.interval()),
                    brackets[i].count,
                    above[i + 1].count.interval(),
                );
                Some(estimate(a, iv).map_err(|e| fail(Problem::Interval(e)))?)
            }
        };
        pareto.push(ParetoStep {
            lower: e.lower,
            upper: e.upper,
            alpha,
        });
    }
    let top_bracket_mean_implied = table.implied_top_mean();

    // 6. Fits.
    let total_share = table.total_share();
    let fit_population = if (sum_s.contains(100.0)) || (sum_s.hi() - 100.0).abs() < 1e-9 {
        format!("the whole group (brackets from {first} up)")
    } else {
        format!(
            "members at or above {first} only ({}% of the group); below that the table says nothing",
            n(100.0 * total_share)
        )
    };
    let mut fits = Vec::new();
    let mut not_fitted = Vec::new();
    let mut curves: Vec<(Method, Vec<(f64, f64)>)> = Vec::new();
    let to_percent = |c: Vec<(f64, f64)>| -> Vec<(f64, f64)> {
        c.into_iter()
            .filter(|(x, y)| x.is_finite() && *x > 0.0 && *y > 0.0)
            .map(|(x, y)| (x, 100.0 * total_share * y))
            .collect()
    };
    let summarise = |method: Method, d: &dyn FittedDistribution| FitSummary {
        method,
        mean: d.mean(),
        p50: d.quantile(0.5).ok().filter(|x| x.is_finite()),
        p90: d.quantile(0.9).ok().filter(|x| x.is_finite()),
        p99: d.quantile(0.99).ok().filter(|x| x.is_finite()),
        top10_share: d.top_share(0.9).ok().filter(|x| x.is_finite()),
        top1_share: d.top_share(0.99).ok().filter(|x| x.is_finite()),
        gini: d.gini(),
    };
    const HIST: Method = Method::MeanSplitHistogram;
    const GPI: Method = Method::GeneralizedParetoInterpolation;
    if table.len() < 3 {
        let why = format!("needs at least 3 brackets, the table has {}", table.len());
        not_fitted.push(NotFitted {
            method: HIST,
            reason: why.clone(),
        });
        not_fitted.push(NotFitted {
            method: GPI,
            reason: why,
        });
    } else {
        match MeanSplitHistogram::fit(&table) {
            Ok(h) => {
                fits.push(summarise(HIST, &h));
                curves.push((HIST, to_percent(h.survival_curve(400, 0.999))));
            }
            Err(e) => not_fitted.push(NotFitted {
                method: HIST,
                reason: fit_error(HIST.name(), &e),
            }),
        }
        if table.all_means_known() {
            match GeneralizedParetoInterpolation::fit(&table) {
                Ok(gp) => {
                    fits.push(summarise(GPI, &gp));
                    curves.push((GPI, to_percent(gp.survival_curve(400, 0.999))));
                }
                Err(e) => not_fitted.push(NotFitted {
                    method: GPI,
                    reason: fit_error(GPI.name(), &e),
                }),
            }
        } else {
            not_fitted.push(NotFitted {
                method: GPI,
                reason: "needs every bracket's mean (column `mean`)".into(),
            });
        }
    }
    let preferred = fits
        .iter()
        .find(|f| f.method == GPI)
        .or_else(|| fits.first());
    let (lower, upper) = if table.all_means_known() {
        match gini_bounds(&table, None) {
            Ok(b) => (Some(b.lower), Some(b.upper)),
            Err(e) => {
                not_fitted.push(NotFitted {
                    method: Method::GiniBounds,
                    reason: fit_error("the Gini bounds", &e),
                });
                (None, None)
            }
        }
    } else {
        not_fitted.push(NotFitted {
            method: Method::GiniBounds,
            reason: "need every bracket's mean (column `mean`)".into(),
        });
        (None, None)
    };
    let curve = preferred
        .and_then(|f| curves.iter().find(|c| c.0 == f.method))
        .map(|c| c.1.clone())
        .unwrap_or_default();
    let gini = GiniSummary {
        fit: preferred.map(|f| f.gini),
        fit_method: preferred.map(|f| f.method),
        lower,
        upper,
    };
    if let (Some(f), Some(lo), Some(hi)) = (gini.fit, lower, upper) {
        if f < lo - 1e-6 || f > hi + 1e-6 {
            let t = fmt_nums(&[f, lo, hi]);
            checks.push(Check {
                check: CheckKind::GiniFitWithinBounds,
                status: CheckStatus::Warning,
                message: format!(
                    "group \"{name}\": the fitted Gini {} lies outside the bounds [{}, {}]",
                    t[0], t[1], t[2]
                ),
            });
        }
    }

    let brackets = brackets
        .into_iter()
        .map(|b| {
            Ok(BracketCounts {
                lower: b.lower,
                upper: b.upper,
                share_percent: estimate(b.share_point, b.share)?,
                count: estimate(b.count_point, b.count)?,
                mean: b.mean,
                origin: b.origin,
                source: b.source,
                note: b.note,
            })
        })
        .collect::<Result<Vec<_>, IntervalError>>()
        .map_err(|e| fail(Problem::Interval(e)))?;
    Ok(GroupTabulation {
        group: group_name.to_string(),
        membership,
        brackets,
        above,
        pareto,
        top_bracket_mean_implied,
        checks,
        fit_population,
        fits,
        not_fitted,
        gini,
        curve,
    })
}

/// The total over groups with identical brackets: counts and memberships add (intervals add
/// end by end), shares are total count / total membership, means are count-weighted. `Ok(Err(..))` when the groups' brackets differ.
fn total(groups: &[GroupTabulation]) -> Result<Result<GroupTabulation, NoTotal>, TableError> {
    let first = &groups[0];
    let same = groups.iter().all(|g| {
        g.brackets.len() == first.brackets.len()
            && g.brackets
                .iter()
                .zip(&first.brackets)
                .all(|(a, b)| a.lower == b.lower && a.upper == b.upper)
    });
    if !same {
        return Ok(Err(NoTotal::BracketsDiffer));
    }
    let m_iv = groups
        .iter()
        .fold(point(0.0), |acc, g| acc + g.membership.members.interval());
    let m_pt: f64 = groups.iter().map(|g| g.membership.members.value()).sum();
    let derived = groups
        .iter()
        .any(|g| g.membership.origin != MembershipOrigin::Reported);
    let membership = Membership {
        members: estimate(m_pt, m_iv)
            .map_err(|e| TableError::new(Location::Total, Problem::Interval(e)))?,
        origin: if derived {
            MembershipOrigin::SumSomeDerived
        } else {
            MembershipOrigin::SumOfReported
        },
    };
    let mut brackets = Vec::new();
    for (i, b) in first.brackets.iter().enumerate() {
        let c_iv = groups
            .iter()
            .fold(point(0.0), |acc, g| acc + g.brackets[i].count.interval());
        let c_pt: f64 = groups.iter().map(|g| g.brackets[i].count.value()).sum();
        let s_iv = c_iv
            .try_div(&m_iv)
            .and_then(|x| x.scale(100.0))
            .map_err(|e| TableError::new(Location::TotalBrackets, Problem::Interval(e)))?;
        let mean = if groups.iter().all(|g| g.brackets[i].mean.is_some()) && c_pt > 0.0 {
            Some(
                groups
                    .iter()
                    .map(|g| g.brackets[i].count.value() * g.brackets[i].mean.unwrap_or(0.0))
                    .sum::<f64>()
                    / c_pt,
            )
        } else {
            None
        };
        brackets.push(Resolved {
            lower: b.lower,
            upper: b.upper,
            share: s_iv,
            share_point: 100.0 * c_pt / m_pt,
            count: c_iv,
            count_point: c_pt,
            mean,
            origin: format!("sum over {} groups", groups.len()),
            source: None,
            note: None,
        });
    }
    analyse(
        "total",
        Location::Total,
        membership,
        brackets,
        None,
        Vec::new(),
    )
    .map(Ok)
}

#[cfg(test)]
mod tests {
    use super::super::input::{GroupsBuilder, RawRow};
    use super::*;

    fn table(rows: &[RawRow]) -> Result<Tabulation, TableError> {
        let mut b = GroupsBuilder::new();
        for (i, r) in rows.iter().enumerate() {
            b.add(i as u64 + 2, r)?;
        }
        tabulate(&b.finish()?)
    }

    /// Extrapolation with the rounding interval written out: 12,000 members x 13.8% (printed
    /// with one decimal, so [13.75%, 13.85%]) = 1,656, interval
    /// [12,000 x 0.1375, 12,000 x 0.1385] = [1,650, 1,662].
    #[test]
    fn count_from_rounded_share() {
        let r = table(&[RawRow {
            group: "A",
            membership: "12000",
            lower: "8",
            share_percent: "13.8",
            ..Default::default()
        }])
        .unwrap();
        let c = r.groups[0].brackets[0].count;
        assert!((c.value() - 1656.0).abs() < 1e-9);
        assert!((c.lo().unwrap() - 1650.0).abs() < 1e-9);
        assert!((c.hi().unwrap() - 1662.0).abs() < 1e-9);
        // Only 13.8% is listed: the rest is said to lie below 8, not flagged as an error.
        assert_eq!(r.groups[0].checks[0].status, CheckStatus::Note);
    }

    /// The Vovsi example reproduces Pirani's counts: N[15,30) = 15,400 and N[30,inf) = about
    /// 1,500 as reported; N[8,15) = 80,000 - 15,400 - 1,500 = 63,100 by difference, interval
    /// [80,000 - 15,400 - 1,550, 90,000 - 15,400 - 1,450] = [63,050, 73,150] ("more than
    /// 80,000" read as [80,000, 90,000], "about 1,500" as [1,450, 1,550]); membership
    /// 80,000 / 13.8% = 579,710.1, interval [80,000 / 0.1385, 90,000 / 0.1375]
    /// = [577,617.3, 654,545.5].
    #[test]
    fn vovsi_counts() {
        let g = "institutions";
        let r = table(&[
            RawRow {
                group: g,
                lower: "8",
                kind: "above",
                share_percent: "13.8",
                count: "80000",
                qualifier: "more-than",
                source: "text before fn 28",
                ..Default::default()
            },
            RawRow {
                group: g,
                lower: "15",
                upper: "30",
                count: "15400",
                qualifier: "exact",
                ..Default::default()
            },
            RawRow {
                group: g,
                lower: "30",
                count: "1500",
                qualifier: "about",
                ..Default::default()
            },
        ])
        .unwrap();
        let g = &r.groups[0];
        let m = g.membership.members;
        assert!((m.value() - 80000.0 / 0.138).abs() < 1e-6);
        assert!((m.lo().unwrap() - 80000.0 / 0.1385).abs() < 1e-6);
        assert!((m.hi().unwrap() - 90000.0 / 0.1375).abs() < 1e-6);
        let b: Vec<_> = g.brackets.iter().map(|b| b.count).collect();
        assert_eq!(b.len(), 3);
        assert!((b[0].value() - 63100.0).abs() < 1e-9);
        assert!((b[0].lo().unwrap() - 63050.0).abs() < 1e-9);
        assert!((b[0].hi().unwrap() - 73150.0).abs() < 1e-9);
        assert_eq!(b[1].value(), 15400.0);
        assert_eq!((b[2].lo(), b[2].hi()), (Some(1450.0), Some(1550.0)));
        // The bracket derived by difference carries the `above` row's source.
        assert_eq!(g.brackets[0].source.as_deref(), Some("text before fn 28"));
        assert_eq!(g.brackets[1].source, None);
        // alpha(8 -> 15) = ln(80,000 / 16,900) / ln(15/8) = 2.473;
        // alpha(15 -> 30) = ln(16,900 / 1,500) / ln 2 = 3.494.
        let a0 = g.pareto[0].alpha.unwrap().value();
        let a1 = g.pareto[1].alpha.unwrap().value();
        assert!((a0 - (80000.0f64 / 16900.0).ln() / (15.0f64 / 8.0).ln()).abs() < 1e-12);
        assert!((a1 - (16900.0f64 / 1500.0).ln() / 2f64.ln()).abs() < 1e-12);
        // Implied mean above 30: a1 / (a1 - 1) x 30.
        let implied = g.top_bracket_mean_implied.unwrap();
        assert!((implied - a1 / (a1 - 1.0) * 30.0).abs() < 1e-9);
    }

    /// A share and a count that contradict the membership are an error at the row's count:
    /// 50% of 1,000 printed as `50` is [495, 505] people, not 900.
    #[test]
    fn contradictions_are_typed_errors_with_their_location() {
        let e = table(&[RawRow {
            group: "A",
            membership: "1000",
            lower: "8",
            share_percent: "50",
            count: "900",
            ..Default::default()
        }])
        .unwrap_err();
        assert!(matches!(e.problem(), Problem::ShareCountDisagree(_)));
        assert!(matches!(
            *e.at(),
            Location::Row {
                line: 2,
                column: Column::Count,
                ..
            }
        ));
        assert!(
            e.to_string()
                .contains("is 500 [495, 505] people, but the count is 900"),
            "{e}"
        );
    }

    /// Two groups with the same brackets get a total; with different brackets the note says why.
    #[test]
    fn total_over_groups() {
        let row = |group, membership, lower, upper, share_percent| RawRow {
            group,
            membership,
            lower,
            upper,
            share_percent,
            ..Default::default()
        };
        let t = table(&[
            row("A", "1000", "8", "15", "50"),
            row("A", "1000", "15", "", "50"),
            row("B", "3000", "8", "15", "20"),
            row("B", "3000", "15", "", "80"),
        ])
        .unwrap();
        let total = t.total.unwrap();
        assert_eq!(total.membership.members.value(), 4000.0);
        assert_eq!(total.membership.origin, MembershipOrigin::SumOfReported);
        // 1,000 x 50% + 3,000 x 20% = 1,100 people; 1,100 / 4,000 = 27.5%.
        assert!((total.brackets[0].count.value() - 1100.0).abs() < 1e-9);
        assert!((total.brackets[0].share_percent.value() - 27.5).abs() < 1e-9);
        let t = table(&[
            row("A", "1000", "8", "15", "50"),
            row("A", "1000", "15", "", "50"),
            row("B", "3000", "8", "", "20"),
        ])
        .unwrap();
        assert!(t.total.is_none());
        assert_eq!(t.total_note, Some(NoTotal::BracketsDiffer));
    }
}

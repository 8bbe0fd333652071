//! From parsed rows to the report: counts and shares with their rounding intervals, checks,
//! Pareto exponents, fitted distributions and Gini bounds. Formulas are in docs/tabulate.md.

use super::parse::{esc, short, Group, Row, RowKind, MAX_PERSONS};
use serde::Serialize;
use wages_analysis::interval::{
    fmt_num, interval_from_qualifier, Interval, IntervalError, Qualifier,
};
use wages_analysis::tabulation::{
    gini_bounds, half_unit, Bracket, BracketTable, FittedDistribution,
    GeneralizedParetoInterpolation, MeanSplitHistogram,
};

/// A point value with the closed interval it may lie in (`null` bound = unbounded).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Figure {
    pub value: f64,
    pub lo: Option<f64>,
    pub hi: Option<f64>,
}

impl Figure {
    fn new(value: f64, iv: Interval) -> Self {
        Figure {
            value,
            lo: iv.lo().is_finite().then_some(iv.lo()),
            hi: iv.hi().is_finite().then_some(iv.hi()),
        }
    }

    fn interval(&self) -> Interval {
        // Built from a valid Interval, so this cannot fail; fall back to the point.
        Interval::new(
            self.lo.unwrap_or(f64::NEG_INFINITY),
            self.hi.unwrap_or(f64::INFINITY),
        )
        .unwrap_or_else(|_| point(self.value))
    }

    /// `1,656 [1,650, 1,662]`, with enough digits that distinct bounds look distinct and the
    /// value is shown inside them (one number of decimals for all three, see [`fmt_figure`]).
    pub fn text(&self) -> String {
        fmt_figure(self.value, self.lo, self.hi)
    }
}

/// Decimals enough to show every number of `xs` as `fmt_num` would, and more where two
/// different numbers would otherwise print alike (`[99.9995, 100.0005]`, not `[100, 100]`),
/// up to 12. Rounding every number to the same decimals keeps their order, so a value inside
/// an interval is printed inside it.
pub fn decimals_for(xs: &[f64]) -> usize {
    let finite: Vec<f64> = xs
        .iter()
        .copied()
        .filter(|x| x.is_finite() && x.abs() < 1e15)
        .collect();
    let mut d = finite
        .iter()
        .map(|&x| {
            let a = x.abs();
            if x.fract() == 0.0 || a >= 1000.0 {
                0
            } else {
                (3 - a.log10().floor() as i32).clamp(0, 12) as usize
            }
        })
        .max()
        .unwrap_or(0);
    while d < 12 {
        let shown: Vec<String> = finite.iter().map(|&x| fmt_at(x, d)).collect();
        let collide = (0..finite.len())
            .any(|i| (i + 1..finite.len()).any(|j| finite[i] != finite[j] && shown[i] == shown[j]));
        if !collide {
            break;
        }
        d += 1;
    }
    d
}

/// `x` with `d` decimals (trailing zeros dropped) and thousands separators; `∞` for
/// infinities, exponent notation from 1e15.
pub fn fmt_at(x: f64, d: usize) -> String {
    if !x.is_finite() || x.abs() >= 1e15 {
        return fmt_num(x).0;
    }
    let mut s = format!("{:.d$}", x.abs());
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    let (int, frac) = match s.find('.') {
        Some(i) => (s[..i].to_string(), s[i..].to_string()),
        None => (s.clone(), String::new()),
    };
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let negative = x < 0.0 && (grouped.chars().any(|c| c != '0' && c != ',') || !frac.is_empty());
    format!("{}{grouped}{frac}", if negative { "-" } else { "" })
}

/// Numbers printed together (a value and its bounds, or bounds and the figure they are
/// compared with) at one number of decimals: see [`decimals_for`].
pub fn fmt_nums(xs: &[f64]) -> Vec<String> {
    let d = decimals_for(xs);
    xs.iter().map(|&x| fmt_at(x, d)).collect()
}

/// `value [lo, hi]` (`value` alone when the bounds print alike), an unbounded end as `∞`.
pub fn fmt_figure(value: f64, lo: Option<f64>, hi: Option<f64>) -> String {
    let (lo, hi) = (lo.unwrap_or(f64::NEG_INFINITY), hi.unwrap_or(f64::INFINITY));
    let t = fmt_nums(&[value, lo, hi]);
    if t[1] == t[2] {
        return t[0].clone();
    }
    let open = if lo.is_finite() { '[' } else { '(' };
    let close = if hi.is_finite() { ']' } else { ')' };
    format!("{} {open}{}, {}{close}", t[0], t[1], t[2])
}

/// `value [lo, hi]` of an interval, with the figures `refs` it is compared with taken into
/// account as in [`fmt_iv`].
/// `unit` follows the value: `100.1% [99.95, 100.25]`.
pub fn fmt_figure_vs(value: f64, iv: &Interval, refs: &[f64], unit: &str) -> String {
    let mut xs = vec![value, iv.lo(), iv.hi()];
    xs.extend_from_slice(refs);
    let t = fmt_nums(&xs);
    if t[1] == t[2] {
        return format!("{}{unit}", t[0]);
    }
    let open = if iv.lo().is_finite() { '[' } else { '(' };
    let close = if iv.hi().is_finite() { ']' } else { ')' };
    format!("{}{unit} {open}{}, {}{close}", t[0], t[1], t[2])
}

/// An interval `[lo, hi]` printed so that it can be compared with the figures `refs` the
/// message compares it with: a bound that differs from one of them is shown differing.
pub fn fmt_iv(iv: &Interval, refs: &[f64]) -> String {
    let mut xs = vec![iv.lo(), iv.hi()];
    xs.extend_from_slice(refs);
    let t = fmt_nums(&xs);
    let open = if iv.lo().is_finite() { '[' } else { '(' };
    let close = if iv.hi().is_finite() { ']' } else { ')' };
    format!("{open}{}, {}{close}", t[0], t[1])
}

fn point(v: f64) -> Interval {
    Interval::new(v, v).unwrap_or_else(|_| Interval::non_negative())
}

/// The group's membership and where it comes from.
#[derive(Debug, Clone, Serialize)]
pub struct Membership {
    pub members: Figure,
    /// `reported` or `derived: ...` with the arithmetic.
    pub origin: String,
}

/// One bracket of the output.
#[derive(Debug, Clone, Serialize)]
pub struct BracketOut {
    pub lower: f64,
    /// `null` for the open top bracket.
    pub upper: Option<f64>,
    /// Share of the group's membership, percent.
    pub share_percent: Figure,
    /// Head-count, `membership x share / 100` or as reported.
    pub count: Figure,
    /// Bracket mean in multiples of the minimum, if given.
    pub mean: Option<f64>,
    /// `reported: ...` or `derived by difference: ...`.
    pub origin: String,
}

/// Members at or above a threshold.
#[derive(Debug, Clone, Serialize)]
pub struct AboveOut {
    pub threshold: f64,
    pub share_percent: Figure,
    pub count: Figure,
}

/// Pareto exponent between two consecutive thresholds.
#[derive(Debug, Clone, Serialize)]
pub struct ParetoOut {
    pub lower: f64,
    pub upper: f64,
    /// `ln(N(>=lower)/N(>=upper)) / ln(upper/lower)`; `null` when nobody is above `upper`.
    pub alpha: Option<Figure>,
}

/// One consistency check.
#[derive(Debug, Clone, Serialize)]
pub struct CheckOut {
    pub check: &'static str,
    /// `ok`, `warning` (a failure) or `note` (nothing wrong, but read this).
    pub status: &'static str,
    pub message: String,
}

/// Summary of a fitted distribution.
#[derive(Debug, Clone, Serialize)]
pub struct FitOut {
    /// `mean-split histogram` or `generalized Pareto interpolation`.
    pub method: &'static str,
    pub mean: f64,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub p99: Option<f64>,
    /// Share of pay held by the top 10% / top 1% of the fitted population.
    pub top10_share: Option<f64>,
    pub top1_share: Option<f64>,
    pub gini: f64,
}

/// A fit that could not be made, and why.
#[derive(Debug, Clone, Serialize)]
pub struct NotFitted {
    pub method: &'static str,
    pub reason: String,
}

/// Gini: from the preferred fit, and bounds where every bracket mean is known.
#[derive(Debug, Clone, Serialize)]
pub struct GiniOut {
    pub fit: Option<f64>,
    pub fit_method: Option<&'static str>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

/// Everything reported for one group (or the total).
#[derive(Debug, Clone, Serialize)]
pub struct GroupReport {
    pub group: String,
    pub membership: Membership,
    pub brackets: Vec<BracketOut>,
    /// Share of the group's membership (and count) at or above each bracket's lower threshold.
    pub above: Vec<AboveOut>,
    pub pareto: Vec<ParetoOut>,
    /// `alpha/(alpha-1) x lower` of the open top bracket from the last exponent (`null` if
    /// the top is closed or alpha <= 1).
    pub top_bracket_mean_implied: Option<f64>,
    pub checks: Vec<CheckOut>,
    /// Which population the fits and Gini figures describe.
    pub fit_population: String,
    pub fits: Vec<FitOut>,
    pub not_fitted: Vec<NotFitted>,
    pub gini: GiniOut,
    /// Points `(x, percent of the membership at or above x)` of the preferred fit, for charts.
    #[serde(skip)]
    pub curve: Vec<(f64, f64)>,
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
}

fn n(x: f64) -> String {
    fmt_num(x).0
}

fn count_interval(c: f64, q: Qualifier) -> Result<Interval, String> {
    if q == Qualifier::Exact {
        return Ok(point(c));
    }
    interval_from_qualifier(q, c, None, None).map_err(|e| match e {
        IntervalError::NoSignificantUnit(_) => format!(
            "`{q}` takes its interval from the count's last significant digit, and {} has none; give the count as `exact`, or an `at-most` bound",
            n(c)
        ),
        e => e.to_string(),
    })
}

fn share_interval(s: f64, decimals: i32) -> Interval {
    let h = half_unit(decimals);
    Interval::new((s - h).max(0.0), (s + h).min(100.0)).unwrap_or_else(|_| point(s))
}

/// `[8, 15)` or `[30, +inf)`.
pub fn bracket_label(lower: f64, upper: Option<f64>) -> String {
    match upper {
        Some(u) => format!("[{}, {})", lower, u),
        None => format!("[{}, +inf)", lower),
    }
}

/// Analyse one group. `file` only prefixes messages.
pub fn group_report(file: &str, g: &Group) -> Result<GroupReport, String> {
    let name = short(&esc(&g.name));
    let at_group = format!("{file}: line {}: group \"{name}\"", g.line);
    let at_row = |r: &Row, field: &str| {
        format!(
            "{file}: line {}: group \"{name}\", bracket {}, field `{field}`",
            r.line,
            r.label()
        )
    };
    let aboves: Vec<&Row> = g.rows.iter().filter(|r| r.kind == RowKind::Above).collect();
    let rows: Vec<&Row> = g
        .rows
        .iter()
        .filter(|r| r.kind == RowKind::Bracket)
        .collect();
    if aboves.len() > 1 {
        return Err(format!(
            "{}: a second `above` row; give at most one `above` row per group (at its lowest threshold)",
            at_row(aboves[1], "kind")
        ));
    }
    // Order and overlap of the brackets, as written in the file.
    for w in rows.windows(2) {
        let (prev, cur) = (w[0], w[1]);
        let prev_end = prev.upper.unwrap_or(f64::INFINITY);
        if cur.lower < prev_end {
            let what = if prev.upper.is_none() {
                format!(
                    "the open top bracket {} (line {}) must be the group's last row",
                    prev.label(),
                    prev.line
                )
            } else {
                format!(
                    "it starts below the end of bracket {} (line {}); sort the group's rows by threshold, without overlaps",
                    prev.label(),
                    prev.line
                )
            };
            return Err(format!("{}: {what}", at_row(cur, "lower")));
        }
    }

    // Membership: given, or implied by a row with both a share and a count.
    // The line whose share and count imply the membership, when the source gives none.
    let mut defining_line = None;
    let membership = match g.membership {
        Some(m) => Membership {
            members: Figure::new(m, point(m)),
            origin: "reported".into(),
        },
        None => {
            let both = g
                .rows
                .iter()
                .find(|r| r.share_percent.is_some() && r.count.is_some());
            match both {
                Some(r) => {
                    let ((s, d), (c, q)) = (r.share_percent.unwrap_or_default(), r.count.unwrap_or((0.0, Qualifier::Exact)));
                    if s <= 0.0 {
                        return Err(format!(
                            "{}: share 0 cannot imply a membership; give the group's membership",
                            at_row(r, "share_percent")
                        ));
                    }
                    let c_iv = count_interval(c, q).map_err(|e| format!("{}: {e}", at_row(r, "count")))?;
                    let s_iv = share_interval(s, d);
                    if s_iv.lo() <= 0.0 {
                        // Its printed rounding reaches 0%: any membership, however large, fits.
                        return Err(format!(
                            "{}: share {s}% read with its printed rounding is {}%, which includes 0, so it cannot imply a membership; give the group's membership",
                            at_row(r, "share_percent"),
                            fmt_iv(&s_iv, &[0.0])
                        ));
                    }
                    let iv = c_iv
                        .try_div(&s_iv)
                        .and_then(|x| x.scale(100.0))
                        .map_err(|e| format!("{}: {e}", at_row(r, "share_percent")))?;
                    let v = c * 100.0 / s;
                    if v > MAX_PERSONS {
                        return Err(format!(
                            "{}: count / share = {} / {s}% implies a membership of {}, above {MAX_PERSONS:e} persons; check the share and the count, or give the membership",
                            at_row(r, "share_percent"),
                            n(c),
                            n(v)
                        ));
                    }
                    let qual = q.phrase();
                    defining_line = Some(r.line);
                    Membership {
                        members: Figure::new(v, iv),
                        origin: format!(
                            "derived (the source gives no membership): count / share = {}{} / {}% = {} (line {}); interval {} / {} x 100",
                            if qual.is_empty() { String::new() } else { format!("{qual} ") },
                            n(c),
                            s,
                            n(v),
                            r.line,
                            fmt_iv(&c_iv, &[]),
                            fmt_iv(&s_iv, &[])
                        ),
                    }
                }
                None => {
                    return Err(format!(
                        "{at_group}: no membership; put the group's total number of members in the `membership` column of one of its rows (or give both share_percent and count on one row so that it can be implied)"
                    ))
                }
            }
        }
    };
    let m_iv = membership.members.interval();
    let m_pt = membership.members.value;

    // Every other row that gives both a share and a count must agree with the membership:
    // count = membership x share / 100 for some values within the intervals (the rounding of
    // the share, the count's qualifier, a derived membership's interval), else the table
    // contradicts itself and no figure of it can be trusted.
    let mut checks = Vec::new();
    let m_text = match defining_line {
        Some(l) => format!(
            "the membership implied by line {l}, {}",
            membership.members.text()
        ),
        None => format!("the membership {}", membership.members.text()),
    };
    for r in g.rows.iter().filter(|r| Some(r.line) != defining_line) {
        let (Some((s, d)), Some((c, q))) = (r.share_percent, r.count) else {
            continue;
        };
        let s_iv = share_interval(s, d);
        let c_iv = count_interval(c, q).map_err(|e| format!("{}: {e}", at_row(r, "count")))?;
        let implied = m_iv * s_iv.scale(0.01).unwrap_or(s_iv);
        let implied_pt = m_pt * s / 100.0;
        let qual = q.phrase();
        let c_text = if q == Qualifier::Exact {
            n(c)
        } else {
            format!("{qual} {} ({})", n(c), fmt_iv(&c_iv, &[]))
        };
        // The membership this row implies on its own, when its share cannot be 0.
        let own = c_iv
            .try_div(&s_iv)
            .and_then(|x| x.scale(100.0))
            .ok()
            .filter(|_| s_iv.lo() > 0.0)
            .map(|iv| {
                format!(
                    "; on its own the row implies a membership of {}",
                    fmt_iv(&iv, &[])
                )
            })
            .unwrap_or_default();
        if implied.intersect(&c_iv).is_none() {
            return Err(format!(
                "{}: share {s}% ({}%) of {m_text} is {} people, but the count is {c_text}: no value within the rounding fits both{own}; correct the share, the count or the membership",
                at_row(r, "count"),
                fmt_iv(&s_iv, &[]),
                fmt_figure(implied_pt, Some(implied.lo()), Some(implied.hi()).filter(|h| h.is_finite()))
            ));
        }
        let agree = implied.contains(c) || c_iv.contains(implied_pt);
        checks.push(CheckOut {
            check: "share-count-agree",
            status: if agree { "ok" } else { "warning" },
            message: format!(
                "group \"{name}\", line {}: share {s}% of {m_text} is {} people, count {c_text}: {}",
                r.line,
                fmt_figure(implied_pt, Some(implied.lo()), Some(implied.hi()).filter(|h| h.is_finite())),
                if agree {
                    "they agree within rounding"
                } else {
                    "consistent only at the edges of the intervals"
                }
            ),
        });
    }

    let resolve = |r: &Row| -> Result<Resolved, String> {
        let (share, share_point, count, count_point, origin) = match (r.share_percent, r.count) {
            (Some((s, d)), Some((c, q))) => {
                let c_iv =
                    count_interval(c, q).map_err(|e| format!("{}: {e}", at_row(r, "count")))?;
                (
                    share_interval(s, d),
                    s,
                    c_iv,
                    c,
                    format!("reported: share {s}% and count {} {}", q.phrase(), n(c)),
                )
            }
            (Some((s, d)), None) => {
                let s_iv = share_interval(s, d);
                let c_iv = m_iv * s_iv.scale(0.01).unwrap_or(s_iv);
                (
                    s_iv,
                    s,
                    c_iv,
                    m_pt * s / 100.0,
                    format!(
                        "reported: share {s}% (as printed, so ±{}: {}%); count = membership x share",
                        fmt_num(half_unit(d)).0,
                        fmt_iv(&s_iv, &[s])
                    ),
                )
            }
            (None, Some((c, q))) => {
                let c_iv =
                    count_interval(c, q).map_err(|e| format!("{}: {e}", at_row(r, "count")))?;
                let s_iv = c_iv
                    .try_div(&m_iv)
                    .and_then(|x| x.scale(100.0))
                    .map_err(|e| format!("{}: {e}", at_row(r, "count")))?;
                let qual = q.phrase();
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
            (None, None) => unreachable_row(),
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
                return Err(format!(
                    "{}: the `above` row's threshold {} is not below the lowest bracket's lower threshold {first}; an `above` row sits at the group's lowest threshold, below every bracket (the bracket from it up to {first} is then derived by difference)",
                    at_row(a, "lower"),
                    a.lower
                ));
            }
            let contiguous = brackets.windows(2).all(|w| w[0].upper == Some(w[1].lower))
                && brackets.last().is_some_and(|b| b.upper.is_none());
            if !contiguous {
                return Err(format!(
                    "{}: the bracket [{}, {first}) can only be derived by difference when the brackets above it run without gaps up to an open top bracket; add the missing brackets or give [{}, {first}) itself",
                    at_row(a, "kind"),
                    a.lower,
                    a.lower
                ));
            }
            let sum_c = brackets.iter().fold(point(0.0), |acc, b| acc + b.count);
            let sum_cp: f64 = brackets.iter().map(|b| b.count_point).sum();
            let sum_s = brackets.iter().fold(point(0.0), |acc, b| acc + b.share);
            let sum_sp: f64 = brackets.iter().map(|b| b.share_point).sum();
            let mut cp = ra.count_point - sum_cp;
            if ra.count.hi() < sum_c.lo() {
                let t = fmt_nums(&[ra.count.hi(), sum_c.lo()]);
                return Err(format!(
                    "{}: {} members at or above {} (at most {}) but the brackets above {first} already hold {} (at least {}); no value within the intervals fits, correct the counts",
                    at_row(a, "count"),
                    n(ra.count_point),
                    a.lower,
                    t[0],
                    n(sum_cp),
                    t[1]
                ));
            }
            if cp < 0.0 {
                // The points contradict, the intervals do not: the derived point is the nearest
                // value the intervals allow, 0, and a warning says so.
                checks.push(CheckOut {
                    check: "difference-not-negative",
                    status: "warning",
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
            brackets.insert(
                0,
                Resolved {
                    lower: a.lower,
                    upper: Some(first),
                    share: s_iv,
                    share_point: (ra.share_point - sum_sp).max(0.0),
                    count: c_iv,
                    count_point: cp,
                    // The derived bracket's mean follows only when every mean is known.
                    mean: a.mean.and_then(|ma| {
                        let pay: Option<f64> =
                            brackets.iter().map(|b| b.mean.map(|m| m * b.count_point)).sum();
                        let m = (ma * ra.count_point - pay?) / cp;
                        (cp > 0.0 && m >= a.lower && m <= first).then_some(m)
                    }),
                    origin: format!(
                        "derived by difference (line {}): N(>= {}) - sum of the brackets above = {} - ({}) = {}",
                        a.line,
                        a.lower,
                        n(ra.count_point),
                        terms.join(" + "),
                        n(cp)
                    ),
                },
            );
            above_reported = Some(ra);
        }
    }
    analyse(
        &g.name,
        &at_group,
        membership,
        brackets,
        above_reported,
        checks,
    )
}

/// A fit's error as the reason after `not computed: <method>: `, without repeating the method
/// when the error already starts with it (e.g. a figure not computable in floating point).
fn fit_error(method: &str, e: &wages_analysis::tabulation::TabulationError) -> String {
    let text = e.to_string();
    match text.strip_prefix(method).and_then(|t| t.strip_prefix(": ")) {
        Some(rest) => rest.to_string(),
        None => text,
    }
}

fn unreachable_row() -> (Interval, f64, Interval, f64, String) {
    // The parser rejects a row with neither share nor count.
    (point(0.0), 0.0, point(0.0), 0.0, String::new())
}

/// The table analysis shared by groups and the total.
fn analyse(
    name: &str,
    at_group: &str,
    membership: Membership,
    brackets: Vec<Resolved>,
    above_reported: Option<Resolved>,
    mut checks: Vec<CheckOut>,
) -> Result<GroupReport, String> {
    // `name` is the group as given (for the output's `group`); messages show it escaped.
    let group_name = name;
    let name = short(&esc(name));
    let m_pt = membership.members.value;
    // 1. Shares sum to 100% within rounding; the remainder lies below the first threshold.
    let sum_s = brackets.iter().fold(point(0.0), |acc, b| acc + b.share);
    let sum_sp: f64 = brackets.iter().map(|b| b.share_point).sum();
    let first = brackets.first().map_or(0.0, |b| b.lower);
    if sum_s.lo() > 100.0 + 1e-9 {
        return Err(format!(
            "{at_group}: the brackets' shares sum to {}, over 100% even allowing for rounding; check the shares and the membership",
            fmt_figure_vs(sum_sp, &sum_s, &[100.0], "%")
        ));
    }
    if sum_s.contains(100.0) || (sum_s.hi() - 100.0).abs() < 1e-9 {
        checks.push(CheckOut {
            check: "shares-sum",
            status: "ok",
            message: format!(
                "group \"{name}\": shares sum to {}, 100% within rounding",
                fmt_figure_vs(sum_sp, &sum_s, &[], "%")
            ),
        });
    } else {
        let rest = (point(100.0) - sum_s)
            .clamp_min(0.0)
            .unwrap_or_else(|_| point(0.0));
        checks.push(CheckOut {
            check: "shares-sum",
            status: "note",
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
        return Err(format!(
            "{at_group}: the brackets' counts sum to {}, more than the membership {} even allowing for rounding; check the counts and the membership",
            fmt_figure_vs(sum_cp, &sum_c, &[m_iv.hi()], ""),
            fmt_figure_vs(m_pt, &m_iv, &[sum_c.lo()], "")
        ));
    }
    if sum_cp > m_pt * (1.0 + 1e-9) {
        checks.push(CheckOut {
            check: "counts-within-membership",
            status: "warning",
            message: format!(
                "group \"{name}\": counts sum to {}, above the membership {}; consistent only at the edges of rounding",
                fmt_figure_vs(sum_cp, &sum_c, &[m_pt], ""),
                fmt_figure_vs(m_pt, &m_iv, &[sum_cp], "")
            ),
        });
    } else {
        checks.push(CheckOut {
            check: "counts-within-membership",
            status: "ok",
            message: format!(
                "group \"{name}\": counts sum to {}, within the membership {}",
                fmt_figure_vs(sum_cp, &sum_c, &[], ""),
                membership.members.text()
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
        above.push(AboveOut {
            threshold: brackets[i].lower,
            share_percent: Figure::new(sp.clamp(s.lo(), s.hi()), s),
            count: Figure::new(cp.clamp(c.lo(), c.hi()), c),
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
    .map_err(|e| format!("{at_group}: {e}"))?;

    // 5. Pareto exponents with intervals: alpha rises with N(>=a) and falls with N(>=b).
    let mut pareto = Vec::new();
    for (i, e) in table.pareto_exponents().iter().enumerate() {
        let ln_ba = (e.upper / e.lower).ln();
        let nb = above[i + 1].count.interval();
        let alpha = e.alpha.map(|a| {
            let (lo, hi) = if above_reported.is_some() && i == 0 {
                // N(>=a) reported on its own: independent of N(>=b).
                let na = above[i].count.interval();
                (
                    (na.lo() / nb.hi()).ln() / ln_ba,
                    (na.hi() / nb.lo()).ln() / ln_ba,
                )
            } else {
                // N(>=a) = bracket + N(>=b): alpha = ln(1 + bracket / N(>=b)) / ln(b/a).
                let br = brackets[i].count;
                (
                    (1.0 + br.lo() / nb.hi()).ln() / ln_ba,
                    (1.0 + br.hi() / nb.lo()).ln() / ln_ba,
                )
            };
            let iv = Interval::new(
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
            .unwrap_or_else(|_| point(a));
            Figure::new(a, iv)
        });
        pareto.push(ParetoOut {
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
    let mut curves: Vec<(&'static str, Vec<(f64, f64)>)> = Vec::new();
    let to_percent = |c: Vec<(f64, f64)>| -> Vec<(f64, f64)> {
        c.into_iter()
            .filter(|(x, y)| x.is_finite() && *x > 0.0 && *y > 0.0)
            .map(|(x, y)| (x, 100.0 * total_share * y))
            .collect()
    };
    let summarise = |method: &'static str, d: &dyn FittedDistribution| FitOut {
        method,
        mean: d.mean(),
        p50: d.quantile(0.5).ok().filter(|x| x.is_finite()),
        p90: d.quantile(0.9).ok().filter(|x| x.is_finite()),
        p99: d.quantile(0.99).ok().filter(|x| x.is_finite()),
        top10_share: d.top_share(0.9).ok().filter(|x| x.is_finite()),
        top1_share: d.top_share(0.99).ok().filter(|x| x.is_finite()),
        gini: d.gini(),
    };
    if table.len() < 3 {
        let why = format!("needs at least 3 brackets, the table has {}", table.len());
        not_fitted.push(NotFitted {
            method: "mean-split histogram",
            reason: why.clone(),
        });
        not_fitted.push(NotFitted {
            method: "generalized Pareto interpolation",
            reason: why,
        });
    } else {
        match MeanSplitHistogram::fit(&table) {
            Ok(h) => {
                fits.push(summarise("mean-split histogram", &h));
                curves.push((
                    "mean-split histogram",
                    to_percent(h.survival_curve(400, 0.999)),
                ));
            }
            Err(e) => not_fitted.push(NotFitted {
                method: "mean-split histogram",
                reason: fit_error("mean-split histogram", &e),
            }),
        }
        if table.all_means_known() {
            match GeneralizedParetoInterpolation::fit(&table) {
                Ok(gp) => {
                    fits.push(summarise("generalized Pareto interpolation", &gp));
                    curves.push((
                        "generalized Pareto interpolation",
                        to_percent(gp.survival_curve(400, 0.999)),
                    ));
                }
                Err(e) => not_fitted.push(NotFitted {
                    method: "generalized Pareto interpolation",
                    reason: fit_error("generalized Pareto interpolation", &e),
                }),
            }
        } else {
            not_fitted.push(NotFitted {
                method: "generalized Pareto interpolation",
                reason: "needs every bracket's mean (column `mean`)".into(),
            });
        }
    }
    let preferred = fits
        .iter()
        .find(|f| f.method == "generalized Pareto interpolation")
        .or_else(|| fits.first());
    let (lower, upper) = if table.all_means_known() {
        match gini_bounds(&table, None) {
            Ok(b) => (Some(b.lower), Some(b.upper)),
            Err(e) => {
                not_fitted.push(NotFitted {
                    method: "Gini bounds",
                    reason: fit_error("the Gini bounds", &e),
                });
                (None, None)
            }
        }
    } else {
        not_fitted.push(NotFitted {
            method: "Gini bounds",
            reason: "need every bracket's mean (column `mean`)".into(),
        });
        (None, None)
    };
    let curve = preferred
        .and_then(|f| curves.iter().find(|c| c.0 == f.method))
        .map(|c| c.1.clone())
        .unwrap_or_default();
    let gini = GiniOut {
        fit: preferred.map(|f| f.gini),
        fit_method: preferred.map(|f| f.method),
        lower,
        upper,
    };
    if let (Some(f), Some(lo), Some(hi)) = (gini.fit, lower, upper) {
        if f < lo - 1e-6 || f > hi + 1e-6 {
            checks.push(CheckOut {
                check: "gini-fit-within-bounds",
                status: "warning",
                message: format!(
                    "group \"{name}\": the fitted Gini {} lies outside the bounds [{}, {}]",
                    fmt_nums(&[f, lo, hi])[0],
                    fmt_nums(&[f, lo, hi])[1],
                    fmt_nums(&[f, lo, hi])[2]
                ),
            });
        }
    }

    Ok(GroupReport {
        group: group_name.to_string(),
        membership,
        brackets: brackets
            .into_iter()
            .map(|b| BracketOut {
                lower: b.lower,
                upper: b.upper,
                share_percent: Figure::new(b.share_point, b.share),
                count: Figure::new(b.count_point, b.count),
                mean: b.mean,
                origin: b.origin,
            })
            .collect(),
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
/// end by end), shares are total count / total membership, means are count-weighted.
/// `None` (with the reason) when the groups' brackets differ.
pub fn total_report(
    file: &str,
    groups: &[GroupReport],
) -> Result<Result<GroupReport, String>, String> {
    let first = &groups[0];
    let same = groups.iter().all(|g| {
        g.brackets.len() == first.brackets.len()
            && g.brackets
                .iter()
                .zip(&first.brackets)
                .all(|(a, b)| a.lower == b.lower && a.upper == b.upper)
    });
    if !same {
        return Ok(Err(
            "no total: the groups' brackets differ, so their counts cannot be added bracket by bracket".into(),
        ));
    }
    let m_iv = groups
        .iter()
        .fold(point(0.0), |acc, g| acc + g.membership.members.interval());
    let m_pt: f64 = groups.iter().map(|g| g.membership.members.value).sum();
    let derived = groups.iter().any(|g| g.membership.origin != "reported");
    let membership = Membership {
        members: Figure::new(m_pt, m_iv),
        origin: if derived {
            "sum of the groups' memberships (some derived)".into()
        } else {
            "sum of the groups' reported memberships".into()
        },
    };
    let mut brackets = Vec::new();
    for (i, b) in first.brackets.iter().enumerate() {
        let c_iv = groups
            .iter()
            .fold(point(0.0), |acc, g| acc + g.brackets[i].count.interval());
        let c_pt: f64 = groups.iter().map(|g| g.brackets[i].count.value).sum();
        let s_iv = c_iv
            .try_div(&m_iv)
            .and_then(|x| x.scale(100.0))
            .map_err(|e| format!("{file}: total: {e}"))?;
        let mean = if groups.iter().all(|g| g.brackets[i].mean.is_some()) && c_pt > 0.0 {
            Some(
                groups
                    .iter()
                    .map(|g| g.brackets[i].count.value * g.brackets[i].mean.unwrap_or(0.0))
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
        });
    }
    analyse(
        "total",
        &format!("{file}: total over all groups"),
        membership,
        brackets,
        None,
        Vec::new(),
    )
    .map(Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bounds that differ are printed differing: [99.9995, 100.0005] was `[100, 100]` with
    /// fmt_num's 4 significant digits; at 3 decimals the three numbers print apart (each
    /// rounded to the nearest 0.001: 99.9995 is 99.99949999... in binary), point inside.
    #[test]
    fn distinct_bounds_print_distinct() {
        assert_eq!(
            fmt_figure(100.0, Some(99.9995), Some(100.0005)),
            "100 [99.999, 100.001]"
        );
        // Default digits where nothing collides: 12,000 x [13.75%, 13.85%] = [1,650, 1,662].
        assert_eq!(
            fmt_figure(1656.0, Some(1650.0), Some(1662.0)),
            "1,656 [1,650, 1,662]"
        );
        assert_eq!(
            fmt_figure(13.8, Some(13.75), Some(13.85)),
            "13.8 [13.75, 13.85]"
        );
        // Counts of 1,000 or more get decimals only when needed: [999.5, 1,000.5].
        assert_eq!(
            fmt_figure(1000.0, Some(999.5), Some(1000.5)),
            "1,000 [999.5, 1,000.5]"
        );
        // Unbounded ends.
        assert_eq!(fmt_figure(600.0, Some(600.0), None), "600 [600, ∞)");
        // A bound compared with 100 in a message: 100.00005 > 100 is shown above 100 (at 4
        // decimals the three numbers print apart).
        let iv = Interval::new(100.00005, 100.00015).unwrap();
        assert_eq!(fmt_iv(&iv, &[100.0]), "[100.0001, 100.0002]");
        // The same decimals for every number keep their order (value within its bounds).
        let t = fmt_nums(&[0.64581, 0.64421, 0.64742]);
        assert_eq!(t, vec!["0.6458", "0.6442", "0.6474"]);
        assert_eq!(fmt_at(-1234.5, 1), "-1,234.5");
        assert_eq!(fmt_at(-0.00001, 2), "0");
    }
}

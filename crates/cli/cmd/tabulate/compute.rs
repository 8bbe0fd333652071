//! From parsed rows to the report: counts and shares with their rounding intervals, checks,
//! Pareto exponents, fitted distributions and Gini bounds. Formulas are in docs/tabulate.md.

use super::parse::{esc, Group, Row, RowKind, MAX_PERSONS};
use serde::Serialize;
use wages_analysis::interval::{fmt_num, interval_from_qualifier, Interval, Qualifier};
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

    /// `1,656 [1,650, 1,662]`.
    pub fn text(&self) -> String {
        let v = fmt_num(self.value).0;
        let iv = self.interval();
        if iv.lo() == iv.hi() {
            v
        } else {
            format!("{v} {iv}")
        }
    }
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
    interval_from_qualifier(q, c, None, None).map_err(|e| e.to_string())
}

fn share_interval(s: f64, decimals: u32) -> Interval {
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
    let name = esc(&g.name);
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
                            "{}: share {s}% read with its printed rounding is {s_iv}%, which includes 0, so it cannot imply a membership; give the group's membership",
                            at_row(r, "share_percent")
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
                    Membership {
                        members: Figure::new(v, iv),
                        origin: format!(
                            "derived (the source gives no membership): count / share = {}{} / {}% = {} (line {}); interval {} / {} x 100",
                            if qual.is_empty() { String::new() } else { format!("{qual} ") },
                            n(c),
                            s,
                            n(v),
                            r.line,
                            c_iv,
                            s_iv
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
                    format!("reported: share {s:.prec$}% (printed with {d} decimals); count = membership x share", prec = d as usize),
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
        Ok(Resolved {
            lower: r.lower,
            upper: r.upper,
            share,
            share_point,
            count,
            count_point,
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
                    "{}: an `above` row must sit at the group's lowest threshold, below every bracket (the lowest bracket starts at {first}); the bracket [{}, {first}) is then derived by difference",
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
            let cp = ra.count_point - sum_cp;
            if cp < 0.0 {
                return Err(format!(
                    "{}: {} members at or above {} but the brackets above {first} already hold {}; correct the counts",
                    at_row(a, "count"),
                    n(ra.count_point),
                    a.lower,
                    n(sum_cp)
                ));
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
    analyse(&g.name, &at_group, membership, brackets, above_reported)
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
) -> Result<GroupReport, String> {
    let mut checks = Vec::new();
    let m_pt = membership.members.value;
    // 1. Shares sum to 100% within rounding; the remainder lies below the first threshold.
    let sum_s = brackets.iter().fold(point(0.0), |acc, b| acc + b.share);
    let sum_sp: f64 = brackets.iter().map(|b| b.share_point).sum();
    let first = brackets.first().map_or(0.0, |b| b.lower);
    if sum_s.lo() > 100.0 + 1e-9 {
        return Err(format!(
            "{at_group}: the brackets' shares sum to {}% (interval {}), over 100% even allowing for rounding; check the shares and the membership",
            n(sum_sp),
            sum_s
        ));
    }
    if sum_s.contains(100.0) || (sum_s.hi() - 100.0).abs() < 1e-9 {
        checks.push(CheckOut {
            check: "shares-sum",
            status: "ok",
            message: format!(
                "group \"{name}\": shares sum to {}% (interval {}), 100% within rounding",
                n(sum_sp),
                sum_s
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
                "group \"{name}\": the brackets hold {}% (interval {}); the remaining {}% (interval {}) is taken to earn below the first threshold, {first}",
                n(sum_sp),
                sum_s,
                n(100.0 - sum_sp),
                rest
            ),
        });
    }
    // 2. Counts within membership.
    let sum_c = brackets.iter().fold(point(0.0), |acc, b| acc + b.count);
    let sum_cp: f64 = brackets.iter().map(|b| b.count_point).sum();
    let m_iv = membership.members.interval();
    if sum_c.lo() > m_iv.hi() + 1e-9 {
        return Err(format!(
            "{at_group}: the brackets' counts sum to {} (interval {}), more than the membership {}; check the counts and the membership",
            n(sum_cp),
            sum_c,
            membership.members.text()
        ));
    }
    if sum_cp > m_pt * (1.0 + 1e-9) {
        checks.push(CheckOut {
            check: "counts-within-membership",
            status: "warning",
            message: format!(
                "group \"{name}\": counts sum to {}, above the membership {}; consistent only at the edges of rounding",
                n(sum_cp),
                n(m_pt)
            ),
        });
    } else {
        checks.push(CheckOut {
            check: "counts-within-membership",
            status: "ok",
            message: format!(
                "group \"{name}\": counts sum to {} (interval {}), within the membership {}",
                n(sum_cp),
                sum_c,
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
        above.push(AboveOut {
            threshold: brackets[i].lower,
            share_percent: Figure::new(
                sp,
                s.intersect(&Interval::new(0.0, 100.0).unwrap_or(s))
                    .unwrap_or(s),
            ),
            count: Figure::new(cp, c),
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
                    n(f),
                    n(lo),
                    n(hi)
                ),
            });
        }
    }

    Ok(GroupReport {
        group: name.to_string(),
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
    )
    .map(Ok)
}

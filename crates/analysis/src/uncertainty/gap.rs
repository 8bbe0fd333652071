//! Standard errors of `wages gap --ci`: every gap of each group against the reference (mean,
//! median, the percentile gaps P5 … P95, and the mean and median bonus gaps over those paid a
//! bonus), `100 (1 − X_g / X_a)`, and each group's proportion paid a bonus and share of the
//! four quartile pay bands (docs/uncertainty.md, "Pay gaps").
//!
//! Each group is a domain. With `z^a_k` the linearised variable of the reference group's mean
//! (`1{k ∈ a} (x_k − μ_a) / W_a`) or quantile at `p` (`1{k ∈ a} (p − 1{x_k ≤ Q_a}) / (W_a
//! f̂_a(Q_a))`, `f̂_a` the kernel density of the group's own values with its own bandwidth), the
//! gap's is `100 (X_g z^a_k / X_a² − z^g_k / X_a)`, and its variance is that of `Σ w_k z_k`
//! under the design, over the rows of both groups. Bonus gaps are the same over the rows paid a
//! bonus (a domain within each group), with bonus in place of pay.
//!
//! A proportion paid is a domain proportion: `z_k = 1{k ∈ g} (1{b_k > 0} − π_g) / W_g`. A band
//! share is `θ_gk = 4 (F_g(q_k) − F_g(q_{k−1}))` with `F_g(q) = W_g(x ≤ q) / W` and `q_k` the
//! whole table's `k/4` quantile; the influence of `F_g(q_k)` is
//! `1{k ∈ g, x ≤ q_k} − F_g(q_k) + ρ_g(q_k) (k/4 − 1{x ≤ q_k})`, where `ρ_g(q) = f_g(q)/f(q)`,
//! group `g`'s share of the weight near `q`, is the kernel (Nadaraya-Watson) estimate with the
//! whole table's bandwidth; `F_g(q_0) = 0` and `F_g(q_4) = W_g / W`.

use super::linearise::{bandwidth, density, phi, KERNEL_REACH};
use super::WeightKind;
use super::{normal_quantile, Accumulator, CiOptions, Design, Domain, Interval, Method};
use crate::gap::bands::quartile_bands;
use crate::gap::ranked::{Ranked, Union};
use crate::gap::CURVE_LEVELS;
use crate::inequality::{InequalityError, Sample};
use crate::resample::{draw_counts, replicate_state};
use rayon::prelude::*;

/// The intervals of one group's gaps against the reference; `None` where not defined.
#[derive(Debug, Clone, PartialEq)]
pub struct GapIntervals {
    /// Index of the group (in label order).
    pub group: usize,
    /// Mean gap, %.
    pub mean_gap: Option<Interval>,
    /// Median gap, %.
    pub median_gap: Option<Interval>,
    /// Gaps at [`CURVE_LEVELS`] (P5 … P95), %, in that order; empty within a category of
    /// workers (whose table has no percentile gaps).
    pub quantile_gaps: Vec<Option<Interval>>,
    /// Mean bonus gap over those paid a bonus, %; `None` without a bonus column.
    pub bonus_mean_gap: Option<Interval>,
    /// Median bonus gap over those paid a bonus, %.
    pub bonus_median_gap: Option<Interval>,
}

/// The intervals of one group's own figures over the whole table.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupIntervals {
    /// Index of the group (in label order).
    pub group: usize,
    /// The proportion paid a bonus (a share, 0 to 1); `None` without a bonus column.
    pub proportion_paid: Option<Interval>,
    /// The group's share (0 to 1) of each quartile pay band, lowest paid first.
    pub band_shares: [Option<Interval>; 4],
}

/// The table the intervals are computed from: columns aligned by row.
#[derive(Debug, Clone, Copy)]
pub struct GapTable<'a> {
    pub pay: &'a [f64],
    pub weight: Option<&'a [f64]>,
    /// Bonus (zero: none paid), if the table has a bonus column.
    pub bonus: Option<&'a [f64]>,
    /// Each row's group, `0..groups`.
    pub codes: &'a [u32],
    pub groups: usize,
    /// The reference group.
    pub reference: usize,
    /// The design of the linearisation, with unit codes aligned with the rows (the bootstrap
    /// resamples rows within each group instead).
    pub design: Option<&'a Design>,
}

impl GapTable<'_> {
    fn weight_of(&self, i: usize) -> f64 {
        self.weight.map_or(1.0, |w| w[i])
    }

    /// The iid design's number of rows of the whole table (frequency weights: observations).
    fn total_rows(&self, kind: WeightKind) -> f64 {
        match (kind, self.weight) {
            (WeightKind::Frequency, Some(w)) => w.iter().sum(),
            _ => self.pay.len() as f64,
        }
    }

    fn domain(&self, kind: WeightKind) -> Domain<'_> {
        Domain {
            design: self.design,
            units: self.design.map(|d| d.row_units()),
            total_rows: self.total_rows(kind),
        }
    }
}

/// One group's values (pay, or bonus over those paid one), sorted, with the statistics the
/// gaps compare: the mean, the median, then the quantiles at the requested levels.
struct GroupValues {
    sample: Sample,
    /// `[mean, median, Q(level)…]`.
    values: Vec<f64>,
    /// The kernel density at each quantile of `values` (`NaN` for the mean).
    densities: Vec<f64>,
}

/// The quantile levels of `values[1..]`: the median, then `levels`.
fn quantile_levels(levels: &[f64]) -> Vec<f64> {
    std::iter::once(0.5).chain(levels.iter().copied()).collect()
}

fn group_values(sample: Sample, levels: &[f64], kind: WeightKind) -> GroupValues {
    let mean = sample.mean();
    let total = sample.weighted_n();
    let var: f64 = match sample.weights() {
        None => {
            sample
                .pay()
                .iter()
                .map(|x| (x - mean) * (x - mean))
                .sum::<f64>()
                / total
        }
        Some(w) => sample
            .pay()
            .iter()
            .zip(w)
            .map(|(x, w)| w / total * (x - mean) * (x - mean))
            .sum(),
    };
    let h = bandwidth(&sample, var.sqrt(), kind);
    let points = quantile_levels(levels);
    let quantiles: Vec<f64> = points.iter().map(|&p| sample.quantile(p)).collect();
    let densities: Vec<f64> = quantiles
        .par_iter()
        .map(|&q| density(&sample, q, h))
        .collect();
    GroupValues {
        values: std::iter::once(mean).chain(quantiles).collect(),
        densities: std::iter::once(f64::NAN).chain(densities).collect(),
        sample,
    }
}

/// The gaps, %, of `g` against `a`, statistic by statistic.
fn gaps_of(a: &[f64], g: &[f64]) -> Vec<f64> {
    a.iter()
        .zip(g)
        .map(|(a, g)| 100.0 * (1.0 - g / a))
        .collect()
}

/// An interval at the level's normal quantile `z`, if the standard error and the estimate
/// are numbers.
fn normal_interval(z: f64, se: f64, estimate: f64) -> Option<Interval> {
    (se.is_finite() && estimate.is_finite()).then_some(Interval {
        se,
        lower: estimate - z * se,
        upper: estimate + z * se,
    })
}

/// Each group's values and weights over the rows `kept` (in file order).
fn split_groups(
    values: &[f64],
    t: &GapTable,
    kept: impl Fn(usize) -> bool,
) -> Vec<(Vec<f64>, Vec<f64>)> {
    let mut parts: Vec<(Vec<f64>, Vec<f64>)> = vec![(Vec::new(), Vec::new()); t.groups];
    for (i, &c) in t.codes.iter().enumerate() {
        if kept(i) {
            let part = &mut parts[c as usize];
            part.0.push(values[i]);
            part.1.push(t.weight_of(i));
        }
    }
    parts
}

/// Intervals of the gaps `[mean, median, Q(level)…]` of each group against the reference, of
/// `values` over the rows `kept`; `None` for a group without such rows. `stream` separates the
/// bootstrap's random draws of pay from those of bonus.
fn pair_intervals(
    values: &[f64],
    t: &GapTable,
    kept: &(dyn Fn(usize) -> bool + Sync),
    levels: &[f64],
    options: &CiOptions,
    stream: u64,
) -> Result<Vec<Option<Vec<Option<Interval>>>>, InequalityError> {
    let kind = options.weight_kind;
    let parts = split_groups(values, t, kept);
    let stats: Vec<Option<GroupValues>> = parts
        .into_iter()
        .map(|(p, w)| {
            if p.is_empty() {
                return Ok(None);
            }
            let w = t.weight.map(|_| w);
            Ok(Some(group_values(Sample::new(p, w)?, levels, kind)))
        })
        .collect::<Result<_, InequalityError>>()?;
    let width = 2 + levels.len();
    let z = normal_quantile(0.5 + options.level / 2.0);
    let Some(a) = &stats[t.reference] else {
        return Ok(vec![None; t.groups]);
    };
    let mut out = vec![None; t.groups];
    for (gi, g) in stats.iter().enumerate() {
        let Some(g) = g else { continue };
        if gi == t.reference {
            continue;
        }
        let estimate = gaps_of(&a.values, &g.values);
        // A group of one row has no variance to estimate.
        if a.sample.n() < 2 || g.sample.n() < 2 {
            out[gi] = Some(vec![None; width]);
            continue;
        }
        let ses: Vec<f64> = match options.method {
            Method::Linearised => {
                let mut acc = Accumulator::new(t.domain(kind), kind, width);
                let (wa, wg) = (a.sample.weighted_n(), g.sample.weighted_n());
                let q_levels = quantile_levels(levels);
                let mut inf = vec![0.0; width];
                for (i, &c) in t.codes.iter().enumerate() {
                    let c = c as usize;
                    if (c != t.reference && c != gi) || !kept(i) {
                        continue;
                    }
                    let x = values[i];
                    let w = t.weight_of(i);
                    let (own, total) = if c == t.reference { (a, wa) } else { (g, wg) };
                    for (j, slot) in inf.iter_mut().enumerate() {
                        let z_own = if j == 0 {
                            (x - own.values[0]) / total
                        } else {
                            let ind = if x <= own.values[j] { 1.0 } else { 0.0 };
                            (q_levels[j - 1] - ind) / (total * own.densities[j])
                        };
                        let (xa, xg) = (a.values[j], g.values[j]);
                        *slot = if c == t.reference {
                            100.0 * xg * z_own / (xa * xa)
                        } else {
                            -100.0 * z_own / xa
                        };
                    }
                    // Raw weights: the accumulator's `p · inf` is then `w_k z_k`.
                    acc.add_run(i..i + 1, |_| w, w, w * w, &inf);
                }
                acc.variances(1.0)
                    .into_iter()
                    .map(|v| v.map_or(f64::NAN, f64::sqrt))
                    .collect()
            }
            Method::Bootstrap { replicates, seed } => {
                let draw = |s: &Sample, state: &mut u64| -> Result<Vec<f64>, InequalityError> {
                    let r = resample(s, state)?;
                    let mut v = vec![r.mean()];
                    v.extend(quantile_levels(levels).iter().map(|&p| r.quantile(p)));
                    Ok(v)
                };
                let reps: Vec<Vec<f64>> = (0..replicates)
                    .into_par_iter()
                    .map(|r| {
                        let mut state = replicate_state(seed ^ stream, r);
                        let ra = draw(&a.sample, &mut state)?;
                        let rg = draw(&g.sample, &mut state)?;
                        Ok(gaps_of(&ra, &rg))
                    })
                    .collect::<Result<_, InequalityError>>()?;
                let intervals: Vec<Option<Interval>> = (0..width)
                    .map(|j| {
                        let v: Vec<f64> = reps.iter().map(|r| r[j]).collect();
                        super::bootstrap::replicate_interval(v, options.level)
                    })
                    .collect();
                out[gi] = Some(intervals);
                continue;
            }
        };
        out[gi] = Some(
            ses.iter()
                .zip(&estimate)
                .map(|(&se, &e)| normal_interval(z, se, e))
                .collect(),
        );
    }
    Ok(out)
}

/// A resample of `s`'s rows with replacement (as many as it has), as a weighted sample:
/// each drawn row's weight times the number of times it was drawn.
fn resample(s: &Sample, state: &mut u64) -> Result<Sample, InequalityError> {
    let (mut p, mut w) = (Vec::new(), Vec::new());
    for (i, m) in draw_counts(state, s.n(), s.n()).into_iter().enumerate() {
        if m > 0 {
            p.push(s.pay()[i]);
            w.push(s.weights().map_or(1.0, |wt| wt[i]) * f64::from(m));
        }
    }
    Sample::from_sorted(p, Some(w))
}

/// The bootstrap's random streams of pay and of bonus (xor-ed into the seed).
const PAY_STREAM: u64 = 0;
const BONUS_STREAM: u64 = 0x9e37_79b9_7f4a_7c15;

/// Standard errors and intervals of every group's gaps against the reference over the whole
/// table: mean, median, P5 … P95 and (with a bonus column) the bonus gaps.
pub fn gap_intervals(
    table: &GapTable,
    options: &CiOptions,
) -> Result<Vec<GapIntervals>, InequalityError> {
    intervals_over(table, options, None, &CURVE_LEVELS)
}

/// [`gap_intervals`] within a part of the table (a category of workers: `inside[i]` says
/// whether row `i` belongs to it), without the percentile gaps (a category's table has none):
/// each group's rows there are a domain of the whole table's design, so the rows outside still
/// count in the iid design's `n` and the design's PSUs.
pub fn gap_intervals_within(
    table: &GapTable,
    options: &CiOptions,
    inside: &[bool],
) -> Result<Vec<GapIntervals>, InequalityError> {
    intervals_over(table, options, Some(inside), &[])
}

fn intervals_over(
    t: &GapTable,
    options: &CiOptions,
    inside: Option<&[bool]>,
    levels: &[f64],
) -> Result<Vec<GapIntervals>, InequalityError> {
    let kept = |i: usize| inside.is_none_or(|m| m[i]);
    let pay = pair_intervals(t.pay, t, &kept, levels, options, PAY_STREAM)?;
    let bonus = match t.bonus {
        Some(b) => {
            let paid = |i: usize| kept(i) && b[i] > 0.0;
            Some(pair_intervals(b, t, &paid, &[], options, BONUS_STREAM)?)
        }
        None => None,
    };
    let mut out = Vec::new();
    for (gi, p) in pay.into_iter().enumerate() {
        let Some(p) = p else { continue };
        let b = bonus.as_ref().and_then(|b| b[gi].clone());
        let (bonus_mean_gap, bonus_median_gap) = b.map_or((None, None), |b| (b[0], b[1]));
        out.push(GapIntervals {
            group: gi,
            mean_gap: p[0],
            median_gap: p[1],
            quantile_gaps: p[2..].to_vec(),
            bonus_mean_gap,
            bonus_median_gap,
        });
    }
    Ok(out)
}

/// Proportions paid a bonus and the quartile bands' shares, per group, with `stats[g]` =
/// `[proportion paid (NaN without bonus), share of band 1, …, band 4]`.
fn group_figures(cells: &[Ranked], bonus: Option<&[(f64, f64)]>) -> Vec<[f64; 5]> {
    let members: Vec<Vec<usize>> = (0..cells.len()).map(|g| vec![g]).collect();
    let all_members: Vec<usize> = (0..cells.len()).collect();
    let all = Union::new(cells, &all_members);
    let groups: Vec<Union> = members.iter().map(|m| Union::new(cells, m)).collect();
    let bands = quartile_bands(&all, &groups);
    (0..cells.len())
        .map(|g| {
            let proportion = bonus.map_or(f64::NAN, |b| b[g].0 / b[g].1);
            [
                proportion,
                bands[0].share[g],
                bands[1].share[g],
                bands[2].share[g],
                bands[3].share[g],
            ]
        })
        .collect()
}

/// Standard errors and intervals of each group's proportion paid a bonus (with a bonus
/// column) and of its share of each quartile pay band, over the whole table. Every group must
/// have rows.
pub fn group_intervals(
    t: &GapTable,
    options: &CiOptions,
) -> Result<Vec<GroupIntervals>, InequalityError> {
    let kind = options.weight_kind;
    let parts = split_groups(t.pay, t, |_| true);
    let samples: Vec<Sample> = parts
        .into_iter()
        .map(|(p, w)| Sample::new(p, t.weight.map(|_| w)))
        .collect::<Result<_, _>>()?;
    // Weight paid a bonus, and in all, per group.
    let paid: Option<Vec<(f64, f64)>> = t.bonus.map(|b| {
        let mut v = vec![(0.0, 0.0); t.groups];
        for (i, &c) in t.codes.iter().enumerate() {
            let w = t.weight_of(i);
            let cell = &mut v[c as usize];
            cell.1 += w;
            if b[i] > 0.0 {
                cell.0 += w;
            }
        }
        v
    });
    let cells: Vec<Ranked> = samples.iter().cloned().map(Ranked::new).collect();
    let estimates = group_figures(&cells, paid.as_deref());
    drop(cells);
    let z = normal_quantile(0.5 + options.level / 2.0);
    let n_total = t.pay.len();
    let intervals: Vec<[Option<Interval>; 5]> = match options.method {
        Method::Linearised if n_total < 2 => vec![[None; 5]; t.groups],
        Method::Linearised => {
            let everyone = Sample::new(t.pay.to_vec(), t.weight.map(<[f64]>::to_vec))?;
            let total = everyone.weighted_n();
            let mean = everyone.mean();
            let var: f64 = t
                .pay
                .iter()
                .enumerate()
                .map(|(i, x)| t.weight_of(i) / total * (x - mean) * (x - mean))
                .sum();
            let h = bandwidth(&everyone, var.sqrt(), kind);
            let cuts: [f64; 3] = std::array::from_fn(|k| everyone.quantile((k + 1) as f64 / 4.0));
            drop(everyone);
            // ρ_g(q_k) for every group and cut: the groups' kernel sums over the whole one.
            let mut kernel = vec![[0.0f64; 3]; t.groups];
            let mut kernel_all = [0.0f64; 3];
            for (i, &c) in t.codes.iter().enumerate() {
                let (x, w) = (t.pay[i], t.weight_of(i));
                for k in 0..3 {
                    let u = (cuts[k] - x) / h;
                    if u.abs() <= KERNEL_REACH {
                        let f = w * phi(u);
                        kernel[c as usize][k] += f;
                        kernel_all[k] += f;
                    }
                }
            }
            (0..t.groups)
                .into_par_iter()
                .map(|g| {
                    let e = &estimates[g];
                    let rho: [f64; 3] = std::array::from_fn(|k| kernel[g][k] / kernel_all[k]);
                    // F_g(q_k), k = 0 … 4, from the band shares.
                    let mut f_below = [0.0; 5];
                    for k in 1..5 {
                        f_below[k] = f_below[k - 1] + e[k] / 4.0;
                    }
                    let mut acc = Accumulator::new(t.domain(kind), kind, 5);
                    let mut inf = [0.0; 5];
                    for (i, &c) in t.codes.iter().enumerate() {
                        let (x, w) = (t.pay[i], t.weight_of(i));
                        let in_g = c as usize == g;
                        let ind = |b: bool| if b { 1.0 } else { 0.0 };
                        inf[0] = match (&paid, t.bonus) {
                            (Some(p), Some(b)) if in_g => (ind(b[i] > 0.0) - e[0]) / p[g].1,
                            _ => 0.0,
                        };
                        let mut before = 0.0;
                        for k in 1..5 {
                            let influence = if k == 4 {
                                ind(in_g) - f_below[4]
                            } else {
                                let below = ind(x <= cuts[k - 1]);
                                ind(in_g) * below - f_below[k]
                                    + rho[k - 1] * (k as f64 / 4.0 - below)
                            };
                            inf[k] = 4.0 * (influence - before) / total;
                            before = influence;
                        }
                        acc.add_run(i..i + 1, |_| w, w, w * w, &inf);
                    }
                    let v = acc.variances(1.0);
                    let se = |j: usize| v[j].map_or(f64::NAN, f64::sqrt);
                    std::array::from_fn(|j| normal_interval(z, se(j), e[j]))
                })
                .collect()
        }
        Method::Bootstrap { replicates, seed } => {
            // Each group's rows as (paid a bonus, weight), for the proportion's resamples.
            let bonus_rows: Option<Vec<Vec<(bool, f64)>>> = t.bonus.map(|b| {
                let mut v = vec![Vec::new(); t.groups];
                for (i, &c) in t.codes.iter().enumerate() {
                    v[c as usize].push((b[i] > 0.0, t.weight_of(i)));
                }
                v
            });
            let reps: Vec<Vec<[f64; 5]>> = (0..replicates)
                .into_par_iter()
                .map(|r| {
                    let mut state = replicate_state(seed, r);
                    let cells: Vec<Ranked> = samples
                        .iter()
                        .map(|s| resample(s, &mut state).map(Ranked::new))
                        .collect::<Result<_, _>>()?;
                    let paid = bonus_rows.as_ref().map(|groups| {
                        let mut state = replicate_state(seed ^ BONUS_STREAM, r);
                        groups
                            .iter()
                            .map(|rows| {
                                let times = draw_counts(&mut state, rows.len(), rows.len());
                                rows.iter()
                                    .zip(times)
                                    .fold((0.0, 0.0), |(p, a), (&(b, w), m)| {
                                        let w = w * f64::from(m);
                                        (if b { p + w } else { p }, a + w)
                                    })
                            })
                            .collect::<Vec<(f64, f64)>>()
                    });
                    Ok(group_figures(&cells, paid.as_deref()))
                })
                .collect::<Result<_, InequalityError>>()?;
            (0..t.groups)
                .map(|g| {
                    std::array::from_fn(|j| {
                        let v: Vec<f64> = reps.iter().map(|r| r[g][j]).collect();
                        super::bootstrap::replicate_interval(v, options.level)
                    })
                })
                .collect()
        }
    };
    // A group of one row has no variance to estimate; shares and proportions stay within
    // [0, 1] (a normal interval near 0 or 1 would cross it).
    Ok((0..t.groups)
        .map(|g| {
            let at = |j: usize| {
                let i: Option<Interval> = intervals[g][j];
                (samples[g].n() >= 2)
                    .then_some(i)
                    .flatten()
                    .map(|i| Interval {
                        lower: i.lower.max(0.0),
                        upper: i.upper.min(1.0),
                        ..i
                    })
            };
            GroupIntervals {
                group: g,
                proportion_paid: t.bonus.and_then(|_| at(0)),
                band_shares: std::array::from_fn(|k| at(k + 1)),
            }
        })
        .collect())
}

//! Standard errors of the headline pay gaps of `wages gap --ci`: the mean and median gaps of
//! each group against the reference, `100 (1 − X_g / X_a)`, `X` a group's weighted mean or
//! median (docs/uncertainty.md, "Pay gaps").
//!
//! Each group is a domain. With `z^a_k` the linearised variable of the reference group's mean
//! (`1{k ∈ a} (x_k − μ_a) / W_a`) or median (`1{k ∈ a} (0.5 − 1{x_k ≤ m_a}) / (W_a f̂_a(m_a))`,
//! `f̂_a` the kernel density of the group's own pay with its own bandwidth), the gap's is
//! `100 (X_g z^a_k / X_a² − z^g_k / X_a)`, and its variance is that of `Σ w_k z_k` under the
//! design, over the rows of both groups.

use super::linearise::{bandwidth, density};
use super::WeightKind;
use super::{normal_quantile, Accumulator, CiOptions, Design, Domain, Interval, Method};
use crate::inequality::{InequalityError, Sample};
use crate::resample::{index, replicate_state};
use rayon::prelude::*;

/// The intervals of one group's gaps against the reference.
#[derive(Debug, Clone, PartialEq)]
pub struct GapIntervals {
    /// Index of the group (in label order).
    pub group: usize,
    /// Mean gap, %: its standard error and interval; `None` if not defined.
    pub mean_gap: Option<Interval>,
    /// Median gap, %.
    pub median_gap: Option<Interval>,
}

/// One group's pay, sorted, and what its linearised variables need.
struct GroupPay {
    sample: Sample,
    mean: f64,
    median: f64,
    /// The kernel density at the median.
    density: f64,
}

fn group_pay(sample: Sample, kind: WeightKind) -> GroupPay {
    let mean = sample.mean();
    let median = sample.quantile(0.5);
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
    let density = density(&sample, median, h);
    GroupPay {
        sample,
        mean,
        median,
        density,
    }
}

/// The gaps, %, of `g` against `a`: `(mean gap, median gap)`.
fn gaps_of(a: (f64, f64), g: (f64, f64)) -> [f64; 2] {
    [100.0 * (1.0 - g.0 / a.0), 100.0 * (1.0 - g.1 / a.1)]
}

/// Standard errors and intervals of every group's mean and median gap against `reference`.
/// `codes` holds each row's group (`groups` of them); `design`, with unit codes aligned with
/// the rows, is the linearisation's (the bootstrap resamples rows within each group).
pub fn gap_intervals(
    pay: &[f64],
    weight: Option<&[f64]>,
    codes: &[u32],
    groups: usize,
    reference: usize,
    options: &CiOptions,
    design: Option<&Design>,
) -> Result<Vec<GapIntervals>, InequalityError> {
    gap_intervals_within(pay, weight, codes, groups, reference, options, design, None)
}

/// [`gap_intervals`] within a part of the table (a category of workers: `inside[i]` says
/// whether row `i` belongs to it): each group's rows there are a domain of the whole table's
/// design, so the rows outside still count in the iid design's `n` and the design's PSUs.
#[allow(clippy::too_many_arguments)]
pub fn gap_intervals_within(
    pay: &[f64],
    weight: Option<&[f64]>,
    codes: &[u32],
    groups: usize,
    reference: usize,
    options: &CiOptions,
    design: Option<&Design>,
    inside: Option<&[bool]>,
) -> Result<Vec<GapIntervals>, InequalityError> {
    let kept = |i: usize| inside.is_none_or(|m| m[i]);
    let mut parts: Vec<(Vec<f64>, Vec<f64>)> = vec![(Vec::new(), Vec::new()); groups];
    for (i, &c) in codes.iter().enumerate() {
        if !kept(i) {
            continue;
        }
        let part = &mut parts[c as usize];
        part.0.push(pay[i]);
        part.1.push(weight.map_or(1.0, |w| w[i]));
    }
    let kind = options.weight_kind;
    let pays: Vec<Option<GroupPay>> = parts
        .into_iter()
        .map(|(p, w)| {
            if p.is_empty() {
                return Ok(None);
            }
            let w = weight.map(|_| w);
            Ok(Some(group_pay(Sample::new(p, w)?, kind)))
        })
        .collect::<Result<_, InequalityError>>()?;
    let z = normal_quantile(0.5 + options.level / 2.0);
    let interval = |se: f64, estimate: f64| {
        (se.is_finite() && estimate.is_finite()).then_some(Interval {
            se,
            lower: estimate - z * se,
            upper: estimate + z * se,
        })
    };
    let Some(a) = &pays[reference] else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (gi, g) in pays.iter().enumerate() {
        let Some(g) = g else { continue };
        if gi == reference {
            continue;
        }
        let estimate = gaps_of((a.mean, a.median), (g.mean, g.median));
        // A group of one row has no variance to estimate.
        if a.sample.n() < 2 || g.sample.n() < 2 {
            out.push(GapIntervals {
                group: gi,
                mean_gap: None,
                median_gap: None,
            });
            continue;
        }
        let (mean_gap, median_gap) = match options.method {
            Method::Linearised => {
                let total_rows = match (kind, weight) {
                    (WeightKind::Frequency, Some(w)) => w.iter().sum(),
                    _ => pay.len() as f64,
                };
                let domain = Domain {
                    design,
                    units: design.map(|d| d.row_units()),
                    total_rows,
                };
                let mut acc = Accumulator::new(domain, kind, 2);
                let (wa, wg) = (a.sample.weighted_n(), g.sample.weighted_n());
                for (i, &c) in codes.iter().enumerate() {
                    let c = c as usize;
                    if (c != reference && c != gi) || !kept(i) {
                        continue;
                    }
                    let x = pay[i];
                    let w = weight.map_or(1.0, |w| w[i]);
                    let ind = |b: bool| if b { 1.0 } else { 0.0 };
                    let inf = if c == reference {
                        let zm = (x - a.mean) / wa;
                        let zq = (0.5 - ind(x <= a.median)) / (wa * a.density);
                        [
                            100.0 * g.mean * zm / (a.mean * a.mean),
                            100.0 * g.median * zq / (a.median * a.median),
                        ]
                    } else {
                        let zm = (x - g.mean) / wg;
                        let zq = (0.5 - ind(x <= g.median)) / (wg * g.density);
                        [-100.0 * zm / a.mean, -100.0 * zq / a.median]
                    };
                    // Raw weights: the accumulator's `p · inf` is then `w_k z_k`.
                    acc.add_run(i..i + 1, |_| w, w, w * w, &inf);
                }
                let v = acc.variances(1.0);
                let se = |j: usize| v[j].map_or(f64::NAN, f64::sqrt);
                (interval(se(0), estimate[0]), interval(se(1), estimate[1]))
            }
            Method::Bootstrap { replicates, seed } => {
                let draw = |s: &Sample, state: &mut u64| -> Result<(f64, f64), InequalityError> {
                    let n = s.n();
                    let mut times = vec![0u32; n];
                    for _ in 0..n {
                        times[index(state, n)] += 1;
                    }
                    let (mut p, mut w) = (Vec::new(), Vec::new());
                    for (i, &m) in times.iter().enumerate() {
                        if m > 0 {
                            p.push(s.pay()[i]);
                            w.push(s.weights().map_or(1.0, |wt| wt[i]) * m as f64);
                        }
                    }
                    let r = Sample::from_sorted(p, Some(w))?;
                    Ok((r.mean(), r.quantile(0.5)))
                };
                let reps: Vec<[f64; 2]> = (0..replicates)
                    .into_par_iter()
                    .map(|r| {
                        let mut state = replicate_state(seed, r);
                        let ra = draw(&a.sample, &mut state)?;
                        let rg = draw(&g.sample, &mut state)?;
                        Ok(gaps_of(ra, rg))
                    })
                    .collect::<Result<_, InequalityError>>()?;
                let of = |j: usize| {
                    let v: Vec<f64> = reps.iter().map(|r| r[j]).collect();
                    super::bootstrap::replicate_interval(v, options.level)
                };
                (of(0), of(1))
            }
        };
        out.push(GapIntervals {
            group: gi,
            mean_gap,
            median_gap,
        });
    }
    Ok(out)
}

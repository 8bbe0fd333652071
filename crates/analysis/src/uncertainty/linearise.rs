//! The linearised variance of every statistic of a [`Summary`]: the influence functions of
//! docs/uncertainty.md's table, evaluated once per run of equal pay of the sorted sample.
//!
//! Everything is computed on pay relative to the mean, `r = x / μ`, and weights relative to
//! the total, `p = w / W`, so the sums are free of the data's magnitudes; the influence value of
//! row `k` is `IF_k = W z_k`, and `w_k z_k = p_k IF_k`. Level statistics (mean, quantiles, the
//! poverty threshold) have influence values in units of `μ`: their standard errors are scaled
//! back at the end.

use super::{keys, normal_quantile, point_values, Accumulator, CiOptions, Domain, Entry, Interval};
use super::{WeightKind, STATISTICS};
use crate::inequality::{Sample, Summary};
use rayon::prelude::*;

/// Below this many rows the pass over the runs is not split between threads.
const PARALLEL_ROWS: usize = 1 << 18;

/// Standard normal density.
fn phi(u: f64) -> f64 {
    (-0.5 * u * u).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// Rows within this many bandwidths of the point enter the kernel sum; beyond, `φ(8.5)` is
/// below `1e-15` of `φ(0)`.
const KERNEL_REACH: f64 = 8.5;

/// The bandwidth of the kernel density at the quantiles, in pay units: R's `bw.nrd0` on the
/// weighted data, `0.9 · min(σ̂, IQR / 1.34) · n_e^(−1/5)` (σ̂ alone when the IQR is 0).
pub(crate) fn bandwidth(sample: &Sample, sd: f64, kind: WeightKind) -> f64 {
    let iqr = sample.quantile(0.75) - sample.quantile(0.25);
    let spread = if iqr > 0.0 { sd.min(iqr / 1.34) } else { sd };
    let n = match kind {
        WeightKind::Sampling => sample.n() as f64,
        WeightKind::Frequency => sample.weighted_n(),
    };
    0.9 * spread * n.powf(-0.2)
}

/// The kernel density estimate of the pay at `t` (pay units): `Σ p_k φ((t − x_k)/h) / h`.
pub(crate) fn density(sample: &Sample, t: f64, h: f64) -> f64 {
    let pay = sample.pay();
    let lo = pay.partition_point(|&x| x < t - KERNEL_REACH * h);
    let hi = pay.partition_point(|&x| x <= t + KERNEL_REACH * h);
    let total = sample.weighted_n();
    let sum: f64 = match sample.weights() {
        None => pay[lo..hi].iter().map(|&x| phi((t - x) / h)).sum::<f64>() / total,
        Some(w) => pay[lo..hi]
            .iter()
            .zip(&w[lo..hi])
            .map(|(&x, &w)| (w / total) * phi((t - x) / h))
            .sum(),
    };
    sum / h
}

/// `Σ_{x_k ≤ q} p_k r_k`: the share of pay (relative to `μ`, per unit of weight) of the rows at
/// or below `q`.
fn pay_share_at_or_below(sample: &Sample, q: f64, mean: f64) -> f64 {
    let pay = sample.pay();
    let m = pay.partition_point(|&x| x <= q);
    let total = sample.weighted_n();
    match sample.weights() {
        None => pay[..m].iter().map(|&x| x / mean).sum::<f64>() / total,
        Some(w) => pay[..m]
            .iter()
            .zip(&w[..m])
            .map(|(&x, &w)| (w / total) * (x / mean))
            .sum(),
    }
}

/// Standard errors and intervals of `summary`'s statistics (computed from `sample`) by
/// linearisation under `domain`, at `options.level`. `options.method` is not consulted. A
/// sample of one row gets no interval.
pub fn linearise(
    sample: &Sample,
    summary: &Summary,
    domain: Domain,
    options: &CiOptions,
) -> Vec<Entry> {
    let s = summary;
    // A measure that is not defined (zero or negative pay kept) has no point value, so no
    // interval: its influence values are NaN and its variance is dropped.
    let v = |x: Option<f64>| x.unwrap_or(f64::NAN);
    let (theil_t, mld, atkinson_0_5, atkinson_2) =
        (v(s.theil_t), v(s.mld), v(s.atkinson_0_5), v(s.atkinson_2));
    let (p90_p10, p50_p10, p90_p50) = (v(s.p90_p10), v(s.p50_p10), v(s.p90_p50));
    let (kaitz, palma, s80_s20) = (v(s.kaitz), v(s.palma), v(s.s80_s20));
    let mu = s.mean;
    let total = sample.weighted_n();
    let n = sample.n();
    let pay = sample.pay();
    let weights = sample.weights();
    // Divisions by loop-invariant values are multiplications by their reciprocals below: the
    // pass over the runs is most of what `--ci` costs.
    let (inv_n, inv_total, inv_mu) = (1.0 / n as f64, 1.0 / total, 1.0 / mu);
    let p = |i: usize| weights.map_or(inv_n, |w| w[i] * inv_total);
    // First pass: σ̂ (relative to μ), Σ p r (1 but for rounding) and Σ p² (the corrected
    // Gini's factor for sampling weights).
    let (var_r, total_r, sum_p2) = match weights {
        None => {
            let (mut v, mut t) = (0.0, 0.0);
            for &x in pay {
                let r = x * inv_mu;
                v += (r - 1.0) * (r - 1.0);
                t += r;
            }
            (v * inv_n, t * inv_n, inv_n)
        }
        Some(w) => {
            let (mut v, mut t, mut q) = (0.0, 0.0, 0.0);
            for (&x, &w) in pay.iter().zip(w) {
                let (pi, r) = (w * inv_total, x * inv_mu);
                v += pi * (r - 1.0) * (r - 1.0);
                t += pi * r;
                q += pi * pi;
            }
            (v, t, q)
        }
    };
    let h = bandwidth(sample, var_r.sqrt() * mu, options.weight_kind);
    // Densities in units of 1/μ: f_r(t/μ) = μ f(t).
    let f = |t: f64| density(sample, t, h) * mu;
    let (q10, q50) = (s.p10 / mu, s.p50 / mu);
    let (f10, f50, f90) = (f(s.p10), f(s.p50), f(s.p90));
    let low_line = 2.0 / 3.0;
    // The low-pay threshold exactly as the summary computes it.
    let t_low = 2.0 * s.p50 / 3.0;
    let f_low = f(t_low);
    let gini_factor = match (options.weight_kind, weights) {
        (WeightKind::Frequency, Some(_)) => total / (total - 1.0),
        _ => 1.0 / (1.0 - sum_p2),
    };
    let m_half = (1.0 - atkinson_0_5).sqrt();
    let m_inv = 1.0 / (1.0 - atkinson_2);
    // Lorenz points of the top shares and the Palma ratio, with their quantiles.
    // Quantiles in pay units (for the indicators) and relative to μ.
    let both = |q: f64| (q, q / mu);
    let (q_top10, l_top10) = (both(sample.quantile(0.9)), 1.0 - s.top10_share);
    let (q_top1, l_top1) = (both(sample.quantile(0.99)), 1.0 - s.top1_share);
    let (q40, l40) = (both(sample.quantile(0.4)), sample.lorenz(0.4));
    // S80/S20: pay at or below Q(0.2) and Q(0.8).
    let (q20, q80) = (sample.quantile(0.2), sample.quantile(0.8));
    let a20 = pay_share_at_or_below(sample, q20, mu);
    let a80 = pay_share_at_or_below(sample, q80, mu);
    let (q20, q80) = (both(q20), both(q80));
    let bottom = a20;
    // Poverty: threshold, rate, and the median of the poor.
    let lambda = s.poverty_line;
    let t_pov = lambda * q50;
    let f_pov = f(s.poverty_threshold);
    let poor_median = sample.median_below(s.poverty_threshold);
    let mp_pay = poor_median.unwrap_or(f64::NAN);
    let mp = mp_pay / mu;
    let f_mp = poor_median.map_or(f64::NAN, f);
    let caps: Vec<(f64, f64)> = s.caps.iter().map(|c| (c.threshold, c.share)).collect();

    let (inv_f10, inv_f50, inv_f90, inv_f_mp) = (1.0 / f10, 1.0 / f50, 1.0 / f90, 1.0 / f_mp);
    let (inv_q10, inv_q50, inv_l40) = (1.0 / q10, 1.0 / q50, 1.0 / l40);
    let (inv_bottom, inv_t_pov) = (1.0 / bottom, 1.0 / t_pov);
    let atkinson_2_factor = 1.0 / (m_inv * m_inv);
    let k = STATISTICS.len() + caps.len();
    let exp_minus_mld = (-mld).exp();
    let ind = |c: bool| if c { 1.0 } else { 0.0 };
    // Indicators compare pay with thresholds in pay units, as the point values do: `x / μ`
    // against `Q / μ` could differ in the last bit for a row tied with the quantile.
    let lorenz_if = |x: f64, r: f64, q: f64, (qp, qr): (f64, f64), l: f64| {
        (r - qr) * ind(x <= qp) + q * qr - l - l * (r - 1.0)
    };
    let share_if =
        |x: f64, r: f64, (qp, qr): (f64, f64), q: f64, a: f64| (r - qr) * ind(x <= qp) + q * qr - a;
    // The pass over the runs of rows `from..to`, which starts at a run; `cum_p` and `cum_s` are
    // the weight share and pay share of the rows before it.
    let pass = |from: usize, to: usize, mut cum_p: f64, mut cum_s: f64| {
        let mut acc = Accumulator::new(domain, options.weight_kind, k);
        let mut inf = vec![0.0; k];
        let mut start = from;
        while start < to {
            let x = pay[start];
            let mut end = start + 1;
            while end < to && pay[end] == x {
                end += 1;
            }
            let (run_p, run_p2) = match weights {
                None => {
                    let c = (end - start) as f64 * inv_n;
                    (c, c * inv_n)
                }
                Some(_) => (start..end).fold((0.0, 0.0), |(a, b), i| {
                    let pi = p(i);
                    (a + pi, b + pi * pi)
                }),
            };
            let r = x * inv_mu;
            let c_lt = cum_p;
            let c_gt = (1.0 - cum_p - run_p).max(0.0);
            let s_lt = cum_s;
            let s_gt = (total_r - cum_s - run_p * r).max(0.0);
            let ln_r = r.ln();
            let if_q = |p: f64, q: f64, inv_f: f64| (p - ind(x <= q)) * inv_f;
            let if50 = if_q(0.5, s.p50, inv_f50);
            let if10 = if_q(0.1, s.p10, inv_f10);
            let if90 = if_q(0.9, s.p90, inv_f90);
            let if_mld = r - 1.0 - ln_r - mld;
            let if_gini = r * (c_lt - c_gt) + s_gt - s_lt - s.gini * (1.0 + r);
            let if_top10 = -lorenz_if(x, r, 0.9, q_top10, l_top10);
            let if_l40 = lorenz_if(x, r, 0.4, q40, l40);
            let if_top = (r - 1.0) - share_if(x, r, q80, 0.8, a80);
            let if_bottom = share_if(x, r, q20, 0.2, a20);
            let if_rate = ind(x < s.poverty_threshold) - s.poverty_rate + lambda * f_pov * if50;
            let if_t = lambda * if50;
            let if_mp = (if_rate * 0.5 - (ind(x <= mp_pay) - s.poverty_rate * 0.5)) * inv_f_mp;
            inf[0] = r - 1.0;
            inf[1] = if10;
            inf[2] = if50;
            inf[3] = if90;
            inf[4] = (if90 - p90_p10 * if10) * inv_q10;
            inf[5] = (if50 - p50_p10 * if10) * inv_q10;
            inf[6] = (if90 - p90_p50 * if50) * inv_q50;
            inf[7] = -kaitz * if50 * inv_q50;
            inf[8] = ind(x < t_low) - s.low_pay_share + low_line * f_low * if50;
            inf[9] = if_gini;
            inf[10] = gini_factor * if_gini;
            inf[11] = r * ln_r - theil_t - (theil_t + 1.0) * (r - 1.0);
            inf[12] = if_mld;
            // Atkinson(ε) with β = 1 − ε: −(M^(1/β − 1)/β) [r^β − M − β M (r − 1)].
            inf[13] = -(m_half / 0.5) * (r.sqrt() - m_half - 0.5 * m_half * (r - 1.0));
            inf[14] = exp_minus_mld * if_mld;
            inf[15] = atkinson_2_factor * (1.0 / r - m_inv + m_inv * (r - 1.0));
            inf[16] = if_top10;
            inf[17] = -lorenz_if(x, r, 0.99, q_top1, l_top1);
            inf[18] = (if_top10 - palma * if_l40) * inv_l40;
            inf[19] = (if_top - s80_s20 * if_bottom) * inv_bottom;
            inf[20] = if_t;
            inf[21] = if_rate;
            inf[22] = (mp * if_t * inv_t_pov - if_mp) * inv_t_pov;
            for (j, &(t, share)) in caps.iter().enumerate() {
                inf[STATISTICS.len() + j] = ind(x > t) - share;
            }
            acc.add_run(start..end, p, run_p, run_p2, &inf);
            cum_p += run_p;
            cum_s += run_p * r;
            start = end;
        }
        acc
    };
    // Large samples are cut into pieces at run boundaries, one per thread, each starting from
    // the weight and pay shares of the rows before it; the pieces' sums add up.
    let pieces = if n < PARALLEL_ROWS {
        1
    } else {
        rayon::current_num_threads().max(1)
    };
    let mut bounds: Vec<usize> = (0..=pieces).map(|t| t * n / pieces).collect();
    for b in bounds.iter_mut().take(pieces).skip(1) {
        while *b < n && pay[*b] == pay[*b - 1] {
            *b += 1;
        }
    }
    let shares: Vec<(f64, f64)> = bounds
        .par_windows(2)
        .map(|w| {
            (w[0]..w[1]).fold((0.0, 0.0), |(a, b), i| {
                let pi = p(i);
                (a + pi, b + pi * pay[i] * inv_mu)
            })
        })
        .collect();
    let starts: Vec<(f64, f64)> = shares
        .iter()
        .scan((0.0, 0.0), |acc, &(a, b)| {
            let before = *acc;
            *acc = (acc.0 + a, acc.1 + b);
            Some(before)
        })
        .collect();
    let acc = bounds
        .par_windows(2)
        .zip(starts)
        .map(|(w, (cp, cs))| pass(w[0], w[1].max(w[0]), cp, cs))
        .reduce_with(|mut a, b| {
            a.merge(&b);
            a
        })
        .unwrap_or_else(|| Accumulator::new(domain, options.weight_kind, k));
    // One row has no variance to estimate (the formula would give 0 for a domain of one row).
    let variances = if n < 2 {
        vec![None; k]
    } else {
        acc.variances(total)
    };
    let z = normal_quantile(0.5 + options.level / 2.0);
    // Level statistics' influence values are in units of μ.
    let scale = |j: usize| match STATISTICS.get(j) {
        Some(&("mean" | "p10" | "p50" | "p90" | "poverty_threshold")) => mu,
        _ => 1.0,
    };
    keys(s)
        .into_iter()
        .zip(point_values(s))
        .zip(variances)
        .enumerate()
        .map(|(j, ((statistic, estimate), v))| {
            let interval = match (estimate, v) {
                (Some(e), Some(v)) => {
                    let se = v.sqrt() * scale(j);
                    (se.is_finite() && e.is_finite()).then_some(Interval {
                        se,
                        lower: e - z * se,
                        upper: e + z * se,
                    })
                }
                _ => None,
            };
            Entry {
                statistic,
                estimate,
                interval,
            }
        })
        .collect()
}

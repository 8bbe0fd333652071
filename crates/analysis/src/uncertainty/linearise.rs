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
pub(crate) fn phi(u: f64) -> f64 {
    exp_nonpositive(-0.5 * u * u) * FRAC_1_SQRT_2PI
}

/// `1 / √(2π)`.
const FRAC_1_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

/// `ln 2` split in two (fdlibm's `ln2_hi`, `ln2_lo`): `k · LN2_HI` is exact for every
/// `k` used here (`|k| < 2^11`).
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);

/// Rows within this many bandwidths of the point enter the kernel sum; beyond, `φ(8.5)` is
/// below `1e-15` of `φ(0)`.
pub(crate) const KERNEL_REACH: f64 = 8.5;

/// `e^x` for `x` in `[−700, 0]` (the kernel's `−u²/2`), within 2 ulp of `f64::exp` (tested),
/// in plain arithmetic the compiler vectorises: the kernel sums are most of the densities'
/// cost, and the C library's `exp` is one call per value. Cody-Waite reduction
/// `x = k ln 2 + r`, `|r| ≤ ln 2 / 2`, then Taylor's series of `e^r` to `r^13/13!`
/// (remainder below `3e-18`), scaled by `2^k` through the exponent bits.
#[inline(always)]
pub(crate) fn exp_nonpositive(x: f64) -> f64 {
    // 1.5 · 2^52: adding it rounds to an integer held in the low bits of the mantissa.
    const SHIFTER: f64 = 6_755_399_441_055_744.0;
    // Below −700 the result is 0 to the kernel sums' precision; clamped, 2^k stays normal.
    let x = x.max(-700.0);
    let shifted = x * std::f64::consts::LOG2_E + SHIFTER;
    let k = shifted - SHIFTER;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    let mut p = 1.0 / 6_227_020_800.0;
    for c in [
        1.0 / 479_001_600.0,
        1.0 / 39_916_800.0,
        1.0 / 3_628_800.0,
        1.0 / 362_880.0,
        1.0 / 40_320.0,
        1.0 / 5_040.0,
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ] {
        p = p * r + c;
    }
    // The integer k sits in the low bits of `shifted`; 2^k has exponent field k + 1023.
    let k_bits = shifted.to_bits().wrapping_sub(SHIFTER.to_bits());
    let scale = f64::from_bits(k_bits.wrapping_add(1023) << 52);
    p * scale
}

/// `Σ φ((t − x_k) / h)` (times `w_k` with weights) over `pay`, in four interleaved sums so the
/// loop vectorises.
#[inline(always)]
fn kernel_lanes(pay: &[f64], weights: Option<&[f64]>, t: f64, inv_h: f64) -> f64 {
    const CHUNK: usize = 64;
    let mut values = [0.0f64; CHUNK];
    let mut acc = [0.0f64; 4];
    for (i, chunk) in pay.chunks(CHUNK).enumerate() {
        // A plain map over the chunk (it vectorises), then the interleaved sums.
        for (v, &x) in values.iter_mut().zip(chunk) {
            let u = (t - x) * inv_h;
            *v = exp_nonpositive(-0.5 * u * u);
        }
        if let Some(w) = weights {
            for (v, &w) in values.iter_mut().zip(&w[i * CHUNK..]) {
                *v *= w;
            }
        }
        let used = &mut values[..chunk.len()];
        for (j, v) in used.iter_mut().enumerate() {
            acc[j % 4] += *v;
        }
    }
    ((acc[0] + acc[1]) + (acc[2] + acc[3])) * FRAC_1_SQRT_2PI
}

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
    let weights = sample.weights().map(|w| &w[lo..hi]);
    kernel_sum(&pay[lo..hi], weights, t, 1.0 / h) / sample.weighted_n() / h
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
    // Large samples are cut into pieces at run boundaries, one per thread; each piece's pass
    // over the runs starts from the weight and pay shares of the rows before it.
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
    // S80/S20's pay at or below Q(0.2) and Q(0.8).
    let (q20, q80) = (sample.quantile(0.2), sample.quantile(0.8));
    // First pass, piece by piece: Σ p, Σ p r (1 but for rounding), σ̂² (relative to μ), Σ p²
    // (the corrected Gini's factor for sampling weights), and Σ p r at or below Q(0.2), Q(0.8).
    let first: Vec<[f64; 6]> = bounds
        .par_windows(2)
        .map(|b| {
            let mut sums = [0.0; 6];
            #[allow(clippy::needless_range_loop)] // `p(i)` needs the row's index
            for i in b[0]..b[1] {
                let (pi, r) = (p(i), pay[i] * inv_mu);
                let pr = pi * r;
                sums[0] += pi;
                sums[1] += pr;
                sums[2] += pi * (r - 1.0) * (r - 1.0);
                sums[3] += pi * pi;
                if pay[i] <= q20 {
                    sums[4] += pr;
                }
                if pay[i] <= q80 {
                    sums[5] += pr;
                }
            }
            sums
        })
        .collect();
    let totals = first.iter().fold([0.0; 6], |mut a, b| {
        for (a, b) in a.iter_mut().zip(b) {
            *a += b;
        }
        a
    });
    let [_, total_r, var_r, sum_p2, a20, a80] = totals;
    let starts: Vec<(f64, f64)> = first
        .iter()
        .scan((0.0, 0.0), |acc, s| {
            let before = *acc;
            *acc = (acc.0 + s[0], acc.1 + s[1]);
            Some(before)
        })
        .collect();
    let h = bandwidth(sample, var_r.sqrt() * mu, options.weight_kind);
    let (q10, q50) = (s.p10 / mu, s.p50 / mu);
    let low_line = 2.0 / 3.0;
    // The low-pay threshold exactly as the summary computes it.
    let t_low = 2.0 * s.p50 / 3.0;
    let poor_median = sample.median_below(s.poverty_threshold);
    // The densities at P10, P50, P90, the low-pay threshold, the poverty threshold and the
    // median of the poor, in units of 1/μ (f_r(t/μ) = μ f(t)), computed side by side.
    let points = [
        s.p10,
        s.p50,
        s.p90,
        t_low,
        s.poverty_threshold,
        poor_median.unwrap_or(f64::NAN),
    ];
    let mut densities = [f64::NAN; 6];
    densities
        .par_iter_mut()
        .zip(points.par_iter())
        .filter(|(_, t)| !t.is_nan())
        .for_each(|(f, &t)| *f = density(sample, t, h) * mu);
    let [f10, f50, f90, f_low, f_pov, f_mp] = densities;
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
    let (q20, q80) = (both(q20), both(q80));
    let bottom = a20;
    // Poverty: threshold, rate, and the median of the poor.
    let lambda = s.poverty_line;
    let t_pov = lambda * q50;
    let mp_pay = poor_median.unwrap_or(f64::NAN);
    let mp = mp_pay / mu;
    let caps: Vec<(f64, f64)> = s.caps.iter().map(|c| (c.threshold, c.share)).collect();

    let k = STATISTICS.len() + caps.len();
    let influence = Influence {
        inv_mu,
        total_r,
        p10: s.p10,
        p50: s.p50,
        p90: s.p90,
        inv_f10: 1.0 / f10,
        inv_f50: 1.0 / f50,
        inv_f90: 1.0 / f90,
        p90_p10,
        p50_p10,
        p90_p50,
        inv_q10: 1.0 / q10,
        inv_q50: 1.0 / q50,
        kaitz,
        t_low,
        low_pay_share: s.low_pay_share,
        low_line,
        f_low,
        gini: s.gini,
        gini_factor,
        theil_t,
        mld,
        m_half,
        exp_minus_mld: (-mld).exp(),
        m_inv,
        atkinson_2_factor: 1.0 / (m_inv * m_inv),
        q_top10,
        l_top10,
        q_top1,
        l_top1,
        q40,
        l40,
        inv_l40: 1.0 / l40,
        palma,
        q20,
        a20,
        q80,
        a80,
        s80_s20,
        inv_bottom: 1.0 / bottom,
        poverty_threshold: s.poverty_threshold,
        poverty_rate: s.poverty_rate,
        lambda,
        f_pov,
        mp_pay,
        mp,
        inv_f_mp: 1.0 / f_mp,
        inv_t_pov: 1.0 / t_pov,
        caps,
    };
    // The pass over the runs of rows `from..to`, which starts at a run; `cum_p` and `cum_s` are
    // the weight share and pay share of the rows before it. Runs are gathered in blocks whose
    // influence values are computed side by side (the block's lanes vectorise).
    let pass = |from: usize, to: usize, mut cum_p: f64, mut cum_s: f64| {
        let mut acc = Accumulator::new(domain, options.weight_kind, k);
        let mut runs = Runs::new();
        let mut out = vec![[0.0; BLOCK]; k];
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
            runs.push(x, run_p, run_p2, cum_p, cum_s, start..end);
            if runs.len == BLOCK {
                add_block(&influence, &runs, &mut out, &mut acc, &p);
                runs.len = 0;
            }
            cum_p += run_p;
            cum_s += run_p * (x * inv_mu);
            start = end;
        }
        if runs.len > 0 {
            runs.pad();
            add_block(&influence, &runs, &mut out, &mut acc, &p);
        }
        acc
    };
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

/// Runs of equal pay gathered for one [`Influence::block`]: the lanes of the block.
pub(crate) const BLOCK: usize = 64;

/// A block of runs: each run's pay, weight share `Σ p` and `Σ p²`, the weight and pay shares
/// of the rows before it, and its rows (sorted-order indexes).
struct Runs {
    x: [f64; BLOCK],
    p: [f64; BLOCK],
    p2: [f64; BLOCK],
    cum_p: [f64; BLOCK],
    cum_s: [f64; BLOCK],
    rows: [std::ops::Range<usize>; BLOCK],
    len: usize,
}

impl Runs {
    fn new() -> Runs {
        Runs {
            x: [0.0; BLOCK],
            p: [0.0; BLOCK],
            p2: [0.0; BLOCK],
            cum_p: [0.0; BLOCK],
            cum_s: [0.0; BLOCK],
            rows: std::array::from_fn(|_| 0..0),
            len: 0,
        }
    }

    fn push(
        &mut self,
        x: f64,
        p: f64,
        p2: f64,
        cum_p: f64,
        cum_s: f64,
        rows: std::ops::Range<usize>,
    ) {
        let b = self.len;
        self.x[b] = x;
        self.p[b] = p;
        self.p2[b] = p2;
        self.cum_p[b] = cum_p;
        self.cum_s[b] = cum_s;
        self.rows[b] = rows;
        self.len += 1;
    }

    /// Fills the unused lanes of a last, partial block with copies of its last run at zero
    /// weight: they add nothing, and their influence values are those of a real run.
    fn pad(&mut self) {
        let last = self.len - 1;
        for b in self.len..BLOCK {
            self.x[b] = self.x[last];
            self.cum_p[b] = self.cum_p[last];
            self.cum_s[b] = self.cum_s[last];
            self.p[b] = 0.0;
            self.p2[b] = 0.0;
        }
    }
}

/// `fn $name(args) -> R` running `$lanes(args)` compiled for 256-bit vectors (AVX2) where the
/// CPU has them, else as built (128-bit vectors on x86-64). The kernel sums and the blocks of
/// runs are written so their loops vectorise; every operation and its order are the same
/// either way (Rust does not fuse multiplications and additions), so the results are the same
/// bits.
macro_rules! with_wide_vectors {
    ($(#[$doc:meta])* fn $name:ident via $wide:ident => $lanes:ident($($arg:ident: $ty:ty),*) -> $ret:ty) => {
        $(#[$doc])*
        fn $name($($arg: $ty),*) -> $ret {
            #[cfg(target_arch = "x86_64")]
            if std::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has AVX2, checked just above.
                return unsafe { $wide($($arg),*) };
            }
            $lanes($($arg),*)
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2")]
        fn $wide($($arg: $ty),*) -> $ret {
            $lanes($($arg),*)
        }
    };
}

with_wide_vectors! {
    /// The kernel sum of [`kernel_lanes`].
    fn kernel_sum via kernel_sum_avx2 => kernel_lanes(pay: &[f64], weights: Option<&[f64]>, t: f64, inv_h: f64) -> f64
}

with_wide_vectors! {
    /// Computes a block's influence values into `out` and adds them to `acc`.
    fn add_block via add_block_avx2 => add_block_lanes(
        influence: &Influence,
        runs: &Runs,
        out: &mut [[f64; BLOCK]],
        acc: &mut Accumulator,
        p: &dyn Fn(usize) -> f64
    ) -> ()
}

#[inline(always)]
fn add_block_lanes(
    influence: &Influence,
    runs: &Runs,
    out: &mut [[f64; BLOCK]],
    acc: &mut Accumulator,
    p: &dyn Fn(usize) -> f64,
) {
    influence.block(runs, out);
    acc.add_block(&runs.rows[..runs.len], &runs.p, &runs.p2, out, p);
}

/// What the influence values of every statistic need: point values, quantiles in pay units
/// and relative to `μ` (`(pay, relative)` pairs), densities' reciprocals, Lorenz points.
struct Influence {
    inv_mu: f64,
    total_r: f64,
    p10: f64,
    p50: f64,
    p90: f64,
    inv_f10: f64,
    inv_f50: f64,
    inv_f90: f64,
    p90_p10: f64,
    p50_p10: f64,
    p90_p50: f64,
    inv_q10: f64,
    inv_q50: f64,
    kaitz: f64,
    t_low: f64,
    low_pay_share: f64,
    low_line: f64,
    f_low: f64,
    gini: f64,
    gini_factor: f64,
    theil_t: f64,
    mld: f64,
    m_half: f64,
    exp_minus_mld: f64,
    m_inv: f64,
    atkinson_2_factor: f64,
    q_top10: (f64, f64),
    l_top10: f64,
    q_top1: (f64, f64),
    l_top1: f64,
    q40: (f64, f64),
    l40: f64,
    inv_l40: f64,
    palma: f64,
    q20: (f64, f64),
    a20: f64,
    q80: (f64, f64),
    a80: f64,
    s80_s20: f64,
    inv_bottom: f64,
    poverty_threshold: f64,
    poverty_rate: f64,
    lambda: f64,
    f_pov: f64,
    mp_pay: f64,
    mp: f64,
    inv_f_mp: f64,
    inv_t_pov: f64,
    caps: Vec<(f64, f64)>,
}

impl Influence {
    /// `out[j][b]`: the influence value of statistic `j` (the order of [`STATISTICS`], then
    /// the caps) for run `b` of the block. The same arithmetic on every lane, with no branch,
    /// so the loop vectorises.
    #[inline(always)]
    fn block(&self, runs: &Runs, out: &mut [[f64; BLOCK]]) {
        let (stats, caps) = out.split_at_mut(STATISTICS.len());
        let Ok(o) = <&mut [[f64; BLOCK]; 23]>::try_from(stats) else {
            return;
        };
        let ind = |c: bool| if c { 1.0 } else { 0.0 };
        // Indicators compare pay with thresholds in pay units, as the point values do: `x / μ`
        // against `Q / μ` could differ in the last bit for a row tied with the quantile.
        let lorenz_if = |x: f64, r: f64, q: f64, (qp, qr): (f64, f64), l: f64| {
            (r - qr) * ind(x <= qp) + q * qr - l - l * (r - 1.0)
        };
        let share_if = |x: f64, r: f64, (qp, qr): (f64, f64), q: f64, a: f64| {
            (r - qr) * ind(x <= qp) + q * qr - a
        };
        // `b` is the lane of a dozen arrays.
        #[allow(clippy::needless_range_loop)]
        for b in 0..BLOCK {
            let x = runs.x[b];
            let run_p = runs.p[b];
            let r = x * self.inv_mu;
            let c_lt = runs.cum_p[b];
            let c_gt = (1.0 - c_lt - run_p).max(0.0);
            let s_lt = runs.cum_s[b];
            let s_gt = (self.total_r - s_lt - run_p * r).max(0.0);
            let ln_r = ln_positive(r);
            let if_q = |p: f64, q: f64, inv_f: f64| (p - ind(x <= q)) * inv_f;
            let if50 = if_q(0.5, self.p50, self.inv_f50);
            let if10 = if_q(0.1, self.p10, self.inv_f10);
            let if90 = if_q(0.9, self.p90, self.inv_f90);
            let if_mld = r - 1.0 - ln_r - self.mld;
            let if_gini = r * (c_lt - c_gt) + s_gt - s_lt - self.gini * (1.0 + r);
            let if_top10 = -lorenz_if(x, r, 0.9, self.q_top10, self.l_top10);
            let if_l40 = lorenz_if(x, r, 0.4, self.q40, self.l40);
            let if_top = (r - 1.0) - share_if(x, r, self.q80, 0.8, self.a80);
            let if_bottom = share_if(x, r, self.q20, 0.2, self.a20);
            let if_rate = ind(x < self.poverty_threshold) - self.poverty_rate
                + self.lambda * self.f_pov * if50;
            let if_t = self.lambda * if50;
            let if_mp =
                (if_rate * 0.5 - (ind(x <= self.mp_pay) - self.poverty_rate * 0.5)) * self.inv_f_mp;
            let theil = self.theil_t;
            let m_half = self.m_half;
            o[0][b] = r - 1.0;
            o[1][b] = if10;
            o[2][b] = if50;
            o[3][b] = if90;
            o[4][b] = (if90 - self.p90_p10 * if10) * self.inv_q10;
            o[5][b] = (if50 - self.p50_p10 * if10) * self.inv_q10;
            o[6][b] = (if90 - self.p90_p50 * if50) * self.inv_q50;
            o[7][b] = -self.kaitz * if50 * self.inv_q50;
            o[8][b] = ind(x < self.t_low) - self.low_pay_share + self.low_line * self.f_low * if50;
            o[9][b] = if_gini;
            o[10][b] = self.gini_factor * if_gini;
            o[11][b] = r * ln_r - theil - (theil + 1.0) * (r - 1.0);
            o[12][b] = if_mld;
            // Atkinson(ε) with β = 1 − ε: −(M^(1/β − 1)/β) [r^β − M − β M (r − 1)].
            o[13][b] = -(m_half / 0.5) * (r.sqrt() - m_half - 0.5 * m_half * (r - 1.0));
            o[14][b] = self.exp_minus_mld * if_mld;
            o[15][b] = self.atkinson_2_factor * (1.0 / r - self.m_inv + self.m_inv * (r - 1.0));
            o[16][b] = if_top10;
            o[17][b] = -lorenz_if(x, r, 0.99, self.q_top1, self.l_top1);
            o[18][b] = (if_top10 - self.palma * if_l40) * self.inv_l40;
            o[19][b] = (if_top - self.s80_s20 * if_bottom) * self.inv_bottom;
            o[20][b] = if_t;
            o[21][b] = if_rate;
            o[22][b] = (self.mp * if_t * self.inv_t_pov - if_mp) * self.inv_t_pov;
        }
        for (column, &(t, share)) in caps.iter_mut().zip(&self.caps) {
            for (v, &x) in column.iter_mut().zip(&runs.x) {
                *v = ind(x > t) - share;
            }
        }
    }
}

/// `ln x` for `x > 0` (`−∞` at 0, NaN below), within 2 ulp of `f64::ln` (tested), in plain
/// arithmetic the compiler vectorises: `x = 2^e m` with `m` in `[√½, √2)`, then
/// `ln m = 2 atanh(s)`, `s = (m − 1)/(m + 1)`, `|s| ≤ 0.172`, by its series to `s^21/21`
/// (remainder below `1e-18`).
#[inline(always)]
pub(crate) fn ln_positive(x: f64) -> f64 {
    // Subnormal numbers are scaled into the normal range first (by 2^54).
    let tiny = x < f64::MIN_POSITIVE;
    let y = if tiny {
        x * 18_014_398_509_481_984.0
    } else {
        x
    };
    let bits = y.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i64 - 1023 - if tiny { 54 } else { 0 };
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    let big = m > std::f64::consts::SQRT_2;
    let m = if big { 0.5 * m } else { m };
    let e = (exponent + i64::from(big)) as f64;
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut series = 1.0 / 21.0;
    for c in [
        1.0 / 19.0,
        1.0 / 17.0,
        1.0 / 15.0,
        1.0 / 13.0,
        1.0 / 11.0,
        1.0 / 9.0,
        1.0 / 7.0,
        1.0 / 5.0,
        1.0 / 3.0,
        1.0,
    ] {
        series = series * s2 + c;
    }
    let ln = e * LN2_HI + (e * LN2_LO + 2.0 * s * series);
    if x > 0.0 {
        ln
    } else if x == 0.0 {
        f64::NEG_INFINITY
    } else {
        f64::NAN
    }
}

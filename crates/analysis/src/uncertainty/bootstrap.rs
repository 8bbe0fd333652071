//! The bootstrap of docs/uncertainty.md: rows drawn with replacement, every statistic
//! recomputed on each replicate, on all cores.

use super::{apply_weight_kind, keys, point_values, CiOptions, Entry, Interval, WeightKind};
use crate::inequality::{InequalityError, Sample, Summary};
use crate::resample::{draw_counts, replicate_state, unit};
use rayon::prelude::*;

/// Most observations a frequency-weighted bootstrap replicate may draw (one draw each).
pub const MAX_FREQUENCY_DRAWS: f64 = 4e9;

/// Why the bootstrap cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BootstrapError {
    /// From the statistics of a replicate.
    #[error(transparent)]
    Inequality(#[from] InequalityError),
    /// With negative pay kept, a replicate whose total pay is zero or negative: its Gini and
    /// shares are not defined, so neither is their bootstrap distribution.
    #[error("bootstrap replicate {replicate} has a total pay of zero or less (negative pay kept): the Gini and the shares have no bootstrap distribution; use the linearisation (--ci without --bootstrap)")]
    NonPositiveReplicate {
        /// 0-based replicate.
        replicate: usize,
    },
    /// Frequency weights that sum to more observations than the bootstrap draws.
    #[error("the frequency weights sum to {0:e} observations, more than the bootstrap draws ({MAX_FREQUENCY_DRAWS:e}); use the linearisation (--ci without --bootstrap)")]
    TooManyObservations(f64),
}

/// Standard errors (the replicates' standard deviation, divisor `R − 1`) and percentile
/// intervals (R `quantile(type = 7)` of the replicates) of `summary`'s statistics, from
/// `replicates` resamples of `sample`'s rows drawn from `seed`. Each replicate's statistics use
/// the same reference `minimum`, `caps` and `poverty_line` as `summary`. A statistic that some
/// replicate leaves undefined (the poverty gap of a replicate with nobody below the line) gets
/// no interval.
#[allow(clippy::too_many_arguments)]
pub fn bootstrap(
    sample: &Sample,
    summary: &Summary,
    minimum: f64,
    caps: &[f64],
    options: &CiOptions,
    replicates: usize,
    seed: u64,
) -> Result<Vec<Entry>, BootstrapError> {
    let n = sample.n();
    let pay = sample.pay();
    let weights = sample.weights();
    let frequency = options.weight_kind == WeightKind::Frequency && weights.is_some();
    // Frequency weights: N = W observations, row k drawn with probability w_k / W.
    let cumulative: Option<Vec<f64>> = frequency.then(|| {
        let mut c = 0.0;
        weights
            .unwrap_or(&[])
            .iter()
            .map(|&w| {
                c += w;
                c
            })
            .collect()
    });
    let draws = match &cumulative {
        Some(c) => {
            let total = c.last().copied().unwrap_or(0.0);
            if total > MAX_FREQUENCY_DRAWS {
                return Err(BootstrapError::TooManyObservations(total));
            }
            total.round() as usize
        }
        None => n,
    };
    let one = |r: usize| -> Result<Vec<Option<f64>>, BootstrapError> {
        let mut state = replicate_state(seed, r);
        let times = match &cumulative {
            None => draw_counts(&mut state, n, draws),
            Some(c) => {
                let mut times = vec![0u32; n];
                let total = c[n - 1];
                for _ in 0..draws {
                    let u = unit(&mut state) * total;
                    times[c.partition_point(|&x| x <= u).min(n - 1)] += 1;
                }
                times
            }
        };
        let kept = times.iter().filter(|&&m| m > 0).count();
        let mut p = Vec::with_capacity(kept);
        let mut w = Vec::with_capacity(kept);
        for (i, &m) in times.iter().enumerate() {
            if m > 0 {
                p.push(pay[i]);
                w.push(match (frequency, weights) {
                    (false, Some(wt)) => wt[i] * m as f64,
                    _ => m as f64,
                });
            }
        }
        let rep = match Sample::from_sorted_keeping_nonpositive(p, Some(w)) {
            // The sample's own total is positive (or it would not exist), a replicate's need
            // not be when negative pay is kept: say so rather than blame the data.
            Err(InequalityError::NonPositiveTotal) => {
                return Err(BootstrapError::NonPositiveReplicate { replicate: r })
            }
            rep => rep?,
        };
        let mut s = rep.try_summary_at(minimum, caps, summary.poverty_line)?;
        // Replicate weights of a frequency sample are counts of observations.
        apply_weight_kind(&mut s, options.weight_kind, frequency);
        Ok(point_values(&s))
    };
    let values: Vec<Vec<Option<f64>>> = (0..replicates)
        .into_par_iter()
        .map(one)
        .collect::<Result<_, _>>()?;
    Ok(keys(summary)
        .into_iter()
        .zip(point_values(summary))
        .enumerate()
        .map(|(j, (statistic, estimate))| {
            let reps: Option<Vec<f64>> = values
                .iter()
                .map(|v| v[j].filter(|x| x.is_finite()))
                .collect();
            let interval = match (estimate, reps) {
                (Some(_), Some(reps)) if n >= 2 => replicate_interval(reps, options.level),
                _ => None,
            };
            Entry {
                statistic,
                estimate,
                interval,
            }
        })
        .collect())
}

/// The standard error (standard deviation, divisor `R − 1`) and percentile interval at `level`
/// (R `quantile(type = 7)`) of a statistic's replicates; `None` for fewer than two or a value
/// that is not finite.
pub(crate) fn replicate_interval(mut reps: Vec<f64>, level: f64) -> Option<Interval> {
    if reps.len() < 2 || reps.iter().any(|x| !x.is_finite()) {
        return None;
    }
    reps.sort_by(f64::total_cmp);
    let m = reps.len() as f64;
    let mean = reps.iter().sum::<f64>() / m;
    let ss: f64 = reps.iter().map(|x| (x - mean) * (x - mean)).sum();
    Some(Interval {
        se: (ss / (m - 1.0)).sqrt(),
        lower: type7(&reps, (1.0 - level) / 2.0),
        upper: type7(&reps, (1.0 + level) / 2.0),
    })
}

/// R's `quantile(type = 7)` of sorted `v` (at least one value) at `p`.
pub(crate) fn type7(v: &[f64], p: f64) -> f64 {
    let h = (v.len() - 1) as f64 * p;
    let i = h.floor() as usize;
    match v.get(i + 1) {
        Some(&next) => v[i] + (h - i as f64) * (next - v[i]),
        None => v[i],
    }
}

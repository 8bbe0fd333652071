//! How sure is each figure: standard errors and intervals of the statistics of a sample
//! (`wages analyze --ci`, `wages gap --ci`).
//!
//! Two methods, both documented with every formula in docs/uncertainty.md:
//!
//! * [`Method::Linearised`]: each statistic's linearised variable (its influence function)
//!   `z_k`, so that `θ̂ − θ ≈ Σ_k w_k z_k`, and the variance of that total under the design:
//!   rows (or the primary sampling units of a [`Design`]) drawn with replacement within strata,
//!   `V = Σ_h n_h / (n_h − 1) Σ_c (u_hc − ū_h)²`, `u_hc` the PSU totals of `w_k z_k`, as R
//!   `survey`'s `svytotal` computes it; or, for frequency weights, the variance of the sample
//!   with each row repeated `w_k` times. The linearised variables depend on a row's pay only
//!   (never on the order of tied rows), so one pass over the runs of equal pay of the sorted
//!   sample computes all of them ([`linearise`]).
//! * [`Method::Bootstrap`]: rows resampled with replacement, every statistic recomputed on each
//!   replicate; standard deviation and percentile interval of the replicates ([`bootstrap`]).
//!
//! A group of `analyze --group` is a domain: its statistics are linearised within it, with
//! `z_k = 0` outside, under the design of the whole table ([`Domain`]).

mod bootstrap;
mod gap;
mod linearise;
#[cfg(test)]
mod tests;

pub use bootstrap::{bootstrap, BootstrapError, MAX_FREQUENCY_DRAWS};
pub use gap::{
    gap_intervals, gap_intervals_within, group_intervals, GapIntervals, GapTable, GroupIntervals,
};
pub use linearise::linearise;

use crate::inequality::Summary;
use serde::Serialize;

/// What the weights of a sample mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum WeightKind {
    /// Row `k` represents `w_k` members of the population (Stata `pweight`); the default.
    #[default]
    Sampling,
    /// Row `k` is `w_k` identical observations (Stata `fweight`): whole numbers.
    Frequency,
}

/// How the standard errors are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Linearisation by influence functions.
    Linearised,
    /// `replicates` iid resamples of the rows, from `seed`.
    Bootstrap {
        /// Number of replicates (at least 2).
        replicates: usize,
        /// The seed: the same seed, the same replicates, on any number of threads.
        seed: u64,
    },
}

/// The choices of `--ci`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CiOptions {
    /// Confidence level as a fraction, strictly between 0 and 1 (`--ci 95` is 0.95).
    pub level: f64,
    /// The method.
    pub method: Method,
    /// What the weights mean.
    pub weight_kind: WeightKind,
}

/// A standard error and the interval at the chosen level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// Standard error.
    pub se: f64,
    /// Lower end of the interval.
    pub lower: f64,
    /// Upper end of the interval.
    pub upper: f64,
}

/// One statistic's point value and, where it is defined, its [`Interval`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// The statistic's key, as in the JSON of `wages analyze` (`gini`, `p50`, `cap_5_share`).
    pub statistic: String,
    /// Its point value; `None` when not defined (as in the summary).
    pub estimate: Option<f64>,
    /// Its standard error and interval; `None` when not defined (a single sampling unit, all
    /// pay equal for a density at a quantile, a value that is not finite).
    pub interval: Option<Interval>,
}

/// The statistics that get a standard error, in output order, with their keys. Extremes (min,
/// max, max:min) and counts have none (docs/uncertainty.md). One `cap_K_share` per cap follows.
pub const STATISTICS: [&str; 23] = [
    "mean",
    "p10",
    "p50",
    "p90",
    "p90_p10",
    "p50_p10",
    "p90_p50",
    "kaitz",
    "low_pay_share",
    "gini",
    "gini_corrected",
    "theil_t",
    "mld",
    "atkinson_0_5",
    "atkinson_1",
    "atkinson_2",
    "top10_share",
    "top1_share",
    "palma",
    "s80_s20",
    "poverty_threshold",
    "poverty_rate",
    "poverty_gap",
];

/// The key of the share above the cap at multiple `k`, as the CSV of `wages analyze` names it.
pub fn cap_key(k: f64) -> String {
    format!("cap_{k}_share")
}

/// The point values of [`STATISTICS`] and the caps' shares in `summary`, in that order; `None`
/// for one that is not defined (the corrected Gini of one row, the poverty gap with nobody
/// below the line).
pub fn point_values(summary: &Summary) -> Vec<Option<f64>> {
    let s = summary;
    let mut v = vec![
        Some(s.mean),
        Some(s.p10),
        Some(s.p50),
        Some(s.p90),
        s.p90_p10,
        s.p50_p10,
        s.p90_p50,
        s.kaitz,
        Some(s.low_pay_share),
        Some(s.gini),
        s.gini_corrected,
        s.theil_t,
        s.mld,
        s.atkinson_0_5,
        s.atkinson_1,
        s.atkinson_2,
        Some(s.top10_share),
        Some(s.top1_share),
        s.palma,
        s.s80_s20,
        Some(s.poverty_threshold),
        Some(s.poverty_rate),
        s.poverty_gap,
    ];
    v.extend(s.caps.iter().map(|c| Some(c.share)));
    v
}

/// The keys of [`point_values`], in the same order.
pub fn keys(summary: &Summary) -> Vec<String> {
    let mut k: Vec<String> = STATISTICS.iter().map(|s| s.to_string()).collect();
    k.extend(summary.caps.iter().map(|c| cap_key(c.k)));
    k
}

/// The corrected Gini as the weight kind defines it: frequency weights make the sample `N = W`
/// observations, so the small-sample factor is `N / (N − 1)` (the sampling weights' factor,
/// Kish's `W² / (W² − Σ w²)`, is what [`Sample::try_summary`](crate::inequality::Sample::try_summary)
/// computes). Unweighted samples are unchanged (both factors are `n / (n − 1)`).
pub fn apply_weight_kind(summary: &mut Summary, kind: WeightKind, weighted: bool) {
    if kind == WeightKind::Frequency && weighted {
        let n = summary.weighted_n;
        summary.gini_corrected = (n > 1.0).then(|| summary.gini * n / (n - 1.0));
    }
}

/// The first weight that is not a whole number, as `(0-based row, weight)`: frequency weights
/// count observations, so such a weight is an error of the data.
pub fn fractional_weight(weights: &[f64]) -> Option<(usize, f64)> {
    weights
        .iter()
        .position(|w| w.fract() != 0.0)
        .map(|i| (i, weights[i]))
}

/// The sampling design of a table's rows, for the linearised variance: strata and primary
/// sampling units (PSUs). Codes are small integers; PSUs are numbered across strata (a cluster
/// label is a PSU within its stratum: the same label in two strata is two PSUs, as R
/// `svydesign(nest = TRUE)`).
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// Number of PSUs of each stratum, over the whole table (at least 2 each).
    pub psus_per_stratum: Vec<usize>,
    /// How the rows are grouped into PSUs.
    pub units: Units,
}

/// How a [`Design`]'s rows are grouped.
#[derive(Debug, Clone, PartialEq)]
pub enum Units {
    /// Every row is its own PSU; this is the stratum of each row (one stratum: all zeros).
    Rows(Vec<u32>),
    /// Clusters: the PSU of each row, and the stratum of each PSU.
    Clusters {
        /// PSU index of each row.
        psu: Vec<u32>,
        /// Stratum of each PSU.
        psu_stratum: Vec<u32>,
    },
}

/// Why a design cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DesignError {
    /// A stratum with a single PSU: its variance cannot be estimated.
    #[error("stratum {stratum:?} has a single {unit}: its variance cannot be estimated; merge it with a neighbouring stratum")]
    LonelyUnit {
        /// The stratum's label.
        stratum: String,
        /// "row" or "cluster".
        unit: &'static str,
    },
}

impl Design {
    /// The design of `n` rows with optional strata and cluster codes (each row's code; the
    /// labels are for messages). Without either, the rows are an iid sample: one stratum of `n`
    /// PSUs.
    pub fn new(
        n: usize,
        strata: Option<(&[u32], &[String])>,
        clusters: Option<&[u32]>,
    ) -> Result<Design, DesignError> {
        let n_strata = strata.map_or(1, |(_, labels)| labels.len().max(1));
        let stratum = |i: usize| strata.map_or(0, |(codes, _)| codes[i]);
        let lonely = |h: usize, unit| DesignError::LonelyUnit {
            stratum: strata.map_or_else(String::new, |(_, l)| l[h].clone()),
            unit,
        };
        let design = match clusters {
            None => {
                let mut count = vec![0usize; n_strata];
                let codes: Vec<u32> = (0..n).map(stratum).collect();
                for &h in &codes {
                    count[h as usize] += 1;
                }
                Design {
                    psus_per_stratum: count,
                    units: Units::Rows(codes),
                }
            }
            Some(c) => {
                let mut index = std::collections::HashMap::new();
                let mut psu_stratum = Vec::new();
                let psu: Vec<u32> = (0..n)
                    .map(|i| {
                        let key = (stratum(i), c[i]);
                        *index.entry(key).or_insert_with(|| {
                            psu_stratum.push(key.0);
                            (psu_stratum.len() - 1) as u32
                        })
                    })
                    .collect();
                let mut count = vec![0usize; n_strata];
                for &h in &psu_stratum {
                    count[h as usize] += 1;
                }
                Design {
                    psus_per_stratum: count,
                    units: Units::Clusters { psu, psu_stratum },
                }
            }
        };
        let unit = match design.units {
            Units::Rows(_) => "row",
            Units::Clusters { .. } => "cluster",
        };
        // A stratum with no row at all (a label of no row) cannot occur: labels come from rows.
        if let Some(h) = design.psus_per_stratum.iter().position(|&m| m == 1) {
            return Err(lonely(h, unit));
        }
        Ok(design)
    }

    /// The unit code of each row: its stratum ([`Units::Rows`]) or its PSU.
    pub fn row_units(&self) -> &[u32] {
        match &self.units {
            Units::Rows(s) => s,
            Units::Clusters { psu, .. } => psu,
        }
    }
}

/// The part of the design one sample (the whole table, or one group as a domain) is linearised
/// under: the design's strata and PSU counts, and the unit code of each of the sample's rows in
/// sorted order (`None`: the rows are an iid sample of `total_rows` rows, the sample's rows
/// among them).
#[derive(Debug, Clone, Copy)]
pub struct Domain<'a> {
    /// The whole table's design; `None`: iid rows.
    pub design: Option<&'a Design>,
    /// Unit code of each of the sample's rows (sorted order), with a design.
    pub units: Option<&'a [u32]>,
    /// Rows of the whole table (the iid design's `n`), or its total weight with frequency
    /// weights (the number of observations `N`).
    pub total_rows: f64,
}

/// The normal quantile `Φ⁻¹(p)` for `p` in `(0, 1)`, by P. J. Acklam's rational approximation
/// (relative error below 1.2e-9: `normal_quantile(0.975)` is 1.959963985, R's `qnorm` gives
/// 1.959963984540).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.38357751867269e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    let low = 0.02425;
    if p < low {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - low {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    }
}

/// `x` with a rounding error below zero removed; NaN stays NaN (`f64::max` would turn it into 0,
/// a silently wrong standard error).
fn non_negative(x: f64) -> f64 {
    if x < 0.0 {
        0.0
    } else {
        x
    }
}

/// The variance accumulator of one sample's linearised variables under its [`Domain`].
pub(crate) struct Accumulator<'a> {
    domain: Domain<'a>,
    kind: WeightKind,
    k: usize,
    /// Per stratum (rows as PSUs) or per PSU (clusters): `k` sums of `u`, then (rows as PSUs,
    /// frequency weights) `k` sums of `u²` (or `u²/w`).
    sums: Vec<f64>,
}

impl<'a> Accumulator<'a> {
    pub(crate) fn new(domain: Domain<'a>, kind: WeightKind, k: usize) -> Self {
        let cells = match domain.design.map(|d| &d.units) {
            None => 1,
            Some(Units::Rows(_)) => domain.design.map_or(1, |d| d.psus_per_stratum.len()),
            Some(Units::Clusters { psu_stratum, .. }) => psu_stratum.len(),
        };
        let width = match domain.design.map(|d| &d.units) {
            Some(Units::Clusters { .. }) => k,
            _ => 2 * k,
        };
        Accumulator {
            domain,
            kind,
            k,
            sums: vec![0.0; cells * width],
        }
    }

    /// Adds a run of rows `rows` (sorted-order indexes) sharing the influence values `inf`,
    /// with `p[i]` the row's weight over the sample's total weight; `run_p` and `run_p2` are
    /// the run's `Σ p` and `Σ p²` (used when no design splits the run).
    #[inline(always)]
    pub(crate) fn add_run(
        &mut self,
        rows: std::ops::Range<usize>,
        p: impl Fn(usize) -> f64,
        run_p: f64,
        run_p2: f64,
        inf: &[f64],
    ) {
        let k = self.k;
        match (self.domain.design.map(|d| &d.units), self.domain.units) {
            (Some(Units::Rows(_)), Some(units)) => {
                for i in rows {
                    let h = units[i] as usize;
                    let pi = p(i);
                    let cell = &mut self.sums[h * 2 * k..(h + 1) * 2 * k];
                    for (j, &f) in inf.iter().enumerate() {
                        cell[j] += pi * f;
                        cell[k + j] += pi * pi * f * f;
                    }
                }
            }
            (Some(Units::Clusters { .. }), Some(units)) => {
                for i in rows {
                    let c = units[i] as usize;
                    let pi = p(i);
                    let cell = &mut self.sums[c * k..(c + 1) * k];
                    for (j, &f) in inf.iter().enumerate() {
                        cell[j] += pi * f;
                    }
                }
            }
            _ => {
                // iid rows: the run's rows share `inf`, so Σu = inf·Σp and Σu² = inf²·Σp²;
                // frequency weights: Σ u²/w = inf² Σ p / W.
                let second = match self.kind {
                    WeightKind::Sampling => run_p2,
                    WeightKind::Frequency => run_p,
                };
                for (j, &f) in inf.iter().enumerate() {
                    self.sums[j] += run_p * f;
                    self.sums[k + j] += second * f * f;
                }
            }
        }
    }

    /// Adds a block of runs: `rows[b]` are run `b`'s rows, `run_p[b]` and `run_p2[b]` its
    /// `Σ p` and `Σ p²`, and `inf[j][b]` its influence value of statistic `j`. Without a design
    /// the sums are taken over the block's lanes in four interleaved sums (they vectorise);
    /// lanes past `rows.len()` must have zero weight.
    #[inline(always)]
    pub(crate) fn add_block<const B: usize>(
        &mut self,
        rows: &[std::ops::Range<usize>],
        run_p: &[f64; B],
        run_p2: &[f64; B],
        inf: &[[f64; B]],
        p: impl Fn(usize) -> f64,
    ) {
        let k = self.k;
        match (self.domain.design.map(|d| &d.units), self.domain.units) {
            (Some(_), Some(_)) => {
                let mut one = vec![0.0; k];
                for (b, rows) in rows.iter().enumerate() {
                    for (j, v) in one.iter_mut().enumerate() {
                        *v = inf[j][b];
                    }
                    self.add_run(rows.clone(), &p, run_p[b], run_p2[b], &one);
                }
            }
            _ => {
                let second = match self.kind {
                    WeightKind::Sampling => run_p2,
                    WeightKind::Frequency => run_p,
                };
                for (j, column) in inf.iter().enumerate().take(k) {
                    let (mut s1, mut s2) = ([0.0f64; 4], [0.0f64; 4]);
                    for c in 0..B / 4 {
                        for l in 0..4 {
                            let b = 4 * c + l;
                            let f = column[b];
                            s1[l] += run_p[b] * f;
                            s2[l] += second[b] * f * f;
                        }
                    }
                    self.sums[j] += (s1[0] + s1[1]) + (s1[2] + s1[3]);
                    self.sums[k + j] += (s2[0] + s2[1]) + (s2[2] + s2[3]);
                }
            }
        }
    }

    /// Adds another accumulator's sums (of other rows of the same sample).
    pub(crate) fn merge(&mut self, other: &Accumulator) {
        for (a, b) in self.sums.iter_mut().zip(&other.sums) {
            *a += b;
        }
    }

    /// The variances, one per statistic; `total_weight` is the sample's `W` (frequency weights
    /// divide `Σ u²/w`'s `Σ p` by it). `None` where a stratum's variance is not defined.
    pub(crate) fn variances(&self, total_weight: f64) -> Vec<Option<f64>> {
        let k = self.k;
        let mut v = vec![0.0; k];
        match (self.domain.design, self.domain.design.map(|d| &d.units)) {
            (Some(d), Some(Units::Rows(_))) => {
                for (h, &n) in d.psus_per_stratum.iter().enumerate() {
                    let n = n as f64;
                    let cell = &self.sums[h * 2 * k..(h + 1) * 2 * k];
                    for j in 0..k {
                        let (s, s2) = (cell[j], cell[k + j]);
                        v[j] += n / (n - 1.0) * non_negative(s2 - s * s / n);
                    }
                }
            }
            (Some(d), Some(Units::Clusters { psu_stratum, .. })) => {
                let strata = d.psus_per_stratum.len();
                let mut s = vec![0.0; strata * k];
                let mut s2 = vec![0.0; strata * k];
                for (c, &h) in psu_stratum.iter().enumerate() {
                    let h = h as usize;
                    for j in 0..k {
                        let u = self.sums[c * k + j];
                        s[h * k + j] += u;
                        s2[h * k + j] += u * u;
                    }
                }
                for (h, &n) in d.psus_per_stratum.iter().enumerate() {
                    let n = n as f64;
                    for j in 0..k {
                        let (a, b) = (s[h * k + j], s2[h * k + j]);
                        v[j] += n / (n - 1.0) * non_negative(b - a * a / n);
                    }
                }
            }
            _ => {
                let n = self.domain.total_rows;
                for (j, v) in v.iter_mut().enumerate() {
                    let (s, s2) = (self.sums[j], self.sums[k + j]);
                    *v = match self.kind {
                        WeightKind::Sampling => n / (n - 1.0) * non_negative(s2 - s * s / n),
                        // N/(N−1) · [Σ w z² − (Σ w z)²/N], Σ w z² = Σ p inf² / W.
                        WeightKind::Frequency => {
                            n / (n - 1.0) * non_negative(s2 / total_weight - s * s / n)
                        }
                    };
                }
            }
        }
        v.into_iter().map(|x| x.is_finite().then_some(x)).collect()
    }
}

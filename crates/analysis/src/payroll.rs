//! A payroll's statistics, for the whole table and for each group: what `wages analyze`
//! reports.
//!
//! This module owns the grouping of rows (one counting pass over the group codes, then one
//! copy of each row into its group's vectors, no repeated filtering), the reference minimum
//! when none is given (the smallest pay), and the summaries themselves: one [`Sample`] per
//! group and one for the whole table, sorted and summarized in parallel, largest first, with
//! the chart curves (Lorenz curves of the largest groups, the histogram of multiples) and,
//! with groups, the inputs of the subgroup decomposition ([`crate::decompose`]) taken from each
//! sorted sample while it exists.
//!
//! Parallel work runs on the current rayon pool; the binary sizes it, in one place. The
//! results do not depend on the number of threads: each sample is sorted, so its statistics
//! are the same bits however its rows were gathered.
//!
//! The columns come from the `wages-table` crate's readers (validated there: pay finite, and
//! positive unless its policy kept zero and negative pay; weights finite and positive), which
//! fill the [`Payroll`] defined here.

use crate::decompose::{decompose, DecomposeError, Decomposition, Part as DecompositionPart};
use crate::inequality::{Histogram, InequalityError, Sample, Summary, DEFAULT_POVERTY_LINE};
use crate::uncertainty::{
    apply_weight_kind, bootstrap, linearise, BootstrapError, CiOptions, Design, Domain, Entry,
    Method, WeightKind,
};
use rayon::prelude::*;

/// The columns of a payroll, validated: pay finite, and positive except in the
/// [`Payroll::kept_nonpositive`] rows the reader's policy kept (`--nonpositive keep`); weights
/// finite and positive; all vectors aligned row by row.
#[derive(Debug, Clone, PartialEq)]
pub struct Payroll {
    /// Pay of the rows kept.
    pub pay: Vec<f64>,
    /// Weights of the rows kept, if a weight column was named.
    pub weight: Option<Vec<f64>>,
    /// Group of each row kept, if a group column was named.
    pub groups: Option<Groups>,
    /// Bonus (variable pay) of each row kept, if a bonus column was named: finite and zero or
    /// more (zero: no bonus paid). Used by `wages gap`.
    pub bonus: Option<Vec<f64>>,
    /// A second grouping of the rows kept (the categories of workers of `wages gap --within`),
    /// if named.
    pub within: Option<Groups>,
    /// Explanatory columns (`wages gap --explain`), in the order asked for; empty if none.
    pub covariates: Vec<Covariate>,
    /// Data rows in the file.
    pub rows_read: usize,
    /// Rows excluded because their pay was zero or negative (`--nonpositive drop`).
    pub dropped_nonpositive: usize,
    /// Rows with zero or negative pay kept (`--nonpositive keep`). When 0, every pay is
    /// positive: [`analyze_with`] builds its samples with the strict [`Sample::new`] and refuses
    /// zero or negative pay it is given.
    pub kept_nonpositive: usize,
}

/// An explanatory column of a payroll (a covariate of `wages gap --explain`), aligned row by row
/// with the pay. Unlike pay, a covariate may be missing in some rows: the decomposition leaves
/// those rows out and counts them.
#[derive(Debug, Clone, PartialEq)]
pub struct Covariate {
    /// The column's name.
    pub name: String,
    /// Its values.
    pub values: CovariateValues,
}

/// The values of a [`Covariate`].
#[derive(Debug, Clone, PartialEq)]
pub enum CovariateValues {
    /// Numbers, finite; `NaN` marks a missing cell.
    Numeric(Vec<f64>),
    /// Categories: codes into labels sorted ascending; [`MISSING_CODE`] marks a missing cell
    /// (an empty cell, a Parquet null), which is never a label.
    Categorical(Groups),
}

/// The code of a missing cell in a categorical [`Covariate`].
pub const MISSING_CODE: u32 = u32::MAX;

/// Group membership as small integer codes.
#[derive(Debug, Clone, PartialEq)]
pub struct Groups {
    /// Distinct labels, sorted ascending (byte order). An empty cell is the label `""`.
    pub labels: Vec<String>,
    /// For each row, the index of its label in `labels`.
    pub codes: Vec<u32>,
}

/// Where the reference minimum came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MinimumSource {
    /// Given by the caller (`--minimum`).
    Given,
    /// The smallest pay of the rows analyzed.
    SmallestPay,
}

/// Statistics of one group.
#[derive(Debug, Clone)]
pub struct GroupSummary {
    /// The group's label (`""` for empty cells).
    pub label: String,
    /// Its statistics; `None` when no row of the group is left (every one had zero or negative
    /// pay and `--drop-nonpositive` excluded it).
    pub summary: Option<Summary>,
    /// Standard errors and intervals of its statistics (with [`Options::ci`]).
    pub uncertainty: Option<Vec<Entry>>,
}

/// Why the statistics cannot be computed.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    /// From the statistics core.
    #[error(transparent)]
    Inequality(#[from] InequalityError),
    /// From the subgroup decomposition.
    #[error(transparent)]
    Decompose(#[from] DecomposeError),
    /// From the bootstrap.
    #[error(transparent)]
    Bootstrap(#[from] BootstrapError),
    /// A frequency weight that is not a whole number.
    #[error("weight {value} in data row {row} is not a whole number: frequency weights count observations (--weight-kind frequency); use --weight-kind sampling for other weights")]
    FractionalFrequencyWeight {
        /// 1-based data row (after the header) among the rows read.
        row: usize,
        /// The weight.
        value: f64,
    },
    /// With zero and negative pay kept, a group whose total pay is zero or negative.
    #[error("group {group:?}: its total pay is zero or negative, so its Gini and shares of its total pay are not defined; check the pay column, or exclude the zero and negative rows (--nonpositive drop)")]
    GroupNonPositiveTotal {
        /// The group's label.
        group: String,
    },
    /// A cap whose threshold overflows.
    #[error("--caps {k}: the threshold {k} x the minimum ({minimum:e}) is not a finite number; give a smaller cap, or a --minimum")]
    InfiniteThreshold {
        /// The cap.
        k: f64,
        /// The minimum.
        minimum: f64,
    },
}

/// Everything `wages analyze` reports.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Data rows in the file.
    pub rows_read: usize,
    /// Rows excluded by `--drop-nonpositive`.
    pub dropped_nonpositive: usize,
    /// The reference minimum.
    pub minimum: f64,
    /// Where it came from.
    pub minimum_source: MinimumSource,
    /// Whether a weight column was used.
    pub weighted: bool,
    /// The whole table.
    pub all: Summary,
    /// Each group, in label order (empty without groups).
    pub groups: Vec<GroupSummary>,
    /// What the charts draw (`None` unless asked for: nothing extra is computed).
    pub charts: Option<ChartData>,
    /// Inequality within and between the groups (`None` without groups). Its `groups` are the
    /// groups with rows, in label order: those of [`Analysis::groups`] whose summary is `Some`.
    pub decomposition: Option<Decomposition>,
    /// Standard errors and intervals of the whole table's statistics (with [`Options::ci`]).
    pub uncertainty: Option<Vec<Entry>>,
    /// The `--ci` choices used, if any.
    pub ci: Option<CiOptions>,
    /// Rows with zero or negative pay kept (`--nonpositive keep`); 0 otherwise.
    pub kept_nonpositive: usize,
    /// Whether the multiples of the minimum (max:min's reference, Kaitz, the caps) are defined:
    /// not when the reference is the smallest pay and that is zero or negative (give a
    /// `--minimum`).
    pub multiples_defined: bool,
}

/// What [`analyze_with`] computes besides the statistics themselves.
#[derive(Debug, Clone, Default)]
pub struct Options<'a> {
    /// The reference minimum; `None`: the smallest pay.
    pub minimum: Option<f64>,
    /// Cap multiples of the minimum.
    pub caps: &'a [f64],
    /// The chart curves.
    pub charts: bool,
    /// The at-risk-of-poverty line, a fraction of the median; `None`: Eurostat's 0.6.
    pub poverty_line: Option<f64>,
    /// Standard errors and intervals, and how.
    pub ci: Option<CiOptions>,
    /// The sampling design of the rows (strata, clusters), for the linearised variance;
    /// `None`: iid rows. Its unit codes are aligned with the payroll's rows.
    pub design: Option<&'a Design>,
    /// What the weights mean without `ci` (with `ci`, its `weight_kind` rules): frequency
    /// weights (`wages analyze --count`) must be whole numbers and make the corrected Gini's
    /// factor `N / (N − 1)` with `N = Σ w`, exactly as the expanded rows give it.
    pub weight_kind: WeightKind,
}

/// At most this many groups get their own Lorenz curve (the largest by weighted count); more
/// lines than the palette has colours would be unreadable.
pub const MAX_LORENZ_GROUPS: usize = 6;

/// Most points of a Lorenz curve: a sample with more rows is evaluated on an even grid of this
/// many shares of people (finer than a pixel at any chart size `--chart-width` allows).
const LORENZ_POINTS: usize = 2000;

/// The curves the charts draw, computed from each sorted [`Sample`] while it exists.
#[derive(Debug, Clone)]
pub struct ChartData {
    /// The whole table's Lorenz curve: `(share of people, share of pay)`, both in `[0, 1]`.
    pub lorenz: Vec<(f64, f64)>,
    /// Lorenz curves of the largest groups: `(index into Analysis::groups, curve)`, in label
    /// order.
    pub group_lorenz: Vec<(usize, Vec<(f64, f64)>)>,
    /// The whole table's histogram of multiples of the minimum.
    pub histogram: Histogram,
}

/// One sample to summarize: its pay and weights (moved into the `Sample`).
struct Job {
    pay: Vec<f64>,
    weight: Option<Vec<f64>>,
    /// The design unit of each row (with a design), aligned with `pay`.
    units: Option<Vec<u32>>,
    /// Compute its Lorenz curve (charts, and the whole table or one of the largest groups).
    lorenz: bool,
    /// Compute its histogram of multiples (charts, whole table).
    histogram: bool,
    /// Compute its [`DecompositionPart`] of the subgroup decomposition (with groups: every job).
    part: bool,
}

/// What one job yields.
struct JobOut {
    summary: Summary,
    uncertainty: Option<Vec<Entry>>,
    lorenz: Option<Vec<(f64, f64)>>,
    histogram: Option<Histogram>,
    part: Option<DecompositionPart>,
}

/// Below this many rows [`partition`] runs as one range: splitting costs more than it saves.
const PARALLEL_PARTITION_ROWS: usize = 1 << 17;

/// One group's pay and weights.
type Part = (Vec<f64>, Option<Vec<f64>>);

/// A stretch of one group's pay and weights, filled by one range of rows.
type Stretch<'a> = (&'a mut [f64], Option<&'a mut [f64]>);

/// Splits rows by group code: each group's pay (and weights) in a vector of exactly the right
/// size, rows in file order; also returns the smallest pay (`f64::min` over all rows).
///
/// The rows are cut into one contiguous range per thread of the pool; each range's rows of a
/// group fill the next stretch of that group's vectors. The copy is cheap, the first touch of
/// the fresh vectors (page faults) is not, and this way every core takes its share of it.
pub fn partition(
    pay: &[f64],
    weight: Option<&[f64]>,
    codes: &[u32],
    groups: usize,
) -> (Vec<Part>, f64) {
    let ranges = if pay.len() < PARALLEL_PARTITION_ROWS {
        1
    } else {
        rayon::current_num_threads()
    };
    let chunk = pay.len().div_ceil(ranges).max(1);
    let count = |codes: &[u32]| {
        let mut n = vec![0usize; groups];
        for &c in codes {
            n[c as usize] += 1;
        }
        n
    };
    let mut counts: Vec<Vec<usize>> = codes.par_chunks(chunk).map(count).collect();
    if counts.is_empty() {
        counts.push(vec![0; groups]);
    }
    let mut out: Vec<Part> = (0..groups)
        .map(|g| {
            let n = counts.iter().map(|c| c[g]).sum();
            (vec![0.0; n], weight.map(|_| vec![0.0; n]))
        })
        .collect();
    // For each range of rows, its stretch of every group's vectors.
    let mut dests: Vec<Vec<Stretch>> = counts.iter().map(|_| Vec::with_capacity(groups)).collect();
    for (g, (p, w)) in out.iter_mut().enumerate() {
        let (mut p, mut w) = (p.as_mut_slice(), w.as_deref_mut());
        for (dest, n) in dests.iter_mut().zip(&counts) {
            let (head, tail) = std::mem::take(&mut p).split_at_mut(n[g]);
            p = tail;
            let wh = w.take().map(|ws| {
                let (head, tail) = ws.split_at_mut(n[g]);
                w = Some(tail);
                head
            });
            dest.push((head, wh));
        }
    }
    let min = dests
        .into_par_iter()
        .enumerate()
        .map(|(t, dest)| {
            let rows = (t * chunk).min(pay.len())..((t + 1) * chunk).min(pay.len());
            let w = weight.map(|w| &w[rows.clone()]);
            scatter(&pay[rows.clone()], w, &codes[rows], dest)
        })
        .reduce(|| f64::INFINITY, f64::min);
    (out, min)
}

/// Copies rows into their group's stretch, in order; returns the smallest pay.
fn scatter(pay: &[f64], weight: Option<&[f64]>, codes: &[u32], mut dest: Vec<Stretch>) -> f64 {
    let mut at = vec![0usize; dest.len()];
    let mut min = f64::INFINITY;
    match weight {
        None => {
            for (&x, &c) in pay.iter().zip(codes) {
                let c = c as usize;
                dest[c].0[at[c]] = x;
                at[c] += 1;
                min = min.min(x);
            }
        }
        Some(w) => {
            for ((&x, &wt), &c) in pay.iter().zip(w).zip(codes) {
                let c = c as usize;
                let (p, w) = &mut dest[c];
                p[at[c]] = x;
                if let Some(w) = w {
                    w[at[c]] = wt;
                }
                at[c] += 1;
                min = min.min(x);
            }
        }
    }
    min
}

/// Computes the whole-table and per-group summaries of `payroll`, relative to `minimum` (the
/// smallest pay when `None`) with one cap row per multiple in `caps`; with `charts`, also the
/// curves [`ChartData`] holds; with groups, the subgroup decomposition ([`decompose`], from the
/// summaries and one more pass over each sample for GE(−1) and GE(2)). Samples are sorted and
/// summarized in parallel, largest first (the whole table is one job, each group another).
pub fn analyze(
    payroll: Payroll,
    minimum: Option<f64>,
    caps: &[f64],
    charts: bool,
) -> Result<Analysis, AnalyzeError> {
    analyze_with(
        payroll,
        &Options {
            minimum,
            caps,
            charts,
            ..Options::default()
        },
    )
}

/// [`analyze`] with every option: the poverty line, and standard errors and intervals
/// ([`crate::uncertainty`]) under a design.
pub fn analyze_with(payroll: Payroll, options: &Options) -> Result<Analysis, AnalyzeError> {
    let (minimum, caps, charts) = (options.minimum, options.caps, options.charts);
    let kind = options.ci.map_or(options.weight_kind, |c| c.weight_kind);
    if let (WeightKind::Frequency, Some(w)) = (kind, &payroll.weight) {
        if let Some((i, value)) = crate::uncertainty::fractional_weight(w) {
            return Err(AnalyzeError::FractionalFrequencyWeight { row: i + 1, value });
        }
    }
    let total_rows = match (kind, &payroll.weight) {
        (WeightKind::Frequency, Some(w)) => w.iter().sum(),
        _ => payroll.pay.len() as f64,
    };
    let units = options.design.map(|d| d.row_units());
    let Payroll {
        pay,
        weight,
        groups,
        rows_read,
        dropped_nonpositive,
        kept_nonpositive,
        ..
    } = payroll;
    let weighted = weight.is_some();
    let mut labels = Vec::new();
    let mut jobs = Vec::new();
    let mut smallest = None;
    if let Some(g) = &groups {
        let (parts, min) = partition(&pay, weight.as_deref(), &g.codes, g.labels.len());
        smallest = Some(min);
        let mut group_units = units.map(|u| split_units(u, &g.codes, g.labels.len()));
        for (i, (label, (p, w))) in g.labels.iter().zip(parts).enumerate() {
            labels.push(label.clone());
            jobs.push(Job {
                pay: p,
                weight: w,
                units: group_units.as_mut().map(|u| std::mem::take(&mut u[i])),
                lorenz: false,
                histogram: false,
                part: true,
            });
        }
    }
    let grouped = groups.is_some();
    drop(groups);
    let (minimum, minimum_source) = match minimum {
        Some(m) => (m, MinimumSource::Given),
        None => (
            smallest.unwrap_or_else(|| pay.iter().copied().fold(f64::INFINITY, f64::min)),
            MinimumSource::SmallestPay,
        ),
    };
    // A smallest pay of zero or less is no reference: the multiples are not defined, and the
    // summaries are computed without caps against a placeholder minimum whose Kaitz index is
    // then dropped.
    let multiples_defined = minimum > 0.0;
    let (summary_minimum, caps) = if multiples_defined {
        (minimum, caps)
    } else {
        (1.0, &[][..])
    };
    // Without a given minimum the threshold k x (smallest pay) can still overflow: never
    // report an infinite threshold.
    if let Some(&k) = caps.iter().find(|&&k| !(k * minimum).is_finite()) {
        return Err(AnalyzeError::InfiniteThreshold { k, minimum });
    }
    // A group with no row left (all dropped by --drop-nonpositive) is reported as empty; the
    // others are summarized. `kept[j]` is the group of job j.
    let kept: Vec<usize> = (0..jobs.len())
        .filter(|&i| !jobs[i].pay.is_empty())
        .collect();
    let mut jobs: Vec<Job> = jobs.into_iter().filter(|j| !j.pay.is_empty()).collect();
    if charts {
        // The largest groups by weighted count (ties: label order) get a Lorenz curve.
        let size = |j: &Job| {
            j.weight
                .as_ref()
                .map_or(j.pay.len() as f64, |w| w.iter().sum())
        };
        let mut order: Vec<(usize, f64)> = jobs.iter().map(size).enumerate().collect();
        order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        for &(i, _) in order.iter().take(MAX_LORENZ_GROUPS) {
            jobs[i].lorenz = true;
        }
    }
    // The whole table last in `jobs`, so group i is job i.
    jobs.push(Job {
        pay,
        weight,
        units: units.map(|u| u.to_vec()),
        lorenz: charts,
        histogram: charts,
        // With zero or negative pay kept the decomposition splits the indices still defined.
        part: grouped,
    });
    let settings = Settings {
        minimum: summary_minimum,
        caps,
        multiples_defined,
        keep_nonpositive: kept_nonpositive > 0,
        poverty_line: options.poverty_line.unwrap_or(DEFAULT_POVERTY_LINE),
        ci: options.ci,
        design: options.design,
        total_rows,
        weighted,
        kind,
    };
    let mut results = summarize_all(jobs, &settings).map_err(|(j, e)| match e {
        // With zero and negative pay kept a group's total can be zero or negative while the
        // whole table's is positive: name the group (job j < kept.len() is group kept[j]).
        AnalyzeError::Inequality(InequalityError::NonPositiveTotal) if j < kept.len() => {
            AnalyzeError::GroupNonPositiveTotal {
                group: labels[kept[j]].clone(),
            }
        }
        e => e,
    })?;
    let whole = results.pop().ok_or(InequalityError::Empty)?;
    let all = whole.summary;
    let all_uncertainty = whole.uncertainty;
    let charts = match (whole.lorenz, whole.histogram) {
        (Some(lorenz), Some(histogram)) => Some(ChartData {
            lorenz,
            group_lorenz: results
                .iter_mut()
                .enumerate()
                .filter_map(|(j, r)| r.lorenz.take().map(|c| (kept[j], c)))
                .collect(),
            histogram,
        }),
        _ => None,
    };
    // The groups with rows, in label order (job order), split the whole table.
    let decomposition = match whole.part {
        Some(total) => {
            let parts: Vec<DecompositionPart> = results.iter().filter_map(|r| r.part).collect();
            Some(decompose(&parts, &total)?)
        }
        None => None,
    };
    let mut summaries: Vec<(Option<Summary>, Option<Vec<Entry>>)> =
        vec![(None, None); labels.len()];
    for (j, r) in results.into_iter().enumerate() {
        summaries[kept[j]] = (Some(r.summary), r.uncertainty);
    }
    Ok(Analysis {
        charts,
        decomposition,
        rows_read,
        dropped_nonpositive,
        minimum,
        minimum_source,
        weighted,
        all,
        groups: labels
            .into_iter()
            .zip(summaries)
            .map(|(label, (summary, uncertainty))| GroupSummary {
                label,
                summary,
                uncertainty,
            })
            .collect(),
        uncertainty: all_uncertainty,
        ci: options.ci,
        kept_nonpositive,
        multiples_defined,
    })
}

/// Sorts and summarizes every job on the pool, the largest first so the threads finish close
/// together (the first thread starts on the largest while the others take the rest); results
/// in the jobs' order. The first error, in job order, is returned with its job's index.
fn summarize_all(
    jobs: Vec<Job>,
    settings: &Settings,
) -> Result<Vec<JobOut>, (usize, AnalyzeError)> {
    let (minimum, caps) = (settings.minimum, settings.caps);
    let n = jobs.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(jobs[i].pay.len()));
    let mut slots: Vec<Option<Job>> = jobs.into_iter().map(Some).collect();
    let largest_first: Vec<Job> = order.iter().filter_map(|&i| slots[i].take()).collect();
    let done: Vec<Result<JobOut, AnalyzeError>> = largest_first
        .into_par_iter()
        .with_max_len(1)
        .map(|job| {
            let (lorenz, histogram, part) = (job.lorenz, job.histogram, job.part);
            // The table crate applied the policy for zero and negative pay: only rows it kept
            // (counted in `kept_nonpositive`) may be zero or negative; otherwise the strict
            // constructors hold the payroll to positive pay.
            let keep = settings.keep_nonpositive;
            let (s, units) = match job.units {
                None if keep => (Sample::new_keeping_nonpositive(job.pay, job.weight)?, None),
                None => (Sample::new(job.pay, job.weight)?, None),
                Some(units) => {
                    let (pay, weight, units) = sort_with_units(job.pay, job.weight, units);
                    let s = if keep {
                        Sample::from_sorted_keeping_nonpositive(pay, weight)?
                    } else {
                        Sample::from_sorted(pay, weight)?
                    };
                    (s, Some(units))
                }
            };
            let mut summary = s.try_summary_at(minimum, caps, settings.poverty_line)?;
            if !settings.multiples_defined {
                summary.kaitz = None;
                summary.minimum = f64::NAN;
            }
            // A no-op for sampling weights (the default without --ci).
            apply_weight_kind(&mut summary, settings.kind, settings.weighted);
            let uncertainty = match &settings.ci {
                None => None,
                Some(ci) => Some(match ci.method {
                    Method::Linearised => {
                        let domain = Domain {
                            design: settings.design,
                            units: units.as_deref(),
                            total_rows: settings.total_rows,
                        };
                        linearise(&s, &summary, domain, ci)
                    }
                    Method::Bootstrap { replicates, seed } => {
                        bootstrap(&s, &summary, minimum, caps, ci, replicates, seed)?
                    }
                }),
            };
            Ok(JobOut {
                uncertainty,
                part: part.then(|| DecompositionPart::from_summary(&s, &summary)),
                summary,
                lorenz: lorenz.then(|| s.lorenz_curve(LORENZ_POINTS)),
                histogram: histogram.then(|| s.histogram(minimum)),
            })
        })
        .collect();
    let mut results: Vec<Option<Result<JobOut, AnalyzeError>>> = (0..n).map(|_| None).collect();
    for (&i, r) in order.iter().zip(done) {
        results[i] = Some(r);
    }
    results
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            r.unwrap_or(Err(InequalityError::Empty.into()))
                .map_err(|e| (i, e))
        })
        .collect()
}

/// What every job of [`summarize_all`] shares.
struct Settings<'a> {
    minimum: f64,
    caps: &'a [f64],
    multiples_defined: bool,
    /// Zero and negative pay kept by the reader's policy (else every pay must be positive).
    keep_nonpositive: bool,
    poverty_line: f64,
    ci: Option<CiOptions>,
    design: Option<&'a Design>,
    /// The iid design's number of rows (frequency weights: observations) of the whole table.
    total_rows: f64,
    weighted: bool,
    /// What the weights mean (the corrected Gini's factor).
    kind: WeightKind,
}

/// Each group's design units, rows in file order (as [`partition`] orders pay).
fn split_units(units: &[u32], codes: &[u32], groups: usize) -> Vec<Vec<u32>> {
    let mut out = vec![Vec::new(); groups];
    for (&u, &c) in units.iter().zip(codes) {
        out[c as usize].push(u);
    }
    out
}

/// Sorts pay, weights and design units together, by pay then weight, as [`Sample::new`] sorts
/// pay and weights (so the statistics are the same bits).
fn sort_with_units(
    pay: Vec<f64>,
    weight: Option<Vec<f64>>,
    units: Vec<u32>,
) -> (Vec<f64>, Option<Vec<f64>>, Vec<u32>) {
    let mut order: Vec<u32> = (0..pay.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| {
        let (a, b) = (a as usize, b as usize);
        pay[a].total_cmp(&pay[b]).then_with(|| match &weight {
            Some(w) => w[a].total_cmp(&w[b]),
            None => std::cmp::Ordering::Equal,
        })
    });
    let sorted_pay = order.iter().map(|&i| pay[i as usize]).collect();
    let sorted_weight = weight
        .as_ref()
        .map(|w| order.iter().map(|&i| w[i as usize]).collect());
    let sorted_units = order.iter().map(|&i| units[i as usize]).collect();
    (sorted_pay, sorted_weight, sorted_units)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_keeps_file_order_within_groups() {
        let pay = [1.0, 2.0, 3.0, 4.0, 5.0];
        let w = [10.0, 20.0, 30.0, 40.0, 50.0];
        let codes = [1, 0, 1, 2, 0];
        let (p, min) = partition(&pay, Some(&w), &codes, 3);
        assert_eq!(p[0], (vec![2.0, 5.0], Some(vec![20.0, 50.0])));
        assert_eq!(p[1], (vec![1.0, 3.0], Some(vec![10.0, 30.0])));
        assert_eq!(p[2], (vec![4.0], Some(vec![40.0])));
        assert_eq!(min, 1.0);
        let (p, _) = partition(&pay, None, &codes, 3);
        assert_eq!(p[1], (vec![1.0, 3.0], None));
        // Enough rows for one range per thread, on pools of 1 to 3 threads: the same vectors,
        // in file order.
        let n = PARALLEL_PARTITION_ROWS * 3 + 7;
        let pay: Vec<f64> = (0..n).map(|i| (i % 1000) as f64 + 0.5).collect();
        let codes: Vec<u32> = (0..n).map(|i| ((i * 7) % 5) as u32).collect();
        for threads in 1..=3 {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let (p, min) = pool.install(|| partition(&pay, Some(&pay), &codes, 5));
            assert_eq!(min, 0.5);
            for (g, (gp, gw)) in p.iter().enumerate() {
                let want: Vec<f64> = (0..n)
                    .filter(|i| codes[*i] == g as u32)
                    .map(|i| pay[i])
                    .collect();
                assert_eq!(gp, &want);
                assert_eq!(gw.as_ref(), Some(&want));
            }
        }
    }

    #[test]
    fn groups_and_whole_table_agree_with_direct_samples() {
        let payroll = Payroll {
            pay: vec![3.0, 1.0, 4.0, 1.5, 9.0, 2.0],
            weight: None,
            groups: Some(Groups {
                labels: vec!["a".into(), "b".into()],
                codes: vec![0, 1, 0, 1, 0, 1],
            }),
            bonus: None,
            within: None,
            covariates: Vec::new(),
            rows_read: 6,
            dropped_nonpositive: 0,
            kept_nonpositive: 0,
        };
        let a = analyze(payroll, None, &[2.0], false).unwrap();
        assert!(a.charts.is_none());
        assert_eq!(a.minimum, 1.0);
        assert_eq!(a.minimum_source, MinimumSource::SmallestPay);
        let direct = |v: Vec<f64>| Sample::new(v, None).unwrap().summary(1.0, &[2.0]);
        assert_eq!(a.all, direct(vec![3.0, 1.0, 4.0, 1.5, 9.0, 2.0]));
        assert_eq!(a.groups[0].label, "a");
        assert_eq!(a.groups[0].summary, Some(direct(vec![3.0, 4.0, 9.0])));
        assert_eq!(a.groups[1].summary, Some(direct(vec![1.0, 1.5, 2.0])));
        // The decomposition is that of the same samples' parts.
        let part = |v: Vec<f64>| {
            let s = Sample::new(v, None).unwrap();
            DecompositionPart::from_summary(&s, &s.summary(1.0, &[2.0]))
        };
        let want = decompose(
            &[part(vec![3.0, 4.0, 9.0]), part(vec![1.0, 1.5, 2.0])],
            &part(vec![3.0, 1.0, 4.0, 1.5, 9.0, 2.0]),
        )
        .unwrap();
        assert_eq!(a.decomposition, Some(want));
    }

    #[test]
    fn decomposition_only_with_groups_and_over_groups_with_rows() {
        let payroll = |groups: Option<Groups>| Payroll {
            pay: vec![3.0, 1.0, 4.0, 1.5],
            weight: Some(vec![1.0, 2.0, 0.5, 1.0]),
            groups,
            bonus: None,
            within: None,
            covariates: Vec::new(),
            rows_read: 4,
            dropped_nonpositive: 0,
            kept_nonpositive: 0,
        };
        let a = analyze(payroll(None), None, &[2.0], false).unwrap();
        assert!(a.decomposition.is_none());
        // Label "b" has no rows left: the decomposition has the other two.
        let g = Groups {
            labels: vec!["a".into(), "b".into(), "c".into()],
            codes: vec![0, 2, 0, 2],
        };
        let a = analyze(payroll(Some(g)), None, &[2.0], false).unwrap();
        assert!(a.groups[1].summary.is_none());
        let d = a.decomposition.unwrap();
        assert_eq!(d.groups.len(), 2);
        assert_eq!(d.mld.map(|p| p.total), a.all.mld);
        assert_eq!(d.gini.total, a.all.gini);
        let shares: f64 = d.groups.iter().map(|g| g.population_share).sum();
        assert!((shares - 1.0).abs() < 1e-15);
    }

    #[test]
    fn charts_hold_the_largest_groups_and_the_whole_table() {
        let n = 40;
        let pay: Vec<f64> = (0..n).map(|i| 1.0 + i as f64).collect();
        // Group g has g + 1 rows (groups 0..8), so the largest six are 3..8.
        let mut codes = Vec::new();
        for g in 0..8u32 {
            codes.extend(std::iter::repeat_n(g, g as usize + 1));
        }
        codes.extend(std::iter::repeat_n(7, n - codes.len()));
        let payroll = Payroll {
            pay: pay.clone(),
            weight: None,
            groups: Some(Groups {
                labels: (0..8).map(|g| format!("g{g}")).collect(),
                codes,
            }),
            bonus: None,
            within: None,
            covariates: Vec::new(),
            rows_read: n,
            dropped_nonpositive: 0,
            kept_nonpositive: 0,
        };
        let a = analyze(payroll, Some(1.0), &[5.0], true).unwrap();
        let c = a.charts.unwrap();
        let drawn: Vec<usize> = c.group_lorenz.iter().map(|(i, _)| *i).collect();
        assert_eq!(drawn, vec![2, 3, 4, 5, 6, 7]);
        let s = Sample::new(pay, None).unwrap();
        assert_eq!(c.lorenz, s.lorenz_curve(LORENZ_POINTS));
        assert_eq!(c.histogram, s.histogram(1.0));
    }

    #[test]
    fn frequency_weights_without_ci_are_the_expanded_rows() {
        // `Options::weight_kind` (wages analyze --count): the corrected Gini's factor is
        // N / (N − 1) with N = Σ w without --ci too, and a fractional weight is refused.
        let payroll = |pay: Vec<f64>, weight: Option<Vec<f64>>| Payroll {
            rows_read: pay.len(),
            pay,
            weight,
            groups: None,
            bonus: None,
            within: None,
            covariates: Vec::new(),
            dropped_nonpositive: 0,
            kept_nonpositive: 0,
        };
        let options = Options {
            caps: &[2.0],
            weight_kind: WeightKind::Frequency,
            ..Options::default()
        };
        let table = payroll(vec![1.0, 2.0, 5.0], Some(vec![3.0, 1.0, 2.0]));
        let rows = payroll(vec![1.0, 1.0, 1.0, 2.0, 5.0, 5.0], None);
        let t = analyze_with(table, &options).unwrap().all;
        let r = analyze_with(rows, &Options::default()).unwrap().all;
        let (tc, rc) = (t.gini_corrected.unwrap(), r.gini_corrected.unwrap());
        assert!((tc - rc).abs() <= 1e-12 * rc, "{tc} vs {rc}");
        assert!((t.gini - r.gini).abs() <= 1e-12 * r.gini);
        let fractional = payroll(vec![1.0, 2.0], Some(vec![1.5, 1.0]));
        assert!(matches!(
            analyze_with(fractional, &options),
            Err(AnalyzeError::FractionalFrequencyWeight { row: 1, .. })
        ));
    }
}

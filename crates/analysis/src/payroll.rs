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
    /// `pay` is sorted already (in [`Sample::new`]'s order): no second sort.
    sorted: bool,
    /// `weight` counts identical rows of an unweighted table ([`analyze_by_group`]'s whole
    /// table): summarized as frequency weights, then reported as the rows they stand for.
    counted: bool,
}

impl Job {
    /// Sorted unweighted rows (with groups: a part of the decomposition).
    fn sorted(pay: Vec<f64>) -> Job {
        Job {
            pay,
            weight: None,
            units: None,
            lorenz: false,
            histogram: false,
            part: true,
            sorted: true,
            counted: false,
        }
    }
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
                sorted: false,
                counted: false,
            });
        }
    }
    let grouped = groups.is_some();
    drop(groups);
    let whole = Job {
        pay,
        weight,
        units: units.map(|u| u.to_vec()),
        lorenz: false,
        histogram: false,
        part: grouped,
        sorted: false,
        counted: false,
    };
    let meta = Meta {
        rows_read,
        dropped_nonpositive,
        kept_nonpositive,
        weighted,
        total_rows,
        kind,
    };
    finish(labels, jobs, whole, smallest, meta, options)
}

/// What [`finish`] reports of the rows besides their samples.
struct Meta {
    rows_read: usize,
    dropped_nonpositive: usize,
    kept_nonpositive: usize,
    weighted: bool,
    /// The iid design's number of rows (frequency weights: observations) of the whole table.
    total_rows: f64,
    kind: WeightKind,
}

/// The second half of [`analyze_with`] and [`analyze_by_group`]: the reference minimum, then
/// every sample summarized (`jobs` are the groups, in label order; `whole` the whole table),
/// the charts' curves and the decomposition.
fn finish(
    labels: Vec<String>,
    jobs: Vec<Job>,
    mut whole: Job,
    smallest: Option<f64>,
    meta: Meta,
    options: &Options,
) -> Result<Analysis, AnalyzeError> {
    let (minimum, caps, charts) = (options.minimum, options.caps, options.charts);
    let Meta {
        rows_read,
        dropped_nonpositive,
        kept_nonpositive,
        weighted,
        total_rows,
        kind,
    } = meta;
    let (minimum, minimum_source) = match minimum {
        Some(m) => (m, MinimumSource::Given),
        None => (
            smallest.unwrap_or_else(|| whole.pay.iter().copied().fold(f64::INFINITY, f64::min)),
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
    // The whole table last in `jobs`, so group i is job i. With zero or negative pay kept the
    // decomposition splits the indices still defined.
    whole.lorenz = charts;
    whole.histogram = charts;
    jobs.push(whole);
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

/// A summary of counted rows (frequency weights standing for an unweighted table) as the rows
/// themselves report it: `n` and each cap's `rows` are the counts.
fn as_rows(summary: &mut Summary) {
    summary.n = summary.weighted_n as usize;
    for cap in &mut summary.caps {
        cap.rows = cap.count as usize;
    }
}

/// An unweighted payroll read group by group (`wages_table::read_by_group`, which streams a
/// file): each group's pay in its own vector, rows in any order. Pay is validated as in a
/// [`Payroll`].
#[derive(Debug, Clone, PartialEq)]
pub struct PayByGroup {
    /// The group labels, sorted ascending, one per vector of `pay`; `None` without a group
    /// column (then `pay` holds one vector).
    pub labels: Option<Vec<String>>,
    /// Each group's pay.
    pub pay: Vec<Vec<f64>>,
    /// Data rows in the file.
    pub rows_read: usize,
    /// Rows excluded by `--nonpositive drop`.
    pub dropped_nonpositive: usize,
    /// Rows with zero or negative pay kept (`--nonpositive keep`).
    pub kept_nonpositive: usize,
}

impl PayByGroup {
    /// The same rows as a [`Payroll`] (groups in label order, rows in vector order).
    pub fn into_payroll(mut self) -> Payroll {
        let n = self.pay.iter().map(Vec::len).sum();
        let mut codes = Vec::with_capacity(if self.labels.is_some() { n } else { 0 });
        for (g, p) in self.pay.iter().enumerate() {
            if self.labels.is_some() {
                codes.extend(std::iter::repeat_n(g as u32, p.len()));
            }
        }
        // One vector (no groups) is moved, not copied.
        let pay = if self.pay.len() == 1 {
            self.pay.pop().unwrap_or_default()
        } else {
            self.pay.concat()
        };
        Payroll {
            pay,
            weight: None,
            groups: self.labels.map(|labels| Groups { labels, codes }),
            bonus: None,
            within: None,
            covariates: Vec::new(),
            rows_read: self.rows_read,
            dropped_nonpositive: self.dropped_nonpositive,
            kept_nonpositive: self.kept_nonpositive,
        }
    }
}

/// The whole table is summarized from its distinct values and their counts when there are at
/// most this fraction of distinct values per row: the counts (16 bytes per distinct value)
/// then take half the memory of a copy of the rows (8 bytes per row) or less.
const COUNTED_DISTINCT_FRACTION: f64 = 0.25;

/// [`analyze_with`] for a payroll read group by group, in bounded memory: each group is sorted
/// in place and summarized as it is (the same bits as [`analyze_with`] on the same rows), and
/// the whole table, instead of a second copy of every row, is the table of its distinct pay
/// values with their counts, merged from the sorted groups, summarized as frequency weights
/// (exact: the statistics of the rows, to the last bits of a sum) and reported as the rows
/// (`n` and the caps' `rows` are counts). When more than a quarter of the rows have a pay of
/// their own the counts would be no smaller, and below a million rows the copy is small: the whole
/// table is then the merged rows (the same bits as [`analyze_with`]).
///
/// Peak memory is the rows (8 bytes each) and the whole table's counts (16 bytes per distinct
/// value, at most 8 per row), or with pay of its own, twice the rows. Charts, a design and the bootstrap (which resamples rows) take
/// the rows of [`analyze_with`]; so does a payroll without groups (one sample, no merge).
pub fn analyze_by_group(input: PayByGroup, options: &Options) -> Result<Analysis, AnalyzeError> {
    by_group(input, options, COUNTED_MIN_ROWS)
}

/// Tables of fewer rows are merged as rows (a copy of a million rows is 8 MB), so that small
/// tables give the same bits as [`analyze_with`].
const COUNTED_MIN_ROWS: usize = 1 << 20;

/// [`analyze_by_group`], counting the whole table's values from `counted_min_rows` rows.
fn by_group(
    input: PayByGroup,
    options: &Options,
    counted_min_rows: usize,
) -> Result<Analysis, AnalyzeError> {
    let bootstrap = matches!(
        options.ci,
        Some(CiOptions {
            method: Method::Bootstrap { .. },
            ..
        })
    );
    let Some(labels) = input
        .labels
        .clone()
        .filter(|_| !(options.charts || options.design.is_some() || bootstrap))
    else {
        return analyze_with(input.into_payroll(), options);
    };
    let keep = input.kept_nonpositive > 0;
    let mut groups = input.pay;
    groups.par_iter_mut().with_max_len(1).for_each(|p| {
        if keep {
            p.sort_unstable_by(f64::total_cmp);
        } else {
            // Positive pay: the bits order as the numbers (as [`Sample::new`] sorts).
            p.sort_unstable_by_key(|x| x.to_bits());
        }
    });
    let rows: usize = groups.iter().map(Vec::len).sum();
    if rows == 0 {
        return Err(InequalityError::Empty.into());
    }
    let smallest = groups
        .iter()
        .filter_map(|p| p.first().copied())
        .fold(f64::INFINITY, f64::min);
    let limit = (rows as f64 * COUNTED_DISTINCT_FRACTION) as usize;
    let counted = (rows >= counted_min_rows)
        .then(|| merge_counted(&groups, limit))
        .flatten();
    let whole = match counted {
        Some((values, counts)) => Job {
            weight: Some(counts),
            counted: true,
            ..Job::sorted(values)
        },
        None => Job::sorted(merge_rows(&groups, rows)),
    };
    let jobs = groups.into_iter().map(Job::sorted).collect();
    let meta = Meta {
        rows_read: input.rows_read,
        dropped_nonpositive: input.dropped_nonpositive,
        kept_nonpositive: input.kept_nonpositive,
        weighted: false,
        total_rows: rows as f64,
        kind: options.ci.map_or(options.weight_kind, |c| c.weight_kind),
    };
    finish(labels, jobs, whole, Some(smallest), meta, options)
}

/// The sort key of a pay value: the order of `f64::total_cmp` as an integer.
#[inline]
fn order_key(x: f64) -> i64 {
    let bits = x.to_bits() as i64;
    bits ^ ((((bits >> 63) as u64) >> 1) as i64)
}

/// Cut points splitting the sorted `groups` into about `parts` ranges of values, each range
/// with its start index in every group: `ranges[r][g]`, the last range ending at each group's
/// end. Cut at values of the largest group (so each range holds a similar share of it).
fn value_ranges(groups: &[Vec<f64>], parts: usize) -> Vec<Vec<usize>> {
    let largest = groups.iter().max_by_key(|g| g.len()).expect("groups");
    let mut cuts: Vec<i64> = (1..parts)
        .map(|r| order_key(largest[r * largest.len() / parts]))
        .collect();
    cuts.dedup();
    let mut starts = vec![vec![0; groups.len()]];
    for &cut in &cuts {
        starts.push(
            groups
                .iter()
                .map(|g| g.partition_point(|&x| order_key(x) < cut))
                .collect(),
        );
    }
    starts.push(groups.iter().map(Vec::len).collect());
    starts
}

/// Copies the rows of the sorted `groups` between the indices `from` and `to` of each (one
/// range of values) into `dest`, and sorts them.
fn gather_sorted(groups: &[Vec<f64>], from: &[usize], to: &[usize], dest: &mut [f64]) {
    let mut at = 0;
    for (g, p) in groups.iter().enumerate() {
        let rows = &p[from[g]..to[g]];
        dest[at..at + rows.len()].copy_from_slice(rows);
        at += rows.len();
    }
    dest.sort_unstable_by_key(|&x| order_key(x));
}

/// Rows of one range of values.
fn range_rows(from: &[usize], to: &[usize]) -> usize {
    to.iter().zip(from).map(|(b, a)| b - a).sum()
}

/// The distinct values of the sorted `groups` and how many rows hold each, ascending; `None`
/// if there are more than `limit` (or, from a sixteenth of the rows on, twice as many per row
/// counted so far). Ranges of values are counted in parallel, each gathered and sorted in a
/// buffer of its own (about a sixteenth of the rows per thread), and the ranges not started
/// yet are skipped once counting stops.
fn merge_counted(groups: &[Vec<f64>], limit: usize) -> Option<(Vec<f64>, Vec<f64>)> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let ranges = value_ranges(groups, 16 * rayon::current_num_threads());
    let rows: usize = groups.iter().map(Vec::len).sum();
    // Distinct values found, and rows counted, so far.
    let (found, done) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let parts: Vec<Option<(Vec<f64>, Vec<f64>)>> = ranges
        .windows(2)
        .collect::<Vec<_>>()
        .into_par_iter()
        .with_max_len(1)
        .map(|w| {
            let (f, d) = (found.load(Ordering::Relaxed), done.load(Ordering::Relaxed));
            // Past the limit, or (after a sixteenth of the rows) at twice its rate: the rows
            // are merged instead, so stop counting. Only the choice depends on the estimate.
            let rate_limit = 2.0 * limit as f64 / rows as f64;
            if f > limit || (d >= rows / 16 && f as f64 > rate_limit * d as f64) {
                return None;
            }
            let mut rows = vec![0.0; range_rows(&w[0], &w[1])];
            gather_sorted(groups, &w[0], &w[1], &mut rows);
            let (mut values, mut counts): (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
            let mut start = 0;
            for end in 1..=rows.len() {
                if end == rows.len() || order_key(rows[end]) != order_key(rows[start]) {
                    values.push(rows[start]);
                    counts.push((end - start) as f64);
                    start = end;
                }
            }
            done.fetch_add(rows.len(), Ordering::Relaxed);
            drop(rows);
            if found.fetch_add(values.len(), Ordering::Relaxed) + values.len() > limit {
                return None;
            }
            values.shrink_to_fit();
            counts.shrink_to_fit();
            Some((values, counts))
        })
        .collect();
    let parts: Vec<(Vec<f64>, Vec<f64>)> = parts.into_iter().collect::<Option<_>>()?;
    // Each range's table is freed once copied: the untouched end of the joined vectors holds
    // no memory yet, so the two take about the table's size together, not twice it.
    let total = parts.iter().map(|p| p.0.len()).sum();
    let (mut values, mut counts) = (Vec::with_capacity(total), Vec::with_capacity(total));
    for (v, c) in parts {
        values.extend_from_slice(&v);
        counts.extend_from_slice(&c);
    }
    Some((values, counts))
}

/// Every row of the sorted `groups` (`rows` of them), merged into one sorted vector: each
/// range of values gathered into its place and sorted there, in parallel.
fn merge_rows(groups: &[Vec<f64>], rows: usize) -> Vec<f64> {
    let ranges = value_ranges(groups, 4 * rayon::current_num_threads());
    let mut out = vec![0.0; rows];
    let mut slots = Vec::with_capacity(ranges.len());
    let mut rest = out.as_mut_slice();
    for w in ranges.windows(2) {
        let (head, tail) = std::mem::take(&mut rest).split_at_mut(range_rows(&w[0], &w[1]));
        slots.push((w[0].as_slice(), w[1].as_slice(), head));
        rest = tail;
    }
    slots
        .into_par_iter()
        .with_max_len(1)
        .for_each(|(from, to, dest)| gather_sorted(groups, from, to, dest));
    out
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
            // Counts of identical rows are frequency weights of an unweighted table.
            let (kind, weighted) = if job.counted {
                (WeightKind::Frequency, true)
            } else {
                (settings.kind, settings.weighted)
            };
            let (s, units) = match job.units {
                None if job.sorted && keep => (
                    Sample::from_sorted_keeping_nonpositive(job.pay, job.weight)?,
                    None,
                ),
                None if job.sorted => (Sample::from_sorted(job.pay, job.weight)?, None),
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
            apply_weight_kind(&mut summary, kind, weighted);
            let ci = settings.ci.map(|ci| CiOptions {
                weight_kind: kind,
                ..ci
            });
            let uncertainty = match &ci {
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
            let part = part.then(|| DecompositionPart::from_summary(&s, &summary));
            if job.counted {
                as_rows(&mut summary);
            }
            Ok(JobOut {
                uncertainty,
                part,
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

    /// Relative 1e-12 (absolute 1e-15 near zero): the counted whole table sums `count · x`
    /// over distinct values where the rows sum `x` one at a time.
    fn assert_close_json(path: &str, a: &serde_json::Value, b: &serde_json::Value) {
        use serde_json::Value;
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                assert_eq!(x.len(), y.len(), "{path}");
                for (k, u) in x {
                    assert_close_json(&format!("{path}.{k}"), u, &y[k]);
                }
            }
            (Value::Array(x), Value::Array(y)) => {
                assert_eq!(x.len(), y.len(), "{path}");
                for (i, (u, v)) in x.iter().zip(y).enumerate() {
                    assert_close_json(&format!("{path}[{i}]"), u, v);
                }
            }
            (Value::Number(x), Value::Number(y)) => {
                let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                let close = x == y
                    || (x - y).abs() <= 1e-12 * x.abs().max(y.abs())
                    || (x - y).abs() <= 1e-15;
                assert!(close, "{path}: {x} vs {y}");
            }
            _ => assert_eq!(a, b, "{path}"),
        }
    }

    /// The reported figures of an analysis, as JSON.
    fn reported(a: &Analysis) -> serde_json::Value {
        serde_json::json!({
            "rows_read": a.rows_read,
            "dropped": a.dropped_nonpositive,
            "kept": a.kept_nonpositive,
            "minimum": a.minimum,
            "weighted": a.weighted,
            "all": a.all,
            "groups": a.groups.iter().map(|g| (&g.label, &g.summary, &g.uncertainty)).collect::<Vec<_>>(),
            "decomposition": a.decomposition,
            "uncertainty": a.uncertainty,
        })
    }

    /// `rows` rows in `groups` groups (a fixed linear congruential sequence), pay rounded to
    /// `step` (ties within and across groups), or not rounded with `step` 0.
    fn payroll_by_group(rows: usize, groups: usize, step: f64, nonpositive: bool) -> PayByGroup {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut pay = vec![Vec::new(); groups];
        for _ in 0..rows {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            let g = (state >> 7) as usize % groups;
            let x = 1000.0 * (1.0 + g as f64 * 0.3) * (-2.0 * (1.0 - u).ln()).exp().min(1e3);
            let x = if step > 0.0 {
                (x / step).round() * step
            } else {
                x
            };
            let x = if nonpositive && state.is_multiple_of(97) {
                -x / 10.0
            } else {
                x
            };
            pay[g].push(x);
        }
        let kept = pay.iter().flatten().filter(|&&x| x <= 0.0).count();
        PayByGroup {
            labels: Some((0..groups).map(|g| format!("g{g}")).collect()),
            pay,
            rows_read: rows,
            dropped_nonpositive: 0,
            kept_nonpositive: kept,
        }
    }

    #[test]
    fn by_group_equals_the_rows() {
        let caps = [5.0, 8.0];
        let ci = CiOptions {
            level: 0.95,
            method: Method::Linearised,
            weight_kind: WeightKind::Sampling,
        };
        // Rounded pay (the whole table counted: fewer distinct values than half the rows),
        // pay of its own (the whole table merged as rows: the same bits), zero and negative
        // pay kept, with and without --ci, on pools of 1 and 3 threads.
        for (step, nonpositive, counted) in [
            (100.0, false, true),
            (0.0, false, false),
            (50.0, true, true),
        ] {
            let input = payroll_by_group(20_000, 5, step, nonpositive);
            let merged = {
                let mut g = input.pay.clone();
                g.iter_mut()
                    .for_each(|p| p.sort_unstable_by(f64::total_cmp));
                merge_counted(&g, (20_000.0 * COUNTED_DISTINCT_FRACTION) as usize).is_some()
            };
            assert_eq!(merged, counted, "step {step}");
            for ci in [None, Some(ci)] {
                let options = Options {
                    caps: &caps,
                    ci,
                    ..Options::default()
                };
                let rows = analyze_with(input.clone().into_payroll(), &options).unwrap();
                for threads in [1, 3] {
                    let pool = rayon::ThreadPoolBuilder::new()
                        .num_threads(threads)
                        .build()
                        .unwrap();
                    let grouped = pool
                        .install(|| by_group(input.clone(), &options, 0))
                        .unwrap();
                    let (a, b) = (reported(&grouped), reported(&rows));
                    if counted {
                        assert_close_json("", &a, &b);
                        // The groups are summarized from their own rows: the same bits.
                        assert_eq!(a["groups"], b["groups"]);
                    } else {
                        assert_eq!(a, b);
                    }
                }
            }
        }
    }

    #[test]
    fn merges_count_each_distinct_value_once() {
        let groups = vec![
            vec![1.0, 1.0, 2.0, 5.0],
            vec![],
            vec![0.5, 2.0, 2.0, 2.0, 9.0],
            vec![5.0],
        ];
        // 0.5 once, 1 twice, 2 four times (across groups), 5 twice, 9 once.
        let (values, counts) = merge_counted(&groups, 10).unwrap();
        assert_eq!(values, [0.5, 1.0, 2.0, 5.0, 9.0]);
        assert_eq!(counts, [1.0, 2.0, 4.0, 2.0, 1.0]);
        assert!(merge_counted(&groups, 4).is_none());
        assert_eq!(
            merge_rows(&groups, 10),
            [0.5, 1.0, 1.0, 2.0, 2.0, 2.0, 2.0, 5.0, 5.0, 9.0]
        );
    }

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

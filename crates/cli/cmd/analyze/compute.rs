//! Grouping, parallel summaries and the progress indicator of `wages analyze`.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use wages_analysis::inequality::{InequalityError, Sample, Summary};
use wages_table::Payroll;

/// Where the reference minimum came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MinimumSource {
    /// `--minimum`.
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
}

/// Why the statistics cannot be computed.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    /// From the statistics core.
    #[error(transparent)]
    Inequality(#[from] InequalityError),
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
    /// Each group, in label order (empty without `--group`).
    pub groups: Vec<GroupSummary>,
    /// What `--chart` draws (`None` without it: nothing extra is computed).
    pub charts: Option<ChartData>,
}

/// At most this many groups get their own Lorenz curve (the largest by weighted count); more
/// lines than the palette has colours would be unreadable.
pub const MAX_LORENZ_GROUPS: usize = 6;

/// Most points of a Lorenz curve: a sample with more rows is evaluated on an even grid of this
/// many shares of people (finer than a pixel at any chart size `--chart-width` allows).
const LORENZ_POINTS: usize = 2000;

/// The curves `--chart` draws, computed from each sorted [`Sample`] while it exists.
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

/// People (weighted) per log-spaced bin of pay / minimum.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    /// Bin edges in multiples of the minimum, ascending; `counts.len() + 1` of them. Bin `j` is
    /// `[edges[j], edges[j + 1])`.
    pub edges: Vec<f64>,
    /// Weighted count in each bin (0 for an empty bin).
    pub counts: Vec<f64>,
    /// Bins per decade: edges are `10^(k / per_decade)`.
    pub per_decade: u32,
}

/// The Lorenz curve of `s`: every vertex `(C_i / W, P_i / S)` (cumulative weight and pay of the
/// `i` lowest-paid rows) for up to `max_points` rows, else the curve at `max_points` even steps
/// of the share of people, with the row at each boundary counted fractionally (the same value as
/// [`Sample::lorenz`], but all points in one pass over the sorted pay).
pub fn lorenz_curve(s: &Sample, max_points: usize) -> Vec<(f64, f64)> {
    let pay = s.pay();
    // Scale pay and weights by their maxima so the sums neither overflow nor underflow.
    let px = 1.0 / s.max();
    let wmax = s
        .weights()
        .map(|w| w.iter().copied().fold(0.0, f64::max))
        .unwrap_or(1.0);
    let wx = 1.0 / wmax;
    let weight = |i: usize| s.weights().map_or(1.0, |w| w[i] * wx);
    let (mut total_w, mut total_p) = (0.0, 0.0);
    for (i, &x) in pay.iter().enumerate() {
        let w = weight(i);
        total_w += w;
        total_p += w * x * px;
    }
    let mut out = Vec::with_capacity(pay.len().min(max_points) + 2);
    out.push((0.0, 0.0));
    let (mut cw, mut cp) = (0.0, 0.0);
    if pay.len() <= max_points {
        for (i, &x) in pay.iter().enumerate() {
            let w = weight(i);
            cw += w;
            cp += w * x * px;
            out.push(((cw / total_w).min(1.0), (cp / total_p).min(1.0)));
        }
    } else {
        let mut j = 1;
        for (i, &x) in pay.iter().enumerate() {
            let w = weight(i);
            let x = x * px;
            while j < max_points && (j as f64 / max_points as f64) * total_w <= cw + w {
                let target = j as f64 / max_points as f64 * total_w;
                let held = cp + x * (target - cw).max(0.0);
                out.push((
                    j as f64 / max_points as f64,
                    (held / total_p).clamp(0.0, 1.0),
                ));
                j += 1;
            }
            cw += w;
            cp += w * x;
        }
        // Grid points that rounding left past the last row hold all the pay.
        out.extend((j..max_points).map(|j| (j as f64 / max_points as f64, 1.0)));
    }
    if let Some(last) = out.last_mut() {
        if last.0 >= 1.0 - 1e-12 {
            *last = (1.0, 1.0);
        } else {
            out.push((1.0, 1.0));
        }
    }
    out
}

/// People (weighted) per log-spaced bin of `pay / minimum`. Bins per decade are chosen for about
/// `sqrt(n)` bins, between 8 and 40 over the data's range (4, 5, 10, 20 or 40 per decade); edges are powers
/// `10^(k / per_decade)`, so a decade boundary (1x, 10x, 100x) is always an edge. Uses the sorted
/// pay: O(bins log n) unweighted, one pass over the weights otherwise.
pub fn histogram(s: &Sample, minimum: f64) -> Histogram {
    let pay = s.pay();
    let (lo, hi) = (s.min() / minimum, s.max() / minimum);
    let decades = (hi / lo).log10();
    let target = (s.n() as f64).sqrt().clamp(8.0, 40.0);
    // The nearest of 4, 5, 10, 20, 40 bins per decade (in log terms) to the target count.
    let want = (target / decades.max(1e-9)).clamp(4.0, 40.0);
    let per_decade = [4u32, 5, 10, 20, 40]
        .into_iter()
        .min_by(|a, b| {
            let d = |k: u32| (want / k as f64).ln().abs();
            d(*a).total_cmp(&d(*b))
        })
        .unwrap_or(10);
    let pd = per_decade as f64;
    let edge = |k: i64| 10f64.powf(k as f64 / pd);
    let mut k0 = (lo.log10() * pd).floor() as i64;
    while edge(k0) > lo {
        k0 -= 1;
    }
    let mut k1 = (hi.log10() * pd).floor() as i64 + 1;
    while edge(k1) <= hi {
        k1 += 1;
    }
    let edges: Vec<f64> = (k0..=k1).map(edge).collect();
    // Row index where each bin starts: the first row whose multiple reaches the edge.
    let starts: Vec<usize> = edges
        .iter()
        .map(|&e| pay.partition_point(|&x| x / minimum < e))
        .collect();
    let counts = starts
        .windows(2)
        .map(|r| match s.weights() {
            None => (r[1] - r[0]) as f64,
            Some(w) => w[r[0]..r[1]].iter().sum(),
        })
        .collect();
    Histogram {
        edges,
        counts,
        per_decade,
    }
}

/// One sample to summarize: its pay and weights (moved into the `Sample`).
struct Job {
    pay: Vec<f64>,
    weight: Option<Vec<f64>>,
    /// Compute its Lorenz curve (`--chart`, and the whole table or one of the largest groups).
    lorenz: bool,
    /// Compute its histogram of multiples (`--chart`, whole table).
    histogram: bool,
}

/// What one job yields.
struct JobOut {
    summary: Summary,
    lorenz: Option<Vec<(f64, f64)>>,
    histogram: Option<Histogram>,
}

/// Below this many rows [`partition`] runs on one thread: spawning costs more than it saves.
const PARALLEL_PARTITION_ROWS: usize = 1 << 17;

/// One group's pay and weights.
type Part = (Vec<f64>, Option<Vec<f64>>);

/// A stretch of one group's pay and weights, filled by one thread.
type Stretch<'a> = (&'a mut [f64], Option<&'a mut [f64]>);

/// Splits rows by group code: each group's pay (and weights) in a vector of exactly the right
/// size, rows in file order; also returns the smallest pay (`f64::min` over all rows).
///
/// The rows are cut into one contiguous range per thread; each range's rows of a group fill the
/// next stretch of that group's vectors. The copy is cheap, the first touch of the fresh vectors
/// (page faults) is not, and this way both cores take their share of it.
pub fn partition(
    pay: &[f64],
    weight: Option<&[f64]>,
    codes: &[u32],
    groups: usize,
) -> (Vec<Part>, f64) {
    let threads = if pay.len() < PARALLEL_PARTITION_ROWS {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |t| t.get())
    };
    let chunk = pay.len().div_ceil(threads).max(1);
    let count = |codes: &[u32]| {
        let mut n = vec![0usize; groups];
        for &c in codes {
            n[c as usize] += 1;
        }
        n
    };
    let counts: Vec<Vec<usize>> = std::thread::scope(|s| {
        let mut ranges = codes.chunks(chunk);
        let first = ranges.next();
        let rest: Vec<_> = ranges.map(|c| s.spawn(move || count(c))).collect();
        std::iter::once(first.map_or_else(|| vec![0; groups], count))
            .chain(
                rest.into_iter()
                    .map(|h| h.join().expect("counting thread panicked")),
            )
            .collect()
    });
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
    let min = std::thread::scope(|s| {
        let mut jobs = dests.into_iter().enumerate().map(|(t, dest)| {
            let rows = t * chunk..((t + 1) * chunk).min(pay.len());
            let w = weight.map(|w| &w[rows.clone()]);
            let (pay, codes) = (&pay[rows.clone()], &codes[rows]);
            move || scatter(pay, w, codes, dest)
        });
        let first = jobs.next();
        let rest: Vec<_> = jobs.map(|j| s.spawn(j)).collect();
        rest.into_iter()
            .map(|h| h.join().expect("partition thread panicked"))
            .fold(first.map_or(f64::INFINITY, |j| j()), f64::min)
    });
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

/// Computes the whole-table and per-group summaries. Samples are sorted and summarized on up to
/// `available_parallelism` scoped threads, largest first (the whole table is one job, each group
/// another).
pub fn analyze(
    payroll: Payroll,
    minimum: Option<f64>,
    caps: &[f64],
    chart: bool,
) -> Result<Analysis, AnalyzeError> {
    let Payroll {
        pay,
        weight,
        groups,
        rows_read,
        dropped_nonpositive,
    } = payroll;
    let weighted = weight.is_some();
    let mut labels = Vec::new();
    let mut jobs = Vec::new();
    let mut smallest = None;
    if let Some(g) = &groups {
        let (parts, min) = partition(&pay, weight.as_deref(), &g.codes, g.labels.len());
        smallest = Some(min);
        for (label, (p, w)) in g.labels.iter().zip(parts) {
            labels.push(label.clone());
            jobs.push(Job {
                pay: p,
                weight: w,
                lorenz: false,
                histogram: false,
            });
        }
    }
    drop(groups);
    let (minimum, minimum_source) = match minimum {
        Some(m) => (m, MinimumSource::Given),
        None => (
            smallest.unwrap_or_else(|| pay.iter().copied().fold(f64::INFINITY, f64::min)),
            MinimumSource::SmallestPay,
        ),
    };
    // Without --minimum the threshold k x (smallest pay) can still overflow: never print an
    // infinite threshold.
    if let Some(&k) = caps.iter().find(|&&k| !(k * minimum).is_finite()) {
        return Err(AnalyzeError::InfiniteThreshold { k, minimum });
    }
    // A group with no row left (all dropped by --drop-nonpositive) is reported as empty; the
    // others are summarized. `kept[j]` is the group of job j.
    let kept: Vec<usize> = (0..jobs.len())
        .filter(|&i| !jobs[i].pay.is_empty())
        .collect();
    let mut jobs: Vec<Job> = jobs.into_iter().filter(|j| !j.pay.is_empty()).collect();
    if chart {
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
        lorenz: chart,
        histogram: chart,
    });
    let mut results = summarize_all(jobs, minimum, caps)?;
    let whole = results.pop().ok_or(InequalityError::Empty)?;
    let all = whole.summary;
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
    let mut summaries: Vec<Option<Summary>> = vec![None; labels.len()];
    for (j, r) in results.into_iter().enumerate() {
        summaries[kept[j]] = Some(r.summary);
    }
    Ok(Analysis {
        charts,
        rows_read,
        dropped_nonpositive,
        minimum,
        minimum_source,
        weighted,
        all,
        groups: labels
            .into_iter()
            .zip(summaries)
            .map(|(label, summary)| GroupSummary { label, summary })
            .collect(),
    })
}

fn summarize_all(
    jobs: Vec<Job>,
    minimum: f64,
    caps: &[f64],
) -> Result<Vec<JobOut>, InequalityError> {
    let n = jobs.len();
    // Largest jobs first, so two threads finish close together.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(jobs[i].pay.len()));
    let slots: Vec<Mutex<Option<Job>>> = jobs.into_iter().map(|j| Mutex::new(Some(j))).collect();
    let results: Vec<Mutex<Option<Result<JobOut, InequalityError>>>> =
        (0..n).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map(|t| t.get())
        .unwrap_or(1)
        .min(n)
        .max(1);
    let work = || loop {
        let k = next.fetch_add(1, Ordering::Relaxed);
        let Some(&i) = order.get(k) else { break };
        let job = slots[i].lock().map(|mut s| s.take()).ok().flatten();
        let Some(job) = job else { continue };
        let (lorenz, histogram) = (job.lorenz, job.histogram);
        let r = Sample::new(job.pay, job.weight).and_then(|s| {
            Ok(JobOut {
                summary: s.try_summary(minimum, caps)?,
                lorenz: lorenz.then(|| lorenz_curve(&s, LORENZ_POINTS)),
                histogram: histogram.then(|| self::histogram(&s, minimum)),
            })
        });
        if let Ok(mut slot) = results[i].lock() {
            *slot = Some(r);
        }
    };
    std::thread::scope(|s| {
        for _ in 1..threads {
            s.spawn(work);
        }
        work();
    });
    results
        .into_iter()
        .map(|m| {
            m.into_inner()
                .ok()
                .flatten()
                .unwrap_or(Err(InequalityError::Empty))
        })
        .collect()
}

/// A spinner on stderr that appears only after a second of work, and only when stderr is a
/// terminal; silent in pipes, files and tests.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Starts timing; nothing is drawn yet.
    pub fn start(_file: &Path) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        let b = bar.clone();
        // Reveal the spinner after one second unless the work is done by then.
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(1));
            if !b.is_finished() {
                b.set_draw_target(ProgressDrawTarget::stderr());
                b.enable_steady_tick(Duration::from_millis(120));
            }
        });
        Progress { bar: Some(bar) }
    }

    /// Sets the current stage.
    pub fn say(&self, msg: String) {
        if let Some(b) = &self.bar {
            b.set_message(msg);
        }
    }

    /// Clears the spinner.
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
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
        // Enough rows for one range per thread: the same vectors, in file order.
        let n = PARALLEL_PARTITION_ROWS * 3 + 7;
        let pay: Vec<f64> = (0..n).map(|i| (i % 1000) as f64 + 0.5).collect();
        let codes: Vec<u32> = (0..n).map(|i| ((i * 7) % 5) as u32).collect();
        let (p, min) = partition(&pay, Some(&pay), &codes, 5);
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

    #[test]
    fn groups_and_whole_table_agree_with_direct_samples() {
        let payroll = Payroll {
            pay: vec![3.0, 1.0, 4.0, 1.5, 9.0, 2.0],
            weight: None,
            groups: Some(wages_table::Groups {
                labels: vec!["a".into(), "b".into()],
                codes: vec![0, 1, 0, 1, 0, 1],
            }),
            rows_read: 6,
            dropped_nonpositive: 0,
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
    }

    fn pseudo_random(n: usize, seed: u64) -> Vec<f64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((x >> 11) as f64 / (1u64 << 53) as f64 * 6.0).exp()
            })
            .collect()
    }

    #[test]
    fn lorenz_curve_agrees_with_sample_lorenz() {
        let pay = pseudo_random(5000, 1);
        let w: Vec<f64> = pseudo_random(5000, 2)
            .iter()
            .map(|v| v.ln() + 0.5)
            .collect();
        for weights in [None, Some(w)] {
            let s = Sample::new(pay.clone(), weights).unwrap();
            // On the grid (more rows than points) and at every vertex (fewer).
            for points in [100, 10_000] {
                let c = lorenz_curve(&s, points);
                assert_eq!(c.first(), Some(&(0.0, 0.0)));
                assert_eq!(c.last(), Some(&(1.0, 1.0)));
                assert!(c.windows(2).all(|p| p[1].0 >= p[0].0 && p[1].1 >= p[0].1));
                for &(q, l) in &c {
                    assert!((l - s.lorenz(q.min(1.0))).abs() < 1e-9, "q {q}: {l}");
                }
            }
            assert_eq!(lorenz_curve(&s, 100).len(), 101);
        }
    }

    #[test]
    fn histogram_bins_hold_every_row_once() {
        let pay = pseudo_random(3000, 3);
        let s = Sample::new(pay.clone(), None).unwrap();
        let h = histogram(&s, 1.0);
        assert_eq!(h.counts.len() + 1, h.edges.len());
        assert_eq!(h.counts.iter().sum::<f64>(), 3000.0);
        assert!(h.edges[0] <= s.min() && *h.edges.last().unwrap() > s.max());
        let j = 7;
        let direct = pay
            .iter()
            .filter(|&&x| x >= h.edges[j] && x < h.edges[j + 1])
            .count();
        assert_eq!(h.counts[j], direct as f64);
        // Weighted: the weights are summed; one pay value makes one bin.
        let s = Sample::new(vec![5.0; 4], Some(vec![1.0, 2.0, 3.0, 0.5])).unwrap();
        let h = histogram(&s, 2.0);
        assert_eq!(h.counts.iter().filter(|&&c| c > 0.0).count(), 1);
        assert_eq!(h.counts.iter().sum::<f64>(), 6.5);
    }
}

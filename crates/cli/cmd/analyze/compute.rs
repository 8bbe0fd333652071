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
    /// Its statistics.
    pub summary: Summary,
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
}

/// One sample to summarize: its pay and weights (moved into the `Sample`).
struct Job {
    pay: Vec<f64>,
    weight: Option<Vec<f64>>,
}

/// Splits rows by group code in one counting pass: each group's pay (and weights) in a vector of
/// exactly the right size, rows in file order.
pub fn partition(
    pay: &[f64],
    weight: Option<&[f64]>,
    codes: &[u32],
    groups: usize,
) -> Vec<(Vec<f64>, Option<Vec<f64>>)> {
    let mut counts = vec![0usize; groups];
    for &c in codes {
        counts[c as usize] += 1;
    }
    let mut out: Vec<(Vec<f64>, Option<Vec<f64>>)> = counts
        .iter()
        .map(|&n| (Vec::with_capacity(n), weight.map(|_| Vec::with_capacity(n))))
        .collect();
    match weight {
        None => {
            for (&x, &c) in pay.iter().zip(codes) {
                out[c as usize].0.push(x);
            }
        }
        Some(w) => {
            for ((&x, &wt), &c) in pay.iter().zip(w).zip(codes) {
                let g = &mut out[c as usize];
                g.0.push(x);
                if let Some(gw) = &mut g.1 {
                    gw.push(wt);
                }
            }
        }
    }
    out
}

/// Computes the whole-table and per-group summaries. Samples are sorted and summarized on up to
/// `available_parallelism` scoped threads, largest first (the whole table is one job, each group
/// another).
pub fn analyze(
    payroll: Payroll,
    minimum: Option<f64>,
    caps: &[f64],
) -> Result<Analysis, InequalityError> {
    let Payroll {
        pay,
        weight,
        groups,
        rows_read,
        dropped_nonpositive,
    } = payroll;
    let (minimum, minimum_source) = match minimum {
        Some(m) => (m, MinimumSource::Given),
        None => (
            pay.iter().copied().fold(f64::INFINITY, f64::min),
            MinimumSource::SmallestPay,
        ),
    };
    let weighted = weight.is_some();
    let mut labels = Vec::new();
    let mut jobs = Vec::new();
    if let Some(g) = &groups {
        for (label, (p, w)) in
            g.labels
                .iter()
                .zip(partition(&pay, weight.as_deref(), &g.codes, g.labels.len()))
        {
            labels.push(label.clone());
            jobs.push(Job { pay: p, weight: w });
        }
    }
    drop(groups);
    // The whole table last in `jobs`, so group i is job i.
    jobs.push(Job { pay, weight });
    let mut results = summarize_all(jobs, minimum, caps)?;
    let all = results.pop().ok_or(InequalityError::Empty)?;
    Ok(Analysis {
        rows_read,
        dropped_nonpositive,
        minimum,
        minimum_source,
        weighted,
        all,
        groups: labels
            .into_iter()
            .zip(results)
            .map(|(label, summary)| GroupSummary { label, summary })
            .collect(),
    })
}

fn summarize_all(
    jobs: Vec<Job>,
    minimum: f64,
    caps: &[f64],
) -> Result<Vec<Summary>, InequalityError> {
    let n = jobs.len();
    // Largest jobs first, so two threads finish close together.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(jobs[i].pay.len()));
    let slots: Vec<Mutex<Option<Job>>> = jobs.into_iter().map(|j| Mutex::new(Some(j))).collect();
    let results: Vec<Mutex<Option<Result<Summary, InequalityError>>>> =
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
        let r = Sample::new(job.pay, job.weight).and_then(|s| s.try_summary(minimum, caps));
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
        let p = partition(&pay, Some(&w), &codes, 3);
        assert_eq!(p[0], (vec![2.0, 5.0], Some(vec![20.0, 50.0])));
        assert_eq!(p[1], (vec![1.0, 3.0], Some(vec![10.0, 30.0])));
        assert_eq!(p[2], (vec![4.0], Some(vec![40.0])));
        let p = partition(&pay, None, &codes, 3);
        assert_eq!(p[1], (vec![1.0, 3.0], None));
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
        let a = analyze(payroll, None, &[2.0]).unwrap();
        assert_eq!(a.minimum, 1.0);
        assert_eq!(a.minimum_source, MinimumSource::SmallestPay);
        let direct = |v: Vec<f64>| Sample::new(v, None).unwrap().summary(1.0, &[2.0]);
        assert_eq!(a.all, direct(vec![3.0, 1.0, 4.0, 1.5, 9.0, 2.0]));
        assert_eq!(a.groups[0].label, "a");
        assert_eq!(a.groups[0].summary, direct(vec![3.0, 4.0, 9.0]));
        assert_eq!(a.groups[1].summary, direct(vec![1.0, 1.5, 2.0]));
    }
}

//! Pay gaps between groups, as the pay-gap rules define them: what `wages gap` reports.
//!
//! # Measures
//!
//! Each group of the `by` column is compared with one **reference** group `r` (given, or by
//! default the group with the highest mean pay). For a statistic `s` (mean, median, a
//! quantile) of group `g`:
//!
//! | measure | formula | rule |
//! |---|---|---|
//! | gap | `(s_r − s_g) / s_r × 100` | UK SI 2017/172 regs 8-9 (mean, median hourly pay); EU Directive 2023/970 Art. 3(1)(c), Art. 9(1)(a), (c) |
//! | ratio | `s_g / s_r` | the same comparison as a ratio |
//! | gap at `P10 … P90` | the gap of the quantiles `Q_g(p)` and `Q_r(p)` | where along the distribution the gap sits |
//! | bonus gap | the gap of the mean (median) bonus over those paid a bonus (bonus > 0) | UK regs 10-11; EU Art. 9(1)(b), (d) |
//! | proportion paid a bonus | `W_g(bonus > 0) / W_g` | UK reg. 12; EU Art. 9(1)(e) |
//! | quartile pay bands | each group's share of four equal bands of the ranked pay ([`bands`]) | UK reg. 13; EU Art. 9(1)(f) |
//! | gap by category | the mean and median gap of pay and of bonus within each category of `within` | EU Art. 9(1)(g) |
//! | Article 10 flag | `|mean gap| ≥ 5` in a category | EU Art. 10(1)(a): the threshold for a joint pay assessment, not a finding |
//! | pay ratio | `x / median of everyone else` ("X to 1") | US Reg. S-K Item 402(u) |
//!
//! Means are weighted, `Σ w_i x_i / Σ w_i` (R `weighted.mean`, as `laeken::gpg` takes them);
//! quantiles follow [`Sample::quantile`] (R `quantile(type = 2)` unweighted, the same rule on
//! cumulative weights when weighted). With weights every measure is that of the weighted
//! empirical distribution, so frequency and sampling weights give the same values.
//!
//! # Work
//!
//! Rows are split once into *cells*, one per (category, group) (one per group without
//! `within`), and each cell is sorted once, in parallel ([`ranked`]). A group's figures read
//! the union of its cells, the bands read the union of all cells, a category's figures read
//! its own cells: no row is sorted twice.

pub(crate) mod bands;
pub(crate) mod ranked;

pub use bands::{Band, BAND_NAMES};

use crate::inequality::{InequalityError, Sample};
use crate::payroll::{partition, Groups, Payroll};
use ranked::{Ranked, Union};
use rayon::prelude::*;
use serde::Serialize;

/// The quantile levels of the percentile gap curve: P5, P10, …, P95.
pub const CURVE_LEVELS: [f64; 19] = [
    0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80,
    0.85, 0.90, 0.95,
];

/// The quantiles whose gaps the tables show: P10, P25, P75, P90 (the median has its own row).
pub const SHOWN_LEVELS: [f64; 4] = [0.10, 0.25, 0.75, 0.90];

/// A group with fewer rows than this is reported with a warning: its figures rest on a few
/// people.
pub const SMALL_GROUP: usize = 10;

/// The mean gap, in percent, at or beyond which a category of workers meets the Directive's
/// Article 10(1)(a) condition for a joint pay assessment.
pub const ARTICLE_10_THRESHOLD: f64 = 5.0;

/// What to compute, beyond the columns.
#[derive(Debug, Clone, Default)]
pub struct GapOptions<'a> {
    /// The reference group's label; `None`: the group with the highest mean pay.
    pub reference: Option<&'a str>,
    /// A group (of exactly one row) whose pay is set against the median of everyone else.
    pub ratio_of: Option<&'a str>,
}

/// How the reference group was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceChoice {
    /// Named by the caller.
    Given,
    /// The group with the highest mean pay (the first in label order if two tie).
    HighestMean,
}

/// Why the gaps cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GapError {
    /// No grouping.
    #[error("no groups: a gap needs a column of group labels")]
    NoGroups,
    /// Only one group.
    #[error("every row is in group {label:?}; a gap needs at least two groups")]
    OneGroup {
        /// The one label.
        label: String,
    },
    /// A group with no rows left.
    #[error("group {label:?} has no rows left after the rows with zero or negative pay were dropped; a gap needs pay in every group")]
    EmptyGroup {
        /// The group.
        label: String,
    },
    /// The reference group is not a label of the column.
    #[error(
        "there is no group {label:?}; the groups are: {}; name one of them",
        shown(labels)
    )]
    NoSuchReference {
        /// What was asked for.
        label: String,
        /// The labels there are.
        labels: Vec<String>,
    },
    /// The pay-ratio group is not a label.
    #[error(
        "--ratio-of {label:?}: there is no group {label:?}; the groups are: {}",
        shown(labels)
    )]
    NoSuchRatioGroup {
        /// What was asked for.
        label: String,
        /// The labels there are.
        labels: Vec<String>,
    },
    /// The pay-ratio group holds more than one row.
    #[error("--ratio-of {label:?}: the group holds {n} rows; the pay ratio sets one person's pay against everyone else's median, so name a group of one row (for example by giving that person their own label)")]
    RatioGroupNotOne {
        /// The group.
        label: String,
        /// Its rows.
        n: usize,
    },
    /// From the statistics core.
    #[error(transparent)]
    Inequality(#[from] InequalityError),
}

/// Labels as a message lists them: quoted, at most 20.
fn shown(labels: &[String]) -> String {
    let mut s: Vec<String> = labels.iter().take(20).map(|l| format!("{l:?}")).collect();
    if labels.len() > 20 {
        s.push(format!("and {} more", labels.len() - 20));
    }
    s.join(", ")
}

/// One group's own figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupPay {
    /// The label.
    pub label: String,
    /// Rows.
    pub n: usize,
    /// Total weight (`n` unweighted).
    pub weighted_n: f64,
    /// Weighted mean pay.
    pub mean: f64,
    /// Median pay.
    pub median: f64,
    /// Quantiles at [`CURVE_LEVELS`].
    pub quantiles: Vec<f64>,
    /// Bonus figures (with a bonus column).
    pub bonus: Option<GroupBonus>,
}

/// One group's bonus figures, over those paid a bonus (bonus > 0).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupBonus {
    /// Rows paid a bonus.
    pub paid_n: usize,
    /// Their weight.
    pub paid_weighted_n: f64,
    /// `paid_weighted_n / weighted_n` of the group.
    pub proportion_paid: f64,
    /// Mean bonus of those paid one (`None` if nobody was).
    pub mean: Option<f64>,
    /// Median bonus of those paid one.
    pub median: Option<f64>,
}

/// One group set against the reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupGap {
    /// Index of the group in [`Gaps::groups`].
    pub group: usize,
    /// Mean gap, %.
    pub mean_gap: f64,
    /// Median gap, %.
    pub median_gap: f64,
    /// Mean of the group / mean of the reference.
    pub mean_ratio: f64,
    /// Median of the group / median of the reference.
    pub median_ratio: f64,
    /// Gaps at [`CURVE_LEVELS`], %.
    pub quantile_gaps: Vec<f64>,
    /// Mean bonus gap, %, over those paid a bonus (`None` if either group has nobody paid one).
    pub bonus_mean_gap: Option<f64>,
    /// Median bonus gap, %.
    pub bonus_median_gap: Option<f64>,
}

/// One group's figures within one category.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellPay {
    /// Rows.
    pub n: usize,
    /// Weight.
    pub weighted_n: f64,
    /// Mean pay (`None` if the group has no rows in the category).
    pub mean: Option<f64>,
    /// Median pay.
    pub median: Option<f64>,
    /// Mean bonus of those paid one.
    pub bonus_mean: Option<f64>,
    /// Median bonus of those paid one.
    pub bonus_median: Option<f64>,
}

/// One group against the reference within one category.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellGap {
    /// Index of the group in [`Gaps::groups`].
    pub group: usize,
    /// Mean gap of pay, % (`None` if either group has no rows in the category).
    pub mean_gap: Option<f64>,
    /// Median gap of pay, %.
    pub median_gap: Option<f64>,
    /// Mean bonus gap, % (`None` unless both groups have people paid a bonus there).
    pub bonus_mean_gap: Option<f64>,
    /// Median bonus gap, %.
    pub bonus_median_gap: Option<f64>,
    /// `|mean_gap| ≥ 5`: the Article 10(1)(a) condition for a joint pay assessment.
    pub article_10: bool,
}

/// One category of workers (`within`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Category {
    /// The label.
    pub label: String,
    /// Each group's figures, in group order.
    pub groups: Vec<CellPay>,
    /// Each non-reference group against the reference.
    pub gaps: Vec<CellGap>,
}

/// One person's pay against the median of everyone else (`--ratio-of`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PayRatio {
    /// The group of one.
    pub label: String,
    /// Their pay.
    pub pay: f64,
    /// The (weighted) median pay of every other row.
    pub median_of_others: f64,
    /// `pay / median_of_others`: "ratio to 1".
    pub ratio: f64,
}

/// Something the reader of the figures must know.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GapWarning {
    /// A group with fewer than [`SMALL_GROUP`] rows.
    SmallGroup {
        /// The group.
        label: String,
        /// Its rows.
        n: usize,
    },
    /// Cells (category, group) with fewer than [`SMALL_GROUP`] rows, counted.
    SmallCells {
        /// How many cells.
        cells: usize,
        /// The first few, as (category, group, rows).
        first: Vec<(String, String, usize)>,
    },
}

/// Everything `wages gap` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gaps {
    /// Data rows in the file.
    pub rows_read: usize,
    /// Rows left out for zero or negative pay.
    pub dropped_nonpositive: usize,
    /// Whether weights were used.
    pub weighted: bool,
    /// Index of the reference group in `groups`.
    pub reference: usize,
    /// How it was chosen.
    pub reference_choice: ReferenceChoice,
    /// Each group, in label order.
    pub groups: Vec<GroupPay>,
    /// Each other group against the reference, in label order.
    pub gaps: Vec<GroupGap>,
    /// The quartile pay bands of everyone.
    pub bands: [Band; 4],
    /// Categories of workers, with `within`.
    pub categories: Option<Vec<Category>>,
    /// The pay ratio, with `ratio_of`.
    pub ratio: Option<PayRatio>,
    /// What the reader must know.
    pub warnings: Vec<GapWarning>,
}

/// `(s_r − s_g) / s_r × 100`.
pub fn gap_percent(reference: f64, other: f64) -> f64 {
    (reference - other) / reference * 100.0
}

/// One cell's pay and weights, as [`partition`] gives them.
type Part = (Vec<f64>, Option<Vec<f64>>);

/// Sorts every part into a [`Ranked`] cell, in parallel, largest first; empty parts stay
/// `None`.
fn rank_all(parts: Vec<Part>) -> Result<Vec<Option<Ranked>>, GapError> {
    let mut jobs: Vec<(usize, Part)> = parts.into_iter().enumerate().collect();
    jobs.sort_by_key(|(_, (pay, _))| std::cmp::Reverse(pay.len()));
    let mut done: Vec<(usize, Option<Ranked>)> = jobs
        .into_par_iter()
        .map(|(i, (pay, w))| {
            if pay.is_empty() {
                Ok((i, None))
            } else {
                Sample::new(pay, w).map(|s| (i, Some(Ranked::new(s))))
            }
        })
        .collect::<Result<_, InequalityError>>()?;
    done.sort_by_key(|(i, _)| *i);
    Ok(done.into_iter().map(|(_, r)| r).collect())
}

/// The cells, flattened: `cells` holds the non-empty ones, `index[c]` the position in `cells`
/// of cell `c` (`None` if empty).
struct Cells {
    cells: Vec<Ranked>,
    index: Vec<Option<usize>>,
}

impl Cells {
    fn new(ranked: Vec<Option<Ranked>>) -> Cells {
        let mut cells = Vec::new();
        let index = ranked
            .into_iter()
            .map(|r| {
                r.map(|r| {
                    cells.push(r);
                    cells.len() - 1
                })
            })
            .collect();
        Cells { cells, index }
    }
    /// The non-empty cells among `ids`.
    fn members(&self, ids: impl Iterator<Item = usize>) -> Vec<usize> {
        ids.filter_map(|c| self.index[c]).collect()
    }
}

/// Computes every measure of `payroll` (its `groups` are the `by` column; `within` and
/// `bonus` are optional), as the module docs define them.
pub fn gaps(payroll: Payroll, options: &GapOptions) -> Result<Gaps, GapError> {
    let Payroll {
        pay,
        weight,
        groups,
        bonus,
        within,
        rows_read,
        dropped_nonpositive,
        ..
    } = payroll;
    let groups = groups.ok_or(GapError::NoGroups)?;
    let labels = groups.labels.clone();
    let g_count = labels.len();
    if g_count < 2 {
        return Err(GapError::OneGroup {
            label: labels.first().cloned().unwrap_or_default(),
        });
    }
    let c_count = within.as_ref().map_or(1, |w| w.labels.len().max(1));
    // Cell of a row: category × groups + group (without categories, the group codes as they are).
    let cell_codes: std::borrow::Cow<[u32]> = match &within {
        Some(w) => groups
            .codes
            .par_iter()
            .zip(&w.codes)
            .map(|(&g, &c)| c * g_count as u32 + g)
            .collect::<Vec<u32>>()
            .into(),
        None => groups.codes.as_slice().into(),
    };
    let n_cells = g_count * c_count;
    let weighted = weight.is_some();
    // Bonus cells: the same cells, over the rows paid a bonus only (the others go to one extra
    // part, dropped).
    let bonus_parts = bonus.as_ref().map(|b| {
        let codes: Vec<u32> = cell_codes
            .par_iter()
            .zip(b)
            .map(|(&c, &x)| if x > 0.0 { c } else { n_cells as u32 })
            .collect();
        let (mut parts, _) = partition(b, weight.as_deref(), &codes, n_cells + 1);
        parts.pop();
        parts
    });
    drop(bonus);
    let (parts, _) = partition(&pay, weight.as_deref(), &cell_codes, n_cells);
    drop((pay, weight, cell_codes));
    let pay_cells = Cells::new(rank_all(parts)?);
    let bonus_cells = match bonus_parts {
        Some(p) => Some(Cells::new(rank_all(p)?)),
        None => None,
    };
    let group_members =
        |cells: &Cells, g: usize| cells.members((0..c_count).map(|c| c * g_count + g));
    let pay_members: Vec<Vec<usize>> = (0..g_count).map(|g| group_members(&pay_cells, g)).collect();
    if let Some(g) = pay_members.iter().position(Vec::is_empty) {
        return Err(GapError::EmptyGroup {
            label: labels[g].clone(),
        });
    }
    let bonus_members: Option<Vec<Vec<usize>>> = bonus_cells
        .as_ref()
        .map(|b| (0..g_count).map(|g| group_members(b, g)).collect());
    let unions: Vec<Union> = pay_members
        .iter()
        .map(|m| Union::new(&pay_cells.cells, m))
        .collect();

    let mut group_pay: Vec<GroupPay> = (0..g_count)
        .map(|g| {
            let u = &unions[g];
            GroupPay {
                label: labels[g].clone(),
                n: u.n(),
                weighted_n: u.weighted_n(),
                mean: u.mean(),
                median: u.quantile(0.5),
                quantiles: CURVE_LEVELS.iter().map(|&p| u.quantile(p)).collect(),
                bonus: None,
            }
        })
        .collect();
    if let (Some(cells), Some(members)) = (&bonus_cells, &bonus_members) {
        for (g, m) in members.iter().enumerate() {
            let u = Union::new(&cells.cells, m);
            let paid = u.weighted_n();
            group_pay[g].bonus = Some(GroupBonus {
                paid_n: u.n(),
                paid_weighted_n: paid,
                proportion_paid: paid / group_pay[g].weighted_n,
                mean: (!u.is_empty()).then(|| u.mean()),
                median: (!u.is_empty()).then(|| u.quantile(0.5)),
            });
        }
    }

    let (reference, reference_choice) = match options.reference {
        Some(label) => (
            labels
                .iter()
                .position(|l| l == label)
                .ok_or_else(|| GapError::NoSuchReference {
                    label: label.to_string(),
                    labels: labels.clone(),
                })?,
            ReferenceChoice::Given,
        ),
        None => {
            let mut best = 0;
            for (g, p) in group_pay.iter().enumerate() {
                if p.mean > group_pay[best].mean {
                    best = g;
                }
            }
            (best, ReferenceChoice::HighestMean)
        }
    };
    let r = &group_pay[reference];
    let bonus_gap = |g: &GroupPay, pick: fn(&GroupBonus) -> Option<f64>| {
        let (rb, gb) = (r.bonus.as_ref()?, g.bonus.as_ref()?);
        Some(gap_percent(pick(rb)?, pick(gb)?))
    };
    let gaps: Vec<GroupGap> = group_pay
        .iter()
        .enumerate()
        .filter(|(g, _)| *g != reference)
        .map(|(g, p)| GroupGap {
            group: g,
            mean_gap: gap_percent(r.mean, p.mean),
            median_gap: gap_percent(r.median, p.median),
            mean_ratio: p.mean / r.mean,
            median_ratio: p.median / r.median,
            quantile_gaps: r
                .quantiles
                .iter()
                .zip(&p.quantiles)
                .map(|(&a, &b)| gap_percent(a, b))
                .collect(),
            bonus_mean_gap: bonus_gap(p, |b| b.mean),
            bonus_median_gap: bonus_gap(p, |b| b.median),
        })
        .collect();

    let all_members: Vec<usize> = (0..pay_cells.cells.len()).collect();
    let everyone = Union::new(&pay_cells.cells, &all_members);
    let bands = bands::quartile_bands(&everyone, &unions);

    let mut warnings = Vec::new();
    for p in &group_pay {
        if p.n < SMALL_GROUP {
            warnings.push(GapWarning::SmallGroup {
                label: p.label.clone(),
                n: p.n,
            });
        }
    }

    let categories = within.as_ref().map(|w| {
        let mut small = Vec::new();
        let mut small_count = 0;
        let cats: Vec<Category> = w
            .labels
            .iter()
            .enumerate()
            .map(|(c, label)| {
                let cell = |g: usize| pay_cells.index[c * g_count + g].map(|i| &pay_cells.cells[i]);
                let bonus_cell = |g: usize| {
                    bonus_cells
                        .as_ref()
                        .and_then(|b| b.index[c * g_count + g].map(|i| &b.cells[i]))
                };
                let figures: Vec<CellPay> = (0..g_count)
                    .map(|g| {
                        let s = cell(g);
                        let b = bonus_cell(g);
                        CellPay {
                            n: s.map_or(0, |s| s.sample().n()),
                            weighted_n: s.map_or(0.0, Ranked::total),
                            mean: s.map(|s| s.sample().mean()),
                            median: s.map(|s| s.quantile(0.5)),
                            bonus_mean: b.map(|b| b.sample().mean()),
                            bonus_median: b.map(|b| b.quantile(0.5)),
                        }
                    })
                    .collect();
                for (g, f) in figures.iter().enumerate() {
                    if f.n > 0 && f.n < SMALL_GROUP {
                        small_count += 1;
                        if small.len() < 5 {
                            small.push((label.clone(), labels[g].clone(), f.n));
                        }
                    }
                }
                let rf = &figures[reference];
                let of = |a: Option<f64>, b: Option<f64>| Some(gap_percent(a?, b?));
                let gaps = (0..g_count)
                    .filter(|&g| g != reference)
                    .map(|g| {
                        let f = &figures[g];
                        let mean_gap = of(rf.mean, f.mean);
                        CellGap {
                            group: g,
                            mean_gap,
                            median_gap: of(rf.median, f.median),
                            bonus_mean_gap: of(rf.bonus_mean, f.bonus_mean),
                            bonus_median_gap: of(rf.bonus_median, f.bonus_median),
                            article_10: mean_gap.is_some_and(|m| m.abs() >= ARTICLE_10_THRESHOLD),
                        }
                    })
                    .collect();
                Category {
                    label: label.clone(),
                    groups: figures,
                    gaps,
                }
            })
            .collect();
        if small_count > 0 {
            warnings.push(GapWarning::SmallCells {
                cells: small_count,
                first: small,
            });
        }
        cats
    });

    let ratio = match options.ratio_of {
        None => None,
        Some(label) => {
            let g = labels.iter().position(|l| l == label).ok_or_else(|| {
                GapError::NoSuchRatioGroup {
                    label: label.to_string(),
                    labels: labels.clone(),
                }
            })?;
            let n = unions[g].n();
            if n != 1 {
                return Err(GapError::RatioGroupNotOne {
                    label: label.to_string(),
                    n,
                });
            }
            let others: Vec<usize> = pay_members
                .iter()
                .enumerate()
                .filter(|(h, _)| *h != g)
                .flat_map(|(_, m)| m.iter().copied())
                .collect();
            let median = Union::new(&pay_cells.cells, &others).quantile(0.5);
            let pay = unions[g].min();
            Some(PayRatio {
                label: label.to_string(),
                pay,
                median_of_others: median,
                ratio: pay / median,
            })
        }
    };

    Ok(Gaps {
        rows_read,
        dropped_nonpositive,
        weighted,
        reference,
        reference_choice,
        groups: group_pay,
        gaps,
        bands,
        categories,
        ratio,
        warnings,
    })
}

/// Group labels and codes, for tests and callers that build a [`Payroll`] by hand.
pub fn groups_from_labels(rows: &[&str]) -> Groups {
    let mut labels: Vec<String> = rows.iter().map(|s| s.to_string()).collect();
    labels.sort();
    labels.dedup();
    let codes = rows
        .iter()
        .map(|r| labels.iter().position(|l| l == r).expect("a label of rows") as u32)
        .collect();
    Groups { labels, codes }
}

#[cfg(test)]
mod tests;

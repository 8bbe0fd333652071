//! Subgroup decompositions of inequality: how much lies within groups and how much between them
//! (`wages analyze --group`).
//!
//! Build one [`Part`] per group and one for the whole table (from each sorted [`Sample`], or
//! from its [`Summary`] plus one cheap pass), then [`decompose`] them. The decomposition itself
//! works on the parts only: O(K log K) for K groups, whatever the number of rows.
//!
//! # Notation
//!
//! Group `k` has total weight `W_k` (of `W = Σ W_k`) and mean `μ_k`; the whole table has mean
//! `μ = Σ v_k μ_k`. Then the **population share** is `v_k = W_k / W`, the **income share**
//! `s_k = v_k μ_k / μ`, and the **relative mean** `λ_k = μ_k / μ` (so `s_k = v_k λ_k`).
//! `GE_k(α)`, `A_k(ε)` and `G_k` are group `k`'s own indices (see [`crate::inequality`]), and
//! `Yede_k(ε) = μ_k (1 − A_k(ε))` its equally-distributed-equivalent income.
//!
//! # The decompositions and the references they match
//!
//! | index | within | between | identity |
//! |---|---|---|---|
//! | GE(α), α = −1, 0, 1, 2 | `Σ_k v_k^(1−α) s_k^α GE_k(α) = Σ_k v_k λ_k^α GE_k(α)`; α = 0: `Σ v_k GE_k(0)`; α = 1: `Σ s_k GE_k(1)` | GE(α) of the smoothed distribution (everyone given their group's mean): `Σ_k v_k (λ_k^α − 1) / (α (α − 1))`, α = 0: `−Σ v_k ln λ_k`, α = 1: `Σ v_k λ_k ln λ_k` | `GE = within + between` |
//! | Atkinson A(ε), ε = ½, 1, 2 | `A_W = Σ_k s_k A_k(ε) = 1 − Σ_k v_k Yede_k(ε) / μ` | `A_B = 1 − Yede(ε) / Σ_k v_k Yede_k(ε)`, with `Yede(ε) = μ (1 − A(ε))` of the whole table | `1 − A = (1 − A_W)(1 − A_B)` |
//! | Gini G | `G_W = Σ_k v_k s_k G_k` | `G_B` = the Gini of the group means weighted by `W_k` (everyone given their group's mean) | `G = G_W + G_B + overlap` |
//!
//! * **GE**: Stata `ineqdeco` (Jenkins 1999, STB-48 sg104; Shorrocks 1980, 1984), which
//!   reports GE(−1), GE(0) (the mean log deviation), GE(1) (Theil T) and GE(2) (half the
//!   squared coefficient of variation). The decomposition is exact: no residual.
//! * **Atkinson**: as `ineqdeco` computes it (ineqdeco.ado 2.0.2, after Blackorby, Donaldson
//!   and Auersperg 1981, eqn 17). Both parts rest on the groups' equally-distributed-equivalent
//!   incomes, not on their means: `A_B` is the Atkinson index of the distribution in which
//!   everyone gets their group's `Yede_k` (whose own `Yede` is the whole table's), so it
//!   counts both the gaps between the group means and the gaps between how unequal the groups
//!   are. The parts combine by multiplication; `between_share` for the Atkinson rows is
//!   therefore `ln(1 − A_B) / ln(1 − A)`, the share that adds up (`ln(1 − A) = ln(1 − A_W) +
//!   ln(1 − A_B)`).
//! * **Gini**: R `dineq::gini_decomp` (Mookherjee and Shorrocks 1982; the Pyatt, Bhattacharya
//!   and Mahalanobis form): within and between as above and `overlap = G − G_W − G_B`, the part
//!   due to groups whose pay ranges overlap (zero when they do not; never negative except by
//!   rounding). The Gini is `dineq::gini.wtd`, equal to [`Sample::gini`].
//!
//! For GE(α) and the Gini `between_share` is `between / total`. Shares are `None` when the total
//! is zero (everyone paid the same).
//!
//! # Accuracy
//!
//! The between terms are summed in their deviation forms, exact zero for a group at the mean:
//! `λ − 1 − ln λ` (α = 0), `λ ln λ − λ + 1` (α = 1), `(λ − 1)² / (2λ)` (α = −1) and
//! `(λ − 1)² / 2` (α = 2), with `λ − 1 = (μ_k − μ) / μ` computed as a difference of means, so
//! a small between part keeps its relative accuracy. One group gives `between = 0` exactly and
//! `within = total`. The totals are the whole table's own indices (the ones [`Summary`]
//! reports), computed on its rows, so `within + between = total` holds to rounding (about
//! 1e-15 relative), not by construction.
//!
//! Policy on pay: as [`crate::inequality`]. With zero and negative pay kept
//! ([`Sample::new_keeping_nonpositive`], `--nonpositive keep`) only the indices defined for
//! every group and the whole table are split: the Gini and GE(2) always (they need only a
//! positive mean, which every sample has), Atkinson ½ when no pay is negative; GE(−1), GE(0),
//! GE(1) and Atkinson 1 and 2 (which take `ln r` or `1 / r`) are `None`. Weights are sampling or
//! frequency weights, used everywhere.

use crate::inequality::{Sample, Summary};
use serde::Serialize;
use thiserror::Error;

/// What a decomposition needs of one sample (a group, or the whole table): its total weight,
/// its mean and its own indices. Built from the sample itself ([`Part::of`]) or from the
/// sample and its summary ([`Part::from_summary`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Part {
    weighted_n: f64,
    mean: f64,
    /// GE(−1), GE(0), GE(1); `None` where not defined (zero or negative pay kept).
    ge: [Option<f64>; 3],
    /// GE(2), defined for every sample (it needs only a positive mean).
    ge_2: f64,
    /// Atkinson ε = ½, 1, 2; `None` where not defined.
    atkinson: [Option<f64>; 3],
    gini: f64,
}

impl Part {
    /// Every figure computed from `sample` (several passes: use [`Part::from_summary`] when the
    /// summary is at hand).
    pub fn of(sample: &Sample) -> Part {
        let (ge_m1, ge_2) = ge_tails(sample);
        if sample.has_nonpositive() {
            // Only what needs no logarithm or reciprocal of pay (and √ only of pay ≥ 0).
            return Part {
                weighted_n: sample.weighted_n(),
                mean: sample.mean(),
                ge: [None, None, None],
                ge_2,
                atkinson: [
                    (sample.min() >= 0.0).then(|| sample.atkinson(0.5)),
                    None,
                    None,
                ],
                gini: sample.gini(),
            };
        }
        Part {
            weighted_n: sample.weighted_n(),
            mean: sample.mean(),
            ge: [Some(ge_m1), Some(sample.mld()), Some(sample.theil_t())],
            ge_2,
            atkinson: [0.5, 1.0, 2.0].map(|e| Some(sample.atkinson(e))),
            gini: sample.gini(),
        }
    }

    /// The figures `summary` already holds (weighted n, mean, GE(0), GE(1), the Atkinson indices
    /// and the Gini), and GE(−1) and GE(2) from one pass over `sample` ([`ge_tails`]).
    /// `summary` must be `sample`'s own ([`Sample::summary`]).
    pub fn from_summary(sample: &Sample, summary: &Summary) -> Part {
        debug_assert_eq!(summary.n, sample.n(), "the summary is not this sample's");
        let (ge_m1, ge_2) = ge_tails(sample);
        Part {
            weighted_n: summary.weighted_n,
            mean: summary.mean,
            // The summary's indices are `None` where zero or negative pay leaves them undefined;
            // GE(−1) (a reciprocal of pay) is then undefined too.
            ge: [
                (!sample.has_nonpositive()).then_some(ge_m1),
                summary.mld,
                summary.theil_t,
            ],
            ge_2,
            atkinson: [summary.atkinson_0_5, summary.atkinson_1, summary.atkinson_2],
            gini: summary.gini,
        }
    }

    /// Total weight `W_k` (`n` unweighted).
    pub fn weighted_n(&self) -> f64 {
        self.weighted_n
    }

    /// Mean `μ_k`.
    pub fn mean(&self) -> f64 {
        self.mean
    }
}

/// GE(−1) and GE(2) of `sample` in one pass without transcendental functions:
/// `GE(−1) = E[(r − 1)² / r] / 2` and `GE(2) = E[(r − 1)²] / 2` (half the squared coefficient
/// of variation), `r = x / μ`: the deviation forms of `(E[r^α] − 1) / (α (α − 1))`, equal because
/// `E[r] = 1`, every term non-negative. They equal [`Sample::generalized_entropy`] at −1 and 2
/// (Stata `ineqdeco`'s GE(−1) and GE(2)). With zero or negative pay kept GE(−1) is not defined
/// (the first value is then meaningless: [`Part`] leaves it out); GE(2) is.
pub fn ge_tails(sample: &Sample) -> (f64, f64) {
    let inv_mean = 1.0 / sample.mean();
    let (mut s_m1, mut s_2) = (0.0, 0.0);
    match sample.weights() {
        None => {
            for &x in sample.pay() {
                let r = x * inv_mean;
                let d2 = (r - 1.0) * (r - 1.0);
                s_2 += d2;
                s_m1 += d2 / r;
            }
            let n = sample.n() as f64;
            ((s_m1 / n / 2.0).max(0.0), (s_2 / n / 2.0).max(0.0))
        }
        Some(w) => {
            // Weights as shares of the total, so that w (r − 1)² cannot overflow.
            let total = sample.weighted_n();
            for (&x, &w) in sample.pay().iter().zip(w) {
                let r = x * inv_mean;
                let t = (w / total) * (r - 1.0) * (r - 1.0);
                s_2 += t;
                s_m1 += t / r;
            }
            ((s_m1 / 2.0).max(0.0), (s_2 / 2.0).max(0.0))
        }
    }
}

/// Why a decomposition could not be computed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum DecomposeError {
    /// No group was given.
    #[error("no groups: a decomposition needs at least one group with rows")]
    NoGroups,

    /// The groups do not add up to the whole table (their total weight or total pay differs
    /// from its own by more than a relative 1e-9): the parts are not of one partition.
    #[error(
        "the groups do not add up to the whole table (total weight {groups_weight} against \
         {total_weight}, mean {groups_mean} against {total_mean})"
    )]
    NotAPartition {
        /// `Σ W_k`.
        groups_weight: f64,
        /// The whole table's `W`.
        total_weight: f64,
        /// `Σ W_k μ_k / Σ W_k`.
        groups_mean: f64,
        /// The whole table's `μ`.
        total_mean: f64,
    },
}

/// One index split into its parts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Parts {
    /// The index of the whole table.
    pub total: f64,
    /// The within-group part.
    pub within: f64,
    /// The between-group part.
    pub between: f64,
    /// The Gini's overlap (residual) part, `total − within − between`; `None` for the other
    /// indices, which have none (not serialized then).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overlap: Option<f64>,
    /// The between part's share of the total: `between / total`, and for the Atkinson indices
    /// `ln(1 − between) / ln(1 − total)`; `None` (`null`) when the total is zero.
    pub between_share: Option<f64>,
}

/// One group's place in the decomposition.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GroupShare {
    /// `v_k = W_k / W`.
    pub population_share: f64,
    /// `s_k = v_k μ_k / μ`: the group's share of total pay.
    pub income_share: f64,
    /// `λ_k = μ_k / μ`.
    pub relative_mean: f64,
    /// The group's own GE(−1) (its GE(0), GE(1), Atkinson and Gini are in its summary);
    /// `None` (`null`) with zero or negative pay kept.
    pub ge_m1: Option<f64>,
    /// The group's own GE(2).
    pub ge_2: f64,
}

/// Every decomposition of [`decompose`]. Serialized with these field names (the JSON keys of
/// `wages analyze --group`'s `decomposition`, which adds the group labels). An index is `None`
/// (`null`) when it is not defined for some group or the whole table (zero or negative pay
/// kept; see the [module docs](self)); with positive pay every one is `Some`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decomposition {
    /// GE(−1).
    pub ge_m1: Option<Parts>,
    /// GE(0), the mean log deviation.
    pub mld: Option<Parts>,
    /// GE(1), Theil T.
    pub theil_t: Option<Parts>,
    /// GE(2), half the squared coefficient of variation.
    pub ge_2: Parts,
    /// Atkinson ε = ½.
    pub atkinson_0_5: Option<Parts>,
    /// Atkinson ε = 1.
    pub atkinson_1: Option<Parts>,
    /// Atkinson ε = 2.
    pub atkinson_2: Option<Parts>,
    /// Gini, with its overlap.
    pub gini: Parts,
    /// One entry per group, in the order given.
    pub groups: Vec<GroupShare>,
}

/// Splits the inequality of `total` (the whole table) into within-group and between-group
/// parts, for GE(−1), GE(0), GE(1), GE(2), Atkinson ε = ½, 1, 2 and the Gini; see the
/// [module docs](self) for the formulas and the references they match (Stata `ineqdeco`, R
/// `dineq::gini_decomp`). `groups` are the parts of a partition of `total`'s rows, each with
/// rows; the output lists them in the same order.
///
/// Errors: [`DecomposeError::NoGroups`]; [`DecomposeError::NotAPartition`] when the groups'
/// total weight or total pay is not the whole table's (to a relative 1e-9).
///
/// # Examples
///
/// Two groups, the second paid exactly twice the first: the groups are equally unequal, so the
/// mean log deviation within them is theirs, and between them it is that of the two means,
/// 2 and 4 around 3, `−(ln(2/3) + ln(4/3)) / 2 = ln(9/8) / 2`.
///
/// ```
/// use wages_analysis::decompose::{decompose, Part};
/// use wages_analysis::inequality::Sample;
///
/// let low = Sample::new(vec![1.0, 2.0, 3.0], None).unwrap();
/// let high = Sample::new(vec![2.0, 4.0, 6.0], None).unwrap();
/// let all = Sample::new(vec![1.0, 2.0, 3.0, 2.0, 4.0, 6.0], None).unwrap();
/// let d = decompose(&[Part::of(&low), Part::of(&high)], &Part::of(&all)).unwrap();
///
/// let mld = d.mld.unwrap(); // defined: all pay is positive
/// assert!((mld.between - (9.0f64 / 8.0).ln() / 2.0).abs() < 1e-15);
/// assert!((mld.within - low.mld()).abs() < 1e-15);
/// assert!((mld.within + mld.between - mld.total).abs() < 1e-15);
/// // The Atkinson parts multiply: 1 − A = (1 − A_W)(1 − A_B).
/// let a = d.atkinson_1.unwrap();
/// assert!(((1.0 - a.within) * (1.0 - a.between) - (1.0 - a.total)).abs() < 1e-15);
/// // The pay ranges overlap (2 and 3 are in both), so the Gini has an overlap part.
/// assert!(d.gini.overlap.unwrap() > 0.0);
/// assert_eq!(d.groups[1].relative_mean, 4.0 / 3.0);
/// ```
pub fn decompose(groups: &[Part], total: &Part) -> Result<Decomposition, DecomposeError> {
    if groups.is_empty() {
        return Err(DecomposeError::NoGroups);
    }
    // Population shares v_k (summed in order, then used relative to their own sum, so that
    // they add up to 1 however the weights round) and the mean μ = Σ v_k μ_k.
    let sum_w: f64 = groups.iter().map(|p| p.weighted_n).sum();
    let v: Vec<f64> = groups.iter().map(|p| p.weighted_n / sum_w).collect();
    let mu: f64 = groups.iter().zip(&v).map(|(p, v)| v * p.mean).sum();
    let agrees = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs());
    if !(agrees(sum_w, total.weighted_n) && agrees(mu, total.mean)) {
        return Err(DecomposeError::NotAPartition {
            groups_weight: sum_w,
            total_weight: total.weighted_n,
            groups_mean: mu,
            total_mean: total.mean,
        });
    }
    // λ_k = μ_k / μ and d_k = λ_k − 1, as a difference of means (exactly 0 at the mean).
    let lambda: Vec<f64> = groups.iter().map(|p| p.mean / mu).collect();
    let dev: Vec<f64> = groups.iter().map(|p| (p.mean - mu) / mu).collect();
    let sum = |f: &dyn Fn(usize) -> f64| (0..groups.len()).map(f).sum::<f64>();

    // An index is split only if the whole table and every group have it (zero or negative
    // pay kept leaves some undefined): then `own[k]` is group k's.
    let defined = |of: &dyn Fn(&Part) -> Option<f64>| -> Option<(f64, Vec<f64>)> {
        let own: Option<Vec<f64>> = groups.iter().map(of).collect();
        Some((of(total)?, own?))
    };
    // GE: within Σ v_k λ_k^α GE_k(α); between in deviation form.
    let split = |(ge, own): (f64, Vec<f64>),
                 lambda_pow: &dyn Fn(f64) -> f64,
                 dev_term: &dyn Fn(f64) -> f64| {
        let within = sum(&|k| v[k] * lambda_pow(lambda[k]) * own[k]);
        let between = sum(&|k| v[k] * dev_term(dev[k])).max(0.0);
        additive(ge, within, between, None)
    };
    let ge_parts = |j: usize, lambda_pow: &dyn Fn(f64) -> f64, dev_term: &dyn Fn(f64) -> f64| {
        defined(&|p: &Part| p.ge[j]).map(|d| split(d, lambda_pow, dev_term))
    };
    let ge_m1 = ge_parts(0, &|l| 1.0 / l, &|d| d * d / (2.0 * (1.0 + d)));
    let mld = ge_parts(1, &|_| 1.0, &|d| d - d.ln_1p());
    let theil_t = ge_parts(2, &|l| l, &|d| (1.0 + d) * d.ln_1p() - d);
    // GE(2) needs only positive means, which every part has.
    let own_ge_2 = groups.iter().map(|p| p.ge_2).collect();
    let ge_2 = split((total.ge_2, own_ge_2), &|l| l * l, &|d| d * d / 2.0);

    // Atkinson (ineqdeco): A_W = Σ s_k A_k; A_B = 1 − Yede / Σ v_k Yede_k, which with
    // Yede = μ (1 − A) and Σ v_k Yede_k = μ (1 − A_W) is (A − A_W) / (1 − A_W).
    let atkinson = |j: usize| {
        let (a, own) = defined(&|p: &Part| p.atkinson[j])?;
        let within = sum(&|k| v[k] * lambda[k] * own[k]).clamp(0.0, 1.0);
        let between = ((a - within) / (1.0 - within)).clamp(0.0, 1.0);
        let share = (a > 0.0).then(|| (-between).ln_1p() / (-a).ln_1p());
        Some(Parts {
            total: a,
            within,
            between,
            overlap: None,
            between_share: share,
        })
    };

    // Gini: within Σ v_k s_k G_k; between the Gini of the group means weighted by v_k, in one
    // pass over the groups sorted by mean, Σ v_k λ_k (C_{k−1} + C_k − V) / V with C the
    // cumulative shares and V = Σ v_k.
    let gini_within = sum(&|k| v[k] * v[k] * lambda[k] * groups[k].gini);
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|&a, &b| lambda[a].total_cmp(&lambda[b]).then(a.cmp(&b)));
    let total_v: f64 = v.iter().sum();
    let (mut cum, mut num) = (0.0, 0.0);
    for &k in &order {
        let next = cum + v[k];
        num += v[k] * lambda[k] * (cum + next - total_v);
        cum = next;
    }
    let gini_between = (num / (total_v * total_v)).clamp(0.0, 1.0);
    let gini = additive(
        total.gini,
        gini_within,
        gini_between,
        Some(total.gini - gini_within - gini_between),
    );

    Ok(Decomposition {
        ge_m1,
        mld,
        theil_t,
        ge_2,
        atkinson_0_5: atkinson(0),
        atkinson_1: atkinson(1),
        atkinson_2: atkinson(2),
        gini,
        groups: (0..groups.len())
            .map(|k| GroupShare {
                population_share: v[k],
                income_share: v[k] * lambda[k],
                relative_mean: lambda[k],
                ge_m1: groups[k].ge[0],
                ge_2: groups[k].ge_2,
            })
            .collect(),
    })
}

/// Parts of an additive decomposition, `between_share = between / total`.
fn additive(total: f64, within: f64, between: f64, overlap: Option<f64>) -> Parts {
    Parts {
        total,
        within,
        between,
        overlap,
        between_share: (total > 0.0).then(|| between / total),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples(groups: &[Vec<(f64, f64)>]) -> (Vec<Sample>, Sample) {
        let split = |rows: &[(f64, f64)]| -> (Vec<f64>, Vec<f64>) { rows.iter().copied().unzip() };
        let parts = groups
            .iter()
            .map(|g| {
                let (x, w) = split(g);
                Sample::new(x, Some(w)).unwrap()
            })
            .collect();
        let (x, w) = split(&groups.concat());
        (parts, Sample::new(x, Some(w)).unwrap())
    }

    #[test]
    fn ge_tails_match_generalized_entropy() {
        let (_, s) = samples(&[vec![(1.5, 2.0), (3.0, 0.5), (7.25, 1.0), (40.0, 0.125)]]);
        let (m1, two) = ge_tails(&s);
        assert!((m1 - s.generalized_entropy(-1.0)).abs() < 1e-14);
        assert!((two - s.generalized_entropy(2.0)).abs() < 1e-14);
        let u = Sample::new(vec![1.0, 2.0, 3.0, 10.0], None).unwrap();
        let (m1, two) = ge_tails(&u);
        assert!((m1 - u.generalized_entropy(-1.0)).abs() < 1e-14);
        assert!((two - u.generalized_entropy(2.0)).abs() < 1e-14);
    }

    #[test]
    fn from_summary_equals_of() {
        let (_, s) = samples(&[vec![(1.5, 2.0), (3.0, 0.5), (7.25, 1.0), (40.0, 0.125)]]);
        let a = Part::of(&s);
        let b = Part::from_summary(&s, &s.summary(1.0, &[]));
        assert_eq!(
            (a.weighted_n, a.mean, a.ge[0], a.ge_2),
            (b.weighted_n, b.mean, b.ge[0], b.ge_2)
        );
        for (x, y) in
            a.ge.iter()
                .chain(&a.atkinson)
                .zip(b.ge.iter().chain(&b.atkinson))
        {
            let (x, y) = (x.unwrap(), y.unwrap());
            assert!((x - y).abs() < 1e-14, "{x} vs {y}");
        }
        assert!((a.gini - b.gini).abs() < 1e-15);
    }

    #[test]
    fn one_group_is_all_within() {
        let (g, s) = samples(&[vec![(1.0, 1.0), (2.0, 3.0), (9.0, 0.5)]]);
        let d = decompose(&[Part::of(&g[0])], &Part::of(&s)).unwrap();
        for p in [
            d.ge_m1.unwrap(),
            d.mld.unwrap(),
            d.theil_t.unwrap(),
            d.ge_2,
            d.atkinson_0_5.unwrap(),
            d.atkinson_1.unwrap(),
            d.gini,
        ] {
            assert_eq!(p.between, 0.0);
            assert_eq!(p.within, p.total);
            assert_eq!(p.between_share, Some(0.0));
        }
        assert_eq!(d.gini.overlap, Some(0.0));
        assert_eq!(d.groups[0].population_share, 1.0);
        assert_eq!(d.groups[0].relative_mean, 1.0);
    }

    #[test]
    fn separated_groups_have_no_overlap_and_equal_groups_no_between() {
        // Group ranges [1, 3] and [5, 9] do not overlap: G = G_W + G_B.
        let (g, s) = samples(&[vec![(1.0, 1.0), (3.0, 2.0)], vec![(5.0, 1.0), (9.0, 1.5)]]);
        let d = decompose(&[Part::of(&g[0]), Part::of(&g[1])], &Part::of(&s)).unwrap();
        assert!(d.gini.overlap.unwrap().abs() < 1e-15, "{:?}", d.gini);
        // Equal means: nothing between, for GE and the Gini; Atkinson's between part remains
        // (the groups are not equally unequal, so their Yede differ).
        let (g, s) = samples(&[vec![(2.0, 1.0), (4.0, 1.0)], vec![(1.0, 1.0), (5.0, 1.0)]]);
        let d = decompose(&[Part::of(&g[0]), Part::of(&g[1])], &Part::of(&s)).unwrap();
        assert_eq!(
            (d.mld.unwrap().between, d.ge_2.between, d.gini.between),
            (0.0, 0.0, 0.0)
        );
        assert!(d.atkinson_2.unwrap().between > 0.0);
        // Everyone paid the same: every part 0, no shares.
        let (g, s) = samples(&[vec![(3.0, 1.0)], vec![(3.0, 2.0)]]);
        let d = decompose(&[Part::of(&g[0]), Part::of(&g[1])], &Part::of(&s)).unwrap();
        assert_eq!(
            (d.mld.unwrap().total, d.mld.unwrap().between_share),
            (0.0, None)
        );
        assert_eq!(d.atkinson_1.unwrap().between_share, None);
    }

    #[test]
    fn hand_computed_two_groups() {
        // Unweighted {1, 3} and {6}: μ = 10/3, v = (2/3, 1/3), λ = (0.6, 1.8).
        let low = Sample::new(vec![1.0, 3.0], None).unwrap();
        let high = Sample::new(vec![6.0], None).unwrap();
        let all = Sample::new(vec![1.0, 3.0, 6.0], None).unwrap();
        let d = decompose(&[Part::of(&low), Part::of(&high)], &Part::of(&all)).unwrap();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-15;
        // GE(2): within = v_1 λ_1² GE_1(2) = 2/3 · 0.36 · (E[r²] − 1)/2 with r = 0.5, 1.5:
        // GE_1(2) = (1.25 − 1)/2 = 0.125, so within = 0.03; between = Σ v (λ − 1)² / 2 =
        // (2/3 · 0.16 + 1/3 · 0.64) / 2 = 0.16.
        assert!(close(d.ge_2.within, 0.03), "{}", d.ge_2.within);
        assert!(close(d.ge_2.between, 0.16), "{}", d.ge_2.between);
        // Gini: G_1 = |1 − 3| · 2 / (2 · 4 · 2) = 0.25; within = v_1 s_1 G_1 = 2/3 · 0.4 · 0.25;
        // between: means 2 (weight 2/3) and 6 (1/3): (2 · 2/3 · 1/3 · 4) / (2 · 10/3) = 4/15.
        assert!(close(d.gini.within, 2.0 / 3.0 * 0.4 * 0.25));
        assert!(close(d.gini.between, 4.0 / 15.0));
        // Ranges [1, 3] and [6] do not overlap.
        assert!(d.gini.overlap.unwrap().abs() < 1e-15);
        assert!(close(d.groups[0].income_share, 0.4));
    }

    /// Zero pay kept: the Gini and GE(2) are split, by hand. Groups {0, 100, 300} (mean 400/3)
    /// and {200, 400} (mean 300) of {0, 100, 200, 300, 400} (mean 200): v = (0.6, 0.4),
    /// λ = (2/3, 1.5), s = (0.4, 0.6).
    #[test]
    fn zeros_kept_split_the_gini_and_ge_2_only() {
        let keep = |x: &[f64]| Sample::new_keeping_nonpositive(x.to_vec(), None).unwrap();
        let (a, b) = (keep(&[0.0, 100.0, 300.0]), keep(&[200.0, 400.0]));
        let all = keep(&[0.0, 100.0, 200.0, 300.0, 400.0]);
        let d = decompose(&[Part::of(&a), Part::of(&b)], &Part::of(&all)).unwrap();
        let close = |x: f64, y: f64| (x - y).abs() < 1e-15;
        // Gini: G_A = 2 · 300 / (9 · 400/3) = 0.5, G_B = 200 / (4 · 300) = 1/6; within
        // 0.6 · 0.4 · 0.5 + 0.4 · 0.6 / 6 = 0.16; between: means 400/3 and 300 with weights 0.6
        // and 0.4, 2 · 0.24 · (500/3) / (2 · 200) = 0.2; total (4·400 + 2·300 − 2·100) / (25 ·
        // 200) = 0.4; overlap 0.04.
        assert!(close(d.gini.total, 0.4), "{:?}", d.gini);
        assert!(close(d.gini.within, 0.16), "{:?}", d.gini);
        assert!(close(d.gini.between, 0.2), "{:?}", d.gini);
        assert!(close(d.gini.overlap.unwrap(), 0.04), "{:?}", d.gini);
        // GE(2) = E[(r − 1)²] / 2: total (1 + 0.25 + 0 + 0.25 + 1) / 10 = 0.25; between
        // (0.6 / 9 + 0.4 / 4) / 2 = 1/12; within 0.6 · 4/9 · 0.4375 + 0.4 · 2.25 / 18 = 1/6.
        assert!(close(d.ge_2.total, 0.25), "{:?}", d.ge_2);
        assert!(close(d.ge_2.between, 1.0 / 12.0), "{:?}", d.ge_2);
        assert!(close(d.ge_2.within, 1.0 / 6.0), "{:?}", d.ge_2);
        // The log-based indices and Atkinson ε ≥ 1 are not defined at a zero; Atkinson ½ is.
        assert_eq!(
            (d.ge_m1, d.mld, d.theil_t, d.atkinson_1, d.atkinson_2),
            (None, None, None, None, None)
        );
        assert!(d.atkinson_0_5.is_some());
        assert_eq!(d.groups[0].ge_m1, None);
        assert!(close(d.groups[1].ge_2, 1.0 / 18.0));
        // A negative pay in one group: Atkinson ½ (a square root) is not defined either.
        let c = keep(&[-50.0, 100.0, 300.0]);
        let all = keep(&[-50.0, 100.0, 200.0, 300.0, 400.0]);
        let d = decompose(&[Part::of(&c), Part::of(&b)], &Part::of(&all)).unwrap();
        assert_eq!(d.atkinson_0_5, None);
        assert!(d.gini.total > 0.0 && d.ge_2.total > 0.0);
    }

    #[test]
    fn refuses_no_groups_and_parts_of_another_table() {
        let s = Sample::new(vec![1.0, 2.0], None).unwrap();
        assert_eq!(decompose(&[], &Part::of(&s)), Err(DecomposeError::NoGroups));
        let other = Sample::new(vec![1.0, 5.0], None).unwrap();
        assert!(matches!(
            decompose(&[Part::of(&other)], &Part::of(&s)),
            Err(DecomposeError::NotAPartition { .. })
        ));
    }
}

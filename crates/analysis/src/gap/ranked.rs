//! Sorted samples with cumulative weights, and unions of them: the quantiles, counts below a
//! value and tie blocks that the gap measures read, without sorting any row twice.
//!
//! `wages gap` sorts each *cell* (one group within one category) once. A group's distribution
//! is the union of its cells, the whole table's the union of every cell. A [`Union`] answers
//! the questions the measures ask of a distribution (`W(x < t)`, `W(x = t)`, the quantile
//! `Q(p)`) by binary search in each cell, and finds a quantile of several cells by bisection on
//! the value: positive finite `f64`s order like their bit patterns, so at most 64 halvings of
//! `[min, max]` land on the smallest value `v` with `F(v) ≥ pW`, and that `v` is always a value
//! of the data (`F` only steps at data values).

use crate::inequality::{Sample, QUANTILE_TIE_RTOL};

/// A sorted [`Sample`] and, when weighted, its cumulative weights `C_i = w_1 + … + w_i`
/// (summed in order, as [`Sample::quantile`] sums them, so a quantile read here is the same
/// number).
#[derive(Debug, Clone)]
pub(crate) struct Ranked {
    sample: Sample,
    /// `C_i` for each row (weighted only; unweighted `C_i = i`).
    cumulative: Option<Vec<f64>>,
}

impl Ranked {
    pub(crate) fn new(sample: Sample) -> Ranked {
        let cumulative = sample.weights().map(|w| {
            let mut c = 0.0;
            w.iter()
                .map(|&wi| {
                    c += wi;
                    c
                })
                .collect()
        });
        Ranked { sample, cumulative }
    }

    pub(crate) fn sample(&self) -> &Sample {
        &self.sample
    }

    /// `W`: the total weight (`n` unweighted), as the cumulative sums end.
    pub(crate) fn total(&self) -> f64 {
        match &self.cumulative {
            Some(c) => c[c.len() - 1],
            None => self.sample.n() as f64,
        }
    }

    /// `C_k`: the weight of the first `k` rows (`C_0 = 0`).
    fn weight_of_first(&self, k: usize) -> f64 {
        match (&self.cumulative, k) {
            (_, 0) => 0.0,
            (Some(c), k) => c[k - 1],
            (None, k) => k as f64,
        }
    }

    /// `W(x < t)`.
    pub(crate) fn weight_below(&self, t: f64) -> f64 {
        self.weight_of_first(self.sample.pay().partition_point(|&x| x < t))
    }

    /// `W(x ≤ t)`.
    pub(crate) fn weight_at_most(&self, t: f64) -> f64 {
        self.weight_of_first(self.sample.pay().partition_point(|&x| x <= t))
    }

    /// The smallest value greater than `t`, if any.
    fn next_above(&self, t: f64) -> Option<f64> {
        let pay = self.sample.pay();
        pay.get(pay.partition_point(|&x| x <= t)).copied()
    }
}

/// The distribution of several [`Ranked`] cells taken together.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Union<'a> {
    cells: &'a [Ranked],
    members: &'a [usize],
}

impl<'a> Union<'a> {
    /// The union of `cells[i]` for every `i` in `members` (each non-empty).
    pub(crate) fn new(cells: &'a [Ranked], members: &'a [usize]) -> Union<'a> {
        Union { cells, members }
    }

    fn each(&self) -> impl Iterator<Item = &'a Ranked> + '_ {
        self.members.iter().map(|&i| &self.cells[i])
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Rows.
    pub(crate) fn n(&self) -> usize {
        self.each().map(|r| r.sample.n()).sum()
    }

    /// `W`.
    pub(crate) fn weighted_n(&self) -> f64 {
        self.each().map(Ranked::total).sum()
    }

    /// The weighted mean `Σ w_i x_i / Σ w_i`; for one cell, exactly [`Sample::mean`].
    pub(crate) fn mean(&self) -> f64 {
        if let [one] = self.members {
            return self.cells[*one].sample.mean();
        }
        let (mut s, mut w) = (0.0, 0.0);
        for r in self.each() {
            let wr = r.sample.weighted_n();
            s += r.sample.mean() * wr;
            w += wr;
        }
        s / w
    }

    pub(crate) fn min(&self) -> f64 {
        self.each()
            .map(|r| r.sample.min())
            .fold(f64::INFINITY, f64::min)
    }

    pub(crate) fn max(&self) -> f64 {
        self.each()
            .map(|r| r.sample.max())
            .fold(f64::NEG_INFINITY, f64::max)
    }

    /// `W(x < t)`.
    pub(crate) fn weight_below(&self, t: f64) -> f64 {
        self.each().map(|r| r.weight_below(t)).sum()
    }

    /// `W(x ≤ t)`.
    pub(crate) fn weight_at_most(&self, t: f64) -> f64 {
        self.each().map(|r| r.weight_at_most(t)).sum()
    }

    /// The smallest value `v` of the data with `W(x ≤ v) ≥ c` (`c ≤ W`).
    pub(crate) fn first_reaching(&self, c: f64) -> f64 {
        let (mut lo, mut hi) = (self.min().to_bits(), self.max().to_bits());
        // Invariant: F(hi) ≥ c; the answer is in [lo, hi].
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.weight_at_most(f64::from_bits(mid)) >= c {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        f64::from_bits(lo)
    }

    /// The quantile `Q(p)` of [`Sample::quantile`]'s rule: `x_i` for the first `i` with
    /// `C_i ≥ pW`, the mean of `x_i` and `x_{i+1}` when `C_i = pW` (within
    /// [`QUANTILE_TIE_RTOL`]`·W`); `Q(0)` the minimum, `Q(1)` the maximum. One cell: exactly
    /// `Sample::quantile`. Several: the same rule on their union (cumulative weights summed
    /// cell by cell, so a weighted tie may be told within the tolerance differently than a
    /// single sorted pass would).
    pub(crate) fn quantile(&self, p: f64) -> f64 {
        if let [one] = self.members {
            return self.cells[*one].quantile(p);
        }
        if p <= 0.0 {
            return self.min();
        }
        if p >= 1.0 {
            return self.max();
        }
        let total = self.weighted_n();
        let (target, tol) = (p * total, QUANTILE_TIE_RTOL * total);
        let v = self.first_reaching(target - tol);
        if (self.weight_at_most(v) - target).abs() <= tol {
            if let Some(next) = self.each().filter_map(|r| r.next_above(v)).reduce(f64::min) {
                return (v + next) / 2.0;
            }
        }
        v
    }
}

impl Ranked {
    /// [`Sample::quantile`], read from the cumulative weights by binary search (the same `i`
    /// as its linear scan: `C_i` never decreases).
    pub(crate) fn quantile(&self, p: f64) -> f64 {
        let cumulative = match &self.cumulative {
            // Unweighted, Sample::quantile is O(1) already.
            None => return self.sample.quantile(p),
            Some(c) => c,
        };
        if p <= 0.0 {
            return self.sample.min();
        }
        if p >= 1.0 {
            return self.sample.max();
        }
        let total = self.total();
        let (target, tol) = (p * total, QUANTILE_TIE_RTOL * total);
        let pay = self.sample.pay();
        let i = cumulative
            .partition_point(|&c| c < target - tol)
            .min(pay.len() - 1);
        if (cumulative[i] - target).abs() <= tol && i + 1 < pay.len() {
            (pay[i] + pay[i + 1]) / 2.0
        } else {
            pay[i]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranked(pay: &[f64], w: Option<&[f64]>) -> Ranked {
        Ranked::new(Sample::new(pay.to_vec(), w.map(<[f64]>::to_vec)).unwrap())
    }

    const LEVELS: [f64; 9] = [0.0, 0.1, 0.25, 0.3, 0.5, 0.7, 0.75, 0.9, 1.0];

    #[test]
    fn weighted_quantile_by_search_is_the_linear_scan() {
        let pay = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0];
        let w = [0.5, 1.5, 1.0, 2.0, 0.25, 0.75, 1.0, 1.0];
        let r = ranked(&pay, Some(&w));
        for p in LEVELS {
            assert_eq!(r.quantile(p), r.sample().quantile(p), "p = {p}");
        }
    }

    /// A union of cells answers as the one sample of all their rows: unweighted, bit for bit
    /// (counts are exact); the integer weights here sum exactly too.
    #[test]
    fn union_quantiles_are_those_of_the_pooled_sample() {
        let a = [1.0, 2.0, 2.0, 7.0];
        let b = [2.0, 3.0, 10.0];
        let c = [0.5, 2.0];
        let cells = vec![ranked(&a, None), ranked(&b, None), ranked(&c, None)];
        let all = [0, 1, 2];
        let u = Union::new(&cells, &all);
        let pooled: Vec<f64> = a.iter().chain(&b).chain(&c).copied().collect();
        let s = Sample::new(pooled, None).unwrap();
        for p in LEVELS.iter().chain(&[0.2, 0.4, 0.6, 0.8]) {
            assert_eq!(u.quantile(*p), s.quantile(*p), "p = {p}");
        }
        assert_eq!(u.n(), 9);
        assert_eq!(u.weighted_n(), 9.0);
        assert!((u.mean() - s.mean()).abs() < 1e-15);
        assert_eq!(u.weight_below(2.0), 2.0);
        assert_eq!(u.weight_at_most(2.0), 6.0);

        let wa = [1.0, 2.0, 1.0, 3.0];
        let wb = [2.0, 2.0, 1.0];
        let cells = vec![ranked(&a, Some(&wa)), ranked(&b, Some(&wb))];
        let two = [0, 1];
        let u = Union::new(&cells, &two);
        let pay: Vec<f64> = a.iter().chain(&b).copied().collect();
        let w: Vec<f64> = wa.iter().chain(&wb).copied().collect();
        let s = Sample::new(pay, Some(w)).unwrap();
        for p in LEVELS.iter().chain(&[0.2, 0.4, 0.6, 0.8]) {
            assert_eq!(u.quantile(*p), s.quantile(*p), "p = {p}");
        }
    }

    #[test]
    fn first_reaching_lands_on_a_data_value() {
        let cells = vec![ranked(&[1.5, 2.5], None), ranked(&[100.0], None)];
        let m = [0, 1];
        let u = Union::new(&cells, &m);
        assert_eq!(u.first_reaching(0.5), 1.5);
        assert_eq!(u.first_reaching(1.0), 1.5);
        assert_eq!(u.first_reaching(1.0001), 2.5);
        assert_eq!(u.first_reaching(3.0), 100.0);
    }
}

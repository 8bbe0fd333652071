//! Quartile pay bands (UK SI 2017/172 reg. 13; EU Directive 2023/970 Art. 9(1)(f)).
//!
//! Everyone is ranked by pay and the ranked line of total weight `W` is cut at `W/4`, `W/2`
//! and `3W/4`, so each band holds exactly a quarter of the people (of the weight). Each block
//! of equal pay occupies the stretch `[B, B + T)` of the line, `B` the weight paid less and
//! `T` the block's weight; a block a cut passes through is split at the cut, and **each
//! group's members of the block are split in the same proportion** (reg. 13(2): "the relative
//! proportion of male and female employees receiving that rate of pay is the same in each of
//! those pay bands"). A person whose own stretch a cut passes through (with `n` not a multiple
//! of four, unweighted, some person always is) is such a block of one: a fraction of them
//! counts in each band, so the bands are exactly equal ("so far as possible an equal number",
//! reg. 13(1) Step 2) and nobody is moved up or down by where the remainder would go.
//!
//! In symbols, with `F(v) = W(x ≤ v)` over everyone, the position `c` on the line falls in the
//! block of `v(c)`, the smallest pay with `F(v) ≥ c`; with `B = W(x < v)`, `T = W(x = v)`,
//! `f = (c − B) / T`, group `g` has `G_g(c) = W_g(x < v) + f · W_g(x = v)` of its weight below
//! `c`, and its weight in band `k` is `G_g(kW/4) − G_g((k−1)W/4)`.

use super::ranked::Union;
use serde::Serialize;

/// The four bands, lowest paid first, as reg. 13 names them.
pub const BAND_NAMES: [&str; 4] = ["lower", "lower middle", "upper middle", "upper"];

/// One quartile pay band.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Band {
    /// `lower`, `lower middle`, `upper middle` or `upper`.
    pub name: &'static str,
    /// The lowest pay in the band.
    pub pay_from: f64,
    /// The highest pay in the band.
    pub pay_to: f64,
    /// Each group's weight (people, unweighted) in the band, in group order; fractional where a
    /// tie block or a person is split at the band's edge.
    pub weight: Vec<f64>,
    /// Each group's share of the band (`weight / Σ weight`), in group order.
    pub share: Vec<f64>,
}

/// `G_g(c)` for every group: the weight of each group below position `c` on the ranked line.
fn below_position(all: &Union, groups: &[Union], c: f64, total: f64) -> Vec<f64> {
    if c <= 0.0 {
        return vec![0.0; groups.len()];
    }
    if c >= total {
        return groups.iter().map(Union::weighted_n).collect();
    }
    let v = all.first_reaching(c);
    let below = all.weight_below(v);
    let block = all.weight_at_most(v) - below;
    let f = ((c - below) / block).clamp(0.0, 1.0);
    groups
        .iter()
        .map(|g| {
            let gb = g.weight_below(v);
            gb + f * (g.weight_at_most(v) - gb)
        })
        .collect()
}

/// The pay of the first person (or the first fraction of one) after position `c`.
fn pay_after(all: &Union, c: f64) -> f64 {
    let v = all.first_reaching(c);
    if all.weight_at_most(v) > c {
        v
    } else {
        // The block of `v` ends exactly at `c`: the band starts at the next pay up.
        all.first_reaching(all.weight_at_most(v) * (1.0 + f64::EPSILON) + f64::MIN_POSITIVE)
    }
}

/// The four quartile pay bands of `all` (everyone), with each group's weight and share in
/// them; `groups` partition `all`.
pub(crate) fn quartile_bands(all: &Union, groups: &[Union]) -> [Band; 4] {
    let total = all.weighted_n();
    let cuts: Vec<Vec<f64>> = (0..=4)
        .map(|k| below_position(all, groups, total * k as f64 / 4.0, total))
        .collect();
    std::array::from_fn(|k| {
        let weight: Vec<f64> = cuts[k + 1]
            .iter()
            .zip(&cuts[k])
            .map(|(hi, lo)| (hi - lo).max(0.0))
            .collect();
        let sum: f64 = weight.iter().sum();
        let share = weight
            .iter()
            .map(|w| if sum > 0.0 { w / sum } else { 0.0 })
            .collect();
        let (from, to) = (total * k as f64 / 4.0, total * (k + 1) as f64 / 4.0);
        Band {
            name: BAND_NAMES[k],
            pay_from: if k == 0 {
                all.min()
            } else {
                pay_after(all, from)
            },
            pay_to: all.first_reaching(to),
            weight,
            share,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::super::ranked::Ranked;
    use super::*;
    use crate::inequality::Sample;

    fn cell(pay: &[f64], w: Option<&[f64]>) -> Ranked {
        Ranked::new(Sample::new(pay.to_vec(), w.map(<[f64]>::to_vec)).unwrap())
    }

    /// Eight people, no ties: two per band, each counted whole.
    #[test]
    fn eight_people_two_per_band() {
        // Men earn 3, 5, 7, 8; women 1, 2, 4, 6.
        let cells = vec![
            cell(&[3.0, 5.0, 7.0, 8.0], None),
            cell(&[1.0, 2.0, 4.0, 6.0], None),
        ];
        let (m, f, all) = ([0], [1], [0, 1]);
        let groups = [Union::new(&cells, &m), Union::new(&cells, &f)];
        let b = quartile_bands(&Union::new(&cells, &all), &groups);
        // Ranked: 1f 2f | 3m 4f | 5m 6f | 7m 8m.
        assert_eq!(b[0].weight, vec![0.0, 2.0]);
        assert_eq!(b[1].weight, vec![1.0, 1.0]);
        assert_eq!(b[2].weight, vec![1.0, 1.0]);
        assert_eq!(b[3].weight, vec![2.0, 0.0]);
        assert_eq!((b[1].pay_from, b[1].pay_to), (3.0, 4.0));
        assert_eq!((b[3].pay_from, b[3].pay_to), (7.0, 8.0));
        assert_eq!(b[2].share, vec![0.5, 0.5]);
    }

    /// Ten people (not a multiple of four) with a tie block across the first cut.
    ///
    /// Ranked pay: 1f, 2m, [3m 3f 3f 3f], 5m, 6f, 8m, 9m. Bands hold 2.5 people each. The
    /// block of 3s spans [2, 6) on the line: cut 1 (2.5) takes 0.5 of its 4 people (1/8) into
    /// the lower band, cut 2 (5) leaves 1 (1/4) for the upper middle band; each band gets the
    /// block's 1 man : 3 women. Lower: 1f + 1m + (1/8)(1m + 3f) = 1.125 m, 1.375 f. Lower
    /// middle: [2.5, 5) = 2.5 of the block = 0.625 m, 1.875 f. Upper middle: [5, 7.5) = the
    /// last 1 of the block (0.25 m, 0.75 f), 5m (1), and half of 6f (0.5) = 1.25 m, 1.25 f.
    /// Upper: [7.5, 10) = half of 6f, 8m, 9m = 2 m, 0.5 f.
    #[test]
    fn ties_across_a_cut_keep_the_blocks_proportions() {
        let cells = vec![
            cell(&[2.0, 3.0, 5.0, 8.0, 9.0], None),
            cell(&[1.0, 3.0, 3.0, 3.0, 6.0], None),
        ];
        let (m, f, all) = ([0], [1], [0, 1]);
        let groups = [Union::new(&cells, &m), Union::new(&cells, &f)];
        let b = quartile_bands(&Union::new(&cells, &all), &groups);
        assert_eq!(b[0].weight, vec![1.125, 1.375]);
        assert_eq!(b[1].weight, vec![0.625, 1.875]);
        assert_eq!(b[2].weight, vec![1.25, 1.25]);
        assert_eq!(b[3].weight, vec![2.0, 0.5]);
        // Within the block the proportion is 1 : 3 in both bands it reaches wholly.
        assert_eq!(b[1].share, vec![0.25, 0.75]);
        assert_eq!((b[0].pay_from, b[0].pay_to), (1.0, 3.0));
        assert_eq!((b[1].pay_from, b[1].pay_to), (3.0, 3.0));
        assert_eq!((b[2].pay_from, b[2].pay_to), (3.0, 6.0));
        assert_eq!((b[3].pay_from, b[3].pay_to), (6.0, 9.0));
    }

    /// Weights are people: a weight of 2 counts as two tied people.
    #[test]
    fn integer_weights_are_repeated_rows() {
        let w = [2.0, 1.0, 1.0];
        let weighted = vec![
            cell(&[1.0, 4.0, 6.0], Some(&w)),
            cell(&[2.0, 3.0, 5.0], None),
        ];
        let plain = vec![
            cell(&[1.0, 1.0, 4.0, 6.0], None),
            cell(&[2.0, 3.0, 5.0], None),
        ];
        let (m, f, all) = ([0], [1], [0, 1]);
        let get = |cells: &[Ranked]| {
            let groups = [Union::new(cells, &m), Union::new(cells, &f)];
            quartile_bands(&Union::new(cells, &all), &groups)
        };
        assert_eq!(get(&weighted), get(&plain));
    }
}

//! Bounds on the Gini coefficient from grouped data with known bracket means.

use serde::Serialize;

use super::table::{BracketTable, TabulationError};

/// How the upper bound treats the open top bracket.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum TopTreatment {
    /// The top bracket is closed: the bound uses its stated upper threshold.
    ClosedTop,
    /// The caller gave a maximum `max` for the open top bracket.
    GivenMaximum { max: f64 },
    /// No maximum: the bound is the supremum as the maximum goes to infinity (finite, because
    /// the bracket mean is known; it is approached, not attained).
    Supremum,
}

/// Gini bounds from a bracket table with every bracket mean known.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GiniBounds {
    /// Within-bracket equality: everyone in a bracket at its mean.
    pub lower: f64,
    /// Maximal within-bracket spread: everyone in a bracket at one of its two ends.
    pub upper: f64,
    /// How the open top bracket entered the upper bound.
    pub top: TopTreatment,
}

/// Gastwirth's bounds on the Gini coefficient from grouped data (J. L. Gastwirth, "The
/// Estimation of the Lorenz Curve and Gini Index", Review of Economics and Statistics 54(3),
/// 1972, 306-316; see also Mehran 1975). Shares are divided by their total.
///
/// With `G(atoms) = sum_i sum_j f_i f_j |x_i - x_j| / (2 mu)`:
///
/// - **lower**: every bracket's mass `s_k` at its mean `m_k` (the Lorenz curve linear between the
///   bracket points). Any distribution with these shares and means is a within-bracket
///   mean-preserving spread of this one, so its Gini is at least this.
/// - **upper**: every closed bracket `[a, b]` split between its ends, `s (b - m)/(b - a)` at `a`
///   and `s (m - a)/(b - a)` at `b` (the most spread distribution on `[a, b]` with mean `m`).
///   For the open top bracket `[a, +inf)` with mean `m`: with `top_max = Some(M)`, the same on
///   `[a, M]`; with `None`, the supremum as `M -> inf`: the mass `s (m - a)/(M - a)` at `M` vanishes
///   while carrying pay `I = s (m - a)`, which adds `2 I` to the double sum, so
///   `upper = (sum_{i,j finite} f_i f_j |x_i - x_j| + 2 I) / (2 mu)`.
///
/// Both bounds hold for the distribution the table describes exactly; rounded shares widen them
/// further (not included here).
///
/// The Gini is scale-invariant, so both are computed on thresholds and means divided by the
/// power of two at or below the largest of them (an exact shift): thresholds near either end of
/// `f64` neither overflow nor underflow. Rounding can still leave `lower` a few ulps above
/// `upper` when the two coincide mathematically (e.g. everyone at a threshold); `lower` is then
/// clamped to `upper`. [`TabulationError::NotFinite`] when a bound is not a finite number, or
/// the lower one exceeds the upper by more than rounding (`1e-9`).
pub fn gini_bounds(
    table: &BracketTable,
    top_max: Option<f64>,
) -> Result<GiniBounds, TabulationError> {
    let total = table.total_share();
    if total <= 0.0 {
        return Err(TabulationError::NoMass);
    }
    let mut means = Vec::with_capacity(table.len());
    for (k, b) in table.brackets().iter().enumerate() {
        let (index, bounds) = table.named(k);
        means.push(b.mean.ok_or(TabulationError::MissingMean {
            index,
            bounds,
            what: "the Gini bounds",
        })?);
    }
    // Scale: the largest threshold, mean or given maximum of a bracket that holds anybody.
    let largest = table
        .brackets()
        .iter()
        .zip(&means)
        .filter(|(b, _)| b.share > 0.0)
        .flat_map(|(b, &m)| {
            let top = b.upper.or(top_max.filter(|x| x.is_finite() && *x > 0.0));
            [Some(b.lower), Some(m), top]
        })
        .flatten()
        .fold(0.0, f64::max);
    let inv = crate::inequality::inv_pow2_below(largest);
    let means: Vec<f64> = means.iter().map(|m| m * inv).collect();
    let lower_atoms: Vec<(f64, f64)> = table
        .brackets()
        .iter()
        .zip(&means)
        .map(|(b, &m)| (m, b.share / total))
        .collect();
    let lower = atoms_gini(&lower_atoms, 0.0);

    let mut upper_atoms = Vec::with_capacity(2 * table.len());
    let mut income_at_infinity = 0.0;
    let mut top = TopTreatment::ClosedTop;
    for (b, &m) in table.brackets().iter().zip(&means) {
        let s = b.share / total;
        let a = b.lower * inv;
        let hi = match (b.upper, top_max) {
            (Some(u), _) => Some(u * inv),
            (None, Some(max)) => {
                if max.is_nan() || max < m / inv {
                    return Err(TabulationError::MaxBelowMean { max, mean: m / inv });
                }
                top = TopTreatment::GivenMaximum { max };
                Some(max * inv)
            }
            (None, None) => {
                top = TopTreatment::Supremum;
                None
            }
        };
        match hi {
            Some(h) if h > a => {
                upper_atoms.push((a, s * (h - m) / (h - a)));
                upper_atoms.push((h, s * (m - a) / (h - a)));
            }
            Some(_) => upper_atoms.push((a, s)),
            None => {
                upper_atoms.push((a, s));
                income_at_infinity += s * (m - a);
            }
        }
    }
    let upper = atoms_gini(&upper_atoms, income_at_infinity);
    const WHAT: &str = "the Gini bounds";
    for (name, v) in [("lower", lower), ("upper", upper)] {
        if !v.is_finite() {
            return Err(TabulationError::NotFinite {
                what: WHAT,
                reason: format!("the {name} bound comes out as {v}"),
            });
        }
    }
    if lower > upper + 1e-9 {
        return Err(TabulationError::NotFinite {
            what: WHAT,
            reason: format!("rounding leaves the lower bound {lower} above the upper {upper}"),
        });
    }
    Ok(GiniBounds {
        lower: lower.min(upper),
        upper,
        top,
    })
}

/// Gini of point masses `(x_i, f_i)` (`sum f_i = 1`) plus a vanishing mass at infinity carrying
/// pay `inf_pay`: `(sum_{i,j} f_i f_j |x_i - x_j| + 2 inf_pay) / (2 (sum f_i x_i + inf_pay))`,
/// computed in `O(n log n)` as `sum_i f_i x_i (2 F_{<i} + f_i - 1)` over sorted atoms.
fn atoms_gini(atoms: &[(f64, f64)], inf_pay: f64) -> f64 {
    let mut sorted: Vec<(f64, f64)> = atoms.iter().copied().filter(|a| a.1 > 0.0).collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mass: f64 = sorted.iter().map(|a| a.1).sum();
    let mut below = 0.0;
    let mut half_double_sum = 0.0;
    let mut mu = 0.0;
    for &(x, f) in &sorted {
        // Half the double sum: f_i x_i (F_{<i} - F_{>i}), with ties cancelling correctly.
        half_double_sum += f * x * (2.0 * below + f - mass);
        below += f;
        mu += f * x;
    }
    (half_double_sum + inf_pay * mass) / (mu + inf_pay)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tabulation::Bracket;

    /// Thresholds at the ends of f64 (fuzzing found lower 1.0 > upper 0.9999997 with thresholds
    /// from 2e-308 to 6e144): the bounds are computed in a rescaled space and stay ordered, and
    /// equal those of the same table scaled to moderate numbers.
    #[test]
    fn extreme_thresholds_keep_the_bounds_ordered() {
        let table = |c: f64| {
            BracketTable::new(vec![
                Bracket::closed(2.0 * c, 3.0 * c, 0.5).with_mean(2.5 * c),
                Bracket::closed(3.0 * c, 6.0 * c, 0.3).with_mean(4.0 * c),
                Bracket::open(6.0 * c, 0.2).with_mean(9.0 * c),
            ])
            .unwrap()
        };
        let moderate = gini_bounds(&table(1.0), None).unwrap();
        for c in [1e-308, 1e-300, 1e144, 1e300] {
            let b = gini_bounds(&table(c), None).unwrap();
            assert!(b.lower <= b.upper, "{c}: {b:?}");
            assert!((b.lower - moderate.lower).abs() < 1e-12, "{c}: {b:?}");
            assert!((b.upper - moderate.upper).abs() < 1e-12, "{c}: {b:?}");
        }
        // Thresholds spanning the whole range in one table.
        let wide = BracketTable::new(vec![
            Bracket::closed(2e-308, 1e-300, 0.4).with_mean(5e-301),
            Bracket::closed(1e-300, 6e144, 0.4).with_mean(1e-299),
            Bracket::open(6e144, 0.2).with_mean(6e144),
        ])
        .unwrap();
        let b = gini_bounds(&wide, None).unwrap();
        assert!(b.lower <= b.upper && b.upper <= 1.0, "{b:?}");
    }
}

//! The mean-split histogram: a piecewise-uniform density fitted to a bracket table.

use serde::Serialize;

use super::fitted::{check_finite, FittedDistribution};
use super::table::{pareto_alpha_from_mean, BracketTable, TabulationError};

/// A piece of the fitted distribution on which the quantile function is linear: probability mass
/// `p1 - p0` spread uniformly over `[x0, x1]` (an atom when `x0 == x1`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct UniformPiece {
    pub p0: f64,
    pub p1: f64,
    pub x0: f64,
    pub x1: f64,
}

/// Pareto top tail above `lower`: `P(X >= x) = (1 - p0) (lower / x)^alpha` for `x >= lower`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ParetoTail {
    pub p0: f64,
    pub lower: f64,
    pub alpha: f64,
}

/// How the tail exponent of [`MeanSplitHistogram`] was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TailSource {
    /// The top bracket is closed: no tail.
    ClosedTop,
    /// `alpha = m / (m - a)` from the open top bracket's known mean `m`.
    BracketMean,
    /// The mean is unknown: `alpha` is the Pareto exponent between the two highest thresholds.
    LastExponent,
}

/// Mean-split histogram: the construction of the gpinter R package's `hist_interpol`
/// (Blanchet, Fournier & Piketty; see "Generalized Pareto Curves: Theory and Applications",
/// Review of Income and Wealth 2022), which gpinter also uses as its fallback where the spline
/// would make the quantile decrease, and which the project's design notes adopt as the robust
/// alternative to generalized Pareto interpolation.
///
/// Within a closed bracket `[a, b]` holding mass `s` with mean `m` (`a <= m <= b`), the density is
/// uniform on `[a, m]` and uniform on `[m, b]`, with masses
///
/// `s0 = s (b - m) / (b - a)` on `[a, m]`,  `s1 = s (m - a) / (b - a)` on `[m, b]`,
///
/// the only split at `m` that keeps the bracket mean at `m` (`s0 (a + m)/2 + s1 (m + b)/2 = s m`).
/// When the mean is unknown the density is uniform over the bracket (split at the midpoint).
/// The open top bracket `[a, +inf)` gets a Pareto tail with `alpha = m / (m - a)` so that its
/// mean is `m`, or, when `m` is unknown, the exponent between the two highest thresholds
/// (which must exceed 1). Shares are divided by their total: the fit describes the population
/// the table covers. Gaps between brackets hold nobody.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeanSplitHistogram {
    pieces: Vec<UniformPiece>,
    tail: Option<ParetoTail>,
    tail_source: TailSource,
    mean: f64,
}

impl MeanSplitHistogram {
    /// Fit the histogram to `table`. [`TabulationError::NotFinite`] when its mean or Gini is
    /// not a finite number (magnitudes beyond `f64`, e.g. a tail exponent barely above 1 with
    /// huge thresholds).
    pub fn fit(table: &BracketTable) -> Result<Self, TabulationError> {
        let total = table.total_share();
        if total <= 0.0 {
            return Err(TabulationError::NoMass);
        }
        let brackets = table.brackets();
        let mut pieces = Vec::with_capacity(2 * brackets.len());
        let mut p = 0.0;
        let mut tail = None;
        let mut tail_source = TailSource::ClosedTop;
        for (k, b) in brackets.iter().enumerate() {
            let s = b.share / total;
            match b.upper {
                Some(u) => {
                    let m = b.mean.unwrap_or(0.5 * (b.lower + u));
                    let s0 = s * (u - m) / (u - b.lower);
                    pieces.push(UniformPiece {
                        p0: p,
                        p1: p + s0,
                        x0: b.lower,
                        x1: m,
                    });
                    pieces.push(UniformPiece {
                        p0: p + s0,
                        p1: p + s,
                        x0: m,
                        x1: u,
                    });
                }
                None => {
                    let alpha = match b.mean {
                        Some(m) if m > b.lower => {
                            tail_source = TailSource::BracketMean;
                            pareto_alpha_from_mean(b.lower, m)
                        }
                        // Mean at the threshold: everyone in the top bracket earns exactly `a`.
                        Some(_) => f64::INFINITY,
                        None => {
                            tail_source = TailSource::LastExponent;
                            let alpha = table
                                .pareto_exponents()
                                .last()
                                .and_then(|e| e.alpha)
                                .unwrap_or(f64::NAN);
                            if alpha.is_nan() || alpha <= 1.0 {
                                return Err(TabulationError::TailExponent {
                                    bounds: b.bounds(),
                                    alpha,
                                });
                            }
                            alpha
                        }
                    };
                    if alpha.is_infinite() {
                        tail_source = TailSource::BracketMean;
                        pieces.push(UniformPiece {
                            p0: p,
                            p1: p + s,
                            x0: b.lower,
                            x1: b.lower,
                        });
                    } else if s > 0.0 {
                        tail = Some(ParetoTail {
                            p0: p,
                            lower: b.lower,
                            alpha,
                        });
                    }
                    debug_assert_eq!(k, brackets.len() - 1);
                }
            }
            p += s;
        }
        // Drop empty pieces; make the last probability exactly 1 where there is no tail.
        pieces.retain(|pc| pc.p1 > pc.p0);
        if tail.is_none() {
            if let Some(last) = pieces.last_mut() {
                last.p1 = 1.0;
            }
        } else if let Some(t) = tail.as_mut() {
            t.p0 = t.p0.min(1.0);
        }
        let mut fit = Self {
            pieces,
            tail,
            tail_source,
            mean: 0.0,
        };
        fit.mean = fit.upper_integral(0.0);
        const WHAT: &str = "mean-split histogram";
        check_finite(WHAT, "mean", fit.mean)?;
        check_finite(WHAT, "Gini", fit.gini())?;
        Ok(fit)
    }

    /// The uniform pieces, in order of probability.
    pub fn pieces(&self) -> &[UniformPiece] {
        &self.pieces
    }

    /// The Pareto tail, when the top bracket is open and holds somebody.
    pub fn tail(&self) -> Option<ParetoTail> {
        self.tail
    }

    /// Where the tail exponent came from.
    pub fn tail_source(&self) -> TailSource {
        self.tail_source
    }

    /// `int_p^1 Q(u) du`: the pay of the top `1 - p`, as a fraction of the population times pay.
    /// Linear pieces contribute `(p1 - p) (Q(p) + x1) / 2`; the Pareto tail above `u >= p0`
    /// contributes `(1 - u) Q(u) alpha / (alpha - 1)`.
    fn upper_integral(&self, p: f64) -> f64 {
        let mut acc = 0.0;
        for pc in &self.pieces {
            if pc.p1 <= p {
                continue;
            }
            let start = p.max(pc.p0);
            let q = piece_quantile(pc, start);
            acc += (pc.p1 - start) * 0.5 * (q + pc.x1);
        }
        if let Some(t) = self.tail {
            let start = p.max(t.p0);
            if start < 1.0 {
                acc += (1.0 - start) * tail_quantile(&t, start) * t.alpha / (t.alpha - 1.0);
            }
        }
        acc
    }
}

fn piece_quantile(pc: &UniformPiece, p: f64) -> f64 {
    if pc.p1 > pc.p0 {
        pc.x0 + (p - pc.p0) / (pc.p1 - pc.p0) * (pc.x1 - pc.x0)
    } else {
        pc.x0
    }
}

fn tail_quantile(t: &ParetoTail, p: f64) -> f64 {
    t.lower * ((1.0 - t.p0) / (1.0 - p)).powf(1.0 / t.alpha)
}

impl FittedDistribution for MeanSplitHistogram {
    fn mean(&self) -> f64 {
        self.mean
    }

    /// Inverse of the piecewise-linear CDF: `Q(p) = x0 + (p - p0)/(p1 - p0) (x1 - x0)` on a
    /// uniform piece, `Q(p) = a ((1 - p0)/(1 - p))^(1/alpha)` in the Pareto tail.
    fn quantile(&self, p: f64) -> Result<f64, TabulationError> {
        check_p(p)?;
        if let Some(t) = self.tail {
            if p >= t.p0 {
                return Ok(tail_quantile(&t, p));
            }
        }
        let pc = self
            .pieces
            .iter()
            .find(|pc| p <= pc.p1)
            .or(self.pieces.last())
            .expect("a fitted histogram has at least one piece or a tail");
        Ok(piece_quantile(pc, p.max(pc.p0)))
    }

    /// `T(p) = int_p^1 Q(u) du / int_0^1 Q(u) du`, closed form per piece.
    fn top_share(&self, p: f64) -> Result<f64, TabulationError> {
        check_p(p)?;
        Ok(self.upper_integral(p) / self.mean)
    }

    /// `G = 1 - (1/mu) int_0^inf S(x)^2 dx` with the survival `S = 1 - F`, exact per piece:
    /// a uniform piece from `S0` to `S1` over `[x0, x1]` gives `(x1 - x0)(S0^2 + S0 S1 + S1^2)/3`,
    /// a gap of constant `S` gives `width S^2`, the Pareto tail gives `S_a^2 a / (2 alpha - 1)`,
    /// and `[0, x_min]` gives `x_min`. (Identity: `int S^2 = int S - int F S = mu - mu G`.)
    fn gini(&self) -> f64 {
        let mut integral = 0.0;
        let mut x = 0.0;
        let mut s = 1.0;
        for pc in &self.pieces {
            integral += (pc.x0 - x) * s * s;
            let (s0, s1) = (1.0 - pc.p0, 1.0 - pc.p1);
            integral += (pc.x1 - pc.x0) * (s0 * s0 + s0 * s1 + s1 * s1) / 3.0;
            x = pc.x1;
            s = s1;
        }
        if let Some(t) = self.tail {
            integral += (t.lower - x) * s * s;
            let sa = 1.0 - t.p0;
            integral += sa * sa * t.lower / (2.0 * t.alpha - 1.0);
        }
        1.0 - integral / self.mean
    }
}

pub(crate) fn check_p(p: f64) -> Result<(), TabulationError> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(TabulationError::BadProbability { p })
    }
}

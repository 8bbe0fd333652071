//! Generalized Pareto interpolation (Blanchet, Fournier & Piketty), as in the gpinter R package.

use serde::Serialize;

use super::fitted::{check_finite, FittedDistribution};
use super::histogram::check_p;
use super::table::{BracketTable, TabulationError};

/// One interpolation point: threshold `q` at rank `p`, with
/// `x = -ln(1 - p)`, `y = phi(x) = -ln(m)` where `m = int_p^1 Q(u) du` (the pay of the top
/// `1 - p`), slope `s = phi'(x) = (1 - p) q / m`, and second derivative `a = phi''(x)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Knot {
    pub p: f64,
    pub q: f64,
    pub m: f64,
    pub x: f64,
    pub y: f64,
    pub s: f64,
    pub a: f64,
}

/// How the distribution is modelled between two consecutive knots.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Segment {
    /// Quintic Hermite spline of `phi` through the two knots.
    Spline,
    /// The spline would make the quantile decrease here: gpinter's last-resort fallback, the
    /// mean-split histogram over the bracket (split at `q_star` = bracket mean, rank `p_star`).
    Histogram { p_star: f64, q_star: f64 },
}

/// Generalized Pareto distribution above the last knot `p_n`:
/// `Q(p) = mu + sigma/xi (((1 - p_n)/(1 - p))^xi - 1)` for `p >= p_n`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GpdTail {
    pub p_n: f64,
    pub mu: f64,
    pub sigma: f64,
    pub xi: f64,
    /// True when gpinter's GPD parameters were invalid (`sigma <= 0` or `xi >= 1`) and a strict
    /// Pareto (`mu = q_n`, `xi = 1 - s_n`, `sigma = mu xi`) was used instead, as gpinter does.
    pub strict_pareto_fallback: bool,
}

/// Generalized Pareto interpolation of a bracket table (Blanchet, Fournier & Piketty,
/// "Generalized Pareto Curves: Theory and Applications", Review of Income and Wealth 68(1),
/// 2022; R package gpinter, `tabulation_fit`).
///
/// Knots are the brackets' lower thresholds `q_k` at ranks `p_k = 1 - N(>=q_k)/N` with the
/// top-tail pay `m_k = sum_{j>=k} share_j mean_j / N` (all shares divided by the total `N`). In
/// `x = -ln(1-p)`, `phi(x) = -ln(m)` is known at the knots with `phi'(x_k) = (1-p_k) q_k / m_k`;
/// `phi''` at the knots comes from gpinter's `clamped_quintic_spline` (continuous third
/// derivative at interior knots, `phi''(x_n) = (s_n - s_{n-1})/(x_n - x_{n-1})` at the last), then
/// `phi''_k >= -s_k(1-s_k)` is enforced. Between knots `phi` is the quintic Hermite spline matching
/// `phi, phi', phi''` at both ends, and
///
/// `Q(p) = e^{x - phi(x)} phi'(x)`,  `top_share(p) = e^{-phi(x)} / mean`.
///
/// Above the last knot a generalized Pareto distribution whose parameters keep `Q` continuous and
/// differentiable and match the top bracket's mean (gpinter's `gpd_top_parameters`):
/// `mu = e^{x_n - y_n} s_n`, `sigma = (1 - p_n) e^{2 x_n - y_n} (a_n + s_n (1 - s_n))`,
/// `xi = 1 - (1 - p_n) sigma / (e^{-y_n} - (1 - p_n) mu)`.
///
/// Differences from gpinter, stated plainly:
/// - monotonicity of `Q` on a segment is checked on a grid of 2,000 steps (refined towards the knots) (gpinter checks the
///   polynomial exactly); where it fails gpinter first tries adding one or two knots
///   (`add_one_point`, `add_two_points`), which is not implemented: we go straight to its
///   last-resort fallback, the mean-split histogram over that bracket;
/// - the first knot is the lowest threshold with `p = 0` (no bottom model is needed, the table
///   starts at its lowest threshold); a closed top bracket's upper bound is not used (the GPD
///   tail may pass it), and a gap between brackets is merged into the bracket below it;
/// - no confidence intervals (gpinter's `citype`) are computed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GeneralizedParetoInterpolation {
    knots: Vec<Knot>,
    segments: Vec<Segment>,
    tail: GpdTail,
    mean: f64,
}

impl GeneralizedParetoInterpolation {
    /// Fit to `table`: needs at least 3 brackets, every mean known and strictly inside its
    /// bracket (for the top bracket, above its threshold), and no empty bracket.
    /// [`TabulationError::NotFinite`] when the fitted mean or Gini is not a finite number.
    pub fn fit(table: &BracketTable) -> Result<Self, TabulationError> {
        const WHAT: &str = "generalized Pareto interpolation";
        let brackets = table.brackets();
        let n = brackets.len();
        if n < 3 {
            return Err(TabulationError::TooFewBrackets {
                what: WHAT,
                needed: 3,
                got: n,
            });
        }
        let total = table.total_share();
        for (k, b) in brackets.iter().enumerate() {
            let (index, bounds) = table.named(k);
            let mean = b.mean.ok_or(TabulationError::MissingMean {
                index,
                bounds: bounds.clone(),
                what: WHAT,
            })?;
            if b.share <= 0.0 {
                return Err(TabulationError::ZeroShare {
                    index,
                    bounds,
                    what: WHAT,
                });
            }
            // The bracket for gpinter runs to the next lower threshold (gaps merged).
            let hi = brackets.get(k + 1).map_or(f64::INFINITY, |nb| nb.lower);
            if !(mean > b.lower && mean < hi) {
                return Err(TabulationError::MeanNotInterior {
                    index,
                    bounds,
                    mean,
                    method: WHAT,
                });
            }
        }
        // Knots.
        let mut knots = Vec::with_capacity(n);
        let mut p: f64 = 0.0;
        let mut m_above: Vec<f64> = vec![0.0; n];
        let mut acc = 0.0;
        for k in (0..n).rev() {
            acc += brackets[k].share / total * brackets[k].mean.unwrap_or_default();
            m_above[k] = acc;
        }
        for (k, b) in brackets.iter().enumerate() {
            let m = m_above[k];
            let x = -(-p).ln_1p();
            knots.push(Knot {
                p,
                q: b.lower,
                m,
                x,
                y: -m.ln(),
                s: (1.0 - p) * b.lower / m,
                a: 0.0,
            });
            p += b.share / total;
        }
        let mean = m_above[0];
        // Second derivatives: clamped quintic spline, then the monotonicity floor at the knots.
        let a_n = (knots[n - 1].s - knots[n - 2].s) / (knots[n - 1].x - knots[n - 2].x);
        let ak = clamped_quintic_spline(&knots, a_n);
        for (kn, a) in knots.iter_mut().zip(ak) {
            kn.a = a.max(-kn.s * (1.0 - kn.s));
        }
        // Segments: spline unless Q would decrease somewhere on it.
        let segments = knots
            .windows(2)
            .map(|w| {
                if spline_increasing(&w[0], &w[1]) {
                    Segment::Spline
                } else {
                    let avg = (w[0].m - w[1].m) / (w[1].p - w[0].p);
                    Segment::Histogram {
                        p_star: w[0].p + (w[1].p - w[0].p) * (w[1].q - avg) / (w[1].q - w[0].q),
                        q_star: avg,
                    }
                }
            })
            .collect();
        let tail = gpd_top_parameters(&knots[n - 1]);
        let fit = Self {
            knots,
            segments,
            tail,
            mean,
        };
        // Extreme tables (a top share below ~1e-200, an open bracket's mean 1e30 times its
        // threshold) leave the spline or the tail outside f64: an error, never a NaN Gini.
        check_finite(WHAT, "mean", fit.mean)?;
        check_finite(WHAT, "Gini", fit.gini())?;
        Ok(fit)
    }

    /// The interpolation points.
    pub fn knots(&self) -> &[Knot] {
        &self.knots
    }

    /// The model between each pair of consecutive knots.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The generalized Pareto tail above the last knot.
    pub fn tail(&self) -> GpdTail {
        self.tail
    }

    /// `phi(x)` and `phi'(x)` at `x = -ln(1 - p)`; for `p` in a histogram segment these come from
    /// the histogram's tail pay `m(p)` and quantile.
    pub fn phi(&self, p: f64) -> Result<(f64, f64), TabulationError> {
        check_p(p)?;
        let (m, q) = self.tail_pay_and_quantile(p);
        Ok((-m.ln(), (1.0 - p) * q / m))
    }

    /// `(m(p), Q(p))` with `m(p) = int_p^1 Q(u) du`.
    fn tail_pay_and_quantile(&self, p: f64) -> (f64, f64) {
        let n = self.knots.len();
        let last = &self.knots[n - 1];
        if p >= last.p {
            let t = &self.tail;
            return (gpd_tail_pay(t, p), gpd_quantile(t, p));
        }
        let k = self.knots.partition_point(|kn| kn.p <= p).saturating_sub(1);
        let (k0, k1) = (&self.knots[k], &self.knots[k + 1]);
        match self.segments[k] {
            Segment::Spline => {
                let x = -(-p).ln_1p();
                let (y, dy, _) = hermite(k0, k1, x);
                ((-y).exp(), (x - y).exp() * dy)
            }
            Segment::Histogram { p_star, q_star } => {
                // Piecewise-linear quantile through (p0, q0), (p*, q*), (p1, q1).
                let (q, upper_pay) = if p < p_star {
                    let q = k0.q + (p - k0.p) / (p_star - k0.p) * (q_star - k0.q);
                    let upper = (k1.p - p_star) * 0.5 * (q_star + k1.q);
                    (q, upper + (p_star - p) * 0.5 * (q + q_star))
                } else {
                    let q = q_star + (p - p_star) / (k1.p - p_star) * (k1.q - q_star);
                    (q, (k1.p - p) * 0.5 * (q + k1.q))
                };
                (k1.m + upper_pay, q)
            }
        }
    }
}

impl FittedDistribution for GeneralizedParetoInterpolation {
    fn mean(&self) -> f64 {
        self.mean
    }

    /// `Q(p) = e^{x - phi(x)} phi'(x)`, `x = -ln(1 - p)` (gpinter `fitted_quantile`); the GPD
    /// quantile above the last knot.
    fn quantile(&self, p: f64) -> Result<f64, TabulationError> {
        check_p(p)?;
        if p == 1.0 {
            let t = &self.tail;
            return Ok(if t.xi < 0.0 {
                t.mu - t.sigma / t.xi
            } else {
                f64::INFINITY
            });
        }
        Ok(self.tail_pay_and_quantile(p).1)
    }

    /// `e^{-phi(x)} / mean` (gpinter `fitted_top_share`).
    fn top_share(&self, p: f64) -> Result<f64, TabulationError> {
        check_p(p)?;
        if p == 1.0 {
            return Ok(0.0);
        }
        Ok(self.tail_pay_and_quantile(p).0 / self.mean)
    }

    /// `G = 2 int_0^1 m(p) dp / mean - 1`, with `m(p) = e^{-phi}`: composite Simpson (400
    /// panels) on each knot segment (split at `p*` in histogram segments, where `m` is exactly
    /// quadratic on each side), and in closed form over the GPD tail:
    /// `int_{p_n}^1 m = (1 - p_n)^2 (mu/2 + sigma (3 - xi) / (2 (1 - xi)(2 - xi)))`.
    fn gini(&self) -> f64 {
        let mut integral = 0.0;
        for (k, seg) in self.segments.iter().enumerate() {
            let (p0, p1) = (self.knots[k].p, self.knots[k + 1].p);
            let f = |p: f64| self.tail_pay_and_quantile(p).0;
            match *seg {
                Segment::Spline => integral += simpson(f, p0, p1, 400),
                Segment::Histogram { p_star, .. } => {
                    integral += simpson(f, p0, p_star, 2) + simpson(f, p_star, p1, 2)
                }
            }
        }
        let t = &self.tail;
        let un = 1.0 - t.p_n;
        integral +=
            un * un * (0.5 * t.mu + t.sigma * (3.0 - t.xi) / (2.0 * (1.0 - t.xi) * (2.0 - t.xi)));
        2.0 * integral / self.mean - 1.0
    }
}

fn simpson(f: impl Fn(f64) -> f64, a: f64, b: f64, panels: usize) -> f64 {
    if b <= a {
        return 0.0;
    }
    let n = 2 * panels;
    let h = (b - a) / n as f64;
    let mut sum = f(a) + f(b);
    for i in 1..n {
        let w = if i % 2 == 1 { 4.0 } else { 2.0 };
        sum += w * f(a + i as f64 * h);
    }
    sum * h / 3.0
}

/// Quintic Hermite spline on `[k0.x, k1.x]` matching value, slope and second derivative at both
/// ends (gpinter `h`, `hd1`, `hd2`): returns `(phi, phi', phi'')` at `x`.
fn hermite(k0: &Knot, k1: &Knot, x: f64) -> (f64, f64, f64) {
    let d = k1.x - k0.x;
    let t = (x - k0.x) / d;
    let (t2, t3, t4, t5) = (t * t, t * t * t, t.powi(4), t.powi(5));
    let h00 = 1.0 - 10.0 * t3 + 15.0 * t4 - 6.0 * t5;
    let h01 = 10.0 * t3 - 15.0 * t4 + 6.0 * t5;
    let h10 = t - 6.0 * t3 + 8.0 * t4 - 3.0 * t5;
    let h11 = -4.0 * t3 + 7.0 * t4 - 3.0 * t5;
    let h20 = 0.5 * t2 - 1.5 * t3 + 1.5 * t4 - 0.5 * t5;
    let h21 = 0.5 * t3 - t4 + 0.5 * t5;
    let h00d1 = -30.0 * t2 + 60.0 * t3 - 30.0 * t4;
    let h01d1 = -h00d1;
    let h10d1 = 1.0 - 18.0 * t2 + 32.0 * t3 - 15.0 * t4;
    let h11d1 = -12.0 * t2 + 28.0 * t3 - 15.0 * t4;
    let h20d1 = t - 4.5 * t2 + 6.0 * t3 - 2.5 * t4;
    let h21d1 = 1.5 * t2 - 4.0 * t3 + 2.5 * t4;
    let h00d2 = -60.0 * t + 180.0 * t2 - 120.0 * t3;
    let h01d2 = -h00d2;
    let h10d2 = -36.0 * t + 96.0 * t2 - 60.0 * t3;
    let h11d2 = -24.0 * t + 84.0 * t2 - 60.0 * t3;
    let h20d2 = 1.0 - 9.0 * t + 18.0 * t2 - 10.0 * t3;
    let h21d2 = 3.0 * t - 12.0 * t2 + 10.0 * t3;
    let y =
        k0.y * h00 + k1.y * h01 + d * (k0.s * h10 + k1.s * h11) + d * d * (k0.a * h20 + k1.a * h21);
    let dy = (k0.y * h00d1 + k1.y * h01d1) / d
        + k0.s * h10d1
        + k1.s * h11d1
        + d * (k0.a * h20d1 + k1.a * h21d1);
    let d2y = (k0.y * h00d2 + k1.y * h01d2) / (d * d)
        + (k0.s * h10d2 + k1.s * h11d2) / d
        + k0.a * h20d2
        + k1.a * h21d2;
    (y, dy, d2y)
}

/// `Q(x) = e^{x - phi} phi'` is increasing iff `phi'' + phi'(1 - phi') >= 0`; checked on a grid
/// of 2,000 steps, refined geometrically towards both knots, where violations concentrate
/// (a 200-step grid let a 1e-7 dip just after the first knot through).
fn spline_increasing(k0: &Knot, k1: &Knot) -> bool {
    const GRID: usize = 2000;
    let h = k1.x - k0.x;
    let near_ends = (1..=30).flat_map(|j| {
        let t = 0.5f64.powi(j) / GRID as f64;
        [t, 1.0 - t]
    });
    (0..=GRID)
        .map(|i| i as f64 / GRID as f64)
        .chain(near_ends)
        .all(|t| {
            let (_, dy, d2y) = hermite(k0, k1, k0.x + h * t);
            d2y + dy * (1.0 - dy) >= -1e-12 && dy > 0.0
        })
}

/// gpinter's `clamped_quintic_spline`: second derivatives `a_k` such that the piecewise quintic
/// Hermite spline has a continuous third derivative at interior knots, a zero third derivative
/// at the first knot, and `a_n` given at the last. Tridiagonal system, solved by the Thomas
/// algorithm (the matrix is diagonally dominant).
fn clamped_quintic_spline(k: &[Knot], a_n: f64) -> Vec<f64> {
    let n = k.len();
    let h: Vec<f64> = k.windows(2).map(|w| w[1].x - w[0].x).collect();
    let mut sub = vec![0.0; n];
    let mut diag = vec![0.0; n];
    let mut sup = vec![0.0; n];
    let mut rhs = vec![0.0; n];
    diag[0] = 9.0 / h[0];
    sup[0] = -3.0 / h[0];
    rhs[0] =
        (k[1].y - k[0].y) * 60.0 / h[0].powi(3) - (36.0 * k[0].s + 24.0 * k[1].s) / h[0].powi(2);
    for i in 1..n - 1 {
        let (hl, hr) = (h[i - 1], h[i]);
        sub[i] = -3.0 / hl;
        diag[i] = 9.0 / hl + 9.0 / hr;
        sup[i] = -3.0 / hr;
        rhs[i] = (k[i - 1].y - k[i].y) * 60.0 / hl.powi(3)
            + (k[i + 1].y - k[i].y) * 60.0 / hr.powi(3)
            + (24.0 * k[i - 1].s + 36.0 * k[i].s) / hl.powi(2)
            - (36.0 * k[i].s + 24.0 * k[i + 1].s) / hr.powi(2);
    }
    diag[n - 1] = 1.0;
    rhs[n - 1] = a_n;
    // Thomas algorithm.
    for i in 1..n {
        let w = sub[i] / diag[i - 1];
        diag[i] -= w * sup[i - 1];
        rhs[i] -= w * rhs[i - 1];
    }
    let mut a = vec![0.0; n];
    a[n - 1] = rhs[n - 1] / diag[n - 1];
    for i in (0..n - 1).rev() {
        a[i] = (rhs[i] - sup[i] * a[i + 1]) / diag[i];
    }
    a
}

/// gpinter's `gpd_top_parameters`, with its fallback to a strict Pareto when the GPD is invalid.
fn gpd_top_parameters(kn: &Knot) -> GpdTail {
    let un = 1.0 - kn.p;
    let mu = (kn.x - kn.y).exp() * kn.s;
    let sigma = un * (2.0 * kn.x - kn.y).exp() * (kn.a + kn.s * (1.0 - kn.s));
    let xi = 1.0 - un * sigma / ((-kn.y).exp() - un * mu);
    if sigma > 0.0 && xi < 1.0 && sigma.is_finite() && xi.is_finite() {
        GpdTail {
            p_n: kn.p,
            mu,
            sigma,
            xi,
            strict_pareto_fallback: false,
        }
    } else {
        let xi = 1.0 - kn.s;
        GpdTail {
            p_n: kn.p,
            mu: kn.q,
            sigma: kn.q * xi,
            xi,
            strict_pareto_fallback: true,
        }
    }
}

/// `(r^xi - 1)/xi` with `r = e^l`, continuous at `xi = 0`.
fn expm1_over(xi: f64, l: f64) -> f64 {
    if (xi * l).abs() < 1e-8 {
        l * (1.0 + 0.5 * xi * l)
    } else {
        (xi * l).exp_m1() / xi
    }
}

/// GPD quantile `mu + sigma/xi (((1 - p_n)/(1 - p))^xi - 1)`.
fn gpd_quantile(t: &GpdTail, p: f64) -> f64 {
    let l = (1.0 - t.p_n).ln() - (-p).ln_1p();
    t.mu + t.sigma * expm1_over(t.xi, l)
}

/// gpinter's `gpd_top_mean`: `int_p^1 Q = (1 - p)(mu - sigma/xi + sigma/(xi(1-xi)) r^xi)`,
/// written as `(1 - p)(mu + sigma ((r^xi - 1)/xi + 1)/(1 - xi))`.
fn gpd_tail_pay(t: &GpdTail, p: f64) -> f64 {
    let l = (1.0 - t.p_n).ln() - (-p).ln_1p();
    (1.0 - p) * (t.mu + t.sigma * (expm1_over(t.xi, l) + 1.0) / (1.0 - t.xi))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tabulation::{Bracket, MeanSplitHistogram, TabulationError};

    /// An open top bracket whose mean is 4e31 above a threshold of 30 made the Gini NaN (found
    /// by fuzzing); the fit now reports that it cannot be computed instead.
    #[test]
    fn a_non_finite_gini_is_an_error_not_a_nan() {
        let table = BracketTable::new(vec![
            Bracket::closed(8.0, 15.0, 0.6).with_mean(10.0),
            Bracket::closed(15.0, 30.0, 0.3).with_mean(20.0),
            Bracket::open(30.0, 0.1).with_mean(4e31),
        ])
        .unwrap();
        let e = GeneralizedParetoInterpolation::fit(&table).unwrap_err();
        assert!(matches!(e, TabulationError::NotFinite { .. }), "{e}");
        assert!(
            e.to_string()
                .starts_with("generalized Pareto interpolation: not computable"),
            "{e}"
        );
        // A top share below 1e-200.
        let table = BracketTable::new(vec![
            Bracket::closed(1.0, 2.0, 0.5).with_mean(1.5),
            Bracket::closed(2.0, 4.0, 0.5).with_mean(3.0),
            Bracket::open(4.0, 1e-250).with_mean(5.0),
        ])
        .unwrap();
        for r in [
            GeneralizedParetoInterpolation::fit(&table).map(|f| f.gini()),
            MeanSplitHistogram::fit(&table).map(|f| f.gini()),
        ] {
            match r {
                Ok(g) => assert!(g.is_finite(), "{g}"),
                Err(e) => assert!(matches!(e, TabulationError::NotFinite { .. }), "{e}"),
            }
        }
    }
}

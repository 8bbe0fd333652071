//! What every fitted distribution offers.

use super::table::TabulationError;

/// `Err(NotFinite)` naming `quantity` unless `value` is finite: the fits check their mean and
/// Gini with it, so that a fit that succeeds never reports NaN or infinity for them.
pub(crate) fn check_finite(
    what: &'static str,
    quantity: &str,
    value: f64,
) -> Result<(), TabulationError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(TabulationError::NotFinite {
            what,
            reason: format!("the {quantity} comes out as {value}"),
        })
    }
}

/// A distribution fitted to a bracket table: what `wages tabulate` reports from a fit.
pub trait FittedDistribution {
    /// Mean of the fitted distribution, `int_0^1 Q(p) dp`.
    fn mean(&self) -> f64;

    /// Quantile `Q(p)`, `p` in `[0, 1]` (`Q(1)` may be `+inf` with an unbounded tail).
    fn quantile(&self, p: f64) -> Result<f64, TabulationError>;

    /// Share of total pay held by the top `1 - p` of the population:
    /// `int_p^1 Q(u) du / int_0^1 Q(u) du` (e.g. `top_share(0.9)` is the top-10% share).
    fn top_share(&self, p: f64) -> Result<f64, TabulationError>;

    /// Gini coefficient `1 - 2 int_0^1 L(p) dp` with `L(p) = 1 - top_share(p)`. The fits check
    /// at fit time that it (and the mean) is finite, returning
    /// [`TabulationError::NotFinite`] otherwise.
    fn gini(&self) -> f64;

    /// `n` points `(Q(p), 1 - p)` of the fitted survival curve for `p` evenly spaced in
    /// `[0, p_max]` (for log-log charts; `p_max < 1` keeps the last point finite).
    fn survival_curve(&self, n: usize, p_max: f64) -> Vec<(f64, f64)> {
        (0..n)
            .filter_map(|i| {
                let p = if n > 1 {
                    p_max * i as f64 / (n - 1) as f64
                } else {
                    0.0
                };
                self.quantile(p).ok().map(|q| (q, 1.0 - p))
            })
            .collect()
    }
}

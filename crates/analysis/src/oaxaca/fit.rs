//! Weighted least squares for one group's rows, in three passes over the rows (means; centred
//! cross-products; residuals), each split across the rayon pool.
//!
//! The regression is solved in its centred form, `y = a* + (x − x̄)'b` with `a* = ȳ`, where
//! `Σ w (x − x̄) = 0` makes `X'WX` block-diagonal, `diag(W, C)` with `C = Σ w (x − x̄)(x − x̄)'`:
//! so `b = C⁻¹ Σ w (x − x̄)(y − ȳ)`, `a = ȳ − x̄'b`, and no large uncentred sum is subtracted
//! from another. Variances (as R's `lm(weights = w)`, Stata's `regress [aweight]`):
//!
//! - default: `V(a*, b) = s² diag(1/W, C⁻¹)`, `s² = Σ w e² / (n − p)`;
//! - robust (HC1, Stata's `vce(robust)`): `V(a*, b) = B M B · n/(n − p)` with `B = diag(1/W,
//!   C⁻¹)` and `M = Σ w² e² z z'`, `z = (1, x − x̄)`;
//!
//! then `V(a, b) = J V(a*, b) J'` with `J = [[1, −x̄'], [0, I]]`. The means' variance is
//! `V(x̄) = C / (W (n − 1))` (the weights rescaled to sum to `n`, as an analytic weight), or with
//! `robust` `V(x̄) = n/(n − 1) · Σ w² (x − x̄)(x − x̄)' / W²` (as a sampling weight); the constant's
//! mean is 1 with no variance.

use nalgebra::DMatrix;
use rayon::prelude::*;

/// Rows per parallel chunk.
const CHUNK: usize = 1 << 14;

/// One group's regression.
#[derive(Debug, Clone)]
pub(crate) struct Fit {
    /// Rows used.
    pub(crate) n: usize,
    /// Their weight `W`.
    pub(crate) weight: f64,
    /// `x̄` with the constant first (`p` values).
    pub(crate) xbar: Vec<f64>,
    /// `ȳ`.
    pub(crate) ybar: f64,
    /// `β`, the constant first (`p` values).
    pub(crate) beta: Vec<f64>,
    /// `V(β)`, `p × p`.
    pub(crate) v_beta: DMatrix<f64>,
    /// `V(x̄)`, `p × p` (zero row and column for the constant).
    pub(crate) v_xbar: DMatrix<f64>,
    /// `R² = 1 − Σ w e² / Σ w (y − ȳ)²`.
    pub(crate) r_squared: f64,
}

/// Why a regression cannot be solved: its non-constant column `column` (1-based) is constant
/// in the group, or a linear combination of the columns before it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Singular {
    pub(crate) column: usize,
    pub(crate) constant: bool,
}

/// What a pass needs of the rows: how many non-constant columns, and each row's values.
pub(crate) trait Rows: Sync {
    /// `k`.
    fn k(&self) -> usize;
    /// The rows, as indexes.
    fn rows(&self) -> &[u32];
    /// `x_i` without the constant, into `out` (`k` values).
    fn x(&self, i: usize, out: &mut [f64]);
    /// `y_i`.
    fn y(&self, i: usize) -> f64;
    /// `w_i` (1 unweighted).
    fn w(&self, i: usize) -> f64;
}

/// Sums over the rows in parallel: `init` makes a zero accumulator, `add` folds a row in,
/// `merge` joins two.
fn fold<T: Send, R: Rows>(
    data: &R,
    init: impl Fn() -> T + Sync,
    add: impl Fn(&mut T, usize, &mut [f64]) + Sync,
    merge: impl Fn(T, T) -> T + Sync + Send,
) -> T {
    let k = data.k();
    data.rows()
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut acc = init();
            let mut x = vec![0.0; k];
            for &i in chunk {
                add(&mut acc, i as usize, &mut x);
            }
            acc
        })
        .reduce(&init, &merge)
}

/// Adds `f · v v'` into the upper triangle of the `k × k` row-major `m`.
fn add_outer(m: &mut [f64], v: &[f64], f: f64) {
    let k = v.len();
    for a in 0..k {
        let fa = f * v[a];
        if fa == 0.0 {
            continue;
        }
        let row = &mut m[a * k..(a + 1) * k];
        for b in a..k {
            row[b] += fa * v[b];
        }
    }
}

fn add_into(a: &mut [f64], b: &[f64]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}

/// A symmetric matrix from its upper triangle (row-major, `k × k`).
fn symmetric(k: usize, upper: &[f64]) -> DMatrix<f64> {
    DMatrix::from_fn(k, k, |r, c| {
        let (a, b) = if r <= c { (r, c) } else { (c, r) };
        upper[a * k + b]
    })
}

/// Checks `c` (centred cross-products) column by column with an unpivoted Cholesky: column
/// `j` is constant if `C_jj` is zero against `Σ w x_j²`, collinear if what is left of it after
/// the columns before it is a negligible part of it.
fn check_rank(c: &DMatrix<f64>, raw_square: &[f64]) -> Result<(), Singular> {
    let k = c.nrows();
    let mut l = DMatrix::<f64>::zeros(k, k);
    for j in 0..k {
        let cjj = c[(j, j)];
        // Written so that NaN counts as singular too.
        if cjj.is_nan() || cjj <= 1e-12 * raw_square[j].max(f64::MIN_POSITIVE) {
            return Err(Singular {
                column: j + 1,
                constant: true,
            });
        }
        let mut d = cjj;
        for t in 0..j {
            d -= l[(j, t)] * l[(j, t)];
        }
        if d.is_nan() || d <= 1e-9 * cjj {
            return Err(Singular {
                column: j + 1,
                constant: false,
            });
        }
        let ljj = d.sqrt();
        l[(j, j)] = ljj;
        for r in j + 1..k {
            let mut s = c[(r, j)];
            for t in 0..j {
                s -= l[(r, t)] * l[(j, t)];
            }
            l[(r, j)] = s / ljj;
        }
    }
    Ok(())
}

/// Fits the regression on `data`'s rows (at least `k + 2` of them: the caller checks).
pub(crate) fn fit<R: Rows>(data: &R, robust: bool) -> Result<Fit, Singular> {
    let k = data.k();
    let p = k + 1;
    // Pass 1: W, Σ w x, Σ w y.
    let (n, w_sum, sx, sy) = fold(
        data,
        || (0usize, 0.0, vec![0.0; k], 0.0),
        |acc, i, x| {
            data.x(i, x);
            let w = data.w(i);
            acc.0 += 1;
            acc.1 += w;
            for (s, v) in acc.2.iter_mut().zip(x.iter()) {
                *s += w * v;
            }
            acc.3 += w * data.y(i);
        },
        |mut a, b| {
            a.0 += b.0;
            a.1 += b.1;
            add_into(&mut a.2, &b.2);
            a.3 += b.3;
            a
        },
    );
    let xbar: Vec<f64> = sx.iter().map(|s| s / w_sum).collect();
    let ybar = sy / w_sum;
    // Pass 2: C, Σ w (x − x̄)(y − ȳ), Σ w (y − ȳ)², Σ w x² (for the constant-column test), and
    // with `robust` Σ w² (x − x̄)(x − x̄)'.
    struct Centred {
        c: Vec<f64>,
        cxy: Vec<f64>,
        syy: f64,
        sq: Vec<f64>,
        d: Vec<f64>,
    }
    let zero = || Centred {
        c: vec![0.0; k * k],
        cxy: vec![0.0; k],
        syy: 0.0,
        sq: vec![0.0; k],
        d: if robust { vec![0.0; k * k] } else { Vec::new() },
    };
    let centred = fold(
        data,
        zero,
        |acc, i, x| {
            data.x(i, x);
            let w = data.w(i);
            for (j, v) in x.iter_mut().enumerate() {
                acc.sq[j] += w * *v * *v;
                *v -= xbar[j];
            }
            let dy = data.y(i) - ybar;
            add_outer(&mut acc.c, x, w);
            for (s, v) in acc.cxy.iter_mut().zip(x.iter()) {
                *s += w * v * dy;
            }
            acc.syy += w * dy * dy;
            if robust {
                add_outer(&mut acc.d, x, w * w);
            }
        },
        |mut a, b| {
            add_into(&mut a.c, &b.c);
            add_into(&mut a.cxy, &b.cxy);
            a.syy += b.syy;
            add_into(&mut a.sq, &b.sq);
            add_into(&mut a.d, &b.d);
            a
        },
    );
    let c = symmetric(k, &centred.c);
    check_rank(&c, &centred.sq)?;
    let c_inv = c
        .clone()
        .cholesky()
        .ok_or(Singular {
            column: k.max(1),
            constant: false,
        })?
        .inverse();
    let b = &c_inv * nalgebra::DVector::from_column_slice(&centred.cxy);
    let slopes: Vec<f64> = b.iter().copied().collect();
    let intercept = ybar - xbar.iter().zip(&slopes).map(|(m, s)| m * s).sum::<f64>();
    // Pass 3: residuals: Σ w e², and with `robust` the meat Σ w² e² z z'.
    let (rss, meat) = fold(
        data,
        || (0.0, if robust { vec![0.0; p * p] } else { Vec::new() }),
        |acc, i, x| {
            data.x(i, x);
            let mut fitted = ybar;
            for (j, v) in x.iter_mut().enumerate() {
                *v -= xbar[j];
                fitted += *v * slopes[j];
            }
            let e = data.y(i) - fitted;
            let w = data.w(i);
            acc.0 += w * e * e;
            if robust {
                let f = w * w * e * e;
                // z = (1, x − x̄): the constant's row, then the rest.
                acc.1[0] += f;
                for (j, v) in x.iter().enumerate() {
                    acc.1[j + 1] += f * v;
                }
                let mut rest = vec![0.0; k * k];
                add_outer(&mut rest, x, f);
                for a in 0..k {
                    for bb in a..k {
                        acc.1[(a + 1) * p + bb + 1] += rest[a * k + bb];
                    }
                }
            }
        },
        |mut a, b| {
            a.0 += b.0;
            add_into(&mut a.1, &b.1);
            a
        },
    );
    let dof = (n - p) as f64;
    let mut bread = DMatrix::<f64>::zeros(p, p);
    bread[(0, 0)] = 1.0 / w_sum;
    bread.view_mut((1, 1), (k, k)).copy_from(&c_inv);
    let v_centred = if robust {
        let m = symmetric(p, &meat);
        &bread * m * &bread * (n as f64 / dof)
    } else {
        bread * (rss / dof)
    };
    let mut j = DMatrix::<f64>::identity(p, p);
    for (t, m) in xbar.iter().enumerate() {
        j[(0, t + 1)] = -m;
    }
    let v_beta = &j * v_centred * j.transpose();
    let mut v_xbar = DMatrix::<f64>::zeros(p, p);
    let nf = n as f64;
    let block = if robust {
        symmetric(k, &centred.d) * (nf / ((nf - 1.0) * w_sum * w_sum))
    } else {
        c * (1.0 / (w_sum * (nf - 1.0)))
    };
    v_xbar.view_mut((1, 1), (k, k)).copy_from(&block);
    let mut beta = vec![intercept];
    beta.extend(slopes);
    let mut xbar_full = vec![1.0];
    xbar_full.extend(xbar);
    Ok(Fit {
        n,
        weight: w_sum,
        xbar: xbar_full,
        ybar,
        beta,
        v_beta,
        v_xbar,
        r_squared: if centred.syy > 0.0 {
            1.0 - rss / centred.syy
        } else {
            1.0
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Table {
        x: Vec<Vec<f64>>,
        y: Vec<f64>,
        w: Vec<f64>,
        rows: Vec<u32>,
    }

    impl Rows for Table {
        fn k(&self) -> usize {
            self.x[0].len()
        }
        fn rows(&self) -> &[u32] {
            &self.rows
        }
        fn x(&self, i: usize, out: &mut [f64]) {
            out.copy_from_slice(&self.x[i]);
        }
        fn y(&self, i: usize) -> f64 {
            self.y[i]
        }
        fn w(&self, i: usize) -> f64 {
            self.w[i]
        }
    }

    /// y = 1 + 2x exactly: the fit is exact, the residual variance zero.
    #[test]
    fn exact_line() {
        let t = Table {
            x: (0..5).map(|i| vec![i as f64]).collect(),
            y: (0..5).map(|i| 1.0 + 2.0 * i as f64).collect(),
            w: vec![1.0; 5],
            rows: (0..5).collect(),
        };
        let f = fit(&t, false).unwrap();
        assert!((f.beta[0] - 1.0).abs() < 1e-12 && (f.beta[1] - 2.0).abs() < 1e-12);
        assert!(f.v_beta.iter().all(|v| v.abs() < 1e-20));
        assert_eq!(f.xbar, vec![1.0, 2.0]);
        // V(x̄) = s_x² / n = 2.5 / 5.
        assert!((f.v_xbar[(1, 1)] - 0.5).abs() < 1e-15);
    }

    /// Simple regression by hand: x = 1, 2, 3, 4; y = 2, 3, 5, 4. x̄ = 2.5, ȳ = 3.5, Sxx = 5,
    /// Sxy = 4, b = 0.8, a = 1.5; residuals -0.3, -0.1, 1.1, -0.7: RSS = 1.8, s² = 0.9;
    /// V(b) = 0.9 / 5 = 0.18; V(a) = 0.9 (1/4 + 2.5² / 5) = 1.35.
    #[test]
    fn simple_regression_by_hand() {
        let t = Table {
            x: vec![vec![1.0], vec![2.0], vec![3.0], vec![4.0]],
            y: vec![2.0, 3.0, 5.0, 4.0],
            w: vec![1.0; 4],
            rows: (0..4).collect(),
        };
        let f = fit(&t, false).unwrap();
        assert!((f.beta[1] - 0.8).abs() < 1e-14);
        assert!((f.beta[0] - 1.5).abs() < 1e-14);
        assert!((f.v_beta[(1, 1)] - 0.18).abs() < 1e-14);
        assert!((f.v_beta[(0, 0)] - 1.35).abs() < 1e-13);
        // Cov(a, b) = -x̄ V(b) = -0.45.
        assert!((f.v_beta[(0, 1)] + 0.45).abs() < 1e-14);
        assert!((f.r_squared - (1.0 - 1.8 / 5.0)).abs() < 1e-14);
    }

    #[test]
    fn constant_and_collinear_columns_are_named() {
        let t = Table {
            x: (0..6)
                .map(|i| vec![i as f64, 3.0, 2.0 * i as f64])
                .collect(),
            y: (0..6).map(|i| i as f64 * 1.5 + (i % 2) as f64).collect(),
            w: vec![1.0; 6],
            rows: (0..6).collect(),
        };
        let e = fit(&t, false).unwrap_err();
        assert_eq!(
            e,
            Singular {
                column: 2,
                constant: true
            }
        );
        let t = Table {
            x: (0..6)
                .map(|i| vec![i as f64, 2.0 * i as f64 + 1.0])
                .collect(),
            ..t
        };
        assert_eq!(
            fit(&t, false).unwrap_err(),
            Singular {
                column: 2,
                constant: false
            }
        );
    }
}

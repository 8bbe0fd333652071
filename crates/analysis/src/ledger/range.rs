//! The range of a formula over a box of input intervals.
//!
//! A formula is resolved into a [`Node`] tree over the underlying figures (variables), so a
//! figure that appears twice is one variable: `x / (x + y)` cannot widen the way interval
//! arithmetic on intermediate results does.
//!
//! [`range`] first encloses the formula's partial derivatives over the box (forward-mode
//! automatic differentiation in interval arithmetic). Where every partial keeps one sign, the
//! formula is monotone in each variable on the box, its minimum and maximum sit at two opposite
//! corners, and the range is **exact**: two evaluations. Otherwise the box is bisected along a
//! variable whose partial changes sign, up to [`MAX_BOXES`] sub-boxes, each handled the same way
//! (exact where monotone, the natural interval extension where not); the union is a
//! **guaranteed enclosure** of the range (up to floating-point rounding), and is marked so.

use std::fmt;

/// A resolved formula over variables `0..n`.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Const(f64),
    Var(usize),
    Neg(Box<Node>),
    Add(Box<Node>, Box<Node>),
    Sub(Box<Node>, Box<Node>),
    Mul(Box<Node>, Box<Node>),
    Div(Box<Node>, Box<Node>),
    Pow(Box<Node>, Box<Node>),
    Ln(Box<Node>),
    Exp(Box<Node>),
    Sqrt(Box<Node>),
    Abs(Box<Node>),
    Min(Vec<Node>),
    Max(Vec<Node>),
}

/// Why a formula has no value on the box.
#[derive(Debug, Clone, PartialEq)]
pub enum EvalError {
    /// A divisor whose values include zero, with its interval.
    DivisionByZero { divisor: Iv },
    /// The logarithm of a value that can be zero or negative.
    LogNonPositive { argument: Iv },
    /// The square root of a value that can be negative.
    SqrtNegative { argument: Iv },
    /// A power with a base that can be zero or negative and an exponent that is not a whole
    /// number.
    PowerDomain { base: Iv },
    /// The result overflows to infinity or is undefined at the given values.
    NotFinite,
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::DivisionByZero { divisor } => {
                write!(f, "division by a value that can be zero (the divisor lies in {divisor})")
            }
            EvalError::LogNonPositive { argument } => write!(
                f,
                "logarithm of a value that can be zero or negative (the argument lies in {argument})"
            ),
            EvalError::SqrtNegative { argument } => write!(
                f,
                "square root of a value that can be negative (the argument lies in {argument})"
            ),
            EvalError::PowerDomain { base } => write!(
                f,
                "power of a base that can be zero or negative (in {base}) to an exponent that is not a whole number"
            ),
            EvalError::NotFinite => write!(f, "the result is not a finite number"),
        }
    }
}

/// A closed interval with possibly infinite ends, for the engine's own arithmetic.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Iv {
    pub lo: f64,
    pub hi: f64,
}

impl fmt::Display for Iv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (lo, hi) = (
            crate::format::fmt_num(self.lo).0,
            crate::format::fmt_num(self.hi).0,
        );
        let open = if self.lo.is_finite() { '[' } else { '(' };
        let close = if self.hi.is_finite() { ']' } else { ')' };
        write!(f, "{open}{lo}, {hi}{close}")
    }
}

const ENTIRE: Iv = Iv {
    lo: f64::NEG_INFINITY,
    hi: f64::INFINITY,
};

fn mulb(x: f64, y: f64) -> f64 {
    if x == 0.0 || y == 0.0 {
        0.0
    } else {
        x * y
    }
}

/// An interval from two bounds that may be NaN (∞ - ∞): NaN widens to the unbounded side.
fn iv(lo: f64, hi: f64) -> Iv {
    Iv {
        lo: if lo.is_nan() { f64::NEG_INFINITY } else { lo },
        hi: if hi.is_nan() { f64::INFINITY } else { hi },
    }
}

impl Iv {
    pub fn point(x: f64) -> Iv {
        Iv { lo: x, hi: x }
    }

    pub fn is_point(&self) -> bool {
        self.lo == self.hi
    }

    fn contains_zero(&self) -> bool {
        self.lo <= 0.0 && self.hi >= 0.0
    }

    fn add(self, b: Iv) -> Iv {
        iv(self.lo + b.lo, self.hi + b.hi)
    }

    fn sub(self, b: Iv) -> Iv {
        iv(self.lo - b.hi, self.hi - b.lo)
    }

    fn neg(self) -> Iv {
        Iv {
            lo: -self.hi,
            hi: -self.lo,
        }
    }

    fn mul(self, b: Iv) -> Iv {
        let c = [
            mulb(self.lo, b.lo),
            mulb(self.lo, b.hi),
            mulb(self.hi, b.lo),
            mulb(self.hi, b.hi),
        ];
        iv(
            c.iter().copied().fold(f64::INFINITY, f64::min),
            c.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        )
    }

    fn recip(self) -> Option<Iv> {
        if self.contains_zero() {
            None
        } else {
            Some(Iv {
                lo: 1.0 / self.hi,
                hi: 1.0 / self.lo,
            })
        }
    }

    fn div(self, b: Iv) -> Option<Iv> {
        Some(self.mul(b.recip()?))
    }

    fn hull(self, b: Iv) -> Iv {
        Iv {
            lo: self.lo.min(b.lo),
            hi: self.hi.max(b.hi),
        }
    }

    /// `x^k` for a whole `k` (negative allowed when `x` excludes zero).
    fn powi(self, k: i32) -> Option<Iv> {
        if k == 0 {
            return Some(Iv::point(1.0));
        }
        if k < 0 {
            return self.powi(-k)?.recip();
        }
        let (a, b) = (self.lo.powi(k), self.hi.powi(k));
        // Odd powers are increasing; even ones too on [0, ∞), decreasing on (-∞, 0].
        Some(if k % 2 == 1 || self.lo >= 0.0 {
            iv(a, b)
        } else if self.hi <= 0.0 {
            iv(b, a)
        } else {
            iv(0.0, a.max(b))
        })
    }

    fn ln(self) -> Option<Iv> {
        (self.lo > 0.0).then(|| iv(self.lo.ln(), self.hi.ln()))
    }

    fn exp(self) -> Iv {
        iv(self.lo.exp(), self.hi.exp())
    }

    fn sqrt(self) -> Option<Iv> {
        (self.lo >= 0.0).then(|| iv(self.lo.sqrt(), self.hi.sqrt()))
    }

    fn abs(self) -> Iv {
        if self.lo >= 0.0 {
            self
        } else if self.hi <= 0.0 {
            self.neg()
        } else {
            iv(0.0, (-self.lo).max(self.hi))
        }
    }

    fn min(self, b: Iv) -> Iv {
        Iv {
            lo: self.lo.min(b.lo),
            hi: self.hi.min(b.hi),
        }
    }

    fn max(self, b: Iv) -> Iv {
        Iv {
            lo: self.lo.max(b.lo),
            hi: self.hi.max(b.hi),
        }
    }
}

/// The whole number `k` if the node is the constant `k`.
fn whole_const(n: &Node) -> Option<i32> {
    match n {
        Node::Const(k) if k.fract() == 0.0 && k.abs() <= 64.0 => Some(*k as i32),
        _ => None,
    }
}

/// Point evaluation, with the domain errors of [`EvalError`].
pub fn eval(n: &Node, x: &[f64]) -> Result<f64, EvalError> {
    let v = match n {
        Node::Const(c) => *c,
        Node::Var(i) => x[*i],
        Node::Neg(a) => -eval(a, x)?,
        Node::Add(a, b) => eval(a, x)? + eval(b, x)?,
        Node::Sub(a, b) => eval(a, x)? - eval(b, x)?,
        Node::Mul(a, b) => eval(a, x)? * eval(b, x)?,
        Node::Div(a, b) => {
            let d = eval(b, x)?;
            if d == 0.0 {
                return Err(EvalError::DivisionByZero {
                    divisor: Iv::point(d),
                });
            }
            eval(a, x)? / d
        }
        Node::Pow(a, b) => {
            let base = eval(a, x)?;
            match whole_const(b) {
                Some(k) => {
                    if base == 0.0 && k < 0 {
                        return Err(EvalError::DivisionByZero {
                            divisor: Iv::point(0.0),
                        });
                    }
                    base.powi(k)
                }
                None => {
                    let e = eval(b, x)?;
                    if base <= 0.0 && e.fract() != 0.0 {
                        return Err(EvalError::PowerDomain {
                            base: Iv::point(base),
                        });
                    }
                    base.powf(e)
                }
            }
        }
        Node::Ln(a) => {
            let v = eval(a, x)?;
            if v <= 0.0 {
                return Err(EvalError::LogNonPositive {
                    argument: Iv::point(v),
                });
            }
            v.ln()
        }
        Node::Exp(a) => eval(a, x)?.exp(),
        Node::Sqrt(a) => {
            let v = eval(a, x)?;
            if v < 0.0 {
                return Err(EvalError::SqrtNegative {
                    argument: Iv::point(v),
                });
            }
            v.sqrt()
        }
        Node::Abs(a) => eval(a, x)?.abs(),
        Node::Min(args) => args
            .iter()
            .try_fold(f64::INFINITY, |m, a| Ok(m.min(eval(a, x)?)))?,
        Node::Max(args) => args
            .iter()
            .try_fold(f64::NEG_INFINITY, |m, a| Ok(m.max(eval(a, x)?)))?,
    };
    if v.is_nan() {
        return Err(EvalError::NotFinite);
    }
    Ok(v)
}

/// A value with the enclosures of its partial derivatives.
struct Dual {
    v: Iv,
    d: Vec<Iv>,
}

impl Dual {
    fn map_d(&self, f: impl Fn(Iv) -> Iv) -> Vec<Iv> {
        self.d.iter().map(|&d| f(d)).collect()
    }
}

fn zip_d(a: &Dual, b: &Dual, f: impl Fn(Iv, Iv) -> Iv) -> Vec<Iv> {
    a.d.iter().zip(&b.d).map(|(&x, &y)| f(x, y)).collect()
}

/// Interval extension of the formula and of its gradient over the box. The value enclosure
/// errors where the formula is undefined somewhere in the box; a derivative that cannot be
/// enclosed is left unbounded (it only costs exactness, never correctness).
fn dual(n: &Node, b: &[Iv]) -> Result<Dual, EvalError> {
    let nv = b.len();
    Ok(match n {
        Node::Const(c) => Dual {
            v: Iv::point(*c),
            d: vec![Iv::point(0.0); nv],
        },
        Node::Var(i) => {
            let mut d = vec![Iv::point(0.0); nv];
            d[*i] = Iv::point(1.0);
            Dual { v: b[*i], d }
        }
        Node::Neg(a) => {
            let a = dual(a, b)?;
            Dual {
                v: a.v.neg(),
                d: a.map_d(Iv::neg),
            }
        }
        Node::Add(x, y) => {
            let (x, y) = (dual(x, b)?, dual(y, b)?);
            Dual {
                v: x.v.add(y.v),
                d: zip_d(&x, &y, Iv::add),
            }
        }
        Node::Sub(x, y) => {
            let (x, y) = (dual(x, b)?, dual(y, b)?);
            Dual {
                v: x.v.sub(y.v),
                d: zip_d(&x, &y, Iv::sub),
            }
        }
        Node::Mul(x, y) => {
            let (x, y) = (dual(x, b)?, dual(y, b)?);
            let (xv, yv) = (x.v, y.v);
            Dual {
                v: xv.mul(yv),
                d: zip_d(&x, &y, |dx, dy| dx.mul(yv).add(dy.mul(xv))),
            }
        }
        Node::Div(x, y) => {
            let (x, y) = (dual(x, b)?, dual(y, b)?);
            let q =
                x.v.div(y.v)
                    .ok_or(EvalError::DivisionByZero { divisor: y.v })?;
            let yv = y.v;
            Dual {
                v: q,
                d: zip_d(&x, &y, |dx, dy| dx.sub(q.mul(dy)).div(yv).unwrap_or(ENTIRE)),
            }
        }
        Node::Pow(x, y) => {
            let xd = dual(x, b)?;
            if let Some(k) = whole_const(y) {
                let v =
                    xd.v.powi(k)
                        .ok_or(EvalError::DivisionByZero { divisor: xd.v })?;
                let slope = if k == 0 {
                    Iv::point(0.0)
                } else {
                    xd.v.powi(k - 1)
                        .map(|p| p.mul(Iv::point(k as f64)))
                        .unwrap_or(ENTIRE)
                };
                Dual {
                    v,
                    d: xd.map_d(|dx| dx.mul(slope)),
                }
            } else {
                // x^y = exp(y ln x), x > 0
                let yd = dual(y, b)?;
                let lx = xd.v.ln().ok_or(EvalError::PowerDomain { base: xd.v })?;
                let v = yd.v.mul(lx).exp();
                let (xv, yv) = (xd.v, yd.v);
                Dual {
                    v,
                    d: zip_d(&xd, &yd, |dx, dy| {
                        let inner = dy.mul(lx).add(yv.mul(dx.div(xv).unwrap_or(ENTIRE)));
                        v.mul(inner)
                    }),
                }
            }
        }
        Node::Ln(x) => {
            let x = dual(x, b)?;
            let v =
                x.v.ln()
                    .ok_or(EvalError::LogNonPositive { argument: x.v })?;
            let xv = x.v;
            Dual {
                v,
                d: x.map_d(|dx| dx.div(xv).unwrap_or(ENTIRE)),
            }
        }
        Node::Exp(x) => {
            let x = dual(x, b)?;
            let v = x.v.exp();
            Dual {
                v,
                d: x.map_d(|dx| dx.mul(v)),
            }
        }
        Node::Sqrt(x) => {
            let x = dual(x, b)?;
            let v =
                x.v.sqrt()
                    .ok_or(EvalError::SqrtNegative { argument: x.v })?;
            let two_v = v.mul(Iv::point(2.0));
            Dual {
                v,
                d: x.map_d(|dx| dx.div(two_v).unwrap_or(ENTIRE)),
            }
        }
        Node::Abs(x) => {
            let x = dual(x, b)?;
            let sign = if x.v.lo >= 0.0 {
                Iv::point(1.0)
            } else if x.v.hi <= 0.0 {
                Iv::point(-1.0)
            } else {
                Iv { lo: -1.0, hi: 1.0 }
            };
            Dual {
                v: x.v.abs(),
                d: x.map_d(|dx| dx.mul(sign)),
            }
        }
        Node::Min(args) | Node::Max(args) => {
            let is_min = matches!(n, Node::Min(_));
            let ds = args
                .iter()
                .map(|a| dual(a, b))
                .collect::<Result<Vec<_>, _>>()?;
            let v = ds[1..]
                .iter()
                .fold(ds[0].v, |m, d| if is_min { m.min(d.v) } else { m.max(d.v) });
            // Arguments that can be the extreme somewhere in the box: the derivative is one of
            // theirs (a hull of monotone pieces of one sign keeps that sign).
            let live: Vec<&Dual> = ds
                .iter()
                .filter(|d| {
                    if is_min {
                        d.v.lo <= v.hi
                    } else {
                        d.v.hi >= v.lo
                    }
                })
                .collect();
            let d = (0..nv)
                .map(|i| live[1..].iter().fold(live[0].d[i], |h, x| h.hull(x.d[i])))
                .collect();
            Dual { v, d }
        }
    })
}

/// Whether a range is the exact range of the formula on the box or a guaranteed enclosure.
/// Serialized as `exact`, `enclosure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Exactness {
    /// The formula is monotone in each figure on the box: the bounds are attained.
    Exact,
    /// Not shown monotone: the true range lies inside these bounds, which may be wider.
    Enclosure,
}

/// The range of a formula on a box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub lo: f64,
    pub hi: f64,
    pub exactness: Exactness,
}

/// Sub-boxes examined at most when a formula is not monotone on the whole box.
pub const MAX_BOXES: usize = 512;

/// Point evaluation at a corner; `None` where the formula is undefined or ∞ - ∞ there (an
/// unbounded corner), so the caller falls back to the interval extension.
fn corner(n: &Node, x: &[f64]) -> Option<f64> {
    eval(n, x).ok().filter(|v| !v.is_nan())
}

/// The exact range on a box where the formula is monotone in every variable (signs from the
/// derivative enclosures), else `None`.
fn monotone_range(n: &Node, b: &[Iv], d: &Dual) -> Option<(f64, f64)> {
    let mut at_min = Vec::with_capacity(b.len());
    let mut at_max = Vec::with_capacity(b.len());
    for (i, bi) in b.iter().enumerate() {
        if bi.is_point() {
            at_min.push(bi.lo);
            at_max.push(bi.lo);
        } else if d.d[i].lo >= 0.0 {
            at_min.push(bi.lo);
            at_max.push(bi.hi);
        } else if d.d[i].hi <= 0.0 {
            at_min.push(bi.hi);
            at_max.push(bi.lo);
        } else {
            return None;
        }
    }
    let lo = corner(n, &at_min).unwrap_or(d.v.lo);
    let hi = corner(n, &at_max).unwrap_or(d.v.hi);
    Some((lo.max(d.v.lo), hi.min(d.v.hi)))
}

/// A finite split point of an interval (its midpoint when bounded).
fn split_point(v: Iv) -> f64 {
    match (v.lo.is_finite(), v.hi.is_finite()) {
        (true, true) => v.lo + (v.hi - v.lo) / 2.0,
        (true, false) => v.lo.abs().max(1.0) * 2.0 + v.lo.max(0.0),
        (false, true) => -(v.hi.abs().max(1.0) * 2.0) + v.hi.min(0.0),
        (false, false) => 0.0,
    }
}

/// The range of `n` over the box `b` (one interval per variable). Errors where the formula is
/// undefined somewhere in the box.
pub fn range(n: &Node, b: &[Iv]) -> Result<Range, EvalError> {
    let whole = dual(n, b)?;
    if let Some((lo, hi)) = monotone_range(n, b, &whole) {
        return Ok(Range {
            lo,
            hi,
            exactness: Exactness::Exact,
        });
    }
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let mut exact = true;
    let mut stack = vec![b.to_vec()];
    let mut examined = 0;
    while let Some(bx) = stack.pop() {
        examined += 1;
        let d = dual(n, &bx)?;
        if let Some((l, h)) = monotone_range(n, &bx, &d) {
            lo = lo.min(l);
            hi = hi.max(h);
            continue;
        }
        // Split along the widest variable whose partial changes sign; stop splitting when the
        // budget is spent and keep the interval extension.
        let pick = (0..bx.len())
            .filter(|&i| !bx[i].is_point() && d.d[i].lo < 0.0 && d.d[i].hi > 0.0)
            .max_by(|&i, &j| {
                (bx[i].hi - bx[i].lo)
                    .partial_cmp(&(bx[j].hi - bx[j].lo))
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
        match pick {
            Some(i) if examined + stack.len() < MAX_BOXES => {
                let m = split_point(bx[i]);
                let (mut left, mut right) = (bx.clone(), bx);
                left[i].hi = m;
                right[i].lo = m;
                stack.push(left);
                stack.push(right);
            }
            _ => {
                exact = false;
                lo = lo.min(d.v.lo);
                hi = hi.max(d.v.hi);
            }
        }
    }
    Ok(Range {
        lo,
        hi,
        exactness: if exact {
            // Every piece was monotone: the union of exact pieces is exact.
            Exactness::Exact
        } else {
            Exactness::Enclosure
        },
    })
}

/// Where a claim `d(x) OP 0` holds as one variable moves over its interval, the others fixed
/// at `point`: the sub-interval, if `d` is monotone in that variable there. Found by bisection
/// (60 steps; the bounds are good to the last bits of a double).
pub fn holds_on(
    d: &Node,
    var: usize,
    interval: Iv,
    point: &[f64],
    holds: impl Fn(f64) -> bool,
) -> Option<Iv> {
    let at = |x: f64| {
        let mut p = point.to_vec();
        p[var] = x;
        eval(d, &p).ok()
    };
    let mut b: Vec<Iv> = point.iter().map(|&p| Iv::point(p)).collect();
    b[var] = interval;
    let dd = dual(d, &b).ok()?;
    if !(dd.d[var].lo >= 0.0 || dd.d[var].hi <= 0.0) {
        return None;
    }
    if !interval.lo.is_finite() && !interval.hi.is_finite() {
        return None;
    }
    // An open end is replaced by the first point, stepping out from the finite end with
    // doubling steps, where the claim switches; if it never does, the finite end decides.
    let outward = |from: f64, dir: f64| -> Option<f64> {
        let h = holds(at(from)?);
        let mut step = from.abs().max(1.0);
        for _ in 0..2100 {
            let x = from + dir * step;
            if !x.is_finite() {
                return None;
            }
            if holds(at(x)?) != h {
                return Some(x);
            }
            step *= 2.0;
        }
        None
    };
    let a = if interval.lo.is_finite() {
        interval.lo
    } else {
        match outward(interval.hi, -1.0) {
            Some(x) => x,
            None => return holds(at(interval.hi)?).then_some(interval),
        }
    };
    let z = if interval.hi.is_finite() {
        interval.hi
    } else {
        match outward(interval.lo, 1.0) {
            Some(x) => x,
            None => return holds(at(interval.lo)?).then_some(interval),
        }
    };
    let (ha, hz) = (holds(at(a)?), holds(at(z)?));
    match (ha, hz) {
        (true, true) => Some(interval),
        (false, false) => None,
        _ => {
            // Bisection for the switch point, to the last bit of a double.
            let (mut l, mut r) = (a, z);
            for _ in 0..2200 {
                let m = l + (r - l) / 2.0;
                if m == l || m == r {
                    break;
                }
                if holds(at(m)?) == ha {
                    l = m;
                } else {
                    r = m;
                }
            }
            Some(if ha {
                Iv {
                    lo: interval.lo,
                    hi: l,
                }
            } else {
                Iv {
                    lo: r,
                    hi: interval.hi,
                }
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(i: usize) -> Box<Node> {
        Box::new(Node::Var(i))
    }

    fn c(x: f64) -> Box<Node> {
        Box::new(Node::Const(x))
    }

    /// Brute force: the min and max over a grid of the box (corners included), which is inside
    /// the true range, so every range must contain it.
    fn sampled(n: &Node, b: &[Iv], steps: usize) -> (f64, f64) {
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        let total = (steps + 1).pow(b.len() as u32);
        for k in 0..total {
            let mut rest = k;
            let x: Vec<f64> = b
                .iter()
                .map(|bi| {
                    let j = rest % (steps + 1);
                    rest /= steps + 1;
                    bi.lo + (bi.hi - bi.lo) * j as f64 / steps as f64
                })
                .collect();
            if let Ok(y) = eval(n, &x) {
                lo = lo.min(y);
                hi = hi.max(y);
            }
        }
        (lo, hi)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
    }

    #[test]
    fn a_shared_figure_does_not_widen_the_range() {
        // (b + c) / c with b exact 15,400 and c in [1,450, 1,550]: 1 + b/c, decreasing in c.
        let n = Node::Div(Box::new(Node::Add(v(0), v(1))), v(1));
        let b = [
            Iv::point(15_400.0),
            Iv {
                lo: 1450.0,
                hi: 1550.0,
            },
        ];
        let r = range(&n, &b).unwrap();
        assert_eq!(r.exactness, Exactness::Exact);
        assert!(
            close(r.lo, 16_950.0 / 1550.0) && close(r.hi, 16_850.0 / 1450.0),
            "{r:?}"
        );
        // Naive interval arithmetic on the intermediate sum gives the wider [16850/1550, 16950/1450].
        assert!(r.lo > 16_850.0 / 1550.0 && r.hi < 16_950.0 / 1450.0);
    }

    #[test]
    fn monotone_formulas_match_brute_force_exactly() {
        // ln(t / (b + c)) / ln(15/8), 100 * (1 - (b + c) / t), t / (s / 100)
        let cases: Vec<(Node, Vec<Iv>)> = vec![
            (
                Node::Div(
                    Box::new(Node::Ln(Box::new(Node::Div(
                        v(0),
                        Box::new(Node::Add(v(1), v(2))),
                    )))),
                    c((15.0f64 / 8.0).ln()),
                ),
                vec![
                    Iv {
                        lo: 80_000.0,
                        hi: 90_000.0,
                    },
                    Iv::point(15_400.0),
                    Iv {
                        lo: 1450.0,
                        hi: 1550.0,
                    },
                ],
            ),
            (
                Node::Mul(
                    c(100.0),
                    Box::new(Node::Sub(
                        c(1.0),
                        Box::new(Node::Div(Box::new(Node::Add(v(1), v(2))), v(0))),
                    )),
                ),
                vec![
                    Iv {
                        lo: 80_000.0,
                        hi: 90_000.0,
                    },
                    Iv {
                        lo: 15_350.0,
                        hi: 15_450.0,
                    },
                    Iv {
                        lo: 1450.0,
                        hi: 1550.0,
                    },
                ],
            ),
            (
                Node::Div(v(0), Box::new(Node::Div(v(1), c(100.0)))),
                vec![
                    Iv {
                        lo: 80_000.0,
                        hi: 90_000.0,
                    },
                    Iv {
                        lo: 13.75,
                        hi: 13.85,
                    },
                ],
            ),
        ];
        for (n, b) in cases {
            let r = range(&n, &b).unwrap();
            let (slo, shi) = sampled(&n, &b, 8);
            assert_eq!(r.exactness, Exactness::Exact);
            assert!(
                close(r.lo, slo) && close(r.hi, shi),
                "{r:?} vs [{slo}, {shi}]"
            );
        }
    }

    #[test]
    fn non_monotone_formulas_are_enclosed_and_tight() {
        // x * (1 - x) on [0, 1]: max 1/4 at x = 1/2, not at a corner.
        let n = Node::Mul(v(0), Box::new(Node::Sub(c(1.0), v(0))));
        let b = [Iv { lo: 0.0, hi: 1.0 }];
        let r = range(&n, &b).unwrap();
        let (slo, shi) = sampled(&n, &b, 1000);
        assert!(r.lo <= slo && r.hi >= shi, "{r:?}");
        assert!(r.hi - 0.25 < 0.01, "{r:?}");
        // (x - y)^2 with x, y in [0, 1]: range [0, 1].
        let n = Node::Pow(Box::new(Node::Sub(v(0), v(1))), c(2.0));
        let b = [Iv { lo: 0.0, hi: 1.0 }, Iv { lo: 0.0, hi: 1.0 }];
        let r = range(&n, &b).unwrap();
        let (slo, shi) = sampled(&n, &b, 50);
        assert!(r.lo <= slo + 1e-12 && r.hi >= shi - 1e-12, "{r:?}");
        assert!(r.hi <= 1.0 + 1e-9 && r.lo >= -0.05, "{r:?}");
        // abs(x - 3) on [0, 5]: not monotone at 3; the pieces are, so the result is exact.
        let n = Node::Abs(Box::new(Node::Sub(v(0), c(3.0))));
        let r = range(&n, &[Iv { lo: 0.0, hi: 5.0 }]).unwrap();
        assert!(close(r.lo, 0.0) || r.lo <= 0.0);
        assert!(close(r.hi, 3.0), "{r:?}");
    }

    #[test]
    fn random_formulas_contain_the_sampled_range() {
        // A small deterministic generator over the grammar's operations.
        let mut seed = 0x9e3779b97f4a7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        fn gen(depth: u32, next: &mut dyn FnMut() -> u64) -> Node {
            if depth == 0 || next().is_multiple_of(4) {
                return if next().is_multiple_of(3) {
                    Node::Const(1.0 + (next() % 5) as f64)
                } else {
                    Node::Var((next() % 3) as usize)
                };
            }
            let a = Box::new(gen(depth - 1, next));
            let b = Box::new(gen(depth - 1, next));
            match next() % 9 {
                0 => Node::Add(a, b),
                1 => Node::Sub(a, b),
                2 => Node::Mul(a, b),
                3 => Node::Div(a, b),
                4 => Node::Ln(Box::new(Node::Add(a, c(3.0)))),
                5 => Node::Exp(Box::new(Node::Div(a, c(10.0)))),
                6 => Node::Min(vec![*a, *b]),
                7 => Node::Abs(Box::new(Node::Sub(a, b))),
                _ => Node::Pow(a, c(2.0)),
            }
        }
        let b = [
            Iv { lo: 1.0, hi: 2.0 },
            Iv { lo: 0.5, hi: 3.0 },
            Iv { lo: 2.0, hi: 2.5 },
        ];
        let mut checked = 0;
        for _ in 0..400 {
            let n = gen(3, &mut next);
            let Ok(r) = range(&n, &b) else { continue };
            let (slo, shi) = sampled(&n, &b, 12);
            let tol = 1e-9 * slo.abs().max(shi.abs()).max(1.0);
            assert!(
                r.lo <= slo + tol && r.hi >= shi - tol,
                "{n:?}: {r:?} vs [{slo}, {shi}]"
            );
            checked += 1;
        }
        assert!(checked > 200, "{checked}");
    }

    #[test]
    fn domain_errors() {
        let b = [Iv { lo: -1.0, hi: 2.0 }];
        assert!(matches!(
            range(&Node::Div(c(1.0), v(0)), &b),
            Err(EvalError::DivisionByZero { .. })
        ));
        assert!(matches!(
            range(&Node::Ln(v(0)), &b),
            Err(EvalError::LogNonPositive { .. })
        ));
        assert!(matches!(
            range(&Node::Sqrt(v(0)), &b),
            Err(EvalError::SqrtNegative { .. })
        ));
        // An open bound: 30 / x for x in [5, ∞) is (0, 6].
        let r = range(
            &Node::Div(c(30.0), v(0)),
            &[Iv {
                lo: 5.0,
                hi: f64::INFINITY,
            }],
        )
        .unwrap();
        assert_eq!((r.lo, r.hi), (0.0, 6.0));
        let r = range(
            &Node::Mul(v(0), c(2.0)),
            &[Iv {
                lo: 12.0,
                hi: f64::INFINITY,
            }],
        )
        .unwrap();
        assert_eq!((r.lo, r.hi), (24.0, f64::INFINITY));
    }

    #[test]
    fn holds_on_finds_the_switch_point() {
        // x - 10 <= 0 for x in [5, 20]: holds on [5, 10].
        let d = Node::Sub(v(0), c(10.0));
        let h = holds_on(&d, 0, Iv { lo: 5.0, hi: 20.0 }, &[7.0], |y| y <= 0.0).unwrap();
        assert_eq!(h.lo, 5.0);
        assert!(close(h.hi, 10.0), "{h:?}");
        // open ends: x in [12, ∞): x <= 20 holds on [12, 20], x >= 20 on [20, ∞)
        let open = Iv {
            lo: 12.0,
            hi: f64::INFINITY,
        };
        let d = Node::Sub(v(0), c(20.0));
        let h = holds_on(&d, 0, open, &[12.0], |y| y <= 0.0).unwrap();
        assert!(h.lo == 12.0 && close(h.hi, 20.0), "{h:?}");
        let h = holds_on(&d, 0, open, &[12.0], |y| y >= 0.0).unwrap();
        assert!(close(h.lo, 20.0) && h.hi == f64::INFINITY, "{h:?}");
        let h = holds_on(&Node::Sub(v(0), c(1000.0)), 0, open, &[12.0], |y| y <= 0.0).unwrap();
        assert!(close(h.hi, 1000.0), "{h:?}");
        // (-∞, 5]: x <= 3 holds on (-∞, 3]
        let d = Node::Sub(v(0), c(3.0));
        let h = holds_on(
            &d,
            0,
            Iv {
                lo: f64::NEG_INFINITY,
                hi: 5.0,
            },
            &[5.0],
            |y| y <= 0.0,
        )
        .unwrap();
        assert!(h.lo == f64::NEG_INFINITY && close(h.hi, 3.0), "{h:?}");
    }
}

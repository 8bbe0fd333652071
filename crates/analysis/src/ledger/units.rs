//! Dimensional check of formulas against their declared unit.
//!
//! Units reduce to powers of three base dimensions: persons, money (rubles) and grades. Every
//! other unit of the vocabulary (ratios, multiples, percentages, shares, exponents, plain
//! numbers) is dimensionless. `+`, `-`, `min`, `max` and comparisons need equal dimensions,
//! `*` and `/` add and subtract powers, `ln` and `exp` need a dimensionless argument. A literal
//! number takes whatever dimension its partner has (`{count} + 1`, `1 - {percent} / 100`).
//! Scale factors between dimensionless units (percent vs share) are not checked.

use crate::unit::Unit;
use std::fmt;

/// Powers of persons, money and grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Dim([i8; 3]);

const NAMES: [&str; 3] = ["persons", "rubles", "grade"];

impl Dim {
    pub const NONE: Dim = Dim([0; 3]);

    fn base(i: usize) -> Dim {
        let mut d = [0; 3];
        d[i] = 1;
        Dim(d)
    }

    fn mul(self, b: Dim) -> Dim {
        Dim([self.0[0] + b.0[0], self.0[1] + b.0[1], self.0[2] + b.0[2]])
    }

    fn div(self, b: Dim) -> Dim {
        Dim([self.0[0] - b.0[0], self.0[1] - b.0[1], self.0[2] - b.0[2]])
    }

    fn scale(self, k: i8) -> Dim {
        Dim([self.0[0] * k, self.0[1] * k, self.0[2] * k])
    }
}

impl fmt::Display for Dim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Dim::NONE {
            return write!(f, "a pure number");
        }
        let parts: Vec<String> = (0..3)
            .filter(|&i| self.0[i] != 0)
            .map(|i| match self.0[i] {
                1 => NAMES[i].to_string(),
                k => format!("{}^{k}", NAMES[i]),
            })
            .collect();
        write!(f, "{}", parts.join(" × "))
    }
}

/// The dimension of a unit: persons, rubles and grades are base dimensions, everything else a
/// pure number.
pub fn dimension(unit: Unit) -> Dim {
    match unit {
        Unit::Persons => Dim::base(0),
        Unit::Rubles => Dim::base(1),
        Unit::Grade => Dim::base(2),
        _ => Dim::NONE,
    }
}

/// An inferred unit: a dimension, or free (a literal, which adapts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum U {
    Free,
    Of(Dim),
}

impl U {
    fn dim(self) -> Dim {
        match self {
            U::Free => Dim::NONE,
            U::Of(d) => d,
        }
    }
}

/// Unifies the operands of `+ - min max` or a comparison.
pub fn same(a: U, b: U) -> Result<U, (Dim, Dim)> {
    match (a, b) {
        (U::Free, x) | (x, U::Free) => Ok(x),
        (U::Of(x), U::Of(y)) if x == y => Ok(a),
        (U::Of(x), U::Of(y)) => Err((x, y)),
    }
}

pub fn mul(a: U, b: U) -> U {
    match (a, b) {
        (U::Free, U::Free) => U::Free,
        _ => U::Of(a.dim().mul(b.dim())),
    }
}

pub fn div(a: U, b: U) -> U {
    match (a, b) {
        (U::Free, U::Free) => U::Free,
        _ => U::Of(a.dim().div(b.dim())),
    }
}

/// `a ^ k`: needs a whole literal exponent when `a` has a dimension.
pub fn pow(a: U, k: Option<f64>) -> Option<U> {
    match a {
        U::Free => Some(U::Free),
        U::Of(d) if d == Dim::NONE => Some(a),
        U::Of(d) => match k {
            Some(k) if k.fract() == 0.0 && k.abs() <= 8.0 => Some(U::Of(d.scale(k as i8))),
            _ => None,
        },
    }
}

/// `sqrt(a)`: needs even powers.
pub fn sqrt(a: U) -> Option<U> {
    match a {
        U::Free => Some(U::Free),
        U::Of(Dim(p)) if p.iter().all(|k| k % 2 == 0) => {
            Some(U::Of(Dim([p[0] / 2, p[1] / 2, p[2] / 2])))
        }
        U::Of(_) => None,
    }
}

/// Whether a result unit can be reported as the declared dimension.
pub fn fits(inferred: U, declared: Dim) -> bool {
    match inferred {
        U::Free => true,
        U::Of(d) => d == declared,
    }
}

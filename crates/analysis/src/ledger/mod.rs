//! The ledger engine: derived figures and checks written as formulas over reported figures,
//! evaluated in dependency order with honest intervals.
//!
//! The engine knows nothing of any source. It takes a map of input [`Quantity`]s (a dataset's
//! figures, each with its point value, the interval its qualifier stands for, its unit and the
//! assumptions it rests on) and a list of [`Spec`]s (derived lines and checks, parsed with
//! [`parse`]), and returns one [`Outcome`] per spec. The rules (docs/ledger.md):
//!
//! - **Intervals.** A derived line's interval is the range of its formula over the intervals of
//!   the underlying figures, derived lines being expanded into the figures they rest on, so a
//!   figure that appears twice is varied once ([`range`]). The range is exact where the formula
//!   is monotone in each figure on the box (the usual case), otherwise a guaranteed enclosure;
//!   [`Exactness`] says which. Unbounded ends (`at least 12` is `[12, ∞)`) are kept.
//! - **Verdicts.** A check `lhs OP rhs` is PASS when it holds for every value in the intervals,
//!   FAIL when it holds for none, UNDECIDED otherwise, with the sub-interval of each uncertain
//!   figure (the others at their point values) where it would hold. Comparisons allow a
//!   relative tolerance of 1e-9 (so `==` between exact numbers compares within 1e-9 relative).
//! - **Assumptions** are inherited: a line lists its own `assumes` and every assumption of the
//!   figures and lines under it, by id.
//! - **Not available.** A division by a value that can be zero, the logarithm of a value that
//!   can be non-positive, a reference to a line that is itself not available: the line is
//!   [`Outcome::Unavailable`] with the reason; the other lines are still evaluated.

pub mod parse;
pub mod range;
pub mod units;

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::format::fmt_num;
use crate::interval::Interval;
use crate::unit::Unit;
use parse::{BinOp, Claim, Cmp, Expr, Func, Ref};
use range::{EvalError, Node};
pub use range::{Exactness, Iv};
use units::U;

/// An input of the ledger: a reported figure (or a field of a record, such as a grade rule's
/// supplement), with the interval its wording stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// The value as stated; `None` when the input has no single value (then only `lo()` and
    /// `hi()` may use it).
    pub point: Option<f64>,
    pub interval: Interval,
    pub unit: Unit,
    /// Ids of the assumptions the figure itself rests on (an assumed figure, a convention).
    pub assumptions: Vec<String>,
}

/// What formulas may refer to: known quantities, and keys a dataset defines but cannot give a
/// value for (a pay scale without that grade), with the reason. A line that refers to an absent
/// key is not available, with that reason; it is not a mistake in the dataset.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Inputs {
    pub known: BTreeMap<String, Quantity>,
    pub absent: BTreeMap<String, String>,
}

impl From<BTreeMap<String, Quantity>> for Inputs {
    fn from(known: BTreeMap<String, Quantity>) -> Self {
        Inputs {
            known,
            absent: BTreeMap::new(),
        }
    }
}

/// How a derived line computes its value.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// One formula: a point value and the range of the formula.
    Formula(Expr),
    /// A window: every value between two formulas, with no point value.
    Window { low: Expr, high: Expr },
}

/// A derived line to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct DerivedSpec {
    pub id: String,
    pub body: Body,
    pub unit: Unit,
    /// Assumption ids stated on the line itself.
    pub assumes: Vec<String>,
}

/// A check to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckSpec {
    pub id: String,
    pub claim: Claim,
    pub assumes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Spec {
    Derived(DerivedSpec),
    Check(CheckSpec),
}

impl Spec {
    pub fn id(&self) -> &str {
        match self {
            Spec::Derived(d) => &d.id,
            Spec::Check(c) => &c.id,
        }
    }

    fn assumes(&self) -> &[String] {
        match self {
            Spec::Derived(d) => &d.assumes,
            Spec::Check(c) => &c.assumes,
        }
    }

    /// The formulas of the spec with the name of the field each came from.
    pub fn formulas(&self) -> Vec<(&'static str, &Expr)> {
        match self {
            Spec::Derived(DerivedSpec {
                body: Body::Formula(e),
                ..
            }) => vec![("formula", e)],
            Spec::Derived(DerivedSpec {
                body: Body::Window { low, high },
                ..
            }) => vec![("low", low), ("high", high)],
            Spec::Check(c) => vec![("claim", &c.claim.lhs), ("claim", &c.claim.rhs)],
        }
    }
}

/// A one-sided line (`at_least(...)`, `at_most(...)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    AtLeast,
    AtMost,
}

/// A derived line's value.
#[derive(Debug, Clone, PartialEq)]
pub struct DerivedValue {
    pub id: String,
    /// `None` for a window.
    pub point: Option<f64>,
    pub interval: Interval,
    pub exactness: Exactness,
    pub bound: Option<Bound>,
    /// The formula with the numbers substituted and its result: "80 / 2 = 40".
    pub formula: String,
    /// The ids the formula names, in order, without repeats.
    pub inputs: Vec<String>,
    /// The reported figures (and opaque lines) the interval was computed over.
    pub underlying: Vec<String>,
    /// Assumption ids, own and inherited, in first-met order.
    pub assumptions: Vec<String>,
}

/// The three-valued verdict of a check. Serialized as `pass`, `fail`, `undecided`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Holds for every value in the intervals.
    Pass,
    /// Holds for none.
    Fail,
    /// Holds for some values and not others.
    Undecided,
}

impl Verdict {
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
            Verdict::Undecided => "UNDECIDED",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// A check's result.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckValue {
    pub id: String,
    pub verdict: Verdict,
    /// Point value and range of each side.
    pub lhs: (f64, Interval),
    pub rhs: (f64, Interval),
    /// The range of `lhs - rhs` over the joint box (shared figures vary once).
    pub difference: Interval,
    pub exactness: Exactness,
    /// For UNDECIDED: each uncertain figure with the sub-interval where the claim would hold
    /// (the other figures at their point values).
    pub holds_for: Vec<(String, Interval)>,
    /// One line with the numbers and the verdict.
    pub detail: String,
    pub inputs: Vec<String>,
    pub assumptions: Vec<String>,
}

/// A line the engine could not evaluate, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Unavailable {
    pub id: String,
    /// "division by a value that can be zero (...)", "`x` is not available: ...".
    pub reason: String,
    pub inputs: Vec<String>,
    pub assumptions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Derived(DerivedValue),
    Check(CheckValue),
    Unavailable(Unavailable),
}

impl Outcome {
    pub fn id(&self) -> &str {
        match self {
            Outcome::Derived(d) => &d.id,
            Outcome::Check(c) => &c.id,
            Outcome::Unavailable(u) => &u.id,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Static validation

/// A problem with a spec found before evaluation (the dataset's author must fix it).
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// A reference names nothing in the dataset.
    UnknownId {
        field: &'static str,
        column: usize,
        id: String,
        suggestion: Option<String>,
    },
    /// A reference names a check, which has no value.
    RefersToCheck {
        field: &'static str,
        column: usize,
        id: String,
    },
    /// `assumes` names no assumption.
    UnknownAssumption {
        id: String,
        suggestion: Option<String>,
    },
    /// Units that cannot be combined, or a result in another unit than declared.
    UnitClash {
        field: &'static str,
        column: usize,
        message: String,
    },
    /// `at_least` / `at_most` inside a formula rather than around all of it.
    BoundNotOutermost { field: &'static str, column: usize },
    /// The line depends on itself; the ids of the cycle in order, the first repeated last.
    Cycle { ids: Vec<String> },
    /// A range figure or a window used as a single value (outside `lo()` / `hi()`).
    NoSingleValue {
        field: &'static str,
        column: usize,
        id: String,
        what: &'static str,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::UnknownId {
                column,
                id,
                suggestion,
                ..
            } => {
                write!(f, "column {column}: `{{{id}}}` names no figure, record or derived line")?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean `{{{s}}}`?"),
                    None => write!(f, "; use the id of a figure, a grade rule field or a [[derived]] line"),
                }
            }
            Problem::RefersToCheck { column, id, .. } => write!(
                f,
                "column {column}: `{{{id}}}` is a [[check]], which has no value; refer to figures and [[derived]] lines"
            ),
            Problem::UnknownAssumption { id, suggestion } => {
                write!(f, "`{id}` names no [[assumption]]")?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean `{s}`?"),
                    None => write!(f, "; declare it as an [[assumption]] with a statement and a basis"),
                }
            }
            Problem::UnitClash { column, message, .. } => write!(f, "column {column}: {message}"),
            Problem::BoundNotOutermost { column, .. } => write!(
                f,
                "column {column}: at_least(...) and at_most(...) must wrap the whole formula"
            ),
            Problem::NoSingleValue { column, id, what, .. } => write!(
                f,
                "column {column}: `{{{id}}}` is {what} with no single value; use lo({{{id}}}) or hi({{{id}}}), the ends of its interval"
            ),
            Problem::Cycle { ids } => write!(
                f,
                "the lines depend on each other in a cycle: {}; break the cycle",
                ids.join(" -> ")
            ),
        }
    }
}

impl Problem {
    /// The field of the spec the problem is in.
    pub fn field(&self) -> &'static str {
        match self {
            Problem::UnknownId { field, .. }
            | Problem::RefersToCheck { field, .. }
            | Problem::UnitClash { field, .. }
            | Problem::BoundNotOutermost { field, .. }
            | Problem::NoSingleValue { field, .. } => field,
            Problem::UnknownAssumption { .. } => "assumes",
            Problem::Cycle { .. } => "formula",
        }
    }
}

/// Levenshtein distance, for "did you mean".
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The candidate nearest to `id`, if it is near enough to be a likely typo.
pub fn nearest<'a>(id: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let limit = (id.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (distance(id, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c.to_string())
}

/// Every problem of the specs against the inputs and the declared assumption ids: unknown ids
/// (with the nearest id), references to checks, unknown units, unit clashes, misplaced bounds
/// and cycles. Returns `(index of the spec, problem)` pairs in spec order.
pub fn validate(inputs: &Inputs, assumptions: &[String], specs: &[Spec]) -> Vec<(usize, Problem)> {
    let absent = &inputs.absent;
    let inputs = &inputs.known;
    let derived: HashMap<&str, usize> = specs
        .iter()
        .enumerate()
        .filter(|(_, s)| matches!(s, Spec::Derived(_)))
        .map(|(i, s)| (s.id(), i))
        .collect();
    let checks: HashMap<&str, usize> = specs
        .iter()
        .enumerate()
        .filter(|(_, s)| matches!(s, Spec::Check(_)))
        .map(|(i, s)| (s.id(), i))
        .collect();
    let mut out = Vec::new();
    let known = || {
        inputs
            .keys()
            .map(String::as_str)
            .chain(derived.keys().copied())
    };
    for (i, s) in specs.iter().enumerate() {
        for a in s.assumes() {
            if !assumptions.contains(a) {
                out.push((
                    i,
                    Problem::UnknownAssumption {
                        id: a.clone(),
                        suggestion: nearest(a, assumptions.iter().map(String::as_str)),
                    },
                ));
            }
        }
        let mut unresolved = false;
        for (field, e) in s.formulas() {
            for r in e.refs() {
                let key = r.key();
                if inputs.contains_key(&key)
                    || absent.contains_key(&key)
                    || (r.field.is_none() && derived.contains_key(key.as_str()))
                {
                    continue;
                }
                unresolved = true;
                if r.field.is_none() && checks.contains_key(key.as_str()) {
                    out.push((
                        i,
                        Problem::RefersToCheck {
                            field,
                            column: r.column,
                            id: key,
                        },
                    ));
                } else {
                    out.push((
                        i,
                        Problem::UnknownId {
                            field,
                            column: r.column,
                            suggestion: nearest(&key, known()),
                            id: key,
                        },
                    ));
                }
            }
            bounds_outermost(e, field, true, &mut |p| out.push((i, p)));
            single_values(e, false, &mut |r| {
                let key = r.key();
                let what = if inputs.get(&key).is_some_and(|q| q.point.is_none()) {
                    Some("a range")
                } else {
                    match derived.get(key.as_str()).map(|&j| &specs[j]) {
                        Some(Spec::Derived(DerivedSpec {
                            body: Body::Window { .. },
                            ..
                        })) if r.field.is_none() => Some("a window"),
                        _ => None,
                    }
                };
                if let Some(what) = what {
                    out.push((
                        i,
                        Problem::NoSingleValue {
                            field,
                            column: r.column,
                            id: key,
                            what,
                        },
                    ));
                }
            });
        }
        if !unresolved {
            unit_check(s, inputs, specs, &derived, &mut |p| out.push((i, p)));
        }
    }
    for (_, path) in cycles(&dependencies(specs, &derived)) {
        let mut ids: Vec<String> = path.iter().map(|&i| specs[i].id().to_string()).collect();
        if ids.len() > 12 {
            // A message stays one readable line: the start of the cycle and its way back.
            let n = ids.len() - 1;
            let tail = ids.split_off(n - 2);
            ids.truncate(8);
            ids.push(format!("... ({n} lines) ..."));
            ids.extend(tail);
        }
        out.push((path[0], Problem::Cycle { ids }));
    }
    out.sort_by_key(|(i, _)| *i);
    out
}

/// Calls `f` for every reference used as a value (outside `lo()` and `hi()`).
fn single_values(e: &Expr, in_end: bool, f: &mut dyn FnMut(&Ref)) {
    match e {
        Expr::Num(_) => {}
        Expr::Ref(r) => {
            if !in_end {
                f(r)
            }
        }
        Expr::Neg(a) => single_values(a, in_end, f),
        Expr::Bin(_, a, b) => {
            single_values(a, in_end, f);
            single_values(b, in_end, f);
        }
        Expr::Call(func, args, _) => {
            let end = in_end || matches!(func, Func::Lo | Func::Hi);
            args.iter().for_each(|a| single_values(a, end, f));
        }
    }
}

fn bounds_outermost(e: &Expr, field: &'static str, top: bool, out: &mut dyn FnMut(Problem)) {
    match e {
        Expr::Call(Func::AtLeast | Func::AtMost, args, column) => {
            if !top {
                out(Problem::BoundNotOutermost {
                    field,
                    column: *column,
                });
            }
            args.iter()
                .for_each(|a| bounds_outermost(a, field, false, out));
        }
        Expr::Call(_, args, _) => args
            .iter()
            .for_each(|a| bounds_outermost(a, field, false, out)),
        Expr::Neg(a) => bounds_outermost(a, field, false, out),
        Expr::Bin(_, a, b) => {
            bounds_outermost(a, field, false, out);
            bounds_outermost(b, field, false, out);
        }
        Expr::Num(_) | Expr::Ref(_) => {}
    }
}

/// For each spec, the derived lines its formulas name (indices, without repeats).
fn dependencies(specs: &[Spec], derived: &HashMap<&str, usize>) -> Vec<Vec<usize>> {
    specs
        .iter()
        .map(|s| {
            let mut v: Vec<usize> = s
                .formulas()
                .iter()
                .flat_map(|(_, e)| e.refs())
                .filter(|r| r.field.is_none())
                .filter_map(|r| derived.get(r.id.as_str()).copied())
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect()
}

/// The cycles among derived lines: for each strongly connected component that is a cycle (two
/// or more lines, or a line naming itself), its members and one cycle through them as indices
/// (the first repeated last). Tarjan's algorithm with an explicit stack, so a chain of any
/// length cannot overflow the call stack.
fn cycles(deps: &[Vec<usize>]) -> Vec<(Vec<usize>, Vec<usize>)> {
    let n = deps.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut out = Vec::new();
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut child)) = work.last_mut() {
            if let Some(&w) = deps[v].get(*child) {
                *child += 1;
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut members = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    members.push(w);
                    if w == v {
                        break;
                    }
                }
                if members.len() > 1 || deps[v].contains(&v) {
                    members.sort_unstable();
                    let path = cycle_path(&members, deps);
                    out.push((members, path));
                }
            }
        }
    }
    out.sort();
    out
}

/// "a -> b -> a", shortened for a long cycle.
fn cycle_text(specs: &[Spec], path: &[usize]) -> String {
    let ids: Vec<&str> = path.iter().map(|&i| specs[i].id()).collect();
    if ids.len() <= 12 {
        return ids.join(" -> ");
    }
    let n = ids.len() - 1;
    format!(
        "{} -> ... ({n} lines) ... -> {}",
        ids[..8].join(" -> "),
        ids[n - 2..].join(" -> ")
    )
}

/// One cycle through a strongly connected component, from its first member.
fn cycle_path(members: &[usize], deps: &[Vec<usize>]) -> Vec<usize> {
    let mut path = vec![members[0]];
    loop {
        let cur = *path.last().expect("the path starts with a member");
        let Some(&nxt) = deps[cur].iter().find(|d| members.binary_search(d).is_ok()) else {
            return path;
        };
        if let Some(at) = path.iter().position(|&p| p == nxt) {
            let mut cycle = path.split_off(at);
            cycle.push(nxt);
            return cycle;
        }
        path.push(nxt);
    }
}

fn first_column(e: &Expr) -> usize {
    match e {
        Expr::Ref(r) => r.column,
        Expr::Call(_, _, c) => *c,
        Expr::Neg(a) => first_column(a),
        Expr::Bin(_, a, b) => {
            let c = first_column(a);
            if c > 0 {
                c
            } else {
                first_column(b)
            }
        }
        Expr::Num(_) => 0,
    }
}

fn unit_check(
    s: &Spec,
    inputs: &BTreeMap<String, Quantity>,
    specs: &[Spec],
    derived: &HashMap<&str, usize>,
    out: &mut dyn FnMut(Problem),
) {
    let unit_of = |r: &Ref| -> U {
        let key = r.key();
        let unit = match inputs.get(&key) {
            Some(q) => Some(q.unit),
            None => match derived.get(key.as_str()).map(|&i| &specs[i]) {
                Some(Spec::Derived(d)) => Some(d.unit),
                _ => None,
            },
        };
        unit.map_or(U::Free, |u| U::Of(units::dimension(u)))
    };
    fn infer(
        e: &Expr,
        field: &'static str,
        unit_of: &dyn Fn(&Ref) -> U,
        out: &mut dyn FnMut(Problem),
    ) -> U {
        match e {
            Expr::Num(_) => U::Free,
            Expr::Ref(r) => unit_of(r),
            Expr::Neg(a) => infer(a, field, unit_of, out),
            Expr::Bin(op, a, b) => {
                let (ua, ub) = (infer(a, field, unit_of, out), infer(b, field, unit_of, out));
                match op {
                    BinOp::Add | BinOp::Sub => units::same(ua, ub).unwrap_or_else(|(x, y)| {
                        out(Problem::UnitClash {
                            field,
                            column: first_column(b).max(first_column(a)),
                            message: format!(
                                "`{}` {} {x} and {y}: both sides of + and - need the same unit",
                                e.render(&|r| format!("{{{}}}", r.key())),
                                if *op == BinOp::Add {
                                    "adds"
                                } else {
                                    "subtracts"
                                },
                            ),
                        });
                        ua
                    }),
                    BinOp::Mul => units::mul(ua, ub),
                    BinOp::Div => units::div(ua, ub),
                    BinOp::Pow => {
                        let k = match **b {
                            Expr::Num(k) => Some(k),
                            _ => None,
                        };
                        if !matches!(ub, U::Free) && ub != U::Of(units::Dim::NONE) {
                            out(Problem::UnitClash {
                                field,
                                column: first_column(b),
                                message: "an exponent must be a pure number".into(),
                            });
                        }
                        units::pow(ua, k).unwrap_or_else(|| {
                            out(Problem::UnitClash {
                                field,
                                column: first_column(a),
                                message: "a quantity with a unit can only be raised to a whole number written in the formula".into(),
                            });
                            ua
                        })
                    }
                }
            }
            Expr::Call(f, args, column) => {
                let us: Vec<U> = args.iter().map(|a| infer(a, field, unit_of, out)).collect();
                match f {
                    Func::Ln | Func::Exp => {
                        if let U::Of(d) = us[0] {
                            if d != units::Dim::NONE {
                                out(Problem::UnitClash {
                                    field,
                                    column: *column,
                                    message: format!(
                                        "{}() of {d}: the argument must be a pure number (divide by a quantity of the same unit)",
                                        f.name()
                                    ),
                                });
                            }
                        }
                        U::Of(units::Dim::NONE)
                    }
                    Func::Sqrt => units::sqrt(us[0]).unwrap_or_else(|| {
                        out(Problem::UnitClash {
                            field,
                            column: *column,
                            message: "sqrt() of a unit with an odd power".into(),
                        });
                        us[0]
                    }),
                    Func::Min | Func::Max => us[1..].iter().fold(us[0], |acc, &u| {
                        units::same(acc, u).unwrap_or_else(|(x, y)| {
                            out(Problem::UnitClash {
                                field,
                                column: *column,
                                message: format!(
                                    "{}() of {x} and {y}: the arguments need the same unit",
                                    f.name()
                                ),
                            });
                            acc
                        })
                    }),
                    Func::Abs | Func::Lo | Func::Hi | Func::AtLeast | Func::AtMost => us[0],
                }
            }
        }
    }
    match s {
        Spec::Derived(d) => {
            let declared = units::dimension(d.unit);
            for (field, e) in s.formulas() {
                let u = infer(e, field, &unit_of, out);
                if !units::fits(u, declared) {
                    let U::Of(got) = u else { continue };
                    out(Problem::UnitClash {
                        field,
                        column: 1,
                        message: format!(
                            "the formula gives {got}, but the line's unit `{}` is {declared}; fix the formula or the unit",
                            d.unit.key()
                        ),
                    });
                }
            }
        }
        Spec::Check(c) => {
            let (l, r) = (
                infer(&c.claim.lhs, "claim", &unit_of, out),
                infer(&c.claim.rhs, "claim", &unit_of, out),
            );
            if let Err((x, y)) = units::same(l, r) {
                out(Problem::UnitClash {
                    field: "claim",
                    column: first_column(&c.claim.rhs),
                    message: format!(
                        "the claim compares {x} with {y}: both sides need the same unit"
                    ),
                });
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/// A derived line once evaluated, as other lines see it.
#[derive(Clone)]
enum Seen {
    /// Expanded into the figures it rests on when referenced.
    Transparent {
        node: std::rc::Rc<Node>,
        point: f64,
        interval: Iv,
        size: usize,
        /// Whether its tree holds a line used by its interval (so any expansion of it does).
        enclosed: bool,
    },
    /// Referenced as a variable of its own (windows and one-sided lines).
    Opaque {
        var: usize,
    },
    Unavailable(String),
}

struct Var {
    key: String,
    iv: Iv,
    point: Option<f64>,
}

struct Engine<'a> {
    inputs: &'a BTreeMap<String, Quantity>,
    absent: &'a BTreeMap<String, String>,
    specs: &'a [Spec],
    derived: HashMap<&'a str, usize>,
    vars: Vec<Var>,
    var_of: HashMap<String, usize>,
    seen: Vec<Option<Seen>>,
    /// Assumptions of each evaluated derived line.
    line_assumptions: Vec<Vec<String>>,
    outcomes: Vec<Option<Outcome>>,
    in_progress: Vec<bool>,
}

/// What resolving a formula collects.
#[derive(Default)]
struct Acc {
    inputs: Vec<String>,
    assumptions: Vec<String>,
    /// A referenced line was used by its interval rather than expanded.
    enclosed: bool,
    /// Figures used only through lo() / hi() (constants in the tree, but rested on).
    ends: Vec<String>,
}

/// A referenced derived line is expanded into its figures up to this many nodes; beyond, its
/// interval is used (interval arithmetic on an intermediate result: an enclosure).
const MAX_INLINE_NODES: usize = 500;

/// Nodes renumbered over the variables they use.
struct Local {
    nodes: Vec<Node>,
    bx: Vec<Iv>,
    points: Vec<f64>,
    keys: Vec<String>,
}

fn collect_vars(n: &Node, out: &mut Vec<usize>) {
    match n {
        Node::Const(_) => {}
        Node::Var(i) => out.push(*i),
        Node::Neg(a) | Node::Ln(a) | Node::Exp(a) | Node::Sqrt(a) | Node::Abs(a) => {
            collect_vars(a, out)
        }
        Node::Add(a, b) | Node::Sub(a, b) | Node::Mul(a, b) | Node::Div(a, b) | Node::Pow(a, b) => {
            collect_vars(a, out);
            collect_vars(b, out);
        }
        Node::Min(v) | Node::Max(v) => v.iter().for_each(|x| collect_vars(x, out)),
    }
}

fn node_size(n: &Node) -> usize {
    1 + match n {
        Node::Const(_) | Node::Var(_) => 0,
        Node::Neg(a) | Node::Ln(a) | Node::Exp(a) | Node::Sqrt(a) | Node::Abs(a) => node_size(a),
        Node::Add(a, b) | Node::Sub(a, b) | Node::Mul(a, b) | Node::Div(a, b) | Node::Pow(a, b) => {
            node_size(a) + node_size(b)
        }
        Node::Min(v) | Node::Max(v) => v.iter().map(node_size).sum(),
    }
}

fn renumber(n: &Node, index: &HashMap<usize, usize>) -> Node {
    let b = |x: &Node| Box::new(renumber(x, index));
    match n {
        Node::Const(c) => Node::Const(*c),
        Node::Var(i) => Node::Var(index[i]),
        Node::Neg(a) => Node::Neg(b(a)),
        Node::Ln(a) => Node::Ln(b(a)),
        Node::Exp(a) => Node::Exp(b(a)),
        Node::Sqrt(a) => Node::Sqrt(b(a)),
        Node::Abs(a) => Node::Abs(b(a)),
        Node::Add(x, y) => Node::Add(b(x), b(y)),
        Node::Sub(x, y) => Node::Sub(b(x), b(y)),
        Node::Mul(x, y) => Node::Mul(b(x), b(y)),
        Node::Div(x, y) => Node::Div(b(x), b(y)),
        Node::Pow(x, y) => Node::Pow(b(x), b(y)),
        Node::Min(v) => Node::Min(v.iter().map(|x| renumber(x, index)).collect()),
        Node::Max(v) => Node::Max(v.iter().map(|x| renumber(x, index)).collect()),
    }
}

fn push_unique(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

/// The engine's interval as the toolkit's [`Interval`]; an interval no number can be in (an
/// overflow to infinity at both ends) makes the line not available.
fn public(iv: Iv) -> Result<Interval, String> {
    Interval::new(iv.lo, iv.hi).map_err(|_| EvalError::NotFinite.to_string())
}

fn engine_iv(i: Interval) -> Iv {
    Iv {
        lo: i.lo(),
        hi: i.hi(),
    }
}

/// `=` when the printed number is the value, `≈` when it is rounded.
fn equals(x: f64) -> String {
    let (s, exact) = fmt_num(x);
    format!("{} {s}", if exact { "=" } else { "≈" })
}

/// `true` when `x OP 0` holds with tolerance `tol`.
fn holds(op: Cmp, d: f64, tol: f64) -> bool {
    match op {
        Cmp::Eq => d.abs() <= tol,
        Cmp::Le => d <= tol,
        Cmp::Lt => d < -tol,
        Cmp::Ge => d >= -tol,
        Cmp::Gt => d > tol,
    }
}

impl<'a> Engine<'a> {
    fn var(&mut self, key: &str, iv: Iv, point: Option<f64>) -> usize {
        if let Some(&i) = self.var_of.get(key) {
            return i;
        }
        self.vars.push(Var {
            key: key.to_string(),
            iv,
            point,
        });
        self.var_of.insert(key.to_string(), self.vars.len() - 1);
        self.vars.len() - 1
    }

    /// The nodes renumbered over only the variables they use (so the work per line does not
    /// grow with the size of the dataset), with those variables' box, points and keys.
    fn local(&self, nodes: &[&Node]) -> Local {
        let mut used = Vec::new();
        for n in nodes {
            collect_vars(n, &mut used);
        }
        used.sort_unstable();
        used.dedup();
        let index: HashMap<usize, usize> = used.iter().enumerate().map(|(l, &g)| (g, l)).collect();
        Local {
            nodes: nodes.iter().map(|n| renumber(n, &index)).collect(),
            bx: used.iter().map(|&g| self.vars[g].iv).collect(),
            points: used
                .iter()
                .map(|&g| self.vars[g].point.unwrap_or(f64::NAN))
                .collect(),
            keys: used.iter().map(|&g| self.vars[g].key.clone()).collect(),
        }
    }

    fn seen(&mut self, i: usize) -> Seen {
        if self.seen[i].is_none() {
            if self.in_progress[i] {
                return Seen::Unavailable("it depends on itself (a cycle)".into());
            }
            self.in_progress[i] = true;
            self.evaluate(i);
            self.in_progress[i] = false;
        }
        self.seen[i]
            .clone()
            .unwrap_or(Seen::Unavailable("not evaluated".into()))
    }

    /// The formula as a tree over variables, collecting inputs and assumptions.
    fn resolve(&mut self, e: &Expr, need_point: bool, acc: &mut Acc) -> Result<Node, String> {
        Ok(match e {
            Expr::Num(x) => Node::Const(*x),
            Expr::Ref(r) => {
                let key = r.key();
                if let Some(q) = self.inputs.get(&key) {
                    push_unique(&mut acc.inputs, &key);
                    for a in &q.assumptions {
                        push_unique(&mut acc.assumptions, a);
                    }
                    if need_point && q.point.is_none() {
                        return Err(format!(
                            "`{key}` has no single value (a range); use lo({{{key}}}) or hi({{{key}}})"
                        ));
                    }
                    Node::Var(self.var(&key, engine_iv(q.interval), q.point))
                } else if let Some(&i) =
                    self.derived.get(key.as_str()).filter(|_| r.field.is_none())
                {
                    push_unique(&mut acc.inputs, &key);
                    let seen = self.seen(i);
                    for a in self.line_assumptions[i].clone() {
                        push_unique(&mut acc.assumptions, &a);
                    }
                    match seen {
                        // A very large expansion (lines built on lines built on lines) is used
                        // by its interval instead: an enclosure, said in the result.
                        Seen::Transparent {
                            point,
                            interval,
                            size,
                            ..
                        } if size > MAX_INLINE_NODES => {
                            acc.enclosed = true;
                            Node::Var(self.var(&key, interval, Some(point)))
                        }
                        Seen::Transparent { node, enclosed, .. } => {
                            acc.enclosed |= enclosed;
                            (*node).clone()
                        }
                        Seen::Opaque { var } => {
                            if need_point && self.vars[var].point.is_none() {
                                return Err(format!(
                                    "`{key}` is a window with no single value; use lo({{{key}}}) or hi({{{key}}})"
                                ));
                            }
                            Node::Var(var)
                        }
                        Seen::Unavailable(why) => {
                            return Err(format!("`{key}` is not available ({why})"))
                        }
                    }
                } else if let Some(why) = self.absent.get(&key) {
                    push_unique(&mut acc.inputs, &key);
                    return Err(why.clone());
                } else {
                    return Err(format!("`{key}` names nothing in the dataset"));
                }
            }
            Expr::Neg(a) => Node::Neg(Box::new(self.resolve(a, need_point, acc)?)),
            Expr::Bin(op, a, b) => {
                let (a, b) = (
                    Box::new(self.resolve(a, need_point, acc)?),
                    Box::new(self.resolve(b, need_point, acc)?),
                );
                match op {
                    BinOp::Add => Node::Add(a, b),
                    BinOp::Sub => Node::Sub(a, b),
                    BinOp::Mul => Node::Mul(a, b),
                    BinOp::Div => Node::Div(a, b),
                    BinOp::Pow => Node::Pow(a, b),
                }
            }
            Expr::Call(f, args, _) => {
                if matches!(f, Func::Lo | Func::Hi) {
                    return Ok(Node::Const(self.end(*f, &args[0], acc)?));
                }
                let mut nodes = Vec::with_capacity(args.len());
                for a in args {
                    nodes.push(self.resolve(a, need_point, acc)?);
                }
                let one = |mut v: Vec<Node>| Box::new(v.remove(0));
                match f {
                    Func::Ln => Node::Ln(one(nodes)),
                    Func::Exp => Node::Exp(one(nodes)),
                    Func::Sqrt => Node::Sqrt(one(nodes)),
                    Func::Abs => Node::Abs(one(nodes)),
                    Func::Min => Node::Min(nodes),
                    Func::Max => Node::Max(nodes),
                    Func::AtLeast | Func::AtMost => {
                        return Err(
                            "at_least(...) and at_most(...) must wrap the whole formula".into()
                        )
                    }
                    Func::Lo | Func::Hi => unreachable!("handled above"),
                }
            }
        })
    }

    /// `lo(e)` / `hi(e)`: an end of the range of `e`, as an exact number.
    fn end(&mut self, f: Func, e: &Expr, acc: &mut Acc) -> Result<f64, String> {
        let n = self.resolve(e, false, acc)?;
        let l = self.local(&[&n]);
        for k in &l.keys {
            push_unique(&mut acc.ends, k);
        }
        let r = range::range(&l.nodes[0], &l.bx).map_err(|e| e.to_string())?;
        let x = if f == Func::Lo { r.lo } else { r.hi };
        if !x.is_finite() {
            return Err(format!(
                "{}() of a value with no finite {} end",
                f.name(),
                if f == Func::Lo { "lower" } else { "upper" }
            ));
        }
        Ok(x)
    }

    /// The formula with every reference and lo()/hi() replaced by its number, for display.
    fn substituted(&mut self, e: &Expr) -> Expr {
        match e {
            Expr::Num(_) => e.clone(),
            Expr::Ref(r) => {
                let key = r.key();
                let point = if let Some(q) = self.inputs.get(&key) {
                    q.point
                } else if let Some(&i) = self.derived.get(key.as_str()) {
                    match self.seen(i) {
                        Seen::Transparent { point, .. } => Some(point),
                        Seen::Opaque { var } => self.vars[var].point,
                        Seen::Unavailable(_) => None,
                    }
                } else {
                    None
                };
                point.map_or_else(|| e.clone(), Expr::Num)
            }
            Expr::Neg(a) => Expr::Neg(Box::new(self.substituted(a))),
            Expr::Bin(op, a, b) => Expr::Bin(
                *op,
                Box::new(self.substituted(a)),
                Box::new(self.substituted(b)),
            ),
            Expr::Call(f @ (Func::Lo | Func::Hi), args, _) => {
                match self.end(*f, &args[0], &mut Acc::default()) {
                    Ok(x) => Expr::Num(x),
                    Err(_) => e.clone(),
                }
            }
            Expr::Call(f, args, c) => {
                Expr::Call(*f, args.iter().map(|a| self.substituted(a)).collect(), *c)
            }
        }
    }

    fn text(&mut self, e: &Expr) -> String {
        self.substituted(e).render(&|r| format!("{{{}}}", r.key()))
    }

    /// Evaluates spec `i` and records what other lines see of it.
    fn evaluate(&mut self, i: usize) {
        let spec = &self.specs[i];
        let mut acc = Acc::default();
        for a in spec.assumes() {
            push_unique(&mut acc.assumptions, a);
        }
        let result = match spec {
            Spec::Derived(d) => self.derived_line(d, &mut acc).map(Outcome::Derived),
            Spec::Check(c) => self.check(c, &mut acc).map(Outcome::Check),
        };
        let outcome = match result {
            Ok(o) => o,
            Err(reason) => {
                self.seen[i] = Some(Seen::Unavailable(reason.clone()));
                Outcome::Unavailable(Unavailable {
                    id: spec.id().to_string(),
                    reason,
                    inputs: acc.inputs.clone(),
                    assumptions: acc.assumptions.clone(),
                })
            }
        };
        self.line_assumptions[i] = acc.assumptions;
        self.outcomes[i] = Some(outcome);
    }

    fn derived_line(&mut self, d: &DerivedSpec, acc: &mut Acc) -> Result<DerivedValue, String> {
        let i = self.derived[d.id.as_str()];
        match &d.body {
            Body::Formula(e) => {
                let (inner, bound) = match e {
                    Expr::Call(Func::AtLeast, a, _) => (&a[0], Some(Bound::AtLeast)),
                    Expr::Call(Func::AtMost, a, _) => (&a[0], Some(Bound::AtMost)),
                    _ => (e, None),
                };
                let node = self.resolve(inner, true, acc)?;
                let l = self.local(&[&node]);
                // The range first: where the formula is undefined, its message gives the whole
                // interval of the offending value, not only its stated value.
                let r = range::range(&l.nodes[0], &l.bx).map_err(|e| e.to_string())?;
                let point = range::eval(&l.nodes[0], &l.points).map_err(|e| e.to_string())?;
                if !point.is_finite() {
                    return Err(EvalError::NotFinite.to_string());
                }
                // Rounding can put the point a hair outside corners evaluated another way.
                let (mut lo, mut hi) = (r.lo.min(point), r.hi.max(point));
                match bound {
                    Some(Bound::AtLeast) => hi = f64::INFINITY,
                    Some(Bound::AtMost) => lo = f64::NEG_INFINITY,
                    None => {}
                }
                let interval = Iv { lo, hi };
                let mut underlying = l.keys;
                for k in &acc.ends {
                    push_unique(&mut underlying, k);
                }
                let mut formula = format!("{} {}", self.text(inner), equals(point));
                if let Some(b) = bound {
                    formula.push_str(match b {
                        Bound::AtLeast => " (at least)",
                        Bound::AtMost => " (at most)",
                    });
                }
                let exactness = if acc.enclosed {
                    Exactness::Enclosure
                } else {
                    r.exactness
                };
                self.seen[i] = Some(match bound {
                    None => Seen::Transparent {
                        size: node_size(&node),
                        enclosed: acc.enclosed,
                        node: std::rc::Rc::new(node),
                        point,
                        interval,
                    },
                    Some(_) => Seen::Opaque {
                        var: self.var(&d.id, interval, Some(point)),
                    },
                });
                Ok(DerivedValue {
                    id: d.id.clone(),
                    point: Some(point),
                    interval: public(interval)?,
                    exactness,
                    bound,
                    formula,
                    inputs: acc.inputs.clone(),
                    underlying,
                    assumptions: acc.assumptions.clone(),
                })
            }
            Body::Window { low, high } => {
                let (ln, hn) = (
                    self.resolve(low, true, acc)?,
                    self.resolve(high, true, acc)?,
                );
                let l = self.local(&[&ln, &hn]);
                for n in &l.nodes {
                    range::range(n, &l.bx).map_err(|e| e.to_string())?;
                }
                let (lp, hp) = (
                    range::eval(&l.nodes[0], &l.points).map_err(|e| e.to_string())?,
                    range::eval(&l.nodes[1], &l.points).map_err(|e| e.to_string())?,
                );
                if lp > hp {
                    return Err(format!(
                        "the window is empty: its low end {} is above its high end {}",
                        fmt_num(lp).0,
                        fmt_num(hp).0
                    ));
                }
                let (lr, hr) = (
                    range::range(&l.nodes[0], &l.bx).map_err(|e| e.to_string())?,
                    range::range(&l.nodes[1], &l.bx).map_err(|e| e.to_string())?,
                );
                let interval = Iv {
                    lo: lr.lo.min(lp),
                    hi: hr.hi.max(hp),
                };
                let mut underlying = l.keys;
                for k in &acc.ends {
                    push_unique(&mut underlying, k);
                }
                let formula = format!(
                    "[{}, {}] = {}",
                    self.text(low),
                    self.text(high),
                    crate::ledger::Iv {
                        lo: interval.lo,
                        hi: interval.hi
                    }
                );
                let exactness = if !acc.enclosed
                    && lr.exactness == Exactness::Exact
                    && hr.exactness == Exactness::Exact
                {
                    Exactness::Exact
                } else {
                    Exactness::Enclosure
                };
                self.seen[i] = Some(Seen::Opaque {
                    var: self.var(&d.id, interval, None),
                });
                Ok(DerivedValue {
                    id: d.id.clone(),
                    point: None,
                    interval: public(interval)?,
                    exactness,
                    bound: None,
                    formula,
                    inputs: acc.inputs.clone(),
                    underlying,
                    assumptions: acc.assumptions.clone(),
                })
            }
        }
    }

    fn check(&mut self, c: &CheckSpec, acc: &mut Acc) -> Result<CheckValue, String> {
        let (ln, rn) = (
            self.resolve(&c.claim.lhs, true, acc)?,
            self.resolve(&c.claim.rhs, true, acc)?,
        );
        let l = self.local(&[&ln, &rn]);
        let (p, b) = (&l.points, &l.bx);
        let lr = range::range(&l.nodes[0], b).map_err(|e| e.to_string())?;
        let rr = range::range(&l.nodes[1], b).map_err(|e| e.to_string())?;
        let lp = range::eval(&l.nodes[0], p).map_err(|e| e.to_string())?;
        let rp = range::eval(&l.nodes[1], p).map_err(|e| e.to_string())?;
        let diff = Node::Sub(Box::new(l.nodes[0].clone()), Box::new(l.nodes[1].clone()));
        let dr = range::range(&diff, b).map_err(|e| e.to_string())?;
        let tol = 1e-9 * lp.abs().max(rp.abs());
        let op = c.claim.op;
        let (at_lo, at_hi) = (holds(op, dr.lo, tol), holds(op, dr.hi, tol));
        let verdict = match op {
            // Holds everywhere only if the whole difference range is within the tolerance.
            Cmp::Eq if at_lo && at_hi => Verdict::Pass,
            Cmp::Eq if dr.lo > tol || dr.hi < -tol => Verdict::Fail,
            Cmp::Eq => Verdict::Undecided,
            _ if at_lo && at_hi => Verdict::Pass,
            _ if !at_lo && !at_hi => Verdict::Fail,
            _ => Verdict::Undecided,
        };
        let mut holds_for = Vec::new();
        if verdict == Verdict::Undecided && op != Cmp::Eq {
            for (v, k) in l.keys.iter().enumerate() {
                if b[v].is_point() {
                    continue;
                }
                // Without the tolerance, so the ends are the switch points themselves.
                if let Some(h) = range::holds_on(&diff, v, b[v], p, |d| holds(op, d, 0.0)) {
                    holds_for.push((k.clone(), h));
                }
            }
        }
        let lhs_text = self.text(&c.claim.lhs);
        let rhs_text = self.text(&c.claim.rhs);
        let side = |text: &str, x: f64| {
            if text == fmt_num(x).0 {
                text.to_string()
            } else {
                format!("{text} {}", equals(x))
            }
        };
        let uncertain = !(lr.lo == lr.hi && rr.lo == rr.hi);
        let mut detail = format!(
            "{} {} {}: {}",
            side(&lhs_text, lp),
            op.symbol(),
            side(&rhs_text, rp),
            verdict.word()
        );
        if uncertain {
            detail.push_str(match verdict {
                Verdict::Pass => ", for every value in the intervals",
                Verdict::Fail => ", for no value in the intervals",
                Verdict::Undecided => ", for some values in the intervals and not others",
            });
            detail.push_str(&format!(
                " (left side in {}, right side in {})",
                Iv {
                    lo: lr.lo,
                    hi: lr.hi
                },
                Iv {
                    lo: rr.lo,
                    hi: rr.hi
                }
            ));
            if !holds_for.is_empty() {
                let parts: Vec<String> = holds_for
                    .iter()
                    .map(|(k, h)| format!("{k} in {h}"))
                    .collect();
                detail.push_str(&format!("; it would hold for {}", parts.join(", ")));
            }
            if (acc.enclosed || dr.exactness == Exactness::Enclosure)
                && verdict == Verdict::Undecided
            {
                detail.push_str("; the ranges are enclosures, so a tighter bound might decide it");
            }
        }
        Ok(CheckValue {
            id: c.id.clone(),
            verdict,
            lhs: (
                lp,
                public(Iv {
                    lo: lr.lo,
                    hi: lr.hi,
                })?,
            ),
            rhs: (
                rp,
                public(Iv {
                    lo: rr.lo,
                    hi: rr.hi,
                })?,
            ),
            difference: public(Iv {
                lo: dr.lo,
                hi: dr.hi,
            })?,
            exactness: if acc.enclosed {
                Exactness::Enclosure
            } else {
                dr.exactness
            },
            holds_for: holds_for
                .into_iter()
                .map(|(k, h)| Ok((k, public(h)?)))
                .collect::<Result<_, String>>()?,
            detail,
            inputs: acc.inputs.clone(),
            assumptions: acc.assumptions.clone(),
        })
    }
}

/// Evaluates every spec, in dependency order, and returns one outcome per spec in spec order.
/// Run [`validate`] first: a spec with an unknown id or in a cycle comes back unavailable.
pub fn evaluate(inputs: &Inputs, specs: &[Spec]) -> Vec<Outcome> {
    let absent = &inputs.absent;
    let inputs = &inputs.known;
    let derived = specs
        .iter()
        .enumerate()
        .filter(|(_, s)| matches!(s, Spec::Derived(_)))
        .map(|(i, s)| (s.id(), i))
        .collect();
    let mut e = Engine {
        inputs,
        absent,
        specs,
        derived,
        vars: Vec::new(),
        var_of: HashMap::new(),
        seen: vec![None; specs.len()],
        line_assumptions: vec![Vec::new(); specs.len()],
        outcomes: vec![None; specs.len()],
        in_progress: vec![false; specs.len()],
    };
    // Lines in a cycle have no value; every other derived line is evaluated after the lines it
    // names (Kahn's order, ties in file order), so evaluation never recurses; checks last.
    let deps = dependencies(specs, &e.derived);
    let mut cyclic = vec![false; specs.len()];
    for (members, path) in cycles(&deps) {
        let why = format!("it is part of a cycle: {}", cycle_text(specs, &path));
        for m in members {
            cyclic[m] = true;
            e.seen[m] = Some(Seen::Unavailable(why.clone()));
            e.outcomes[m] = Some(Outcome::Unavailable(Unavailable {
                id: specs[m].id().to_string(),
                reason: why.clone(),
                inputs: Vec::new(),
                assumptions: Vec::new(),
            }));
        }
    }
    let is_derived = |i: usize| matches!(specs[i], Spec::Derived(_));
    let mut waiting: Vec<usize> = (0..specs.len())
        .map(|i| deps[i].iter().filter(|&&j| !cyclic[j]).count())
        .collect();
    let mut dependents = vec![Vec::new(); specs.len()];
    for (i, d) in deps.iter().enumerate() {
        for &j in d {
            dependents[j].push(i);
        }
    }
    let mut ready: std::collections::BinaryHeap<std::cmp::Reverse<usize>> = (0..specs.len())
        .filter(|&i| is_derived(i) && !cyclic[i] && waiting[i] == 0)
        .map(std::cmp::Reverse)
        .collect();
    while let Some(std::cmp::Reverse(i)) = ready.pop() {
        e.evaluate(i);
        for &k in &dependents[i] {
            waiting[k] -= 1;
            if waiting[k] == 0 && is_derived(k) && !cyclic[k] {
                ready.push(std::cmp::Reverse(k));
            }
        }
    }
    for i in 0..specs.len() {
        if e.outcomes[i].is_none() {
            e.in_progress[i] = true;
            e.evaluate(i);
            e.in_progress[i] = false;
        }
    }
    e.outcomes
        .into_iter()
        .zip(specs)
        .map(|(o, s)| {
            o.unwrap_or_else(|| {
                Outcome::Unavailable(Unavailable {
                    id: s.id().to_string(),
                    reason: "not evaluated".into(),
                    inputs: Vec::new(),
                    assumptions: Vec::new(),
                })
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;

//! The Blinder-Oaxaca decomposition of a mean gap between two groups, as Jann (2008, *The
//! Stata Journal* 8(4), Stata's `oaxaca`) defines it: what `wages gap --explain` reports.
//!
//! # Model
//!
//! Per group `g ∈ {A, B}` (A the reference group, B the other), a weighted least-squares
//! regression `y = Xβ_g + e` of `y = ln pay` (or pay itself, [`Outcome::Level`]) on a constant
//! and the covariates (a categorical covariate as indicators of all its categories but the
//! first). With `x̄_g` the weighted covariate means, `ȳ_g = x̄_g'β_g` and the gap
//! `R = ȳ_A − ȳ_B` splits as
//!
//! | decomposition | parts |
//! |---|---|
//! | threefold (from B's viewpoint) | endowments `E = (x̄_A − x̄_B)'β_B`, coefficients `C = x̄_B'(β_A − β_B)`, interaction `I = (x̄_A − x̄_B)'(β_A − β_B)` |
//! | twofold with reference `β*` | explained `Q = (x̄_A − x̄_B)'β*`, unexplained `U = U_A + U_B`, `U_A = x̄_A'(β_A − β*)`, `U_B = x̄_B'(β* − β_B)` |
//!
//! and `β*` is one of [`Reference`]: `β_A` (Oaxaca), `β_B` (Blinder), `½β_A + ½β_B`
//! (Reimers 1983), `(W_A β_A + W_B β_B)/(W_A + W_B)` (Cotton 1988), the pooled regression over
//! both groups (Neumark 1988; Stata's `omega`), or the pooled regression with a group indicator,
//! whose coefficient is left out of `β*` (Jann 2008, Fortin 2008; Stata's `pooled`; the
//! default).
//!
//! **Detailed decomposition**: each part is a sum over the terms `t` of `(M x̄)_t (N β)_t`
//! (`design::Design::maps`): each numeric covariate, and each category of a categorical one
//! with its effects normalised to sum to zero over the categories (Gardeazabal & Ugidos 2004,
//! Yun 2005), so no category's contribution depends on which one is left out; the constant
//! takes the categories' mean effect.
//!
//! # Variance
//!
//! [`Variance::Delta`]: the delta method as Jann (2005, 2008): each part is a function of
//! `θ = (x̄_A, x̄_B, β_A, β_B, β_pooled)`, whose blocks are taken as independent (the groups are
//! independent samples; means and coefficients are asymptotically independent), with
//! `V(β_g)` from the regression (robust HC1 with `robust`) and `V(x̄_g)` from the covariates'
//! sampling variance (`fit`). `V(part) = ∇'V(θ)∇`, first order (the vanishing
//! `tr(V(x̄)V(β))` term is left out, as in `oaxaca`). The pooled coefficients are treated as
//! independent of the groups' own (an approximation, as `oaxaca`'s). [`Variance::Bootstrap`]:
//! rows resampled with replacement within each group, everything refitted, the standard error
//! the replicates' standard deviation and the interval their 2.5th and 97.5th percentiles.

mod design;
mod fit;

use crate::payroll::{CovariateValues, Payroll};
use design::{Design, Variable};
use fit::{fit, Fit, Rows, Singular};
use nalgebra::DMatrix;
use rayon::prelude::*;
use serde::Serialize;

/// The outcome regressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// `ln pay`: the gap in log points (the default).
    Log,
    /// Pay itself.
    Level,
}

/// How standard errors are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variance {
    /// The delta method; `robust`: heteroskedasticity-robust (HC1) regression variances.
    Delta { robust: bool },
    /// Rows resampled within each group, `replicates` times, from `seed`.
    Bootstrap { replicates: usize, seed: u64 },
}

/// The reference coefficients of the twofold decomposition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reference {
    /// Pooled regression with a group indicator (Jann 2008; Stata `pooled`). The default.
    Pooled,
    /// Pooled regression without a group indicator (Neumark 1988; Stata `omega`).
    Neumark,
    /// `β_A`, the reference group's (Oaxaca 1973; Stata `weight(1)`).
    GroupA,
    /// `β_B`, the other group's (Blinder 1973; Stata `weight(0)`).
    GroupB,
    /// `½β_A + ½β_B` (Reimers 1983; Stata `weight(0.5)`).
    Reimers,
    /// Weighted by group size (Cotton 1988).
    Cotton,
}

impl Reference {
    /// Every choice, the default first.
    pub const ALL: [Reference; 6] = [
        Reference::Pooled,
        Reference::Neumark,
        Reference::GroupA,
        Reference::GroupB,
        Reference::Reimers,
        Reference::Cotton,
    ];

    /// How the output names it.
    pub fn describe(self) -> &'static str {
        match self {
            Reference::Pooled => "pooled regression with a group indicator (Jann 2008)",
            Reference::Neumark => "pooled regression without a group indicator (Neumark 1988)",
            Reference::GroupA => "the reference group's coefficients (Oaxaca 1973)",
            Reference::GroupB => "the other group's coefficients (Blinder 1973)",
            Reference::Reimers => "the mean of both groups' coefficients (Reimers 1983)",
            Reference::Cotton => "both groups' coefficients weighted by group size (Cotton 1988)",
        }
    }
}

/// What to decompose.
#[derive(Debug, Clone)]
pub struct ExplainOptions<'a> {
    /// Group A's label (the reference); `None`: the group with the higher mean pay.
    pub reference: Option<&'a str>,
    /// Group B's label; `None`: the other group (there must be exactly two).
    pub other: Option<&'a str>,
    /// The outcome.
    pub outcome: Outcome,
    /// The variance method.
    pub variance: Variance,
}

/// A part of the decomposition with its standard error and 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Part {
    /// The point value.
    pub value: f64,
    /// Its standard error.
    pub se: f64,
    /// The 95% interval: `value ± 1.96 se` (delta method) or the bootstrap percentiles.
    pub lo: f64,
    pub hi: f64,
}

/// The threefold parts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Threefold {
    pub endowments: Part,
    pub coefficients: Part,
    pub interaction: Part,
}

/// The twofold parts for one reference.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Twofold {
    pub reference: Reference,
    pub explained: Part,
    pub unexplained: Part,
    /// `U_A = x̄_A'(β_A − β*)`: the reference group's advantage.
    pub unexplained_a: Part,
    /// `U_B = x̄_B'(β* − β_B)`: the other group's disadvantage.
    pub unexplained_b: Part,
}

/// One row of the detailed decomposition: a covariate, a category of one, or the constant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Detail {
    /// The covariate (`None` for the constant).
    pub variable: Option<String>,
    /// The category (for a categorical covariate's rows), `None` for a covariate's total or a
    /// numeric one.
    pub category: Option<String>,
    /// Whether this category is the one without an indicator (the base).
    pub base: bool,
    pub endowments: Part,
    pub coefficients: Part,
    pub interaction: Part,
    /// Twofold with the chosen reference ([`Explained::reference`]).
    pub explained: Part,
    pub unexplained: Part,
}

/// One group's regression, as the output shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupFit {
    pub label: String,
    /// Rows used.
    pub n: usize,
    pub weighted_n: f64,
    /// Mean outcome.
    pub mean: f64,
    pub r_squared: f64,
    /// `(term, coefficient, standard error, mean)`: the constant, then each column of `X`.
    pub coefficients: Vec<(String, f64, f64, f64)>,
}

/// Everything the decomposition reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explained {
    pub outcome: Outcome,
    /// The standard-error method, in words.
    pub method: String,
    /// The reference used for the detailed twofold columns.
    pub reference: Reference,
    pub group_a: GroupFit,
    pub group_b: GroupFit,
    /// Rows left out because a covariate was missing.
    pub dropped_missing: usize,
    /// `R = ȳ_A − ȳ_B`.
    pub gap: Part,
    pub threefold: Threefold,
    /// Every reference choice, the default first.
    pub twofold: Vec<Twofold>,
    pub detailed: Vec<Detail>,
}

/// Why the decomposition cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExplainError {
    #[error("--explain needs at least one column to explain the gap with")]
    NoCovariates,
    #[error("--explain decomposes the gap between two groups, and {groups} groups are in the file; name them: --reference A --compare B")]
    TooManyGroups { groups: usize },
    #[error("there is no group {label:?}; the groups are: {}", labels.iter().map(|l| format!("{l:?}")).collect::<Vec<_>>().join(", "))]
    NoSuchGroup { label: String, labels: Vec<String> },
    #[error("--compare names the reference group {label:?} itself; name the other group")]
    SameGroup { label: String },
    #[error("group {label:?} has {n} rows with every --explain column; a regression on {p} coefficients needs at least {need}")]
    TooFewRows {
        label: String,
        n: usize,
        p: usize,
        need: usize,
    },
    #[error("--explain: column {column} is {} in group {label:?}, so its effect cannot be estimated there; leave it out{}", if *constant { "constant" } else { "a linear combination of the columns before it" }, if *constant { ", or merge categories so every category occurs in both groups" } else { "" })]
    Singular {
        label: String,
        column: String,
        constant: bool,
    },
    #[error("--explain: the pooled regression cannot be solved: column {column} is {}; leave it out", if *constant { "constant" } else { "a linear combination of the columns before it" })]
    SingularPooled { column: String, constant: bool },
    #[error("--level not given, so pay is logged, and row {row} has pay {pay}; pass --drop-nonpositive or --level")]
    NonPositive { row: usize, pay: f64 },
    #[error("no groups: --explain needs --by")]
    NoGroups,
}

/// A row of the detailed decomposition before it is evaluated: variable, category, whether it
/// is the base, and its terms.
type DetailRow = (Option<String>, Option<String>, bool, Vec<usize>);

/// `z` of a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// The rows of one regression: a group (or both, for the pooled fits).
struct GroupRows<'a> {
    design: &'a Design<'a>,
    rows: Vec<u32>,
    y: &'a [f64],
    weight: Option<&'a [f64]>,
    /// For the pooled fit with a group indicator: 1 for group B's rows.
    indicator: Option<&'a [u32]>,
    b_code: u32,
}

impl Rows for GroupRows<'_> {
    fn k(&self) -> usize {
        self.design.k() + usize::from(self.indicator.is_some())
    }
    fn rows(&self) -> &[u32] {
        &self.rows
    }
    fn x(&self, i: usize, out: &mut [f64]) {
        let k = self.design.k();
        self.design.fill(i, &mut out[..k]);
        if let Some(codes) = self.indicator {
            out[k] = f64::from(u8::from(codes[i] == self.b_code));
        }
    }
    fn y(&self, i: usize) -> f64 {
        self.y[i]
    }
    fn w(&self, i: usize) -> f64 {
        self.weight.map_or(1.0, |w| w[i])
    }
}

/// The estimates the parts are functions of.
struct Theta {
    a: Fit,
    b: Fit,
    /// Pooled with the indicator (its coefficient dropped), and without.
    pooled: Fit,
    neumark: Fit,
}

/// A part of the decomposition as a sum of forms `Σ_{t∈T} u_t v_t`, `u = M(c_a x̄_A + c_b
/// x̄_B)`, `v = N(d_a β_A + d_b β_B + d_p β_p)` (`β_p` one pooled fit).
#[derive(Debug, Clone, Copy)]
struct Form {
    c: (f64, f64),
    d: (f64, f64, f64),
}

/// The forms of each part; `omega` and `pooled` say what `β*` is.
fn forms(part: PartKind, r: Reference, cotton: f64) -> Vec<Form> {
    let f = |c: (f64, f64), d: (f64, f64, f64)| Form { c, d };
    // β* = ω β_A + (1 − ω) β_B, or β_p.
    let (wa, wb, wp) = match r {
        Reference::GroupA => (1.0, 0.0, 0.0),
        Reference::GroupB => (0.0, 1.0, 0.0),
        Reference::Reimers => (0.5, 0.5, 0.0),
        Reference::Cotton => (cotton, 1.0 - cotton, 0.0),
        Reference::Pooled | Reference::Neumark => (0.0, 0.0, 1.0),
    };
    match part {
        PartKind::Gap => vec![
            f((1.0, 0.0), (1.0, 0.0, 0.0)),
            f((0.0, 1.0), (0.0, -1.0, 0.0)),
        ],
        PartKind::Endowments => vec![f((1.0, -1.0), (0.0, 1.0, 0.0))],
        PartKind::Coefficients => vec![f((0.0, 1.0), (1.0, -1.0, 0.0))],
        PartKind::Interaction => vec![f((1.0, -1.0), (1.0, -1.0, 0.0))],
        PartKind::Explained => vec![f((1.0, -1.0), (wa, wb, wp))],
        PartKind::UnexplainedA => vec![f((1.0, 0.0), (1.0 - wa, -wb, -wp))],
        PartKind::UnexplainedB => vec![f((0.0, 1.0), (wa, wb - 1.0, wp))],
        PartKind::Unexplained => vec![
            f((1.0, 0.0), (1.0 - wa, -wb, -wp)),
            f((0.0, 1.0), (wa, wb - 1.0, wp)),
        ],
    }
}

#[derive(Debug, Clone, Copy)]
enum PartKind {
    Gap,
    Endowments,
    Coefficients,
    Interaction,
    Explained,
    Unexplained,
    UnexplainedA,
    UnexplainedB,
}

/// `rows · v` for row-major `rows`.
fn apply(rows: &[Vec<f64>], v: &[f64]) -> Vec<f64> {
    rows.iter()
        .map(|r| r.iter().zip(v).map(|(a, b)| a * b).sum())
        .collect()
}

fn quad(g: &[f64], v: &DMatrix<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..g.len() {
        if g[i] == 0.0 {
            continue;
        }
        for j in 0..g.len() {
            s += g[i] * v[(i, j)] * g[j];
        }
    }
    s
}

/// The maps and the estimates, evaluated: value and delta-method variance of any part over
/// any set of terms.
struct Evaluator<'a> {
    m: &'a [Vec<f64>],
    n: &'a [Vec<f64>],
    theta: &'a Theta,
    /// The pooled fit used for `β_p` (its first `p` coefficients).
    beta_p: Vec<f64>,
    v_p: DMatrix<f64>,
    cotton: f64,
}

impl Evaluator<'_> {
    fn value_and_variance(&self, part: PartKind, r: Reference, terms: &[usize]) -> (f64, f64) {
        let p = self.theta.a.beta.len();
        let (t, m, n) = (self.theta, self.m, self.n);
        let mut value = 0.0;
        let (mut g_xa, mut g_xb, mut g_ba, mut g_bb, mut g_bp) = (
            vec![0.0; p],
            vec![0.0; p],
            vec![0.0; p],
            vec![0.0; p],
            vec![0.0; p],
        );
        for form in forms(part, r, self.cotton) {
            let (ca, cb) = form.c;
            let (da, db, dp) = form.d;
            let x: Vec<f64> = (0..p)
                .map(|j| ca * t.a.xbar[j] + cb * t.b.xbar[j])
                .collect();
            let b: Vec<f64> = (0..p)
                .map(|j| da * t.a.beta[j] + db * t.b.beta[j] + dp * self.beta_p[j])
                .collect();
            let (u, v) = (apply(m, &x), apply(n, &b));
            for &k in terms {
                value += u[k] * v[k];
                for j in 0..p {
                    let (mk, nk) = (m[k][j], n[k][j]);
                    g_xa[j] += v[k] * ca * mk;
                    g_xb[j] += v[k] * cb * mk;
                    g_ba[j] += u[k] * da * nk;
                    g_bb[j] += u[k] * db * nk;
                    g_bp[j] += u[k] * dp * nk;
                }
            }
        }
        let variance = quad(&g_xa, &t.a.v_xbar)
            + quad(&g_xb, &t.b.v_xbar)
            + quad(&g_ba, &t.a.v_beta)
            + quad(&g_bb, &t.b.v_beta)
            + quad(&g_bp, &self.v_p);
        (value, variance.max(0.0))
    }
}

/// The pooled fit a reference uses: `β_p` and `V(β_p)` (the group indicator's row and column
/// dropped).
fn pooled_for(theta: &Theta, r: Reference, p: usize) -> (Vec<f64>, DMatrix<f64>) {
    let fit = if r == Reference::Neumark {
        &theta.neumark
    } else {
        &theta.pooled
    };
    (
        fit.beta[..p].to_vec(),
        fit.v_beta.view((0, 0), (p, p)).into_owned(),
    )
}

/// Every part's value and delta-method variance, in a fixed order: gap, threefold (3),
/// twofold for each reference (4 each), then per detail row the 5 parts.
fn parts(
    theta: &Theta,
    m: &[Vec<f64>],
    n: &[Vec<f64>],
    rows: &[Vec<usize>],
    chosen: Reference,
) -> Vec<(f64, f64)> {
    let p = theta.a.beta.len();
    let all: Vec<usize> = (0..m.len()).collect();
    let cotton = theta.a.weight / (theta.a.weight + theta.b.weight);
    let eval = |r: Reference| {
        let (beta_p, v_p) = pooled_for(theta, r, p);
        Evaluator {
            m,
            n,
            theta,
            beta_p,
            v_p,
            cotton,
        }
    };
    let mut out = Vec::new();
    let e0 = eval(chosen);
    for k in [
        PartKind::Gap,
        PartKind::Endowments,
        PartKind::Coefficients,
        PartKind::Interaction,
    ] {
        out.push(e0.value_and_variance(k, chosen, &all));
    }
    for r in Reference::ALL {
        let e = eval(r);
        for k in [
            PartKind::Explained,
            PartKind::Unexplained,
            PartKind::UnexplainedA,
            PartKind::UnexplainedB,
        ] {
            out.push(e.value_and_variance(k, r, &all));
        }
    }
    for terms in rows {
        for k in [
            PartKind::Endowments,
            PartKind::Coefficients,
            PartKind::Interaction,
            PartKind::Explained,
            PartKind::Unexplained,
        ] {
            out.push(e0.value_and_variance(k, chosen, terms));
        }
    }
    out
}

/// What every fit reads: the design, the outcome, the weights, the group codes and labels,
/// and which codes are A and B.
struct Data<'a> {
    design: &'a Design<'a>,
    y: &'a [f64],
    weight: Option<&'a [f64]>,
    codes: &'a [u32],
    labels: &'a [String],
    a_code: u32,
    b_code: u32,
}

/// Fits the four regressions on the rows of A and B.
fn fit_all(
    data: &Data,
    (a_rows, b_rows): (Vec<u32>, Vec<u32>),
    robust: bool,
) -> Result<Theta, ExplainError> {
    let Data {
        design,
        y,
        weight,
        codes,
        labels,
        a_code,
        b_code,
    } = *data;
    let name = |s: Singular, design: &Design| {
        if s.column > design.k() {
            "the group indicator".to_string()
        } else {
            design.column_name(s.column)
        }
    };
    let group = |rows: Vec<u32>, code: u32| -> Result<Fit, ExplainError> {
        let data = GroupRows {
            design,
            rows,
            y,
            weight,
            indicator: None,
            b_code,
        };
        fit(&data, robust).map_err(|s| ExplainError::Singular {
            label: labels[code as usize].clone(),
            column: name(s.clone(), design),
            constant: s.constant,
        })
    };
    let mut both = a_rows.clone();
    both.extend_from_slice(&b_rows);
    let pooled_rows = |indicator: bool| GroupRows {
        design,
        rows: both.clone(),
        y,
        weight,
        indicator: indicator.then_some(codes),
        b_code,
    };
    let pooled_err = |s: Singular| ExplainError::SingularPooled {
        column: name(s.clone(), design),
        constant: s.constant,
    };
    let a = group(a_rows, a_code)?;
    let b = group(b_rows, b_code)?;
    let pooled = fit(&pooled_rows(true), robust).map_err(pooled_err)?;
    let neumark = fit(&pooled_rows(false), robust).map_err(pooled_err)?;
    Ok(Theta {
        a,
        b,
        pooled,
        neumark,
    })
}

fn resample(rows: &[u32], state: &mut u64) -> Vec<u32> {
    let n = rows.len() as u64;
    (0..rows.len())
        .map(|_| rows[crate::resample::index(state, n as usize)])
        .collect()
}

/// The Blinder-Oaxaca decomposition of the gap between two groups of `payroll` (its groups are
/// `--by`, its covariates the `--explain` columns), as the module docs define it.
pub fn explain(payroll: &Payroll, options: &ExplainOptions) -> Result<Explained, ExplainError> {
    if payroll.covariates.is_empty() {
        return Err(ExplainError::NoCovariates);
    }
    let groups = payroll.groups.as_ref().ok_or(ExplainError::NoGroups)?;
    let labels = &groups.labels;
    let find = |label: &str| {
        labels
            .iter()
            .position(|l| l == label)
            .map(|i| i as u32)
            .ok_or_else(|| ExplainError::NoSuchGroup {
                label: label.to_string(),
                labels: labels.clone(),
            })
    };
    // Group means of pay, for the default reference (the higher mean, as `wages gap`).
    let mean_pay = |code: u32| {
        let (mut s, mut w) = (0.0, 0.0);
        for (i, &c) in groups.codes.iter().enumerate() {
            if c == code {
                let wi = payroll.weight.as_ref().map_or(1.0, |v| v[i]);
                s += wi * payroll.pay[i];
                w += wi;
            }
        }
        s / w
    };
    let (a_code, b_code) = match (options.reference, options.other) {
        (Some(a), Some(b)) => (find(a)?, find(b)?),
        (Some(a), None) if labels.len() == 2 => {
            let a = find(a)?;
            (a, 1 - a)
        }
        (None, Some(b)) if labels.len() == 2 => {
            let b = find(b)?;
            (1 - b, b)
        }
        (None, None) if labels.len() == 2 => {
            if mean_pay(1) > mean_pay(0) {
                (1, 0)
            } else {
                (0, 1)
            }
        }
        _ => {
            return Err(ExplainError::TooManyGroups {
                groups: labels.len(),
            })
        }
    };
    if a_code == b_code {
        return Err(ExplainError::SameGroup {
            label: labels[a_code as usize].clone(),
        });
    }
    let design = Design::new(&payroll.covariates);
    let p = design.k() + 1;
    // The outcome, and the rows of each group with every covariate.
    let y: Vec<f64> = match options.outcome {
        Outcome::Level => payroll.pay.clone(),
        Outcome::Log => {
            if let Some(i) = payroll.pay.iter().position(|&x| x <= 0.0) {
                return Err(ExplainError::NonPositive {
                    row: i + 1,
                    pay: payroll.pay[i],
                });
            }
            payroll.pay.par_iter().map(|x| x.ln()).collect()
        }
    };
    let (mut a_rows, mut b_rows, mut dropped) = (Vec::new(), Vec::new(), 0usize);
    for (i, &c) in groups.codes.iter().enumerate() {
        if c != a_code && c != b_code {
            continue;
        }
        if !design.complete(i) {
            dropped += 1;
        } else if c == a_code {
            a_rows.push(i as u32);
        } else {
            b_rows.push(i as u32);
        }
    }
    for (rows, code) in [(&a_rows, a_code), (&b_rows, b_code)] {
        if rows.len() < p + 2 {
            return Err(ExplainError::TooFewRows {
                label: labels[code as usize].clone(),
                n: rows.len(),
                p,
                need: p + 2,
            });
        }
    }
    let robust = matches!(options.variance, Variance::Delta { robust: true });
    let weight = payroll.weight.as_deref();
    let data = Data {
        design: &design,
        y: &y,
        weight,
        codes: &groups.codes,
        labels,
        a_code,
        b_code,
    };
    let theta = fit_all(&data, (a_rows.clone(), b_rows.clone()), robust)?;
    let (m, n) = design.maps();
    let terms = design.terms();
    // The detail rows: the constant, then per variable its total and, if categorical, each
    // category.
    let mut detail_rows: Vec<DetailRow> = Vec::new();
    detail_rows.push((None, None, false, vec![0]));
    let mut at = 1;
    for var in &design.variables {
        match var {
            Variable::Numeric { name, .. } => {
                detail_rows.push((Some(name.clone()), None, false, vec![at]));
                at += 1;
            }
            Variable::Categorical { name, levels, .. } => {
                let count = levels.len() + 1;
                detail_rows.push((Some(name.clone()), None, false, (at..at + count).collect()));
                for (t, term) in terms.iter().enumerate().skip(at).take(count) {
                    detail_rows.push((Some(name.clone()), Some(term.1.clone()), t == at, vec![t]));
                }
                at += count;
            }
        }
    }
    let chosen = Reference::Pooled;
    let row_terms: Vec<Vec<usize>> = detail_rows.iter().map(|r| r.3.clone()).collect();
    let estimated = parts(&theta, &m, &n, &row_terms, chosen);
    let point: Vec<f64> = estimated.iter().map(|e| e.0).collect();
    // Standard errors: delta method, or the bootstrap's replicates.
    let (ses, intervals): (Vec<f64>, Vec<(f64, f64)>) = match options.variance {
        Variance::Delta { .. } => {
            let ses: Vec<f64> = estimated.iter().map(|e| e.1.sqrt()).collect();
            let iv = point
                .iter()
                .zip(&ses)
                .map(|(v, s)| (v - Z95 * s, v + Z95 * s))
                .collect();
            (ses, iv)
        }
        Variance::Bootstrap { replicates, seed } => {
            let reps: Vec<Result<Vec<f64>, ExplainError>> = (0..replicates)
                .into_par_iter()
                .map(|r| {
                    let mut state = crate::resample::replicate_state(seed, r);
                    let ra = resample(&a_rows, &mut state);
                    let rb = resample(&b_rows, &mut state);
                    let t = fit_all(&data, (ra, rb), false)?;
                    let replicate = parts(&t, &m, &n, &row_terms, chosen);
                    Ok(replicate.into_iter().map(|e| e.0).collect::<Vec<f64>>())
                })
                .collect();
            let reps: Vec<Vec<f64>> = reps.into_iter().collect::<Result<_, _>>()?;
            let count = point.len();
            let mut ses = Vec::with_capacity(count);
            let mut iv = Vec::with_capacity(count);
            for j in 0..count {
                let mut col: Vec<f64> = reps.iter().map(|r| r[j]).collect();
                let mean = col.iter().sum::<f64>() / col.len() as f64;
                let var = col.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>()
                    / (col.len().max(2) - 1) as f64;
                ses.push(var.sqrt());
                col.sort_by(f64::total_cmp);
                iv.push((percentile(&col, 0.025), percentile(&col, 0.975)));
            }
            (ses, iv)
        }
    };
    let part = |j: usize| Part {
        value: point[j],
        se: ses[j],
        lo: intervals[j].0,
        hi: intervals[j].1,
    };
    let gap = part(0);
    let threefold = Threefold {
        endowments: part(1),
        coefficients: part(2),
        interaction: part(3),
    };
    let twofold = Reference::ALL
        .iter()
        .enumerate()
        .map(|(i, &r)| Twofold {
            reference: r,
            explained: part(4 + 4 * i),
            unexplained: part(5 + 4 * i),
            unexplained_a: part(6 + 4 * i),
            unexplained_b: part(7 + 4 * i),
        })
        .collect();
    let base = 4 + 4 * Reference::ALL.len();
    let detailed = detail_rows
        .iter()
        .enumerate()
        .map(|(i, (variable, category, is_base, _))| {
            let j = base + 5 * i;
            Detail {
                variable: variable.clone(),
                category: category.clone(),
                base: *is_base,
                endowments: part(j),
                coefficients: part(j + 1),
                interaction: part(j + 2),
                explained: part(j + 3),
                unexplained: part(j + 4),
            }
        })
        .collect();
    let group_fit = |f: &Fit, code: u32| {
        let mut names = vec!["(constant)".to_string()];
        names.extend((1..p).map(|j| design.column_name(j)));
        GroupFit {
            label: labels[code as usize].clone(),
            n: f.n,
            weighted_n: f.weight,
            mean: f.ybar,
            r_squared: f.r_squared,
            coefficients: (0..p)
                .map(|j| {
                    (
                        names[j].clone(),
                        f.beta[j],
                        f.v_beta[(j, j)].max(0.0).sqrt(),
                        f.xbar[j],
                    )
                })
                .collect(),
        }
    };
    let method = match options.variance {
        Variance::Delta { robust: false } => "delta method (Jann 2008), regression variances as R lm / Stata regress".to_string(),
        Variance::Delta { robust: true } => "delta method (Jann 2008), heteroskedasticity-robust (HC1) regression variances".to_string(),
        Variance::Bootstrap { replicates, seed } => format!("bootstrap: {replicates} replicates, rows resampled within each group, seed {seed}; percentile intervals"),
    };
    Ok(Explained {
        outcome: options.outcome,
        method,
        reference: chosen,
        group_a: group_fit(&theta.a, a_code),
        group_b: group_fit(&theta.b, b_code),
        dropped_missing: dropped,
        gap,
        threefold,
        twofold,
        detailed,
    })
}

/// The `q` quantile of sorted values (linear between order statistics, R's type 7).
fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Whether a covariate is categorical (for callers that describe the design).
pub fn is_categorical(values: &CovariateValues) -> bool {
    matches!(values, CovariateValues::Categorical(_))
}

#[cfg(test)]
mod tests;

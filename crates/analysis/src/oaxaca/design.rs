//! The design of the regressions: which column of `X` each covariate gives, how a row fills
//! its `x_i`, and the maps that turn coefficients and means into the detailed decomposition's
//! terms with categorical effects normalised (Gardeazabal & Ugidos 2004; Yun 2005).
//!
//! `X` has `p = 1 + k` columns: the constant, then for each covariate in order one column
//! (numeric) or one indicator per category but the base (categorical; the base is the first
//! label in sorted order, as Stata's factor variables take the lowest level). The detailed
//! decomposition has `q` terms: the constant, then one per numeric covariate and, for each
//! categorical one, one per category including the base.

use crate::payroll::{Covariate, CovariateValues, MISSING_CODE};

/// Where a non-constant column of `X` comes from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Source {
    /// A numeric covariate's value.
    Numeric { covariate: usize },
    /// 1 if the covariate's code is `code`, else 0.
    Indicator { covariate: usize, code: u32 },
}

/// A covariate as the output shows it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Variable {
    /// One column: `column` (1-based index into `X`, 0 being the constant).
    Numeric { name: String, column: usize },
    /// A base category (no column) and one column per other category.
    Categorical {
        name: String,
        base: String,
        /// `(label, column)` of each non-base category, in label order.
        levels: Vec<(String, usize)>,
    },
}

/// The columns of `X`, built from the covariates.
#[derive(Debug, Clone)]
pub(crate) struct Design<'a> {
    covariates: &'a [Covariate],
    /// The non-constant columns, `X[:, 1..]`.
    pub(crate) sources: Vec<Source>,
    pub(crate) variables: Vec<Variable>,
    /// For each categorical covariate, the column of each code (`None` for the base), by code.
    indicator_columns: Vec<Option<Vec<Option<usize>>>>,
}

impl<'a> Design<'a> {
    pub(crate) fn new(covariates: &'a [Covariate]) -> Design<'a> {
        let mut sources = Vec::new();
        let mut variables = Vec::new();
        let mut indicator_columns = Vec::new();
        for (c, cov) in covariates.iter().enumerate() {
            match &cov.values {
                CovariateValues::Numeric(_) => {
                    sources.push(Source::Numeric { covariate: c });
                    variables.push(Variable::Numeric {
                        name: cov.name.clone(),
                        column: sources.len(),
                    });
                    indicator_columns.push(None);
                }
                CovariateValues::Categorical(g) => {
                    let mut by_code = vec![None; g.labels.len()];
                    let mut levels = Vec::new();
                    for (code, label) in g.labels.iter().enumerate().skip(1) {
                        sources.push(Source::Indicator {
                            covariate: c,
                            code: code as u32,
                        });
                        by_code[code] = Some(sources.len());
                        levels.push((label.clone(), sources.len()));
                    }
                    variables.push(Variable::Categorical {
                        name: cov.name.clone(),
                        base: g.labels.first().cloned().unwrap_or_default(),
                        levels,
                    });
                    indicator_columns.push(Some(by_code));
                }
            }
        }
        Design {
            covariates,
            sources,
            variables,
            indicator_columns,
        }
    }

    /// `k`: the non-constant columns.
    pub(crate) fn k(&self) -> usize {
        self.sources.len()
    }

    /// Whether row `i` has every covariate.
    pub(crate) fn complete(&self, i: usize) -> bool {
        self.covariates.iter().all(|c| match &c.values {
            CovariateValues::Numeric(v) => !v[i].is_nan(),
            CovariateValues::Categorical(g) => g.codes[i] != MISSING_CODE,
        })
    }

    /// Writes `x_i` without the constant (`k` values) into `out`. The row must be complete.
    pub(crate) fn fill(&self, i: usize, out: &mut [f64]) {
        out.fill(0.0);
        let mut at = 0;
        for (c, cov) in self.covariates.iter().enumerate() {
            match &cov.values {
                CovariateValues::Numeric(v) => {
                    out[at] = v[i];
                    at += 1;
                }
                CovariateValues::Categorical(g) => {
                    let columns = self.indicator_columns[c].as_ref().expect("categorical");
                    if let Some(col) = columns[g.codes[i] as usize] {
                        out[col - 1] = 1.0;
                    }
                    at += columns.len() - 1;
                }
            }
        }
    }

    /// The name of non-constant column `j` (1-based), as an error names it: `educ` or
    /// `educ = "university"`.
    pub(crate) fn column_name(&self, j: usize) -> String {
        match &self.sources[j - 1] {
            Source::Numeric { covariate } => format!("{:?}", self.covariates[*covariate].name),
            Source::Indicator { covariate, code } => {
                let cov = &self.covariates[*covariate];
                let label = match &cov.values {
                    CovariateValues::Categorical(g) => g.labels[*code as usize].as_str(),
                    CovariateValues::Numeric(_) => "",
                };
                format!("{:?} = {label:?}", cov.name)
            }
        }
    }

    /// The detailed terms: `(variable index or None for the constant, label of the term)`, `q`
    /// of them, in order: the constant, then each variable's terms (a categorical variable's
    /// base first).
    pub(crate) fn terms(&self) -> Vec<(Option<usize>, String)> {
        let mut t = vec![(None, "(constant)".to_string())];
        for (v, var) in self.variables.iter().enumerate() {
            match var {
                Variable::Numeric { name, .. } => t.push((Some(v), name.clone())),
                Variable::Categorical { base, levels, .. } => {
                    t.push((Some(v), base.clone()));
                    for (label, _) in levels {
                        t.push((Some(v), label.clone()));
                    }
                }
            }
        }
        t
    }

    /// The `q × p` maps `M` (means) and `N` (coefficients), row-major: term `t` of the detailed
    /// decomposition is `(M x̄)_t (N β)_t`, and `Σ_t (M x̄)_t (N β)_t = x̄'β` for every `x̄`
    /// with constant 1 and every `β`.
    ///
    /// For a categorical variable with base 0 and categories `1 … m` (coefficients `β_j`,
    /// `β_0 = 0`), `β̄ = Σ_{j=0..m} β_j / (m + 1)`: the normalised effects are `β_j − β̄`
    /// (summing to zero over the categories, so no category's contribution depends on which
    /// one was left out) and `β̄` moves into the constant. The base's mean share is
    /// `1 − Σ_j x̄_j` (the constant's mean minus the indicators').
    pub(crate) fn maps(&self) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
        let p = self.k() + 1;
        let mut m_rows = vec![unit(p, 0)];
        let mut n_rows = vec![unit(p, 0)];
        for var in &self.variables {
            match var {
                Variable::Numeric { column, .. } => {
                    m_rows.push(unit(p, *column));
                    n_rows.push(unit(p, *column));
                }
                Variable::Categorical { levels, .. } => {
                    let share = 1.0 / (levels.len() + 1) as f64;
                    // β̄ into the constant.
                    for (_, col) in levels {
                        n_rows[0][*col] += share;
                    }
                    // The base: mean 1 − Σ x̄_j; effect 0 − β̄.
                    let mut m_base = unit(p, 0);
                    let mut n_base = vec![0.0; p];
                    for (_, col) in levels {
                        m_base[*col] = -1.0;
                        n_base[*col] = -share;
                    }
                    m_rows.push(m_base);
                    n_rows.push(n_base);
                    for (_, col) in levels {
                        m_rows.push(unit(p, *col));
                        let mut n = vec![0.0; p];
                        for (_, other) in levels {
                            n[*other] = -share;
                        }
                        n[*col] += 1.0;
                        n_rows.push(n);
                    }
                }
            }
        }
        (m_rows, n_rows)
    }
}

fn unit(p: usize, j: usize) -> Vec<f64> {
    let mut v = vec![0.0; p];
    v[j] = 1.0;
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payroll::Groups;

    fn covariates() -> Vec<Covariate> {
        vec![
            Covariate {
                name: "exp".into(),
                values: CovariateValues::Numeric(vec![1.0, 2.0, f64::NAN]),
            },
            Covariate {
                name: "educ".into(),
                values: CovariateValues::Categorical(Groups {
                    labels: vec!["a".into(), "b".into(), "c".into()],
                    codes: vec![0, 2, 1],
                }),
            },
        ]
    }

    #[test]
    fn rows_fill_columns_and_indicators() {
        let c = covariates();
        let d = Design::new(&c);
        assert_eq!(d.k(), 3);
        let mut x = vec![9.0; 3];
        d.fill(0, &mut x);
        assert_eq!(x, [1.0, 0.0, 0.0]);
        d.fill(1, &mut x);
        assert_eq!(x, [2.0, 0.0, 1.0]);
        assert!(d.complete(1));
        assert!(!d.complete(2));
        assert_eq!(d.column_name(3), "\"educ\" = \"c\"");
        let terms: Vec<String> = d.terms().into_iter().map(|t| t.1).collect();
        assert_eq!(terms, ["(constant)", "exp", "a", "b", "c"]);
    }

    /// `Σ_t (M x̄)_t (N β)_t = x̄'β`, and the normalised categorical effects sum to zero.
    #[test]
    fn maps_keep_the_total_and_normalise() {
        let c = covariates();
        let d = Design::new(&c);
        let (m, n) = d.maps();
        let xbar = [1.0, 3.5, 0.25, 0.4];
        let beta = [2.0, 0.1, 0.3, -0.6];
        let apply = |rows: &[Vec<f64>], v: &[f64]| -> Vec<f64> {
            rows.iter()
                .map(|r| r.iter().zip(v).map(|(a, b)| a * b).sum())
                .collect()
        };
        let (u, v) = (apply(&m, &xbar), apply(&n, &beta));
        let total: f64 = u.iter().zip(&v).map(|(a, b)| a * b).sum();
        let direct: f64 = xbar.iter().zip(&beta).map(|(a, b)| a * b).sum();
        assert!((total - direct).abs() < 1e-14);
        // Base share 1 - 0.25 - 0.4 = 0.35; effects 0, 0.3, -0.6 minus their mean -0.1.
        assert!((u[2] - 0.35).abs() < 1e-15);
        assert!((v[2] - 0.1).abs() < 1e-15 && (v[3] - 0.4).abs() < 1e-15);
        assert!((v[4] + 0.5).abs() < 1e-15);
        assert!((v[0] - 1.9).abs() < 1e-15);
    }
}

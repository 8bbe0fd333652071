//! A dataset's ledger: the records of `derivations/*.toml` (sections, assumptions, derived
//! lines, checks, charts) and their evaluation over the dataset's figures by the engine of
//! [`wages_analysis::ledger`].
//!
//! What the engine sees of the dataset ([`inputs`]):
//! - every figure by its id: its stated value (none for a range), the interval its qualifier
//!   stands for, its unit, and its assumptions (an assumed figure is an assumption of its own;
//!   a "more than" figure rests on the convention `more-than-upper`);
//! - every number of a grade rule as `{rule-id.field}` (`grade_low`, `grade_high`,
//!   `supplement_percent`, `threshold_multiple`), exact;
//! - every grade coefficient of a pay scale as `{scale-id.grade-N}`, exact; an assumed rule or
//!   scale is an assumption of its own.

use std::collections::{BTreeMap, HashMap, HashSet};

use wages_analysis::format::fmt_num;
use wages_analysis::interval::Interval;
use wages_analysis::interval::{interval_from_qualifier, Qualifier};
use wages_analysis::ledger::parse::{parse_template, Piece};
use wages_analysis::ledger::{self as engine, Inputs, Outcome, Quantity, Spec};

use crate::model::{Dataset, Figure, Status, Unit, Value};

/// The `derivations/` records of a dataset, in file order (files sorted by name).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Derivations {
    pub sections: Vec<SectionDecl>,
    pub assumptions: Vec<AssumptionDecl>,
    /// Derived lines and checks, in file order.
    pub lines: Vec<LineDecl>,
    pub charts: Vec<ChartDecl>,
}

/// `[[section]]`: a part of the report. Figures join the section their `group` names.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionDecl {
    pub id: String,
    pub title: String,
    /// Grade rules, pay scales or figures of another group shown in this section.
    pub records: Vec<String>,
    pub file: String,
}

/// `[[assumption]]`: a stated reading that no source gives.
#[derive(Debug, Clone, PartialEq)]
pub struct AssumptionDecl {
    pub id: String,
    /// A label template (may render figures by id).
    pub statement: String,
    pub basis: String,
    pub file: String,
}

/// `[[derived]]` or `[[check]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct LineDecl {
    pub id: String,
    pub section: String,
    /// A label template.
    pub label: String,
    pub note: Option<String>,
    /// The unit in words, when the unit word alone would mislead ("% of those above 8x").
    pub unit_text: Option<String>,
    /// What the engine evaluates.
    pub spec: Spec,
    pub file: String,
}

impl LineDecl {
    pub fn is_check(&self) -> bool {
        matches!(self.spec, Spec::Check(_))
    }

    /// The declared unit of a derived line.
    pub fn unit(&self) -> Option<Unit> {
        match &self.spec {
            Spec::Derived(d) => Some(d.unit),
            Spec::Check(_) => None,
        }
    }
}

/// `[[chart]]`: a chart the dataset declares. The kind-specific fields are kept as written and
/// read by the chart renderer, which draws evaluated lines by id.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartDecl {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub fields: toml::Table,
    pub file: String,
    pub line: Option<usize>,
}

/// An assumption as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assumption {
    pub id: String,
    pub statement: String,
    pub basis: String,
}

/// The id of the project's reading of "more than N".
pub const MORE_THAN: &str = "more-than-upper";

/// The built-in statement of [`MORE_THAN`], used when the dataset does not declare it.
const MORE_THAN_STATEMENT: &str = "\"more than N\" is read as at most N plus one unit of its last significant digit (\"more than 80,000\" as [80,000, 90,000])";

/// The point and interval a figure's wording stands for (`None` if the qualifier and value
/// do not make an interval, which validation has already reported).
pub fn figure_quantity(f: &Figure) -> Option<Quantity> {
    let (low, high, point) = match f.value {
        Value::Point { value } => (value, None, Some(value)),
        Value::Range { low, high } => (low, Some(high), None),
    };
    let iv = interval_from_qualifier(f.qualifier, low, high, f.rounding).ok()?;
    let mut assumptions = Vec::new();
    if f.status == Status::Assumption {
        assumptions.push(f.id.clone());
    }
    if f.qualifier == Qualifier::MoreThan {
        assumptions.push(MORE_THAN.to_string());
    }
    Some(Quantity {
        point,
        interval: iv,
        unit: f.unit,
        assumptions,
    })
}

fn exact(x: f64, unit: Unit, assumptions: Vec<String>) -> Quantity {
    Quantity {
        point: Some(x),
        // Grades and coefficients are validated finite at load.
        interval: Interval::point(x).unwrap_or_else(|_| Interval::non_negative()),
        unit,
        assumptions,
    }
}

/// Everything a formula may refer to, by key; a grade a pay scale does not give (up to its
/// highest grade, and at least up to 17) is an absent key with the reason.
pub fn inputs(ds: &Dataset) -> Inputs {
    let mut m = BTreeMap::new();
    let mut absent = BTreeMap::new();
    for f in &ds.figures {
        if let Some(q) = figure_quantity(f) {
            m.insert(f.id.clone(), q);
        }
    }
    for r in &ds.rules {
        let own = if r.status == Status::Assumption {
            vec![r.id.clone()]
        } else {
            Vec::new()
        };
        m.insert(
            format!("{}.grade_low", r.id),
            exact(r.grade_low as f64, Unit::Grade, own.clone()),
        );
        m.insert(
            format!("{}.grade_high", r.id),
            exact(r.grade_high as f64, Unit::Grade, own.clone()),
        );
        if let Some(s) = r.supplement_percent {
            m.insert(
                format!("{}.supplement_percent", r.id),
                exact(s, Unit::Percent, own.clone()),
            );
        }
        if let Some(k) = r.threshold_multiple {
            m.insert(
                format!("{}.threshold_multiple", r.id),
                exact(k, Unit::Number, own.clone()),
            );
        }
    }
    for s in &ds.scales {
        let own = if s.is_assumption() {
            vec![s.id.clone()]
        } else {
            Vec::new()
        };
        for (g, c) in &s.grades {
            m.insert(
                format!("{}.grade-{g}", s.id),
                exact(*c, Unit::Number, own.clone()),
            );
        }
        let top = s.grades.keys().max().copied().unwrap_or(0).max(17);
        for g in (1..=top).filter(|g| !s.grades.contains_key(g)) {
            absent.insert(
                format!("{}.grade-{g}", s.id),
                format!("pay scale `{}` gives no coefficient for grade {g}", s.id),
            );
        }
    }
    Inputs { known: m, absent }
}

/// Every assumption a line can rest on, by id: the declared ones, assumed figures, rules and
/// scales, and the `more-than-upper` convention.
pub fn assumptions(ds: &Dataset) -> BTreeMap<String, Assumption> {
    let mut m = BTreeMap::new();
    m.insert(
        MORE_THAN.to_string(),
        Assumption {
            id: MORE_THAN.into(),
            statement: MORE_THAN_STATEMENT.into(),
            basis: "project convention (docs/report.md)".into(),
        },
    );
    for f in ds.figures.iter().filter(|f| f.status == Status::Assumption) {
        m.insert(
            f.id.clone(),
            Assumption {
                id: f.id.clone(),
                statement: format!(
                    "the figure `{}` is assumed, not reported: {}",
                    f.id, f.description
                ),
                basis: f.basis.clone().unwrap_or_else(|| "not stated".into()),
            },
        );
    }
    for r in ds.rules.iter().filter(|r| r.status == Status::Assumption) {
        m.insert(
            r.id.clone(),
            Assumption {
                id: r.id.clone(),
                statement: format!("the grade rule `{}` is assumed: {}", r.id, r.description),
                basis: r.source.clone(),
            },
        );
    }
    for s in ds.scales.iter().filter(|s| s.is_assumption()) {
        m.insert(
            s.id.clone(),
            Assumption {
                id: s.id.clone(),
                statement: format!(
                    "pay scale `{}` is an assumption, not a source: {}",
                    s.id, s.description
                ),
                basis: s.basis.clone().unwrap_or_else(|| "not stated".into()),
            },
        );
    }
    for a in &ds.derivations.assumptions {
        m.insert(
            a.id.clone(),
            Assumption {
                id: a.id.clone(),
                statement: a.statement.clone(),
                basis: a.basis.clone(),
            },
        );
    }
    m
}

/// The evaluated ledger of a dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluated {
    /// One outcome per [`Derivations::lines`] entry, in the same order.
    pub outcomes: Vec<Outcome>,
    pub assumptions: BTreeMap<String, Assumption>,
}

impl Evaluated {
    /// The outcome of the derived line or check with this id.
    pub fn get(&self, id: &str) -> Option<&Outcome> {
        self.outcomes.iter().find(|o| o.id() == id)
    }

    /// The value of a derived line, if it was evaluated.
    pub fn derived(&self, id: &str) -> Option<&engine::DerivedValue> {
        match self.get(id)? {
            Outcome::Derived(d) => Some(d),
            _ => None,
        }
    }
}

/// Evaluates every derived line and check of the dataset (validated at load).
pub fn evaluate(ds: &Dataset) -> Evaluated {
    let specs: Vec<Spec> = ds
        .derivations
        .lines
        .iter()
        .map(|l| l.spec.clone())
        .collect();
    let mut registry = assumptions(ds);
    let outcomes = engine::evaluate(&inputs(ds), &specs);
    // Statements are templates: render them once the values are known.
    let names = Names::new(ds, &outcomes);
    let rendered: Vec<(String, String)> = registry
        .iter()
        .map(|(id, a)| (id.clone(), names.render(&a.statement)))
        .collect();
    drop(names);
    for (id, s) in rendered {
        if let Some(a) = registry.get_mut(&id) {
            a.statement = s;
        }
    }
    Evaluated {
        outcomes,
        assumptions: registry,
    }
}

/// Renders a label template: `{id}` the number, `{id:text}` the value as the source words it,
/// `{id:display}` with its unit, `{id:date}` its date. A reference that cannot be rendered
/// (validation reports unknown ids) is left as written. Builds an index of the dataset on each
/// call: to render many labels, build one [`Names`] and use [`Names::render`].
pub fn render(ds: &Dataset, outcomes: &[Outcome], template: &str) -> String {
    Names::new(ds, outcomes).render(template)
}

/// The styles a template reference may take.
pub const TEMPLATE_STYLES: [&str; 4] = ["text", "display", "date", "number"];

/// Everything a label template may name, indexed once: figures, derived lines (with their
/// outcomes, once evaluated), and record fields.
pub struct Names<'a> {
    ds: &'a Dataset,
    figures: HashMap<&'a str, &'a Figure>,
    outcomes: HashMap<&'a str, &'a Outcome>,
    lines: HashSet<&'a str>,
    inputs: Inputs,
}

impl<'a> Names<'a> {
    pub fn new(ds: &'a Dataset, outcomes: &'a [Outcome]) -> Self {
        Names {
            ds,
            figures: ds.figures.iter().map(|f| (f.id.as_str(), f)).collect(),
            outcomes: outcomes.iter().map(|o| (o.id(), o)).collect(),
            lines: ds
                .derivations
                .lines
                .iter()
                .filter(|l| !l.is_check())
                .map(|l| l.id.as_str())
                .collect(),
            inputs: inputs(ds),
        }
    }

    /// See [`render`].
    pub fn render(&self, template: &str) -> String {
        let Ok(pieces) = parse_template(template) else {
            return template.to_string();
        };
        let mut out = String::new();
        for p in pieces {
            match p {
                Piece::Text(t) => out.push_str(&t),
                Piece::Ref { id, style, .. } => match self.render_ref(&id, style.as_deref()) {
                    Some(s) => out.push_str(&s),
                    None => {
                        out.push('{');
                        out.push_str(&id);
                        if let Some(s) = style {
                            out.push(':');
                            out.push_str(&s);
                        }
                        out.push('}');
                    }
                },
            }
        }
        out
    }

    fn render_ref(&self, id: &str, style: Option<&str>) -> Option<String> {
        if let Some(f) = self.figures.get(id) {
            let number = || match f.value {
                Value::Point { value } => fmt_num(value).0,
                Value::Range { low, high } => format!("{}-{}", fmt_num(low).0, fmt_num(high).0),
            };
            return Some(match style {
                None | Some("number") => number(),
                Some("text") => f.value_text(),
                Some("display") => f.display(),
                Some("date") => f.date.map_or_else(|| "undated".into(), |d| d.to_string()),
                Some(_) => return None,
            });
        }
        if let Some(o) = self.outcomes.get(id) {
            let Outcome::Derived(d) = o else {
                return Some("(not available)".into());
            };
            let text = match d.point {
                Some(p) => fmt_num(p).0,
                None => d.interval.to_string(),
            };
            return match style {
                None | Some("number") | Some("text") | Some("display") => Some(text),
                Some(_) => None,
            };
        }
        self.inputs.known.get(id)?.point.map(|p| fmt_num(p).0)
    }

    /// Whether a template reference names something renderable (for validation).
    pub(crate) fn check(&self, id: &str, style: Option<&str>) -> Result<(), String> {
        if let Some(s) = style {
            if !TEMPLATE_STYLES.contains(&s) {
                return Err(format!(
                    "`{{{id}:{s}}}`: unknown style `{s}`; use one of {}",
                    TEMPLATE_STYLES.join(", ")
                ));
            }
        }
        let is_figure = self.figures.contains_key(id);
        if is_figure || self.lines.contains(id) {
            if style == Some("date") && !is_figure {
                return Err(format!("`{{{id}:date}}`: only a figure has a date"));
            }
            return Ok(());
        }
        if self.inputs.known.contains_key(id) {
            return Ok(());
        }
        let candidates = self
            .ds
            .figures
            .iter()
            .map(|f| f.id.as_str())
            .chain(self.lines.iter().copied());
        let hint = engine::nearest(id, candidates)
            .map(|s| format!("; did you mean `{{{s}}}`?"))
            .unwrap_or_default();
        Err(format!("`{{{id}}}` names no figure or derived line{hint}"))
    }
}

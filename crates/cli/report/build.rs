//! Builds the [`Report`] from a [`Dataset`]: its reported records, and its ledger
//! (`derivations/*.toml`) as evaluated by `wages_data::ledger`. This module only lays out:
//! every value, interval, verdict and assumption comes from the ledger engine.
//!
//! Sections appear in the order the derivations declare them. A section shows the figures of
//! its `group` (in dataset order), then the records it lists (`records = [...]`), then its
//! derived lines and checks (in file order). Everything not shown in a section goes to a last
//! section, "Other figures in the dataset". A line the engine cannot evaluate (a division by a
//! value that can be zero, a pay scale without the grade) is an [`Unavailable`] line with the
//! reason. Only a dataset with no figures at all is an error.

use std::collections::BTreeSet;

use wages_analysis::ledger::{Outcome, Verdict};
use wages_data::ledger::{self as ledger, Evaluated, LineDecl};
use wages_data::{Dataset, Figure, GradeRule, PayScale, Value};

use super::{
    Assumed, Check, Derived, HoldsFor, Line, Record, Report, Reported, Section, Status,
    Unavailable, SCHEMA_VERSION,
};
use crate::error::CliError;

/// Builds the report. Errors (exit 1) only when the dataset has no figures at all: then there is
/// nothing to report.
pub fn build(dataset: &Dataset) -> Result<Report, CliError> {
    if dataset.figures.is_empty() {
        return Err(CliError::data(format!(
            "{}: the dataset has no figures, so there is nothing to report; add figure files under figures/ (see data/README.md)",
            crate::output::printable(&dataset.origin)
        )));
    }
    let ev = ledger::evaluate(dataset);
    let names = ledger::Names::new(dataset, &ev.outcomes);
    let mut used: BTreeSet<&str> = BTreeSet::new();
    let mut sections = Vec::new();
    for s in &dataset.derivations.sections {
        let mut lines = Vec::new();
        for f in dataset.figures.iter().filter(|f| f.group == s.id) {
            used.insert(&f.id);
            lines.push(reported_figure(f));
        }
        for id in &s.records {
            if !used.insert(id) {
                continue;
            }
            if let Some(f) = dataset.figure(id) {
                lines.push(reported_figure(f));
            } else if let Some(r) = dataset.rule(id) {
                lines.push(reported_rule(r));
            } else if let Some(sc) = dataset.scale(id) {
                lines.push(reported_scale(sc, &ev));
            }
        }
        for (decl, outcome) in dataset.derivations.lines.iter().zip(&ev.outcomes) {
            if decl.section == s.id {
                lines.push(ledger_line(&names, &ev, decl, outcome));
            }
        }
        sections.push(Section {
            id: s.id.clone(),
            title: s.title.clone(),
            lines,
        });
    }
    let mut other: Vec<Line> = dataset
        .figures
        .iter()
        .filter(|f| !used.contains(f.id.as_str()))
        .map(reported_figure)
        .collect();
    other.extend(
        dataset
            .rules
            .iter()
            .filter(|r| !used.contains(r.id.as_str()))
            .map(reported_rule),
    );
    other.extend(
        dataset
            .scales
            .iter()
            .filter(|s| !used.contains(s.id.as_str()))
            .map(|s| reported_scale(s, &ev)),
    );
    sections.push(Section {
        id: "other-figures".into(),
        title: "Other figures in the dataset".into(),
        lines: other,
    });
    Ok(Report {
        schema_version: SCHEMA_VERSION,
        dataset_origin: dataset.origin.clone(),
        sections,
    })
}

fn assumed(ev: &Evaluated, ids: &[String]) -> Vec<Assumed> {
    ids.iter()
        .map(|id| match ev.assumptions.get(id) {
            Some(a) => Assumed {
                id: a.id.clone(),
                statement: a.statement.clone(),
                basis: a.basis.clone(),
            },
            None => Assumed {
                id: id.clone(),
                statement: format!("`{id}` (not declared)"),
                basis: String::new(),
            },
        })
        .collect()
}

fn ledger_line(names: &ledger::Names, ev: &Evaluated, decl: &LineDecl, outcome: &Outcome) -> Line {
    let label = names.render(&decl.label);
    let note = decl.note.as_ref().map(|n| names.render(n));
    match outcome {
        Outcome::Derived(d) => {
            let assumed = assumed(ev, &d.assumptions);
            let unit = decl.unit().unwrap_or(wages_analysis::unit::Unit::Number);
            Line::Derived(Derived {
                id: d.id.clone(),
                label,
                value: d.point,
                interval: d.interval,
                unit_text: decl
                    .unit_text
                    .clone()
                    .unwrap_or_else(|| unit.words().to_string()),
                unit: unit.key().to_string(),
                formula: d.formula.clone(),
                inputs: d.inputs.clone(),
                rests_on: d.underlying.clone(),
                assumptions: assumed.iter().map(|a| a.statement.clone()).collect(),
                assumed,
                interval_is: d.exactness,
                note,
            })
        }
        Outcome::Check(c) => {
            let assumed = assumed(ev, &c.assumptions);
            Line::Check(Check {
                id: c.id.clone(),
                label,
                passed: c.verdict == Verdict::Pass,
                verdict: c.verdict,
                detail: c.detail.clone(),
                holds_for: c
                    .holds_for
                    .iter()
                    .map(|(id, iv)| HoldsFor {
                        id: id.clone(),
                        interval: *iv,
                    })
                    .collect(),
                inputs: c.inputs.clone(),
                assumptions: assumed.iter().map(|a| a.statement.clone()).collect(),
                assumed,
                note,
            })
        }
        Outcome::Unavailable(u) => Line::Unavailable(Unavailable {
            id: u.id.clone(),
            label,
            reason: format!("not available: {}", u.reason),
            missing: Vec::new(),
        }),
    }
}

fn status(s: wages_data::Status) -> Status {
    match s {
        wages_data::Status::Reported => Status::Reported,
        wages_data::Status::Assumption => Status::Assumption,
    }
}

/// A number as `fmt_num` shows it, without the exactness flag.
fn fmt_plain(x: f64) -> String {
    wages_analysis::format::fmt_num(x).0
}

fn reported_figure(f: &Figure) -> Line {
    let assumed_figure = f.status == wages_data::Status::Assumption;
    let basis = f.basis.clone().unwrap_or_else(|| f.description.clone());
    Line::Reported(Reported {
        id: f.id.clone(),
        record: Record::Figure,
        label: f.description.clone(),
        value: match f.value {
            Value::Point { value } => Some(value),
            Value::Range { .. } => None,
        },
        value_text: f.display(),
        qualifier: Some(f.qualifier.as_str().to_string()),
        interval: ledger::figure_quantity(f).map(|q| q.interval),
        unit: Some(f.unit.key().to_string()),
        unit_text: f.unit_text(),
        status: status(f.status),
        source: f.citation(),
        footnote: f.footnote,
        date: f.date.map(|d| d.to_string()),
        quote: f.quote.clone(),
        note: f.note.clone(),
        assumptions: if assumed_figure {
            vec![format!("ASSUMPTION, not reported by a source: {basis}")]
        } else {
            Vec::new()
        },
        assumed: if assumed_figure {
            vec![Assumed {
                id: f.id.clone(),
                statement: f.description.clone(),
                basis,
            }]
        } else {
            Vec::new()
        },
    })
}

fn reported_rule(r: &GradeRule) -> Line {
    let grades = if r.grade_low == r.grade_high {
        format!("grade {}", r.grade_low)
    } else {
        format!("grades {}-{}", r.grade_low, r.grade_high)
    };
    let mut text = grades;
    if let Some(s) = r.supplement_percent {
        text.push_str(&format!(" plus {}%", fmt_plain(s)));
    }
    if let Some(k) = r.threshold_multiple {
        text = format!(
            "{} of pay above {} × {text}",
            r.share_taken.as_deref().unwrap_or("some"),
            fmt_plain(k)
        );
    }
    Line::Reported(Reported {
        id: r.id.clone(),
        record: Record::Rule,
        label: r.description.clone(),
        value: None,
        value_text: text,
        qualifier: None,
        interval: None,
        unit: None,
        unit_text: String::new(),
        status: status(r.status),
        source: r.source.clone(),
        footnote: r.footnote,
        date: r.date.map(|d| d.to_string()),
        quote: r.quote.clone(),
        note: r.note.clone(),
        assumptions: Vec::new(),
        assumed: Vec::new(),
    })
}

fn reported_scale(s: &PayScale, ev: &Evaluated) -> Line {
    let grades: Vec<String> = s
        .grades
        .iter()
        .map(|(g, c)| format!("grade {g} = {}", fmt_plain(*c)))
        .collect();
    let assumed = if s.is_assumption() {
        assumed(ev, std::slice::from_ref(&s.id))
    } else {
        Vec::new()
    };
    Line::Reported(Reported {
        id: s.id.clone(),
        record: Record::Scale,
        label: s.description.clone(),
        value: None,
        value_text: format!(
            "{} ({}){}",
            grades.join(", "),
            s.relative_to,
            if s.grades.len() < 17 {
                "; no other grade given"
            } else {
                ""
            }
        ),
        qualifier: None,
        interval: None,
        unit: None,
        unit_text: String::new(),
        status: status(s.status),
        source: s
            .source
            .clone()
            .unwrap_or_else(|| "none (an assumption of the dataset)".into()),
        footnote: None,
        date: None,
        quote: None,
        note: None,
        assumptions: assumed
            .iter()
            .map(|a| format!("{}; basis: {}", a.statement, a.basis))
            .collect(),
        assumed,
    })
}

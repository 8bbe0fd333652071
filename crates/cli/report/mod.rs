//! The report model: every pay figure of a dataset, what follows from it, and on what
//! assumption. [`build`] is pure (a [`Dataset`] in, a [`Report`] out); `render` turns the model
//! into a terminal table, Markdown or CSV, and serde turns it into the JSON documented in
//! `docs/report-json.md`.
//!
//! Line ids are stable (they are the JSON contract and the chart renderer looks derived lines up
//! with [`Report::find`]); the full list is in `docs/report-json.md`.

mod build;
pub mod render;

use serde::Serialize;
use wages_analysis::interval::Interval;
use wages_analysis::ledger::{Exactness, Verdict};

pub use build::build;

/// Version of the JSON layout. Raised on any change that could break a reader (a renamed or
/// removed field, a changed meaning); adding a field or a line does not raise it.
pub const SCHEMA_VERSION: u32 = 1;

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub schema_version: u32,
    /// "embedded" or the `--data` directory.
    pub dataset_origin: String,
    pub sections: Vec<Section>,
}

/// One part of the story (official ratios, Vovsi's survey, ...).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub lines: Vec<Line>,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Line {
    /// A record of the dataset as its source gives it (a figure, a grade rule or a pay scale).
    Reported(Reported),
    /// A figure computed from others.
    Derived(Derived),
    /// A consistency check between figures.
    Check(Check),
    /// A derived line or check that could not be computed on this dataset.
    Unavailable(Unavailable),
}

impl Line {
    pub fn id(&self) -> &str {
        match self {
            Line::Reported(r) => &r.id,
            Line::Derived(d) => &d.id,
            Line::Check(c) => &c.id,
            Line::Unavailable(u) => &u.id,
        }
    }

    pub fn label(&self) -> &str {
        match self {
            Line::Reported(r) => &r.label,
            Line::Derived(d) => &d.label,
            Line::Check(c) => &c.label,
            Line::Unavailable(u) => &u.label,
        }
    }

    /// The derived record, if this is a derived line.
    #[allow(dead_code)]
    pub fn as_derived(&self) -> Option<&Derived> {
        match self {
            Line::Derived(d) => Some(d),
            _ => None,
        }
    }

    /// The assumptions the line rests on, by id, statement and basis.
    pub fn assumed(&self) -> &[Assumed] {
        match self {
            Line::Reported(r) => &r.assumed,
            Line::Derived(d) => &d.assumed,
            Line::Check(c) => &c.assumed,
            Line::Unavailable(_) => &[],
        }
    }

    /// The assumptions the line rests on (empty for a reported figure of a source).
    pub fn assumptions(&self) -> &[String] {
        match self {
            Line::Reported(r) => &r.assumptions,
            Line::Derived(d) => &d.assumptions,
            Line::Check(c) => &c.assumptions,
            Line::Unavailable(_) => &[],
        }
    }
}

/// What kind of dataset record a reported line shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Record {
    Figure,
    Rule,
    Scale,
}

/// Reported by a source, or an explicit assumption of the dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Reported,
    Assumption,
}

/// An assumption a line rests on: a declared `[[assumption]]`, an assumed figure, rule or pay
/// scale, or the `more-than-upper` convention.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assumed {
    pub id: String,
    pub statement: String,
    pub basis: String,
}

/// Where an undecided check would hold: a figure and the sub-interval of its values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HoldsFor {
    pub id: String,
    pub interval: Interval,
}

/// A record of the dataset, as its source gives it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reported {
    /// The record's id in the dataset.
    pub id: String,
    pub record: Record,
    pub label: String,
    /// The stated number (a point figure); `null` for a range and for rules and scales.
    pub value: Option<f64>,
    /// The value as the source words it, with qualifier and unit: "more than 80,000 persons".
    pub value_text: String,
    /// `exact`, `about`, `more-than`, `at-least`, `at-most`, `range`; `null` for rules/scales.
    pub qualifier: Option<String>,
    /// The interval the wording stands for (see docs/report.md); `null` for rules/scales.
    pub interval: Option<Interval>,
    /// Unit key (`persons`, `percent`, `ratio`, `rubles`, ...); `null` for rules/scales.
    pub unit: Option<String>,
    /// Unit in words, with the kind of ruble and the pay period.
    pub unit_text: String,
    pub status: Status,
    /// Source with what it cites.
    pub source: String,
    pub footnote: Option<u32>,
    pub date: Option<String>,
    pub quote: Option<String>,
    pub note: Option<String>,
    /// For an assumption: what it is and what it rests on.
    pub assumptions: Vec<String>,
    /// The same, by id, statement and basis.
    pub assumed: Vec<Assumed>,
}

/// A figure computed from others.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Derived {
    pub id: String,
    pub label: String,
    /// The point value; `null` when the result is only a window (an interval) with no natural
    /// point, such as the worker wages consistent with Pavlova's "20 to 50 times".
    pub value: Option<f64>,
    /// The interval that follows from the inputs' qualifiers; infinite bounds are `null`.
    pub interval: Interval,
    /// Unit key: `ratio`, `multiple-of-minimum`, `persons`, `share`, `percent`, `rubles`,
    /// `exponent`.
    pub unit: String,
    /// Unit in words ("x the minimum", "rubles/month (commodity rubles, if ...)").
    pub unit_text: String,
    /// One line, numbers substituted: "80 / 2 = 40".
    pub formula: String,
    /// Ids of the dataset records (or other report lines) it is computed from.
    pub inputs: Vec<String>,
    /// The reported figures (and record fields) under it, derived lines expanded: the interval
    /// is the range of the formula over these figures' intervals.
    pub rests_on: Vec<String>,
    /// Plain-language assumptions; non-empty means the figure rests on them.
    pub assumptions: Vec<String>,
    /// The same assumptions by id, statement and basis, own and inherited.
    pub assumed: Vec<Assumed>,
    /// `exact`: the interval is the range of the formula over its figures' intervals;
    /// `enclosure`: it contains that range and may be wider (docs/ledger.md).
    pub interval_is: Exactness,
    pub note: Option<String>,
}

/// A consistency check between figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub id: String,
    pub label: String,
    /// `true` when the verdict is `pass`.
    pub passed: bool,
    /// `pass` (holds for every value in the intervals), `fail` (for none) or `undecided`.
    pub verdict: Verdict,
    /// One line with the numbers.
    pub detail: String,
    /// For an undecided check: each uncertain figure with the values for which it would hold.
    pub holds_for: Vec<HoldsFor>,
    pub inputs: Vec<String>,
    pub assumptions: Vec<String>,
    pub assumed: Vec<Assumed>,
    pub note: Option<String>,
}

/// A line the report could not compute on this dataset, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unavailable {
    pub id: String,
    pub label: String,
    /// "not available: figure `x` missing from dataset", or the computation's error.
    pub reason: String,
    /// Ids of the dataset records that are missing (empty if the failure has another cause).
    pub missing: Vec<String>,
}

// Look-ups for the chart renderer and the tests.
#[allow(dead_code)]
impl Report {
    /// The line with this id, in any section.
    pub fn find(&self, id: &str) -> Option<&Line> {
        self.sections
            .iter()
            .flat_map(|s| s.lines.iter())
            .find(|l| l.id() == id)
    }

    /// The derived line with this id (`None` if absent, unavailable or not derived).
    pub fn derived(&self, id: &str) -> Option<&Derived> {
        self.find(id).and_then(Line::as_derived)
    }

    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_report_finds_derived_lines_by_id() {
        let r = build(&wages_data::embedded().unwrap()).unwrap();
        assert_eq!(r.schema_version, SCHEMA_VERSION);
        // 80 / 2 = 40
        let d = r.derived("andreev-effective-1922-12-computed").unwrap();
        assert_eq!(d.value, Some(40.0));
        assert_eq!(d.formula, "80 / 2 = 40");
        // 80,000 - 15,400 - 1,500 = 63,100
        assert_eq!(
            r.derived("vovsi-count-8-15x").unwrap().value,
            Some(63_100.0)
        );
        assert!(r.find("ratio-1919").is_some());
        assert!(
            r.derived("ratio-1919").is_none(),
            "a reported line is not derived"
        );
        assert!(r.find("no-such-line").is_none());
        assert!(r.section("other-figures").is_some());
        // anything on the assumed scale says so
        assert!(!r
            .find("conf12-top-rate-multiple")
            .unwrap()
            .assumptions()
            .is_empty());
    }

    #[test]
    fn a_dataset_without_figures_is_an_error() {
        let empty = wages_data::Dataset {
            origin: "test".into(),
            ..Default::default()
        };
        let e = build(&empty).unwrap_err().to_string();
        assert!(e.contains("nothing to report"), "{e}");
    }
}

//! Builds the [`Report`] from a [`Dataset`]: the paper's figures, the figures derived from them
//! (all arithmetic in `wages_analysis::derived`), and consistency checks.
//!
//! A figure the report needs but the dataset lacks turns the lines that need it into
//! [`Unavailable`] lines ("not available: figure `x` missing from dataset"); a figure with a
//! value the derivation cannot use (a zero divisor, counts that do not decrease) does the same
//! with the analysis error as the reason. Only a dataset with no figures at all is an error.

use std::cell::RefCell;
use std::collections::BTreeSet;

use wages_analysis::derived::{self as an, AnalysisError, Estimate, Unit as AUnit, Verdict};
use wages_analysis::interval::{fmt_num, Interval};
use wages_data::{Dataset, Figure, GradeRule, PayScale, Qualifier, Unit, Value};

use super::{
    Check, Derived, Line, Record, Report, Reported, Section, Status, Unavailable, SCHEMA_VERSION,
};
use crate::error::CliError;

/// Builds the report. Errors (exit 1) only when the dataset has no figures at all: then there is
/// nothing to report. Otherwise every line the dataset cannot support says why.
pub fn build(dataset: &Dataset) -> Result<Report, CliError> {
    if dataset.figures.is_empty() {
        return Err(CliError::data(format!(
            "{}: the dataset has no figures, so there is nothing to report; add figure files under figures/ (see data/README.md)",
            crate::output::printable(&dataset.origin)
        )));
    }
    let b = Builder {
        ds: dataset,
        used: RefCell::new(BTreeSet::new()),
    };
    let mut sections = vec![
        b.official_ratios(),
        b.andreev(),
        b.vovsi(),
        b.party_pay(),
        b.bromlei(),
        b.special_rates(),
    ];
    sections.push(b.other());
    Ok(Report {
        schema_version: SCHEMA_VERSION,
        dataset_origin: dataset.origin.clone(),
        sections,
    })
}

/// Why a line cannot be computed.
enum Why {
    /// Records missing from the dataset: (kind, id).
    Missing(Vec<(&'static str, String)>),
    /// Anything else, as one sentence.
    Failed(String),
}

impl From<AnalysisError> for Why {
    fn from(e: AnalysisError) -> Self {
        Why::Failed(format!("not available: {e}"))
    }
}

impl From<wages_analysis::interval::IntervalError> for Why {
    fn from(e: wages_analysis::interval::IntervalError) -> Self {
        Why::Failed(format!("not available: {e}"))
    }
}

type R<T> = Result<T, Why>;

struct Builder<'a> {
    ds: &'a Dataset,
    /// Ids of the records some section asked for (the rest go to "other figures").
    used: RefCell<BTreeSet<String>>,
}

fn section(id: &str, title: &str, lines: Vec<Line>) -> Section {
    Section {
        id: id.into(),
        title: title.into(),
        lines,
    }
}

/// The kebab-case word of a data-crate enum (its serde name: `more-than`, `persons`).
fn key<T: serde::Serialize>(v: T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn n(x: f64) -> String {
    fmt_num(x).0
}

fn unit_key(u: AUnit) -> &'static str {
    match u {
        AUnit::Ratio => "ratio",
        AUnit::MultipleOfMinimum => "multiple-of-minimum",
        AUnit::Persons => "persons",
        AUnit::Share => "share",
        AUnit::Percent => "percent",
        AUnit::Rubles => "rubles",
        AUnit::Exponent => "exponent",
    }
}

/// The estimate (point and interval) a figure's wording stands for.
fn estimate(f: &Figure) -> R<Estimate> {
    let q = f.qualifier;
    let (v, high) = match f.value {
        Value::Point { value } => (value, None),
        Value::Range { low, high } => (low, Some(high)),
    };
    Estimate::from_qualifier(q, v, high, f.rounding)
        .map_err(|e| Why::Failed(format!("not available: figure `{}`: {e}", f.id)))
}

fn ex(v: f64) -> R<Estimate> {
    Ok(Estimate::exact(v)?)
}

/// A derived line under construction.
struct D(Derived);

impl D {
    fn new(id: &str, label: impl Into<String>, unit: AUnit, e: &Estimate) -> D {
        D(Derived {
            id: id.into(),
            label: label.into(),
            value: Some(e.value()),
            interval: e.interval(),
            unit: unit_key(unit).into(),
            unit_text: unit.words().into(),
            formula: e.formula().into(),
            inputs: Vec::new(),
            assumptions: Vec::new(),
            note: None,
        })
    }

    /// Input figures: their ids, plus the conventions and assumptions they bring.
    fn figs(mut self, figs: &[&Figure]) -> D {
        for f in figs {
            self.0.inputs.push(f.id.clone());
            if f.status == wages_data::Status::Assumption {
                self.0.assumptions.push(format!(
                    "ASSUMED figure `{}`: {}",
                    f.id,
                    f.basis.as_deref().unwrap_or(&f.description)
                ));
            }
            if f.qualifier == Qualifier::MoreThan {
                if let Ok(e) = estimate(f) {
                    self.0.assumptions.push(format!(
                        "\"{}\" read as {} (convention for \"more than\", docs/report.md)",
                        f.value_text(),
                        e.interval()
                    ));
                }
            }
        }
        self
    }

    fn input(mut self, id: &str) -> D {
        self.0.inputs.push(id.into());
        self
    }

    fn assume(mut self, a: impl Into<String>) -> D {
        self.0.assumptions.push(a.into());
        self
    }

    fn note(mut self, s: impl Into<String>) -> D {
        self.0.note = Some(s.into());
        self
    }

    fn unit_text(mut self, s: impl Into<String>) -> D {
        self.0.unit_text = s.into();
        self
    }

    fn formula(mut self, s: impl Into<String>) -> D {
        self.0.formula = s.into();
        self
    }

    fn done(self) -> R<Derived> {
        Ok(self.0)
    }
}

fn check(id: &str, label: impl Into<String>, v: Verdict, inputs: &[&str]) -> Check {
    Check {
        id: id.into(),
        label: label.into(),
        passed: v.passed,
        detail: v.detail,
        inputs: inputs.iter().map(|s| s.to_string()).collect(),
        assumptions: Vec::new(),
    }
}

/// The words for an assumed (or sourced) pay scale, for every line computed with it.
fn scale_assumption(s: &PayScale) -> Option<String> {
    s.is_assumption().then(|| {
        format!(
            "pay scale `{}` is an assumption, not a source: {}; basis: {}",
            s.id,
            s.description,
            s.basis.as_deref().unwrap_or("not stated")
        )
    })
}

impl Builder<'_> {
    fn mark(&self, id: &str) {
        self.used.borrow_mut().insert(id.to_string());
    }

    /// A figure the line needs, in the unit it needs.
    fn fig(&self, id: &str, unit: Unit) -> R<&Figure> {
        self.mark(id);
        let f = self
            .ds
            .figure(id)
            .ok_or_else(|| Why::Missing(vec![("figure", id.to_string())]))?;
        if f.unit != unit {
            return Err(Why::Failed(format!(
                "not available: figure `{id}` is in {}, this line needs {}",
                key(f.unit),
                key(unit)
            )));
        }
        Ok(f)
    }

    /// Several figures at once, so that every missing one is named.
    fn figs<const K: usize>(&self, want: [(&str, Unit); K]) -> R<[&Figure; K]> {
        let mut missing = Vec::new();
        let mut found = Vec::new();
        for (id, unit) in want {
            match self.fig(id, unit) {
                Ok(f) => found.push(f),
                Err(Why::Missing(m)) => missing.extend(m),
                Err(e) => return Err(e),
            }
        }
        if !missing.is_empty() {
            return Err(Why::Missing(missing));
        }
        Ok(found.try_into().unwrap_or_else(|_| unreachable!()))
    }

    fn rule(&self, id: &str) -> R<&GradeRule> {
        self.mark(id);
        self.ds
            .rule(id)
            .ok_or_else(|| Why::Missing(vec![("grade rule", id.to_string())]))
    }

    /// The pay scale the cap rules are evaluated on: the shipped assumed scale if present, else
    /// the first scale relative to grade 1 that gives grade 17.
    fn scale(&self) -> R<&PayScale> {
        let s = self
            .ds
            .scale("assumed-1922-g17-8x")
            .or_else(|| {
                self.ds
                    .scales
                    .iter()
                    .find(|s| s.relative_to == "grade-1" && s.coefficient(17).is_some())
            })
            .ok_or_else(|| {
                Why::Missing(vec![(
                    "pay scale",
                    "assumed-1922-g17-8x (or any scale relative to grade-1 giving grade 17)"
                        .to_string(),
                )])
            })?;
        self.mark(&s.id);
        Ok(s)
    }

    fn line(&self, id: &str, label: &str, r: R<Line>) -> Line {
        match r {
            Ok(l) => l,
            Err(Why::Missing(m)) => Line::Unavailable(Unavailable {
                id: id.into(),
                label: label.into(),
                reason: format!(
                    "not available: {} missing from dataset",
                    m.iter()
                        .map(|(k, i)| format!("{k} `{i}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                missing: m.into_iter().map(|(_, i)| i).collect(),
            }),
            Err(Why::Failed(reason)) => Line::Unavailable(Unavailable {
                id: id.into(),
                label: label.into(),
                reason,
                missing: Vec::new(),
            }),
        }
    }

    fn derived(&self, id: &str, label: &str, f: impl FnOnce() -> R<Derived>) -> Line {
        self.line(id, label, f().map(Line::Derived))
    }

    fn check(&self, id: &str, label: &str, f: impl FnOnce() -> R<Check>) -> Line {
        self.line(id, label, f().map(Line::Check))
    }

    /// A dataset figure as its source gives it, or an unavailable line if absent.
    fn reported(&self, id: &str) -> Line {
        self.mark(id);
        match self.ds.figure(id) {
            Some(f) => reported_figure(f),
            None => self.line(
                id,
                "figure",
                Err(Why::Missing(vec![("figure", id.to_string())])),
            ),
        }
    }

    fn reported_rule(&self, id: &str) -> Line {
        match self.rule(id) {
            Ok(r) => reported_rule(r),
            Err(e) => self.line(id, "grade rule", Err(e)),
        }
    }

    // -----------------------------------------------------------------------------------------

    fn official_ratios(&self) -> Section {
        let ids = ["ratio-1919", "ratio-1922", "ratio-1922-12", "ratio-1923-06"];
        let mut lines: Vec<Line> = ids.iter().map(|id| self.reported(id)).collect();
        for (earlier, later, id) in [
            ("ratio-1919", "ratio-1922", "max-growth-1919-1922"),
            ("ratio-1922", "ratio-1922-12", "max-growth-1922-1922-12"),
            ("ratio-1919", "ratio-1922-12", "max-growth-1919-1922-12"),
            (
                "ratio-1922-12",
                "ratio-1923-06",
                "max-growth-1922-12-1923-06",
            ),
        ] {
            lines.push(self.derived(id, "Growth of the permitted maximum", || {
                let [a, b] = self.figs([(earlier, Unit::Ratio), (later, Unit::Ratio)])?;
                let e = an::growth(&estimate(a)?, &estimate(b)?)?;
                let when = |f: &Figure| f.date.map(|d| d.to_string()).unwrap_or_default();
                D::new(
                    id,
                    format!(
                        "Growth of the permitted maximum (x the minimum), {} ({}) to {} ({})",
                        a.display(),
                        when(a),
                        b.display(),
                        when(b)
                    ),
                    AUnit::Ratio,
                    &e,
                )
                .figs(&[a, b])
                .note("How many times the permitted top multiple grew; says nothing about real pay, since the minimum itself changed.")
                .done()
            }));
        }
        section("official-ratios", "Official pay ratios, 1919-1923", lines)
    }

    fn andreev(&self) -> Section {
        let mut lines: Vec<Line> = [
            "andreev-floor",
            "andreev-effective-1922-12",
            "andreev-effective-1923-06",
        ]
        .iter()
        .map(|id| self.reported(id))
        .collect();
        for (official, stated, id, check_id) in [
            (
                "ratio-1922-12",
                "andreev-effective-1922-12",
                "andreev-effective-1922-12-computed",
                "andreev-effective-1922-12-agrees",
            ),
            (
                "ratio-1923-06",
                "andreev-effective-1923-06",
                "andreev-effective-1923-06-computed",
                "andreev-effective-1923-06-agrees",
            ),
        ] {
            let computed = || -> R<(Estimate, [&Figure; 2])> {
                let [o, k] = self.figs([
                    (official, Unit::Ratio),
                    ("andreev-floor", Unit::MultipleOfMinimum),
                ])?;
                Ok((an::effective_ratio(&estimate(o)?, &estimate(k)?)?, [o, k]))
            };
            lines.push(self.derived(id, "Effective differential under Andreev's floor", || {
                let (e, [o, k]) = computed()?;
                D::new(
                    id,
                    format!(
                        "Effective differential in {}: decreed {} with the lowest-paid at {}x the minimum",
                        o.date.map(|d| d.to_string()).unwrap_or_else(|| "(undated)".into()),
                        o.display(),
                        n(k.value.central())
                    ),
                    AUnit::Ratio,
                    &e,
                )
                .figs(&[o, k])
                .assume(format!(
                    "Andreev's floor ({}x the minimum for the lowest-paid, said of 'most enterprises', undated) holds at this date",
                    n(k.value.central())
                ))
                .assume("the highest salaries were paid at the decreed maximum")
                .done()
            }));
            lines.push(self.check(
                check_id,
                "Recomputed effective differential agrees with the paper",
                || {
                    let (e, [o, k]) = computed()?;
                    let s = self.fig(stated, Unit::Ratio)?;
                    let v = an::agrees_with_stated(
                        &e,
                        &estimate(s)?,
                        &format!("{}:1", n(s.value.central())),
                    );
                    Ok(check(
                        check_id,
                        format!(
                            "{} / {} agrees with the paper's {}:1",
                            n(o.value.central()),
                            n(k.value.central()),
                            n(s.value.central())
                        ),
                        v,
                        &[official, "andreev-floor", stated],
                    ))
                },
            ));
        }
        section("andreev", "Andreev's effective ratios", lines)
    }

    fn vovsi(&self) -> Section {
        let mut lines: Vec<Line> = [
            "vovsi-max-early-1922",
            "vovsi-share-above-8x",
            "vovsi-count-above-8x",
            "vovsi-count-15-30x",
            "vovsi-count-above-30x",
        ]
        .iter()
        .map(|id| self.reported(id))
        .collect();
        let counts = || {
            self.figs([
                ("vovsi-count-above-8x", Unit::Persons),
                ("vovsi-count-15-30x", Unit::Persons),
                ("vovsi-count-above-30x", Unit::Persons),
            ])
        };

        lines.push(self.check(
            "vovsi-parts-within-total",
            "The 15-30x and >30x counts fit inside the >8x count",
            || {
                let [t, b, c] = counts()?;
                let v = an::parts_within_total(&estimate(t)?, &[estimate(b)?, estimate(c)?])?;
                Ok(check(
                    "vovsi-parts-within-total",
                    "The 15-30x and >30x counts fit inside the >8x count",
                    v,
                    &[&t.id, &b.id, &c.id],
                ))
            },
        ));
        let id = "vovsi-count-8-15x";
        lines.push(self.derived(id, "People earning 8-15x the minimum", || {
            let [t, b, c] = counts()?;
            let e = an::bracket_by_difference(&estimate(t)?, &[estimate(b)?, estimate(c)?])?;
            D::new(
                id,
                "People earning 8-15x the minimum, by difference",
                AUnit::Persons,
                &e,
            )
            .figs(&[t, b, c])
            .done()
        }));
        let id = "vovsi-count-above-15x";
        lines.push(self.derived(
            id,
            "People earning more than 15x the minimum, N(>15)",
            || {
                let [_, b, c] = counts()?;
                let e = an::total(&[estimate(b)?, estimate(c)?])?;
                D::new(
                    id,
                    "People earning more than 15x the minimum, N(>15)",
                    AUnit::Persons,
                    &e,
                )
                .figs(&[b, c])
                .done()
            },
        ));
        for (id, label) in [
            ("vovsi-share-8-15x", "Share of the >8x group earning 8-15x"),
            (
                "vovsi-share-15-30x",
                "Share of the >8x group earning 15-30x",
            ),
            (
                "vovsi-share-above-30x",
                "Share of the >8x group earning more than 30x",
            ),
        ] {
            lines.push(self.derived(id, label, || {
                let [t, b, c] = counts()?;
                let (te, be, ce) = (estimate(t)?, estimate(b)?, estimate(c)?);
                let (e, used) = match id {
                    "vovsi-share-8-15x" => (an::percent_remainder(&te, &[be, ce])?, vec![t, b, c]),
                    "vovsi-share-15-30x" => (an::percent_of_total(&be, &te)?, vec![t, b]),
                    _ => (an::percent_of_total(&ce, &te)?, vec![t, c]),
                };
                D::new(id, label, AUnit::Percent, &e)
                    .unit_text("% of those above 8x")
                    .figs(&used)
                    .done()
            }));
        }
        let id = "vovsi-population-implied";
        lines.push(self.derived(id, "Surveyed population implied by the count and the share", || {
            let [c, s] = self.figs([
                ("vovsi-count-above-8x", Unit::Persons),
                ("vovsi-share-above-8x", Unit::Percent),
            ])?;
            let share = an::share_from_percent(&estimate(s)?)?;
            let e = an::population_from_count_share(&estimate(c)?, &share)?;
            D::new(
                id,
                "Population implied by the count above 8x and its share (count / share)",
                AUnit::Persons,
                &e,
            )
            .figs(&[c, s])
            .assume(format!(
                "the {} and the {}% describe the same people (Vovsi's surveyed sluzhashchie in soviet, industrial, trade, banking and co-operative institutions)",
                c.value_text(),
                s.value_text()
            ))
            .note(format!(
                "{}% printed to {} decimal place(s) stands for {}",
                s.value_text(),
                s.rounding.map(|r| if r < 1.0 { (-r.log10()).round() as i32 } else { 0 }).unwrap_or(0),
                estimate(s)?.interval()
            ))
            .done()
        }));
        let above15 = || -> R<(Estimate, [&Figure; 3])> {
            let [t, b, c] = counts()?;
            Ok((an::total(&[estimate(b)?, estimate(c)?])?, [t, b, c]))
        };
        let id = "vovsi-alpha-8-15";
        lines.push(self.derived(id, "Pareto exponent between 8x and 15x", || {
            let (n15, [t, b, c]) = above15()?;
            let e = an::pareto_alpha(&estimate(t)?, 8.0, &n15, 15.0)?;
            D::new(
                id,
                "Pareto exponent between 8x and 15x: ln(N(>8) / N(>15)) / ln(15 / 8)",
                AUnit::Exponent,
                &e,
            )
            .figs(&[t, b, c])
            .assume("a Pareto (power-law) distribution of pay between 8x and 15x the minimum")
            .done()
        }));
        let id = "vovsi-alpha-15-30";
        lines.push(self.derived(id, "Pareto exponent between 15x and 30x", || {
            let (n15, [_, b, c]) = above15()?;
            let e = an::pareto_alpha(&n15, 15.0, &estimate(c)?, 30.0)?;
            D::new(id, "Pareto exponent between 15x and 30x: ln(N(>15) / N(>30)) / ln(30 / 15)", AUnit::Exponent, &e)
                .figs(&[b, c])
                .assume("a Pareto (power-law) distribution of pay between 15x and 30x the minimum")
                .note("N(>15) and N(>30) share the same 1,500, so the interval is conservative (wider than necessary). A larger exponent than 8-15x: the top thins out faster than one power law.")
                .done()
        }));
        let id = "vovsi-tail-mean-above-30";
        lines.push(self.derived(
            id,
            "Mean multiple above 30x implied by the 15-30x exponent",
            || {
                let (n15, [_, b, c]) = above15()?;
                let alpha = an::pareto_alpha(&n15, 15.0, &estimate(c)?, 30.0)?;
                let e = an::pareto_tail_mean(&alpha, 30.0)?;
                D::new(
                    id,
                    "Mean multiple above 30x: alpha / (alpha - 1) × 30, alpha from 15-30x",
                    AUnit::MultipleOfMinimum,
                    &e,
                )
                .figs(&[b, c])
                .input("vovsi-alpha-15-30")
                .assume("the 15-30x Pareto exponent holds above 30x, with no upper limit")
                .done()
            },
        ));
        let id = "vovsi-top-multiple-growth-1922-1924";
        lines.push(self.derived(id, "Growth of the top multiple, start of 1922 to 1924", || {
            let [m, c] = self.figs([
                ("vovsi-max-early-1922", Unit::MultipleOfMinimum),
                ("vovsi-count-above-30x", Unit::Persons),
            ])?;
            if m.qualifier != Qualifier::AtMost {
                return Err(Why::Failed(format!(
                    "not available: figure `{}` must be an \"at most\" figure for a lower bound on growth",
                    m.id
                )));
            }
            if c.value.central() <= 0.0 {
                return Err(Why::Failed(format!(
                    "not available: figure `{}` reports no one above 30x",
                    c.id
                )));
            }
            let g = an::growth(&ex(m.value.central())?, &ex(30.0)?)?;
            let e = Estimate::new(g.value(), Interval::at_least(g.value())?)?;
            D::new(
                id,
                "Growth of the highest multiple found: at most 5x at the start of 1922, above 30x in 1924",
                AUnit::Ratio,
                &e,
            )
            .formula(format!(
                "30 / {} {} (lower bound: pay above 30x in 1924 over a top of at most {}x at the start of 1922)",
                n(m.value.central()),
                if fmt_num(g.value()).1 { format!("= {}", n(g.value())) } else { format!("≈ {}", n(g.value())) },
                n(m.value.central())
            ))
            .figs(&[m, c])
            .assume("Vovsi's 'at the start of 1922' and his 1923/24 survey cover comparable institutions")
            .done()
        }));
        section("vovsi", "Vovsi's survey of sluzhashchie (1924)", lines)
    }

    fn party_pay(&self) -> Section {
        let mut lines: Vec<Line> = ["conf12-officials", "conf12-grades", "conf12-supplement"]
            .iter()
            .map(|id| self.reported(id))
            .collect();
        for id in [
            "conf12-salary-band",
            "conf12-draft-surplus",
            "moscow-1922-donate-above-17",
        ] {
            lines.push(self.reported_rule(id));
        }
        for id in [
            "pavlova-cell-secretary",
            "pavlova-cc-member",
            "pavlova-maximum",
            "pavlova-multiple-of-workers",
        ] {
            lines.push(self.reported(id));
        }

        let id = "pavlova-645-is-430-plus-50";
        lines.push(self.check(
            id,
            "Pavlova's maximum is the CC members' rate plus the conference's 50%",
            || {
                let [cc, max, sup] = self.figs([
                    ("pavlova-cc-member", Unit::Rubles),
                    ("pavlova-maximum", Unit::Rubles),
                    ("conf12-supplement", Unit::Percent),
                ])?;
                let v = an::is_plus_percent(
                    cc.value.central(),
                    max.value.central(),
                    sup.value.central(),
                )?;
                Ok(check(
                    id,
                    format!(
                        "Maximum {} = CC members' {} plus the 12th conference's {}%?",
                        n(max.value.central()),
                        n(cc.value.central()),
                        n(sup.value.central())
                    ),
                    v,
                    &[&cc.id, &max.id, &sup.id],
                ))
            },
        ));
        for (id, low_id) in [
            ("pavlova-max-over-cc-member", "pavlova-cc-member"),
            ("pavlova-max-over-cell-secretary", "pavlova-cell-secretary"),
        ] {
            lines.push(
                self.derived(id, "Pavlova's maximum over a minimum salary", || {
                    let [lo, max] =
                        self.figs([(low_id, Unit::Rubles), ("pavlova-maximum", Unit::Rubles)])?;
                    let e = an::multiple(&estimate(max)?, &estimate(lo)?)?;
                    D::new(
                        id,
                        format!(
                            "Maximum salary over the {} minimum ({} / {})",
                            if low_id == "pavlova-cc-member" {
                                "CC members'"
                            } else {
                                "cell secretaries'"
                            },
                            n(max.value.central()),
                            n(lo.value.central())
                        ),
                        AUnit::Ratio,
                        &e,
                    )
                    .figs(&[max, lo])
                    .done()
                }),
            );
        }
        let window = || -> R<(an::RatioWindow, [&Figure; 3])> {
            let [lo, hi, m] = self.figs([
                ("pavlova-cell-secretary", Unit::Rubles),
                ("pavlova-maximum", Unit::Rubles),
                ("pavlova-multiple-of-workers", Unit::MultipleOfWorkerPay),
            ])?;
            let w = an::ratio_window(
                lo.value.central(),
                hi.value.central(),
                m.value.low(),
                m.value.high(),
            )?;
            Ok((w, [lo, hi, m]))
        };
        let commodity = "Pavlova's figures are commodity (tovarnye) rubles: the paper's condition for '20 to 50 times'; the kind is not stated";
        let id = "pavlova-worker-wage-window";
        lines.push(self.derived(id, "Worker wage that makes 300-645 rubles '20 to 50 times' (strict reading)", || {
            let (w, [lo, hi, m]) = window()?;
            let s = w.strict.ok_or_else(|| Why::Failed(format!(
                "not available: no single worker wage puts every pay in {}-{} within {}x (the check below says why)",
                n(lo.value.central()), n(hi.value.central()), m.value_text()
            )))?;
            let e = Estimate::new(s.lo(), s)?;
            let mut d = D::new(
                id,
                format!(
                    "Monthly worker wage w for which every salary from {} to {} is {} times w (strict reading)",
                    n(lo.value.central()), n(hi.value.central()), m.value_text()
                ),
                AUnit::Rubles,
                &e,
            )
            .formula(format!(
                "w in [{} / {}, {} / {}] = {}",
                n(hi.value.central()), n(m.value.high()), n(lo.value.central()), n(m.value.low()), s
            ))
            .unit_text("rubles/month (same kind as Pavlova's)")
            .figs(&[lo, hi, m])
            .assume(commodity)
            .assume("strict reading: every stated salary lies within 20-50 times the workers' wage")
            .note("A window, not a point estimate: no single wage matches both ends exactly.");
            d.0.value = None;
            d.done()
        }));
        let id = "pavlova-worker-wage-window-outer";
        lines.push(self.derived(id, "Worker wage that makes 300-645 rubles '20 to 50 times' (loose reading, outer limit)", || {
            let (w, [lo, hi, m]) = window()?;
            let e = Estimate::new(w.loose.lo(), w.loose)?;
            let mut d = D::new(
                id,
                format!(
                    "Monthly worker wage w for which some salary from {} to {} is some multiple in {} of w (outer limit)",
                    n(lo.value.central()), n(hi.value.central()), m.value_text()
                ),
                AUnit::Rubles,
                &e,
            )
            .formula(format!(
                "w in [{} / {}, {} / {}] = {}",
                n(lo.value.central()), n(m.value.high()), n(hi.value.central()), n(m.value.low()), w.loose
            ))
            .unit_text("rubles/month (same kind as Pavlova's)")
            .figs(&[lo, hi, m])
            .assume(commodity)
            .assume("loose reading: only some stated salary needs to be some multiple between 20 and 50")
            .note("A window, not a point estimate.");
            d.0.value = None;
            d.done()
        }));
        let id = "pavlova-window-consistent";
        lines.push(self.check(
            id,
            "One worker wage can make every salary '20 to 50 times' it",
            || {
                let (w, [lo, hi, m]) = window()?;
                let mut c = check(
                    id,
                    "One worker wage can make every salary '20 to 50 times' it",
                    w.verdict(),
                    &[&lo.id, &hi.id, &m.id],
                );
                c.assumptions.push(commodity.into());
                Ok(c)
            },
        ));

        // cap rules on the (assumed) pay scale
        let scale_lines = self.cap_rules();
        lines.extend(scale_lines);
        section("party-pay", "Party officials' pay, 1922", lines)
    }

    fn cap_rules(&self) -> Vec<Line> {
        let mut lines = Vec::new();
        if let Ok(s) = self.scale() {
            lines.push(reported_scale(s));
        }
        let unit_text = "x grade 1";
        // coefficient of a grade on the scale
        let coef = |s: &PayScale, g: u32| -> R<f64> {
            s.coefficient(g).ok_or_else(|| {
                Why::Failed(format!(
                    "not available: pay scale `{}` gives no coefficient for grade {g} (the paper gives none)",
                    s.id
                ))
            })
        };
        let with_scale = |d: D, s: &PayScale| -> D {
            let d = d.input(&s.id);
            match scale_assumption(s) {
                Some(a) => d.assume(a),
                None => d.note(format!(
                    "pay scale `{}` from {}",
                    s.id,
                    s.source.as_deref().unwrap_or("a source")
                )),
            }
        };
        // the conference's top and bottom rates: grade x (1 + supplement)
        let rate = |id: &str, top: bool| -> R<Derived> {
            let r = self.rule("conf12-salary-band")?;
            let s = self.scale()?;
            let g = if top { r.grade_high } else { r.grade_low };
            let sup = r.supplement_percent.unwrap_or(0.0);
            let c = coef(s, g)?;
            let e = an::cap_from_ratio(&ex(c)?, &ex(1.0 + sup / 100.0)?)?;
            let d = D::new(
                id,
                format!(
                    "12th conference's {} rate: grade {g} plus {}%, on the assumed scale",
                    if top { "top" } else { "bottom" },
                    n(sup)
                ),
                AUnit::MultipleOfMinimum,
                &e,
            )
            .formula(format!(
                "grade {g} × (1 + {}%) = {} × {} {}",
                n(sup),
                n(c),
                n(1.0 + sup / 100.0),
                eq_text(e.value())
            ))
            .unit_text(unit_text)
            .input(&r.id);
            with_scale(d, s).done()
        };
        lines.push(self.derived(
            "conf12-top-rate-multiple",
            "12th conference's top rate on the assumed scale",
            || rate("conf12-top-rate-multiple", true),
        ));
        lines.push(self.derived(
            "conf12-bottom-rate-multiple",
            "12th conference's bottom rate on the assumed scale",
            || rate("conf12-bottom-rate-multiple", false),
        ));
        // thresholds of the two donate-excess rules
        let threshold = |id: &str, rule_id: &str, what: &str| -> R<(Derived, Estimate)> {
            let r = self.rule(rule_id)?;
            let s = self.scale()?;
            let k = r.threshold_multiple.unwrap_or(1.0);
            let c = coef(s, r.grade_low)?;
            let e = an::cap_from_ratio(&ex(c)?, &ex(k)?)?;
            let d = D::new(
                id,
                format!(
                    "{what}: {} × grade {}, on the assumed scale",
                    n(k),
                    r.grade_low
                ),
                AUnit::MultipleOfMinimum,
                &e,
            )
            .formula(format!(
                "{} × grade {} = {} × {} {}",
                n(k),
                r.grade_low,
                n(k),
                n(c),
                eq_text(e.value())
            ))
            .unit_text(unit_text)
            .input(&r.id);
            Ok((with_scale(d, s).done()?, e))
        };
        let draft = "Threshold of the 12th conference's draft rule (deleted)";
        let moscow = "Cap of the Moscow rule, March 1922";
        lines.push(self.derived("conf12-draft-threshold-multiple", draft, || {
            threshold(
                "conf12-draft-threshold-multiple",
                "conf12-draft-surplus",
                draft,
            )
            .map(|x| x.0)
        }));
        lines.push(self.derived("moscow-cap-multiple", moscow, || {
            threshold("moscow-cap-multiple", "moscow-1922-donate-above-17", moscow).map(|x| x.0)
        }));
        let id = "conf12-draft-threshold-is-top-rate";
        lines.push(self.check(id, "The draft rule's threshold is the conference's own top rate", || {
            let band = self.rule("conf12-salary-band")?;
            let dr = self.rule("conf12-draft-surplus")?;
            let k = dr.threshold_multiple.unwrap_or(1.0);
            let sup = band.supplement_percent.unwrap_or(0.0);
            let mut v = an::is_plus_percent(1.0, k, sup)?;
            v.detail = format!(
                "in units of grade-{} pay: top rate 1 + {}% = {}; draft threshold {}: {}",
                band.grade_high,
                n(sup),
                n(1.0 + sup / 100.0),
                n(k),
                if v.passed { "equal, so the draft rule would only have touched pay beyond the conference's own top rate" } else { "different" }
            );
            Ok(check(id, "The draft rule's threshold (1.5 × grade 17) is the conference's top rate (grade 17 + 50%)", v, &[&band.id, &dr.id]))
        }));
        let over = |id: &str, rule_id: &str, what: &str| -> R<Derived> {
            let top = rate("conf12-top-rate-multiple", true)?;
            let (_, cap) = threshold(id, rule_id, what)?;
            let pay = Estimate::exact(top.value.unwrap_or(0.0)).map_err(Why::from)?;
            let e = an::amount_above_cap(&pay, &cap)?;
            let s = self.scale()?;
            let d = D::new(id, what, AUnit::MultipleOfMinimum, &e)
                .unit_text(unit_text)
                .input("conf12-top-rate-multiple")
                .input(rule_id);
            with_scale(d, s).done()
        };
        let what = "Pay above the Moscow rule's cap (grade 17) at the 12th conference's top rate";
        lines.push(self.derived("conf12-top-rate-above-moscow-cap", what, || {
            over("conf12-top-rate-above-moscow-cap", "moscow-1922-donate-above-17", what)
                .map(|d| D(d).note("Compares two rules of different dates: the Moscow rule (March 1922, later made voluntary) applied to the August 1922 top rate.").0)
        }));
        let what = "Surplus subject to the draft rule at the 12th conference's top rate";
        lines.push(self.derived("conf12-draft-surplus-at-top-rate", what, || {
            over("conf12-draft-surplus-at-top-rate", "conf12-draft-surplus", what)
                .map(|d| D(d).note("The draft took 'part of the surplus', never quantified: the surplus is an upper bound on the contribution.").0)
        }));
        lines
    }

    fn bromlei(&self) -> Section {
        let mut lines: Vec<Line> = [
            "bromlei-anikeev",
            "bromlei-gurevich",
            "bromlei-kun",
            "bromlei-gurevich-multiple",
            "bromlei-kun-multiple",
        ]
        .iter()
        .map(|id| self.reported(id))
        .collect();
        if let Ok(r) = self.rule("anikeev-grade-5") {
            lines.push(reported_rule(r));
        }
        for (pay_id, stated_id, id, check_id, who) in [
            (
                "bromlei-gurevich",
                "bromlei-gurevich-multiple",
                "bromlei-gurevich-multiple-computed",
                "bromlei-gurevich-multiple-agrees",
                "Gurevich",
            ),
            (
                "bromlei-kun",
                "bromlei-kun-multiple",
                "bromlei-kun-multiple-computed",
                "bromlei-kun-multiple-agrees",
                "Kun",
            ),
        ] {
            let computed = || -> R<(Estimate, [&Figure; 2])> {
                let [p, a] =
                    self.figs([(pay_id, Unit::Rubles), ("bromlei-anikeev", Unit::Rubles)])?;
                Ok((
                    an::lower_bound_multiple(&estimate(p)?, &estimate(a)?)?,
                    [p, a],
                ))
            };
            lines.push(self.derived(id, "Pay as a multiple of the minimum (lower bound)", || {
                let (e, [p, a]) = computed()?;
                D::new(id, format!("{who}'s pay as a multiple of the minimum, with Anikeev's pay as the reference (lower bound)"), AUnit::MultipleOfMinimum, &e)
                    .figs(&[p, a])
                    .input("anikeev-grade-5")
                    .assume(format!("the minimum is at most Anikeev's {} rubles: he was on grade 5, and workers on grades 1-4 presumably earned less (fn 30); hence a lower bound", n(a.value.central())))
                    .assume("the amounts are the same kind of rubles (presumably 1922 sovznaki) and the same pay period (not stated)")
                    .done()
            }));
            lines.push(self.check(
                check_id,
                "Recomputed multiple agrees with the paper",
                || {
                    let (e, [p, a]) = computed()?;
                    let s = self.fig(stated_id, Unit::MultipleOfMinimum)?;
                    let v = an::agrees_with_stated(&e, &estimate(s)?, &s.value_text());
                    Ok(check(
                        check_id,
                        format!(
                            "{who}: {} / {} agrees with the paper's \"{}\"",
                            n(p.value.central()),
                            n(a.value.central()),
                            s.value_text()
                        ),
                        v,
                        &[&p.id, &a.id, &s.id],
                    ))
                },
            ));
        }
        section(
            "bromlei",
            "Bromlei factory salaries as multiples, October 1923",
            lines,
        )
    }

    fn special_rates(&self) -> Section {
        section(
            "special-rates",
            "Special rates, 1923",
            vec![self.reported("pravda-special-rates")],
        )
    }

    fn other(&self) -> Section {
        let used = self.used.borrow();
        let mut lines: Vec<Line> = self
            .ds
            .figures
            .iter()
            .filter(|f| !used.contains(&f.id))
            .map(reported_figure)
            .collect();
        lines.extend(
            self.ds
                .rules
                .iter()
                .filter(|r| !used.contains(&r.id))
                .map(reported_rule),
        );
        lines.extend(
            self.ds
                .scales
                .iter()
                .filter(|s| !used.contains(&s.id))
                .map(reported_scale),
        );
        section("other-figures", "Other figures in the dataset", lines)
    }
}

fn eq_text(v: f64) -> String {
    let (s, exact) = fmt_num(v);
    format!("{} {s}", if exact { "=" } else { "≈" })
}

fn status(s: wages_data::Status) -> Status {
    match s {
        wages_data::Status::Reported => Status::Reported,
        wages_data::Status::Assumption => Status::Assumption,
    }
}

fn reported_figure(f: &Figure) -> Line {
    let assumptions = if f.status == wages_data::Status::Assumption {
        vec![format!(
            "ASSUMPTION, not reported by a source: {}",
            f.basis.as_deref().unwrap_or(&f.description)
        )]
    } else {
        Vec::new()
    };
    Line::Reported(Reported {
        id: f.id.clone(),
        record: Record::Figure,
        label: f.description.clone(),
        value: match f.value {
            Value::Point { value } => Some(value),
            Value::Range { .. } => None,
        },
        value_text: f.display(),
        qualifier: Some(key(f.qualifier)),
        interval: estimate(f).ok().map(|e| e.interval()),
        unit: Some(key(f.unit)),
        unit_text: f.unit_text(),
        status: status(f.status),
        source: f.citation(),
        footnote: f.footnote,
        date: f.date.map(|d| d.to_string()),
        quote: f.quote.clone(),
        note: f.note.clone(),
        assumptions,
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
        text.push_str(&format!(" plus {}%", n(s)));
    }
    if let Some(k) = r.threshold_multiple {
        text = format!(
            "{} of pay above {} × {text}",
            r.share_taken.as_deref().unwrap_or("some"),
            n(k)
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
    })
}

fn reported_scale(s: &PayScale) -> Line {
    let grades: Vec<String> = s
        .grades
        .iter()
        .map(|(g, c)| format!("grade {g} = {}", n(*c)))
        .collect();
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
        assumptions: scale_assumption(s).into_iter().collect(),
    })
}

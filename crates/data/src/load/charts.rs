//! Validation of `[[chart]]` records of `derivations/*.toml` against the dataset: the kind, the
//! kind's fields (unknown, missing, of the wrong type or value), every id a chart draws (a
//! figure or derived line, with the nearest id as a suggestion), dates of timeline points,
//! thresholds of tail segments, and the label templates. The format is docs/charts.md; the
//! renderer (crates/cli/chart/kinds.rs) reads the same fields.
//!
//! Sub-records (`[[chart.series]]`, inline lists of `{ id = ..., ... }`) keep no line numbers
//! after TOML parsing, so each problem is placed by looking the field or the id up in the
//! chart's lines of the file.

use super::{clip, one_line, show, FileCtx, Validator};
use crate::error::DataError;
use crate::ledger::{ChartDecl, Names};
use crate::model::{Dataset, Value};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::rc::Rc;
use toml::{Table, Value as Toml};
use wages_analysis::ledger::parse::{parse_template, Piece};
use wages_analysis::ledger::{self as engine, Body, Spec};

/// The kinds a chart may be (crates/cli/chart/kinds.rs draws each).
pub const KINDS: [&str; 3] = ["timeline", "bars", "tail"];
pub const COLORS: &[&str] = &[
    "blue",
    "vermilion",
    "green",
    "orange",
    "sky",
    "purple",
    "grey",
    "ink",
];
pub const FORMATS: &[&str] = &["number", "multiple", "ratio", "percent"];
pub const SCALES: &[&str] = &["linear", "log"];
/// Template styles charts add to the ledger's.
const DATE_STYLES: [&str; 3] = ["year", "month", "day"];

/// What a field holds.
#[derive(Clone, Copy)]
enum F {
    /// A label template.
    Text,
    /// A label template that may also use `{.}`, `{.lo}`, `{.hi}`, `{.interval}`.
    ItemText,
    /// A template or a list of templates.
    Texts,
    /// A number above 0.
    Positive,
    /// A number in (0, 1].
    Fraction,
    Bool,
    /// `[low, high]`, low < high.
    Range,
    Choice(&'static [&'static str]),
    /// The id of a figure or derived line the chart draws.
    Drawn,
    /// The id of a figure with a date.
    DatedFigure,
    /// "YYYY", "YYYY-MM" or "YYYY-MM-DD".
    Date,
    /// Sub-records (tables, or ids standing for `{ id = "..." }`), with their fields.
    Records(&'static [Field]),
}

struct Field {
    name: &'static str,
    kind: F,
    required: bool,
}

const fn opt(name: &'static str, kind: F) -> Field {
    Field {
        name,
        kind,
        required: false,
    }
}

const fn req(name: &'static str, kind: F) -> Field {
    Field {
        name,
        kind,
        required: true,
    }
}

/// Fields of every kind (`id`, `kind` and `title` are checked by the derivations parser).
const COMMON: &[Field] = &[
    req("id", F::Text),
    req("kind", F::Text),
    req("title", F::Text),
    opt("description", F::Text),
    opt("subtitle", F::Text),
    opt("notes", F::Texts),
    opt("source", F::Text),
];

const TIMELINE_POINT: &[Field] = &[
    req("id", F::Drawn),
    opt("date_of", F::DatedFigure),
    opt("date", F::Date),
    opt("label", F::ItemText),
];
const TIMELINE_SERIES: &[Field] = &[
    opt("legend", F::Text),
    opt("color", F::Choice(COLORS)),
    opt("labels", F::Choice(&["above", "below", "none"])),
    opt("line", F::Bool),
    opt("label", F::ItemText),
    req("points", F::Records(TIMELINE_POINT)),
];
const TIMELINE: &[Field] = &[
    opt("x_label", F::Text),
    opt("y_label", F::Text),
    opt("y_scale", F::Choice(SCALES)),
    opt("y_format", F::Choice(FORMATS)),
    opt("y_range", F::Range),
    opt("year_bars", F::Bool),
    req("series", F::Records(TIMELINE_SERIES)),
];

const BAR_ITEM: &[Field] = &[
    req("id", F::Drawn),
    opt("category", F::ItemText),
    opt("label", F::ItemText),
];
const BAR_SERIES: &[Field] = &[
    opt("legend", F::Text),
    opt("color", F::Choice(COLORS)),
    opt("mark", F::Choice(&["bar", "point", "interval"])),
    opt("label", F::ItemText),
    req("items", F::Records(BAR_ITEM)),
];
const REFERENCE: &[Field] = &[
    req("id", F::Drawn),
    opt("label", F::ItemText),
    opt("legend", F::ItemText),
    opt("color", F::Choice(COLORS)),
];
const BAND: &[Field] = &[
    req("id", F::Drawn),
    opt("legend", F::ItemText),
    opt("color", F::Choice(COLORS)),
];
const BARS: &[Field] = &[
    opt("orientation", F::Choice(&["vertical", "horizontal"])),
    opt("category_label", F::Text),
    opt("value_label", F::Text),
    opt("value_scale", F::Choice(SCALES)),
    opt("value_format", F::Choice(FORMATS)),
    opt("value_range", F::Range),
    opt("bar_width", F::Fraction),
    opt("interval_legend", F::Text),
    req("series", F::Records(BAR_SERIES)),
    opt("reference", F::Records(REFERENCE)),
    opt("band", F::Records(BAND)),
];

const TAIL_POINT: &[Field] = &[
    req("at", F::Positive),
    req("id", F::Drawn),
    opt("label", F::ItemText),
];
const SEGMENT: &[Field] = &[
    req("from", F::Positive),
    req("to", F::Positive),
    req("exponent", F::Drawn),
    opt("label", F::ItemText),
];
const EXTENSION: &[Field] = &[
    req("from", F::Positive),
    req("to", F::Positive),
    req("id", F::Drawn),
    opt("legend", F::ItemText),
    opt("label", F::ItemText),
    opt("color", F::Choice(COLORS)),
];
const TAIL: &[Field] = &[
    opt("x_label", F::Text),
    opt("y_label", F::Text),
    opt("x_format", F::Choice(FORMATS)),
    opt("y_format", F::Choice(FORMATS)),
    opt("x_range", F::Range),
    opt("y_range", F::Range),
    opt("color", F::Choice(COLORS)),
    opt("points_legend", F::Text),
    opt("segments_legend", F::Text),
    req("points", F::Records(TAIL_POINT)),
    opt("segments", F::Records(SEGMENT)),
    opt("extension", F::Records(EXTENSION)),
];

fn kind_fields(kind: &str) -> Option<&'static [Field]> {
    match kind {
        "timeline" => Some(TIMELINE),
        "bars" => Some(BARS),
        "tail" => Some(TAIL),
        _ => None,
    }
}

/// Reports every problem of the dataset's chart declarations.
pub(super) fn validate(
    v: &mut Validator,
    ds: &Dataset,
    texts: &HashMap<String, String>,
    root: &Path,
) {
    let names = Names::new(ds, &[]);
    let ix = Index {
        figures: ds.figures.iter().map(|f| (f.id.as_str(), f)).collect(),
        lines: ds
            .derivations
            .lines
            .iter()
            .map(|l| (l.id.as_str(), l))
            .collect(),
        inputs: crate::ledger::inputs(ds).known.into_keys().collect(),
    };
    for c in &ds.derivations.charts {
        let path = root.join(&c.file);
        let text = texts.get(&c.file).cloned().unwrap_or_default();
        let ctx = FileCtx::new(&path, &text, c.file.clone());
        let span = chart_span(&ctx, c);
        let mut check = Check {
            v: &mut *v,
            ctx: &ctx,
            ds,
            names: &names,
            ix: &ix,
            chart: c,
            cache: RefCell::new(HashMap::new()),
        };
        check.chart(span);
    }
}

/// Where a list's entries are written: `[[chart.key]]` tables, or an inline list.
struct SubIndex {
    headers: Vec<Span>,
    inline: Option<Inline>,
}

struct Inline {
    /// The line of `key = [`.
    from: usize,
    /// Lines holding a `{`, one per inline table as usually written.
    braces: Vec<usize>,
    /// The first line of each quoted string.
    quoted: HashMap<String, usize>,
}

/// The dataset's figures and lines by id, built once.
struct Index<'a> {
    figures: HashMap<&'a str, &'a crate::model::Figure>,
    lines: HashMap<&'a str, &'a crate::ledger::LineDecl>,
    inputs: HashSet<String>,
}

/// A range of 0-based line indices of the file.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
}

/// The chart's lines: from its `[[chart]]` header to the next record of another kind.
fn chart_span(ctx: &FileCtx, c: &ChartDecl) -> Span {
    let id_line = c.line.map(|l| l - 1).unwrap_or(0);
    let start = (0..=id_line.min(ctx.lines.len().saturating_sub(1)))
        .rev()
        .find(|&i| ctx.lines[i].trim_start().starts_with("[[chart]]"))
        .unwrap_or(id_line);
    let end = (id_line + 1..ctx.lines.len())
        .find(|&i| {
            let t = ctx.lines[i].trim_start();
            t.starts_with("[[") && !t.starts_with("[[chart.")
        })
        .unwrap_or(ctx.lines.len());
    Span { start, end }
}

fn key_line(text: &str, key: &str) -> bool {
    let t = text.trim_start();
    t.strip_prefix(key)
        .is_some_and(|r| r.trim_start().starts_with('='))
}

struct Check<'a, 'b> {
    v: &'a mut Validator,
    ctx: &'a FileCtx<'b>,
    ds: &'a Dataset,
    names: &'a Names<'b>,
    ix: &'a Index<'a>,
    chart: &'a ChartDecl,
    cache: RefCell<HashMap<(usize, String), Rc<SubIndex>>>,
}

impl Check<'_, '_> {
    fn line_of(&self, span: Span, key: &str) -> Option<usize> {
        let inline = format!("{key} =");
        (span.start..span.end.min(self.ctx.lines.len()))
            .find(|&i| key_line(self.ctx.lines[i], key) || self.ctx.lines[i].contains(&inline))
            .map(|i| i + 1)
            .or(Some(span.start + 1))
    }

    fn invalid(
        &mut self,
        line: Option<usize>,
        field: &str,
        value: &str,
        problem: &str,
        expected: &str,
    ) {
        self.v.errors.push(DataError::Invalid {
            path: self.ctx.path.to_path_buf(),
            line,
            record: Some(self.chart.id.clone()),
            field: clip(one_line(field)),
            value: clip(one_line(value)),
            problem: problem.to_string(),
            expected: expected.to_string(),
        });
    }

    fn chart(&mut self, span: Span) {
        let c = self.chart;
        let Some(fields) = kind_fields(&c.kind) else {
            let hint = engine::nearest(&c.kind, KINDS)
                .map(|k| format!("; did you mean \"{k}\"?"))
                .unwrap_or_default();
            let line = self.line_of(span, "kind");
            self.invalid(
                line,
                "kind",
                &format!("\"{}\"", c.kind),
                &format!("unknown chart kind{hint}"),
                &format!("use one of {} (docs/charts.md)", KINDS.join(", ")),
            );
            return;
        };
        let all: Vec<&Field> = COMMON.iter().chain(fields.iter()).collect();
        self.table(span, "", &c.fields, &all);
        self.semantics(span);
    }

    /// Checks the fields of one table against their specs.
    fn table(&mut self, span: Span, at: &str, t: &Table, fields: &[&Field]) {
        for k in t.keys() {
            if !fields.iter().any(|f| f.name == k) {
                let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
                let hint = engine::nearest(k, names.iter().copied())
                    .map(|n| format!("; did you mean `{n}`?"))
                    .unwrap_or_default();
                let line = self.line_of(span, k);
                self.invalid(
                    line,
                    &format!("{at}{k}"),
                    &show(&t[k]),
                    &format!("unknown field{hint}"),
                    &format!("allowed here: {}", names.join(", ")),
                );
            }
        }
        for f in fields {
            match t.get(f.name) {
                None if f.required => {
                    // A field of the chart itself: at its id line; of an entry: at the entry.
                    let line = if at.is_empty() {
                        self.chart.line
                    } else {
                        Some(span.start + 1)
                    };
                    self.invalid(
                        line,
                        &format!("{at}{}", f.name),
                        "(missing)",
                        "required field",
                        &format!("add {} (docs/charts.md)", example(f)),
                    );
                }
                None => {}
                Some(value) => self.value(span, at, f, value),
            }
        }
    }

    fn value(&mut self, span: Span, at: &str, f: &Field, value: &Toml) {
        let name = format!("{at}{}", f.name);
        let line = self.line_of(span, f.name);
        let wrong = |c: &mut Self, expected: &str| {
            c.invalid(line, &name, &show(value), "wrong type", expected);
        };
        match (f.kind, value) {
            (F::Text | F::ItemText, Toml::String(s)) => {
                self.template(line, &name, s, matches!(f.kind, F::ItemText))
            }
            (F::Text | F::ItemText, _) => wrong(self, "write a string"),
            (F::Texts, Toml::String(s)) => self.template(line, &name, s, false),
            (F::Texts, Toml::Array(a)) if a.iter().all(Toml::is_str) => {
                for s in a.iter().filter_map(Toml::as_str) {
                    self.template(line, &name, s, false);
                }
            }
            (F::Texts, _) => wrong(self, "write a string or a list of strings"),
            (F::Positive | F::Fraction, v) => match number(v) {
                Some(x) if x > 0.0 && (!matches!(f.kind, F::Fraction) || x <= 1.0) => {}
                Some(_) => {
                    let expected = if matches!(f.kind, F::Fraction) {
                        "give a number above 0 and at most 1"
                    } else {
                        "give a number above 0"
                    };
                    self.invalid(line, &name, &show(value), "out of range", expected)
                }
                None => wrong(self, "write a number"),
            },
            (F::Bool, Toml::Boolean(_)) => {}
            (F::Bool, _) => wrong(self, "write true or false"),
            (F::Range, Toml::Array(a)) if a.len() == 2 => match (number(&a[0]), number(&a[1])) {
                (Some(lo), Some(hi)) if lo < hi => {}
                (Some(_), Some(_)) => self.invalid(
                    line,
                    &name,
                    &show(value),
                    "the low end is not below the high end",
                    "write [low, high]",
                ),
                _ => wrong(self, "write [low, high] with two numbers"),
            },
            (F::Range, _) => wrong(self, "write [low, high] with two numbers"),
            (F::Choice(options), Toml::String(s)) => {
                if !options.contains(&s.as_str()) {
                    let hint = engine::nearest(s, options.iter().copied())
                        .map(|n| format!("; did you mean \"{n}\"?"))
                        .unwrap_or_default();
                    self.invalid(
                        line,
                        &name,
                        &show(value),
                        &format!("not a known value{hint}"),
                        &format!("use one of {}", options.join(", ")),
                    );
                }
            }
            (F::Choice(options), _) => wrong(
                self,
                &format!("write one of {} as a string", options.join(", ")),
            ),
            (F::Drawn, Toml::String(id)) => {
                let line = self.id_line(span, id).or(line);
                self.drawn(line, &name, id);
            }
            (F::DatedFigure, Toml::String(id)) => {
                let line = self.id_line(span, id).or(line);
                match self.ix.figure(id) {
                    Some(fig) if fig.date.is_some() => {}
                    Some(_) => self.invalid(
                        line,
                        &name,
                        &show(value),
                        "the figure has no date",
                        "name a figure with a date, or give date = \"YYYY\"",
                    ),
                    None => {
                        let hint = self.nearest_figure(id);
                        self.invalid(
                            line,
                            &name,
                            &show(value),
                            &format!("names no figure{hint}"),
                            "name a figure with a date",
                        )
                    }
                }
            }
            (F::Drawn | F::DatedFigure, _) => wrong(self, "write an id as a string"),
            (F::Date, Toml::String(s)) => {
                if crate::model::Date::parse(s).is_none() {
                    self.invalid(
                        line,
                        &name,
                        &show(value),
                        "not a date",
                        "write \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\"",
                    );
                }
            }
            (F::Date, _) => wrong(self, "write the date as a string, \"YYYY-MM\""),
            (F::Records(sub), v) => {
                let items: Vec<&Toml> = match v {
                    Toml::Array(a) => a.iter().collect(),
                    t @ Toml::Table(_) => vec![t],
                    _ => {
                        wrong(
                            self,
                            &format!("write [[chart.{}]] records or a list", f.name),
                        );
                        return;
                    }
                };
                if items.is_empty() && f.required {
                    self.invalid(line, &name, "[]", "empty", "list at least one entry");
                }
                let fields: Vec<&Field> = sub.iter().collect();
                for (i, item) in items.into_iter().enumerate() {
                    let sub_span = self.sub_span(span, f.name, i, item);
                    let at = format!("{name}[{}].", i + 1);
                    match item {
                        Toml::Table(t) => self.table(sub_span, &at, t, &fields),
                        Toml::String(id) if sub.iter().any(|s| s.name == "id") => {
                            let mut t = Table::new();
                            t.insert("id".into(), Toml::String(id.clone()));
                            self.table(sub_span, &at, &t, &fields);
                        }
                        other => self.invalid(
                            Some(sub_span.start + 1),
                            &format!("{name}[{}]", i + 1),
                            &show(other),
                            "wrong type",
                            "write a table { id = \"...\", ... } (docs/charts.md)",
                        ),
                    }
                }
            }
        }
    }

    /// Where the entries of `key` inside `span` are written, found once per list (a chart of
    /// thousands of entries must not rescan its lines for each).
    fn sub_index(&self, span: Span, key: &str) -> Rc<SubIndex> {
        let k = (span.start, key.to_string());
        if let Some(ix) = self.cache.borrow().get(&k) {
            return ix.clone();
        }
        let header = format!("[[chart.{key}]]");
        let lines = &self.ctx.lines;
        let end = span.end.min(lines.len());
        let starts: Vec<usize> = (span.start..end)
            .filter(|&l| lines[l].trim_start().starts_with(&header))
            .collect();
        let mut headers = Vec::with_capacity(starts.len());
        for (j, &h) in starts.iter().enumerate() {
            let limit = starts.get(j + 1).copied().unwrap_or(end);
            let next = (h + 1..limit)
                .find(|&l| lines[l].trim_start().starts_with("[["))
                .unwrap_or(limit);
            headers.push(Span {
                start: h,
                end: next,
            });
        }
        let inline = (span.start..end)
            .find(|&l| key_line(lines[l], key))
            .map(|from| {
                let to = (from + 1..end)
                    .find(|&l| {
                        let t = lines[l].trim_start();
                        t.starts_with("[[") || (t.contains(" = ") && !t.starts_with('{'))
                    })
                    .unwrap_or(end);
                let mut quoted = HashMap::new();
                let mut braces = Vec::new();
                for (l, text) in lines.iter().enumerate().take(to).skip(from) {
                    if text.contains('{') {
                        braces.push(l);
                    }
                    for q in text.split('"').skip(1).step_by(2) {
                        quoted.entry(q.to_string()).or_insert(l);
                    }
                }
                Inline {
                    from,
                    braces,
                    quoted,
                }
            });
        let ix = Rc::new(SubIndex { headers, inline });
        self.cache.borrow_mut().insert(k, ix.clone());
        ix
    }

    /// The lines of the `i`-th entry of `key`: its `[[chart.key]]` table, or the line of an
    /// inline entry (the one holding its id, else the `i`-th line with a table in it).
    fn sub_span(&self, span: Span, key: &str, i: usize, item: &Toml) -> Span {
        let ix = self.sub_index(span, key);
        if let Some(h) = ix.headers.get(i) {
            return *h;
        }
        let Some(inline) = &ix.inline else {
            return span;
        };
        let id = item
            .get("id")
            .and_then(Toml::as_str)
            .or_else(|| item.as_str());
        let found = id
            .and_then(|id| inline.quoted.get(id).copied())
            .or_else(|| inline.braces.get(i).copied())
            .unwrap_or(inline.from);
        Span {
            start: found,
            end: found + 1,
        }
    }

    /// The line in `span` holding `"id"`.
    fn id_line(&self, span: Span, id: &str) -> Option<usize> {
        let quoted = format!("\"{id}\"");
        (span.start..span.end.min(self.ctx.lines.len()))
            .find(|&l| self.ctx.lines[l].contains(&quoted))
            .map(|l| l + 1)
    }

    fn nearest_figure(&self, id: &str) -> String {
        engine::nearest(id, self.ds.figures.iter().map(|f| f.id.as_str()))
            .map(|s| format!("; did you mean \"{s}\"?"))
            .unwrap_or_default()
    }

    /// An id the chart draws: a figure, a derived line or another input of the ledger.
    fn drawn(&mut self, line: Option<usize>, field: &str, id: &str) {
        let d = &self.ds.derivations;
        if let Some(l) = self.ix.lines.get(id) {
            if l.is_check() {
                self.invalid(
                    line,
                    field,
                    &format!("\"{id}\""),
                    "names a check, which has no value to draw",
                    "name a figure or a [[derived]] line",
                );
            }
            return;
        }
        // A figure or line that exists but failed validation is reported once, as itself.
        if self.ix.figure(id).is_some()
            || self.v.figure_ids.contains(id)
            || self.v.line_ids.contains(id)
        {
            return;
        }
        if self.ix.inputs.contains(id) {
            return;
        }
        let mut candidates: Vec<&str> = self.ds.figures.iter().map(|f| f.id.as_str()).collect();
        candidates.extend(
            d.lines
                .iter()
                .filter(|l| !l.is_check())
                .map(|l| l.id.as_str()),
        );
        let hint = engine::nearest(id, candidates)
            .map(|s| format!("; did you mean \"{s}\"?"))
            .unwrap_or_default();
        self.invalid(
            line,
            field,
            &format!("\"{id}\""),
            &format!("names no figure or derived line{hint}"),
            "name a [[figure]] or a [[derived]] line of this dataset",
        );
    }

    /// A label template: it parses, and every reference names something it can show.
    fn template(&mut self, line: Option<usize>, field: &str, src: &str, item: bool) {
        let column = |c: usize| -> Option<usize> {
            let text = self.ctx.lines.get(line? - 1)?;
            let at = text.find(&format!("\"{src}\""))?;
            Some(text[..at].chars().count() + 1 + c)
        };
        let pieces = match parse_template(src) {
            Ok(p) => p,
            Err(e) => {
                let col = column(e.column);
                self.formula(line, col, field, src, e.message);
                return;
            }
        };
        for p in pieces {
            let Piece::Ref {
                id,
                style,
                column: c,
            } = p
            else {
                continue;
            };
            if self.v.figure_ids.contains(&id) && self.ix.figure(&id).is_none()
                || self.v.line_ids.contains(&id) && !self.ix.lines.contains_key(id.as_str())
            {
                continue;
            }
            if let Err(message) = self.reference(&id, style.as_deref(), item) {
                let col = column(c);
                self.formula(line, col, field, src, message);
            }
        }
    }

    fn formula(
        &mut self,
        line: Option<usize>,
        column: Option<usize>,
        field: &str,
        src: &str,
        message: String,
    ) {
        self.v.errors.push(DataError::Formula {
            path: self.ctx.path.to_path_buf(),
            line,
            column,
            record: Some(self.chart.id.clone()),
            field: field.to_string(),
            value: clip(format!("\"{}\"", one_line(src))),
            message,
        });
    }

    fn reference(&self, id: &str, style: Option<&str>, item: bool) -> Result<(), String> {
        let digits = |s: &str| s.len() == 1 && s.as_bytes()[0].is_ascii_digit();
        let shown = match style {
            Some(s) => format!("{{{id}:{s}}}"),
            None => format!("{{{id}}}"),
        };
        if let Some(field) = id.strip_prefix('.') {
            if !item {
                return Err(format!(
                    "`{shown}`: `{{.}}` refers to a drawn item; use it in the label, category or legend of an item, or write {{figure-id}}"
                ));
            }
            if !["", "lo", "hi", "interval"].contains(&field) {
                return Err(format!(
                    "`{shown}`: an item has `{{.}}`, `{{.lo}}`, `{{.hi}}` and `{{.interval}}`"
                ));
            }
            return match style {
                None => Ok(()),
                Some(s) if digits(s) => Ok(()),
                Some(s) => Err(format!(
                    "`{shown}`: `{s}` is not a number of decimals; write e.g. {{.:2}}"
                )),
            };
        }
        match style {
            Some(s) if DATE_STYLES.contains(&s) => match self.ix.figure(id) {
                Some(f) if f.date.is_some() => Ok(()),
                Some(_) => Err(format!("`{shown}`: the figure `{id}` has no date")),
                None => Err(format!(
                    "`{shown}`: only a figure has a date{}",
                    self.nearest_figure(id).replace('"', "`")
                )),
            },
            Some(s) if s == "interval" || digits(s) => self
                .names
                .check(id, None)
                .map_err(|e| format!("`{shown}`: {e}")),
            _ => self.names.check(id, style).map_err(|e| {
                if style.is_some() && e.contains("unknown style") {
                    format!("{e}; charts add year, month, day, interval and a digit (decimals)")
                } else {
                    e
                }
            }),
        }
    }

    /// What the fields alone do not say: dates of timeline points, thresholds of a tail,
    /// ranges of log axes, marks that need a single value.
    fn semantics(&mut self, span: Span) {
        let c = self.chart;
        let t = &c.fields;
        let records = |key: &str| entries(t, key);
        let sub = |t: &Table, key: &str| entries(t, key);
        let log_range = |c: &mut Self, scale_key: Option<&str>, range_key: &str| {
            let log = scale_key.is_none_or(|k| t.get(k).and_then(Toml::as_str) == Some("log"));
            let lo = t
                .get(range_key)
                .and_then(Toml::as_array)
                .and_then(|a| a.first())
                .and_then(number);
            if let (true, Some(lo)) = (log, lo) {
                if lo <= 0.0 {
                    let line = c.line_of(span, range_key);
                    c.invalid(
                        line,
                        range_key,
                        &show(&t[range_key]),
                        "a log axis cannot start at or below 0",
                        "give a low end above 0",
                    );
                }
            }
        };
        match c.kind.as_str() {
            "timeline" => {
                log_range(self, Some("y_scale"), "y_range");
                for (si, s) in records("series").iter().enumerate() {
                    let series = self.sub_span(span, "series", si, &Toml::Table(s.clone()));
                    for (pi, p) in sub(s, "points").iter().enumerate() {
                        let Some(id) = p.get("id").and_then(Toml::as_str) else {
                            continue;
                        };
                        if p.contains_key("date") || p.contains_key("date_of") {
                            continue;
                        }
                        let dated = self.ix.figure(id).is_some_and(|f| f.date.is_some());
                        let known = self.ix.figure(id).is_some() || self.ix.lines.contains_key(id);
                        if !dated && known {
                            let at = self.sub_span(series, "points", pi, &Toml::Table(p.clone()));
                            let line = self.id_line(at, id).or(Some(at.start + 1));
                            self.invalid(
                                line,
                                &format!("series[{}].points[{}].id", si + 1, pi + 1),
                                &format!("\"{id}\""),
                                "has no date to place it on the time axis",
                                "add date_of = \"figure-id\" (a dated figure) or date = \"YYYY-MM\" to the point",
                            );
                        }
                    }
                }
            }
            "bars" => {
                log_range(self, Some("value_scale"), "value_range");
                for (si, s) in records("series").iter().enumerate() {
                    let series = self.sub_span(span, "series", si, &Toml::Table(s.clone()));
                    let mark = s.get("mark").and_then(Toml::as_str).unwrap_or("bar");
                    if mark == "interval" {
                        continue;
                    }
                    for (ii, it) in sub(s, "items").iter().enumerate() {
                        let Some(id) = it.get("id").and_then(Toml::as_str) else {
                            continue;
                        };
                        if self.no_single_value(id) {
                            let at = self.sub_span(series, "items", ii, &Toml::Table(it.clone()));
                            let line = self.id_line(at, id).or(Some(at.start + 1));
                            self.invalid(
                                line,
                                &format!("series[{}].items[{}].id", si + 1, ii + 1),
                                &format!("\"{id}\""),
                                &format!("is a range with no single value, which a {mark} cannot show"),
                                "draw it in a series with mark = \"interval\", or as a [[chart.band]]",
                            );
                        }
                    }
                }
            }
            "tail" => {
                log_range(self, None, "x_range");
                log_range(self, None, "y_range");
                let points = records("points");
                if points.len() == 1 {
                    let line = self.line_of(span, "points");
                    self.invalid(
                        line,
                        "points",
                        "(one point)",
                        "a tail needs at least two thresholds",
                        "list two or more { at = k, id = \"count-id\" }",
                    );
                }
                let ats: Vec<f64> = points
                    .iter()
                    .filter_map(|p| p.get("at").and_then(number))
                    .collect();
                for key in ["segments", "extension"] {
                    for (i, s) in records(key).iter().enumerate() {
                        let Some(from) = s.get("from").and_then(number) else {
                            continue;
                        };
                        if !ats
                            .iter()
                            .any(|a| (a - from).abs() <= 1e-9 * a.abs().max(1.0))
                        {
                            let line = self.line_of(
                                self.sub_span(span, key, i, &Toml::Table(s.clone())),
                                "from",
                            );
                            let list: Vec<String> = ats.iter().map(|a| a.to_string()).collect();
                            self.invalid(
                                line,
                                &format!("{key}[{}].from", i + 1),
                                &show(&s["from"]),
                                "is not the threshold of a point",
                                &format!("start at one of the points' `at`: {}", list.join(", ")),
                            );
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// A figure given as a range, or a derived window: no point for a bar or point mark.
    fn no_single_value(&self, id: &str) -> bool {
        if let Some(f) = self.ix.figure(id) {
            return matches!(f.value, Value::Range { .. });
        }
        self.ix.lines.get(id).is_some_and(
            |l| matches!(&l.spec, Spec::Derived(d) if matches!(d.body, Body::Window { .. })),
        )
    }
}

/// The entries of a list of sub-records as tables (an id standing for `{ id = "..." }`).
fn entries(t: &Table, key: &str) -> Vec<Table> {
    let items: Vec<&Toml> = match t.get(key) {
        Some(Toml::Array(a)) => a.iter().collect(),
        Some(t @ Toml::Table(_)) => vec![t],
        _ => Vec::new(),
    };
    items
        .into_iter()
        .filter_map(|v| match v {
            Toml::Table(t) => Some(t.clone()),
            Toml::String(s) => {
                let mut t = Table::new();
                t.insert("id".into(), Toml::String(s.clone()));
                Some(t)
            }
            _ => None,
        })
        .collect()
}

fn number(v: &Toml) -> Option<f64> {
    match v {
        Toml::Integer(i) => Some(*i as f64),
        Toml::Float(x) if x.is_finite() => Some(*x),
        _ => None,
    }
}

impl Index<'_> {
    fn figure(&self, id: &str) -> Option<&crate::model::Figure> {
        self.figures.get(id).copied()
    }
}

/// How to write a missing required field.
fn example(f: &Field) -> String {
    match f.kind {
        F::Records(_) => match f.name {
            "series" => "[[chart.series]] records".into(),
            "points" => "points = [...]".into(),
            "items" => "items = [\"figure-id\", ...]".into(),
            n => format!("{n} = [...]"),
        },
        F::Positive => format!("{} = a number", f.name),
        _ => format!("{} = \"...\"", f.name),
    }
}

//! Parsing and validating `derivations/*.toml`: `[[section]]`, `[[assumption]]`,
//! `[[derived]]`, `[[check]]` and `[[chart]]` records (data/README.md, docs/ledger.md).

use super::{show, FileCtx, Validator};
use crate::error::DataError;
use crate::ledger::{AssumptionDecl, ChartDecl, Derivations, LineDecl, SectionDecl};
use crate::model::{Dataset, Unit};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use toml::{Table, Value as Toml};
use wages_analysis::ledger::parse::{parse_claim, parse_formula, parse_template, Piece};
use wages_analysis::ledger::{self as engine, Body, CheckSpec, DerivedSpec, Spec};

const KINDS: [&str; 5] = ["section", "assumption", "derived", "check", "chart"];
const SECTION_FIELDS: &[&str] = &["id", "title", "records"];
const ASSUMPTION_FIELDS: &[&str] = &["id", "statement", "basis"];
const DERIVED_FIELDS: &[&str] = &[
    "id",
    "section",
    "label",
    "formula",
    "low",
    "high",
    "unit",
    "unit_text",
    "assumes",
    "note",
];
const CHECK_FIELDS: &[&str] = &["id", "section", "label", "claim", "assumes", "note"];

/// The 1-based file column of character `column` of the string value of `field` on `line`, when
/// the value is a one-line basic string with no escapes before that point.
fn file_column(ctx: &FileCtx, line: Option<usize>, field: &str, column: usize) -> Option<usize> {
    let text = ctx.lines.get(line?.checked_sub(1)?)?;
    let rest = text.trim_start().strip_prefix(field)?;
    let eq = rest.find('=')?;
    let open = rest[eq..].find(['"', '\''])?;
    let indent = text.chars().count() - text.trim_start().chars().count();
    let before = field.chars().count() + rest[..eq + open].chars().count();
    let value: String = rest[eq + open + 1..].chars().take(column).collect();
    if value.contains('\\') {
        return None;
    }
    Some(indent + before + 1 + column)
}

impl Validator {
    fn formula_error(
        &mut self,
        ctx: &FileCtx,
        id: &str,
        field: &str,
        value: &str,
        column: Option<usize>,
        message: String,
    ) {
        let line = ctx.line_of(Some(id), Some(field));
        let column = column.and_then(|c| file_column(ctx, line, field, c));
        self.errors.push(DataError::Formula {
            path: ctx.path.to_path_buf(),
            line,
            column,
            record: Some(id.to_string()),
            field: field.to_string(),
            value: super::clip(format!("\"{}\"", super::one_line(value))),
            message,
        });
    }

    fn string_list(&mut self, ctx: &FileCtx, id: &str, t: &Table, field: &str) -> Vec<String> {
        match t.get(field) {
            None => Vec::new(),
            Some(Toml::Array(items)) => {
                let mut out = Vec::new();
                for item in items {
                    match item {
                        Toml::String(s) if super::is_valid_id(s) => out.push(s.clone()),
                        other => self.invalid(
                            ctx,
                            Some(id),
                            field,
                            &show(other),
                            "not an id",
                            "write a list of ids: [\"some-id\", \"other-id\"]",
                        ),
                    }
                }
                out
            }
            Some(other) => {
                self.invalid(
                    ctx,
                    Some(id),
                    field,
                    &show(other),
                    "not a list",
                    "write a list of ids: [\"some-id\"]",
                );
                Vec::new()
            }
        }
    }

    /// Parses one derivations file into `out`.
    pub(super) fn derivations(
        &mut self,
        ctx: &FileCtx,
        doc: &Table,
        out: &mut Derivations,
        seen: &mut HashMap<String, PathBuf>,
    ) {
        for k in doc.keys() {
            if !KINDS.contains(&k.as_str()) {
                self.invalid(
                    ctx,
                    None,
                    k,
                    &show(&doc[k]),
                    "unknown top-level key",
                    "a derivations file holds [[section]], [[assumption]], [[derived]], [[check]] and [[chart]] records",
                );
            }
        }
        // Records in file order across kinds: the order of lines in a section.
        let mut records: Vec<(usize, &str, &Table)> = Vec::new();
        for kind in KINDS {
            let Some(v) = doc.get(kind) else { continue };
            let Toml::Array(items) = v else {
                self.invalid(
                    ctx,
                    None,
                    kind,
                    &show(v),
                    "not an array of tables",
                    &format!("write records as [[{kind}]]"),
                );
                continue;
            };
            for (i, item) in items.iter().enumerate() {
                match item {
                    Toml::Table(t) => {
                        let at = t
                            .get("id")
                            .and_then(Toml::as_str)
                            .and_then(|id| ctx.line_of(Some(id), None))
                            .unwrap_or(usize::MAX - items.len() + i);
                        records.push((at, kind, t));
                    }
                    other => self.invalid(
                        ctx,
                        None,
                        kind,
                        &show(other),
                        "not a table",
                        &format!("write records as [[{kind}]]"),
                    ),
                }
            }
        }
        records.sort_by_key(|(at, _, _)| *at);
        let file = ctx.rel.clone();
        let mut index: HashMap<&str, usize> = HashMap::new();
        let (mut section_ids, mut chart_ids) = (
            std::mem::take(&mut self.section_ids),
            std::mem::take(&mut self.chart_ids),
        );
        for (_, kind, t) in records {
            let n = index.entry(kind).or_default();
            *n += 1;
            let Some(id) = self.record_id(ctx, t, kind, *n - 1) else {
                continue;
            };
            // Sections and charts have their own namespaces (a section may share its id with a
            // figure, as groups do); everything else shares ids with figures, rules and scales.
            let ids = match kind {
                "section" => &mut section_ids,
                "chart" => &mut chart_ids,
                _ => &mut *seen,
            };
            // A second record with an id is reported and left out, so it cannot shadow the
            // first and cause follow-on errors.
            let duplicate = ids.contains_key(&id);
            self.unique(ctx, ids, &id);
            if matches!(kind, "derived" | "check") {
                self.line_ids.insert(id.clone());
            }
            if duplicate {
                continue;
            }
            match kind {
                "section" => {
                    self.unknown_fields(ctx, Some(&id), t, SECTION_FIELDS);
                    let title = self.string(ctx, &id, t, "title", true);
                    let records = self.string_list(ctx, &id, t, "records");
                    if let Some(title) = title {
                        out.sections.push(SectionDecl {
                            id,
                            title,
                            records,
                            file: file.clone(),
                        });
                    }
                }
                "assumption" => {
                    self.unknown_fields(ctx, Some(&id), t, ASSUMPTION_FIELDS);
                    let statement = self.string(ctx, &id, t, "statement", true);
                    let basis = self.string(ctx, &id, t, "basis", true);
                    if let (Some(statement), Some(basis)) = (statement, basis) {
                        out.assumptions.push(AssumptionDecl {
                            id,
                            statement,
                            basis,
                            file: file.clone(),
                        });
                    }
                }
                "derived" | "check" => {
                    let is_check = kind == "check";
                    self.unknown_fields(
                        ctx,
                        Some(&id),
                        t,
                        if is_check {
                            CHECK_FIELDS
                        } else {
                            DERIVED_FIELDS
                        },
                    );
                    let section = self.string(ctx, &id, t, "section", true);
                    let label = self.string(ctx, &id, t, "label", true);
                    let note = self.string(ctx, &id, t, "note", false);
                    let assumes = self.string_list(ctx, &id, t, "assumes");
                    let spec = if is_check {
                        self.string(ctx, &id, t, "claim", true).and_then(|src| {
                            match parse_claim(&src) {
                                Ok(claim) => Some(Spec::Check(CheckSpec {
                                    id: id.clone(),
                                    claim,
                                    assumes,
                                })),
                                Err(e) => {
                                    self.formula_error(
                                        ctx,
                                        &id,
                                        "claim",
                                        &src,
                                        Some(e.column),
                                        e.message,
                                    );
                                    None
                                }
                            }
                        })
                    } else {
                        self.derived_spec(ctx, &id, t, assumes)
                    };
                    let unit_text = if is_check {
                        None
                    } else {
                        self.string(ctx, &id, t, "unit_text", false)
                    };
                    if let (Some(section), Some(label), Some(spec)) = (section, label, spec) {
                        out.lines.push(LineDecl {
                            id,
                            section,
                            label,
                            note,
                            unit_text,
                            spec,
                            file: file.clone(),
                        });
                    }
                }
                _ => {
                    let kind_word = self.string(ctx, &id, t, "kind", true);
                    let title = self.string(ctx, &id, t, "title", true);
                    if let (Some(kind), Some(title)) = (kind_word, title) {
                        out.charts.push(ChartDecl {
                            line: ctx.line_of(Some(&id), None),
                            id,
                            kind,
                            title,
                            fields: t.clone(),
                            file: file.clone(),
                        });
                    }
                }
            }
        }
        self.section_ids = section_ids;
        self.chart_ids = chart_ids;
    }

    fn derived_spec(
        &mut self,
        ctx: &FileCtx,
        id: &str,
        t: &Table,
        assumes: Vec<String>,
    ) -> Option<Spec> {
        let unit = self.string(ctx, id, t, "unit", true).and_then(|w| {
            let u = Unit::from_key(&w);
            if u.is_none() {
                let words: Vec<&str> = Unit::ALL.iter().map(|u| u.key()).collect();
                self.invalid(
                    ctx,
                    Some(id),
                    "unit",
                    &format!("\"{w}\""),
                    "not a unit",
                    &format!("use one of {}", words.join(", ")),
                );
            }
            u
        });
        let parse = |v: &mut Validator,
                     field: &str|
         -> Option<Option<wages_analysis::ledger::parse::Expr>> {
            // Present but not a usable string (empty, not text): reported by `string`.
            let Some(src) = v.string(ctx, id, t, field, false) else {
                return t.contains_key(field).then_some(None);
            };
            match parse_formula(&src) {
                Ok(e) => Some(Some(e)),
                Err(e) => {
                    v.formula_error(ctx, id, field, &src, Some(e.column), e.message);
                    Some(None)
                }
            }
        };
        let formula = parse(self, "formula");
        let low = parse(self, "low");
        let high = parse(self, "high");
        let body = match (formula, low, high) {
            (Some(f), None, None) => Body::Formula(f?),
            (None, Some(l), Some(h)) => Body::Window { low: l?, high: h? },
            (None, None, None) => {
                self.invalid(
                    ctx,
                    Some(id),
                    "formula",
                    "(missing)",
                    "required field",
                    "add formula = \"...\" (or low = \"...\" and high = \"...\" for a window)",
                );
                return None;
            }
            _ => {
                self.invalid(
                    ctx,
                    Some(id),
                    "formula",
                    "(formula, low, high)",
                    "give either formula, or both low and high (a window)",
                    "keep one form",
                );
                return None;
            }
        };
        Some(Spec::Derived(DerivedSpec {
            id: id.to_string(),
            body,
            unit: unit?,
            assumes,
        }))
    }
}

/// The dataset-wide checks of the ledger once every file is parsed: ids of formulas, cycles,
/// units, assumptions, sections, section records and label templates.
pub(super) fn validate(
    v: &mut Validator,
    ds: &Dataset,
    texts: &HashMap<String, String>,
    root: &Path,
) {
    let d = &ds.derivations;
    let ctx_of = |file: &str| -> (PathBuf, String) {
        (
            root.join(file),
            texts.get(file).cloned().unwrap_or_default(),
        )
    };
    let inputs = crate::ledger::inputs(ds);
    let declared: Vec<String> = crate::ledger::assumptions(ds).into_keys().collect();
    let specs: Vec<Spec> = d.lines.iter().map(|l| l.spec.clone()).collect();
    for (i, problem) in engine::validate(&inputs, &declared, &specs) {
        // A record that exists but failed validation is reported once, as itself.
        if let engine::Problem::UnknownId { id, .. } = &problem {
            if v.figure_ids.contains(id) || v.line_ids.contains(id) {
                continue;
            }
        }
        let line = &d.lines[i];
        let (path, text) = ctx_of(&line.file);
        let ctx = FileCtx::new(&path, &text, line.file.clone());
        let field = problem.field();
        let column = match &problem {
            engine::Problem::UnknownId { column, .. }
            | engine::Problem::RefersToCheck { column, .. }
            | engine::Problem::UnitClash { column, .. }
            | engine::Problem::BoundNotOutermost { column, .. }
            | engine::Problem::NoSingleValue { column, .. } => Some(*column),
            _ => None,
        };
        let value = match (&line.spec, field) {
            (_, "assumes") => match &problem {
                engine::Problem::UnknownAssumption { id, .. } => id.clone(),
                _ => String::new(),
            },
            (Spec::Derived(s), "unit") => s.unit.key().to_string(),
            _ => raw_field(&ctx, &line.id, field),
        };
        // A clash of the whole result is about the line, not a column of it.
        let column = match &problem {
            engine::Problem::UnitClash { message, .. }
                if message.starts_with("the formula gives") =>
            {
                None
            }
            _ => column,
        };
        let message = strip_column(&problem.to_string());
        v.formula_error(&ctx, &line.id, field, &value, column, message);
    }
    // Sections: every line names a declared one; records shown in a section exist.
    let sections: HashSet<&str> = d.sections.iter().map(|s| s.id.as_str()).collect();
    for l in &d.lines {
        if !sections.contains(l.section.as_str()) {
            let (path, text) = ctx_of(&l.file);
            let ctx = FileCtx::new(&path, &text, l.file.clone());
            let hint = engine::nearest(&l.section, sections.iter().copied())
                .map(|s| format!("; did you mean \"{s}\"?"))
                .unwrap_or_default();
            v.invalid(
                &ctx,
                Some(&l.id),
                "section",
                &format!("\"{}\"", l.section),
                &format!("names no [[section]]{hint}"),
                "declare the section with [[section]] id and title",
            );
        }
    }
    for s in &d.sections {
        for r in &s.records {
            let known = ds.figure(r).is_some() || ds.rule(r).is_some() || ds.scale(r).is_some();
            if !known {
                let (path, text) = ctx_of(&s.file);
                let ctx = FileCtx::new(&path, &text, s.file.clone());
                let mut ids: Vec<&str> = ds.figures.iter().map(|f| f.id.as_str()).collect();
                ids.extend(ds.rules.iter().map(|r| r.id.as_str()));
                ids.extend(ds.scales.iter().map(|s| s.id.as_str()));
                let hint = engine::nearest(r, ids)
                    .map(|s| format!("; did you mean \"{s}\"?"))
                    .unwrap_or_default();
                v.invalid(
                    &ctx,
                    Some(&s.id),
                    "records",
                    &format!("\"{r}\""),
                    &format!("names no figure, grade rule or pay scale{hint}"),
                    "list ids of records of this dataset",
                );
            }
        }
    }
    // Templates: labels, notes and statements render only ids that exist.
    let mut templates: Vec<(&str, &str, &str, &str)> = Vec::new();
    for l in &d.lines {
        templates.push((&l.file, &l.id, "label", &l.label));
        if let Some(n) = &l.note {
            templates.push((&l.file, &l.id, "note", n));
        }
    }
    for a in &d.assumptions {
        templates.push((&a.file, &a.id, "statement", &a.statement));
    }
    let names = crate::ledger::Names::new(ds, &[]);
    for (file, id, field, src) in templates {
        let (path, text) = ctx_of(file);
        let ctx = FileCtx::new(&path, &text, file.to_string());
        match parse_template(src) {
            Err(e) => v.formula_error(&ctx, id, field, src, Some(e.column), e.message),
            Ok(pieces) => {
                for p in pieces {
                    if let Piece::Ref {
                        id: rid,
                        style,
                        column,
                    } = p
                    {
                        // A record that failed validation is reported once, as itself.
                        let failed_figure =
                            v.figure_ids.contains(&rid) && ds.figure(&rid).is_none();
                        let failed_line = v.line_ids.contains(&rid)
                            && !ds.derivations.lines.iter().any(|l| l.id == rid);
                        if failed_figure || failed_line {
                            continue;
                        }
                        if let Err(msg) = names.check(&rid, style.as_deref()) {
                            v.formula_error(&ctx, id, field, src, Some(column), msg);
                        }
                    }
                }
            }
        }
    }
}

/// The text of `field` of record `id` as written (for messages).
fn raw_field(ctx: &FileCtx, id: &str, field: &str) -> String {
    ctx.line_of(Some(id), Some(field))
        .and_then(|l| ctx.lines.get(l - 1))
        .and_then(|l| l.split_once('='))
        .map(|(_, v)| v.trim().trim_matches('"').to_string())
        .unwrap_or_default()
}

/// The engine's messages start with "column N: "; the location prefix already says it.
fn strip_column(s: &str) -> String {
    match s.strip_prefix("column ") {
        Some(rest) => match rest.split_once(": ") {
            Some((n, tail)) if n.bytes().all(|b| b.is_ascii_digit()) => tail.to_string(),
            _ => s.to_string(),
        },
        None => s.to_string(),
    }
}

//! `wages data list | show ID | check [DIR]`.

use super::Context;
use crate::error::{CliError, Result};
use crate::output::{self, Column, Format};
use std::path::{Path, PathBuf};
use wages_data::{Dataset, Figure, Status};

#[derive(clap::Subcommand)]
pub enum DataCommand {
    /// One line per figure: id, value with qualifier and unit, date, source.
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Write the output to FILE (atomically) instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Everything recorded about one figure, grade rule, pay scale, derived line or check.
    Show {
        /// The record's id (see `wages data list`).
        id: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Write the output to FILE (atomically) instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Validate a dataset directory; exit 1 listing every problem found.
    Check {
        /// The directory to check (default: `--data DIR`, else the embedded dataset).
        dir: Option<PathBuf>,
    },
}

pub fn run(ctx: &Context, cmd: DataCommand) -> Result<()> {
    match cmd {
        DataCommand::List { format, out } => list(&ctx.dataset()?, format, out),
        DataCommand::Show { id, format, out } => show(&ctx.dataset()?, &id, format, out),
        DataCommand::Check { dir } => check(ctx, dir),
    }
}

/// `data list`: one row per figure.
const LIST_COLUMNS: &[Column<Figure>] = &[
    Column {
        header: "id",
        terminal: true,
        cell: |f, _| f.id.clone(),
    },
    Column {
        header: "value",
        terminal: true,
        cell: |f, _| f.display(),
    },
    Column {
        header: "date",
        terminal: true,
        cell: |f, _| {
            f.date
                .map(|d| d.to_string())
                .unwrap_or_else(|| "not stated".into())
        },
    },
    Column {
        header: "status",
        terminal: true,
        cell: |f, _| status_text(f.status).into(),
    },
    Column {
        header: "source",
        terminal: true,
        cell: |f, _| f.source.clone(),
    },
    Column {
        header: "description",
        terminal: false,
        cell: |f, _| f.description.clone(),
    },
];

/// `data show`: one row per field of the record.
const SHOW_COLUMNS: &[Column<(String, String)>] = &[
    Column {
        header: "field",
        terminal: true,
        cell: |(k, _), _| k.clone(),
    },
    Column {
        header: "value",
        terminal: true,
        cell: |(_, v), _| v.clone(),
    },
];

fn status_text(s: Status) -> &'static str {
    match s {
        Status::Reported => "reported",
        Status::Assumption => "ASSUMPTION",
    }
}

fn list(d: &Dataset, format: Format, out: Option<PathBuf>) -> Result<()> {
    let text = match format {
        Format::Json => json(&d.figures)?,
        Format::Table => {
            let mut s = output::export(format, LIST_COLUMNS, &d.figures, |_| {});
            s.push_str(&format!(
                "{} figures, {} grade rules, {} pay scales ({} of them assumptions) from the {} dataset. `wages data show ID` for the full record.\n",
                d.figures.len(),
                d.rules.len(),
                d.scales.len(),
                d.scales.iter().filter(|s| s.is_assumption()).count(),
                output::printable(&d.origin)
            ));
            s
        }
        Format::Html => {
            let table = output::export(format, LIST_COLUMNS, &d.figures, |_| {});
            let records: Vec<_> = d
                .figures
                .iter()
                .map(|f| {
                    // The page also names the record's keys (as its JSON does).
                    let mut pairs = figure_pairs(f);
                    pairs.push(("group".into(), f.group.clone()));
                    let mut keys = vec![format!("unit {}", f.unit.key())];
                    if let Some(k) = f.ruble_kind {
                        keys.push(format!("ruble_kind {}", k.key()));
                    }
                    if let Some(p) = &f.period {
                        keys.push(format!("period {p}"));
                    }
                    pairs.push(("keys".into(), keys.join("; ")));
                    (f, output::export(format, SHOW_COLUMNS, &pairs, |_| {}))
                })
                .collect();
            crate::html::data::list_page(d, &table, &records)
        }
        _ => output::export(format, LIST_COLUMNS, &d.figures, |_| {}),
    };
    output::emit(&text, out.as_deref())
}

fn json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string_pretty(v)
        .map(|s| s + "\n")
        .map_err(|e| CliError::Output(format!("cannot encode JSON: {e}")))
}

fn show(d: &Dataset, id: &str, format: Format, out: Option<PathBuf>) -> Result<()> {
    let pairs: Vec<(String, String)>;
    let json_text;
    if let Some(f) = d.figure(id) {
        json_text = json(f)?;
        pairs = figure_pairs(f);
    } else if let Some(r) = d.rule(id) {
        json_text = json(r)?;
        let grades = if r.grade_low == r.grade_high {
            format!("{}", r.grade_low)
        } else {
            format!("{}-{}", r.grade_low, r.grade_high)
        };
        let mut p = vec![
            ("id".to_string(), r.id.clone()),
            ("kind".into(), r.kind.key().into()),
            ("description".into(), r.description.clone()),
            ("grades".into(), grades),
        ];
        if let Some(s) = r.supplement_percent {
            p.push((
                "supplement".into(),
                format!("{}%", wages_data::format_number(s)),
            ));
        }
        if let Some(m) = r.threshold_multiple {
            p.push((
                "threshold".into(),
                format!("{} x grade {}", wages_data::format_number(m), r.grade_low),
            ));
        }
        for (k, v) in [
            ("share taken", &r.share_taken),
            ("figure", &r.figure),
            ("quote", &r.quote),
            ("note", &r.note),
        ] {
            if let Some(v) = v {
                p.push((k.into(), v.clone()));
            }
        }
        p.push(("status".into(), status_text(r.status).into()));
        p.push(("source".into(), r.source.clone()));
        pairs = p;
    } else if let Some(s) = d.scale(id) {
        json_text = json(s)?;
        let mut p = vec![
            ("id".to_string(), s.id.clone()),
            ("status".into(), status_text(s.status).into()),
            ("description".into(), s.description.clone()),
            ("relative to".into(), s.relative_to.clone()),
        ];
        if let Some(b) = &s.basis {
            p.push(("assumption basis".into(), b.clone()));
        }
        for (g, c) in &s.grades {
            p.push((format!("grade {g}"), wages_data::format_number(*c)));
        }
        pairs = p;
    } else if let Some(l) = d.derivations.lines.iter().find(|l| l.id == id) {
        pairs = ledger_record(l);
        let map: serde_json::Map<String, serde_json::Value> = pairs
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        json_text = json(&map)?;
    } else {
        return Err(CliError::usage(format!(
            "no figure, grade rule or pay scale has the id `{}`, nor a derived line or check; `wages data list` shows the figures, `wages report --brief` every line",
            output::printable(id)
        )));
    }
    let text = match format {
        Format::Json => json_text,
        Format::Html => {
            let table = output::export(format, SHOW_COLUMNS, &pairs, |_| {});
            crate::html::data::show_page(d, id, &table)
        }
        _ => output::export(format, SHOW_COLUMNS, &pairs, |_| {}),
    };
    output::emit(&text, out.as_deref())
}

/// Every field of a figure's record, as `data show ID` lists them.
fn figure_pairs(f: &Figure) -> Vec<(String, String)> {
    let mut p = vec![
        ("id", f.id.clone()),
        ("description", f.description.clone()),
        ("value", f.display()),
        ("qualifier", f.qualifier.as_str().to_string()),
        ("unit", f.unit_text()),
    ];
    if let Some(r) = f.rounding {
        p.push((
            "rounding",
            format!("printed to the nearest {}", wages_data::format_number(r)),
        ));
    }
    p.push((
        "date",
        f.date
            .map(|d| d.to_string())
            .unwrap_or_else(|| "not stated by the source".into()),
    ));
    if let Some(n) = &f.date_note {
        p.push(("date note", n.clone()));
    }
    p.push(("status", status_text(f.status).into()));
    if let Some(b) = &f.basis {
        p.push(("assumption basis", b.clone()));
    }
    p.push(("source", f.source.clone()));
    if let Some(n) = f.footnote {
        p.push(("footnote", n.to_string()));
    }
    for (k, v) in [("cites", &f.cites), ("quote", &f.quote), ("note", &f.note)] {
        if let Some(v) = v {
            p.push((k, v.clone()));
        }
    }
    p.push(("file", f.file.clone()));
    p.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// A derived line or check as its derivations file writes it (formulas with their `{id}`s;
/// `wages report` shows the values).
fn ledger_record(l: &wages_data::ledger::LineDecl) -> Vec<(String, String)> {
    use wages_analysis::ledger::{Body, Spec};
    let refs = |e: &wages_analysis::ledger::parse::Expr| e.render(&|r| format!("{{{}}}", r.key()));
    let mut p = vec![
        ("id".to_string(), l.id.clone()),
        (
            "kind".into(),
            if l.is_check() { "check" } else { "derived" }.into(),
        ),
        ("section".into(), l.section.clone()),
        ("label".into(), l.label.clone()),
    ];
    match &l.spec {
        Spec::Derived(d) => {
            match &d.body {
                Body::Formula(e) => p.push(("formula".into(), refs(e))),
                Body::Window { low, high } => {
                    p.push(("low".into(), refs(low)));
                    p.push(("high".into(), refs(high)));
                }
            }
            p.push(("unit".into(), d.unit.key().into()));
            if !d.assumes.is_empty() {
                p.push(("assumes".into(), d.assumes.join(", ")));
            }
        }
        Spec::Check(c) => {
            p.push((
                "claim".into(),
                format!(
                    "{} {} {}",
                    refs(&c.claim.lhs),
                    c.claim.op.symbol(),
                    refs(&c.claim.rhs)
                ),
            ));
            if !c.assumes.is_empty() {
                p.push(("assumes".into(), c.assumes.join(", ")));
            }
        }
    }
    if let Some(n) = &l.note {
        p.push(("note".into(), n.clone()));
    }
    p.push(("file".into(), l.file.clone()));
    p.push((
        "value".into(),
        "computed by the ledger: `wages report` shows it with its interval and inputs".into(),
    ));
    p
}

fn check(ctx: &Context, dir: Option<PathBuf>) -> Result<()> {
    let dir = dir.or_else(|| ctx.data_dir.clone());
    let (result, tables, name) = match &dir {
        Some(d) => (
            wages_data::load_dir(d),
            check_tabulations_dir(d),
            output::printable(&d.display().to_string()).into_owned(),
        ),
        None => (
            wages_data::embedded(),
            check_embedded_tabulations(),
            "the embedded dataset".to_string(),
        ),
    };
    let mut problems: Vec<String> = match &result {
        Ok(_) => Vec::new(),
        Err(e) => e.0.iter().map(|p| p.to_string()).collect(),
    };
    problems.extend(tables.problems);
    match result {
        Ok(d) if problems.is_empty() => output::print(&format!(
            "{name}: ok: {} figures, {} grade rules, {} pay scales, {} derived lines, {} checks, {} charts, {}\n",
            d.figures.len(),
            d.rules.len(),
            d.scales.len(),
            d.derivations.lines.iter().filter(|l| !l.is_check()).count(),
            d.derivations.lines.iter().filter(|l| l.is_check()).count(),
            d.derivations.charts.len(),
            counted(tables.checked, "tabulation"),
        )),
        _ => {
            let n = problems.len();
            Err(CliError::Data(format!(
                "{}\n{name}: {n} problem{} found",
                problems.join("\n"),
                if n == 1 { "" } else { "s" }
            )))
        }
    }
}

/// `1 tabulation`, `2 tabulations`.
fn counted(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// What checking a dataset's bracket tables found: how many `tabulations/*.csv` were checked
/// (read, parsed and computed), and one line per problem.
#[derive(Default)]
struct TableCheck {
    checked: usize,
    problems: Vec<String>,
}

impl TableCheck {
    /// Checks one table as `wages tabulate` would read it; a problem is one line, in the
    /// `file:line: ...` form of the dataset's other problems.
    fn table(&mut self, path: &Path, bytes: Vec<u8>) {
        self.checked += 1;
        if let Err(e) = super::tabulate::check_table(path, bytes) {
            let name = output::printable(&path.display().to_string()).into_owned();
            self.problems.push(compiler_style(&name, &e));
        }
    }

    fn io(&mut self, path: &Path, message: &str) {
        self.problems.push(format!(
            "{}: cannot read: {}",
            output::printable(&path.display().to_string()),
            output::printable(message)
        ));
    }
}

/// `FILE: line 5: rest` (how `wages tabulate` starts its messages) as `FILE:5: rest`, the
/// form of every other `data check` line; any other message is kept as it is.
fn compiler_style(name: &str, message: &str) -> String {
    let parsed = message
        .strip_prefix(name)
        .and_then(|r| r.strip_prefix(": line "))
        .and_then(|r| r.split_once(": "))
        .filter(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    match parsed {
        Some((line, rest)) => format!("{name}:{line}: {rest}"),
        None => message.to_string(),
    }
}

/// The embedded dataset's `tabulations/*.csv`, named `data/tabulations/...` as the embedded
/// figures are named `data/figures/...`.
fn check_embedded_tabulations() -> TableCheck {
    let mut out = TableCheck::default();
    for (rel, bytes) in wages_data::embedded_tabulations() {
        out.table(&Path::new("data").join(rel), bytes);
    }
    out
}

/// The `tabulations/*.csv` of a dataset directory, read by the loader's rules for
/// `figures/*.toml`: `tabulations/` is optional, files of other names are ignored, the folder's
/// own files only (no sub-folders); every file is checked before it is opened (only regular
/// files are read: a FIFO would block forever, a device never end), and at most
/// [`MAX_TABLE_BYTES`] of it. A problem with one file does not stop the others being checked.
fn check_tabulations_dir(dir: &Path) -> TableCheck {
    let mut out = TableCheck::default();
    if !std::fs::metadata(dir).is_ok_and(|m| m.is_dir()) {
        // The loader has already said why the dataset cannot be read.
        return out;
    }
    let sub = dir.join("tabulations");
    match std::fs::metadata(&sub) {
        Ok(m) if m.is_dir() => {}
        Ok(m) => {
            out.io(
                &sub,
                &format!(
                    "not a directory ({}); tabulations/ must be a folder of .csv bracket tables",
                    wages_data::files::kind_of(&m.file_type())
                ),
            );
            return out;
        }
        Err(e) => {
            // Absent is fine (tabulations/ is optional); a broken or looping link is not.
            if let Some(why) = wages_data::files::missing_or(&sub, &e) {
                out.io(
                    &sub,
                    &format!("{why}; tabulations/ must be a folder of .csv bracket tables"),
                );
            }
            return out;
        }
    }
    let entries = match std::fs::read_dir(&sub) {
        Ok(entries) => entries,
        Err(e) => {
            out.io(&sub, &format!("{e}; check the folder's permissions"));
            return out;
        }
    };
    let mut paths = Vec::new();
    for e in entries {
        match e {
            Ok(e) => paths.push(e.path()),
            Err(e) => out.io(&sub, &format!("cannot list the folder: {e}")),
        }
    }
    paths.retain(|p| p.extension().is_some_and(|x| x == "csv"));
    paths.sort();
    for p in paths {
        match read_table(&p) {
            Ok(bytes) => out.table(&p, bytes),
            Err(message) => out.io(&p, &message),
        }
    }
    out
}

/// The most read from one table: what `wages tabulate` reads of a file.
const MAX_TABLE_BYTES: u64 = super::tabulate::MAX_INPUT_BYTES;

/// The bytes of a regular `.csv` file of at most [`MAX_TABLE_BYTES`], by the loader's rules.
fn read_table(path: &Path) -> std::result::Result<Vec<u8>, String> {
    wages_data::files::read_regular_file(
        path,
        &wages_data::files::FileRole {
            holder: "tabulations/",
            ext: "csv",
            too_big:
                "too large for a bracket table; check that this is the right file, or remove it",
            max_bytes: MAX_TABLE_BYTES,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::compiler_style;

    #[test]
    fn tabulate_locations_become_file_colon_line() {
        let f = "d/tabulations/t.csv";
        assert_eq!(
            compiler_style(
                f,
                "d/tabulations/t.csv: line 8: group \"A\": field `count`: bad"
            ),
            "d/tabulations/t.csv:8: group \"A\": field `count`: bad"
        );
        // No line (an empty file, a header without rows), or another file's name: unchanged.
        for m in [
            "d/tabulations/t.csv: the file is empty; expected a header line",
            "d/tabulations/t.csv: line x: odd",
            "other.csv: line 3: bad",
        ] {
            assert_eq!(compiler_style(f, m), m);
        }
    }
}

//! `wages data list | show ID | check [DIR]`.

use super::Context;
use crate::error::{CliError, Result};
use crate::output::{self, Format};
use crate::report::render::{csv_field_text, map_cells, markdown_text, table_text};
use std::path::PathBuf;
use wages_data::{Dataset, Figure, Status};

#[derive(clap::Subcommand)]
pub enum DataCommand {
    /// One line per figure: id, value with qualifier and unit, date, source.
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Everything recorded about one figure, grade rule or pay scale.
    Show {
        /// The record's id (see `wages data list`).
        id: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Validate a dataset directory; exit 1 listing every problem found.
    Check {
        /// The directory to check (default: `--data DIR`, else the embedded dataset).
        dir: Option<PathBuf>,
    },
}

pub fn run(ctx: &Context, cmd: DataCommand) -> Result<()> {
    match cmd {
        DataCommand::List { format } => list(&ctx.dataset()?, format),
        DataCommand::Show { id, format } => show(&ctx.dataset()?, &id, format),
        DataCommand::Check { dir } => check(ctx, dir),
    }
}

const LIST_HEADER: [&str; 6] = ["id", "value", "date", "status", "source", "description"];

fn list_row(f: &Figure) -> Vec<String> {
    vec![
        f.id.clone(),
        f.display(),
        f.date
            .map(|d| d.to_string())
            .unwrap_or_else(|| "not stated".into()),
        status_text(f.status).into(),
        f.source.clone(),
        f.description.clone(),
    ]
}

fn status_text(s: Status) -> &'static str {
    match s {
        Status::Reported => "reported",
        Status::Assumption => "ASSUMPTION",
    }
}

fn list(d: &Dataset, format: Format) -> Result<()> {
    let rows: Vec<Vec<String>> = d.figures.iter().map(list_row).collect();
    let text = match format {
        Format::Table => {
            let mut t = output::terminal_table(&LIST_HEADER[..5]);
            for r in &rows {
                t.add_row(r[..5].iter().map(|c| table_text(c).into_owned()));
            }
            let mut s = format!("{t}\n");
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
        Format::Markdown => output::markdown_table(&LIST_HEADER, &map_cells(&rows, markdown_text)),
        Format::Csv => output::csv_text(&LIST_HEADER, &map_cells(&rows, csv_field_text)),
        Format::Json => json(&d.figures)?,
    };
    output::print(&text)
}

fn json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string_pretty(v)
        .map(|s| s + "\n")
        .map_err(|e| CliError::Output(format!("cannot encode JSON: {e}")))
}

fn show(d: &Dataset, id: &str, format: Format) -> Result<()> {
    let pairs: Vec<(String, String)>;
    let json_text;
    if let Some(f) = d.figure(id) {
        json_text = json(f)?;
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
        pairs = p.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
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
    } else {
        return Err(CliError::usage(format!(
            "no figure, grade rule or pay scale has the id `{}`; `wages data list` shows the ids",
            output::printable(id)
        )));
    }
    let rows: Vec<Vec<String>> = pairs.into_iter().map(|(k, v)| vec![k, v]).collect();
    let text = match format {
        Format::Table => {
            let mut t = output::terminal_table(&["field", "value"]);
            for r in &rows {
                t.add_row(r.iter().map(|c| table_text(c).into_owned()));
            }
            format!("{t}\n")
        }
        Format::Markdown => {
            output::markdown_table(&["field", "value"], &map_cells(&rows, markdown_text))
        }
        Format::Csv => output::csv_text(&["field", "value"], &map_cells(&rows, csv_field_text)),
        Format::Json => json_text,
    };
    output::print(&text)
}

fn check(ctx: &Context, dir: Option<PathBuf>) -> Result<()> {
    let dir = dir.or_else(|| ctx.data_dir.clone());
    let (result, name) = match &dir {
        Some(d) => (
            wages_data::load_dir(d),
            output::printable(&d.display().to_string()).into_owned(),
        ),
        None => (wages_data::embedded(), "the embedded dataset".to_string()),
    };
    match result {
        Ok(d) => output::print(&format!(
            "{name}: ok: {} figures, {} grade rules, {} pay scales\n",
            d.figures.len(),
            d.rules.len(),
            d.scales.len()
        )),
        Err(e) => {
            let n = e.0.len();
            Err(CliError::Data(format!(
                "{e}\n{name}: {n} problem{} found",
                if n == 1 { "" } else { "s" }
            )))
        }
    }
}

//! `wages report [--format table|markdown|json|csv|html] [--section ID] [--brief] [--out FILE]`:
//! every pay figure of the dataset, what follows from it, and on what assumption. The model is built by
//! [`crate::report::build`]; this module only picks the sections and the format.

use super::Context;
use crate::error::{CliError, Result};
use crate::output::{self, Format};
use crate::report::{self, render};

#[derive(clap::Args)]
pub struct ReportArgs {
    /// Output format. JSON is documented in docs/report-json.md, HTML in docs/html.md.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Only this section (repeatable): official-ratios, andreev, vovsi, party-pay, bromlei,
    /// special-rates, other-figures.
    #[arg(long, value_name = "ID")]
    pub section: Vec<String>,
    /// One line per figure (id, value, interval, ASSUMES flag) instead of the full table with
    /// sources and formulas. Terminal table only.
    #[arg(long)]
    pub brief: bool,
    /// Write the output to FILE (atomically: whole or not at all) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<std::path::PathBuf>,
}

pub fn run(ctx: &Context, args: ReportArgs) -> Result<()> {
    if args.brief && args.format != Format::Table {
        return Err(CliError::usage(
            "--brief is for the terminal table; Markdown, JSON, CSV and HTML always carry every column",
        ));
    }
    let ds = ctx.dataset()?;
    let mut r = report::build(&ds)?;
    if !args.section.is_empty() {
        let known: Vec<String> = r.sections.iter().map(|s| s.id.clone()).collect();
        if let Some(bad) = args.section.iter().find(|s| !known.contains(s)) {
            return Err(CliError::usage(format!(
                "--section {bad}: no such section; choose one of: {}",
                known.join(", ")
            )));
        }
        r.sections.retain(|s| args.section.contains(&s.id));
    }
    let text = match args.format {
        Format::Table if args.brief => render::brief(&r),
        Format::Table => render::table(&r),
        Format::Markdown => render::markdown(&r),
        Format::Csv => render::csv(&r),
        Format::Html => crate::html::report::page(&r, &ds, args.section.is_empty()),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&r)
                .map_err(|e| CliError::Output(format!("cannot write the report as JSON: {e}")))?;
            s.push('\n');
            s
        }
    };
    output::emit(&text, args.out.as_deref())
}

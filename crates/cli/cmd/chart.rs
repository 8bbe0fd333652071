//! `wages chart NAME|all --format png|svg|both --out DIR [--width W --height H]` and
//! `wages chart --list`.
//!
//! Every requested chart is rendered in memory first, so a data problem writes nothing; each
//! file is then written atomically (temp file + rename) as `DIR/NAME.png` / `DIR/NAME.svg`.

use super::Context;
use crate::chart::paper::{self, ChartError};
use crate::chart::{self, Format};
use crate::error::{CliError, Result};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    Png,
    Svg,
    Both,
}

#[derive(clap::Args)]
#[command(
    after_help = "Charts: run `wages chart --list`. Example: wages chart all --format both --out charts"
)]
pub struct ChartArgs {
    /// The chart to draw (see --list), or `all`.
    #[arg(value_name = "NAME", required_unless_present = "list")]
    name: Option<String>,
    /// List the charts with a one-line description, and exit.
    #[arg(long, conflicts_with = "name")]
    list: bool,
    /// File format.
    #[arg(long, value_enum, default_value = "png")]
    format: FormatArg,
    /// Folder to write NAME.png / NAME.svg into (created if missing).
    #[arg(long, value_name = "DIR", default_value = ".")]
    out: PathBuf,
    /// Width in pixels (at least 640).
    #[arg(long, value_name = "W", default_value_t = 1200)]
    width: u32,
    /// Height in pixels (at least 480).
    #[arg(long, value_name = "H", default_value_t = 800)]
    height: u32,
}

pub fn run(ctx: &Context, args: ChartArgs) -> Result<()> {
    if args.list {
        let mut text = String::new();
        let w = paper::CHARTS
            .iter()
            .map(|c| c.name.len())
            .max()
            .unwrap_or(0);
        for c in paper::CHARTS {
            text.push_str(&format!("{:w$}  {}\n", c.name, c.description));
        }
        return crate::output::print(&text);
    }
    let name = args.name.as_deref().unwrap_or_default();
    let charts: Vec<&paper::ChartDef> = if name == "all" {
        paper::CHARTS.iter().collect()
    } else {
        match paper::find(name) {
            Some(c) => vec![c],
            None => {
                let names: Vec<&str> = paper::CHARTS.iter().map(|c| c.name).collect();
                return Err(CliError::usage(format!(
                    "no chart named `{name}`; choose one of {} or `all` (see `wages chart --list`)",
                    names.join(", ")
                )));
            }
        }
    };
    chart::check_size(args.width, args.height).map_err(CliError::usage)?;
    let formats: &[Format] = match args.format {
        FormatArg::Png => &[Format::Png],
        FormatArg::Svg => &[Format::Svg],
        FormatArg::Both => &[Format::Png, Format::Svg],
    };
    let ds = ctx.dataset()?;

    let mut files = Vec::new();
    for c in &charts {
        for &f in formats {
            let bytes = c
                .render(&ds, f, args.width, args.height)
                .map_err(|e| match e {
                    ChartError::Data(m) => CliError::data(m),
                    ChartError::Draw(m) => {
                        CliError::usage(format!("chart `{}`: cannot draw: {m}", c.name))
                    }
                })?;
            files.push((
                args.out.join(format!("{}.{}", c.name, f.extension())),
                bytes,
            ));
        }
    }
    crate::output::ensure_dir(&args.out)?;
    let mut report = String::new();
    for (path, bytes) in &files {
        crate::output::write_atomic(path, bytes)?;
        report.push_str(&format!("wrote {}\n", path.display()));
    }
    crate::output::print(&report)
}

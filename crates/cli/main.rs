//! `wages`: wage-differential statistics from the command line.
//!
//! The binary parses arguments, reads files, lays results out and renders them; it computes no
//! statistic, interval or check (those are `wages-analysis`'s, over `wages-data`'s records and
//! `wages-table`'s columns). Modules:
//! - `cmd/`: one module per subcommand (arguments, reading, calling the libraries, layout);
//! - `report/`: the report's model (typed lines) built from the evaluated ledger, and its text
//!   renderings;
//! - `chart/`: chart layout and drawing (PNG, SVG) of declared charts and command charts;
//! - `html/`: `--format html`, one self-contained page per command (maud templates over the
//!   same typed results), docs/html.md;
//! - `output.rs`: the output model shared by every command (the column registry, one exporter
//!   for terminal, Markdown and CSV, escaping), stdout and atomic file writes;
//! - `error.rs`: errors and exit codes (1 = bad data, 2 = bad usage, never a panic).

mod chart;
mod cmd;
mod error;
mod html;
mod output;
mod report;

// polars' own advice for Rust programs: a global allocator that reuses freed memory. `wages
// analyze` frees and allocates columns of tens of MiB; glibc returns each to the kernel and
// every new one is page-faulted in again (a quarter of the CPU time on the 10M-row Parquet
// benchmark). With mimalloc the Parquet read went from about 0.35 s to 0.18 s (bench/README.md).
// Builds without polars (`make report`) keep the system allocator.
#[cfg(feature = "table")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "wages",
    version,
    about = "Wage-differential statistics: pay as multiples of a minimum, pay-ratio caps, bracket tables, charts",
    long_about = "Wage-differential statistics. Ships the pay figures of Simon Pirani's paper on the Soviet party elite, 1922-23, each with its source and qualifier; analyzes your own payrolls and bracket tables with the same machinery.",
    after_help = "Start with `wages report` (the paper's figures and what follows from them) or `wages data list`."
)]
struct Cli {
    /// Use the dataset in DIR (laid out like the repository's data/) instead of the embedded one.
    #[arg(long, global = true, value_name = "DIR")]
    data: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List, show and validate the dataset's figures.
    #[command(subcommand)]
    Data(cmd::data::DataCommand),
    /// Every pay figure of the paper, and what follows from it.
    Report(cmd::report::ReportArgs),
    /// Draw the paper's figures as PNG and SVG charts.
    Chart(cmd::chart::ChartArgs),
    /// Pay differentials in your own payroll (CSV or Parquet).
    Analyze(cmd::analyze::AnalyzeArgs),
    /// Pay gaps between groups, as the UK and EU pay-gap rules define them.
    Gap(cmd::gap::GapArgs),
    /// Bracket tables to head-counts and fitted distributions, with rounding intervals.
    Tabulate(cmd::tabulate::TabulateArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ctx = cmd::Context { data_dir: cli.data };
    let result = match cli.command {
        Command::Data(c) => cmd::data::run(&ctx, c),
        Command::Report(a) => cmd::report::run(&ctx, a),
        Command::Chart(a) => cmd::chart::run(&ctx, a),
        Command::Analyze(a) => cmd::analyze::run(&ctx, a),
        Command::Gap(a) => cmd::gap::run(&ctx, a),
        Command::Tabulate(a) => cmd::tabulate::run(&ctx, a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report(),
    }
}

//! `wages analyze FILE`: pay differentials in a user's own payroll (CSV or Parquet).
//!
//! This command reads, calls and lays out; it computes nothing itself. The file is read by the
//! `wages-table` crate (only the needed columns), with the options this module takes from the
//! environment ([`read_options`]: the benchmark's switches, read here and nowhere else); the
//! statistics, for the whole table and each group, and the chart curves are
//! `wages_analysis::payroll::analyze`. This module owns the arguments and their checks, the
//! thread count ([`set_threads`], the one place it is set), the timings line on stderr; `render`
//! lays out the four output formats, `charts` the two charts, `progress` the spinner.
//! Documented in docs/analyze.md.

#[cfg(feature = "table")]
mod charts;
#[cfg(feature = "table")]
mod progress;
#[cfg(feature = "table")]
mod render;

use super::Context;
use crate::error::{CliError, Result};
use crate::output::Format;
use std::path::PathBuf;

/// The file formats `--input-format` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormatArg {
    /// Comma-separated values with a header line.
    Csv,
    /// Apache Parquet.
    Parquet,
}

#[derive(clap::Args)]
#[command(
    after_help = "Multiples are pay / minimum. Without --minimum the smallest pay in the file is the reference, and the output says so. Statistics, JSON keys and the weighted quantile rule: docs/analyze.md."
)]
pub struct AnalyzeArgs {
    /// The payroll: a CSV file with a header line, or a Parquet file; `-` reads standard input
    /// (the format is then told by the content, as for a name without an extension).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The column holding pay (any positive unit; one row per person or record).
    #[arg(long, value_name = "COL", default_value = "pay")]
    pub pay: String,

    /// A column to group by (read as text): statistics for each group as well as the whole table.
    #[arg(long, value_name = "COL")]
    pub group: Option<String>,

    /// A column of positive sampling or frequency weights, applied to every statistic.
    #[arg(long, value_name = "COL")]
    pub weight: Option<String>,

    /// The reference minimum wage, in the unit of the pay column (default: the smallest pay in the file).
    #[arg(long, value_name = "X")]
    pub minimum: Option<f64>,

    /// Cap multiples of the minimum: who earns more than k x minimum, and the pay above it.
    #[arg(
        long,
        value_name = "K,K,...",
        value_delimiter = ',',
        default_value = "5,8,15,30"
    )]
    pub caps: Vec<f64>,

    /// Exclude rows with zero or negative pay (the output says how many) instead of failing.
    #[arg(long)]
    pub drop_nonpositive: bool,

    /// The file format (default: from the extension, .csv or .parquet).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormatArg>,

    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,

    /// Also write charts to this folder (created if needed): analyze-lorenz.png/.svg (Lorenz
    /// curves) and analyze-multiples.png/.svg (histogram of pay / minimum, log scale).
    #[arg(long, value_name = "DIR")]
    pub chart: Option<PathBuf>,

    /// Chart width in pixels.
    #[arg(long, value_name = "PX", default_value_t = 1200, requires = "chart")]
    pub chart_width: u32,

    /// Chart height in pixels.
    #[arg(long, value_name = "PX", default_value_t = 800, requires = "chart")]
    pub chart_height: u32,
}

/// A number as a message shows it: `1e300`, not three hundred digits.
fn short(x: f64) -> String {
    if x != 0.0 && x.is_finite() && (x.abs() >= 1e15 || x.abs() < 1e-6) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// Checks the options that do not need the file.
fn check_usage(args: &AnalyzeArgs) -> Result<()> {
    if let Some(m) = args.minimum {
        if !(m.is_finite() && m > 0.0) {
            return Err(CliError::usage(format!(
                "--minimum {}: the reference minimum must be a positive number",
                short(m)
            )));
        }
    }
    let mut roles = vec![("--pay", &args.pay)];
    roles.extend(args.group.iter().map(|g| ("--group", g)));
    roles.extend(args.weight.iter().map(|w| ("--weight", w)));
    for (i, (oa, a)) in roles.iter().enumerate() {
        if let Some((ob, _)) = roles[i + 1..].iter().find(|(_, b)| b == a) {
            return Err(CliError::usage(format!(
                "column {a:?} is named by both {oa} and {ob}; each role needs its own column"
            )));
        }
    }
    if args.chart.is_some() {
        crate::chart::check_size(args.chart_width, args.chart_height).map_err(|e| {
            CliError::usage(
                e.replace("--width", "--chart-width")
                    .replace("--height", "--chart-height"),
            )
        })?;
    }
    if args.caps.is_empty() {
        return Err(CliError::usage(
            "--caps needs at least one multiple, e.g. --caps 5,8,15,30",
        ));
    }
    if let Some(k) = args.caps.iter().find(|k| !(k.is_finite() && **k > 0.0)) {
        return Err(CliError::usage(format!(
            "--caps: {} is not a positive multiple of the minimum; give e.g. --caps 5,8,15,30",
            short(*k)
        )));
    }
    // The same cap twice (`5,5.0`) would give two identical rows and duplicate CSV columns.
    for (i, k) in args.caps.iter().enumerate() {
        if args.caps[..i].contains(k) {
            return Err(CliError::usage(format!(
                "--caps lists {} more than once; give each multiple once, e.g. --caps 5,8,15,30",
                short(*k)
            )));
        }
    }
    if let Some(m) = args.minimum {
        if let Some(k) = args.caps.iter().find(|k| !(**k * m).is_finite()) {
            return Err(CliError::usage(format!(
                "--caps {} with --minimum {}: the threshold {} x {} is not a finite number; give a smaller cap or minimum",
                short(*k),
                short(m),
                short(*k),
                short(m)
            )));
        }
    }
    Ok(())
}

#[cfg(not(feature = "table"))]
pub fn run(_ctx: &Context, args: AnalyzeArgs) -> Result<()> {
    check_usage(&args)?;
    Err(CliError::usage(
        "`wages analyze` needs the `table` feature (polars), and this binary was built without it; \
         rebuild with default features: cargo build --release",
    ))
}

#[cfg(feature = "table")]
pub fn run(_ctx: &Context, args: AnalyzeArgs) -> Result<()> {
    use wages_analysis::payroll::analyze;
    use wages_table::InputFormat;
    check_usage(&args)?;
    // `-` (standard input) and streams (`/dev/stdin`, `<(zcat f.csv.gz)`) have no telling
    // extension: their content tells the format (Parquet's magic bytes, else CSV).
    // A name without an extension (`/dev/stdin` redirected from a file, `/dev/fd/3`) too.
    let stream = args.file.as_os_str() == "-"
        || args.file.extension().is_none()
        || std::fs::metadata(&args.file).is_ok_and(|m| !m.is_file() && !m.is_dir());
    let format = match args.input_format {
        Some(InputFormatArg::Csv) => Some(InputFormat::Csv),
        Some(InputFormatArg::Parquet) => Some(InputFormat::Parquet),
        None if stream => None,
        None => Some(InputFormat::from_path(&args.file).ok_or_else(|| {
            CliError::usage(format!(
                "{}: cannot tell the format from the file name; name it .csv or .parquet, or pass --input-format csv|parquet",
                wages_table::shown_path(&args.file)
            ))
        })?),
    };
    set_threads();
    let progress = progress::Progress::start(&args.file);
    progress.say(format!("reading {}", args.file.display()));
    let request = wages_table::Request {
        format,
        group: args.group.as_deref(),
        weight: args.weight.as_deref(),
        drop_nonpositive: args.drop_nonpositive,
        ..wages_table::Request::new(&args.file, &args.pay)
    };
    let options = read_options();
    let t0 = std::time::Instant::now();
    let (payroll, phases) = wages_table::read_with(&request, &options).map_err(|e| {
        progress.finish();
        CliError::data(e.to_string())
    })?;
    if options.timings {
        // For the benchmark's profile (bench/README.md): where the reading time goes.
        eprintln!("wages: read phases: {phases}");
    }
    let t1 = std::time::Instant::now();
    progress.say(format!("summarizing {} rows", payroll.pay.len()));
    let charts = args.chart.is_some();
    let analysis = analyze(payroll, args.minimum, &args.caps, charts).map_err(|e| {
        progress.finish();
        CliError::data(format!("{}: {e}", args.file.display()))
    })?;
    progress.finish();
    if options.timings {
        eprintln!(
            "wages: timings: read {:.3} s, statistics {:.3} s",
            (t1 - t0).as_secs_f64(),
            t1.elapsed().as_secs_f64()
        );
    }
    let text = render::render(&args, &analysis)?;
    if let Some(dir) = &args.chart {
        // Charts first: a run whose charts fail prints nothing and leaves no file.
        let files = charts::render_all(&args, &analysis)?;
        charts::write_all(dir, &files)?;
    }
    crate::output::print(&text)
}

/// The environment switches of `wages analyze`, for the benchmark (bench/README.md), read here
/// and nowhere else: `WAGES_CSV_READER=general` skips the CSV fast path (what a CSV it
/// declines gets); `WAGES_TIMINGS` (any value) prints where the time goes on stderr.
#[cfg(feature = "table")]
fn read_options() -> wages_table::ReadOptions {
    let general = std::env::var("WAGES_CSV_READER").is_ok_and(|r| r == "general");
    wages_table::ReadOptions {
        csv_reader: if general {
            wages_table::CsvReader::General
        } else {
            wages_table::CsvReader::Fast
        },
        timings: std::env::var_os("WAGES_TIMINGS").is_some(),
    }
}

/// The one place that sets how many threads `wages analyze` computes on: rayon's global pool,
/// one thread per core. Every parallel step of the libraries runs on it: the CSV fast path's
/// ranges of lines, the group codes of a Parquet column, the partition by group and the
/// summaries. (polars decodes Parquet on its own pool, sized by polars.)
#[cfg(feature = "table")]
fn set_threads() {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // An error means the pool already exists (it is built once per process): nothing to do.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
}

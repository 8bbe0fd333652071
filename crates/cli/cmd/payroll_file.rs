//! Reading a payroll file, as `wages analyze` and `wages gap` both do: the input format from
//! the option, the name or the content; the thread count (the one place it is set); the
//! benchmark's environment switches (read here and nowhere else); the read itself, with the
//! spinner and the timings line.

use crate::error::{CliError, Result};
#[cfg(feature = "table")]
use std::path::Path;

/// The file formats `--input-format` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormatArg {
    /// Comma-separated values with a header line.
    Csv,
    /// Apache Parquet.
    Parquet,
}

/// A number as a message shows it: `1e300`, not three hundred digits.
pub fn short(x: f64) -> String {
    if x != 0.0 && x.is_finite() && (x.abs() >= 1e15 || x.abs() < 1e-6) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// Checks that no column is named for two roles (`(option, column)` pairs).
pub fn check_distinct_columns(roles: &[(&str, &str)]) -> Result<()> {
    for (i, (oa, a)) in roles.iter().enumerate() {
        if let Some((ob, _)) = roles[i + 1..].iter().find(|(_, b)| b == a) {
            return Err(CliError::usage(format!(
                "column {a:?} is named by both {oa} and {ob}; each role needs its own column"
            )));
        }
    }
    Ok(())
}

/// Checks `--chart-width`/`--chart-height`.
pub fn check_chart_size(width: u32, height: u32) -> Result<()> {
    crate::chart::check_size(width, height).map_err(|e| {
        CliError::usage(
            e.replace("--width", "--chart-width")
                .replace("--height", "--chart-height"),
        )
    })
}

/// The format to read `file` as: `--input-format`, else the extension; `None` (told by the
/// content) for `-`, a stream, or a name without an extension.
#[cfg(feature = "table")]
pub fn input_format(
    file: &Path,
    arg: Option<InputFormatArg>,
) -> Result<Option<wages_table::InputFormat>> {
    use wages_table::InputFormat;
    // `-` (standard input) and streams (`/dev/stdin`, `<(zcat f.csv.gz)`) have no telling
    // extension: their content tells the format (Parquet's magic bytes, else CSV).
    // A name without an extension (`/dev/stdin` redirected from a file, `/dev/fd/3`) too.
    let stream = file.as_os_str() == "-"
        || file.extension().is_none()
        || std::fs::metadata(file).is_ok_and(|m| !m.is_file() && !m.is_dir());
    Ok(match arg {
        Some(InputFormatArg::Csv) => Some(InputFormat::Csv),
        Some(InputFormatArg::Parquet) => Some(InputFormat::Parquet),
        None if stream => None,
        None => Some(InputFormat::from_path(file).ok_or_else(|| {
            CliError::usage(format!(
                "{}: cannot tell the format from the file name; name it .csv or .parquet, or pass --input-format csv|parquet",
                wages_table::shown_path(file)
            ))
        })?),
    })
}

/// Reads the payroll `request` names, with the spinner and, under `WAGES_TIMINGS`, the phases
/// on stderr. Returns it with the progress indicator (still running, for the next stage) and
/// the moment the read ended.
#[cfg(feature = "table")]
pub fn read(
    request: &wages_table::Request,
) -> Result<(
    wages_analysis::payroll::Payroll,
    super::progress::Progress,
    Timings,
)> {
    set_threads();
    let progress = super::progress::Progress::start(request.path);
    progress.say(format!("reading {}", request.path.display()));
    let options = read_options();
    let t0 = std::time::Instant::now();
    let (payroll, phases) = wages_table::read_with(request, &options).map_err(|e| {
        progress.finish();
        CliError::data(e.to_string())
    })?;
    if options.timings {
        // For the benchmark's profile (bench/README.md): where the reading time goes.
        eprintln!("wages: read phases: {phases}");
    }
    let timings = Timings {
        on: options.timings,
        start: t0,
        read: std::time::Instant::now(),
    };
    Ok((payroll, progress, timings))
}

/// When the read started and ended, to print with the computing time.
#[cfg(feature = "table")]
pub struct Timings {
    on: bool,
    start: std::time::Instant,
    read: std::time::Instant,
}

#[cfg(feature = "table")]
impl Timings {
    /// Prints `wages: timings: read X s, statistics Y s` under `WAGES_TIMINGS`.
    pub fn print(&self) {
        if self.on {
            eprintln!(
                "wages: timings: read {:.3} s, statistics {:.3} s",
                (self.read - self.start).as_secs_f64(),
                self.read.elapsed().as_secs_f64()
            );
        }
    }
}

/// The environment switches of the payroll commands, for the benchmark (bench/README.md), read
/// here and nowhere else: `WAGES_CSV_READER=general` skips the CSV fast path (what a CSV it
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

/// The one place that sets how many threads the payroll commands compute on: rayon's global
/// pool, one thread per core. Every parallel step of the libraries runs on it: the CSV fast
/// path's ranges of lines, the group codes of a Parquet column, the partition by group and the
/// summaries. (polars decodes Parquet on its own pool, sized by polars.)
#[cfg(feature = "table")]
fn set_threads() {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // An error means the pool already exists (it is built once per process): nothing to do.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
}

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
    timed(request, |options, _| {
        wages_table::read_with(request, options)
    })
}

/// Runs `read` with the spinner, the reader's options and the timings (see [`read`]).
#[cfg(feature = "table")]
fn timed<T>(
    request: &wages_table::Request,
    read: impl FnOnce(
        &wages_table::ReadOptions,
        &super::progress::Progress,
    ) -> std::result::Result<(T, wages_table::Phases), wages_table::TableError>,
) -> Result<(T, super::progress::Progress, Timings)> {
    set_threads();
    let progress = super::progress::Progress::start(request.path);
    progress.say(format!("reading {}", request.path.display()));
    let options = read_options();
    let t0 = std::time::Instant::now();
    let (table, phases) = read(&options, &progress).map_err(|e| {
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
    Ok((table, progress, timings))
}

/// [`read`] for a payroll of pay and a group column only, group by group
/// (`wages_table::read_by_group`: a Parquet file is streamed, with a bar of the rows read).
#[cfg(feature = "table")]
pub fn read_by_group(
    request: &wages_table::Request,
) -> Result<(
    wages_analysis::payroll::PayByGroup,
    super::progress::Progress,
    Timings,
)> {
    timed(request, |options, progress| {
        wages_table::read_by_group(request, options, &mut |read, total| {
            progress.rows(read, total)
        })
    })
}

/// Whether `wages analyze` may read pay and a group group by group (the default);
/// `WAGES_READER=whole` takes the in-memory reader and [`analyze_with`] instead, for the
/// benchmark's comparison row and the spot checks of docs/scale.md (bench/README.md).
///
/// [`analyze_with`]: wages_analysis::payroll::analyze_with
#[cfg(feature = "table")]
pub fn by_group_allowed() -> bool {
    std::env::var("WAGES_READER").map_or(true, |r| r != "whole")
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
/// declines gets); `WAGES_TIMINGS` (any value) prints where the time goes on stderr;
/// `WAGES_READER=whole` ([`by_group_allowed`]).
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

/// The sampling design of `--strata` and `--cluster`, from the payroll's categorical columns
/// (the last of its explanatory columns, in that order); `None` without either. A row without a
/// label is an error.
#[cfg(feature = "table")]
pub fn design(
    file: &std::path::Path,
    strata: Option<&str>,
    cluster: Option<&str>,
    payroll: &wages_analysis::payroll::Payroll,
) -> Result<Option<wages_analysis::uncertainty::Design>> {
    use wages_analysis::payroll::{CovariateValues, Groups, MISSING_CODE};
    let named = [("--strata", strata), ("--cluster", cluster)];
    let mut columns: Vec<Option<&Groups>> = Vec::new();
    let asked = named.iter().filter(|(_, n)| n.is_some()).count();
    let first = payroll.covariates.len().saturating_sub(asked);
    let mut next = payroll.covariates[first..].iter();
    for (option, name) in named {
        let Some(name) = name else {
            columns.push(None);
            continue;
        };
        let Some(c) = next.next() else {
            return Err(CliError::Output(format!("{option} {name:?} was not read")));
        };
        let CovariateValues::Categorical(g) = &c.values else {
            return Err(CliError::Output(format!(
                "{option} {name:?} was not read as labels"
            )));
        };
        if let Some(i) = g.codes.iter().position(|&c| c == MISSING_CODE) {
            // Rows excluded by --drop-nonpositive shift the count: name the row among those kept.
            let row = if payroll.dropped_nonpositive == 0 {
                format!("data row {}", i + 1)
            } else {
                format!("row {} of those kept", i + 1)
            };
            return Err(CliError::data(format!(
                "{}: {row}: the {option} column {name:?} is empty; every row needs a label for the design",
                wages_table::shown_path(file)
            )));
        }
        columns.push(Some(g));
    }
    if columns.iter().all(Option::is_none) {
        return Ok(None);
    }
    let strata = columns[0].map(|g| (g.codes.as_slice(), g.labels.as_slice()));
    let clusters = columns[1].map(|g| g.codes.as_slice());
    wages_analysis::uncertainty::Design::new(payroll.pay.len(), strata, clusters)
        .map(Some)
        .map_err(|e| CliError::data(format!("{}: {e}", wages_table::shown_path(file))))
}

/// The weight kinds of `--weight-kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum WeightKindArg {
    /// Each row represents w members of the population (Stata pweight).
    Sampling,
    /// Each row is w identical observations (Stata fweight).
    Frequency,
}

/// Checks `--ci LEVEL`, `--bootstrap N` and the design options (`design`: `--strata` or
/// `--cluster` given; `frequency`: `--weight-kind frequency`), shared by `analyze` and `gap`.
pub fn check_ci(
    ci: Option<f64>,
    bootstrap: Option<usize>,
    design: bool,
    frequency: bool,
) -> Result<()> {
    if let Some(l) = ci {
        if !(l > 0.0 && l < 100.0) {
            return Err(CliError::usage(format!(
                "--ci {}: the confidence level is a percentage strictly between 0 and 100, e.g. --ci 95",
                short(l)
            )));
        }
    }
    match bootstrap {
        Some(n) if n < 2 => {
            return Err(CliError::usage(format!(
                "--bootstrap {n}: the bootstrap needs at least 2 replicates; give e.g. --bootstrap 1000"
            )))
        }
        Some(_) if design && ci.is_some() => {
            return Err(CliError::usage(
                "--bootstrap resamples rows independently and does not follow --strata or --cluster; use the linearisation (--ci without --bootstrap) for a design",
            ))
        }
        _ => {}
    }
    if frequency && design {
        return Err(CliError::usage(
            "--weight-kind frequency counts identical observations and has no design: --strata and --cluster need sampling weights",
        ));
    }
    Ok(())
}

/// The `--ci` choices as the statistics take them.
#[cfg(feature = "table")]
pub fn ci_options(
    ci: Option<f64>,
    bootstrap: Option<usize>,
    seed: u64,
    kind: Option<WeightKindArg>,
) -> Option<wages_analysis::uncertainty::CiOptions> {
    use wages_analysis::uncertainty::{CiOptions, Method, WeightKind};
    ci.map(|level| CiOptions {
        level: level / 100.0,
        method: match bootstrap {
            None => Method::Linearised,
            Some(replicates) => Method::Bootstrap { replicates, seed },
        },
        weight_kind: match kind {
            Some(WeightKindArg::Frequency) => WeightKind::Frequency,
            _ => WeightKind::Sampling,
        },
    })
}

/// The design of `--strata` and `--cluster` as the notes of `--ci` state it.
#[cfg(feature = "table")]
pub fn design_text(strata: Option<&str>, cluster: Option<&str>) -> String {
    match (strata, cluster) {
        (None, None) => "rows drawn independently (iid)".to_string(),
        (Some(s), None) => format!("rows drawn independently within strata {s:?}"),
        (None, Some(c)) => format!("clusters {c:?} drawn independently"),
        (Some(s), Some(c)) => format!("clusters {c:?} drawn independently within strata {s:?}"),
    }
}

//! `wages analyze FILE`: pay differentials in a user's own payroll (CSV or Parquet).
//!
//! This command reads, calls and lays out; it computes nothing itself. The file is read by the
//! `wages-table` crate (only the needed columns) through `cmd/payroll_file.rs`, shared with
//! `wages gap` (the input format, the thread count, the benchmark's environment switches, the
//! spinner and the timings line); the statistics, for the whole table and each group, and the
//! chart curves are `wages_analysis::payroll::analyze`. This module owns the arguments and their
//! checks; `render` lays out the four output formats, `charts` the two charts.
//! Documented in docs/analyze.md.

#[cfg(feature = "table")]
mod charts;
mod emit_sql;
#[cfg(feature = "table")]
mod render;
#[cfg(feature = "table")]
mod uncertainty;

use super::payroll_file::{
    check_chart_size, check_distinct_columns, short, InputFormatArg, WeightKindArg,
};
use super::Context;
use crate::error::{CliError, Result};
use crate::output::Format;
use std::path::PathBuf;

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

    /// A column of counts: each row stands for that many identical observations (a frequency
    /// table of distinct (group, pay) values, e.g. from --emit-sql). Read as frequency weights:
    /// every statistic is that of the expanded rows. Whole numbers, 1 or more.
    #[arg(long, value_name = "COL")]
    pub count: Option<String>,

    /// Print the SQL query that reduces the table FILE (a table or view name, or a table
    /// expression, of ENGINE) to its frequency table (group, pay, count[, weight]), and read
    /// nothing; then run `wages analyze result.parquet --count count`. See docs/scale.md.
    #[arg(long, value_enum, value_name = "ENGINE")]
    pub emit_sql: Option<EngineArg>,

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

    /// Exclude rows with zero or negative pay (the output says how many) instead of failing:
    /// the same as --nonpositive drop.
    #[arg(long)]
    pub drop_nonpositive: bool,

    /// What to do with zero and negative pay: `error` (the default), `drop` the rows (the
    /// output says how many), or `keep` them: quantiles, the Gini, shares, ratios and caps
    /// include them; the measures they leave undefined (MLD, Theil, Atkinson) say so.
    #[arg(long, value_enum, value_name = "POLICY")]
    pub nonpositive: Option<NonPositiveArg>,

    /// The at-risk-of-poverty line as a fraction of the median (Eurostat: 0.6), for the
    /// threshold, the rate and the relative median poverty gap.
    #[arg(long, value_name = "F", default_value_t = 0.6)]
    pub poverty_line: f64,

    /// Standard errors and LEVEL% intervals for every statistic that has one (e.g. --ci 95):
    /// sampling uncertainty under the stated design, by linearisation unless --bootstrap.
    #[arg(long, value_name = "LEVEL")]
    pub ci: Option<f64>,

    /// With --ci: bootstrap standard errors and percentile intervals from N replicates (rows
    /// resampled with their weights) instead of the linearisation.
    #[arg(long, value_name = "N", requires = "ci")]
    pub bootstrap: Option<usize>,

    /// The bootstrap's seed (the same seed, the same replicates, on any number of threads).
    #[arg(long, value_name = "S", default_value_t = 1, requires = "bootstrap")]
    pub seed: u64,

    /// With --ci: a column of strata (read as labels) of the sampling design.
    #[arg(long, value_name = "COL", requires = "ci")]
    pub strata: Option<String>,

    /// With --ci: a column of primary sampling units (clusters, read as labels) of the
    /// sampling design; a label names one cluster within its stratum.
    #[arg(long, value_name = "COL", requires = "ci")]
    pub cluster: Option<String>,

    /// What the --weight column means: `sampling` (each row represents w people, Stata
    /// pweight; the default) or `frequency` (each row is w identical observations, fweight:
    /// whole numbers). Changes the corrected Gini and the standard errors.
    #[arg(long, value_enum, value_name = "KIND", requires = "weight")]
    pub weight_kind: Option<WeightKindArg>,

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

    /// Write the output to FILE (atomically: whole or not at all) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// The engines of `--emit-sql`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum EngineArg {
    /// DuckDB (identifiers in "double quotes").
    Duckdb,
    /// Spark SQL (identifiers in `backticks`).
    Spark,
}

/// The policies of `--nonpositive`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum NonPositiveArg {
    /// Refuse the file, naming the rows.
    Error,
    /// Exclude the rows and count them.
    Drop,
    /// Keep the rows; measures undefined for them are reported as not defined.
    Keep,
}

/// The policy for zero and negative pay: `--nonpositive`, or `drop` for `--drop-nonpositive`
/// (that both are not given with different policies is [`check_usage`]'s), `error` without
/// either.
#[cfg(feature = "table")]
pub fn nonpositive_policy(args: &AnalyzeArgs) -> wages_table::NonPositive {
    use wages_table::NonPositive;
    match (args.nonpositive, args.drop_nonpositive) {
        (Some(NonPositiveArg::Keep), _) => NonPositive::Keep,
        (Some(NonPositiveArg::Drop), _) | (_, true) => NonPositive::Drop,
        (Some(NonPositiveArg::Error) | None, false) => NonPositive::Error,
    }
}

/// Checks `--ci` and its companions.
fn check_ci(args: &AnalyzeArgs) -> Result<()> {
    super::payroll_file::check_ci(
        args.ci,
        args.bootstrap,
        args.strata.is_some() || args.cluster.is_some(),
        matches!(args.weight_kind, Some(WeightKindArg::Frequency)) || args.count.is_some(),
    )?;
    if !(args.poverty_line > 0.0 && args.poverty_line <= 1.0) {
        return Err(CliError::usage(format!(
            "--poverty-line {}: give a fraction of the median in (0, 1], e.g. 0.6",
            short(args.poverty_line)
        )));
    }
    Ok(())
}

/// Checks the options that do not need the file.
fn check_usage(args: &AnalyzeArgs) -> Result<()> {
    check_ci(args)?;
    if args.drop_nonpositive && matches!(args.nonpositive, Some(p) if p != NonPositiveArg::Drop) {
        return Err(CliError::usage(
            "--drop-nonpositive is --nonpositive drop: give one policy for zero and negative pay",
        ));
    }
    if let Some(m) = args.minimum {
        if !(m.is_finite() && m > 0.0) {
            return Err(CliError::usage(format!(
                "--minimum {}: the reference minimum must be a positive number",
                short(m)
            )));
        }
    }
    if args.count.is_some() && args.weight.is_some() {
        return Err(CliError::usage(
            "--count with --weight: a summed sampling weight per row loses the sum of squared weights that the corrected Gini and the standard errors need; give --count alone (a frequency table) or --weight alone (the rows)",
        ));
    }
    let mut roles = vec![("--pay", args.pay.as_str())];
    roles.extend(args.group.iter().map(|g| ("--group", g.as_str())));
    roles.extend(args.weight.iter().map(|w| ("--weight", w.as_str())));
    roles.extend(args.count.iter().map(|c| ("--count", c.as_str())));
    roles.extend(args.strata.iter().map(|c| ("--strata", c.as_str())));
    roles.extend(args.cluster.iter().map(|c| ("--cluster", c.as_str())));
    check_distinct_columns(&roles)?;
    if args.chart.is_some() {
        check_chart_size(args.chart_width, args.chart_height)?;
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

/// The reader's messages about the weight column, reworded for `--count` (read as the weight
/// column): the option, the role, and what a count must be.
#[cfg(feature = "table")]
fn count_wording(message: &str) -> String {
    message
        .replace("(asked for by --weight)", "(asked for by --count)")
        .replace(
            "name the weight column with --weight",
            "name the count column with --count",
        )
        .replace("(weight)", "(count)")
        .replace("zero or negative weights", "zero or negative counts")
        .replace(
            "weights must be positive",
            "counts are whole numbers, 1 or more",
        )
}

#[cfg(not(feature = "table"))]
pub fn run(_ctx: &Context, args: AnalyzeArgs) -> Result<()> {
    if let Some(engine) = args.emit_sql {
        return emit_sql::run(&args, engine);
    }
    check_usage(&args)?;
    Err(CliError::usage(
        "`wages analyze` needs the `table` feature (polars), and this binary was built without it; \
         rebuild with default features: cargo build --release",
    ))
}

#[cfg(feature = "table")]
pub fn run(_ctx: &Context, args: AnalyzeArgs) -> Result<()> {
    use super::payroll_file::{by_group_allowed, input_format, read, read_by_group};
    use wages_analysis::payroll::{analyze_by_group, analyze_with};
    if let Some(engine) = args.emit_sql {
        return emit_sql::run(&args, engine);
    }
    check_usage(&args)?;
    // The design columns are read as categorical explanatory columns: every reader aligns them
    // with the pay, and an empty cell is a missing value this command refuses.
    let design_columns: Vec<&str> = args
        .strata
        .iter()
        .chain(&args.cluster)
        .map(String::as_str)
        .collect();
    // --count COL is read as the weight column, as frequency weights (whole numbers, checked
    // below with the row and column named).
    let request = wages_table::Request {
        format: input_format(&args.file, args.input_format)?,
        group: args.group.as_deref(),
        weight: args.weight.as_deref().or(args.count.as_deref()),
        nonpositive: nonpositive_policy(&args),
        covariates: &design_columns,
        categorical: &design_columns,
        ..wages_table::Request::new(&args.file, &args.pay)
    };
    // Pay and a group only: read group by group (a Parquet file streamed, 8 bytes a row) and
    // summarized in bounded memory (`analyze_by_group`, docs/scale.md).
    if request.weight.is_none() && request.covariates.is_empty() && by_group_allowed() {
        let (input, progress, timings) = read_by_group(&request)?;
        let rows: usize = input.pay.iter().map(Vec::len).sum();
        progress.spin(format!("summarizing {rows} rows"));
        let options = analyze_options(&args, None, args.weight_kind);
        let analysis = analyze_by_group(input, &options).map_err(|e| {
            progress.finish();
            CliError::data(format!("{}: {e}", args.file.display()))
        })?;
        progress.finish();
        return report(&args, &analysis, &timings);
    }
    let (payroll, progress, timings) = read(&request).map_err(|e| match (&args.count, e) {
        (Some(_), CliError::Data(m)) => CliError::Data(count_wording(&m)),
        (_, e) => e,
    })?;
    if let (Some(column), Some(w)) = (&args.count, &payroll.weight) {
        if let Some((i, value)) = wages_analysis::uncertainty::fractional_weight(w) {
            progress.finish();
            // Rows excluded by --drop-nonpositive shift the count: name the row among those kept.
            let row = if payroll.dropped_nonpositive == 0 {
                format!("data row {}", i + 1)
            } else {
                format!("row {} of those kept", i + 1)
            };
            return Err(CliError::data(format!(
                "{}: {row}: the --count column {column:?} holds {}, not a whole number; a count is how many identical rows the row stands for (1 or more)",
                wages_table::shown_path(&args.file),
                short(value)
            )));
        }
    }
    progress.say(format!("summarizing {} rows", payroll.pay.len()));
    let design = super::payroll_file::design(
        &args.file,
        args.strata.as_deref(),
        args.cluster.as_deref(),
        &payroll,
    )
    .inspect_err(|_| progress.finish())?;
    let kind = if args.count.is_some() {
        Some(WeightKindArg::Frequency)
    } else {
        args.weight_kind
    };
    let options = analyze_options(&args, design.as_ref(), kind);
    let analysis = analyze_with(payroll, &options).map_err(|e| {
        progress.finish();
        CliError::data(format!("{}: {e}", args.file.display()))
    })?;
    progress.finish();
    report(&args, &analysis, &timings)
}

/// The statistics' options from the arguments (`kind`: what the weights are).
#[cfg(feature = "table")]
fn analyze_options<'a>(
    args: &'a AnalyzeArgs,
    design: Option<&'a wages_analysis::uncertainty::Design>,
    kind: Option<WeightKindArg>,
) -> wages_analysis::payroll::Options<'a> {
    wages_analysis::payroll::Options {
        minimum: args.minimum,
        caps: &args.caps,
        // The HTML page draws the charts inline.
        charts: args.chart.is_some() || args.format == Format::Html,
        poverty_line: Some(args.poverty_line),
        ci: super::payroll_file::ci_options(args.ci, args.bootstrap, args.seed, kind),
        design,
        // --count and --weight-kind frequency: whole numbers and the corrected Gini's
        // N / (N − 1), with or without --ci (docs/uncertainty.md, "Weight kinds").
        weight_kind: if kind == Some(WeightKindArg::Frequency) {
            wages_analysis::uncertainty::WeightKind::Frequency
        } else {
            wages_analysis::uncertainty::WeightKind::Sampling
        },
    }
}

/// Writes the analysis in the asked format, and the charts.
#[cfg(feature = "table")]
fn report(
    args: &AnalyzeArgs,
    analysis: &wages_analysis::payroll::Analysis,
    timings: &super::payroll_file::Timings,
) -> Result<()> {
    if args.chart.is_some() && !analysis.multiples_defined {
        return Err(CliError::usage(format!(
            "--chart: {}: the smallest pay is {}, no reference for the histogram of multiples; give a positive --minimum",
            wages_table::shown_path(&args.file),
            short(analysis.minimum)
        )));
    }
    timings.print();
    let text = render::render(args, analysis)?;
    if let Some(dir) = &args.chart {
        // Charts first: a run whose charts fail prints nothing and leaves no file.
        let files = charts::render_all(args, analysis)?;
        crate::output::write_files(dir, &files, "--chart")?;
    }
    crate::output::emit(&text, args.out.as_deref())
}

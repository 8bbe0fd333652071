//! `wages gap FILE --by COL`: pay gaps between groups, as the UK SI 2017/172 (regs 8-13) and the
//! EU Directive 2023/970 (Art. 9-10) define them.
//!
//! This command reads, calls and lays out; it computes nothing itself. The file is read as
//! `wages analyze` reads it (`payroll_file`, the `wages-table` readers, every bad-input
//! guarantee), with the group labels required; every measure is `wages_analysis::gap::gaps`;
//! `render` lays out the four output formats, `charts` the three charts. Documented in
//! docs/gap.md.

#[cfg(feature = "table")]
mod charts;
#[cfg(feature = "table")]
mod explain;
#[cfg(feature = "table")]
mod render;

use super::payroll_file::{check_chart_size, check_distinct_columns, InputFormatArg};
use super::Context;
use crate::error::{CliError, Result};
use crate::output::Format;
use std::path::PathBuf;

/// How the error for zero or negative pay ends for `wages gap` (after "fix those rows, or").
#[cfg(feature = "table")]
const GAP_NONPOSITIVE_HINT: &str =
    "pass --drop-nonpositive to exclude them (the output then says how many)";

#[derive(clap::Args)]
#[command(
    after_help = "Gap = (reference - group) / reference x 100, positive when the group is paid less. Measures, the rules they follow, the quantile and tie rules, JSON keys: docs/gap.md."
)]
pub struct GapArgs {
    /// The payroll: a CSV file with a header line, or a Parquet file; `-` reads standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The column holding pay (hourly pay for the UK and EU measures), one row per person.
    #[arg(long, value_name = "COL", default_value = "pay")]
    pub pay: String,

    /// The column of groups to compare (for example sex); every row needs a label.
    #[arg(long, value_name = "COL")]
    pub by: String,

    /// The group the others are set against (default: the group with the highest mean pay).
    #[arg(long, value_name = "LABEL")]
    pub reference: Option<String>,

    /// A column of categories of workers: the gaps within each (EU Art. 9(1)(g)), with the
    /// Article 10 flag at a mean gap of 5% or more.
    #[arg(long, value_name = "COL")]
    pub within: Option<String>,

    /// A column of bonus (variable) pay, zero for those paid none: bonus gaps over those paid
    /// one and the proportion paid one (UK regs 10-12; EU Art. 9(1)(b), (d), (e)).
    #[arg(long, value_name = "COL")]
    pub bonus: Option<String>,

    /// A column of positive sampling or frequency weights, applied to every measure.
    #[arg(long, value_name = "COL")]
    pub weight: Option<String>,

    /// A group of one person (as labelled by --by) whose pay is set against the median pay of
    /// everyone else, as "X to 1" (US Reg. S-K Item 402(u)).
    #[arg(long, value_name = "LABEL")]
    pub ratio_of: Option<String>,

    /// Explain the mean gap by these columns (Blinder-Oaxaca decomposition): a regression of
    /// log pay on them per group; text columns become indicators of their categories.
    #[arg(long, value_name = "COL,COL,...", value_delimiter = ',')]
    pub explain: Vec<String>,

    /// --explain columns to treat as categories even though they hold numbers.
    #[arg(
        long,
        value_name = "COL,COL,...",
        value_delimiter = ',',
        requires = "explain"
    )]
    pub categorical: Vec<String>,

    /// With --explain and more than two groups: the group to set against the reference.
    #[arg(long, value_name = "LABEL", requires = "explain")]
    pub compare: Option<String>,

    /// With --explain: regress pay itself rather than log pay.
    #[arg(long, requires = "explain")]
    pub level: bool,

    /// With --explain: heteroskedasticity-robust (HC1) standard errors.
    #[arg(long, requires = "explain")]
    pub robust: bool,

    /// With --explain: bootstrap standard errors and percentile intervals from N replicates
    /// instead of the delta method; with --ci, the gaps' intervals too (rows resampled within
    /// each group).
    #[arg(long, value_name = "N", conflicts_with = "robust")]
    pub bootstrap: Option<usize>,

    /// The bootstrap's seed (the same seed, the same replicates).
    #[arg(long, value_name = "S", default_value_t = 1, requires = "bootstrap")]
    pub seed: u64,

    /// Standard errors and LEVEL% intervals of the mean and median gaps (e.g. --ci 95):
    /// sampling uncertainty under the stated design, by linearisation unless --bootstrap.
    #[arg(long, value_name = "LEVEL")]
    pub ci: Option<f64>,

    /// With --ci: a column of strata (labels) of the sampling design.
    #[arg(long, value_name = "COL", requires = "ci")]
    pub strata: Option<String>,

    /// With --ci: a column of primary sampling units (clusters, labels) of the design.
    #[arg(long, value_name = "COL", requires = "ci")]
    pub cluster: Option<String>,

    /// What the --weight column means: `sampling` (Stata pweight; the default) or `frequency`
    /// (fweight: whole numbers). Changes the standard errors.
    #[arg(long, value_enum, value_name = "KIND", requires = "weight")]
    pub weight_kind: Option<super::payroll_file::WeightKindArg>,

    /// Exclude rows with zero or negative pay (the output says how many) instead of failing.
    #[arg(long)]
    pub drop_nonpositive: bool,

    /// The file format (default: from the extension, .csv or .parquet).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormatArg>,

    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,

    /// Write the output to FILE (atomically: whole or not at all) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Also write charts to this folder (created if needed): gap-percentiles, gap-bands and,
    /// with --within, gap-categories, each as PNG and SVG.
    #[arg(long, value_name = "DIR")]
    pub chart: Option<PathBuf>,

    /// Chart width in pixels.
    #[arg(long, value_name = "PX", default_value_t = 1200, requires = "chart")]
    pub chart_width: u32,

    /// Chart height in pixels.
    #[arg(long, value_name = "PX", default_value_t = 800, requires = "chart")]
    pub chart_height: u32,
}

/// Checks the options that do not need the file.
fn check_usage(args: &GapArgs) -> Result<()> {
    let mut roles = vec![("--pay", args.pay.as_str()), ("--by", args.by.as_str())];
    roles.extend(args.within.iter().map(|c| ("--within", c.as_str())));
    roles.extend(args.bonus.iter().map(|c| ("--bonus", c.as_str())));
    roles.extend(args.weight.iter().map(|c| ("--weight", c.as_str())));
    roles.extend(args.explain.iter().map(|c| ("--explain", c.as_str())));
    roles.extend(args.strata.iter().map(|c| ("--strata", c.as_str())));
    roles.extend(args.cluster.iter().map(|c| ("--cluster", c.as_str())));
    check_distinct_columns(&roles)?;
    if let Some(c) = args.categorical.iter().find(|c| !args.explain.contains(c)) {
        return Err(CliError::usage(format!(
            "--categorical {c:?}: not one of the --explain columns ({}); name it in --explain too",
            args.explain.join(", ")
        )));
    }
    if args.bootstrap == Some(0) {
        return Err(CliError::usage(
            "--bootstrap 0: the bootstrap needs replicates; give e.g. --bootstrap 200",
        ));
    }
    if args.bootstrap.is_some() && args.explain.is_empty() && args.ci.is_none() {
        return Err(CliError::usage(
            "--bootstrap needs --explain or --ci: it resamples for their standard errors",
        ));
    }
    super::payroll_file::check_ci(
        args.ci,
        args.bootstrap.filter(|_| args.ci.is_some()),
        args.strata.is_some() || args.cluster.is_some(),
        matches!(
            args.weight_kind,
            Some(super::payroll_file::WeightKindArg::Frequency)
        ),
    )?;
    if args.explain.iter().any(String::is_empty) {
        return Err(CliError::usage(
            "--explain: an empty column name; give the columns separated by commas, e.g. --explain educ,exp",
        ));
    }
    if args.chart.is_some() {
        check_chart_size(args.chart_width, args.chart_height)?;
    }
    if let (Some(r), Some(q)) = (&args.reference, &args.ratio_of) {
        if r == q {
            return Err(CliError::usage(format!(
                "--reference and --ratio-of both name {r:?}; the pay ratio sets one person against everyone else, so name different groups"
            )));
        }
    }
    Ok(())
}

#[cfg(not(feature = "table"))]
pub fn run(_ctx: &Context, args: GapArgs) -> Result<()> {
    check_usage(&args)?;
    Err(CliError::usage(
        "`wages gap` needs the `table` feature (polars), and this binary was built without it; \
         rebuild with default features: cargo build --release",
    ))
}

#[cfg(feature = "table")]
pub fn run(_ctx: &Context, args: GapArgs) -> Result<()> {
    use super::payroll_file::{input_format, read};
    use wages_analysis::gap::{gaps, GapError, GapOptions};
    check_usage(&args)?;
    // The design columns are read after the explanatory ones, as labels, and split off before
    // the decomposition sees the covariates.
    let design_columns: Vec<&str> = args
        .strata
        .iter()
        .chain(&args.cluster)
        .map(String::as_str)
        .collect();
    let mut covariates: Vec<&str> = args.explain.iter().map(String::as_str).collect();
    covariates.extend(&design_columns);
    let mut categorical: Vec<&str> = args.categorical.iter().map(String::as_str).collect();
    categorical.extend(&design_columns);
    let request = wages_table::Request {
        format: input_format(&args.file, args.input_format)?,
        group: Some(&args.by),
        weight: args.weight.as_deref(),
        bonus: args.bonus.as_deref(),
        within: args.within.as_deref(),
        labels_required: true,
        group_option: "--by",
        covariates: &covariates,
        categorical: &categorical,
        nonpositive: if args.drop_nonpositive {
            wages_table::NonPositive::Drop
        } else {
            wages_table::NonPositive::Error
        },
        // `wages gap` has no --nonpositive keep: the message offers what it has.
        nonpositive_hint: GAP_NONPOSITIVE_HINT,
        ..wages_table::Request::new(&args.file, &args.pay)
    };
    let (mut payroll, progress, timings) = read(&request)?;
    progress.say(format!(
        "computing the gaps over {} rows",
        payroll.pay.len()
    ));
    let design = super::payroll_file::design(
        &args.file,
        args.strata.as_deref(),
        args.cluster.as_deref(),
        &payroll,
    )
    .inspect_err(|_| progress.finish())?;
    payroll.covariates.truncate(args.explain.len());
    let ci = super::payroll_file::ci_options(args.ci, args.bootstrap, args.seed, args.weight_kind);
    if let (Some(c), Some(w)) = (&ci, &payroll.weight) {
        if c.weight_kind == wages_analysis::uncertainty::WeightKind::Frequency {
            if let Some((i, value)) = wages_analysis::uncertainty::fractional_weight(w) {
                progress.finish();
                return Err(CliError::data(format!(
                    "{}: weight {value} in data row {} is not a whole number: frequency weights count observations (--weight-kind frequency); use --weight-kind sampling for other weights",
                    wages_table::shown_path(&args.file),
                    i + 1
                )));
            }
        }
    }
    // The gaps take the payroll; the intervals need its columns afterwards.
    let columns = ci.map(|_| {
        (
            payroll.pay.clone(),
            payroll.weight.clone(),
            payroll.bonus.clone(),
            payroll
                .groups
                .as_ref()
                .map(|g| (g.codes.clone(), g.labels.len())),
            payroll.within.clone(),
        )
    });
    let options = GapOptions {
        reference: args.reference.as_deref(),
        ratio_of: args.ratio_of.as_deref(),
    };
    // The decomposition reads the payroll; the gaps then take it.
    let explained = if args.explain.is_empty() {
        None
    } else {
        use wages_analysis::oaxaca::{explain, ExplainError, ExplainOptions, Outcome, Variance};
        let options = ExplainOptions {
            reference: args.reference.as_deref(),
            other: args.compare.as_deref(),
            outcome: if args.level {
                Outcome::Level
            } else {
                Outcome::Log
            },
            variance: match args.bootstrap {
                Some(replicates) => Variance::Bootstrap {
                    replicates,
                    seed: args.seed,
                },
                None => Variance::Delta {
                    robust: args.robust,
                },
            },
        };
        let file = wages_table::shown_path(&args.file);
        Some(explain(&payroll, &options).map_err(|e| {
            progress.finish();
            match e {
                ExplainError::TooManyGroups { .. }
                | ExplainError::NoSuchGroup { .. }
                | ExplainError::SameGroup { .. } => CliError::usage(format!("{file}: {e}")),
                _ => CliError::data(format!("{file}: {e}")),
            }
        })?)
    };
    let result = gaps(payroll, &options);
    progress.finish();
    let g = result.map_err(|e| {
        let file = wages_table::shown_path(&args.file);
        match e {
            // The option names a label the file does not have: a usage error, with the labels.
            GapError::NoSuchReference { .. } => {
                CliError::usage(format!("--reference: {file}: {e}"))
            }
            GapError::NoSuchRatioGroup { .. } | GapError::RatioGroupNotOne { .. } => {
                CliError::usage(format!("{file}: {e}"))
            }
            GapError::OneGroup { .. } => {
                CliError::data(format!("{file}: column {:?} (--by): {e}", args.by))
            }
            _ => CliError::data(format!("{file}: {e}")),
        }
    })?;
    let intervals = match (&ci, columns) {
        (Some(c), Some((pay, weight, bonus, Some((codes, groups)), within))) => {
            use wages_analysis::uncertainty::{
                gap_intervals, gap_intervals_within, group_intervals, GapTable,
            };
            let fail = |e| CliError::data(format!("{}: {e}", wages_table::shown_path(&args.file)));
            let table = GapTable {
                pay: &pay,
                weight: weight.as_deref(),
                bonus: bonus.as_deref(),
                codes: &codes,
                groups,
                reference: g.reference,
                design: design.as_ref(),
            };
            let overall = gap_intervals(&table, c).map_err(fail)?;
            let group_figures = group_intervals(&table, c).map_err(fail)?;
            // Each category of workers (--within) is a domain of the whole table.
            let mut categories = Vec::new();
            if let Some(w) = &within {
                for (k, label) in w.labels.iter().enumerate() {
                    let inside: Vec<bool> = w.codes.iter().map(|&x| x as usize == k).collect();
                    let x = gap_intervals_within(&table, c, &inside).map_err(fail)?;
                    categories.push((label.clone(), x));
                }
            }
            Some(render::GapCi {
                overall,
                groups: group_figures,
                categories,
            })
        }
        _ => None,
    };
    timings.print();
    let ci_out = ci.as_ref().zip(intervals.as_ref());
    let text = render::render(&args, &g, explained.as_ref(), ci_out)?;
    if let Some(dir) = &args.chart {
        // Charts first: a run whose charts fail prints nothing and leaves no file.
        let files = charts::render_all(&args, &g, explained.as_ref())?;
        crate::output::write_files(dir, &files, "--chart")?;
    }
    // Warnings go to stderr as well when the output is for a program (JSON, CSV).
    if matches!(args.format, Format::Json | Format::Csv) {
        for w in &g.warnings {
            eprintln!("wages: {}", render::warning_text(w));
        }
    }
    crate::output::emit(&text, args.out.as_deref())
}

//! The polars boundary of `wages`: reads the pay, group, weight, bonus, within and
//! explanatory columns of a CSV or Parquet payroll into plain vectors, and turns every way a file can be wrong into one clear
//! [`TableError`] that names the file, the rows (and CSV lines) and the column.
//!
//! # The columns
//!
//! A [`Request`] names the columns, each in a [`Role`]; only those are read. `wages analyze`
//! names pay, and a group and a weight column if it was given them; `wages gap` also a bonus
//! and a within column, and its explanatory columns (`--explain`). Build one with
//! [`Request::new`] and struct update syntax:
//! `Request { group: Some("sex"), ..Request::new(path, "pay") }`.
//!
//! - **pay** (`--pay`): a finite number; zero or negative pay as [`Request::nonpositive`] says:
//!   refused ([`NonPositive::Error`], the default), the row excluded from every column and
//!   counted ([`NonPositive::Drop`]), or kept and counted ([`NonPositive::Keep`]). The check
//!   runs once on the column read, so the three readers (the CSV fast path, the general CSV
//!   reader, Parquet) apply the same policy.
//! - **weight** (`--weight`): a finite number, positive.
//! - **bonus** (`--bonus`): a finite number, zero or more (zero: no bonus paid), read with the
//!   same number rules as pay; a negative bonus is [`TableError::NegativeBonus`].
//! - **group** (`--group` in `wages analyze`, `--by` in `wages gap`: [`Request::group_option`]
//!   says which, for the messages) and **within** (`--within`, the categories of workers): labels,
//!   coded as the indexes of the sorted distinct labels ([`Groups`]). A number, boolean or date
//!   is its text.
//! - **explanatory columns** (`--explain`, [`Request::covariates`]; [`Role::Covariate`]), read
//!   in the order named into [`Payroll::covariates`], each [`CovariateValues::Numeric`] or
//!   [`CovariateValues::Categorical`]. A column is categorical if named in
//!   [`Request::categorical`] (`--categorical`); in a CSV, if any cell that is not empty (or
//!   spaces only) is not a number as pay's numbers are read (spaces and tabs trimmed,
//!   `fast_float2`: `3+`, `n/a`, `BSc` are not; `1e3`, ` 42 `, `+3` are); in Parquet, if its type
//!   is text, binary (UTF-8), categorical or enum, boolean, or a date or time. Any other is
//!   numeric. Categories are coded as the group column is (a Parquet number is its text, the
//!   labels sorted), numbers read as pay is (Parquet integers, floats, decimals). Unlike the
//!   other columns, a cell may be **missing**: an empty CSV cell (for numbers, also one of
//!   spaces only) or a Parquet null is `NaN` in a numeric column and [`MISSING_CODE`] in a
//!   categorical one (never the label `""`); the decomposition leaves those rows out and counts
//!   them. A NaN or infinite number written in a numeric one is [`TableError::NonFinite`]; a
//!   label that is not UTF-8, [`TableError::LabelNotUtf8`].
//!
//! An empty pay, weight or bonus cell is an error ([`TableError::Missing`]). An empty group or
//! within cell (an empty CSV field, quoted or not; a Parquet null or empty string) is the label
//! `""`, unless [`Request::labels_required`]: then it is [`TableError::MissingLabel`], naming
//! the column, its option and the rows. No column may be named for two roles, nor twice as an
//! explanatory column ([`TableError::SameColumn`]), and each must exist
//! ([`TableError::MissingColumn`], naming the option that asked for it). Rows dropped by
//! [`NonPositive::Drop`] leave every column, explanatory ones included.
//!
//! Nothing outside this crate sees a polars type: [`read_with`] (and [`read`], with the default
//! options) returns a [`Payroll`] of `Vec<f64>` and group codes, the type the statistics
//! (`wages_analysis::payroll`) take, so they and the CLI compile without polars.
//!
//! It is a library: it reads no environment variable and prints nothing (two process-wide
//! guards aside: a file truncated while it is mapped ends the process from the `SIGBUS`
//! handler with its one-line message, the only clean way out of that signal, see `input`;
//! and polars' own panic message is kept off stderr while a panic inside polars is turned
//! into [`TableError::ReaderPanic`]). The caller chooses the CSV reader and whether the phases
//! are timed with [`ReadOptions`]; the timings come back as [`Phases`] for the caller to show.
//! Parallel steps (the fast path's ranges of lines, the group codes of a polars column) run on
//! the current rayon pool, which the binary sizes.
//!
//! Modules: `plain_csv` (the fast path), `records` (the general CSV reader), `input`
//! (streams, format sniffing, the truncation guard), `labels` (the one merge of per-part
//! label tables into sorted labels and codes, used by all three readers); this file holds the
//! request, the options, the errors, the Parquet reader and the checks.
//!
//! # Why eager polars, with projection, and no `lazy`
//!
//! polars is built with the `csv` and `parquet` features only. The `lazy` feature would give
//! `scan_csv(...).select(...)`, but it doubles a fresh release build (about 12 minutes on a
//! 2-core machine instead of under 6). The eager readers already project:
//! [`CsvReadOptions::with_columns`] parses only the named columns (the others are skipped by the
//! tokenizer, never converted), and [`ParquetReader::with_columns`] decodes only their column
//! chunks. That is all the work `wages analyze` needs from a query engine.
//!
//! # CSV: the plain fast path, then the general reader
//!
//! A *plain* CSV (comma-separated, every line with the header's field count, numbers written
//! plainly, quotes only around whole cells and never around a line break) is read by
//! [`plain_csv`]: the memory-mapped file is cut into one range of lines per thread and only the
//! requested cells are parsed, with polars' own float parser. On the benchmark's
//! 10-million-row payroll that takes 0.38 s against polars' 0.87-1.29 s for the same two
//! columns. Any file the fast path does not recognise is read by [`records`], the `csv` crate's
//! RFC 4180 reader, record by record: quoted line breaks, blank lines (skipped), CR-only line
//! ends, a byte-order mark, spaces around numbers. Explanatory columns keep the fast path (they
//! accept any cell; a column of numbers that turns out to hold text is read again, as labels,
//! by the parts of the file that read it as numbers: see `plain_csv`). It knows the line of every record, so every
//! error names the line and the column; both readers parse numbers with `fast_float2` (polars'
//! parser) and give the same bits, which property tests check against polars itself.
//! [`CsvReader::General`] skips the fast path (for the benchmark's comparison row).
//!
//! # Inputs that are not regular files
//!
//! `-` (standard input), a pipe (`/dev/stdin`, `<(zcat f.csv.gz)`) or a device is copied into an
//! unnamed temporary file first ([`input`]), at most [`input::MAX_STREAM_BYTES`]; a stream of NUL
//! bytes (`/dev/zero`) is refused at its first MiB. Without a format, the content tells it
//! (Parquet's `PAR1` magic, else CSV). A gzip file is refused with the command that decompresses
//! it. A file truncated by another program while it is mapped gives a one-line error and exit
//! code 1, not a `SIGBUS`.
//!
//! # Parquet column types
//!
//! Pay, weight and bonus columns may have any numeric Arrow type (8- to 128-bit integers,
//! signed or not, 16-, 32- and 64-bit floats, decimals of up to 38 digits) or hold numbers as
//! text; they are read as `f64`. A group or within column may be text, binary (if it is
//! UTF-8), categorical, a number, a boolean or a date. An explanatory column may have any type
//! a group column may: numbers are numeric (a column of text is categorical, even of digits).
//! Any other type (a date as pay, a list, a struct) is refused with the column's name and
//! type, before any data is read.
//!
//! # Rows and lines
//!
//! Rows are reported 1-based in data order (the first row after the header is data row 1). For
//! CSV the file line of each offending row is also given: exact, even after blank lines or
//! quoted line breaks. Parquet has no lines.

use polars::prelude::*;
mod input;
mod labels;
mod partitioned;
mod plain_csv;
mod records;
mod streamed;

pub use input::{MAX_HEADER_BYTES, MAX_STREAM_BYTES};
pub use streamed::read_by_group;

pub use wages_analysis::payroll::{Covariate, CovariateValues, Groups, Payroll, MISSING_CODE};

use rayon::prelude::*;
use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};

/// How many offending rows an error message lists before it says "and N more".
pub const ROWS_SHOWN: usize = 5;

/// The file formats `read` understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// Comma-separated values with a header line.
    Csv,
    /// Apache Parquet.
    Parquet,
}

impl InputFormat {
    /// The format a file name implies: `.csv`/`.txt` → CSV, `.parquet`/`.pq` → Parquet
    /// (case-insensitive); `None` for anything else.
    pub fn from_path(path: &Path) -> Option<InputFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "txt" => Some(InputFormat::Csv),
            "parquet" | "pq" => Some(InputFormat::Parquet),
            _ => None,
        }
    }
}

/// What to do with rows whose pay is zero or negative (and finite: NaN, infinite and empty
/// pay are errors whatever the policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NonPositive {
    /// Refuse the file, naming the rows ([`TableError::NonPositivePay`]).
    #[default]
    Error,
    /// Exclude the rows from every column and count them ([`Payroll::dropped_nonpositive`]).
    Drop,
    /// Keep the rows and count them ([`Payroll::kept_nonpositive`]); the statistics then say
    /// which measures they leave undefined.
    Keep,
}

/// How [`TableError::NonPositivePay`] tells `wages analyze`'s user to proceed (the default of
/// [`Request::nonpositive_hint`]).
pub const ANALYZE_NONPOSITIVE_HINT: &str = "pass --nonpositive drop to exclude them (the output then says how many) or --nonpositive keep to include them where the measures allow";

/// What to read.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The file; `-` is standard input.
    pub path: &'a Path,
    /// Its format; `None`: told by the content (Parquet's magic bytes, else CSV).
    pub format: Option<InputFormat>,
    /// Name of the pay column.
    pub pay: &'a str,
    /// Name of the group column, if any (read as text).
    pub group: Option<&'a str>,
    /// Name of the weight column, if any.
    pub weight: Option<&'a str>,
    /// Name of the bonus column, if any: read as pay is, finite and zero or more.
    pub bonus: Option<&'a str>,
    /// Name of a second label column, if any (the categories of workers of `wages gap
    /// --within`): read as the group column is, into [`Payroll::within`].
    pub within: Option<&'a str>,
    /// An empty group or within cell (an empty CSV field, a Parquet null or empty string) is
    /// an error ([`TableError::MissingLabel`]) instead of the label `""`.
    pub labels_required: bool,
    /// The option that names the group column, as messages show it: `--group` for `wages
    /// analyze`, `--by` for `wages gap`.
    pub group_option: &'static str,
    /// Explanatory columns (`wages gap --explain`), read into [`Payroll::covariates`] in this
    /// order: each numeric, or categorical if it holds a cell that is not a number (see the
    /// crate docs). Empty cells are missing values, not errors.
    pub covariates: &'a [&'a str],
    /// Covariates to read as categories even if they hold numbers (`--categorical`). A name
    /// that is not among [`Request::covariates`] is ignored (the caller refuses it).
    pub categorical: &'a [&'a str],
    /// Zero and negative pay: refused (the default), dropped or kept.
    pub nonpositive: NonPositive,
    /// The end of [`TableError::NonPositivePay`]'s message, after "fix those rows, or": the
    /// caller's options for such rows (`wages gap` has `--drop-nonpositive` only). Default
    /// [`ANALYZE_NONPOSITIVE_HINT`].
    pub nonpositive_hint: &'static str,
}

impl<'a> Request<'a> {
    /// The pay column of `path` and nothing else: the format told by the content, no group,
    /// weight, bonus, within or explanatory column, empty labels allowed, the group option
    /// `--group`, no rows dropped. Name the rest with struct update syntax:
    /// `Request { group: Some("sex"), ..Request::new(path, "pay") }`.
    pub fn new(path: &'a Path, pay: &'a str) -> Request<'a> {
        Request {
            path,
            format: None,
            pay,
            group: None,
            weight: None,
            bonus: None,
            within: None,
            labels_required: false,
            group_option: "--group",
            covariates: &[],
            categorical: &[],
            nonpositive: NonPositive::Error,
            nonpositive_hint: ANALYZE_NONPOSITIVE_HINT,
        }
    }

    /// The option that names a column of `role`, as messages show it.
    fn option(&self, role: Role) -> &'static str {
        match role {
            Role::Pay => "--pay",
            Role::Weight => "--weight",
            Role::Group => self.group_option,
            Role::Bonus => "--bonus",
            Role::Within => "--within",
            Role::Covariate => "--explain",
        }
    }
}

/// How [`read_with`] reads: the caller's choices (this crate reads no environment variable).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Which CSV reader reads a CSV.
    pub csv_reader: CsvReader,
    /// Time the phases of the read ([`Phases`]); off, nothing is measured.
    pub timings: bool,
}

/// The CSV readers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CsvReader {
    /// The plain fast path, and the general reader for a file it declines.
    #[default]
    Fast,
    /// The general reader only (the benchmark's comparison row: what a CSV the fast path
    /// declines gets).
    General,
}

/// Where [`read_with`] spent its time, phase by phase in order, in seconds (empty unless
/// [`ReadOptions::timings`]). Displayed as `header 0.001 s, plain CSV parse 0.382 s, ...`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Phases {
    /// `(phase, seconds)`; a phase that recurs is summed.
    pub laps: Vec<(&'static str, f64)>,
}

impl std::fmt::Display for Phases {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (what, t)) in self.laps.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{what} {t:.3} s")?;
        }
        Ok(())
    }
}

/// The role a column plays, for messages: what it holds (the option that names it is the
/// request's, [`Request::group_option`] for the group column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `--pay`.
    Pay,
    /// `--weight`.
    Weight,
    /// The group column: `--group` (`wages analyze`), `--by` (`wages gap`).
    Group,
    /// `--bonus`.
    Bonus,
    /// `--within`.
    Within,
    /// An explanatory column (a covariate): `--explain`.
    Covariate,
}

impl Role {
    /// What the column holds, as messages name it.
    pub fn noun(self) -> &'static str {
        match self {
            Role::Pay => "pay",
            Role::Weight => "weight",
            Role::Group => "group",
            Role::Bonus => "bonus",
            Role::Within => "category",
            Role::Covariate => "explanatory column",
        }
    }

    /// "the ... column" as messages say it: `pay column`, `explanatory column`.
    fn column(self) -> &'static str {
        match self {
            Role::Pay => "pay column",
            Role::Weight => "weight column",
            Role::Group => "group column",
            Role::Bonus => "bonus column",
            Role::Within => "category column",
            Role::Covariate => "explanatory column",
        }
    }

    /// The same with its article: `a group column`, `an explanatory column`.
    fn a_column(self) -> &'static str {
        match self {
            Role::Pay => "a pay column",
            Role::Weight => "a weight column",
            Role::Group => "a group column",
            Role::Bonus => "a bonus column",
            Role::Within => "a category column",
            Role::Covariate => "an explanatory column",
        }
    }

    /// What a [`TableError::NonFinite`] message asks of the column's values.
    fn finite_rule(self) -> &'static str {
        match self {
            Role::Pay => "pay must be finite numbers",
            Role::Weight => "weight must be finite numbers",
            Role::Group => "group must be finite numbers",
            Role::Bonus => "bonus must be finite numbers",
            Role::Within => "category must be finite numbers",
            Role::Covariate => {
                "the values of an explanatory column must be finite numbers, or empty where unknown"
            }
        }
    }
}

/// How a [`TableError::SameColumn`] message says a column was named twice: by two options, or
/// twice by `--explain`.
fn named_twice(first: &str, second: &str) -> String {
    if first == second {
        format!("named twice by {first}; name each column once")
    } else {
        format!("named by both {first} and {second}; each role needs its own column")
    }
}

/// Offending rows: 1-based data rows, the file line where it has one (CSV), and the text or
/// value found there; and how many rows offend in all.
#[derive(Debug, Clone, PartialEq)]
pub struct Rows {
    /// The first [`ROWS_SHOWN`] offending rows: (row, line, what it holds).
    pub first: Vec<(usize, Option<u64>, String)>,
    /// How many rows offend in all.
    pub total: usize,
}

/// Longest cell text quoted in a message; longer text is cut (a 300-digit number or a
/// paragraph in a pay cell would otherwise make a message of hundreds of characters).
const CELL_SHOWN: usize = 40;

/// A cell's text as a message quotes it: control characters escaped, cut after
/// [`CELL_SHOWN`] characters.
fn shown_cell(text: &str) -> String {
    let mut out: String = text.chars().take(CELL_SHOWN).collect();
    if text.chars().count() > CELL_SHOWN {
        out.push_str("...");
    }
    format!("{out:?}")
}

/// A path as messages show it: standard input by name, control characters escaped.
pub fn shown_path(path: &Path) -> String {
    if path.as_os_str() == "-" {
        return "<standard input>".to_string();
    }
    let text = path.display().to_string();
    if text.chars().any(char::is_control) {
        text.chars()
            .flat_map(|c| {
                let escaped: Vec<char> = if c.is_control() {
                    c.escape_debug().collect()
                } else {
                    vec![c]
                };
                escaped
            })
            .collect()
    } else {
        text
    }
}

/// Column names as a message lists them: each quoted with control characters escaped, at most
/// 20 of them.
fn shown_names(names: &[String]) -> String {
    const SHOWN: usize = 20;
    let mut s: Vec<String> = names.iter().take(SHOWN).map(|n| shown_cell(n)).collect();
    if names.len() > SHOWN {
        s.push(format!("and {} more", names.len() - SHOWN));
    }
    s.join(", ")
}

impl std::fmt::Display for Rows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut s = String::new();
        for (i, (row, line, value)) in self.first.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            let _ = write!(s, "row {row}");
            if let Some(line) = line {
                let _ = write!(s, " (line {line})");
            }
            let _ = write!(s, " {}", shown_cell(value));
        }
        if self.total > self.first.len() {
            let _ = write!(s, " and {} more", self.total - self.first.len());
        }
        f.write_str(&s)
    }
}

/// The file line of each data row (CSV): `row + 1` until a blank line or a quoted line break
/// moves the lines on; each such change is one entry. Parquet rows have no line.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct LineMap {
    /// No lines at all (Parquet).
    none: bool,
    /// `(first row, line - row)`, ascending by row; before the first entry `line = row + 1`.
    breaks: Vec<(usize, u64)>,
}

impl LineMap {
    fn none() -> Self {
        LineMap {
            none: true,
            breaks: Vec::new(),
        }
    }
    /// Records that data row `row` (1-based, rows noted in order) starts on `line`.
    pub(crate) fn note(&mut self, row: usize, line: u64) {
        let offset = line.saturating_sub(row as u64);
        let current = self.breaks.last().map_or(1, |b| b.1);
        if offset != current {
            self.breaks.push((row, offset));
        }
    }
    /// The line of data row `row`.
    pub(crate) fn line(&self, row: usize) -> Option<u64> {
        if self.none {
            return None;
        }
        let k = self.breaks.partition_point(|b| b.0 <= row);
        let offset = if k == 0 { 1 } else { self.breaks[k - 1].1 };
        Some(row as u64 + offset)
    }
}

/// Everything that can be wrong with an input file. Each message is one line that names the
/// file and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// The file cannot be opened or read.
    #[error(
        "{}: cannot read the file: {source}; check the path and its permissions",
        shown_path(path)
    )]
    Open {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A partitioned directory (src/partitioned.rs) that cannot be read as one table.
    /// [`read_by_group`] asked for a column besides pay and the group.
    #[error("{}: only the pay and group columns are read group by group; read the file with wages_table::read_with", shown_path(path))]
    NotByGroup {
        /// The file.
        path: PathBuf,
    },
    #[error("{}: {why}", shown_path(path))]
    Partitioned {
        /// The directory, or the file of it at fault.
        path: PathBuf,
        /// Why, and what to do.
        why: String,
    },
    /// The file has no bytes at all.
    #[error(
        "{}: the file is empty; give a CSV with a header line and data rows, or a Parquet file",
        shown_path(path)
    )]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// A header (or schema) but no data rows.
    #[error(
        "{}: the file has no data rows, only the header; there is nothing to analyze",
        shown_path(path)
    )]
    NoRows {
        /// The file.
        path: PathBuf,
    },
    /// The Parquet reader could not read the file's structure (its footer, schema or pages).
    #[error("{}: cannot read the file as Parquet: {message}; check that it is a Parquet file, or pass --input-format csv if it is a CSV", shown_path(path))]
    Unparsable {
        /// The file.
        path: PathBuf,
        /// The reader's message, first line.
        message: String,
    },
    /// The schema was read but the data of the named columns could not be decoded.
    #[error("{}: cannot decode the Parquet column(s) {}: {message}; rewrite the file with standard column types (e.g. pandas' to_parquet, or Spark with default options)", shown_path(path), shown_names(columns))]
    ParquetDecode {
        /// The file.
        path: PathBuf,
        /// The columns being read.
        columns: Vec<String>,
        /// The reader's message, first line.
        message: String,
    },
    /// Not a text file where a CSV was expected (NUL bytes, no line end), or a stream of NULs.
    #[error("{}: not a CSV: {why}", shown_path(path))]
    NotText {
        /// The file.
        path: PathBuf,
        /// What gave it away, and what to do.
        why: &'static str,
    },
    /// A stream (standard input, a pipe) longer than [`MAX_STREAM_BYTES`].
    #[error("{}: the stream goes on past {} GiB, the most wages copies from standard input or a pipe; save it to a file and name the file", shown_path(path), limit >> 30)]
    TooLong {
        /// The stream.
        path: PathBuf,
        /// The limit, in bytes.
        limit: u64,
    },
    /// A gzip-compressed file.
    #[error("{}: the file is gzip-compressed; decompress it first (gunzip -k FILE), or pipe it in: zcat FILE | wages analyze - ...", shown_path(path))]
    Compressed {
        /// The file.
        path: PathBuf,
    },
    /// A header field that is not UTF-8.
    #[error(
        "{}: line 1: column {column} of the header is not valid UTF-8; save the file as UTF-8",
        shown_path(path)
    )]
    HeaderNotUtf8 {
        /// The file.
        path: PathBuf,
        /// 1-based column.
        column: usize,
    },
    /// The same column name more than once: which one a name means is ambiguous.
    #[error("{}: {}the column name(s) {} appear more than once in the {}; rename the copies so each column has its own name", shown_path(path), line.map_or(String::new(), |l| format!("line {l}: ")), shown_names(names), if line.is_some() { "header" } else { "schema" })]
    DuplicateColumns {
        /// The file.
        path: PathBuf,
        /// The names that repeat.
        names: Vec<String>,
        /// The header's line (CSV).
        line: Option<u64>,
    },
    /// Records whose field count differs from the header's (too few or too many).
    #[error("{}: {} where the header (line 1) has {expected}{}; every line needs one field per column: check for a missing field, an unquoted comma or an unclosed quote", shown_path(path), first.iter().map(|(l, n)| format!("line {l} has {n} field{}", if *n == 1 { "" } else { "s" })).collect::<Vec<_>>().join(", "), if *total > first.len() { format!(" (and {} more lines)", total - first.len()) } else { String::new() })]
    Ragged {
        /// The file.
        path: PathBuf,
        /// The header's field count.
        expected: usize,
        /// The first offending lines and their field counts.
        first: Vec<(u64, usize)>,
        /// How many records offend.
        total: usize,
    },
    /// Group, within or categorical explanatory labels that are not UTF-8 text.
    #[error("{}: column {column:?} ({}) is not valid UTF-8 text at data {rows}; save the file as UTF-8", shown_path(path), role.noun())]
    LabelNotUtf8 {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// Its role: [`Role::Group`], [`Role::Within`] or [`Role::Covariate`].
        role: Role,
        /// Where.
        rows: Rows,
    },
    /// A group, within or explanatory column whose type cannot serve as a label (a list, a
    /// struct).
    #[error("{}: column {column:?} ({}) has type {dtype}; {} must hold text, numbers, booleans or dates, one value per row", shown_path(path), role.noun(), role.a_column())]
    GroupType {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// Its role: [`Role::Group`], [`Role::Within`] or [`Role::Covariate`].
        role: Role,
        /// Its type.
        dtype: String,
    },
    /// Empty group (or within) cells when [`Request::labels_required`].
    #[error("{}: column {column:?} ({}) is empty at data {rows}; every row needs a label: fill in or remove those rows, or name another column with {option}", shown_path(path), role.noun())]
    MissingLabel {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// Its role: [`Role::Group`] or [`Role::Within`].
        role: Role,
        /// The option that named it.
        option: &'static str,
        /// Where.
        rows: Rows,
    },
    /// A numeric Parquet type the reader cannot decode.
    #[error(
        "{}: column {column:?} has type {dtype}, which wages cannot read from Parquet yet; {fix}",
        shown_path(path)
    )]
    UnsupportedType {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// Its type.
        dtype: String,
        /// What to do.
        fix: &'static str,
    },
    /// The Parquet reader failed inside (a bug in it, triggered by this file).
    #[error("{}: the Parquet reader failed on this file ({message}); please report it, and try rewriting the file with another tool", shown_path(path))]
    ReaderPanic {
        /// The file.
        path: PathBuf,
        /// The panic's message.
        message: String,
    },
    /// A named column is not in the file.
    #[error("{}: no column {name:?} (asked for by {option}); the columns are: {}; name the {} with {option}", shown_path(path), shown_names(available), role.column())]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The role it was asked for.
        role: Role,
        /// The option that asked for it.
        option: &'static str,
        /// The name asked for.
        name: String,
        /// The columns that exist.
        available: Vec<String>,
    },
    /// The same column named for two roles (or twice as an explanatory column: then both
    /// roles are [`Role::Covariate`]).
    #[error(
        "{}: column {name:?} is {}",
        shown_path(path),
        named_twice(first_option, second_option)
    )]
    SameColumn {
        /// The file.
        path: PathBuf,
        /// The column.
        name: String,
        /// One role.
        first: Role,
        /// The option that named it for `first`.
        first_option: &'static str,
        /// The other.
        second: Role,
        /// The option that named it for `second`.
        second_option: &'static str,
    },
    /// Cells of a numeric column that are not numbers.
    #[error("{}: column {column:?} ({}) is not a number at data {rows}; fix or remove those rows", shown_path(path), role.noun())]
    NotNumeric {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// Its role.
        role: Role,
        /// Where.
        rows: Rows,
    },
    /// A pay, weight or bonus column whose type cannot hold numbers (a date, a list, a struct).
    #[error("{}: column {column:?} ({}) has type {dtype}, not a number; store it as a numeric column (integer, float or decimal)", shown_path(path), role.noun())]
    NotNumericType {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// Its role.
        role: Role,
        /// Its polars type.
        dtype: String,
    },
    /// Empty cells in the pay, weight or bonus column.
    #[error("{}: column {column:?} ({}) is empty at data {rows}; fill in or remove those rows", shown_path(path), role.noun())]
    Missing {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// Its role.
        role: Role,
        /// Where.
        rows: Rows,
    },
    /// NaN or infinite values (in a numeric explanatory column: written in the file, not an
    /// empty cell).
    #[error("{}: column {column:?} ({}) holds NaN or infinite values at data {rows}; {}: fix or remove those rows", shown_path(path), role.noun(), role.finite_rule())]
    NonFinite {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// Its role.
        role: Role,
        /// Where.
        rows: Rows,
    },
    /// Zero or negative pay, with [`NonPositive::Error`].
    #[error("{}: {} rows of column {column:?} have zero or negative pay, at data {rows}; multiples of the minimum and the log-based measures need positive pay: fix those rows, or {hint}", shown_path(path), rows.total)]
    NonPositivePay {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// Where.
        rows: Rows,
        /// The caller's options ([`Request::nonpositive_hint`]).
        hint: &'static str,
    },
    /// Zero or negative weights.
    #[error("{}: {} rows of column {column:?} have zero or negative weights, at data {rows}; weights must be positive: fix or remove those rows", shown_path(path), rows.total)]
    NonPositiveWeight {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// Where.
        rows: Rows,
    },
    /// Negative bonus pay (zero is no bonus, and allowed).
    #[error("{}: {} rows of column {column:?} have negative bonus pay, at data {rows}; bonus pay is zero or more: fix those rows", shown_path(path), rows.total)]
    NegativeBonus {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// Where.
        rows: Rows,
    },
    /// Every row was dropped by [`NonPositive::Drop`].
    #[error("{}: all {dropped} rows have zero or negative pay; with them excluded nothing is left to analyze", shown_path(path))]
    AllDropped {
        /// The file.
        path: PathBuf,
        /// Rows dropped.
        dropped: usize,
    },
}

/// [`read_with`] with the default options (the fast path first, no timings).
pub fn read(req: &Request) -> Result<Payroll, TableError> {
    read_with(req, &ReadOptions::default()).map(|(payroll, _)| payroll)
}

/// Reads and validates the requested columns, as `options` say; returns them and the time each
/// phase took (when asked). See the crate docs for what is checked.
pub fn read_with(req: &Request, options: &ReadOptions) -> Result<(Payroll, Phases), TableError> {
    let path = req.path;
    check_roles(req)?;
    // A directory is a partitioned table: its files, read one by one (src/partitioned.rs).
    if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
        return partitioned::read(req, options);
    }
    let source = input::Source::open(path)?;
    if source.len == 0 {
        return Err(TableError::Empty {
            path: path.to_path_buf(),
        });
    }
    if input::is_gzip(&source.head) {
        return Err(TableError::Compressed {
            path: path.to_path_buf(),
        });
    }
    let format = req.format.unwrap_or(if input::is_parquet(&source.head) {
        InputFormat::Parquet
    } else {
        InputFormat::Csv
    });
    // Both readers map the file: a truncation by another program while it is read is a
    // clean error, not a SIGBUS.
    let _guard = input::TruncationGuard::new(path);
    let mut clock = Clock::start(options.timings);
    let columns = match format {
        InputFormat::Csv => read_csv(req, options, &source, &mut clock)?,
        InputFormat::Parquet => read_parquet(req, &source, &mut clock)?,
    };
    let Columns {
        pay,
        weight,
        bonus,
        groups,
        within,
        covariates,
        rows_read,
        lines,
    } = columns;
    if req.labels_required {
        for (role, name, g) in [
            (Role::Group, req.group, &groups),
            (Role::Within, req.within, &within),
        ] {
            if let (Some(name), Some(g)) = (name, g) {
                check_labels(req, role, name, g, &lines)?;
            }
        }
    }
    check_finite(req, Role::Pay, req.pay, &pay, &lines)?;
    if let (Some(w), Some(name)) = (&weight, req.weight) {
        check_finite(req, Role::Weight, name, w, &lines)?;
        let bad = offending(w, &lines, |x| x <= 0.0);
        if let Some(rows) = bad {
            return Err(TableError::NonPositiveWeight {
                path: path.to_path_buf(),
                column: name.to_string(),
                rows,
            });
        }
    }
    if let (Some(b), Some(name)) = (&bonus, req.bonus) {
        check_finite(req, Role::Bonus, name, b, &lines)?;
        if let Some(rows) = offending(b, &lines, |x| x < 0.0) {
            return Err(TableError::NegativeBonus {
                path: path.to_path_buf(),
                column: name.to_string(),
                rows,
            });
        }
    }
    let mut payroll = Payroll {
        pay,
        weight,
        groups,
        bonus,
        within,
        covariates,
        rows_read,
        dropped_nonpositive: 0,
        kept_nonpositive: 0,
    };
    if let Some(rows) = offending(&payroll.pay, &lines, |x| x <= 0.0) {
        match req.nonpositive {
            NonPositive::Error => {
                return Err(TableError::NonPositivePay {
                    path: path.to_path_buf(),
                    column: req.pay.to_string(),
                    rows,
                    hint: req.nonpositive_hint,
                })
            }
            NonPositive::Keep => payroll.kept_nonpositive = rows.total,
            NonPositive::Drop => {
                payroll.dropped_nonpositive = rows.total;
                drop_nonpositive(&mut payroll);
                if payroll.pay.is_empty() {
                    return Err(TableError::AllDropped {
                        path: path.to_path_buf(),
                        dropped: rows.total,
                    });
                }
            }
        }
    }
    clock.lap("checks");
    Ok((payroll, clock.phases))
}

/// Times the phases of [`read_with`] into [`Phases`], when asked to.
struct Clock {
    last: Option<std::time::Instant>,
    phases: Phases,
}

impl Clock {
    fn start(on: bool) -> Clock {
        Clock {
            last: on.then(std::time::Instant::now),
            phases: Phases::default(),
        }
    }
    fn lap(&mut self, what: &'static str) {
        if let Some(t) = self.last {
            let now = std::time::Instant::now();
            let dt = (now - t).as_secs_f64();
            match self.phases.laps.iter_mut().find(|(w, _)| *w == what) {
                Some(lap) => lap.1 += dt,
                None => self.phases.laps.push((what, dt)),
            }
            self.last = Some(now);
        }
    }
}

/// What a field of a CSV record is read as (both CSV readers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    Skip,
    Pay,
    Weight,
    Bonus,
    Group,
    Within,
    /// The explanatory column `req.covariates[k]`.
    Covariate(usize),
}

/// The requested columns with their roles and slots, in the order of [`roles`].
pub(crate) fn slotted<'a>(req: &Request<'a>) -> Vec<(Role, &'a str, Slot)> {
    let mut covariate = 0;
    roles(req)
        .into_iter()
        .map(|(role, name)| {
            let slot = match role {
                Role::Pay => Slot::Pay,
                Role::Weight => Slot::Weight,
                Role::Bonus => Slot::Bonus,
                Role::Group => Slot::Group,
                Role::Within => Slot::Within,
                Role::Covariate => {
                    covariate += 1;
                    Slot::Covariate(covariate - 1)
                }
            };
            (role, name, slot)
        })
        .collect()
}

/// Whether explanatory column `name` is read as categories whatever it holds.
pub(crate) fn forced_categorical(req: &Request, name: &str) -> bool {
    req.categorical.contains(&name)
}

/// A cell of an explanatory column, as both CSV readers classify it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum CovariateCell {
    /// Empty, or only spaces and tabs: a missing value (in a numeric column).
    Missing,
    /// A number (after trimming spaces and tabs, as `fast_float2` parses it): perhaps NaN or
    /// infinite, which a numeric column refuses.
    Number(f64),
    /// Anything else: the column is categorical.
    Text,
}

/// Classifies the (unquoted) text of an explanatory cell: the number rules of pay, except that
/// an empty cell is missing rather than an error, and text makes the column categorical.
#[inline]
pub(crate) fn covariate_cell(text: &[u8]) -> CovariateCell {
    if let Some(x) = plain_csv::short_decimal(text) {
        return CovariateCell::Number(x);
    }
    let t = records::trim(text);
    if t.is_empty() {
        return CovariateCell::Missing;
    }
    match fast_float2::parse::<f64, _>(t) {
        Ok(x) => CovariateCell::Number(x),
        Err(_) => CovariateCell::Text,
    }
}

/// The validated-to-be-numeric columns of a file, before the finite/positive checks.
#[derive(Debug)]
pub(crate) struct Columns {
    pub(crate) pay: Vec<f64>,
    pub(crate) weight: Option<Vec<f64>>,
    pub(crate) bonus: Option<Vec<f64>>,
    pub(crate) groups: Option<Groups>,
    pub(crate) within: Option<Groups>,
    /// The explanatory columns, in the order asked for, checked (missing cells marked,
    /// numbers finite).
    pub(crate) covariates: Vec<Covariate>,
    pub(crate) rows_read: usize,
    /// The file line of each row, for messages.
    pub(crate) lines: LineMap,
}

/// The first line of a CSV must end within [`MAX_HEADER_BYTES`] and hold no NUL byte: a
/// binary file or a UTF-16 export is refused before the CSV reader buffers it as one huge
/// record.
fn check_csv_head(req: &Request, source: &input::Source) -> Result<(), TableError> {
    use std::io::Read as _;
    let mut head = Vec::with_capacity(64 * 1024);
    File::open(&source.path)
        .and_then(|f| f.take(MAX_HEADER_BYTES as u64).read_to_end(&mut head))
        .map_err(|e| TableError::Open {
            path: req.path.to_path_buf(),
            source: e,
        })?;
    let end = memchr::memchr2(b'\n', b'\r', &head);
    if head[..end.unwrap_or(head.len())].contains(&0) {
        return Err(TableError::NotText {
            path: req.path.to_path_buf(),
            why: "its first line holds NUL bytes (a UTF-16 export, or a binary file? save it as UTF-8 CSV, or pass --input-format parquet if it is Parquet)",
        });
    }
    if end.is_none() && (head.len() as u64) < source.len {
        return Err(TableError::NotText {
            path: req.path.to_path_buf(),
            why: "no line end in its first MiB (a binary file? a CSV needs a header line)",
        });
    }
    Ok(())
}

fn read_csv(
    req: &Request,
    options: &ReadOptions,
    source: &input::Source,
    clock: &mut Clock,
) -> Result<Columns, TableError> {
    let open = || {
        File::open(&source.path).map_err(|e| TableError::Open {
            path: req.path.to_path_buf(),
            source: e,
        })
    };
    check_csv_head(req, source)?;
    let available = records::header(req.path, open()?)?;
    check_columns(req, &available)?;
    clock.lap("header");
    if options.csv_reader == CsvReader::Fast {
        let plain = plain_csv::read(req, &source.file, &available);
        clock.lap(if plain.is_some() {
            "plain CSV parse"
        } else {
            "plain CSV declined"
        });
        if let Some(c) = plain {
            return Ok(c);
        }
    }
    // SAFETY: a read-only private mapping, under the caller's `TruncationGuard` (a truncation
    // by another program is a clean error, not a SIGBUS).
    let map = unsafe { memmap2::Mmap::map(&source.file) }.map_err(|e| TableError::Open {
        path: req.path.to_path_buf(),
        source: e,
    })?;
    let c = records::read(req, &map, |from, to| plain_csv::release(&map, from, to))?;
    clock.lap("general CSV parse");
    Ok(c)
}

fn check_columns(req: &Request, available: &[String]) -> Result<(), TableError> {
    for (role, name) in roles(req) {
        if !available.iter().any(|c| c == name) {
            return Err(TableError::MissingColumn {
                path: req.path.to_path_buf(),
                role,
                option: req.option(role),
                name: name.to_string(),
                available: available.to_vec(),
            });
        }
    }
    Ok(())
}

/// Runs a call into polars; a panic inside it (a reader bug on an odd file) becomes
/// [`TableError::ReaderPanic`] rather than ending the process. The default panic message is
/// kept off the terminal while the call runs.
fn guarded<T>(req: &Request, f: impl FnOnce() -> T) -> Result<T, TableError> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static QUIET: AtomicUsize = AtomicUsize::new(0);
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET.load(Ordering::SeqCst) == 0 {
                default(info);
            }
        }));
    });
    QUIET.fetch_add(1, Ordering::SeqCst);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.fetch_sub(1, Ordering::SeqCst);
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "an internal error".to_string());
        TableError::ReaderPanic {
            path: req.path.to_path_buf(),
            message: first_line(&message),
        }
    })
}

fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or("").trim();
    let short: String = line.chars().take(200).collect();
    shown_path(Path::new(&short))
}

fn read_parquet(
    req: &Request,
    source: &input::Source,
    clock: &mut Clock,
) -> Result<Columns, TableError> {
    let path = req.path;
    check_parquet_schema(req, source)?;
    clock.lap("header");
    let cols: Vec<String> = roles(req).into_iter().map(|(_, n)| n.to_string()).collect();
    let mut df = guarded(req, || {
        ParquetReader::new(source.reopen(path)?)
            .with_columns(Some(cols.clone()))
            .finish()
            .map_err(|e| TableError::ParquetDecode {
                path: path.to_path_buf(),
                columns: cols.clone(),
                message: first_line(&e.to_string()),
            })
    })??;
    clock.lap("parse");
    if df.height() == 0 {
        return Err(TableError::NoRows {
            path: path.to_path_buf(),
        });
    }
    guarded(req, || frame_columns(req, &mut df, clock))?
}

/// Checks a Parquet file's schema against the request before any data is decoded: no column
/// named twice, each requested column present and of a type its role can read.
fn check_parquet_schema(req: &Request, source: &input::Source) -> Result<(), TableError> {
    let path = req.path;
    let clone = || source.reopen(path);
    let schema = guarded(req, || {
        let mut r = ParquetReader::new(clone()?);
        r.schema().map_err(|e| TableError::Unparsable {
            path: path.to_path_buf(),
            message: first_line(&e.to_string()),
        })
    })??;
    let names: Vec<String> = schema.iter_names().map(|s| s.to_string()).collect();
    let mut dups: Vec<String> = Vec::new();
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) && !dups.contains(n) {
            dups.push(n.clone());
        }
    }
    if !dups.is_empty() {
        return Err(TableError::DuplicateColumns {
            path: path.to_path_buf(),
            names: dups,
            line: None,
        });
    }
    check_columns(req, &names)?;
    // Types are checked from the schema, before any data is decoded.
    for (role, name) in roles(req) {
        let dtype = DataType::from_arrow_field(schema.get(name).expect("checked above"));
        if let Some(fix) = undecodable(&dtype) {
            return Err(TableError::UnsupportedType {
                path: path.to_path_buf(),
                column: name.to_string(),
                dtype: dtype.to_string(),
                fix,
            });
        }
        let fits = match role {
            // A boolean is not an amount: `true` would be read as pay of 1.
            Role::Pay | Role::Weight | Role::Bonus => {
                (numeric_type(&dtype) && dtype != DataType::Boolean) || dtype == DataType::String
            }
            Role::Group | Role::Within | Role::Covariate => group_type(&dtype),
        };
        if !fits {
            return Err(match role {
                Role::Group | Role::Within | Role::Covariate => TableError::GroupType {
                    path: path.to_path_buf(),
                    column: name.to_string(),
                    role,
                    dtype: dtype.to_string(),
                },
                _ => TableError::NotNumericType {
                    path: path.to_path_buf(),
                    column: name.to_string(),
                    role,
                    dtype: dtype.to_string(),
                },
            });
        }
    }
    Ok(())
}

/// Numeric types the Parquet reader (polars 0.55) cannot decode, with the way round it:
/// decimals are limited to 38 digits.
fn undecodable(dtype: &DataType) -> Option<&'static str> {
    match dtype {
        DataType::Decimal(p, _) if *p > 38 => Some("decimals of more than 38 digits cannot be read; cast the column to decimal(38, s) or float64 when writing the file"),
        _ => None,
    }
}

/// Types read as numbers: every integer, float and decimal type (and, for group labels only,
/// booleans).
fn numeric_type(dtype: &DataType) -> bool {
    dtype.is_primitive_numeric()
        || matches!(
            dtype,
            DataType::Decimal(..) | DataType::Boolean | DataType::Null
        )
}

/// Types a group label can come from.
fn group_type(dtype: &DataType) -> bool {
    numeric_type(dtype)
        || matches!(
            dtype,
            DataType::String
                | DataType::Binary
                | DataType::BinaryOffset
                | DataType::Categorical(..)
                | DataType::Enum(..)
                | DataType::Date
                | DataType::Datetime(..)
                | DataType::Time
                | DataType::Duration(..)
        )
}

/// Types an explanatory column is categorical for, whatever it holds: text, binary (as
/// UTF-8 text), categorical and enum, booleans, dates and times. Numbers (integers, floats,
/// decimals) and a column of nulls only are numeric, unless named in [`Request::categorical`].
fn categorical_type(dtype: &DataType) -> bool {
    matches!(
        dtype,
        DataType::String
            | DataType::Binary
            | DataType::BinaryOffset
            | DataType::Categorical(..)
            | DataType::Enum(..)
            | DataType::Boolean
            | DataType::Date
            | DataType::Datetime(..)
            | DataType::Time
            | DataType::Duration(..)
    )
}

/// Moves the requested columns out of `df` (pay, weight and bonus as `f64`, the group and
/// within columns as codes, each explanatory column as numbers or codes).
fn frame_columns(
    req: &Request,
    df: &mut DataFrame,
    clock: &mut Clock,
) -> Result<Columns, TableError> {
    let rows_read = df.height();
    let pay_col = take(df, req.pay, req)?;
    let pay = numeric(req, Role::Pay, req.pay, pay_col)?;
    let mut number = |role: Role, name: Option<&str>| match name {
        Some(name) => {
            let col = take(df, name, req)?;
            numeric(req, role, name, col).map(Some)
        }
        None => Ok(None),
    };
    let weight = number(Role::Weight, req.weight)?;
    let bonus = number(Role::Bonus, req.bonus)?;
    clock.lap("numeric columns");
    let mut codes = |role: Role, name: Option<&str>| match name {
        Some(name) => group_codes(req, role, name, take(df, name, req)?, false).map(Some),
        None => Ok(None),
    };
    let groups = codes(Role::Group, req.group)?;
    let within = codes(Role::Within, req.within)?;
    clock.lap("group codes");
    let mut covariates = Vec::with_capacity(req.covariates.len());
    for &name in req.covariates {
        let col = take(df, name, req)?;
        let values = if forced_categorical(req, name) || categorical_type(col.dtype()) {
            CovariateValues::Categorical(covariate_codes(req, name, col)?)
        } else {
            CovariateValues::Numeric(numeric_covariate(req, name, col)?)
        };
        covariates.push(Covariate {
            name: name.to_string(),
            values,
        });
    }
    if !covariates.is_empty() {
        clock.lap("explanatory columns");
    }
    Ok(Columns {
        pay,
        weight,
        bonus,
        groups,
        within,
        covariates,
        rows_read,
        lines: LineMap::none(),
    })
}

/// A numeric explanatory column (integers, floats, decimals, nulls) as `Vec<f64>`: a null is
/// missing (`NaN`); a NaN or infinite value in the file is [`TableError::NonFinite`].
fn numeric_covariate(req: &Request, name: &str, col: Column) -> Result<Vec<f64>, TableError> {
    let col = if col.dtype() == &DataType::Float64 {
        col
    } else {
        col.cast(&DataType::Float64)
            .map_err(|e| decode_error(req, name, e))?
    };
    let ca = col.f64().map_err(|e| decode_error(req, name, e))?;
    let mut out = Vec::with_capacity(ca.len());
    let (mut first, mut total) = (Vec::new(), 0);
    for arr in ca.downcast_iter() {
        let base = out.len();
        match arr.validity().filter(|v| v.unset_bits() > 0) {
            None => out.extend_from_slice(arr.values()),
            Some(valid) => {
                out.extend(
                    arr.values()
                        .iter()
                        .zip(valid.iter())
                        .map(|(&x, ok)| if ok { x } else { f64::NAN }),
                )
            }
        }
        // A NaN here is a null just made missing, or a NaN written in the file.
        for (k, &x) in out[base..].iter().enumerate() {
            if !x.is_finite() && arr.validity().is_none_or(|v| v.get_bit(k)) {
                total += 1;
                if first.len() < ROWS_SHOWN {
                    first.push((base + k + 1, None, shown_value(x)));
                }
            }
        }
    }
    if total > 0 {
        return Err(TableError::NonFinite {
            path: req.path.to_path_buf(),
            column: name.to_string(),
            role: Role::Covariate,
            rows: Rows { first, total },
        });
    }
    Ok(out)
}

/// A categorical explanatory column: coded as a group column is, except that a null or an
/// empty text is missing ([`MISSING_CODE`]), never the label `""`.
fn covariate_codes(req: &Request, name: &str, col: Column) -> Result<Groups, TableError> {
    group_codes(req, Role::Covariate, name, col, true)
}

/// The requested columns and their roles: pay, group, weight, bonus, within, then the
/// explanatory columns in order (the order of the checks, so of which error a file with
/// several problems gets).
fn roles<'a>(req: &Request<'a>) -> Vec<(Role, &'a str)> {
    let named = [
        (Role::Pay, Some(req.pay)),
        (Role::Group, req.group),
        (Role::Weight, req.weight),
        (Role::Bonus, req.bonus),
        (Role::Within, req.within),
    ];
    named
        .into_iter()
        .filter_map(|(role, name)| Some((role, name?)))
        .chain(req.covariates.iter().map(|&name| (Role::Covariate, name)))
        .collect()
}

fn check_roles(req: &Request) -> Result<(), TableError> {
    let r = roles(req);
    for i in 0..r.len() {
        for j in i + 1..r.len() {
            if r[i].1 == r[j].1 {
                return Err(TableError::SameColumn {
                    path: req.path.to_path_buf(),
                    name: r[i].1.to_string(),
                    first: r[i].0,
                    first_option: req.option(r[i].0),
                    second: r[j].0,
                    second_option: req.option(r[j].0),
                });
            }
        }
    }
    Ok(())
}

fn decode_error(req: &Request, name: &str, e: impl std::fmt::Display) -> TableError {
    TableError::ParquetDecode {
        path: req.path.to_path_buf(),
        columns: vec![name.to_string()],
        message: first_line(&e.to_string()),
    }
}

/// Rows whose text is present but is not a number (after trimming spaces), as the CSV readers
/// parse numbers.
fn bad_text<'a>(cells: impl Iterator<Item = Option<&'a str>>) -> Option<Rows> {
    let mut first = Vec::new();
    let mut total = 0;
    for (i, cell) in cells.enumerate() {
        if let Some(s) = cell {
            let t = s.trim_matches([' ', '\t']);
            if t.is_empty() || fast_float2::parse::<f64, _>(t).is_err() {
                total += 1;
                if first.len() < ROWS_SHOWN {
                    first.push((i + 1, None, s.to_string()));
                }
            }
        }
    }
    (total > 0).then_some(Rows { first, total })
}

fn take(df: &mut DataFrame, name: &str, req: &Request) -> Result<Column, TableError> {
    // The names were checked against the file's columns before reading.
    df.drop_in_place(name)
        .map_err(|e| decode_error(req, name, e))
}

/// A numeric column as `Vec<f64>`: numbers are cast, text is parsed, empty cells and
/// non-numbers are errors naming the rows.
fn numeric(req: &Request, role: Role, name: &str, col: Column) -> Result<Vec<f64>, TableError> {
    let dtype = col.dtype().clone();
    let col = if dtype == DataType::Float64 {
        col
    } else if numeric_type(&dtype) {
        col.cast(&DataType::Float64)
            .map_err(|e| decode_error(req, name, e))?
    } else if dtype == DataType::String {
        let ca = col.str().map_err(|e| decode_error(req, name, e))?;
        if let Some(rows) = bad_text(ca.iter()) {
            return Err(TableError::NotNumeric {
                path: req.path.to_path_buf(),
                column: name.to_string(),
                role,
                rows,
            });
        }
        let values: Vec<Option<f64>> = ca
            .iter()
            .map(|c| c.and_then(|s| fast_float2::parse(s.trim_matches([' ', '\t'])).ok()))
            .collect();
        Column::new(name.into(), values)
    } else {
        return Err(TableError::NotNumericType {
            path: req.path.to_path_buf(),
            column: name.to_string(),
            role,
            dtype: dtype.to_string(),
        });
    };
    let ca = col.f64().map_err(|e| decode_error(req, name, e))?;
    if ca.null_count() > 0 {
        let mut first = Vec::new();
        for (i, v) in ca.iter().enumerate() {
            if v.is_none() && first.len() < ROWS_SHOWN {
                first.push((i + 1, None, String::new()));
            }
        }
        return Err(TableError::Missing {
            path: req.path.to_path_buf(),
            column: name.to_string(),
            role,
            rows: Rows {
                first,
                total: ca.null_count(),
            },
        });
    }
    // One copy out of the Arrow buffers, chunk by chunk (no rechunk needed).
    let mut out = Vec::with_capacity(ca.len());
    for arr in ca.downcast_iter() {
        out.extend_from_slice(arr.values());
    }
    Ok(out)
}

/// A value as a message shows it: short (`1e300`, not three hundred digits).
pub(crate) fn shown_value(x: f64) -> String {
    if x != 0.0 && (x.abs() >= 1e15 || x.abs() < 1e-6) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// 1-based rows where `bad(value)` holds, with the values and lines, or `None`.
fn offending(values: &[f64], lines: &LineMap, bad: impl Fn(f64) -> bool) -> Option<Rows> {
    if !values.iter().any(|&x| bad(x)) {
        return None;
    }
    let mut first = Vec::new();
    let mut total = 0;
    for (i, &x) in values.iter().enumerate() {
        if bad(x) {
            total += 1;
            if first.len() < ROWS_SHOWN {
                first.push((i + 1, lines.line(i + 1), shown_value(x)));
            }
        }
    }
    Some(Rows { first, total })
}

fn check_finite(
    req: &Request,
    role: Role,
    name: &str,
    v: &[f64],
    lines: &LineMap,
) -> Result<(), TableError> {
    match offending(v, lines, |x| !x.is_finite()) {
        None => Ok(()),
        Some(rows) => Err(TableError::NonFinite {
            path: req.path.to_path_buf(),
            column: name.to_string(),
            role,
            rows,
        }),
    }
}

fn drop_nonpositive(p: &mut Payroll) {
    let keep: Vec<bool> = p.pay.iter().map(|&x| x > 0.0).collect();
    fn retain<T: Copy>(v: &mut Vec<T>, keep: &[bool]) {
        let mut i = 0;
        v.retain(|_| {
            i += 1;
            keep[i - 1]
        });
    }
    retain(&mut p.pay, &keep);
    for v in [&mut p.weight, &mut p.bonus].into_iter().flatten() {
        retain(v, &keep);
    }
    for g in [&mut p.groups, &mut p.within].into_iter().flatten() {
        retain(&mut g.codes, &keep);
    }
    for c in &mut p.covariates {
        match &mut c.values {
            CovariateValues::Numeric(v) => retain(v, &keep),
            CovariateValues::Categorical(g) => retain(&mut g.codes, &keep),
        }
    }
}

/// With [`Request::labels_required`]: the rows of a label column whose cell is empty are an
/// error. The empty label sorts first, so its rows are those of code 0; a column without an
/// empty cell costs one look at its first label.
fn check_labels(
    req: &Request,
    role: Role,
    name: &str,
    g: &Groups,
    lines: &LineMap,
) -> Result<(), TableError> {
    if g.labels.first().is_none_or(|l| !l.is_empty()) {
        return Ok(());
    }
    let mut first = Vec::new();
    let mut total = 0;
    for (i, &c) in g.codes.iter().enumerate() {
        if c == 0 {
            total += 1;
            if first.len() < ROWS_SHOWN {
                first.push((i + 1, lines.line(i + 1), String::new()));
            }
        }
    }
    Err(TableError::MissingLabel {
        path: req.path.to_path_buf(),
        column: name.to_string(),
        role,
        option: req.option(role),
        rows: Rows { first, total },
    })
}

/// Codes for a group column: text as is, numbers as their text, empty cells as `""`; labels
/// sorted so the output order does not depend on the row order.
///
/// The rows are split into one contiguous range per thread of the pool; each range is coded
/// against its own small hash map (foldhash, with a one-entry cache for clustered payrolls),
/// then the local labels are merged ([`labels::merge`]), and each range's codes renumbered in
/// place, again in parallel. On 10 M interleaved rows this is a fraction of the
/// single-threaded SipHash pass it replaces.
///
/// With `empty_missing` (an explanatory column), a null or empty cell is [`MISSING_CODE`]
/// instead of the label `""`.
fn group_codes(
    req: &Request,
    role: Role,
    name: &str,
    col: Column,
    empty_missing: bool,
) -> Result<Groups, TableError> {
    let dtype = col.dtype().clone();
    let col = match dtype {
        DataType::String => col,
        DataType::Binary | DataType::BinaryOffset => binary_labels(req, role, name, &col)?,
        _ => col
            .cast(&DataType::String)
            .map_err(|_| TableError::GroupType {
                path: req.path.to_path_buf(),
                column: name.to_string(),
                role,
                dtype: dtype.to_string(),
            })?,
    };
    let ca = col.str().map_err(|e| decode_error(req, name, e))?;
    let n = ca.len();
    let ranges = rayon::current_num_threads().min(n.div_ceil(1 << 16)).max(1);
    let per = n.div_ceil(ranges).max(1);
    let mut codes = vec![0u32; n];
    // Zero-copy views of each range; they outlive the parallel passes, which borrow labels
    // from them.
    let parts: Vec<StringChunked> = codes
        .chunks(per)
        .enumerate()
        .map(|(t, c)| ca.slice((t * per) as i64, c.len()))
        .collect();
    // Phase 1: each range gets local codes and its local labels (in first-seen order).
    let locals: Vec<Vec<&str>> = codes
        .par_chunks_mut(per)
        .zip(&parts)
        .map(|(out, part)| local_codes(part, out))
        .collect();
    // Merge, then phase 2: renumber in place, in parallel.
    let local_slices: Vec<&[&str]> = locals.iter().map(Vec::as_slice).collect();
    let (mut labels, mut remaps) = labels::merge(&local_slices);
    if empty_missing {
        labels::empty_is_missing(&mut labels, &mut remaps);
    }
    codes
        .par_chunks_mut(per)
        .zip(&remaps)
        .for_each(|(out, remap)| labels::renumber(out, remap));
    Ok(Groups {
        labels: labels.iter().map(|l| l.to_string()).collect(),
        codes,
    })
}

/// A binary group column as text, if every value is UTF-8 (Spark and Hive may store text as
/// binary without marking it); the rows that are not are an error.
fn binary_labels(
    req: &Request,
    role: Role,
    name: &str,
    col: &Column,
) -> Result<Column, TableError> {
    let cast = col
        .cast(&DataType::Binary)
        .map_err(|e| decode_error(req, name, e))?;
    let ca = cast.binary().map_err(|e| decode_error(req, name, e))?;
    let mut bad = Vec::new();
    let mut total = 0;
    let mut labels: Vec<Option<&str>> = Vec::with_capacity(ca.len());
    for (i, v) in ca.iter().enumerate() {
        match v.map(std::str::from_utf8) {
            None => labels.push(None),
            Some(Ok(s)) => labels.push(Some(s)),
            Some(Err(_)) => {
                total += 1;
                if bad.len() < ROWS_SHOWN {
                    let bytes = v.unwrap_or_default();
                    bad.push((i + 1, None, String::from_utf8_lossy(bytes).into_owned()));
                }
                labels.push(None);
            }
        }
    }
    if total > 0 {
        return Err(TableError::LabelNotUtf8 {
            path: req.path.to_path_buf(),
            column: name.to_string(),
            role,
            rows: Rows { first: bad, total },
        });
    }
    Ok(Column::new(name.into(), labels))
}

/// Codes `part` (a contiguous range of rows) into `out` against a local label table; returns
/// the local labels, local code `i` being `labels[i]`.
fn local_codes<'a>(part: &'a StringChunked, out: &mut [u32]) -> Vec<&'a str> {
    let mut index: PlHashMap<&'a str, u32> = PlHashMap::default();
    let mut labels: Vec<&'a str> = Vec::new();
    // Payrolls come sorted or clustered by institution: a one-entry cache skips most lookups.
    let mut last: Option<(&'a str, u32)> = None;
    let mut code_of = |s: &'a str| -> u32 {
        match last {
            Some((l, c)) if l == s => c,
            _ => {
                let c = *index.entry(s).or_insert_with(|| {
                    labels.push(s);
                    (labels.len() - 1) as u32
                });
                last = Some((s, c));
                c
            }
        }
    };
    let mut i = 0;
    let no_nulls = part.null_count() == 0;
    // A string column read from a dictionary-encoded Parquet column points every row of a value
    // at the same bytes, so within one array (a view names a buffer by its index in that
    // array) equal 16-byte views mean equal labels: a hash of the view (an integer) then
    // replaces hashing and comparing the text. Rows parsed from text each have their own
    // bytes; once the cache is full of distinct views it stops growing.
    const VIEW_CACHE_MAX: usize = 4096;
    let mut by_view: foldhash::HashMap<u128, u32> = foldhash::HashMap::default();
    for arr in part.downcast_iter() {
        by_view.clear();
        if no_nulls {
            for (k, view) in arr.views().iter().enumerate() {
                let key = view.as_u128();
                out[i] = match by_view.get(&key) {
                    Some(&c) => c,
                    None => {
                        let c = code_of(arr.value(k));
                        if by_view.len() < VIEW_CACHE_MAX {
                            by_view.insert(key, c);
                        }
                        c
                    }
                };
                i += 1;
            }
        } else {
            for cell in arr.iter() {
                out[i] = code_of(cell.unwrap_or(""));
                i += 1;
            }
        }
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_from_extension() {
        assert_eq!(
            InputFormat::from_path(Path::new("a/b.CSV")),
            Some(InputFormat::Csv)
        );
        assert_eq!(
            InputFormat::from_path(Path::new("x.parquet")),
            Some(InputFormat::Parquet)
        );
        assert_eq!(InputFormat::from_path(Path::new("x.xlsx")), None);
        assert_eq!(InputFormat::from_path(Path::new("x")), None);
    }

    #[test]
    fn rows_display_names_rows_and_lines() {
        let r = Rows {
            first: vec![(2, Some(3), "abc".into()), (5, Some(9), "".into())],
            total: 4,
        };
        assert_eq!(
            r.to_string(),
            "row 2 (line 3) \"abc\", row 5 (line 9) \"\" and 2 more"
        );
        let r = Rows {
            first: vec![(2, None, "abc".into()), (5, None, "a\nb".into())],
            ..r
        };
        assert_eq!(r.to_string(), "row 2 \"abc\", row 5 \"a\\nb\" and 2 more");
        let long = "9".repeat(300);
        let r = Rows {
            first: vec![(1, Some(2), long)],
            total: 1,
        };
        assert_eq!(r.to_string().len(), "row 1 (line 2) \"\"...".len() + 40);
    }

    #[test]
    fn group_codes_follow_sorted_labels() {
        let col = Column::new("g".into(), &[Some("b"), Some("a"), None, Some("b")]);
        let req = Request {
            format: Some(InputFormat::Parquet),
            group: Some("g"),
            ..Request::new(Path::new("t.parquet"), "pay")
        };
        let g = group_codes(&req, Role::Group, "g", col.clone(), false).unwrap();
        assert_eq!(g.labels, vec!["", "a", "b"]);
        assert_eq!(g.codes, vec![2, 1, 0, 2]);
        // An explanatory column: the null is missing, not a label.
        let g = group_codes(&req, Role::Covariate, "g", col, true).unwrap();
        assert_eq!(g.labels, vec!["a", "b"]);
        assert_eq!(g.codes, vec![1, 0, MISSING_CODE, 1]);
    }

    #[test]
    fn line_map_follows_breaks() {
        let mut m = LineMap::default();
        for (row, line) in [(1, 2), (2, 3), (3, 6), (4, 7), (5, 9)] {
            m.note(row, line);
        }
        let got: Vec<_> = (1..=5).map(|r| m.line(r).unwrap()).collect();
        assert_eq!(got, [2, 3, 6, 7, 9]);
        assert_eq!(m.breaks.len(), 2);
        assert_eq!(LineMap::none().line(1), None);
    }

    /// A string view names its bytes by buffer index and offset within its own array: in a
    /// column of several arrays (one per Parquet row group, each with its own dictionary) equal
    /// views can be different labels.
    #[test]
    fn group_codes_do_not_confuse_equal_views_of_different_arrays() {
        let mut ca = StringChunked::from_slice("g".into(), &["institution_00", "institution_01"]);
        let second = StringChunked::from_slice("g".into(), &["institution_07", "institution_00"]);
        ca.append(&second).unwrap();
        assert_eq!(ca.chunks().len(), 2);
        // Same length, prefix, buffer and offset: the first rows' views are bit-for-bit equal.
        let views: Vec<u128> = ca.downcast_iter().map(|a| a.views()[0].as_u128()).collect();
        assert_eq!(views[0], views[1]);
        let mut out = vec![0u32; 4];
        let labels = local_codes(&ca, &mut out);
        let got: Vec<&str> = out.iter().map(|&c| labels[c as usize]).collect();
        assert_eq!(
            got,
            [
                "institution_00",
                "institution_01",
                "institution_07",
                "institution_00"
            ]
        );
    }

    #[test]
    fn dropping_keeps_rows_aligned() {
        let mut p = Payroll {
            pay: vec![1.0, 0.0, 3.0, -1.0],
            weight: Some(vec![1.0, 2.0, 3.0, 4.0]),
            groups: Some(Groups {
                labels: vec!["a".into(), "b".into()],
                codes: vec![0, 1, 1, 0],
            }),
            bonus: Some(vec![0.0, 5.0, 6.0, 7.0]),
            within: Some(Groups {
                labels: vec!["x".into(), "y".into(), "z".into()],
                codes: vec![2, 1, 0, 1],
            }),
            covariates: vec![
                Covariate {
                    name: "age".into(),
                    values: CovariateValues::Numeric(vec![30.0, f64::NAN, 40.0, 50.0]),
                },
                Covariate {
                    name: "edu".into(),
                    values: CovariateValues::Categorical(Groups {
                        labels: vec!["a".into()],
                        codes: vec![MISSING_CODE, 0, 0, MISSING_CODE],
                    }),
                },
            ],
            rows_read: 4,
            dropped_nonpositive: 0,
            kept_nonpositive: 0,
        };
        drop_nonpositive(&mut p);
        assert_eq!(
            p.covariates[0].values,
            CovariateValues::Numeric(vec![30.0, 40.0])
        );
        assert_eq!(
            p.covariates[1].values,
            CovariateValues::Categorical(Groups {
                labels: vec!["a".into()],
                codes: vec![MISSING_CODE, 0],
            })
        );
        assert_eq!(p.pay, vec![1.0, 3.0]);
        assert_eq!(p.weight, Some(vec![1.0, 3.0]));
        assert_eq!(p.groups.unwrap().codes, vec![0, 1]);
        assert_eq!(p.bonus, Some(vec![0.0, 6.0]));
        assert_eq!(p.within.unwrap().codes, vec![2, 0]);
    }
}

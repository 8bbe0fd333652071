//! The polars boundary of `wages`: reads the pay, group and weight columns of a CSV or Parquet
//! payroll into plain vectors, and turns every way a file can be wrong into one clear
//! [`TableError`] that names the file, the rows (and CSV lines) and the column.
//!
//! Nothing outside this crate sees a polars type: [`read`] returns a [`Payroll`] of `Vec<f64>`
//! and group codes, so the statistics (crate `wages-analysis`) and the CLI compile without
//! polars.
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
//! # CSV: the plain fast path, then polars
//!
//! A *plain* CSV (comma-separated, every line with the header's field count, numbers written
//! plainly, quotes only around whole cells and never around a line break) is read by
//! [`plain_csv`]: the memory-mapped file is cut into one range of lines per core and only the
//! requested cells are parsed, with polars' own float parser. On the benchmark's
//! 10-million-row payroll that takes 0.38 s against polars' 0.87-1.29 s for the same two
//! columns. Any file the fast path does not recognise is read by polars, the reference, which
//! also gives every error message; property tests read random files both ways and require the
//! same bits.
//!
//! polars reads a CSV in 32 MiB pieces cut at line ends (outside quotes), each given the header
//! and parsed with the same projection and types; the columns are appended and the piece's
//! frame dropped. On a 10-million-row, 326 MiB payroll this bounds peak memory at about
//! 250 MiB instead of about 700 MiB (the mapped file plus a text group column for every row).
//! Any failure in a piece re-reads the file whole, so error messages carry file-wide row
//! numbers. `WAGES_CSV_READER=polars` skips the fast path and `WAGES_CSV_READER=polars-whole`
//! the pieces too (for benchmarks and comparisons). A row with more fields than the header is
//! caught in the first 64 KiB (every column parsed there); later rows are checked by polars
//! only when the last column is one that is read (the fast path checks every line).
//!
//! # Rows and lines
//!
//! Rows are reported 1-based in data order (the first row after the header is data row 1). For
//! CSV the file line is also given, `line = row + 1` (the header is line 1); this assumes no
//! quoted field spans several lines, which is true of payroll exports. Parquet has no lines.

use polars::prelude::*;
mod plain_csv;

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

/// What to read.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The file.
    pub path: &'a Path,
    /// Its format.
    pub format: InputFormat,
    /// Name of the pay column.
    pub pay: &'a str,
    /// Name of the group column, if any (read as text).
    pub group: Option<&'a str>,
    /// Name of the weight column, if any.
    pub weight: Option<&'a str>,
    /// Exclude rows with zero or negative pay (and count them) instead of rejecting the file.
    pub drop_nonpositive: bool,
}

/// The columns of a payroll, validated: pay finite and positive, weights finite and positive,
/// all vectors aligned row by row.
#[derive(Debug, Clone, PartialEq)]
pub struct Payroll {
    /// Pay of the rows kept.
    pub pay: Vec<f64>,
    /// Weights of the rows kept, if a weight column was named.
    pub weight: Option<Vec<f64>>,
    /// Group of each row kept, if a group column was named.
    pub groups: Option<Groups>,
    /// Data rows in the file.
    pub rows_read: usize,
    /// Rows excluded because their pay was zero or negative (`drop_nonpositive`).
    pub dropped_nonpositive: usize,
}

/// Group membership as small integer codes.
#[derive(Debug, Clone, PartialEq)]
pub struct Groups {
    /// Distinct labels, sorted ascending (byte order). An empty cell is the label `""`.
    pub labels: Vec<String>,
    /// For each row, the index of its label in `labels`.
    pub codes: Vec<u32>,
}

/// The role a column plays, for messages: its option and what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `--pay`.
    Pay,
    /// `--weight`.
    Weight,
    /// `--group`.
    Group,
}

impl Role {
    fn option(self) -> &'static str {
        match self {
            Role::Pay => "--pay",
            Role::Weight => "--weight",
            Role::Group => "--group",
        }
    }
    fn noun(self) -> &'static str {
        match self {
            Role::Pay => "pay",
            Role::Weight => "weight",
            Role::Group => "group",
        }
    }
}

/// Offending rows: 1-based data rows with the text or value found there, and how many in all.
#[derive(Debug, Clone, PartialEq)]
pub struct Rows {
    /// CSV (rows have lines) or Parquet.
    pub format: InputFormat,
    /// The first [`ROWS_SHOWN`] offending rows (1-based) and what they hold.
    pub first: Vec<(usize, String)>,
    /// How many rows offend in all.
    pub total: usize,
}

impl std::fmt::Display for Rows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut s = String::new();
        for (i, (row, value)) in self.first.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            let _ = write!(s, "row {row}");
            if self.format == InputFormat::Csv {
                let _ = write!(s, " (line {})", row + 1);
            }
            let _ = write!(s, " {value:?}");
        }
        if self.total > self.first.len() {
            let _ = write!(s, " and {} more", self.total - self.first.len());
        }
        f.write_str(&s)
    }
}

/// Everything that can be wrong with an input file. Each message is one line that names the
/// file and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// The file cannot be opened or read.
    #[error("{}: cannot read the file: {source}; check the path and its permissions", path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file has no bytes at all.
    #[error("{}: the file is empty; give a CSV with a header line and data rows, or a Parquet file", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// A header (or schema) but no data rows.
    #[error("{}: the file has no data rows, only the header; there is nothing to analyze", path.display())]
    NoRows {
        /// The file.
        path: PathBuf,
    },
    /// polars could not parse the file at all.
    #[error("{}: cannot read the file as {format}: {message}; check that it is a {format} file (or set --input-format)", path.display())]
    Unparsable {
        /// The file.
        path: PathBuf,
        /// "CSV" or "Parquet".
        format: &'static str,
        /// polars' message, first line.
        message: String,
    },
    /// A named column is not in the file.
    #[error("{}: no column {name:?} (asked for by {}); the columns are: {}; name the {} column with {}", path.display(), role.option(), available.join(", "), role.noun(), role.option())]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// Which option asked for it.
        role: Role,
        /// The name asked for.
        name: String,
        /// The columns that exist.
        available: Vec<String>,
    },
    /// The same column named for two roles.
    #[error("{}: column {name:?} is named by both {} and {}; each role needs its own column", path.display(), first.option(), second.option())]
    SameColumn {
        /// The file.
        path: PathBuf,
        /// The column.
        name: String,
        /// One role.
        first: Role,
        /// The other.
        second: Role,
    },
    /// Cells of a numeric column that are not numbers.
    #[error("{}: column {column:?} ({}) is not a number at data {rows}; fix or remove those rows", path.display(), role.noun())]
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
    /// A Parquet column whose type cannot hold numbers.
    #[error("{}: column {column:?} ({}) has type {dtype}, not a number; store it as a numeric column", path.display(), role.noun())]
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
    /// Empty cells in the pay or weight column.
    #[error("{}: column {column:?} ({}) is empty at data {rows}; fill in or remove those rows", path.display(), role.noun())]
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
    /// NaN or infinite values.
    #[error("{}: column {column:?} ({}) holds NaN or infinite values at data {rows}; {} must be finite numbers: fix or remove those rows", path.display(), role.noun(), role.noun())]
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
    /// Zero or negative pay, without `drop_nonpositive`.
    #[error("{}: {} rows of column {column:?} have zero or negative pay, at data {rows}; multiples of the minimum and the log-based measures need positive pay: fix those rows, or pass --drop-nonpositive to exclude them (the output then says how many)", path.display(), rows.total)]
    NonPositivePay {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// Where.
        rows: Rows,
    },
    /// Zero or negative weights.
    #[error("{}: {} rows of column {column:?} have zero or negative weights, at data {rows}; weights must be positive: fix or remove those rows", path.display(), rows.total)]
    NonPositiveWeight {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// Where.
        rows: Rows,
    },
    /// Every row was dropped by `drop_nonpositive`.
    #[error("{}: all {dropped} rows have zero or negative pay; with --drop-nonpositive nothing is left to analyze", path.display())]
    AllDropped {
        /// The file.
        path: PathBuf,
        /// Rows dropped.
        dropped: usize,
    },
}

/// Reads and validates the requested columns. See the crate docs for what is checked.
pub fn read(req: &Request) -> Result<Payroll, TableError> {
    let path = req.path;
    let meta = std::fs::metadata(path).map_err(|source| TableError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.is_dir() {
        return Err(TableError::Open {
            path: path.to_path_buf(),
            source: std::io::Error::other("it is a folder, not a file"),
        });
    }
    if meta.len() == 0 {
        return Err(TableError::Empty {
            path: path.to_path_buf(),
        });
    }
    check_roles(req)?;
    let mut clock = Phases::start();
    let available = column_names(req)?;
    for (role, name) in roles(req) {
        if !available.iter().any(|c| c == name) {
            return Err(TableError::MissingColumn {
                path: path.to_path_buf(),
                role,
                name: name.to_string(),
                available,
            });
        }
    }
    clock.lap("header");
    // A plain CSV is read by the fast path; any other CSV by polars, in pieces (bounded
    // memory); a piece that fails, or an empty file, is read again whole, which gives the
    // exact error with file-wide row numbers. `WAGES_CSV_READER=polars` skips the fast path and
    // `WAGES_CSV_READER=polars-whole` the pieces too, for comparing them in benchmarks.
    let reader = std::env::var("WAGES_CSV_READER").unwrap_or_default();
    let piecewise = match req.format {
        InputFormat::Csv if reader.is_empty() || reader == "plain" => {
            let plain = plain_csv::read(req, &available);
            clock.lap(if plain.is_some() {
                "plain CSV parse"
            } else {
                "plain CSV declined"
            });
            plain.or_else(|| read_csv_pieces(req, &mut clock, CSV_PIECE_BYTES).ok())
        }
        InputFormat::Csv if reader == "polars" => {
            read_csv_pieces(req, &mut clock, CSV_PIECE_BYTES).ok()
        }
        InputFormat::Csv => None,
        InputFormat::Parquet => None,
    };
    let Columns {
        pay,
        weight,
        groups,
        rows_read,
    } = match piecewise {
        Some(c) => c,
        None => read_columns(req, &mut clock)?,
    };
    check_finite(req, Role::Pay, req.pay, &pay)?;
    if let (Some(w), Some(name)) = (&weight, req.weight) {
        check_finite(req, Role::Weight, name, w)?;
        let bad = offending(req.format, w, |x| x <= 0.0);
        if let Some(rows) = bad {
            return Err(TableError::NonPositiveWeight {
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
        rows_read,
        dropped_nonpositive: 0,
    };
    if let Some(rows) = offending(req.format, &payroll.pay, |x| x <= 0.0) {
        if !req.drop_nonpositive {
            return Err(TableError::NonPositivePay {
                path: path.to_path_buf(),
                column: req.pay.to_string(),
                rows,
            });
        }
        payroll.dropped_nonpositive = rows.total;
        drop_nonpositive(&mut payroll);
        if payroll.pay.is_empty() {
            return Err(TableError::AllDropped {
                path: path.to_path_buf(),
                dropped: rows.total,
            });
        }
    }
    clock.lap("checks");
    clock.report();
    Ok(payroll)
}

/// With `WAGES_TIMINGS` set, where [`read`] spends its time, on one stderr line
/// (`wages: read phases: header 0.001 s, parse ...`), for the benchmark's profile.
struct Phases {
    last: Option<std::time::Instant>,
    laps: Vec<(&'static str, f64)>,
}

impl Phases {
    fn start() -> Phases {
        Phases {
            last: std::env::var_os("WAGES_TIMINGS").map(|_| std::time::Instant::now()),
            laps: Vec::new(),
        }
    }
    fn lap(&mut self, what: &'static str) {
        if let Some(t) = self.last {
            let now = std::time::Instant::now();
            let dt = (now - t).as_secs_f64();
            // Repeated phases (one per CSV piece) add up.
            match self.laps.iter_mut().find(|(w, _)| *w == what) {
                Some(lap) => lap.1 += dt,
                None => self.laps.push((what, dt)),
            }
            self.last = Some(now);
        }
    }
    fn report(&self) {
        if self.last.is_some() {
            let laps: Vec<String> = self
                .laps
                .iter()
                .map(|(w, t)| format!("{w} {t:.3} s"))
                .collect();
            eprintln!("wages: read phases: {}", laps.join(", "));
        }
    }
}

/// The validated-to-be-numeric columns of a file, before the finite/positive checks.
struct Columns {
    pay: Vec<f64>,
    weight: Option<Vec<f64>>,
    groups: Option<Groups>,
    rows_read: usize,
}

/// The whole file at once: the requested columns of one polars frame.
fn read_columns(req: &Request, clock: &mut Phases) -> Result<Columns, TableError> {
    let mut df = read_frame(req)?;
    clock.lap("parse");
    let rows_read = df.height();
    if rows_read == 0 {
        return Err(TableError::NoRows {
            path: req.path.to_path_buf(),
        });
    }
    frame_columns(req, &mut df, clock)
}

/// Moves the requested columns out of `df` (pay and weight as `f64`, the group as codes).
fn frame_columns(
    req: &Request,
    df: &mut DataFrame,
    clock: &mut Phases,
) -> Result<Columns, TableError> {
    let rows_read = df.height();
    let pay_col = take(df, req.pay, req)?;
    let pay = numeric(req, Role::Pay, req.pay, pay_col)?;
    let weight = match req.weight {
        Some(name) => {
            let col = take(df, name, req)?;
            Some(numeric(req, Role::Weight, name, col)?)
        }
        None => None,
    };
    clock.lap("numeric columns");
    let groups = match req.group {
        Some(name) => Some(group_codes(take(df, name, req)?)),
        None => None,
    };
    clock.lap("group codes");
    Ok(Columns {
        pay,
        weight,
        groups,
        rows_read,
    })
}

/// Bytes of CSV parsed per piece by [`read_csv_pieces`].
const CSV_PIECE_BYTES: usize = 32 * 1024 * 1024;

/// Reads a CSV in pieces of about [`CSV_PIECE_BYTES`], each cut after a line end outside
/// quotes and given the header line: each piece is parsed by polars (multi-threaded, the same
/// projection and types as [`read_frame`]), its columns appended, its frame dropped. Peak
/// memory is then the output vectors plus one piece, instead of the whole file mapped plus a
/// text group column for every row (on 10 M rows: hundreds of MiB less). `Err(())` on any
/// failure (the caller re-reads the file whole for the exact message) and on a file without
/// data rows.
fn read_csv_pieces(req: &Request, clock: &mut Phases, piece_bytes: usize) -> Result<Columns, ()> {
    use std::io::Read as _;
    let mut file = open(req).map_err(|_| ())?;
    let size = file.metadata().map_err(|_| ())?.len() as usize;
    let head = csv_head(req).map_err(|_| ())?;
    let header_len = header_end(&head).ok_or(())?;
    let header = head[..header_len].to_vec();
    let mut skip = vec![0u8; header_len];
    file.read_exact(&mut skip).map_err(|_| ())?;
    let mut out = Columns {
        pay: Vec::with_capacity(size / 16),
        weight: req.weight.map(|_| Vec::new()),
        groups: None,
        rows_read: 0,
    };
    let mut labels: Vec<String> = Vec::new();
    let mut index: PlHashMap<String, u32> = PlHashMap::default();
    let mut codes: Vec<u32> = Vec::new();
    // Bytes read but not yet parsed (the tail after the last cut), and the quote parity at
    // their start.
    let mut carry: Vec<u8> = Vec::new();
    let mut eof = false;
    // One buffer for every piece: its pages are faulted in once, not once per piece.
    let mut piece: Vec<u8> = Vec::with_capacity(header.len() + piece_bytes);
    while !eof || !carry.is_empty() {
        piece.clear();
        piece.extend_from_slice(&header);
        piece.extend_from_slice(&carry);
        carry.clear();
        let want = piece_bytes.saturating_sub(piece.len() - header.len());
        let start = piece.len();
        piece.resize(start + want, 0);
        let mut got = 0;
        while got < want {
            let n = file.read(&mut piece[start + got..]).map_err(|_| ())?;
            if n == 0 {
                eof = true;
                break;
            }
            got += n;
        }
        piece.truncate(start + got);
        if !eof {
            // Cut after the last line end with an even number of quotes before it.
            let body = &piece[header.len()..];
            let mut quotes = body.iter().filter(|&&b| b == b'"').count();
            let mut cut = None;
            for (i, &b) in body.iter().enumerate().rev() {
                if b == b'"' {
                    quotes -= 1;
                } else if b == b'\n' && quotes % 2 == 0 {
                    cut = Some(header.len() + i + 1);
                    break;
                }
            }
            let cut = cut.ok_or(())?;
            carry.extend_from_slice(&piece[cut..]);
            piece.truncate(cut);
        }
        if piece.len() == header.len() {
            continue;
        }
        let mut df = piece_frame(req, &piece)?;
        clock.lap("parse");
        let mut c = frame_columns(req, &mut df, clock).map_err(|_| ())?;
        drop(df);
        out.rows_read += c.rows_read;
        out.pay.append(&mut c.pay);
        if let (Some(all), Some(mut w)) = (out.weight.as_mut(), c.weight) {
            all.append(&mut w);
        }
        if let Some(g) = c.groups {
            let remap: Vec<u32> = g
                .labels
                .into_iter()
                .map(|l| {
                    let next = labels.len() as u32;
                    *index.entry(l.clone()).or_insert_with(|| {
                        labels.push(l);
                        next
                    })
                })
                .collect();
            codes.extend(g.codes.iter().map(|&c| remap[c as usize]));
        }
        clock.lap("append");
    }
    if out.rows_read == 0 {
        return Err(());
    }
    if req.group.is_some() {
        // Renumber so codes follow the sorted labels.
        let mut order: Vec<u32> = (0..labels.len() as u32).collect();
        order.sort_by(|&a, &b| labels[a as usize].cmp(&labels[b as usize]));
        let mut rank = vec![0u32; labels.len()];
        for (r, &old) in order.iter().enumerate() {
            rank[old as usize] = r as u32;
        }
        for c in &mut codes {
            *c = rank[*c as usize];
        }
        out.groups = Some(Groups {
            labels: order.iter().map(|&o| labels[o as usize].clone()).collect(),
            codes,
        });
    }
    Ok(out)
}

/// Where the header line of `head` ends (after its line end outside quotes).
fn header_end(head: &[u8]) -> Option<usize> {
    let mut quoted = false;
    for (i, &b) in head.iter().enumerate() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == b'\n' && !quoted {
            return Some(i + 1);
        }
    }
    None
}

/// One piece (header line + whole lines) parsed like [`read_frame`] parses a whole file.
fn piece_frame(req: &Request, piece: &[u8]) -> Result<DataFrame, ()> {
    let cols: Vec<&str> = roles(req).into_iter().map(|(_, n)| n).collect();
    csv_options(req, &cols, csv_schema(req))
        .into_reader_with_file_handle(std::io::Cursor::new(piece))
        .finish()
        .map_err(|_| ())
}

fn roles<'a>(req: &Request<'a>) -> Vec<(Role, &'a str)> {
    let mut v = vec![(Role::Pay, req.pay)];
    if let Some(g) = req.group {
        v.push((Role::Group, g));
    }
    if let Some(w) = req.weight {
        v.push((Role::Weight, w));
    }
    v
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
                    second: r[j].0,
                });
            }
        }
    }
    Ok(())
}

fn unparsable(req: &Request, e: impl std::fmt::Display) -> TableError {
    let message = e.to_string();
    let first = message.lines().next().unwrap_or("").trim().to_string();
    TableError::Unparsable {
        path: req.path.to_path_buf(),
        format: match req.format {
            InputFormat::Csv => "CSV",
            InputFormat::Parquet => "Parquet",
        },
        message: first,
    }
}

fn open(req: &Request) -> Result<File, TableError> {
    File::open(req.path).map_err(|source| TableError::Open {
        path: req.path.to_path_buf(),
        source,
    })
}

/// The file's column names, from the CSV header or the Parquet schema, without reading data.
fn column_names(req: &Request) -> Result<Vec<String>, TableError> {
    match req.format {
        InputFormat::Csv => {
            // polars is given the first 64 KiB only (every column parsed as text, so that a
            // row with more fields than the header is an error here even when the last column is
            // not read later). Handed the whole file, even with `n_rows = 0`, it spent 0.2-0.3 s
            // on a 326 MiB CSV before returning the names.
            let df = CsvReadOptions::default()
                .with_infer_schema_length(Some(0))
                .into_reader_with_file_handle(std::io::Cursor::new(csv_head(req)?))
                .finish()
                .map_err(|e| unparsable(req, e))?;
            Ok(df
                .get_column_names()
                .into_iter()
                .map(|s| s.to_string())
                .collect())
        }
        InputFormat::Parquet => {
            let mut r = ParquetReader::new(open(req)?);
            let schema = r.schema().map_err(|e| unparsable(req, e))?;
            Ok(schema.iter_names().map(|s| s.to_string()).collect())
        }
    }
}

/// How much of a CSV [`column_names`] parses with every column (as text): the header and the
/// whole lines in the first 64 KiB.
const CSV_HEAD_BYTES: usize = 64 * 1024;

/// The first bytes of a CSV: the header and the whole lines within the first
/// [`CSV_HEAD_BYTES`] (at least the header line, however long; the whole file if it is shorter),
/// cut after a line end outside double quotes.
fn csv_head(req: &Request) -> Result<Vec<u8>, TableError> {
    use std::io::Read as _;
    let mut file = open(req)?;
    let mut head = Vec::new();
    let mut block = [0u8; 8192];
    let mut quoted = false;
    let mut cut = None;
    loop {
        let n = file.read(&mut block).map_err(|source| TableError::Open {
            path: req.path.to_path_buf(),
            source,
        })?;
        if n == 0 {
            return Ok(head);
        }
        for (i, &b) in block[..n].iter().enumerate() {
            if b == b'"' {
                quoted = !quoted;
            } else if b == b'\n' && !quoted {
                cut = Some(head.len() + i + 1);
            }
        }
        head.extend_from_slice(&block[..n]);
        if let Some(c) = cut.filter(|_| head.len() >= CSV_HEAD_BYTES) {
            head.truncate(c);
            return Ok(head);
        }
    }
}

/// Reads only the requested columns: pay and weight as Float64 and group as text (CSV), or as
/// stored (Parquet).
fn read_frame(req: &Request) -> Result<DataFrame, TableError> {
    let cols: Vec<&str> = roles(req).into_iter().map(|(_, n)| n).collect();
    match req.format {
        InputFormat::Csv => {
            let result = csv_options(req, &cols, csv_schema(req))
                .into_reader_with_file_handle(open(req)?)
                .finish();
            match result {
                Ok(df) => Ok(df),
                Err(e) => Err(explain_csv_failure(req, e)),
            }
        }
        InputFormat::Parquet => ParquetReader::new(open(req)?)
            .with_columns(Some(cols.iter().map(|s| s.to_string()).collect()))
            .finish()
            .map_err(|e| unparsable(req, e)),
    }
}

/// The types the CSV reader is told: pay and weight `Float64`, the group text.
fn csv_schema(req: &Request) -> Schema {
    let mut schema = Schema::default();
    schema.with_column(req.pay.into(), DataType::Float64);
    if let Some(w) = req.weight {
        schema.with_column(w.into(), DataType::Float64);
    }
    if let Some(g) = req.group {
        schema.with_column(g.into(), DataType::String);
    }
    schema
}

fn csv_options(req: &Request, cols: &[&str], schema: Schema) -> CsvReadOptions {
    let _ = req;
    CsvReadOptions::default()
        .with_columns(Some(cols.iter().map(|&s| PlSmallStr::from(s)).collect()))
        .with_schema_overwrite(Some(Arc::new(schema)))
}

/// polars failed to parse the CSV with pay (and weight) as numbers: re-read each numeric column
/// as text, which is cheap, and find the rows that are not numbers.
fn explain_csv_failure(req: &Request, e: PolarsError) -> TableError {
    let mut numeric = vec![(Role::Pay, req.pay)];
    if let Some(w) = req.weight {
        numeric.push((Role::Weight, w));
    }
    for (role, name) in numeric {
        let mut schema = Schema::default();
        schema.with_column(name.into(), DataType::String);
        let Ok(file) = open(req) else { break };
        let Ok(df) = csv_options(req, &[name], schema)
            .into_reader_with_file_handle(file)
            .finish()
        else {
            break;
        };
        let Ok(col) = df.column(name).and_then(|c| c.str().cloned()) else {
            break;
        };
        if let Some(rows) = bad_text(req.format, col.iter()) {
            return TableError::NotNumeric {
                path: req.path.to_path_buf(),
                column: name.to_string(),
                role,
                rows,
            };
        }
    }
    unparsable(req, e)
}

/// Rows whose text is present but is not a number (Rust's `f64` grammar, which accepts what
/// polars' CSV parser accepts: `1.5`, `-2`, `3e4`, `NaN`, `inf`).
fn bad_text<'a>(format: InputFormat, cells: impl Iterator<Item = Option<&'a str>>) -> Option<Rows> {
    let mut first = Vec::new();
    let mut total = 0;
    for (i, cell) in cells.enumerate() {
        if let Some(s) = cell {
            if s.trim().parse::<f64>().is_err() {
                total += 1;
                if first.len() < ROWS_SHOWN {
                    first.push((i + 1, s.to_string()));
                }
            }
        }
    }
    (total > 0).then_some(Rows {
        format,
        first,
        total,
    })
}

fn take(df: &mut DataFrame, name: &str, req: &Request) -> Result<Column, TableError> {
    // The names were checked against the file's columns before reading.
    df.drop_in_place(name).map_err(|e| unparsable(req, e))
}

/// A numeric column as `Vec<f64>`: numbers are cast, text (Parquet) is parsed, empty cells and
/// non-numbers are errors naming the rows.
fn numeric(req: &Request, role: Role, name: &str, col: Column) -> Result<Vec<f64>, TableError> {
    let dtype = col.dtype().clone();
    let col = if dtype == DataType::Float64 {
        col
    } else if dtype.is_primitive_numeric() || dtype == DataType::Boolean {
        col.cast(&DataType::Float64)
            .map_err(|e| unparsable(req, e))?
    } else if dtype == DataType::String {
        let ca = col.str().map_err(|e| unparsable(req, e))?;
        if let Some(rows) = bad_text(req.format, ca.iter()) {
            return Err(TableError::NotNumeric {
                path: req.path.to_path_buf(),
                column: name.to_string(),
                role,
                rows,
            });
        }
        col.cast(&DataType::Float64)
            .map_err(|e| unparsable(req, e))?
    } else {
        return Err(TableError::NotNumericType {
            path: req.path.to_path_buf(),
            column: name.to_string(),
            role,
            dtype: dtype.to_string(),
        });
    };
    let ca = col.f64().map_err(|e| unparsable(req, e))?;
    if ca.null_count() > 0 {
        let mut first = Vec::new();
        for (i, v) in ca.iter().enumerate() {
            if v.is_none() && first.len() < ROWS_SHOWN {
                first.push((i + 1, String::new()));
            }
        }
        return Err(TableError::Missing {
            path: req.path.to_path_buf(),
            column: name.to_string(),
            role,
            rows: Rows {
                format: req.format,
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

/// 1-based rows where `bad(value)` holds, with the values, or `None`.
fn offending(format: InputFormat, values: &[f64], bad: impl Fn(f64) -> bool) -> Option<Rows> {
    if !values.iter().any(|&x| bad(x)) {
        return None;
    }
    let mut first = Vec::new();
    let mut total = 0;
    for (i, &x) in values.iter().enumerate() {
        if bad(x) {
            total += 1;
            if first.len() < ROWS_SHOWN {
                first.push((i + 1, format!("{x}")));
            }
        }
    }
    Some(Rows {
        format,
        first,
        total,
    })
}

fn check_finite(req: &Request, role: Role, name: &str, v: &[f64]) -> Result<(), TableError> {
    match offending(req.format, v, |x| !x.is_finite()) {
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
    if let Some(w) = &mut p.weight {
        retain(w, &keep);
    }
    if let Some(g) = &mut p.groups {
        retain(&mut g.codes, &keep);
    }
}

/// Codes for a group column: text as is, numbers as their text, empty cells as `""`; labels
/// sorted so the output order does not depend on the row order.
///
/// The rows are split into one contiguous range per core; each thread codes its range against
/// its own small hash map (foldhash, with a one-entry cache for clustered payrolls), then the
/// local labels are merged, sorted, and each range's codes renumbered in place, again in
/// parallel. On 10 M interleaved rows this is a fraction of the single-threaded SipHash pass it
/// replaces.
fn group_codes(col: Column) -> Groups {
    let col = if col.dtype() == &DataType::String {
        col
    } else {
        col.cast(&DataType::String)
            .unwrap_or_else(|_| Column::new_empty(col.name().clone(), &DataType::String))
    };
    let empty = StringChunked::default();
    let ca = col.str().unwrap_or(&empty);
    let n = ca.len();
    let threads = std::thread::available_parallelism()
        .map(|t| t.get())
        .unwrap_or(1)
        .min(n.div_ceil(1 << 16))
        .max(1);
    let per = n.div_ceil(threads).max(1);
    let mut codes = vec![0u32; n];
    // Zero-copy views of each range; they outlive the threads, which borrow labels from them.
    let parts: Vec<StringChunked> = codes
        .chunks(per)
        .enumerate()
        .map(|(t, c)| ca.slice((t * per) as i64, c.len()))
        .collect();
    // Phase 1: each range gets local codes and its local labels (in first-seen order).
    let locals: Vec<Vec<&str>> = std::thread::scope(|s| {
        let handles: Vec<_> = codes
            .chunks_mut(per)
            .zip(&parts)
            .map(|(out, part)| s.spawn(move || local_codes(part, out)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("group coding thread panicked"))
            .collect()
    });
    // Merge: the distinct labels, sorted; each range's local code -> global rank.
    let mut labels: Vec<&str> = locals.iter().flatten().copied().collect();
    labels.sort_unstable();
    labels.dedup();
    let remaps: Vec<Vec<u32>> = locals
        .iter()
        .map(|local| {
            local
                .iter()
                .map(|l| labels.binary_search(l).unwrap_or(0) as u32)
                .collect()
        })
        .collect();
    // Phase 2: renumber in place, in parallel.
    std::thread::scope(|s| {
        for (out, remap) in codes.chunks_mut(per).zip(&remaps) {
            s.spawn(move || {
                for c in out {
                    *c = remap[*c as usize];
                }
            });
        }
    });
    Groups {
        labels: labels.iter().map(|l| l.to_string()).collect(),
        codes,
    }
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
            format: InputFormat::Csv,
            first: vec![(2, "abc".into()), (5, "".into())],
            total: 4,
        };
        assert_eq!(
            r.to_string(),
            "row 2 (line 3) \"abc\", row 5 (line 6) \"\" and 2 more"
        );
        let r = Rows {
            format: InputFormat::Parquet,
            ..r
        };
        assert_eq!(r.to_string(), "row 2 \"abc\", row 5 \"\" and 2 more");
    }

    #[test]
    fn group_codes_follow_sorted_labels() {
        let col = Column::new("g".into(), &[Some("b"), Some("a"), None, Some("b")]);
        let g = group_codes(col);
        assert_eq!(g.labels, vec!["", "a", "b"]);
        assert_eq!(g.codes, vec![2, 1, 0, 2]);
    }

    #[test]
    fn pieces_read_what_the_whole_file_reads() {
        // Quoted fields with commas, quotes and a line end, cut into pieces of 40 bytes.
        let mut text = String::from("id,\"group, name\",pay\n");
        for i in 0..200 {
            let g = match i % 4 {
                0 => "\"a, \"\"x\"\"\"".to_string(),
                1 => "\"b\nc\"".to_string(),
                2 => String::new(),
                _ => format!("g{}", i % 7),
            };
            text.push_str(&format!("{i},{g},{}.5\n", 100 + i));
        }
        let path =
            std::env::temp_dir().join(format!("wages-table-pieces-{}.csv", std::process::id()));
        std::fs::write(&path, &text).unwrap();
        let req = Request {
            path: &path,
            format: InputFormat::Csv,
            pay: "pay",
            group: Some("group, name"),
            weight: None,
            drop_nonpositive: false,
        };
        let mut clock = Phases::start();
        let whole = read_columns(&req, &mut clock).unwrap();
        for piece in [40, 100, 1 << 20] {
            let p = read_csv_pieces(&req, &mut clock, piece).unwrap();
            assert_eq!(p.rows_read, 200);
            assert_eq!(p.pay, whole.pay);
            assert_eq!(p.groups, whole.groups);
        }
        assert_eq!(whole.groups.as_ref().unwrap().labels.len(), 10);
        std::fs::remove_file(&path).unwrap();
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
            rows_read: 4,
            dropped_nonpositive: 0,
        };
        drop_nonpositive(&mut p);
        assert_eq!(p.pay, vec![1.0, 3.0]);
        assert_eq!(p.weight, Some(vec![1.0, 3.0]));
        assert_eq!(p.groups.unwrap().codes, vec![0, 1]);
    }
}

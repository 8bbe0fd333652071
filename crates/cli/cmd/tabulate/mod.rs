//! `wages tabulate`: published bracket tables to head-counts with rounding intervals, checks,
//! Pareto exponents, fitted distributions and Gini bounds. Input format, formulas and JSON keys:
//! docs/tabulate.md.
//!
//! This command reads the input (FILE, standard input or an example), splits it into records
//! (parse.rs), hands them to `wages_analysis::tabulation`, which checks and computes everything,
//! and lays the result out as a table, Markdown, JSON or CSV, and as charts (chart.rs).

mod chart;
mod parse;

use super::Context;
use crate::error::{CliError, Result};
use crate::output::{self, Column, Format};
use serde::Serialize;
use std::path::{Path, PathBuf};
use wages_analysis::format::fmt_num;
use wages_analysis::tabulation::format::{bracket_label, esc, fmt_estimate, short};
use wages_analysis::tabulation::{
    tabulate, GroupTabulation, Method, NoTotal, TableError, Tabulation,
};

/// Vovsi's 1924 survey as far as Pirani (2006) reports it: aggregate figures only.
const VOVSI: &str = include_str!("../../../../data/tabulations/vovsi-1924.csv");
/// A small invented table to show the format and every output (not historical).
const ILLUSTRATIVE: &str = include_str!("../../../../data/tabulations/illustrative-synthetic.csv");

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Example {
    /// Vovsi's 1924 survey of sluzhashchie, aggregate figures as reported by Pirani (2006).
    Vovsi,
    /// An invented two-institution table (synthetic, for illustration only).
    Illustrative,
}

#[derive(clap::Args)]
#[command(
    after_help = "Input: CSV with columns group,membership,lower,upper,share_percent,mean (or count instead of share_percent); see docs/tabulate.md.\nExample: wages tabulate --example vovsi"
)]
pub struct TabulateArgs {
    /// The bracket table: CSV, one row per group and bracket (see docs/tabulate.md).
    #[arg(
        value_name = "FILE",
        required_unless_present = "example",
        conflicts_with = "example"
    )]
    pub file: Option<PathBuf>,
    /// Run on a built-in example table instead of FILE.
    #[arg(long, value_enum)]
    pub example: Option<Example>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Also draw each group's fitted survival curve (log-log, with the bracket points) into DIR,
    /// as tabulate-<group>.png and .svg.
    #[arg(long, value_name = "DIR")]
    pub chart: Option<PathBuf>,
    /// Write the output to FILE (atomically: whole or not at all) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// What `wages tabulate` prints: the input's name and `#` lines, and what the library computed from it.
#[derive(Debug)]
struct TabulateOutput {
    /// The file read, or `example:vovsi`.
    input: String,
    /// The input's `#` comment lines (sources, caveats), in order.
    input_notes: Vec<String>,
    tabulation: Tabulation,
}

/// The report as written by `--format json`.
#[derive(Serialize)]
struct TabulateJson<'a> {
    input: &'a str,
    input_notes: &'a [String],
    groups: &'a [GroupTabulation],
    /// Sum over the groups (when there are several with the same brackets), else `null`.
    total: Option<&'a GroupTabulation>,
    /// Why there is no total, when there is none for several groups.
    total_note: Option<NoTotal>,
}

impl TabulateOutput {
    fn json(&self) -> TabulateJson<'_> {
        TabulateJson {
            input: &self.input,
            input_notes: &self.input_notes,
            groups: &self.tabulation.groups,
            total: self.tabulation.total.as_ref(),
            total_note: self.tabulation.total_note,
        }
    }
}

pub fn run(_ctx: &Context, args: TabulateArgs) -> Result<()> {
    let (name, text) = match (&args.example, &args.file) {
        (Some(Example::Vovsi), _) => ("example:vovsi".to_string(), VOVSI.to_string()),
        (Some(Example::Illustrative), _) => {
            ("example:illustrative".to_string(), ILLUSTRATIVE.to_string())
        }
        (None, Some(path)) => {
            let name = input_name(path);
            let text = read_input(path, &name).map_err(CliError::data)?;
            (name, text)
        }
        (None, None) => {
            return Err(CliError::usage(
                "give a table FILE or --example vovsi (see `wages tabulate --help`)",
            ))
        }
    };
    let report = build(&name, &text).map_err(|e| CliError::data(located(&name, &e)))?;
    // Charts are rendered in memory before anything is written, so a failure leaves no files.
    let charts = match &args.chart {
        Some(dir) => {
            let (files, skipped) =
                chart::render_all(&name, &all_groups(&report)).map_err(CliError::Output)?;
            Some((dir, files, skipped))
        }
        None => None,
    };
    let out = match args.format {
        Format::Json => serde_json::to_string_pretty(&report.json())
            .map(|s| s + "\n")
            .map_err(|e| CliError::Output(format!("cannot write JSON: {e}")))?,
        Format::Csv => csv_out(&report),
        Format::Markdown => markdown_out(&report),
        Format::Table => table_out(&report),
        Format::Html => html_out(&report)?,
    };
    if let Some((dir, files, skipped)) = charts {
        for path in write_charts(dir, &files)? {
            eprintln!(
                "wages: wrote {}",
                output::printable(&path.display().to_string())
            );
        }
        for (g, why) in skipped {
            eprintln!("wages: no chart for group \"{}\": {why}", short(&esc(&g)));
        }
    }
    output::emit(&out, args.out.as_deref())
}

/// Writes the chart files into `dir` all or nothing: every file goes to a temp file in `dir`
/// first, and only when all are written are they renamed into place (a rename that fails
/// removes the ones already renamed, and a folder this run created is removed again).
/// Messages name `--chart DIR`, the option that chose the folder.
fn write_charts(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Vec<PathBuf>> {
    use std::io::Write;
    let shown = |p: &Path| output::printable(&p.display().to_string()).into_owned();
    let existed = dir.exists();
    if existed && !dir.is_dir() {
        return Err(CliError::Output(format!(
            "{}: not a folder; give --chart a folder to write the charts into",
            shown(dir)
        )));
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        CliError::Output(format!(
            "{}: cannot create the chart folder: {e}; give --chart a writable folder",
            shown(dir)
        ))
    })?;
    let cleanup_dir = || {
        if !existed {
            let _ = std::fs::remove_dir(dir);
        }
    };
    let mut temps = Vec::with_capacity(files.len());
    for (file, bytes) in files {
        let path = dir.join(file);
        let fail = |e: std::io::Error| {
            CliError::Output(format!(
                "{}: cannot write the chart: {e}; give --chart a writable folder (nothing was written)",
                shown(&path)
            ))
        };
        let written = (|| {
            let mut tmp = tempfile::Builder::new()
                .prefix(".wages-")
                .suffix(".tmp")
                .tempfile_in(dir)?;
            tmp.write_all(bytes)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                tmp.as_file()
                    .set_permissions(std::fs::Permissions::from_mode(0o644))?;
            }
            tmp.as_file().sync_all()?;
            Ok(tmp)
        })();
        match written {
            Ok(tmp) => temps.push((tmp, path)),
            Err(e) => {
                drop(temps);
                cleanup_dir();
                return Err(fail(e));
            }
        }
    }
    let mut done: Vec<PathBuf> = Vec::with_capacity(temps.len());
    for (tmp, path) in temps {
        if let Err(e) = tmp.persist(&path) {
            for p in &done {
                let _ = std::fs::remove_file(p);
            }
            cleanup_dir();
            return Err(CliError::Output(format!(
                "{}: cannot write the chart: {}; give --chart a writable folder (nothing was written)",
                shown(&path),
                e.error
            )));
        }
        done.push(path);
    }
    Ok(done)
}

/// Most bytes read from a table file or stream: a bracket table is a few kilobytes, so a
/// larger input is a wrong file (or a device that never ends, such as `/dev/zero`).
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// How FILE is named in messages: `stdin` for `-`, else the path with control characters
/// escaped (a path holding a line break must not break a one-line error).
fn input_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "stdin".to_string()
    } else {
        output::printable(&path.display().to_string()).into_owned()
    }
}

/// Whether `path` is, through its chain of symbolic links, an anonymous pipe or socket
/// (`/dev/stdin` or `/dev/fd/63` from `<(zcat f)`, which link to `pipe:[...]`): a stream
/// with a writer, so opening it cannot block. A named FIFO on disk is not one.
#[cfg(unix)]
fn is_anonymous_pipe(path: &Path) -> bool {
    let mut p = path.to_path_buf();
    for _ in 0..16 {
        match std::fs::read_link(&p) {
            Ok(t) => {
                let ts = t.to_string_lossy();
                if ts.starts_with("pipe:") || ts.starts_with("socket:") {
                    return true;
                }
                p = if t.is_absolute() {
                    t
                } else {
                    p.parent().unwrap_or(Path::new("/")).join(t)
                };
            }
            Err(_) => return false,
        }
    }
    false
}

/// Why a file that is not a regular file is refused, or `None` for a pipe that can be read
/// (an anonymous pipe: standard input, process substitution).
#[cfg(unix)]
fn refused_kind(ft: &std::fs::FileType, path: &Path) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if (ft.is_fifo() || ft.is_socket()) && is_anonymous_pipe(path) {
        return None;
    }
    Some(if ft.is_fifo() {
        "a named pipe (FIFO), which may never be written to"
    } else if ft.is_char_device() {
        "a character device (such as /dev/zero or a terminal), not a text file"
    } else if ft.is_block_device() {
        "a block device, not a text file"
    } else if ft.is_socket() {
        "a socket, not a text file"
    } else {
        "not a regular file"
    })
}

#[cfg(not(unix))]
fn refused_kind(_ft: &std::fs::FileType, _path: &Path) -> Option<&'static str> {
    Some("not a regular file")
}

/// Reads FILE (or standard input for `-`) as UTF-8 text, never blocking on a named pipe
/// nobody writes to, never reading more than [`MAX_INPUT_BYTES`] from a stream or device
/// that does not end, and refusing devices, directories, UTF-16 and binary files with a
/// one-line message. A UTF-8 byte-order mark is dropped; CR-only and CRLF line ends become LF.
fn read_input(path: &Path, name: &str) -> std::result::Result<String, String> {
    use std::io::Read;
    let cap = MAX_INPUT_BYTES;
    let too_big = || {
        format!(
            "{name}: more than {} MiB; a bracket table is a small CSV: check that this is the right file",
            cap / (1024 * 1024)
        )
    };
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(cap + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{name}: cannot read standard input: {e}"))?;
    } else {
        // The type is checked before opening: opening a FIFO without a writer blocks forever.
        let meta = std::fs::metadata(path)
            .map_err(|e| format!("{name}: cannot read the file: {e}; check the path"))?;
        let ft = meta.file_type();
        if ft.is_dir() {
            return Err(format!(
                "{name}: cannot read the file: it is a directory; give the table's CSV file"
            ));
        }
        if !ft.is_file() {
            if let Some(kind) = refused_kind(&ft, path) {
                return Err(format!(
                    "{name}: {kind}; give a CSV file, or pipe the table to `wages tabulate -`"
                ));
            }
        } else if meta.len() > cap {
            return Err(too_big());
        }
        std::fs::File::open(path)
            .and_then(|f| f.take(cap + 1).read_to_end(&mut bytes))
            .map_err(|e| format!("{name}: cannot read the file: {e}; check the path"))?;
    }
    if bytes.len() as u64 > cap {
        return Err(too_big());
    }
    decode(name, bytes)
}

/// The bytes of a table as text: UTF-8 (a byte-order mark dropped), with every line end
/// (CRLF, CR) made LF; UTF-16, NUL bytes and invalid UTF-8 are refused naming the line.
fn decode(name: &str, bytes: Vec<u8>) -> std::result::Result<String, String> {
    let line_of = |i: usize| 1 + bytes[..i].iter().filter(|&&b| b == b'\n').count();
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(format!(
            "{name}: UTF-16 text (it starts with a UTF-16 byte-order mark); save the table as UTF-8 CSV"
        ));
    }
    if let Some(i) = bytes.iter().position(|&b| b == 0) {
        return Err(format!(
            "{name}: line {}: a NUL byte, so this is not a UTF-8 text file (UTF-16, or binary?); save the table as UTF-8 CSV",
            line_of(i)
        ));
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let i = e.utf8_error().valid_up_to();
            let line = 1 + e.as_bytes()[..i].iter().filter(|&&b| b == b'\n').count();
            return Err(format!(
                "{name}: not valid UTF-8 (line {line}); save the table as UTF-8 CSV"
            ));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    })
}

/// The check `wages data check` makes of each `tabulations/*.csv`: the file's bytes decoded,
/// parsed and computed exactly as `wages tabulate FILE` does (charts and output aside), so a
/// table that `tabulate` refuses with exit 1 is refused here with the same one-line message
/// (`FILE: line N: ... field ...: what is wrong; what to do`). `path` names the file in the
/// message, as FILE does for `tabulate`.
pub fn check_table(path: &Path, bytes: Vec<u8>) -> std::result::Result<(), String> {
    let name = input_name(path);
    let text = decode(&name, bytes)?;
    build(&name, &text)
        .map(|_| ())
        .map_err(|e| located(&name, &e))
}

/// `FILE: line 5: group "A", ...: what is wrong; what to do`.
fn located(name: &str, e: &TableError) -> String {
    format!("{name}: {e}")
}

/// The table's text to the report; `name` is the input as the report names it.
fn build(name: &str, text: &str) -> std::result::Result<TabulateOutput, TableError> {
    let groups = parse::parse(text)?;
    let input_notes = text
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix('#'))
        .map(|l| l.trim().to_string())
        .collect();
    Ok(TabulateOutput {
        input: name.to_string(),
        input_notes,
        tabulation: tabulate(&groups)?,
    })
}

fn num(x: f64) -> String {
    fmt_num(x).0
}

fn opt(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_string(), num)
}

fn all_groups(r: &TabulateOutput) -> Vec<&GroupTabulation> {
    r.tabulation.all_groups().collect()
}

/// A bracket of a group, as the terminal and Markdown tables show it.
struct BracketLine {
    bracket: String,
    share: String,
    count: String,
    above_share: String,
    above_count: String,
    alpha: String,
    origin: String,
}

const BRACKET_COLUMNS: &[Column<BracketLine>] = &[
    Column {
        header: "bracket (x minimum)",
        terminal: true,
        cell: |b, _| b.bracket.clone(),
    },
    Column {
        header: "share %",
        terminal: true,
        cell: |b, _| b.share.clone(),
    },
    Column {
        header: "count",
        terminal: true,
        cell: |b, _| b.count.clone(),
    },
    Column {
        header: "at or above lower: share %",
        terminal: true,
        cell: |b, _| b.above_share.clone(),
    },
    Column {
        header: "at or above lower: count",
        terminal: true,
        cell: |b, _| b.above_count.clone(),
    },
    Column {
        header: "Pareto alpha to next",
        terminal: true,
        cell: |b, _| b.alpha.clone(),
    },
    Column {
        header: "origin",
        terminal: true,
        cell: |b, _| b.origin.clone(),
    },
];

fn bracket_rows(g: &GroupTabulation) -> Vec<BracketLine> {
    g.brackets
        .iter()
        .enumerate()
        .map(|(i, b)| BracketLine {
            bracket: bracket_label(b.lower, b.upper),
            share: fmt_estimate(&b.share_percent),
            count: fmt_estimate(&b.count),
            above_share: fmt_estimate(&g.above[i].share_percent),
            above_count: fmt_estimate(&g.above[i].count),
            alpha: g
                .pareto
                .get(i)
                .and_then(|p| p.alpha.as_ref())
                .map_or_else(|| "-".into(), fmt_estimate),
            origin: b.origin.clone(),
        })
        .collect()
}

fn summary_lines(g: &GroupTabulation) -> Vec<String> {
    let mut out = vec![format!(
        "membership: {} ({})",
        fmt_estimate(&g.membership.members),
        g.membership.origin
    )];
    if let Some(m) = g.top_bracket_mean_implied {
        out.push(format!(
            "open top bracket: mean implied by the last Pareto exponent = alpha/(alpha-1) x threshold = {}",
            num(m)
        ));
    }
    for c in &g.checks {
        out.push(format!("check {} [{}]: {}", c.check, c.status, c.message));
    }
    out.push(format!("fits describe: {}", g.fit_population));
    for f in &g.fits {
        out.push(format!(
            "{}: mean {}, P50 {}, P90 {}, P99 {}, top 10% share {}, top 1% share {}, Gini {}",
            f.method,
            num(f.mean),
            opt(f.p50),
            opt(f.p90),
            opt(f.p99),
            opt(f.top10_share),
            opt(f.top1_share),
            num(f.gini)
        ));
    }
    if g.gini.lower.is_some() {
        out.push(format!(
            "Gini: fit {} ({}), bounds [{}, {}] (lower: everyone at the bracket mean; upper: everyone at a bracket end)",
            opt(g.gini.fit),
            g.gini.fit_method.map_or("-", Method::name),
            opt(g.gini.lower),
            opt(g.gini.upper)
        ));
    }
    for nf in &g.not_fitted {
        out.push(format!("not computed: {}: {}", nf.method, nf.reason));
    }
    // The `source` and `note` columns, as the file gives them (control characters escaped).
    for b in &g.brackets {
        let bracket = bracket_label(b.lower, b.upper);
        if let Some(source) = &b.source {
            out.push(format!(
                "source of {bracket}: {}",
                output::printable(source)
            ));
        }
        if let Some(note) = &b.note {
            out.push(format!("note on {bracket}: {}", output::printable(note)));
        }
    }
    out
}

fn table_out(r: &TabulateOutput) -> String {
    let mut s = String::new();
    for n in &r.input_notes {
        s.push_str(&format!("# {}\n", output::printable(n)));
    }
    for g in all_groups(r) {
        s.push_str(&format!("\nGroup \"{}\"\n", output::printable(&g.group)));
        s.push_str(&output::export(
            Format::Table,
            BRACKET_COLUMNS,
            &bracket_rows(g),
            |_| {},
        ));
        for l in summary_lines(g) {
            s.push_str(&format!("  {l}\n"));
        }
    }
    if let Some(n) = &r.tabulation.total_note {
        s.push_str(&format!("\n{n}\n"));
    }
    s.push_str("\nIntervals follow from the printed rounding of shares and the qualifiers of counts; see docs/tabulate.md.\n");
    s
}

/// The page of `--format html` (crates/cli/html/tabulate.rs): per group its bracket table (the
/// same columns, through the shared exporter), its summary lines and its survival curve.
fn html_out(r: &TabulateOutput) -> Result<String> {
    let groups = all_groups(r);
    let (charts, skipped) = chart::svgs(&r.input, &groups).map_err(CliError::Output)?;
    let parts: Vec<crate::html::tabulate::Group> = groups
        .iter()
        .map(|g| crate::html::tabulate::Group {
            name: g.group.clone(),
            table: output::export(Format::Html, BRACKET_COLUMNS, &bracket_rows(g), |_| {}),
            lines: {
                // The bracket means (given, or the total's), which the table has no column for.
                let mut lines = summary_lines(g);
                let means: Vec<String> = g
                    .brackets
                    .iter()
                    .filter_map(|b| {
                        b.mean
                            .map(|m| format!("{}: {}", bracket_label(b.lower, b.upper), num(m)))
                    })
                    .collect();
                if !means.is_empty() {
                    lines.push(format!(
                        "bracket means (x the minimum): {}",
                        means.join("; ")
                    ));
                }
                lines
            },
        })
        .collect();
    Ok(crate::html::tabulate::page(
        &r.input,
        &r.input_notes,
        &parts,
        r.tabulation.total_note.map(|n| n.to_string()),
        charts,
        &skipped,
    ))
}

fn markdown_out(r: &TabulateOutput) -> String {
    let md = |t: &str| output::markdown_cell(&output::printable(t));
    let mut s = format!("# Bracket table: {}\n\n", md(&r.input));
    for n in &r.input_notes {
        s.push_str(&format!("> {}\n", md(n)));
    }
    for g in all_groups(r) {
        s.push_str(&format!("\n## {}\n\n", md(&g.group)));
        s.push_str(&output::export(
            Format::Markdown,
            BRACKET_COLUMNS,
            &bracket_rows(g),
            |_| {},
        ));
        s.push('\n');
        for l in summary_lines(g) {
            s.push_str(&format!("- {}\n", md(&l)));
        }
    }
    if let Some(n) = &r.tabulation.total_note {
        s.push_str(&format!("\n{}\n", md(&n.to_string())));
    }
    s
}

/// A label for a CSV cell: RFC 4180 quoting carries line feeds and tabs, which stay as they
/// are (a label read back is the label written); every other control character (ESC, BEL,
/// NUL, a carriage return) is written as its escape (`\u{1b}`), so that printing the CSV in a
/// terminal cannot run a control sequence.
fn csv_safe(s: &str) -> String {
    s.split(['\n', '\t'])
        .map(|part| output::printable(part).into_owned())
        .zip(
            s.matches(['\n', '\t'])
                .map(Some)
                .chain(std::iter::once(None)),
        )
        .map(|(part, sep)| part + sep.unwrap_or(""))
        .collect()
}

/// One bracket of the long CSV format; the field names are the header, in this order
/// (docs/tabulate.md).
#[derive(Default, serde::Serialize)]
struct CsvBracket {
    group: String,
    lower: String,
    upper: String,
    share_percent: String,
    share_percent_lo: String,
    share_percent_hi: String,
    count: String,
    count_lo: String,
    count_hi: String,
    above_share_percent: String,
    above_share_percent_lo: String,
    above_share_percent_hi: String,
    above_count: String,
    above_count_lo: String,
    above_count_hi: String,
    pareto_alpha_to_next: String,
    origin: String,
    source: String,
    note: String,
}

fn csv_out(r: &TabulateOutput) -> String {
    let f = |x: f64| format!("{x}");
    let o = |x: Option<f64>| x.map_or_else(String::new, |v| format!("{v}"));
    let text = |x: &Option<String>| x.as_deref().map_or_else(String::new, csv_safe);
    let mut rows = Vec::new();
    for g in all_groups(r) {
        for (i, b) in g.brackets.iter().enumerate() {
            let a = &g.above[i];
            rows.push(CsvBracket {
                group: csv_safe(&g.group),
                lower: f(b.lower),
                upper: o(b.upper),
                share_percent: f(b.share_percent.value()),
                share_percent_lo: o(b.share_percent.lo()),
                share_percent_hi: o(b.share_percent.hi()),
                count: f(b.count.value()),
                count_lo: o(b.count.lo()),
                count_hi: o(b.count.hi()),
                above_share_percent: f(a.share_percent.value()),
                above_share_percent_lo: o(a.share_percent.lo()),
                above_share_percent_hi: o(a.share_percent.hi()),
                above_count: f(a.count.value()),
                above_count_lo: o(a.count.lo()),
                above_count_hi: o(a.count.hi()),
                pareto_alpha_to_next: o(g.pareto.get(i).and_then(|p| p.alpha.map(|x| x.value()))),
                origin: b.origin.clone(),
                source: text(&b.source),
                note: text(&b.note),
            });
        }
    }
    output::csv_serialize(&rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON shape is unchanged by the typed result: figures are `{value, lo, hi}` with
    /// `null` for an open end, statuses and names are the words of docs/tabulate.md, and a
    /// bracket carries the `source` and `note` of its row.
    #[test]
    fn json_keeps_its_shape() {
        let r = build("example:vovsi", VOVSI).unwrap();
        let j = serde_json::to_value(r.json()).unwrap();
        let g = &j["groups"][0];
        assert_eq!(
            g["above"][0]["count"],
            serde_json::json!({"value": 80000.0, "lo": 80000.0, "hi": 90000.0})
        );
        assert_eq!(g["checks"][0]["check"], "shares-sum");
        assert_eq!(g["checks"][0]["status"], "note");
        assert_eq!(g["fits"][0]["method"], "mean-split histogram");
        assert_eq!(g["not_fitted"][1]["method"], "Gini bounds");
        assert!(g["membership"]["origin"]
            .as_str()
            .unwrap()
            .starts_with("derived (the source gives no membership)"));
        assert!(g["brackets"][0]["source"]
            .as_str()
            .unwrap()
            .contains("13.8% of sluzhashchie"));
        assert!(g["brackets"][0]["note"].is_null());
        assert!(j["total"].is_null() && j["total_note"].is_null());
    }

    /// Messages are the library's, with the input's name in front.
    #[test]
    fn errors_name_the_file() {
        let e = build(
            "t.csv",
            "group,membership,lower,upper,share_percent\nA,1000,8,15,abc\n",
        )
        .unwrap_err();
        assert!(located("t.csv", &e)
            .starts_with("t.csv: line 2: group \"A\", bracket [8, 15), field `share_percent`: `abc` is not a number"));
    }
}

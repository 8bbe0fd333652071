//! The output model shared by the subcommands: formats; a command's table as a const registry
//! of [`Column`]s over its typed rows, rendered by one exporter ([`export`]) for the terminal,
//! Markdown and CSV (the csv crate; typed rows can also go through [`csv_serialize`], whose
//! header is the row's field names); the escaping of dataset text for each; stdout; atomic
//! file writes. JSON is each command's serde of its typed result.

use crate::error::{CliError, Result};
use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

/// Numbers as the payroll commands' tables show them (`wages analyze`, `wages gap`).
#[cfg_attr(not(feature = "table"), allow(dead_code))]
pub mod numbers {
    /// `-0.0` (an empty sum) as `0`.
    pub fn unsigned_zero(x: f64) -> f64 {
        if x == 0.0 {
            0.0
        } else {
            x
        }
    }

    /// A level of pay: two decimals, six below 1.
    pub fn level(x: f64) -> String {
        let x = unsigned_zero(x);
        if x.abs() >= 1.0 || x == 0.0 {
            format!("{x:.2}")
        } else {
            format!("{x:.6}")
        }
    }

    /// A ratio: three decimals.
    pub fn ratio(x: f64) -> String {
        format!("{x:.3}")
    }

    /// A count of people: whole, or two decimals for a weighted count.
    pub fn count(x: f64) -> String {
        if x.fract() == 0.0 && x.abs() < 1e15 {
            format!("{x:.0}")
        } else {
            format!("{x:.2}")
        }
    }

    /// Full precision for JSON and CSV: Rust's shortest round-trip form.
    pub fn full(x: f64) -> String {
        format!("{}", unsigned_zero(x))
    }
}

/// The text formats every tabular command offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A readable table for the terminal.
    Table,
    /// A Markdown table (GitHub-flavoured).
    Markdown,
    /// JSON (each command's keys are documented under docs/).
    Json,
    /// CSV (RFC 4180).
    Csv,
    /// One self-contained HTML page: inline CSS and SVG charts, no script, nothing fetched
    /// (docs/html.md).
    Html,
}

/// Text from a user's file (a label, a column name, a quote) made safe to show on one line of a
/// terminal, in a message, in a table cell or in an SVG `<text>`: every control character (C0,
/// DEL and C1: a line break, a tab, ESC, BEL, NUL) is written as its Rust escape (`\n`, `\t`,
/// `\u{1b}`). Printable text, non-ASCII letters included, is returned unchanged without a copy.
/// One rule for the whole program: the dataset loader's messages use the same function.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    wages_data::escape_text(s)
}

/// A terminal table with the house style: no outer frame clutter, wraps to the terminal width.
pub fn terminal_table(header: &[&str]) -> TerminalTable {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
        .set_header(header.iter().copied());
    if let Some((w, _)) = terminal_width() {
        t.set_width(w);
    } else {
        t.set_width(160);
    }
    TerminalTable(t)
}

/// Longest cell that is wrapped to the terminal width. comfy-table's wrapping takes time
/// quadratic in a cell's length (a 100 KB label took minutes); a table holding a longer cell
/// is printed unwrapped instead, in time linear in its size.
const MAX_WRAPPED_CELL: usize = 2000;

/// A [`comfy_table::Table`] (everything of it through `Deref`) whose `Display` stays linear in
/// the size of its cells: see [`MAX_WRAPPED_CELL`].
pub struct TerminalTable(comfy_table::Table);

impl std::ops::Deref for TerminalTable {
    type Target = comfy_table::Table;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for TerminalTable {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl std::fmt::Display for TerminalTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let long = self
            .0
            .row_iter()
            .flat_map(|r| r.cell_iter())
            .any(|c| c.content().len() > MAX_WRAPPED_CELL);
        if long {
            let mut t = self.0.clone();
            t.set_content_arrangement(comfy_table::ContentArrangement::Disabled);
            for c in t.column_iter_mut() {
                c.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
            }
            write!(f, "{t}")
        } else {
            write!(f, "{}", self.0)
        }
    }
}

fn terminal_width() -> Option<(u16, u16)> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .map(|w| (w, 0))
}

/// `s` with every control character written as its Rust escape (`\u{1b}`), as
/// [`printable`] does, except those in `keep`. Text without control characters is
/// returned as it is, without a copy.
fn escape_controls_except<'a>(s: &'a str, keep: &[char]) -> Cow<'a, str> {
    if !s.chars().any(|c| c.is_control() && !keep.contains(&c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() && !keep.contains(&c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Dataset text for a terminal table cell: a line break stays one (the cell takes several
/// lines; `\r\n` counts as one), every other control character (a tab, ESC, BEL, NUL) is
/// escaped so nothing raw reaches the terminal.
///
/// Lines longer than [`MAX_CELL_LINE`] characters are folded (at a space where there is one):
/// comfy-table measures a cell's width in `u16`, and a cell line of 100,000 characters
/// overflows it (a panic in debug builds, a garbled table in release). The terminal is far
/// narrower, so the table wraps such lines anyway; the folding only changes where.
pub fn table_text(s: &str) -> Cow<'_, str> {
    let escaped = if s.contains('\r') {
        Cow::Owned(escape_controls_except(&s.replace("\r\n", "\n"), &['\n']).into_owned())
    } else {
        escape_controls_except(s, &['\n'])
    };
    if escaped.len() <= MAX_CELL_LINE {
        return escaped;
    }
    Cow::Owned(fold_lines(&escaped, MAX_CELL_LINE))
}

/// The longest line of a terminal table cell; see [`table_text`].
pub const MAX_CELL_LINE: usize = 1000;

/// `s` with every line of more than `max` characters broken into lines of at most `max`: after
/// the last space within the limit, or at the limit when there is none. Linear in `s`.
fn fold_lines(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / max + 1);
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut rest = line;
        loop {
            // Byte offset just past `max` characters, if the line is longer.
            let Some((cut, _)) = rest.char_indices().nth(max) else {
                out.push_str(rest);
                break;
            };
            let head = &rest[..cut];
            let at = match head.rfind(' ') {
                Some(sp) if sp > 0 => sp,
                _ => cut,
            };
            out.push_str(&rest[..at]);
            out.push('\n');
            rest = rest[at..].strip_prefix(' ').unwrap_or(&rest[at..]);
        }
    }
    out
}

/// Dataset text for a Markdown cell, before [`markdown_cell`]: control characters
/// escaped except line breaks, which `markdown_cell` turns into spaces.
pub fn markdown_text(s: &str) -> Cow<'_, str> {
    escape_controls_except(s, &['\n', '\r'])
}

/// Dataset text for a CSV field: line breaks and tabs are kept (the field is quoted per RFC
/// 4180), every other control character is escaped. A validated dataset holds no others
/// (see data/README.md), so nothing a loader accepts is changed.
pub fn csv_field_text(s: &str) -> Cow<'_, str> {
    escape_controls_except(s, &['\n', '\r', '\t'])
}

/// Dataset text for an HTML cell, before the page escapes it: line breaks kept (the cell shows
/// them), every other control character escaped, as for the terminal.
pub fn html_text(s: &str) -> Cow<'_, str> {
    escape_controls_except(s, &['\n'])
}

/// One column of a command's table: its header, whether the terminal shows it, and how a row
/// gives its cell in a format. A command lists its columns once, as a const registry; every
/// exporter ([`export`]) takes header and cell from the same entry, so they cannot drift.
pub struct Column<R> {
    pub header: &'static str,
    /// Shown in the terminal table (Markdown and CSV show every column).
    pub terminal: bool,
    pub cell: fn(&R, Format) -> String,
}

/// A command's table in `format`, from typed rows and their columns: the terminal table (cells
/// escaped for a terminal), Markdown (escaped by `markdown_text`, then [`markdown_cell`]), or
/// CSV (by the csv crate). JSON is each command's serde of its typed result, not a table.
pub fn export<R>(
    format: Format,
    columns: &[Column<R>],
    rows: &[R],
    tweak: impl FnOnce(&mut TerminalTable),
) -> String {
    let shown: Vec<&Column<R>> = match format {
        Format::Table => columns.iter().filter(|c| c.terminal).collect(),
        _ => columns.iter().collect(),
    };
    let header: Vec<&str> = shown.iter().map(|c| c.header).collect();
    render_table(
        format,
        &header,
        rows,
        |r, i| (shown[i].cell)(r, format),
        tweak,
    )
}

/// A column whose presence or header depends on the options (weights, the caps asked for):
/// built at run time, with its cell as a closure. Its header and cell stay one entry.
#[cfg_attr(not(feature = "table"), allow(dead_code))]
pub struct DynColumn<'a, R> {
    header: String,
    cell: Box<dyn Fn(&R) -> String + 'a>,
}

#[cfg_attr(not(feature = "table"), allow(dead_code))]
impl<'a, R> DynColumn<'a, R> {
    pub fn new(header: impl Into<String>, cell: impl Fn(&R) -> String + 'a) -> Self {
        DynColumn {
            header: header.into(),
            cell: Box::new(cell),
        }
    }
}

/// [`export`] for columns built at run time.
#[cfg_attr(not(feature = "table"), allow(dead_code))]
pub fn export_dyn<R>(format: Format, columns: &[DynColumn<R>], rows: &[R]) -> String {
    let header: Vec<&str> = columns.iter().map(|c| c.header.as_str()).collect();
    render_table(format, &header, rows, |r, i| (columns[i].cell)(r), |_| {})
}

/// The one exporter: a header and a cell per (row, column index), in a format.
fn render_table<R>(
    format: Format,
    header: &[&str],
    rows: &[R],
    cell: impl Fn(&R, usize) -> String,
    tweak: impl FnOnce(&mut TerminalTable),
) -> String {
    let cells = |text: fn(&str) -> std::borrow::Cow<'_, str>| -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| {
                (0..header.len())
                    .map(|i| text(&cell(r, i)).into_owned())
                    .collect()
            })
            .collect()
    };
    match format {
        Format::Table => {
            let mut t = terminal_table(header);
            tweak(&mut t);
            for r in cells(table_text) {
                t.add_row(r);
            }
            format!("{t}\n")
        }
        Format::Markdown => markdown_table(header, &cells(markdown_text)),
        Format::Csv | Format::Json => csv_text(header, &cells(csv_field_text)),
        Format::Html => crate::html::table(header, &cells(html_text)),
    }
}

/// Escapes a cell for a Markdown table: pipes, newlines and HTML-significant characters, so a
/// label from user data can neither add columns nor inject markup.
pub fn markdown_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '`' => out.push_str("\\`"),
            '*' | '_' | '[' | ']' | '\\' => {
                out.push('\\');
                out.push(c)
            }
            c => out.push(c),
        }
    }
    out
}

/// A Markdown table from a header and rows (cells escaped).
pub fn markdown_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "| {} |\n",
        header
            .iter()
            .map(|h| markdown_cell(h))
            .collect::<Vec<_>>()
            .join(" | ")
    ));
    s.push_str(&format!(
        "|{}\n",
        header.iter().map(|_| "---|").collect::<String>()
    ));
    for r in rows {
        s.push_str(&format!(
            "| {} |\n",
            r.iter()
                .map(|c| markdown_cell(c))
                .collect::<Vec<_>>()
                .join(" | ")
        ));
    }
    s
}

/// CSV text from a header and rows, written by the csv crate (RFC 4180: a field is quoted when
/// it holds a comma, a quote or a line break). Line breaks and tabs inside a field are kept
/// (quoting carries them); every other control character (ESC, BEL, NUL) is escaped, so no
/// command's CSV can carry one to a terminal or a spreadsheet.
pub fn csv_text(header: &[&str], rows: &[Vec<String>]) -> String {
    fn field(s: &str) -> std::borrow::Cow<'_, str> {
        if !s
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return std::borrow::Cow::Borrowed(s);
        }
        std::borrow::Cow::Owned(
            s.chars()
                .map(|c| match c {
                    '\n' | '\r' | '\t' => c.to_string(),
                    c if c.is_control() => c.escape_debug().to_string(),
                    c => c.to_string(),
                })
                .collect(),
        )
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .quote_style(csv::QuoteStyle::Necessary)
        .flexible(true)
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail; a record of the wrong length would be a bug, caught by
    // the tests (every command's CSV is parsed back in them).
    let _ = w.write_record(header.iter().map(|h| field(h).into_owned()));
    for r in rows {
        let _ = w.write_record(r.iter().map(|c| field(c).into_owned()));
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// CSV text from typed rows, written by the csv crate: the header is the field names of `T`
/// (serde), in declaration order, so it cannot drift from the cells. Control characters other
/// than line breaks and tabs are escaped as in [`csv_text`] (the writer itself adds none, so
/// escaping the written text is escaping every field). With no rows, the header alone (taken
/// from a default row).
pub fn csv_serialize<T: serde::Serialize + Default>(rows: &[T]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    for row in rows {
        // Rows of one struct type serialize alike; writing to a Vec cannot fail.
        let _ = w.serialize(row);
    }
    if rows.is_empty() {
        let _ = w.serialize(T::default());
    }
    let mut text = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    if rows.is_empty() {
        let header_end = text.find('\n').map_or(text.len(), |i| i + 1);
        text.truncate(header_end);
    }
    csv_field_text(&text).into_owned()
}

/// A command's output: to `--out FILE` (atomically: the file appears whole or not at all), or
/// to standard output without it.
pub fn emit(text: &str, out: Option<&Path>) -> Result<()> {
    match out {
        Some(path) => write_atomic(path, text.as_bytes()),
        None => print(text),
    }
}

/// Writes stdout text, treating a closed pipe (`wages report | head`) as success.
pub fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::Output(format!(
            "cannot write to standard output: {e}"
        ))),
    }
}

/// Writes `bytes` to `path` atomically: a temp file in the same folder, then a rename, so the
/// file appears whole or not at all, and a failed run leaves nothing behind.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let fail = |what: &str, e: std::io::Error| {
        CliError::Output(format!(
            "{}: cannot {what}: {e}; choose a writable folder with --out",
            path.display()
        ))
    };
    interrupt::install();
    let mut tmp = tempfile::Builder::new()
        .prefix(".wages-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| fail("create a file there", e))?;
    // Removed by the signal handler if the run is interrupted before the rename.
    let _pending = interrupt::Pending::new(tmp.path());
    tmp.write_all(bytes).map_err(|e| fail("write", e))?;
    if let Some(ms) = std::env::var_os("WAGES_TEST_HOLD_TEMP_MS") {
        // Test hook (tests/all/signals.rs): hold the temp file so an interrupt can be sent while
        // it exists.
        let ms = ms.to_string_lossy().parse().unwrap_or(0);
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
    // tempfile creates 0600; an output file should be readable like any other (0644).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(|e| fail("set permissions on", e))?;
    }
    tmp.as_file().sync_all().map_err(|e| fail("write", e))?;
    tmp.persist(path)
        .map_err(|e| fail("rename into place", e.error))?;
    Ok(())
}

/// Interrupts (Ctrl-C, `kill`, a closed terminal) must not leave `.wages-*.tmp` files: while a
/// temp file exists its path is held in a slot, and a handler for SIGINT, SIGTERM and SIGHUP
/// removes the held files and then ends the process as the signal would have.
mod interrupt {
    use std::sync::atomic::{AtomicPtr, Ordering};

    const SLOTS: usize = 16;
    static HELD: [AtomicPtr<libc::c_char>; SLOTS] =
        [const { AtomicPtr::new(std::ptr::null_mut()) }; SLOTS];
    static INSTALL: std::sync::Once = std::sync::Once::new();

    extern "C" fn on_signal(sig: libc::c_int) {
        for slot in &HELD {
            let p = slot.swap(std::ptr::null_mut(), Ordering::SeqCst);
            if !p.is_null() {
                // SAFETY: unlink is async-signal-safe; `p` is a NUL-terminated path leaked by
                // `Pending::new` and never freed while held.
                unsafe { libc::unlink(p) };
            }
        }
        // SAFETY: async-signal-safe calls; the default action ends the process with `sig`.
        unsafe {
            libc::signal(sig, libc::SIG_DFL);
            libc::raise(sig);
        }
    }

    pub fn install() {
        INSTALL.call_once(|| {
            for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                // SAFETY: the handler only makes async-signal-safe calls.
                unsafe {
                    libc::signal(sig, on_signal as *const () as libc::sighandler_t);
                }
            }
        });
    }

    /// A temp file's path, held for the handler until dropped.
    pub struct Pending(Option<usize>);

    impl Pending {
        pub fn new(path: &std::path::Path) -> Pending {
            use std::os::unix::ffi::OsStrExt;
            let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
                return Pending(None);
            };
            let p = c.into_raw();
            for (i, slot) in HELD.iter().enumerate() {
                if slot
                    .compare_exchange(std::ptr::null_mut(), p, Ordering::SeqCst, Ordering::SeqCst)
                    .is_ok()
                {
                    return Pending(Some(i));
                }
            }
            // SAFETY: `p` came from `into_raw` above and was not stored.
            drop(unsafe { std::ffi::CString::from_raw(p) });
            Pending(None)
        }
    }

    impl Drop for Pending {
        fn drop(&mut self) {
            if let Some(i) = self.0 {
                let p = HELD[i].swap(std::ptr::null_mut(), Ordering::SeqCst);
                if !p.is_null() {
                    // SAFETY: stored by `new` from `into_raw`; swapped out, so the handler can
                    // no longer see it.
                    drop(unsafe { std::ffi::CString::from_raw(p) });
                }
            }
        }
    }
}

/// Writes `files` (`(name, bytes)`) into `dir` (created if needed), each atomically. If any
/// write fails, the files already written by this call (and the folder, if this call created
/// it) are removed again. `option` is the option that named `dir`, for messages.
#[cfg_attr(not(feature = "table"), allow(dead_code))]
pub fn write_files(dir: &Path, files: &[(String, Vec<u8>)], option: &str) -> Result<()> {
    let named = |e: CliError| match e {
        CliError::Output(m) => CliError::Output(m.replace("--out", option)),
        e => e,
    };
    let existed = dir.is_dir();
    ensure_dir(dir).map_err(named)?;
    let mut written: Vec<std::path::PathBuf> = Vec::new();
    for (name, bytes) in files {
        let path = dir.join(name);
        if let Err(e) = write_atomic(&path, bytes) {
            for p in &written {
                let _ = std::fs::remove_file(p);
            }
            if !existed {
                let _ = std::fs::remove_dir(dir);
            }
            return Err(named(e));
        }
        written.push(path);
    }
    Ok(())
}

/// Creates the output folder if needed, with a one-line error when it cannot.
pub fn ensure_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| {
        CliError::Output(format!(
            "{}: cannot create the output folder: {e}; choose a writable folder with --out",
            dir.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn table_text_keeps_line_breaks_and_escapes_other_controls() {
        assert!(matches!(table_text("plain é"), Cow::Borrowed(_)));
        assert_eq!(table_text("a\nb"), "a\nb");
        assert_eq!(table_text("a\r\nb\tc"), "a\nb\\tc");
        assert_eq!(
            table_text("\u{1b}[2J\u{7}\0\u{1}\r"),
            "\\u{1b}[2J\\u{7}\\0\\u{1}\\r"
        );
    }

    #[test]
    fn long_cell_lines_are_folded_at_spaces_without_losing_text() {
        let words = "word ".repeat(40_000);
        let folded = table_text(&words);
        assert!(folded.lines().all(|l| l.chars().count() <= MAX_CELL_LINE));
        assert_eq!(folded.replace('\n', " ").trim_end(), words.trim_end());
        // No space to break at: cut at the limit.
        let solid = "é".repeat(2500);
        let folded = table_text(&solid);
        let lens: Vec<usize> = folded.lines().map(|l| l.chars().count()).collect();
        assert_eq!(lens, vec![1000, 1000, 500]);
        assert_eq!(folded.replace('\n', ""), solid);
        // Short text is untouched.
        assert!(matches!(table_text(&"x".repeat(1000)), Cow::Borrowed(_)));
    }

    #[test]
    fn markdown_and_csv_text_escape_what_their_format_cannot_carry() {
        assert_eq!(markdown_text("a\nb\tc\u{1b}"), "a\nb\\tc\\u{1b}");
        assert_eq!(csv_field_text("a\r\nb\tc\u{1b}\0"), "a\r\nb\tc\\u{1b}\\0");
        assert!(matches!(csv_field_text("a,b"), Cow::Borrowed(_)));
    }

    use super::*;

    #[test]
    fn printable_escapes_control_characters_only() {
        assert_eq!(printable("Institution \u{e9}"), "Institution \u{e9}");
        assert!(matches!(printable("plain"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(printable("a\nb\tc"), "a\\nb\\tc");
        assert_eq!(printable("\u{1b}[31mred\u{7}"), "\\u{1b}[31mred\\u{7}");
        assert_eq!(printable("nul\0"), "nul\\0");
        assert_eq!(printable("c1\u{85}"), "c1\\u{85}");
    }

    #[test]
    fn csv_keeps_line_breaks_and_tabs_and_escapes_other_controls() {
        let text = csv_text(
            &["g"],
            &[vec!["a\nb\tc".into()], vec!["\u{1b}x\u{7}".into()]],
        );
        assert_eq!(text, "g\n\"a\nb\tc\"\n\\u{1b}x\\u{7}\n");
    }
}

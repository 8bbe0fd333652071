//! Loading a dataset directory and validating every field, reporting every problem found.
//!
//! Layout (see `data/README.md`):
//! - `figures/*.toml`: `[[figure]]` records,
//! - `grade-rules.toml` (optional): `[[rule]]` records,
//! - `scales/*.toml` (optional): one `[scale]` table with `[[scale.grade]]` rows each,
//! - `derivations/*.toml` (optional): the ledger (`[[section]]`, `[[assumption]]`,
//!   `[[derived]]`, `[[check]]`, `[[chart]]`), validated against the whole dataset.

pub(crate) mod charts;
mod derivations;

use crate::error::{escape_text, DataError, DataErrors};
use crate::model::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use toml::{Table, Value as Toml};

/// A file of a dataset: its path relative to the dataset root, and its bytes.
pub struct SourceFile {
    pub rel_path: PathBuf,
    pub bytes: Vec<u8>,
}

/// The most read from one dataset file. A dataset file is hand-written TOML (the shipped ones
/// are a few dozen KB): anything larger is not one, and a file that never ends (a link to
/// `/dev/zero`, a growing log) must not take all memory.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The most read from all the files of one dataset together, so that a folder of many large
/// files cannot take all memory either.
pub const MAX_DATASET_BYTES: u64 = 256 * 1024 * 1024;

/// The files of a dataset directory that could be read, and a problem for each that could not.
pub struct ReadFiles {
    pub files: Vec<SourceFile>,
    pub errors: Vec<DataError>,
    /// Whether some `figures/*.toml` exists but could not be read (so "no figures files" would
    /// be a second, misleading message about the same problem).
    pub unreadable_figures: bool,
}

/// Reads the files of the layout from a directory on disk. Every file is checked before it is
/// opened: only regular files are read (a FIFO would block forever, a device never end), and
/// at most [`MAX_FILE_BYTES`] of each. A problem with one file does not stop the others being
/// read, so `data check` lists every problem.
pub fn read_dir_files(dir: &Path) -> Result<ReadFiles, DataErrors> {
    let mut out = ReadFiles {
        files: Vec::new(),
        errors: Vec::new(),
        unreadable_figures: false,
    };
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(m) => {
            return Err(DataErrors(vec![DataError::Io {
                path: dir.to_path_buf(),
                message: format!(
                    "not a directory ({}); pass a dataset directory laid out like data/ (figures/*.toml)",
                    kind_of(&m.file_type())
                ),
            }]))
        }
        Err(e) => {
            return Err(DataErrors(vec![DataError::Io {
                path: dir.to_path_buf(),
                message: match missing_or(dir, &e) {
                    None => "no such directory; pass a dataset directory laid out like data/ (figures/*.toml)".into(),
                    Some(why) => format!("{why}; pass a dataset directory laid out like data/ (figures/*.toml)"),
                },
            }]))
        }
    }
    for sub in ["figures", "scales", "derivations"] {
        let subdir = dir.join(sub);
        match std::fs::metadata(&subdir) {
            Ok(m) if m.is_dir() => {}
            Ok(m) => {
                out.errors.push(DataError::Io {
                    path: subdir,
                    message: format!(
                        "not a directory ({}); {sub}/ must be a folder of .toml files",
                        kind_of(&m.file_type())
                    ),
                });
                out.unreadable_figures |= sub == "figures";
                continue;
            }
            Err(e) => {
                // Absent is fine (scales/ is optional; a dataset without figures/ is reported
                // by the parser); a broken or looping link is not.
                if let Some(why) = missing_or(&subdir, &e) {
                    out.errors.push(DataError::Io {
                        path: subdir,
                        message: format!("{why}; {sub}/ must be a folder of .toml files"),
                    });
                    out.unreadable_figures |= sub == "figures";
                }
                continue;
            }
        }
        let entries = match std::fs::read_dir(&subdir) {
            Ok(entries) => entries,
            Err(e) => {
                out.errors.push(DataError::Io {
                    path: subdir,
                    message: format!("{e}; check the folder's permissions"),
                });
                out.unreadable_figures |= sub == "figures";
                continue;
            }
        };
        let mut paths = Vec::new();
        for e in entries {
            match e {
                Ok(e) => paths.push(e.path()),
                Err(e) => out.errors.push(DataError::Io {
                    path: subdir.clone(),
                    message: format!("cannot list the folder: {e}"),
                }),
            }
        }
        paths.retain(|p| p.extension().is_some_and(|x| x == "toml"));
        paths.sort();
        for p in paths {
            if !read_one(dir, &p, &mut out) {
                out.unreadable_figures |= sub == "figures";
            }
        }
    }
    let rules = dir.join("grade-rules.toml");
    match std::fs::symlink_metadata(&rules) {
        Ok(_) => {
            read_one(dir, &rules, &mut out);
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => out.errors.push(DataError::Io {
            path: rules,
            message: e.to_string(),
        }),
    }
    Ok(out)
}

/// For a path whose `metadata` failed: `None` if nothing is there at all, else why it cannot be
/// followed (a link to nothing, a loop of links, no permission).
pub fn missing_or(path: &Path, e: &std::io::Error) -> Option<String> {
    let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    match e.kind() {
        std::io::ErrorKind::NotFound if !link => None,
        std::io::ErrorKind::NotFound => Some(format!(
            "a symbolic link to {}, which does not exist",
            link_target(path)
        )),
        _ if e.raw_os_error() == Some(ELOOP) => {
            Some("a loop of symbolic links (too many levels)".into())
        }
        std::io::ErrorKind::PermissionDenied => Some(format!(
            "{e}; check the permissions of the file and its folders"
        )),
        _ => Some(e.to_string()),
    }
}

/// `ELOOP` ("too many levels of symbolic links"), which std has no stable `ErrorKind` for.
#[cfg(any(target_os = "linux", target_os = "android"))]
const ELOOP: i32 = 40;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const ELOOP: i32 = 62;

fn link_target(path: &Path) -> String {
    std::fs::read_link(path)
        .map(|t| escape_text(&t.display().to_string()).into_owned())
        .unwrap_or_else(|_| "?".into())
}

/// "a FIFO", "a directory", ...: what a path is when it is not a regular file.
pub fn kind_of(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a directory"
    } else if t.is_file() {
        "a regular file"
    } else {
        "a special file"
    }
}

/// Reads one dataset file; on failure records why and returns false.
fn read_one(root: &Path, path: &Path, out: &mut ReadFiles) -> bool {
    let read: usize = out.files.iter().map(|f| f.bytes.len()).sum();
    if read as u64 >= MAX_DATASET_BYTES {
        out.errors.push(DataError::Io {
            path: path.to_path_buf(),
            message: format!(
                "the dataset's files before it already hold {} MiB, more than a dataset can; remove the files that are not dataset files",
                MAX_DATASET_BYTES / (1024 * 1024)
            ),
        });
        return false;
    }
    match read_capped(path) {
        Ok(bytes) => {
            out.files.push(SourceFile {
                rel_path: path.strip_prefix(root).unwrap_or(path).to_path_buf(),
                bytes,
            });
            true
        }
        Err(message) => {
            out.errors.push(DataError::Io {
                path: path.to_path_buf(),
                message,
            });
            false
        }
    }
}

/// What a file of a dataset folder is, for the messages of [`read_regular_file`].
pub struct FileRole {
    /// Who holds such files, for "… holds only regular .EXT files": "a dataset", "tabulations/".
    pub holder: &'static str,
    /// The extension the folder's files have: "toml", "csv".
    pub ext: &'static str,
    /// What to do about a file over the limit: "too large for a dataset file; split it, ...".
    pub too_big: &'static str,
    /// The limit, in bytes.
    pub max_bytes: u64,
}

/// The dataset's own files: `figures/`, `scales/`, `derivations/`, `grade-rules.toml`.
const DATASET_FILE: FileRole = FileRole {
    holder: "a dataset",
    ext: "toml",
    too_big: "too large for a dataset file; split it, or remove it if it is not a dataset file",
    max_bytes: MAX_FILE_BYTES,
};

fn read_capped(path: &Path) -> Result<Vec<u8>, String> {
    read_regular_file(path, &DATASET_FILE)
}

/// The bytes of a regular file of at most `role.max_bytes`; anything else is refused before it
/// is opened (opening a FIFO blocks until a writer comes), with a message saying what it is.
pub fn read_regular_file(path: &Path, role: &FileRole) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let max = role.max_bytes;
    let special = |kind: &str| {
        format!(
            "not a regular file ({kind}); {} holds only regular .{} files: replace it with one, or remove it",
            role.holder, role.ext
        )
    };
    let too_big = || format!("larger than {} MiB, {}", max / (1024 * 1024), role.too_big);
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            return Err(missing_or(path, &e)
                .unwrap_or_else(|| "the file disappeared while the dataset was read".into()))
        }
    };
    if meta.is_dir() {
        return Err(format!(
            "is a directory, not a file; rename it so its name does not end in .{}",
            role.ext
        ));
    }
    if !meta.is_file() {
        return Err(special(kind_of(&meta.file_type())));
    }
    if meta.len() > max {
        return Err(too_big());
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    // Should the file be swapped for a FIFO between the check above and the open, do not block
    // in `open` (the check of the opened file below then refuses it).
    #[cfg(all(
        target_os = "linux",
        any(target_arch = "x86_64", target_arch = "aarch64")
    ))]
    {
        use std::os::unix::fs::OpenOptionsExt;
        const O_NONBLOCK: i32 = 0o4000;
        options.custom_flags(O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::PermissionDenied => {
            format!("{e}; check the file's permissions")
        }
        _ => e.to_string(),
    })?;
    match file.metadata() {
        Ok(m) if m.is_file() => {}
        Ok(m) => return Err(special(kind_of(&m.file_type()))),
        Err(e) => return Err(e.to_string()),
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > max {
        return Err(too_big());
    }
    Ok(bytes)
}

/// Parses and validates the files of one dataset. `display_root` is prefixed to file names in
/// messages (the directory the user passed, or `data/` for the embedded set).
pub fn parse_files(
    files: &[SourceFile],
    display_root: &Path,
    origin: &str,
) -> Result<Dataset, DataErrors> {
    parse_read_files(
        ReadFiles {
            files: Vec::new(),
            errors: Vec::new(),
            unreadable_figures: false,
        },
        files,
        display_root,
        origin,
    )
}

/// [`parse_files`] after [`read_dir_files`]: the problems met reading come first, then those of
/// the files that could be read, so one bad file does not hide the others' problems.
pub fn parse_read_files(
    read: ReadFiles,
    files: &[SourceFile],
    display_root: &Path,
    origin: &str,
) -> Result<Dataset, DataErrors> {
    let mut v = Validator {
        errors: read.errors,
        figure_ids: Default::default(),
        section_ids: Default::default(),
        chart_ids: Default::default(),
        line_ids: Default::default(),
    };
    let mut dataset = Dataset {
        origin: origin.to_string(),
        ..Dataset::default()
    };
    let mut seen_ids: HashMap<String, PathBuf> = HashMap::new();
    let mut texts: HashMap<String, String> = HashMap::new();
    let figure_files = files
        .iter()
        .filter(|f| f.rel_path.starts_with("figures"))
        .count();
    if figure_files == 0 && !read.unreadable_figures {
        v.errors.push(DataError::Io {
            path: display_root.join("figures"),
            message:
                "no figures/*.toml files; a dataset needs at least one file of [[figure]] records"
                    .into(),
        });
    }
    // The ledger after the records it names, so a ledger record that reuses an id is the
    // duplicate (reported and left out), never the figure.
    let ordered = files
        .iter()
        .filter(|f| !f.rel_path.starts_with("derivations"))
        .chain(
            files
                .iter()
                .filter(|f| f.rel_path.starts_with("derivations")),
        );
    for file in ordered {
        let path = display_root.join(&file.rel_path);
        let Some(doc) = v.parse_toml(&path, &file.bytes) else {
            continue;
        };
        let text = String::from_utf8_lossy(&file.bytes);
        let ctx = FileCtx::new(&path, &text, file.rel_path.to_string_lossy().into_owned());
        if file.rel_path.starts_with("derivations") {
            v.derivations(&ctx, &doc, &mut dataset.derivations, &mut seen_ids);
            texts.insert(ctx.rel.clone(), text.clone().into_owned());
        } else if file.rel_path.starts_with("figures") {
            for (table, index) in v.array_of_tables(&ctx, &doc, "figure", &["figure"]) {
                if let Some(f) = v.figure(&ctx, table, index) {
                    v.unique(&ctx, &mut seen_ids, &f.id);
                    dataset.figures.push(f);
                }
            }
        } else if file.rel_path.starts_with("scales") {
            if let Some(s) = v.scale(&ctx, &doc) {
                v.unique(&ctx, &mut seen_ids, &s.id);
                dataset.scales.push(s);
            }
        } else {
            for (table, index) in v.array_of_tables(&ctx, &doc, "rule", &["rule"]) {
                if let Some(r) = v.rule(&ctx, table, index) {
                    v.unique(&ctx, &mut seen_ids, &r.id);
                    dataset.rules.push(r);
                }
            }
        }
    }
    // Cross-references: a rule's `figure` must exist.
    for r in &dataset.rules {
        if let Some(fig) = &r.figure {
            if !v.figure_ids.contains(fig) {
                let path = display_root.join(&r.file);
                let text = files
                    .iter()
                    .find(|f| f.rel_path.to_string_lossy() == r.file)
                    .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
                    .unwrap_or_default();
                let ctx = FileCtx::new(&path, &text, r.file.clone());
                v.invalid(
                    &ctx,
                    Some(&r.id),
                    "figure",
                    fig,
                    "names no figure in this dataset",
                    "use the id of a [[figure]] record",
                );
            }
        }
    }
    derivations::validate(&mut v, &dataset, &texts, display_root);
    charts::validate(&mut v, &dataset, &texts, display_root);
    if v.errors.is_empty() {
        Ok(dataset)
    } else {
        Err(DataErrors(v.errors))
    }
}

struct FileCtx<'a> {
    path: &'a Path,
    rel: String,
    /// The file's lines, indexed once: looking a record up must not rescan the whole file for
    /// every problem (a file of thousands of broken records would take minutes).
    lines: Vec<&'a str>,
    /// Line indices of `id = "..."` lines, by the id they hold, in file order.
    id_lines: HashMap<&'a str, Vec<usize>>,
    /// Line indices of table headers (`[...]` and `[[...]]`), ascending.
    headers: Vec<usize>,
    /// Line indices of array-of-tables headers (`[[...]]`), ascending.
    record_headers: Vec<usize>,
}

impl<'a> FileCtx<'a> {
    fn new(path: &'a Path, text: &'a str, rel: String) -> Self {
        let lines: Vec<&str> = text.lines().collect();
        let mut id_lines: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut headers = Vec::new();
        let mut record_headers = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            let t = l.trim_start();
            if t.starts_with('[') {
                headers.push(i);
                if t.starts_with("[[") {
                    record_headers.push(i);
                }
            } else if let Some(id) = t
                .strip_prefix("id")
                .and_then(|r| r.trim_start().strip_prefix('='))
                .and_then(|r| r.trim_start().strip_prefix('"'))
                .and_then(|r| r.split('"').next())
            {
                id_lines.entry(id).or_default().push(i);
            }
        }
        FileCtx {
            path,
            rel,
            lines,
            id_lines,
            headers,
            record_headers,
        }
    }

    /// The line of `field` inside the record whose `id = "..."` line is found, or of the id line
    /// itself. TOML keeps no spans after parsing, so we look the record up in the text: ids are
    /// unique, and a record's fields follow its id until the next `[[` header.
    fn line_of(&self, id: Option<&str>, field: Option<&str>) -> Option<usize> {
        let start = *self.id_lines.get(id?)?.first()?;
        // The record spans from the header before the id to the next `[[` header.
        let header = match self.headers.partition_point(|&h| h <= start) {
            0 => 0,
            k => self.headers[k - 1],
        };
        let end = self
            .record_headers
            .get(self.record_headers.partition_point(|&h| h <= start))
            .copied()
            .unwrap_or(self.lines.len());
        if let Some(field) = field {
            for (i, l) in self.lines.iter().enumerate().take(end).skip(header) {
                let t = l.trim_start();
                if let Some(rest) = t.strip_prefix(field) {
                    if rest.trim_start().starts_with('=') {
                        return Some(i + 1);
                    }
                }
            }
        }
        Some(start + 1)
    }

    /// The line of the `n`-th (0-based) `id = "id"` line of the file.
    fn nth_id_line(&self, id: &str, n: usize) -> Option<usize> {
        self.id_lines.get(id)?.get(n).map(|i| i + 1)
    }
}

struct Validator {
    errors: Vec<DataError>,
    /// Ids of every figure record whose id parsed, valid or not, so one bad figure does not
    /// also make every rule that names it fail.
    figure_ids: std::collections::HashSet<String>,
    /// Ids of `[[section]]` and `[[chart]]` records, across derivations files (their own
    /// namespaces).
    section_ids: HashMap<String, PathBuf>,
    chart_ids: HashMap<String, PathBuf>,
    /// Ids of every `[[derived]]` and `[[check]]` record whose id parsed, valid or not.
    line_ids: std::collections::HashSet<String>,
}

/// Fields a figure may have; anything else is a typo we report rather than ignore.
const FIGURE_FIELDS: &[&str] = &[
    "id",
    "group",
    "description",
    "value",
    "low",
    "high",
    "qualifier",
    "rounding",
    "unit",
    "ruble_kind",
    "period",
    "date",
    "date_note",
    "status",
    "basis",
    "source",
    "footnote",
    "cites",
    "quote",
    "note",
];
const RULE_FIELDS: &[&str] = &[
    "id",
    "kind",
    "description",
    "grade_low",
    "grade_high",
    "supplement_percent",
    "threshold_multiple",
    "share_taken",
    "figure",
    "date",
    "status",
    "source",
    "footnote",
    "quote",
    "note",
];
const SCALE_FIELDS: &[&str] = &[
    "id",
    "status",
    "description",
    "basis",
    "relative_to",
    "source",
    "grade",
];

impl Validator {
    fn parse_toml(&mut self, path: &Path, bytes: &[u8]) -> Option<Table> {
        let mut syntax = |line: usize, message: &str| {
            self.errors.push(DataError::Syntax {
                path: path.to_path_buf(),
                line: Some(line),
                message: message.into(),
            });
        };
        if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
            syntax(1, "not valid UTF-8: a UTF-16 file (its byte-order mark says so); save the file as UTF-8");
            return None;
        }
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let line = bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1;
                syntax(line, "not valid UTF-8; save the file as UTF-8");
                return None;
            }
        };
        // TOML allows neither, but the parser's message would not say what is wrong.
        if let Some(at) = text.find('\0') {
            syntax(
                line_at(text, at),
                "a NUL byte: the file is probably UTF-16 (or not text); save it as UTF-8",
            );
            return None;
        }
        if let Some(at) = bare_cr(text) {
            syntax(
                line_at(text, at),
                "a carriage return without a line feed (old Mac line ends?); save the file with LF or CRLF line ends",
            );
            return None;
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        match text.parse::<Table>() {
            Ok(t) => Some(t),
            Err(e) => {
                let line = e
                    .span()
                    .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
                let message = e.message().trim().replace('\n', " ");
                self.errors.push(DataError::Syntax {
                    path: path.to_path_buf(),
                    line,
                    message: format!("invalid TOML: {message}"),
                });
                None
            }
        }
    }

    fn invalid(
        &mut self,
        ctx: &FileCtx,
        record: Option<&str>,
        field: &str,
        value: &str,
        problem: &str,
        expected: &str,
    ) {
        // Every problem is printed on one line: keys, ids and values may hold newlines.
        self.errors.push(DataError::Invalid {
            path: ctx.path.to_path_buf(),
            line: ctx.line_of(record, Some(field)),
            record: record.map(|r| clip(one_line(r))),
            field: clip(one_line(field)),
            value: clip(one_line(value)),
            problem: problem.to_string(),
            expected: expected.to_string(),
        });
    }

    fn unique(&mut self, ctx: &FileCtx, seen: &mut HashMap<String, PathBuf>, id: &str) {
        if let Some(first) = seen.get(id) {
            let msg = format!(
                "duplicate id, first used in {}",
                escape_text(&first.display().to_string())
            );
            // Point at the second occurrence: the first line_of match is the first record.
            let line = ctx.nth_id_line(id, if first == ctx.path { 1 } else { 0 });
            self.errors.push(DataError::Invalid {
                path: ctx.path.to_path_buf(),
                line,
                record: Some(id.to_string()),
                field: "id".into(),
                value: format!("\"{id}\""),
                problem: msg,
                expected: "give every record its own id".into(),
            });
        } else {
            seen.insert(id.to_string(), ctx.path.to_path_buf());
        }
    }

    fn array_of_tables<'t>(
        &mut self,
        ctx: &FileCtx,
        doc: &'t Table,
        key: &str,
        allowed_top: &[&str],
    ) -> Vec<(&'t Table, usize)> {
        for k in doc.keys() {
            if !allowed_top.contains(&k.as_str()) {
                self.invalid(
                    ctx,
                    None,
                    k,
                    &show(&doc[k]),
                    "unknown top-level key",
                    &format!("this file holds only [[{key}]] records"),
                );
            }
        }
        match doc.get(key) {
            None => {
                self.invalid(
                    ctx,
                    None,
                    key,
                    "(missing)",
                    "no records",
                    &format!("add [[{key}]] records"),
                );
                Vec::new()
            }
            Some(Toml::Array(items)) => items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| match item {
                    Toml::Table(t) => Some((t, i)),
                    other => {
                        self.invalid(
                            ctx,
                            None,
                            key,
                            &show(other),
                            "not a table",
                            &format!("write records as [[{key}]]"),
                        );
                        None
                    }
                })
                .collect(),
            Some(other) => {
                self.invalid(
                    ctx,
                    None,
                    key,
                    &show(other),
                    "not an array of tables",
                    &format!("write records as [[{key}]]"),
                );
                Vec::new()
            }
        }
    }

    fn unknown_fields(&mut self, ctx: &FileCtx, id: Option<&str>, t: &Table, allowed: &[&str]) {
        for k in t.keys() {
            if !allowed.contains(&k.as_str()) {
                self.invalid(
                    ctx,
                    id,
                    k,
                    &show(&t[k]),
                    "unknown field",
                    &format!("allowed fields: {}", allowed.join(", ")),
                );
            }
        }
    }

    /// Record id, or None after reporting why it is missing or malformed.
    fn record_id(&mut self, ctx: &FileCtx, t: &Table, kind: &str, index: usize) -> Option<String> {
        let label = format!("[[{kind}]] #{}", index + 1);
        match t.get("id") {
            Some(Toml::String(s)) if is_valid_id(s) => Some(s.clone()),
            Some(Toml::String(s)) => {
                self.invalid(
                    ctx,
                    Some(s),
                    "id",
                    &format!("\"{s}\""),
                    "malformed id",
                    "use lowercase letters, digits and hyphens, e.g. \"count-above-8x\"",
                );
                None
            }
            Some(other) => {
                self.invalid(
                    ctx,
                    None,
                    &format!("{label}: id"),
                    &show(other),
                    "not a string",
                    "write id = \"some-id\"",
                );
                None
            }
            None => {
                self.invalid(
                    ctx,
                    None,
                    &format!("{label}: id"),
                    "(missing)",
                    "every record needs an id",
                    "add id = \"some-id\"",
                );
                None
            }
        }
    }

    fn string(
        &mut self,
        ctx: &FileCtx,
        id: &str,
        t: &Table,
        field: &str,
        required: bool,
    ) -> Option<String> {
        match t.get(field) {
            Some(Toml::String(s)) if !s.trim().is_empty() => match forbidden_control(s) {
                None => Some(s.clone()),
                Some(c) => {
                    self.invalid(
                        ctx,
                        Some(id),
                        field,
                        &show(&Toml::String(s.clone())),
                        &format!("holds the control character U+{:04X}", c as u32),
                        "remove it (text may hold line breaks and tabs, no other control characters)",
                    );
                    None
                }
            },
            Some(Toml::String(_)) => {
                self.invalid(
                    ctx,
                    Some(id),
                    field,
                    "\"\"",
                    "empty",
                    "write the text, or remove the field if it is optional",
                );
                None
            }
            Some(other) => {
                self.invalid(
                    ctx,
                    Some(id),
                    field,
                    &show(other),
                    "not a string",
                    "quote it: field = \"text\"",
                );
                None
            }
            None if required => {
                self.invalid(
                    ctx,
                    Some(id),
                    field,
                    "(missing)",
                    "required field",
                    &format!("add {field} = \"...\""),
                );
                None
            }
            None => None,
        }
    }

    fn number(&mut self, ctx: &FileCtx, id: &str, t: &Table, field: &str) -> Option<f64> {
        let x = match t.get(field)? {
            Toml::Integer(i) => *i as f64,
            Toml::Float(f) => *f,
            other => {
                self.invalid(
                    ctx,
                    Some(id),
                    field,
                    &show(other),
                    "not a number",
                    "write a plain number without quotes or thousands separators, e.g. 80000",
                );
                return None;
            }
        };
        if !x.is_finite() {
            self.invalid(
                ctx,
                Some(id),
                field,
                &x.to_string(),
                "not a finite number",
                "write a finite number (no nan or inf)",
            );
            return None;
        }
        Some(x)
    }

    fn integer(
        &mut self,
        ctx: &FileCtx,
        id: &str,
        t: &Table,
        field: &str,
        range: std::ops::RangeInclusive<i64>,
    ) -> Option<u32> {
        match t.get(field)? {
            Toml::Integer(i) if range.contains(i) => Some(*i as u32),
            other => {
                self.invalid(
                    ctx,
                    Some(id),
                    field,
                    &show(other),
                    "out of range or not a whole number",
                    &format!("a whole number from {} to {}", range.start(), range.end()),
                );
                None
            }
        }
    }

    fn keyword<T: Keyword>(
        &mut self,
        ctx: &FileCtx,
        id: &str,
        t: &Table,
        field: &str,
        required: bool,
    ) -> Option<T> {
        let s = self.string(ctx, id, t, field, required)?;
        match T::from_key(&s) {
            Some(v) => Some(v),
            None => {
                self.invalid(
                    ctx,
                    Some(id),
                    field,
                    &format!("\"{s}\""),
                    "unknown word",
                    &format!(
                        "one of: {}",
                        T::all()
                            .iter()
                            .map(|w| w.key())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                None
            }
        }
    }

    fn date(&mut self, ctx: &FileCtx, id: &str, t: &Table, field: &str) -> Option<Date> {
        let s = self.string(ctx, id, t, field, false)?;
        let d = Date::parse(&s);
        if d.is_none() {
            self.invalid(ctx, Some(id), field, &format!("\"{s}\""), "not a date", "write \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\" (years 1700-2100), with only the precision the source gives");
        }
        d
    }

    fn status_and_basis(
        &mut self,
        ctx: &FileCtx,
        id: &str,
        t: &Table,
    ) -> (Option<Status>, Option<String>) {
        let status = self.keyword(ctx, id, t, "status", true);
        let basis = self.string(ctx, id, t, "basis", false);
        if status == Some(Status::Assumption) && basis.is_none() && t.get("basis").is_none() {
            self.invalid(
                ctx,
                Some(id),
                "basis",
                "(missing)",
                "an assumption must say what it rests on",
                "add basis = \"why this value is assumed\"",
            );
        }
        (status, basis)
    }

    fn figure(&mut self, ctx: &FileCtx, t: &Table, index: usize) -> Option<Figure> {
        let id = self.record_id(ctx, t, "figure", index)?;
        self.figure_ids.insert(id.clone());
        let before = self.errors.len();
        self.unknown_fields(ctx, Some(&id), t, FIGURE_FIELDS);
        let group = self.string(ctx, &id, t, "group", true);
        let description = self.string(ctx, &id, t, "description", true);
        let qualifier = self.keyword::<Qualifier>(ctx, &id, t, "qualifier", true);
        let unit = self.keyword::<Unit>(ctx, &id, t, "unit", true);
        let ruble_kind = self.keyword::<RubleKind>(ctx, &id, t, "ruble_kind", false);
        let (status, basis) = self.status_and_basis(ctx, &id, t);
        let source = self.string(ctx, &id, t, "source", true);
        let date = self.date(ctx, &id, t, "date");
        let footnote = self.integer(ctx, &id, t, "footnote", 1..=9999);
        let rounding = self.number(ctx, &id, t, "rounding");
        if let Some(r) = rounding {
            if r <= 0.0 {
                self.invalid(
                    ctx,
                    Some(&id),
                    "rounding",
                    &num(r),
                    "must be positive",
                    "the unit of the last printed digit, e.g. 0.1 for \"13.8\"",
                );
            }
        }
        let (point, low, high) = (
            self.number(ctx, &id, t, "value"),
            self.number(ctx, &id, t, "low"),
            self.number(ctx, &id, t, "high"),
        );
        let value = match (point, low, high, t.contains_key("value")) {
            (Some(v), None, None, _) => Some(Value::Point { value: v }),
            (None, Some(lo), Some(hi), false) if lo <= hi => {
                Some(Value::Range { low: lo, high: hi })
            }
            (None, Some(lo), Some(hi), false) => {
                self.invalid(
                    ctx,
                    Some(&id),
                    "low",
                    &num(lo),
                    &format!("greater than high = {}", num(hi)),
                    "put the smaller number in low",
                );
                None
            }
            _ if (t.contains_key("value") || t.contains_key("low") || t.contains_key("high"))
                && self.errors.len() > before =>
            {
                None
            }
            _ if t.contains_key("value") && (t.contains_key("low") || t.contains_key("high")) => {
                self.invalid(
                    ctx,
                    Some(&id),
                    "value",
                    "(with low/high)",
                    "both a value and a range",
                    "give either value = N or low = A and high = B",
                );
                None
            }
            _ => {
                self.invalid(
                    ctx,
                    Some(&id),
                    "value",
                    "(missing)",
                    "no value",
                    "add value = N, or low = A and high = B for a range",
                );
                None
            }
        };
        if let (Some(q), Some(v)) = (qualifier, value) {
            let is_range = matches!(v, Value::Range { .. });
            if is_range != (q == Qualifier::Range) {
                self.invalid(
                    ctx,
                    Some(&id),
                    "qualifier",
                    &format!("\"{}\"", q.key()),
                    "does not match the value",
                    "use qualifier = \"range\" exactly when the figure has low and high",
                );
            }
        }
        if let (Some(u), Some(v)) = (unit, value) {
            self.check_unit_value(ctx, &id, u, v);
            if u == Unit::Rubles && ruble_kind.is_none() && !t.contains_key("ruble_kind") {
                self.invalid(
                    ctx,
                    Some(&id),
                    "ruble_kind",
                    "(missing)",
                    "amounts in rubles must say which rubles",
                    "add ruble_kind = \"not-stated\" if the source does not say",
                );
            }
            if let (false, Some(kind)) = (u == Unit::Rubles, ruble_kind) {
                self.invalid(
                    ctx,
                    Some(&id),
                    "ruble_kind",
                    &format!("\"{}\"", kind.key()),
                    "only amounts in rubles have a ruble kind",
                    "remove the field or set unit = \"rubles\"",
                );
            }
        }
        // Optional text, read before the verdict so that its problems are listed too.
        let period = self.string(ctx, &id, t, "period", false);
        let date_note = self.string(ctx, &id, t, "date_note", false);
        let cites = self.string(ctx, &id, t, "cites", false);
        let quote = self.string(ctx, &id, t, "quote", false);
        let note = self.string(ctx, &id, t, "note", false);
        if self.errors.len() > before {
            return None;
        }
        Some(Figure {
            id: id.clone(),
            group: group?,
            description: description?,
            value: value?,
            qualifier: qualifier?,
            rounding,
            unit: unit?,
            ruble_kind,
            period,
            date,
            date_note,
            status: status?,
            basis,
            source: source?,
            footnote,
            cites,
            quote,
            note,
            file: ctx.rel.clone(),
        })
    }

    fn check_unit_value(&mut self, ctx: &FileCtx, id: &str, unit: Unit, v: Value) {
        let (lo, hi) = (v.low(), v.high());
        let field = if matches!(v, Value::Point { .. }) {
            "value"
        } else {
            "low"
        };
        let bad = |problem: &str, expected: &str| (problem.to_string(), expected.to_string());
        let problem = match unit {
            Unit::Ratio if lo < 1.0 => Some(bad(
                "a max:min ratio below 1",
                "store 1:80 as 80 (highest pay over lowest), so at least 1",
            )),
            Unit::Percent if lo < 0.0 || hi > 100.0 => {
                Some(bad("a share outside 0-100%", "a percentage from 0 to 100"))
            }
            Unit::Persons if lo < 0.0 || v.low().fract() != 0.0 || v.high().fract() != 0.0 => {
                Some(bad(
                    "not a whole, non-negative head-count",
                    "a whole number of persons",
                ))
            }
            Unit::Grade if lo < 1.0 || lo.fract() != 0.0 || hi.fract() != 0.0 => {
                Some(bad("not a grade number", "a whole grade number, 1 or more"))
            }
            Unit::MultipleOfMinimum | Unit::MultipleOfWorkerPay | Unit::Rubles if lo <= 0.0 => {
                Some(bad("pay must be positive", "a positive amount or multiple"))
            }
            Unit::PercentAboveNorm if lo < 0.0 => {
                Some(bad("a negative supplement", "a percentage of 0 or more"))
            }
            _ => None,
        };
        if let Some((problem, expected)) = problem {
            self.invalid(ctx, Some(id), field, &num_grouped(lo), &problem, &expected);
        }
    }

    fn rule(&mut self, ctx: &FileCtx, t: &Table, index: usize) -> Option<GradeRule> {
        let id = self.record_id(ctx, t, "rule", index)?;
        let before = self.errors.len();
        self.unknown_fields(ctx, Some(&id), t, RULE_FIELDS);
        let kind = self.keyword::<RuleKind>(ctx, &id, t, "kind", true);
        let description = self.string(ctx, &id, t, "description", true);
        let grade_low = self.integer(ctx, &id, t, "grade_low", 1..=99);
        let grade_high = self.integer(ctx, &id, t, "grade_high", 1..=99);
        for f in ["grade_low", "grade_high"] {
            if !t.contains_key(f) {
                self.invalid(
                    ctx,
                    Some(&id),
                    f,
                    "(missing)",
                    "required field",
                    "the grade number(s) the source names",
                );
            }
        }
        if let (Some(lo), Some(hi)) = (grade_low, grade_high) {
            if lo > hi {
                self.invalid(
                    ctx,
                    Some(&id),
                    "grade_low",
                    &lo.to_string(),
                    &format!("above grade_high = {hi}"),
                    "grade_low <= grade_high",
                );
            }
        }
        let supplement_percent = self.number(ctx, &id, t, "supplement_percent");
        let threshold_multiple = self.number(ctx, &id, t, "threshold_multiple");
        if let Some(m) = threshold_multiple {
            if m <= 0.0 {
                self.invalid(
                    ctx,
                    Some(&id),
                    "threshold_multiple",
                    &num(m),
                    "must be positive",
                    "e.g. 1.5 for 'one-and-a-half times the 17th grade'",
                );
            }
        }
        let (status, _) = self.status_and_basis(ctx, &id, t);
        let source = self.string(ctx, &id, t, "source", true);
        let date = self.date(ctx, &id, t, "date");
        let footnote = self.integer(ctx, &id, t, "footnote", 1..=9999);
        let share_taken = self.string(ctx, &id, t, "share_taken", false);
        let figure = self.string(ctx, &id, t, "figure", false);
        let quote = self.string(ctx, &id, t, "quote", false);
        let note = self.string(ctx, &id, t, "note", false);
        if self.errors.len() > before {
            return None;
        }
        Some(GradeRule {
            id: id.clone(),
            kind: kind?,
            description: description?,
            grade_low: grade_low?,
            grade_high: grade_high?,
            supplement_percent,
            threshold_multiple,
            share_taken,
            figure,
            date,
            status: status?,
            source: source?,
            footnote,
            quote,
            note,
            file: ctx.rel.clone(),
        })
    }

    fn scale(&mut self, ctx: &FileCtx, doc: &Table) -> Option<PayScale> {
        let Some(Toml::Table(t)) = doc.get("scale") else {
            self.invalid(
                ctx,
                None,
                "scale",
                "(missing)",
                "a scale file holds one [scale] table",
                "add [scale] with id, status, description, relative_to and [[scale.grade]] rows",
            );
            return None;
        };
        let id = self.record_id(ctx, t, "scale", 0)?;
        let before = self.errors.len();
        self.unknown_fields(ctx, Some(&id), t, SCALE_FIELDS);
        let (status, basis) = self.status_and_basis(ctx, &id, t);
        let description = self.string(ctx, &id, t, "description", true);
        let relative_to = self.string(ctx, &id, t, "relative_to", true);
        let source = self.string(ctx, &id, t, "source", false);
        if status == Some(Status::Reported) && source.is_none() {
            self.invalid(
                ctx,
                Some(&id),
                "source",
                "(missing)",
                "a reported scale needs its source",
                "add source = \"work, page\", or mark status = \"assumption\" with a basis",
            );
        }
        let mut grades = BTreeMap::new();
        match t.get("grade") {
            Some(Toml::Array(rows)) => {
                if rows.is_empty() {
                    self.invalid(
                        ctx,
                        Some(&id),
                        "grade",
                        "[]",
                        "a scale needs grades",
                        "add [[scale.grade]] rows with grade and coefficient",
                    );
                }
                for row in rows {
                    let Toml::Table(row) = row else {
                        self.invalid(
                            ctx,
                            Some(&id),
                            "grade",
                            &show(row),
                            "not a table",
                            "write each grade as a [[scale.grade]] row with grade and coefficient",
                        );
                        continue;
                    };
                    let g = self.integer(ctx, &id, row, "grade", 1..=99);
                    let c = self.number(ctx, &id, row, "coefficient");
                    match (g, c) {
                        (Some(g), Some(c)) if c > 0.0 => {
                            if grades.insert(g, c).is_some() {
                                self.invalid(
                                    ctx,
                                    Some(&id),
                                    "grade",
                                    &g.to_string(),
                                    "grade listed twice",
                                    "list each grade once",
                                );
                            }
                        }
                        (Some(_), Some(c)) => self.invalid(
                            ctx,
                            Some(&id),
                            "coefficient",
                            &num(c),
                            "must be positive",
                            "a coefficient relative to grade 1 (or an amount)",
                        ),
                        // A field that is there but invalid was reported above.
                        _ if row.contains_key("grade") && row.contains_key("coefficient") => {}
                        _ => self.invalid(
                            ctx,
                            Some(&id),
                            "grade",
                            &show(&Toml::Table(row.clone())),
                            "a grade row needs grade and coefficient",
                            "write [[scale.grade]] grade = N coefficient = X",
                        ),
                    }
                }
            }
            _ => self.invalid(
                ctx,
                Some(&id),
                "grade",
                "(missing)",
                "a scale needs grades",
                "add [[scale.grade]] rows with grade and coefficient",
            ),
        }
        // Coefficients must not fall as grades rise: a tariff scale is monotone.
        let mut prev: Option<(u32, f64)> = None;
        for (&g, &c) in &grades {
            if let Some((pg, pc)) = prev {
                if c < pc {
                    self.invalid(
                        ctx,
                        Some(&id),
                        "coefficient",
                        &num(c),
                        &format!("grade {g} is below grade {pg} ({})", num(pc)),
                        "coefficients rise with the grade",
                    );
                }
            }
            prev = Some((g, c));
        }
        if self.errors.len() > before {
            return None;
        }
        Some(PayScale {
            id,
            status: status?,
            description: description?,
            basis,
            relative_to: relative_to?,
            grades,
            source,
            file: ctx.rel.clone(),
        })
    }
}

/// A TOML value as the user wrote it, for messages. (A date-time's `Display` through `Value`
/// shows the serde wrapper `{ "$__toml_private_datetime" = ... }`, not the date.)
fn show(v: &Toml) -> String {
    match v {
        Toml::Datetime(d) => d.to_string(),
        Toml::String(s) => format!("\"{}\"", s.escape_debug()),
        other => other.to_string(),
    }
}

/// `s` with every control character escaped (a line break as `\n`, ESC as `\u{1b}`), so a
/// message stays on one line and sends nothing raw to the terminal. Trailing line breaks (of a
/// multi-line string) are dropped.
fn one_line(s: &str) -> String {
    escape_text(s.trim_end_matches(['\n', '\r'])).into_owned()
}

/// The first control character of `s` that dataset text may not hold: anything but a line
/// break (`\n`, or `\r\n`) and a tab. A dataset is authored text; ESC, BEL, NUL or U+0001 in it
/// is a mistake (a paste from a terminal, a binary file), and would reach terminals and charts.
fn forbidden_control(s: &str) -> Option<char> {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' => {}
            '\r' if chars.peek() == Some(&'\n') => {}
            c if c.is_control() => return Some(c),
            _ => {}
        }
    }
    None
}

/// The byte offset of the first carriage return not followed by a line feed.
fn bare_cr(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    (0..b.len()).find(|&i| b[i] == b'\r' && b.get(i + 1) != Some(&b'\n'))
}

/// The 1-based line of byte offset `at`, counting a bare carriage return as a line end too.
fn line_at(text: &str, at: usize) -> usize {
    let b = &text.as_bytes()[..at];
    1 + (0..b.len())
        .filter(|&i| b[i] == b'\n' || (b[i] == b'\r' && text.as_bytes().get(i + 1) != Some(&b'\n')))
        .count()
}

/// A number for a message: as Rust prints it, but in scientific notation when that would take
/// more than 15 digits (`1e300`, not 301 digits; `1.5e-9`).
fn num(x: f64) -> String {
    if x != 0.0 && x.is_finite() && (x.abs() >= 1e15 || x.abs() < 1e-6) {
        format!("{x:e}")
    } else {
        x.to_string()
    }
}

/// [`num`] with thousands separators, as the data files' figures are shown.
fn num_grouped(x: f64) -> String {
    if x != 0.0 && x.is_finite() && (x.abs() >= 1e15 || x.abs() < 1e-6) {
        format!("{x:e}")
    } else {
        crate::model::format_number(x)
    }
}

/// At most `MAX_SHOWN` characters of a value in a message, so a 100 KB string does not make a
/// 100 KB error line.
fn clip(s: String) -> String {
    const MAX_SHOWN: usize = 80;
    match s.char_indices().nth(MAX_SHOWN) {
        None => s,
        Some((at, _)) => format!("{}… ({} characters)", &s[..at], s.chars().count()),
    }
}

fn is_valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
}

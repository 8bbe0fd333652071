//! Errors that name the file, the line, the record, the field, the bad value and the fix.

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;

/// Text from a dataset (a file name, a key, a value) made safe to print on one line: every
/// control character (C0, DEL, C1: a line break, a tab, ESC, BEL, NUL) is written as its Rust
/// escape (`\n`, `\t`, `\u{1b}`); printable text, non-ASCII letters included, is unchanged.
/// The same rule as the CLI's `output::printable`, so messages and output escape alike.
pub fn escape_text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One problem found while loading or validating a dataset directory.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DataError {
    /// The directory or a file in it could not be read.
    #[error("{}: cannot read: {}", escape_text(&path.display().to_string()), escape_text(message))]
    Io { path: PathBuf, message: String },

    /// A file is not valid TOML (or not UTF-8).
    #[error("{}: {}", Location::new(path, *line, None), escape_text(message))]
    Syntax {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },

    /// A record is well-formed TOML but a field breaks the data conventions.
    #[error("{}: {} = {value}: {problem}; {expected}", Location::new(path, *line, record.as_deref()), field)]
    Invalid {
        path: PathBuf,
        line: Option<usize>,
        record: Option<String>,
        field: String,
        value: String,
        problem: String,
        expected: String,
    },

    /// A formula, claim or label template of a `derivations/` file is wrong at a column, or a
    /// derived line is wrong as a whole (a cycle, a unit clash).
    #[error("{}: {} = {}: {}", Location { path, line: *line, column: *column, record: record.as_deref() }, field, value, escape_text(message))]
    Formula {
        path: PathBuf,
        line: Option<usize>,
        /// 1-based column in the file's line, where it can be known.
        column: Option<usize>,
        record: Option<String>,
        field: String,
        value: String,
        message: String,
    },
}

impl DataError {
    /// The file the problem is in.
    pub fn path(&self) -> &std::path::Path {
        match self {
            DataError::Io { path, .. }
            | DataError::Syntax { path, .. }
            | DataError::Invalid { path, .. }
            | DataError::Formula { path, .. } => path,
        }
    }
}

/// "file:line: record `id`" — the prefix of every message, in the style of compilers and grep.
struct Location<'a> {
    path: &'a std::path::Path,
    line: Option<usize>,
    column: Option<usize>,
    record: Option<&'a str>,
}

impl<'a> Location<'a> {
    fn new(path: &'a std::path::Path, line: Option<usize>, record: Option<&'a str>) -> Self {
        Location {
            path,
            line,
            column: None,
            record,
        }
    }
}

impl fmt::Display for Location<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", escape_text(&self.path.display().to_string()))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if let Some(record) = self.record {
            write!(f, ": record `{}`", escape_text(record))?;
        }
        Ok(())
    }
}

/// Every problem found in a dataset, in file order. Loading reports all of them, not the first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DataErrors(pub Vec<DataError>);

impl fmt::Display for DataErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for DataErrors {}

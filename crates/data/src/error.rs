//! Errors that name the file, the line, the record, the field, the bad value and the fix.

use std::fmt;
use std::path::PathBuf;

/// One problem found while loading or validating a dataset directory.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DataError {
    /// The directory or a file in it could not be read.
    #[error("{path}: cannot read: {message}")]
    Io { path: PathBuf, message: String },

    /// A file is not valid TOML (or not UTF-8).
    #[error("{}: {}", Location::new(path, *line, None), message)]
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
}

impl DataError {
    /// The file the problem is in.
    pub fn path(&self) -> &std::path::Path {
        match self {
            DataError::Io { path, .. }
            | DataError::Syntax { path, .. }
            | DataError::Invalid { path, .. } => path,
        }
    }
}

/// "file:line: record `id`" — the prefix of every message, in the style of compilers and grep.
struct Location<'a> {
    path: &'a std::path::Path,
    line: Option<usize>,
    record: Option<&'a str>,
}

impl<'a> Location<'a> {
    fn new(path: &'a std::path::Path, line: Option<usize>, record: Option<&'a str>) -> Self {
        Location { path, line, record }
    }
}

impl fmt::Display for Location<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(record) = self.record {
            write!(f, ": record `{record}`")?;
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

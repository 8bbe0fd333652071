//! `wages-data`: the figures of `wages`, each with its source and qualifier, as typed and
//! validated records.
//!
//! The default dataset (`data/` at the repository root) is embedded at build time, so the
//! binary works from any folder; [`load_dir`] loads another directory of the same layout.
//! Owns: the records (`model`: figures, grade rules, pay scales), their loading and validation
//! with file, line and field (`load`), and the dataset's ledger (`ledger`: what the engine of
//! `wages_analysis::ledger` sees of the dataset, label templates, and the evaluation).

mod error;
pub mod ledger;
mod load;
mod model;

pub use error::{escape_text, DataError, DataErrors};

/// The words a `[[chart]]` record may use (kinds, colours, number formats, axis scales): one
/// list, which the loader validates against and the chart renderer draws from.
pub mod chart_words {
    pub use crate::load::charts::{COLORS, FORMATS, KINDS, SCALES};
}

/// Reading the files of a dataset folder by the loader's rules (regular files only, at most a
/// size, a message saying what anything else is), for the folders the loader itself does not
/// read (the CLI's `data check` reads `tabulations/` with it).
pub mod files {
    pub use crate::load::{kind_of, missing_or, read_regular_file, FileRole};
}
pub use model::*;

use include_dir::{include_dir, Dir};
use std::path::Path;

static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../data");

/// The dataset shipped in the binary (the repository's `data/` at build time).
pub fn embedded() -> Result<Dataset, DataErrors> {
    let mut files = Vec::new();
    collect_embedded(&EMBEDDED, &mut files);
    files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    load::parse_files(&files, Path::new("data"), "embedded")
}

fn collect_embedded(dir: &Dir<'static>, out: &mut Vec<load::SourceFile>) {
    for f in dir.files() {
        let p = f.path();
        let wanted = p.extension().is_some_and(|e| e == "toml")
            && (p.starts_with("figures")
                || p.starts_with("scales")
                || p.starts_with("derivations")
                || p == Path::new("grade-rules.toml"));
        if wanted {
            out.push(load::SourceFile {
                rel_path: p.to_path_buf(),
                bytes: f.contents().to_vec(),
            });
        }
    }
    for d in dir.dirs() {
        collect_embedded(d, out);
    }
}

/// The bracket tables shipped in the binary: every `tabulations/*.csv` of the embedded
/// `data/`, as `(path relative to the dataset root, bytes)` pairs sorted by path (e.g.
/// `("tabulations/vovsi-1924.csv", ...)`). Only the folder's own files, as on disk: `wages data
/// check` reads a directory's `tabulations/*.csv` without descending into sub-folders.
pub fn embedded_tabulations() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = EMBEDDED
        .get_dir("tabulations")
        .map(|d| {
            d.files()
                .filter(|f| f.path().extension().is_some_and(|e| e == "csv"))
                .map(|f| {
                    (
                        f.path().to_string_lossy().into_owned(),
                        f.contents().to_vec(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Loads and validates a dataset directory laid out like `data/`. On failure, returns every
/// problem found, each naming its file, line, record and field.
pub fn load_dir(dir: &Path) -> Result<Dataset, DataErrors> {
    let mut read = load::read_dir_files(dir)?;
    let files = std::mem::take(&mut read.files);
    load::parse_read_files(read, &files, dir, &dir.display().to_string())
}

/// Parses and validates a dataset given as `(path relative to the dataset root, bytes)` pairs,
/// e.g. `("figures/pirani-2006.toml", ...)`, `("grade-rules.toml", ...)`. The entry point of
/// the fuzz target `dataset` (fuzz/): exactly what [`load_dir`] does after reading the files.
pub fn parse_dataset_files(files: &[(String, Vec<u8>)]) -> Result<Dataset, DataErrors> {
    let files: Vec<load::SourceFile> = files
        .iter()
        .map(|(path, bytes)| load::SourceFile {
            rel_path: std::path::PathBuf::from(path),
            bytes: bytes.clone(),
        })
        .collect();
    load::parse_files(&files, Path::new("data"), "fuzz")
}

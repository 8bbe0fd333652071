//! A partitioned input: a directory of Parquet or CSV files read as one table, as Spark, Hive,
//! DuckDB and polars write them (`DIR/key=value/.../part-00000.parquet`).
//!
//! - **Files**: every regular file under the directory whose name ends in `.parquet` or `.csv`
//!   (any case), in byte order of their paths; names starting with `_` or `.` are skipped
//!   (Spark's `_SUCCESS`, `_committed_*`, `.part-*.crc`). The files must be all Parquet or all
//!   CSV. Files without data rows (an empty partition) are skipped and counted.
//! - **Partition keys**: each folder named `key=value` between the directory and a file gives
//!   every row of the file the column `key` with the label `value` (percent-escapes such as
//!   `%20` decoded, as Spark writes them). The group column (`--group`, `--by`) and `--within`
//!   may name a key: the label then comes from the path, not the file (Spark leaves partition
//!   columns out of the files). Pay, weight and bonus cannot be partition keys (they are
//!   numbers of each row), and Hive's null partition `__HIVE_DEFAULT_PARTITION__` is a missing
//!   label.
//! - **Checks**: each file is read and checked as a single file is (messages name the file and
//!   its line); the groups are the union of every file's labels, sorted as one file's are.
//!   Files are read one after another, each with every core.
//! - Explanatory columns (`--explain`, and the design columns read with them) are not offered
//!   yet for a partitioned input.

use super::{labels, read_with, Payroll, Phases, ReadOptions, Request, TableError};
use std::path::{Path, PathBuf};
use wages_analysis::payroll::Groups;

/// Hive's folder value for a null partition key.
const HIVE_NULL: &str = "__HIVE_DEFAULT_PARTITION__";

/// One file of the table and the partition keys of its folders.
pub(crate) struct Part {
    pub(crate) path: PathBuf,
    keys: Vec<(String, String)>,
}

fn partition_error(root: &Path, why: String) -> TableError {
    TableError::Partitioned {
        path: root.to_path_buf(),
        why,
    }
}

/// `%XX` escapes decoded (invalid ones kept as they are).
fn percent_decoded(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The data files under `root`, with their partition keys, in path order.
fn list(root: &Path) -> Result<Vec<Part>, TableError> {
    let mut parts = Vec::new();
    let mut folders = vec![(root.to_path_buf(), Vec::new())];
    while let Some((dir, keys)) = folders.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| TableError::Open {
            path: dir.clone(),
            source: e,
        })?;
        for entry in entries {
            let entry = entry.map_err(|e| TableError::Open {
                path: dir.clone(),
                source: e,
            })?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('_') || name.starts_with('.') {
                continue;
            }
            let path = entry.path();
            // Follows links, as opening a file would.
            let meta = std::fs::metadata(&path).map_err(|e| TableError::Open {
                path: path.clone(),
                source: e,
            })?;
            if meta.is_dir() {
                let mut keys: Vec<(String, String)> = keys.clone();
                if let Some((k, v)) = name.split_once('=') {
                    keys.push((percent_decoded(k), percent_decoded(v)));
                }
                folders.push((path, keys));
            } else if meta.is_file() && extension(&name).is_some() {
                parts.push(Part {
                    path,
                    keys: keys.clone(),
                });
            }
        }
    }
    parts.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(parts)
}

/// `"parquet"` or `"csv"` for a data file's name.
fn extension(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".parquet") {
        Some("parquet")
    } else if lower.ends_with(".csv") {
        Some("csv")
    } else {
        None
    }
}

/// The files of a partitioned table, checked (see the module docs), and which requested
/// columns are partition keys.
pub(crate) struct Plan {
    parts: Vec<Part>,
    parquet: bool,
    group_key: Option<String>,
    within_key: Option<String>,
}

/// Lists and checks the directory `req.path` (the module docs say what is refused).
pub(crate) fn plan(req: &Request) -> Result<Plan, TableError> {
    let root = req.path;
    if !req.covariates.is_empty() {
        return Err(partition_error(
            root,
            "explanatory and design columns (--explain, --strata, --cluster) are not read from a partitioned directory yet; read one file, or combine the files first".into(),
        ));
    }
    let parts = list(root)?;
    let Some(first) = parts.first() else {
        return Err(partition_error(
            root,
            "no .parquet or .csv file in it (names starting with _ or . are skipped); give a file or a directory of Parquet or CSV files".into(),
        ));
    };
    let kind = extension(&first.path.to_string_lossy());
    if let Some(other) = parts
        .iter()
        .find(|p| extension(&p.path.to_string_lossy()) != kind)
    {
        return Err(partition_error(
            root,
            format!(
                "it mixes Parquet and CSV files ({} and {}); keep one format per table",
                super::shown_path(&first.path),
                super::shown_path(&other.path)
            ),
        ));
    }
    let is_key = |name: Option<&str>| {
        name.is_some_and(|n| parts.iter().any(|p| p.keys.iter().any(|(k, _)| k == n)))
    };
    for (option, name) in [
        ("--pay", Some(req.pay)),
        ("--weight", req.weight),
        ("--bonus", req.bonus),
    ] {
        if is_key(name) {
            return Err(partition_error(
                root,
                format!(
                    "{option} {:?} is a partition key (a folder name key=value): only the group and --within columns can come from the folders",
                    name.unwrap_or_default()
                ),
            ));
        }
    }
    let group_key = is_key(req.group)
        .then_some(req.group)
        .flatten()
        .map(String::from);
    let within_key = is_key(req.within)
        .then_some(req.within)
        .flatten()
        .map(String::from);
    Ok(Plan {
        parquet: kind == Some("parquet"),
        parts,
        group_key,
        within_key,
    })
}

impl Plan {
    /// Whether the files are Parquet (else CSV).
    pub(crate) fn parquet(&self) -> bool {
        self.parquet
    }

    /// The files, in path order.
    pub(crate) fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// The labels `part`'s folders give the group and within columns, where those are
    /// partition keys: a key every file must have in its folders.
    pub(crate) fn labels(
        &self,
        req: &Request,
        part: &Part,
    ) -> Result<(Option<String>, Option<String>), TableError> {
        let label = |key: Option<&str>| -> Result<Option<String>, TableError> {
            let Some(key) = key else { return Ok(None) };
            match part.keys.iter().rev().find(|(k, _)| k == key) {
                Some((_, v)) if v == HIVE_NULL || (v.is_empty() && req.labels_required) => {
                    Err(partition_error(
                        &part.path,
                        format!("the partition key {key:?} is missing (null) for this file; give every file a label"),
                    ))
                }
                Some((_, v)) => Ok(Some(v.clone())),
                None => Err(partition_error(
                    &part.path,
                    format!("no folder {key}=... above this file, as above the others; give every file the same partition keys"),
                )),
            }
        };
        Ok((
            label(self.group_key.as_deref())?,
            label(self.within_key.as_deref())?,
        ))
    }

    /// The request for one file: the columns that are partition keys are not read from it.
    pub(crate) fn request<'a>(&self, req: &Request<'a>, part: &'a Part) -> Request<'a> {
        Request {
            path: &part.path,
            group: if self.group_key.is_some() {
                None
            } else {
                req.group
            },
            within: if self.within_key.is_some() {
                None
            } else {
                req.within
            },
            ..req.clone()
        }
    }
}

/// Reads the directory `req.path` as one table (see the module docs).
pub(crate) fn read(req: &Request, options: &ReadOptions) -> Result<(Payroll, Phases), TableError> {
    let root = req.path;
    let plan = plan(req)?;
    let read_one = |part: &Part| -> Result<Option<(Payroll, Phases)>, TableError> {
        let (group_label, within_label) = plan.labels(req, part)?;
        let sub = plan.request(req, part);
        match read_with(&sub, options) {
            Ok((mut payroll, phases)) => {
                let n = payroll.pay.len();
                let one = |label: String| Groups {
                    labels: vec![label],
                    codes: vec![0; n],
                };
                if let Some(l) = group_label {
                    payroll.groups = Some(one(l));
                }
                if let Some(l) = within_label {
                    payroll.within = Some(one(l));
                }
                Ok(Some((payroll, phases)))
            }
            // An empty partition adds nothing.
            Err(TableError::NoRows { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    };
    // One file after another, each read with every core as a single file is: the readers'
    // truncation guard serves one mapped file at a time, and a pool thread that took a second
    // file while it waits inside the first would wait on itself.
    let mut tables = Vec::new();
    for part in plan.parts() {
        if let Some(t) = read_one(part)? {
            tables.push(t);
        }
    }
    if tables.is_empty() {
        return Err(TableError::NoRows {
            path: root.to_path_buf(),
        });
    }
    Ok(combine(tables))
}

/// The files' tables as one: columns end to end, labels merged.
fn combine(tables: Vec<(Payroll, Phases)>) -> (Payroll, Phases) {
    let mut phases = Phases::default();
    for (_, p) in &tables {
        for &(what, t) in &p.laps {
            match phases.laps.iter_mut().find(|(w, _)| *w == what) {
                Some(lap) => lap.1 += t,
                None => phases.laps.push((what, t)),
            }
        }
    }
    let merged_groups = |pick: fn(&Payroll) -> Option<&Groups>| -> Option<Groups> {
        let parts: Vec<&Groups> = tables.iter().filter_map(|(p, _)| pick(p)).collect();
        if parts.len() < tables.len() {
            return None;
        }
        let locals: Vec<&[String]> = parts.iter().map(|g| &g.labels[..]).collect();
        let (labels, remaps) = labels::merge(&locals);
        let mut codes = Vec::with_capacity(parts.iter().map(|g| g.codes.len()).sum());
        for (g, remap) in parts.iter().zip(&remaps) {
            codes.extend(g.codes.iter().map(|&c| remap[c as usize]));
        }
        Some(Groups { labels, codes })
    };
    let groups = merged_groups(|p| p.groups.as_ref());
    let within = merged_groups(|p| p.within.as_ref());
    let cat = |pick: fn(&Payroll) -> Option<&Vec<f64>>| -> Option<Vec<f64>> {
        let cols: Vec<&Vec<f64>> = tables.iter().filter_map(|(p, _)| pick(p)).collect();
        (cols.len() == tables.len()).then(|| cols.iter().flat_map(|c| c.iter().copied()).collect())
    };
    let weight = cat(|p| p.weight.as_ref());
    let bonus = cat(|p| p.bonus.as_ref());
    let pay: Vec<f64> = tables
        .iter()
        .flat_map(|(p, _)| p.pay.iter().copied())
        .collect();
    let sum = |f: fn(&Payroll) -> usize| tables.iter().map(|(p, _)| f(p)).sum::<usize>();
    let payroll = Payroll {
        pay,
        weight,
        groups,
        bonus,
        within,
        covariates: Vec::new(),
        rows_read: sum(|p| p.rows_read),
        dropped_nonpositive: sum(|p| p.dropped_nonpositive),
        kept_nonpositive: sum(|p| p.kept_nonpositive),
    };
    (payroll, phases)
}

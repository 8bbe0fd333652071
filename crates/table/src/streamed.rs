//! Pay by group, streamed (`wages analyze` on a large Parquet file, issue 18): the pay and
//! group columns decoded about a million rows at a time and each row's pay appended to its
//! group's vector ([`PayByGroup`]), so the file is read once and memory holds 8 bytes per row,
//! not the decoded columns (the in-memory reader's 30-odd bytes per row).
//!
//! Every check of [`read_with`] runs on each batch, with the same messages: rows are numbered
//! in the file (a batch's rows shifted by the rows before it), and an error in one batch does
//! not stop the read: the later batches are checked too, so the message names the first rows
//! and the total of the whole file, and the error is the one the in-memory reader gives (the
//! check it runs first: text in a number column, then empty cells, then labels, then NaN or
//! infinite pay, then zero and negative pay). A decoding error stops the read at once.
//!
//! Parquet files are streamed, one at a time, and so are the files of a partitioned directory
//! of Parquet files (`partitioned`: the same files, keys and checks; a group column that is a
//! partition key gives every row of a file its folder's label). A CSV file or a directory of
//! them, standard input or a pipe is read by [`read_with`] and then split by group (the same
//! rows, in the memory of the in-memory reader).

use super::{
    check_finite, check_labels, check_parquet_schema, check_roles, first_line, frame_columns,
    guarded, input, offending, partitioned, read_with, roles, Clock, InputFormat, NonPositive,
    Phases, ReadOptions, Request, Role, Rows, TableError, ROWS_SHOWN,
};
use polars::prelude::*;
use rayon::prelude::*;
use std::collections::HashMap;
use wages_analysis::payroll::{partition, PayByGroup, Payroll};

/// Rows decoded at a time (whole row groups are gathered up to this many; a larger row group
/// is read in slices of it).
const BATCH_ROWS: usize = 1 << 20;

/// Reads the pay and group columns `req` names into each group's pay (see the module docs);
/// `progress(rows read, rows in all)` is called after each batch (a Parquet file's total is
/// known from its footer; otherwise both are the rows read, once, at the end).
///
/// Only pay and a group column are read: a request with a weight, bonus, within or
/// explanatory column is refused ([`TableError::NotByGroup`]).
pub fn read_by_group(
    req: &Request,
    options: &ReadOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(PayByGroup, Phases), TableError> {
    check_roles(req)?;
    if req.weight.is_some()
        || req.bonus.is_some()
        || req.within.is_some()
        || !req.covariates.is_empty()
    {
        return Err(TableError::NotByGroup {
            path: req.path.to_path_buf(),
        });
    }
    let path = req.path;
    if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
        return stream_directory(req, options, progress);
    }
    // Only a regular file is opened here: a stream would be consumed by the look.
    let regular = path.as_os_str() != "-" && std::fs::metadata(path).is_ok_and(|m| m.is_file());
    if regular {
        let source = input::Source::open(path)?;
        let parquet = match req.format {
            Some(format) => format == InputFormat::Parquet,
            None => input::is_parquet(&source.head),
        };
        if parquet && source.len > 0 {
            return stream_parquet(req, options, &source, progress, BATCH_ROWS);
        }
    }
    let (payroll, phases) = read_with(req, options)?;
    progress(payroll.rows_read, payroll.rows_read);
    Ok((split(payroll), phases))
}

/// A payroll's rows by group (its only columns: pay and perhaps groups).
fn split(payroll: Payroll) -> PayByGroup {
    let (labels, pay) = match &payroll.groups {
        Some(g) => {
            let (parts, _) = partition(&payroll.pay, None, &g.codes, g.labels.len());
            (
                Some(g.labels.clone()),
                parts.into_iter().map(|(p, _)| p).collect(),
            )
        }
        None => (None, vec![payroll.pay]),
    };
    PayByGroup {
        labels,
        pay,
        rows_read: payroll.rows_read,
        dropped_nonpositive: payroll.dropped_nonpositive,
        kept_nonpositive: payroll.kept_nonpositive,
    }
}

/// The windows of rows `(first row, rows)` to decode: whole row groups gathered up to `batch`
/// rows ([`BATCH_ROWS`]), a larger one cut into slices of it.
fn windows(row_groups: impl Iterator<Item = usize>, batch: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let (mut start, mut len) = (0, 0);
    for rows in row_groups {
        if len > 0 && len + rows > batch {
            out.push((start, len));
            start += len;
            len = 0;
        }
        len += rows;
        while len >= batch {
            out.push((start, batch));
            start += batch;
            len -= batch;
        }
    }
    if len > 0 {
        out.push((start, len));
    }
    out
}

/// The order in which [`read_with`] checks, for the error a whole file gives: 1 text in a
/// number column, 2 empty number cells, 3 labels that are not UTF-8, 4 empty labels (when
/// required), 5 NaN or infinite pay, 6 zero or negative pay; `None` for an error without rows
/// (a decoding error), which ends the read.
fn check_order(e: &TableError) -> Option<u8> {
    Some(match e {
        TableError::NotNumeric { .. } => 1,
        TableError::Missing { .. } => 2,
        TableError::LabelNotUtf8 { .. } => 3,
        TableError::MissingLabel { .. } => 4,
        TableError::NonFinite { .. } => 5,
        TableError::NonPositivePay { .. } => 6,
        _ => return None,
    })
}

/// The offending rows of a row error.
fn rows_mut(e: &mut TableError) -> Option<&mut Rows> {
    match e {
        TableError::NotNumeric { rows, .. }
        | TableError::Missing { rows, .. }
        | TableError::LabelNotUtf8 { rows, .. }
        | TableError::MissingLabel { rows, .. }
        | TableError::NonFinite { rows, .. }
        | TableError::NonPositivePay { rows, .. } => Some(rows),
        _ => None,
    }
}

/// The whole file's error so far, given the next batch's (its rows already in file numbers):
/// the earlier check wins; the same check adds its rows.
fn merge_error(so_far: Option<TableError>, mut next: TableError) -> TableError {
    let Some(mut so_far) = so_far else {
        return next;
    };
    match (check_order(&so_far), check_order(&next)) {
        (Some(a), Some(b)) if b < a => next,
        (Some(a), Some(b)) if a == b => {
            if let (Some(into), Some(more)) = (rows_mut(&mut so_far), rows_mut(&mut next)) {
                let room = ROWS_SHOWN.saturating_sub(into.first.len());
                into.first.extend(more.first.drain(..).take(room));
                into.total += more.total;
            }
            so_far
        }
        _ => so_far,
    }
}

/// The rows of each group, gathered batch by batch; labels in first-seen order until
/// [`Gathered::finish`] sorts them.
#[derive(Default)]
struct Gathered {
    index: HashMap<String, usize>,
    labels: Vec<String>,
    pay: Vec<Vec<f64>>,
    /// Rows gathered so far.
    rows: usize,
    /// Whether [`Gathered::reserve`] has run.
    reserved: bool,
}

impl Gathered {
    /// Once the first million rows are in, reserves each group's room for the file's `total`
    /// rows at its share so far (and 2% more): a vector that grows by doubling copies itself
    /// and, for a while, holds twice its rows; room reserved and not yet written takes no
    /// memory. A group that outgrows its estimate grows as usual.
    fn reserve(&mut self, total: usize) {
        if self.reserved || self.rows < 1 << 20 || total <= self.rows {
            return;
        }
        self.reserved = true;
        let scale = total as f64 / self.rows as f64 * 1.02;
        for p in &mut self.pay {
            let want = (p.len() as f64 * scale) as usize + 4096;
            p.reserve(want.saturating_sub(p.len()));
        }
    }

    fn push(&mut self, pay: Vec<f64>, groups: Option<wages_analysis::payroll::Groups>) {
        self.rows += pay.len();
        let Some(groups) = groups else {
            match self.pay.first_mut() {
                Some(all) => all.extend_from_slice(&pay),
                None => self.pay.push(pay),
            }
            return;
        };
        let remap: Vec<usize> = groups
            .labels
            .into_iter()
            .map(|label| {
                let next = self.labels.len();
                *self.index.entry(label.clone()).or_insert_with(|| {
                    self.labels.push(label);
                    self.pay.push(Vec::new());
                    next
                })
            })
            .collect();
        for (&x, &c) in pay.iter().zip(&groups.codes) {
            self.pay[remap[c as usize]].push(x);
        }
    }

    /// Rows that all belong to the group `label`.
    fn push_labelled(&mut self, pay: Vec<f64>, label: &str) {
        self.rows += pay.len();
        let next = self.labels.len();
        let g = *self.index.entry(label.to_string()).or_insert_with(|| {
            self.labels.push(label.to_string());
            self.pay.push(Vec::new());
            next
        });
        self.pay[g].extend_from_slice(&pay);
    }

    /// The table: labels sorted (byte order, as every reader sorts them), each group's pay
    /// with its label, and the rows `counts` says were read, dropped and kept.
    fn finish(self, grouped: bool, counts: Counts) -> PayByGroup {
        let (labels, pay) = if grouped {
            let mut pairs: Vec<(String, Vec<f64>)> =
                self.labels.into_iter().zip(self.pay).collect();
            pairs.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            let (labels, pay) = pairs.into_iter().unzip();
            (Some(labels), pay)
        } else if self.pay.is_empty() {
            (None, vec![Vec::new()])
        } else {
            (None, self.pay)
        };
        PayByGroup {
            labels,
            pay,
            rows_read: counts.rows_read,
            dropped_nonpositive: counts.dropped,
            kept_nonpositive: counts.kept,
        }
    }
}

/// One batch's checked rows: pay (zero and negative pay dropped under that policy) and groups.
struct Batch {
    pay: Vec<f64>,
    groups: Option<wages_analysis::payroll::Groups>,
    rows: usize,
    dropped: usize,
    kept: usize,
}

/// Checks one decoded batch as [`read_with`] checks a file (rows numbered within the batch).
fn check_batch(req: &Request, df: &mut DataFrame, clock: &mut Clock) -> Result<Batch, TableError> {
    let columns = frame_columns(req, df, clock)?;
    let lines = columns.lines;
    if let (true, Some(name), Some(g)) = (req.labels_required, req.group, &columns.groups) {
        check_labels(req, Role::Group, name, g, &lines)?;
    }
    check_finite(req, Role::Pay, req.pay, &columns.pay, &lines)?;
    let (mut pay, mut groups) = (columns.pay, columns.groups);
    let (mut dropped, mut kept) = (0, 0);
    if let Some(rows) = offending(&pay, &lines, |x| x <= 0.0) {
        match req.nonpositive {
            NonPositive::Error => {
                return Err(TableError::NonPositivePay {
                    path: req.path.to_path_buf(),
                    column: req.pay.to_string(),
                    rows,
                    hint: req.nonpositive_hint,
                })
            }
            NonPositive::Keep => kept = rows.total,
            NonPositive::Drop => {
                dropped = rows.total;
                if let Some(g) = &mut groups {
                    let mut row = 0;
                    g.codes.retain(|_| {
                        row += 1;
                        pay[row - 1] > 0.0
                    });
                }
                pay.retain(|&x| x > 0.0);
            }
        }
    }
    Ok(Batch {
        pay,
        groups,
        rows: columns.rows_read,
        dropped,
        kept,
    })
}

/// Rows a file gave: read, dropped (zero or negative pay, `--nonpositive drop`), kept.
#[derive(Default, Clone, Copy)]
struct Counts {
    rows_read: usize,
    dropped: usize,
    kept: usize,
}

/// Streams a Parquet file (see the module docs).
fn stream_parquet(
    req: &Request,
    options: &ReadOptions,
    source: &input::Source,
    progress: &mut dyn FnMut(usize, usize),
    batch: usize,
) -> Result<(PayByGroup, Phases), TableError> {
    let mut clock = Clock::start(options.timings);
    let mut gathered = Gathered::default();
    let file = File {
        req,
        source,
        label: None,
        reserve: true,
        batch,
    };
    let counts = file.stream(&mut gathered, progress, &mut clock)?;
    check_counts(req.path, counts)?;
    Ok((gathered.finish(req.group.is_some(), counts), clock.phases))
}

/// A table without rows, or with every row dropped, is an error (as [`read_with`] says it).
fn check_counts(path: &std::path::Path, counts: Counts) -> Result<(), TableError> {
    if counts.rows_read == 0 {
        return Err(TableError::NoRows {
            path: path.to_path_buf(),
        });
    }
    if counts.dropped == counts.rows_read {
        return Err(TableError::AllDropped {
            path: path.to_path_buf(),
            dropped: counts.dropped,
        });
    }
    Ok(())
}

/// One Parquet file to stream.
struct File<'a, 'r> {
    /// What to read from it (its path, pay and perhaps a group column).
    req: &'a Request<'r>,
    source: &'a input::Source,
    /// The group of every row (a partition key's folder), the request naming no group column.
    label: Option<&'a str>,
    /// Reserve each group's room from the footer's row count ([`Gathered::reserve`]).
    reserve: bool,
    batch: usize,
}

impl File<'_, '_> {
    /// Streams the file's rows into `gathered`; `progress(rows read, rows in the file)`.
    fn stream(
        &self,
        gathered: &mut Gathered,
        progress: &mut dyn FnMut(usize, usize),
        clock: &mut Clock,
    ) -> Result<Counts, TableError> {
        let (req, source) = (self.req, self.source);
        let path = req.path;
        // The reader maps the file: a truncation by another program while it is read is a
        // clean error, not a SIGBUS.
        let _guard = input::TruncationGuard::new(path);
        check_parquet_schema(req, source)?;
        let metadata = guarded(req, || {
            let mut r = ParquetReader::new(source.reopen(path)?);
            r.get_metadata()
                .cloned()
                .map_err(|e| TableError::Unparsable {
                    path: path.to_path_buf(),
                    message: first_line(&e.to_string()),
                })
        })??;
        clock.lap("header");
        let total = metadata.num_rows;
        let cols: Vec<String> = roles(req).into_iter().map(|(_, n)| n.to_string()).collect();
        let mut counts = Counts::default();
        let mut error: Option<TableError> = None;
        // One window per thread decoded and checked at a time, then gathered in file order.
        let all = windows(
            metadata.row_groups.iter().map(|rg| rg.num_rows()),
            self.batch,
        );
        for chunk in all.chunks(rayon::current_num_threads().max(1)) {
            let decoded: Vec<Result<Result<Batch, TableError>, TableError>> = chunk
                .par_iter()
                .with_max_len(1)
                .map(|&(start, len)| {
                    let mut df = guarded(req, || {
                        let mut r = ParquetReader::new(source.reopen(path)?)
                            .with_columns(Some(cols.clone()))
                            .with_slice(Some((start, len)));
                        r.set_metadata(metadata.clone());
                        r.finish().map_err(|e| TableError::ParquetDecode {
                            path: path.to_path_buf(),
                            columns: cols.clone(),
                            message: first_line(&e.to_string()),
                        })
                    })??;
                    guarded(req, || check_batch(req, &mut df, &mut Clock::start(false)))
                })
                .collect();
            clock.lap("parse and check");
            for (&(start, len), result) in chunk.iter().zip(decoded) {
                match result? {
                    Ok(batch) => {
                        counts.rows_read += batch.rows;
                        counts.dropped += batch.dropped;
                        counts.kept += batch.kept;
                        if error.is_none() {
                            match self.label {
                                Some(label) => gathered.push_labelled(batch.pay, label),
                                None => gathered.push(batch.pay, batch.groups),
                            }
                            if self.reserve {
                                gathered.reserve(total);
                            }
                        }
                    }
                    Err(mut e) => {
                        if check_order(&e).is_none() {
                            return Err(e);
                        }
                        if let Some(rows) = rows_mut(&mut e) {
                            for (row, _, _) in &mut rows.first {
                                *row += start;
                            }
                        }
                        error = Some(merge_error(error.take(), e));
                        // What was gathered is not needed any more.
                        *gathered = Gathered::default();
                    }
                }
                progress(start + len, total);
            }
            clock.lap("by group");
        }
        match error {
            Some(e) => Err(e),
            None => Ok(counts),
        }
    }
}

/// Streams a partitioned directory of Parquet files (`partitioned`'s plan: the same files,
/// keys and checks), file after file into the same groups; the first file with an error ends
/// the read with that file's error, as when the files are read whole. A directory of CSV files
/// is read whole, then split.
fn stream_directory(
    req: &Request,
    options: &ReadOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(PayByGroup, Phases), TableError> {
    let plan = partitioned::plan(req)?;
    if !plan.parquet() {
        let (payroll, phases) = read_with(req, options)?;
        progress(payroll.rows_read, payroll.rows_read);
        return Ok((split(payroll), phases));
    }
    let mut clock = Clock::start(options.timings);
    let mut gathered = Gathered::default();
    let mut all = Counts::default();
    for part in plan.parts() {
        let (group_label, _) = plan.labels(req, part)?;
        let sub = plan.request(req, part);
        let source = input::Source::open(&part.path)?;
        if source.len == 0 {
            return Err(TableError::Empty {
                path: part.path.clone(),
            });
        }
        let file = File {
            req: &sub,
            source: &source,
            label: group_label.as_deref(),
            reserve: false,
            batch: BATCH_ROWS,
        };
        let before = all.rows_read;
        let counts = file.stream(
            &mut gathered,
            &mut |read, total| progress(before + read, before + total),
            &mut clock,
        )?;
        // An empty partition adds nothing; a file whose rows are all dropped is refused, as
        // when the files are read whole.
        if counts.rows_read > 0 {
            check_counts(&part.path, counts)?;
        }
        all.rows_read += counts.rows_read;
        all.dropped += counts.dropped;
        all.kept += counts.kept;
    }
    check_counts(req.path, all)?;
    Ok((gathered.finish(req.group.is_some(), all), clock.phases))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_gather_small_row_groups_and_cut_large_ones() {
        assert_eq!(windows([10, 20].into_iter(), 100), [(0, 30)]);
        let b = 100;
        assert_eq!(
            windows([b - 1, 2, 2 * b + 5].into_iter(), b),
            // 99 rows alone (99 + 2 > 100), then 2, then 205 cut into 100, 100 and 5.
            [
                (0, b - 1),
                (b - 1, 2),
                (b + 1, b),
                (2 * b + 1, b),
                (3 * b + 1, 5)
            ]
        );
        assert_eq!(windows(std::iter::empty(), b), []);
    }

    /// A Parquet file of `rows` rows in row groups of 700: pay rounded to 10 (ties), five
    /// groups and some null group cells; `bad(row)` replaces a pay value (0-based rows).
    fn write(
        dir: &std::path::Path,
        rows: usize,
        bad: impl Fn(usize) -> Option<f64>,
    ) -> std::path::PathBuf {
        let pay: Vec<f64> = (0..rows)
            .map(|i| bad(i).unwrap_or(((i * 7919) % 5003) as f64 * 10.0 + 10.0))
            .collect();
        let group: Vec<Option<String>> = (0..rows)
            .map(|i| (i % 97 != 3).then(|| format!("g{}", (i * 31) % 5)))
            .collect();
        let mut df = df!("pay" => pay, "grp" => group).unwrap();
        let path = dir.join("t.parquet");
        let file = std::fs::File::create(&path).unwrap();
        ParquetWriter::new(file)
            .with_row_group_size(Some(700))
            .finish(&mut df)
            .unwrap();
        path
    }

    /// The file read in batches of 1000 rows (several row groups, and row groups split across
    /// batches) and read whole then split.
    fn both(
        req: &Request,
    ) -> (
        Result<PayByGroup, TableError>,
        Result<PayByGroup, TableError>,
    ) {
        let source = input::Source::open(req.path).unwrap();
        let mut seen = Vec::new();
        let streamed = stream_parquet(
            req,
            &ReadOptions::default(),
            &source,
            &mut |read, total| seen.push((read, total)),
            1000,
        )
        .map(|(p, _)| p);
        if streamed.is_ok() {
            assert!(
                seen.len() > 3 && seen.windows(2).all(|w| w[0].0 < w[1].0),
                "{seen:?}"
            );
            assert_eq!(seen.last().map(|s| s.0), seen.last().map(|s| s.1));
        }
        let whole = read_with(req, &ReadOptions::default()).map(|(p, _)| split(p));
        (streamed, whole)
    }

    #[test]
    fn streamed_batches_are_the_file_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), 7000, |_| None);
        for group in [None, Some("grp")] {
            let req = Request {
                group,
                ..Request::new(&path, "pay")
            };
            let (streamed, whole) = both(&req);
            let streamed = streamed.unwrap();
            assert_eq!(streamed, whole.unwrap());
            assert_eq!(streamed.rows_read, 7000);
            if group.is_some() {
                assert_eq!(
                    streamed.labels.as_ref().unwrap()[0],
                    "",
                    "null labels are \"\""
                );
            }
        }
        // Zero and negative pay in three batches: kept, dropped, or the error of the whole file.
        let path = write(dir.path(), 7000, |i| {
            [10, 2500, 6999].contains(&i).then_some(-(i as f64))
        });
        for nonpositive in [NonPositive::Keep, NonPositive::Drop, NonPositive::Error] {
            let req = Request {
                group: Some("grp"),
                nonpositive,
                ..Request::new(&path, "pay")
            };
            match both(&req) {
                (Ok(s), Ok(w)) => {
                    assert_eq!(s, w);
                    assert_eq!(s.dropped_nonpositive + s.kept_nonpositive, 3);
                }
                (Err(s), Err(w)) => {
                    assert_eq!(s.to_string(), w.to_string());
                    assert!(s.to_string().contains("row 2501"), "{s}");
                }
                other => panic!("{nonpositive:?}: {other:?}"),
            }
        }
        // A NaN after zero pay: the whole file's error is the NaN (checked first), with its row.
        let path = write(dir.path(), 7000, |i| match i {
            5 => Some(0.0),
            4321 => Some(f64::NAN),
            _ => None,
        });
        let req = Request::new(&path, "pay");
        let (s, w) = both(&req);
        let (s, w) = (s.unwrap_err().to_string(), w.unwrap_err().to_string());
        assert_eq!(s, w);
        assert!(s.contains("NaN") && s.contains("row 4322"), "{s}");
    }

    /// Writes a Parquet file of `pay` (and a `sector` column) to `path`.
    fn part(path: &std::path::Path, pay: Vec<f64>) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let sector: Vec<String> = (0..pay.len()).map(|i| format!("s{}", i % 3)).collect();
        let mut df = df!("pay" => pay, "sector" => sector).unwrap();
        let file = std::fs::File::create(path).unwrap();
        ParquetWriter::new(file).finish(&mut df).unwrap();
    }

    #[test]
    fn a_directory_of_parquet_files_streams_as_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("t");
        let pay = |n: usize, k: usize| -> Vec<f64> {
            (0..n).map(|i| ((i * 37 + k) % 101) as f64 + 1.0).collect()
        };
        part(&root.join("grp=b").join("part-0.parquet"), pay(500, 1));
        part(&root.join("grp=a").join("part-0.parquet"), pay(300, 2));
        part(&root.join("grp=a").join("part-1.parquet"), pay(0, 3));
        part(&root.join("grp=c%20d").join("part-0.parquet"), pay(200, 4));
        std::fs::write(root.join("_SUCCESS"), "").unwrap();
        let read = |req: &Request| {
            let streamed =
                read_by_group(req, &ReadOptions::default(), &mut |_, _| {}).map(|(p, _)| p);
            let whole = read_with(req, &ReadOptions::default()).map(|(p, _)| split(p));
            (streamed, whole)
        };
        // The group from the folders (a partition key), from a column of the files, or none.
        for group in [Some("grp"), Some("sector"), None] {
            let req = Request {
                group,
                ..Request::new(&root, "pay")
            };
            let (s, w) = read(&req);
            let s = s.unwrap();
            assert_eq!(s, w.unwrap(), "{group:?}");
            assert_eq!(s.rows_read, 1000);
            if group == Some("grp") {
                assert_eq!(s.labels.as_deref().unwrap(), ["a", "b", "c d"]);
            }
        }
        // A bad row in the third file: the same error, naming that file and its row.
        part(&root.join("grp=c%20d").join("part-0.parquet"), {
            let mut p = pay(200, 4);
            p[150] = f64::INFINITY;
            p
        });
        let req = Request {
            group: Some("grp"),
            ..Request::new(&root, "pay")
        };
        let (s, w) = read(&req);
        let (s, w) = (s.unwrap_err().to_string(), w.unwrap_err().to_string());
        assert_eq!(s, w);
        assert!(s.contains("c%20d") && s.contains("row 151"), "{s}");
    }

    #[test]
    fn the_earlier_check_wins_and_the_same_check_adds_rows() {
        let rows = |first: &[usize], total| Rows {
            first: first.iter().map(|&r| (r, None, "0".to_string())).collect(),
            total,
        };
        let nonpositive = |r| TableError::NonPositivePay {
            path: "p".into(),
            column: "pay".into(),
            rows: r,
            hint: "",
        };
        let nonfinite = |r| TableError::NonFinite {
            path: "p".into(),
            column: "pay".into(),
            role: Role::Pay,
            rows: r,
        };
        let e = merge_error(
            Some(nonpositive(rows(&[3], 1))),
            nonpositive(rows(&[9, 12], 2)),
        );
        assert!(
            matches!(e, TableError::NonPositivePay { ref rows, .. } if rows.total == 3 && rows.first.len() == 3)
        );
        let e = merge_error(Some(e), nonfinite(rows(&[20], 1)));
        assert!(matches!(e, TableError::NonFinite { ref rows, .. } if rows.total == 1));
        let e = merge_error(Some(e), nonpositive(rows(&[30], 1)));
        assert!(matches!(e, TableError::NonFinite { .. }));
    }
}

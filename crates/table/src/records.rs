//! The general CSV reader: every CSV the plain fast path ([`crate::plain_csv`]) declines is read
//! here, record by record, with the `csv` crate (RFC 4180: quoted cells may hold commas, quotes
//! and line breaks; lines end in `\n`, `\r\n` or `\r`; a UTF-8 byte-order mark is dropped;
//! blank lines are skipped, as R's `read.csv` and pandas skip them).
//!
//! Because it knows the line every record starts on, each problem it finds names the line in
//! the user's file and the column: a record with too few or too many fields (both are errors:
//! a short row is never read as empty cells), an empty or non-numeric pay, weight or bonus
//! cell, a group or within label that is not UTF-8. All problems of one kind are counted in
//! one pass and the first few shown.
//!
//! Numbers are parsed by `fast_float2::parse` (polars' CSV parser, which the fast path also
//! uses, so both readers give the same bits), after trimming spaces and tabs around the cell:
//! ` 1200 ` is 1200. `inf` and `NaN` parse, and are refused later as non-finite with their rows.
//!
//! An explanatory column is read as numbers until a cell is not one (then it is categorical):
//! if cells other than empty ones came before, the column is read again, as labels, in a
//! second pass over the records (once, for all such columns), so every label is the cell's own
//! text.

use crate::{
    Columns, Covariate, CovariateCell, CovariateValues, Groups, LineMap, Request, Role, Rows, Slot,
    TableError,
};
use std::io::Read;

/// The header of a CSV: its column names, checked (UTF-8, no NUL, no duplicates), and the line
/// after it.
pub(crate) fn header(path: &std::path::Path, bytes: impl Read) -> Result<Vec<String>, TableError> {
    let mut rdr = reader(bytes);
    let mut rec = csv::ByteRecord::new();
    let got = rdr
        .read_byte_record(&mut rec)
        .map_err(|e| io_error(path, e))?;
    if !got {
        return Err(TableError::Empty {
            path: path.to_path_buf(),
        });
    }
    header_names(path, &rec)
}

fn header_names(path: &std::path::Path, rec: &csv::ByteRecord) -> Result<Vec<String>, TableError> {
    let mut names = Vec::with_capacity(rec.len());
    for (i, field) in rec.iter().enumerate() {
        if field.contains(&0) {
            return Err(TableError::NotText {
                path: path.to_path_buf(),
                why: "its header line holds NUL bytes (a UTF-16 export? save it as UTF-8 CSV)",
            });
        }
        match std::str::from_utf8(field) {
            Ok(s) => names.push(s.to_string()),
            Err(_) => {
                return Err(TableError::HeaderNotUtf8 {
                    path: path.to_path_buf(),
                    column: i + 1,
                })
            }
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    let mut dups: Vec<String> = Vec::new();
    for n in &names {
        if seen.contains(&n.as_str()) {
            if !dups.contains(n) {
                dups.push(n.clone());
            }
        } else {
            seen.push(n);
        }
    }
    if !dups.is_empty() {
        return Err(TableError::DuplicateColumns {
            path: path.to_path_buf(),
            names: dups,
            line: Some(1),
        });
    }
    Ok(names)
}

fn reader<R: Read>(bytes: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_reader(bytes)
}

fn io_error(path: &std::path::Path, e: csv::Error) -> TableError {
    match e.into_kind() {
        csv::ErrorKind::Io(source) => TableError::Open {
            path: path.to_path_buf(),
            source,
        },
        other => TableError::Open {
            path: path.to_path_buf(),
            source: std::io::Error::other(format!("{other:?}")),
        },
    }
}

/// Offending cells of one kind, as [`Rows`] collects them.
struct Offenders {
    first: Vec<(usize, Option<u64>, String)>,
    total: usize,
}

impl Offenders {
    fn new() -> Self {
        Offenders {
            first: Vec::new(),
            total: 0,
        }
    }
    fn push(&mut self, row: usize, line: u64, text: &[u8]) {
        self.push_shown(row, line, || String::from_utf8_lossy(text).into_owned());
    }
    fn push_shown(&mut self, row: usize, line: u64, shown: impl FnOnce() -> String) {
        self.total += 1;
        if self.first.len() < crate::ROWS_SHOWN {
            self.first.push((row, Some(line), shown()));
        }
    }
    fn rows(self) -> Option<Rows> {
        (self.total > 0).then_some(Rows {
            first: self.first,
            total: self.total,
        })
    }
}

/// Bytes read between two calls of the `release` callback of [`read`].
const RELEASE_BYTES: usize = 32 << 20;

/// Reads the requested columns of a CSV (the header included) from `bytes`, the whole file.
/// `release(from, to)` is called as reading moves on, with ranges of `bytes` that are not
/// read again (the caller drops the mapped pages, so the file does not add to the resident size).
pub(crate) fn read(
    req: &Request,
    bytes: &[u8],
    mut release: impl FnMut(usize, usize),
) -> Result<Columns, TableError> {
    let path = req.path;
    let mut rdr = reader(bytes);
    let mut rec = csv::ByteRecord::new();
    if !rdr
        .read_byte_record(&mut rec)
        .map_err(|e| io_error(path, e))?
    {
        return Err(TableError::Empty {
            path: path.to_path_buf(),
        });
    }
    let names = header_names(path, &rec)?;
    let mut slots = vec![Slot::Skip; names.len()];
    for (role, name, slot) in crate::slotted(req) {
        match names.iter().position(|n| n == name) {
            Some(i) => slots[i] = slot,
            None => {
                return Err(TableError::MissingColumn {
                    path: path.to_path_buf(),
                    role,
                    option: req.option(role),
                    name: name.to_string(),
                    available: names.clone(),
                })
            }
        }
    }
    let fields = names.len();
    // The numeric columns (pay, weight, bonus) at the index `number` gives their slots, and
    // the label columns (group, within); a column not asked for stays empty.
    let numbers = [
        (Role::Pay, Some(req.pay)),
        (Role::Weight, req.weight),
        (Role::Bonus, req.bonus),
    ];
    let number = |slot: Slot| match slot {
        Slot::Weight => 1,
        Slot::Bonus => 2,
        _ => 0,
    };
    let mut values: [Vec<f64>; 3] = Default::default();
    let mut empty = [Offenders::new(), Offenders::new(), Offenders::new()];
    let mut not_numbers = [Offenders::new(), Offenders::new(), Offenders::new()];
    let label_roles = [(Role::Group, req.group), (Role::Within, req.within)];
    let mut label_columns = [LabelColumn::default(), LabelColumn::default()];
    let mut covariates: Vec<CovariateColumn> = req
        .covariates
        .iter()
        .map(|name| CovariateColumn::new(crate::forced_categorical(req, name)))
        .collect();
    let mut lines = LineMap::default();
    let mut ragged = Vec::new();
    let mut ragged_total = 0usize;
    let mut row = 0usize;
    // The line of a record's first byte: line ends counted up to it. The reader's own
    // position is taken before the line ends it skips (blank lines, the `\n` of a `\r\n`), so
    // the start is found by stepping over them.
    let (mut counted_to, mut line) = (0usize, 1u64);
    let mut released_to = 0usize;
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(io_error(path, e)),
        }
        row += 1;
        let mut start = rec.position().map_or(counted_to, |p| p.byte() as usize);
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        let start = start.max(counted_to).min(bytes.len());
        line += memchr::memchr_iter(b'\n', &bytes[counted_to..start]).count() as u64;
        if start - released_to >= RELEASE_BYTES {
            release(released_to, start);
            released_to = start;
        }
        counted_to = start;
        let line = line;
        lines.note(row, line);
        if rec.len() != fields {
            ragged_total += 1;
            if ragged.len() < crate::ROWS_SHOWN {
                ragged.push((line, rec.len()));
            }
            continue;
        }
        for (field, &slot) in rec.iter().zip(&slots) {
            match slot {
                Slot::Skip => {}
                Slot::Pay | Slot::Weight | Slot::Bonus => {
                    let k = number(slot);
                    let text = trim(field);
                    let value = if text.is_empty() {
                        empty[k].push(row, line, field);
                        0.0
                    } else {
                        match fast_float2::parse::<f64, _>(text) {
                            Ok(v) => v,
                            Err(_) => {
                                not_numbers[k].push(row, line, field);
                                0.0
                            }
                        }
                    };
                    values[k].push(value);
                }
                Slot::Group => label_columns[0].push(row, line, field),
                Slot::Within => label_columns[1].push(row, line, field),
                Slot::Covariate(k) => covariates[k].push(row, line, field),
            }
        }
    }
    if ragged_total > 0 {
        return Err(TableError::Ragged {
            path: path.to_path_buf(),
            expected: fields,
            first: ragged,
            total: ragged_total,
        });
    }
    for (k, offenders) in not_numbers.into_iter().enumerate() {
        if let Some(rows) = offenders.rows() {
            return Err(TableError::NotNumeric {
                path: path.to_path_buf(),
                column: numbers[k].1.unwrap_or("").to_string(),
                role: numbers[k].0,
                rows,
            });
        }
    }
    for (k, offenders) in empty.into_iter().enumerate() {
        if let Some(rows) = offenders.rows() {
            return Err(TableError::Missing {
                path: path.to_path_buf(),
                column: numbers[k].1.unwrap_or("").to_string(),
                role: numbers[k].0,
                rows,
            });
        }
    }
    let mut groups = [None, None];
    for (k, mut column) in label_columns.into_iter().enumerate() {
        let (role, name) = label_roles[k];
        if let Some(rows) = std::mem::replace(&mut column.not_utf8, Offenders::new()).rows() {
            return Err(TableError::LabelNotUtf8 {
                path: path.to_path_buf(),
                column: name.unwrap_or("").to_string(),
                role,
                rows,
            });
        }
        if name.is_some() {
            groups[k] = Some(column.groups(false));
        }
    }
    if row == 0 {
        return Err(TableError::NoRows {
            path: path.to_path_buf(),
        });
    }
    let reread: Vec<bool> = covariates
        .iter()
        .map(|c| matches!(c, CovariateColumn::Flipped))
        .collect();
    if reread.contains(&true) {
        relabel(
            path,
            bytes,
            &slots,
            &reread,
            &lines,
            &mut covariates,
            release,
        )?;
    }
    let mut explanatory = Vec::with_capacity(covariates.len());
    for (column, &name) in covariates.into_iter().zip(req.covariates) {
        explanatory.push(Covariate {
            name: name.to_string(),
            values: column.finish(req, name)?,
        });
    }
    let [pay, weight, bonus] = values;
    let [groups, within] = groups;
    Ok(Columns {
        pay,
        weight: req.weight.map(|_| weight),
        bonus: req.bonus.map(|_| bonus),
        groups,
        within,
        covariates: explanatory,
        rows_read: row,
        lines,
    })
}

/// The second pass: the explanatory columns of `reread` (categorical after all, with numbers
/// read before their first text) read again from the records, as labels. The first pass
/// checked the records (every one has the header's field count).
fn relabel(
    path: &std::path::Path,
    bytes: &[u8],
    slots: &[Slot],
    reread: &[bool],
    lines: &LineMap,
    covariates: &mut [CovariateColumn],
    mut release: impl FnMut(usize, usize),
) -> Result<(), TableError> {
    for (c, &again) in covariates.iter_mut().zip(reread) {
        if again {
            *c = CovariateColumn::Labels(LabelColumn::default());
        }
    }
    let mut rdr = reader(bytes);
    let mut rec = csv::ByteRecord::new();
    // The header.
    rdr.read_byte_record(&mut rec)
        .map_err(|e| io_error(path, e))?;
    let (mut row, mut released_to) = (0usize, 0usize);
    while rdr
        .read_byte_record(&mut rec)
        .map_err(|e| io_error(path, e))?
    {
        row += 1;
        let at = rec
            .position()
            .map_or(0, |p| p.byte() as usize)
            .min(bytes.len());
        if at.saturating_sub(released_to) >= RELEASE_BYTES {
            release(released_to, at);
            released_to = at;
        }
        let line = lines.line(row).unwrap_or(0);
        for (field, &slot) in rec.iter().zip(slots) {
            if let Slot::Covariate(k) = slot {
                if reread[k] {
                    covariates[k].push(row, line, field);
                }
            }
        }
    }
    Ok(())
}

/// An explanatory column as it is read: numbers (missing cells `NaN`, the rows of NaN or
/// infinite numbers noted) while every cell is a number or empty, labels once one is text
/// (or from the start, when named categorical), or `Flipped`: text came after numbers, and
/// the column is read again as labels ([`relabel`]).
enum CovariateColumn {
    Numbers {
        values: Vec<f64>,
        /// Every cell so far was empty (`""`): they can become the label `""` at once.
        only_empty: bool,
        nonfinite: Offenders,
    },
    Labels(LabelColumn),
    Flipped,
}

impl CovariateColumn {
    fn new(categorical: bool) -> Self {
        if categorical {
            CovariateColumn::Labels(LabelColumn::default())
        } else {
            CovariateColumn::Numbers {
                values: Vec::new(),
                only_empty: true,
                nonfinite: Offenders::new(),
            }
        }
    }

    fn push(&mut self, row: usize, line: u64, field: &[u8]) {
        match self {
            CovariateColumn::Numbers {
                values,
                only_empty,
                nonfinite,
            } => match crate::covariate_cell(field) {
                CovariateCell::Number(x) => {
                    if !x.is_finite() {
                        nonfinite.push_shown(row, line, || crate::shown_value(x));
                    }
                    values.push(x);
                    *only_empty = false;
                }
                CovariateCell::Missing => {
                    values.push(f64::NAN);
                    *only_empty &= field.is_empty();
                }
                CovariateCell::Text => {
                    if *only_empty {
                        let mut labels = LabelColumn::default();
                        for _ in 0..values.len() {
                            labels.push(row, line, b"");
                        }
                        labels.push(row, line, field);
                        *self = CovariateColumn::Labels(labels);
                    } else {
                        *self = CovariateColumn::Flipped;
                    }
                }
            },
            CovariateColumn::Labels(labels) => labels.push(row, line, field),
            CovariateColumn::Flipped => {}
        }
    }

    /// The column's values, or its error: labels that are not UTF-8, numbers that are NaN or
    /// infinite.
    fn finish(self, req: &Request, name: &str) -> Result<CovariateValues, TableError> {
        let path = req.path;
        match self {
            CovariateColumn::Numbers {
                values, nonfinite, ..
            } => match nonfinite.rows() {
                None => Ok(CovariateValues::Numeric(values)),
                Some(rows) => Err(TableError::NonFinite {
                    path: path.to_path_buf(),
                    column: name.to_string(),
                    role: Role::Covariate,
                    rows,
                }),
            },
            CovariateColumn::Labels(mut labels) => {
                if let Some(rows) = std::mem::replace(&mut labels.not_utf8, Offenders::new()).rows()
                {
                    return Err(TableError::LabelNotUtf8 {
                        path: path.to_path_buf(),
                        column: name.to_string(),
                        role: Role::Covariate,
                        rows,
                    });
                }
                Ok(CovariateValues::Categorical(labels.groups(true)))
            }
            CovariateColumn::Flipped => unreachable!("relabel reads every flipped column again"),
        }
    }
}

/// A label column (group or within) as it is read: each row's code, in first-seen order of
/// the labels, and the rows whose label is not UTF-8.
struct LabelColumn {
    codes: Vec<u32>,
    labels: Vec<Box<[u8]>>,
    index: foldhash::HashMap<Box<[u8]>, u32>,
    not_utf8: Offenders,
}

impl Default for LabelColumn {
    fn default() -> Self {
        LabelColumn {
            codes: Vec::new(),
            labels: Vec::new(),
            index: foldhash::HashMap::default(),
            not_utf8: Offenders::new(),
        }
    }
}

impl LabelColumn {
    fn push(&mut self, row: usize, line: u64, field: &[u8]) {
        let code = match self.index.get(field) {
            Some(&c) => c,
            None => {
                if std::str::from_utf8(field).is_err() {
                    self.not_utf8.push(row, line, field);
                }
                let c = self.labels.len() as u32;
                self.labels.push(field.into());
                self.index.insert(field.into(), c);
                c
            }
        };
        self.codes.push(code);
    }

    /// The labels sorted, the codes renumbered to follow them (the labels checked to be UTF-8);
    /// with `empty_missing` (an explanatory column) an empty cell is
    /// [`MISSING_CODE`](crate::MISSING_CODE), not the label `""`.
    fn groups(mut self, empty_missing: bool) -> Groups {
        let (mut sorted, mut remaps) = crate::labels::merge(&[&self.labels[..]]);
        if empty_missing {
            crate::labels::empty_is_missing(&mut sorted, &mut remaps);
        }
        crate::labels::renumber(&mut self.codes, &remaps[0]);
        Groups {
            labels: sorted
                .iter()
                .map(|l| String::from_utf8_lossy(l).into_owned())
                .collect(),
            codes: self.codes,
        }
    }
}

/// The cell without the spaces and tabs around it.
pub(crate) fn trim(cell: &[u8]) -> &[u8] {
    let start = cell
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(cell.len());
    let end = cell
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(start, |i| i + 1);
    &cell[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::InputFormat;
    use std::path::Path;

    fn req(group: bool) -> Request<'static> {
        Request {
            format: Some(InputFormat::Csv),
            group: group.then_some("g"),
            ..Request::new(Path::new("t.csv"), "pay")
        }
    }

    #[test]
    fn quoted_line_breaks_blank_lines_and_cr_line_ends() {
        let text = b"\xEF\xBB\xBFg,pay\r\n\"a\nb\",1.5\r\n\r\nc, 2 \r\n\r\n";
        let c = read(&req(true), &text[..], |_, _| {}).unwrap();
        assert_eq!(c.pay, vec![1.5, 2.0]);
        let g = c.groups.unwrap();
        assert_eq!(g.labels, vec!["a\nb", "c"]);
        // Row 2 starts on line 5: the quoted break and the blank line moved it.
        assert_eq!(c.lines.line(1), Some(2));
        assert_eq!(c.lines.line(2), Some(5));
        let cr = read(&req(false), &b"pay\r1\r2\r"[..], |_, _| {}).unwrap();
        assert_eq!(cr.pay, vec![1.0, 2.0]);
    }

    #[test]
    fn short_and_long_rows_are_both_errors_with_lines() {
        let e = read(&req(true), &b"g,pay\na,1\n200\nb,2,3\n"[..], |_, _| {}).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("line 3 has 1 field"), "{msg}");
        assert!(msg.contains("line 4 has 3 fields"), "{msg}");
    }

    #[test]
    fn bad_numbers_name_their_lines() {
        let e = read(&req(false), &b"pay\n1\n\"x\ny\"\n2 3\n"[..], |_, _| {}).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("row 2 (line 3)"), "{msg}");
        assert!(msg.contains("row 3 (line 5)"), "{msg}");
    }

    #[test]
    fn duplicate_header_names_are_refused() {
        let e = read(&req(false), &b"pay,x,pay\n1,2,3\n"[..], |_, _| {}).unwrap_err();
        assert!(e.to_string().contains("\"pay\""), "{e}");
        assert!(matches!(e, TableError::DuplicateColumns { .. }));
    }
}

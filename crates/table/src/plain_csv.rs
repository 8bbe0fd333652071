//! The fast path for plain CSV files.
//!
//! polars' CSV reader parses the pay and group columns of the benchmark's 10-million-row,
//! 326 MiB payroll in about 0.8-1.3 s on 2 cores, which is most of the time budget `wages
//! analyze` has for the whole job (bench/README.md). Most payroll exports are *plain*:
//! comma-separated, every line with the header's number of fields, numbers written as plain
//! decimals, text either bare or in double quotes (RFC 4180: `"Smith, John"`, `"the ""Red""
//! works"`; R's `write.csv` quotes every text cell and the header). For those this module reads
//! the requested columns directly from the memory-mapped file, in one contiguous range of lines
//! per core, in 0.38 s against polars' 0.87-1.29 s on the benchmark file.
//!
//! It is a fast path, not a second CSV dialect: anything it does not recognise, it declines
//! ([`read`] returns `None`), and the caller reads the file with polars, which stays the
//! reference for what a CSV means and gives every error message. Declined are: a byte-order mark,
//! a quoted cell that spans lines, a quote that does not enclose a whole cell (`ab"c`,
//! `"a"b"`), a line whose field count differs from the header's (blank lines included), a pay,
//! weight or bonus cell that is empty or does not start with a digit, `.` or `-` (`+1`, ` 1`,
//! `inf`, `NaN`; a number in quotes is read without them, as polars does), a group or within
//! label that is not UTF-8 or holds a carriage return, and a file without data rows. A number
//! that is accepted is parsed by `fast_float2::parse`, the very function polars' CSV reader
//! calls for `Float64` (or by an exact shortcut that gives the same bits), so both paths give
//! the same values; an empty label cell is the label `""`, as the polars path makes it (the
//! caller refuses it when labels are required). Property tests read random files (bare,
//! R-style and fully quoted, with malformed quoting among them, with and without the bonus and
//! within columns) both ways and compare.
//!
//! Each label column (group, within) has its own label tables per range of lines, merged
//! ([`crate::labels::merge`]) when the ranges are joined. A column not asked for costs nothing
//! but a `Skip` in the per-cell match: its vectors are never allocated.
//!
//! Explanatory columns (covariates) take any cell, so they never make the fast path decline a
//! file, except a number that is NaN or infinite (an error, which the general reader reports)
//! and a label that is not UTF-8 or holds a carriage return. Each has a slot per range of
//! lines: a column named categorical is coded as the group is; any other is parsed as numbers
//! (an empty cell, or one of spaces only, is `NaN`; numbers as the general reader parses them:
//! trimmed, `fast_float2`, with the same exact shortcut as pay) until a cell is not a number.
//! Then the column is categorical: a range whose cells so far were all empty codes them as
//! `""` and goes on coding labels; a range that had read numbers stops reading the column, and
//! once every range is done, each range that read numbers of a column that turned out
//! categorical (there or in another range) is parsed again for those columns only, as labels
//! (in parallel, one pass per range for all such columns). A text column, whose first cell is
//! text, is thus read once; only a column of numbers with text after them costs a second pass.
//! The empty label is then made missing ([`crate::labels::empty_is_missing`]).
//!
//! Lines end with `\n` or `\r\n` (the `\r` is dropped from the last field); the last line may
//! lack its line end.
//!
//! Memory: the mapped pages of each 32 MiB block are released once the block is parsed, so the
//! resident size is the output vectors plus about one block per core, not the whole file.

use crate::{Columns, Covariate, CovariateCell, CovariateValues, Groups, LineMap, Request, Slot};
use memmap2::{Mmap, UncheckedAdvice};
use rayon::prelude::*;
use std::borrow::Cow;
use std::fs::File;

/// Bytes parsed before the mapped pages behind them are released (small in tests, so that
/// every test file crosses block boundaries).
const BLOCK_BYTES: usize = if cfg!(test) { 4 << 10 } else { 32 << 20 };

/// Below this many bytes per thread, one thread reads the whole file.
const MIN_PART_BYTES: usize = 1 << 20;

/// One thread's share of the file: its rows' values, in file order, with the codes of each
/// label column local to the thread. A column not asked for stays empty (no allocation).
struct Part {
    pay: Vec<f64>,
    weight: Vec<f64>,
    bonus: Vec<f64>,
    group: LocalLabels,
    within: LocalLabels,
    /// One per explanatory column of the request.
    covariates: Vec<CovariatePart>,
    rows: usize,
}

/// How a pass reads an explanatory column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Not at all (the second pass, for the columns it does not read again).
    Unread,
    /// As numbers, until a cell is not one.
    Numbers,
    /// As labels.
    Labels,
}

/// One explanatory column of a [`Part`].
#[derive(Default)]
enum CovariatePart {
    #[default]
    Unread,
    /// Numbers so far (`NaN` for an empty cell); `only_empty` while every cell was `""`.
    Numbers {
        values: Vec<f64>,
        only_empty: bool,
    },
    Labels(LocalLabels),
    /// Text after numbers: the column is categorical, and this part reads it again.
    Flipped,
}

impl CovariatePart {
    fn new(mode: Mode, capacity: usize) -> CovariatePart {
        match mode {
            Mode::Unread => CovariatePart::Unread,
            Mode::Numbers => CovariatePart::Numbers {
                values: Vec::with_capacity(capacity),
                only_empty: true,
            },
            Mode::Labels => CovariatePart::Labels(LocalLabels {
                codes: Vec::with_capacity(capacity),
                ..LocalLabels::default()
            }),
        }
    }

    /// Reads one cell; `None` (the file is declined) for a NaN or infinite number in a column
    /// of numbers, and for a label [`LocalLabels::push`] declines.
    #[inline]
    fn push(&mut self, text: &[u8]) -> Option<()> {
        match self {
            CovariatePart::Numbers { values, only_empty } => match crate::covariate_cell(text) {
                CovariateCell::Number(x) => {
                    if !x.is_finite() {
                        return None;
                    }
                    values.push(x);
                    *only_empty = false;
                }
                CovariateCell::Missing => {
                    values.push(f64::NAN);
                    *only_empty &= text.is_empty();
                }
                CovariateCell::Text => return self.flip(text),
            },
            CovariatePart::Labels(labels) => labels.push(text)?,
            CovariatePart::Unread | CovariatePart::Flipped => {}
        }
        Some(())
    }

    /// The first text of a column of numbers: labels from now on if every cell before was
    /// empty (they become `""`), else [`CovariatePart::Flipped`].
    #[cold]
    fn flip(&mut self, text: &[u8]) -> Option<()> {
        if let CovariatePart::Numbers { values, only_empty } = self {
            if *only_empty {
                let mut labels = LocalLabels {
                    codes: Vec::with_capacity(values.capacity()),
                    ..LocalLabels::default()
                };
                for _ in 0..values.len() {
                    labels.push(b"")?;
                }
                labels.push(text)?;
                *self = CovariatePart::Labels(labels);
            } else {
                *self = CovariatePart::Flipped;
            }
        }
        Some(())
    }

    /// How many rows it holds; `None` unless it holds numbers or labels.
    fn len(&self) -> Option<usize> {
        match self {
            CovariatePart::Numbers { values, .. } => Some(values.len()),
            CovariatePart::Labels(labels) => Some(labels.codes.len()),
            CovariatePart::Unread | CovariatePart::Flipped => None,
        }
    }
}

/// One label column of a [`Part`]: each row's code, local to the part (`labels[code]`).
/// Labels are copied out of the map, whose pages are released.
#[derive(Default)]
struct LocalLabels {
    codes: Vec<u32>,
    labels: Vec<Box<[u8]>>,
    /// Codes of labels of at most 16 bytes, by [`short_key`].
    short_index: foldhash::HashMap<(u64, u64, u8), u32>,
    /// Codes of the other labels.
    index: foldhash::HashMap<Box<[u8]>, u32>,
}

/// Reads the requested columns of a plain CSV, or `None` if the file is not plain (see the
/// module docs) or cannot be mapped; the caller then reads it with the general reader. `columns` are the
/// file's column names as polars reads them from the header: the fast path declines unless the
/// header splits into exactly those names.
pub(crate) fn read(req: &Request, file: &File, columns: &[String]) -> Option<Columns> {
    // SAFETY: a read-only private mapping. A file truncated by another process while it is
    // read raises SIGBUS on the lost pages; the caller holds a `TruncationGuard`, which turns
    // that into a clean error and exit code 1.
    let map = unsafe { Mmap::map(file) }.ok()?;
    let bytes: &[u8] = &map;
    let header_len = memchr::memchr(b'\n', bytes)? + 1;
    let header = strip_cr(&bytes[..header_len - 1]);
    if header.starts_with(b"\xEF\xBB\xBF") {
        return None;
    }
    let names = header_names(header)?;
    if names.len() != columns.len() || names.iter().zip(columns).any(|(n, c)| **n != *c.as_bytes())
    {
        return None;
    }
    let mut slots = vec![Slot::Skip; names.len()];
    for (_, name, slot) in crate::slotted(req) {
        let i = names.iter().position(|n| **n == *name.as_bytes())?;
        slots[i] = slot;
    }
    let body = &bytes[header_len..];
    if body.is_empty() {
        return None;
    }
    let ranges = rayon::current_num_threads()
        .min(body.len().div_ceil(MIN_PART_BYTES))
        .max(1);
    let ranges = line_ranges(body, ranges);
    let parse = |r: &std::ops::Range<usize>, slots: &[Slot], modes: &[Mode]| {
        let range = (header_len + r.start)..(header_len + r.end);
        // A panic is a bug of the fast path: decline the file, the general reader reads it.
        std::panic::catch_unwind(|| parse_part(&map, range, slots, modes))
            .ok()
            .flatten()
    };
    let modes: Vec<Mode> = req
        .covariates
        .iter()
        .map(|name| match crate::forced_categorical(req, name) {
            true => Mode::Labels,
            false => Mode::Numbers,
        })
        .collect();
    let parts: Vec<Option<Part>> = ranges
        .par_iter()
        .map(|r| parse(r, &slots, &modes))
        .collect();
    let mut parts: Vec<Part> = parts.into_iter().collect::<Option<_>>()?;
    // An explanatory column is categorical if named so or if any part met text in it; the
    // parts that read numbers of it read it again, as labels.
    let categorical: Vec<bool> = (0..modes.len())
        .map(|k| {
            modes[k] == Mode::Labels
                || parts.iter().any(|p| {
                    matches!(
                        p.covariates[k],
                        CovariatePart::Labels(_) | CovariatePart::Flipped
                    )
                })
        })
        .collect();
    let again: Vec<Vec<Mode>> = parts
        .iter()
        .map(|p| {
            (0..modes.len())
                .map(|k| {
                    let done = matches!(p.covariates[k], CovariatePart::Labels(_));
                    match categorical[k] && !done {
                        true => Mode::Labels,
                        false => Mode::Unread,
                    }
                })
                .collect()
        })
        .collect();
    let relabeled: Vec<Option<(usize, Part)>> = again
        .par_iter()
        .enumerate()
        .filter(|(_, modes)| modes.contains(&Mode::Labels))
        .map(|(i, modes)| {
            let slots: Vec<Slot> = slots
                .iter()
                .map(|&s| match s {
                    Slot::Covariate(k) if modes[k] == Mode::Labels => s,
                    _ => Slot::Skip,
                })
                .collect();
            parse(&ranges[i], &slots, modes).map(|p| (i, p))
        })
        .collect();
    for relabeled in relabeled {
        let (i, mut part) = relabeled?;
        if part.rows != parts[i].rows {
            return None;
        }
        for (k, mode) in again[i].iter().enumerate() {
            if *mode == Mode::Labels {
                parts[i].covariates[k] = std::mem::take(&mut part.covariates[k]);
            }
        }
    }
    let columns = merge(parts, req, &categorical);
    drop(map);
    columns.filter(|c| c.rows_read > 0)
}

/// The header's fields, each unquoted; `None` if a field is quoted wrongly.
fn header_names(header: &[u8]) -> Option<Vec<Cow<'_, [u8]>>> {
    let mut names = Vec::new();
    let (mut start, mut inside) = (0, false);
    for (i, &b) in header.iter().enumerate() {
        match b {
            b'"' => inside = !inside,
            b',' if !inside => {
                names.push(cell_text(&header[start..i], true)?);
                start = i + 1;
            }
            _ => {}
        }
    }
    names.push(cell_text(&header[start..], true)?);
    Some(names)
}

/// The text of a cell: as is, or (`quoted`: the block has quotes) without its enclosing quotes
/// and with each doubled quote inside made single, as polars reads it (RFC 4180). `None` for a
/// quote anywhere else, which polars may read differently: the fast path declines the file.
#[inline]
fn cell_text(cell: &[u8], quoted: bool) -> Option<Cow<'_, [u8]>> {
    if !quoted {
        return Some(Cow::Borrowed(cell));
    }
    let enclosed = cell.len() >= 2 && cell[0] == b'"' && cell[cell.len() - 1] == b'"';
    if !enclosed {
        // Unquoted: no quote may appear in it.
        return memchr::memchr(b'"', cell)
            .is_none()
            .then_some(Cow::Borrowed(cell));
    }
    let inner = &cell[1..cell.len() - 1];
    if memchr::memchr(b'"', inner).is_none() {
        return Some(Cow::Borrowed(inner));
    }
    // Inner quotes must come in pairs.
    let mut out = Vec::with_capacity(inner.len());
    let mut bytes = inner.iter();
    while let Some(&b) = bytes.next() {
        if b == b'"' && bytes.next() != Some(&b'"') {
            return None;
        }
        out.push(b);
    }
    Some(Cow::Owned(out))
}

/// Splits `body` into `n` ranges of about equal size, each ending after a line end (the last
/// at the end of `body`).
fn line_ranges(body: &[u8], n: usize) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::with_capacity(n);
    let mut start = 0;
    for k in 1..n {
        let target = (body.len() * k / n).max(start);
        let Some(end) = memchr::memchr(b'\n', &body[target..]).map(|i| target + i + 1) else {
            break;
        };
        ranges.push(start..end);
        start = end;
    }
    if start < body.len() {
        ranges.push(start..body.len());
    }
    ranges
}

/// Parses the whole lines in `map[range]`, block by block, releasing each block's pages;
/// `modes` say how each explanatory column is read.
fn parse_part(
    map: &Mmap,
    range: std::ops::Range<usize>,
    slots: &[Slot],
    modes: &[Mode],
) -> Option<Part> {
    let text = &map[range.clone()];
    // Reserve for the rows the first lines suggest (untouched capacity costs nothing).
    let sample = &text[..text.len().min(64 * 1024)];
    let lines = memchr::memchr_iter(b'\n', sample).count().max(1);
    let estimate = text.len() / (sample.len() / lines).max(1) + 16;
    let wants = |s: Slot| slots.contains(&s);
    let reserve = |s: Slot| if wants(s) { estimate } else { 0 };
    let labels = |s: Slot| LocalLabels {
        codes: Vec::with_capacity(reserve(s)),
        ..LocalLabels::default()
    };
    let mut part = Part {
        pay: Vec::with_capacity(reserve(Slot::Pay)),
        weight: Vec::with_capacity(reserve(Slot::Weight)),
        bonus: Vec::with_capacity(reserve(Slot::Bonus)),
        group: labels(Slot::Group),
        within: labels(Slot::Within),
        covariates: modes
            .iter()
            .map(|&mode| CovariatePart::new(mode, estimate))
            .collect(),
        rows: 0,
    };
    let mut start = 0;
    while start < text.len() {
        let cut = (start + BLOCK_BYTES).min(text.len());
        let end = if cut == text.len() {
            cut
        } else {
            memchr::memchr(b'\n', &text[cut..]).map_or(text.len(), |i| cut + i + 1)
        };
        let block = &text[start..end];
        let quoted = memchr::memchr(b'"', block).is_some();
        part.parse_block(block, slots, quoted)?;
        release(map, range.start + start, range.start + end);
        start = end;
    }
    Some(part)
}

/// Drops the resident pages wholly inside `map[from..to]` (they were read and are not needed
/// again), so the mapping does not add the whole file to the resident size.
pub(crate) fn release(map: &Mmap, from: usize, to: usize) {
    const PAGE: usize = 4096;
    let from = from.div_ceil(PAGE) * PAGE;
    let to = to / PAGE * PAGE;
    if to > from {
        // SAFETY: MADV_DONTNEED on a read-only, file-backed private mapping only drops pages;
        // a later access would read them from the file again. Nothing reads these pages
        // afterwards (labels are copied out).
        let _ = unsafe { map.unchecked_advise_range(UncheckedAdvice::DontNeed, from, to - from) };
    }
}

impl Part {
    /// Parses whole lines (the last may lack its line end). `None` if a line is not plain.
    ///
    /// The block is scanned 64 bytes at a time into bit masks of its commas and line ends
    /// (compiled to vector compares), and the cells are cut at the set bits in order. Cells
    /// are a few bytes long: a byte-by-byte scan or a SIMD search per cell spent most of its
    /// time on mispredicted branches.
    ///
    /// A block with quotes (`quoted`) also gets a mask of the bytes inside quotes: the running
    /// parity of the quote bits (a prefix XOR), carried from chunk to chunk. Delimiters inside
    /// quotes are not delimiters; a line end inside quotes declines the file (a cell spanning
    /// lines would also break the cut of the file into line ranges). A block starts outside
    /// quotes, since it starts after a line end that was outside quotes.
    fn parse_block(&mut self, block: &[u8], slots: &[Slot], quoted: bool) -> Option<()> {
        let mut field = 0;
        let mut start = 0;
        let mut carry = 0u64;
        for (k, chunk) in block.chunks(64).enumerate() {
            let base = k * 64;
            let mut padded = [0u8; 64];
            let chunk: &[u8; 64] = match <&[u8; 64]>::try_from(chunk) {
                Ok(whole) => whole,
                Err(_) => {
                    padded[..chunk.len()].copy_from_slice(chunk);
                    &padded
                }
            };
            let (commas, line_ends) = (byte_masks(chunk, b','), byte_masks(chunk, b'\n'));
            let mut bits = commas | line_ends;
            if quoted {
                let inside = prefix_xor(byte_masks(chunk, b'"')) ^ carry;
                if line_ends & inside != 0 {
                    return None;
                }
                carry = 0u64.wrapping_sub(inside >> 63);
                bits &= !inside;
            }
            while bits != 0 {
                let bit = bits.trailing_zeros();
                bits &= bits - 1;
                let i = base + bit as usize;
                if line_ends & (1 << bit) != 0 {
                    self.end_line(slots, field, &block[start..i], quoted)?;
                    field = 0;
                } else {
                    self.cell(slots, field, &block[start..i], quoted)?;
                    field += 1;
                }
                start = i + 1;
            }
        }
        // The last line, without its line end (`field > 0`: it ends with a comma, an empty cell).
        if start < block.len() || field > 0 {
            self.end_line(slots, field, &block[start..], quoted)?;
        }
        Some(())
    }

    #[inline]
    fn end_line(&mut self, slots: &[Slot], field: usize, last: &[u8], quoted: bool) -> Option<()> {
        self.cell(slots, field, strip_cr(last), quoted)?;
        if field + 1 != slots.len() {
            return None;
        }
        self.rows += 1;
        Some(())
    }

    #[inline]
    fn cell(&mut self, slots: &[Slot], field: usize, cell: &[u8], quoted: bool) -> Option<()> {
        let text = cell_text(cell, quoted)?;
        let text: &[u8] = &text;
        match slots.get(field) {
            Some(Slot::Pay) => self.pay.push(plain_number(text)?),
            Some(Slot::Weight) => self.weight.push(plain_number(text)?),
            Some(Slot::Bonus) => self.bonus.push(plain_number(text)?),
            Some(Slot::Group) => self.group.push(text)?,
            Some(Slot::Within) => self.within.push(text)?,
            Some(Slot::Covariate(k)) => self.covariates[*k].push(text)?,
            Some(Slot::Skip) | None => {}
        }
        Some(())
    }
}

impl LocalLabels {
    /// Codes `text`; `None` (the file is declined) for a label that is not UTF-8 or holds a
    /// carriage return.
    #[inline]
    fn push(&mut self, text: &[u8]) -> Option<()> {
        let known = match short_key(text) {
            Some(key) => self.short_index.get(&key),
            None => self.index.get(text),
        };
        let code = match known {
            Some(&c) => c,
            None => self.new_label(text)?,
        };
        self.codes.push(code);
        Some(())
    }

    #[cold]
    fn new_label(&mut self, text: &[u8]) -> Option<u32> {
        if std::str::from_utf8(text).is_err() || text.contains(&b'\r') {
            return None;
        }
        let code = u32::try_from(self.labels.len()).ok()?;
        self.labels.push(text.into());
        match short_key(text) {
            Some(key) => self.short_index.insert(key, code),
            None => self.index.insert(text.into(), code),
        };
        Some(code)
    }
}

/// A label of at most 16 bytes as one integer: its length, first 8 and last 8 bytes (which
/// overlap when shorter than 16), which determine it; shorter than 8 bytes, its first and last
/// four bytes (or first, middle and last byte), which with the length determine it too. Labels such as `institution_07`, `F` or `BSc` are
/// this long; an integer key is hashed and compared far faster than a byte slice.
#[inline]
fn short_key(text: &[u8]) -> Option<(u64, u64, u8)> {
    let len = text.len();
    if len < 8 {
        // Overlapping loads that cover every byte (no copy of a variable length).
        let word = match len {
            0 => 0,
            1..=3 => {
                let byte = |at: usize| u64::from(text[at]);
                byte(0) | byte(len / 2) << 8 | byte(len - 1) << 16
            }
            _ => {
                let half = |at: usize| {
                    let mut bytes = [0u8; 4];
                    bytes.copy_from_slice(&text[at..at + 4]);
                    u64::from(u32::from_le_bytes(bytes))
                };
                half(0) | half(len - 4) << 32
            }
        };
        return Some((word, 0, len as u8));
    }
    if len > 16 {
        return None;
    }
    let word = |at: usize| {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&text[at..at + 8]);
        u64::from_le_bytes(bytes)
    };
    Some((word(0), word(len - 8), len as u8))
}

/// The number in a pay, weight or bonus cell, if it is written plainly: an optional `-`, then a digit
/// or `.`, and the rest as `fast_float2::parse` (polars' parser) accepts it. Empty cells, `+1`,
/// leading spaces, `inf` and `NaN` are declined, for polars to read or to report.
#[inline]
fn plain_number(text: &[u8]) -> Option<f64> {
    short_decimal(text).or_else(|| {
        let unsigned = text.strip_prefix(b"-").unwrap_or(text);
        match unsigned.first() {
            Some(b'0'..=b'9' | b'.') => fast_float2::parse(text).ok(),
            _ => None,
        }
    })
}

/// Exact powers of ten, `10^k` for `k` in `0..=15`.
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// `-?d+(.d+)?` with at most 15 digits in all, the form of nearly every pay cell. Its digits
/// make an integer `m < 10^15 < 2^53` and the point a power `10^k`, both exact in `f64`, so the
/// one division `m / 10^k` is correctly rounded: the same bits as `fast_float2::parse` (also
/// correctly rounded), for a fraction of its cost (Clinger's fast path). `None` for any other
/// form, which [`plain_number`] hands to `fast_float2`.
#[inline]
pub(crate) fn short_decimal(text: &[u8]) -> Option<f64> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    if digits.len() > 16 {
        return None;
    }
    let (mut m, mut point) = (0u64, None);
    for (i, &b) in digits.iter().enumerate() {
        match b {
            b'0'..=b'9' => m = m * 10 + u64::from(b - b'0'),
            b'.' if point.is_none() && i > 0 && i + 1 < digits.len() => point = Some(i),
            _ => return None,
        }
    }
    let count = digits.len() - usize::from(point.is_some());
    if count == 0 || count > 15 {
        return None;
    }
    let k = point.map_or(0, |p| digits.len() - p - 1);
    let value = m as f64 / POW10[k];
    Some(if negative { -value } else { value })
}

/// Bit `i` set where `chunk[i] == byte`, computed eight bytes at a time in a `u64` (SWAR:
/// portable, and no branch per byte).
#[inline]
fn byte_masks(chunk: &[u8; 64], byte: u8) -> u64 {
    let mut mask = 0u64;
    for (k, word) in chunk.chunks_exact(8).enumerate() {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(word);
        mask |= byte_mask(u64::from_le_bytes(bytes), byte) << (8 * k);
    }
    mask
}

/// Bit `i` (of 8) set where byte `i` of the little-endian `word` equals `byte`.
#[inline]
fn byte_mask(word: u64, byte: u8) -> u64 {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let x = word ^ (0x0101_0101_0101_0101 * u64::from(byte));
    // The high bit of each byte of `zero` is set exactly where that byte of `x` is 0 (no
    // borrow crosses bytes, unlike the shorter `(x - 0x01..) & !x` test).
    let zero = !(((x & LOW7) + LOW7) | x | LOW7);
    // Gather the eight high bits into the top byte, then shift them down.
    zero.wrapping_mul(0x0002_0408_1020_4081) >> 56
}

/// Bit `i` of the result is the XOR of bits `0..=i` of `x`: for a mask of quotes, set from an
/// opening quote up to (not including) its closing quote.
#[inline]
fn prefix_xor(mut x: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        x ^= x << shift;
    }
    x
}

fn strip_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Joins the parts in file order; the codes of each label column are renumbered to follow
/// its sorted labels. `categorical[k]`: explanatory column `k` is categorical (every part
/// holds its labels), else every part holds its numbers.
fn merge(mut parts: Vec<Part>, req: &Request, categorical: &[bool]) -> Option<Columns> {
    let rows_read = parts.iter().map(|p| p.rows).sum();
    // Each accepted line yields one value per column read; anything else is a bug, and polars
    // reads the file instead.
    let aligned = |p: &Part| {
        let fits = |asked: Option<&str>, len: usize| asked.is_none() || len == p.rows;
        p.pay.len() == p.rows
            && fits(req.weight, p.weight.len())
            && fits(req.bonus, p.bonus.len())
            && fits(req.group, p.group.codes.len())
            && fits(req.within, p.within.codes.len())
            && p.covariates.len() == req.covariates.len()
            && p.covariates.iter().all(|c| c.len() == Some(p.rows))
    };
    if !parts.iter().all(aligned) {
        return None;
    }
    let pay = concat(parts.iter_mut().map(|p| std::mem::take(&mut p.pay)));
    let mut numbers = |asked: Option<&str>, column: fn(&mut Part) -> &mut Vec<f64>| {
        asked.map(|_| concat(parts.iter_mut().map(|p| std::mem::take(column(p)))))
    };
    let weight = numbers(req.weight, |p| &mut p.weight);
    let bonus = numbers(req.bonus, |p| &mut p.bonus);
    let mut labels = |asked: Option<&str>, column: fn(&mut Part) -> &mut LocalLabels| match asked {
        Some(_) => {
            merge_labels(parts.iter_mut().map(|p| std::mem::take(column(p))), false).map(Some)
        }
        None => Some(None),
    };
    let groups = labels(req.group, |p| &mut p.group)?;
    let within = labels(req.within, |p| &mut p.within)?;
    let mut covariates = Vec::with_capacity(req.covariates.len());
    for (k, &name) in req.covariates.iter().enumerate() {
        let mut taken = parts
            .iter_mut()
            .map(|p| std::mem::take(&mut p.covariates[k]));
        let values = if categorical[k] {
            let labels: Option<Vec<LocalLabels>> = taken
                .by_ref()
                .map(|c| match c {
                    CovariatePart::Labels(labels) => Some(labels),
                    _ => None,
                })
                .collect();
            CovariateValues::Categorical(merge_labels(labels?.into_iter(), true)?)
        } else {
            let numbers: Option<Vec<Vec<f64>>> = taken
                .by_ref()
                .map(|c| match c {
                    CovariatePart::Numbers { values, .. } => Some(values),
                    _ => None,
                })
                .collect();
            CovariateValues::Numeric(concat(numbers?.into_iter()))
        };
        covariates.push(Covariate {
            name: name.to_string(),
            values,
        });
    }
    // The fast path declines blank lines and quoted line breaks: row r is on line r + 1.
    Some(Columns {
        pay,
        weight,
        bonus,
        groups,
        within,
        covariates,
        rows_read,
        lines: LineMap::default(),
    })
}

/// The parts' vectors one after the other (the first one's buffer reused).
fn concat(mut vectors: impl Iterator<Item = Vec<f64>>) -> Vec<f64> {
    let mut out = vectors.next().unwrap_or_default();
    for v in vectors {
        out.extend_from_slice(&v);
    }
    out
}

/// One label column of all parts, in file order: the sorted labels of all of them and each
/// row's code into those (with `empty_missing`, an explanatory column, an empty cell is
/// [`MISSING_CODE`](crate::MISSING_CODE) instead of the label `""`). `None` if a label is not
/// UTF-8 (the parts checked that; a bug).
fn merge_labels(parts: impl Iterator<Item = LocalLabels>, empty_missing: bool) -> Option<Groups> {
    let parts: Vec<LocalLabels> = parts.collect();
    let locals: Vec<&[Box<[u8]>]> = parts.iter().map(|p| p.labels.as_slice()).collect();
    let (mut labels, mut remaps) = crate::labels::merge(&locals);
    if empty_missing {
        crate::labels::empty_is_missing(&mut labels, &mut remaps);
    }
    let mut codes = Vec::new();
    for (i, (mut p, remap)) in parts.into_iter().zip(&remaps).enumerate() {
        if i == 0 {
            codes = std::mem::take(&mut p.codes);
            crate::labels::renumber(&mut codes, remap);
        } else {
            codes.extend(p.codes.iter().map(|&c| remap[c as usize]));
        }
    }
    Some(Groups {
        labels: labels
            .into_iter()
            .map(|l| String::from_utf8(l.into_vec()))
            .collect::<Result<_, _>>()
            .ok()?,
        codes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{InputFormat, Role};
    use polars::prelude::*;
    use proptest::prelude::*;
    use std::path::Path;

    /// polars' CSV reader on `path`: pay, weight and bonus as `Float64`, the group and within
    /// columns as text, an empty label cell as `""` (the reference the CSV readers of this
    /// crate are held to). Explanatory columns are read as text, then classified as the
    /// crate docs say: numbers (trimmed, `fast_float2`; empty or blank cells `NaN`) unless a
    /// cell is something else or the column is named categorical, then labels coded as the
    /// group's with empty cells missing.
    fn polars_columns(req: &Request) -> Option<Columns> {
        let mut schema = Schema::default();
        let mut cols = Vec::new();
        for (role, name) in crate::roles(req) {
            let dtype = match role {
                Role::Group | Role::Within | Role::Covariate => DataType::String,
                _ => DataType::Float64,
            };
            schema.with_column(name.into(), dtype);
            cols.push(PlSmallStr::from(name));
        }
        let df = CsvReadOptions::default()
            .with_columns(Some(cols.into()))
            .with_schema_overwrite(Some(Arc::new(schema)))
            .try_into_reader_with_file_path(Some(req.path.to_path_buf()))
            .ok()?
            .finish()
            .ok()?;
        let floats = |name: &str| -> Option<Vec<f64>> {
            let ca = df.column(name).ok()?.f64().ok()?.clone();
            ca.iter().collect()
        };
        let codes = |name: &str| -> Option<Groups> {
            let ca = df.column(name).ok()?.str().ok()?.clone();
            let cells: Vec<String> = ca.iter().map(|c| c.unwrap_or("").to_string()).collect();
            let mut labels = cells.clone();
            labels.sort();
            labels.dedup();
            let codes = cells
                .iter()
                .map(|c| labels.binary_search(c).unwrap() as u32)
                .collect();
            Some(Groups { labels, codes })
        };
        // A column asked for and read (`Some(Some(..))`), not asked for (`Some(None)`), or
        // unreadable (`None`: polars does not read the file).
        fn asked<T>(name: Option<&str>, f: impl Fn(&str) -> Option<T>) -> Option<Option<T>> {
            match name {
                Some(name) => f(name).map(Some),
                None => Some(None),
            }
        }
        let covariate = |name: &str| -> Option<Covariate> {
            let ca = df.column(name).ok()?.str().ok()?.clone();
            let cells: Vec<&str> = ca.iter().map(|c| c.unwrap_or("")).collect();
            // `Some(None)`: missing; `None`: not a number.
            let number = |c: &str| -> Option<Option<f64>> {
                let t = c.trim_matches([' ', '\t']);
                match t.is_empty() {
                    true => Some(None),
                    false => fast_float2::parse::<f64, _>(t).ok().map(Some),
                }
            };
            let numbers: Option<Vec<Option<f64>>> = cells.iter().map(|c| number(c)).collect();
            let values = match numbers {
                Some(v) if !req.categorical.contains(&name) => {
                    CovariateValues::Numeric(v.iter().map(|x| x.unwrap_or(f64::NAN)).collect())
                }
                _ => {
                    let mut labels: Vec<String> = cells
                        .iter()
                        .filter(|c| !c.is_empty())
                        .map(|c| c.to_string())
                        .collect();
                    labels.sort();
                    labels.dedup();
                    let codes = cells
                        .iter()
                        .map(|c| match c.is_empty() {
                            true => crate::MISSING_CODE,
                            false => labels.binary_search(&c.to_string()).unwrap() as u32,
                        })
                        .collect();
                    CovariateValues::Categorical(Groups { labels, codes })
                }
            };
            Some(Covariate {
                name: name.to_string(),
                values,
            })
        };
        let pay = floats(req.pay)?;
        Some(Columns {
            rows_read: pay.len(),
            pay,
            weight: asked(req.weight, floats)?,
            bonus: asked(req.bonus, floats)?,
            groups: asked(req.group, codes)?,
            within: asked(req.within, codes)?,
            covariates: req
                .covariates
                .iter()
                .map(|name| covariate(name))
                .collect::<Option<_>>()?,
            lines: LineMap::default(),
        })
    }

    /// Which columns beside pay and the group a test reads.
    #[derive(Debug, Clone, Copy, Default)]
    struct Asked {
        weight: bool,
        bonus: bool,
        within: bool,
        covariates: &'static [&'static str],
        categorical: &'static [&'static str],
    }

    /// The explanatory columns of [`csv`], and the one of them read as categories.
    const COVARIATES: Asked = Asked {
        weight: false,
        bonus: false,
        within: false,
        covariates: &["age", "edu", "band", "mix"],
        categorical: &["band"],
    };

    /// The three readers on `text`: the fast path's columns (if it accepts the file), the
    /// general reader's and polars'.
    fn all_three(text: &[u8], asked: Asked) -> (Option<Columns>, Option<Columns>, Option<Columns>) {
        let dir = std::env::temp_dir().join(format!("wages-plain-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{:x}.csv", fingerprint(text)));
        std::fs::write(&path, text).unwrap();
        let req = Request {
            format: Some(InputFormat::Csv),
            group: Some("group"),
            weight: asked.weight.then_some("w"),
            bonus: asked.bonus.then_some("bonus"),
            within: asked.within.then_some("cat"),
            covariates: asked.covariates,
            categorical: asked.categorical,
            ..Request::new(Path::new(&path), "pay")
        };
        let file = File::open(&path).unwrap();
        let fast = crate::records::header(&path, File::open(&path).unwrap())
            .ok()
            .and_then(|names| read(&req, &file, &names));
        let general = crate::records::read(&req, text, |_, _| {}).ok();
        let reference = polars_columns(&req);
        std::fs::remove_file(&path).unwrap();
        (fast, general, reference)
    }

    fn fingerprint(text: &[u8]) -> u64 {
        use std::hash::{BuildHasher, Hasher};
        let mut h = foldhash::fast::FixedState::with_seed(1).build_hasher();
        h.write(text);
        h.finish()
    }

    fn same(a: &Columns, b: &Columns) -> bool {
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let same_covariate = |x: &Covariate, y: &Covariate| {
            x.name == y.name
                && match (&x.values, &y.values) {
                    (CovariateValues::Numeric(u), CovariateValues::Numeric(v)) => {
                        bits(u) == bits(v)
                    }
                    (CovariateValues::Categorical(g), CovariateValues::Categorical(h)) => g == h,
                    _ => false,
                }
        };
        a.rows_read == b.rows_read
            && bits(&a.pay) == bits(&b.pay)
            && a.weight.as_deref().map(bits) == b.weight.as_deref().map(bits)
            && a.bonus.as_deref().map(bits) == b.bonus.as_deref().map(bits)
            && a.groups == b.groups
            && a.within == b.within
            && a.covariates.len() == b.covariates.len()
            && a.covariates
                .iter()
                .zip(&b.covariates)
                .all(|(x, y)| same_covariate(x, y))
    }

    /// Pay cells as payroll exports write them, and the forms the fast path must decline.
    fn plain_pay() -> impl Strategy<Value = String> {
        prop_oneof![
            (0u64..10_000_000).prop_map(|c| format!("{}.{:02}", c / 100, c % 100)),
            (0u64..1_000_000_000).prop_map(|n| n.to_string()),
            any::<f64>().prop_map(|x| format!("{}", x.abs())),
            any::<f64>().prop_map(|x| format!("{:e}", x)),
            (1u64..u64::MAX).prop_map(|n| format!("{n}.{n}")),
            (0u32..1000).prop_map(|n| format!("-{n}.5")),
            Just("0.1".to_string()),
            Just("9007199254740993".to_string()),
            Just("-0".to_string()),
            Just(".5".to_string()),
            Just("5.".to_string()),
        ]
    }

    fn any_pay() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => plain_pay(),
            1 => prop_oneof![
                Just(String::new()),
                Just("+5".to_string()),
                Just(" 5".to_string()),
                Just("5 ".to_string()),
                Just("inf".to_string()),
                Just("NaN".to_string()),
                Just("1e999".to_string()),
                Just("1,5".to_string()),
                Just(format!("{RAW}\"7")),
                Just(format!("{RAW}7\"")),
                Just("abc".to_string()),
                Just("1..2".to_string()),
                Just("-".to_string()),
            ],
        ]
    }

    fn plain_group() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just("a".to_string()),
            Just("b".to_string()),
            Just("Bromlei works".to_string()),
            Just("élite".to_string()),
            Just("12".to_string()),
            Just("Smith, John".to_string()),
            Just("the \"Red\" works".to_string()),
            Just("\"".to_string()),
            Just("institution_07".to_string()),
            Just("institution_70".to_string()),
            Just("institution_007".to_string()),
            "[a-z]{1,12}",
            "[a-z_0-9é]{7,18}",
        ]
    }

    fn any_group() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => plain_group(),
            1 => prop_oneof![
                Just("x\ry".to_string()),
                Just("line\nbreak".to_string()),
                Just(format!("{RAW}ab\"c")),
                Just(format!("{RAW}\"unclosed")),
                Just(format!("{RAW}\"a\"b\"")),
                Just(format!("{RAW}\"a\"\"")),
                Just(format!("{RAW}\"\"\"")),
                Just(format!("{RAW}\" q\" ")),
            ],
        ]
    }

    /// Cells of a numeric explanatory column: numbers as pay has them, and empty or blank
    /// cells (missing), numbers with spaces around them.
    fn plain_number_or_empty() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => plain_pay(),
            1 => Just(String::new()),
            1 => Just(" ".to_string()),
            1 => Just(" 42 ".to_string()),
            1 => Just("+3".to_string()),
            1 => (0u32..100).prop_map(|n| format!("{n}")),
        ]
    }

    /// Cells of a column of numbers with text among them (categorical, read again after the
    /// numbers), or none (numeric).
    fn numbers_then_text() -> impl Strategy<Value = String> {
        prop_oneof![
            8 => plain_number_or_empty(),
            1 => plain_group(),
        ]
    }

    /// The explanatory cells of a row: age, edu, band, mix.
    fn covariate_cells() -> impl Strategy<Value = (String, String, String, String)> {
        (
            plain_number_or_empty(),
            plain_group(),
            plain_number_or_empty(),
            numbers_then_text(),
        )
    }

    /// The same with malformed cells among them.
    fn any_covariate_cells() -> impl Strategy<Value = (String, String, String, String)> {
        (
            prop_oneof![4 => plain_number_or_empty(), 1 => any_pay()],
            any_group(),
            prop_oneof![4 => plain_number_or_empty(), 1 => any_pay()],
            prop_oneof![4 => numbers_then_text(), 1 => any_group(), 1 => any_pay()],
        )
    }

    /// A cell written as is, not quoted by [`field`] (malformed quoting, for the decline tests).
    const RAW: &str = "RAW:";

    /// A cell as a CSV writer writes it: quoted (inner quotes doubled) when `quote_all` or when
    /// it holds a comma, quote or line end.
    fn field(text: &str, quote_all: bool) -> String {
        if let Some(raw) = text.strip_prefix(RAW) {
            raw.to_string()
        } else if quote_all || text.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_string()
        }
    }

    /// A row's cells: group, pay, weight, bonus, within (category); and its explanatory
    /// cells: age (numbers, some empty), edu (text), band (numbers, read as categories), mix
    /// (numbers with text among them).
    type Row = (
        (String, String, String, String, String),
        (String, String, String, String),
    );

    /// A CSV with columns `id,group,pay,w,cat,age,edu,band,bonus,mix` (or another order, or an
    /// extra column) from rows; `shape / 3` says what is quoted: only what must be, also every
    /// text cell and the header (R's `write.csv`), or every cell. Each order puts another kind
    /// of column last, where a `\r` is dropped: a number (or text, in mix), a label, text not
    /// read.
    fn csv(rows: &[Row], crlf: bool, final_end: bool, shape: u8) -> Vec<u8> {
        let end = if crlf { "\r\n" } else { "\n" };
        let mut out = String::new();
        let (text_quoted, all_quoted) = (shape / 3 >= 1, shape / 3 >= 2);
        let line = |cells: [&str; 10]| {
            let [id, g, p, w, b, c, age, edu, band, mix] = cells;
            let (id, g, c, edu) = (
                field(id, all_quoted),
                field(g, text_quoted),
                field(c, text_quoted),
                field(edu, text_quoted),
            );
            let (p, w, b, age, band, mix) = (
                field(p, all_quoted),
                field(w, all_quoted),
                field(b, all_quoted),
                field(age, all_quoted),
                field(band, all_quoted),
                field(mix, all_quoted),
            );
            match shape % 3 {
                0 => format!("{id},{g},{p},{w},{c},{age},{edu},{band},{b},{mix}"),
                1 => format!("{edu},{b},{p},{w},{c},{mix},{age},{band},{g}"),
                _ => format!(
                    "{id},{g},{p},{w},{b},{age},{c},{band},{mix},{edu},{}",
                    field("x", text_quoted)
                ),
            }
        };
        let names: &[&str] = match shape % 3 {
            0 => &[
                "id", "group", "pay", "w", "cat", "age", "edu", "band", "bonus", "mix",
            ],
            1 => &[
                "edu", "bonus", "pay", "w", "cat", "mix", "age", "band", "group",
            ],
            _ => &[
                "id", "group", "pay", "w", "bonus", "age", "cat", "band", "mix", "edu", "x",
            ],
        };
        let names: Vec<String> = names.iter().map(|n| field(n, text_quoted)).collect();
        out.push_str(&names.join(","));
        for (i, ((g, p, w, b, c), (age, edu, band, mix))) in rows.iter().enumerate() {
            out.push_str(end);
            out.push_str(&line([&i.to_string(), g, p, w, b, c, age, edu, band, mix]));
        }
        if final_end {
            out.push_str(end);
        }
        out.into_bytes()
    }

    /// A file big enough to be split between threads and into several blocks per thread.
    #[test]
    fn large_files_split_across_threads_read_as_polars_reads_them() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let header = "id,group,pay,bonus,cat,age,edu,late,band,spouse\r\n";
        let mut text = String::from(header);
        let mut n = 0;
        let limit = 2 * MIN_PART_BYTES + 3 * 1024 * 1024;
        let mut late_text = false;
        while text.len() < limit {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let pay = state % 10_000_000;
            // Every seventh label is quoted, with a comma and a doubled quote inside, so quoted
            // cells cross 64-byte chunks, blocks and the cut between threads.
            let label = match state % 7 {
                0 => format!("\"inst_{}, \"\"east\"\" wing\"", state % 37),
                _ => format!("inst_{}", state % 37),
            };
            // Bonus: none in a third of the rows. Categories of every length the label
            // tables key differently (under 8 bytes, 8 to 16, longer), the last quoted.
            let bonus = match state % 3 {
                0 => "0".to_string(),
                _ => format!("{}.{}", (state >> 8) % 5000, (state >> 20) % 10),
            };
            let cat = match (state >> 12) % 4 {
                0 => "A".to_string(),
                1 => format!("grade_{:02}", (state >> 16) % 12),
                2 => format!("a category name longer than 16 bytes {}", (state >> 16) % 3),
                _ => format!("\"band {}, \"\"senior\"\"\"", (state >> 16) % 5),
            };
            // Explanatory columns: age, numbers with empty cells; edu, text (some quoted);
            // late, numbers until one text cell near the end (every thread read numbers of it:
            // all read it again); band, numbers read as categories; spouse, empty in the first
            // rows of the second half, then text (its labels start with "").
            let age = match state % 11 {
                0 => String::new(),
                k => format!("{}", 18 + (state >> 24) % 50 + k),
            };
            let edu = match (state >> 28) % 5 {
                0 => "\"BSc, hons\"".to_string(),
                k => format!("level {k}"),
            };
            let late = if !late_text && text.len() > limit - 100_000 {
                late_text = true;
                "n/a".to_string()
            } else {
                format!("{}", n % 1000)
            };
            let band = format!("{}", (state >> 32) % 7);
            let spouse = match text.len() {
                len if len.abs_diff(limit / 2) < 1 << 16 => String::new(),
                _ if (state >> 36).is_multiple_of(3) => String::new(),
                _ => format!("s{}", (state >> 40) % 4),
            };
            text.push_str(&format!(
                "{n},{label},{}.{:02},{bonus},{cat},{age},{edu},{late},{band},{spouse}\r\n",
                pay / 100,
                pay % 100
            ));
            n += 1;
        }
        assert!(late_text);
        for asked in [
            Asked::default(),
            Asked {
                weight: false,
                bonus: true,
                within: true,
                covariates: &["age", "edu", "late", "band", "spouse"],
                categorical: &["band"],
            },
        ] {
            let (fast, general, reference) = all_three(text.as_bytes(), asked);
            let (fast, general, reference) = (fast.unwrap(), general.unwrap(), reference.unwrap());
            assert_eq!(fast.rows_read, n);
            assert!(same(&fast, &reference));
            assert!(same(&general, &reference));
            assert_eq!(fast.within.is_some(), asked.within);
            let kinds: Vec<bool> = fast
                .covariates
                .iter()
                .map(|c| matches!(c.values, CovariateValues::Numeric(_)))
                .collect();
            assert_eq!(kinds.len(), asked.covariates.len());
            if !kinds.is_empty() {
                assert_eq!(kinds, [true, false, false, false, false]);
            }
        }
        assert!(line_ranges(&text.as_bytes()[header.len()..], 2).len() == 2);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        /// Plain files are read by the fast path, with the same bits as polars.
        #[test]
        fn plain_files_read_as_polars_reads_them_by_both_readers(
            rows in proptest::collection::vec(
                (
                    (plain_group(), plain_pay(), plain_pay(), plain_pay(), plain_group()),
                    covariate_cells(),
                ),
                1..60,
            ),
            crlf in any::<bool>(),
            final_end in any::<bool>(),
            shape in 0u8..9,
            (weight, bonus, within, covariates) in any::<(bool, bool, bool, bool)>(),
        ) {
            let asked = Asked {
                weight,
                bonus,
                within,
                ..if covariates { COVARIATES } else { Asked::default() }
            };
            let (fast, general, reference) = all_three(&csv(&rows, crlf, final_end, shape), asked);
            let fast = fast.expect("a plain file is read by the fast path");
            let general = general.expect("the general reader reads a plain file");
            let reference = reference.expect("polars reads a plain file");
            prop_assert!(same(&fast, &reference));
            prop_assert!(same(&general, &reference));
        }

        /// Any file: whatever the fast path accepts, it reads as polars does.
        #[test]
        fn accepted_files_read_as_polars_reads_them(
            rows in proptest::collection::vec(
                (
                    (any_group(), any_pay(), any_pay(), any_pay(), any_group()),
                    any_covariate_cells(),
                ),
                1..40,
            ),
            crlf in any::<bool>(),
            final_end in any::<bool>(),
            shape in 0u8..9,
            (weight, bonus, within, covariates) in any::<(bool, bool, bool, bool)>(),
            blank_line in any::<bool>(),
        ) {
            let asked = Asked {
                weight,
                bonus,
                within,
                ..if covariates { COVARIATES } else { Asked::default() }
            };
            let mut text = csv(&rows, crlf, final_end, shape);
            if blank_line {
                let at = text.len() / 2;
                let at = at + text[at..].iter().position(|&b| b == b'\n').unwrap_or(0);
                text.insert(at, b'\n');
            }
            let (fast, general, reference) = all_three(&text, asked);
            if let Some(fast) = fast {
                let reference = reference.expect("polars reads what the fast path reads");
                let general = general.expect("the general reader reads what the fast path reads");
                prop_assert!(same(&fast, &reference));
                prop_assert!(same(&general, &reference));
            }
        }

        /// The short-decimal shortcut gives `fast_float2`'s bits.
        #[test]
        fn short_decimals_match_fast_float(int in 0u64..10_000_000_000, frac in 0u64..100_000, digits in 0usize..6, neg in any::<bool>()) {
            let text = match digits {
                0 => format!("{}{int}", if neg { "-" } else { "" }),
                d => format!("{}{int}.{:0d$}", if neg { "-" } else { "" }, frac % 10u64.pow(d as u32)),
            };
            let reference: f64 = fast_float2::parse(&text).unwrap();
            prop_assert_eq!(plain_number(text.as_bytes()).map(f64::to_bits), Some(reference.to_bits()));
        }
    }

    /// Every label of up to 7 bytes over a small alphabet, and labels of 8 to 16 bytes that
    /// differ in one byte: no two share a key.
    #[test]
    fn short_keys_tell_labels_apart() {
        let mut labels: Vec<Vec<u8>> = vec![Vec::new()];
        let mut last = labels.clone();
        for _ in 0..7 {
            last = last
                .iter()
                .flat_map(|l| [0u8, b'a', b'b'].map(|b| [l.as_slice(), &[b]].concat()))
                .collect();
            labels.extend(last.iter().cloned());
        }
        for len in 8..=16 {
            for at in 0..len {
                let mut l = vec![b'x'; len];
                l[at] = b'y';
                labels.push(l);
            }
        }
        let mut seen = std::collections::HashMap::new();
        for l in &labels {
            let key = short_key(l).unwrap();
            assert_eq!(seen.insert(key, l.clone()), None, "{l:?}");
        }
        assert_eq!(short_key(b"12345678901234567"), None);
    }

    /// However many cores: the ranges tile the body, in order, each cut just after a line end.
    #[test]
    fn line_ranges_tile_the_body_at_line_ends() {
        let body: Vec<u8> = (0..5000u32)
            .flat_map(|i| format!("{i},{}\n", "x".repeat((i % 97) as usize)).into_bytes())
            .collect();
        for n in 1..=16 {
            let ranges = line_ranges(&body, n);
            assert!(!ranges.is_empty() && ranges.len() <= n);
            assert_eq!(ranges[0].start, 0);
            assert_eq!(ranges[ranges.len() - 1].end, body.len());
            for pair in ranges.windows(2) {
                assert_eq!(pair[0].end, pair[1].start);
                assert_eq!(body[pair[0].end - 1], b'\n');
            }
        }
    }

    #[test]
    fn byte_masks_and_quote_parity_match_a_byte_scan() {
        let mut chunk = [0u8; 64];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..2000 {
            for b in chunk.iter_mut() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *b = [b',', b'\n', b'"', 0, 0x80, 0xFF, b'-', b'1'][(state % 8) as usize];
            }
            for d in [b',', b'\n', b'"'] {
                let naive = (0..64).fold(0u64, |m, i| m | (u64::from(chunk[i] == d) << i));
                assert_eq!(byte_masks(&chunk, d), naive);
            }
            let mut inside = false;
            let naive = (0..64).fold(0u64, |m, i| {
                inside ^= chunk[i] == b'"';
                m | (u64::from(inside) << i)
            });
            assert_eq!(prefix_xor(byte_masks(&chunk, b'"')), naive);
        }
    }
}

//! `wages analyze` on Parquet files with random Arrow schemas and values.
//!
//! The fuzzer's bytes (read with `arbitrary`'s `Unstructured`) describe a table: 1 to 5 columns,
//! each of a random Arrow type (every integer width signed and unsigned, float16/32/64,
//! decimal128 of random precision and scale, boolean, utf8 / large utf8 / dictionary-encoded
//! text (empty, non-ASCII, control characters, numbers as text), binary and large binary
//! (non-UTF-8 bytes too), date32/date64, timestamps with and without a time zone, time64,
//! duration, null, and lists, large lists and structs of those, nested up to three levels),
//! 0 to 40 rows with nulls anywhere, cut into 1 to 4 row groups (or none). No decimal256:
//! polars' writer panics on it (tests/bad-input has one, written by pyarrow). The file is
//! written with polars' own Parquet writer (polars-parquet, on polars-arrow arrays, with the
//! Arrow schema in the footer as polars and pyarrow write it), then `wages_table::read` is asked
//! for random roles: pay, group and weight (and `wages gap`'s bonus and within, with labels
//! required or not) naming existing columns, a missing one or the same one twice, with or
//! without `drop_nonpositive`, the format named or told by the content.
//!
//! `WAGES_FUZZ_DESCRIBE=1` prints what an input decodes to (schema, values, roles, the
//! outcome of the read) on stderr, and `WAGES_FUZZ_KEEP=<dir>` (with it) keeps the file as
//! `<dir>/fuzz.parquet`, for turning a crash into a bad-input case.
//!
//! A panic is a finding; an `Err` is the expected answer to most of these files. When the read
//! succeeds, the `Payroll` must keep its promises (vectors aligned, codes inside the labels,
//! labels sorted and distinct and none empty when required, pay and weights finite and
//! positive, bonus finite and zero or more, rows counted), and the
//! statistics `wages analyze` computes from it (the whole table, then each group, as
//! `crates/cli/cmd/analyze/compute.rs` partitions it) must run without panicking and give numbers.
#![no_main]

use libfuzzer_sys::arbitrary::{Result as AResult, Unstructured};
use libfuzzer_sys::fuzz_target;
use polars_arrow::array::{
    Array, BinaryArray, BinaryViewArray, BooleanArray, DictionaryArray, ListArray, NullArray,
    PrimitiveArray, StructArray, Utf8Array, Utf8ViewArray,
};
use polars_arrow::datatypes::{ArrowDataType, ArrowSchema, Field, TimeUnit};
use polars_arrow::offset::Offsets;
use polars_arrow::record_batch::RecordBatchT;
use polars_arrow::types::NativeType;
use polars_parquet::write::{
    get_dtype_encoding, CompressionOptions, FileWriter, RowGroupIterator, StatisticsOptions,
    Version, WriteOptions,
};
use polars_utils::float16::pf16;
use std::path::PathBuf;
use std::sync::Arc;
use wages_analysis::inequality::Sample;
use wages_table::{InputFormat, Request};

const MAX_ROWS: usize = 40;
const MAX_DEPTH: usize = 3;

/// An Arrow column type; nested ones hold their children.
#[derive(Debug, Clone)]
enum Ty {
    Null,
    Bool,
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    F16,
    F32,
    F64,
    Decimal(usize, usize),
    Utf8View,
    LargeUtf8,
    Dictionary,
    BinaryView,
    LargeBinary,
    Date32,
    Date64,
    Timestamp(TimeUnit, bool),
    Time64,
    Duration,
    List(Box<Ty>),
    LargeList(Box<Ty>),
    Struct(Vec<Ty>),
}

fn time_unit(u: &mut Unstructured) -> AResult<TimeUnit> {
    Ok(match u.int_in_range(0..=3u8)? {
        0 => TimeUnit::Second,
        1 => TimeUnit::Millisecond,
        2 => TimeUnit::Microsecond,
        _ => TimeUnit::Nanosecond,
    })
}

fn ty(u: &mut Unstructured, depth: usize, top: bool) -> AResult<Ty> {
    let leaves = 25u8;
    let kinds = if depth < MAX_DEPTH { leaves + 3 } else { leaves };
    Ok(match u.int_in_range(0..=kinds - 1)? {
        // 0 (what a used-up input reads) is the usual pay type, 1 the usual group type.
        0 => Ty::F64,
        1 => Ty::Utf8View,
        2 => Ty::I8,
        3 => Ty::I16,
        4 => Ty::I32,
        5 | 6 => Ty::I64,
        7 => Ty::U8,
        8 => Ty::U16,
        9 => Ty::U32,
        10 => Ty::U64,
        11 => Ty::F16,
        12 => Ty::F32,
        13 => Ty::Null,
        14 => Ty::F64,
        15 | 16 => {
            let p = u.int_in_range(1..=38usize)?;
            Ty::Decimal(p, u.int_in_range(0..=p)?)
        }
        // Decimal256 is not generated: polars' writer panics on i256 arrays (its page-size
        // estimate and dictionary encoder do not support them), so it cannot write one;
        // tests/bad-input/analyze-parquet-pay-decimal256-50-2 (pyarrow) covers the reader.
        17 => {
            let p = u.int_in_range(1..=38usize)?;
            Ty::Decimal(p, u.int_in_range(0..=p)?)
        }
        18 => Ty::Bool,
        19 => Ty::Utf8View,
        20 => Ty::LargeUtf8,
        // A dictionary only at the top: the writer supports it there (as polars writes
        // categoricals), and nested dictionaries are not what payroll files hold.
        21 if top => Ty::Dictionary,
        21 => Ty::Utf8View,
        22 => {
            if u.arbitrary()? {
                Ty::BinaryView
            } else {
                Ty::LargeBinary
            }
        }
        23 => match u.int_in_range(0..=3u8)? {
            0 => Ty::Date32,
            1 => Ty::Date64,
            2 => Ty::Time64,
            _ => Ty::Duration,
        },
        24 => Ty::Timestamp(time_unit(u)?, u.arbitrary()?),
        25 => Ty::List(Box::new(ty(u, depth + 1, false)?)),
        26 => Ty::LargeList(Box::new(ty(u, depth + 1, false)?)),
        _ => {
            let n = u.int_in_range(1..=3usize)?;
            let mut fields = Vec::with_capacity(n);
            for _ in 0..n {
                fields.push(ty(u, depth + 1, false)?);
            }
            Ty::Struct(fields)
        }
    })
}

fn dtype(t: &Ty) -> ArrowDataType {
    match t {
        Ty::Null => ArrowDataType::Null,
        Ty::Bool => ArrowDataType::Boolean,
        Ty::I8 => ArrowDataType::Int8,
        Ty::I16 => ArrowDataType::Int16,
        Ty::I32 => ArrowDataType::Int32,
        Ty::I64 => ArrowDataType::Int64,
        Ty::U8 => ArrowDataType::UInt8,
        Ty::U16 => ArrowDataType::UInt16,
        Ty::U32 => ArrowDataType::UInt32,
        Ty::U64 => ArrowDataType::UInt64,
        Ty::F16 => ArrowDataType::Float16,
        Ty::F32 => ArrowDataType::Float32,
        Ty::F64 => ArrowDataType::Float64,
        Ty::Decimal(p, s) => ArrowDataType::Decimal(*p, *s),
        Ty::Utf8View => ArrowDataType::Utf8View,
        Ty::LargeUtf8 => ArrowDataType::LargeUtf8,
        Ty::Dictionary => ArrowDataType::Dictionary(
            polars_arrow::datatypes::IntegerType::UInt32,
            Box::new(ArrowDataType::Utf8View),
            false,
        ),
        Ty::BinaryView => ArrowDataType::BinaryView,
        Ty::LargeBinary => ArrowDataType::LargeBinary,
        Ty::Date32 => ArrowDataType::Date32,
        Ty::Date64 => ArrowDataType::Date64,
        Ty::Timestamp(unit, tz) => {
            ArrowDataType::Timestamp(*unit, tz.then(|| "Europe/Paris".into()))
        }
        Ty::Time64 => ArrowDataType::Time64(TimeUnit::Microsecond),
        Ty::Duration => ArrowDataType::Duration(TimeUnit::Millisecond),
        Ty::List(c) => ArrowDataType::List(Box::new(Field::new("item".into(), dtype(c), true))),
        Ty::LargeList(c) => {
            ArrowDataType::LargeList(Box::new(Field::new("item".into(), dtype(c), true)))
        }
        Ty::Struct(fs) => ArrowDataType::Struct(
            fs.iter()
                .enumerate()
                .map(|(i, f)| Field::new(format!("f{i}").into(), dtype(f), true))
                .collect(),
        ),
    }
}

/// How often a row is null: never (most often), sometimes, or always.
#[derive(Clone, Copy)]
enum Nulls {
    Never,
    OneIn(u8),
    Always,
}

fn nulls(u: &mut Unstructured) -> AResult<Nulls> {
    Ok(match u.int_in_range(0..=7u8)? {
        0..=3 => Nulls::Never,
        4 => Nulls::Always,
        k => Nulls::OneIn(k - 3),
    })
}

fn is_valid(u: &mut Unstructured, n: Nulls) -> AResult<bool> {
    Ok(match n {
        Nulls::Never => true,
        Nulls::Always => false,
        Nulls::OneIn(k) => !u.ratio(1, k + 1)?,
    })
}

fn opts<T>(
    u: &mut Unstructured,
    rows: usize,
    mut value: impl FnMut(&mut Unstructured) -> AResult<T>,
) -> AResult<Vec<Option<T>>> {
    let n = nulls(u)?;
    let mut v = Vec::with_capacity(rows);
    for _ in 0..rows {
        let valid = is_valid(u, n)?;
        let x = value(u)?;
        v.push(valid.then_some(x));
    }
    Ok(v)
}

/// A number, mostly an ordinary pay (positive, a few digits), sometimes zero, negative or huge.
fn int(u: &mut Unstructured) -> AResult<i128> {
    Ok(match u.int_in_range(0..=7u8)? {
        0..=3 => i128::from(u.int_in_range(1..=5000u16)?),
        4 => i128::from(u.int_in_range(-3..=3i8)?),
        5 => i128::from(u.arbitrary::<i64>()?),
        6 => i128::from(u.arbitrary::<u64>()?),
        _ => u.arbitrary::<i128>()?,
    })
}

fn float(u: &mut Unstructured) -> AResult<f64> {
    const SPECIAL: [f64; 14] = [
        100.0,
        250.0,
        975.5,
        0.0,
        -0.0,
        -1.0,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        1e-300,
        1e300,
        f64::MIN_POSITIVE,
        65504.0,
        5e-324,
    ];
    Ok(match u.int_in_range(0..=5u8)? {
        0 | 1 => f64::from(u.int_in_range(1..=100_000u32)?) / 4.0,
        2 | 3 => SPECIAL[u.choose_index(SPECIAL.len())?],
        _ => f64::from_bits(u.arbitrary()?),
    })
}

fn text(u: &mut Unstructured) -> AResult<String> {
    const POOL: [&str; 16] = [
        "",
        "north",
        "south",
        "100",
        "975.5",
        " 250 ",
        "1e3",
        "-5",
        "NaN",
        "inf",
        "ünïcødé 名前",
        "a\u{0}b",
        "\u{1b}[31mred\u{7}",
        "line\nbreak\r",
        "\u{feff}bom",
        "0x10",
    ];
    Ok(if u.ratio(3, 4)? {
        POOL[u.choose_index(POOL.len())?].to_string()
    } else {
        u.arbitrary::<&str>()?.chars().take(40).collect()
    })
}

fn bytes(u: &mut Unstructured) -> AResult<Vec<u8>> {
    Ok(match u.int_in_range(0..=3u8)? {
        0 => b"\xff\xfe".to_vec(),
        1 => text(u)?.into_bytes(),
        _ => u.arbitrary::<&[u8]>()?.iter().take(40).copied().collect(),
    })
}

fn prim<T: NativeType>(
    u: &mut Unstructured,
    rows: usize,
    dt: ArrowDataType,
    value: impl FnMut(&mut Unstructured) -> AResult<T>,
) -> AResult<Box<dyn Array>> {
    Ok(PrimitiveArray::<T>::from(opts(u, rows, value)?)
        .to(dt)
        .boxed())
}

/// The largest magnitude a decimal128 of precision `p` holds.
fn decimal_max(p: usize) -> i128 {
    10i128.pow(p.min(38) as u32) - 1
}

fn validity(u: &mut Unstructured, rows: usize) -> AResult<Option<polars_arrow::bitmap::Bitmap>> {
    let n = nulls(u)?;
    if matches!(n, Nulls::Never) {
        return Ok(None);
    }
    let mut v = Vec::with_capacity(rows);
    for _ in 0..rows {
        v.push(is_valid(u, n)?);
    }
    Ok(Some(v.into_iter().collect()))
}

fn array(u: &mut Unstructured, t: &Ty, rows: usize) -> AResult<Box<dyn Array>> {
    let dt = dtype(t);
    Ok(match t {
        Ty::Null => NullArray::new(dt, rows).boxed(),
        Ty::Bool => BooleanArray::from(opts(u, rows, |u| u.arbitrary::<bool>())?).boxed(),
        Ty::I8 => prim(u, rows, dt, |u| Ok(int(u)? as i8))?,
        Ty::I16 => prim(u, rows, dt, |u| Ok(int(u)? as i16))?,
        Ty::I32 | Ty::Date32 => prim(u, rows, dt, |u| Ok(int(u)? as i32))?,
        Ty::I64 | Ty::Date64 | Ty::Timestamp(..) | Ty::Time64 | Ty::Duration => {
            prim(u, rows, dt, |u| Ok(int(u)? as i64))?
        }
        Ty::U8 => prim(u, rows, dt, |u| Ok(int(u)? as u8))?,
        Ty::U16 => prim(u, rows, dt, |u| Ok(int(u)? as u16))?,
        Ty::U32 => prim(u, rows, dt, |u| Ok(int(u)? as u32))?,
        Ty::U64 => prim(u, rows, dt, |u| Ok(int(u)? as u64))?,
        Ty::F16 => prim(u, rows, dt, |u| Ok(pf16::from(float(u)? as f32)))?,
        Ty::F32 => prim(u, rows, dt, |u| Ok(float(u)? as f32))?,
        Ty::F64 => prim(u, rows, dt, float)?,
        Ty::Decimal(p, _) => {
            let max = decimal_max(*p);
            prim(u, rows, dt, |u| Ok(int(u)?.clamp(-max, max)))?
        }
        Ty::Utf8View => Utf8ViewArray::from_slice(opts(u, rows, text)?).boxed(),
        Ty::LargeUtf8 => Utf8Array::<i64>::from_iter(opts(u, rows, text)?).boxed(),
        Ty::BinaryView => BinaryViewArray::from_slice(opts(u, rows, bytes)?).boxed(),
        Ty::LargeBinary => BinaryArray::<i64>::from_iter(opts(u, rows, bytes)?).boxed(),
        Ty::Dictionary => {
            let labels: Vec<String> = {
                let n = u.int_in_range(1..=4usize)?;
                (0..n).map(|_| text(u)).collect::<AResult<_>>()?
            };
            let values = Utf8ViewArray::from_slice_values(&labels).boxed();
            let len = labels.len() as u32;
            let keys = PrimitiveArray::<u32>::from(opts(u, rows, |u| {
                Ok(u.int_in_range(0..=len - 1)?)
            })?);
            DictionaryArray::<u32>::try_new(dt, keys, values)
                .expect("keys inside the dictionary")
                .boxed()
        }
        Ty::List(c) | Ty::LargeList(c) => {
            let mut lengths = Vec::with_capacity(rows);
            for _ in 0..rows {
                lengths.push(u.int_in_range(0..=3usize)?);
            }
            let total = lengths.iter().sum();
            let child = array(u, c, total)?;
            let valid = validity(u, rows)?;
            if matches!(t, Ty::List(_)) {
                let offsets = Offsets::<i32>::try_from_lengths(lengths.into_iter()).unwrap();
                ListArray::<i32>::new(dt, offsets.into(), child, valid).boxed()
            } else {
                let offsets = Offsets::<i64>::try_from_lengths(lengths.into_iter()).unwrap();
                ListArray::<i64>::new(dt, offsets.into(), child, valid).boxed()
            }
        }
        Ty::Struct(fs) => {
            let mut children = Vec::with_capacity(fs.len());
            for f in fs {
                children.push(array(u, f, rows)?);
            }
            let valid = validity(u, rows)?;
            StructArray::new(dt, rows, children, valid).boxed()
        }
    })
}

/// A column name: mostly the ones the roles ask for, sometimes odd ones.
fn column_name(u: &mut Unstructured) -> AResult<String> {
    const NAMES: [&str; 10] = [
        "pay", "g", "w", "x", "", "pay ", "PAY", "ünï", "a\u{0}b", "line\nbreak",
    ];
    Ok(NAMES[u.choose_index(NAMES.len())?].to_string())
}

/// A role: the column `k` places after `base` (so that, when the input runs short, the roles
/// still name different columns), or (one time in eight) a name the file lacks.
fn role(u: &mut Unstructured, ncols: usize, base: usize) -> AResult<Option<usize>> {
    Ok(if u.ratio(7, 8)? {
        Some((base + u.choose_index(ncols)?) % ncols)
    } else {
        None
    })
}

fn role_name(names: &[String], role: Option<usize>) -> String {
    role.map_or_else(|| "absent".to_string(), |i| names[i].clone())
}

struct Table {
    schema: ArrowSchema,
    columns: Vec<Box<dyn Array>>,
    rows: usize,
    /// Row-group lengths (summing to `rows`); empty: no row group at all.
    groups: Vec<usize>,
}

fn table(u: &mut Unstructured, ncols: usize, rows: usize) -> AResult<Table> {
    let mut fields = Vec::with_capacity(ncols);
    let mut columns = Vec::with_capacity(ncols);
    for i in 0..ncols {
        let mut name = column_name(u)?;
        if fields.iter().any(|f: &Field| f.name.as_str() == name) {
            name = format!("{name}{i}");
        }
        let t = ty(u, 0, true)?;
        let a = array(u, &t, rows)?;
        fields.push(Field::new(name.into(), a.dtype().clone(), true));
        columns.push(a);
    }
    let mut groups = Vec::new();
    let cuts = u.int_in_range(0..=3usize)?;
    if rows == 0 {
        if u.arbitrary()? {
            groups.push(0);
        }
    } else {
        let mut left = rows;
        for _ in 0..cuts {
            if left <= 1 {
                break;
            }
            let g = u.int_in_range(1..=left - 1)?;
            groups.push(g);
            left -= g;
        }
        groups.push(left);
    }
    Ok(Table {
        schema: fields.into_iter().collect(),
        columns,
        rows,
        groups,
    })
}

/// The Parquet bytes, or `None` if the writer refuses the table (not what is fuzzed here).
fn parquet(t: &Table) -> Option<Vec<u8>> {
    let options = WriteOptions {
        statistics: StatisticsOptions::full(),
        version: Version::V1,
        compression: CompressionOptions::Uncompressed,
        data_page_size: Some(64),
    };
    let schema = Arc::new(t.schema.clone());
    let mut offset = 0;
    let mut batches = Vec::new();
    for &len in &t.groups {
        let arrays = t.columns.iter().map(|a| a.sliced(offset, len)).collect();
        batches.push(RecordBatchT::try_new(len, schema.clone(), arrays));
        offset += len;
    }
    debug_assert!(t.groups.is_empty() || offset == t.rows);
    // The encodings polars writes with (dictionary pages for primitives and text).
    let encodings = t
        .schema
        .iter_values()
        .map(|f| get_dtype_encoding(&f.dtype))
        .collect();
    let groups = RowGroupIterator::try_new(batches.into_iter(), &t.schema, options, encodings)
        .ok()?;
    let mut writer = FileWriter::try_new(Vec::new(), t.schema.clone(), options).ok()?;
    for (group, &len) in groups.zip(&t.groups) {
        writer.write(len as u64, group.ok()?).ok()?;
    }
    writer.end(None).ok()?;
    Some(writer.into_inner())
}

fn scratch_file() -> PathBuf {
    let dir = if std::path::Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    dir.join(format!("wages-fuzz-parquet-{}.parquet", std::process::id()))
}

/// What `wages analyze` computes from a payroll: the whole table and each group.
fn statistics(pay: &[f64], weight: Option<&[f64]>, parts: Vec<(Vec<f64>, Option<Vec<f64>>)>) {
    let minimum = pay.iter().copied().fold(f64::INFINITY, f64::min);
    let caps = [5.0, 8.0, 15.0, 30.0];
    let whole = (pay.to_vec(), weight.map(<[f64]>::to_vec));
    for (p, w) in std::iter::once(whole).chain(parts) {
        let Ok(sample) = Sample::new(p, w) else {
            continue;
        };
        let Ok(s) = sample.try_summary(minimum, &caps) else {
            continue;
        };
        assert!(!s.gini.is_nan(), "Gini is NaN");
        assert!((-1e-9..=1.0 + 1e-9).contains(&s.gini), "Gini {}", s.gini);
        assert!(s.min <= s.p10 && s.p10 <= s.p50 && s.p50 <= s.p90 && s.p90 <= s.max);
        let _ = (
            sample.lorenz(0.5),
            sample.top_share(0.9),
            sample.palma(),
            sample.quantile(0.25),
        );
    }
}

fn run(u: &mut Unstructured) -> AResult<()> {
    // The shape and the roles first, from the first bytes (the values take what is left, and
    // read zeros once the input is used up).
    let ncols = u.int_in_range(1..=5usize)?;
    let rows = if u.ratio(1, 8)? {
        0
    } else {
        u.int_in_range(1..=MAX_ROWS)?
    };
    let pay_col = role(u, ncols, 0)?;
    let group_col = if u.ratio(1, 2)? {
        Some(role(u, ncols, 1)?)
    } else {
        None
    };
    let weight_col = if u.ratio(1, 4)? {
        Some(role(u, ncols, 2)?)
    } else {
        None
    };
    let drop_nonpositive = u.arbitrary()?;
    // Named as Parquet (a .parquet file), or told by its content (`--input-format` absent on
    // an unknown extension, or stdin).
    let format = if u.ratio(7, 8)? {
        Some(InputFormat::Parquet)
    } else {
        None
    };
    let t = table(u, ncols, rows)?;
    // The roles of `wages gap` last, from the bytes the table leaves, each absent once the
    // input is used up: the committed seeds decode to the same file and roles as before.
    let bonus_col = if u.ratio(3, 4)? {
        None
    } else {
        Some(role(u, ncols, 3)?)
    };
    let within_col = if u.ratio(3, 4)? {
        None
    } else {
        Some(role(u, ncols, 4)?)
    };
    let labels_required = !u.ratio(3, 4)?;
    let names: Vec<String> = t.schema.iter_names().map(|n| n.to_string()).collect();
    let pay = role_name(&names, pay_col);
    let group = group_col.map(|r| role_name(&names, r));
    let weight = weight_col.map(|r| role_name(&names, r));
    let bonus = bonus_col.map(|r| role_name(&names, r));
    let within = within_col.map(|r| role_name(&names, r));
    let Some(bytes) = parquet(&t) else {
        return Ok(());
    };
    let path = scratch_file();
    std::fs::write(&path, &bytes).expect("write the scratch Parquet file");
    let req = Request {
        format,
        group: group.as_deref(),
        weight: weight.as_deref(),
        bonus: bonus.as_deref(),
        within: within.as_deref(),
        labels_required,
        // The seeds' byte is a bool (drop or not): the committed corpus decodes as before.
        nonpositive: if drop_nonpositive {
            wages_table::NonPositive::Drop
        } else {
            wages_table::NonPositive::Error
        },
        ..Request::new(&path, &pay)
    };
    let describe = std::env::var_os("WAGES_FUZZ_DESCRIBE").is_some();
    if describe {
        // `WAGES_FUZZ_DESCRIBE=1 fuzz/target/.../parquet_schema <input>` decodes an input.
        eprintln!("{} rows in row groups of {:?}", t.rows, t.groups);
        for (f, a) in t.schema.iter_values().zip(&t.columns) {
            eprintln!("column {:?}: {:?}\n    {:?}", f.name.as_str(), f.dtype, a);
        }
        eprintln!(
            "roles: pay {pay:?}, group {group:?}, weight {weight:?}, bonus {bonus:?}, \
             within {within:?}, labels_required {labels_required}, \
             drop_nonpositive {drop_nonpositive}"
        );
        if let Ok(dir) = std::env::var("WAGES_FUZZ_KEEP") {
            let _ = std::fs::write(std::path::Path::new(&dir).join("fuzz.parquet"), &bytes);
        }
    }
    let result = wages_table::read(&req);
    let _ = std::fs::remove_file(&path);
    if describe {
        match &result {
            Ok(p) => eprintln!(
                "read: {} pay values, {} dropped, {} groups",
                p.pay.len(),
                p.dropped_nonpositive,
                p.groups.as_ref().map_or(0, |g| g.labels.len())
            ),
            Err(e) => eprintln!("read: error: {e}"),
        }
    }
    let Ok(payroll) = result else {
        return Ok(());
    };

    // The promises of `Payroll`.
    let n = payroll.pay.len();
    assert!(n > 0, "an accepted payroll has no pay values");
    assert!(
        payroll.pay.iter().all(|x| x.is_finite() && *x > 0.0),
        "pay not finite and positive: {:?}",
        payroll.pay
    );
    assert_eq!(
        payroll.rows_read,
        n + payroll.dropped_nonpositive,
        "rows read = rows kept + rows dropped"
    );
    assert_eq!(payroll.rows_read, t.rows, "rows read vs rows written");
    assert_eq!(weight.is_some(), payroll.weight.is_some());
    if let Some(w) = &payroll.weight {
        assert_eq!(w.len(), n, "weights and pay of different lengths");
        assert!(w.iter().all(|x| x.is_finite() && *x > 0.0), "weights {w:?}");
    }
    assert_eq!(bonus.is_some(), payroll.bonus.is_some());
    if let Some(b) = &payroll.bonus {
        assert_eq!(b.len(), n, "bonus and pay of different lengths");
        assert!(b.iter().all(|x| x.is_finite() && *x >= 0.0), "bonus {b:?}");
    }
    assert_eq!(group.is_some(), payroll.groups.is_some());
    assert_eq!(within.is_some(), payroll.within.is_some());
    for g in [&payroll.groups, &payroll.within].into_iter().flatten() {
        assert_eq!(
            g.codes.len(),
            n,
            "{} label codes for {n} pay values",
            g.codes.len()
        );
        assert!(
            g.labels.windows(2).all(|w| w[0] < w[1]),
            "labels not sorted and distinct: {:?}",
            g.labels
        );
        assert!(
            g.codes.iter().all(|&c| (c as usize) < g.labels.len()),
            "a label code outside the {} labels",
            g.labels.len()
        );
        assert!(
            !labels_required || !g.labels.iter().any(String::is_empty),
            "an empty label although labels are required: {:?}",
            g.labels
        );
    }
    let mut parts = Vec::new();
    if let Some(g) = &payroll.groups {
        parts = vec![(Vec::new(), payroll.weight.as_ref().map(|_| Vec::new())); g.labels.len()];
        for (i, &c) in g.codes.iter().enumerate() {
            let (p, w) = &mut parts[c as usize];
            p.push(payroll.pay[i]);
            if let (Some(w), Some(all)) = (w, &payroll.weight) {
                w.push(all[i]);
            }
        }
    }
    statistics(&payroll.pay, payroll.weight.as_deref(), parts);
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let _ = run(&mut u);
});

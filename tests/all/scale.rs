//! Frequency tables (`wages analyze --count COL`) and `--emit-sql` (docs/scale.md): a table of
//! distinct (group, pay) values with counts gives the statistics of the expanded rows, and the
//! query `--emit-sql duckdb` prints, run on a real DuckDB (Python's `duckdb`), reduces a
//! payroll to such a table.
//!
//! Agreement is checked field by field on the JSON output to a relative 1e-12 (absolute 1e-15
//! near zero): the frequency table sums `w·x` over distinct values where the expanded rows sum
//! `x` one at a time, so the last bits of a sum may differ (measured: at most a few units in the
//! last place, e.g. 0.4740740740740741 against 0.47407407407407415), and a zero may come out as
//! -0.0. Fields that count rows are compared with what they must be: the expanded rows' `n`,
//! caps' `rows` and `rows_read` with the table's `weighted_n`, `count` and the sum of counts.

use crate::util::wages;
use serde_json::Value;
use std::path::Path;

/// Relative 1e-12, absolute 1e-15 near zero.
fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-12 * a.abs().max(b.abs()) || (a - b).abs() <= 1e-15
}

/// Compares two JSON values, every number to [`close`]; `path` names the field in failures.
/// Keys in `skip` are not compared (the file name, the column names).
fn compare(path: &str, a: &Value, b: &Value, skip: &[&str], diffs: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                if skip.contains(&k.as_str()) {
                    continue;
                }
                match (x.get(k), y.get(k)) {
                    (Some(u), Some(v)) => compare(&format!("{path}.{k}"), u, v, skip, diffs),
                    _ => diffs.push(format!("{path}.{k}: only in one")),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (u, v)) in x.iter().zip(y).enumerate() {
                compare(&format!("{path}[{i}]"), u, v, skip, diffs);
            }
        }
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            if !close(x, y) {
                diffs.push(format!("{path}: {x} vs {y}"));
            }
        }
        _ if a == b => {}
        _ => diffs.push(format!("{path}: {a} vs {b}")),
    }
}

/// Every summary of a document: the whole table and each group.
fn summaries(doc: &Value) -> Vec<&Value> {
    let mut s = vec![&doc["all"]];
    s.extend(doc["groups"].as_array().unwrap());
    s
}

/// Checks that `table` (a `--count` run) is the expanded run `rows`: the row counts as they
/// must be, every other number close.
fn assert_same(table: &Value, rows: &Value) {
    // Counting fields: the table's weighted counts are the expanded rows' counts.
    for (t, r) in summaries(table).into_iter().zip(summaries(rows)) {
        assert_eq!(t["weighted_n"].as_f64(), r["n"].as_f64(), "n");
        assert_eq!(t["weighted_n"], r["weighted_n"], "weighted_n");
        for (tc, rc) in t["caps"].as_array().unwrap().iter().zip(rc_caps(r).iter()) {
            assert_eq!(tc["count"].as_f64(), rc["rows"].as_f64(), "cap rows");
        }
    }
    assert_eq!(
        table["all"]["weighted_n"].as_f64(),
        rows["rows_read"].as_f64()
    );
    let skip = [
        "file",
        "n",
        "rows",
        "rows_read",
        "rows_analyzed",
        "weight_column",
        "count_column",
        "weight_kind",
        "note",
    ];
    let mut diffs = Vec::new();
    compare("", table, rows, &skip, &mut diffs);
    assert!(
        diffs.is_empty(),
        "the frequency table differs from the expanded rows:\n{}",
        diffs.join("\n")
    );
}

fn rc_caps(r: &Value) -> Vec<Value> {
    r["caps"].as_array().unwrap().clone()
}

fn json(args: &[&str], dir: &Path) -> Value {
    let out = wages().current_dir(dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "wages {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A small frequency table with ties across groups, a count of 1 and large counts, and its
/// expansion (each row `count` times, in a shuffled order).
fn write_table(dir: &Path) {
    let rows: &[(&str, f64, u32)] = &[
        ("a", 100.0, 3),
        ("a", 250.5, 2),
        ("a", 900.0, 1),
        ("a", 3100.0, 1),
        ("b", 100.0, 7),
        ("b", 180.25, 40),
        ("b", 250.5, 1),
        ("b", 1600.0, 5),
        ("c", 120.0, 2),
        ("c", 120.5, 2),
    ];
    let mut table = String::from("grp,pay,n\n");
    let mut expanded = Vec::new();
    for &(g, p, c) in rows {
        table.push_str(&format!("{g},{p},{c}\n"));
        for _ in 0..c {
            expanded.push(format!("{g},{p}\n"));
        }
    }
    // A fixed permutation: the expanded file is not in the table's order.
    let len = expanded.len();
    let mut shuffled = String::from("grp,pay\n");
    for i in 0..len {
        shuffled.push_str(&expanded[(i * 37) % len]);
    }
    // 37 is prime and not a factor of 64 rows: every row is taken once.
    assert_eq!(len, 64);
    std::fs::write(dir.join("table.csv"), table).unwrap();
    std::fs::write(dir.join("rows.csv"), shuffled).unwrap();
}

#[test]
fn count_equals_the_expanded_rows() {
    let dir = tempfile::tempdir().unwrap();
    write_table(dir.path());
    for group in [None, Some("grp")] {
        let mut t = vec!["analyze", "table.csv", "--count", "n", "--format", "json"];
        let mut r = vec!["analyze", "rows.csv", "--format", "json"];
        if let Some(g) = group {
            t.extend(["--group", g]);
            r.extend(["--group", g]);
        }
        let (table, rows) = (json(&t, dir.path()), json(&r, dir.path()));
        assert_same(&table, &rows);
        // The corrected Gini follows N = Σ count, not the 10 table rows (nor Kish's factor).
        let (g, n) = (
            table["all"]["gini"].as_f64().unwrap(),
            table["all"]["weighted_n"].as_f64().unwrap(),
        );
        let corrected = table["all"]["gini_corrected"].as_f64().unwrap();
        assert!(close(corrected, g * n / (n - 1.0)), "{corrected}");
        assert_eq!(table["count_column"], "n");
    }
}

#[test]
fn count_with_ci_equals_the_expanded_rows_unweighted() {
    // Frequency weights' linearised standard errors are those of the expanded rows drawn iid
    // (docs/uncertainty.md, "Weight kinds"); the bootstrap resamples table rows and is not.
    let dir = tempfile::tempdir().unwrap();
    write_table(dir.path());
    let table = json(
        &[
            "analyze",
            "table.csv",
            "--count",
            "n",
            "--group",
            "grp",
            "--ci",
            "95",
            "--format",
            "json",
        ],
        dir.path(),
    );
    let rows = json(
        &[
            "analyze", "rows.csv", "--group", "grp", "--ci", "95", "--format", "json",
        ],
        dir.path(),
    );
    assert_eq!(table["uncertainty"]["weight_kind"], "frequency");
    assert!(
        table["uncertainty"]["all"].as_array().unwrap().len() > 10,
        "{}",
        table["uncertainty"]
    );
    assert_same(&table, &rows);
}

/// Writes a payroll of `n` rows with repeated pay (rounded to 100) in three groups, from a
/// fixed linear congruential sequence, and returns the number of distinct (group, pay).
fn write_payroll(path: &Path, n: usize) -> usize {
    let mut state: u64 = 20231023;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as f64 / (1u64 << 31) as f64
    };
    let mut s = String::from("id,sector,salary\n");
    let mut distinct = std::collections::BTreeSet::new();
    for i in 0..n {
        let sector = ["mines", "rail", "textiles"][(next() * 3.0) as usize % 3];
        // A skewed pay: exp of a uniform, rounded to 100.
        let pay = ((1000.0 * (3.0 * next()).exp()) / 100.0).round() * 100.0;
        distinct.insert((sector, pay as u64));
        s.push_str(&format!("{i},{sector},{pay}\n"));
    }
    std::fs::write(path, s).unwrap();
    distinct.len()
}

#[test]
fn duckdb_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let distinct = write_payroll(&dir.path().join("payroll.csv"), 5000);
    assert!(distinct < 2000, "{distinct} distinct values");
    let emitted = wages()
        .args([
            "analyze",
            "payroll",
            "--emit-sql",
            "duckdb",
            "--pay",
            "salary",
            "--group",
            "sector",
        ])
        .output()
        .unwrap();
    assert!(emitted.status.success());
    let sql = String::from_utf8(emitted.stdout).unwrap();
    assert!(
        String::from_utf8_lossy(&emitted.stderr).contains("--count count"),
        "the follow-up command is told"
    );
    // Run the query on DuckDB, the CSV as a view named `payroll`, the result to Parquet.
    let script = r#"
import sys
try:
    import duckdb
except ImportError:
    sys.exit("python3 has no duckdb module: python3 -m pip install duckdb (.ci/run does)")
sql = sys.argv[1].strip().rstrip(";")
con = duckdb.connect()
con.execute("CREATE VIEW payroll AS SELECT * FROM read_csv_auto('payroll.csv')")
con.execute("COPY (" + sql + ") TO 'result.parquet' (FORMAT PARQUET)")
print(con.execute("SELECT COUNT(*) FROM (" + sql + ")").fetchone()[0])
"#;
    let run = std::process::Command::new("python3")
        .current_dir(dir.path())
        .args(["-c", script, &sql])
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3 (needed with duckdb for this test): {e}"));
    assert!(
        run.status.success(),
        "DuckDB failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let rows: usize = String::from_utf8(run.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(
        rows, distinct,
        "the frequency table has one row per distinct value"
    );
    let table = json(
        &[
            "analyze",
            "result.parquet",
            "--pay",
            "pay",
            "--group",
            "group",
            "--count",
            "count",
            "--format",
            "json",
        ],
        dir.path(),
    );
    let raw = json(
        &[
            "analyze",
            "payroll.csv",
            "--pay",
            "salary",
            "--group",
            "sector",
            "--format",
            "json",
        ],
        dir.path(),
    );
    let skip_columns = ["pay_column", "group_column"];
    let (mut t, mut r) = (table, raw);
    for k in skip_columns {
        t.as_object_mut().unwrap().remove(k);
        r.as_object_mut().unwrap().remove(k);
    }
    assert_eq!(t["all"]["weighted_n"].as_f64(), Some(5000.0));
    assert_same(&t, &r);
}

#[test]
fn emit_sql_quotes_for_each_engine() {
    let out = wages()
        .args([
            "analyze",
            "db.payroll",
            "--emit-sql",
            "spark",
            "--pay",
            "gross `pay`",
            "--group",
            "region",
            "--weight",
            "w",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "SELECT `region` AS `group`, `gross ``pay``` AS `pay`, COUNT(*) AS `count`, SUM(`w`) AS `weight` FROM db.payroll GROUP BY `region`, `gross ``pay```;\n"
    );
    let out = wages()
        .args(["analyze", "t", "--emit-sql", "duckdb", "--pay", "a\"b"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "SELECT \"a\"\"b\" AS \"pay\", COUNT(*) AS \"count\" FROM t GROUP BY \"a\"\"b\";\n"
    );
}

/// Over a million rows (2^20) with pay rounded to 10 (5,000 distinct values): `wages analyze`
/// reads pay and a group group by group and summarizes the whole table from its distinct values
/// and their counts (`analyze_by_group`, docs/scale.md). The same numbers as the in-memory path
/// (`WAGES_READER=whole`), to the last bits of a sum, and as the same file read with a count
/// column of ones (frequency weights, which `count_equals_the_expanded_rows` ties to the rows).
#[test]
fn a_million_rows_by_group_are_the_rows_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let rows = (1 << 20) + 4321;
    let mut text = String::with_capacity(rows * 16);
    text.push_str("g,pay,one\n");
    let mut state = 12345u64;
    for _ in 0..rows {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let g = ["a", "b", "c", "d", "e"][(state >> 60) as usize % 5];
        let pay = ((state >> 20) % 5000) * 10 + 10;
        text.push_str(&format!("{g},{pay},1\n"));
    }
    std::fs::write(dir.path().join("big.csv"), text).unwrap();
    let args = ["analyze", "big.csv", "--group", "g", "--format", "json"];
    let by_group = json(&args, dir.path());
    let out = wages()
        .current_dir(dir.path())
        .env("WAGES_READER", "whole")
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success());
    let whole: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut diffs = Vec::new();
    compare("", &by_group, &whole, &[], &mut diffs);
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
    // The groups are summarized from their own rows in both: the same bits.
    assert_eq!(by_group["groups"], whole["groups"]);
    assert_eq!(by_group["all"]["n"].as_u64(), Some(rows as u64));
    let counted = json(
        &[
            "analyze", "big.csv", "--group", "g", "--count", "one", "--format", "json",
        ],
        dir.path(),
    );
    assert_same(&counted, &by_group);
}

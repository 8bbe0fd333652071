//! A partitioned input (a directory of files in `key=value/` folders, as Spark writes them)
//! reads as the one file holding the same rows: the same JSON from `analyze` and `gap`, the
//! partition key usable as the group; and its problems are one line, exit 1.

use crate::util::wages;
use serde_json::Value;
use std::path::Path;

/// The payroll: three institutions (one label with a space, percent-escaped in its folder as
/// Spark writes it) of 150 rows each, pay rounded to cents (ties), weights, a `sex` column.
fn rows() -> Vec<(String, String, f64, f64)> {
    let mut state: u64 = 11;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut out = Vec::new();
    for inst in ["A", "B C", "D"] {
        for _ in 0..150 {
            let pay = (1000.0 * (1.0 + 3.0 * next() * next())).round() / 100.0;
            let weight = (50.0 + 100.0 * next()).round() / 100.0;
            let sex = if next() < 0.45 { "f" } else { "m" };
            out.push((inst.to_string(), sex.to_string(), pay, weight));
        }
    }
    out
}

/// Writes the rows as one CSV (`whole.csv`) and as `part/institution=…/part-K.csv` (two files
/// per institution, without the institution column), plus Spark's marker files.
fn write(dir: &Path) {
    let rows = rows();
    let mut whole = String::from("institution,sex,pay,weight\n");
    for (i, s, p, w) in &rows {
        whole.push_str(&format!("\"{i}\",{s},{p},{w}\n"));
    }
    std::fs::write(dir.join("whole.csv"), whole).unwrap();
    for inst in ["A", "B C", "D"] {
        let folder = dir
            .join("part")
            .join(format!("institution={}", inst.replace(' ', "%20")));
        std::fs::create_dir_all(&folder).unwrap();
        let mine: Vec<_> = rows.iter().filter(|r| r.0 == inst).collect();
        for (k, chunk) in mine.chunks(75).enumerate() {
            let mut text = String::from("sex,pay,weight\n");
            for (_, s, p, w) in chunk {
                text.push_str(&format!("{s},{p},{w}\n"));
            }
            std::fs::write(folder.join(format!("part-{k:05}.csv")), text).unwrap();
        }
        std::fs::write(folder.join(".part-00000.csv.crc"), "not data").unwrap();
    }
    std::fs::write(dir.join("part").join("_SUCCESS"), "").unwrap();
}

fn json(args: &[&str]) -> Value {
    let out = wages().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // The input's name is the one thing that differs.
    if let Value::Object(m) = &mut v {
        m.remove("file");
    }
    v
}

#[test]
fn a_partitioned_directory_reads_as_the_one_file() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path());
    let (part, whole) = (tmp.path().join("part"), tmp.path().join("whole.csv"));
    let (part, whole) = (part.to_str().unwrap(), whole.to_str().unwrap());
    for extra in [&[][..], &["--ci", "95"][..]] {
        let run = |f: &str| {
            let mut a = vec!["analyze", f, "--pay", "pay", "--group", "institution"];
            a.extend(["--weight", "weight", "--format", "json"]);
            a.extend(extra);
            json(&a)
        };
        let (p, w) = (run(part), run(whole));
        assert_eq!(p, w, "analyze {extra:?}");
        let labels: Vec<&Value> = p["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| &g["group"])
            .collect();
        assert_eq!(
            labels,
            ["A", "B C", "D"],
            "labels from the folders, %20 decoded"
        );
    }
    // gap: the group from a column of the files, within the folders' institutions.
    let run = |f: &str| {
        json(&[
            "gap",
            f,
            "--pay",
            "pay",
            "--by",
            "sex",
            "--within",
            "institution",
            "--format",
            "json",
        ])
    };
    assert_eq!(run(part), run(whole), "gap --within a partition key");
}

#[test]
fn a_partitioned_directory_that_is_not_one_table_is_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path());
    let part = tmp.path().join("part");
    let p = part.to_str().unwrap();
    let fails = |args: &[&str], want: &str| {
        let out = wages().args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains(want), "{args:?}: {err}");
    };
    fails(
        &["analyze", p, "--pay", "institution"],
        "--pay \"institution\" is a partition key",
    );
    fails(
        &[
            "gap",
            p,
            "--pay",
            "pay",
            "--by",
            "sex",
            "--explain",
            "weight",
        ],
        "not read from a partitioned directory yet",
    );
    // A file outside the key's folders.
    std::fs::write(part.join("stray.csv"), "sex,pay,weight\nf,10,1\n").unwrap();
    fails(
        &["analyze", p, "--pay", "pay", "--group", "institution"],
        "no folder institution=... above this file",
    );
    std::fs::remove_file(part.join("stray.csv")).unwrap();
    std::fs::write(part.join("institution=A").join("x.parquet"), "PAR1").unwrap();
    fails(
        &["analyze", p, "--pay", "pay"],
        "mixes Parquet and CSV files",
    );
    std::fs::remove_file(part.join("institution=A").join("x.parquet")).unwrap();
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    std::fs::write(empty.join("_SUCCESS"), "").unwrap();
    fails(
        &["analyze", empty.to_str().unwrap(), "--pay", "pay"],
        "no .parquet or .csv file in it",
    );
    // A bad row names its file and line.
    let file = part.join("institution=D").join("part-00001.csv");
    std::fs::write(&file, "sex,pay,weight\nf,10,1\nm,abc,1\n").unwrap();
    fails(
        &["analyze", p, "--pay", "pay", "--group", "institution"],
        "part-00001.csv",
    );
}

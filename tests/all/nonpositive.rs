//! `wages analyze --nonpositive keep|drop|error`: zero and negative pay kept where the measures
//! allow them (quantiles, Gini, shares, caps against a positive --minimum), the others reported
//! as not defined (`n/a`, JSON `null`, an empty CSV cell), and the rows counted. Every expected
//! figure is worked out by hand in the comments.

use crate::util::wages;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// `pay` (one value a row) as a CSV file in `dir`.
fn payroll(dir: &Path, name: &str, rows: &str) -> PathBuf {
    let f = dir.join(name);
    std::fs::write(&f, rows).unwrap();
    f
}

/// Runs `wages analyze FILE args...`; returns (exit code, stdout, stderr).
fn analyze(file: &Path, args: &[&str]) -> (i32, String, String) {
    let out = wages()
        .arg("analyze")
        .arg(file)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json(file: &Path, args: &[&str]) -> Value {
    let (code, out, err) = analyze(file, &[args, &["--format", "json"]].concat());
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

fn close(v: &Value, want: f64) -> bool {
    v.as_f64()
        .is_some_and(|g| (g - want).abs() <= 1e-12 * want.abs().max(1.0))
}

/// Two zeros among five rows, x = 0, 0, 200, 300, 500: S = 1000, μ = 200.
const ZEROS: &str = "pay\n300\n0\n500\n0\n200\n";

#[test]
fn keep_includes_zeros_in_quantiles_gini_shares_and_caps() {
    let dir = tempfile::tempdir().unwrap();
    let f = payroll(dir.path(), "zeros.csv", ZEROS);
    let v = json(
        &f,
        &["--nonpositive", "keep", "--minimum", "100", "--caps", "2,4"],
    );
    let all = &v["all"];
    assert_eq!(v["kept_nonpositive"], 2);
    assert_eq!(
        (all["n"].as_u64(), v["rows_analyzed"].as_u64()),
        (Some(5), Some(5))
    );
    // Gini, sorted form Σ (2i − n − 1) x_i / (n² μ) = (0·200 + 2·300 + 4·500) / (25 · 200)
    // = 2600 / 5000 = 0.52 (the pairwise sum of |x_i − x_j| over i < j is 2600 too).
    assert!(close(&all["gini"], 0.52), "{}", all["gini"]);
    // Quantiles, R type 2 on 5 values: P10 is the 1st (0), the median the 3rd (200), P90 the
    // 5th (500).
    assert_eq!(
        (
            all["p10"].as_f64(),
            all["p50"].as_f64(),
            all["p90"].as_f64()
        ),
        (Some(0.0), Some(200.0), Some(500.0))
    );
    assert!(close(&all["mean"], 200.0));
    // Low pay: below 2/3 of 200: the two zeros, 2/5.
    assert!(close(&all["low_pay_share"], 0.4));
    // Top 10% of 5 people is half of the 500 row: 250 / 1000.
    assert!(close(&all["top10_share"], 0.25));
    // Atkinson 0.5 = 1 − E[√r]², r = x / 200 = 0, 0, 1, 1.5, 2.5.
    let root = (0.0 + 0.0 + 1.0 + 1.5f64.sqrt() + 2.5f64.sqrt()) / 5.0;
    assert!(
        close(&all["atkinson_0_5"], 1.0 - root * root),
        "{}",
        all["atkinson_0_5"]
    );
    // Kaitz = 100 / 200; caps at 200 (300 and 500 above it, 100 + 300 over) and 400 (500).
    assert!(close(&all["kaitz"], 0.5));
    let caps = all["caps"].as_array().unwrap();
    assert_eq!(
        (caps[0]["rows"].as_u64(), caps[1]["rows"].as_u64()),
        (Some(2), Some(1))
    );
    assert!(close(&caps[0]["pay_above_total"], 400.0));
    assert!(close(&caps[1]["pay_above_total"], 100.0));
    // Not defined at a zero: the log-based measures, Atkinson ε ≥ 1, ratios to P10 = 0 or to
    // the min 0, Palma (the bottom 40% hold nothing) and S80/S20 (the bottom fifth neither).
    for key in [
        "mld",
        "theil_t",
        "atkinson_1",
        "atkinson_2",
        "max_min_ratio",
        "p90_p10",
        "p50_p10",
        "palma",
        "s80_s20",
    ] {
        assert_eq!(all[key], Value::Null, "{key}");
    }
    assert!(close(&all["p90_p50"], 2.5));
}

#[test]
fn keep_in_the_table_says_n_a_and_counts_the_rows() {
    let dir = tempfile::tempdir().unwrap();
    let f = payroll(dir.path(), "zeros.csv", ZEROS);
    let (code, out, err) = analyze(&f, &["--nonpositive", "keep", "--minimum", "100"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("2 rows with zero or negative pay kept (--nonpositive keep): MLD, Theil T and Atkinson 1 and 2 are not defined with non-positive pay;"),
        "{out}"
    );
    // No negative pay: Atkinson 0.5 is defined, and the note does not say otherwise.
    assert!(!out.contains("nor Atkinson 0.5"), "{out}");
    let gini_row = out
        .lines()
        .find(|l| l.contains("(all rows)") && l.contains("0.5200"))
        .unwrap_or_else(|| panic!("no inequality row with the Gini 0.5200: {out}"));
    // Theil T, MLD, Atkinson 1, Atkinson 2 and Palma.
    assert_eq!(gini_row.matches("n/a").count(), 5, "{gini_row}");
    // CSV: empty cells where JSON has null.
    let (code, out, _) = analyze(
        &f,
        &[
            "--nonpositive",
            "keep",
            "--format",
            "csv",
            "--minimum",
            "100",
        ],
    );
    assert_eq!(code, 0);
    let mut lines = out.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let cell = |k: &str| row[header.iter().position(|h| *h == k).unwrap()];
    assert_eq!((cell("mld"), cell("theil_t"), cell("palma")), ("", "", ""));
    assert_eq!((cell("gini"), cell("p50")), ("0.52", "200"));
}

#[test]
fn negative_pay_and_no_minimum_leave_the_multiples_undefined() {
    let dir = tempfile::tempdir().unwrap();
    // x = −100, 0, 300, 400, 400: S = 1000, μ = 200. Gini: pairs over i < j sum to
    // 1500 + 1100 + 200 + 0 = 2800, so G = 2 · 2800 / (2 · 25 · 200) = 0.56.
    let f = payroll(dir.path(), "neg.csv", "pay\n400\n-100\n300\n0\n400\n");
    let v = json(&f, &["--nonpositive", "keep"]);
    let all = &v["all"];
    assert!(close(&all["gini"], 0.56), "{}", all["gini"]);
    assert_eq!(v["kept_nonpositive"], 2);
    // √ of a negative: Atkinson 0.5 is not defined either. No reference minimum (the smallest
    // pay is −100): no Kaitz, no caps, JSON `minimum` null.
    for key in ["atkinson_0_5", "kaitz", "minimum", "max_min_ratio"] {
        assert_eq!(all[key], Value::Null, "{key}");
    }
    assert_eq!(v["minimum"], Value::Null);
    assert_eq!(all["caps"].as_array().map(Vec::len), Some(0));
    let (code, out, _) = analyze(&f, &["--nonpositive", "keep"]);
    assert_eq!(code, 0);
    assert!(
        out.contains(", nor Atkinson 0.5 with negative pay"),
        "{out}"
    );
    assert!(
        out.contains("reference minimum: none; the smallest pay in the file is -100.00"),
        "{out}"
    );
    assert!(!out.contains("Caps:"), "{out}");
    // A total of zero or less: no Gini, no shares; one line, exit 1.
    let f = payroll(dir.path(), "negative-total.csv", "pay\n-500\n0\n100\n200\n");
    let (code, out, err) = analyze(&f, &["--nonpositive", "keep"]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.contains("the total pay is zero or negative"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn a_group_with_a_nonpositive_total_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let f = payroll(
        dir.path(),
        "g.csv",
        "pay,g\n0,volunteers\n0,volunteers\n100,staff\n200,staff\n",
    );
    let (code, out, err) = analyze(&f, &["--nonpositive", "keep", "--group", "g"]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(
        err.contains("group \"volunteers\": its total pay is zero or negative"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn keep_changes_nothing_for_positive_pay_but_the_count() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/analyze/payroll.csv");
    for format in ["table", "markdown", "csv"] {
        let plain = analyze(&fixture, &["--format", format, "--group", "institution"]);
        let kept = analyze(
            &fixture,
            &[
                "--format",
                format,
                "--group",
                "institution",
                "--nonpositive",
                "keep",
            ],
        );
        assert_eq!(plain, kept, "{format}");
    }
    let mut plain = json(&fixture, &["--group", "institution"]);
    let kept = json(
        &fixture,
        &["--group", "institution", "--nonpositive", "keep"],
    );
    assert_eq!(kept["kept_nonpositive"], 0);
    assert!(plain.get("kept_nonpositive").is_none());
    plain["kept_nonpositive"] = 0.into();
    assert_eq!(plain, kept);
}

#[test]
fn drop_is_drop_nonpositive_and_two_policies_are_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let f = payroll(dir.path(), "zeros.csv", ZEROS);
    let old = analyze(&f, &["--drop-nonpositive", "--format", "json"]);
    assert_eq!(old.0, 0, "{}", old.2);
    assert_eq!(
        analyze(&f, &["--nonpositive", "drop", "--format", "json"]),
        old
    );
    assert_eq!(
        analyze(
            &f,
            &[
                "--nonpositive",
                "drop",
                "--drop-nonpositive",
                "--format",
                "json"
            ]
        ),
        old
    );
    for policy in ["keep", "error"] {
        let (code, out, err) = analyze(&f, &["--drop-nonpositive", "--nonpositive", policy]);
        assert_eq!((code, out.as_str()), (2, ""), "{policy}");
        assert!(
            err.contains("--drop-nonpositive is --nonpositive drop"),
            "{err}"
        );
    }
    let (code, _, err) = analyze(&f, &["--nonpositive", "error"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("or --nonpositive keep to include them"),
        "{err}"
    );
}

#[test]
fn the_chart_of_multiples_leaves_out_the_kept_rows_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let f = payroll(dir.path(), "zeros.csv", ZEROS);
    let charts = dir.path().join("charts");
    let (code, _, err) = analyze(
        &f,
        &[
            "--nonpositive",
            "keep",
            "--minimum",
            "100",
            "--chart",
            charts.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let svg = std::fs::read_to_string(charts.join("analyze-multiples.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let texts: String = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(texts.contains("are not drawn"), "{texts}");
    assert!(charts.join("analyze-lorenz.svg").exists());
    // Without a reference minimum there is no histogram of multiples: a usage error.
    let (code, _, err) = analyze(
        &f,
        &[
            "--nonpositive",
            "keep",
            "--chart",
            dir.path().join("c2").to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("give a positive --minimum"), "{err}");
}

#[test]
fn keep_with_groups_decomposes_the_gini_and_ge_2() {
    let dir = tempfile::tempdir().unwrap();
    // Groups {0, 100, 300} and {200, 400} (the arithmetic is in decompose.rs's unit test):
    // Gini 0.4 = 0.16 within + 0.2 between + 0.04 overlap; GE(2) 0.25 = 1/6 + 1/12.
    let f = payroll(
        dir.path(),
        "g.csv",
        "pay,g\n0,a\n100,a\n300,a\n200,b\n400,b\n",
    );
    let v = json(&f, &["--nonpositive", "keep", "--group", "g"]);
    let d = &v["decomposition"];
    assert!(close(&d["gini"]["total"], 0.4) && close(&d["gini"]["within"], 0.16));
    assert!(close(&d["gini"]["between"], 0.2), "{}", d["gini"]);
    assert!(close(&d["ge_2"]["between"], 1.0 / 12.0), "{}", d["ge_2"]);
    for key in ["ge_m1", "mld", "theil_t", "atkinson_1", "atkinson_2"] {
        assert_eq!(d[key], Value::Null, "{key}");
    }
    assert_eq!(d["groups"][0]["ge_m1"], Value::Null);
    assert!(d["groups"][1]["ge_m1"].is_number());
    let (code, out, _) = analyze(&f, &["--nonpositive", "keep", "--group", "g"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("the decomposition splits only the Gini, GE(2)"),
        "{out}"
    );
    let mld_row = out.lines().find(|l| l.contains("MLD, GE(0)")).unwrap();
    assert_eq!(mld_row.matches("n/a").count(), 5, "{mld_row}");
}

//! End-to-end tests of `wages analyze`: the plumbing from a CSV or Parquet file to the output
//! (groups, weights, --minimum, --drop-nonpositive, caps, formats) against reference values
//! computed independently with numpy (tests/fixtures/analyze/make_reference.py), and every kind
//! of bad input: one line on stderr, exit 1 (data) or 2 (usage), nothing on stdout.

use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/analyze")
        .join(name)
}

fn reference(case: &str) -> Value {
    let text = std::fs::read_to_string(fixture("reference.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v[case].clone()
}

use crate::util::wages;

fn run_json(args: &[&str]) -> Value {
    let out = wages().arg("analyze").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "wages analyze {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Every key of `want` is in `got` with the same value; numbers to a relative 1e-12.
fn assert_close(got: &Value, want: &Value, at: &str) {
    match (got, want) {
        (Value::Number(g), Value::Number(w)) => {
            let (g, w) = (g.as_f64().unwrap(), w.as_f64().unwrap());
            assert!(
                (g - w).abs() <= 1e-12 * w.abs().max(1e-300) + 1e-15,
                "{at}: got {g}, want {w}"
            );
        }
        (Value::Object(g), Value::Object(w)) => {
            for (k, wv) in w {
                let gv = g.get(k).unwrap_or_else(|| panic!("{at}: key {k} missing"));
                assert_close(gv, wv, &format!("{at}.{k}"));
            }
        }
        (Value::Array(g), Value::Array(w)) => {
            assert_eq!(g.len(), w.len(), "{at}: length");
            for (i, (gv, wv)) in g.iter().zip(w).enumerate() {
                assert_close(gv, wv, &format!("{at}[{i}]"));
            }
        }
        _ => assert_eq!(got, want, "{at}"),
    }
}

#[test]
fn grouped_statistics_match_numpy_reference() {
    let f = fixture("payroll.csv");
    let got = run_json(&[
        f.to_str().unwrap(),
        "--group",
        "institution",
        "--format",
        "json",
    ]);
    assert_close(&got, &reference("grouped"), "grouped");
    // Groups in label order; the quoted label with a comma survives the CSV reader.
    let labels: Vec<&str> = got["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Bank, Moscow", "Co-op", "Trust A"]);
    assert_eq!(got["minimum_source"], "smallest_pay");
}

#[test]
fn weighted_statistics_with_given_minimum_match_reference() {
    let f = fixture("payroll.csv");
    let got = run_json(&[
        f.to_str().unwrap(),
        "--group",
        "institution",
        "--weight",
        "weight",
        "--minimum",
        "100",
        "--caps",
        "2,5,10",
        "--format",
        "json",
    ]);
    assert_close(&got, &reference("weighted"), "weighted");
    assert_eq!(got["minimum_source"], "given");
    // By hand: weights 2,1,1,3,1,1,1,2,1,1,1,2 sum to 17.
    assert_eq!(got["all"]["weighted_n"], 17.0);
}

#[test]
fn parquet_gives_the_same_numbers_as_csv() {
    // payroll.parquet stores pay as Int64 (cast to f64 on read) and weights as Float64.
    let args = |f: &Path| {
        run_json(&[
            f.to_str().unwrap(),
            "--group",
            "institution",
            "--weight",
            "weight",
            "--minimum",
            "100",
            "--caps",
            "2,5,10",
            "--format",
            "json",
        ])
    };
    let mut csv = args(&fixture("payroll.csv"));
    let mut pq = args(&fixture("payroll.parquet"));
    csv["file"] = Value::Null;
    pq["file"] = Value::Null;
    assert_eq!(csv, pq);
    assert_close(&pq, &reference("weighted"), "parquet");
}

#[test]
fn drop_nonpositive_excludes_and_says_how_many() {
    let f = fixture("nonpositive.csv");
    let got = run_json(&[
        f.to_str().unwrap(),
        "--group",
        "institution",
        "--drop-nonpositive",
        "--caps",
        "2,5",
        "--format",
        "json",
    ]);
    assert_close(&got, &reference("dropped"), "dropped");
    assert_eq!(got["dropped_nonpositive"], 2);
    assert_eq!(got["rows_read"], 6);
    assert_eq!(got["rows_analyzed"], 4);
    wages()
        .args(["analyze", f.to_str().unwrap(), "--drop-nonpositive"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "2 rows with zero or negative pay excluded (--drop-nonpositive); 4 rows analyzed",
        ));
}

#[test]
fn without_minimum_the_output_says_the_smallest_pay_is_the_reference() {
    let f = fixture("payroll.csv");
    for format in ["table", "markdown"] {
        wages()
            .args(["analyze", f.to_str().unwrap(), "--format", format])
            .assert()
            .success()
            .stdout(predicates::str::contains(
                "reference minimum: 100.00, the smallest pay in the file (no --minimum given)",
            ));
    }
}

#[test]
fn csv_output_has_one_row_per_scope_and_full_precision() {
    let f = fixture("payroll.csv");
    let out = wages()
        .args([
            "analyze",
            f.to_str().unwrap(),
            "--group",
            "institution",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 4, "all + 3 groups");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(&rows[0][col("scope")], "all");
    assert_eq!(&rows[1][col("group")], "Bank, Moscow");
    let want = reference("grouped")["all"]["gini"].as_f64().unwrap();
    let got: f64 = rows[0][col("gini")].parse().unwrap();
    assert!((got - want).abs() < 1e-12);
    // Cap 8 x 100: Bank 1600 and 3200, Co-op 1700, Trust A 900 are above 800.
    assert_eq!(&rows[0][col("cap_8_rows")], "4");
    // Pay above 800: 800 + 2400 + 900 + 100 = 4200.
    let above: f64 = rows[0][col("cap_8_pay_above_total")].parse().unwrap();
    assert_eq!(above, 4200.0);
}

#[test]
fn markdown_escapes_labels() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("p.csv");
    std::fs::write(&f, "g,pay\na|b,100\na|b,200\n<c>,300\n").unwrap();
    let out = wages()
        .args([
            "analyze",
            f.to_str().unwrap(),
            "--group",
            "g",
            "--format",
            "markdown",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("| a\\|b |"), "{text}");
    assert!(text.contains("&lt;c&gt;"));
}

/// Writes `rows` (without header) under `header` into a temp CSV and returns the JSON output.
fn json_of(header: &str, rows: &[String], extra: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("p.csv");
    std::fs::write(&f, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
    let mut args = vec![f.to_str().unwrap(), "--format", "json"];
    args.extend_from_slice(extra);
    let mut v = run_json(&args);
    v["file"] = Value::Null;
    v
}

#[test]
fn permuting_rows_changes_nothing_and_duplicating_changes_only_counts() {
    let original: Vec<String> = std::fs::read_to_string(fixture("payroll.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(String::from)
        .collect();
    let header = "id,institution,grade,pay,weight";
    let extra = ["--group", "institution", "--weight", "weight"];
    let base = json_of(header, &original, &extra);
    let mut reversed = original.clone();
    reversed.reverse();
    assert_eq!(json_of(header, &reversed, &extra), base);

    let doubled: Vec<String> = original.iter().chain(&original).cloned().collect();
    let dup = json_of(header, &doubled, &extra);
    for key in [
        "gini",
        "theil_t",
        "mld",
        "atkinson_2",
        "p10",
        "p50",
        "palma",
    ] {
        assert_eq!(dup["all"][key], base["all"][key], "{key}");
    }
    assert_eq!(
        dup["all"]["weighted_n"].as_f64().unwrap(),
        2.0 * base["all"]["weighted_n"].as_f64().unwrap()
    );
    // Cap counts never increase with the cap.
    let counts: Vec<f64> = base["all"]["caps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_f64().unwrap())
        .collect();
    assert!(counts.windows(2).all(|w| w[1] <= w[0]), "{counts:?}");
}

/// Runs `wages analyze` on a file with `content` and returns (exit code, stderr), asserting
/// that stdout is empty and stderr is exactly one line.
fn fails(name: &str, content: Option<&[u8]>, extra: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join(name);
    if let Some(c) = content {
        std::fs::write(&f, c).unwrap();
    }
    let out = wages().arg("analyze").arg(&f).args(extra).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.stdout.is_empty(), "stdout not empty: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "not one line: {stderr}");
    assert!(stderr.starts_with("wages: error: "), "{stderr}");
    assert!(
        !stderr.contains("panicked"),
        "a panic is not an error message: {stderr}"
    );
    (out.status.code().unwrap(), stderr)
}

#[test]
fn missing_column_lists_the_columns() {
    let (code, e) = fails("p.csv", Some(b"id,salary\n1,100\n"), &[]);
    assert_eq!(code, 1);
    assert!(e.contains("no column \"pay\""), "{e}");
    assert!(e.contains("the columns are: \"id\", \"salary\""), "{e}");
    assert!(e.contains("--pay"), "{e}");
    let (_, e) = fails(
        "p.csv",
        Some(b"id,pay\n1,100\n"),
        &["--group", "institution"],
    );
    assert!(
        e.contains("no column \"institution\" (asked for by --group)"),
        "{e}"
    );
}

#[test]
fn non_numeric_pay_names_rows_and_lines() {
    let (code, e) = fails("p.csv", Some(b"id,pay\n1,100\n2,abc\n3,200\n4,n/a\n"), &[]);
    assert_eq!(code, 1);
    assert!(
        e.contains("row 2 (line 3) \"abc\", row 4 (line 5) \"n/a\""),
        "{e}"
    );
    assert!(e.contains("p.csv"), "{e}");
}

#[test]
fn empty_pay_cell_is_named() {
    let (code, e) = fails("p.csv", Some(b"id,pay\n1,100\n2,\n"), &[]);
    assert_eq!(code, 1);
    assert!(e.contains("is empty at data row 2 (line 3)"), "{e}");
}

#[test]
fn nonpositive_pay_is_an_error_by_default() {
    let src = std::fs::read(fixture("nonpositive.csv")).unwrap();
    let (code, e) = fails("p.csv", Some(&src), &[]);
    assert_eq!(code, 1);
    assert!(
        e.contains("2 rows of column \"pay\" have zero or negative pay"),
        "{e}"
    );
    assert!(
        e.contains("row 2 (line 3) \"0\", row 4 (line 5) \"-40\""),
        "{e}"
    );
    // The policies `wages analyze` has for such rows.
    assert!(
        e.contains("--nonpositive drop") && e.contains("--nonpositive keep"),
        "{e}"
    );
    assert!(!e.trim_end().contains('\n'), "one line: {e}");
}

#[test]
fn nan_and_infinite_pay_are_errors() {
    let (code, e) = fails("p.csv", Some(b"pay\n100\nNaN\ninf\n"), &[]);
    assert_eq!(code, 1);
    assert!(e.contains("NaN or infinite"), "{e}");
    assert!(
        e.contains("row 2 (line 3)") && e.contains("row 3 (line 4)"),
        "{e}"
    );
}

#[test]
fn nonpositive_weights_are_errors() {
    let (code, e) = fails(
        "p.csv",
        Some(b"pay,w\n100,1\n200,0\n300,-2\n"),
        &["--weight", "w"],
    );
    assert_eq!(code, 1);
    assert!(
        e.contains("2 rows of column \"w\" have zero or negative weights"),
        "{e}"
    );
}

#[test]
fn empty_and_header_only_files_are_errors() {
    let (code, e) = fails("p.csv", Some(b""), &[]);
    assert_eq!(code, 1);
    assert!(e.contains("the file is empty"), "{e}");
    let (code, e) = fails("p.csv", Some(b"id,pay\n"), &[]);
    assert_eq!(code, 1);
    assert!(e.contains("no data rows"), "{e}");
}

#[test]
fn unreadable_files_are_errors() {
    let (code, e) = fails("absent.csv", None, &[]);
    assert_eq!(code, 1);
    assert!(e.contains("absent.csv: cannot read the file"), "{e}");
    let (code, e) = fails("garbage.parquet", Some(b"this is not parquet"), &[]);
    assert_eq!(code, 1);
    assert!(e.contains("cannot read the file as Parquet"), "{e}");
}

#[test]
fn usage_errors_exit_2() {
    let (code, e) = fails("p.xlsx", Some(b"pay\n1\n"), &[]);
    assert_eq!(code, 2);
    assert!(e.contains("--input-format"), "{e}");
    let (code, e) = fails("p.csv", Some(b"pay\n1\n"), &["--caps", "5,-1"]);
    assert_eq!(code, 2);
    assert!(e.contains("--caps"), "{e}");
    let (code, _) = fails("p.csv", Some(b"pay\n1\n"), &["--minimum", "0"]);
    assert_eq!(code, 2);
    let (code, e) = fails("p.csv", Some(b"pay\n1\n"), &["--group", "pay"]);
    assert_eq!(code, 2);
    assert!(e.contains("named by both --pay and --group"), "{e}");
    // The same file read as CSV through --input-format works.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("p.xlsx");
    std::fs::write(&f, "pay\n1\n2\n").unwrap();
    wages()
        .args(["analyze", f.to_str().unwrap(), "--input-format", "csv"])
        .assert()
        .success();
}

// --- --chart DIR -------------------------------------------------------------------------------

/// Runs `wages analyze FILE --chart DIR extra...` (JSON to stdout) and returns the folder.
fn charts_of(file: &Path, extra: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = wages()
        .arg("analyze")
        .arg(file)
        .arg("--chart")
        .arg(dir.path())
        .args(["--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The statistics are still printed.
    let _: Value = serde_json::from_slice(&out.stdout).unwrap();
    dir
}

fn svg_texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("the SVG parses as XML");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").to_string())
        .collect()
}

/// `(width, height)` from a PNG's header.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    let reader = png::Decoder::new(bytes).read_info().unwrap();
    let info = reader.info();
    (info.width, info.height)
}

/// Filled `<rect>`s of the histogram's bar colour (palette BLUE).
fn bars(svg: &str) -> usize {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("rect"))
        .filter(|n| {
            n.attribute("fill")
                .is_some_and(|f| f.eq_ignore_ascii_case("#0072B2"))
        })
        .count()
}

/// Legend entries of Lorenz curves ("label: Gini 0.123").
fn lorenz_series(svg: &str) -> usize {
    svg_texts(svg)
        .iter()
        .filter(|t| t.contains(": Gini "))
        .count()
}

#[test]
fn chart_writes_lorenz_and_multiples_in_png_and_svg() {
    let dir = charts_of(&fixture("payroll.csv"), &["--group", "institution"]);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "analyze-lorenz.png",
            "analyze-lorenz.svg",
            "analyze-multiples.png",
            "analyze-multiples.svg"
        ]
    );
    let lorenz = std::fs::read_to_string(dir.path().join("analyze-lorenz.svg")).unwrap();
    let texts = svg_texts(&lorenz).join("\n");
    for want in [
        "Lorenz curve",
        "cumulative share of people, lowest paid first (%)",
        "cumulative share of total pay (%)",
        "Equality",
        "Source: ",
        "payroll.csv",
    ] {
        assert!(
            texts.contains(want),
            "{want:?} not in the Lorenz chart: {texts}"
        );
    }
    // The whole table plus three institutions, each with its Gini.
    assert_eq!(lorenz_series(&lorenz), 1 + 3, "{texts}");
    assert!(texts.contains("All rows: Gini "), "{texts}");
    let hist = std::fs::read_to_string(dir.path().join("analyze-multiples.svg")).unwrap();
    let texts = svg_texts(&hist).join("\n");
    for want in [
        "Pay as a multiple of the minimum",
        "pay, multiple of the minimum (log scale)",
        "people per bin",
        "1:5",
        "1:8",
        "1:15",
        "1:30",
        "Minimum = 100, the smallest pay in the file",
        "payroll.csv",
    ] {
        assert!(
            texts.contains(want),
            "{want:?} not in the histogram: {texts}"
        );
    }
    let n = bars(&hist);
    assert!((1..=12).contains(&n), "{n} bars");
    for name in ["analyze-lorenz.png", "analyze-multiples.png"] {
        let bytes = std::fs::read(dir.path().join(name)).unwrap();
        assert_eq!(png_size(&bytes), (1200, 800), "{name}");
    }
}

#[test]
fn chart_without_groups_has_one_lorenz_curve_and_one_bar_per_nonempty_bin() {
    // Multiples 1.2, 12 and 120 of --minimum 100: three bins hold people, whatever the bin
    // width (bins are at most a factor 10^(1/4) wide); the counts are weighted.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("p.csv");
    std::fs::write(&f, "pay,w\n120,1\n120,2\n1200,1\n12000,0.5\n").unwrap();
    let out = charts_of(
        &f,
        &[
            "--minimum",
            "100",
            "--weight",
            "w",
            "--chart-width",
            "900",
            "--chart-height",
            "600",
        ],
    );
    let lorenz = std::fs::read_to_string(out.path().join("analyze-lorenz.svg")).unwrap();
    assert_eq!(lorenz_series(&lorenz), 1);
    let hist = std::fs::read_to_string(out.path().join("analyze-multiples.svg")).unwrap();
    assert_eq!(bars(&hist), 3);
    let texts = svg_texts(&hist).join("\n");
    assert!(texts.contains("people per bin (weighted)"), "{texts}");
    assert!(texts.contains("Minimum = 100 (--minimum)"), "{texts}");
    let bytes = std::fs::read(out.path().join("analyze-multiples.png")).unwrap();
    assert_eq!(png_size(&bytes), (900, 600));
}

#[test]
fn chart_caps_lorenz_curves_at_the_largest_groups_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("p.csv");
    let mut text = String::from("g,pay\n");
    for g in 0..10 {
        for i in 0..=g {
            text.push_str(&format!("g{g},{}\n", 100 + 37 * i));
        }
    }
    std::fs::write(&f, text).unwrap();
    let out = charts_of(&f, &["--group", "g"]);
    let lorenz = std::fs::read_to_string(out.path().join("analyze-lorenz.svg")).unwrap();
    assert_eq!(lorenz_series(&lorenz), 1 + 6);
    let texts = svg_texts(&lorenz).join("\n");
    assert!(texts.contains("10 groups"), "{texts}");
    assert!(texts.contains("only the 6 largest"), "{texts}");
    // The largest six are g4..g9.
    assert!(
        texts.contains("g9: Gini") && texts.contains("g4: Gini"),
        "{texts}"
    );
    assert!(!texts.contains("g3: Gini"), "{texts}");
}

#[test]
fn unwritable_chart_folder_is_one_line_exit_1_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("plain-file");
    std::fs::write(&blocker, "not a folder").unwrap();
    let target = blocker.join("charts");
    let out = wages()
        .arg("analyze")
        .arg(fixture("payroll.csv"))
        .arg("--chart")
        .arg(&target)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--chart"), "{stderr}");
    assert!(out.stdout.is_empty());
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "only the blocking file remains");
    // A too small chart size is a usage error, before anything is read.
    let (code, e) = fails(
        "p.csv",
        Some(b"pay\n1\n"),
        &["--chart", "x", "--chart-width", "100"],
    );
    assert_eq!(code, 2);
    assert!(e.contains("--chart-width"), "{e}");
}

/// The benchmark's switches, read by the binary and passed to the reader as options:
/// `WAGES_TIMINGS` prints the read phases and the timings on stderr (nothing else changes), and
/// `WAGES_CSV_READER=general` reads a plain CSV with the general reader, to the same output.
#[test]
fn environment_switches_reach_the_reader() {
    let file = fixture("payroll.csv");
    let args = [
        "analyze",
        file.to_str().unwrap(),
        "--group",
        "institution",
        "--format",
        "json",
    ];
    let plain = wages().args(args).output().unwrap();
    assert!(plain.status.success());
    assert!(plain.stderr.is_empty());
    let timed = wages()
        .args(args)
        .env("WAGES_TIMINGS", "1")
        .output()
        .unwrap();
    assert!(timed.status.success());
    assert_eq!(timed.stdout, plain.stdout);
    let err = String::from_utf8_lossy(&timed.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].starts_with("wages: read phases: header ") && lines[0].contains("plain CSV parse"),
        "{err}"
    );
    assert!(lines[1].starts_with("wages: timings: read "), "{err}");
    let general = wages()
        .args(args)
        .env("WAGES_TIMINGS", "1")
        .env("WAGES_CSV_READER", "general")
        .output()
        .unwrap();
    assert!(general.status.success());
    assert_eq!(general.stdout, plain.stdout);
    let err = String::from_utf8_lossy(&general.stderr);
    assert!(
        err.contains("general CSV parse") && !err.contains("plain CSV"),
        "{err}"
    );
}

/// The subgroup decomposition (`decomposition` in JSON) through the binary, against the R
/// reference values of crates/analysis/tests/fixtures/decompose/ (Stata ineqdeco's GE and
/// Atkinson decompositions, R dineq's Gini decomposition, on laeken's eusilc).
#[test]
fn group_decomposition_matches_the_r_reference_on_eusilc() {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/analysis/tests/fixtures/decompose");
    let file = dir.join("eusilc.csv");
    let text = std::fs::read_to_string(dir.join("reference.json")).unwrap();
    let reference: Value = serde_json::from_str(&text).unwrap();
    let close = |got: &Value, want: &Value, at: &str| {
        let (g, w) = (got.as_f64().unwrap(), want.as_f64().unwrap());
        assert!(
            (g - w).abs() <= 1e-8 * w.abs() + 1e-14,
            "{at}: got {g}, want {w}"
        );
    };
    for (name, column, weighted) in [
        ("eusilc_sex_weighted", "sex", true),
        ("eusilc_region_unweighted", "region", false),
    ] {
        let fx = reference["fixtures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap();
        let mut args = vec![file.to_str().unwrap(), "--pay", "income", "--group", column];
        if weighted {
            args.extend(["--weight", "weight"]);
        }
        args.extend(["--format", "json"]);
        let got = run_json(&args);
        let d = &got["decomposition"];
        for key in [
            "ge_m1",
            "mld",
            "theil_t",
            "ge_2",
            "atkinson_0_5",
            "atkinson_1",
            "atkinson_2",
            "gini",
        ] {
            for part in ["total", "within", "between"] {
                close(
                    &d[key][part],
                    &fx[key][part],
                    &format!("{name}.{key}.{part}"),
                );
            }
            assert!(d[key]["between_share"].is_number(), "{name}.{key}");
        }
        close(&d["gini"]["overlap"], &fx["gini"]["overlap"], name);
        assert!(d["mld"].get("overlap").is_none());
        // The totals are the whole table's own figures.
        assert_eq!(d["gini"]["total"], got["all"]["gini"]);
        let groups = d["groups"].as_array().unwrap();
        let want = fx["groups"].as_array().unwrap();
        assert_eq!(groups.len(), want.len());
        for (g, w) in groups.iter().zip(want) {
            assert_eq!(g["group"], w["group"]);
            for k in [
                "population_share",
                "income_share",
                "relative_mean",
                "ge_m1",
                "ge_2",
            ] {
                close(&g[k], &w[k], &format!("{name}.groups.{}.{k}", w["group"]));
            }
        }
    }
    // Human formats gain the two tables; CSV stays one row per scope, unchanged by them.
    let f = file.to_str().unwrap();
    let out = wages()
        .args([
            "analyze", f, "--pay", "income", "--group", "sex", "--format", "markdown",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("## Decomposition by group (GE: total = within + between"),
        "{text}"
    );
    assert!(
        text.contains("| Gini | 0.26270 | 0.13091 | 0.01841 | 0.11338 | 7.01% |"),
        "{text}"
    );
    assert!(
        text.contains("| female | 50.98% | 49.14% | 0.964 |"),
        "{text}"
    );
    let csv_header = |extra: &[&str]| {
        let out = wages()
            .args(["analyze", f, "--pay", "income", "--format", "csv"])
            .args(extra)
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        (
            text.lines().next().unwrap().to_string(),
            text.lines().count(),
        )
    };
    let (plain, _) = csv_header(&[]);
    let (grouped, lines) = csv_header(&["--group", "region"]);
    assert_eq!(grouped, plain);
    assert_eq!(lines, 1 + 1 + 9, "header, all, nine regions");
}

/// A group left without rows by --drop-nonpositive is not part of the decomposition; without
/// --group there is none.
#[test]
fn decomposition_leaves_out_empty_groups_and_needs_groups() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("p.csv");
    std::fs::write(&f, "g,pay\nA,100\nA,300\nB,0\nC,200\nC,250\n").unwrap();
    let f = f.to_str().unwrap();
    let got = run_json(&[f, "--group", "g", "--drop-nonpositive", "--format", "json"]);
    let groups = got["decomposition"]["groups"].as_array().unwrap();
    let labels: Vec<&str> = groups
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["A", "C"]);
    // A: mean 200 of 212.5, C: 225; population shares 1/2 each.
    assert_eq!(groups[0]["population_share"], 0.5);
    let rel = groups[1]["relative_mean"].as_f64().unwrap();
    assert!((rel - 225.0 / 212.5).abs() < 1e-15);
    let text = String::from_utf8(
        wages()
            .args(["analyze", f, "--group", "g", "--drop-nonpositive"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let shares = text.split("Groups in the decomposition").nth(1).unwrap();
    assert!(shares.contains("│ A ") && shares.contains("│ C ") && !shares.contains("│ B "));
    let plain = run_json(&[f, "--drop-nonpositive", "--format", "json"]);
    assert!(plain.get("decomposition").is_none());
}

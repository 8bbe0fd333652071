//! Labels from user data are escaped in every output format: a copy of the dataset whose
//! descriptions and sources hold `<script>`, `&`, quotes, `|` and a newline, and a bracket table
//! whose group name does, go through `report`, `data list`, `chart` and `tabulate`. Checked:
//! the Markdown tables keep their columns and show no raw markup, the CSV parses (csv crate)
//! with every row as wide as the header and gives the label back byte for byte, the JSON parses
//! and gives the label back, and every SVG parses as XML (roxmltree). `analyze` group names
//! too, when the binary has the `table` feature.

use std::path::Path;

/// The label every description gets (before its original text).
const LABEL: &str = "<script>alert(\"x\")</script> & Co | \"q\" 'a'\nline2";
/// The same in a TOML basic string.
const LABEL_TOML: &str = "<script>alert(\\\"x\\\")</script> & Co | \\\"q\\\" 'a'\\nline2";
/// What every source gets in front.
const SOURCE: &str = "S&P | <b>\"src\"</b>\n";
const SOURCE_TOML: &str = "S&P | <b>\\\"src\\\"</b>\\n";

use crate::util::wages;

fn copy_with_markup(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_with_markup(&e.path(), &target);
        } else if e.path().extension().is_some_and(|x| x == "toml") {
            let text = std::fs::read_to_string(e.path()).unwrap();
            let text = text
                .replace(
                    "\ndescription = \"",
                    &format!("\ndescription = \"{LABEL_TOML} "),
                )
                .replace("\nsource = \"", &format!("\nsource = \"{SOURCE_TOML}"));
            std::fs::write(target, text).unwrap();
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

fn markup_dataset() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_with_markup(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("data"),
        dir.path(),
    );
    dir
}

fn run(args: &[&str]) -> String {
    let out = wages().args(args).env("COLUMNS", "200").output().unwrap();
    assert!(
        out.status.success(),
        "wages {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Pipes that separate cells (not escaped as `\|`).
fn cell_separators(line: &str) -> usize {
    let mut n = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => n += 1,
            _ => escaped = false,
        }
    }
    n
}

/// Every Markdown table keeps its header's column count; no raw markup anywhere; the label's
/// newline did not start a new line.
fn check_markdown(text: &str, what: &str) {
    let mut header_cols: Option<usize> = None;
    let mut tables = 0;
    for line in text.lines() {
        if line.starts_with('|') {
            let n = cell_separators(line);
            match header_cols {
                None => {
                    header_cols = Some(n);
                    tables += 1;
                }
                Some(h) => assert_eq!(n, h, "{what}: a row lost or gained columns:\n{line}"),
            }
        } else {
            header_cols = None;
        }
        assert!(
            !line.starts_with("line2"),
            "{what}: the label's newline broke a line"
        );
    }
    assert!(tables > 0, "{what}: no Markdown table");
    assert!(
        text.contains("&lt;script&gt;"),
        "{what}: the label is not shown"
    );
    for raw in ["<script>", "<b>", "</b>"] {
        assert!(!text.contains(raw), "{what}: raw {raw} in Markdown");
    }
}

/// The CSV parses with every row as wide as the header, and holds `label` in a field, unchanged.
fn check_csv(text: &str, label: &str, what: &str) {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let width = rdr.headers().unwrap().len();
    let mut found = false;
    for rec in rdr.records() {
        let rec = rec.unwrap_or_else(|e| panic!("{what}: CSV does not parse: {e}"));
        assert_eq!(rec.len(), width);
        found |= rec.iter().any(|f| f.contains(label));
    }
    assert!(found, "{what}: no CSV field holds the label {label:?}");
}

fn json_contains(v: &serde_json::Value, label: &str) -> bool {
    match v {
        serde_json::Value::String(s) => s.contains(label),
        serde_json::Value::Array(a) => a.iter().any(|x| json_contains(x, label)),
        serde_json::Value::Object(o) => o.values().any(|x| json_contains(x, label)),
        _ => false,
    }
}

fn check_json(text: &str, label: &str, what: &str) {
    let v: serde_json::Value =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{what}: JSON does not parse: {e}"));
    assert!(
        json_contains(&v, label),
        "{what}: no JSON string holds {label:?}"
    );
}

/// Parses an SVG; returns its text content.
fn svg_text(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text)
        .unwrap_or_else(|e| panic!("{}: not well-formed XML: {e}", path.display()));
    doc.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn report_escapes_labels_in_markdown_csv_and_json() {
    let data = markup_dataset();
    let d = data.path().to_str().unwrap();
    check_markdown(
        &run(&["--data", d, "report", "--format", "markdown"]),
        "report markdown",
    );
    let csv = run(&["--data", d, "report", "--format", "csv"]);
    check_csv(&csv, LABEL, "report csv");
    check_csv(&csv, SOURCE, "report csv");
    let json = run(&["--data", d, "report", "--format", "json"]);
    check_json(&json, LABEL, "report json");
    check_json(&json, SOURCE, "report json");
}

#[test]
fn data_list_and_show_escape_labels() {
    let data = markup_dataset();
    let d = data.path().to_str().unwrap();
    check_markdown(
        &run(&["--data", d, "data", "list", "--format", "markdown"]),
        "data list markdown",
    );
    check_csv(
        &run(&["--data", d, "data", "list", "--format", "csv"]),
        LABEL,
        "data list csv",
    );
    check_json(
        &run(&["--data", d, "data", "list", "--format", "json"]),
        LABEL,
        "data list json",
    );
    check_markdown(
        &run(&[
            "--data",
            d,
            "data",
            "show",
            "ratio-1919",
            "--format",
            "markdown",
        ]),
        "data show markdown",
    );
    check_csv(
        &run(&["--data", d, "data", "show", "ratio-1919", "--format", "csv"]),
        LABEL,
        "data show csv",
    );
}

#[test]
fn charts_of_a_dataset_with_markup_labels_are_well_formed_svg() {
    // The paper's charts draw fixed titles and values, not descriptions; they must still be
    // well-formed when the dataset's labels hold markup.
    let data = markup_dataset();
    let out = tempfile::tempdir().unwrap();
    run(&[
        "--data",
        data.path().to_str().unwrap(),
        "chart",
        "all",
        "--format",
        "svg",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    let mut n = 0;
    for e in std::fs::read_dir(out.path()).unwrap() {
        svg_text(&e.unwrap().path());
        n += 1;
    }
    assert!(n >= 6);
}

const GROUP: &str = "<script>alert(1)</script> & \"Co\" | x\nnewline";

fn markup_table() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let quoted = GROUP.replace('"', "\"\"");
    let mut text = String::from("group,membership,lower,upper,share_percent,mean\n");
    for (lo, hi, share) in [("8", "15", "10.0"), ("15", "30", "2.0"), ("30", "", "0.5")] {
        text.push_str(&format!("\"{quoted}\",1000,{lo},{hi},{share},\n"));
    }
    std::fs::write(dir.path().join("table.csv"), text).unwrap();
    dir
}

#[test]
fn tabulate_escapes_group_names_in_every_format_and_chart() {
    let dir = markup_table();
    let file = dir.path().join("table.csv");
    let f = file.to_str().unwrap();
    check_markdown(
        &run(&["tabulate", f, "--format", "markdown"]),
        "tabulate markdown",
    );
    check_csv(
        &run(&["tabulate", f, "--format", "csv"]),
        GROUP,
        "tabulate csv",
    );
    check_json(
        &run(&["tabulate", f, "--format", "json"]),
        GROUP,
        "tabulate json",
    );
    let charts = dir.path().join("charts");
    run(&[
        "tabulate",
        f,
        "--format",
        "json",
        "--chart",
        charts.to_str().unwrap(),
    ]);
    let mut texts = String::new();
    for e in std::fs::read_dir(&charts).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "svg") {
            texts.push_str(&svg_text(&p));
        }
    }
    assert!(
        texts.contains("<script>alert(1)</script> & \"Co\""),
        "the group name is not drawn as text in the SVG: {texts}"
    );
}

#[cfg(feature = "table")]
#[test]
fn analyze_escapes_group_names_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("payroll.csv");
    let quoted = GROUP.replace('"', "\"\"");
    let mut text = String::from("pay,dept\n");
    for (pay, dept) in [
        ("100", quoted.as_str()),
        ("900", quoted.as_str()),
        ("150", "plain"),
        ("400", "plain"),
    ] {
        text.push_str(&format!("{pay},\"{dept}\"\n"));
    }
    std::fs::write(&file, text).unwrap();
    let f = file.to_str().unwrap();
    check_markdown(
        &run(&["analyze", f, "--group", "dept", "--format", "markdown"]),
        "analyze markdown",
    );
    check_csv(
        &run(&["analyze", f, "--group", "dept", "--format", "csv"]),
        GROUP,
        "analyze csv",
    );
    check_json(
        &run(&["analyze", f, "--group", "dept", "--format", "json"]),
        GROUP,
        "analyze json",
    );
}

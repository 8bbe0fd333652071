//! `wages gap` end to end: the R reference values through the CLI, the formats, Parquet and
//! CSV alike, the charts (what is drawn, not only that a file exists). The measures' own
//! arithmetic is tested in `crates/analysis/src/gap/tests.rs` and against R in
//! `crates/analysis/tests/gap_reference.rs`; the bad input in `tests/bad-input/cases-gap.toml`.

use crate::util::wages;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn ses() -> PathBuf {
    root().join("crates/analysis/tests/fixtures/gap/ses.csv")
}

fn reference() -> Value {
    let text =
        std::fs::read_to_string(root().join("crates/analysis/tests/fixtures/gap/reference.json"))
            .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn run(args: &[&str]) -> (String, String) {
    let out = wages().arg("gap").args(args).output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert!(out.status.success(), "{stderr}");
    (stdout, stderr)
}

fn json(file: &Path, extra: &[&str]) -> Value {
    let mut args = vec![file.to_str().unwrap()];
    args.extend(extra);
    args.extend(["--format", "json"]);
    serde_json::from_str(&run(&args).0).unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-10 * a.abs().max(b.abs()) + 1e-12
}

const SES: [&str; 10] = [
    "--pay",
    "earningsHour",
    "--by",
    "sex",
    "--weight",
    "weights",
    "--within",
    "education",
    "--bonus",
    "earningsOvertime",
];

/// The CLI's JSON carries the library's figures unchanged: laeken's gpg (Eurostat's unadjusted
/// gender pay gap) on the weighted ses data, 24.1366%, and the R bands.
#[test]
fn ses_through_the_cli_matches_laeken() {
    let r = reference();
    let fx = &r["fixtures"][0];
    assert_eq!(fx["name"], "ses_weighted");
    let v = json(&ses(), &SES);
    assert_eq!(v["reference"], "male");
    assert_eq!(v["reference_choice"], "highest_mean");
    let gap = &v["gaps"][0];
    assert_eq!(gap["group"], "female");
    let f = |v: &Value| v.as_f64().unwrap();
    assert!(close(
        f(&gap["mean_gap_pct"]),
        f(&fx["laeken"]["gpg_mean_pct"])
    ));
    assert!(close(f(&gap["median_gap_pct"]), f(&fx["median_gap_pct"])));
    assert!(close(
        f(&gap["bonus_mean_gap_pct"]),
        f(&fx["bonus"]["mean_gap_pct"])
    ));
    for (band, want) in v["quartile_bands"]
        .as_array()
        .unwrap()
        .iter()
        .zip(fx["quartile_bands"].as_array().unwrap())
    {
        let female = &band["groups"][0];
        assert_eq!(female["group"], "female");
        assert!(close(f(&female["share"]), f(&want["female_share"])));
    }
    let cats = v["categories"].as_array().unwrap();
    assert_eq!(cats.len(), 5);
    for (c, want) in cats
        .iter()
        .zip(fx["laeken"]["by_category"].as_array().unwrap())
    {
        assert_eq!(c["category"], want["category"]);
        let g = &c["gaps"][0];
        assert!(close(f(&g["mean_gap_pct"]), f(&want["gpg_mean_pct"])));
        assert_eq!(g["article_10"], f(&g["mean_gap_pct"]).abs() >= 5.0);
    }
    assert!(v["article_10_note"]
        .as_str()
        .unwrap()
        .contains("not a finding of discrimination"));
}

/// The table names every measure as the rules do, and says which group is the reference and
/// why.
#[test]
fn table_names_the_measures_as_the_rules_do() {
    let mut args = vec![ses().to_str().unwrap().to_string()];
    args.extend(SES.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (out, _) = run(&args);
    for want in [
        "reference group: \"male\", the group with the highest mean pay",
        "(a) gender pay gap 24.14%",
        "(c) median gender pay gap 21.02%",
        "(b) gender pay gap in complementary or variable components 42.49%",
        "(e) proportion receiving them: \"female\" 22.0%, \"male\" 40.8%",
        "(f) proportion in each quartile pay band",
        "UK SI 2017/172 regs 8-9",
        "Quartile pay bands",
        "By category of workers (\"education\")",
        "a threshold, not a finding of discrimination",
    ] {
        assert!(out.contains(want), "missing {want:?} in\n{out}");
    }
}

/// The CSV is one long table of full-precision figures; it agrees with the JSON.
#[test]
fn csv_is_a_long_table_agreeing_with_json() {
    let file = ses();
    let mut args = vec![file.to_str().unwrap()];
    args.extend(SES);
    args.extend(["--format", "csv"]);
    let (out, _) = run(&args);
    let mut lines = out.lines();
    assert_eq!(
        lines.next().unwrap(),
        "section,band,category,group,measure,value"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(rows.iter().all(|r| r.len() == 6));
    let find = |section: &str, group: &str, measure: &str| -> f64 {
        rows.iter()
            .find(|r| r[0] == section && r[3] == group && r[4] == measure)
            .unwrap_or_else(|| panic!("no {section} {group} {measure}"))[5]
            .parse()
            .unwrap()
    };
    let v = json(&ses(), &SES);
    assert_eq!(
        find("gap", "female", "mean_gap_pct"),
        v["gaps"][0]["mean_gap_pct"].as_f64().unwrap()
    );
    assert_eq!(
        find("group", "male", "median"),
        v["groups"][1]["median"].as_f64().unwrap()
    );
    assert_eq!(
        rows.iter()
            .filter(|r| r[0] == "category" && r[4] == "article_10")
            .count(),
        5
    );
}

/// Parquet and CSV give the same figures, group labels from an integer column included.
#[test]
fn parquet_gives_the_same_gaps_as_csv() {
    let dir = root().join("tests/fixtures/analyze");
    let args = [
        "--by",
        "institution",
        "--within",
        "grade",
        "--weight",
        "weight",
    ];
    let mut a = json(&dir.join("payroll.csv"), &args);
    let mut b = json(&dir.join("payroll.parquet"), &args);
    for v in [&mut a, &mut b] {
        v.as_object_mut().unwrap().remove("file");
    }
    assert_eq!(a, b);
    assert!(!a["gaps"].as_array().unwrap().is_empty());
}

/// Integer weights are the rows repeated: the same gaps, the same bands.
#[test]
fn weights_are_repeated_rows() {
    let dir = tempfile::tempdir().unwrap();
    let weighted = dir.path().join("w.csv");
    let expanded = dir.path().join("e.csv");
    let rows = [
        ("f", 10.0, 2),
        ("m", 12.0, 1),
        ("f", 11.0, 1),
        ("m", 15.0, 3),
        ("f", 9.0, 1),
    ];
    let mut w = String::from("sex,pay,w\n");
    let mut e = String::from("sex,pay\n");
    for (s, p, k) in rows {
        w.push_str(&format!("{s},{p},{k}\n"));
        for _ in 0..k {
            e.push_str(&format!("{s},{p}\n"));
        }
    }
    std::fs::write(&weighted, w).unwrap();
    std::fs::write(&expanded, e).unwrap();
    let a = json(&weighted, &["--by", "sex", "--weight", "w"]);
    let b = json(&expanded, &["--by", "sex"]);
    assert_eq!(
        a["gaps"][0]["median_gap_pct"],
        b["gaps"][0]["median_gap_pct"]
    );
    let f = |v: &Value| v["gaps"][0]["mean_gap_pct"].as_f64().unwrap();
    assert!(close(f(&a), f(&b)));
    assert_eq!(a["quartile_bands"], b["quartile_bands"]);
}

/// Warnings reach the reader in every format: in the text, and on stderr beside JSON and CSV.
#[test]
fn small_groups_are_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.csv");
    std::fs::write(&file, "sex,pay\nf,10\nm,12\nf,11\nm,13\n").unwrap();
    let (out, _) = run(&[file.to_str().unwrap(), "--by", "sex"]);
    assert!(out.contains("warning: group \"f\" has only 2 rows"));
    let (_, err) = run(&[file.to_str().unwrap(), "--by", "sex", "--format", "json"]);
    assert!(
        err.contains("warning: group \"f\" has only 2 rows"),
        "{err}"
    );
}

fn svg_texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("the SVG parses as XML");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

/// Filled `<rect>`s of one colour.
fn rects(svg: &str, fill: &str) -> usize {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("rect"))
        .filter(|n| {
            n.attribute("fill")
                .is_some_and(|f| f.eq_ignore_ascii_case(fill))
        })
        .count()
}

/// What each chart draws: the percentile curve's legend and points, the band shares printed in
/// their segments (eight segments, four per group), one bar per category and the 5% lines.
#[test]
fn charts_draw_what_the_tables_say() {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec![ses().to_str().unwrap().to_string()];
    args.extend(SES.iter().map(|s| s.to_string()));
    args.extend(["--chart".into(), dir.path().to_str().unwrap().into()]);
    args.extend(["--chart-width", "640", "--chart-height", "480"].map(String::from));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&args);
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    for stem in ["gap-percentiles", "gap-bands", "gap-categories"] {
        let png = std::fs::read(dir.path().join(format!("{stem}.png"))).unwrap();
        let reader = png::Decoder::new(png.as_slice()).read_info().unwrap();
        assert_eq!((reader.info().width, reader.info().height), (640, 480));
    }
    let p = svg_texts(&read("gap-percentiles.svg"));
    assert!(
        p.iter()
            .any(|t| t == "female: mean gap 24.1%, median gap 21.0%"),
        "{p:?}"
    );
    assert!(p.iter().any(|t| t == "no gap"));
    let b = read("gap-bands.svg");
    let bt = svg_texts(&b);
    for share in ["58.7%", "41.3%", "24.7%", "75.3%"] {
        assert!(bt.iter().any(|t| t == share), "{share} not in {bt:?}");
    }
    // Four segments of each group's colour (the legend swatches are paths).
    assert_eq!(rects(&b, "#0072B2"), 4);
    assert_eq!(rects(&b, "#E69F00"), 4);
    let c = read("gap-categories.svg");
    let ct = svg_texts(&c);
    for label in ["ISCED 2", "ISCED 5B", "-8.1%", "20.0%", "±5% (Art. 10)"] {
        assert!(ct.iter().any(|t| t == label), "{label} not in {ct:?}");
    }
    assert_eq!(rects(&c, "#0072B2"), 5, "one bar per category");
}

/// Without --within there is no category chart; with the fixture's weights and the Parquet
/// reader the same two other charts are written.
#[test]
fn no_category_chart_without_within() {
    let dir = tempfile::tempdir().unwrap();
    let file = root().join("tests/fixtures/analyze/payroll.parquet");
    run(&[
        file.to_str().unwrap(),
        "--by",
        "institution",
        "--chart",
        dir.path().to_str().unwrap(),
    ]);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "gap-bands.png",
            "gap-bands.svg",
            "gap-percentiles.png",
            "gap-percentiles.svg"
        ]
    );
}

/// `--explain` end to end: the JSON carries the library's decomposition (its parts sum to the
/// gap), the table names the method and the base categories, the chart is written, and the CSV
/// has the parts as rows.
#[test]
fn explain_decomposes_the_gap() {
    let file = ses();
    let base = [
        file.to_str().unwrap(),
        "--pay",
        "earningsHour",
        "--by",
        "sex",
        "--weight",
        "weights",
        "--explain",
        "education,location,earningsOvertime",
    ];
    let v = json(&file, &base[1..]);
    let e = &v["explain"];
    let f = |v: &Value| v.as_f64().unwrap();
    let gap = f(&e["gap"]["value"]);
    assert!(close(
        gap,
        f(&e["group_a"]["mean_outcome"]) - f(&e["group_b"]["mean_outcome"])
    ));
    for t in e["twofold"].as_array().unwrap() {
        assert!(close(
            f(&t["explained"]["value"]) + f(&t["unexplained"]["value"]),
            gap
        ));
    }
    let three = &e["threefold"];
    let sum: f64 = ["endowments", "coefficients", "interaction"]
        .iter()
        .map(|k| f(&three[k]["value"]))
        .sum();
    assert!(close(sum, gap));
    assert_eq!(e["group_a"]["group"], "male");
    assert_eq!(e["reference"], "pooled");
    assert!(e["method"].as_str().unwrap().starts_with("delta method"));
    let (out, _) = run(&base);
    for want in [
        "Explaining the gap: the Blinder-Oaxaca decomposition (Jann 2008)",
        "education = \"ISCED 0 and 1\", location = \"AT1\"",
        "it is not by itself a measure of discrimination",
        "Twofold under every choice of reference coefficients",
        "ISCED 0 and 1 (base)",
    ] {
        assert!(out.contains(want), "missing {want:?}");
    }
    let mut args = base.to_vec();
    args.extend(["--format", "csv"]);
    let (csv, _) = run(&args);
    assert!(csv.contains("explain,,,,twofold.pooled.explained,"));
    assert!(csv.contains("explain,,education=ISCED 2,,detailed.explained.se,"));
    let dir = tempfile::tempdir().unwrap();
    let mut args = base.to_vec();
    let d = dir.path().to_str().unwrap().to_string();
    args.extend(["--chart", &d]);
    run(&args);
    let svg = std::fs::read_to_string(dir.path().join("gap-explained.svg")).unwrap();
    let texts = svg_texts(&svg);
    for want in ["explained", "unexplained", "education", "earningsOvertime"] {
        assert!(texts.iter().any(|t| t == want), "{want} not in {texts:?}");
    }
}

/// The bootstrap is seeded: the same seed, the same output; the method is named.
#[test]
fn explain_bootstrap_is_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.csv");
    let mut text = String::from("sex,pay,exp,grade\n");
    for i in 0..200 {
        let male = i % 2 == 0;
        let exp = (i * 7) % 30;
        let grade = ["a", "b", "c"][i % 3];
        let pay = 10.0 + 0.3 * exp as f64 + if male { 2.0 } else { 0.0 } + (i % 5) as f64;
        text.push_str(&format!(
            "{},{pay},{exp},{grade}\n",
            if male { "m" } else { "f" }
        ));
    }
    std::fs::write(&file, text).unwrap();
    let args = [
        file.to_str().unwrap(),
        "--by",
        "sex",
        "--explain",
        "exp,grade",
        "--bootstrap",
        "50",
        "--seed",
        "7",
        "--format",
        "json",
    ];
    let (a, _) = run(&args);
    let (b, _) = run(&args);
    assert_eq!(a, b);
    let v: Value = serde_json::from_str(&a).unwrap();
    assert!(v["explain"]["method"]
        .as_str()
        .unwrap()
        .contains("50 replicates"));
}

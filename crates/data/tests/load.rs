//! The shipped dataset loads, and each kind of validation error says file, line, record, field.

use std::path::{Path, PathBuf};
use wages_data::{load_dir, DataError, Qualifier, Status, Unit};

fn repo_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data")
}

#[test]
fn embedded_dataset_loads_and_matches_the_directory() {
    let embedded = wages_data::embedded().expect("embedded data/ validates");
    let from_disk = load_dir(&repo_data()).expect("data/ validates");
    assert_eq!(embedded.figures.len(), from_disk.figures.len());
    assert_eq!(embedded.rules.len(), from_disk.rules.len());
    assert_eq!(embedded.scales.len(), from_disk.scales.len());
}

#[test]
fn every_ledger_figure_is_present_with_its_qualifier() {
    let d = wages_data::embedded().unwrap();
    let expect = [
        ("ratio-1919", 5.0, Qualifier::Exact, Unit::Ratio),
        ("ratio-1922", 8.0, Qualifier::Exact, Unit::Ratio),
        ("ratio-1922-12", 80.0, Qualifier::Exact, Unit::Ratio),
        ("ratio-1923-06", 40.0, Qualifier::Exact, Unit::Ratio),
        (
            "andreev-floor",
            2.0,
            Qualifier::Exact,
            Unit::MultipleOfMinimum,
        ),
        (
            "vovsi-share-above-8x",
            13.8,
            Qualifier::Exact,
            Unit::Percent,
        ),
        (
            "vovsi-count-above-8x",
            80000.0,
            Qualifier::MoreThan,
            Unit::Persons,
        ),
        (
            "vovsi-count-15-30x",
            15400.0,
            Qualifier::Exact,
            Unit::Persons,
        ),
        (
            "vovsi-count-above-30x",
            1500.0,
            Qualifier::About,
            Unit::Persons,
        ),
        ("conf12-officials", 15325.0, Qualifier::Exact, Unit::Persons),
        ("conf12-supplement", 50.0, Qualifier::Exact, Unit::Percent),
        (
            "pavlova-cell-secretary",
            300.0,
            Qualifier::Exact,
            Unit::Rubles,
        ),
        ("pavlova-cc-member", 430.0, Qualifier::Exact, Unit::Rubles),
        ("pavlova-maximum", 645.0, Qualifier::Exact, Unit::Rubles),
        ("bromlei-anikeev", 7500.0, Qualifier::Exact, Unit::Rubles),
        ("bromlei-gurevich", 90000.0, Qualifier::Exact, Unit::Rubles),
        ("bromlei-kun", 194000.0, Qualifier::Exact, Unit::Rubles),
        (
            "bromlei-gurevich-multiple",
            12.0,
            Qualifier::AtLeast,
            Unit::MultipleOfMinimum,
        ),
        (
            "bromlei-kun-multiple",
            25.0,
            Qualifier::AtLeast,
            Unit::MultipleOfMinimum,
        ),
    ];
    for (id, value, q, unit) in expect {
        let f = d.figure(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(f.value.central(), value, "{id}");
        assert_eq!(f.qualifier, q, "{id}");
        assert_eq!(f.unit, unit, "{id}");
        assert_eq!(f.status, Status::Reported, "{id}");
        assert!(!f.source.is_empty(), "{id}");
    }
    let ranges = [
        ("conf12-grades", 12.0, 17.0),
        ("pavlova-multiple-of-workers", 20.0, 50.0),
        ("pravda-special-rates", 1.0, 50.0),
    ];
    for (id, lo, hi) in ranges {
        let f = d.figure(id).unwrap();
        assert_eq!(
            (f.value.low(), f.value.high(), f.qualifier),
            (lo, hi, Qualifier::Range),
            "{id}"
        );
    }
}

#[test]
fn the_shipped_scale_is_an_assumption() {
    let d = wages_data::embedded().unwrap();
    assert!(!d.scales.is_empty());
    for s in &d.scales {
        assert_eq!(
            s.status,
            Status::Assumption,
            "{}: no source gives the 1922 coefficients",
            s.id
        );
        assert!(s.basis.is_some());
    }
    let rule = d.rule("conf12-draft-surplus").unwrap();
    assert_eq!((rule.grade_low, rule.threshold_multiple), (17, Some(1.5)));
}

/// Writes a dataset with one figures file holding `figures` and returns its root.
fn dataset_with(figures: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("figures")).unwrap();
    std::fs::write(dir.path().join("figures/test.toml"), figures).unwrap();
    dir
}

const GOOD: &str = r#"
[[figure]]
id = "a-figure"
group = "test"
description = "A test figure"
value = 80000
qualifier = "more-than"
unit = "persons"
date = "1924"
status = "reported"
source = "Somebody 2006, p1"
"#;

fn errors_for(figures: &str) -> Vec<String> {
    let dir = dataset_with(figures);
    match load_dir(dir.path()) {
        Ok(_) => Vec::new(),
        Err(e) => e.0.iter().map(|e| e.to_string()).collect(),
    }
}

#[test]
fn a_good_record_loads() {
    assert!(errors_for(GOOD).is_empty());
}

#[test]
fn a_record_without_a_source_is_rejected() {
    let errs = errors_for(&GOOD.replace("source = \"Somebody 2006, p1\"\n", ""));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0]
            .contains("figures/test.toml:3: record `a-figure`: source = (missing): required field"),
        "{}",
        errs[0]
    );
}

#[test]
fn each_kind_of_error_names_file_line_record_field_and_fix() {
    // (edit, expected substring)
    let cases: &[(&str, &str, &str)] = &[
        ("qualifier = \"more-than\"", "qualifier = \"roughly\"", "test.toml:7: record `a-figure`: qualifier = \"roughly\": unknown word; one of: exact, about"),
        ("unit = \"persons\"", "unit = \"people\"", ":8: record `a-figure`: unit = \"people\": unknown word"),
        ("value = 80000", "value = \"80,000\"", ":6: record `a-figure`: value = \"80,000\": not a number; write a plain number"),
        ("value = 80000", "value = nan", ":6: record `a-figure`: value = NaN: not a finite number"),
        ("value = 80000", "value = -5", "value = -5: not a whole, non-negative head-count"),
        ("date = \"1924\"", "date = \"1924-13\"", ":9: record `a-figure`: date = \"1924-13\": not a date"),
        ("status = \"reported\"", "status = \"assumption\"", "basis = (missing): an assumption must say what it rests on"),
        ("id = \"a-figure\"", "id = \"A Figure\"", "id = \"A Figure\": malformed id"),
        ("group = \"test\"", "group = \"test\"\ncolour = \"red\"", "colour = \"red\": unknown field"),
        ("unit = \"persons\"", "unit = \"ratio\"\nvalue2 = 1", "unknown field"),
        ("value = 80000", "low = 50\nhigh = 20", "low = 50: greater than high = 20"),
        ("qualifier = \"more-than\"", "qualifier = \"range\"", "qualifier = \"range\": does not match the value"),
    ];
    for (from, to, expected) in cases {
        let errs = errors_for(&GOOD.replace(from, to));
        assert!(
            errs.iter().any(|e| e.contains(expected)),
            "edit {to:?}: expected {expected:?} in {errs:?}"
        );
    }
}

#[test]
fn ratio_below_one_percent_over_100_and_rubles_without_kind() {
    let ratio = GOOD
        .replace("value = 80000", "value = 0.5")
        .replace("unit = \"persons\"", "unit = \"ratio\"");
    assert!(errors_for(&ratio)
        .iter()
        .any(|e| e.contains("a max:min ratio below 1")));
    let pct = GOOD.replace("unit = \"persons\"", "unit = \"percent\"");
    assert!(errors_for(&pct)
        .iter()
        .any(|e| e.contains("a share outside 0-100%")));
    let rub = GOOD.replace("unit = \"persons\"", "unit = \"rubles\"");
    assert!(errors_for(&rub)
        .iter()
        .any(|e| e.contains("ruble_kind = (missing)")));
}

#[test]
fn syntax_errors_and_duplicates_are_all_reported() {
    let errs = errors_for("[[figure]]\nid = \"x\nvalue = 1\n");
    assert_eq!(errs.len(), 1);
    assert!(errs[0].contains("test.toml:2: invalid TOML"), "{}", errs[0]);

    let twice = format!("{GOOD}\n{GOOD}");
    let errs = errors_for(&twice);
    assert!(
        errs.iter()
            .any(|e| e.contains(":15: record `a-figure`: id = \"a-figure\": duplicate id")),
        "{errs:?}"
    );

    // Two broken records: both reported, not only the first.
    let two_bad = format!(
        "{}\n{}",
        GOOD.replace("source = \"Somebody 2006, p1\"\n", ""),
        GOOD.replace("a-figure", "b-figure")
            .replace("unit = \"persons\"", "unit = \"x\"")
    );
    let errs = errors_for(&two_bad);
    assert_eq!(errs.len(), 2, "{errs:?}");
}

#[test]
fn non_utf8_and_missing_directory() {
    let dir = dataset_with("");
    std::fs::write(dir.path().join("figures/test.toml"), b"id = \"\xff\"\n").unwrap();
    let err = load_dir(dir.path()).unwrap_err();
    assert!(err.to_string().contains("not valid UTF-8"), "{err}");

    let err = load_dir(Path::new("/nonexistent/dir")).unwrap_err();
    assert!(matches!(err.0[0], DataError::Io { .. }));
    assert!(err.to_string().contains("no such directory"), "{err}");

    let file = dir.path().join("figures/test.toml");
    let err = load_dir(&file).unwrap_err();
    assert!(err.to_string().contains("not a directory"), "{err}");
}

#[test]
fn a_bom_is_accepted() {
    let dir = dataset_with("");
    std::fs::write(
        dir.path().join("figures/test.toml"),
        format!("\u{feff}{GOOD}"),
    )
    .unwrap();
    assert!(load_dir(dir.path()).is_ok());
}

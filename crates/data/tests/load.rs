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

/// The messages of loading `dir`, one string each (empty when it loads).
fn errors_in(dir: &Path) -> Vec<String> {
    match load_dir(dir) {
        Ok(_) => Vec::new(),
        Err(e) => e.0.iter().map(|e| e.to_string()).collect(),
    }
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo (coreutils)");
    assert!(made.success());
}

#[cfg(unix)]
#[test]
fn special_files_are_refused_unopened_and_every_problem_is_still_listed() {
    let dir = dataset_with(&GOOD.replace("value = 80000", "value = -1"));
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("figures/zero.toml")).unwrap();
    mkfifo(&dir.path().join("figures/pipe.toml"));
    std::fs::create_dir(dir.path().join("scales")).unwrap();
    mkfifo(&dir.path().join("scales/s.toml"));
    mkfifo(&dir.path().join("grade-rules.toml"));
    // Would block (FIFO) or never end (/dev/zero) if opened: the test finishing is the check.
    let errs = errors_in(dir.path());
    assert_eq!(errs.len(), 5, "{errs:#?}");
    assert!(errs[0].ends_with("figures/pipe.toml: cannot read: not a regular file (a FIFO); a dataset holds only regular .toml files: replace it with one, or remove it"), "{errs:#?}");
    assert!(
        errs[1].contains("figures/zero.toml: cannot read: not a regular file (a character device)"),
        "{errs:#?}"
    );
    assert!(
        errs[2].contains("scales/s.toml: cannot read: not a regular file (a FIFO)"),
        "{errs:#?}"
    );
    assert!(
        errs[3].contains("grade-rules.toml: cannot read: not a regular file (a FIFO)"),
        "{errs:#?}"
    );
    // The readable file is still validated.
    assert!(
        errs[4].contains("test.toml:6: record `a-figure`: value = -1"),
        "{errs:#?}"
    );
}

#[cfg(unix)]
#[test]
fn links_that_loop_or_dangle_name_the_file() {
    let dir = dataset_with(GOOD);
    let f = dir.path().join("figures");
    std::os::unix::fs::symlink("b.toml", f.join("a.toml")).unwrap();
    std::os::unix::fs::symlink("a.toml", f.join("b.toml")).unwrap();
    std::os::unix::fs::symlink("nothing.toml", f.join("c.toml")).unwrap();
    let errs = errors_in(dir.path());
    assert_eq!(errs.len(), 3, "{errs:#?}");
    assert!(errs[0].contains("a.toml: cannot read: a loop of symbolic links"));
    assert!(errs[1].contains("b.toml: cannot read: a loop of symbolic links"));
    assert!(errs[2]
        .contains("c.toml: cannot read: a symbolic link to nothing.toml, which does not exist"));

    // figures/ itself looping: not "no figures/*.toml files".
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("figures", dir.path().join("figures")).unwrap();
    let errs = errors_in(dir.path());
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].contains("figures: cannot read: a loop of symbolic links"),
        "{errs:#?}"
    );
}

#[test]
fn a_file_over_the_size_cap_is_refused_unread() {
    let dir = dataset_with(GOOD);
    // Sparse: 17 MiB of nothing, taking no disk.
    let big = std::fs::File::create(dir.path().join("figures/big.toml")).unwrap();
    big.set_len(17 * 1024 * 1024).unwrap();
    let errs = errors_in(dir.path());
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].contains("big.toml: cannot read: larger than 16 MiB"),
        "{errs:#?}"
    );
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_one_clean_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = dataset_with(GOOD);
    let file = dir.path().join("figures/test.toml");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&file).is_ok() {
        return; // root reads anything: nothing to test
    }
    let errs = errors_in(dir.path());
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].contains("test.toml: cannot read: Permission denied"),
        "{errs:#?}"
    );
    assert!(
        errs[0].contains("check the file's permissions"),
        "{errs:#?}"
    );
}

#[test]
fn control_characters_in_text_are_refused_with_file_line_record_and_field() {
    for (escape, shown, code) in [
        ("\\u001b[31m", "\\u{1b}[31m", "U+001B"),
        ("\\u0007", "\\u{7}", "U+0007"),
        ("\\u0000", "\\0", "U+0000"),
        ("\\u0001", "\\u{1}", "U+0001"),
        ("\\u007f", "\\u{7f}", "U+007F"),
        ("\\u009b", "\\u{9b}", "U+009B"),
        ("\\r", "\\r", "U+000D"),
        ("\\b", "\\u{8}", "U+0008"),
        ("\\f", "\\u{c}", "U+000C"),
    ] {
        let text = GOOD.replace("A test figure", &format!("A {escape} figure"));
        let errs = errors_for(&text);
        assert_eq!(errs.len(), 1, "{escape}: {errs:#?}");
        let want = format!(
            "test.toml:5: record `a-figure`: description = \"A {shown} figure\": holds the control character {code}; remove it"
        );
        assert!(errs[0].contains(&want), "{escape}: {errs:#?}");
        assert!(!errs[0].chars().any(char::is_control), "{errs:?}");
    }
    // Line breaks (LF or CRLF) and tabs are text.
    for ok in ["a\\nb", "a\\r\\nb", "a\\tb"] {
        let text = GOOD.replace("A test figure", ok);
        assert!(errors_for(&text).is_empty(), "{ok}");
    }
    // Every optional text field is checked, even when required ones already failed.
    let text = GOOD.replace("A test figure", "\\u001b").replace(
        "source = \"Somebody 2006, p1\"",
        "source = \"\\u0007\"\nquote = \"\\u0000\"\nnote = \"\\u0001\"",
    );
    assert_eq!(errors_for(&text).len(), 4, "{:#?}", errors_for(&text));
}

#[test]
fn cr_only_line_ends_nul_bytes_and_utf16_say_what_is_wrong() {
    let errs = errors_for(&GOOD.replace('\n', "\r"));
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].contains("test.toml:1: a carriage return without a line feed"),
        "{errs:#?}"
    );

    let stray =
        GOOD.replace('\n', "\r\n")
            .replacen("unit = \"persons\"\r\n", "unit = \"persons\"\r", 1);
    let errs = errors_for(&stray);
    assert!(
        errs[0].contains("test.toml:8: a carriage return without a line feed"),
        "{errs:#?}"
    );

    let utf16: Vec<u8> = GOOD.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    let dir = dataset_with("");
    std::fs::write(dir.path().join("figures/test.toml"), &utf16).unwrap();
    let errs = errors_in(dir.path());
    // GOOD starts with a line break: the first NUL is its high byte, on line 2.
    assert!(
        errs[0].contains("test.toml:2: a NUL byte: the file is probably UTF-16"),
        "{errs:#?}"
    );
    let mut with_bom = vec![0xff, 0xfe];
    with_bom.extend(&utf16);
    std::fs::write(dir.path().join("figures/test.toml"), &with_bom).unwrap();
    let errs = errors_in(dir.path());
    assert!(
        errs[0].contains("test.toml:1: not valid UTF-8: a UTF-16 file"),
        "{errs:#?}"
    );
}

#[test]
fn a_long_bad_value_is_clipped_in_its_message() {
    let long = "x".repeat(100_000);
    let errs = errors_for(&GOOD.replace(
        "qualifier = \"more-than\"",
        &format!("qualifier = \"{long}\""),
    ));
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(errs[0].len() < 400, "{} bytes", errs[0].len());
    assert!(
        errs[0].contains("… (100002 characters): unknown word"),
        "{errs:#?}"
    );
}

#[test]
fn thousands_of_records_with_long_text_load_in_one_pass() {
    // 5,000 records of 1 KB text each, every one broken: each problem is looked up in its own
    // record, not by rescanning the file (the test would take minutes otherwise).
    let text = "y".repeat(1000);
    let mut figures = String::new();
    for i in 0..5000 {
        figures.push_str(
            &GOOD
                .replace("a-figure", &format!("f-{i}"))
                .replace("A test figure", &text)
                .replace("value = 80000", "value = -1"),
        );
    }
    let errs = errors_for(&figures);
    assert_eq!(errs.len(), 5000);
    assert!(errs[4999].contains("test.toml:"), "{}", errs[4999]);
    assert!(
        errs[4999].contains(&format!(":{}: record `f-4999`: value = -1", 4999 * 11 + 6)),
        "{}",
        errs[4999]
    );
}

#[test]
fn huge_and_tiny_numbers_are_short_in_messages() {
    let errs = errors_for(&GOOD.replace("value = 80000", "value = -1e300"));
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(errs[0].contains("value = -1e300: not a whole"), "{errs:#?}");
    let errs = errors_for(
        &GOOD
            .replace("value = 80000", "low = 2e300\nhigh = 1e300")
            .replace("more-than", "range"),
    );
    assert!(
        errs[0].contains("low = 2e300: greater than high = 1e300"),
        "{errs:#?}"
    );
    assert!(errs[0].len() < 300, "{errs:#?}");
    let errs = errors_for(&GOOD.replace("value = 80000", "value = 80000\nrounding = -1e-300"));
    assert!(
        errs[0].contains("rounding = -1e-300: must be positive"),
        "{errs:#?}"
    );
}

#[test]
fn the_whole_dataset_is_capped_too() {
    // 17 files of 16 MiB each (sparse, all NUL): 272 MiB in all. Each file alone is allowed;
    // past 256 MiB the rest are refused unread.
    let dir = dataset_with(GOOD);
    for i in 0..17 {
        let f = std::fs::File::create(dir.path().join(format!("figures/big-{i:02}.toml"))).unwrap();
        f.set_len(16 * 1024 * 1024).unwrap();
    }
    let errs = errors_in(dir.path());
    // Problems met reading come first (big-16 and test.toml, after it), then those of the
    // files read.
    assert_eq!(errs.len(), 18, "{errs:#?}");
    let refused = "cannot read: the dataset's files before it already hold 256 MiB";
    assert!(
        errs[0].contains(&format!("big-16.toml: {refused}")),
        "{}",
        errs[0]
    );
    assert!(
        errs[1].contains(&format!("test.toml: {refused}")),
        "{}",
        errs[1]
    );
    assert!(errs[2].contains("big-00.toml:1: a NUL byte"), "{}", errs[2]);
}

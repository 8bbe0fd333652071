//! `wages data list | show | check` through the binary.

use crate::util::copy_dir;

use predicates::prelude::*;
use std::path::Path;

use crate::util::wages;

#[test]
fn list_shows_every_ledger_figure_with_qualifier_unit_and_source() {
    let out = wages()
        .args(["data", "list", "--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "ratio-1919,1:5,1919",
        "ratio-1922,1:8,1922",
        "ratio-1922-12,1:80,1922-12",
        "ratio-1923-06,1:40,1923-06",
        "andreev-floor,2 x the minimum",
        "vovsi-share-above-8x,13.8%,1924",
        "vovsi-count-above-8x,\"more than 80,000 persons\"",
        "vovsi-count-15-30x,\"15,400 persons\"",
        "vovsi-count-above-30x,\"about 1,500 persons\"",
        "conf12-officials,\"15,325 persons\"",
        "conf12-grades,12-17 grade",
        "conf12-supplement,50%",
        "pavlova-cell-secretary,300 rubles/month (kind not stated)",
        "pavlova-cc-member,430 rubles/month (kind not stated)",
        "pavlova-maximum,645 rubles/month (kind not stated)",
        "pavlova-multiple-of-workers,20-50 x workers' pay",
        "bromlei-anikeev,\"7,500 rubles (presumably 1922 sovznaki)\"",
        "bromlei-gurevich,\"90,000 rubles (presumably 1922 sovznaki)\"",
        "bromlei-kun,\"194,000 rubles (presumably 1922 sovznaki)\"",
        "bromlei-gurevich-multiple,at least 12 x the minimum",
        "bromlei-kun-multiple,at least 25 x the minimum",
        "pravda-special-rates,1-50% above the norm,1923-11-10",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    // Every row names its source.
    for line in text.lines().skip(1) {
        assert!(line.contains("Pirani 2006") || line.contains(','), "{line}");
    }
}

#[test]
fn show_prints_the_whole_record_and_unknown_ids_are_usage_errors() {
    wages()
        .args(["data", "show", "bromlei-anikeev"])
        .assert()
        .success()
        .stdout(predicate::str::contains("TsAODM f412 op1 d14"))
        .stdout(predicate::str::contains("grades 1-4 earning less"));
    wages()
        .args(["data", "show", "assumed-1922-g17-8x"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ASSUMPTION"));
    wages()
        .args(["data", "show", "no-such-id"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no figure, grade rule or pay scale has the id `no-such-id`",
        ));
}

#[test]
fn check_passes_on_the_shipped_data_and_fails_on_a_broken_copy() {
    let repo_data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    wages()
        .args(["data", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ok"));
    wages()
        .args(["data", "check"])
        .arg(&repo_data)
        .assert()
        .success();

    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo_data, dir.path());
    let file = dir.path().join("figures/pirani-2006.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    // Two problems: an unknown qualifier and a quoted number.
    let broken = text
        .replacen("qualifier = \"about\"", "qualifier = \"roughly\"", 1)
        .replacen("value = 15325", "value = \"15,325\"", 1);
    std::fs::write(&file, broken).unwrap();
    let out = wages()
        .args(["data", "check"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("pirani-2006.toml:")
            && err.contains("record `vovsi-count-above-30x`: qualifier = \"roughly\""),
        "{err}"
    );
    assert!(
        err.contains("record `conf12-officials`: value = \"15,325\": not a number"),
        "{err}"
    );
    assert!(err.contains("2 problems found"), "{err}");
    // The global --data flag uses the same loader.
    wages()
        .arg("--data")
        .arg(dir.path())
        .args(["data", "list"])
        .assert()
        .code(1);
}

#[test]
fn missing_dataset_directory_is_one_line_and_exit_1() {
    let out = wages()
        .args(["--data", "/nonexistent/wages-data", "data", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("/nonexistent/wages-data: cannot read: no such directory"),
        "{err}"
    );
}

#[test]
fn bad_usage_exits_2() {
    wages().args(["data", "frobnicate"]).assert().code(2);
    wages()
        .args(["data", "list", "--format", "xml"])
        .assert()
        .code(2);
}

/// The `*.csv` files of the shipped `data/tabulations/`.
fn shipped_tabulations() -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/tabulations");
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "csv")
        })
        .count()
}

#[test]
fn check_says_how_many_tabulations_it_checked() {
    let n = shipped_tabulations();
    assert!(n >= 2, "data/tabulations holds {n} tables");
    let want = format!(", {n} tabulations\n");
    wages()
        .args(["data", "check"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("the embedded dataset: ok: "))
        .stdout(predicate::str::ends_with(want.clone()));
    let repo_data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    wages()
        .args(["data", "check"])
        .arg(&repo_data)
        .assert()
        .success()
        .stdout(predicate::str::ends_with(want));
}

#[test]
fn check_lists_every_broken_tabulation_after_the_figure_problems() {
    let repo_data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo_data, dir.path());
    let figures = dir.path().join("figures/pirani-2006.toml");
    let text = std::fs::read_to_string(&figures).unwrap();
    std::fs::write(
        &figures,
        text.replacen("qualifier = \"about\"", "qualifier = \"roughly\"", 1),
    )
    .unwrap();
    let tabs = dir.path().join("tabulations");
    let vovsi = std::fs::read_to_string(tabs.join("vovsi-1924.csv")).unwrap();
    let edit = |file: &str, from: &[&str], to: &[&str]| {
        let mut t = vovsi.clone();
        for (f, r) in from.iter().zip(to) {
            assert!(t.contains(f), "{f}");
            t = t.replacen(f, r, 1);
        }
        std::fs::write(tabs.join(file), t).unwrap();
    };
    // A share of 140%, a count that is not a number, the `upper` column left out.
    edit("vovsi-1924.csv", &[",above,13.8,"], &[",above,140,"]);
    edit(
        "vovsi-not-a-number.csv",
        &[",bracket,,15400,"],
        &[",bracket,,15.4k,"],
    );
    edit(
        "vovsi-no-upper.csv",
        &[
            "lower,upper,kind",
            ",8,,above,",
            ",15,30,bracket,",
            ",30,,bracket,",
        ],
        &["lower,kind", ",8,above,", ",15,bracket,", ",30,bracket,"],
    );
    // Not a .csv: never read, as the loader ignores figures/notes.txt.
    std::fs::write(tabs.join("notes.txt"), b"\xff\x00 not a table").unwrap();

    let out = wages()
        .args(["data", "check"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 5, "{err}");
    let t = tabs.display().to_string();
    assert!(
        lines[0].contains("pirani-2006.toml:")
            && lines[0].contains("qualifier = \"roughly\": unknown word"),
        "{err}"
    );
    let share = "group \"soviet, industrial, trade, banki…ive institutions (64 characters)\", bracket [8, +inf), field `share_percent`: 140 is over 100; give the share as a percentage of the group's membership";
    let number = "group \"soviet, industrial, trade, banki…ive institutions (64 characters)\", bracket [15, 30), field `count`: `15.4k` is not a number; write a plain decimal number";
    let column = "missing column(s) upper; the header has: group, membership, lower, kind,";
    assert_eq!(
        lines[1],
        format!("wages: error: {t}/vovsi-1924.csv:8: {share}"),
        "{err}"
    );
    assert!(
        lines[2].starts_with(&format!("wages: error: {t}/vovsi-no-upper.csv:1: {column}")),
        "{err}"
    );
    assert!(
        lines[3].starts_with(&format!(
            "wages: error: {t}/vovsi-not-a-number.csv:9: {number}"
        )),
        "{err}"
    );
    assert!(lines[4].ends_with(": 4 problems found"), "{err}");

    // `wages tabulate` refuses each of these tables with exit 1 and the same message.
    for (file, line, what) in [
        ("vovsi-1924.csv", 8, share),
        ("vovsi-no-upper.csv", 1, column),
        ("vovsi-not-a-number.csv", 9, number),
    ] {
        let out = wages()
            .arg("tabulate")
            .arg(tabs.join(file))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{file}");
        let e = String::from_utf8(out.stderr).unwrap();
        assert!(
            e.contains(&format!("{t}/{file}: line {line}: {what}")),
            "{file}: {e}"
        );
    }
}

#[test]
fn check_finds_a_broken_tabulation_when_the_figures_are_good() {
    let repo_data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo_data, dir.path());
    std::fs::write(
        dir.path().join("tabulations/empty.csv"),
        "group,lower,upper,share_percent\n",
    )
    .unwrap();
    let out = wages()
        .arg("--data")
        .arg(dir.path())
        .args(["data", "check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 2, "{err}");
    assert!(err.contains("tabulations/empty.csv"), "{err}");
    assert!(err.ends_with(": 1 problem found\n"), "{err}");
}

/// A small dataset written from docs/ledger.md alone, with one planted mistake of each kind in
/// its derivations: `data check` names every one with file, line and (where it applies)
/// column, exits 1, and `report --data` stops on the same problems.
#[test]
fn check_names_every_mistake_in_a_derivations_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("figures")).unwrap();
    std::fs::create_dir_all(d.join("derivations")).unwrap();
    std::fs::write(
        d.join("figures/f.toml"),
        r#"[[figure]]
id = "total"
group = "s"
description = "A total"
value = 100
qualifier = "exact"
unit = "persons"
status = "reported"
source = "A source, p1"

[[figure]]
id = "part"
group = "s"
description = "A part"
value = 20
qualifier = "about"
unit = "persons"
status = "reported"
source = "A source, p2"

[[figure]]
id = "share"
group = "s"
description = "A share"
value = 12.5
qualifier = "exact"
unit = "percent"
status = "reported"
source = "A source, p3"
"#,
    )
    .unwrap();
    let ledger = r#"[[section]]
id = "s"
title = "S"

[[assumption]]
id = "reading"
statement = "a reading"
basis = "none"

[[derived]]
id = "syntax"
section = "s"
label = "Syntax"
formula = "{total} - ({part}"
unit = "persons"

[[derived]]
id = "typo"
section = "s"
label = "Typo"
formula = "{totl} - {part}"
unit = "persons"

[[derived]]
id = "loop-a"
section = "s"
label = "A"
formula = "{loop-b} + 1"
unit = "persons"

[[derived]]
id = "loop-b"
section = "s"
label = "B"
formula = "{loop-a} - 1"
unit = "persons"

[[derived]]
id = "clash"
section = "s"
label = "Clash"
formula = "{part} + {share}"
unit = "persons"

[[derived]]
id = "bad-assumption"
section = "s"
label = "Assumes what"
formula = "{part} * 2"
unit = "persons"
assumes = ["readng"]

[[check]]
id = "bad-section"
section = "ss"
label = "Label of {prt}"
claim = "{part} <= {total}"

[[derived]]
id = "total"
section = "s"
label = "Same id as a figure"
formula = "{part}"
unit = "persons"
"#;
    std::fs::write(d.join("derivations/l.toml"), ledger).unwrap();
    let out = wages()
        .args(["data", "check", d.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    let line_of = |needle: &str| ledger.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let expect = [
        format!("derivations/l.toml:{}:29: record `syntax`: formula = \"{{total}} - ({{part}}\": expected `)` or an operator, found the end of the formula", line_of("({part}")),
        format!("derivations/l.toml:{}:12: record `typo`: formula = \"{{totl}} - {{part}}\": `{{totl}}` names no figure, record or derived line; did you mean `{{total}}`?", line_of("{totl}")),
        "the lines depend on each other in a cycle: loop-a -> loop-b -> loop-a".to_string(),
        format!("derivations/l.toml:{}:21: record `clash`: formula = \"{{part}} + {{share}}\": `{{part}} + {{share}}` adds persons and a pure number", line_of("{part} + {share}")),
        "record `bad-assumption`: assumes = \"readng\": `readng` names no [[assumption]]; did you mean `reading`?".to_string(),
        "record `bad-section`: section = \"ss\": names no [[section]]; did you mean \"s\"?".to_string(),
        "record `bad-section`: label = \"Label of {prt}\": `{prt}` names no figure or derived line; did you mean `{part}`?".to_string(),
        "record `total`: id = \"total\": duplicate id, first used in".to_string(),
    ];
    for e in &expect {
        assert!(err.contains(e.as_str()), "missing:\n  {e}\nin:\n{err}");
    }
    assert!(err.trim_end().ends_with("8 problems found"), "{err}");
    // report --data stops on the same problems, writing nothing
    let out = wages()
        .args(["report", "--data", d.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("did you mean `{total}`?"));
}

/// `data show` of a ledger line prints its record as written (formula with ids, unit,
/// assumptions, file); the values are the report's.
#[test]
fn show_prints_a_derived_line_and_a_check_as_written() {
    let out = wages()
        .args(["data", "show", "vovsi-count-8-15x", "--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("kind,derived\n"), "{text}");
    assert!(
        text.contains(
            "formula,{vovsi-count-above-8x} - {vovsi-count-15-30x} - {vovsi-count-above-30x}\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("file,derivations/pirani-2006.toml\n"),
        "{text}"
    );
    let out = wages()
        .args([
            "data",
            "show",
            "pavlova-645-is-430-plus-50",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "check");
    assert_eq!(
        v["claim"],
        "{pavlova-maximum} == {pavlova-cc-member} × (1 + {conf12-supplement} / 100)"
    );
}

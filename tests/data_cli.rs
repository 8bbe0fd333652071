//! `wages data list | show | check` through the binary.

mod common;
use common::copy_dir;

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

fn wages() -> Command {
    Command::cargo_bin("wages").unwrap()
}

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

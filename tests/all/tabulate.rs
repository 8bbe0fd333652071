//! End-to-end tests of `wages tabulate`: extrapolation with rounding intervals, the Vovsi
//! example, a round trip through a known distribution, malformed tables, JSON read back.

use serde_json::Value;
use std::path::Path;

use crate::util::wages;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn json_of(args: &[&str]) -> Value {
    let out = wages().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// 12,000 members x 13.8% (printed with one decimal: [13.75%, 13.85%]) = 1,656, interval
/// [12,000 x 0.1375, 12,000 x 0.1385] = [1,650, 1,662]. 12,000 x 4.25% (two decimals:
/// [4.245%, 4.255%]) = 510, interval [509.4, 510.6].
#[test]
fn extrapolated_counts_carry_the_rounding_interval() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "t.csv",
        "group,membership,lower,upper,share_percent,mean\nA,12000,8,15,13.8,\nA,12000,15,,4.25,\n",
    );
    let j = json_of(&["tabulate", &file, "--format", "json"]);
    let b = &j["groups"][0]["brackets"];
    assert!((f(&b[0]["count"]["value"]) - 1656.0).abs() < 1e-9);
    assert!((f(&b[0]["count"]["lo"]) - 1650.0).abs() < 1e-9);
    assert!((f(&b[0]["count"]["hi"]) - 1662.0).abs() < 1e-9);
    assert!((f(&b[1]["count"]["value"]) - 510.0).abs() < 1e-9);
    assert!((f(&b[1]["count"]["lo"]) - 509.4).abs() < 1e-9);
    assert!((f(&b[1]["count"]["hi"]) - 510.6).abs() < 1e-9);
    // At or above 8: 13.8 + 4.25 = 18.05%, i.e. 1,656 + 510 = 2,166 people.
    let above = &j["groups"][0]["above"][0];
    assert!((f(&above["share_percent"]["value"]) - 18.05).abs() < 1e-9);
    assert!((f(&above["count"]["value"]) - 2166.0).abs() < 1e-9);
    // Only 18.05% listed: a note that the rest earns below 8, not an error.
    let checks = j["groups"][0]["checks"].as_array().unwrap();
    let sum = checks.iter().find(|c| c["check"] == "shares-sum").unwrap();
    assert_eq!(sum["status"], "note");
    assert!(sum["message"]
        .as_str()
        .unwrap()
        .contains("below the first threshold"));
}

/// `--example vovsi` reproduces Pirani's figures: 15,400 at 15-30x and about 1,500 above 30x
/// as reported; 80,000 - 15,400 - 1,500 = 63,100 at 8-15x by difference; membership
/// 80,000 / 13.8% = 579,710 (derived, labelled so).
#[test]
fn vovsi_example_reproduces_the_paper() {
    let j = json_of(&["tabulate", "--example", "vovsi", "--format", "json"]);
    let g = &j["groups"][0];
    let counts: Vec<f64> = g["brackets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| f(&b["count"]["value"]))
        .collect();
    assert_eq!(counts, vec![63100.0, 15400.0, 1500.0]);
    assert!(g["brackets"][0]["origin"]
        .as_str()
        .unwrap()
        .starts_with("derived by difference"));
    assert!((f(&g["above"][0]["count"]["value"]) - 80000.0).abs() < 1e-9);
    assert!((f(&g["membership"]["members"]["value"]) - 80000.0 / 0.138).abs() < 1e-6);
    assert!(g["membership"]["origin"]
        .as_str()
        .unwrap()
        .starts_with("derived"));
    let notes = j["input_notes"].as_array().unwrap();
    assert!(notes
        .iter()
        .any(|n| n.as_str().unwrap().contains("AGGREGATE FIGURES ONLY")));
    // No means in the paper: no generalized Pareto fit and no Gini bounds, and it says why.
    assert!(g["gini"]["lower"].is_null());
    assert_eq!(g["fits"].as_array().unwrap().len(), 1);
    // The table output states the assumption and the derivation.
    wages()
        .env("COLUMNS", "400")
        .args(["tabulate", "--example", "vovsi"])
        .assert()
        .success()
        .stdout(predicates::str::contains("derived by difference"))
        .stdout(predicates::str::contains("does not give it"));
}

/// Round trip: a deterministic sample of n = 100,000 from a Pareto law with alpha = 3 above 1
/// (x_i = (1 - (i + 0.5)/n)^(-1/3)), bracketed at 1, 2, 4, 8 with counts and bracket means,
/// fitted back through the CLI. Truth: the sample's own Gini (the population value is
/// 1/(2 alpha - 1) = 0.2), P50 = 2^(1/3) = 1.26, P90 = 10^(1/3) = 2.154, P99 = 100^(1/3) = 4.642.
/// The sample Gini must lie within the Gini bounds; the gpinter fit within 0.001 of the sample
/// Gini and within 0.5% of each quantile; the mean-split histogram's Gini within 0.005.
/// (Measured: sample Gini 0.199937, gpinter 0.199935, histogram 0.200654, bounds
/// [0.1290, 0.2365]; gpinter P50 1.25993, P90 2.15448, P99 4.64167.)
#[test]
fn round_trip_through_a_known_distribution() {
    let n = 100_000usize;
    let alpha = 3.0f64;
    let mut xs: Vec<f64> = (0..n)
        .map(|i| (1.0 - (i as f64 + 0.5) / n as f64).powf(-1.0 / alpha))
        .collect();
    xs.sort_by(|a, b| a.total_cmp(b));
    // Sample Gini: sum_i (2i - n + 1) x_(i) / (n sum x), i 0-based over sorted values.
    let total: f64 = xs.iter().sum();
    let gini_true: f64 = xs
        .iter()
        .enumerate()
        .map(|(i, x)| (2.0 * i as f64 - n as f64 + 1.0) * x)
        .sum::<f64>()
        / (n as f64 * total);
    let cuts = [1.0, 2.0, 4.0, 8.0];
    let mut csv = String::from("group,membership,lower,upper,count,mean\n");
    for (k, &lo) in cuts.iter().enumerate() {
        let hi = cuts.get(k + 1).copied();
        let inside: Vec<f64> = xs
            .iter()
            .copied()
            .filter(|&x| x >= lo && hi.is_none_or(|h| x < h))
            .collect();
        let mean = inside.iter().sum::<f64>() / inside.len() as f64;
        csv.push_str(&format!(
            "pareto3,{n},{lo},{},{},{mean}\n",
            hi.map_or(String::new(), |h| h.to_string()),
            inside.len()
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "pareto.csv", &csv);
    let j = json_of(&["tabulate", &file, "--format", "json"]);
    let g = &j["groups"][0];
    let (lo, hi) = (f(&g["gini"]["lower"]), f(&g["gini"]["upper"]));
    assert!(
        lo <= gini_true && gini_true <= hi,
        "sample Gini {gini_true} outside bounds [{lo}, {hi}]"
    );
    assert_eq!(g["gini"]["fit_method"], "generalized Pareto interpolation");
    let fit = f(&g["gini"]["fit"]);
    assert!((fit - gini_true).abs() < 0.005, "fit {fit} vs {gini_true}");
    let gp = g["fits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["method"] == "generalized Pareto interpolation")
        .unwrap();
    for (key, truth) in [
        ("p50", 2f64.powf(1.0 / 3.0)),
        ("p90", 10f64.powf(1.0 / 3.0)),
        ("p99", 100f64.powf(1.0 / 3.0)),
    ] {
        let v = f(&gp[key]);
        assert!((v / truth - 1.0).abs() < 0.005, "{key}: fit {v} vs {truth}");
    }
    let hist = g["fits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["method"] == "mean-split histogram")
        .unwrap();
    assert!((f(&hist["gini"]) - gini_true).abs() < 0.005);
    // Pareto exponents between thresholds recover alpha = 3 (counts are exact here).
    for p in g["pareto"].as_array().unwrap() {
        assert!((f(&p["alpha"]["value"]) - 3.0).abs() < 0.01, "{p}");
    }
}

/// Two groups with the same brackets get a total: memberships and counts add.
/// 1,000 x 50% + 3,000 x 20% = 500 + 600 = 1,100 people in [8, 15).
#[test]
fn total_over_groups() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "t.csv",
        "group,membership,lower,upper,share_percent\nA,1000,8,15,50\nA,1000,15,,50\nB,3000,8,15,20\nB,3000,15,,80\n",
    );
    let j = json_of(&["tabulate", &file, "--format", "json"]);
    let t = &j["total"];
    assert_eq!(f(&t["membership"]["members"]["value"]), 4000.0);
    assert!((f(&t["brackets"][0]["count"]["value"]) - 1100.0).abs() < 1e-9);
    // 1,100 / 4,000 = 27.5%.
    assert!((f(&t["brackets"][0]["share_percent"]["value"]) - 27.5).abs() < 1e-9);
}

fn rejected(text: &str, needles: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "bad.csv", text);
    let out = wages().args(["tabulate", &file]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "expected exit 1 for {text:?}");
    assert!(out.stdout.is_empty(), "no partial output");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains("bad.csv"), "{err}");
    for n in needles {
        assert!(err.contains(n), "missing {n:?} in: {err}");
    }
}

#[test]
fn malformed_tables_are_rejected_with_one_line_errors() {
    let h = "group,membership,lower,upper,share_percent,mean\n";
    // Unsorted thresholds.
    rejected(
        &format!("{h}A,100,15,30,10,\nA,100,8,15,20,\n"),
        &["line 3", "group \"A\"", "bracket [8, 15)", "sort"],
    );
    // Shares over 100% beyond rounding.
    rejected(
        &format!("{h}A,100,8,15,60.0,\nA,100,15,,45.0,\n"),
        &["group \"A\"", "over 100%"],
    );
    // Negative count.
    rejected(
        "group,membership,lower,upper,count\nA,100,8,,-5\n",
        &[
            "line 2",
            "group \"A\"",
            "bracket [8, +inf)",
            "`count`",
            "negative",
        ],
    );
    // A group without membership.
    rejected(
        &format!("{h}A,,8,,10,\n"),
        &["group \"A\"", "no membership"],
    );
    // Non-numeric, NaN, infinite.
    rejected(
        &format!("{h}A,100,8,,ten,\n"),
        &["`share_percent`", "not a number"],
    );
    rejected(&format!("{h}A,100,8,,NaN,\n"), &["not a finite number"]);
    rejected(
        &format!("{h}A,100,inf,,5,\n"),
        &["`lower`", "not a finite number"],
    );
    // Empty file, header only, missing columns (listing the ones that exist).
    rejected("", &["empty"]);
    rejected(h, &["no rows follow"]);
    rejected(
        "group,lower,share\nA,8,5\n",
        &[
            "missing column(s) upper, share_percent (or count)",
            "the header has: group, lower, share",
        ],
    );
    // Open bracket not last.
    rejected(
        &format!("{h}A,100,8,,5,\nA,100,15,30,1,\n"),
        &["bracket [15, 30)", "open top bracket"],
    );
}

#[test]
fn usage_errors_exit_2() {
    wages().args(["tabulate"]).assert().code(2);
    wages()
        .args(["tabulate", "--example", "nosuch"])
        .assert()
        .code(2);
}

#[test]
fn formats_render() {
    for fmt in ["table", "markdown", "csv"] {
        wages()
            .args(["tabulate", "--example", "illustrative", "--format", fmt])
            .assert()
            .success()
            .stdout(predicates::str::contains("Institution A (synthetic)"));
    }
    let out = wages()
        .args(["tabulate", "--example", "illustrative", "--format", "csv"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    // Header + 4 brackets x (2 groups + total).
    assert_eq!(text.lines().count(), 1 + 4 * 3);
}

/// `--chart DIR`: one PNG and one SVG per fitted group; the SVG holds one `<circle>` per
/// threshold (the chart layer draws legend swatches as polygons, so circles are data points)
/// and names the method; the PNG is a real PNG. Stdout stays pure JSON.
#[test]
fn chart_draws_the_fit_and_the_bracket_points() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("charts");
    let run = wages()
        .args([
            "tabulate",
            "--example",
            "vovsi",
            "--format",
            "json",
            "--chart",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success());
    let _: Value = serde_json::from_slice(&run.stdout).unwrap();
    let stem = "tabulate-soviet-industrial-trade-banking-and-co-operative";
    let svg = std::fs::read_to_string(out.join(format!("{stem}.svg"))).unwrap();
    assert_eq!(svg.matches("<circle").count(), 3, "thresholds 8, 15, 30");
    assert!(svg.contains("mean-split histogram"));
    let png = std::fs::read(out.join(format!("{stem}.png"))).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(png.len() > 10_000);
}

/// Standard input that never ends (`-` on /dev/zero) is read up to the 64 MiB cap and
/// refused in one line, without growing memory; a regular file over the cap is refused from
/// its size, unread (a sparse 65 MiB file).
#[test]
fn endless_or_huge_input_is_refused_at_the_cap() {
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("wages"))
        .args(["tabulate", "-"])
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("stdin: more than 64 MiB"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.csv");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(65 * 1024 * 1024)
        .unwrap();
    let out = wages().arg("tabulate").arg(&big).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("big.csv: more than 64 MiB"), "{err}");
}

/// Pipes are fair inputs: `-` and /dev/stdin on a pipe, and bash's process substitution
/// `<(cat table.csv)` (a /dev/fd/N link to an anonymous pipe) all give the same report as the
/// file. 10% of 1,000 printed with 0 decimals: count 100, interval [95, 105].
#[test]
fn pipes_and_process_substitution_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "t.csv",
        "group,membership,lower,upper,share_percent\nA,1000,8,,10\n",
    );
    let text = std::fs::read_to_string(&file).unwrap();
    let want = "A,8,,10,9.5,10.5,100,95,105";
    for arg in ["-", "/dev/stdin"] {
        let out = wages()
            .args(["tabulate", arg, "--format", "csv"])
            .write_stdin(text.clone())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains(want),
            "{arg}: {stdout}"
        );
    }
    if Path::new("/bin/bash").exists() {
        let bin = assert_cmd::cargo::cargo_bin("wages");
        let out = std::process::Command::new("/bin/bash")
            .arg("-c")
            .arg(format!(
                "'{}' tabulate <(cat '{}') --format csv",
                bin.display(),
                file
            ))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains(want),
            "<(cat): {stdout} {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A share and a count on one row must agree with the membership within their intervals:
/// 50% of 1,000 printed with 0 decimals is 1,000 x [49.5%, 50.5%] = [495, 505] people, so
/// a count of 900 contradicts it (error, exit 1, with the numbers); a count of 505 is at
/// the edge of the interval, which agrees (check `share-count-agree` ok).
#[test]
fn share_and_count_must_agree_within_their_intervals() {
    let dir = tempfile::tempdir().unwrap();
    let head = "group,membership,lower,upper,share_percent,count\n";
    let bad = write(dir.path(), "bad.csv", &format!("{head}A,1000,8,,50,900\n"));
    let out = wages().args(["tabulate", &bad]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("is 500 [495, 505] people, but the count is 900"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    let ok = write(dir.path(), "ok.csv", &format!("{head}A,1000,8,,50,505\n"));
    let j = json_of(&["tabulate", &ok, "--format", "json"]);
    let checks = j["groups"][0]["checks"].as_array().unwrap();
    let c = checks
        .iter()
        .find(|c| c["check"] == "share-count-agree")
        .unwrap();
    assert_eq!(c["status"], "ok", "{c}");
    // No membership: 100 = 10% implies 100 / [0.095, 0.105] = [952.4, 1,052.6]; then 20%
    // of that is [180.95, 221.05] (x [0.195, 0.205]), which 500 misses.
    let rows = write(
        dir.path(),
        "rows.csv",
        &format!("{head}A,,8,15,10,100\nA,,15,,20,500\n"),
    );
    let out = wages().args(["tabulate", &rows]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the membership implied by line 2"), "{err}");
}

/// Printed shares 33.4 + 33.4 + 33.3 sum to 100.1, but nobody's share is over 100%: the
/// share at or above the first threshold is [99.95, 100] (33.35 + 33.35 + 33.25 = 99.95, cut
/// at 100) and its point is kept inside it (100, not 100.1); likewise the count, 1,000 x
/// [99.95%, 100%] = [999.5, 1,000], point 1,000. Every printed point lies in its interval.
#[test]
fn every_point_lies_inside_its_interval() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "t.csv",
        "group,membership,lower,upper,share_percent\nA,1000,8,15,33.4\nA,1000,15,30,33.4\nA,1000,30,,33.3\n",
    );
    let j = json_of(&["tabulate", &file, "--format", "json"]);
    let a = &j["groups"][0]["above"][0];
    assert!((f(&a["share_percent"]["lo"]) - 99.95).abs() < 1e-9);
    assert_eq!(f(&a["share_percent"]["hi"]), 100.0);
    assert_eq!(f(&a["share_percent"]["value"]), 100.0);
    assert_eq!(f(&a["count"]["value"]), 1000.0);
    assert!((f(&a["count"]["lo"]) - 999.5).abs() < 1e-9);
    let inside = |fig: &Value| {
        let v = f(&fig["value"]);
        fig["lo"].as_f64().is_none_or(|lo| lo <= v) && fig["hi"].as_f64().is_none_or(|hi| v <= hi)
    };
    for g in j["groups"].as_array().unwrap() {
        for b in g["brackets"].as_array().unwrap() {
            assert!(inside(&b["share_percent"]) && inside(&b["count"]), "{b}");
        }
        for a in g["above"].as_array().unwrap() {
            assert!(inside(&a["share_percent"]) && inside(&a["count"]), "{a}");
        }
    }
}

/// A group name with control characters (ESC, BEL, U+0001, a line break) is drawn escaped:
/// every SVG parses as XML and holds no control character; the terminal table holds none.
#[test]
fn control_characters_never_reach_the_terminal_or_the_svg() {
    let dir = tempfile::tempdir().unwrap();
    let name = "A\u{1b}[31m\u{7}\u{1}\nB";
    let mut text = String::from("group,membership,lower,upper,share_percent\n");
    for (lo, hi, s) in [("8", "15", "10"), ("15", "30", "2"), ("30", "", "1")] {
        text.push_str(&format!("\"{name}\",1000,{lo},{hi},{s}\n"));
    }
    let file = write(dir.path(), "t.csv", &text);
    let charts = dir.path().join("charts");
    let out = wages()
        .args(["tabulate", &file, "--chart"])
        .arg(&charts)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        !stdout.chars().any(|c| c.is_control() && c != '\n'),
        "{stdout:?}"
    );
    assert!(
        stdout.contains("Group \"A\\u{1b}[31m\\u{7}\\u{1}\\nB\""),
        "{stdout}"
    );
    let mut svgs = 0;
    for e in std::fs::read_dir(&charts).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "svg") {
            let svg = std::fs::read_to_string(&p).unwrap();
            roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            assert!(svg.contains("A\\u{1b}[31m\\u{7}\\u{1}\\nB"));
            svgs += 1;
        }
    }
    assert_eq!(svgs, 1);
}

/// The `source` and `note` columns are carried into every output with the bracket of their
/// row; the bracket derived by difference carries the `above` row's (docs/tabulate.md,
/// "Sources and notes").
#[test]
fn sources_and_notes_are_carried_into_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "t.csv",
        "group,lower,upper,kind,share_percent,count,qualifier,source,note\n\
         A,8,,above,20,1000,exact,\"Vovsi, p. 97\",\n\
         A,15,30,,,300,,,as printed\n\
         A,30,,,,100,,p. 98,\n",
    );
    let j = json_of(&["tabulate", &file, "--format", "json"]);
    let b = &j["groups"][0]["brackets"];
    assert_eq!(b[0]["source"], "Vovsi, p. 97", "derived from the above row");
    assert!(b[0]["note"].is_null() && b[1]["source"].is_null());
    assert_eq!(b[1]["note"], "as printed");
    assert_eq!(b[2]["source"], "p. 98");
    let out = wages()
        .args(["tabulate", &file, "--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].ends_with(",origin,source,note"), "{}", lines[0]);
    assert!(lines[1].ends_with(",\"Vovsi, p. 97\","), "{}", lines[1]);
    assert!(lines[2].ends_with(",,as printed"), "{}", lines[2]);
    wages()
        .args(["tabulate", &file])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "  source of [8, 15): Vovsi, p. 97\n",
        ))
        .stdout(predicates::str::contains(
            "  note on [15, 30): as printed\n",
        ));
}

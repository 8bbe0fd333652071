//! `--ci` end to end: the intervals reach every output format unchanged and centred on the
//! printed figures. The variance formulas are tested in
//! `crates/analysis/src/uncertainty/tests.rs` and against R in
//! `crates/analysis/tests/uncertainty_reference.rs`; bad input in `tests/bad-input/cases-ci.toml`.

use crate::util::wages;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn design_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-input/ci-design/payroll.csv")
}

fn run(args: &[&str]) -> String {
    let out = wages().args(args).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    String::from_utf8(out.stdout).unwrap()
}

/// R: qnorm(0.975); wages' approximation is within 1.2e-9 of it.
const Z95: f64 = 1.959963984540054;

#[test]
fn analyze_intervals_are_centred_on_the_figures_in_json_and_csv() {
    let file = design_file();
    let f = file.to_str().unwrap();
    let common = [
        "analyze",
        f,
        "--weight",
        "w",
        "--strata",
        "region",
        "--cluster",
        "psu",
        "--ci",
        "95",
    ];
    let json: Value =
        serde_json::from_str(&run(&[&common[..], &["--format", "json"]].concat())).unwrap();
    let u = &json["uncertainty"];
    assert_eq!(u["method"], "linearised");
    assert_eq!(u["level"], 0.95);
    assert_eq!(u["strata_column"], "region");
    let all = u["all"].as_array().unwrap();
    assert!(all.len() >= 23, "{}", all.len());
    let mut with_interval = 0;
    for e in all {
        let key = e["statistic"].as_str().unwrap();
        let estimate = e["estimate"].as_f64();
        // The estimate is the summary's own figure (caps: their share).
        if let Some(v) = json["all"][key].as_f64() {
            assert_eq!(estimate, Some(v), "{key}");
        }
        if let (Some(x), Some(se)) = (estimate, e["se"].as_f64()) {
            with_interval += 1;
            let (lo, hi) = (e["lower"].as_f64().unwrap(), e["upper"].as_f64().unwrap());
            assert!(se >= 0.0, "{key}");
            assert!(
                (x - Z95 * se - lo).abs() <= 1e-8 * (1.0 + lo.abs()),
                "{key}"
            );
            assert!(
                (x + Z95 * se - hi).abs() <= 1e-8 * (1.0 + hi.abs()),
                "{key}"
            );
        }
    }
    assert!(with_interval >= 20, "{with_interval}");
    // CSV carries the same standard errors.
    let csv = run(&[&common[..], &["--format", "csv"]].concat());
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let gini_se: f64 = row[col("gini_se")].parse().unwrap();
    let want = all.iter().find(|e| e["statistic"] == "gini").unwrap()["se"]
        .as_f64()
        .unwrap();
    assert_eq!(gini_se, want);
    // The table names the design and says what the interval is not.
    let table = run(&common);
    assert!(table.contains("clusters \"psu\" drawn independently within strata \"region\""));
    assert!(table.contains("a complete payroll (a census) has no sampling error"));
    assert!(table.contains("Sampling uncertainty"));
}

#[test]
fn bootstrap_is_reproducible_and_says_so() {
    let file = design_file();
    let f = file.to_str().unwrap();
    let args = [
        "analyze",
        f,
        "--ci",
        "90",
        "--bootstrap",
        "200",
        "--seed",
        "7",
        "--format",
        "json",
    ];
    let a = run(&args);
    assert_eq!(a, run(&args));
    let json: Value = serde_json::from_str(&a).unwrap();
    assert_eq!(json["uncertainty"]["method"], "bootstrap");
    assert_eq!(json["uncertainty"]["replicates"], 200);
    assert_eq!(json["uncertainty"]["seed"], 7);
    let other = run(&[&args[..7], &["8", "--format", "json"]].concat());
    assert_ne!(a, other, "another seed, other replicates");
}

/// Every figure of the gap report from the sample gets an interval centred on it: the mean,
/// median, percentile and bonus gaps, the proportions paid a bonus and the band shares
/// (`lower = estimate − z·se`, shares as 0 to 1).
#[test]
fn gap_intervals_are_centred_on_the_gaps() {
    let ses =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/analysis/tests/fixtures/gap/ses.csv");
    let s = ses.to_str().unwrap();
    let out = run(&[
        "gap",
        s,
        "--pay",
        "earningsHour",
        "--by",
        "sex",
        "--weight",
        "weights",
        "--bonus",
        "earningsOvertime",
        "--ci",
        "95",
        "--format",
        "json",
    ]);
    let json: Value = serde_json::from_str(&out).unwrap();
    let centred = |what: &str, x: f64, i: &Value| {
        let se = i["se"].as_f64().unwrap_or_else(|| panic!("{what}: {i}"));
        assert!(se > 0.0, "{what}: {se}");
        let lo = i["lower"].as_f64().unwrap();
        let hi = i["upper"].as_f64().unwrap();
        assert!(
            (x - Z95 * se - lo).abs() < 1e-8 * (1.0 + lo.abs()),
            "{what}"
        );
        assert!(
            (x + Z95 * se - hi).abs() < 1e-8 * (1.0 + hi.abs()),
            "{what}"
        );
    };
    let gaps = json["gaps"].as_array().unwrap();
    let u = json["uncertainty"]["gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), u.len());
    let mut checked = 0;
    for (g, i) in gaps.iter().zip(u) {
        assert_eq!(g["group"], i["group"]);
        for key in [
            "mean_gap_pct",
            "median_gap_pct",
            "bonus_mean_gap_pct",
            "bonus_median_gap_pct",
        ] {
            centred(key, g[key].as_f64().unwrap(), &i[key]);
            checked += 1;
        }
        let levels = g["quantile_gaps_pct"].as_array().unwrap();
        assert_eq!(levels.len(), 19);
        for (x, i) in levels
            .iter()
            .zip(i["quantile_gaps_pct"].as_array().unwrap())
        {
            centred("quantile gap", x.as_f64().unwrap(), i);
            checked += 1;
        }
    }
    let groups = json["uncertainty"]["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    for (gi, i) in groups.iter().enumerate() {
        let p = &json["groups"][gi];
        assert_eq!(p["label"], i["group"]);
        centred(
            "proportion paid",
            p["bonus"]["proportion_paid"].as_f64().unwrap(),
            &i["proportion_paid"],
        );
        for (k, band) in json["quartile_bands"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
        {
            let share = band["groups"][gi]["share"].as_f64().unwrap();
            centred("band share", share, &i["band_shares"][k]);
        }
        checked += 5;
    }
    assert_eq!(checked, 23 + 10);
}

/// Within each category of workers (`--within`): intervals centred on the category's own gaps,
/// and the categories are domains of the whole table (the headline intervals are unchanged).
#[test]
fn gap_intervals_within_categories_are_centred_on_their_gaps() {
    let ses =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/analysis/tests/fixtures/gap/ses.csv");
    let s = ses.to_str().unwrap();
    let base = [
        "gap",
        s,
        "--pay",
        "earningsHour",
        "--by",
        "sex",
        "--weight",
        "weights",
        "--ci",
        "95",
        "--format",
        "json",
    ];
    let with: Value =
        serde_json::from_str(&run(&[&base[..], &["--within", "education"]].concat())).unwrap();
    let without: Value = serde_json::from_str(&run(&base)).unwrap();
    assert_eq!(
        with["uncertainty"]["gaps"], without["uncertainty"]["gaps"],
        "the headline intervals do not depend on --within"
    );
    let cats = with["uncertainty"]["categories"].as_array().unwrap();
    assert_eq!(cats.len(), with["categories"].as_array().unwrap().len());
    let mut checked = 0;
    for c in cats {
        let cat = with["categories"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["category"] == c["category"])
            .unwrap_or_else(|| panic!("{}", c["category"]));
        for (gi, i) in c["gaps"].as_array().unwrap().iter().enumerate() {
            let g = &cat["gaps"][gi];
            assert_eq!(g["group"], i["group"]);
            for key in ["mean_gap_pct", "median_gap_pct"] {
                let (Some(x), Some(se)) = (g[key].as_f64(), i[key]["se"].as_f64()) else {
                    continue;
                };
                let lo = i[key]["lower"].as_f64().unwrap();
                assert!((x - Z95 * se - lo).abs() < 1e-8 * (1.0 + lo.abs()), "{key}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 8, "{checked}");
}

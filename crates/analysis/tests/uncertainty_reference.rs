//! `--ci` against R: the linearised standard errors of every statistic under five designs
//! (iid, weighted, strata, strata and clusters, frequency weights) on laeken's `eusilc` data, from
//! an R implementation of docs/uncertainty.md's influence functions whose design variances are
//! `survey::svytotal`'s; and the Eurostat indicators against `laeken`'s own functions.
//! Reference values and the script that computed them: tests/fixtures/uncertainty/.

use std::collections::HashMap;
use std::path::PathBuf;
use wages_analysis::payroll::{analyze_with, Analysis, Options, Payroll};
use wages_analysis::uncertainty::{CiOptions, Design, Method, WeightKind};

fn fixture(file: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/uncertainty");
    std::fs::read_to_string(dir.join(file)).unwrap()
}

struct Eusilc {
    pay: Vec<f64>,
    weight: Vec<f64>,
    region: (Vec<u32>, Vec<String>),
    household: Vec<u32>,
}

fn codes(values: impl Iterator<Item = String>) -> (Vec<u32>, Vec<String>) {
    let mut index: HashMap<String, u32> = HashMap::new();
    let mut labels = Vec::new();
    let codes = values
        .map(|v| {
            *index.entry(v.clone()).or_insert_with(|| {
                labels.push(v);
                (labels.len() - 1) as u32
            })
        })
        .collect();
    (codes, labels)
}

fn eusilc() -> Eusilc {
    let text = fixture("eusilc.csv");
    let rows: Vec<Vec<String>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let num = |i: usize| rows.iter().map(|r| r[i].parse::<f64>().unwrap()).collect();
    Eusilc {
        pay: num(0),
        weight: num(1),
        region: codes(rows.iter().map(|r| r[2].clone())),
        household: codes(rows.iter().map(|r| r[3].clone())).0,
    }
}

fn run(
    data: &Eusilc,
    weights: Option<Vec<f64>>,
    kind: WeightKind,
    design: Option<&Design>,
) -> Analysis {
    let payroll = Payroll {
        pay: data.pay.clone(),
        weight: weights,
        groups: None,
        bonus: None,
        within: None,
        covariates: Vec::new(),
        rows_read: data.pay.len(),
        dropped_nonpositive: 0,
        kept_nonpositive: 0,
    };
    let options = Options {
        caps: &[5.0],
        ci: Some(CiOptions {
            level: 0.95,
            method: Method::Linearised,
            weight_kind: kind,
        }),
        design,
        ..Options::default()
    };
    analyze_with(payroll, &options).unwrap()
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

#[test]
fn linearised_standard_errors_match_r_survey() {
    let data = eusilc();
    let n = data.pay.len();
    let strata = Design::new(n, Some((&data.region.0, &data.region.1)), None).unwrap();
    let clusters = Design::new(
        n,
        Some((&data.region.0, &data.region.1)),
        Some(&data.household),
    )
    .unwrap();
    let rounded: Vec<f64> = data.weight.iter().map(|w| w.round_ties_even()).collect(); // R's round()
    let runs = [
        (
            "iid_unweighted",
            run(&data, None, WeightKind::Sampling, None),
        ),
        (
            "weighted",
            run(&data, Some(data.weight.clone()), WeightKind::Sampling, None),
        ),
        (
            "strata",
            run(
                &data,
                Some(data.weight.clone()),
                WeightKind::Sampling,
                Some(&strata),
            ),
        ),
        (
            "strata_cluster",
            run(
                &data,
                Some(data.weight.clone()),
                WeightKind::Sampling,
                Some(&clusters),
            ),
        ),
        (
            "frequency",
            run(&data, Some(rounded), WeightKind::Frequency, None),
        ),
    ];
    let reference = fixture("linearised.csv");
    let mut checked = 0;
    let mut failures = Vec::new();
    let (mut worst_estimate, mut worst_se) = (0f64, 0f64);
    for line in reference.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (design, statistic) = (f[1], f[2]);
        let (estimate, se): (f64, f64) = (f[3].parse().unwrap(), f[4].parse().unwrap());
        let a = &runs.iter().find(|(d, _)| *d == design).unwrap().1;
        let e = a
            .uncertainty
            .as_ref()
            .unwrap()
            .iter()
            .find(|e| e.statistic == statistic)
            .unwrap_or_else(|| panic!("{statistic}"));
        let got_estimate = e.estimate.unwrap();
        let got_se = e.interval.unwrap().se;
        worst_estimate = worst_estimate.max(rel(got_estimate, estimate));
        worst_se = worst_se.max(rel(got_se, se));
        if rel(got_estimate, estimate) > 1e-9 {
            failures.push(format!(
                "{design} {statistic}: estimate {got_estimate} vs R {estimate}"
            ));
        }
        if rel(got_se, se) > 1e-6 {
            failures.push(format!("{design} {statistic}: se {got_se} vs R {se}"));
        }
        checked += 1;
    }
    assert_eq!(checked, 5 * 24);
    eprintln!("largest relative difference from R: estimates {worst_estimate:.1e}, standard errors {worst_se:.1e}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn eurostat_indicators_match_laeken() {
    let data = eusilc();
    let weighted = run(&data, Some(data.weight.clone()), WeightKind::Sampling, None);
    let unweighted = run(&data, None, WeightKind::Sampling, None);
    let reference = fixture("laeken.csv");
    let mut checked = 0;
    for line in reference.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let s = if f[1] == "TRUE" {
            &weighted.all
        } else {
            &unweighted.all
        };
        let laeken: f64 = f[3].parse().unwrap();
        let got = match f[2] {
            "gini" => s.gini,
            "qsr" => s.s80_s20.unwrap(),
            "arpt" => s.poverty_threshold,
            "arpr" => s.poverty_rate,
            "rmpg" => s.poverty_gap.unwrap(),
            other => panic!("{other}"),
        };
        assert!(rel(got, laeken) < 1e-12, "{line}: wages {got}");
        checked += 1;
    }
    assert_eq!(checked, 10);
}

//! `wages_analysis::oaxaca::explain` against independent reference values in
//! `tests/fixtures/oaxaca/`: R's `lm` with the decomposition, Yun's normalisation and the
//! delta-method standard errors written out by hand (`make_reference.R`, on laeken's `ses`
//! data and a 40-row file, weighted and unweighted, default and HC1 variances), and
//! statsmodels' `OaxacaBlinder` totals (`make_statsmodels.py`, unweighted). Neither R nor
//! Python is needed to run this: it reads the committed JSON.

use serde_json::Value;
use std::path::{Path, PathBuf};
use wages_analysis::oaxaca::{
    explain, Detail, ExplainOptions, Explained, GroupFit, Outcome, Part, Reference, Variance,
};
use wages_analysis::payroll::{Covariate, CovariateValues, Groups, Payroll};

/// The tolerance: 1e-8 relative. The absolute floor is for the parts that are exactly
/// zero on both sides (the constant's endowments, interaction and explained parts).
const REL_TOL: f64 = 1e-8;
const ABS_FLOOR: f64 = 1e-14;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/oaxaca")
}

fn json(file: &str) -> Value {
    let text = std::fs::read_to_string(dir().join(file)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Splits one CSV line: fields separated by commas, a field in double quotes may hold commas
/// (the fixtures' `lengthService` labels, "(-1,0]"), `""` inside quotes is a quote.
fn split_csv(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    out.push(field);
    out
}

/// Labels sorted ascending (byte order) and each row's code.
fn groups(values: &[String]) -> Groups {
    let mut labels: Vec<String> = values.to_vec();
    labels.sort();
    labels.dedup();
    let codes = values
        .iter()
        .map(|v| labels.binary_search(v).unwrap() as u32)
        .collect();
    Groups { labels, codes }
}

/// The fixture's CSV as a payroll: pay, weights (if the fixture is weighted), the groups and
/// the covariates the fixture names, in its order.
fn payroll(fixture: &Value) -> Payroll {
    let text = std::fs::read_to_string(dir().join(fixture["file"].as_str().unwrap())).unwrap();
    let mut lines = text.lines();
    let header = split_csv(lines.next().unwrap());
    let rows: Vec<Vec<String>> = lines.map(split_csv).collect();
    let column = |name: &str| -> Vec<String> {
        let j = header.iter().position(|h| h == name).unwrap();
        rows.iter().map(|r| r[j].clone()).collect()
    };
    let numbers = |name: &str| -> Vec<f64> {
        column(name)
            .iter()
            .map(|s| s.parse::<f64>().unwrap())
            .collect()
    };
    let columns = &fixture["columns"];
    let weight = fixture["weighted"]
        .as_bool()
        .unwrap()
        .then(|| numbers(columns["weight"].as_str().unwrap()));
    let group_labels = column(columns["group"].as_str().unwrap());
    let covariates = fixture["covariates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let name = c["name"].as_str().unwrap();
            let values = match c["kind"].as_str().unwrap() {
                "numeric" => CovariateValues::Numeric(numbers(name)),
                _ => {
                    let g = groups(&column(name));
                    let levels: Vec<&str> = c["levels"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|l| l.as_str().unwrap())
                        .collect();
                    assert_eq!(g.labels, levels, "{name}: the labels R sorted");
                    CovariateValues::Categorical(g)
                }
            };
            Covariate {
                name: name.to_string(),
                values,
            }
        })
        .collect();
    let g = groups(&group_labels);
    assert_eq!(g.labels, ["female", "male"]);
    Payroll {
        pay: numbers(columns["pay"].as_str().unwrap()),
        weight,
        groups: Some(g),
        bonus: None,
        within: None,
        covariates,
        rows_read: rows.len(),
        dropped_nonpositive: 0,
        kept_nonpositive: 0,
    }
}

fn run(fixture: &Value, robust: bool) -> Explained {
    let options = ExplainOptions {
        reference: Some("male"),
        other: Some("female"),
        outcome: Outcome::Log,
        variance: Variance::Delta { robust },
    };
    explain(&payroll(fixture), &options).unwrap()
}

fn reference_name(r: Reference) -> &'static str {
    match r {
        Reference::Pooled => "pooled",
        Reference::Neumark => "neumark",
        Reference::GroupA => "group_a",
        Reference::GroupB => "group_b",
        Reference::Reimers => "reimers",
        Reference::Cotton => "cotton",
    }
}

/// Collects every comparison, so one run reports all the discrepancies at once.
struct Checker {
    compared: usize,
    failures: Vec<String>,
    worst: f64,
}

impl Checker {
    fn new() -> Checker {
        Checker {
            compared: 0,
            failures: Vec::new(),
            worst: 0.0,
        }
    }

    fn close(&mut self, what: &str, ours: f64, theirs: f64) {
        self.within(what, ours, theirs, ABS_FLOOR);
    }

    /// As `close`, with an absolute floor `floor` instead of [`ABS_FLOOR`].
    fn within(&mut self, what: &str, ours: f64, theirs: f64, floor: f64) {
        self.compared += 1;
        let scale = ours.abs().max(theirs.abs());
        let diff = (ours - theirs).abs();
        if diff > floor {
            self.worst = self.worst.max(diff / scale);
        }
        if diff.is_nan() || diff > REL_TOL * scale + floor {
            self.failures.push(format!(
                "{what}: ours {ours:.17e}, reference {theirs:.17e} (relative {:.2e})",
                diff / scale
            ));
        }
    }

    fn same<T: PartialEq + std::fmt::Debug>(&mut self, what: &str, ours: T, theirs: T) {
        self.compared += 1;
        if ours != theirs {
            self.failures
                .push(format!("{what}: ours {ours:?}, reference {theirs:?}"));
        }
    }

    /// A part: its value, its standard error (default or robust), and the 95% interval.
    fn part(&mut self, what: &str, ours: &Part, theirs: &Value, robust: bool, z: f64) {
        let value = num(&theirs["value"]);
        let se = num(&theirs[if robust { "se_robust" } else { "se_default" }]);
        self.close(&format!("{what} value"), ours.value, value);
        self.close(&format!("{what} se"), ours.se, se);
        self.close(&format!("{what} lo"), ours.lo, value - z * se);
        self.close(&format!("{what} hi"), ours.hi, value + z * se);
    }

    fn finish(self, name: &str) {
        eprintln!(
            "{name}: {} values compared, worst relative difference {:.1e} (of the differences \
             above the absolute floor)",
            self.compared, self.worst
        );
        assert!(
            self.failures.is_empty(),
            "{name}: {} of {} values differ from the reference:\n{}",
            self.failures.len(),
            self.compared,
            self.failures.join("\n")
        );
    }
}

fn check_group(c: &mut Checker, what: &str, ours: &GroupFit, theirs: &Value, robust: bool) {
    c.same(
        &format!("{what} label"),
        ours.label.as_str(),
        theirs["label"].as_str().unwrap(),
    );
    c.same(
        &format!("{what} n"),
        ours.n as u64,
        theirs["n"].as_u64().unwrap(),
    );
    c.close(
        &format!("{what} weighted_n"),
        ours.weighted_n,
        num(&theirs["weighted_n"]),
    );
    c.close(&format!("{what} mean"), ours.mean, num(&theirs["mean"]));
    c.close(
        &format!("{what} r_squared"),
        ours.r_squared,
        num(&theirs["r_squared"]),
    );
    let coefs = theirs["coefficients"].as_array().unwrap();
    c.same(
        &format!("{what} coefficients"),
        ours.coefficients.len(),
        coefs.len(),
    );
    for ((name, coef, se, mean), r) in ours.coefficients.iter().zip(coefs) {
        // The term as the Rust output names it: `(constant)`, `"x"` or `"x" = "label"`.
        let expected = match (r["covariate"].as_str(), r["category"].as_str()) {
            (None, _) => "(constant)".to_string(),
            (Some(v), None) => format!("{v:?}"),
            (Some(v), Some(l)) => format!("{v:?} = {l:?}"),
        };
        let term = r["term"].as_str().unwrap();
        c.same(
            &format!("{what} {term} name"),
            name.as_str(),
            expected.as_str(),
        );
        c.close(&format!("{what} {term} coef"), *coef, num(&r["coef"]));
        let se_ref = num(&r[if robust { "se_robust" } else { "se_default" }]);
        c.close(&format!("{what} {term} se"), *se, se_ref);
        c.close(&format!("{what} {term} mean"), *mean, num(&r["mean"]));
    }
}

fn check_detail(c: &mut Checker, ours: &Detail, theirs: &Value, robust: bool, z: f64) {
    let label = format!(
        "detailed[{} / {}]",
        theirs["variable"].as_str().unwrap_or("(constant)"),
        theirs["category"].as_str().unwrap_or("total")
    );
    c.same(
        &format!("{label} variable"),
        ours.variable.as_deref(),
        theirs["variable"].as_str(),
    );
    c.same(
        &format!("{label} category"),
        ours.category.as_deref(),
        theirs["category"].as_str(),
    );
    c.same(
        &format!("{label} base"),
        ours.base,
        theirs["base"].as_bool().unwrap(),
    );
    for (name, part) in [
        ("endowments", &ours.endowments),
        ("coefficients", &ours.coefficients),
        ("interaction", &ours.interaction),
        ("explained", &ours.explained),
        ("unexplained", &ours.unexplained),
    ] {
        c.part(&format!("{label} {name}"), part, &theirs[name], robust, z);
    }
}

/// Every value of one fixture against R, with default and with robust variances.
fn check_against_r(name: &str) {
    let fixture = r_fixture(name);
    let z = z95();
    let mut c = Checker::new();
    for robust in [false, true] {
        let mut sub = Checker::new();
        check_one(&mut sub, &fixture, robust, z);
        let tag = if robust { "robust" } else { "default" };
        c.compared += sub.compared;
        c.worst = c.worst.max(sub.worst);
        c.failures
            .extend(sub.failures.into_iter().map(|f| format!("[{tag}] {f}")));
    }
    c.finish(name);
}

/// Every value of one fixture, one variance choice.
fn check_one(c: &mut Checker, fixture: &Value, robust: bool, z: f64) {
    let e = run(fixture, robust);
    c.same("reference", e.reference, Reference::Pooled);
    c.same("dropped_missing", e.dropped_missing, 0);
    check_group(c, "group_a", &e.group_a, &fixture["group_a"], robust);
    check_group(c, "group_b", &e.group_b, &fixture["group_b"], robust);
    c.part("gap", &e.gap, &fixture["gap"], robust, z);
    let three = &fixture["threefold"];
    c.part(
        "threefold endowments",
        &e.threefold.endowments,
        &three["endowments"],
        robust,
        z,
    );
    c.part(
        "threefold coefficients",
        &e.threefold.coefficients,
        &three["coefficients"],
        robust,
        z,
    );
    c.part(
        "threefold interaction",
        &e.threefold.interaction,
        &three["interaction"],
        robust,
        z,
    );
    let twofold = fixture["twofold"].as_array().unwrap();
    c.same("twofold count", e.twofold.len(), twofold.len());
    for (ours, theirs) in e.twofold.iter().zip(twofold) {
        let r = reference_name(ours.reference);
        c.same(
            "twofold reference",
            r,
            theirs["reference"].as_str().unwrap(),
        );
        c.part(
            &format!("twofold {r} explained"),
            &ours.explained,
            &theirs["explained"],
            robust,
            z,
        );
        c.part(
            &format!("twofold {r} unexplained"),
            &ours.unexplained,
            &theirs["unexplained"],
            robust,
            z,
        );
        if ours.reference == Reference::Pooled {
            // U_A is zero in exact arithmetic with the pooled reference: with the indicator
            // (1 for group B) the pooled residuals sum to zero within each group, so
            // x̄_A'β* = ȳ_A = x̄_A'β_A. Both sides are the rounding noise of a difference of
            // two numbers near ȳ_A (about 1e-14 on ses), so its value is compared to
            // 1e-8 × |ȳ_A| absolute; its standard error is not zero and is compared as usual.
            let u = &ours.unexplained_a;
            let floor = REL_TOL * e.group_a.mean.abs();
            let value = num(&theirs["unexplained_a"]["value"]);
            let se = num(&theirs["unexplained_a"][if robust { "se_robust" } else { "se_default" }]);
            c.within(
                "twofold pooled unexplained_a value (zero)",
                u.value,
                value,
                floor,
            );
            c.within(
                "twofold pooled unexplained_a value (zero, ours)",
                u.value,
                0.0,
                floor,
            );
            c.close("twofold pooled unexplained_a se", u.se, se);
            c.within(
                "twofold pooled unexplained_a lo",
                u.lo,
                value - z * se,
                floor,
            );
            c.within(
                "twofold pooled unexplained_a hi",
                u.hi,
                value + z * se,
                floor,
            );
        } else {
            c.part(
                &format!("twofold {r} unexplained_a"),
                &ours.unexplained_a,
                &theirs["unexplained_a"],
                robust,
                z,
            );
        }
        c.part(
            &format!("twofold {r} unexplained_b"),
            &ours.unexplained_b,
            &theirs["unexplained_b"],
            robust,
            z,
        );
    }
    let detailed = fixture["detailed"].as_array().unwrap();
    c.same("detailed rows", e.detailed.len(), detailed.len());
    for (ours, theirs) in e.detailed.iter().zip(detailed) {
        check_detail(c, ours, theirs, robust, z);
    }
}

fn r_reference() -> Value {
    json("reference.json")
}

fn r_fixture(name: &str) -> Value {
    r_reference()["fixtures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no fixture {name}"))
        .clone()
}

fn z95() -> f64 {
    num(&r_reference()["z95"])
}

#[test]
fn ses_unweighted_matches_r() {
    check_against_r("ses_unweighted");
}

#[test]
fn ses_weighted_matches_r() {
    check_against_r("ses_weighted");
}

#[test]
fn small_unweighted_matches_r() {
    check_against_r("small_unweighted");
}

#[test]
fn small_weighted_matches_r() {
    check_against_r("small_weighted");
}

/// statsmodels' `OaxacaBlinder` totals (unweighted): its group "f" is our A (male), "s" our B
/// (female); its two_fold types map onto our references as `make_statsmodels.py` documents.
#[test]
fn totals_match_statsmodels() {
    let sm = json("statsmodels.json");
    for fixture in sm["fixtures"].as_array().unwrap() {
        let rf = r_fixture(fixture["r_fixture"].as_str().unwrap());
        let e = run(&rf, false);
        let mut c = Checker::new();
        c.same("n_f", e.group_a.n as u64, fixture["n_f"].as_u64().unwrap());
        c.same("n_s", e.group_b.n as u64, fixture["n_s"].as_u64().unwrap());
        c.close("gap", e.gap.value, num(&fixture["gap"]));
        let three = &fixture["three_fold"];
        c.close(
            "endowments",
            e.threefold.endowments.value,
            num(&three["endowments"]),
        );
        c.close(
            "coefficients",
            e.threefold.coefficients.value,
            num(&three["coefficients"]),
        );
        c.close(
            "interaction",
            e.threefold.interaction.value,
            num(&three["interaction"]),
        );
        for t in fixture["two_fold"].as_array().unwrap() {
            let r = t["reference"].as_str().unwrap();
            let ours = e
                .twofold
                .iter()
                .find(|x| reference_name(x.reference) == r)
                .unwrap_or_else(|| panic!("no reference {r}"));
            let kind = t["two_fold_type"].as_str().unwrap();
            c.close(
                &format!("{kind} -> {r} explained"),
                ours.explained.value,
                num(&t["explained"]),
            );
            c.close(
                &format!("{kind} -> {r} unexplained"),
                ours.unexplained.value,
                num(&t["unexplained"]),
            );
            c.close(&format!("{kind} -> {r} gap"), e.gap.value, num(&t["gap"]));
        }
        c.finish(&format!(
            "statsmodels {}",
            fixture["name"].as_str().unwrap()
        ));
    }
}

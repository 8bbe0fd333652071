//! `wages tabulate` on arbitrary text: the bracket-table parser, then the tabulation of every
//! group it accepts (counts with rounding intervals, checks, Pareto exponents, fits, Gini
//! bounds) and the total over groups. Parser and computation live in the binary crate
//! (crates/cli/cmd/tabulate/{parse,compute}.rs) and depend only on wages-analysis, csv and
//! serde, so they are included here as modules.
//!
//! Checks besides "no panic": errors name the file; accepted rows hold finite, positive
//! thresholds; reports serialize to JSON (no NaN slips into a number field unnoticed).
#![no_main]

use libfuzzer_sys::fuzz_target;

// `compute` names `super::parse`: both sit at the crate root, as in the binary's module folder.
#[allow(dead_code)]
#[path = "../../crates/cli/cmd/tabulate/compute.rs"]
mod compute;
#[allow(dead_code)]
#[path = "../../crates/cli/cmd/tabulate/parse.rs"]
mod parse;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let groups = match parse::parse("t.csv", text) {
        Ok(groups) => groups,
        Err(e) => {
            assert!(e.starts_with("t.csv: "), "{e:?}");
            return;
        }
    };
    assert!(!groups.is_empty());
    for g in &groups {
        assert!(!g.rows.is_empty());
        for r in &g.rows {
            assert!(r.lower.is_finite() && r.lower > 0.0);
            if let Some(u) = r.upper {
                assert!(u.is_finite() && u > r.lower);
            }
            let _ = r.label();
        }
    }
    let mut reports = Vec::new();
    for g in &groups {
        match compute::group_report("t.csv", g) {
            Ok(r) => {
                serde_json::to_string(&r).expect("a group report serializes");
                reports.push(r);
            }
            Err(e) => {
                assert!(e.starts_with("t.csv: "), "{e:?}");
                return;
            }
        }
    }
    if let Ok(Ok(total)) = compute::total_report("t.csv", &reports) {
        serde_json::to_string(&total).expect("the total serializes");
    }
});

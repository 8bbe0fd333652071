//! `wages tabulate` on arbitrary text: the bracket-table parser (the CLI's CSV reading, which
//! depends only on wages-analysis, csv and serde, so it is included here as a module), then
//! `wages_analysis::tabulation::tabulate` on every table it accepts (counts with rounding
//! intervals, checks, Pareto exponents, fits, Gini bounds, the total over groups).
//!
//! Checks besides "no panic": every refusal is one line; accepted rows hold finite, positive
//! thresholds; the result serializes to JSON (no NaN slips into a number field unnoticed) and
//! every figure's point lies in its interval.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../crates/cli/cmd/tabulate/parse.rs"]
mod parse;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let one_line = |e: &wages_analysis::tabulation::TableError| {
        let m = e.to_string();
        assert!(!m.is_empty() && !m.contains('\n'), "{m:?}");
    };
    let groups = match parse::parse(text) {
        Ok(groups) => groups,
        Err(e) => return one_line(&e),
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
    match wages_analysis::tabulation::tabulate(&groups) {
        Ok(t) => {
            serde_json::to_string(&t).expect("a tabulation serializes");
            for g in t.all_groups() {
                for b in &g.brackets {
                    assert!(b.count.interval().contains(b.count.value()));
                    assert!(b.share_percent.interval().contains(b.share_percent.value()));
                }
            }
        }
        Err(e) => one_line(&e),
    }
});

//! The dataset loader on arbitrary bytes: `wages_data::parse_dataset_files`.
//!
//! The input is one or more files: lines `#=== PATH` start a file at PATH (relative to the
//! dataset root, e.g. `figures/a.toml`, `grade-rules.toml`, `scales/s.toml`); bytes before the
//! first marker go to `figures/f.toml`. Seeds in fuzz/corpus/dataset/ are real data files.
//!
//! Besides "no panic", it checks the loader's contract: every problem is one line that names a
//! file of the dataset, and an accepted dataset holds only finite values. An accepted dataset's
//! ledger (`derivations/*.toml`) is then evaluated: every derived interval is ordered, never
//! NaN, and holds the point value; every outcome has the id of its line.
#![no_main]

use libfuzzer_sys::fuzz_target;

fn split(data: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut path = "figures/f.toml".to_string();
    let mut cur = Vec::new();
    for line in data.split_inclusive(|&b| b == b'\n') {
        if let Some(rest) = line.strip_prefix(b"#=== ") {
            if !cur.is_empty() || path != "figures/f.toml" {
                files.push((path, std::mem::take(&mut cur)));
            }
            // Relative, as the directory reader gives them (an absolute path would make the
            // messages name a file outside the dataset).
            path = String::from_utf8_lossy(rest)
                .trim()
                .trim_start_matches('/')
                .to_string();
        } else {
            cur.extend_from_slice(line);
        }
    }
    files.push((path, cur));
    files
}

fuzz_target!(|data: &[u8]| {
    let files = split(data);
    match wages_data::parse_dataset_files(&files) {
        Ok(d) => {
            for f in &d.figures {
                assert!(f.value.low().is_finite() && f.value.high().is_finite());
                assert!(f.value.low() <= f.value.high());
                let _ = (f.display(), f.citation());
            }
            for s in &d.scales {
                assert!(s.grades.values().all(|c| c.is_finite() && *c > 0.0));
            }
            let ev = wages_data::ledger::evaluate(&d);
            assert_eq!(ev.outcomes.len(), d.derivations.lines.len());
            for (o, l) in ev.outcomes.iter().zip(&d.derivations.lines) {
                assert_eq!(o.id(), l.id);
                if let wages_analysis::ledger::Outcome::Derived(v) = o {
                    // An Interval is ordered and never NaN by construction.
                    let (lo, hi) = (v.interval.lo(), v.interval.hi());
                    assert!(lo <= hi, "{v:?}");
                    if let Some(p) = v.point {
                        assert!(p.is_finite(), "{v:?}");
                        let slack = 1e-9 * p.abs().max(1.0);
                        assert!(lo - slack <= p && p <= hi + slack, "{v:?}");
                    }
                }
            }
        }
        Err(errors) => {
            assert!(!errors.0.is_empty());
            for e in &errors.0 {
                let text = e.to_string();
                assert!(!text.contains('\n'), "a problem spans lines: {text:?}");
                assert!(text.starts_with("data"), "{text:?}");
            }
        }
    }
});

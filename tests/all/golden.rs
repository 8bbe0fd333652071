//! Every text output of `wages` on the repository's own inputs, byte for byte as committed
//! under tests/golden/outputs/. They were written after issue 13's restructuring (libraries own
//! the computation, one output model) and are identical to the outputs of the build before it
//! (commit 8886073, compared with scripts/capture-outputs.sh), except tabulate's deliberate new
//! `source` and `note` columns: a later change that alters an output fails here. A deliberate
//! change regenerates them with `WAGES_UPDATE_GOLDEN=1 cargo test golden` and says why in its
//! commit.

use crate::util::wages;
use std::path::{Path, PathBuf};

/// (name, arguments); the output is compared with tests/golden/outputs/NAME.out.
fn cases() -> Vec<(String, Vec<String>)> {
    let mut c: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |name: String, args: &[&str]| {
        c.push((name, args.iter().map(|s| s.to_string()).collect()));
    };
    for f in ["table", "markdown", "json", "csv"] {
        add(format!("report-{f}"), &["report", "--format", f]);
        add(format!("data-list-{f}"), &["data", "list", "--format", f]);
        for (what, id) in [
            ("figure", "vovsi-count-above-8x"),
            ("rule", "conf12-salary-band"),
            ("scale", "assumed-1922-g17-8x"),
        ] {
            add(
                format!("data-show-{what}-{f}"),
                &["data", "show", id, "--format", f],
            );
        }
        for t in ["vovsi-1924", "illustrative-synthetic"] {
            let file = format!("data/tabulations/{t}.csv");
            add(
                format!("tabulate-{t}-{f}"),
                &["tabulate", &file, "--format", f],
            );
        }
    }
    add("report-brief".into(), &["report", "--brief"]);
    add(
        "report-example".into(),
        &[
            "report",
            "--data",
            "examples/pirani-appointments",
            "--format",
            "json",
        ],
    );
    add("chart-list".into(), &["chart", "--list"]);
    if cfg!(feature = "table") {
        for file in ["payroll.csv", "payroll.parquet"] {
            let path = format!("tests/fixtures/analyze/{file}");
            let b = file.replace('.', "-");
            for f in ["table", "markdown", "json", "csv"] {
                add(
                    format!("analyze-{b}-{f}"),
                    &["analyze", &path, "--format", f],
                );
                add(
                    format!("analyze-{b}-group-{f}"),
                    &["analyze", &path, "--group", "institution", "--format", f],
                );
            }
            add(
                format!("analyze-{b}-weighted"),
                &[
                    "analyze",
                    &path,
                    "--group",
                    "institution",
                    "--weight",
                    "weight",
                    "--format",
                    "json",
                ],
            );
            add(
                format!("analyze-{b}-minimum"),
                &[
                    "analyze",
                    &path,
                    "--minimum",
                    "1000",
                    "--caps",
                    "2,3.5,10",
                    "--format",
                    "json",
                ],
            );
        }
    }
    c
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/outputs")
}

#[test]
fn every_output_on_the_repositorys_inputs_is_unchanged() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var_os("WAGES_UPDATE_GOLDEN").is_some();
    let mut differ = Vec::new();
    let cases = cases();
    for (name, args) in &cases {
        let out = wages()
            .current_dir(root)
            .env_remove("COLUMNS")
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "wages {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let path = golden_dir().join(format!("{name}.out"));
        if update {
            std::fs::create_dir_all(golden_dir()).unwrap();
            std::fs::write(&path, &out.stdout).unwrap();
            continue;
        }
        let want = std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; regenerate with WAGES_UPDATE_GOLDEN=1",
                path.display()
            )
        });
        if want != out.stdout {
            differ.push(format!("{name} (wages {})", args.join(" ")));
        }
    }
    assert!(
        differ.is_empty(),
        "{} of {} outputs differ from tests/golden/outputs/:\n{}",
        differ.len(),
        cases.len(),
        differ.join("\n")
    );
}

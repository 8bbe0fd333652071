//! Every file `wages` writes appears whole or not at all (temp file in the same folder, then a
//! rename: `output::write_atomic`), and a failing run leaves nothing behind.
//!
//! Tests run as root on the CI machines, where permission bits do not stop writes, so the
//! failures here are made with paths that no user can write to: an `--out` that is a regular
//! file, an `--out` whose parent is a regular file, and a target name taken by a directory (the
//! final rename fails after the temp file was written: the temp file must go).
//! Interrupting a run is done with SIGKILL at several moments: the files under their final
//! names must still be whole. (A killed process cannot remove its temp file, so a
//! `.wages-*.tmp` may stay after SIGKILL; it never takes a final name.)

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::util::wages;

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            if e.file_type().unwrap().is_dir() {
                for f in files(&e.path()) {
                    out.push(format!("{name}/{f}"));
                }
            } else {
                out.push(name);
            }
        }
    }
    out.sort();
    out
}

fn temp_files(dir: &Path) -> Vec<String> {
    files(dir)
        .into_iter()
        .filter(|f| {
            let base = f.rsplit('/').next().unwrap();
            base.starts_with(".wages-") && base.ends_with(".tmp")
        })
        .collect()
}

/// A chart file is whole: an SVG parses as XML with an `<svg>` root, a PNG decodes completely.
fn assert_whole(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    match path.extension().and_then(|e| e.to_str()) {
        Some("svg") => {
            let text = std::str::from_utf8(&bytes).unwrap_or_else(|e| panic!("{path:?}: {e}"));
            let doc = roxmltree::Document::parse(text)
                .unwrap_or_else(|e| panic!("{path:?} is not whole XML: {e}"));
            assert_eq!(doc.root_element().tag_name().name(), "svg", "{path:?}");
        }
        Some("png") => {
            let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
            let mut reader = decoder
                .read_info()
                .unwrap_or_else(|e| panic!("{path:?}: {e}"));
            let mut buf = vec![0; reader.output_buffer_size()];
            reader
                .next_frame(&mut buf)
                .unwrap_or_else(|e| panic!("{path:?} is not a whole PNG: {e}"));
        }
        other => panic!("unexpected output file {path:?} ({other:?})"),
    }
}

#[test]
fn a_successful_chart_run_writes_whole_files_and_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("charts");
    // An old file under a target name is replaced, never appended to or left half-old.
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("bromlei.svg"), "old, not a chart").unwrap();
    wages()
        .args(["chart", "all", "--format", "both", "--out"])
        .arg(&out)
        .assert()
        .success();
    let written = files(&out);
    assert!(written.len() >= 12, "{written:?}"); // 6 charts x 2 formats
    assert!(temp_files(&out).is_empty(), "{written:?}");
    for f in &written {
        assert_whole(&out.join(f));
    }
    assert_ne!(
        std::fs::read_to_string(out.join("bromlei.svg")).unwrap(),
        "old, not a chart"
    );
}

#[test]
fn an_out_folder_that_is_a_file_fails_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("charts");
    std::fs::write(&blocker, "I am a file").unwrap();
    for out in [blocker.clone(), blocker.join("sub")] {
        let assert = wages()
            .args(["chart", "all", "--format", "both", "--out"])
            .arg(&out)
            .assert()
            .code(1);
        let o = assert.get_output();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(stderr.contains("--out"), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(o.stdout.is_empty());
        assert_eq!(files(dir.path()), vec!["charts".to_string()]);
        assert_eq!(std::fs::read_to_string(&blocker).unwrap(), "I am a file");
    }
}

#[test]
fn a_failed_rename_leaves_no_temp_file_and_no_partial_chart() {
    // The target name of one chart is taken by a (non-empty) directory: the temp file is
    // written, the rename onto the directory fails, and the temp file must be removed.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("charts");
    let taken = out.join("vovsi-tail.svg");
    std::fs::create_dir_all(taken.join("keep")).unwrap();
    let assert = wages()
        .args(["chart", "all", "--format", "svg", "--out"])
        .arg(&out)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("vovsi-tail.svg"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(temp_files(&out).is_empty(), "{:?}", files(&out));
    assert!(taken.join("keep").is_dir());
    // Whatever was written before the failure is whole.
    for f in files(&out) {
        if !f.starts_with("vovsi-tail.svg/") {
            assert_whole(&out.join(f));
        }
    }
}

#[test]
fn a_killed_chart_run_never_leaves_a_partial_file_under_a_final_name() {
    let bin: PathBuf = assert_cmd::cargo::cargo_bin("wages");
    for delay_ms in [20u64, 80, 200, 400, 800, 1500] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("charts");
        let mut child = std::process::Command::new(&bin)
            .args(["chart", "all", "--format", "both", "--width", "3000"])
            .args(["--height", "2000", "--out"])
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL: no destructor, no handler runs
        let _ = child.wait();
        for f in files(&out) {
            let base = f.rsplit('/').next().unwrap();
            if base.starts_with(".wages-") && base.ends_with(".tmp") {
                continue; // see the module doc
            }
            assert_whole(&out.join(&f));
        }
    }
}

#[test]
fn tabulate_chart_into_an_unwritable_place_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("plots");
    std::fs::write(&blocker, "a file").unwrap();
    let assert = wages()
        .args(["tabulate", "--example", "illustrative", "--chart"])
        .arg(blocker.join("sub"))
        .assert()
        .code(1);
    let o = assert.get_output();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("plots/sub"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(o.stdout.is_empty(), "a failed run printed its report");
    assert_eq!(files(dir.path()), vec!["plots".to_string()]);
}

#[test]
fn tabulate_chart_writes_whole_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plots");
    wages()
        .args([
            "tabulate",
            "--example",
            "illustrative",
            "--format",
            "json",
            "--chart",
        ])
        .arg(&out)
        .assert()
        .success();
    let written = files(&out);
    assert!(!written.is_empty());
    assert!(temp_files(&out).is_empty(), "{written:?}");
    for f in &written {
        assert_whole(&out.join(f));
    }
}

//! An interrupt (SIGINT, SIGTERM) while an output file is being written leaves no
//! `.wages-*.tmp` file and no partial output: the temp file is removed and the process ends as
//! the signal ends it.

#![cfg_attr(not(feature = "table"), allow(unused_imports))]
use std::path::Path;
use std::time::{Duration, Instant};

#[cfg(feature = "table")]
fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".wages-") && n.ends_with(".tmp"))
        .collect()
}

#[cfg(feature = "table")]
fn interrupted_write_leaves_nothing(signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("charts");
    std::fs::create_dir(&out).unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("wages"))
        .arg("analyze")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/analyze/payroll.csv"))
        .arg("--chart")
        .arg(&out)
        .env("WAGES_TEST_HOLD_TEMP_MS", "20000")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the temp file exists (the write is held open by the test hook).
    let start = Instant::now();
    while temp_files(&out).is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no temp file appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // The path is held for the handler right after the file is created.
    std::thread::sleep(Duration::from_millis(300));
    let killed = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(!status.success());
    assert_eq!(temp_files(&out), Vec::<String>::new());
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        0,
        "a file was left"
    );
}

#[cfg(feature = "table")]
#[test]
fn sigint_and_sigterm_while_writing_remove_the_temp_file() {
    interrupted_write_leaves_nothing("-INT");
    interrupted_write_leaves_nothing("-TERM");
}

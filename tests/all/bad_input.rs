//! The bad-input corpus: every case in `tests/bad-input/cases*.toml` run through the binary.
//!
//! Each case names a folder under `tests/bad-input/` holding the broken input, the command line
//! (paths relative to that folder), the expected exit code and a substring of the expected
//! error. The folder is copied to a fresh temp dir, the binary runs there, and the test checks:
//! - the exit code (1 = bad data, 2 = bad usage; never 101, the code of a panic),
//! - the stderr substring, and that stderr holds no panic message and no backtrace,
//! - that a failure prints a short message (by default at most 2 lines for exit 1, the problem
//!   and `data check`'s count line; clap's usage errors may take a few more) and nothing on stdout,
//! - that a failing run leaves the folder exactly as it was (no output file, no `.wages-*.tmp`),
//!   and a successful one creates only the files the case lists under `writes`.
//!
//! Every folder of the corpus must be used by a case, so an input cannot be silently dropped.
//! Cases marked `known_failing` document a bug in code this test does not own: they run, their
//! outcome is printed, and the test fails only if such a case starts passing (so the marker is
//! removed when the bug is fixed).

use crate::util::copy_dir;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    case: Vec<Case>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// Unique name, shown in failures.
    name: String,
    /// The folder under tests/bad-input/ (default: the name).
    dir: Option<String>,
    /// What the case is about.
    #[serde(default)]
    note: String,
    /// The command line after `wages`, run inside the copied folder.
    args: Vec<String>,
    /// The expected exit code.
    exit: i32,
    /// A substring the stderr must contain (required when `exit` is not 0).
    stderr: Option<String>,
    /// A substring stdout must contain (for accepted inputs).
    #[serde(default)]
    stdout: Vec<String>,
    /// Substrings stdout must not contain (e.g. unescaped markup).
    #[serde(default)]
    stdout_not: Vec<String>,
    /// Cargo features the case needs (`table` for analyze).
    #[serde(default)]
    requires: Vec<String>,
    /// Folders to create before running (git keeps no empty folders).
    #[serde(default)]
    mkdir: Vec<String>,
    /// Files the command writes on success (relative to the folder).
    #[serde(default)]
    writes: Vec<String>,
    /// Most stderr lines allowed.
    max_stderr_lines: Option<usize>,
    /// The bug this case shows in code owned elsewhere; see the module doc.
    known_failing: Option<String>,
    /// A file of the folder whose bytes are piped to the command's standard input.
    stdin: Option<String>,
    /// Symbolic links to create before running: `[link, target]` (target as written, e.g.
    /// `/dev/zero`); git keeps no links to devices.
    #[serde(default)]
    symlink: Vec<[String; 2]>,
    /// Named pipes (FIFOs) to create before running, with nothing ever writing to them.
    #[serde(default)]
    fifo: Vec<String>,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-input")
}

fn feature_enabled(name: &str) -> bool {
    match name {
        "table" => cfg!(feature = "table"),
        other => panic!("cases.toml: unknown feature {other:?} in `requires`"),
    }
}

/// Every file and folder under `root`, with the bytes of the files.
fn snapshot(root: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Option<Vec<u8>>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let kind = e.file_type().unwrap();
            if kind.is_dir() {
                out.insert(rel + "/", None);
                walk(root, &e.path(), out);
            } else if !kind.is_file() {
                // A link or a FIFO the case made: never followed or opened (it may be
                // /dev/zero, or block forever).
                out.insert(rel + "@", None);
            } else {
                out.insert(rel, Some(std::fs::read(e.path()).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// Runs one case; returns the problems found (empty = the case behaves as expected).
fn run_case(case: &Case) -> Vec<String> {
    let mut problems = Vec::new();
    let src = corpus_dir().join(case.dir.as_deref().unwrap_or(&case.name));
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("case");
    copy_dir(&src, &work);
    for d in &case.mkdir {
        std::fs::create_dir_all(work.join(d)).unwrap();
    }
    for [link, target] in &case.symlink {
        std::os::unix::fs::symlink(target, work.join(link)).unwrap();
    }
    for f in &case.fifo {
        let made = std::process::Command::new("mkfifo")
            .arg(work.join(f))
            .status()
            .expect("mkfifo (coreutils) is needed by the FIFO cases");
        assert!(made.success(), "mkfifo {f}");
    }
    let before = snapshot(&work);
    let mut cmd = assert_cmd::Command::cargo_bin("wages").unwrap();
    if let Some(input) = &case.stdin {
        cmd.pipe_stdin(work.join(input)).unwrap();
    }
    let out = cmd
        .args(&case.args)
        .current_dir(&work)
        .env("RUST_BACKTRACE", "1")
        .env("COLUMNS", "200")
        .env_remove("RUST_LOG")
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let code = out.status.code();
    if code != Some(case.exit) {
        problems.push(format!("exit code {code:?}, expected {}", case.exit));
    }
    if code == Some(101) || code.is_none() {
        problems.push("the binary panicked or was killed (timeout?)".into());
    }
    for bad in [
        "panicked",
        "RUST_BACKTRACE",
        "stack backtrace",
        "note: run with",
    ] {
        if stderr.contains(bad) {
            problems.push(format!("stderr contains {bad:?}"));
        }
    }
    if let Some(want) = &case.stderr {
        if !stderr.contains(want.as_str()) {
            problems.push(format!("stderr lacks {want:?}"));
        }
    } else if case.exit != 0 {
        problems.push("cases.toml: a failing case needs an `stderr` substring".into());
    }
    for want in &case.stdout {
        if !stdout.contains(want.as_str()) {
            problems.push(format!("stdout lacks {want:?}"));
        }
    }
    for unwanted in &case.stdout_not {
        if stdout.contains(unwanted.as_str()) {
            problems.push(format!("stdout contains {unwanted:?}"));
        }
    }
    let lines = stderr.lines().count();
    if case.exit != 0 {
        let max = case
            .max_stderr_lines
            .unwrap_or(if case.exit == 2 { 6 } else { 2 });
        if lines == 0 || lines > max {
            problems.push(format!("{lines} stderr lines, expected 1 to {max}"));
        }
        if case.exit == 1 && !stderr.lines().all(|l| l.starts_with("wages: error: ")) {
            problems.push("a stderr line does not start with `wages: error: `".into());
        }
        if !out.stdout.is_empty() {
            problems.push(format!(
                "a failing run printed {} bytes on stdout",
                out.stdout.len()
            ));
        }
        let after = snapshot(&work);
        if after != before {
            let b: BTreeSet<_> = before.keys().collect();
            let a: BTreeSet<_> = after.keys().collect();
            problems.push(format!(
                "a failing run changed the folder: new {:?}, gone {:?}",
                a.difference(&b).collect::<Vec<_>>(),
                b.difference(&a).collect::<Vec<_>>()
            ));
        }
    } else {
        let after = snapshot(&work);
        for (path, bytes) in &after {
            if before.contains_key(path) {
                continue;
            }
            let wanted = case
                .writes
                .iter()
                .any(|w| path == w || path.trim_end_matches('/') == w.trim_end_matches('/'))
                || case.writes.iter().any(|w| w.starts_with(path.as_str()));
            if !wanted {
                problems.push(format!("the run left an unexpected file {path}"));
            } else if bytes.as_ref().is_some_and(|b| b.is_empty()) {
                problems.push(format!("the run wrote an empty {path}"));
            }
        }
        for w in &case.writes {
            if !after.contains_key(w) {
                problems.push(format!("the run did not write {w}"));
            }
        }
    }
    if !problems.is_empty() {
        problems.push(format!(
            "command: wages {}\n      stderr: {}\n      stdout (first 300 bytes): {}",
            case.args.join(" "),
            stderr.trim_end().replace('\n', "\n              "),
            stdout.chars().take(300).collect::<String>()
        ));
    }
    problems
}

#[test]
fn every_bad_input_gets_a_clear_error_and_no_case_panics() {
    // Every `cases*.toml` at the top of the corpus (one manifest per area, so that work on
    // different commands does not edit one file), read in name order.
    let mut manifests: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.is_file()
                && p.extension().is_some_and(|x| x == "toml")
                && p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("cases"))
        })
        .collect();
    manifests.sort();
    let mut manifest = Manifest { case: Vec::new() };
    for path in &manifests {
        let text = std::fs::read_to_string(path).unwrap();
        let part: Manifest =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        manifest.case.extend(part.case);
    }

    // The manifest itself: unique names, existing folders, every folder used.
    let mut names = BTreeSet::new();
    let mut used = BTreeSet::new();
    for c in &manifest.case {
        assert!(names.insert(c.name.clone()), "duplicate case {}", c.name);
        let dir = c.dir.clone().unwrap_or_else(|| c.name.clone());
        assert!(
            corpus_dir().join(&dir).is_dir(),
            "case {}: no folder tests/bad-input/{dir}",
            c.name
        );
        used.insert(dir);
    }
    for e in std::fs::read_dir(corpus_dir()).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            let name = e.file_name().to_string_lossy().into_owned();
            assert!(
                used.contains(&name),
                "tests/bad-input/{name} is used by no case in a cases*.toml"
            );
        }
    }
    assert!(
        manifest.case.len() >= 40,
        "the corpus has {} cases",
        manifest.case.len()
    );

    let mut failures = Vec::new();
    let mut ran = 0;
    let mut skipped = Vec::new();
    let mut still_failing = 0;
    for case in &manifest.case {
        if let Some(f) = case.requires.iter().find(|f| !feature_enabled(f)) {
            skipped.push(format!("{} (needs feature {f})", case.name));
            continue;
        }
        ran += 1;
        let problems = run_case(case);
        match (&case.known_failing, problems.is_empty()) {
            (None, true) => {}
            (None, false) => failures.push(format!(
                "case {} ({}):\n    {}",
                case.name,
                case.note,
                problems.join("\n    ")
            )),
            (Some(bug), false) => {
                still_failing += 1;
                eprintln!(
                    "known failing: {}: {bug}\n    {}",
                    case.name,
                    problems.join("\n    ")
                );
            }
            (Some(bug), true) => failures.push(format!(
                "case {} is marked known_failing ({bug}) but now passes: remove the marker",
                case.name
            )),
        }
    }
    eprintln!(
        "bad-input corpus: {ran} cases run, {still_failing} known failing, {} skipped{}",
        skipped.len(),
        if skipped.is_empty() {
            String::new()
        } else {
            format!(": {}", skipped.join(", "))
        }
    );
    assert!(
        failures.is_empty(),
        "{} of {ran} cases failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

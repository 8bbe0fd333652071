//! Helpers shared by the end-to-end tests (every module of the one test binary uses them).

use assert_cmd::Command;
use std::path::Path;

/// The `wages` binary of this build.
pub fn wages() -> Command {
    Command::cargo_bin("wages").unwrap()
}

/// Copies a directory tree (a dataset or a bad-input case) into a scratch folder.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

//! The progress indicator of the payroll commands (`wages analyze`, `wages gap`): a spinner on
//! stderr for long runs.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::Path;
use std::time::Duration;

/// A spinner on stderr that appears only after a second of work, and only when stderr is a
/// terminal; silent in pipes, files and tests.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Starts timing; nothing is drawn yet.
    pub fn start(_file: &Path) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        let b = bar.clone();
        // Reveal the spinner after one second unless the work is done by then.
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(1));
            if !b.is_finished() {
                b.set_draw_target(ProgressDrawTarget::stderr());
                b.enable_steady_tick(Duration::from_millis(120));
            }
        });
        Progress { bar: Some(bar) }
    }

    /// Sets the current stage.
    pub fn say(&self, msg: String) {
        if let Some(b) = &self.bar {
            b.set_message(msg);
        }
    }

    /// Clears the spinner.
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

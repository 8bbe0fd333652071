//! The progress indicator of the payroll commands (`wages analyze`, `wages gap`): a spinner on
//! stderr for long runs, and a bar of rows read with their rate while a Parquet file is
//! streamed (`wages analyze`, issue 18).

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

    /// Shows `read` of `total` rows as a bar with the rows per second and the time left
    /// (the spinner turns into the bar at the first call).
    pub fn rows(&self, read: usize, total: usize) {
        if let Some(b) = &self.bar {
            if b.length().is_none() {
                if let Ok(style) = ProgressStyle::with_template(
                    // The bar takes what the terminal's width leaves: one line on any.
                    "{spinner} [{wide_bar}] {human_pos}/{human_len} rows ({per_sec:0}, {eta} left)",
                ) {
                    b.set_style(style.progress_chars("=> "));
                }
                b.set_length(total as u64);
            }
            b.set_position(read as u64);
        }
    }

    /// Back to the spinner for the next stage (after [`Progress::rows`]).
    pub fn spin(&self, msg: String) {
        if let Some(b) = &self.bar {
            if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
                b.set_style(style);
            }
            b.unset_length();
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

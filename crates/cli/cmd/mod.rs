//! One module per subcommand.

pub mod analyze;
pub mod chart;
pub mod data;
pub mod gap;
pub mod payroll_file;
#[cfg(feature = "table")]
pub mod progress;
pub mod report;
pub mod tabulate;

use crate::error::Result;
use std::path::PathBuf;
use wages_data::Dataset;

/// What every subcommand may need from the global options.
pub struct Context {
    /// `--data DIR`, or `None` for the embedded dataset.
    pub data_dir: Option<PathBuf>,
}

impl Context {
    /// The dataset to work on: `--data DIR` if given, else the one embedded in the binary.
    pub fn dataset(&self) -> Result<Dataset> {
        Ok(match &self.data_dir {
            Some(dir) => wages_data::load_dir(dir)?,
            None => wages_data::embedded()?,
        })
    }
}

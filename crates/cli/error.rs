//! The CLI's error type: every failure is one clear message and an exit code.

use std::process::ExitCode;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad data (a dataset, a payroll, a table): exit 1. May hold several lines, one a problem.
    #[error("{0}")]
    Data(String),
    /// Bad usage (options that cannot work together, an unknown id): exit 2.
    #[error("{0}")]
    Usage(String),
    /// Writing output failed (unwritable folder, full disk): exit 1.
    #[error("{0}")]
    Output(String),
}

impl CliError {
    pub fn data(msg: impl Into<String>) -> Self {
        CliError::Data(msg.into())
    }

    pub fn usage(msg: impl Into<String>) -> Self {
        CliError::Usage(msg.into())
    }

    /// Prints `wages: error: ...` (one line per problem) and returns the exit code.
    pub fn report(&self) -> ExitCode {
        for line in self.to_string().lines() {
            eprintln!("wages: error: {line}");
        }
        match self {
            CliError::Usage(_) => ExitCode::from(2),
            CliError::Data(_) | CliError::Output(_) => ExitCode::from(1),
        }
    }
}

impl From<wages_data::DataErrors> for CliError {
    fn from(e: wages_data::DataErrors) -> Self {
        CliError::Data(e.to_string())
    }
}

pub type Result<T> = std::result::Result<T, CliError>;

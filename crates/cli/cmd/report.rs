//! `wages report` (not built yet).

use super::Context;
use crate::error::{CliError, Result};

#[derive(clap::Args)]
pub struct ReportArgs {}

pub fn run(_ctx: &Context, _args: ReportArgs) -> Result<()> {
    Err(CliError::usage("`wages report` is not built yet"))
}

//! `wages analyze` (not built yet).

use super::Context;
use crate::error::{CliError, Result};

#[derive(clap::Args)]
pub struct AnalyzeArgs {}

pub fn run(_ctx: &Context, _args: AnalyzeArgs) -> Result<()> {
    Err(CliError::usage("`wages analyze` is not built yet"))
}

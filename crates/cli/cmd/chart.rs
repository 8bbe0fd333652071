//! `wages chart` (not built yet).

use super::Context;
use crate::error::{CliError, Result};

#[derive(clap::Args)]
pub struct ChartArgs {}

pub fn run(_ctx: &Context, _args: ChartArgs) -> Result<()> {
    Err(CliError::usage("`wages chart` is not built yet"))
}

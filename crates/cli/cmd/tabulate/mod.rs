//! `wages tabulate` (not built yet).

use super::Context;
use crate::error::{CliError, Result};

#[derive(clap::Args)]
pub struct TabulateArgs {}

pub fn run(_ctx: &Context, _args: TabulateArgs) -> Result<()> {
    Err(CliError::usage("`wages tabulate` is not built yet"))
}

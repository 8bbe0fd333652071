//! `wages chart NAME|all --format png|svg|both --out DIR [--width W --height H]` and
//! `wages chart --list`: the charts the dataset declares (`[[chart]]` records of
//! `derivations/*.toml`, docs/charts.md), drawn from its evaluated ledger.
//!
//! Every requested chart is rendered in memory first, so a data problem writes nothing; then
//! all files are written, all or nothing (temp files first, then renames; see [`write_all`]),
//! as `DIR/NAME.png` / `DIR/NAME.svg`.

use super::Context;
use crate::chart::kinds::{self, ChartError};
use crate::chart::{self, Format};
use crate::error::{CliError, Result};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    Png,
    Svg,
    Both,
}

#[derive(clap::Args)]
#[command(
    after_help = "Charts: run `wages chart --list`. Example: wages chart all --format both --out charts"
)]
pub struct ChartArgs {
    /// The chart to draw (see --list: the charts the dataset declares), or `all`.
    #[arg(value_name = "NAME", required_unless_present = "list")]
    name: Option<String>,
    /// List the charts with a one-line description, and exit.
    #[arg(long, conflicts_with = "name")]
    list: bool,
    /// File format.
    #[arg(long, value_enum, default_value = "png")]
    format: FormatArg,
    /// Folder to write NAME.png / NAME.svg into (created if missing).
    #[arg(long, value_name = "DIR", default_value = ".")]
    out: PathBuf,
    /// Width in pixels (at least 640).
    #[arg(long, value_name = "W", default_value_t = 1200)]
    width: u32,
    /// Height in pixels (at least 480).
    #[arg(long, value_name = "H", default_value_t = 800)]
    height: u32,
}

pub fn run(ctx: &Context, args: ChartArgs) -> Result<()> {
    if !args.list {
        chart::check_size(args.width, args.height).map_err(CliError::usage)?;
    }
    let ds = ctx.dataset()?;
    let ev = wages_data::ledger::evaluate(&ds);
    let declared = &ds.derivations.charts;
    if args.list {
        let mut text = String::new();
        let w = declared.iter().map(|c| c.id.len()).max().unwrap_or(0);
        for c in declared {
            text.push_str(&format!(
                "{:w$}  {}\n",
                c.id,
                kinds::description(&ds, &ev, c)
            ));
        }
        return crate::output::print(&text);
    }
    if declared.is_empty() {
        return Err(CliError::data(format!(
            "the dataset ({}) declares no charts: add [[chart]] records to derivations/*.toml (docs/charts.md)",
            crate::output::printable(&ds.origin)
        )));
    }
    let name = args.name.as_deref().unwrap_or_default();
    let charts: Vec<_> = if name == "all" {
        declared.iter().collect()
    } else {
        match declared.iter().find(|c| c.id == name) {
            Some(c) => vec![c],
            None => {
                let names: Vec<&str> = declared.iter().map(|c| c.id.as_str()).collect();
                return Err(CliError::usage(format!(
                    "no chart named `{}`; choose one of {} or `all` (see `wages chart --list`)",
                    crate::output::printable(name),
                    names.join(", ")
                )));
            }
        }
    };
    let formats: &[Format] = match args.format {
        FormatArg::Png => &[Format::Png],
        FormatArg::Svg => &[Format::Svg],
        FormatArg::Both => &[Format::Png, Format::Svg],
    };

    let mut files = Vec::new();
    for c in &charts {
        for &f in formats {
            let bytes =
                kinds::render(&ds, &ev, c, f, args.width, args.height).map_err(|e| match e {
                    ChartError::Data(m) => CliError::data(m),
                    ChartError::Draw(m) => {
                        CliError::usage(format!("chart `{}`: cannot draw: {m}", c.id))
                    }
                })?;
            files.push((args.out.join(format!("{}.{}", c.id, f.extension())), bytes));
        }
    }
    write_all(&args.out, &files)?;
    let mut report = String::new();
    for (path, _) in &files {
        report.push_str(&format!(
            "wrote {}\n",
            crate::output::printable(&path.display().to_string())
        ));
    }
    crate::output::print(&report)
}

/// Writes every file or none. First every file is written to a temp file beside its final name
/// (`.wages-*.tmp`): a full disk or an unwritable folder fails here, before any final name is
/// touched, and the temp files go away. Then each is renamed into place; should a rename fail,
/// the files this run already renamed are removed (and the output folder, if this run made it),
/// so `chart all` never leaves a partial set.
fn write_all(dir: &Path, files: &[(PathBuf, Vec<u8>)]) -> Result<()> {
    let existed = dir.is_dir();
    crate::output::ensure_dir(dir)?;
    let undo_dir = || {
        if !existed {
            let _ = std::fs::remove_dir(dir);
        }
    };
    let fail = |path: &Path, what: &str, e: std::io::Error| {
        CliError::Output(format!(
            "{}: cannot {what}: {e}; choose a writable folder with --out",
            crate::output::printable(&path.display().to_string())
        ))
    };
    let mut temps = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        match write_temp(path, bytes) {
            Ok(t) => temps.push((path, t)),
            Err((what, e)) => {
                drop(temps);
                undo_dir();
                return Err(fail(path, what, e));
            }
        }
    }
    let mut placed: Vec<&Path> = Vec::with_capacity(files.len());
    let mut temps = temps.into_iter();
    while let Some((path, tmp)) = temps.next() {
        if let Err(e) = tmp.persist(path) {
            drop(e.file);
            drop(temps);
            for p in &placed {
                let _ = std::fs::remove_file(p);
            }
            undo_dir();
            let mut err = fail(path, "rename into place", e.error);
            if let CliError::Output(m) = &mut err {
                if !placed.is_empty() {
                    m.push_str(&format!(
                        " (the {} chart file{} already written were removed again)",
                        placed.len(),
                        if placed.len() == 1 { "" } else { "s" }
                    ));
                }
            }
            return Err(err);
        }
        placed.push(path);
    }
    Ok(())
}

/// `bytes` in a temp file in `path`'s folder, readable like any other output file (0644) and
/// synced; on failure, what could not be done.
fn write_temp(
    path: &Path,
    bytes: &[u8],
) -> std::result::Result<tempfile::NamedTempFile, (&'static str, std::io::Error)> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".wages-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| ("create a file there", e))?;
    tmp.write_all(bytes).map_err(|e| ("write", e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(|e| ("set permissions on", e))?;
    }
    tmp.as_file().sync_all().map_err(|e| ("write", e))?;
    Ok(tmp)
}

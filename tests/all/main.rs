//! The end-to-end tests of the `wages` binary, as one test binary with one helper module
//! (`util`): one link instead of one per file, which is what a fresh `make test` waits on
//! with two cores. Each module is the tests of one command or one guarantee.

mod util;

// `wages analyze` needs the polars readers (the default `table` feature).
#[cfg(feature = "table")]
mod analyze;
mod atomic_output;
mod bad_input;
mod chart;
mod data_cli;
mod escaping;
// `wages gap` reads payrolls as `wages analyze` does.
#[cfg(feature = "table")]
mod ci;
mod gap;
mod golden;
mod html;
// `wages analyze --nonpositive keep|drop|error`.
#[cfg(feature = "table")]
mod nonpositive;
// A directory of files in key=value folders read as one table.
#[cfg(feature = "table")]
mod partitioned;
mod report;
// `wages analyze --count` and `--emit-sql` (a DuckDB round trip).
#[cfg(feature = "table")]
mod scale;
mod signals;
mod tabulate;

//! `wages-analysis`: the pure math core of `wages`.
//!
//! No polars, no I/O: every function takes numbers (or slices) and returns typed results, so this
//! crate builds in seconds and is tested on its own.
//!
//! - [`estimate`]: a point value and its interval, the one such type of the toolkit.
//! - [`format`]: numbers as people read them (computed, bounded, as printed by a source).
//! - [`interval`]: closed/half-open intervals from a source's qualifier and rounding, and the
//!   arithmetic that propagates them.
//! - [`inequality`]: statistics on individual (optionally weighted) pay data.
//! - [`decompose`]: inequality within and between groups, GE, Atkinson, Gini (`analyze --group`).
//! - [`oaxaca`]: the Blinder-Oaxaca decomposition of a mean gap (`wages gap --explain`).
//! - [`gap`]: pay gaps between groups as the UK and EU pay-gap rules define them (`wages gap`).
//! - [`tabulation`]: bracket tables, from their rows to counts with rounding intervals, checks,
//!   Pareto exponents and fitted distributions ([`tabulation::tabulate`], errors typed with
//!   their location).
//! - [`uncertainty`]: standard errors and intervals of the sample statistics (`--ci`):
//!   linearisation under a survey design, or the bootstrap.
//! - [`resample`]: the bootstraps' seeded random draws.
//! - [`unit`]: the one unit vocabulary, for figures and derived lines.
//! - [`ledger`]: derived lines and checks written as formulas over figures (the ledger engine).

pub mod decompose;
pub mod estimate;
pub mod format;
pub mod gap;
pub mod inequality;
pub mod interval;
pub mod ledger;
pub mod oaxaca;
pub mod payroll;
pub mod resample;
pub mod tabulation;
pub mod uncertainty;
pub mod unit;

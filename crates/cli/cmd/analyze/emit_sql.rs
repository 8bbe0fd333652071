//! `wages analyze TABLE --emit-sql ENGINE`: the one query that reduces a table of any size, where
//! it lives, to its frequency table `(group, pay, count[, weight])`, which `wages analyze
//! result.parquet --count count` finishes exactly. Reads no file. Documented in docs/scale.md.
//!
//! TABLE is written as given (a table or view name, a qualified name, or a table expression
//! such as DuckDB's `read_parquet('data/*.parquet')`); the column names are quoted as
//! identifiers of the engine. No row is filtered: null and non-positive pay reach the frequency
//! table, where `wages analyze` applies its usual policy (`--nonpositive`) to them.

use super::{AnalyzeArgs, EngineArg};
use crate::error::{CliError, Result};

/// The output column names of the frequency table (quoted in the query: `group` is reserved).
pub const GROUP: &str = "group";
/// See [`GROUP`].
pub const PAY: &str = "pay";
/// See [`GROUP`].
pub const COUNT: &str = "count";
/// See [`GROUP`].
pub const WEIGHT: &str = "weight";

/// An identifier quoted for `engine`: DuckDB `"a""b"`, Spark `` `a``b` `` (the quote character
/// doubled inside).
pub fn quote(engine: EngineArg, name: &str) -> String {
    let q = match engine {
        EngineArg::Duckdb => '"',
        EngineArg::Spark => '`',
    };
    let mut s = String::with_capacity(name.len() + 2);
    s.push(q);
    for c in name.chars() {
        if c == q {
            s.push(q);
        }
        s.push(c);
    }
    s.push(q);
    s
}

/// The query: `SELECT group, pay, COUNT(*) AS count [, SUM(weight) AS weight] FROM table GROUP
/// BY group, pay`, one line, ending with `;` and a newline.
pub fn query(
    engine: EngineArg,
    table: &str,
    pay: &str,
    group: Option<&str>,
    weight: Option<&str>,
) -> String {
    let q = |n: &str| quote(engine, n);
    let mut select = Vec::new();
    let mut keys = Vec::new();
    if let Some(g) = group {
        select.push(format!("{} AS {}", q(g), q(GROUP)));
        keys.push(q(g));
    }
    select.push(format!("{} AS {}", q(pay), q(PAY)));
    keys.push(q(pay));
    select.push(format!("COUNT(*) AS {}", q(COUNT)));
    if let Some(w) = weight {
        select.push(format!("SUM({}) AS {}", q(w), q(WEIGHT)));
    }
    format!(
        "SELECT {} FROM {table} GROUP BY {};\n",
        select.join(", "),
        keys.join(", ")
    )
}

/// Checks the options and prints the query, with the follow-up command on stderr.
pub fn run(args: &AnalyzeArgs, engine: EngineArg) -> Result<()> {
    let refused = [
        ("--count", args.count.is_some()),
        ("--ci", args.ci.is_some()),
        ("--strata", args.strata.is_some()),
        ("--cluster", args.cluster.is_some()),
        ("--weight-kind", args.weight_kind.is_some()),
        ("--chart", args.chart.is_some()),
        ("--input-format", args.input_format.is_some()),
    ];
    if let Some((option, _)) = refused.iter().find(|(_, given)| *given) {
        return Err(CliError::usage(format!(
            "--emit-sql prints a query and reads nothing: {option} belongs on the follow-up `wages analyze result.parquet --count count`"
        )));
    }
    let Some(table) = args.file.to_str() else {
        return Err(CliError::usage(
            "--emit-sql: the table name is not valid UTF-8; give the engine's table or view name",
        ));
    };
    if table.trim().is_empty() || table.chars().any(|c| c.is_control() || c == ';') {
        return Err(CliError::usage(format!(
            "--emit-sql: {table:?} is not a table name: give the engine's table or view name (or a table expression) without control characters or ';'"
        )));
    }
    let mut roles = vec![("--pay", args.pay.as_str())];
    roles.extend(args.group.iter().map(|g| ("--group", g.as_str())));
    roles.extend(args.weight.iter().map(|w| ("--weight", w.as_str())));
    super::check_distinct_columns(&roles)?;
    let sql = query(
        engine,
        table,
        &args.pay,
        args.group.as_deref(),
        args.weight.as_deref(),
    );
    crate::output::emit(&sql, args.out.as_deref())?;
    let group = if args.group.is_some() {
        format!(" --group {GROUP}")
    } else {
        String::new()
    };
    if args.weight.is_some() {
        eprintln!(
            "wages: save the result as result.parquet, then: wages analyze result.parquet --pay {PAY}{group} --weight {WEIGHT} \
             (point values exact except the corrected Gini; no --ci: summed weights lose the sum of squared weights, see docs/scale.md)"
        );
    } else {
        eprintln!(
            "wages: save the result as result.parquet, then: wages analyze result.parquet --pay {PAY}{group} --count {COUNT}"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_escapes_identifiers() {
        assert_eq!(quote(EngineArg::Duckdb, "a\"b"), "\"a\"\"b\"");
        assert_eq!(quote(EngineArg::Spark, "a`b"), "`a``b`");
        assert_eq!(quote(EngineArg::Spark, "a\"b"), "`a\"b`");
    }

    #[test]
    fn the_query() {
        assert_eq!(
            query(EngineArg::Duckdb, "t", "salary", Some("sex"), None),
            "SELECT \"sex\" AS \"group\", \"salary\" AS \"pay\", COUNT(*) AS \"count\" FROM t GROUP BY \"sex\", \"salary\";\n"
        );
        assert_eq!(
            query(EngineArg::Spark, "db.t", "pay", None, Some("w")),
            "SELECT `pay` AS `pay`, COUNT(*) AS `count`, SUM(`w`) AS `weight` FROM db.t GROUP BY `pay`;\n"
        );
    }
}

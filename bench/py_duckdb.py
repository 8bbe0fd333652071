"""`wages analyze FILE --group institution`'s core statistics in DuckDB (the scale section of
`make bench`, issue 18): for the whole table and each institution, the row count, mean,
median, smallest and largest pay and the Gini coefficient.

What a competent DuckDB user would write: one query over `read_parquet`, exact (no sketches):
the median is `quantile_cont(pay, 0.5)` (at p = 0.5 the R type 2 rule wages uses and type 7
agree: the middle value, or the mean of the two middle values), and the Gini is
`2 Σ i·x_(i) / (n Σ x) − (n + 1) / n` over the pay sorted ascending (`ineq::Gini`, wages'
uncorrected Gini), with the ranks from a window function. DuckDB spills sorts to its temporary
directory when memory runs short.
Usage: python3 py_duckdb.py FILE [TEMP_DIR]; prints JSON.
"""
import json
import sys

import duckdb

STATS = """
  count(*) AS n,
  avg(pay) AS mean,
  quantile_cont(pay, 0.5) AS p50,
  min(pay) AS min,
  max(pay) AS max,
  2 * sum(CAST(i AS DOUBLE) * pay) / (count(*) * sum(pay)) - (count(*) + 1) / count(*) AS gini
"""


def main(path, temp):
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"SET temp_directory = '{temp}'")
    src = f"read_parquet('{path}')"
    whole = con.execute(f"""
        SELECT {STATS} FROM (
          SELECT pay, row_number() OVER (ORDER BY pay) AS i FROM {src})
    """).fetchone()
    groups = con.execute(f"""
        SELECT CAST(institution AS VARCHAR) AS g, {STATS} FROM (
          SELECT institution, pay,
                 row_number() OVER (PARTITION BY institution ORDER BY pay) AS i
          FROM {src})
        GROUP BY g ORDER BY g
    """).fetchall()
    keys = ["n", "mean", "p50", "min", "max", "gini"]
    out = {
        "all": dict(zip(keys, whole)),
        "groups": [{"group": g[0], **dict(zip(keys, g[1:]))} for g in groups],
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "/tmp/duckdb_spill")

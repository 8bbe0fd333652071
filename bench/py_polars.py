"""`wages analyze FILE --group institution`, the same statistics in Python polars + numpy.

What a competent polars user would write: read only the two columns, with their types given
(pay Float64, institution Categorical, so the reader builds the group codes while parsing and no
string column is ever hashed or sorted), split the frame by group with `partition_by` (one
multi-threaded pass), then sort each group's pay once (numpy's SIMD sort, in place on the
group's own buffer) and the whole table's pay once, and compute the statistics with vectorised
numpy on the sorted arrays (bench/pystats.py, shared with the pandas script).
Usage: python3 py_polars.py FILE  (CSV or Parquet by extension); prints JSON.
"""
import json
import sys

import numpy as np
import polars as pl

from pystats import summary

CAPS = [5, 8, 15, 30]
GROUP, PAY = "institution", "pay"


def main(path):
    if path.endswith(".parquet"):
        df = pl.read_parquet(path, columns=[GROUP, PAY])
    else:
        df = pl.read_csv(path, columns=[GROUP, PAY],
                         schema_overrides={GROUP: pl.Categorical, PAY: pl.Float64})
    df = df.with_columns(pl.col(PAY).cast(pl.Float64))
    if df[GROUP].null_count():  # wages reads an empty cell as the label ""
        df = df.with_columns(pl.col(GROUP).cast(pl.String).fill_null(""))
    pay_all = np.sort(df[PAY].to_numpy())
    minimum = float(pay_all[0])
    out = {"minimum": minimum, "all": summary(pay_all, minimum, CAPS), "groups": []}
    del pay_all
    parts = df.partition_by(GROUP, as_dict=True, include_key=False)
    del df
    # Labels in byte order, as wages sorts them.
    for (label,), part in sorted(parts.items(), key=lambda kv: str(kv[0][0])):
        xs = part[PAY].to_numpy(writable=True)
        xs.sort()
        out["groups"].append({"group": str(label),
                              **summary(xs, minimum, CAPS)})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])

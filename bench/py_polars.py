"""`wages analyze FILE --group institution`, the same statistics in Python polars + numpy.

Reads the two columns once, sorts the whole table by (group, pay) once (= each group sorted
once) and the pay column once for the whole table, then numpy on zero-copy slices.
Usage: python3 py_polars.py FILE  (CSV or Parquet by extension); prints JSON.
"""
import json
import sys

import numpy as np
import polars as pl

from pystats import summary

CAPS = [5, 8, 15, 30]


def main(path):
    if path.endswith(".parquet"):
        df = pl.read_parquet(path, columns=["institution", "pay"])
    else:
        df = pl.read_csv(path, columns=["institution", "pay"],
                         schema_overrides={"institution": pl.String, "pay": pl.Float64})
    pay_all = np.sort(df["pay"].to_numpy())
    minimum = float(pay_all[0])
    out = {"minimum": minimum, "all": summary(pay_all, minimum, CAPS), "groups": []}
    del pay_all
    by = df.sort(["institution", "pay"])
    del df
    xs = by["pay"].to_numpy()
    bounds = by.group_by("institution", maintain_order=True).len()
    start = 0
    for label, n in bounds.iter_rows():
        out["groups"].append({"group": label, **summary(xs[start:start + n], minimum, CAPS)})
        start += n
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])

"""`wages analyze FILE --group institution`, the same statistics in pandas + numpy.

What a competent pandas user would write: read only the two columns with their types given
(CSV: `engine="pyarrow"` (multi-threaded), `usecols`, pay float64, institution category;
Parquet: pyarrow), take the category codes, order the rows by group with a stable radix argsort
of the small integer codes, sort each group's pay once in place (numpy's SIMD sort) and the
whole table's pay once, then vectorised numpy on the sorted arrays (bench/pystats.py).
Usage: python3 py_pandas.py FILE; prints JSON.
"""
import json
import sys

import numpy as np
import pandas as pd

from pystats import summary

CAPS = [5, 8, 15, 30]
GROUP, PAY = "institution", "pay"


def main(path):
    if path.endswith(".parquet"):
        df = pd.read_parquet(path, columns=[GROUP, PAY])
        df[GROUP] = df[GROUP].astype("category")
    else:
        df = pd.read_csv(path, usecols=[GROUP, PAY], engine="pyarrow",
                         dtype={GROUP: "category", PAY: np.float64})
    x = df[PAY].to_numpy(dtype=np.float64)
    col = df[GROUP]
    if col.isna().any():  # wages reads an empty cell as the label ""
        if "" not in col.cat.categories:
            col = col.cat.add_categories([""])
        col = col.fillna("")
    # Categories in byte order, as wages sorts its labels; codes renumbered to match.
    cat = col.cat.reorder_categories(sorted(col.cat.categories, key=str))
    codes = cat.cat.codes.to_numpy()
    labels = [str(c) for c in cat.cat.categories]
    del df, col, cat
    pay_all = np.sort(x)
    minimum = float(pay_all[0])
    out = {"minimum": minimum, "all": summary(pay_all, minimum, CAPS), "groups": []}
    del pay_all
    small = codes.astype(np.int16)  # stable argsort of 16-bit ints is a radix sort
    order = np.argsort(small, kind="stable")
    xs = x[order]
    counts = np.bincount(small, minlength=len(labels))
    del order, small
    start = 0
    for label, n in zip(labels, counts):
        g = xs[start:start + n]
        g.sort()
        out["groups"].append({"group": label, **summary(g, minimum, CAPS)})
        start += n
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])

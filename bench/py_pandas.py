"""`wages analyze FILE --group institution`, the same statistics in pandas + numpy.

Reads the two columns once (CSV: pandas' default C parser; Parquet: pyarrow), factorizes the
group, sorts once by (group, pay) with np.lexsort and the pay once for the whole table, then
numpy on slices. Usage: python3 py_pandas.py FILE; prints JSON.
"""
import json
import sys

import numpy as np
import pandas as pd

from pystats import summary

CAPS = [5, 8, 15, 30]


def main(path):
    if path.endswith(".parquet"):
        df = pd.read_parquet(path, columns=["institution", "pay"])
    else:
        df = pd.read_csv(path, usecols=["institution", "pay"],
                         dtype={"institution": str, "pay": np.float64})
    x = df["pay"].to_numpy()
    codes, labels = pd.factorize(df["institution"], sort=True)
    del df
    pay_all = np.sort(x)
    minimum = float(pay_all[0])
    out = {"minimum": minimum, "all": summary(pay_all, minimum, CAPS), "groups": []}
    del pay_all
    order = np.lexsort((x, codes))
    xs, cs = x[order], codes[order]
    del order
    counts = np.bincount(cs, minlength=len(labels))
    start = 0
    for label, n in zip(labels, counts):
        out["groups"].append({"group": label, **summary(xs[start:start + n], minimum, CAPS)})
        start += n
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])

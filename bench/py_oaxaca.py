"""The Blinder-Oaxaca decomposition of `wages gap FILE --pay pay --by sex --explain ...` with
statsmodels' `OaxacaBlinder`, as a competent pandas user writes it (the comparison program of
bench/bench_oaxaca.py).

Reads only the needed columns (CSV: pandas' multi-threaded pyarrow engine, the labels as
categories; Parquet: pyarrow, the labels read as categories from the file's dictionary), puts
each categorical column's categories in sorted order so that `pd.get_dummies(drop_first=True)`
leaves out the first sorted label (wages' base category), builds one float64 design (a constant
of our own, hence `hasconst=True`; the group indicator; the numeric columns; the indicators),
logs pay and calls

    m = OaxacaBlinder(y, X, bifurcate=BY, hasconst=True)
    m.two_fold(two_fold_type="pooled")   # pooled regression with the group indicator
    m.three_fold()

statsmodels' traps, from its source (statsmodels/stats/oaxaca.py, 0.15): the bifurcate column
must be part of `exog` (it is left out of the group regressions, kept in the pooled one, and
deleted from the pooled coefficients); the groups are `np.unique` of that column in sorted
order, and with `swap=True` (the default) they are swapped when the first has the lower mean of
y, so its "first" group is always the one with the higher mean log pay (wages' reference group A,
the higher mean pay, on this data); the design must be a single float dtype (`get_dummies`
returns bool columns by default, and `np.array` of a mixed frame is an object array); the
Neumark reference is spelled "nuemark"; no standard errors are computed unless `std=True`
(a bootstrap of 5000 refits by default), so this program computes none.

Usage: python3 py_oaxaca.py FILE [--by sex] [--pay pay] --explain c1,c2,... --categorical c7,c8
Prints JSON: the groups, the gap, the threefold and the pooled twofold parts.
"""
import argparse
import json
import warnings

import numpy as np
import pandas as pd
from statsmodels.stats.oaxaca import OaxacaBlinder


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--by", default="sex")
    ap.add_argument("--pay", default="pay")
    ap.add_argument("--explain", required=True)
    ap.add_argument("--categorical", default="")
    a = ap.parse_args()
    explain = a.explain.split(",")
    cat = [c for c in a.categorical.split(",") if c]
    num = [c for c in explain if c not in cat]
    cols = [a.pay, a.by] + explain
    if a.file.endswith(".parquet"):
        df = pd.read_parquet(a.file, columns=cols, read_dictionary=[a.by] + cat)
    else:
        df = pd.read_csv(a.file, usecols=cols, engine="pyarrow",
                         dtype={a.by: "category", **{c: "category" for c in cat},
                                a.pay: np.float64, **{c: np.float64 for c in num}})
    for c in [a.by] + cat:
        df[c] = df[c].cat.reorder_categories(sorted(df[c].cat.categories))
    labels = list(df[a.by].cat.categories)
    if len(labels) != 2:
        raise SystemExit(f"py_oaxaca: --by {a.by} has {len(labels)} groups, not 2")
    y = np.log(df[a.pay].to_numpy(dtype=np.float64))
    # The design: constant, group indicator (1 for the second sorted label), numeric columns,
    # then each categorical column's indicators without its first sorted label.
    X = pd.get_dummies(df[num + cat], columns=cat, drop_first=True, dtype=np.float64)
    X.insert(0, a.by, df[a.by].cat.codes.to_numpy().astype(np.float64))
    X.insert(0, "const", 1.0)
    del df
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        m = OaxacaBlinder(y, X, bifurcate=a.by, hasconst=True)
    del X, y
    two = m.two_fold(two_fold_type="pooled").params      # (unexplained, explained, gap)
    three = m.three_fold().params                         # (endowments, coefficients, interaction, gap)
    # m.bi: the group indicator's values, first the group with the higher mean (after the swap).
    a_label, b_label = labels[int(m.bi[0])], labels[int(m.bi[1])]
    n_first = int((m.bi_col == 0).sum())
    n = {labels[0]: n_first, labels[1]: len(m.bi_col) - n_first}
    out = {
        "group_a": {"group": a_label, "n": n[a_label]},
        "group_b": {"group": b_label, "n": n[b_label]},
        "gap": float(m.gap),
        "threefold": {"endowments": float(three[0]), "coefficients": float(three[1]),
                      "interaction": float(three[2])},
        "twofold_pooled": {"explained": float(two[1]), "unexplained": float(two[0])},
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()

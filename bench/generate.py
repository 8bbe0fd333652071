"""Deterministic synthetic payroll for the benchmark: id, institution, grade, pay.

Usage: python3 generate.py ROWS OUTDIR  -> OUTDIR/payroll_<ROWS>.csv and .parquet
Seed 20231023 (numpy PCG64). 40 institutions of uneven size (Zipf-like weights), 17 grades
(the 1922 tariff-scale count) with a base pay rising geometrically from grade 1 to 17 (ratio 8
overall, an assumption of this synthetic data, not a historical figure), pay = base x
lognormal(0, 0.35) x institution factor, rounded to 2 decimals. Rows are in random order, so
groups are interleaved (the hard case for grouping).
"""
import os
import sys

import numpy as np
import polars as pl


def main(rows, outdir):
    rng = np.random.default_rng(20231023)
    n_inst = 40
    w = 1.0 / np.arange(1, n_inst + 1) ** 0.8
    inst = rng.choice(n_inst, size=rows, p=w / w.sum())
    grade = rng.integers(1, 18, size=rows)
    base = 9000.0 * 8.0 ** ((grade - 1) / 16.0)
    factor = rng.uniform(0.8, 1.3, size=n_inst)[inst]
    pay = np.round(base * factor * rng.lognormal(0.0, 0.35, size=rows), 2)
    pay = np.maximum(pay, 0.01)
    names = np.array([f"institution_{i:02d}" for i in range(n_inst)])
    df = pl.DataFrame({
        "id": np.arange(1, rows + 1, dtype=np.int64),
        "institution": names[inst],
        "grade": grade.astype(np.int32),
        "pay": pay,
    })
    os.makedirs(outdir, exist_ok=True)
    stem = os.path.join(outdir, f"payroll_{rows}")
    df.write_csv(stem + ".csv")
    df.write_parquet(stem + ".parquet")
    print(stem + ".csv", stem + ".parquet")


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])

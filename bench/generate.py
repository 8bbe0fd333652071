"""Deterministic synthetic payrolls for the benchmark (synthetic data, no real people).

Usage: python3 generate.py ROWS OUTDIR        -> OUTDIR/payroll_<ROWS>.csv and .parquet
       python3 generate.py --gap ROWS OUTDIR  -> OUTDIR/payroll_gap_<ROWS>.csv and .parquet
       python3 generate.py --scale ROWS OUTDIR -> OUTDIR/payroll_scale_<ROWS>.parquet

The first (`wages analyze`): id, institution, grade, pay.
Seed 20231023 (numpy PCG64). 40 institutions of uneven size (Zipf-like weights), 17 grades
(the 1922 tariff-scale count) with a base pay rising geometrically from grade 1 to 17 (ratio 8
overall, an assumption of this synthetic data, not a historical figure), pay = base x
lognormal(0, 0.35) x institution factor, rounded to 2 decimals. Rows are in random order, so
groups are interleaved (the hard case for grouping).

The second (`wages gap`, issue 14; its own seed, so the first file is unchanged): id, sex,
category, pay, bonus. Seed 20240614 (numpy PCG64). 20 categories of workers ("category_01" ..
"category_20") of uneven size (weights 1/k^0.5), each with its own share of women (0.25 to
0.65, about 45 % overall) and base hourly pay (11 to 44, geometric); sex "female" or "male"
drawn within the category. pay = base x lognormal(0, 0.30) x a sex effect: women's log pay is
lower by a per-category amount drawn uniformly from [-0.02, 0.16] (so the gaps are nonzero,
differ between categories, and some are below the 5 % Article 10 threshold), rounded to 2
decimals (so many people share a pay value: the tie blocks the quartile bands split). bonus:
zero for about 60 % (women paid one with probability 0.36, men 0.43), otherwise pay x 40 x
lognormal(0, 0.8), women's x 0.85, rounded to 2 decimals and at least 0.01. These effects are
assumptions of the synthetic data, not estimates of any real payroll. Rows in random order.

The third (issue 18's scale section, 10^8 and 10^9 rows): the first file's institution and
pay columns only (one group column, one pay column), drawn the same way in blocks of 10^7 rows
(block k from numpy PCG64 seeded SeedSequence(20231023).spawn, so any size is generated in
bounded memory and a smaller file is a prefix of a larger one's blocks), written as Parquet
(zstd) with one row group per 10^6 rows. It is not the same sample as the first file.
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


def gap_main(rows, outdir):
    rng = np.random.default_rng(20240614)
    n_cat = 20
    w = 1.0 / np.arange(1, n_cat + 1) ** 0.5
    cat = rng.choice(n_cat, size=rows, p=w / w.sum())
    female_share = np.linspace(0.25, 0.65, n_cat)[rng.permutation(n_cat)]
    female = rng.random(rows) < female_share[cat]
    base = 11.0 * 4.0 ** (np.arange(n_cat) / (n_cat - 1))
    effect = rng.uniform(-0.02, 0.16, size=n_cat)
    pay = base[cat] * rng.lognormal(0.0, 0.30, size=rows) * np.exp(-effect[cat] * female)
    pay = np.maximum(np.round(pay, 2), 0.01)
    paid = rng.random(rows) < np.where(female, 0.36, 0.43)
    amount = pay * 40.0 * rng.lognormal(0.0, 0.8, size=rows) * np.where(female, 0.85, 1.0)
    bonus = np.where(paid, np.maximum(np.round(amount, 2), 0.01), 0.0)
    names = np.array([f"category_{i + 1:02d}" for i in range(n_cat)])
    df = pl.DataFrame({
        "id": np.arange(1, rows + 1, dtype=np.int64),
        "sex": np.where(female, "female", "male"),
        "category": names[cat],
        "pay": pay,
        "bonus": bonus,
    })
    os.makedirs(outdir, exist_ok=True)
    stem = os.path.join(outdir, f"payroll_gap_{rows}")
    df.write_csv(stem + ".csv")
    df.write_parquet(stem + ".parquet")
    print(stem + ".csv", stem + ".parquet")


SCALE_BLOCK = 10_000_000


def scale_main(rows, outdir):
    import pyarrow as pa
    import pyarrow.parquet as pq

    n_inst = 40
    w = 1.0 / np.arange(1, n_inst + 1) ** 0.8
    # The institution factors come from the seed itself, so every block shares them.
    factor_by_inst = np.random.default_rng(20231023).uniform(0.8, 1.3, size=n_inst)
    names = pa.array([f"institution_{i:02d}" for i in range(n_inst)])
    blocks = -(-rows // SCALE_BLOCK)
    seeds = np.random.SeedSequence(20231023).spawn(blocks)
    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, f"payroll_scale_{rows}.parquet")
    schema = pa.schema([("institution", pa.dictionary(pa.int8(), pa.string())), ("pay", pa.float64())])
    with pq.ParquetWriter(path, schema, compression="zstd") as out:
        for k in range(blocks):
            n = min(SCALE_BLOCK, rows - k * SCALE_BLOCK)
            rng = np.random.default_rng(seeds[k])
            inst = rng.choice(n_inst, size=n, p=w / w.sum())
            grade = rng.integers(1, 18, size=n)
            base = 9000.0 * 8.0 ** ((grade - 1) / 16.0)
            pay = np.round(base * factor_by_inst[inst] * rng.lognormal(0.0, 0.35, size=n), 2)
            pay = np.maximum(pay, 0.01)
            table = pa.table({
                "institution": pa.DictionaryArray.from_arrays(pa.array(inst.astype(np.int8)), names),
                "pay": pa.array(pay),
            }, schema=schema)
            out.write_table(table, row_group_size=1_000_000)
    print(path)


if __name__ == "__main__":
    if sys.argv[1] == "--scale":
        scale_main(int(sys.argv[2]), sys.argv[3])
    elif sys.argv[1] == "--gap":
        gap_main(int(sys.argv[2]), sys.argv[3])
    else:
        main(int(sys.argv[1]), sys.argv[2])

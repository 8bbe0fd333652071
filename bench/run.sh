#!/usr/bin/env bash
# `make bench`: installs the Python side, builds the release binary, runs bench/bench.py
# (`wages analyze` and `wages gap` against Python polars and pandas; 10 M rows in bench/out/,
# reused; BENCH_RUNS / BENCH_ROWS in the environment change the defaults), the Oaxaca row and
# the scale section (bench/bench_scale.py).
# Extra arguments go to bench.py (e.g. --rows 2000000 --runs 3, --only gap).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q numpy pandas polars pyarrow statsmodels duckdb
command -v hyperfine >/dev/null || { command -v apt-get >/dev/null && apt-get install -y -q hyperfine >/dev/null 2>&1 || echo "bench: hyperfine not installed; timing with a Python loop" >&2; }
[ -x /usr/bin/time ] || apt-get install -y -q time >/dev/null
cargo build --release --bin wages
python3 bench/bench.py --wages "${CARGO_TARGET_DIR:-target}/release/wages" "$@"
# The decomposition row (issue 15): `wages gap --explain` against statsmodels' OaxacaBlinder.
# BENCH_OAXACA=0 skips it (statsmodels needs about 12 GiB and a minute per run at 10 M rows).
if [ "${BENCH_OAXACA:-1}" != 0 ]; then
    python3 bench/bench_oaxaca.py --wages "${CARGO_TARGET_DIR:-target}/release/wages" \
        --rows "${BENCH_OAXACA_ROWS:-10000000}" --runs "${BENCH_RUNS:-3}"
fi
# The scale section (issue 18): 10^8 and 10^9 rows of generated Parquet (5.6 GB on disk for
# 10^9, generated once into bench/out/), wages streamed and in memory, Python polars, DuckDB.
# BENCH_SCALE=0 skips it; BENCH_SCALE_ROWS=100000000 runs the smaller size only.
if [ "${BENCH_SCALE:-1}" != 0 ]; then
    python3 bench/bench_scale.py --wages "${CARGO_TARGET_DIR:-target}/release/wages"
fi

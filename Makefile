# Thin wrappers: plain cargo keeps working. See README.md.
CARGO ?= cargo

.PHONY: report charts test lint bench fuzz

# The main job, on the embedded data. Built without polars (the `table` feature), so a fresh
# clone compiles it in about a minute.
report:
	$(CARGO) run --release --no-default-features --quiet -- report

charts:
	$(CARGO) run --release --no-default-features --quiet -- chart all --format both --out charts

test:
	$(CARGO) test --workspace --all-targets

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

# `wages analyze` on a generated 10-million-row payroll (CSV and Parquet) against Python
# polars and pandas: time ratios and peak memory (bench/README.md). Installs its Python packages.
bench:
	bench/run.sh

# Every cargo-fuzz target (fuzz/) for FUZZ_SECONDS each (default 60) from the committed seeds.
# Needs nightly; skips with a note without it. CI runs the same for 5 s per target.
fuzz:
	FUZZ_SECONDS=$${FUZZ_SECONDS:-60} fuzz/smoke.sh

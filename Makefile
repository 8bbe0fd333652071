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

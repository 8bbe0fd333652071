#!/usr/bin/env bash
# Runs every fuzz target for FUZZ_SECONDS seconds (default 5) from the committed seeds in
# fuzz/corpus/<target>/, writing new inputs to a temp folder (the checkout is not touched).
# `make fuzz` runs it for longer; CI runs it as a smoke test. Needs a nightly toolchain and
# cargo-fuzz: without nightly it prints a note and exits 0; with nightly it installs cargo-fuzz
# if missing (and skips with a note if that fails). A crash fails the run and leaves the input
# under fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-5}"
if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzz: skipped: no nightly toolchain (rustup toolchain install nightly to run it)"
    exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "fuzz: cargo-fuzz is missing; installing it"
    if ! cargo install cargo-fuzz --locked >/dev/null 2>&1; then
        echo "fuzz: skipped: could not install cargo-fuzz (cargo install cargo-fuzz)"
        exit 0
    fi
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
for target in $(cargo +nightly fuzz list); do
    # FUZZ_SKIP: targets to leave out (CI skips parquet_schema: building polars under the
    # sanitizers takes 10-25 minutes on 2 cores; `make fuzz` runs every target). Only that
    # target needs polars (cargo feature `parquet` of the fuzz crate).
    case " ${FUZZ_SKIP:-} " in *" $target "*) echo "== fuzz $target: skipped (FUZZ_SKIP)"; continue;; esac
    scratch="$(mktemp -d)"
    echo "== fuzz $target (${seconds}s)"
    status=0
    # parquet_schema: leak checks off. Each read used to leak its SIGBUS message; it is now kept
    # in one static buffer (crates/table/src/input.rs), but the target has not been run with
    # leak checks since.
    leaks=1
    features=()
    if [ "$target" = parquet_schema ]; then leaks=0; features=(--features parquet); fi
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=$leaks" \
    cargo +nightly fuzz run "${features[@]}" "$target" "$scratch" "corpus/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 \
        -detect_leaks="$leaks" >"$scratch.log" 2>&1 || status=$?
    grep -E '^(stat::number_of_executed_units|==[0-9]+== ERROR|SUMMARY|error)' "$scratch.log" || true
    if [ "$status" != 0 ]; then tail -n 30 "$scratch.log"; fi
    rm -f "$scratch.log"
    rm -rf "$scratch"
    if [ "$status" != 0 ]; then
        echo "fuzz: $target FAILED; the input is under fuzz/artifacts/$target/"
        exit 1
    fi
done

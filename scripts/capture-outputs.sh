#!/usr/bin/env bash
# Writes every output of `wages` on the repository's test and bench inputs into DIR, one file
# per command, so two builds can be compared byte for byte (`diff -r before after`). Used to
# check that restructurings change no output (issue 13). Usage:
#   scripts/capture-outputs.sh WAGES_BINARY DIR
# Needs the bench generator's Python (numpy, pyarrow) for the 200,000-row bench-like files.
set -uo pipefail
wages="$1"; out="$2"
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$out"
n=0
run() { # name, args...
    local name="$1"; shift
    "$wages" "$@" >"$out/$name.out" 2>"$out/$name.err"
    echo "exit $?" >>"$out/$name.err"
    n=$((n + 1))
}
cd "$root"
for f in table markdown json csv; do
    run "report-$f" report --format "$f"
    run "data-list-$f" data list --format "$f"
    run "data-show-figure-$f" data show vovsi-count-above-8x --format "$f"
    run "data-show-rule-$f" data show conf12-salary-band --format "$f"
    run "data-show-scale-$f" data show assumed-1922-g17-8x --format "$f"
done
run report-brief report --brief
run report-section report --section vovsi --section bromlei --format json
run report-example report --data examples/pirani-appointments --format json
run data-check data check
run chart-list chart --list
run charts chart all --format both --out "$out/charts"
run charts-example chart --data examples/pirani-appointments all --format svg --out "$out/charts-example"
for t in data/tabulations/*.csv; do
    b="$(basename "$t" .csv)"
    for f in table markdown json csv; do run "tabulate-$b-$f" tabulate "$t" --format "$f"; done
    run "tabulate-$b-charts" tabulate "$t" --chart "$out/tabulate-$b-charts"
done
fx=tests/fixtures/analyze
for file in "$fx/payroll.csv" "$fx/payroll.parquet"; do
    b="$(basename "$file" | tr . -)"
    for f in table markdown json csv; do
        run "analyze-$b-$f" analyze "$file" --format "$f"
        run "analyze-$b-group-$f" analyze "$file" --group institution --format "$f"
    done
    run "analyze-$b-weighted" analyze "$file" --group institution --weight weight --format json
    run "analyze-$b-minimum" analyze "$file" --minimum 1000 --caps 2,3.5,10 --format json
    run "analyze-$b-charts" analyze "$file" --group institution --chart "$out/analyze-$b-charts"
done
run analyze-nonpositive analyze "$fx/nonpositive.csv" --drop-nonpositive --format json
run analyze-nonpositive-refused analyze "$fx/nonpositive.csv"
bench="$out/.bench"
mkdir -p "$bench"
python3 bench/generate.py 200000 "$bench" >/dev/null || echo "bench files not generated (pip install numpy polars)"
for file in "$bench"/*.csv "$bench"/*.parquet; do
    [ -f "$file" ] || continue
    b="$(basename "$file" | tr . -)"
    run "bench-$b-json" analyze "$file" --pay pay --group institution --format json
    run "bench-$b-csv" analyze "$file" --pay pay --group institution --format csv
done
rm -rf "$bench"
echo "captured $n outputs in $out"

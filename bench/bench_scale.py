#!/usr/bin/env python3
"""The scale section of `make bench` (issue 18): `wages analyze FILE --group institution` on
generated Parquet payrolls of 10^8 and 10^9 rows (bench/generate.py --scale: one group column,
one pay column), side by side with wages' in-memory path (WAGES_READER=whole), Python polars
(bench/py_polars.py) and DuckDB (bench/py_duckdb.py), in one run: time and peak memory of each.

Usage: python3 bench/bench_scale.py --wages PATH [--rows N,N] [--dir DIR] [--runs R]
       [--limit-gib G]
(defaults: 100000000,1000000000 rows; DIR bench/out; 1 run; a program whose resident memory
passes G GiB (default 20, of this machine's 23) is stopped and reported as out of memory, before
the kernel's OOM killer would pick a process.)

Each program runs `runs` times, the programs taking turns; the median time is reported, and the
peak resident memory (the largest of the runs, sampled every 50 ms over the process tree, and
GNU time's maximum RSS when it finishes). Then the checks of docs/scale.md, on the first run's
outputs:
- every number of wages' streamed output against its in-memory output (where that finished),
  relative 1e-11 (scripts/compare_json.py);
- n, mean, median, min, max and the Gini of the whole table and each group against DuckDB's, and
  the key statistics against Python polars' (relative 1e-9);
- the whole table against a frequency-table run: `wages analyze --emit-sql duckdb` (without a
  group: the table of distinct pay values with counts), run by DuckDB into Parquet, then
  `wages analyze table.parquet --count count`: every number of "all" to relative 1e-11.
Writes the Markdown table to DIR/results_scale.md and prints it.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import compare_json  # noqa: E402


def tree_rss_kib(pid):
    """Resident memory (KiB) of `pid` and its descendants."""
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            with open(f"/proc/{p}/task/{p}/children") as f:
                stack.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            pass
    return total


def run(cmd, env, out_path, limit_kib):
    """Runs `cmd` (stdout to `out_path`) under GNU time; returns (seconds, peak MiB, status)
    where status is "ok", "out of memory" (stopped at the limit) or "failed: ...". """
    peak = [0]
    with open(out_path, "w") as out:
        t0 = time.perf_counter()
        p = subprocess.Popen(["/usr/bin/time", "-v"] + cmd, stdout=out, stderr=subprocess.PIPE,
                             text=True, env={**os.environ, **env})
        stopped = [False]

        def watch():
            while p.poll() is None:
                r = tree_rss_kib(p.pid)
                peak[0] = max(peak[0], r)
                if r > limit_kib:
                    stopped[0] = True
                    subprocess.run(["pkill", "-KILL", "-P", str(p.pid)])
                    p.kill()
                    return
                time.sleep(0.05)

        w = threading.Thread(target=watch)
        w.start()
        _, err = p.communicate()
        w.join()
        secs = time.perf_counter() - t0
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err or "")
    if m:
        peak[0] = max(peak[0], int(m.group(1)))
    if stopped[0]:
        return secs, peak[0] / 1024, "out of memory"
    if p.returncode != 0:
        lines = [ln for ln in (err or "").splitlines() if ln.strip() and "\t" not in ln]
        why = lines[-1] if lines else f"exit {p.returncode}"
        if "MemoryError" in (err or "") or "Killed" in (err or "") or "out of memory" in (err or "").lower():
            return secs, peak[0] / 1024, "out of memory"
        return secs, peak[0] / 1024, f"failed: {why[:120]}"
    return secs, peak[0] / 1024, "ok"


def close_keys(ours, theirs, keys, rel):
    """Largest relative difference of `keys` between wages' JSON and a peer's (whole table and
    groups, matched by label)."""
    worst = 0.0
    pairs = [(ours["all"], theirs["all"])]
    labels = {g["group"]: g for g in ours["groups"]}
    for g in theirs["groups"]:
        pairs.append((labels[g["group"]], g))
    for a, b in pairs:
        for k in keys:
            x, y = float(a[k]), float(b[k])
            worst = max(worst, abs(x - y) / max(abs(x), abs(y), 1e-300))
    return worst, worst <= rel


def frequency_check(wages, path, workdir, whole_json):
    """The whole table from a frequency table (distinct pay values and counts), as docs/scale.md
    describes the distributed path: the query `--emit-sql duckdb` prints, run by DuckDB."""
    import duckdb
    sql = subprocess.run([wages, "analyze", f"read_parquet('{path}')", "--emit-sql", "duckdb"],
                         capture_output=True, text=True, check=True).stdout.strip().rstrip(";")
    table = os.path.join(workdir, "frequency.parquet")
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET temp_directory = '{os.path.join(workdir, 'duckdb_spill')}'")
    t0 = time.perf_counter()
    con.execute(f"COPY ({sql}) TO '{table}' (FORMAT parquet)")
    secs = time.perf_counter() - t0
    rows = con.execute(f"SELECT count(*) FROM read_parquet('{table}')").fetchone()[0]
    out = subprocess.run([wages, "analyze", table, "--count", "count", "--format", "json"],
                         capture_output=True, text=True, check=True).stdout
    freq = json.loads(out)
    diffs, worst = [], [0.0]
    skip = {"n", "rows", "rows_read", "rows_analyzed", "file", "count_column", "weight_column",
            "weight_kind", "note"}
    compare_json.walk("all", whole_json["all"], freq["all"], 1e-11, skip, diffs, worst)
    if whole_json["all"]["n"] != freq["all"]["weighted_n"]:
        diffs.append(f"n {whole_json['all']['n']} vs {freq['all']['weighted_n']}")
    os.unlink(table)
    return rows, secs, worst[0], diffs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wages", required=True)
    ap.add_argument("--rows", default=os.environ.get("BENCH_SCALE_ROWS", "100000000,1000000000"))
    ap.add_argument("--dir", default=os.path.join(HERE, "out"))
    ap.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_SCALE_RUNS", "1")))
    ap.add_argument("--limit-gib", type=float, default=20.0)
    a = ap.parse_args()
    limit = int(a.limit_gib * 1024 * 1024)
    lines = ["## Scale (issue 18): `wages analyze FILE --group institution`, generated Parquet",
             "",
             f"Median of {a.runs} run(s) per program, programs taking turns; peak resident memory; "
             f"a program past {a.limit_gib:g} GiB is stopped (\"out of memory\").",
             "",
             "| rows | program | time | peak memory | bytes per row | status |",
             "|---|---|---|---|---|---|"]
    checks = []
    for rows in [int(r) for r in a.rows.split(",") if r]:
        path = os.path.join(a.dir, f"payroll_scale_{rows}.parquet")
        if not os.path.exists(path):
            subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), "--scale",
                            str(rows), a.dir], check=True)
        work = tempfile.mkdtemp(prefix="scale_", dir=a.dir)
        spill = os.path.join(work, "duckdb_spill")
        progs = [
            ("wages (streamed)", {}, [a.wages, "analyze", path, "--group", "institution",
                                      "--format", "json"]),
            ("wages (in memory)", {"WAGES_READER": "whole"},
             [a.wages, "analyze", path, "--group", "institution", "--format", "json"]),
            ("Python polars", {}, [sys.executable, os.path.join(HERE, "py_polars.py"), path]),
            ("DuckDB", {}, [sys.executable, os.path.join(HERE, "py_duckdb.py"), path, spill]),
        ]
        results = {name: [] for name, _, _ in progs}
        for r in range(a.runs):
            for name, env, cmd in progs:
                if results[name] and results[name][-1][2] != "ok":
                    continue  # out of memory once: not again
                out = os.path.join(work, f"{re.sub(r'[^a-z]+', '_', name.lower())}.json")
                print(f"bench_scale: {rows} rows: {name}, run {r + 1}", file=sys.stderr, flush=True)
                results[name].append(run(cmd, env, out if r == 0 else os.devnull, limit))
        outs = {}
        for name, _, _ in progs:
            res = results[name]
            status = res[-1][2]
            peak = max(x[1] for x in res)
            t = statistics.median(x[0] for x in res if x[2] == "ok") if status == "ok" else res[-1][0]
            shown = f"{t:.1f} s" if status == "ok" else f"({t:.0f} s)"
            lines.append(f"| {rows:,} | {name} | {shown} | {peak / 1024:.2f} GiB | "
                         f"{peak * 1024 * 1024 / rows:.1f} | {status} |")
            if status == "ok":
                with open(os.path.join(work, f"{re.sub(r'[^a-z]+', '_', name.lower())}.json")) as f:
                    outs[name] = json.load(f)
        ours = outs.get("wages (streamed)")
        if ours is None:
            checks.append(f"- {rows:,} rows: wages (streamed) did not finish")
            continue
        if "wages (in memory)" in outs:
            diffs, worst = [], [0.0]
            compare_json.walk("", ours, outs["wages (in memory)"], 1e-11, {"file"}, diffs, worst)
            checks.append(f"- {rows:,} rows, streamed vs in memory, every number: largest relative "
                          f"difference {worst[0]:.1e} ({'ok' if not diffs else 'DIFFERS: ' + '; '.join(diffs[:3])})")
        if "DuckDB" in outs:
            w, ok = close_keys(ours, outs["DuckDB"], ["n", "mean", "p50", "min", "max", "gini"], 1e-9)
            checks.append(f"- {rows:,} rows, vs DuckDB (n, mean, median, min, max, Gini; whole "
                          f"table and 40 groups): largest relative difference {w:.1e} ({'ok' if ok else 'DIFFERS'})")
        if "Python polars" in outs:
            keys = ["p10", "p50", "p90", "mean", "gini", "theil_t", "mld", "atkinson_2", "top1_share", "palma"]
            w, ok = close_keys(ours, outs["Python polars"], keys, 1e-9)
            checks.append(f"- {rows:,} rows, vs Python polars ({', '.join(keys)}): largest relative "
                          f"difference {w:.1e} ({'ok' if ok else 'DIFFERS'})")
        n, secs, worst, diffs = frequency_check(a.wages, path, work, ours)
        checks.append(f"- {rows:,} rows, whole table vs its frequency table ({n:,} distinct pay "
                      f"values with counts, DuckDB {secs:.0f} s, then `--count count`), every number: "
                      f"largest relative difference {worst:.1e} ({'ok' if not diffs else 'DIFFERS: ' + '; '.join(diffs[:3])})")
        subprocess.run(["rm", "-rf", work])
    lines += ["", "Checks:", ""] + checks
    text = "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(a.dir, "results_scale.md"), "w") as f:
        f.write(text)
    if any("DIFFERS" in c for c in checks):
        sys.exit("bench_scale: a check failed (above)")


if __name__ == "__main__":
    main()

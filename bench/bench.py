#!/usr/bin/env python3
"""`make bench`: wages analyze and wages gap vs Python polars vs pandas on 10-million-row payrolls.

Usage: python3 bench/bench.py [--rows N] [--dir DIR] [--wages PATH] [--runs N] [--only analyze|gap]
(defaults: 10,000,000 rows, DIR bench/out (git-ignored), 5 runs, both commands; the environment
variables BENCH_ROWS and BENCH_RUNS change the defaults, for `make bench`).
Generates (deterministic seeds, bench/generate.py) DIR/payroll_N.csv and .parquet and, for
`wages gap`, DIR/payroll_gap_N.csv and .parquet if missing, checks that the three programs agree
on the figures, times them side by side (hyperfine if installed, else a perf_counter loop) and
measures peak memory with /usr/bin/time -v. Prints a Markdown table per command with the load
average seen during the run and whether each target of issue 5 (analyze) and issue 14 (gap) is
met (2x Python polars, 3x pandas, peak memory below Python polars' (analyze) and below both
(gap)), and writes it to DIR/results.md.
"""
import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} CPUs ({cpu}){mem}, {platform.system()} {platform.release()}"


def split_env(cmd):
    """`cmd` may start with VAR=value words (e.g. WAGES_CSV_READER=general): (env additions, argv)."""
    env = {}
    while cmd and re.match(r"^[A-Z_]+=", cmd[0]):
        k, v = cmd[0].split("=", 1)
        env[k] = v
        cmd = cmd[1:]
    return env, cmd


def peak_rss_mb(cmd):
    """Peak resident memory of `cmd` (MiB) from GNU time, and its stderr."""
    extra, cmd = split_env(cmd)
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True,
                       env={**os.environ, "WAGES_TIMINGS": "1", **extra})
    if r.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed:\n{r.stderr}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr)
    timing = "; ".join(re.findall(r"wages: ((?:timings|read phases): .*)", r.stderr))
    return int(m.group(1)) / 1024, timing


def times(cmds, runs):
    """{name: (mean, stddev, min)} in seconds."""
    if shutil.which("hyperfine"):
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as t:
            out = t.name
        args = ["hyperfine", "--warmup", "1", "--runs", str(runs), "--export-json", out,
                "--style", "basic"]
        for name, cmd in cmds:
            args += ["-n", name, " ".join(cmd) + " > /dev/null"]
        subprocess.run(args, check=True, stdout=sys.stderr)
        with open(out) as f:
            res = json.load(f)["results"]
        os.unlink(out)
        return {r["command"]: (r["mean"], r["stddev"] or 0.0, r["min"]) for r in res}, "hyperfine"
    import statistics
    import time
    res = {}
    for name, cmd in cmds:
        extra, cmd = split_env(cmd)
        env = {**os.environ, **extra}
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True, env=env)  # warm-up
        ts = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True, env=env)
            ts.append(time.perf_counter() - t0)
        res[name] = (statistics.mean(ts), statistics.stdev(ts) if runs > 1 else 0.0, min(ts))
    return res, "perf_counter loop"


def agreement(cmds):
    """Largest relative difference between wages and each Python script on key statistics."""
    outs = {}
    for name, cmd in cmds:
        extra, cmd = split_env(cmd)
        outs[name] = json.loads(subprocess.run(cmd, capture_output=True, check=True, text=True,
                                               env={**os.environ, **extra}).stdout)
    keys = ["p10", "p50", "p90", "mean", "gini", "theil_t", "mld", "atkinson_2", "top1_share", "palma"]
    ref = outs["wages"]
    worst = {}
    for name, o in outs.items():
        if name == "wages":
            continue
        d = 0.0
        pairs = [(ref["all"], o["all"])] + list(zip(ref["groups"], o["groups"]))
        for a, b in pairs:
            assert a.get("group", "") == b.get("group", ""), (a.get("group"), b.get("group"))
            for k in keys:
                d = max(d, abs(a[k] - b[k]) / max(abs(b[k]), 1e-300))
            for ca, cb in zip(a["caps"], b["caps"]):
                if ca["rows"] != cb["rows"]:
                    sys.exit(f"bench: cap rows differ between wages and {name}: {ca} vs {cb}")
        worst[name] = d
    return worst, len(ref["groups"])


def compare(ours, theirs, path=""):
    """Largest relative difference of the numbers of `theirs` (a Python script's JSON) from the
    same keys of `ours` (wages'), and where; counts, flags, labels and nulls must be equal."""
    if isinstance(theirs, dict):
        worst = (0.0, path)
        for k, v in theirs.items():
            if not isinstance(ours, dict) or k not in ours:
                sys.exit(f"bench: wages' JSON has no {path}.{k}")
            worst = max(worst, compare(ours[k], v, f"{path}.{k}"))
        return worst
    if isinstance(theirs, list):
        if not isinstance(ours, list) or len(ours) != len(theirs):
            sys.exit(f"bench: {path}: wages has {ours!r:.80}, the script {theirs!r:.80}")
        worst = (0.0, path)
        for i, (a, b) in enumerate(zip(ours, theirs)):
            worst = max(worst, compare(a, b, f"{path}[{i}]"))
        return worst
    exact = (isinstance(theirs, (bool, str, int)) or theirs is None or ours is None
             or isinstance(ours, (bool, str)))
    if exact:
        if ours != theirs or type(ours) is bool and type(theirs) is not bool:
            sys.exit(f"bench: {path}: wages {ours!r}, the script {theirs!r}")
        return (0.0, path)
    return (abs(ours - theirs) / max(abs(ours), abs(theirs), 1e-300), path)


def gap_agreement(cmds, limit=1e-9):
    """Largest relative difference between wages gap's JSON and each Python script's; fails
    over `limit` or on any count, flag or label that differs."""
    outs = {}
    for name, cmd in cmds:
        extra, cmd = split_env(cmd)
        outs[name] = json.loads(subprocess.run(cmd, capture_output=True, check=True, text=True,
                                               env={**os.environ, **extra}).stdout)
    ref = outs["wages"]
    worst = {}
    for name, o in outs.items():
        if name == "wages":
            continue
        d, where = compare(ref, o)
        if d > limit:
            sys.exit(f"bench: wages gap and {name} differ by {d:.2e} (relative) at {where}")
        worst[name] = (d, where)
    return worst, ref


def gap_section(a, loads):
    """`wages gap` (issue 14) against py_gap_polars.py and py_gap_pandas.py: the lines of its
    part of results.md."""
    stem = os.path.join(a.dir, f"payroll_gap_{a.rows}")
    if not (os.path.exists(stem + ".csv") and os.path.exists(stem + ".parquet")):
        print(f"bench: generating {a.rows} gap rows in {a.dir}", file=sys.stderr)
        subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), "--gap",
                        str(a.rows), a.dir], check=True)
    py = sys.executable
    lines = [f"`wages gap` (issue 14): {os.path.basename(stem)}, CSV "
             f"{os.path.getsize(stem + '.csv') / 2**20:.0f} MiB, Parquet "
             f"{os.path.getsize(stem + '.parquet') / 2**20:.0f} MiB; "
             "`wages gap FILE --pay pay --by sex --within category --bonus bonus --format json`.",
             "",
             "| input | program | time (s, mean ± sd) | wages is faster by | peak RSS (MiB) | wages uses (of this RSS) |",
             "|---|---|---|---|---|---|"]
    notes, verdicts = [], []
    want = {"python-polars": 2.0, "pandas": 3.0}
    for ext in ["csv", "parquet"]:
        f = f"{stem}.{ext}"
        cmds = [
            ("wages", [a.wages, "gap", f, "--pay", "pay", "--by", "sex", "--within", "category",
                       "--bonus", "bonus", "--format", "json"]),
            ("python-polars", [py, os.path.join(HERE, "py_gap_polars.py"), f]),
            ("pandas", [py, os.path.join(HERE, "py_gap_pandas.py"), f]),
        ]
        worst, ref = gap_agreement(cmds)
        notes.append(f"{ext}: {len(ref['groups'])} groups, {len(ref['categories'])} categories, "
                     f"reference {ref['reference']}, mean gap "
                     f"{ref['gaps'][0]['mean_gap_pct']:.3f}%, "
                     f"{sum(g['article_10'] for c in ref['categories'] for g in c['gaps'])} "
                     "categories flagged; largest relative difference from wages on "
                     + ", ".join(f"{k} {d:.1e} (at {w})" for k, (d, w) in worst.items()))
        rss = {}
        for name, cmd in cmds:
            rss[name], timing = peak_rss_mb(cmd)
            if timing:
                notes.append(f"{ext}: {name} {timing}")
            loads.append(os.getloadavg()[0])
        t, how = times(cmds, a.runs)
        loads.append(os.getloadavg()[0])
        for name, k in want.items():
            r = t[name][0] / t["wages"][0]
            verdicts.append(f"gap {ext}: {k:.0f}x faster than {name}: "
                            f"{'met' if r >= k else 'MISSED'} ({r:.2f}x)")
        for name in want:
            ok = rss["wages"] < rss[name]
            verdicts.append(f"gap {ext}: less peak memory than {name}: "
                            f"{'met' if ok else 'MISSED'} ({rss['wages']:.0f} vs {rss[name]:.0f} MiB)")
        for name, _ in cmds:
            mean, sd, _ = t[name]
            ratio = "-" if name == "wages" else f"{mean / t['wages'][0]:.2f}x"
            mem = "-" if name == "wages" else f"{rss['wages'] / rss[name]:.0%}"
            lines.append(f"| {ext} | {name} | {mean:.3f} ± {sd:.3f} | {ratio} | {rss[name]:.0f} | {mem} |")
    return lines, verdicts, notes, how


def interleaved_times(cmds, runs):
    """{name: (median, mean, stddev)} in seconds, the commands run in turn (A, B, A, B, ...) after
    one warm-up each, so a slow spell of the machine falls on both alike."""
    import statistics
    import time
    ts = {name: [] for name, _ in cmds}
    for name, cmd in cmds:
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    for _ in range(runs):
        for name, cmd in cmds:
            t0 = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
            ts[name].append(time.perf_counter() - t0)
    return {name: (statistics.median(v), statistics.mean(v), statistics.stdev(v) if runs > 1 else 0.0)
            for name, v in ts.items()}


def ci_section(a, stem, loads):
    """`wages analyze --ci 95` (linearised intervals) against the same command without, on the
    analyze payroll (issue 16: at most 1.5x). The two commands alternate run by run and the
    verdict compares medians (one slow run on a shared machine moves a mean, not a median).
    Returns (table lines, verdicts, how)."""
    table = ["| input | program | median (s) | mean ± sd (s) | median / without --ci | peak RSS (MiB) |",
             "|---|---|---|---|---|---|"]
    verdicts = []
    for ext, f in [("csv", f"{stem}.csv"), ("parquet", f"{stem}.parquet")]:
        base = [a.wages, "analyze", f, "--group", "institution", "--format", "json"]
        cmds = [("wages", base), ("wages --ci 95", base + ["--ci", "95"])]
        rss = {name: peak_rss_mb(cmd)[0] for name, cmd in cmds}
        loads.append(os.getloadavg()[0])
        t = interleaved_times(cmds, max(a.runs, 10))
        loads.append(os.getloadavg()[0])
        r = t["wages --ci 95"][0] / t["wages"][0]
        verdicts.append(f"{ext}: --ci 95 costs at most 1.5x analyze: {'met' if r <= 1.5 else 'MISSED'} ({r:.2f}x)")
        for name, _ in cmds:
            median, mean, sd = t[name]
            table.append(f"| {ext} | {name} | {median:.3f} | {mean:.3f} ± {sd:.3f} | "
                         f"{median / t['wages'][0]:.2f}x | {rss[name]:.0f} |")
    how = f"alternating runs, {max(a.runs, 10)} of each after a warm-up, timed with perf_counter"
    return table, verdicts, how


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=int(os.environ.get("BENCH_ROWS", 10_000_000)))
    ap.add_argument("--dir", default=os.path.join(HERE, "out"))
    ap.add_argument("--wages", default=os.path.join(ROOT, "target", "release", "wages"))
    ap.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", 5)))
    ap.add_argument("--only", choices=["analyze", "gap", "ci"], help="time one command only")
    a = ap.parse_args()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    loads = [os.getloadavg()[0]]
    stem = os.path.join(a.dir, f"payroll_{a.rows}")
    if a.only == "ci":
        table, verdicts, how = ci_section(a, stem, [])
        text = "\n".join([f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Machine: {machine()}. Rows: {a.rows:,}.", ""]
                         + table + ["", f"Timing: {how}.", "", "Targets (issue 16):"]
                         + [f"- {v}" for v in verdicts]) + "\n"
        print(text)
        with open(os.path.join(a.dir, "results-ci.md"), "w") as out:
            out.write(text)
        return
    if a.only != "gap" and not (os.path.exists(stem + ".csv") and os.path.exists(stem + ".parquet")):
        print(f"bench: generating {a.rows} rows in {a.dir}", file=sys.stderr)
        subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), str(a.rows), a.dir],
                       check=True)
    py = sys.executable
    sizes = "" if a.only == "gap" else (
        f" `wages analyze`: CSV {os.path.getsize(stem + '.csv') / 2**20:.0f} MiB, "
        f"Parquet {os.path.getsize(stem + '.parquet') / 2**20:.0f} MiB.")
    lines = [f"Run {started}. Machine: {machine()}. Rows: {a.rows:,}.{sizes}", ""]
    table = ["| input | program | time (s, mean ± sd) | wages is faster by | peak RSS (MiB) | wages uses (of this RSS) |",
             "|---|---|---|---|---|---|"]
    notes = []
    verdicts = []
    how = None
    want = {"python-polars": 2.0, "pandas": 3.0}
    # The same table as R's write.csv writes it (every text cell and the header in quotes): not
    # an issue target, but the form many users' files take.
    quoted = f"{stem}_quoted.csv"
    if a.only != "gap" and not os.path.exists(quoted):
        import polars as pl
        pl.read_csv(f"{stem}.csv").write_csv(quoted, quote_style="non_numeric")
    inputs = [("csv", f"{stem}.csv"), ("csv-quoted", quoted), ("parquet", f"{stem}.parquet")]
    for ext, f in inputs if a.only != "gap" else []:
        cmds = [
            ("wages", [a.wages, "analyze", f, "--group", "institution", "--format", "json"]),
            ("python-polars", [py, os.path.join(HERE, "py_polars.py"), f]),
            ("pandas", [py, os.path.join(HERE, "py_pandas.py"), f]),
        ]
        if ext.startswith("csv"):
            # wages reads a plain CSV with its own fast path; this row is the same binary with
            # the general CSV reader (WAGES_CSV_READER=general, what any other CSV gets), to show
            # what the fast path is worth.
            cmds.append(("wages-general-csv", ["WAGES_CSV_READER=general"] + cmds[0][1]))
        worst, groups = agreement(cmds)
        notes.append(f"{ext}: {groups} groups; largest relative difference from wages on "
                     + ", ".join(f"{k} {v:.1e}" for k, v in worst.items()))
        rss = {}
        for name, cmd in cmds:
            rss[name], timing = peak_rss_mb(cmd)
            if timing:
                notes.append(f"{ext}: {name} {timing}")
            loads.append(os.getloadavg()[0])
        t, how = times(cmds, a.runs)
        loads.append(os.getloadavg()[0])
        if "wages-general-csv" in t:
            r = t["python-polars"][0] / t["wages-general-csv"][0]
            verdicts.append(f"{ext}: (with the general CSV reader instead of the fast path: "
                            f"{r:.2f}x faster than python-polars, "
                            f"{rss['wages-general-csv']:.0f} MiB)")
        extra = " (extra input, not an issue target)" if ext == "csv-quoted" else ""
        for name, k in want.items():
            r = t[name][0] / t["wages"][0]
            verdicts.append(f"{ext}: {k:.0f}x faster than {name}: {'met' if r >= k else 'MISSED'} "
                            f"({r:.2f}x){extra}")
        ok = rss["wages"] <= rss["python-polars"]
        verdicts.append(f"{ext}: peak memory <= python-polars: {'met' if ok else 'MISSED'} "
                        f"({rss['wages']:.0f} vs {rss['python-polars']:.0f} MiB){extra}")
        for name, _ in cmds:
            mean, sd, _ = t[name]
            ratio = "-" if name.startswith("wages") else f"{mean / t['wages'][0]:.2f}x"
            mem = "-" if name.startswith("wages") else f"{rss['wages'] / rss[name]:.0%}"
            table.append(f"| {ext} | {name} | {mean:.3f} ± {sd:.3f} | {ratio} | {rss[name]:.0f} | {mem} |")
    gap = gap_section(a, loads) if a.only != "analyze" else None
    ci = ci_section(a, stem, loads) if a.only is None else None
    load = (f"1-minute load average during the run: {min(loads):.2f} to {max(loads):.2f} "
            f"(sampled {len(loads)} times; {os.cpu_count()} CPUs)")
    how = how or gap[3]
    doc = list(lines)
    if a.only != "gap":
        doc += table + [""]
    if gap:
        doc += gap[0] + [""]
    if ci:
        doc += ci[0] + [""]
    doc += [f"Timing: {how}, {a.runs} runs after 1 warm-up; "
            "peak RSS: /usr/bin/time -v, one run each. " + load + "."]
    if a.only != "gap":
        doc += ["", "Targets (issue 5):"] + [f"- {v}" for v in verdicts]
    if gap:
        doc += ["", "Targets (issue 14, wages gap):"] + [f"- {v}" for v in gap[1]]
    if ci:
        doc += ["", "Targets (issue 16, --ci):"] + [f"- {v}" for v in ci[1]]
    doc += ["", "Checks:"] + [f"- {n}" for n in notes + (gap[2] if gap else [])]
    text = "\n".join(doc) + "\n"
    print(text)
    with open(os.path.join(a.dir, "results.md"), "w") as out:
        out.write(text)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The decomposition row of issue 15: `wages gap --explain` vs statsmodels' OaxacaBlinder.

Usage: python3 bench/bench_oaxaca.py [--wages PATH] [--rows N] [--runs R] [--warmup W] [--dir DIR]
(defaults: target/release/wages, 10,000,000 rows, 3 runs after 1 warm-up, DIR bench/out, which
is git-ignored).

1. Generates (once; reused when present) DIR/oaxaca_N.csv and DIR/oaxaca_N.parquet, a synthetic
   payroll (seed 20251115, numpy PCG64; no real people): `sex` ("female" about 45 %, "male"),
   `pay` (hourly, positive, 2 decimals), six numeric covariates `age` (integer 20-64), `tenure`
   (years, 1 decimal, at most age - 18), `hours` (weekly, 1 decimal), `educ` (years, integer
   9-20), `overtime` (hours a month, 1 decimal), `appraisal` (score 1-5, 2 decimals), and two
   categorical ones, `region` (5 labels) and `occupation` (8 labels), every label in both groups
   (the shares differ by sex; occupation strongly). ln(pay) is linear in them plus a sex effect
   (women -0.06, and smaller returns to tenure and education, so the coefficients, and the
   interaction, differ between the groups) plus normal noise (sd 0.25). These effects are
   assumptions of the synthetic data, not estimates of any real payroll. Rows in random order.
2. Checks first that `wages gap FILE --pay pay --by sex --explain age,...,occupation --format
   json` (CSV and Parquet) and bench/py_oaxaca.py (statsmodels, same file) agree: the groups
   (A = male, the reference, the higher mean) and their sizes exactly, and the gap, the
   threefold parts and the pooled twofold's explained and unexplained parts to a relative 1e-6
   (the largest relative difference is printed); wages' CSV and Parquet outputs must agree too.
3. Measures each program's peak RSS (/usr/bin/time -v, one run each) and times all four
   commands side by side in one run (hyperfine if installed, else a perf_counter loop), as
   bench/bench.py does; prints a Markdown table (time mean ± sd, wages' speed-up, peak RSS) with
   the load average seen during the run and writes it to DIR/oaxaca.md.

Not like for like, in statsmodels' favour: wages also computes delta-method standard errors and
95 % intervals of every part, the twofold under six reference coefficients and the detailed
(per-column, Yun-normalised) decomposition; the statsmodels program computes the seven totals
only (its standard errors are a bootstrap, off by default).
"""
import argparse
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SEED = 20251115
NUMERIC = ["age", "tenure", "hours", "educ", "overtime", "appraisal"]
CATEGORICAL = ["region", "occupation"]
EXPLAIN = NUMERIC + CATEGORICAL
LIMIT = 1e-6


def generate(rows, stem):
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(SEED)
    female = rng.random(rows) < 0.45
    f = female.astype(np.float64)
    age = rng.integers(20, 65, size=rows)
    tenure = np.minimum(rng.exponential(np.where(female, 7.0, 8.5)), age - 18.0).round(1)
    hours = np.clip(np.where(female, rng.normal(34.0, 6.0, rows), rng.normal(39.0, 3.0, rows)),
                    10.0, 48.0).round(1)
    educ = np.clip(np.round(rng.normal(13.6 + 0.4 * f, 2.2)), 9, 20).astype(np.int64)
    overtime = rng.exponential(np.where(female, 3.5, 6.0)).round(1)
    appraisal = np.clip(rng.normal(3.2, 0.6, rows), 1.0, 5.0).round(2)
    regions = np.array(["centre", "east", "north", "south", "west"])
    p_region = np.array([0.30, 0.18, 0.22, 0.17, 0.13])
    region = rng.choice(5, size=rows, p=p_region)
    region_eff = np.array([0.08, -0.02, -0.05, 0.00, -0.03])
    occupations = np.array(["care", "clerical", "craft", "management", "operator",
                            "professional", "sales", "technical"])
    p_occ_m = np.array([0.04, 0.10, 0.20, 0.12, 0.16, 0.14, 0.08, 0.16])
    p_occ_f = np.array([0.20, 0.22, 0.03, 0.07, 0.05, 0.16, 0.16, 0.11])
    # Occupation drawn by sex: inverse-CDF sampling, one uniform per row.
    cdf = np.cumsum(np.stack([p_occ_m, p_occ_f]), axis=1)
    cdf[:, -1] = 1.0
    u = rng.random(rows)
    occ = np.where(female, np.searchsorted(cdf[1], u, side="right"),
                   np.searchsorted(cdf[0], u, side="right"))
    occ_eff = np.array([-0.15, -0.08, 0.02, 0.35, -0.05, 0.28, -0.12, 0.12])
    log_pay = (1.0 + 0.007 * age + (0.016 - 0.004 * f) * tenure + 0.004 * hours
               + (0.060 - 0.004 * f) * educ + 0.003 * overtime + 0.05 * appraisal
               + region_eff[region] + occ_eff[occ] - 0.06 * f + rng.normal(0.0, 0.25, rows))
    pay = np.maximum(np.round(np.exp(log_pay), 2), 0.01)
    df = pl.DataFrame({
        "sex": np.where(female, "female", "male"),
        "pay": pay,
        "age": age.astype(np.int32),
        "tenure": tenure,
        "hours": hours,
        "educ": educ.astype(np.int32),
        "overtime": overtime,
        "appraisal": appraisal,
        "region": regions[region],
        "occupation": occupations[occ],
    })
    os.makedirs(os.path.dirname(stem), exist_ok=True)
    # Written under temporary names first, so an interrupted run leaves no half file to reuse.
    df.write_csv(stem + ".csv.tmp")
    df.write_parquet(stem + ".parquet.tmp")
    os.replace(stem + ".csv.tmp", stem + ".csv")
    os.replace(stem + ".parquet.tmp", stem + ".parquet")


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
            mem = f", {int(f.readline().split()[1]) / 2**20:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} CPUs ({cpu}){mem}, {platform.system()} {platform.release()}"


def loadavg():
    with open("/proc/loadavg") as f:
        return f.read().split()[:3]


def run_json(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"bench_oaxaca: {shlex.join(cmd)} failed ({r.returncode}):\n{r.stderr}")
    return json.loads(r.stdout)


def figures_wages(doc):
    e = doc["explain"]
    pooled = e["twofold"][0]
    if pooled["reference"] != "pooled":
        sys.exit(f"bench_oaxaca: wages' first twofold is {pooled['reference']!r}, not pooled")
    return {
        "groups": [(e["group_a"]["group"], e["group_a"]["n"]),
                   (e["group_b"]["group"], e["group_b"]["n"])],
        "dropped": e["dropped_missing"],
        "gap": e["gap"]["value"],
        "threefold.endowments": e["threefold"]["endowments"]["value"],
        "threefold.coefficients": e["threefold"]["coefficients"]["value"],
        "threefold.interaction": e["threefold"]["interaction"]["value"],
        "twofold.pooled.explained": pooled["explained"]["value"],
        "twofold.pooled.unexplained": pooled["unexplained"]["value"],
    }


def figures_statsmodels(doc):
    return {
        "groups": [(doc["group_a"]["group"], doc["group_a"]["n"]),
                   (doc["group_b"]["group"], doc["group_b"]["n"])],
        "dropped": 0,
        "gap": doc["gap"],
        **{f"threefold.{k}": v for k, v in doc["threefold"].items()},
        **{f"twofold.pooled.{k}": v for k, v in doc["twofold_pooled"].items()},
    }


def largest_difference(ours, theirs, what):
    """(largest relative difference, where) of the numbers; groups and counts must be equal."""
    for k in ("groups", "dropped"):
        if ours[k] != theirs[k]:
            sys.exit(f"bench_oaxaca: {what}: {k} differ: wages {ours[k]}, other {theirs[k]}")
    worst = (0.0, "")
    for k, v in ours.items():
        if k in ("groups", "dropped"):
            continue
        w = theirs[k]
        worst = max(worst, (abs(v - w) / max(abs(v), abs(w), 1e-300), k))
    return worst


def peak_rss_mib(cmd):
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit(f"bench_oaxaca: {shlex.join(cmd)} failed:\n{r.stderr}")
    kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", r.stderr).group(1)
    return kb / 1024, wall


def times(cmds, runs, warmup):
    """{name: (mean, sd, min)} in seconds, and how they were taken."""
    if shutil.which("hyperfine"):
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as t:
            out = t.name
        args = ["hyperfine", "--warmup", str(warmup), "--runs", str(runs), "--export-json", out,
                "--style", "basic"]
        for name, cmd in cmds:
            args += ["-n", name, shlex.join(cmd) + " > /dev/null"]
        subprocess.run(args, check=True, stdout=sys.stderr)
        with open(out) as f:
            res = json.load(f)["results"]
        os.unlink(out)
        return ({r["command"]: (r["mean"], r["stddev"] or 0.0, r["min"]) for r in res},
                f"hyperfine, {runs} runs after {warmup} warm-up")
    res = {}
    for name, cmd in cmds:
        for _ in range(warmup):
            subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
        ts = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
            ts.append(time.perf_counter() - t0)
        res[name] = (statistics.mean(ts), statistics.stdev(ts) if runs > 1 else 0.0, min(ts))
    return res, f"perf_counter loop, {runs} runs after {warmup} warm-up"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wages", default=os.path.join(ROOT, "target", "release", "wages"))
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--dir", default=os.path.join(HERE, "out"))
    a = ap.parse_args()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    loads = [loadavg()]
    stem = os.path.join(a.dir, f"oaxaca_{a.rows}")
    if not (os.path.exists(stem + ".csv") and os.path.exists(stem + ".parquet")):
        print(f"bench_oaxaca: generating {a.rows:,} rows in {stem}.csv/.parquet", file=sys.stderr)
        generate(a.rows, stem)
    py = sys.executable
    explain = ",".join(EXPLAIN)
    cmds = []
    for ext in ["csv", "parquet"]:
        f = f"{stem}.{ext}"
        cmds.append((f"wages {ext}", [a.wages, "gap", f, "--pay", "pay", "--by", "sex",
                                      "--explain", explain, "--format", "json"]))
        cmds.append((f"statsmodels {ext}", [py, os.path.join(HERE, "py_oaxaca.py"), f,
                                            "--pay", "pay", "--by", "sex", "--explain", explain,
                                            "--categorical", ",".join(CATEGORICAL)]))
    cmd = dict(cmds)

    # 1. Agreement, before any timing.
    figs, checks = {}, []
    for name, c in cmds:
        print(f"bench_oaxaca: agreement run: {name}", file=sys.stderr)
        doc = run_json(c)
        figs[name] = figures_wages(doc) if name.startswith("wages") else figures_statsmodels(doc)
    loads.append(loadavg())
    ref = figs["wages csv"]
    if ref["groups"][0][0] != "male":
        sys.exit(f"bench_oaxaca: wages' group A is {ref['groups'][0][0]!r}, expected 'male'")
    worst_all = 0.0
    for ext in ["csv", "parquet"]:
        d, where = largest_difference(figs[f"wages {ext}"], figs[f"statsmodels {ext}"], ext)
        checks.append(f"{ext}: largest relative difference wages vs statsmodels {d:.1e} (at {where})")
        worst_all = max(worst_all, d)
    d, where = largest_difference(figs["wages csv"], figs["wages parquet"], "wages csv/parquet")
    checks.append(f"wages CSV vs wages Parquet: largest relative difference {d:.1e}"
                  + (f" (at {where})" if d else ""))
    worst_all = max(worst_all, d)
    print("\n".join(checks), file=sys.stderr)
    if worst_all > LIMIT:
        sys.exit(f"bench_oaxaca: the programs differ by more than {LIMIT:g} (relative): see above")

    # 2. Peak memory, one run each.
    rss, wall = {}, {}
    for name, c in cmds:
        print(f"bench_oaxaca: peak RSS: {name}", file=sys.stderr)
        rss[name], wall[name] = peak_rss_mib(c)
        loads.append(loadavg())

    # The Python side's fixed cost: starting the interpreter and importing the libraries.
    t0 = time.perf_counter()
    subprocess.run([py, "-c", "import numpy, pandas, statsmodels.stats.oaxaca"], check=True)
    checks.append(f"python + import numpy, pandas, statsmodels.stats.oaxaca: "
                  f"{time.perf_counter() - t0:.2f} s (one run), part of each statsmodels time")

    # 3. Times, side by side in one run.
    t, how = times(cmds, a.runs, a.warmup)
    loads.append(loadavg())

    g = ref["groups"]
    one = [float(x[0]) for x in loads]
    lines = [
        f"Run {started}. Machine: {machine()}. Rows: {a.rows:,} ({g[0][0]} {g[0][1]:,}, "
        f"{g[1][0]} {g[1][1]:,}); CSV {os.path.getsize(stem + '.csv') / 2**20:.0f} MiB, "
        f"Parquet {os.path.getsize(stem + '.parquet') / 2**20:.0f} MiB.",
        "",
        f"`wages gap FILE --pay pay --by sex --explain {explain} --format json` against "
        "bench/py_oaxaca.py (pandas + statsmodels `OaxacaBlinder(ln pay, X, bifurcate=\"sex\", "
        "hasconst=True)`, `.two_fold(two_fold_type=\"pooled\")` and `.three_fold()`; X: constant, "
        "sex indicator, 6 numeric columns, `get_dummies(drop_first=True)` of region (5) and "
        "occupation (8): 19 columns).",
        "",
        "| input | program | time (s, mean ± sd) | wages is faster by | peak RSS (MiB) | wages uses (of this RSS) |",
        "|---|---|---|---|---|---|",
    ]
    for ext in ["csv", "parquet"]:
        w, s = f"wages {ext}", f"statsmodels {ext}"
        lines.append(f"| {ext} | wages | {t[w][0]:.3f} ± {t[w][1]:.3f} | - | {rss[w]:.0f} | - |")
        lines.append(f"| {ext} | statsmodels | {t[s][0]:.3f} ± {t[s][1]:.3f} | "
                     f"{t[s][0] / t[w][0]:.2f}x | {rss[s]:.0f} | {rss[w] / rss[s]:.0%} |")
    lines += [
        "",
        f"Timing: {how} of each, all four in one run; peak RSS: /usr/bin/time -v, one run each "
        f"(wall times of those runs: " + ", ".join(f"{k} {v}" for k, v in wall.items()) + "). "
        f"Load average (1, 5, 15 min, /proc/loadavg) at the start {' '.join(loads[0])}, at the end "
        f"{' '.join(loads[-1])}; 1-minute load {min(one):.2f} to {max(one):.2f} over "
        f"{len(loads)} samples ({os.cpu_count()} CPUs).",
        "",
        "Not like for like, in statsmodels' favour: wages also computes delta-method standard "
        "errors and 95 % intervals of every part, the twofold under six reference coefficients "
        "and the detailed (per-column, normalised) decomposition; statsmodels computes no "
        "standard errors by default (a bootstrap with `std=True`), and the script asks for the "
        "gap, the threefold and the pooled twofold only.",
        "",
        "Checks (wages' `explain.gap`, `threefold.{endowments,coefficients,interaction}`, "
        f"`twofold[0]` (pooled) `.{{explained,unexplained}}` `.value`; limit {LIMIT:g}; group A "
        f"{g[0][0]!r}, group sizes equal):",
    ] + [f"- {c}" for c in checks] + [
        f"- wages (CSV): gap {ref['gap']:.6f} log points; threefold {ref['threefold.endowments']:.6f}"
        f" + {ref['threefold.coefficients']:.6f} + {ref['threefold.interaction']:.6f}; pooled "
        f"twofold explained {ref['twofold.pooled.explained']:.6f}, unexplained "
        f"{ref['twofold.pooled.unexplained']:.6f}",
        "",
        f"Reproduce: `python3 bench/bench_oaxaca.py --wages {os.path.relpath(a.wages, ROOT)} "
        f"--rows {a.rows} --runs {a.runs}`",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    os.makedirs(a.dir, exist_ok=True)
    with open(os.path.join(a.dir, "oaxaca.md"), "w") as out:
        out.write(text)


if __name__ == "__main__":
    main()

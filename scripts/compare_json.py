#!/usr/bin/env python3
"""Compares two `wages ... --format json` outputs number by number (docs/scale.md).

Usage: compare_json.py A.json B.json [--rel 1e-12] [--skip KEY,KEY]

Prints the largest relative difference and every field that differs by more than --rel
(absolute 1e-15 near zero); exit 1 if any does. The bounded-memory path of `wages analyze`
summarizes the whole table from its distinct values with counts, so its sums may differ from
the in-memory path's in the last bits: this is the check docs/scale.md reports.
"""
import json
import sys


def walk(path, a, b, rel, skip, out, worst):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k in skip:
                continue
            if k not in a or k not in b:
                out.append(f"{path}.{k}: only in one")
                continue
            walk(f"{path}.{k}", a[k], b[k], rel, skip, out, worst)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            walk(f"{path}[{i}]", x, y, rel, skip, out, worst)
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        d = abs(a - b)
        scale = max(abs(a), abs(b))
        r = d / scale if scale > 0 else 0.0
        if d > 1e-15:
            worst[0] = max(worst[0], r)
        if a != b and r > rel and d > 1e-15:
            out.append(f"{path}: {a!r} vs {b!r} (relative {r:.2e})")
    elif a != b:
        out.append(f"{path}: {a!r} vs {b!r}")


def main(argv):
    files = [a for a in argv if not a.startswith("--")]
    rel = 1e-12
    skip = set()
    for i, a in enumerate(argv):
        if a == "--rel":
            rel = float(argv[i + 1])
        if a == "--skip":
            skip = set(argv[i + 1].split(","))
    files = [f for f in files if f not in (str(rel),) and f not in (",".join(skip),)]
    with open(files[0]) as fa, open(files[1]) as fb:
        a, b = json.load(fa), json.load(fb)
    out, worst = [], [0.0]
    walk("", a, b, rel, skip, out, worst)
    print(f"largest relative difference: {worst[0]:.3e}; fields over {rel:g}: {len(out)}")
    for line in out[:40]:
        print(" ", line)
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The figures of `wages gap` (unweighted), in numpy: shared by bench/py_gap_polars.py and
bench/py_gap_pandas.py, so that both compute exactly what the Rust binary computes
(crates/analysis/src/gap/: mod.rs for the measures, bands.rs for the quartile bands).

Each script splits the rows into cells, one per (category, group), its own way, and hands
`document` each cell's pay sorted ascending and its bonus over those paid one (bonus > 0),
sorted. Every row is sorted once, in its cell, as wages does. From the sorted cells every step
here is O(1) per figure or one vectorised numpy pass (no Python loop over rows):

- a cell's count, sum, median, and its distinct pay values with how many rows hold each (read
  off the sorted pay); a group's distinct values and counts are those of its cells merged
  (`np.unique` of the cells' distinct values, counts summed with `np.bincount`), and its
  quantiles are read from their cumulative counts;
- quantiles by wages' rule, R `quantile(type = 2)`: x_i at i = ceil(p n), the mean of x_i and
  x_{i+1} when p n is whole (within 1e-12 n, `QUANTILE_TIE_RTOL`), at P5, P10, ..., P95;
- gaps (ref - g) / ref x 100, the reference being the group with the highest mean (the first in
  label order on a tie);
- the quartile pay bands by the fractional rule of bands.rs: the ranked line of n people is cut
  at n/4, n/2, 3n/4; the block of equal pay a cut passes through (a person, if none is tied) is
  split at the cut and each group's members of the block in the same proportion. Computed from
  one table of counts per group per distinct pay value (the groups' tables merged), summed
  cumulatively.
"""
import math

import numpy as np

# crates/analysis/src/gap/mod.rs CURVE_LEVELS, as the same f64 literals.
LEVELS = [0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.65, 0.70,
          0.75, 0.80, 0.85, 0.90, 0.95]
TIE_RTOL = 1e-12  # crates/analysis/src/inequality.rs QUANTILE_TIE_RTOL
ARTICLE_10 = 5.0
BAND_NAMES = ["lower", "lower middle", "upper middle", "upper"]


def quantile(xs, p):
    """`Sample::quantile` unweighted on sorted `xs`: R type 2."""
    n = len(xs)
    if p <= 0.0:
        return float(xs[0])
    if p >= 1.0:
        return float(xs[-1])
    t, tol = p * n, TIE_RTOL * n
    i = min(max(math.ceil(t - tol), 1), n)
    if abs(i - t) <= tol and i < n:
        return float((xs[i - 1] + xs[i]) / 2.0)
    return float(xs[i - 1])


def table_quantile(values, cum, p):
    """The same rule on a table of distinct sorted `values` with cumulative counts `cum`:
    x_i is values[first k with cum[k] >= i]."""
    n = int(cum[-1])
    if p <= 0.0:
        return float(values[0])
    if p >= 1.0:
        return float(values[-1])
    t, tol = p * n, TIE_RTOL * n
    i = min(max(math.ceil(t - tol), 1), n)
    xi = values[np.searchsorted(cum, i, side="left")]
    if abs(i - t) <= tol and i < n:
        return float((xi + values[np.searchsorted(cum, i + 1, side="left")]) / 2.0)
    return float(xi)


def gap(ref, other):
    if ref is None or other is None:
        return None
    return (ref - other) / ref * 100.0


def distinct(xs):
    """Distinct values of sorted `xs` and how many rows hold each."""
    starts = np.flatnonzero(np.concatenate(([True], xs[1:] != xs[:-1])))
    counts = np.diff(np.append(starts, len(xs)))
    return xs[starts], counts


def merged(parts):
    """(values, counts) tables merged into one: distinct values sorted, counts summed."""
    values, where = np.unique(np.concatenate([v for v, _ in parts]), return_inverse=True)
    counts = np.bincount(where, weights=np.concatenate([c for _, c in parts]),
                         minlength=len(values))
    return values, counts.astype(np.int64)


def quartile_bands(tables):
    """bands.rs `quartile_bands` for groups given as (distinct values, counts) tables."""
    values = np.unique(np.concatenate([v for v, _ in tables]))
    counts = np.zeros((len(tables), len(values)))
    for g, (v, c) in enumerate(tables):
        counts[g, np.searchsorted(values, v)] = c
    per_value = counts.sum(axis=0)
    at_most = np.cumsum(per_value)          # F(v) = W(x <= v), exact integers
    group_at_most = np.cumsum(counts, axis=1)
    total = float(at_most[-1])

    def first_reaching(c):                  # index of the smallest v with F(v) >= c
        return int(np.searchsorted(at_most, c, side="left"))

    def below_position(c):                  # G_g(c) for every group
        if c <= 0.0:
            return np.zeros(len(tables))
        if c >= total:
            return group_at_most[:, -1].copy()
        i = first_reaching(c)
        below = at_most[i - 1] if i > 0 else 0.0
        f = min(max((c - below) / per_value[i], 0.0), 1.0)
        gb = group_at_most[:, i - 1] if i > 0 else np.zeros(len(tables))
        return gb + f * counts[:, i]

    cuts = [below_position(total * k / 4.0) for k in range(5)]
    bands = []
    for k in range(4):
        weight = np.maximum(cuts[k + 1] - cuts[k], 0.0)
        s = float(np.sum(weight))
        lo, hi = total * k / 4.0, total * (k + 1) / 4.0
        if k == 0:
            pay_from = values[0]
        else:
            i = first_reaching(lo)
            pay_from = values[i] if at_most[i] > lo else values[min(i + 1, len(values) - 1)]
        bands.append({"band": BAND_NAMES[k], "pay_from": float(pay_from),
                      "pay_to": float(values[first_reaching(hi)]),
                      "weight": weight, "share": weight / s if s > 0 else weight * 0.0})
    return bands


def summarise(xs):
    """One sorted array: n, sum, median, distinct table (None for an empty one)."""
    if len(xs) == 0:
        return None
    return {"n": len(xs), "sum": float(np.sum(xs)), "median": quantile(xs, 0.5),
            "table": distinct(xs)}


def document(cells):
    """The JSON figures in wages' layout (the keys of `wages gap --format json` they cover).

    cells: {(category label, group label): (pay sorted, bonus > 0 sorted)}, one per non-empty
    cell. Labels are put in byte order, as wages sorts them.
    """
    labels = sorted({g for _, g in cells})
    cat_labels = sorted({c for c, _ in cells})
    stats = {k: (summarise(pay), summarise(bonus)) for k, (pay, bonus) in cells.items()}
    out_groups = []
    for g in labels:
        pays = [p for (c, h), (p, _) in stats.items() if h == g]
        bonuses = [b for (c, h), (_, b) in stats.items() if h == g and b is not None]
        n = sum(p["n"] for p in pays)
        values, counts = merged([p["table"] for p in pays])
        cum = np.cumsum(counts)
        paid_n = sum(b["n"] for b in bonuses)
        if bonuses:
            bv, bc = merged([b["table"] for b in bonuses])
            bonus_mean = sum(b["sum"] for b in bonuses) / paid_n
            bonus_median = table_quantile(bv, np.cumsum(bc), 0.5)
        else:
            bonus_mean = bonus_median = None
        out_groups.append({
            "label": g, "n": n, "mean": sum(p["sum"] for p in pays) / n,
            "median": table_quantile(values, cum, 0.5),
            "quantiles": [table_quantile(values, cum, p) for p in LEVELS],
            "bonus": {"paid_n": paid_n, "proportion_paid": paid_n / n,
                      "mean": bonus_mean, "median": bonus_median},
            "_table": (values, counts),
        })
    ref = 0
    for i, g in enumerate(out_groups):
        if g["mean"] > out_groups[ref]["mean"]:
            ref = i
    r = out_groups[ref]
    gaps = [{
        "group": g["label"],
        "mean_gap_pct": gap(r["mean"], g["mean"]),
        "median_gap_pct": gap(r["median"], g["median"]),
        "mean_ratio": g["mean"] / r["mean"],
        "median_ratio": g["median"] / r["median"],
        "quantile_gaps_pct": [gap(a, b) for a, b in zip(r["quantiles"], g["quantiles"])],
        "bonus_mean_gap_pct": gap(r["bonus"]["mean"], g["bonus"]["mean"]),
        "bonus_median_gap_pct": gap(r["bonus"]["median"], g["bonus"]["median"]),
    } for i, g in enumerate(out_groups) if i != ref]
    bands = [{"band": b["band"], "pay_from": b["pay_from"], "pay_to": b["pay_to"],
              "groups": [{"group": label, "weight": float(w), "share": float(s)}
                         for label, w, s in zip(labels, b["weight"], b["share"])]}
             for b in quartile_bands([g.pop("_table") for g in out_groups])]
    cats = []
    for c in cat_labels:
        figures = []
        for g in labels:
            p, b = stats.get((c, g), (None, None))
            figures.append({
                "group": g, "n": p["n"] if p else 0,
                "mean": p["sum"] / p["n"] if p else None, "median": p["median"] if p else None,
                "bonus_mean": b["sum"] / b["n"] if b else None,
                "bonus_median": b["median"] if b else None})
        rf = figures[ref]
        cat_gaps = []
        for i, f in enumerate(figures):
            if i == ref:
                continue
            m = gap(rf["mean"], f["mean"])
            cat_gaps.append({
                "group": labels[i], "mean_gap_pct": m,
                "median_gap_pct": gap(rf["median"], f["median"]),
                "bonus_mean_gap_pct": gap(rf["bonus_mean"], f["bonus_mean"]),
                "bonus_median_gap_pct": gap(rf["bonus_median"], f["bonus_median"]),
                "article_10": m is not None and abs(m) >= ARTICLE_10,
            })
        cats.append({"category": c, "groups": figures, "gaps": cat_gaps})
    return {"reference": r["label"], "groups": out_groups, "gaps": gaps,
            "quartile_bands": bands, "categories": cats}

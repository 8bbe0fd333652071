"""The statistics of `wages analyze`, in numpy, on pay already sorted ascending (unweighted).

Shared by the Python polars and pandas benchmark scripts so that both compute exactly what the
Rust binary computes: R type-2 quantiles, mean, Gini (+ corrected), Theil T, MLD, Atkinson
(0.5, 1, 2), top 10%/1% shares and Palma from the interpolated Lorenz curve, low-pay share,
Kaitz, and for each cap k: rows above k*minimum and the pay above it. Every step is a
vectorised numpy call on the sorted array (no Python loop over rows).
"""
import math

import numpy as np


def quantile_sorted(xs, p):
    """R quantile(type = 2) on sorted data: x_(np) and x_(np+1) averaged when np is whole."""
    n = len(xs)
    t = n * p
    j = round(t)
    if abs(t - j) <= 1e-9 * max(1.0, t) and 0 < j < n:
        return 0.5 * (xs[j - 1] + xs[j])
    return xs[min(max(math.ceil(t) - 1, 0), n - 1)]


def summary(xs, minimum, caps):
    n = len(xs)
    cum = np.cumsum(xs)
    total = cum[-1]
    mean = total / n
    p10, p50, p90 = (quantile_sorted(xs, p) for p in (0.1, 0.5, 0.9))
    # Gini from the ranks: sum_i i*x_(i) = n*total - sum_{i<n} cum_i (no rank array needed).
    rank_dot = n * total - (float(np.sum(cum[:-1])) if n > 1 else 0.0)
    gini = 2.0 * rank_dot / (n * total) - (n + 1.0) / n
    # One scratch buffer for the transforms of r = x / mean (each a single vectorised pass).
    buf = np.divide(xs, mean)
    np.log(buf, out=buf)  # log r
    mean_lr = float(np.mean(buf))
    theil = float(np.dot(xs, buf)) / total  # mean(r log r) = sum(x log r) / total
    mld = -mean_lr
    atk1 = 1.0 - math.exp(mean_lr)
    np.sqrt(xs, out=buf)
    atk05 = 1.0 - (float(np.mean(buf)) ** 2) / mean  # mean(sqrt r)^2 = mean(sqrt x)^2 / mean
    np.divide(1.0, xs, out=buf)
    atk2 = 1.0 - 1.0 / (mean * float(np.mean(buf)))  # mean(1/r) = mean * mean(1/x)
    del buf

    def lorenz(q):
        t = q * n
        k = int(math.floor(t))
        below = cum[k - 1] if k > 0 else 0.0
        part = (t - k) * xs[k] if k < n else 0.0
        return (below + part) / total

    top10, top1 = 1.0 - lorenz(0.9), 1.0 - lorenz(0.99)
    caps_out = []
    for k in caps:
        t = k * minimum
        i = int(np.searchsorted(xs, t, side="right"))
        above = n - i
        pay_above = (total - (cum[i - 1] if i > 0 else 0.0)) - above * t
        caps_out.append({"k": k, "rows": above, "share": above / n, "pay_above_total": float(pay_above)})
    return {
        "n": n, "min": float(xs[0]), "p10": float(p10), "p50": float(p50), "mean": float(mean),
        "p90": float(p90), "max": float(xs[-1]), "max_min_ratio": float(xs[-1] / xs[0]),
        "p90_p10": float(p90 / p10), "p50_p10": float(p50 / p10), "p90_p50": float(p90 / p50),
        "kaitz": float(minimum / p50),
        "low_pay_share": int(np.searchsorted(xs, 2.0 * p50 / 3.0, side="left")) / n,
        "gini": float(gini), "gini_corrected": float(gini * n / (n - 1)) if n > 1 else None,
        "theil_t": theil, "mld": mld, "atkinson_0_5": float(atk05), "atkinson_1": float(atk1),
        "atkinson_2": float(atk2), "top10_share": float(top10), "top1_share": float(top1),
        "palma": float(top10 / lorenz(0.4)), "caps": caps_out,
    }

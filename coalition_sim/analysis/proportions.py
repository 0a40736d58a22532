"""Proportions: score intervals for one proportion and for paired differences, and Holm's adjustment.

- :func:`wilson_interval` (Wilson 1927) and :func:`clopper_pearson_interval` (Clopper & Pearson 1934)
  for a share such as "endured to the horizon": good near 0 and 1, where percentile bootstraps are not.
- :func:`newcombe_paired_interval` (Newcombe 1998, method 10) for the difference of two proportions
  measured on the same seeds, and :func:`mcnemar_exact_p` (McNemar 1947, exact binomial form) its test.
- :func:`holm` (Holm 1979) adjusts a declared family of p-values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special, stats


def _z(confidence: float) -> float:
    return float(special.ndtri(0.5 + confidence / 2))


def _as_bool(values) -> np.ndarray:
    return np.asarray(pd.Series(values).astype(bool), dtype=bool)


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (``successes`` of ``n``)."""
    if n <= 0:
        return math.nan, math.nan
    z = _z(confidence)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low = 0.0 if successes == 0 else max(centre - half, 0.0)
    high = 1.0 if successes == n else min(centre + half, 1.0)
    return low, high


def clopper_pearson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson) interval for a binomial proportion: never below its level."""
    if n <= 0:
        return math.nan, math.nan
    alpha = 1 - confidence
    low = 0.0 if successes == 0 else float(stats.beta.ppf(alpha / 2, successes, n - successes + 1))
    high = 1.0 if successes == n else float(stats.beta.ppf(1 - alpha / 2, successes + 1, n - successes))
    return low, high


def proportion(values: Sequence[bool], confidence: float = 0.95) -> tuple[float, float, float]:
    """Share of True values with its Wilson interval: (p, low, high); NaNs for no values."""
    x = _as_bool(values)
    if x.size == 0:
        return math.nan, math.nan, math.nan
    low, high = wilson_interval(int(x.sum()), x.size, confidence)
    return float(x.mean()), low, high


def newcombe_paired_interval(
    x: Sequence[bool], y: Sequence[bool], confidence: float = 0.95
) -> tuple[float, float, float]:
    """Newcombe's (1998, method 10) score interval for p_y - p_x from paired binary outcomes.

    Returns:
        (difference, low, high).
    """
    x, y = _as_bool(x), _as_bool(y)
    n = len(x)
    if n == 0:
        return math.nan, math.nan, math.nan
    px, py = x.mean(), y.mean()
    lx, ux = wilson_interval(int(x.sum()), n, confidence)
    ly, uy = wilson_interval(int(y.sum()), n, confidence)
    a, b = np.sum(x & y), np.sum(x & ~y)
    c, d = np.sum(~x & y), np.sum(~x & ~y)
    denom = math.sqrt(float((a + b) * (c + d) * (a + c) * (b + d)))
    phi = 0.0 if denom == 0 else float(a * d - b * c) / denom
    delta = py - px
    low = delta - math.sqrt(max((py - ly) ** 2 - 2 * phi * (py - ly) * (ux - px) + (ux - px) ** 2, 0.0))
    high = delta + math.sqrt(max((uy - py) ** 2 - 2 * phi * (uy - py) * (px - lx) + (px - lx) ** 2, 0.0))
    return float(delta), max(low, -1.0), min(high, 1.0)


def mcnemar_exact_p(x: Sequence[bool], y: Sequence[bool]) -> float:
    """Two-sided exact McNemar test that paired proportions are equal (binomial on the discordant pairs)."""
    x, y = _as_bool(x), _as_bool(y)
    only_x, only_y = int(np.sum(x & ~y)), int(np.sum(~x & y))
    if only_x + only_y == 0:
        return 1.0
    return float(stats.binomtest(only_y, only_x + only_y, 0.5).pvalue)


def holm(pvalues: Sequence[float]) -> np.ndarray:
    """Holm's step-down adjustment of a family of p-values (controls the family-wise error)."""
    p = np.asarray(pvalues, dtype=float)
    order = np.argsort(p)
    m = len(p)
    adjusted = np.maximum.accumulate(np.minimum((m - np.arange(m)) * p[order], 1.0))
    out = np.empty(m)
    out[order] = adjusted
    return out

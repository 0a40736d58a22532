"""Trend across ordered levels: does a share (e.g. endurance) rise with backbone strength?

- :func:`cochran_armitage` (Cochran 1954; Armitage 1955): the score test of a linear trend in
  proportions across ordered groups of independent runs, with the levels as scores.
- :func:`paired_slope_test`: the same question for runs paired across levels (one seed run at
  every level, common random numbers): each seed's least-squares slope of the outcome on the
  scores, and a t test that the mean slope is 0. Pairing removes the between-seed noise that
  the Cochran-Armitage test (which assumes independent groups) leaves in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats


@dataclass(frozen=True)
class Trend:
    """A trend test.

    Attributes:
        method: ``cochran-armitage`` or ``paired slope``.
        slope: change of the share per unit of score (least squares over the groups or seeds).
        low, high: interval of the slope (paired slope test; NaN for Cochran-Armitage).
        statistic: z (Cochran-Armitage) or t (paired slope).
        p: two-sided p-value.
        n: runs (Cochran-Armitage) or seeds (paired slope).
    """

    method: str
    slope: float
    low: float
    high: float
    statistic: float
    p: float
    n: int


def cochran_armitage(successes: Sequence[int], totals: Sequence[int], scores: Sequence[float]) -> Trend:
    """Cochran-Armitage test for a linear trend in proportions ``successes / totals`` over ``scores``."""
    x = np.asarray(successes, dtype=float)
    n = np.asarray(totals, dtype=float)
    s = np.asarray(scores, dtype=float)
    big_n = n.sum()
    p_bar = x.sum() / big_n
    s_bar = (n * s).sum() / big_n
    sxx = (n * (s - s_bar) ** 2).sum()
    numerator = (x * (s - s_bar)).sum()
    variance = p_bar * (1 - p_bar) * sxx
    z = numerator / math.sqrt(variance) if variance > 0 else 0.0
    slope = numerator / sxx if sxx > 0 else math.nan
    p = float(2 * stats.norm.sf(abs(z)))
    return Trend("cochran-armitage", float(slope), math.nan, math.nan, float(z), p, int(big_n))


def paired_slope_test(values: np.ndarray, scores: Sequence[float], confidence: float = 0.95) -> Trend:
    """t test of the mean per-seed slope; ``values`` has one row per seed and one column per score."""
    y = np.asarray(values, dtype=float)
    s = np.asarray(scores, dtype=float)
    centred = s - s.mean()
    slopes = y @ centred / (centred**2).sum()
    k = slopes.size
    mean = float(slopes.mean())
    se = float(slopes.std(ddof=1)) / math.sqrt(k) if k > 1 else math.nan
    if not se > 0:
        t, p, half = (0.0, 1.0, 0.0) if mean == 0 else (math.copysign(math.inf, mean), 0.0, 0.0)
    else:
        t = mean / se
        p = float(2 * stats.t.sf(abs(t), k - 1))
        half = float(stats.t.ppf(0.5 + confidence / 2, k - 1)) * se
    return Trend("paired slope", mean, mean - half, mean + half, float(t), p, k)


def trend_table(
    runs: pd.DataFrame,
    outcome: str,
    level: str,
    by: str,
    from_level: float | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Trend of ``outcome`` (a 0/1 column) across the levels of ``level`` within each value of ``by``.

    Both tests are given: Cochran-Armitage over the groups, and the paired slope test over
    the seeds present at every level. ``from_level`` restricts the levels to those at or
    above it (e.g. "is it still rising above 0.25?").

    Returns:
        One row per value of ``by`` and method: by, levels (as text), method, slope, low, high, statistic, p, n.
    """
    rows = []
    for value, arm in runs.groupby(by, sort=True):
        if from_level is not None:
            arm = arm[arm[level] >= from_level]
        levels = sorted(arm[level].unique())
        if len(levels) < 2:
            continue
        grouped = arm.groupby(level, sort=True)[outcome]
        sums = grouped.agg(lambda v: int(v.astype(bool).sum()))
        counts = grouped.size()
        tests = [cochran_armitage(sums.to_numpy(), counts.to_numpy(), levels)]
        wide = arm.pivot_table(index="replication", columns=level, values=outcome, aggfunc="first").dropna()
        if len(wide) > 1:
            tests.append(paired_slope_test(wide[levels].astype(float).to_numpy(), levels, confidence))
        label = ", ".join(f"{v:g}" for v in levels)
        rows += [{by: value, "levels": label, **test.__dict__} for test in tests]
    return pd.DataFrame(rows)

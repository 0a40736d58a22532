"""Survival of coalitions: right-censored lifetimes, Kaplan-Meier, restricted mean, log-rank.

A coalition's lifetime is right-censored at the horizon: a run that ``endured`` is
``censored``; any dissolution (collapse, dormancy, purpose achieved) is the event.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from coalition_sim.analysis.proportions import _as_bool, _z, holm  # noqa: F401  (holm: re-exported)


def censored_data(lifetime: Sequence[float], censored: Sequence[bool]) -> stats.CensoredData:
    """Right-censored lifetimes as ``scipy.stats.CensoredData``."""
    return stats.CensoredData.right_censored(np.asarray(lifetime, dtype=float), _as_bool(censored))


# --------------------------------------------------------------------------- Kaplan-Meier
@dataclass(frozen=True)
class Survival:
    """A Kaplan-Meier survival curve with pointwise confidence band.

    Attributes:
        times: distinct observed times (events and censorings), increasing.
        survival: S(t) just after each time (right-continuous steps).
        low: lower band at each time.
        high: upper band at each time.
        n: number of lifetimes.
        events: number of dissolutions (uncensored lifetimes).
        confidence: confidence level of the band.
    """

    times: np.ndarray
    survival: np.ndarray
    low: np.ndarray
    high: np.ndarray
    n: int
    events: int
    confidence: float

    def at(self, t: float | np.ndarray) -> np.ndarray | float:
        """S(t): the survival probability at time ``t`` (1 before the first time)."""
        return _step_at(self.times, self.survival, t)

    def band_at(self, t: float) -> tuple[float, float]:
        """The confidence band (low, high) at time ``t``."""
        return float(_step_at(self.times, self.low, t)), float(_step_at(self.times, self.high, t))

    def median(self) -> float:
        """First time at which S(t) <= 0.5; NaN when the curve never gets there."""
        below = np.flatnonzero(self.survival <= 0.5)
        return float(self.times[below[0]]) if below.size else math.nan

    def steps(self, horizon: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(t, S, low, high) starting at t=0, S=1, extended to ``horizon``: ready for ``step(where="post")``."""
        t = np.concatenate([[0.0], self.times])
        cols = [np.concatenate([[1.0], col]) for col in (self.survival, self.low, self.high)]
        if horizon is not None and horizon > t[-1]:
            t = np.append(t, horizon)
            cols = [np.append(col, col[-1]) for col in cols]
        return (t, *cols)


def _step_at(times: np.ndarray, values: np.ndarray, t):
    idx = np.searchsorted(times, np.asarray(t, dtype=float), side="right") - 1
    out = np.where(idx >= 0, values[np.clip(idx, 0, None)], 1.0)
    return float(out) if np.ndim(out) == 0 else out


def kaplan_meier(lifetime: Sequence[float], censored: Sequence[bool], confidence: float = 0.95) -> Survival:
    """Kaplan-Meier estimate of the survival function with a log-log band.

    Args:
        lifetime: months each coalition lived (the horizon if it endured).
        censored: True where the coalition was still alive at the horizon.
        confidence: level of the pointwise band (exponential Greenwood, "log-log").

    Returns:
        The survival curve; the band is [S, S] where S is 0 or 1 (the formula is undefined there).
    """
    if len(np.asarray(lifetime)) == 0:
        raise ValueError("kaplan_meier needs at least one lifetime")
    data = censored_data(lifetime, censored)
    sf = stats.ecdf(data).sf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        band = sf.confidence_interval(confidence, method="log-log")
    p = np.asarray(sf.probabilities, dtype=float)
    low, high = np.asarray(band.low.probabilities, float), np.asarray(band.high.probabilities, float)
    undefined = ~np.isfinite(low) | ~np.isfinite(high)
    low, high = np.where(undefined, p, low), np.where(undefined, p, high)
    return Survival(
        times=np.asarray(sf.quantiles, dtype=float),
        survival=p,
        low=low,
        high=high,
        n=len(np.asarray(lifetime)),
        events=int((~_as_bool(censored)).sum()),
        confidence=confidence,
    )


def restricted_mean(
    lifetime: Sequence[float], censored: Sequence[bool], horizon: float, confidence: float = 0.95
) -> tuple[float, float, float]:
    """Restricted mean lifetime: the area under the Kaplan-Meier curve from 0 to ``horizon``.

    The interval uses the standard variance estimate
    ``sum_j A_j^2 d_j / (n_j (n_j - d_j))`` over event times ``t_j <= horizon``,
    where ``A_j`` is the area under the curve from ``t_j`` to the horizon.

    Returns:
        (estimate, low, high) in the lifetimes' unit (months).
    """
    life = np.asarray(lifetime, dtype=float)
    dead = ~_as_bool(censored)
    times = np.unique(life[dead & (life <= horizon)])
    at_risk = np.array([(life >= t).sum() for t in times], dtype=float)
    deaths = np.array([((life == t) & dead).sum() for t in times], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        surv = np.cumprod(1 - deaths / at_risk)
    edges = np.concatenate([[0.0], times, [horizon]])
    heights = np.concatenate([[1.0], surv])
    pieces = heights * np.diff(edges)
    estimate = float(pieces.sum())
    tail = np.cumsum(pieces[::-1])[::-1][1:]  # area from each event time to the horizon
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(at_risk > deaths, tail**2 * deaths / (at_risk * (at_risk - deaths)), 0.0)
    half = _z(confidence) * math.sqrt(float(terms.sum()))
    return estimate, max(estimate - half, 0.0), min(estimate + half, float(horizon))


# --------------------------------------------------------------------------- log-rank
@dataclass(frozen=True)
class LogRank:
    """Result of a two-sample log-rank test.

    Attributes:
        statistic: signed z statistic (positive: the first sample dissolves faster than expected).
        pvalue: two-sided p-value (1.0 when neither sample has a dissolution).
    """

    statistic: float
    pvalue: float


def logrank_test(life_a, censored_a, life_b, censored_b) -> LogRank:
    """Two-sided log-rank test that two samples of censored lifetimes share one survival curve."""
    if _as_bool(censored_a).all() and _as_bool(censored_b).all():
        return LogRank(0.0, 1.0)  # no events anywhere: identical curves at S = 1
    res = stats.logrank(censored_data(life_a, censored_a), censored_data(life_b, censored_b))
    return LogRank(float(res.statistic), float(res.pvalue))

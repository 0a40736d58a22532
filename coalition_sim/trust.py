"""Trust dynamics on the model's directed trust matrix T[i, j] in [0, 1].

Working or meeting together closes a fraction of the gap to full trust
(diminishing returns); unused trust drifts back toward a baseline; failure
without shared measurement breeds blame; free riders lose their teammates' trust.
All functions update ``trust`` in place and keep the diagonal at 1.
"""

from __future__ import annotations

import numpy as np

DENSE_TIE = 0.6
"""Trust at or above which a tie counts toward trust density."""


def decay(trust: np.ndarray, rate: float, baseline: float) -> None:
    """Every tie drifts a fraction ``rate`` of the way back to ``baseline``."""
    trust += rate * (baseline - trust)
    np.fill_diagonal(trust, 1.0)


def strengthen(trust: np.ndarray, group: np.ndarray, rate: float) -> None:
    """Ties within ``group`` close ``rate`` of their gap to 1."""
    if group.size < 2 or rate <= 0:
        return
    idx = np.ix_(group, group)
    sub = trust[idx]
    trust[idx] = sub + rate * (1.0 - sub)
    np.fill_diagonal(trust, 1.0)


def weaken(trust: np.ndarray, group: np.ndarray, fraction: float) -> None:
    """Ties within ``group`` lose ``fraction`` of their value (blame after failure)."""
    if group.size < 2 or fraction <= 0:
        return
    idx = np.ix_(group, group)
    trust[idx] = trust[idx] * (1.0 - fraction)
    np.fill_diagonal(trust, 1.0)


def penalize(trust: np.ndarray, observers: np.ndarray, targets: np.ndarray, fraction: float) -> None:
    """Observers' trust in ``targets`` (free riders) loses ``fraction``."""
    if targets.size == 0 or observers.size == 0:
        return
    idx = np.ix_(observers, targets)
    trust[idx] = trust[idx] * (1.0 - fraction)
    np.fill_diagonal(trust, 1.0)


def mean_and_density(trust: np.ndarray, members: np.ndarray) -> tuple[float, float]:
    """Mean off-diagonal trust among members, and the share of ties >= DENSE_TIE."""
    k = members.size
    if k < 2:
        return 0.0, 0.0
    sub = trust[np.ix_(members, members)]
    pairs = k * (k - 1)
    mean = (sub.sum() - np.trace(sub)) / pairs
    dense = (np.count_nonzero(sub >= DENSE_TIE) - k) / pairs
    return float(mean), float(dense)

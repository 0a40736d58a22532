"""Compiled loops over the trust matrix's stored deviations D (see :mod:`coalition_sim.model.trust`).

Each kernel is the equation of one trust operation written as a loop over the
organizations it touches, so a month at 1,000 organizations does not allocate
or scan whole n x n temporaries. Numba compiles them on first use and caches the
machine code next to this file (``cache=True``); this module is imported only
when a trust operation first runs, so ``coalition-sim --help`` and refused input
never load Numba.

The arithmetic is the same, operation for operation, as the array form it
replaces (no fast-math), so a run's figures are unchanged.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def set_diagonal(dev: np.ndarray, value: float) -> None:
    """D[i, i] = value for every i (self-trust is 1)."""
    for i in range(dev.shape[0]):
        dev[i, i] = value


@njit(cache=True, nogil=True)
def affine_within(dev: np.ndarray, group: np.ndarray, factor: float, offset: float, diagonal: float) -> None:
    """D[i, j] = D[i, j] * factor + offset for i, j in ``group``; then the diagonal."""
    for i in group:
        row = dev[i]
        for j in group:
            row[j] = row[j] * factor + offset
    for i in group:
        dev[i, i] = diagonal


@njit(cache=True, nogil=True)
def fade(dev: np.ndarray, who: np.ndarray, keep: float, diagonal: float) -> None:
    """D *= keep on the rows of ``who``, then on their columns (a tie between two of them twice); then the diagonal."""
    n = dev.shape[0]
    for i in who:
        row = dev[i]
        for j in range(n):
            row[j] *= keep
    for i in range(n):
        row = dev[i]
        for j in who:
            row[j] *= keep
    for i in who:
        dev[i, i] = diagonal


@njit(cache=True, nogil=True)
def count_at_least(dev: np.ndarray, group: np.ndarray, threshold: float) -> int:
    """Number of pairs (i, j), both in ``group`` (i = j included), with D[i, j] >= threshold.

    Rows of the group are scanned whole against a membership mask: a straight pass the
    processor vectorises, about twice as fast as gathering the group's columns.
    """
    n = dev.shape[0]
    in_group = np.zeros(n, dtype=np.bool_)
    for j in group:
        in_group[j] = True
    count = 0
    for i in group:
        row = dev[i]
        for j in range(n):
            count += (row[j] >= threshold) & in_group[j]
    return count


@njit(cache=True, nogil=True)
def penalize(dev, observers, targets, baseline: float, scale: float, keep: float, diagonal: float) -> None:
    """T[i, j] = T[i, j] * keep for i in ``observers``, j in ``targets``, in the stored form D = (T - b) / s."""
    for i in observers:
        row = dev[i]
        for j in targets:
            row[j] = ((baseline + scale * row[j]) * keep - baseline) / scale
    for j in targets:
        dev[j, j] = diagonal

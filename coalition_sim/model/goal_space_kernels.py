"""Compiled distances in the goal space (see :mod:`coalition_sim.model.goal_space`).

A distance here is between a few dozen organizations and one point in two or three
dimensions, so the array form spent its time in the fixed cost of four numpy calls.
The loop below is the same arithmetic, operation for operation: the squared
differences summed in axis order (as numpy sums the few dimensions of a row), then
the square root. Numba compiles it on first use and caches the machine code next to
this file (``cache=True``); this module is imported only when a distance is first
taken, so ``coalition-sim --help`` and refused input never load Numba.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def distance(positions: np.ndarray, i: int, point: np.ndarray) -> float:
    """‖x_i − point‖ = sqrt(Σ_k (x_ik − point_k)²), row i of ``positions`` to ``point``."""
    total = 0.0
    for k in range(point.size):
        diff = positions[i, k] - point[k]
        total += diff * diff
    return np.sqrt(total)


@njit(cache=True, nogil=True)
def distances(positions: np.ndarray, point: np.ndarray) -> np.ndarray:
    """‖x_i − point‖ for every row i of ``positions`` (n, dims)."""
    out = np.empty(positions.shape[0])
    for i in range(positions.shape[0]):
        out[i] = distance(positions, i, point)
    return out


@njit(cache=True, nogil=True)
def clip_to_box(positions: np.ndarray) -> None:
    """Every coordinate into [0, 1], in place: min(max(x, 0), 1), as :func:`goal_space.clip` does."""
    for i in range(positions.shape[0]):
        for d in range(positions.shape[1]):
            positions[i, d] = min(max(positions[i, d], 0.0), 1.0)

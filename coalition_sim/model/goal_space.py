"""Geometry of the goal space [0, 1]^dims: distances, and how far the farthest point lies.

Positions, blueprints, ideals and the shared purpose are points in this space;
alignment, tolerance checks, effort and closeness are all distances in it.
"""

from __future__ import annotations

import numpy as np

from coalition_sim.model.compiled import LazyKernels


def distances(positions: np.ndarray, point: np.ndarray) -> np.ndarray:
    """Euclidean distance of each row of ``positions`` (n, dims) to ``point`` (dims,).

    sqrt(Σ_k (x_ik − point_k)²), one compiled pass (:mod:`coalition_sim.model.goal_space_kernels`).
    """
    return KERNELS.distances(positions, point)


def clip(values: np.ndarray, low: float = 0.0, high: float = 1.0, out: np.ndarray | None = None) -> np.ndarray:
    """``np.clip(values, low, high)`` for values without NaN: the same numbers, a fraction of its call overhead."""
    return np.minimum(np.maximum(values, low, out=out), high, out=out)


def farthest_distance(purpose: np.ndarray) -> float:
    """Distance from ``purpose`` to the point of the unit box farthest from it."""
    return float(np.sqrt((np.maximum(purpose, 1.0 - purpose) ** 2).sum()))


KERNELS = LazyKernels("coalition_sim.model.goal_space_kernels")
"""The compiled loops of this mechanism, imported on first use (:mod:`coalition_sim.model.compiled`)."""

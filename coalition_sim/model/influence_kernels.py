"""Compiled bounded-confidence round (see :mod:`coalition_sim.model.influence`).

For each pair (a, b) of a disjoint matching with ||x_b - x_a|| < d, both move at
once, using their old positions (ODD §7.8):

    x_a <- x_a + mu (x_b - x_a),   x_b <- x_b - mu (x_b - x_a)

One loop over the pairs replaces the gathers, masks and scatters of the array
form. Numba compiles it on first use and caches the machine code next to this
file; this module is imported only when partners first influence each other, so
``coalition-sim --help`` and refused input never load Numba. The arithmetic is the
same, operation for operation, as the array form (no fast-math); the squared
distance adds the coordinates in order (the array form's einsum may pair them
differently in three dimensions, which moves only a pair at exactly distance d).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from coalition_sim.model.draws_kernels import generator, permutation


@njit(cache=True, nogil=True)
def deffuant_round(position: np.ndarray, pairs: np.ndarray, threshold: float, rate: float) -> None:
    """One round over ``pairs`` (k, 2): close pairs move ``rate`` of the way toward each other, in place."""
    dims = position.shape[1]
    gap = np.empty(dims)
    for p in range(pairs.shape[0]):
        a, b = pairs[p, 0], pairs[p, 1]
        squared = 0.0
        for d in range(dims):
            gap[d] = position[b, d] - position[a, d]
            squared += gap[d] * gap[d]
        if squared < threshold * threshold:
            for d in range(dims):
                shift = rate * gap[d]
                position[a, d] += shift
                position[b, d] -= shift


@njit(cache=True, nogil=True)
def vision_pull(position: np.ndarray, members: np.ndarray, purpose: np.ndarray, vision: float, rate: float) -> None:
    """x_i <- x_i + (rate · vision) (purpose - x_i) for every member i, in place (nothing when vision is 0)."""
    if vision > 0 and members.size:
        pull = rate * vision
        for i in members:
            for d in range(purpose.size):
                position[i, d] += pull * (purpose[d] - position[i, d])


@njit(cache=True, nogil=True)
def influence_within(draws, position: np.ndarray, group: np.ndarray, threshold: float, rate: float) -> None:
    """A random matching of ``group`` into disjoint pairs (``rng.permutation``), then one :func:`deffuant_round`."""
    shuffled = permutation(generator(draws), group)
    usable = shuffled.size - shuffled.size % 2
    if usable:
        deffuant_round(position, shuffled[:usable].reshape(-1, 2), threshold, rate)

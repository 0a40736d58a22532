"""Mutual influence: bounded confidence (Deffuant et al. 2000) and the vision pull.

Organizations that work together and stand closer than the threshold d move a
fraction mu toward each other (seed 001: mutual influence). With uniform initial
positions in [0, 1] and random pairwise meetings, about 1/(2d) clusters form.
The backbone's vision work pulls members toward the shared purpose (seed 000: why).
"""

from __future__ import annotations

import numpy as np

from coalition_sim.model.compiled import LazyKernels, as_index, draw_handle

VISION_RATE = 0.02
"""Monthly fraction of the way to the purpose that full vision work moves members."""


def random_pairs(rng: np.random.Generator, group: np.ndarray) -> np.ndarray:
    """A random matching of ``group`` into disjoint pairs, shape (k, 2)."""
    shuffled = rng.permutation(group)
    usable = shuffled.size - shuffled.size % 2
    return shuffled[:usable].reshape(-1, 2)


def influence_within(
    rng: np.random.Generator, position: np.ndarray, group: np.ndarray, threshold: float, rate: float
) -> None:
    """Partners in ``group`` meet in :func:`random_pairs` and take one :func:`deffuant_step`, in place.

    One compiled pass, the matching's draw included (:func:`coalition_sim.model.influence_kernels.influence_within`).
    """
    KERNELS.influence_within(draw_handle(rng), position, as_index(group), threshold, rate)


def deffuant_step(position: np.ndarray, pairs: np.ndarray, threshold: float, rate: float) -> None:
    """One round of bounded-confidence updates over disjoint pairs, in place.

    Args:
        position: (n, dims) positions.
        pairs: (k, 2) disjoint index pairs.
        threshold: d; pairs at distance < d influence each other.
        rate: mu in (0, 0.5]; each moves mu of the way toward the other.

    The loop over pairs is compiled (:func:`coalition_sim.model.influence_kernels.deffuant_round`).
    """
    if pairs.size == 0:
        return
    KERNELS.deffuant_round(position, as_index(pairs), threshold, rate)


KERNELS = LazyKernels("coalition_sim.model.influence_kernels")
"""The compiled loops of this mechanism, imported on first use (:mod:`coalition_sim.model.compiled`)."""


def vision_pull(position: np.ndarray, members: np.ndarray, purpose: np.ndarray, vision: float) -> None:
    """Move members toward the purpose by VISION_RATE * vision of the gap, in place.

    x_i <- x_i + VISION_RATE · b_vis · (purpose - x_i), one compiled pass
    (:func:`coalition_sim.model.influence_kernels.vision_pull`).
    """
    KERNELS.vision_pull(position, as_index(members), purpose, vision, VISION_RATE)

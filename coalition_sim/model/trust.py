"""Trust: the model's directed trust matrix T[i, j] in [0, 1] and its dynamics.

Working or meeting together closes a fraction of the gap to full trust
(diminishing returns); unused trust drifts back toward a baseline; failure
without shared measurement breeds blame; free riders lose their teammates' trust.

Decay touches every tie every month, which at 1,000 organizations would mean
a pass over millions of numbers. Because it is linear toward the baseline b,
the matrix is stored as ``T = b + scale * D``: one month of decay at rate r is
``scale *= 1 - r`` (exact, O(1)), and every read or write converts. The diagonal
(self-trust) is always 1.

The loops behind strengthen, weaken, fade, penalize and density are compiled
(:mod:`coalition_sim.model.trust_kernels`, loaded on first use).
"""

from __future__ import annotations

import numpy as np

from coalition_sim.model.compiled import LazyKernels, as_index

DENSE_TIE = 0.6
"""Trust at or above which a tie counts toward trust density."""
RESCALE_BELOW = 1e-3
"""When the decay scale falls below this, fold it back into D (a rare full pass)."""


class TrustMatrix:
    """Directed trust among organizations, indexable like a numpy array.

    Args:
        values: initial (n, n) trust in [0, 1].
        baseline: level that unused trust decays toward.
    """

    def __init__(self, values: np.ndarray, baseline: float) -> None:
        self.baseline = float(baseline)
        self.scale = 1.0
        self.dev = np.array(values, dtype=float) - self.baseline
        self._diag = np.arange(self.dev.shape[0])
        self._fix_diagonal()

    # ------------------------------------------------------------ array access
    @property
    def shape(self) -> tuple[int, int]:
        """(n, n)."""
        return self.dev.shape

    @property
    def values(self) -> np.ndarray:
        """The full matrix as a new array."""
        return self.baseline + self.scale * self.dev

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        return self.values if dtype is None else self.values.astype(dtype)

    def __getitem__(self, key) -> np.ndarray:
        return self.baseline + self.scale * self.dev[key]

    def __setitem__(self, key, value) -> None:
        self.dev[key] = (np.asarray(value, dtype=float) - self.baseline) / self.scale
        self._fix_diagonal()

    def _fix_diagonal(self) -> None:
        KERNELS.set_diagonal(self.dev, self.diagonal())

    def diagonal(self) -> float:
        """Stored value of self-trust (T = 1)."""
        return (1.0 - self.baseline) / self.scale

    # ------------------------------------------------------------ dynamics
    def decay(self, rate: float) -> None:
        """Every tie drifts a fraction ``rate`` of the way back to the baseline."""
        self.scale *= 1.0 - rate
        if self.scale < RESCALE_BELOW:
            self.dev *= self.scale
            self.scale = 1.0
        self._fix_diagonal()

    def strengthen(self, group: np.ndarray, rate: float) -> None:
        """Ties within ``group`` close ``rate`` of their gap to 1: T += rate * (1 - T)."""
        if group.size >= 2 and rate > 0:
            self._affine_within(group, 1.0 - rate, rate * (1.0 - self.baseline) / self.scale)

    def weaken(self, group: np.ndarray, fraction: float) -> None:
        """Ties within ``group`` lose ``fraction`` of their value: T *= 1 - fraction."""
        if group.size >= 2 and fraction > 0:
            self._affine_within(group, 1.0 - fraction, -fraction * self.baseline / self.scale)

    def _affine_within(self, group: np.ndarray, factor: float, offset: float) -> None:
        """D = D * factor + offset on the block group x group (an affine map of T)."""
        KERNELS.affine_within(self.dev, as_index(group), factor, offset, self.diagonal())

    def fade(self, who: np.ndarray, keep: float) -> None:
        """Ties from and to ``who`` keep ``keep`` of their height above the baseline: T = b + keep (T - b).

        In the stored form this is D *= keep on their rows and columns (no conversion).
        """
        if who.size == 0 or keep == 1.0:
            return
        KERNELS.fade(self.dev, as_index(who), keep, self.diagonal())

    def penalize(self, observers: np.ndarray, targets: np.ndarray, fraction: float) -> None:
        """Observers' trust in ``targets`` (free riders) loses ``fraction``."""
        if targets.size == 0 or observers.size == 0:
            return
        KERNELS.penalize(
            self.dev,
            as_index(observers),
            as_index(targets),
            self.baseline,
            self.scale,
            1.0 - fraction,
            self.diagonal(),
        )

    # ------------------------------------------------------------ summaries
    def ties_toward(self, group: np.ndarray) -> np.ndarray:
        """For every organization, the sum of its trust in the members of ``group``.

        One matrix-vector product, shared by satisfaction, pull and metrics.
        """
        weights = np.zeros(self.dev.shape[0])
        weights[group] = 1.0
        return self.baseline * group.size + self.scale * self.dev.dot(weights)  # dot: the same product, less overhead

    def mean_among(self, group: np.ndarray, ties: np.ndarray | None = None) -> float:
        """Mean trust among members of ``group``, self-trust excluded (0 if fewer than 2).

        ``ties`` may pass a precomputed ``ties_toward(group)``.
        """
        k = group.size
        if k < 2:
            return 0.0
        if ties is not None:
            total = ties[group].sum()
        elif k * k <= self.dev.shape[0]:  # small group: gather the block
            total = self.baseline * k * k + self.scale * self.dev[group[:, None], group].sum()
        else:  # large group: one matrix-vector product beats the gather
            total = self.ties_toward(group)[group].sum()
        return float((total - k) / (k * (k - 1)))

    def density_among(self, group: np.ndarray) -> float:
        """Share of ties within ``group`` at or above DENSE_TIE (self-ties excluded)."""
        k = group.size
        if k < 2:
            return 0.0
        threshold = (DENSE_TIE - self.baseline) / self.scale
        dense = KERNELS.count_at_least(self.dev, as_index(group), threshold) - k
        return float(dense / (k * (k - 1)))


KERNELS = LazyKernels("coalition_sim.model.trust_kernels")
"""The compiled loops of this mechanism, imported on first use (:mod:`coalition_sim.model.compiled`)."""

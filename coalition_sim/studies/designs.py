"""Experimental designs: which parameter values a study runs, and with which seeds.

A :class:`Factor` is one varied parameter (explicit levels or a ``[low, high]``
range). A design turns factors into points (one dict of values per point):

* :func:`factorial`: every combination of levels (ranges need ``num`` levels);
* :func:`latin_hypercube`: ``n`` points from ``scipy.stats.qmc.LatinHypercube``;
* :func:`sobol`: Saltelli's layout from ``scipy.stats.qmc.Sobol(2d)``: blocks A,
  B, then AB_i (A with column i from B) for each factor i, N rows each;
* :func:`morris`: ``r`` one-at-a-time trajectories on a ``p``-level grid (Morris 1991), d + 1
  points each, tagged ``T0``, ``T1``, ... in the block column.

:func:`run_seeds` gives common random numbers: a run's seed depends on its
replication and on the point's non-arm values, never on its arm (governance,
backbone), so arms are compared on the same draws.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from coalition_sim.studies.runner import spawn_seeds

KINDS = ("factorial", "lhs", "sobol", "morris")
"""Design kinds a study may name."""
DESIGN_STREAM = 0x5EED
"""Second word of the design sampler's seed, so it never equals a run seed's stream."""


@dataclass(frozen=True)
class Factor:
    """One varied parameter.

    Attributes:
        name: model parameter name.
        kind: ``int``, ``float`` or ``choice``.
        levels: explicit values (a list in the study), or None for a range.
        low: lower end of a range.
        high: upper end of a range.
        num: number of evenly spaced levels a range gives in a factorial design.
    """

    name: str
    kind: str
    levels: tuple | None = None
    low: float | None = None
    high: float | None = None
    num: int | None = None

    def grid(self) -> list:
        """Levels for a factorial design."""
        if self.levels is not None:
            return list(self.levels)
        values = np.linspace(self.low, self.high, self.num)
        if self.kind == "int":
            return sorted({int(round(v)) for v in values})
        return [float(v) for v in values]

    def from_unit(self, u: np.ndarray) -> list:
        """Map samples in [0, 1) to this factor's values (uniform over levels or range)."""
        u = np.asarray(u, dtype=float)
        if self.levels is not None:
            index = np.minimum((u * len(self.levels)).astype(int), len(self.levels) - 1)
            return [self.levels[i] for i in index]
        if self.kind == "int":
            width = self.high - self.low + 1
            return [int(min(self.low + math.floor(x * width), self.high)) for x in u]
        return [float(self.low + x * (self.high - self.low)) for x in u]


@dataclass(frozen=True)
class Design:
    """The points of a study: varied values per point, and Sobol blocks if any."""

    points: list[dict[str, Any]]
    blocks: list[str | None]

    def __len__(self) -> int:
        return len(self.points)


def factorial(factors: list[Factor]) -> Design:
    """Every combination of the factors' levels, the last factor varying fastest."""
    grids = [f.grid() for f in factors]
    points = [dict(zip([f.name for f in factors], combo)) for combo in itertools.product(*grids)]
    return Design(points, [None] * len(points))


def latin_hypercube(factors: list[Factor], n: int, master_seed: int) -> Design:
    """``n`` points of a Latin hypercube over the factors."""
    from scipy.stats import qmc

    sample = qmc.LatinHypercube(len(factors), **_rng_kw(qmc.LatinHypercube, master_seed)).random(n)
    return Design(_to_points(factors, sample), [None] * n)


def sobol(factors: list[Factor], n: int, master_seed: int) -> Design:
    """Saltelli's points: A, B, AB_0 .. AB_{d-1} (``n`` rows each; ``n`` a power of two)."""
    from scipy.stats import qmc

    if n < 1 or n & (n - 1):
        raise ValueError(f"Sobol designs need a power of two samples, got {n}")
    d = len(factors)
    base = qmc.Sobol(2 * d, **_rng_kw(qmc.Sobol, master_seed)).random_base2(int(math.log2(n)))
    a, b = base[:, :d], base[:, d:]
    matrices, blocks = [a, b], ["A", "B"]
    for i in range(d):
        ab = a.copy()
        ab[:, i] = b[:, i]
        matrices.append(ab)
        blocks.append(f"AB{i}")
    points = [p for m in matrices for p in _to_points(factors, m)]
    return Design(points, [tag for tag in blocks for _ in range(n)])


def morris(factors: list[Factor], trajectories: int, master_seed: int, levels: int = 4) -> Design:
    """Morris (1991) elementary-effects trajectories on a ``levels``-level grid in [0, 1].

    Each trajectory starts at a random grid point and moves every factor once, in random
    order, by Delta = levels / (2 (levels - 1)) up or down, so consecutive points differ in
    one factor: d + 1 points per trajectory, tagged ``T<k>``.
    """
    d = len(factors)
    rng = np.random.default_rng([master_seed, DESIGN_STREAM, 0x3011])
    delta = levels / (2 * (levels - 1))
    lower = np.arange(levels // 2) / (levels - 1)  # start values from which +Delta stays in [0, 1]
    points, blocks = [], []
    for k in range(trajectories):
        up = rng.random(d) < 0.5
        x = rng.choice(lower, d) + np.where(up, 0.0, delta)
        unit = [x.copy()]
        for i in rng.permutation(d):
            x[i] += delta if up[i] else -delta
            unit.append(x.copy())
        points += _to_points(factors, np.clip(np.array(unit), 0.0, 1.0))
        blocks += [f"T{k}"] * (d + 1)
    return Design(points, blocks)


def make_design(
    kind: str, factors: list[Factor], samples: int | None, master_seed: int, levels: int | None = None
) -> Design:
    """The design a study names (``factorial``, ``lhs``, ``sobol`` or ``morris``)."""
    if not factors:
        return Design([{}], [None])
    if kind == "factorial":
        return factorial(factors)
    if kind == "lhs":
        return latin_hypercube(factors, samples, master_seed)
    if kind == "sobol":
        return sobol(factors, samples, master_seed)
    if kind == "morris":
        return morris(factors, samples, master_seed, levels or 4)
    raise ValueError(f"design kind {kind!r} is not one of {', '.join(KINDS)}")


def run_seeds(points: list[dict], arms: list[str] | tuple, replications: int, master_seed: int) -> np.ndarray:
    """Seeds per (point, replication) under common random numbers across arms.

    Points that differ only in arm values share seeds: the seed of replication r
    at a point is child ``k * replications + r`` of ``SeedSequence(master_seed)``,
    where k numbers the distinct non-arm settings in order of first appearance.

    Returns:
        An integer array of shape (len(points), replications).
    """
    keys: dict[tuple, int] = {}
    index = []
    for point in points:
        key = tuple(sorted((k, _hashable(v)) for k, v in point.items() if k not in arms))
        index.append(keys.setdefault(key, len(keys)))
    seeds = np.array(spawn_seeds(master_seed, len(keys) * replications), dtype=np.int64)
    return seeds.reshape(len(keys), replications)[np.array(index, dtype=int)]


def _to_points(factors: list[Factor], unit: np.ndarray) -> list[dict]:
    columns = [f.from_unit(unit[:, j]) for j, f in enumerate(factors)]
    names = [f.name for f in factors]
    return [dict(zip(names, row)) for row in zip(*columns)]


def _rng_kw(sampler, master_seed: int) -> dict:
    """The sampler's random source from the master seed (``rng=`` in SciPy >= 1.15, else ``seed=``)."""
    import inspect

    rng = np.random.default_rng([master_seed, DESIGN_STREAM])
    key = "rng" if "rng" in inspect.signature(sampler.__init__).parameters else "seed"
    return {key: rng}


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value

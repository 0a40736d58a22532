"""The environment: initiatives arrive, and shocks shift the skills they need.

Needs are a weight vector over roles. Each initiative draws its theory of change
(two roles) from these weights. A shock (seed 003 p.6: a crisis that needs
lawyers instead of aid agencies) makes one new role dominant; a coalition whose
composition adapts keeps covering what initiatives need.

Each month: with probability shock_rate, one role other than the dominant one,
drawn uniformly, becomes dominant: needs are DOMINANT_WEIGHT at it and an equal
share of the rest at every other role. Then k ~ Poisson(rate) initiatives
arrive, each drawn in turn: its ideal is the purpose plus normal noise of sd
spread on each dimension, clipped to [0, 1]; its two roles are a draw without
replacement weighted by needs (the two largest keys U_r^(1/needs_r), U uniform),
half its needs each; its required capacity is size times a lognormal of mean 1
(sigma SIZE_SIGMA); its value a lognormal of mean 1 (sigma VALUE_SIGMA). The
draws are made in compiled code (:mod:`coalition_sim.model.environment_kernels`),
the same numbers, in the same order, as numpy's.
"""

from __future__ import annotations

import numpy as np

from coalition_sim.model.compiled import LazyKernels, draw_handle
from coalition_sim.model.initiative import ROLES, Initiative

DOMINANT_WEIGHT = 0.5
"""Share of needs that a shock gives to its role."""
VALUE_SIGMA = 0.4
"""Lognormal sigma of initiative values (mean value 1)."""
SIZE_SIGMA = 0.4
"""Lognormal sigma of required capacity around initiative_size."""


class Environment:
    """Arrival of initiatives and shifts in needed skills.

    Args:
        rng: the model's numpy Generator.
        purpose: the shared purpose (centre of initiatives' ideals).
        rate, size, window, spread, shock_rate: see :mod:`coalition_sim.model.params`.
    """

    def __init__(self, rng, purpose, rate, size, window, spread, shock_rate):
        self.rng = rng
        self.purpose = purpose
        self.rate, self.size, self.window = float(rate), float(size), window
        self.spread, self.shock_rate = float(spread), float(shock_rate)  # floats: one compiled form of each pass
        self.needs = np.full(len(ROLES), 1.0 / len(ROLES))
        self.dominant: int | None = None
        self._next_uid = 0

    def shock(self) -> int | None:
        """With probability shock_rate, make a new role dominant; return it."""
        role = KERNELS.shock(
            draw_handle(self.rng), self.shock_rate, -1 if self.dominant is None else self.dominant, self.needs,
            DOMINANT_WEIGHT,
        )  # fmt: skip
        if role < 0:
            return None
        self.dominant = int(role)
        return self.dominant

    def arrivals(self, now: int) -> list[Initiative]:
        """New initiatives this month (Poisson number)."""
        ideal, required, needs, value = KERNELS.arrivals(
            draw_handle(self.rng), self.purpose, self.rate, self.spread, self.needs, self.size, SIZE_SIGMA, VALUE_SIGMA
        )
        return [self._initiative(now, *drawn) for drawn in zip(ideal, required.tolist(), needs, value.tolist())]

    def _new(self, now: int) -> Initiative:
        """One new initiative, drawn as each of a month's arrivals is."""
        return self._initiative(
            now,
            *KERNELS.one_initiative(
                draw_handle(self.rng), self.purpose, self.spread, self.needs, self.size, SIZE_SIGMA, VALUE_SIGMA
            ),
        )

    def _initiative(self, now: int, ideal: np.ndarray, required: float, needs: np.ndarray, value: float) -> Initiative:
        uid, self._next_uid = self._next_uid, self._next_uid + 1
        return Initiative(
            uid=uid, arrived=now, ideal=ideal, required=required, needs=needs, window=self.window, value=value
        )


KERNELS = LazyKernels("coalition_sim.model.environment_kernels")
"""The compiled passes of the environment, imported on first use (:mod:`coalition_sim.model.compiled`)."""

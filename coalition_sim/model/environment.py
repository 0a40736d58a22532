"""The environment: initiatives arrive, and shocks shift the skills they need.

Needs are a weight vector over roles. Each initiative draws its theory of change
(two roles) from these weights. A shock (seed 003 p.6: a crisis that needs
lawyers instead of aid agencies) makes one new role dominant; a coalition whose
composition adapts keeps covering what initiatives need.
"""

from __future__ import annotations

import numpy as np

from coalition_sim.model.goal_space import clip
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
        self.rate, self.size, self.window = rate, size, window
        self.spread, self.shock_rate = spread, shock_rate
        self.needs = np.full(len(ROLES), 1.0 / len(ROLES))
        self.dominant: int | None = None
        self._next_uid = 0

    def shock(self) -> int | None:
        """With probability shock_rate, make a new role dominant; return it."""
        if self.rng.random() >= self.shock_rate:
            return None
        choices = [r for r in range(len(ROLES)) if r != self.dominant]
        role = int(self.rng.choice(choices))
        self.needs = np.full(len(ROLES), (1.0 - DOMINANT_WEIGHT) / (len(ROLES) - 1))
        self.needs[role] = DOMINANT_WEIGHT
        self.dominant = role
        return role

    def arrivals(self, now: int) -> list[Initiative]:
        """New initiatives this month (Poisson number)."""
        return [self._new(now) for _ in range(self.rng.poisson(self.rate))]

    def _new(self, now: int) -> Initiative:
        dims = self.purpose.size
        ideal = clip(self.purpose + self.rng.normal(0.0, self.spread, dims))
        keys = self.rng.random(len(ROLES)) ** (1.0 / self.needs)  # weighted draw without replacement
        roles = np.argpartition(-keys, 2)[:2]
        needs = np.zeros(len(ROLES))
        needs[roles] = 0.5
        uid, self._next_uid = self._next_uid, self._next_uid + 1
        return Initiative(
            uid=uid,
            arrived=now,
            ideal=ideal,
            required=self.size * float(self.rng.lognormal(-(SIZE_SIGMA**2) / 2, SIZE_SIGMA)),
            needs=needs,
            window=self.window,
            value=float(self.rng.lognormal(-(VALUE_SIGMA**2) / 2, VALUE_SIGMA)),
        )

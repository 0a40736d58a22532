"""The Organization agent: a thin view over its row of the model's arrays.

The model owns every number in numpy arrays so that a month costs the same at
30 or 1,000 organizations; an Organization reads and writes its own row. Use it
to inspect one organization (``model.orgs[3].energy``), to draw it, or to
write agent-level reporters.
"""

from __future__ import annotations

import mesa
import numpy as np

from coalition_sim.model.population import SECTORS, STATUS_NAMES


class Organization(mesa.Agent):
    """One organization (a Mesa agent).

    Args:
        model: the CoalitionModel that owns the arrays.
        index: its row in the model's arrays.
    """

    def __init__(self, model, index: int) -> None:
        super().__init__(model)
        self.index = index

    name = property(lambda self: self.model.names[self.index])
    sector = property(lambda self: SECTORS[self.model.sector[self.index]])
    capacity = property(lambda self: float(self.model.capacity[self.index]))
    tolerance = property(lambda self: float(self.model.tolerance[self.index]))
    patience = property(lambda self: float(self.model.patience[self.index]))
    status = property(lambda self: STATUS_NAMES[self.model.status[self.index]])
    exit_cause = property(lambda self: self.model.exit_cause.get(self.index))
    backbone_trust = property(lambda self: float(self.model.backbone_trust[self.index]))

    @property
    def position(self) -> np.ndarray:
        """Position in goal space (a view: writing to it moves the organization)."""
        return self.model.position[self.index]

    @property
    def skills(self) -> dict[str, float]:
        """Skill per role."""
        from coalition_sim.model.initiative import ROLES

        return dict(zip(ROLES, map(float, self.model.skills[self.index])))

    @property
    def energy(self) -> float:
        """Morale in [0, 1]."""
        return float(self.model.energy[self.index])

    @energy.setter
    def energy(self, value: float) -> None:
        self.model.energy[self.index] = value

    @property
    def alignment(self) -> float:
        """1 at the shared purpose, 0 at the far corner of the goal space."""
        return float(self.model.alignment(np.array([self.index]))[0])

    def trust_in(self, other: Organization) -> float:
        """This organization's trust in another."""
        return float(self.model.trust[self.index, other.index])

    def __repr__(self) -> str:
        return f"<Organization {self.name!r} {self.sector} {self.status}>"

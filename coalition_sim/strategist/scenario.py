"""A strategist's scenario: a real coalition, its uncertain numbers, and draws from it.

A scenario names the organizations (core members and a wider network that could
join), what each can give and where it stands, who already trusts whom, the
backbone as it is today, the initiatives the coalition expects, and the horizon.
Any number may be uncertain (:mod:`coalition_sim.strategist.uncertain`).
:meth:`Scenario.sample` draws one concrete coalition from it. Reading and
checking the TOML file is :mod:`coalition_sim.strategist.scenario_file`.

Alignment ``a`` is the model's own measure (``CoalitionModel.alignment``): 1 at the
shared purpose, 0 at the point of the goal space farthest from it. An organization
with alignment ``a`` is placed at distance ``(1 - a) * sqrt(dims) / 2`` from the
purpose (the centre of the goal space) in a randomly drawn direction that keeps it
inside the space.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from coalition_sim.model.goal_space import farthest_distance
from coalition_sim.model.initiative import ROLES
from coalition_sim.model.population import CORE, NETWORK, NETWORK_TRUST_FACTOR, SECTOR_SKILLS, SECTORS, Population
from coalition_sim.strategist.uncertain import Uncertain

SECTION_PARAMS = {
    "backbone": {"strength": "backbone_strength", "cut_month": "backbone_cut_month", "after_cut": "backbone_after_cut"},
    "initiatives": {
        "rate": "initiative_rate",
        "size": "initiative_size",
        "spread": "initiative_spread",
        "window": "initiative_window",
        "shock_rate": "shock_rate",
    },
}
"""Scenario keys that map onto model parameters."""


# ---------------------------------------------------------------------------- the scenario


@dataclass(frozen=True)
class Organization:
    """One named organization as the file describes it."""

    name: str
    sector: str
    member: bool
    path: str
    note: str = ""


@dataclass(frozen=True)
class Input:
    """One numeric leaf of the scenario: where it is, what it means, its value."""

    path: str
    label: str
    value: Uncertain
    given: bool = True
    """False when the file left it out and the default was used."""


@dataclass(frozen=True)
class TrustPair:
    """Known trust from ``source`` to ``target`` (and back when ``mutual``)."""

    source: str
    target: str
    mutual: bool
    path: str


@dataclass
class Draw:
    """One concrete coalition drawn from a scenario.

    Attributes:
        population: the organizations, core first then network.
        params: model keyword arguments (governance left to the options).
        inputs: the drawn value of every uncertain input, by path.
    """

    population: Population
    params: dict
    inputs: dict[str, float]


@dataclass(frozen=True)
class Scenario:
    """A validated scenario; see the module docstring and ``coalition-sim scenario template``.

    Attributes:
        name, description: free text.
        path: the file it came from ('' if built in code).
        horizon: months to simulate.
        goal_dims: dimensions of the goal space.
        organizations: core members then the wider network.
        inputs: every numeric value, in drawing order, by path.
        pairs: known trust between named organizations (values in ``inputs``).
        fixed_params: non-numeric model parameters from [model] (e.g. disabled_effects).
    """

    name: str
    description: str
    path: str
    horizon: int
    goal_dims: int
    organizations: tuple[Organization, ...]
    inputs: tuple[Input, ...]
    pairs: tuple[TrustPair, ...]
    fixed_params: dict = field(default_factory=dict)

    @property
    def members(self) -> list[Organization]:
        """Core members, in file order."""
        return [o for o in self.organizations if o.member]

    @property
    def network(self) -> list[Organization]:
        """Wider-network organizations, in file order."""
        return [o for o in self.organizations if not o.member]

    def input(self, path: str) -> Input | None:
        """The input at ``path``, or None."""
        return next((i for i in self.inputs if i.path == path), None)

    def uncertain(self) -> list[Input]:
        """The inputs that are not fixed (what a comparison is uncertain about)."""
        return [i for i in self.inputs if not i.value.fixed]

    def sample(self, rng: np.random.Generator) -> tuple[Population, dict]:
        """Draw one concrete coalition: (Population, model parameters)."""
        d = self.draw(rng)
        return d.population, d.params

    def draw(self, rng: np.random.Generator) -> Draw:
        """Draw every input once, then place organizations and build the population."""
        values = {i.path: i.value.draw(rng) for i in self.inputs}
        population = self._population(values, rng)
        params = {
            "n_orgs": len(self.members),
            "goal_dims": self.goal_dims,
            "initial_trust": values["trust.default"],
            **self.fixed_params,
        }
        for section, mapping in SECTION_PARAMS.items():
            for key, name in mapping.items():
                params[name] = values[f"{section}.{key}"]
        params.update({p[len("model.") :]: v for p, v in values.items() if p.startswith("model.")})
        inputs = {i.path: values[i.path] for i in self.uncertain()}
        return Draw(population, params, inputs)

    def _population(self, values: dict[str, float], rng: np.random.Generator) -> Population:
        orgs = self.organizations
        n, dims = len(orgs), self.goal_dims
        purpose = np.full(dims, 0.5)
        sector = np.array([SECTORS.index(o.sector) for o in orgs], dtype=int)
        skills = np.array([SECTOR_SKILLS[o.sector] for o in orgs], dtype=float)
        position = np.empty((n, dims))
        for i, o in enumerate(orgs):
            for r, role in enumerate(ROLES):
                skills[i, r] = values.get(f"{o.path}.skills.{role}", skills[i, r])
            if f"{o.path}.position[0]" in values:
                position[i] = [values[f"{o.path}.position[{k}]"] for k in range(dims)]
            else:
                position[i] = place(rng, purpose, values[f"{o.path}.alignment"])
        col = {
            key: np.array([values[f"{o.path}.{key}"] for o in orgs], dtype=float)
            for key in ("capacity", "tolerance", "patience", "energy")
        }
        member = np.array([o.member for o in orgs])
        return Population(
            sector=sector,
            capacity=col["capacity"],
            position=position,
            tolerance=col["tolerance"],
            skills=skills,
            patience=col["patience"],
            energy=col["energy"],
            status=np.where(member, CORE, NETWORK),
            trust=self._trust(values, member),
            backbone_trust=np.full(n, values.get("trust.backbone", values["trust.default"])),
            purpose=purpose,
            names=[o.name for o in orgs],
        )

    def _trust(self, values: dict[str, float], member: np.ndarray) -> np.ndarray:
        both = member[:, None] & member[None, :]
        network = values.get("trust.network", NETWORK_TRUST_FACTOR * values["trust.default"])
        trust = np.where(both, values["trust.default"], network)
        index = {o.name: i for i, o in enumerate(self.organizations)}
        for pair in self.pairs:
            i, j = index[pair.source], index[pair.target]
            trust[i, j] = values[f"{pair.path}.value"]
            if pair.mutual:
                trust[j, i] = trust[i, j]
        np.fill_diagonal(trust, 1.0)
        return trust


def place(rng: np.random.Generator, purpose: np.ndarray, alignment: float) -> np.ndarray:
    """A position whose model alignment is ``alignment``, inside [0, 1]^dims.

    Its distance from the purpose is (1 - alignment) times the distance from the
    purpose to the farthest point of the goal space (sqrt(dims) / 2 for a centred
    purpose). The direction is drawn uniformly on the sphere; directions that would
    leave the goal space are redrawn (a few times, then the direction of a random
    corner, which always fits).
    """
    dims = purpose.size
    radius = (1.0 - alignment) * farthest_distance(purpose)
    for _ in range(50):
        u = rng.normal(size=dims)
        norm = float(np.linalg.norm(u))
        if norm == 0:
            continue
        point = purpose + radius * u / norm
        if np.all((point >= -1e-12) & (point <= 1 + 1e-12)):
            return np.clip(point, 0.0, 1.0)
    corner = rng.choice([-1.0, 1.0], size=dims) / math.sqrt(dims)
    return np.clip(purpose + radius * corner, 0.0, 1.0)

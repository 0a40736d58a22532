"""The initial organizations: who they are, what they can give, where they stand.

A :class:`Population` is a bundle of arrays, one row per organization (core
members first, then the wider network). :func:`generate` draws one from the
model parameters; a strategist's scenario builds one by hand from named
partners (``coalition_sim.strategist.scenario``). The model copies it and owns the copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from coalition_sim.model.goal_space import clip
from coalition_sim.model.initiative import ROLES
from coalition_sim.util.errors import InputError

SECTORS = ("nonprofit", "business", "government", "academia", "community")

CORE, NETWORK, EXITED = 0, 1, 2
STATUS_NAMES = ("core", "network", "exited")

SECTOR_SKILLS = {
    # research, communications, policy, service, legal, convening
    "nonprofit": (0.3, 0.5, 0.6, 0.8, 0.2, 0.5),
    "business": (0.3, 0.8, 0.3, 0.4, 0.5, 0.3),
    "government": (0.4, 0.3, 0.8, 0.6, 0.6, 0.5),
    "academia": (0.9, 0.4, 0.5, 0.2, 0.3, 0.3),
    "community": (0.2, 0.5, 0.3, 0.7, 0.1, 0.9),
}
"""Typical skill profile of each sector over ROLES (seed 002, seed 003 p.7)."""
SKILL_NOISE = 0.2
"""Std of an organization's skills around its sector's profile."""
NETWORK_TRUST_FACTOR = 0.5
"""Initial trust involving wider-network organizations, relative to core trust."""
TRUST_NOISE = 0.1
"""Std of initial pairwise trust around initial_trust."""


@dataclass
class Population:
    """Arrays describing every organization, core members first.

    Attributes:
        sector: index into SECTORS.
        capacity: what each can put in per month (> 0).
        position: goal-space position, shape (n, dims), in [0, 1].
        tolerance: how far a blueprint may lie before it objects.
        skills: shape (n, len(ROLES)), in [0, 1].
        patience: poor months in a row tolerated before leaving.
        energy: morale in [0, 1].
        status: CORE, NETWORK or EXITED.
        trust: directed trust matrix T[i, j] in [0, 1].
        backbone_trust: each organization's trust in the backbone.
        purpose: the shared purpose, shape (dims,).
        names: display names.
    """

    sector: np.ndarray
    capacity: np.ndarray
    position: np.ndarray
    tolerance: np.ndarray
    skills: np.ndarray
    patience: np.ndarray
    energy: np.ndarray
    status: np.ndarray
    trust: np.ndarray
    backbone_trust: np.ndarray
    purpose: np.ndarray
    names: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        """Number of organizations, core and network."""
        return int(self.capacity.size)

    def copy(self) -> Population:
        """A deep copy (the model mutates its own)."""
        arrays = {k: (v.copy() if isinstance(v, np.ndarray) else list(v)) for k, v in self.__dict__.items()}
        return Population(**arrays)


def check_population(pop: Population) -> None:
    """Refuse a hand-built population whose arrays are inconsistent or out of range.

    Raises:
        InputError: naming the field and what is allowed.
    """
    n = pop.size
    dims = pop.purpose.size
    shapes = {
        "sector": (n,),
        "capacity": (n,),
        "position": (n, dims),
        "tolerance": (n,),
        "skills": (n, len(ROLES)),
        "patience": (n,),
        "energy": (n,),
        "status": (n,),
        "trust": (n, n),
        "backbone_trust": (n,),
    }
    for name, shape in shapes.items():
        value = getattr(pop, name)
        if np.shape(value) != shape:
            raise InputError(f"population.{name} has shape {np.shape(value)}: allowed {shape}")
        if not np.all(np.isfinite(value)):
            raise InputError(f"population.{name} has a missing or infinite value")
    checks = [
        ("capacity", pop.capacity > 0, "> 0"),
        ("tolerance", pop.tolerance > 0, "> 0"),
        ("patience", pop.patience >= 1, ">= 1"),
        ("purpose", (pop.purpose >= 0) & (pop.purpose <= 1), "in [0, 1]"),
    ]
    for name, values in (
        ("position", pop.position),
        ("skills", pop.skills),
        ("energy", pop.energy),
        ("trust", pop.trust),
        ("backbone_trust", pop.backbone_trust),
    ):
        checks.append((name, (values >= 0) & (values <= 1), "in [0, 1]"))
    for name, ok, allowed in checks:
        if not np.all(ok):
            raise InputError(f"population.{name} has a value out of range: allowed {allowed}")
    if not 1 <= dims <= 3:
        raise InputError(f"population.purpose has {dims} dimensions: allowed 1 to 3")
    if not np.all(np.isin(pop.status, (CORE, NETWORK, EXITED))) or not np.any(pop.status == CORE):
        raise InputError("population.status needs at least one core member and only core/network/exited values")
    if len(pop.names) != n:
        raise InputError(f"population.names has {len(pop.names)} names for {n} organizations")


GENERATION_PARAMS = (
    "n_orgs",
    "network_ratio",
    "n_sectors",
    "capacity_inequality",
    "goal_dims",
    "alignment_spread",
    "tolerance",
    "initial_trust",
    "initial_energy",
    "patience",
)
"""The model parameters a drawn population is made from (the keyword arguments of :func:`generate`)."""


def generate(
    rng: np.random.Generator,
    *,
    n_orgs: int,
    network_ratio: float,
    n_sectors: int,
    capacity_inequality: float,
    goal_dims: int,
    alignment_spread: float,
    tolerance: float,
    initial_trust: float,
    initial_energy: float,
    patience: float,
) -> Population:
    """Draw a population from the model parameters (see :mod:`coalition_sim.model.params`)."""
    n_network = int(round(n_orgs * network_ratio))
    n = n_orgs + n_network
    purpose = np.full(goal_dims, 0.5)
    sector = rng.integers(0, n_sectors, size=n)
    profile = np.array([SECTOR_SKILLS[s] for s in SECTORS])[sector]
    capacity = rng.lognormal(-(capacity_inequality**2) / 2, capacity_inequality, size=n)
    return Population(
        sector=sector,
        capacity=capacity / capacity.mean() if n > 1 else np.ones(n),
        position=np.clip(purpose + rng.normal(0.0, alignment_spread, (n, goal_dims)), 0.0, 1.0),
        tolerance=tolerance * rng.uniform(0.5, 1.5, size=n),
        skills=np.clip(profile + rng.normal(0.0, SKILL_NOISE, profile.shape), 0.0, 1.0),
        patience=np.maximum(1, rng.poisson(patience, size=n)).astype(float),
        energy=np.full(n, initial_energy),
        status=np.where(np.arange(n) < n_orgs, CORE, NETWORK),
        trust=initial_trust_matrix(rng, n, n_orgs, initial_trust),
        backbone_trust=np.full(n, initial_trust),
        purpose=purpose,
        names=[f"Org {i}" for i in range(n)],
    )


def initial_trust_matrix(rng: np.random.Generator, n: int, n_core: int, level: float) -> np.ndarray:
    """Trust among core members near ``level``; ties with the network weaker."""
    trust = level + rng.normal(0.0, TRUST_NOISE, size=(n, n))
    trust[n_core:, :] *= NETWORK_TRUST_FACTOR
    trust[:, n_core:] *= NETWORK_TRUST_FACTOR
    np.fill_diagonal(trust, 1.0)
    return clip(trust, out=trust)

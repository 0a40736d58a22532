"""The governance rule interface and registry.

A rule turns the month's pending initiatives into decisions. It reads the model's
state (positions, tolerances, skills, energy, trust, the backbone) and its random
generator, and returns :class:`Decision` objects; the model loop applies them. A
rule keeps no state of its own between months, so it never needs the model loop
to be edited: write a subclass in a new module, decorate it with
:func:`register`, and pass its name as ``CoalitionModel(governance=...)``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from coalition_sim.model.compiled import LazyKernels
from coalition_sim.util.errors import InputError, suggest

if TYPE_CHECKING:  # pragma: no cover
    from coalition_sim.model.initiative import Initiative
    from coalition_sim.model.model import CoalitionModel

ADOPTED = "adopted"
BLOCKED = "blocked"


@dataclass
class Decision:
    """What a rule decided about one pending initiative this month.

    Attributes:
        initiative: the initiative decided on.
        outcome: ``"adopted"`` or ``"blocked"``.
        blueprint: the draft's position in goal space (adopted or not).
        participants: indices of organizations that will do the work.
        attendees: indices of organizations that sat in the meetings.
        rounds: meeting rounds spent this month.
        reason: plain-language reason for a block ('' when adopted).
        dissenters: members who object to an adopted blueprint carried out in the coalition's
            name (stand-asiders under consensus, objectors under opt-in); they do not work on
            it and pay what dissent costs them (``membership.DISSENT_COST``).
        by_coordinator: the blueprint is the coordinator's (opt-in), so dissenters also lose
            trust in it (:mod:`coalition_sim.model.legitimacy`).
    """

    initiative: Initiative
    outcome: str
    blueprint: np.ndarray
    participants: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.intp))
    attendees: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.intp))
    rounds: int = 0
    reason: str = ""
    dissenters: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.intp))
    by_coordinator: bool = False


class GovernanceRule(ABC):
    """Base class for decision rules. Subclasses set ``name`` and ``decide``."""

    name: str = ""

    @abstractmethod
    def decide(self, model: CoalitionModel, pending: list[Initiative]) -> list[Decision]:
        """Decide on each pending initiative; one Decision per initiative."""


_REGISTRY: dict[str, type[GovernanceRule]] = {}


def register(cls: type[GovernanceRule]) -> type[GovernanceRule]:
    """Class decorator that makes a rule available by its ``name``."""
    if not cls.name:
        raise InputError(f"{cls.__name__} needs a non-empty 'name'")
    _REGISTRY[cls.name] = cls
    return cls


def rule_names() -> list[str]:
    """Names of all registered rules."""
    return sorted(_REGISTRY)


def make_rule(name: str) -> GovernanceRule:
    """Instantiate the registered rule called ``name``."""

    if name not in _REGISTRY:
        raise InputError(
            f"governance={name!r} is not allowed{suggest(name, _REGISTRY)}: "
            f"one of {', '.join(repr(n) for n in rule_names())}"
        )
    return _REGISTRY[name]()


def tolerance_gaps(
    model: CoalitionModel, members: np.ndarray, point: np.ndarray, limits: np.ndarray | None = None
) -> np.ndarray:
    """How far ``point`` lies outside each member's limit (<= 0 means acceptable).

    ``limits`` defaults to the members' tolerances; consensus passes block thresholds.
    """
    limits = model.tolerance[members] if limits is None else limits
    return KERNELS.tolerance_gaps(model.position, members, point, limits)


def concede(
    model: CoalitionModel,
    members: np.ndarray,
    draft: np.ndarray,
    rounds: int,
    quorum: float = 1.0,
    limits: np.ndarray | None = None,
) -> tuple[np.ndarray, int, bool]:
    """Deliberate: each round, move the draft just inside the tolerance of the
    member who objects most (a minimal concession), until at least ``quorum`` of
    members accept or the rounds run out.

    A round is one concession (the first round also presents the draft), so an
    agreement after k concessions costs max(k, 1) rounds.

    ``limits`` (one per member, default their tolerances) is how far each lets a draft lie.

    The loop is compiled (:func:`deliberation_kernels.concede
    <coalition_sim.model.governance.deliberation_kernels.concede>`).

    Returns:
        (draft, rounds used, accepted)
    """
    limits = model.tolerance[members] if limits is None else limits
    return KERNELS.concede(model.position, members, draft, rounds, quorum, limits)


KERNELS = LazyKernels("coalition_sim.model.governance.deliberation_kernels")
"""The compiled loops of this mechanism, imported on first use (:mod:`coalition_sim.model.compiled`)."""

"""A governance schedule: one rule for the first months, then another.

A coalition often starts by consensus while partners get to know each other and
moves to opt-in once a coordinator has earned their trust (a phased transition,
as the backbone has its own schedule). The rule is named by the form

    ``<first>-for-<k>-then-<then>``    e.g. ``consensus-for-36-then-opt-in``

meaning rule ``first`` decides in months 1 to k and rule ``then`` from month
k + 1 on. Both parts are any registered rule names (the last part may itself be
a schedule: ``consensus-for-12-then-majority-for-24-then-opt-in``). Such names
are registered on first use (:func:`ensure_registered`, called when the
``governance`` parameter is checked), so study files, scenarios and the CLI's
``--options`` can name them like any other rule.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from coalition_sim.model.governance.base import _REGISTRY, Decision, GovernanceRule, make_rule, register

if TYPE_CHECKING:  # pragma: no cover
    from coalition_sim.model.initiative import Initiative
    from coalition_sim.model.model import CoalitionModel

PATTERN = re.compile(r"^(?P<first>[a-z][a-z0-9_-]*?)-for-(?P<months>\d+)-then-(?P<then>[a-z][a-z0-9_-]*)$")
"""The name form of a schedule (non-greedy first part: the earliest ``-for-`` splits it)."""


def phased_name(first: str, months: int, then: str) -> str:
    """The rule name of a schedule, e.g. ``phased_name('consensus', 36, 'opt-in')``."""
    return f"{first}-for-{int(months)}-then-{then}"


def parse(name: str) -> tuple[str, int, str] | None:
    """(first, months, then) of a schedule name, or None if ``name`` is not one."""
    match = PATTERN.match(name) if isinstance(name, str) else None
    if match is None:
        return None
    return match["first"], int(match["months"]), match["then"]


class Phased(GovernanceRule):
    """Delegates to ``first`` for months 1..``months``, then to ``then``.

    Each part keeps its own instance, so a part's own bookkeeping (if any)
    carries across the months it decides.
    """

    name = ""
    first_name = ""
    months = 0
    then_name = ""

    def __init__(self) -> None:
        self.first = make_rule(self.first_name)
        self.then = make_rule(self.then_name)

    def rule_at(self, month: int) -> GovernanceRule:
        """The rule that decides in ``month`` (1-based, as ``model.steps`` counts)."""
        return self.first if month <= self.months else self.then

    def decide(self, model: CoalitionModel, pending: list[Initiative]) -> list[Decision]:
        """The decisions of whichever rule is in force this month."""
        return self.rule_at(model.steps).decide(model, pending)


def ensure_registered(name: str) -> bool:
    """Register the schedule called ``name`` if it is a valid schedule name.

    Returns True when ``name`` is (now) a registered rule. Parts must themselves
    be registered rules or schedules; an invalid part leaves nothing registered.
    """
    if name in _REGISTRY:
        return True
    parts = parse(name)
    if parts is None:
        return False
    first, months, then = parts
    if months < 1 or first not in _REGISTRY or not ensure_registered(then):
        return False
    register(
        type(
            f"Phased_{len(_REGISTRY)}",
            (Phased,),
            {"name": name, "first_name": first, "months": months, "then_name": then},
        )
    )
    return True

"""Scheduled events a strategist asks about: a named partner leaves or joins at month k.

``CoalitionModel(interventions=...)`` takes a sequence of :class:`Intervention`
(or the text form ``"leave Farm Bureau at 24; join New Ally at 12"``). At the
start of month k (before anything is decided):

- ``leave``: the organization, if still a core member, exits with cause
  ``"withdrew"`` (recorded like any other exit);
- ``join``: the organization becomes a core member. Until month k it is held
  back: it is neither a member nor in the wider network, so it cannot join
  earlier of its own accord.

A run's outcome then answers "what if this partner left (or joined) then?".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from coalition_sim.model.population import CORE, EXITED
from coalition_sim.util.errors import InputError

ACTIONS = ("leave", "join")
WITHDREW = "withdrew"
"""The exit cause of a scheduled departure."""
_TEXT = re.compile(r"^\s*(?P<action>leave|join)\s+(?P<name>.+?)\s+at\s+(?P<month>\d+)\s*$")


@dataclass(frozen=True)
class Intervention:
    """``action`` ('leave' or 'join') by the organization called ``name`` at the start of ``month``."""

    action: str
    name: str
    month: int

    def text(self) -> str:
        """E.g. 'Farm Bureau leaves at month 24'."""
        return f"{self.name} {'leaves' if self.action == 'leave' else 'joins'} at month {self.month}"


def parse(value: str | Iterable[Intervention]) -> tuple[Intervention, ...]:
    """Interventions from their text form ('leave A at 24; join B at 12') or a sequence."""
    if isinstance(value, str):
        items = []
        for part in filter(str.strip, value.split(";")):
            match = _TEXT.match(part)
            if match is None:
                raise InputError(
                    f"interventions: cannot read {part.strip()!r}; allowed 'leave NAME at MONTH' or "
                    "'join NAME at MONTH', separated by ';'"
                )
            items.append(Intervention(match["action"], match["name"], int(match["month"])))
        return tuple(items)
    return tuple(value)


class Schedule:
    """The interventions of one run, checked against the organizations' names."""

    def __init__(self, interventions, names: list[str]) -> None:
        self.items = parse(interventions)
        self.index = {}
        for item in self.items:
            if item.action not in ACTIONS:
                raise InputError(f"interventions: action {item.action!r} is not allowed; one of {', '.join(ACTIONS)}")
            if item.name not in names:
                raise InputError(f"interventions: no organization is called {item.name!r}")
            if item.month < 1:
                raise InputError(f"interventions: month {item.month} of {item.name!r}; allowed a month >= 1")
            self.index[item] = names.index(item.name)

    def hold_back(self, model) -> None:
        """Organizations that join later are kept out until their month."""
        held = [self.index[i] for i in self.items if i.action == "join"]
        if held:
            model.set_status(np.array(held, dtype=np.intp), EXITED)

    def apply(self, model) -> None:
        """Carry out the interventions due this month (``model.steps``)."""
        for item in self.items:
            if item.month != model.steps:
                continue
            who = self.index[item]
            if item.action == "join" and model.status[who] != CORE:
                model.set_status(np.array([who], dtype=np.intp), CORE)
                model.poor_months[who] = 0
                model.experience[who] = 0.0
                model.events.add(model.steps, "join", f"{item.name} joined the core (scheduled)")
            elif item.action == "leave" and model.status[who] == CORE:
                model.exit_orbit(np.array([who], dtype=np.intp), WITHDREW)
                model.tally["exits"] += 1
                model.events.add(model.steps, "exit", f"{item.name} left: withdrew (scheduled)")

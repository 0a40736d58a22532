"""Workload: capacity is a monthly budget shared across everything an organization takes on.

An organization's capacity c_i is what it can put in per month (ODD §2.1). Each
month it is asked for time by every meeting it attends (MEETING_TIME per round,
the same for a large and a small organization) and for work by every adopted
initiative it takes part in: a team is asked for TEAM_SLACK times the capacity
the initiative needs, shared in proportion to its members' capacity. Its load is
what it was asked divided by its capacity. Above 1 it is overloaded: it delivers
only 1 / load of what each initiative asked of it, and the overload drains its
energy (collaborative overload: Huxham & Vangen 2005), less with the backbone's
morale work (pacing and mediation, seed 003 p.10).
"""

from __future__ import annotations

import numpy as np

MEETING_TIME = 0.05
"""Capacity (units of an average organization's month) one meeting round takes, before transaction-cost relief."""
TEAM_SLACK = 1.25
"""A team is asked for this multiple of the capacity an initiative needs (opt-in teams are filled to it)."""


def asks(capacity: np.ndarray, team: np.ndarray, required: float) -> np.ndarray:
    """What one initiative asks of each team member: TEAM_SLACK * required shared by capacity."""
    if team.size == 0:
        return np.zeros(0)
    share = capacity[team] / capacity[team].sum()
    return TEAM_SLACK * required * share


def monthly_demand(model, decisions) -> np.ndarray:
    """Capacity each organization is asked for this month: meetings attended plus work taken on."""
    demand = np.zeros(model.capacity.size)
    meeting = MEETING_TIME * model.cost_relief()
    for decision in decisions:
        if decision.rounds and decision.attendees.size:  # attendees and team list each organization once
            demand[decision.attendees] += decision.rounds * meeting
        team = decision.participants  # empty unless adopted
        if team.size:
            demand[team] += asks(model.capacity, team, decision.initiative.required)
    return demand


def load(model, decisions) -> np.ndarray:
    """Demand over capacity, per organization (1 = its whole monthly budget)."""
    return monthly_demand(model, decisions) / model.capacity


def availability(load_: np.ndarray) -> np.ndarray:
    """Share of what was asked that an organization can deliver: 1, or 1 / load when overloaded."""
    return 1.0 / np.maximum(load_, 1.0)


def overload(load_: np.ndarray) -> np.ndarray:
    """How far each organization is over its budget (0 when within it)."""
    return np.maximum(load_ - 1.0, 0.0)

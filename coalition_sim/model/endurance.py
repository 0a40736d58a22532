"""Endurance: when the coalition dissolves, and why.

The coalition dissolves when fewer than ``min_members`` core members remain
(collapse), when its cumulative impact reaches ``impact_goal`` (purpose
achieved; seed 003 p.2: the reference point is the outcome, not the
coalition), or when ``dormancy_limit`` months have passed with work pending
and nothing adopted (dormancy). A month in which no initiative was pending
is not idle: a coalition cannot be blamed for proposals nobody brought.
"""

from __future__ import annotations

COLLAPSE, DORMANCY, PURPOSE = "collapse", "dormancy", "purpose_achieved"
CENSORED = "censored"
CAUSES = (COLLAPSE, DORMANCY, PURPOSE)


def dissolution_cause(model) -> str | None:
    """The cause if the coalition dissolves this month, else None."""
    if model.core_indices().size < model.min_members:
        return COLLAPSE
    if model.impact_goal > 0 and model.cumulative_impact >= model.impact_goal:
        return PURPOSE
    if model.idle_months >= model.dormancy_limit:
        return DORMANCY
    return None

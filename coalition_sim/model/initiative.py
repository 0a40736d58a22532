"""Initiatives (campaigns) and the roles a theory of change can need.

An initiative has an ideal position (where the best response lies), the capacity
it needs, the skill mix its theory of change needs (seed 003 p.2: evidence +
media = on the agenda), a window of months before it lapses, and a value (the
impact it delivers if it succeeds undiluted).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

ROLES = ("research", "communications", "policy", "service", "legal", "convening")
"""Skill roles (seed 003 p.7)."""

PENDING, ADOPTED, LAPSED = "pending", "adopted", "lapsed"


@dataclass
class Initiative:
    """One campaign the coalition may take up.

    Attributes:
        uid: running number within the run.
        arrived: month it arrived.
        ideal: ideal position in goal space.
        required: capacity it needs (capacity units).
        needs: weights over ROLES, summing to 1 (the theory of change).
        window: months it waits for a decision before it lapses.
        value: impact if it succeeds with no dilution.
        draft: current blueprint (starts at the ideal).
        drafted: whether a rule has drafted it yet.
        blocked_months: months in which it was decided on and blocked.
        state: pending, adopted or lapsed.
    """

    uid: int
    arrived: int
    ideal: np.ndarray
    required: float
    needs: np.ndarray
    window: int
    value: float
    draft: np.ndarray = field(default=None)  # type: ignore[assignment]
    drafted: bool = False
    blocked_months: int = 0
    state: str = PENDING

    def __post_init__(self) -> None:
        if self.draft is None:
            self.draft = self.ideal.copy()

    def expired(self, now: int) -> bool:
        """True once it has waited ``window`` months (its arrival month included) undecided."""
        return now - self.arrived + 1 >= self.window

    def theory_of_change(self) -> str:
        """Plain-language skill mix, e.g. 'research + communications'."""
        return " + ".join(ROLES[i] for i in np.flatnonzero(self.needs))

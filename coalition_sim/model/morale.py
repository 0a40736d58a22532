"""Energy (morale) in [0, 1]: spent by belonging, work and meetings, restored by
rest and recognition, protected by mediation after setbacks (seed 003 p.10).

The backbone's morale effect m scales recognition and rest up and the sting of
failure and of overload down. Belonging costs every core member a little energy
each month (keeping up, reporting, showing up: the overhead of collaborating,
Huxham & Vangen 2005). Work spends energy in proportion to the share of the
month's budget it took; overload (more asked than the budget) drains a fixed
amount per unit over, so energy can run out. Rest recovers a share of what is
missing (recovery after effort, Meijman & Mulder 1998), so energy approaches full
but an organization that keeps working stays below it:

    e <- e + REST * (1 + REST_BOOST * m) * (1 - e)

With c = MEMBERSHIP_ENERGY and r = REST * (1 + REST_BOOST * m), an idle member
settles at e* = 1 - c (1 - r) / r: 0.82 with no backbone, 0.92 at full morale support.
An organization whose energy reaches 0 during a month burns out and leaves,
whatever the rest that follows.
"""

from __future__ import annotations

import numpy as np

from coalition_sim.model.compiled import LazyKernels
from coalition_sim.model.population import CORE, EXITED

WORK_ENERGY = 0.08
"""Energy spent by a month of full effort with the whole budget (times effort and the share of the budget)."""
OVERLOAD_ENERGY = 0.15
"""Energy drained per unit of overload (load - 1) with no backbone (times 1 - OVERLOAD_SHIELD * m)."""
OVERLOAD_SHIELD = 0.8
"""Share of the overload drain that full morale support (pacing, mediation) prevents."""
MEETING_ENERGY = 0.01
"""Energy spent per meeting round attended (before transaction-cost relief)."""
MEMBERSHIP_ENERGY = 0.02
"""Energy a core member spends per month on belonging: the toll of working with others, which morale
support eases (by faster rest) and transaction-cost relief does not (it lightens meetings and fees)."""
REST = 0.1
"""Share of the missing energy (1 - e) recovered per month with no backbone."""
REST_BOOST = 1.0
"""Extra rest at full morale support (the share recovered is REST * (1 + REST_BOOST * m))."""
RECOGNITION = 0.03
"""Energy gained by a successful team with no backbone (times 1 + m)."""
SETBACK = 0.12
"""Energy lost by a failed team with no backbone (times 1 - m / 2)."""


def spend(energy: np.ndarray, who: np.ndarray, amount) -> None:
    """Subtract ``amount`` (scalar or per-organization) from ``who``, in place."""
    if who.size:
        energy[who] = np.maximum(energy[who] - amount, 0.0)


def belong(energy: np.ndarray, members: np.ndarray) -> None:
    """A month of belonging for the core ``members``: MEMBERSHIP_ENERGY each."""
    spend(energy, members, MEMBERSHIP_ENERGY)


def rest(energy: np.ndarray, active: np.ndarray, morale: float) -> None:
    """Monthly recovery of every active organization: a share of its missing energy, never above 1."""
    if active.size:
        energy[active] += rest_share(morale) * (1.0 - energy[active])


def rest_share(morale: float) -> float:
    """Share of the missing energy recovered in a month: REST * (1 + REST_BOOST * m), at most 1."""
    return min(1.0, REST * (1.0 + REST_BOOST * morale))


def belong_then_rest(energy: np.ndarray, exhausted: np.ndarray, status: np.ndarray, morale: float) -> None:
    """The month's end for everyone, in place, as one compiled pass: :func:`belong` for the core members,
    whoever's energy is 0 is ``exhausted``, then :func:`rest` for every organization not exited."""
    KERNELS.belong_then_rest(energy, exhausted, status, CORE, EXITED, MEMBERSHIP_ENERGY, rest_share(morale))


def after_overload(energy: np.ndarray, over: np.ndarray, morale: float) -> None:
    """Drain ``over`` (per organization, 0 when within budget) times OVERLOAD_ENERGY, shielded by morale."""
    who = (over > 0).nonzero()[0]
    spend(energy, who, OVERLOAD_ENERGY * (1.0 - OVERLOAD_SHIELD * morale) * over[who])


KERNELS = LazyKernels("coalition_sim.model.morale_kernels")
"""The compiled loops of this mechanism, imported on first use (:mod:`coalition_sim.model.compiled`)."""

"""Compiled loops of learning and feeling after an outcome (see :mod:`coalition_sim.model.learning`).

Two passes of ODD §7.6 written as loops over the organizations they touch:

* the toll of the work on each team member i,
  K_i <- K_i + WORK_COST * effort_i * share_i,  e_i <- max(0, e_i - WORK_ENERGY * effort_i * share_i);
* the credit for a success to each core member i,
  benefit_i += impact * s_i * clip(1 - ||x_i - z|| / (2 tau_i), 0, 1),
  with s_i = 1 in the team and the spillover share outside it.

Numba compiles them on first use and caches the machine code next to this file;
this module is imported only when an initiative is first carried out, so
``coalition-sim --help`` and refused input never load Numba. The arithmetic is the
same, operation for operation, as the array form it replaces (no fast-math). Constants
such as WORK_COST come in as arguments (a cached kernel would not see a change to them).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def work_toll(cost, energy, team, effort, share, work_cost: float, work_energy: float) -> None:
    """What the work cost each team member, in value (WORK_COST) and in energy (WORK_ENERGY), in place."""
    for m in range(team.size):
        i = team[m]
        cost[i] += work_cost * effort[m] * share[m]
        energy[i] = max(energy[i] - work_energy * effort[m] * share[m], 0.0)


@njit(cache=True, nogil=True)
def credit(benefit, position, tolerance, members, team, blueprint, impact: float, spillover: float) -> None:
    """Each core member's benefit from a success: its share times how close the blueprint is to it (in place)."""
    in_team = np.zeros(benefit.size, dtype=np.bool_)
    for i in team:  # the team may include wider-network organizations
        in_team[i] = True
    for i in members:
        squared = 0.0
        for d in range(blueprint.size):
            gap = position[i, d] - blueprint[d]
            squared += gap * gap
        close = min(max(1.0 - np.sqrt(squared) / (2.0 * tolerance[i]), 0.0), 1.0)
        share = 1.0 if in_team[i] else spillover
        benefit[i] += impact * share * close

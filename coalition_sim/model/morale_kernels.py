"""Compiled pass of a month's belonging and rest (see :mod:`coalition_sim.model.morale`).

At the end of the month's relationships every core member pays the toll of
belonging, whoever's energy has reached 0 is exhausted, and every organization
still in the coalition's orbit rests (``docs/ODD.md`` §7.9):

    e_i <- max(e_i - MEMBERSHIP_ENERGY, 0)          core members
    exhausted_i <- exhausted_i or e_i <= 0          everyone
    e_i <- e_i + r (1 - e_i)                         everyone not exited

As arrays that is a dozen small numpy calls; here it is one loop. The arithmetic
is the same, operation for operation (no fast-math). This module is imported only
when a month first runs, so ``coalition-sim --help`` never loads Numba.
"""

from __future__ import annotations

from numba import njit


@njit(cache=True, nogil=True)
def belong_then_rest(energy, exhausted, status, core, exited, toll, share) -> None:
    """Belonging's ``toll`` for the ``core``, exhaustion, then rest at ``share`` for all not ``exited``, in place."""
    for i in range(energy.size):
        e = energy[i]
        if status[i] == core:
            e = max(e - toll, 0.0)
        if e <= 0.0:
            exhausted[i] = True
        if status[i] != exited:
            e += share * (1.0 - e)
        energy[i] = e

"""Compiled onboarding of new representatives (see :mod:`coalition_sim.model.turnover`).

A newcomer stands at its organization's home position plus the share b_vis of
the move its predecessor had made away from home (``docs/ODD.md`` §7.7.1):

    x_i <- h_i + b_vis (x_i - h_i)

As arrays that is four gathers and a scatter of a few rows, whose fixed cost
is most of a month's turnover; here it is one loop over the newcomers and the
goal dimensions. The arithmetic is the same, operation for operation (no
fast-math). This module is imported only when a month first runs.
"""

from __future__ import annotations

from numba import njit


@njit(cache=True, nogil=True)
def onboard(position, home, who, briefing) -> None:
    """x_i <- h_i + briefing (x_i - h_i) for every newcomer i in ``who``, in place."""
    for i in who:
        for d in range(position.shape[1]):
            position[i, d] = home[i, d] + briefing * (position[i, d] - home[i, d])

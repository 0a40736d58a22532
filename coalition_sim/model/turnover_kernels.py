"""Compiled onboarding of new representatives (see :mod:`coalition_sim.model.turnover`).

A newcomer stands at its organization's home position plus the share b_vis of
the move its predecessor had made away from home (``docs/ODD.md`` §7.7.1):

    x_i <- h_i + b_vis (x_i - h_i)

As arrays that is four gathers and a scatter of a few rows, whose fixed cost
is most of a month's turnover; here it is one loop over the newcomers and the
goal dimensions. The arithmetic is the same, operation for operation (no
fast-math). :func:`turnover` is the whole month of turnover, its draw included (made in compiled
code from the model's generator, the same numbers as ``rng.random(k)``). This module is imported
only when a month first runs.
"""

from __future__ import annotations

from numba import njit

from coalition_sim.model.draws_kernels import generator
from coalition_sim.model.trust_kernels import fade


@njit(cache=True, nogil=True)
def onboard(position, home, who, briefing) -> None:
    """x_i <- h_i + briefing (x_i - h_i) for every newcomer i in ``who``, in place."""
    for i in who:
        for d in range(position.shape[1]):
            position[i, d] = home[i, d] + briefing * (position[i, d] - home[i, d])


@njit(cache=True, nogil=True)
def representatives_leaving(draws, members, rate):
    """Members whose representative changes: a draw below ``rate`` each (no draw at all when ``rate`` is 0)."""
    if rate <= 0 or members.size == 0:
        return members[:0]
    chance = generator(draws).random(members.size)
    return members[chance < rate]


@njit(cache=True, nogil=True)
def turnover(draws, position, home, dev, diagonal, members, rate, briefing, introductions):
    """A month of turnover among ``members``: who changes, their onboarding and introductions; return who.

    Newcomers stand at home plus ``briefing`` (b_vis) of their predecessor's move, and their trust
    ties, both ways, keep ``introductions`` (b_roles) of their height above the baseline (stored
    deviations D times b_roles; ``diagonal`` is the stored self-trust).
    """
    who = representatives_leaving(draws, members, rate)
    if who.size:
        onboard(position, home, who, briefing)
        if introductions != 1.0:
            fade(dev, who, introductions, diagonal)
    return who

"""Compiled passes of a membership month (see :mod:`coalition_sim.model.membership`, ``docs/ODD.md`` §7.10).

A month of membership touches every member and every network organization a
few times; as arrays that is some forty small numpy calls whose fixed cost
dwarfs the arithmetic. Here each pass is one loop over the organizations it
concerns, written as the equations of the ODD:

- :func:`weigh_month`: satisfaction S_i, experience X_i and poor months π_i,
  engagement g_i (in a month with work done), and who leaves (burnout,
  impatience, drift), for every core member i;
- :func:`lose_interest`: alignment a_j and pull_j of every network
  organization j, and who loses interest;
- :func:`join`: who of the remaining network joins the core;
- :func:`orbit`: the network's whole month, the two above with their draws;
- :func:`shift_ties`: every organization's summed trust in the members after exits and entries.

The random draws are made by the caller with the model's generator (the same
calls, in the same order, as the array form) and passed in, and so are the
mechanisms' constants (read from their modules at each call, so a changed
constant takes effect as it does in the array form). The arithmetic is
the same, operation for operation, as the array form (no fast-math), so a run's
figures are unchanged. Numba compiles the passes on first use and caches them
next to this file; this module is imported only when a month first runs.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from coalition_sim.model.draws_kernels import generator
from coalition_sim.model.execution_kernels import numpy_sum


@njit(cache=True, nogil=True)
def weigh_month(
    members, ties, benefit, cost, backbone_trust, encouragement, standing, experience, poor_months,
    exhausted, energy, patience, engagement, workers, work_done, constants,
):  # fmt: skip
    """Fold the month into each core member's experience; return who leaves: (burnt, impatient, drifted).

    For member i, with T̄_i = (ties_i - 1) / max(k - 1, 1) its mean trust in the other k - 1 members
    (``ties``: its summed trust in all members, self-trust 1 included), ``encouragement`` = ENCOURAGEMENT · b_mor
    and ``standing`` = MEMBERSHIP_COST · (1 - COST_RELIEF · b_tc):

        S_i = B_i + TRUST_WEIGHT · (T̄_i - ½) + encouragement · β_i - K_i - standing
        X_i <- X_i + EXPERIENCE_MEMORY · (S_i - X_i);   π_i <- π_i + 1 if X_i < 0, else 0
        g_i <- g_i + ENGAGEMENT_MEMORY · (worked_i - g_i)   (only in a month with work done)

    It leaves for burnout if exhausted this month (or its energy is 0), else for impatience if π_i > P_i,
    else for drift if g_i < DRIFT_LEVEL. ``constants``: (EXPERIENCE_MEMORY, TRUST_WEIGHT, ENGAGEMENT_MEMORY,
    DRIFT_LEVEL).
    """
    EXPERIENCE_MEMORY, TRUST_WEIGHT, ENGAGEMENT_MEMORY, DRIFT_LEVEL = constants
    k = members.size
    others = max(k - 1, 1)
    worked = np.zeros(benefit.size)
    for j in workers:
        worked[j] = 1.0
    burnt = np.empty(k, dtype=np.intp)
    impatient = np.empty(k, dtype=np.intp)
    drifted = np.empty(k, dtype=np.intp)
    n_burnt = n_impatient = n_drifted = 0
    for i in members:
        trust_in_others = (ties[i] - 1.0) / others
        satisfaction = (
            benefit[i] + TRUST_WEIGHT * (trust_in_others - 0.5) + encouragement * backbone_trust[i] - cost[i] - standing
        )
        experience[i] += EXPERIENCE_MEMORY * (satisfaction - experience[i])
        poor_months[i] = poor_months[i] + 1 if experience[i] < 0 else 0
        if work_done:
            engagement[i] += ENGAGEMENT_MEMORY * (worked[i] - engagement[i])
        if exhausted[i] or energy[i] <= 0.0:
            burnt[n_burnt] = i
            n_burnt += 1
        elif poor_months[i] > patience[i]:
            impatient[n_impatient] = i
            n_impatient += 1
        elif engagement[i] < DRIFT_LEVEL:
            drifted[n_drifted] = i
            n_drifted += 1
    return burnt[:n_burnt], impatient[:n_impatient], drifted[:n_drifted]


@njit(cache=True, nogil=True)
def lose_interest(candidates, position, purpose, farthest, ties, reputation, core_size, draws, constants):
    """Pull the network ``candidates``; return (lost, staying, their alignment, their pull).

    For network organization j, with a_j = 1 - |x_j - purpose| / farthest its alignment and
    mean_{i in C} T_ji = ties_j / |C| (0 with no members):

        pull_j = 0.4 · ρ_R + 0.3 · a_j + 0.3 · mean_{i in C} T_ji
        it loses interest if its draw < NETWORK_FADE · (1 - pull_j)

    ``constants``: (0.4, 0.3, 0.3) = PULL_WEIGHTS, then NETWORK_FADE.
    """
    W_REPUTATION, W_ALIGNMENT, W_TRUST, NETWORK_FADE = constants
    n = candidates.size
    lost = np.empty(n, dtype=np.intp)
    staying = np.empty(n, dtype=np.intp)
    alignment = np.empty(n)
    pull = np.empty(n)
    n_lost = n_staying = 0
    for c in range(n):
        j = candidates[c]
        squared = 0.0
        for d in range(purpose.size):
            gap = position[j, d] - purpose[d]
            squared += gap * gap
        a = 1.0 - math.sqrt(squared) / farthest
        mean_tie = ties[j] / core_size if core_size else 0.0
        p = W_REPUTATION * reputation + W_ALIGNMENT * a + W_TRUST * mean_tie
        if draws[c] < NETWORK_FADE * (1.0 - p):
            lost[n_lost] = j
            n_lost += 1
        else:
            staying[n_staying] = j
            alignment[n_staying] = a
            pull[n_staying] = p
            n_staying += 1
    return lost[:n_lost], staying[:n_staying], alignment[:n_staying], pull[:n_staying]


@njit(cache=True, nogil=True)
def join(candidates, alignment, pull, boundary_alignment, entry_rate, reach, draws):
    """Network ``candidates`` that join the core: eligible (a_j ≥ boundary_alignment) and
    draw < min(entry_rate · pull_j · reach, 1), with ``reach`` = 0.5 + b_pub."""
    joining = np.empty(candidates.size, dtype=np.intp)
    n_joining = 0
    for c in range(candidates.size):
        chance = min(entry_rate * pull[c] * reach, 1.0) if alignment[c] >= boundary_alignment else 0.0
        if draws[c] < chance:
            joining[n_joining] = candidates[c]
            n_joining += 1
    return joining[:n_joining]


@njit(cache=True, nogil=True)
def orbit(draws, status, network, ties, pull_terms, entry_terms, constants):
    """The network's month (:func:`membership.month` runs it), its draws included; return (lost, joining).

    :func:`lose_interest` over the organizations whose status is ``network``, then :func:`join` among
    those still in the network (no draw when there is nobody to draw for, or when ``entry_rate`` is 0).
    ``pull_terms``: (position, purpose, farthest, reputation, core size); ``entry_terms``:
    (boundary_alignment, entry_rate, reach); ``constants``: as :func:`lose_interest` takes them.
    """
    candidates = np.flatnonzero(status == network)
    if candidates.size == 0:
        return candidates, candidates
    position, purpose, farthest, reputation, core_size = pull_terms
    g = generator(draws)
    lost, staying, alignment, pulled = lose_interest(
        candidates, position, purpose, farthest, ties, reputation, core_size, g.random(candidates.size), constants
    )
    boundary_alignment, entry_rate, reach = entry_terms
    if staying.size == 0 or entry_rate == 0:
        return lost, staying[:0]
    return lost, join(staying, alignment, pulled, boundary_alignment, entry_rate, reach, g.random(staying.size))


@njit(cache=True, nogil=True)
def shift_ties(ties, dev, baseline: float, scale: float, who, sign: float):
    """``ties + sign · T[:, who].sum(axis=1)``: summed trust in the members after ``who`` left (sign -1)
    or joined (+1), each row's sum in numpy's pairwise order."""
    out = ties.copy()
    if who.size == 0:
        return out
    row = np.empty(who.size)
    for i in range(ties.size):
        for m in range(who.size):
            row[m] = baseline + scale * dev[i, who[m]]
        out[i] = ties[i] + sign * numpy_sum(row, 0, who.size)
    return out

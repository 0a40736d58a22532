"""Compiled deliberation loops of the governance rules (see :mod:`coalition_sim.model.governance`).

A month's deliberation is a few dozen members and a handful of rounds, so the
array form spent its time in the fixed cost of many small numpy calls. Each
kernel here is the equation of one step of a rule written as a loop over the
members it reads (docs/ODD.md §7.3): the tolerance gap, the minimal concession,
consensus's acceptance and the opt-in choice and team. Numba compiles them on
first use and caches the machine code next to this file (``cache=True``); this
module is imported only when a rule first decides, so ``coalition-sim --help``
and refused input never load Numba.

The arithmetic is the same, operation for operation, as the array form it
replaces (no fast-math; a distance sums its squared differences in axis order,
as numpy does for the few dimensions of the goal space), so a run's figures are
unchanged.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from coalition_sim.model.goal_space_kernels import distance

ACCEPTS = 1e-9
"""A member accepts a draft when its gap is at most this (rounding slack of a concession)."""


@njit(cache=True, nogil=True)
def dot(a: np.ndarray, b: np.ndarray) -> float:
    """a · b, summed in axis order."""
    total = 0.0
    for k in range(a.size):
        total += a[k] * b[k]
    return total


@njit(cache=True, nogil=True)
def tolerance_gaps(position: np.ndarray, members: np.ndarray, point: np.ndarray, limits: np.ndarray) -> np.ndarray:
    """g_i = ‖x_i − point‖ − limit_i for each member (<= 0 means acceptable)."""
    gaps = np.empty(members.size)
    for m in range(members.size):
        gaps[m] = distance(position, members[m], point) - limits[m]
    return gaps


@njit(cache=True, nogil=True)
def concede(position, members, draft, rounds: int, quorum: float, limits):
    """Minimal concessions until ``quorum`` of members accept or the ``rounds`` run out.

    In each round: if the share of members with g_i(z) <= 1e-9 reaches the quorum, adopt z;
    else the member who objects most, w = argmax_i g_i(z), is met by
    z <- z + (x_w − z) (1 − limit_w / ‖x_w − z‖). After the last concession the quorum is
    checked once more. Returns (draft, rounds used = max(concessions, 1), accepted).
    """
    draft = draft.copy()
    n = members.size
    for concessions in range(rounds + 1):
        gaps = tolerance_gaps(position, members, draft, limits)
        accepting = 0
        for m in range(n):
            accepting += gaps[m] <= ACCEPTS
        if n > 0 and accepting / n >= quorum:
            return draft, max(concessions, 1), True
        if concessions == rounds:
            break
        if n == 0:
            raise ValueError("attempt to get argmax of an empty sequence")  # as numpy: nobody to concede to
        worst = np.argmax(gaps)
        w = members[worst]
        toward = np.empty(draft.size)
        for k in range(draft.size):
            toward[k] = position[w, k] - draft[k]
        dist = np.sqrt(dot(toward, toward))
        step = 1.0 - limits[worst] / dist
        for k in range(draft.size):
            draft[k] = draft[k] + toward[k] * step
    return draft, rounds, False


@njit(cache=True, nogil=True)
def within(position: np.ndarray, members: np.ndarray, point: np.ndarray, limits: np.ndarray) -> np.ndarray:
    """Boolean mask: members with ‖x_i − point‖ <= limit_i + 1e-9."""
    inside = np.empty(members.size, dtype=np.bool_)
    for m in range(members.size):
        inside[m] = distance(position, members[m], point) <= limits[m] + ACCEPTS
    return inside


@njit(cache=True, nogil=True)
def consensus_draft(position, members, draft, rounds: int, quorum: float, block, accept):
    """Consensus on one initiative: concede against the block thresholds β, then who works on it.

    Returns (draft, rounds used, agreed, mask of members within their acceptance α).
    """
    draft, used, agreed = concede(position, members, draft, rounds, quorum, block)
    return draft, used, agreed, within(position, members, draft, accept)


@njit(cache=True, nogil=True)
def acceptance(tolerance, members, ties, widening: float, baseline: float) -> np.ndarray:
    """α_i = τ_i · max(0, 1 + widening · (T̄_i − baseline)), T̄_i = (ties_i − 1) / (members − 1)."""
    others = members.size - 1
    accept = np.empty(members.size)
    for m in range(members.size):
        i = members[m]
        mean_trust = (ties[i] - 1.0) / others
        accept[m] = tolerance[i] * max(1.0 + widening * (mean_trust - baseline), 0.0)
    return accept


# ------------------------------------------------------------------ opt-in (docs/ODD.md §7.3.3)
@njit(cache=True, nogil=True)
def clip_unit(value: float, low: float = 0.0) -> float:
    """min(max(value, low), 1), as ``goal_space.clip`` does elementwise."""
    return min(max(value, low), 1.0)


@njit(cache=True, nogil=True)
def blueprint(position, capacity, members, ideal, noise, quality: float, bias_share: float) -> np.ndarray:
    """z = clip(y + (1 − b_vis) · (STANDIN_BIAS · (x_L − y) + ε), 0, 1), L the member with the largest capacity."""
    if members.size == 0:
        raise ValueError("attempt to get argmax of an empty sequence")  # as numpy: no member to stand in
    largest = members[0]
    for i in members:
        if capacity[i] > capacity[largest]:
            largest = i
    draft = np.empty(ideal.size)
    for k in range(ideal.size):
        bias = bias_share * (position[largest, k] - ideal[k])
        draft[k] = clip_unit(ideal[k] + (1.0 - quality) * (bias + noise[k]))
    return draft


@njit(cache=True, nogil=True)
def invitees(core: np.ndarray, network: np.ndarray, draws: np.ndarray, reach: float) -> np.ndarray:
    """Every core member, then each network organization whose draw u_j < b_pub, in index order."""
    invited = np.empty(core.size + network.size, dtype=core.dtype)
    count = 0
    for i in core:
        invited[count] = i
        count += 1
    for j in range(network.size):
        if draws[j] < reach:
            invited[count] = network[j]
            count += 1
    return invited[:count]


@njit(cache=True, nogil=True)
def best_fit_first(invited, skills, needs, roles: float, draws) -> np.ndarray:
    """Invitees sorted by score_j = b_rol · m_j + (1 − b_rol) · u_j, highest first (ties keep their order).

    m_j = Σ_k s_jk n_k is the skill match.
    """
    negated = np.empty(invited.size)
    for j in range(invited.size):
        match = dot(skills[invited[j]], needs)
        negated[j] = -(roles * match + (1.0 - roles) * draws[j])
    return invited[np.argsort(negated, kind="mergesort")]


@njit(cache=True, nogil=True)
def opts_in(position, tolerance, energy, backbone_trust, invited, point, rules) -> np.ndarray:
    """Boolean mask: invitee j joins when d_j <= τ_j, e_j > ENERGY_FLOOR and the offer beats its cost.

    ``rules`` holds, in order: the offer V · ρ̂, the own share (1 − spillover), the
    legitimacy weight LEGITIMACY_WEIGHT · b_vis, WORK_COST, the round cost, ENERGY_FLOOR and
    MIN_EFFORT. With fit_j = clip(1 − d_j / τ_j, 0, 1), effort_j = e_j · clip(1 − 0.5 d_j / τ_j,
    MIN_EFFORT, 1) (``execution.effort``) and legitimacy_j = 1 − weight · (1 − β_j), j joins when

        V ρ̂ (0.5 + 0.5 fit_j) · own share · legitimacy_j  >=  (WORK_COST · effort_j + round cost) / e_j.
    """
    offer, own_share, weight, work_cost, round_cost, energy_floor, min_effort = rules
    joins = np.zeros(invited.size, dtype=np.bool_)
    for j in range(invited.size):
        i = invited[j]
        dist = distance(position, i, point)
        tol = tolerance[i]
        vigour = energy[i]
        if not (dist <= tol and tol > 0.0 and vigour > energy_floor):  # tol > 0: else 0 / 0, which never joins
            continue
        fit = clip_unit(1.0 - dist / tol)
        legitimacy = 1.0 - weight * (1.0 - backbone_trust[i])
        expected = offer * (0.5 + 0.5 * fit) * own_share * legitimacy
        effort = vigour * clip_unit(1.0 - 0.5 * dist / tol, min_effort)
        joins[j] = expected >= (work_cost * effort + round_cost) / vigour
    return joins


@njit(cache=True, nogil=True)
def team(invited, joins, committed, capacity, enough: float):
    """The willing with budget left (committed < capacity), in invitation order, up to and including
    the first whose cumulative capacity reaches ``enough`` (all of them if none does).

    Returns (team, its capacity).
    """
    chosen = np.empty(invited.size, dtype=invited.dtype)
    size = 0
    pooled = 0.0
    for j in range(invited.size):
        i = invited[j]
        if joins[j] and committed[i] < capacity[i]:
            chosen[size] = i
            size += 1
            pooled += capacity[i]
            if pooled >= enough:
                break
    return chosen[:size], pooled

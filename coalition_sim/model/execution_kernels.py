"""Compiled pass over an adopted initiative's team (see :mod:`coalition_sim.model.execution`).

One loop over the team computes, for each participant i, what the ODD (§7.5, §7.5.1) writes as

    effort_i = e_i * clip(1 - 0.5 * ||x_i - z|| / tau_i, MIN_EFFORT, 1)
    a_i      = TEAM_SLACK * R * c_i / sum_team c_j          what the initiative asks of i
    given_i  = a_i * v_i                                    what i can give (v_i its availability)
    share_i  = min(given_i / c_i, 1)                        share of its month the initiative took

and, for the team, pooled = sum_team given_i * effort_i, the skill coverage
cov = sum_k n_k * max_team s_ik and the dilution ||z - y||, instead of some twenty
small numpy calls. Numba compiles it on first use and caches the machine code next
to this file; this module is imported only when an initiative is first carried out,
so ``coalition-sim --help`` and refused input never load Numba. Constants such as
MIN_EFFORT come in as arguments (a cached kernel would not see a change to them).

The arithmetic is the same, operation for operation, as the array form it replaces
(no fast-math), and sums over the team follow numpy's pairwise order
(:func:`numpy_sum`), so a run's figures are unchanged to the last bit. (The coverage
adds the roles in order where numpy's dot product may pair them; with the two
half-weights every drawn initiative needs, both give the same number.)
"""

from __future__ import annotations

import numpy as np
from numba import njit

from coalition_sim.model.draws_kernels import generator

PAIRWISE_BLOCK = 128
"""numpy's block size for pairwise summation (``PW_BLOCKSIZE``)."""


@njit(cache=True, nogil=True)
def block_sum(values: np.ndarray, start: int, count: int) -> float:
    """numpy's sum of at most PAIRWISE_BLOCK numbers: in order below 8, else 8 running sums added in pairs."""
    if count < 8:
        total = 0.0
        for i in range(start, start + count):
            total += values[i]
        return total
    acc = values[start : start + 8].copy()
    i = 8
    while i < count - count % 8:
        for j in range(8):
            acc[j] += values[start + i + j]
        i += 8
    total = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
    for k in range(i, count):
        total += values[start + k]
    return total


@njit(cache=True, nogil=True)
def left_half(count: int) -> int:
    """Where numpy splits a longer sum: half of it, rounded down to a multiple of 8."""
    half = count // 2
    return half - half % 8


@njit(cache=True, nogil=True)
def numpy_sum(values: np.ndarray, start: int, count: int) -> float:
    """``values[start:start + count].sum()`` in numpy's pairwise order, to the last bit.

    numpy sums a long array as (sum of its left half) + (sum of its right half), halving
    until a piece fits a block (:func:`block_sum`). The halving is walked with an explicit
    stack (Numba cannot cache a recursive function): ``waiting[f]`` marks a piece whose
    left half is summed (in ``left[f]``) and whose right half is being summed.
    """
    if count <= PAIRWISE_BLOCK:
        return block_sum(values, start, count)
    starts = np.empty(64, np.intp)
    counts = np.empty(64, np.intp)
    left = np.empty(64)
    waiting = np.zeros(64, np.bool_)
    starts[0], counts[0], top = start, count, 1
    while True:
        f = top - 1
        if counts[f] > PAIRWISE_BLOCK:  # split: sum the left half first
            starts[top], counts[top], waiting[top] = starts[f], left_half(counts[f]), False
            top += 1
            continue
        total = block_sum(values, starts[f], counts[f])
        top -= 1
        while top > 0 and waiting[top - 1]:  # a right half is done: add it to its left half
            total = left[top - 1] + total
            top -= 1
        if top == 0:
            return total
        p = top - 1  # a left half is done: keep it, sum the right half
        half = left_half(counts[p])
        left[p], waiting[p] = total, True
        starts[top], counts[top], waiting[top] = starts[p] + half, counts[p] - half, False
        top += 1


@njit(cache=True, nogil=True)
def distance(a: np.ndarray, b: np.ndarray) -> float:
    """Euclidean distance ||a - b|| (squares summed in coordinate order, as ``goal_space.distances``)."""
    total = 0.0
    for d in range(a.size):
        gap = a[d] - b[d]
        total += gap * gap
    return np.sqrt(total)


@njit(cache=True, nogil=True)
def team_work(
    position,
    energy,
    tolerance,
    capacity,
    availability,
    skills,
    team,
    blueprint,
    ideal,
    required,
    needs,
    min_effort,
    slack,
):
    """The team's effort, the share of each member's month it takes, pooled capacity, coverage and dilution.

    ``min_effort`` is MIN_EFFORT, ``slack`` is TEAM_SLACK (what a team is asked for, per unit needed).

    Returns:
        (effort, share, pooled, coverage, dilution): effort and share per participant;
        pooled = sum of asked * availability * effort (not yet divided by the need).
    """
    k = team.size
    team_capacity = np.empty(k)
    for m in range(k):
        team_capacity[m] = capacity[team[m]]
    total_capacity = numpy_sum(team_capacity, 0, k)
    asked_of_team = slack * required
    effort = np.empty(k)
    share = np.empty(k)
    delivered = np.empty(k)
    best = np.zeros(skills.shape[1])
    for m in range(k):
        i = team[m]
        conviction = 1.0 - 0.5 * distance(position[i], blueprint) / tolerance[i]
        effort[m] = energy[i] * min(max(conviction, min_effort), 1.0)
        given = asked_of_team * (team_capacity[m] / total_capacity) * availability[i]
        delivered[m] = given * effort[m]
        share[m] = min(given / team_capacity[m], 1.0)
        for r in range(skills.shape[1]):
            best[r] = skills[i, r] if m == 0 else max(best[r], skills[i, r])
    coverage = 0.0
    if k:
        for r in range(needs.size):
            coverage += needs[r] * best[r]
    return effort, share, numpy_sum(delivered, 0, k), coverage, distance(blueprint, ideal)


@njit(cache=True, nogil=True)
def mean_trust_among(dev, team, baseline: float, scale: float) -> float:
    """Mean trust among ``team`` (self-trust excluded); 0.5 for a team of one (:func:`execution.mutual_trust`).

    T̄ = (Σ_{i,j in team} T_ij - k) / (k (k - 1)) with T = baseline + scale · D; the stored deviations
    of the block are summed in numpy's pairwise order, so a small team's figure is the array form's
    to the last bit (a large team's, summed row by row here and by a matrix-vector product there,
    may differ in the last bits).
    """
    k = team.size
    if k < 2:
        return 0.5
    block = np.empty(k * k)
    for a in range(k):
        row = dev[team[a]]
        for b in range(k):
            block[a * k + b] = row[team[b]]
    total = baseline * k * k + scale * numpy_sum(block, 0, k * k)
    return (total - k) / (k * (k - 1))


@njit(cache=True, nogil=True)
def success_probability(capacity_ratio, coverage, trust, coherence, coordination, know_how, weights) -> float:
    """The logistic success chance of :func:`execution.success_probability`, terms added in the same order.

    ``weights``: (B0, B_CAP, B_SKILL, B_TRUST, B_COHERENCE, B_COORD, B_KNOW_HOW, CAP_CEILING).
    """
    b0, b_cap, b_skill, b_trust, b_coherence, b_coord, b_know_how, ceiling = weights
    ratio = min(max(capacity_ratio, 1e-6), ceiling)
    logit = (
        b0
        + b_cap * np.log(ratio)
        + b_skill * (coverage - 0.5)
        + b_trust * (trust - 0.5)
        + b_coherence * (coherence - 0.5)
        + b_coord * coordination
        + b_know_how * know_how
    )
    return 1.0 / (1.0 + np.exp(-logit))


@njit(cache=True, nogil=True)
def execute(draws, state, trust, team, initiative, coordination, know_how, constants):
    """One adopted initiative worked on by ``team``; the success drawn from the model's generator.

    ``state``: (position, energy, tolerance, capacity, availability, skills); ``trust``: (D, baseline,
    scale); ``initiative``: (blueprint, ideal, required, needs, value); ``constants``: (MIN_EFFORT,
    TEAM_SLACK, DILUTION_SCALE, the weights of :func:`success_probability`).

    Returns:
        (success, probability, effort, share, impact, dilution), as :class:`execution.Outcome` holds them.
    """
    position, energy, tolerance, capacity, availability, skills = state
    blueprint, ideal, required, needs, value = initiative
    min_effort, slack, dilution_scale, weights = constants
    effort, share, pooled, coverage, dilution = team_work(
        position, energy, tolerance, capacity, availability, skills, team, blueprint, ideal, required, needs,
        min_effort, slack,
    )  # fmt: skip
    coherence = min(max(1.0 - dilution / dilution_scale, 0.0), 1.0)
    mutual = mean_trust_among(trust[0], team, trust[1], trust[2])
    p = success_probability(pooled / required, coverage, mutual, coherence, coordination, know_how, weights)
    success = generator(draws).random() < p
    return success, p, effort, share, value * coherence if success else 0.0, dilution

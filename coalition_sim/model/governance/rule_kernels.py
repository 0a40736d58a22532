"""The built-in rules' monthly decision over every pending initiative, compiled (for the compiled run).

:mod:`coalition_sim.model.run_kernels` runs a whole coalition as one compiled loop; there each
rule's ``decide`` is one of the functions below, written in the words of the rule's module
(:mod:`.consensus`, :mod:`.unanimity` and :mod:`.majority`, :mod:`.opt_in`) and calling the same
drafting kernels (:mod:`.deliberation_kernels`). The Python rules stay the statement of each rule
(and what a month stepped from Python runs); ``tests/model/test_compiled_run.py`` checks that both
give the same runs.

A month's decisions are arrays, one row per pending initiative in order: ``adopted``, the
``blueprint``, the meeting ``rounds``, a ``reason`` code (the rule's block reasons, in the order of
:data:`REASONS`), and three ragged lists (index array plus offsets, row r is
``idx[off[r]:off[r + 1]]``): participants, attendees and dissenters. The random draws (opt-in's
drafting noise and invitations) are made from the model's generator in the Python rule's order.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from coalition_sim.model.draws_kernels import generator
from coalition_sim.model.execution_kernels import numpy_sum
from coalition_sim.model.goal_space_kernels import distance
from coalition_sim.model.governance.deliberation_kernels import (
    acceptance,
    best_fit_first,
    blueprint,
    concede,
    consensus_draft,
    invitees,
    opts_in,
    team,
)

CONSENSUS, UNANIMITY, MAJORITY, OPT_IN = 0, 1, 2, 3
"""Rule codes of the compiled run."""
NO_REASON, CONSENSUS_BLOCK, CONSENSUS_IDLE, UNANIMITY_BLOCK, OPT_IN_BLOCK, OPT_IN_WAIT = range(6)
"""Reason codes of a blocked initiative (0 when adopted), matching the rules' reason texts."""


@njit(cache=True, nogil=True)
def new_decisions(n, dims, n_orgs):
    """Empty decision arrays for ``n`` pending initiatives among ``n_orgs`` organizations."""
    rows = (np.zeros(n, np.bool_), np.zeros((n, dims)), np.zeros(n, np.int64), np.zeros(n, np.int64))
    ragged = (
        (np.empty(n * n_orgs, np.intp), np.zeros(n + 1, np.int64)),
        (np.empty(n * n_orgs, np.intp), np.zeros(n + 1, np.int64)),
        (np.empty(n * n_orgs, np.intp), np.zeros(n + 1, np.int64)),
    )
    return rows, ragged


@njit(cache=True, nogil=True)
def put(ragged, row, who):
    """Row ``row`` of a ragged list is ``who`` (rows are filled in order)."""
    idx, off = ragged
    start = off[row]
    for m in range(who.size):
        idx[start + m] = who[m]
    off[row + 1] = start + who.size


@njit(cache=True, nogil=True)
def consensus(position, tolerance, members, ties, drafts, blocked_months, terms, n_orgs):
    """:class:`.consensus.Consensus`'s decision on every pending draft.

    ``ties``: every organization's summed trust in the members; ``terms``: (rounds, trust_widening,
    trust_baseline, stand_aside_band, fallback_months, majority quorum).
    """
    rounds, widening, baseline, band, fallback, majority = terms
    n = drafts.shape[0]
    (adopted, blueprints, used_rounds, reasons), (participants, attendees, dissenters) = new_decisions(
        n, drafts.shape[1], n_orgs
    )
    if widening == 0 or members.size < 2:
        accept = np.empty(members.size)
        for m in range(members.size):
            accept[m] = tolerance[members[m]]
    else:
        accept = acceptance(tolerance, members, ties, widening, baseline)
    block = accept * (1.0 + band)
    for r in range(n):
        quorum = majority if fallback and blocked_months[r] >= fallback else 1.0
        draft, used, agreed, inside = consensus_draft(position, members, drafts[r], rounds, quorum, block, accept)
        blueprints[r] = draft
        used_rounds[r] = used
        put(attendees, r, members)
        if agreed and inside.any():
            adopted[r] = True
            put(participants, r, members[inside])
            put(dissenters, r, members[~inside])
        else:
            reasons[r] = CONSENSUS_BLOCK if not agreed else CONSENSUS_IDLE
            put(participants, r, members[:0])
            put(dissenters, r, members[:0])
    return (adopted, blueprints, used_rounds, reasons), (participants, attendees, dissenters)


@njit(cache=True, nogil=True)
def by_quorum(position, tolerance, members, drafts, rounds, quorum, n_orgs):
    """:class:`.unanimity.Unanimity`'s (``quorum`` 1) or :class:`.majority.Majority`'s decision on every draft."""
    n = drafts.shape[0]
    (adopted, blueprints, used_rounds, reasons), (participants, attendees, dissenters) = new_decisions(
        n, drafts.shape[1], n_orgs
    )
    limits = np.empty(members.size)
    for m in range(members.size):
        limits[m] = tolerance[members[m]]
    for r in range(n):
        draft, used, accepted = concede(position, members, drafts[r], rounds, quorum, limits)
        blueprints[r] = draft
        used_rounds[r] = used
        put(attendees, r, members)
        put(dissenters, r, members[:0])
        if accepted:
            adopted[r] = True
            put(participants, r, members)
        else:
            reasons[r] = UNANIMITY_BLOCK
            put(participants, r, members[:0])
    return (adopted, blueprints, used_rounds, reasons), (participants, attendees, dissenters)


@njit(cache=True, nogil=True)
def objectors(position, tolerance, members, point, chosen, n_orgs):
    """Core members outside ``chosen`` for whom ``point`` lies beyond their tolerance (:func:`legitimacy.objectors`)."""
    in_team = np.zeros(n_orgs, np.bool_)
    for i in chosen:
        in_team[i] = True
    against = np.empty(members.size, np.intp)
    count = 0
    for i in members:
        if not in_team[i] and distance(position, i, point) > tolerance[i]:
            against[count] = i
            count += 1
    return against[:count]


@njit(cache=True, nogil=True)
def opt_in(draws, state, members, network, pending, terms, n_orgs):
    """:class:`.opt_in.OptIn`'s decision on every pending initiative, its draws included.

    ``state``: (position, tolerance, energy, backbone_trust, capacity, skills); ``pending``: (ideal,
    draft, drafted, needs, required, value) rows; ``terms``: (coordinator slots, b_vis, b_pub,
    b_roles, DRAFT_NOISE, STANDIN_BIAS, the offer terms of ``opts_in`` without the offer, expected
    success, TEAM_SLACK, MIN_TEAM).
    """
    position, tolerance, energy, backbone_trust, capacity, skills = state
    ideals, drafts, drafted, needs, required, value = pending
    slots, vision, reach, roles, noise_sd, bias, rules, expected, slack, min_team = terms
    own_share, weight, work_cost, round_cost, energy_floor, min_effort = rules
    g = generator(draws)
    n = drafts.shape[0]
    (adopted, blueprints, used_rounds, reasons), (participants, attendees, dissenters) = new_decisions(
        n, drafts.shape[1], n_orgs
    )
    committed = np.zeros(n_orgs)
    for r in range(n):
        if r >= slots:
            blueprints[r] = drafts[r]
            reasons[r] = OPT_IN_WAIT
            for ragged in (participants, attendees, dissenters):
                put(ragged, r, members[:0])
            continue
        if drafted[r]:
            plan = drafts[r].copy()
        else:
            plan = blueprint(
                position, capacity, members, ideals[r], g.normal(0.0, noise_sd, ideals.shape[1]), vision, bias
            )
        invited = invitees(members, network, g.random(network.size), reach)
        invited = best_fit_first(invited, skills, needs[r], roles, g.random(invited.size))
        offer = (value[r] * expected, own_share, weight, work_cost, round_cost, energy_floor, min_effort)
        joins = opts_in(position, tolerance, energy, backbone_trust, invited, plan, offer)
        chosen, pooled = team(invited, joins, committed, capacity, slack * required[r])
        blueprints[r] = plan
        used_rounds[r] = 1
        put(attendees, r, invited)
        if chosen.size and pooled >= min_team * required[r]:
            adopted[r] = True
            put(participants, r, chosen)
            put(dissenters, r, objectors(position, tolerance, members, plan, chosen, n_orgs))
            share = np.empty(chosen.size)
            for m in range(chosen.size):
                share[m] = capacity[chosen[m]]
            total = numpy_sum(share, 0, chosen.size)
            for m in range(chosen.size):
                committed[chosen[m]] += slack * required[r] * (share[m] / total)
        else:
            reasons[r] = OPT_IN_BLOCK
            put(participants, r, members[:0])
            put(dissenters, r, members[:0])
    return (adopted, blueprints, used_rounds, reasons), (participants, attendees, dissenters)

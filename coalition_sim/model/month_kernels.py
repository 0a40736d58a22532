"""The month's sections as compiled passes, in the order of :meth:`CoalitionModel.step
<coalition_sim.model.model.CoalitionModel.step>`.

Each section calls the mechanisms' own kernels (each in the ``*_kernels`` module beside its
mechanism, with its equation in the docstring) one after the other, so a section of the month is
one call from Python instead of a dozen: at a default coalition's size a month's arithmetic is a
few thousand multiply-adds, and the fixed cost of each Python-level call was most of its time.
Random draws are made inside, from the model's generator (:func:`coalition_sim.model.compiled.draw_handle`),
the same numbers in the same order as the mechanisms' Python forms. The arithmetic is the same,
operation for operation (no fast-math). This module is imported only when a month first runs.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from coalition_sim.model.execution_kernels import execute
from coalition_sim.model.goal_space_kernels import clip_to_box
from coalition_sim.model.influence_kernels import influence_within, vision_pull
from coalition_sim.model.learning_kernels import learn
from coalition_sim.model.membership_kernels import orbit, shift_ties, weigh_month
from coalition_sim.model.morale_kernels import belong_then_rest
from coalition_sim.model.turnover_kernels import turnover


@njit(cache=True, nogil=True)
def relationships(
    draws, position, home, dev, diagonal, members, turnover_rate, effects, purpose, vision_rate,
    energy, exhausted, status, core, exited, toll, rest_share, backbone_trust, backbone_rate, strength,
):  # fmt: skip
    """Step 5 of the month after trust's decay; return how many representatives changed.

    In order: turnover among the ``members`` (:func:`turnover_kernels.turnover`), the vision pull
    (:func:`influence_kernels.vision_pull`), every position back into the goal space
    (:func:`goal_space_kernels.clip_to_box`), belonging and rest (:func:`morale_kernels.belong_then_rest`),
    and trust in the backbone closing ``backbone_rate`` of its gap to the backbone's ``strength``:
    β_i <- β_i + backbone_rate · (b - β_i). ``effects``: the backbone's (vision, roles) effects.
    """
    vision, roles = effects
    changed = turnover(draws, position, home, dev, diagonal, members, turnover_rate, vision, roles)
    vision_pull(position, members, purpose, vision, vision_rate)
    clip_to_box(position)
    belong_then_rest(energy, exhausted, status, core, exited, toll, rest_share)
    for i in range(backbone_trust.size):
        backbone_trust[i] += backbone_rate * (strength - backbone_trust[i])
    return changed.size


@njit(cache=True, nogil=True)
def carry_out(draws, execution, learning, influence):
    """Steps 3-4 for one adopted initiative: the team works, the coalition learns and feels, partners influence.

    :func:`execution_kernels.execute` (the success drawn), :func:`learning_kernels.learn`, then
    :func:`influence_kernels.influence_within` over the team (its matching drawn). ``execution``: the
    arguments of ``execute`` after the draw handle; ``learning``: (state, trust, effects, (ρ_R, K),
    constants) of ``learn``; ``influence``: (threshold, rate).

    Returns:
        (success, probability, effort, share, impact, dilution, reputation, know-how).
    """
    state, trust, team, initiative, coordination, know_how, constants = execution
    success, p, effort, share, impact, dilution = execute(
        draws, state, trust, team, initiative, coordination, know_how, constants
    )
    learn_state, learn_trust, effects, coalition, learn_constants = learning
    outcome = (success, effort, share, impact)
    reputation, know_how = learn(
        learn_state, learn_trust, team, initiative[0], outcome, effects, coalition, learn_constants
    )
    influence_within(draws, state[0], team, influence[0], influence[1])
    return success, p, effort, share, impact, dilution, reputation, know_how


@njit(cache=True, nogil=True)
def membership(draws, members, ties, weighing, books, codes, trust, orbit_terms):
    """Step 6 of the month: members weigh it and some leave; the network is pulled in; in place.

    :func:`membership_kernels.weigh_month`, the leavers' status set to exited (burnt out, then out of
    patience, then drifted, each moving the summed ties), :func:`membership_kernels.orbit` (its draws
    included), the network organizations that lost interest set to exited and the newcomers admitted
    with a clean slate (engagement 1, no poor months, no experience).

    ``weighing``: the arguments of ``weigh_month`` after ``ties``; ``books``: (status, engagement,
    poor_months, experience); ``codes``: the (core, network, exited) status codes; ``trust``: (D, baseline,
    scale); ``orbit_terms``: (position, purpose, farthest, reputation, (boundary_alignment, entry_rate,
    reach), constants of ``lose_interest``).

    Returns:
        (burnt out, out of patience, drifted, lost interest, newcomers, summed trust in the members).
    """
    (benefit, cost, backbone_trust, encouragement, standing, experience, poor_months, exhausted, energy,
     patience, engagement, workers, work_done, constants) = weighing  # fmt: skip
    burnt, impatient, drifted = weigh_month(
        members, ties, benefit, cost, backbone_trust, encouragement, standing, experience, poor_months,
        exhausted, energy, patience, engagement, workers, work_done, constants,
    )  # fmt: skip
    status = books[0]
    core, network, exited = codes
    dev, baseline, scale = trust
    for who in (burnt, impatient, drifted):
        if who.size:
            for i in who:
                status[i] = exited
            ties = shift_ties(ties, dev, baseline, scale, who, -1.0)
    position, purpose, farthest, reputation, entry_terms, pull_constants = orbit_terms
    core_size = np.count_nonzero(status == core)
    pull_terms = (position, purpose, farthest, reputation, core_size)
    lost, newcomers = orbit(draws, status, network, ties, pull_terms, entry_terms, pull_constants)
    for i in lost:
        status[i] = exited
    for i in newcomers:
        status[i] = core
        books[1][i] = 1.0
        books[2][i] = 0.0
        books[3][i] = 0.0
    if newcomers.size:
        ties = shift_ties(ties, dev, baseline, scale, newcomers, 1.0)
    return burnt, impatient, drifted, lost, newcomers, ties

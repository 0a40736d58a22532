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

from coalition_sim.model.trust_kernels import affine_within, penalize


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


@njit(cache=True, nogil=True)
def restore(energy, team, amount: float) -> None:
    """e_i <- min(e_i + amount, 1) for the team (:func:`morale.restore`), in place."""
    for i in team:
        energy[i] = min(energy[i] + amount, 1.0)


@njit(cache=True, nogil=True)
def spend(energy, team, amount: float) -> None:
    """e_i <- max(e_i - amount, 0) for the team (:func:`morale.spend`), in place."""
    for i in team:
        energy[i] = max(energy[i] - amount, 0.0)


@njit(cache=True, nogil=True)
def strengthen(dev, team, rate: float, baseline: float, scale: float, diagonal: float) -> None:
    """T <- T + rate (1 - T) within the team (:meth:`TrustMatrix.strengthen`), in the stored form."""
    if team.size >= 2 and rate > 0:
        affine_within(dev, team, 1.0 - rate, rate * (1.0 - baseline) / scale, diagonal)


@njit(cache=True, nogil=True)
def weaken(dev, team, fraction: float, baseline: float, scale: float, diagonal: float) -> None:
    """T <- T (1 - fraction) within the team (:meth:`TrustMatrix.weaken`), in the stored form."""
    if team.size >= 2 and fraction > 0:
        affine_within(dev, team, 1.0 - fraction, -fraction * baseline / scale, diagonal)


@njit(cache=True, nogil=True)
def learn(state, trust, team, blueprint, outcome, effects, coalition, constants):
    """The consequences of one initiative carried out (:func:`learning.learn`), in place; return (ρ_R, K).

    The team's work toll; after a success, trust gains ``gain`` and SUCCESS_TRUST more, recognition,
    reputation and every member's credit; after a failure, blame (unless measured), trust from
    working together, the setback's sting and a loss of reputation; then know-how and the free riders'
    loss of their teammates' trust.

    ``state``: (cost, energy, benefit, position, tolerance, members); ``trust``: (D, baseline, scale, gain);
    ``outcome``: (success, effort, share, impact); ``effects``: (morale, public_will, measurement);
    ``coalition``: (reputation ρ_R, know-how K); ``constants``: (WORK_COST, WORK_ENERGY, SUCCESS_TRUST,
    RECOGNITION, SETBACK, REPUTATION_GAIN, REPUTATION_LOSS, BLAME, SPILLOVER, LEARNING_SPILLOVER,
    KNOW_HOW_RATE, UNDER_EFFORT, FREE_RIDER_PENALTY).
    """
    cost, energy, benefit, position, tolerance, members = state
    dev, baseline, scale, gain = trust
    success, effort, share, impact = outcome
    morale, public_will, measurement = effects
    reputation, know_how = coalition
    (work_cost, work_energy, success_trust, recognition, setback, reputation_gain, reputation_loss, blame,
     spillover, learning_spillover, know_how_rate, under_effort, free_rider_penalty) = constants  # fmt: skip
    diagonal = (1.0 - baseline) / scale
    work_toll(cost, energy, team, effort, share, work_cost, work_energy)
    if success:
        strengthen(dev, team, 1.0 - (1.0 - gain) * (1.0 - success_trust), baseline, scale, diagonal)
        restore(energy, team, recognition * (1.0 + morale))
        raised = reputation_gain * impact * (1.0 + public_will)
        reputation += min(raised, 1.0) * (1.0 - reputation)
        spill = spillover + learning_spillover * measurement
        credit(benefit, position, tolerance, members, team, blueprint, impact, spill)
    else:
        weaken(dev, team, blame * (1.0 - measurement), baseline, scale, diagonal)
        strengthen(dev, team, gain, baseline, scale, diagonal)
        spend(energy, team, setback * (1.0 - 0.5 * morale))
        reputation *= 1.0 - reputation_loss
    know_how += know_how_rate * measurement * (1.0 - know_how)
    free_riders = team[effort < under_effort]
    if free_riders.size and team.size:
        penalize(dev, team, free_riders, baseline, scale, 1.0 - free_rider_penalty, diagonal)
    return reputation, know_how

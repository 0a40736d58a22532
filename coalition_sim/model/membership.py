"""Membership: members weigh benefit against cost and may leave; the wider
network is pulled in (seed 000: boundaries and patience; seed 002: pull, not
push; seed 003 p.5: a core plus a wider network).

Each month a member's satisfaction is its benefit (share of impact, weighted
by how close the work was to what it wants) plus a trust term, plus the
encouragement of a backbone it trusts (part of the backbone's morale function:
recognition of members' contribution, seed 003 p.10), minus its costs (work,
meetings, a standing membership cost). Its experience is a moving
average of satisfaction; a month with negative experience is a poor month.
More poor months in a row than its patience, or energy run out during the
month (before the month's rest), and it leaves.

The wider network is not a reservoir that only drains into the core: a network
organization the coalition barely pulls loses interest and leaves its orbit
(legitimacy must be built to keep a network's participants, Human & Provan 2000).

The functions below state satisfaction, pull, entry chance and loss of interest over
arrays; the model runs the month as one compiled pass (:func:`month`: ``weigh_month`` and ``orbit`` in
:mod:`coalition_sim.model.membership_kernels`, loaded on first use), with the same random draws.
Both forms must change together:
``tests/model/test_membership_kernels.py`` checks every month of whole runs against these functions.
"""

from __future__ import annotations

import numpy as np

from coalition_sim.model import commitment
from coalition_sim.model.compiled import LazyKernels, draw_handle
from coalition_sim.model.population import CORE, EXITED, NETWORK

EXPERIENCE_MEMORY = 0.25
"""Weight of this month in the moving average of satisfaction."""
TRUST_WEIGHT = 0.2
"""Satisfaction from trusting the other members (per unit above 1/2)."""
ENCOURAGEMENT = 0.1
"""Satisfaction from a trusted backbone's morale work (times its morale effect and the member's trust in it)."""
DISSENT_COST = 0.02
"""Cost (value units) to a member of letting a blueprint it objects to go ahead in the coalition's name
(standing aside under consensus)."""
MEMBERSHIP_COST = 0.02
"""Standing monthly cost of membership (value units), before transaction-cost relief."""
PULL_WEIGHTS = (0.4, 0.3, 0.3)
"""Weights of reputation, alignment and trust ties in a network organization's pull."""
NETWORK_FADE = 0.02
"""Monthly chance, times (1 - pull), that a network organization loses interest and leaves the network."""
LOST_INTEREST = "lost_interest"
"""Exit cause of a network organization that left the coalition's orbit (never a member, not a member exit)."""


def satisfaction(model, members: np.ndarray, ties: np.ndarray) -> np.ndarray:
    """This month's benefit minus cost for each member (``ties``: trust.ties_toward(members))."""
    trust_in_others = (ties[members] - 1.0) / max(members.size - 1, 1)
    backbone = ENCOURAGEMENT * model.backbone.effect("morale") * model.backbone_trust[members]
    standing = MEMBERSHIP_COST * model.cost_relief()
    return model.benefit[members] + TRUST_WEIGHT * (trust_in_others - 0.5) + backbone - model.cost[members] - standing


def pull(model, candidates: np.ndarray, alignment: np.ndarray, ties: np.ndarray) -> np.ndarray:
    """How strongly the coalition pulls each network organization (0..1)."""
    size = model.core_indices().size
    mean_tie = ties[candidates] / size if size else 0.0
    w_rep, w_align, w_trust = PULL_WEIGHTS
    return w_rep * model.reputation + w_align * alignment + w_trust * mean_tie


def entry_chance(model, candidates: np.ndarray, ties: np.ndarray) -> np.ndarray:
    """Monthly chance that each network organization joins; 0 outside the boundary rules."""
    alignment = model.alignment(candidates)
    admitted = alignment >= model.boundary_alignment
    reach = 0.5 + model.backbone.effect("public_will")
    chance = np.minimum(model.entry_rate * pull(model, candidates, alignment, ties) * reach, 1.0)
    return np.where(admitted, chance, 0.0)


def lost_interest(model, ties: np.ndarray) -> np.ndarray:
    """Network organizations that lose interest in the coalition this month (``ties``: toward members)."""
    candidates = model.network_indices()
    if candidates.size == 0:
        return candidates
    fade = NETWORK_FADE * (1.0 - pull(model, candidates, model.alignment(candidates), ties))
    return candidates[model.rng.random(candidates.size) < fade]


def admit(model, newcomers: np.ndarray) -> None:
    """Make newcomers core members with a clean slate of experience and full engagement."""
    model.set_status(newcomers, CORE)
    model.engagement[newcomers] = 1.0
    model.poor_months[newcomers] = 0
    model.experience[newcomers] = 0.0


def month(model, members: np.ndarray, ties: np.ndarray) -> tuple[np.ndarray, ...]:
    """The members' and the network's month as one compiled pass, draws included; return who moved.

    ``weigh_month`` (satisfaction, experience, engagement, who leaves), the leavers out, ``orbit``
    (who loses interest, who joins) and the newcomers :func:`admit`-ted, as
    :func:`coalition_sim.model.month_kernels.membership` runs them; statuses are written in place
    (call ``model.set_status`` bookkeeping after). ``ties``: trust.ties_toward(members).

    Returns:
        (burnt out, out of patience, drifted, lost interest, newcomers, summed trust in the members after).
    """
    trust = model.trust
    return MONTH.membership(
        draw_handle(model.rng),
        members,
        ties,
        weighing(model),
        (model.status, model.engagement, model.poor_months, model.experience),
        (CORE, NETWORK, EXITED),
        (trust.dev, trust.baseline, trust.scale),
        orbit_terms(model),
    )


def weighing(model) -> tuple:
    """The arguments of :func:`coalition_sim.model.membership_kernels.weigh_month` after ``ties``."""
    workers = np.concatenate(model.workers) if model.workers else _NO_ONE
    return (
        model.benefit,
        model.cost,
        model.backbone_trust,
        ENCOURAGEMENT * model.backbone.effect("morale"),
        MEMBERSHIP_COST * model.cost_relief(),
        model.experience,
        model.poor_months,
        model.exhausted,
        model.energy,
        model.patience,
        model.engagement,
        workers,
        bool(model.workers),
        (EXPERIENCE_MEMORY, TRUST_WEIGHT, commitment.ENGAGEMENT_MEMORY, commitment.DRIFT_LEVEL),
    )


def orbit_terms(model) -> tuple:
    """What the network's month reads: positions, purpose, reach, reputation, boundary and entry rules."""
    reach = 0.5 + model.backbone.effect("public_will")
    entry = (model.boundary_alignment, model.entry_rate, reach)
    return (model.position, model.purpose, model.farthest, model.reputation, entry, (*PULL_WEIGHTS, NETWORK_FADE))


_NO_ONE = np.zeros(0, dtype=np.intp)
KERNELS = LazyKernels("coalition_sim.model.membership_kernels")
MONTH = LazyKernels("coalition_sim.model.month_kernels")
"""The compiled loops of this mechanism, imported on first use (:mod:`coalition_sim.model.compiled`)."""

"""Opt-in: an independent coordinator drafts a sharp blueprint; partners choose.

Seed 003, principles 3, 4 and 7. For each initiative the coordinator drafts a
blueprint at the ideal; its error shrinks with the backbone's vision effect.
With no backbone a member stands in: the largest organization drafts, and its
draft is biased toward its own position and noisier. The coordinator invites
organizations by skill (roles-to-strengths effect; without it, at random) and,
through public will, some of the wider network. Each invitee opts in when the
blueprint is within its tolerance and the value it expects beats its cost: the
work it would really do plus a meeting, divided by its energy. The team is filled in invitation order until it has the
capacity the initiative needs, counting only what joining adds to what it
gets anyway: members outside the team receive a spillover of every success's
benefit, so the larger the spillover the more an invitee free rides (Olson
1965). Its trust in the coordinator weighs the offer too (legitimacy, Provan
& Kenis 2008). The coordinator has finite capacity (Milward & Provan 2006): it
can handle 1 + COORDINATOR_SLOTS * b_tc initiatives a month, oldest first; the
rest wait (and lapse when their window passes). An organization whose monthly budget is already
taken by the teams it joined this month declines further offers (see
:mod:`coalition_sim.model.workload`). Declining costs nothing and keeps membership.

The blueprint, the invitations, the choice and the team are compiled passes over the
invitees (:mod:`coalition_sim.model.governance.deliberation_kernels`); the random draws are
made here, in numpy, in the order the rule has always made them.
"""

from __future__ import annotations

import numpy as np

from coalition_sim.model.execution import MIN_EFFORT
from coalition_sim.model.governance.base import ADOPTED, BLOCKED, Decision, GovernanceRule, register
from coalition_sim.model.governance.base import KERNELS as DELIBERATION
from coalition_sim.model.learning import spillover_share
from coalition_sim.model.legitimacy import objectors
from coalition_sim.model.workload import TEAM_SLACK, asks

DRAFT_NOISE = 0.15
"""Std of a stand-in's drafting error (goal-space units)."""
STANDIN_BIAS = 0.5
"""Fraction of the way a stand-in's draft is pulled toward its own position."""
MIN_TEAM = 0.5
"""The coordinator launches only with at least this fraction of the need."""
ENERGY_FLOOR = 0.15
"""Organizations more tired than this decline whatever the offer."""
BLOCK_REASON = "too few partners opted in"
WAIT_REASON = "the coordinator had no time for it this month"
COORDINATOR_SLOTS = 4
"""Extra initiatives a month a coordinator handles at full transaction-cost support (beyond one)."""
LEGITIMACY_WEIGHT = 1.0
"""How much distrust of the coordinator discounts an offer: value * (1 - w * b_vis * (1 - trust in it))."""


def draft_blueprint(model, initiative) -> np.ndarray:
    """The coordinator's blueprint: near the ideal, worse with a weak backbone."""
    quality = model.backbone.effect("vision")
    noise = model.rng.normal(0.0, DRAFT_NOISE, size=initiative.ideal.shape)
    members = model.core_indices()
    return DELIBERATION.blueprint(
        model.position, model.capacity, members, initiative.ideal, noise, quality, STANDIN_BIAS
    )


def invitation_order(model, initiative) -> np.ndarray:
    """Core members, plus network organizations reached by public will, best fit first."""
    network = model.network_indices()
    reach = model.backbone.effect("public_will")
    invited = DELIBERATION.invitees(model.core_indices(), network, model.rng.random(network.size), reach)
    roles = model.backbone.effect("roles")
    return DELIBERATION.best_fit_first(invited, model.skills, initiative.needs, roles, model.rng.random(invited.size))


def opts_in(model, invited: np.ndarray, blueprint: np.ndarray, initiative) -> np.ndarray:
    """Boolean mask: which invitees choose to join this blueprint."""
    terms = choice_terms(model, initiative)
    choose = DELIBERATION.opts_in
    return choose(model.position, model.tolerance, model.energy, model.backbone_trust, invited, blueprint, terms)


def choice_terms(model, initiative) -> tuple[float, ...]:
    """The month's terms of an invitee's choice, as :func:`deliberation_kernels.opts_in` takes them.

    The offer V · ρ̂; the own share of a success (what joining adds to what it gets anyway: free
    riding); how much distrust of the coordinator discounts it; the costs of work and of a meeting;
    ENERGY_FLOOR and the least effort (``execution.MIN_EFFORT``).
    """
    return (
        float(initiative.value * model.expected_success()),
        float(1.0 - spillover_share(model)),
        float(LEGITIMACY_WEIGHT * model.backbone.effect("vision")),
        float(model.work_cost_per_unit()),
        float(model.round_cost()),
        float(ENERGY_FLOOR),
        float(MIN_EFFORT),
    )


def coordinator_slots(model) -> int:
    """Initiatives the coordinator can draft and run this month (one with no backbone)."""
    return 1 + int(round(COORDINATOR_SLOTS * model.backbone.effect("transaction_costs")))


@register
class OptIn(GovernanceRule):
    """Coordinator drafts, partners opt in per initiative (docs/MODEL.md step 2, opt-in)."""

    name = "opt-in"

    def decide(self, model, pending):
        if not pending:
            return []
        decisions = []
        committed = np.zeros(model.capacity.size)  # work already taken on this month
        slots = coordinator_slots(model)
        for handled, initiative in enumerate(pending):
            if handled >= slots:
                decisions.append(Decision(initiative, BLOCKED, initiative.draft.copy(), reason=WAIT_REASON))
                continue
            blueprint = initiative.draft if initiative.drafted else draft_blueprint(model, initiative)
            invited = invitation_order(model, initiative)
            joins = opts_in(model, invited, blueprint, initiative)
            team, pooled = DELIBERATION.team(
                invited, joins, committed, model.capacity, TEAM_SLACK * initiative.required
            )
            if team.size and pooled >= MIN_TEAM * initiative.required:
                against = objectors(model, blueprint, team)
                decisions.append(
                    Decision(initiative, ADOPTED, blueprint, team, invited, 1, dissenters=against, by_coordinator=True)
                )
                committed[team] += asks(model.capacity, team, initiative.required)
            else:
                decisions.append(
                    Decision(initiative, BLOCKED, blueprint, attendees=invited, rounds=1, reason=BLOCK_REASON)
                )
        return decisions

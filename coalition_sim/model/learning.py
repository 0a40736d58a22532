"""Learn and feel: what a success or a setback does to the coalition.

Success adds impact (reduced by dilution), strengthens the team's mutual trust,
lifts its energy (recognition) and the coalition's reputation, and benefits
members in proportion to how close the blueprint was to what they want;
members who did not take part get a smaller share, larger when the backbone's
shared measurement lets everyone learn from all activities (seed 003 p.1).
Working together closes trust_gain of the gap to full trust (SUCCESS_TRUST
more after a success). A setback costs energy and, unless shared measurement turns it into
information, breeds blame (seed 000: setbacks as information). Free riders
lose their teammates' trust either way.

Shared measurement also builds *know-how* K in [0, 1]: common indicators let the
coalition learn what works from every initiative it carries out, succeeded or
failed (continuous improvement: Kania & Kramer 2011; Turner et al. 2012), and the
lesson raises later initiatives' success chance (:mod:`execution`):

    K <- K + KNOW_HOW_RATE * m * (1 - K)   per initiative carried out,
    K <- K * (1 - KNOW_HOW_FADE)           each month,

with m the measurement effect. Without measurement nothing is learned, and what
was learned fades when the backbone is cut (lessons live in the indicators and the
staff who keep them). A shock (a shift in the skills initiatives need) devalues
what was learned: K <- K * (1 - SHOCK_UNLEARNING), since lessons about what works
depreciate when the environment changes (Argote 1999, knowledge depreciation).
"""

from __future__ import annotations

import numpy as np

from coalition_sim.model import morale
from coalition_sim.model.compiled import LazyKernels, as_index
from coalition_sim.model.execution import UNDER_EFFORT, Outcome

SUCCESS_TRUST = 0.05
"""Extra share of the gap to full trust closed in a successful team."""
BLAME = 0.1
"""Share of trust lost in a failed team with no shared measurement."""
FREE_RIDER_PENALTY = 0.05
"""Share of teammates' trust a free rider loses."""
REPUTATION_GAIN = 0.05
"""Reputation gained per unit impact (times 1 + public will), toward 1."""
REPUTATION_LOSS = 0.03
"""Share of reputation lost per failure."""
REPUTATION_FADE = 0.02
"""Share of reputation that fades each month (a coalition is remembered for its recent work)."""
SPILLOVER = 0.2
"""Share of a success's benefit that reaches members outside the team."""
LEARNING_SPILLOVER = 0.3
"""Extra spillover at full shared measurement."""
KNOW_HOW_RATE = 0.1
"""Share of the gap to full know-how closed per initiative carried out, at full shared measurement."""
KNOW_HOW_FADE = 0.02
"""Share of know-how forgotten each month."""
SHOCK_UNLEARNING = 0.5
"""Share of know-how a shock makes obsolete."""
WORK_COST = 0.1
"""Cost (value units) of a month of full effort with the whole budget (times effort and the share of the budget)."""


def spillover_share(model) -> float:
    """Share of a success's benefit that reaches members outside the team."""
    return SPILLOVER + LEARNING_SPILLOVER * model.backbone.effect("measurement")


def learn(model, decision, outcome: Outcome) -> None:
    """Apply the consequences of one executed initiative (one compiled pass,
    :func:`coalition_sim.model.learning_kernels.learn`; the equations are in this module's docstring)."""
    team = as_index(decision.participants)
    share = outcome.share if isinstance(outcome.share, np.ndarray) else np.full(team.size, outcome.share)
    done = (outcome.success, outcome.effort, share, outcome.impact)
    state, trust, effects, coalition, constants = terms(model)
    model.reputation, model.know_how = KERNELS.learn(
        state, trust, team, decision.blueprint, done, effects, coalition, constants
    )


def terms(model) -> tuple:
    """The arguments of :func:`coalition_sim.model.learning_kernels.learn` that do not depend on the
    initiative: (state, trust, effects, (reputation, know-how), constants)."""
    effect, trust = model.backbone.effect, model.trust
    return (
        (model.cost, model.energy, model.benefit, model.position, model.tolerance, model.core_indices()),
        (trust.dev, trust.baseline, trust.scale, model.trust_gain),
        (effect("morale"), effect("public_will"), effect("measurement")),
        (model.reputation, model.know_how),
        (
            WORK_COST,
            morale.WORK_ENERGY,
            SUCCESS_TRUST,
            morale.RECOGNITION,
            morale.SETBACK,
            REPUTATION_GAIN,
            REPUTATION_LOSS,
            BLAME,
            SPILLOVER,
            LEARNING_SPILLOVER,
            KNOW_HOW_RATE,
            UNDER_EFFORT,
            FREE_RIDER_PENALTY,
        ),
    )


KERNELS = LazyKernels("coalition_sim.model.learning_kernels")
"""The compiled loops of this mechanism, imported on first use (:mod:`coalition_sim.model.compiled`)."""


def fade_reputation(model) -> None:
    """Reputation fades each month unless new successes renew it (it is not pinned at 1)."""
    model.reputation *= 1.0 - REPUTATION_FADE


def unlearn(model) -> None:
    """A shock makes part of the coalition's know-how obsolete."""
    model.know_how *= 1.0 - SHOCK_UNLEARNING


def fade_know_how(model) -> None:
    """Know-how fades each month unless shared measurement renews it."""
    model.know_how *= 1.0 - KNOW_HOW_FADE

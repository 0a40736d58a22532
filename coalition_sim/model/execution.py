"""Execution: participants commit capacity; the initiative succeeds or fails.

Success chance (logistic):

    logit p = B0 + B_CAP * ln(min(pooled / required, CAP_CEILING))
                 + B_SKILL * (coverage - 1/2) + B_TRUST * (trust - 1/2)
                 + B_COHERENCE * (coherence - 1/2) + B_COORD * roles
                 + B_KNOW_HOW * know_how

where pooled = sum(asked * effort * availability) over participants (what the
initiative asked of each, the effort each puts in, and the share of its monthly
budget it still has: :mod:`coalition_sim.model.workload`), coverage = sum over roles
of need * best participant skill, trust = mean trust among participants,
coherence = 1 - dilution / DILUTION_SCALE, and roles is the backbone's
roles-to-strengths effect (coordination of the work), and know_how is what
shared measurement has taught the coalition (:mod:`coalition_sim.model.learning`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coalition_sim.model import workload
from coalition_sim.model.compiled import LazyKernels, as_index, draw_handle
from coalition_sim.model.goal_space import clip

B0 = 0.3
"""Logit of success for a team with just the capacity needed and middling everything."""
B_CAP = 1.5
"""Weight of ln(pooled capacity / need)."""
B_SKILL = 3.0
"""Weight of skill coverage (0..1, centred at 1/2)."""
B_TRUST = 2.0
"""Weight of mean trust within the team (centred at 1/2)."""
B_COHERENCE = 1.5
"""Weight of coherence, 1 - dilution / DILUTION_SCALE (centred at 1/2)."""
B_COORD = 1.0
"""Weight of the backbone's roles-to-strengths coordination."""
B_KNOW_HOW = 1.0
"""Weight of the coalition's know-how (0..1) from shared measurement."""
CAP_CEILING = 3.0
"""Pooled capacity beyond this multiple of the need adds nothing."""
DILUTION_SCALE = 0.5
"""Dilution (goal-space units) at which a blueprint has lost all coherence."""
MIN_EFFORT = 0.25
"""Effort of a participant far outside its tolerance (relative to its energy)."""
UNDER_EFFORT = 0.35
"""Participants below this effort are seen as free riders by their teammates."""


@dataclass
class Outcome:
    """What happened when a team worked on an adopted initiative."""

    success: bool
    probability: float
    effort: np.ndarray
    impact: float
    dilution: float
    share: np.ndarray | float = 1.0
    """Share of each participant's monthly budget this initiative took (what it delivered / its capacity)."""


def effort(energy: np.ndarray, distance: np.ndarray, tolerance: np.ndarray) -> np.ndarray:
    """Share of capacity a participant really puts in: tired or unconvinced means less."""
    return energy * clip(1.0 - 0.5 * distance / tolerance, MIN_EFFORT, 1.0)


def skill_coverage(team_skills: np.ndarray, needs: np.ndarray) -> float:
    """How well the team's best skill per role covers what the initiative needs (0..1)."""
    if team_skills.shape[0] == 0:
        return 0.0
    return float(needs @ team_skills.max(axis=0))


def mutual_trust(trust, team: np.ndarray) -> float:
    """Mean trust among team members (self-trust excluded); 0.5 for a team of one."""
    return trust.mean_among(team) if team.size >= 2 else 0.5


def coherence(dilution: float) -> float:
    """1 for a blueprint at the ideal, 0 at DILUTION_SCALE or beyond."""
    return min(max(float(1.0 - dilution / DILUTION_SCALE), 0.0), 1.0)


def success_probability(
    capacity_ratio: float,
    coverage: float,
    trust: float,
    coherence_: float,
    coordination: float,
    know_how: float = 0.0,
) -> float:
    """The logistic success chance above."""
    ratio = min(max(capacity_ratio, 1e-6), CAP_CEILING)
    logit = (
        B0
        + B_CAP * np.log(ratio)
        + B_SKILL * (coverage - 0.5)
        + B_TRUST * (trust - 0.5)
        + B_COHERENCE * (coherence_ - 0.5)
        + B_COORD * coordination
        + B_KNOW_HOW * know_how
    )
    return float(1.0 / (1.0 + np.exp(-logit)))


def execute(model, decision) -> Outcome:
    """Run one adopted initiative with its team; draw success from the model's rng.

    One compiled pass (:func:`coalition_sim.model.execution_kernels.execute`): effort, asks, shares,
    pooled capacity, coverage and dilution over the team (the arithmetic of :func:`effort`,
    :func:`~coalition_sim.model.workload.asks` and :func:`skill_coverage`), :func:`coherence`,
    :func:`mutual_trust`, :func:`success_probability` and the draw.
    """
    success, p, work, share, impact, dilution = KERNELS.execute(draw_handle(model.rng), *terms(model, decision))
    return Outcome(bool(success), p, work, impact, dilution, share)


def terms(model, decision) -> tuple:
    """The arguments (after the draw handle) of :func:`coalition_sim.model.execution_kernels.execute`."""
    initiative, trust = decision.initiative, model.trust
    return (
        (model.position, model.energy, model.tolerance, model.capacity, model.availability, model.skills),
        (trust.dev, trust.baseline, trust.scale),
        as_index(decision.participants),
        (decision.blueprint, initiative.ideal, initiative.required, initiative.needs, initiative.value),
        model.backbone.effect("roles"),
        model.know_how,
        (
            MIN_EFFORT,
            workload.TEAM_SLACK,
            DILUTION_SCALE,
            (B0, B_CAP, B_SKILL, B_TRUST, B_COHERENCE, B_COORD, B_KNOW_HOW, CAP_CEILING),
        ),
    )


KERNELS = LazyKernels("coalition_sim.model.execution_kernels")
"""The compiled loops of this mechanism, imported on first use (:mod:`coalition_sim.model.compiled`)."""

"""The month's compiled passes state the same equations as the mechanisms' readable forms.

The model runs each section of a month as one compiled pass (:mod:`coalition_sim.model.month_kernels`).
Here the pass's figures are set against the functions the ODD states them with, on coalitions
mid-run (trust built up, energy spent, teams of every size), so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

import numpy as np
import pytest

from coalition_sim import CoalitionModel
from coalition_sim.model import execution, morale, workload
from coalition_sim.model.execution import (
    coherence,
    effort,
    mutual_trust,
    skill_coverage,
    success_probability,
)
from coalition_sim.model.goal_space import distances
from coalition_sim.model.governance import ADOPTED, Decision


def mid_run(seed: int, governance: str = "consensus", months: int = 30) -> CoalitionModel:
    return CoalitionModel(seed=seed, governance=governance, n_orgs=30).run(months)


def readable_chance(model, team, blueprint, initiative) -> float:
    """The success chance as execution.py's functions state it."""
    work = effort(model.energy[team], distances(model.position[team], blueprint), model.tolerance[team])
    asked = workload.asks(model.capacity, team, initiative.required)
    pooled = float((asked * model.availability[team] * work).sum())
    dilution = float(distances(blueprint[None, :], initiative.ideal)[0])
    return success_probability(
        pooled / initiative.required,
        skill_coverage(model.skills[team], initiative.needs),
        mutual_trust(model.trust, team),
        coherence(dilution),
        model.backbone.effect("roles"),
        model.know_how,
    )


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("size", [1, 2, 5, 12, 25])
def test_the_compiled_success_chance_is_the_stated_one(seed, size):
    model = mid_run(seed)
    members = model.core_indices()
    if members.size < size:
        pytest.skip("the coalition has fewer members by now")
    team = members[:size]
    initiative = model.environment._new(model.steps)
    blueprint = np.clip(initiative.ideal + 0.05, 0.0, 1.0)
    decision = Decision(initiative, ADOPTED, blueprint, team, team, 1)
    expected = readable_chance(model, team, blueprint, initiative)
    assert execution.execute(model, decision).probability == pytest.approx(expected, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("success", [True, False])
def test_the_compiled_toll_and_sting_are_the_stated_ones(success):
    model = mid_run(3)
    team = model.core_indices()[:6]
    initiative = model.environment._new(model.steps)
    decision = Decision(initiative, ADOPTED, initiative.ideal.copy(), team, team, 1)
    energy_before = model.energy.copy()
    work, share = np.full(team.size, 0.7), np.full(team.size, 0.5)
    outcome = execution.Outcome(success, 0.5, work, 1.0 if success else 0.0, 0.0, share)
    from coalition_sim.model import learning

    learning.learn(model, decision, outcome)
    expected = np.maximum(energy_before[team] - morale.WORK_ENERGY * work * share, 0.0)
    m = model.backbone.effect("morale")
    if success:
        expected = np.minimum(expected + morale.RECOGNITION * (1.0 + m), 1.0)
    else:
        expected = np.maximum(expected - morale.SETBACK * (1.0 - 0.5 * m), 0.0)
    assert np.array_equal(model.energy[team], expected)
    others = np.setdiff1d(np.arange(model.energy.size), team)
    assert np.array_equal(model.energy[others], energy_before[others])

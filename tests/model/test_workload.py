"""Capacity as a monthly budget: load, overload, and burnout that morale protects against."""

import numpy as np
import pytest

from coalition_sim import BACKBONE_EFFECTS, CoalitionModel
from coalition_sim.model import morale, workload
from coalition_sim.model.execution import execute
from coalition_sim.model.governance import ADOPTED, BLOCKED, Decision


def quiet(population, **kw):
    settings = dict(min_members=1, dormancy_limit=240, entry_rate=0.0, shock_rate=0.0, turnover_rate=0.0, seed=1)
    settings.update(kw)
    return CoalitionModel(population=population, **settings)


def adopted(model, team, required, rounds=1):
    initiative = model.environment._new(0)
    initiative.required = required
    return Decision(initiative, ADOPTED, initiative.ideal.copy(), team, team, rounds)


def test_two_initiatives_in_one_month_share_each_members_budget(make_population):
    model = quiet(make_population([[0.5, 0.5]] * 2, [0.3] * 2, capacity=[1.0, 3.0]), backbone_strength=0.0)
    team = np.array([0, 1])
    decisions = [adopted(model, team, 2.0), adopted(model, team, 2.0)]
    # each initiative asks the team for 1.25 * 2 = 2.5, shared 1:3; two meeting rounds of 0.05 each
    expected = np.array([2 * 2.5 * 0.25 + 0.1, 2 * 2.5 * 0.75 + 0.1]) / np.array([1.0, 3.0])
    assert workload.load(model, decisions) == pytest.approx(expected)


def test_a_blocked_draft_asks_only_for_meeting_time(make_population):
    model = quiet(make_population([[0.5, 0.5]] * 2, [0.3] * 2), backbone_strength=0.0)
    initiative = model.environment._new(0)
    blocked = Decision(initiative, BLOCKED, initiative.ideal.copy(), attendees=np.array([0, 1]), rounds=3)
    assert workload.load(model, [blocked]) == pytest.approx([0.15, 0.15])


def test_an_overloaded_team_delivers_less_and_succeeds_less_often(make_population):
    model = quiet(make_population([[0.5, 0.5]] * 3, [0.3] * 3))
    decision = adopted(model, np.array([0, 1, 2]), 2.0)
    model.availability = np.ones(3)
    rested = execute(model, decision)
    model.availability = np.full(3, 0.5)  # load 2: half of what was asked can be given
    overloaded = execute(model, decision)
    assert overloaded.probability < rested.probability
    assert np.all(overloaded.share == pytest.approx(rested.share / 2))


def test_overload_drains_a_fixed_amount_so_energy_can_run_out():
    energy = np.array([0.1, 0.1, 0.1])
    morale.after_overload(energy, np.array([0.0, 0.5, 1.0]), 0.0)
    assert energy == pytest.approx([0.1, 0.1 - 0.075, 0.0])


def burnout_months(make_population, rate, **kw):
    pop = make_population([[0.5, 0.5]] * 4, [0.4] * 4, capacity=[0.1, 1.0, 1.0, 1.0])
    model = quiet(pop, initiative_rate=rate, **kw).run(60)
    return {i: m for i, m in model.exit_month.items() if model.exit_cause[i] == "burnout"}


def test_a_coalition_that_takes_on_more_than_its_capacity_burns_out(make_population):
    # four organizations (capacity 3.1 in all) offered two initiatives of 2.7 a month: overloaded
    assert burnout_months(make_population, 2.0, backbone_strength=0.0) == {0: 2, 1: 2, 2: 2, 3: 2}


def test_the_morale_function_delays_burnout_under_overload(make_population):
    without = burnout_months(make_population, 2.0, backbone_strength=0.0)
    only_morale = ",".join(e for e in BACKBONE_EFFECTS if e != "morale")
    protected = burnout_months(make_population, 2.0, backbone_strength=1.0, disabled_effects=only_morale)
    assert all(protected.get(i, 61) > month for i, month in without.items())


def test_a_coalition_within_its_capacity_does_not_burn_out(make_population):
    assert burnout_months(make_population, 0.1, backbone_strength=0.0) == {}

"""Opt-in with its costs: external costs, legitimacy, fading commitment, a finite coordinator, free riding."""

import numpy as np
import pytest

from coalition_sim import CoalitionModel
from coalition_sim.model import commitment, learning, legitimacy, membership
from coalition_sim.model.governance import ADOPTED, BLOCKED
from coalition_sim.model.governance.opt_in import WAIT_REASON, coordinator_slots, opts_in


def quiet(population, **kw):
    settings = dict(
        governance="opt-in", min_members=1, dormancy_limit=240, entry_rate=0.0, shock_rate=0.0,
        turnover_rate=0.0, initiative_rate=0.0, seed=4,
    )  # fmt: skip
    settings.update(kw)
    return CoalitionModel(population=population, **settings)


def offer(model, ideal):
    initiative = model.environment._new(0)
    initiative.ideal = np.array(ideal, dtype=float)
    initiative.draft = initiative.ideal.copy()
    initiative.required = 1.0
    initiative.value = 3.0
    return initiative


def test_an_objector_to_a_blueprint_carried_out_in_the_coalitions_name_pays_and_trusts_the_coordinator_less(
    make_population,
):
    # three partners at the ideal, one far away: the blueprint goes ahead without it
    pop = make_population([[0.5, 0.5]] * 3 + [[0.0, 0.0]], [0.3] * 4)
    model = quiet(pop, backbone_strength=1.0)
    initiative = offer(model, [0.5, 0.5])
    model.pending.append(initiative)
    decision = model.rule.decide(model, [initiative])[0]
    assert decision.outcome == ADOPTED and decision.dissenters.tolist() == [3]
    before = model.backbone_trust.copy()
    model.open_books()
    model.load, model.availability = np.zeros(4), np.ones(4)
    model.apply(decision)
    assert model.backbone_trust[3] == pytest.approx(before[3] * (1 - legitimacy.LEGITIMACY_LOSS))
    assert np.all(model.backbone_trust[:3] == before[:3])
    assert model.cost[3] == pytest.approx(membership.DISSENT_COST + model.round_cost())  # it was consulted too


def test_distrust_of_the_coordinator_turns_an_accepted_offer_down(make_population):
    model = quiet(make_population([[0.5, 0.5]] * 2, [0.4] * 2), backbone_strength=1.0, transaction_cost=0.05)
    model.backbone_trust[:] = [1.0, 0.0]
    initiative = offer(model, [0.5, 0.5])
    initiative.value = 0.6
    assert opts_in(model, np.array([0, 1]), initiative.ideal, initiative).tolist() == [True, False]


def test_a_larger_spillover_means_more_free_riding(make_population):
    # measurement spreads a success's benefit to everyone: joining adds less to what one gets anyway
    with_measurement = quiet(make_population([[0.5, 0.5]] * 2, [0.4] * 2), backbone_strength=1.0)
    without = quiet(make_population([[0.5, 0.5]] * 2, [0.4] * 2), backbone_strength=1.0, disabled_effects="measurement")
    assert learning.spillover_share(with_measurement) == pytest.approx(0.5)
    assert learning.spillover_share(without) == pytest.approx(0.2)
    for model in (with_measurement, without):
        model.expected_rate = 0.5
    initiative = offer(with_measurement, [0.5, 0.5])
    initiative.value = 0.8
    members = np.array([0, 1])
    assert not opts_in(with_measurement, members, initiative.ideal, initiative).any()
    assert opts_in(without, members, initiative.ideal, initiative).all()


@pytest.mark.parametrize("strength, slots", [(0.0, 1), (0.5, 3), (1.0, 5)])
def test_the_coordinator_handles_more_initiatives_a_month_with_more_support(make_population, strength, slots):
    model = quiet(make_population([[0.5, 0.5]] * 4, [0.3] * 4), backbone_strength=strength)
    assert coordinator_slots(model) == slots
    pending = [offer(model, [0.5, 0.5]) for _ in range(6)]
    decisions = model.rule.decide(model, pending)
    waited = [d for d in decisions if d.reason == WAIT_REASON]
    assert len(waited) == 6 - slots and all(d.outcome == BLOCKED for d in waited)
    assert [d.initiative for d in waited] == pending[slots:]  # the oldest are handled first


def test_an_overloaded_coordinator_lets_initiatives_lapse(make_population):
    model = quiet(make_population([[0.5, 0.5]] * 12, [0.3] * 12), backbone_strength=0.0, initiative_window=1)
    model.pending.extend(offer(model, [0.5, 0.5]) for _ in range(4))
    model.step()
    assert model.totals["lapsed"] >= 3


def test_a_member_that_never_works_drifts_away_after_45_active_months():
    engagement, members = np.ones(2), np.array([0, 1])
    for _ in range(44):
        commitment.update_engagement(engagement, members, np.array([0]))
    assert commitment.drifters(engagement, members).size == 0
    commitment.update_engagement(engagement, members, np.array([0]))
    assert commitment.drifters(engagement, members).tolist() == [1]


def drift_exits(rule, seed):
    return CoalitionModel(governance=rule, backbone_strength=0.8, seed=seed).run(120).summary()["exits_drift"]


def test_drift_is_an_exit_cause_under_opt_in_and_not_under_unanimity():
    assert sum(drift_exits("opt-in", s) for s in range(3)) > 0
    assert sum(drift_exits("unanimity", s) for s in range(3)) == 0

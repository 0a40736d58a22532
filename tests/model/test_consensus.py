"""Consensus as practised (stand aside, principled blocks, fallback) against strict unanimity."""

import numpy as np
import pytest

from coalition_sim import CoalitionModel
from coalition_sim.model.governance import ADOPTED, BLOCKED
from coalition_sim.model.governance.consensus import acceptance


def quiet(population, **kw):
    settings = dict(
        min_members=1, dormancy_limit=240, entry_rate=0.0, shock_rate=0.0, turnover_rate=0.0, seed=4,
        initiative_rate=0.0, trust_widening=0.0,
    )  # fmt: skip
    settings.update(kw)
    return CoalitionModel(population=population, **settings)


def decide_one(model, ideal):
    initiative = model.environment._new(0)
    initiative.ideal = np.array(ideal, dtype=float)
    initiative.draft = initiative.ideal.copy()
    return model.rule.decide(model, [initiative])[0], initiative


def test_block_thresholds_that_do_not_overlap_still_block(make_population):
    # 1-D: members at 0.1 and 0.9, tolerance 0.1, band 1 -> block thresholds 0.2: no common point
    model = quiet(make_population([0.1, 0.9], [0.1, 0.1]), stand_aside_band=1.0)
    decision, _ = decide_one(model, [0.5])
    assert decision.outcome == BLOCKED


def test_overlapping_block_thresholds_let_a_member_stand_aside_and_it_never_works(make_population):
    # tolerances 0.1 at 0.3 and 0.6; band 1 -> block at 0.2: the draft at 0.4 suits member 0;
    # member 1 is 0.2 away, beyond its tolerance, within its block threshold: it stands aside
    model = quiet(make_population([0.3, 0.6], [0.1, 0.1]), stand_aside_band=1.0, deliberation_rounds=1)
    decision, _ = decide_one(model, [0.4])
    assert decision.outcome == ADOPTED
    assert decision.participants.tolist() == [0] and decision.dissenters.tolist() == [1]
    assert decision.attendees.tolist() == [0, 1]


def test_strict_unanimity_blocks_what_consensus_adopts_with_a_stand_aside(make_population):
    model = quiet(make_population([0.3, 0.6], [0.1, 0.1]), governance="unanimity", deliberation_rounds=1)
    decision, _ = decide_one(model, [0.4])
    assert decision.outcome == BLOCKED


def test_a_stand_asider_pays_dissent_and_does_no_work_over_a_run(make_population):
    model = quiet(make_population([0.3, 0.6], [0.1, 0.1]), stand_aside_band=1.0, deliberation_rounds=1)
    from coalition_sim.model.model import CoalitionModel

    worked = []
    original = CoalitionModel.carry_out

    def recording(m, decision):
        worked.append(decision.participants.tolist())
        return original(m, decision)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CoalitionModel, "carry_out", recording)
        for _ in range(5):
            initiative = model.environment._new(model.steps)
            initiative.ideal = np.array([0.4])
            initiative.draft = initiative.ideal.copy()
            model.pending.append(initiative)
            model.step()
    assert worked and all(1 not in team for team in worked)


@pytest.mark.parametrize("k", [1, 2, 4])
def test_the_fallback_adopts_after_exactly_k_blocked_months(make_population, k):
    # three members: two at 0.2, one at 0.9; no draft suits all three, a majority is easy
    pop = make_population([0.2, 0.2, 0.9], [0.1, 0.1, 0.1])
    model = quiet(pop, stand_aside_band=0.0, fallback_months=k, initiative_window=12)
    initiative = model.environment._new(0)
    initiative.ideal = np.array([0.2])
    initiative.draft = initiative.ideal.copy()
    model.pending.append(initiative)
    outcomes = []
    original = model.rule.decide
    model.rule.decide = lambda m, pending: outcomes.append(d := original(m, pending)) or d
    model.run(k + 1)
    assert [d[0].outcome for d in outcomes] == [BLOCKED] * k + [ADOPTED]
    assert outcomes[-1][0].participants.tolist() == [0, 1]


def test_no_fallback_keeps_blocking(make_population):
    model = quiet(make_population([0.2, 0.2, 0.9], [0.1, 0.1, 0.1]), stand_aside_band=0.0, initiative_window=12)
    initiative = model.environment._new(0)
    initiative.ideal = np.array([0.2])
    model.pending.append(initiative)
    model.run(6)
    assert model.totals["adopted"] == 0 and model.totals["blocked"] == 6


def test_acceptance_widens_with_trust(make_population):
    low = quiet(make_population([0.4, 0.5, 0.6], [0.1] * 3, trust=0.3), trust_widening=1.0)
    high = quiet(make_population([0.4, 0.5, 0.6], [0.1] * 3, trust=0.9), trust_widening=1.0)
    members = low.core_indices()
    assert acceptance(low, members) == pytest.approx([0.1] * 3)  # at the baseline, no widening
    assert acceptance(high, members) == pytest.approx([0.1 * (1 + 0.6)] * 3)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_without_band_trust_term_or_fallback_consensus_is_unanimity_run_for_run(seed):
    off = dict(stand_aside_band=0.0, trust_widening=0.0, fallback_months=0, seed=seed)
    a = CoalitionModel(governance="consensus", **off).run(120)
    b = CoalitionModel(governance="unanimity", **off).run(120)
    assert a.summary() == pytest.approx(b.summary(), nan_ok=True)
    assert a.datacollector.get_model_vars_dataframe().equals(b.datacollector.get_model_vars_dataframe())

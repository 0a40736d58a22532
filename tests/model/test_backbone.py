"""The backbone's six functions: each switched off removes its own pathways and only those.

Each probe calls the real code path on a fresh model (backbone strength 1) and
returns a number or tuple. Disabling one effect must change exactly the probes
listed for it in PATHWAYS; removing the backbone (strength 0) changes them all.
"""

import numpy as np
import pandas as pd
import pytest

from coalition_sim import BACKBONE_EFFECTS, CoalitionModel
from coalition_sim.model import learning, membership, turnover
from coalition_sim.model.backbone import Backbone
from coalition_sim.model.execution import Outcome, execute
from coalition_sim.model.governance import ADOPTED, Decision
from coalition_sim.model.governance.opt_in import draft_blueprint, invitation_order

PATHWAYS = {
    "vision": {"draft_error", "vision_pull", "onboarding"},
    "roles": {"core_invitation_order", "success_chance", "introductions"},
    "measurement": {"blame", "spillover"},
    "public_will": {"network_invited", "reputation_gain", "entry_chance"},
    "transaction_costs": {"meeting_rounds", "round_cost", "membership_cost", "satisfaction"},
    "morale": {"rest", "belonging", "recognition", "setback", "satisfaction"},
}


def fresh(strength=1.0, disabled=""):
    model = CoalitionModel(
        governance="opt-in", backbone_strength=strength, disabled_effects=disabled, seed=21, n_orgs=20
    )
    model.rng = np.random.default_rng(99)  # every probe starts from the same draws
    return model


def a_decision(model):
    initiative = model.environment._new(0)
    team = model.core_indices()[:4]
    return Decision(initiative, ADOPTED, initiative.ideal.copy(), team, team, 1)


def after_learning(model, success):
    decision = a_decision(model)
    outcome = Outcome(success, 0.5, np.full(decision.participants.size, 0.8), 1.0 if success else 0.0, 0.0)
    learning.learn(model, decision, outcome)
    return model, decision.participants


def probe_relationships(model):
    model.energy[:] = 0.5
    model.relationships()
    return model


def after_turnover(model):
    """Every member's representative changes after the coalition had moved and bonded."""
    members = model.core_indices()
    model.position[members] = np.clip(model.home[members] + 0.1, 0.0, 1.0)
    model.trust.strengthen(members, 0.5)
    model.turnover_rate = 1.0
    turnover.turnover(model)
    return model


PROBES = {
    "draft_error": lambda m: float(np.linalg.norm(draft_blueprint(m, (i := m.environment._new(0))) - i.ideal)),
    "vision_pull": lambda m: probe_relationships(m).position.round(12).tobytes(),
    "core_invitation_order": lambda m: tuple(o for o in invitation_order(m, m.environment._new(0)) if m.status[o] == 0),
    "network_invited": lambda m: int(np.sum(m.status[invitation_order(m, m.environment._new(0))] == 1)),
    "success_chance": lambda m: round(execute(m, a_decision(m)).probability, 12),
    "blame": lambda m: round(float(np.asarray(after_learning(m, False)[0].trust).sum()), 12),
    "spillover": lambda m: round(float(after_learning(m, True)[0].benefit.sum()), 12),
    "reputation_gain": lambda m: round(after_learning(m, True)[0].reputation, 12),
    "entry_chance": lambda m: tuple(
        np.round(membership.entry_chance(m, m.network_indices(), m.trust.ties_toward(m.core_indices())), 12)
    ),
    "meeting_rounds": lambda m: m.meeting_rounds(),
    "round_cost": lambda m: m.round_cost(),
    "membership_cost": lambda m: m.cost_relief(),
    "onboarding": lambda m: after_turnover(m).position.round(12).tobytes(),
    "introductions": lambda m: round(float(np.asarray(after_turnover(m).trust).sum()), 12),
    "rest": lambda m: round(float(probe_relationships(m).energy[m.network_indices()].sum()), 12),
    "belonging": lambda m: round(float(probe_relationships(m).energy[m.core_indices()].sum()), 12),
    "recognition": lambda m: round(float(after_learning(m, True)[0].energy.sum()), 12),
    "setback": lambda m: round(float(after_learning(m, False)[0].energy.sum()), 12),
    "satisfaction": lambda m: tuple(
        np.round(membership.satisfaction(m, m.core_indices(), m.trust.ties_toward(m.core_indices())), 12)
    ),
}


def signature(**kw):
    return {name: probe(fresh(**kw)) for name, probe in PROBES.items()}


def test_every_effect_has_pathways_and_every_probe_an_effect():
    assert set(PATHWAYS) == set(BACKBONE_EFFECTS)
    assert set().union(*PATHWAYS.values()) == set(PROBES)


@pytest.mark.parametrize("effect", BACKBONE_EFFECTS)
def test_switching_one_effect_off_changes_only_its_pathways(effect):
    full = signature()
    without = signature(disabled=effect)
    changed = {name for name in PROBES if full[name] != without[name]}
    assert changed == PATHWAYS[effect]


def test_no_backbone_removes_every_pathway():
    full, none = signature(), signature(strength=0.0)
    assert {name for name in PROBES if full[name] != none[name]} == set(PROBES)


def test_all_effects_off_is_the_same_as_no_backbone():
    assert signature(disabled=",".join(BACKBONE_EFFECTS)) == signature(strength=0.0)


INPUTS = {"backbone_strength", "final_backbone_strength"}
"""What a run reports about the backbone's own strength: an input, not an outcome."""


def whole_run(governance, seed, **kw):
    model = CoalitionModel(governance=governance, seed=seed, **kw).run(120)
    series = model.datacollector.get_model_vars_dataframe().drop(columns=["backbone_strength"])
    summary = {k: v for k, v in model.summary().items() if k not in INPUTS}
    return summary, series


@pytest.mark.parametrize("governance", ["consensus", "opt-in", "majority"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_all_six_functions_off_is_no_backbone_over_a_whole_run(governance, seed):
    off_summary, off_series = whole_run(
        governance, seed, backbone_strength=1.0, disabled_effects=",".join(BACKBONE_EFFECTS)
    )
    none_summary, none_series = whole_run(governance, seed, backbone_strength=0.0)
    assert off_summary == pytest.approx(none_summary, nan_ok=True)
    pd.testing.assert_frame_equal(off_series, none_series)


def test_schedule_cuts_support_at_the_chosen_month():
    model = CoalitionModel(backbone_strength=0.8, backbone_cut_month=36, backbone_after_cut=0.1, seed=1)
    assert [model.backbone.strength_at(m) for m in (0, 35, 36, 100)] == [0.8, 0.8, 0.1, 0.1]
    series = model.run(48).datacollector.get_model_vars_dataframe()["backbone_strength"]
    assert series.iloc[35] == 0.8 and series.iloc[36] == 0.1
    assert any(e.kind == "backbone" and e.month == 36 for e in model.events)


def test_effect_names_are_checked():
    model = CoalitionModel(seed=1)
    with pytest.raises(ValueError):
        model.backbone.effect("telepathy")
    assert isinstance(model.backbone, Backbone)

"""The governance schedule: rule A for the first k months, then rule B (a phased transition)."""

from __future__ import annotations

import pytest

from coalition_sim import CoalitionModel
from coalition_sim.model.governance.phased import ensure_registered, parse, phased_name
from coalition_sim.model.params import check_value
from coalition_sim.util.errors import InputError

SMALL = dict(n_orgs=8, initiative_rate=1.5, backbone_strength=0.6)


def series(governance: str, months: int = 30, seed: int = 3):
    model = CoalitionModel(governance=governance, seed=seed, **SMALL)
    model.run(months)
    return model.datacollector.get_model_vars_dataframe()


def test_name_form_round_trips():
    assert phased_name("consensus", 36, "opt-in") == "consensus-for-36-then-opt-in"
    assert parse("consensus-for-36-then-opt-in") == ("consensus", 36, "opt-in")
    assert parse("opt-in-for-12-then-consensus-for-24-then-majority") == (
        "opt-in",
        12,
        "consensus-for-24-then-majority",
    )
    assert parse("consensus") is None


def test_the_governance_parameter_accepts_a_schedule_and_refuses_bad_parts():
    assert check_value("governance", "consensus-for-12-then-opt-in") == "consensus-for-12-then-opt-in"
    with pytest.raises(InputError, match="governance"):
        check_value("governance", "consensus-for-12-then-opt-out")
    assert not ensure_registered("consensus-for-0-then-opt-in")


def test_the_schedule_runs_the_first_rule_exactly_for_its_months_then_the_second():
    k = 8
    first, then = series("consensus"), series("opt-in")
    phased = series(f"consensus-for-{k}-then-opt-in")
    # same seed: identical to consensus through month k (row k is after month k), then it parts ways
    assert phased.iloc[: k + 1].equals(first.iloc[: k + 1])
    assert not phased.equals(first)
    assert not phased.iloc[: k + 1].equals(then.iloc[: k + 1])


def test_a_schedule_longer_than_the_run_is_the_first_rule():
    assert series("opt-in-for-500-then-consensus").equals(series("opt-in"))


def test_nested_schedules_run():
    frame = series("consensus-for-5-then-majority-for-5-then-opt-in", months=20)
    assert len(frame) >= 2

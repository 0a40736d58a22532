"""A run handed to the compiled loop is the run stepped month by month from Python.

``CoalitionModel.run`` steps a run that keeps no monthly series, under a built-in rule, in one
compiled loop (:mod:`coalition_sim.model.compiled_run`). Here the same runs are made both ways and
must agree: the summary, every event sentence, who left when and why, the pending initiatives and
the final state of every organization.
"""

from __future__ import annotations

import math

import equivalence
import numpy as np
import pytest

from coalition_sim import CoalitionModel
from coalition_sim.model import compiled_run, metrics
from coalition_sim.model.governance.consensus import Consensus

CASES = [(case, kwargs) for case, kwargs in equivalence.cases(full=False) if not kwargs.get("interventions")]


def build(kwargs: dict) -> CoalitionModel:
    kwargs = dict(kwargs, monthly_series=False)
    if kwargs.get("population") == "scenario":
        kwargs["population"] = equivalence.scenario_population()
        for name in ("n_orgs", "network_ratio", "n_sectors", "capacity_inequality", "goal_dims", "alignment_spread"):
            kwargs.pop(name)
    return CoalitionModel(**kwargs)


def stepped(model: CoalitionModel, months: int) -> CoalitionModel:
    """The months stepped from Python, as a run that the loop does not cover is."""
    for _ in range(months):
        if not model.running:
            break
        model.step()
    return model


def assert_same_run(fast: CoalitionModel, slow: CoalitionModel) -> None:
    a, b = fast.summary(), slow.summary()
    for key, expected in b.items():
        got = a[key]
        if isinstance(expected, float) and math.isnan(expected):
            assert math.isnan(got), key
        elif isinstance(expected, float):
            assert got == pytest.approx(expected, rel=1e-12, abs=1e-12), key
        else:
            assert got == expected, key
    assert [(e.month, e.kind, e.text) for e in fast.events] == [(e.month, e.kind, e.text) for e in slow.events]
    assert fast.exit_record() == slow.exit_record()
    assert fast.steps == slow.steps and fast.running == slow.running
    assert [(i.uid, i.blocked_months, i.drafted) for i in fast.pending] == [
        (i.uid, i.blocked_months, i.drafted) for i in slow.pending
    ]
    for name in ("position", "energy", "experience", "engagement", "backbone_trust", "member_ties", "load"):
        np.testing.assert_allclose(getattr(fast, name), getattr(slow, name), rtol=0, atol=1e-12, err_msg=name)
    np.testing.assert_array_equal(fast.status, slow.status)
    np.testing.assert_allclose(fast.trust.values, slow.trust.values, rtol=0, atol=1e-12)
    assert fast.totals == slow.totals
    assert set(fast.tally) == set(slow.tally)
    for key, expected in slow.tally.items():
        assert fast.tally[key] == pytest.approx(expected, rel=1e-12, abs=1e-12), key
    assert (fast.reputation, fast.know_how, fast.expected_rate) == pytest.approx(
        (slow.reputation, slow.know_how, slow.expected_rate), rel=1e-12, abs=1e-15
    )


@pytest.mark.parametrize("case", [case for case, _ in CASES])
def test_the_compiled_run_is_the_stepped_run(case):
    kwargs = dict(CASES)[case]
    fast = build(kwargs)
    assert compiled_run.covers(fast)
    assert_same_run(fast.run(120), stepped(build(kwargs), 120))


HAND_OVERS = {
    "consensus": {"initiative_rate": 6.0, "initiative_window": 6},
    "opt-in": {"initiative_rate": 6.0, "initiative_window": 6},
    "majority": {"initiative_rate": 1.5, "alignment_spread": 0.5, "initiative_window": 4, "seed": 1},
    "unanimity": {"initiative_rate": 1.0, "initiative_window": 6, "seed": 2},
}
"""Settings in which initiatives wait from month to month under each rule."""


@pytest.mark.parametrize("governance", list(HAND_OVERS))
def test_a_run_handed_over_midway_goes_on_as_stepped(governance):
    """Months stepped from Python until initiatives are under way (events, exits in hand), then the loop."""
    kwargs = {"governance": governance, "seed": 5, **HAND_OVERS[governance]}
    fast = stepped(build(kwargs), 2)
    while not fast.pending and fast.running and fast.steps < 100:
        fast.step()
    assert fast.pending  # the hand-over carries initiatives under way
    handed_over = fast.steps
    fast.run(60)
    assert_same_run(fast, stepped(build(kwargs), handed_over + 60))


def test_interventions_already_past_leave_the_rest_to_the_loop():
    kwargs = {"governance": "consensus", "seed": 3, "interventions": "leave Org 2 at 4; join Org 40 at 6"}
    fast = build(kwargs)
    assert not compiled_run.covers(fast)  # interventions to come: stepped from Python
    stepped(fast, 6)
    assert compiled_run.covers(fast)
    fast.run(100)
    assert_same_run(fast, stepped(build(kwargs), 106))


def test_the_loop_grows_its_tables_when_the_month_needs_more_room(monkeypatch):
    """Many initiatives and a long window: the pending table and the event log grow between months."""
    kwargs = {"governance": "unanimity", "seed": 11, "initiative_rate": 10.0, "initiative_window": 24}
    real_grown = compiled_run.grown
    sizes = []
    monkeypatch.setattr(compiled_run, "grown", lambda arrays, rows: sizes.append(rows) or real_grown(arrays, rows))
    monkeypatch.setattr(compiled_run, "FIRST_ROWS", 1)
    fast = build(kwargs).run(120)
    assert len(sizes) > 2  # beyond the two tables made at the start
    assert_same_run(fast, stepped(build(kwargs), 120))


def test_what_the_loop_does_not_cover_is_stepped_from_python():
    assert compiled_run.covers(CoalitionModel(seed=1))  # the model's own monthly figures: written by the loop
    with_agents = CoalitionModel(seed=1)
    with_agents.datacollector = metrics.ScalarCollector(
        model_reporters=metrics.reporters(), agent_reporters={"energy": "energy"}
    )
    assert not compiled_run.covers(with_agents)
    assert compiled_run.covers(CoalitionModel(seed=1, monthly_series=False, governance="consensus-for-3-then-opt-in"))

    class OwnConsensus(Consensus):
        """A rule of the user's own (it may decide otherwise than the built-in one)."""

    assert not compiled_run.covers(CoalitionModel(seed=1, monthly_series=False, governance=OwnConsensus()))
    watched = CoalitionModel(seed=1)
    watched.rule.decide = watched.rule.decide  # an instance's own decide (a recording wrapper, say)
    assert not compiled_run.covers(watched)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("governance", ["consensus", "opt-in"])
def test_the_monthly_figures_are_the_stepped_ones(seed, governance):
    fast = CoalitionModel(seed=seed, governance=governance).run(120)
    slow = stepped(CoalitionModel(seed=seed, governance=governance), 120)
    a, b = fast.datacollector.get_model_vars_dataframe(), slow.datacollector.get_model_vars_dataframe()
    assert list(a.columns) == list(b.columns) and len(a) == len(b) == fast.steps + 1
    for name in a.columns:
        np.testing.assert_allclose(a[name].to_numpy(float), b[name].to_numpy(float), rtol=1e-12, atol=1e-12,
                                   equal_nan=True, err_msg=name)  # fmt: skip
        assert a[name].dtype == b[name].dtype, name
    assert fast.summary() == pytest.approx(slow.summary(), nan_ok=True)


def test_the_monthly_figures_read_the_loop_books_where_the_loop_keeps_them():
    from coalition_sim.model import metrics_kernels, run_kernels

    names = ("CUMULATIVE", "REPUTATION", "STRENGTH", "SCALE", "MONTH_IMPACT", "N_PENDING", "N_EVENTS")
    for name in (*names, "EV_SUCCEEDED", "EV_FAILED"):
        assert getattr(metrics_kernels, name) == getattr(run_kernels, name), name

"""Known answers for the Cox model with its PH test, and for Aalen-Johansen cumulative incidence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coalition_sim.analysis import competing_risks as CR
from coalition_sim.analysis import cox


def two_arm_runs(rate_a: float, rate_b, n: int, seed: int, horizon: float = 60.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []
    for rule, rate in (("consensus", rate_a), ("opt-in", rate_b)):
        t = rate(rng, n) if callable(rate) else rng.exponential(1 / rate, n)
        frames.append(
            pd.DataFrame(
                {
                    "replication": np.arange(n),
                    "seed": np.arange(n),
                    "status": "ok",
                    "governance": rule,
                    "lifetime": np.minimum(t, horizon),
                    "censored": t > horizon,
                    "cause": np.where(t > horizon, "censored", np.where(rng.random(n) < 0.3, "collapse", "dormancy")),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def test_cox_recovers_a_hazard_ratio_and_sees_proportional_hazards():
    runs = two_arm_runs(0.02, 0.04, 400, seed=1)
    table = cox.cox_model(runs, ["governance"], cluster=None)
    row = table.iloc[0]
    assert row.term == "governance=opt-in"
    assert row.low < 2.0 < row.high and row.p < 1e-6
    assert row.ph_p > 0.01  # exponential arms: hazards are proportional


def test_cox_ph_test_flags_crossing_hazards():
    # opt-in: early deaths rare, late deaths common (Weibull shape 3) vs constant hazard: curves cross
    weibull = lambda rng, n: 45.0 * rng.weibull(3.0, n)
    runs = two_arm_runs(1 / 45.0, weibull, 400, seed=2)
    table = cox.cox_model(runs, ["governance"], cluster=None)
    assert table.ph_p.iloc[0] < 1e-4


def test_cox_clusters_by_seed_when_seeds_are_shared():
    runs = two_arm_runs(0.02, 0.04, 200, seed=3)
    assert bool(cox.cox_model(runs, ["governance"], cluster="seed").clustered.iloc[0])
    runs["seed"] = np.arange(len(runs))
    assert not bool(cox.cox_model(runs, ["governance"], cluster="seed").clustered.iloc[0])


def test_aalen_johansen_matches_lifelines_on_untied_times():
    from lifelines import AalenJohansenFitter

    rng = np.random.default_rng(5)
    n = 120
    t = rng.exponential(30.0, n)
    c = rng.exponential(60.0, n)  # early censoring too
    life = np.minimum(t, c)
    censored = c < t
    cause = np.where(rng.random(n) < 0.4, "collapse", "dormancy")
    times, cif = CR.cumulative_incidence(life, censored, cause, "collapse")
    code = np.where(censored, 0, np.where(cause == "collapse", 1, 2))
    ajf = AalenJohansenFitter(calculate_variance=False).fit(life, code, event_of_interest=1)
    theirs = ajf.cumulative_density_.iloc[:, 0]
    for q in (10.0, 25.0, 50.0, float(life.max())):
        expected = float(theirs[theirs.index <= q].iloc[-1])
        assert CR.incidence_at(times, cif, q) == pytest.approx(expected, abs=1e-12)


def test_with_censoring_only_at_the_horizon_incidence_is_count_over_n():
    runs = two_arm_runs(0.02, 0.03, 150, seed=6)
    table = CR.incidence_table(runs, ["governance"], horizon=60.0)
    for _, row in table.iterrows():
        arm = runs[runs.governance == row.governance]
        count = int(((arm.cause == row.cause) & ~arm.censored).sum())
        assert row.incidence == pytest.approx(count / len(arm)) and row.events == count
        assert row.low <= row.incidence <= row.high
    assert sorted(table.cause.unique()) == ["collapse", "dormancy"]  # read from the data


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_incidences_and_survival_add_up_to_one(seed):
    from coalition_sim.analysis.survival import kaplan_meier

    rng = np.random.default_rng(seed)
    n = 40
    life = np.minimum(rng.integers(1, 30, n).astype(float), rng.integers(5, 40, n))
    censored = rng.random(n) < 0.3
    cause = rng.choice(["a", "b", "c"], n)
    km = kaplan_meier(life, censored)
    for t in (5.0, 15.0, 40.0):
        total = sum(CR.incidence_at(*CR.cumulative_incidence(life, censored, cause, k), t) for k in "abc")
        assert total + km.at(t) == pytest.approx(1.0)


def test_cause_contrasts_pair_on_seeds():
    runs = two_arm_runs(0.02, 0.04, 200, seed=8).assign(backbone_strength=0.0)
    table = CR.cause_contrasts(runs, "governance", ["backbone_strength"])
    assert set(table.cause) == {"collapse", "dormancy"} and table.paired.all()
    for _, row in table.iterrows():
        assert row.low <= row.difference <= row.high

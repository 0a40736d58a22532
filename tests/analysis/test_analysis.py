"""Known-answer tests of coalition_sim.analysis.study_analysis on synthetic lifetimes and functions."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import qmc

from coalition_sim.analysis import sensitivity
from coalition_sim.analysis import study_analysis as A

HORIZON = 60.0


def exponential_lifetimes(
    mean: float, n: int, seed: int, horizon: float = HORIZON, random_censoring: float | None = None
):
    """Exponential lifetimes censored at the horizon (and, optionally, at random exponential times)."""
    rng = np.random.default_rng(seed)
    t = rng.exponential(mean, n)
    limit = np.full(n, horizon)
    if random_censoring is not None:
        limit = np.minimum(limit, rng.exponential(random_censoring, n))
    return np.minimum(t, limit), t > limit


def runs_table(arms: dict, n: int, seed: int) -> pd.DataFrame:
    """A runs table like load_results(...).runs: one exponential arm per (governance, backbone) key."""
    frames = []
    for k, ((governance, backbone), mean) in enumerate(arms.items()):
        life, cens = exponential_lifetimes(mean, n, seed + k)
        frames.append(
            pd.DataFrame(
                {
                    "replication": np.arange(n),
                    "seed": 1000 + np.arange(n),
                    "status": "ok",
                    "governance": governance,
                    "backbone_strength": backbone,
                    "lifetime": life,
                    "censored": cens,
                    "endured": cens,
                    "cause": np.where(cens, "censored", "collapse"),
                    "total_impact": np.random.default_rng(seed + 100 + k).gamma(2.0, 10.0, n),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- Kaplan-Meier
@pytest.mark.parametrize("mean", [20.0, 40.0])
def test_kaplan_meier_band_covers_exponential_survival(mean):
    life, cens = exponential_lifetimes(mean, 800, seed=3, random_censoring=80.0)
    assert 0 < cens.sum() < len(cens)  # both kinds of observation present
    km = A.kaplan_meier(life, cens)
    for t in (5.0, 15.0, 30.0, 50.0):
        low, high = km.band_at(t)
        truth = math.exp(-t / mean)
        assert low <= truth <= high, (t, low, truth, high)
        assert abs(km.at(t) - truth) < 0.06
        assert high - low < 0.15


def test_kaplan_meier_without_censoring_is_the_empirical_survival():
    km = A.kaplan_meier([2, 4, 4, 7], [False, False, False, False])
    assert km.at(1) == 1.0 and km.at(2) == 0.75 and km.at(5) == 0.25 and km.at(7) == 0.0
    assert km.median() == 4.0 and km.events == 4


def test_kaplan_meier_all_censored_stays_at_one():
    km = A.kaplan_meier([120, 120, 120], [True, True, True])
    assert km.at(120) == 1.0 and km.band_at(120) == (1.0, 1.0)
    assert math.isnan(km.median())


def test_kaplan_meier_at_horizon_equals_share_endured():
    life, cens = exponential_lifetimes(50.0, 300, seed=11)
    assert A.kaplan_meier(life, cens).at(HORIZON) == pytest.approx(cens.mean())


# --------------------------------------------------------------------------- log-rank
def test_logrank_rejects_different_means():
    a = exponential_lifetimes(20.0, 300, seed=1)
    b = exponential_lifetimes(40.0, 300, seed=2)
    test = A.logrank_test(*a, *b)
    assert test.pvalue < 0.001
    assert test.statistic > 0  # the first sample dissolves faster


def test_logrank_rarely_rejects_equal_means():
    rejections = sum(
        A.logrank_test(
            *exponential_lifetimes(30.0, 300, seed=2 * k), *exponential_lifetimes(30.0, 300, seed=2 * k + 1)
        ).pvalue
        < 0.05
        for k in range(40)
    )
    assert rejections <= 4  # nominal 5%: at least 90% of seeded draws do not reject


def test_logrank_with_no_events_anywhere_is_not_significant():
    assert A.logrank_test([120, 120], [True, True], [120, 120, 120], [True, True, True]).pvalue == 1.0


def test_holm_adjustment_known_values():
    np.testing.assert_allclose(A.holm([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06])


def test_logrank_table_compares_each_level_with_the_reference_within_strata():
    runs = runs_table(
        {("consensus", 0.0): 20.0, ("consensus", 1.0): 200.0, ("opt-in", 0.0): 20.0, ("opt-in", 1.0): 200.0},
        n=200,
        seed=5,
    )
    table = A.logrank_table(runs, ["governance", "backbone_strength"]).set_index(
        ["factor", "governance", "backbone_strength"]
    )
    assert len(table) == 4
    assert table.loc[("backbone_strength", "opt-in", 1.0), "p"] < 1e-6  # 20 vs 200 months
    assert table.loc[("governance", "opt-in", 0.0), "p"] > 0.001  # same distribution
    assert (table["p_holm"] >= table["p"]).all()


# --------------------------------------------------------------------------- RMST
@pytest.mark.parametrize("mean, horizon", [(40.0, 60.0), (20.0, 120.0)])
def test_restricted_mean_matches_exponential(mean, horizon):
    life, cens = exponential_lifetimes(mean, 3000, seed=7, horizon=horizon, random_censoring=150.0)
    est, low, high = A.restricted_mean(life, cens, horizon)
    truth = mean * (1 - math.exp(-horizon / mean))
    assert low <= truth <= high
    assert est == pytest.approx(truth, rel=0.04)
    assert high - low < 0.1 * truth


def test_restricted_mean_by_hand():
    # S = 1 on [0,2), 0.5 on [2,4), 0 after: area to 6 is 2 + 1 = 3
    est, _, _ = A.restricted_mean([2, 4], [False, False], horizon=6)
    assert est == pytest.approx(3.0)
    # everybody censored at 5: the area is the whole horizon
    assert A.restricted_mean([5, 5], [True, True], horizon=5)[0] == pytest.approx(5.0)


# --------------------------------------------------------------------------- proportions
def test_bootstrap_interval_covers_true_probability():
    covered = 0
    for k in range(100):
        sample = np.random.default_rng(k).random(200) < 0.3
        p, low, high = A.endurance_probability(sample, n_resamples=999, seed=k)
        assert low <= p <= high and high - low < 0.15
        covered += low <= 0.3 <= high
    assert covered >= 88  # nominal 95%


def test_bootstrap_interval_is_reproducible_under_a_seed():
    sample = np.random.default_rng(0).random(100) < 0.5
    assert A.endurance_probability(sample, seed=4) == A.endurance_probability(sample, seed=4)


def test_endurance_all_survive_gives_a_wilson_interval_not_a_point():
    p, low, high = A.endurance_probability(np.ones(200, bool))
    assert p == 1.0 and high == 1.0
    assert 0.97 < low < 0.99  # 200/200: Wilson lower bound ~0.981


def test_wilson_known_value():
    low, high = A.wilson_interval(10, 100)
    assert low == pytest.approx(0.0552, abs=1e-3) and high == pytest.approx(0.1744, abs=1e-3)


# --------------------------------------------------------------------------- arms and pairs
def test_arm_summary_reports_each_arm():
    runs = runs_table({("consensus", 0.0): 20.0, ("opt-in", 0.0): 40.0}, n=300, seed=9)
    table = A.arm_summary(runs, ["governance", "backbone_strength"], horizon=HORIZON, n_resamples=999)
    assert list(table.arm) == ["consensus, backbone 0", "opt-in, backbone 0"]
    for _, row in table.iterrows():
        mean = 20.0 if row.governance == "consensus" else 40.0
        assert row.endurance_low <= math.exp(-HORIZON / mean) <= row.endurance_high
        assert row.rmst_low <= mean * (1 - math.exp(-HORIZON / mean)) <= row.rmst_high
        assert row.n == 300 and row.n_collapse == 300 - row.endured
    assert table.median_lifetime.iloc[0] == pytest.approx(20 * math.log(2), rel=0.2)


def test_arm_summary_counts_failed_runs_apart():
    runs = runs_table({("consensus", 0.0): 20.0}, n=50, seed=1)
    runs.loc[:4, "status"] = "failed"
    row = A.arm_summary(runs, ["governance"], horizon=HORIZON, n_resamples=99).iloc[0]
    assert row.n == 45 and row.failed == 5


def test_paired_difference_uses_pairs_and_finds_the_effect():
    rng = np.random.default_rng(2)
    n = 200
    common = rng.random(n)  # common random numbers: one draw per replication
    rows = []
    for governance, threshold in (("consensus", 0.5), ("opt-in", 0.7)):
        endured = common < threshold  # opt-in endures whenever consensus does, and more
        rows.append(
            pd.DataFrame(
                {
                    "replication": np.arange(n),
                    "seed": np.arange(n),
                    "status": "ok",
                    "governance": governance,
                    "backbone_strength": 0.5,
                    "endured": endured,
                }
            )
        )
    table = A.paired_rule_difference(pd.concat(rows), n_resamples=999)
    row = table.iloc[0]
    truth = (common < 0.7).mean() - (common < 0.5).mean()
    assert row.difference == pytest.approx(truth)
    assert row.only_reference == 0 and row.only_rule == round(truth * n)
    assert row.same_seed == 1.0 and row.n_pairs == n
    assert 0 < row.low <= truth <= row.high
    assert row.high - row.low < 0.15  # pairing: far narrower than two independent 200-run arms


def test_paired_difference_degenerate_uses_newcombe():
    same = pd.DataFrame(
        {
            "replication": np.tile(np.arange(100), 2),
            "seed": np.tile(np.arange(100), 2),
            "status": "ok",
            "governance": ["consensus"] * 100 + ["opt-in"] * 100,
            "backbone_strength": 1.0,
            "endured": True,
        }
    )
    row = A.paired_rule_difference(same).iloc[0]
    assert row.difference == 0.0 and row.low < 0 < row.high and row.high < 0.05


# --------------------------------------------------------------------------- sensitivity
def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def saltelli_runs(n: int, d: int, func, seed: int = 42) -> pd.DataFrame:
    """A runs table in the Sobol layout of contracts.md: blocks A, B, AB_i in point_id order."""
    sample = -np.pi + 2 * np.pi * qmc.Sobol(2 * d, seed=seed).random(n)
    a, b = sample[:, :d], sample[:, d:]
    blocks = [("A", a), ("B", b)] + [(f"AB{i}", np.where(np.arange(d) == i, b, a)) for i in range(d)]
    frames = []
    for name, x in blocks:
        frame = pd.DataFrame(x, columns=[f"x{i + 1}" for i in range(d)])
        frame["sobol_block"], frame["y"] = name, func(x)
        frames.append(frame)
    runs = pd.concat(frames, ignore_index=True)
    runs["point_id"], runs["replication"], runs["status"] = np.arange(len(runs)), 0, "ok"
    return runs.sample(frac=1.0, random_state=0)  # stored order need not be point order


def test_sobol_indices_of_ishigami_match_the_analytic_values():
    runs = saltelli_runs(4096, 3, ishigami)
    table = A.sobol_analysis(runs, "y", candidates=["x1", "x2", "x3"], n_resamples=199).set_index("parameter")
    assert list(table.index) == ["x1", "x2", "x3"]  # each AB block's parameter found from the data
    first, total = [0.3139, 0.4424, 0.0], [0.5576, 0.4424, 0.2437]
    np.testing.assert_allclose(table.S1, first, atol=0.03)
    np.testing.assert_allclose(table.ST, total, atol=0.03)
    assert ((table.S1_low <= first) & (np.array(first) <= table.S1_high)).all()
    assert ((table.ST_low <= total) & (np.array(total) <= table.ST_high)).all()


def test_sobol_drops_points_whose_runs_all_failed():
    runs = saltelli_runs(1024, 3, ishigami)
    runs.loc[runs.point_id == 5, "status"] = "failed"  # a point of block A
    table = A.sobol_analysis(runs, "y", names=["a", "b", "c"], n_resamples=99)
    assert list(table.parameter) == ["a", "b", "c"] and (table.n_base == 1023).all()


def test_rank_sensitivity_ranks_a_linear_model():
    rng = np.random.default_rng(0)
    x = qmc.LatinHypercube(3, seed=1).random(300)
    y = 3 * x[:, 0] + 1 * x[:, 1] + 0.05 * rng.standard_normal(300)
    runs = pd.DataFrame({"point_id": np.arange(300), "status": "ok", "a": x[:, 0], "b": x[:, 1], "c": x[:, 2], "y": y})
    table = A.rank_sensitivity(runs, "y", ["a", "b", "c"], n_resamples=199).set_index("parameter")
    truth = np.array([3, 1, 0]) * x.std(axis=0) / y.std()
    np.testing.assert_allclose(table.src, truth, atol=0.03)
    assert table.loc["a", "rho"] > table.loc["b", "rho"] > 0.1
    assert table.loc["c", "rho_low"] < 0 < table.loc["c", "rho_high"]
    assert table.r2.iloc[0] > 0.95


def test_local_saltelli_estimator_equals_scipy():
    runs = saltelli_runs(512, 3, ishigami)
    f_a, f_b, f_ab, _ = sensitivity._sobol_blocks(runs, "y", ["x1", "x2", "x3"])
    np.testing.assert_allclose(A.saltelli_2010(f_a, f_b, f_ab), sensitivity._saltelli(f_a, f_b, f_ab), atol=1e-12)

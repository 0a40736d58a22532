"""Known answers for RMST contrasts: lifelines' restricted mean, pseudo-observation identities, pairing."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coalition_sim.analysis import rmst
from coalition_sim.analysis.survival import restricted_mean


def lifetimes(mean: float, n: int, seed: int, horizon: float = 60.0, censor_mean: float | None = None):
    rng = np.random.default_rng(seed)
    t = rng.exponential(mean, n)
    limit = np.full(n, horizon) if censor_mean is None else np.minimum(horizon, rng.exponential(censor_mean, n))
    return np.minimum(t, limit), t > limit


def test_rmst_matches_lifelines_with_early_censoring():
    from lifelines import KaplanMeierFitter
    from lifelines.utils import restricted_mean_survival_time

    life, cens = lifetimes(30.0, 150, seed=1, censor_mean=80.0)
    km = KaplanMeierFitter().fit(life, ~cens)
    for tau in (20.0, 45.0, 60.0):
        assert restricted_mean(life, cens, tau)[0] == pytest.approx(restricted_mean_survival_time(km, t=tau), rel=1e-9)
        # the jackknife pseudo-observations average to the estimate (Andersen, Hansen & Klein 2004)
        assert rmst.rmst_pseudo_values(life, cens, tau).mean() == pytest.approx(
            restricted_mean(life, cens, tau)[0], rel=0.02
        )


def test_without_early_censoring_pseudo_values_are_the_truncated_lifetimes():
    life, cens = lifetimes(30.0, 80, seed=2)
    for tau in (25.0, 60.0):
        assert np.array_equal(rmst.rmst_pseudo_values(life, cens, tau), np.minimum(life, tau))
        assert np.minimum(life, tau).mean() == pytest.approx(restricted_mean(life, cens, tau)[0])


def test_unpaired_contrast_covers_the_true_difference_and_agrees_with_greenwood():
    horizon, a_mean, b_mean = 60.0, 20.0, 40.0
    truth = b_mean * (1 - math.exp(-horizon / b_mean)) - a_mean * (1 - math.exp(-horizon / a_mean))
    covered = 0
    for k in range(60):
        a, b = lifetimes(a_mean, 200, 10 + k), lifetimes(b_mean, 200, 500 + k)
        c = rmst.rmst_contrast(a, b, horizon)
        covered += c.low <= truth <= c.high
        if k == 0:
            greenwood = sum(
                ((r[2] - r[0]) / 1.959964) ** 2 for r in (restricted_mean(*a, horizon), restricted_mean(*b, horizon))
            )
            assert (c.high - c.difference) / 1.959964 == pytest.approx(math.sqrt(greenwood), rel=0.05)
    assert covered >= 52  # nominal 95% of 60


def test_pairing_on_common_random_numbers_narrows_the_interval():
    rng = np.random.default_rng(3)
    u = rng.random(300)  # one draw per seed, shared by both arms
    a = np.minimum(-20 * np.log(u), 60.0)
    b = np.minimum(-26 * np.log(u), 60.0)
    ref, arm = (a, a >= 60.0), (b, b >= 60.0)
    paired = rmst.rmst_contrast(ref, arm, 60.0, paired=True)
    unpaired = rmst.rmst_contrast(ref, arm, 60.0, paired=False)
    assert paired.difference == pytest.approx(unpaired.difference)
    assert paired.high - paired.low < 0.3 * (unpaired.high - unpaired.low)
    assert paired.crn_variance_ratio > 10 and math.isnan(unpaired.crn_variance_ratio)
    assert paired.p < 1e-6


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.floats(5.0, 60.0))
def test_swapping_arms_negates_the_difference_and_inverts_the_ratio(seed, tau):
    a, b = lifetimes(20.0, 40, seed), lifetimes(35.0, 40, seed + 1)
    ab, ba = rmst.rmst_contrast(a, b, tau), rmst.rmst_contrast(b, a, tau)
    assert ab.difference == pytest.approx(-ba.difference)
    assert ab.ratio == pytest.approx(1 / ba.ratio)
    assert ab.p == pytest.approx(ba.p)
    assert ab.ratio_low <= ab.ratio <= ab.ratio_high


def test_rmst_table_pairs_only_when_seeds_match():
    rows = []
    for rule, mean in (("consensus", 20.0), ("opt-in", 30.0)):
        life, cens = lifetimes(mean, 50, seed=7 if rule == "consensus" else 8)
        rows.append(
            pd.DataFrame(
                {
                    "replication": range(50),
                    "seed": range(50),
                    "status": "ok",
                    "governance": rule,
                    "backbone_strength": 0.0,
                    "lifetime": life,
                    "censored": cens,
                }
            )
        )
    runs = pd.concat(rows, ignore_index=True)
    table = rmst.rmst_table(runs, "governance", ["backbone_strength"], tau=60.0)
    assert table.paired.tolist() == [True] and table.governance.tolist() == ["opt-in"]
    runs.loc[runs.governance == "opt-in", "seed"] += 1000
    assert rmst.rmst_table(runs, "governance", ["backbone_strength"], tau=60.0).paired.tolist() == [False]

"""Known answers for proportions (Wilson, Clopper-Pearson, Newcombe, McNemar) and trend tests."""

from __future__ import annotations

import numpy as np
import pytest

from coalition_sim.analysis import proportions as P
from coalition_sim.analysis import trend


def test_clopper_pearson_known_values():
    # 0 of 10: the upper bound solves (1 - p)^10 = 0.025
    assert P.clopper_pearson_interval(0, 10) == pytest.approx((0.0, 1 - 0.025 ** (1 / 10)))
    low, high = P.clopper_pearson_interval(37, 40)
    assert low == pytest.approx(0.7961, abs=1e-3) and high == pytest.approx(0.9843, abs=1e-3)


def test_wilson_is_not_pinned_to_one_near_the_ceiling():
    low, high = P.wilson_interval(37, 40)
    assert low == pytest.approx(0.8014, abs=1e-3) and high == pytest.approx(0.9741, abs=1e-3)


def test_newcombe_paired_interval_without_discordant_pairs_and_its_coverage():
    x = np.array([True] * 30 + [False] * 10)
    d, low, high = P.newcombe_paired_interval(x, x)
    assert d == 0 and low < 0 < high and high - low < 0.2
    rng = np.random.default_rng(0)
    covered = 0
    for _ in range(300):
        u = rng.random(60)
        x, y = u < 0.5, u < 0.6  # paired: y is true whenever x is; true difference 0.1
        _, low, high = P.newcombe_paired_interval(x, y)
        covered += low <= 0.1 <= high
    assert covered >= 270  # nominal 95% of 300


def test_mcnemar_exact_known_value():
    x = np.array([True] * 10 + [False] * 10)
    y = np.array([False] * 10 + [False] * 10)
    assert P.mcnemar_exact_p(x, y) == pytest.approx(2 * 0.5**10)
    assert P.mcnemar_exact_p(x, x) == 1.0


def test_cochran_armitage_agresti_example():
    # Agresti (2002), maternal alcohol and malformation: scores 0, 0.5, 1.5, 4, 7; M^2 = 6.57, p = 0.010
    test = trend.cochran_armitage([48, 38, 5, 1, 1], [17114, 14502, 793, 127, 38], [0, 0.5, 1.5, 4, 7])
    big_n = 17114 + 14502 + 793 + 127 + 38
    assert test.statistic**2 * (big_n - 1) / big_n == pytest.approx(6.57, abs=0.005)
    assert test.p == pytest.approx(0.0104, abs=5e-4)


def test_cochran_armitage_sees_no_trend_in_flat_proportions():
    assert trend.cochran_armitage([20, 20, 20], [100, 100, 100], [0, 1, 2]).p == pytest.approx(1.0)


def test_paired_slope_recovers_a_known_slope():
    scores = [0.0, 0.5, 1.0]
    rng = np.random.default_rng(4)
    base = rng.normal(size=(100, 1))
    values = base + 0.3 * np.array(scores) + rng.normal(scale=0.05, size=(100, 3))
    test = trend.paired_slope_test(values, scores)
    per_seed = [np.polyfit(scores, row, 1)[0] for row in values]  # each seed's least-squares slope
    assert test.slope == pytest.approx(np.mean(per_seed))
    assert abs(test.slope - 0.3) < 0.03 and test.p < 1e-10 and test.n == 100
    assert test.low < test.slope < test.high

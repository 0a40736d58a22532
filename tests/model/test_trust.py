"""TrustMatrix: the lazy representation equals the naive dynamics it replaces."""

import numpy as np
import pytest

from coalition_sim.model.trust import TrustMatrix


def naive_and_lazy(n=8, baseline=0.3, seed=0):
    rng = np.random.default_rng(seed)
    values = rng.random((n, n))
    np.fill_diagonal(values, 1.0)
    return values.copy(), TrustMatrix(values, baseline)


def test_decay_matches_the_naive_update_over_many_months():
    naive, lazy = naive_and_lazy()
    group = np.array([1, 3, 4])
    for month in range(900):  # long enough to trigger the rescale
        naive += 0.01 * (0.3 - naive)
        np.fill_diagonal(naive, 1.0)
        lazy.decay(0.01)
        if month % 50 == 0:
            sub = naive[np.ix_(group, group)]
            naive[np.ix_(group, group)] = sub + 0.2 * (1 - sub)
            np.fill_diagonal(naive, 1.0)
            lazy.strengthen(group, 0.2)
    assert np.allclose(lazy.values, naive, atol=1e-12)


def test_strengthen_weaken_penalize_match_their_formulas():
    naive, lazy = naive_and_lazy()
    g, others = np.array([0, 2, 5]), np.array([6, 7])
    lazy.decay(0.1)
    naive += 0.1 * (0.3 - naive)
    np.fill_diagonal(naive, 1.0)
    lazy.strengthen(g, 0.25)
    block = naive[np.ix_(g, g)]
    naive[np.ix_(g, g)] = block + 0.25 * (1 - block)
    lazy.weaken(g, 0.5)
    naive[np.ix_(g, g)] *= 0.5
    lazy.penalize(g, others, 0.1)
    naive[np.ix_(g, others)] *= 0.9
    np.fill_diagonal(naive, 1.0)
    assert np.allclose(lazy.values, naive, atol=1e-12)


def test_summaries_are_exact():
    naive, lazy = naive_and_lazy(n=12, seed=3)
    g = np.array([0, 4, 5, 9])
    sub = naive[np.ix_(g, g)]
    mean = (sub.sum() - 4) / 12
    assert lazy.mean_among(g) == pytest.approx(mean)
    assert lazy.mean_among(g, lazy.ties_toward(g)) == pytest.approx(mean)
    big = np.arange(10)  # large group path (k * k > n)
    subbig = naive[np.ix_(big, big)]
    assert lazy.mean_among(big) == pytest.approx((subbig.sum() - 10) / 90)
    assert lazy.density_among(g) == pytest.approx((np.count_nonzero(sub >= 0.6) - 4) / 12)
    assert np.allclose(lazy.ties_toward(g), naive[:, g].sum(axis=1))


def test_diagonal_stays_one_and_values_stay_in_range():
    _, lazy = naive_and_lazy()
    for _ in range(2000):
        lazy.decay(0.05)
    lazy.weaken(np.arange(8), 0.9)
    lazy.strengthen(np.arange(8), 0.99)
    values = lazy.values
    assert np.allclose(np.diag(values), 1.0)
    assert values.min() >= 0 and values.max() <= 1 + 1e-12


@pytest.mark.parametrize("size", [3, 25])  # 5 * 3 < 30 gathers the block; 25 updates whole rows
def test_small_and_large_block_updates_agree_with_the_formula(size):
    naive, lazy = naive_and_lazy(n=30, seed=size)
    group = np.sort(np.random.default_rng(size).choice(30, size, replace=False))
    lazy.decay(0.2)
    naive += 0.2 * (0.3 - naive)
    lazy.strengthen(group, 0.3)
    block = naive[np.ix_(group, group)]
    naive[np.ix_(group, group)] = block + 0.3 * (1 - block)
    lazy.weaken(group, 0.4)
    naive[np.ix_(group, group)] *= 0.6
    np.fill_diagonal(naive, 1.0)
    assert np.allclose(lazy.values, naive, atol=1e-12)

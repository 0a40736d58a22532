"""Bounded-confidence influence alone reproduces Deffuant et al. (2000)."""

import numpy as np
import pytest

from coalition_sim.model.influence import deffuant_step, random_pairs, vision_pull


def major_clusters(threshold: float, seed: int, n: int = 1000, rounds: int = 3000) -> int:
    """Clusters holding >= 2% of agents after uniform start, mu = 0.5 (Deffuant's setting)."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, 1))
    everyone = np.arange(n)
    for _ in range(rounds):
        deffuant_step(x, random_pairs(rng, everyone), threshold, 0.5)
    values = np.sort(x[:, 0])
    groups = np.split(values, np.flatnonzero(np.diff(values) > 1e-3) + 1)
    return sum(len(g) >= 0.02 * n for g in groups)


@pytest.mark.parametrize("threshold", [0.1, 0.15, 0.25])
def test_cluster_count_is_about_one_over_two_d(threshold):
    counts = [major_clusters(threshold, seed) for seed in range(4)]
    expected = 1 / (2 * threshold)
    assert abs(np.mean(counts) - expected) <= 1.0, counts
    assert all(abs(c - expected) <= 1.5 for c in counts), counts


@pytest.mark.parametrize("threshold", [0.5, 0.7])
def test_wide_confidence_reaches_consensus(threshold):
    assert [major_clusters(threshold, seed) for seed in range(3)] == [1, 1, 1]


def test_pairs_are_disjoint_and_cover_an_even_group():
    rng = np.random.default_rng(0)
    pairs = random_pairs(rng, np.arange(10))
    assert pairs.shape == (5, 2)
    assert sorted(pairs.ravel()) == list(range(10))


def test_distant_pair_does_not_move_and_close_pair_meets_halfway():
    x = np.array([[0.1], [0.5], [0.8], [0.85]])
    deffuant_step(x, np.array([[0, 1], [2, 3]]), threshold=0.2, rate=0.5)
    assert x[0, 0] == 0.1 and x[1, 0] == 0.5
    assert x[2, 0] == pytest.approx(0.825) and x[3, 0] == pytest.approx(0.825)


def test_vision_pull_moves_only_members_toward_purpose():
    x = np.array([[0.0, 0.0], [1.0, 1.0]])
    vision_pull(x, np.array([0]), np.array([0.5, 0.5]), vision=1.0)
    assert 0 < x[0, 0] < 0.5 and x[1, 0] == 1.0
    before = x.copy()
    vision_pull(x, np.array([0, 1]), np.array([0.5, 0.5]), vision=0.0)
    assert np.array_equal(x, before)

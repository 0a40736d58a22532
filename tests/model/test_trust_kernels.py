"""The compiled trust kernels equal, bit for bit, the array expressions they replace."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from coalition_sim.model import trust_kernels as k

DIAGONAL = 0.7


@st.composite
def matrix_and_groups(draw):
    """A stored deviation matrix D and two sorted, distinct index groups."""
    n = draw(st.integers(2, 40))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    dev = rng.uniform(-0.3, 0.7, (n, n))
    np.fill_diagonal(dev, DIAGONAL)
    group = np.flatnonzero(rng.random(n) < draw(st.floats(0.05, 1.0)))
    other = np.flatnonzero(rng.random(n) < 0.3)
    return dev, group, other


@settings(max_examples=60, deadline=None)
@given(matrix_and_groups(), st.floats(0.0, 1.0), st.floats(-0.5, 0.5))
def test_affine_within_is_the_block_update(case, factor, offset):
    dev, group, _ = case
    expected = dev.copy()
    block = np.ix_(group, group)
    expected[block] = expected[block] * factor + offset
    expected[group, group] = DIAGONAL
    k.affine_within(dev, group, factor, offset, DIAGONAL)
    assert np.array_equal(dev, expected)


@settings(max_examples=60, deadline=None)
@given(matrix_and_groups(), st.floats(0.0, 1.0))
def test_fade_scales_rows_then_columns(case, keep):
    dev, group, _ = case
    expected = dev.copy()
    expected[group, :] *= keep
    expected[:, group] *= keep
    expected[group, group] = DIAGONAL
    k.fade(dev, group, keep, DIAGONAL)
    assert np.array_equal(dev, expected)


@settings(max_examples=60, deadline=None)
@given(matrix_and_groups(), st.floats(-0.3, 0.8))
def test_count_at_least_counts_the_block(case, threshold):
    dev, group, _ = case
    assert k.count_at_least(dev, group, threshold) == np.count_nonzero(dev[np.ix_(group, group)] >= threshold)


@settings(max_examples=60, deadline=None)
@given(matrix_and_groups(), st.floats(0.0, 1.0), st.floats(0.05, 1.0), st.floats(0.0, 1.0))
def test_penalize_is_the_stored_form_of_t_times_keep(case, baseline, scale, keep):
    dev, observers, targets = case
    expected = dev.copy()
    block = np.ix_(observers, targets)
    expected[block] = ((baseline + scale * expected[block]) * keep - baseline) / scale
    expected[targets, targets] = DIAGONAL
    k.penalize(dev, observers, targets, baseline, scale, keep, DIAGONAL)
    assert np.array_equal(dev, expected)


def test_set_diagonal_touches_only_the_diagonal():
    dev = np.zeros((5, 5))
    k.set_diagonal(dev, DIAGONAL)
    assert np.array_equal(dev, np.diag(np.full(5, DIAGONAL)))


def test_an_empty_group_changes_nothing():
    dev = np.random.default_rng(0).random((6, 6))
    before = dev.copy()
    empty = np.zeros(0, dtype=np.intp)
    k.affine_within(dev, empty, 0.5, 0.1, DIAGONAL)
    k.fade(dev, empty, 0.5, DIAGONAL)
    assert np.array_equal(dev, before)
    assert k.count_at_least(dev, empty, 0.0) == 0

"""Draws made in compiled code from a generator's handle are numpy's draws, and advance its state."""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit

from coalition_sim.model.compiled import draw_handle
from coalition_sim.model.draws_kernels import generator, permutation


@njit(cache=False)
def compiled_draws(handle, n):
    g = generator(handle)
    lognormal = np.empty(n)
    poisson = np.empty(n)
    for i in range(n):
        lognormal[i] = g.lognormal(-0.08, 0.4)
        poisson[i] = g.poisson(0.56)
    return g.random(n), g.normal(0.0, 0.2, n), lognormal, poisson, g.integers(0, 6, n), g.permutation(np.arange(n))


def numpy_draws(g, n):
    lognormal = np.empty(n)
    poisson = np.empty(n)
    for i in range(n):
        lognormal[i] = g.lognormal(-0.08, 0.4)
        poisson[i] = g.poisson(0.56)
    return g.random(n), g.normal(0.0, 0.2, n), lognormal, poisson, g.integers(0, 6, n), g.permutation(np.arange(n))


@pytest.mark.parametrize("seed", range(25))
def test_same_numbers_and_same_state_as_numpy(seed):
    mine, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
    for name, a, b in zip(
        ("random", "normal", "lognormal", "poisson", "integers", "permutation"),
        compiled_draws(draw_handle(mine), 31),
        numpy_draws(theirs, 31),
    ):
        assert np.array_equal(a, b), name
    assert mine.random() == theirs.random()  # the Python side goes on from the same state


def test_the_handle_names_this_generator_only():
    a, b = np.random.default_rng(1), np.random.default_rng(1)
    assert draw_handle(a)[0] != draw_handle(b)[0]  # each generator's own state
    assert draw_handle(a)[1:] == draw_handle(b)[1:]  # one bit generator type, one set of draw functions
    compiled_draws(draw_handle(a), 5)
    assert a.random() != b.random()


@njit(cache=False)
def shuffled(handle, values):
    return permutation(generator(handle), values)


@pytest.mark.parametrize("seed", range(40))
def test_the_compiled_permutation_is_numpys(seed):
    mine, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
    for size in (0, 1, 2, 7, 30, 301):
        values = np.arange(size, dtype=np.intp) * 3 + 1
        assert np.array_equal(shuffled(draw_handle(mine), values), theirs.permutation(values))
    assert mine.random() == theirs.random()

"""The compiled shock and arrivals draw what the numpy form drew: the same shocks, initiatives and generator state.

The reference is the numpy form the kernels replace, kept here as the statement of the draws.
"""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit

from coalition_sim.model import environment_kernels as kernels
from coalition_sim.model.compiled import draw_handle
from coalition_sim.model.environment import DOMINANT_WEIGHT, SIZE_SIGMA, VALUE_SIGMA, Environment
from coalition_sim.model.initiative import ROLES

N_ROLES = len(ROLES)
SEEDS = range(2500)


def numpy_shock(rng, shock_rate, dominant, needs):
    """The numpy form: (role or None, needs after)."""
    if rng.random() >= shock_rate:
        return None, needs
    choices = [r for r in range(N_ROLES) if r != dominant]
    role = int(rng.choice(choices))
    needs = np.full(N_ROLES, (1.0 - DOMINANT_WEIGHT) / (N_ROLES - 1))
    needs[role] = DOMINANT_WEIGHT
    return role, needs


def numpy_new(rng, purpose, spread, needs, size):
    """The numpy form of one initiative: (ideal, required, needs, value)."""
    ideal = np.clip(purpose + rng.normal(0.0, spread, purpose.size), 0.0, 1.0)
    keys = rng.random(N_ROLES) ** (1.0 / needs)
    roles = np.argpartition(-keys, 2)[:2]
    initiative_needs = np.zeros(N_ROLES)
    initiative_needs[roles] = 0.5
    required = size * float(rng.lognormal(-(SIZE_SIGMA**2) / 2, SIZE_SIGMA))
    value = float(rng.lognormal(-(VALUE_SIGMA**2) / 2, VALUE_SIGMA))
    return ideal, required, initiative_needs, value


def numpy_arrivals(rng, purpose, rate, spread, needs, size):
    """The numpy form of a month's arrivals: a list of (ideal, required, needs, value)."""
    return [numpy_new(rng, purpose, spread, needs, size) for _ in range(rng.poisson(rate))]


def same_state(a, b):
    return a.bit_generator.state == b.bit_generator.state


def shifted_needs(dominant):
    needs = np.full(N_ROLES, 1.0 / N_ROLES)
    if dominant is not None:
        needs[:] = (1.0 - DOMINANT_WEIGHT) / (N_ROLES - 1)
        needs[dominant] = DOMINANT_WEIGHT
    return needs


def test_shock_draws_numpys_choice_for_every_dominant():
    shocks = 0
    for seed in SEEDS:
        for dominant in (None, *range(N_ROLES)):
            mine, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
            for _ in range(seed % 3):  # also with a 32-bit draw buffered in the bit generator
                mine.integers(0, 5), theirs.integers(0, 5)
            shock_rate = 1.0 if seed % 2 else 0.4
            needs = shifted_needs(dominant)
            role, expected = numpy_shock(theirs, shock_rate, dominant, needs.copy())
            index = -1 if dominant is None else dominant
            got = kernels.shock(draw_handle(mine), shock_rate, index, needs, DOMINANT_WEIGHT)
            assert (None if got < 0 else got) == role, (seed, dominant)
            assert np.array_equal(needs, expected), (seed, dominant)
            assert same_state(mine, theirs), (seed, dominant)
            shocks += role is not None
    assert shocks > len(SEEDS) * 4  # most cases shock


def assert_same_initiative(got, expected, where):
    ideal, required, needs, value = got
    assert np.array_equal(ideal, expected[0]), where
    assert required == expected[1], where
    assert np.array_equal(needs, expected[2]), where
    assert value == expected[3], where


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_arrivals_draw_numpys_initiatives(dims):
    counts = np.zeros(4, dtype=int)
    for seed in SEEDS:
        mine, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
        purpose = np.random.default_rng(10_000 + seed).random(dims)
        needs = shifted_needs(None if seed % 7 == 6 else seed % 7)
        rate, spread, size = (0.3, 0.8, 2.5)[seed % 3], (0.05, 0.3)[seed % 2], 1.0 + seed % 4
        expected = numpy_arrivals(theirs, purpose, rate, spread, needs, size)
        ideal, required, initiative_needs, value = kernels.arrivals(
            draw_handle(mine), purpose, rate, spread, needs, size, SIZE_SIGMA, VALUE_SIGMA
        )
        assert ideal.shape == (len(expected), dims) and initiative_needs.shape == (len(expected), N_ROLES)
        for i, initiative in enumerate(expected):
            assert_same_initiative((ideal[i], required[i], initiative_needs[i], value[i]), initiative, (seed, i))
        assert same_state(mine, theirs), seed
        assert_same_initiative(
            kernels.one_initiative(draw_handle(mine), purpose, spread, needs, size, SIZE_SIGMA, VALUE_SIGMA),
            numpy_new(theirs, purpose, spread, needs, size),
            seed,
        )
        assert same_state(mine, theirs), seed
        counts[min(len(expected), 3)] += 1
    assert counts.min() > 50  # months with 0, 1, 2 and 3+ arrivals


@njit(cache=False)
def compiled_keys(uniform, needs):
    keys = np.empty(uniform.size)
    for r in range(uniform.size):
        keys[r] = uniform[r] ** (1.0 / needs[r])  # as environment_kernels computes a key
    return keys


def test_keys_are_numpys_powers():
    rng = np.random.default_rng(3)
    uniform = rng.random(300_000)
    weights = np.concatenate([[1.0 / N_ROLES, (1.0 - DOMINANT_WEIGHT) / (N_ROLES - 1), DOMINANT_WEIGHT], rng.random(5)])
    needs = np.resize(weights, uniform.size)
    assert np.array_equal(compiled_keys(uniform, needs), uniform ** (1.0 / needs))


class NumpyEnvironment:
    """The numpy Environment the compiled passes replace."""

    def __init__(self, rng, purpose, rate, size, window, spread, shock_rate):
        self.rng, self.purpose, self.rate, self.size, self.window = rng, purpose, rate, size, window
        self.spread, self.shock_rate = spread, shock_rate
        self.needs, self.dominant = np.full(N_ROLES, 1.0 / N_ROLES), None

    def shock(self):
        role, self.needs = numpy_shock(self.rng, self.shock_rate, self.dominant, self.needs)
        if role is not None:
            self.dominant = role
        return role

    def arrivals(self):
        return numpy_arrivals(self.rng, self.purpose, self.rate, self.spread, self.needs, self.size)


@pytest.mark.parametrize("seed", range(6))
def test_environment_months_are_the_numpy_months(seed):
    dims = 1 + seed % 3
    purpose = np.random.default_rng(seed).random(dims)
    args = (purpose, (0.5, 2, 0)[seed % 3], 3, 4, 0.2, (0.1, 0.5)[seed % 2])  # int rate and size too
    env = Environment(np.random.default_rng(seed), *args)
    reference = NumpyEnvironment(np.random.default_rng(seed), *args)
    uid = 0
    for month in range(60):
        assert env.shock() == reference.shock()
        assert env.dominant == reference.dominant and np.array_equal(env.needs, reference.needs)
        arrived, expected = env.arrivals(month), reference.arrivals()
        if month % 5 == 0:
            arrived.append(env._new(month))
            expected.append(numpy_new(reference.rng, purpose, reference.spread, reference.needs, reference.size))
        assert len(arrived) == len(expected)
        for initiative, drawn in zip(arrived, expected):
            assert_same_initiative(
                (initiative.ideal, initiative.required, initiative.needs, initiative.value), drawn, month
            )
            assert (initiative.uid, initiative.arrived, initiative.window) == (uid, month, 4)
            assert type(initiative.required) is float and type(initiative.value) is float
            assert np.array_equal(initiative.draft, initiative.ideal) and initiative.draft is not initiative.ideal
            uid += 1
        assert same_state(env.rng, reference.rng)

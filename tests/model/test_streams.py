"""Common random numbers: one seed gives every rule the same initiatives and shocks."""

import numpy as np
import pytest

from coalition_sim import CoalitionModel
from coalition_sim.model.streams import root_entropy, spawn_streams


def arrivals_and_shocks(governance: str, seed: int, months: int = 60, **kwargs):
    """Every initiative that arrived (month, ideal, size, value, needs) and every shock month."""
    model = CoalitionModel(governance=governance, seed=seed, dormancy_limit=240, min_members=1, **kwargs)
    seen = []
    draw = model.environment.arrivals

    def recording(now):
        new = draw(now)
        seen.extend((i.arrived, *i.ideal, i.required, i.value, *i.needs) for i in new)
        return new

    model.environment.arrivals = recording
    model.run(months)
    shocks = [(e.month, e.text) for e in model.events if e.kind == "shock"]
    return model.steps, np.array(seen), shocks


@pytest.mark.parametrize("seed", [0, 7, 2024])
def test_rules_on_one_seed_face_the_same_initiatives_and_shocks(seed):
    steps_c, seen_c, shocks_c = arrivals_and_shocks("consensus", seed, shock_rate=0.2)
    steps_o, seen_o, shocks_o = arrivals_and_shocks("opt-in", seed, shock_rate=0.2)
    assert steps_c == steps_o == 60
    assert len(seen_c) > 20 and len(shocks_c) > 3
    np.testing.assert_array_equal(seen_c, seen_o)
    assert shocks_c == shocks_o


def test_backbone_strength_does_not_change_the_initiatives():
    _, weak, _ = arrivals_and_shocks("opt-in", 3, backbone_strength=0.0)
    _, strong, _ = arrivals_and_shocks("opt-in", 3, backbone_strength=1.0)
    np.testing.assert_array_equal(weak, strong)


def test_rules_on_one_seed_start_from_the_same_population():
    a = CoalitionModel(governance="consensus", seed=5)
    b = CoalitionModel(governance="opt-in", seed=5)
    np.testing.assert_array_equal(a.position, b.position)
    np.testing.assert_array_equal(a.capacity, b.capacity)


def test_streams_are_independent_and_reproducible():
    first = spawn_streams(11, np.random.default_rng(0))
    again = spawn_streams(11, np.random.default_rng(99))
    draws = [g.random(4) for g in (first.population, first.environment, first.behaviour)]
    assert not np.array_equal(draws[0], draws[1]) and not np.array_equal(draws[1], draws[2])
    np.testing.assert_array_equal(draws[1], again.environment.random(4))


def test_model_rng_is_the_behaviour_stream():
    model = CoalitionModel(seed=4)
    assert model.rng is model.streams.behaviour


@pytest.mark.parametrize("seed, expected", [(5, 5), (5.0, 5), (np.int64(8), 8)])
def test_integer_seeds_are_the_root(seed, expected):
    assert root_entropy(seed, np.random.default_rng(0)) == expected


def test_no_seed_draws_a_root_from_the_fallback():
    assert root_entropy(None, np.random.default_rng(1)) == root_entropy(None, np.random.default_rng(1))

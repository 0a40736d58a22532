"""Reputation is not pinned at its ceiling: it fades unless new successes renew it."""

import numpy as np

from coalition_sim import CoalitionModel
from coalition_sim.model import learning


def test_reputation_fades_without_new_successes(make_population):
    model = CoalitionModel(population=make_population([[0.5, 0.5]] * 3, [0.3] * 3), initiative_rate=0.0, seed=1)
    model.reputation = 0.9
    model.step()
    assert model.reputation == np.float64(0.9 * (1 - learning.REPUTATION_FADE))


def test_reputation_is_not_pinned_near_one_at_the_defaults():
    final = [CoalitionModel(governance="opt-in", backbone_strength=0.8, seed=s).run(120).reputation for s in range(5)]
    assert max(final) < 0.9

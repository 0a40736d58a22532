"""Reputation is not pinned at its ceiling: it fades unless new successes renew it."""

import numpy as np

from coalition_sim import CoalitionModel
from coalition_sim.model import learning, membership


def test_reputation_fades_without_new_successes(make_population):
    model = CoalitionModel(population=make_population([[0.5, 0.5]] * 3, [0.3] * 3), initiative_rate=0.0, seed=1)
    model.reputation = 0.9
    model.step()
    assert model.reputation == np.float64(0.9 * (1 - learning.REPUTATION_FADE))


def test_reputation_is_not_pinned_near_one_at_the_defaults():
    final = [CoalitionModel(governance="opt-in", backbone_strength=0.8, seed=s).run(120).reputation for s in range(5)]
    assert max(final) < 0.9


def _network_model(make_population, **kw):
    """Three core members at the purpose and 40 network organizations far from it."""
    positions = [[0.5, 0.5]] * 3 + [[0.0, 0.0]] * 40
    pop = make_population(positions, [0.3] * 43, network=40, trust=0.0)
    return CoalitionModel(population=pop, initiative_rate=0.0, entry_rate=0.0, seed=3, **kw)


def test_a_barely_pulled_network_loses_interest_at_the_fade_rate(make_population):
    model = _network_model(make_population)
    model.reputation = 0.0
    ties = model.trust.ties_toward(model.core_indices())
    candidates = model.network_indices()
    chance = membership.NETWORK_FADE * (1 - membership.pull(model, candidates, model.alignment(candidates), ties))
    lost = [membership.lost_interest(model, ties).size for _ in range(200)]
    assert abs(np.mean(lost) - chance.sum()) < 4 * np.sqrt(chance.sum() / 200)
    assert chance.min() > 0


def test_a_fully_pulling_coalition_keeps_its_network(make_population, monkeypatch):
    model = _network_model(make_population)
    monkeypatch.setattr(membership, "pull", lambda model, candidates, alignment, ties: np.ones(candidates.size))
    ties = model.trust.ties_toward(model.core_indices())
    assert all(membership.lost_interest(model, ties).size == 0 for _ in range(50))


def _network_fates(seeds=range(8)):
    joined, lost = [], []
    for s in seeds:
        model = CoalitionModel(governance="opt-in", backbone_strength=0.8, seed=s)
        start = model.network_indices().size
        model.run(120)
        joined.append(model.totals["joins"] / start)
        lost.append(1 - model.network_indices().size / start - model.totals["joins"] / start)
    return np.mean(joined), np.mean(lost)


def test_the_wider_network_is_not_simply_absorbed_into_the_core():
    # Before network organizations could lose interest, opt-in with a strong backbone absorbed
    # 99.8% of the network by month 120; some now leave its orbit instead.
    joined, lost = _network_fates()
    assert joined < 0.9
    assert lost > 0.1


def test_without_the_fade_the_network_is_absorbed(monkeypatch):
    monkeypatch.setattr(membership, "NETWORK_FADE", 0.0)
    joined, lost = _network_fates(range(4))
    assert joined > 0.95 and lost == 0

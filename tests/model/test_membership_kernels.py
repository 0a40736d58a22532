"""The compiled membership month equals the array forms that state its equations.

``membership.satisfaction``, ``pull``, ``entry_chance``, ``lost_interest`` and
``commitment.update_engagement`` / ``drifters`` are the readable statement of the
mechanism (and what other tests probe); the model runs ``membership.month`` (the
members' and the network's month as one compiled pass). A change to one and not the
other fails here.
"""

from __future__ import annotations

import numpy as np
import pytest

from coalition_sim import CoalitionModel
from coalition_sim.model import commitment, membership
from coalition_sim.model.population import EXITED

SETTINGS = [
    {"governance": "consensus", "seed": 0},
    {"governance": "opt-in", "seed": 1, "backbone_strength": 0.8},
    {"governance": "majority", "seed": 2, "initial_trust": 0.15, "alignment_spread": 0.5},
    {"governance": "opt-in", "seed": 3, "initial_trust": 0.15, "backbone_strength": 0.0, "n_orgs": 80},
    {"governance": "consensus", "seed": 4, "backbone_strength": 1.0, "alignment_spread": 0.5},
]
MONTHS = 120


def _expected_month(model, members, ties):
    """The members' month by the array forms, on copies of the model's state."""
    experience, poor, engagement = model.experience.copy(), model.poor_months.copy(), model.engagement.copy()
    satisfied = membership.satisfaction(model, members, ties)
    experience[members] += membership.EXPERIENCE_MEMORY * (satisfied - experience[members])
    poor[members] = np.where(experience[members] < 0, poor[members] + 1, 0)
    if model.workers:
        commitment.update_engagement(engagement, members, np.concatenate(model.workers))
    burnt = model.exhausted[members] | (model.energy[members] <= 0.0)
    impatient = ~burnt & (poor[members] > model.patience[members])
    drifting = np.isin(members, commitment.drifters(engagement, members)) & ~burnt & ~impatient
    leavers = (members[burnt], members[impatient], members[drifting])
    return experience, poor, engagement, leavers


def _expected_orbit(model, ties):
    """The network's month by the array forms, drawing from a copy of the model's generator state."""
    start = model.rng.bit_generator.state
    lost = membership.lost_interest(model, ties)
    staying = np.setdiff1d(model.network_indices(), lost)
    chance = membership.entry_chance(model, staying, ties)
    joining = staying[model.rng.random(staying.size) < chance] if staying.size and model.entry_rate else staying[:0]
    model.rng.bit_generator.state = start
    return lost, joining


def _expected_orbit_after(model, ties, leavers):
    """The network's month by the array forms, once the expected leavers are out (the state restored after)."""
    status = model.status.copy()
    for who in leavers:
        if who.size:
            model.set_status(who, EXITED)
            ties = ties - model.trust[:, who].sum(axis=1)
    expected = _expected_orbit(model, ties)
    model.status[:] = status
    model._core = model._network = None
    return expected


class Checked:
    """Wraps the compiled month so each real month of a run is checked against the array forms."""

    def __init__(self, monkeypatch):
        self.moves = np.zeros(5, dtype=int)  # burnout, impatience, drift, lost interest, joined
        self.months = 0
        self.month = membership.month
        monkeypatch.setattr(membership, "month", self.checked_month)
        monkeypatch.setattr(CoalitionModel, "compiled_runs", False)  # the Python month, which calls membership.month

    def checked_month(self, model, members, ties):
        experience, poor, engagement, leavers = _expected_month(model, members, ties)
        lost, joining = _expected_orbit_after(model, ties, leavers)
        experience[joining], poor[joining], engagement[joining] = 0.0, 0, 1.0  # a clean slate
        got = self.month(model, members, ties)
        assert np.array_equal(model.experience, experience), model.steps
        assert np.array_equal(model.poor_months, poor), model.steps
        assert np.array_equal(model.engagement, engagement), model.steps
        for name, mine, theirs in zip(
            ("burnout", "impatience", "drift", "lost interest", "joined"), got[:5], (*leavers, lost, joining)
        ):
            assert np.array_equal(mine, theirs), (name, model.steps)
        self.moves += [who.size for who in got[:5]]
        self.months += 1
        return got


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: f"{s['governance']}-{s['seed']}")
def test_every_month_of_a_run_equals_the_array_forms(setting, monkeypatch):
    checked = Checked(monkeypatch)
    CoalitionModel(**setting).run(MONTHS)
    assert checked.months > 0


def overloaded(make_population) -> CoalitionModel:
    """Four organizations offered two initiatives a month beyond their capacity: they burn out."""
    population = make_population([[0.5, 0.5]] * 4, [0.4] * 4, capacity=[0.1, 1.0, 1.0, 1.0])
    return CoalitionModel(population=population, initiative_rate=2.0, backbone_strength=0.0, min_members=1, seed=1)


def test_the_runs_compared_see_every_kind_of_move(monkeypatch, make_population):
    """The comparisons are not of empty sets: across the runs every kind of move happens."""
    checked = Checked(monkeypatch)
    for setting in SETTINGS:
        CoalitionModel(**setting).run(MONTHS)
    overloaded(make_population).run(MONTHS)
    assert (checked.moves > 0).all(), dict(zip(("burnout", "impatience", "drift", "lost", "joined"), checked.moves))

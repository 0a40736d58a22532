"""The compiled deliberation kernels equal, bit for bit, the array expressions they replace."""

from __future__ import annotations

import numpy as np
import pytest

from coalition_sim.model.governance import deliberation_kernels as k


def numpy_concede(position, members, draft, rounds, quorum, limits):
    """base.concede as it was written in numpy."""
    draft = draft.copy()
    for concessions in range(rounds + 1):
        gaps = np.sqrt(((position[members] - draft) ** 2).sum(axis=1)) - limits
        if np.mean(gaps <= 1e-9) >= quorum:
            return draft, max(concessions, 1), True
        if concessions == rounds:
            break
        worst = int(np.argmax(gaps))
        toward = position[members[worst]] - draft
        dist = float(np.sqrt(toward @ toward))
        draft = draft + toward * (1.0 - limits[worst] / dist)
    return draft, rounds, False


@pytest.mark.parametrize("dims", [1, 2, 3, 5])
def test_concede_and_who_is_within_equal_the_array_form(dims):
    rng = np.random.default_rng(dims)
    for _ in range(200):
        position = rng.random((40, dims))
        members = np.sort(rng.choice(40, size=int(rng.integers(1, 30)), replace=False))
        limits = rng.uniform(0.05, 0.4, members.size)
        draft = rng.random(dims)
        rounds, quorum = int(rng.integers(0, 8)), float(rng.choice([1.0, 0.5 + 1e-9]))
        expected = numpy_concede(position, members, draft, rounds, quorum, limits)
        got = k.concede(position, members, draft, rounds, quorum, limits)
        assert np.array_equal(got[0], expected[0]) and got[1:] == expected[1:]
        inside = np.sqrt(((position[members] - got[0]) ** 2).sum(axis=1)) <= limits + 1e-9
        assert np.array_equal(k.within(position, members, got[0], limits), inside)


def test_acceptance_equals_the_array_form():
    rng = np.random.default_rng(0)
    tolerance, ties = rng.random(50), rng.uniform(1.0, 20.0, 50)
    members = np.arange(3, 40, 2)
    mean_trust = (ties[members] - 1.0) / (members.size - 1)
    expected = tolerance[members] * np.maximum(1.0 + 0.7 * (mean_trust - 0.3), 0.0)
    assert np.array_equal(k.acceptance(tolerance, members, ties, 0.7, 0.3), expected)


def test_blueprint_equals_the_array_form():
    rng = np.random.default_rng(1)
    position, capacity = rng.random((30, 2)), rng.random(30)
    members, ideal, noise = np.arange(0, 30, 3), rng.random(2), rng.normal(0.0, 0.5, 2)
    lead = members[int(np.argmax(capacity[members]))]
    bias = 0.5 * (position[lead] - ideal)
    expected = np.minimum(np.maximum(ideal + (1.0 - 0.2) * (bias + noise), 0.0), 1.0)
    assert np.array_equal(k.blueprint(position, capacity, members, ideal, noise, 0.2, 0.5), expected)


def test_invitations_equal_the_array_form_ties_kept_in_order():
    rng = np.random.default_rng(2)
    skills, needs = rng.random((60, 4)), rng.random(4)
    skills[10] = skills[20] = skills[50]  # equal match: with roles = 1 their order is kept
    core, network = np.arange(0, 30), np.arange(30, 60)
    for roles in (0.0, 0.4, 1.0):
        draws = rng.random(network.size)
        invited = np.concatenate([core, network[draws < 0.5]])
        assert np.array_equal(k.invitees(core, network, draws, 0.5), invited)
        noise = rng.random(invited.size)
        score = roles * (skills[invited] @ needs) + (1.0 - roles) * noise
        expected = invited[np.argsort(-score, kind="stable")]
        assert np.array_equal(k.best_fit_first(invited, skills, needs, roles, noise), expected)


def test_choice_and_team_equal_the_array_form():
    rng = np.random.default_rng(3)
    n = 80
    position, tolerance = rng.random((n, 2)), rng.uniform(0.2, 0.8, n)
    energy, trust, capacity = rng.random(n), rng.random(n), rng.uniform(0.5, 2.0, n)
    energy[:5] = 0.0
    committed = np.where(rng.random(n) < 0.2, capacity, 0.0)
    invited, point = rng.permutation(n), rng.random(2)
    offer, own, weight, work, meeting, floor, least = 1.3, 0.8, 0.6, 0.1, 0.05, 0.15, 0.25
    dist = np.sqrt(((position[invited] - point) ** 2).sum(axis=1))
    tol, e = tolerance[invited], energy[invited]
    fit = np.minimum(np.maximum(1.0 - dist / tol, 0.0), 1.0)
    legitimacy = 1.0 - weight * (1.0 - trust[invited])
    expected = offer * (0.5 + 0.5 * fit) * own * legitimacy
    effort = e * np.minimum(np.maximum(1.0 - 0.5 * dist / tol, least), 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        joins = (dist <= tol) & (e > floor) & (expected >= (work * effort + meeting) / e)
    rules = (offer, own, weight, work, meeting, floor, least)
    assert np.array_equal(k.opts_in(position, tolerance, energy, trust, invited, point, rules), joins)
    willing = invited[joins & (committed[invited] < capacity[invited])]
    pooled = np.cumsum(capacity[willing])
    for enough in (0.5, 3.0, 1e9):
        size = int(np.searchsorted(pooled, enough)) + 1
        team, capacity_of_team = k.team(invited, joins, committed, capacity, enough)
        assert np.array_equal(team, willing[:size])
        assert capacity_of_team == pooled[min(size, pooled.size) - 1]

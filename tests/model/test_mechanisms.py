"""Known answers for single mechanisms on hand-built coalitions."""

import numpy as np
import pytest

from coalition_sim import CoalitionModel, InputError
from coalition_sim.model.governance.base import concede
from coalition_sim.model.governance.opt_in import opts_in


def quiet(population, **kw):
    defaults = dict(min_members=1, dormancy_limit=240, entry_rate=0.0, shock_rate=0.0, seed=4)
    defaults.update(kw)
    return CoalitionModel(population=population, **defaults)


def test_alignment_is_one_at_the_purpose_and_zero_at_the_farthest_corner(make_population):
    model = quiet(make_population([[0.5, 0.5], [0.0, 1.0], [0.75, 0.5]], [0.3, 0.3, 0.3]))
    assert model.alignment(np.arange(3)) == pytest.approx([1.0, 0.0, 1 - 0.25 / np.sqrt(0.5)])


def test_boundary_rule_admits_only_aligned_newcomers(make_population):
    # two core members at the purpose; network: one aligned, one far away
    pop = make_population([[0.5, 0.5], [0.5, 0.5], [0.55, 0.5], [0.05, 0.05]], [0.3] * 4, network=2)
    model = quiet(pop, entry_rate=1.0, boundary_alignment=0.6, backbone_strength=1.0)
    chance = __import__("coalition_sim.model.membership", fromlist=["entry_chance"]).entry_chance(
        model, model.network_indices(), model.trust.ties_toward(model.core_indices())
    )
    assert chance[0] > 0 and chance[1] == 0.0


def test_an_initiative_gets_exactly_its_window_of_decision_months(make_population):
    model = quiet(make_population([0.2, 0.8], [0.1, 0.1]), initiative_window=4, initiative_rate=0.0)
    initiative = model.environment._new(1)
    model.pending.append(initiative)
    decided = []
    original = model.rule.decide
    model.rule.decide = lambda m, pending: decided.append(m.steps) or original(m, pending)
    model.run(10)
    months_with_it = [m for m in decided][:4]
    assert initiative.state == "lapsed" and model.totals["lapsed"] == 1
    assert model.totals["blocked"] == 4 and months_with_it == [1, 2, 3, 4]


@pytest.mark.parametrize("start, rounds_used", [((0.45, 0.45), 1), ((0.45, 0.9), 1), ((0.9, 0.9), 2)])
def test_rounds_count_concessions_with_one_to_present(make_population, start, rounds_used):
    # A at (0.5, 0.3) and B at (0.3, 0.5), both with tolerance 0.2. (0.45, 0.45) suits both:
    # one round to present it. From (0.45, 0.9) one concession to B suffices. From (0.9, 0.9)
    # the concession to A still leaves B objecting (0.31 away): a second one is needed.
    model = quiet(make_population([[0.5, 0.3], [0.3, 0.5]], [0.2, 0.2]))
    draft, used, accepted = concede(model, model.core_indices(), np.array(start), rounds=5)
    assert accepted and used == rounds_used
    assert np.all(np.linalg.norm(model.position - draft, axis=1) <= 0.2 + 1e-9)


def test_a_tired_partner_declines_what_a_rested_one_accepts(make_population):
    model = quiet(make_population([[0.5, 0.5], [0.5, 0.5]], [0.4, 0.4]), transaction_cost=0.05)
    initiative = model.environment._new(0)
    initiative.value = 1.0  # an initiative of mean value, not whatever the stream drew
    model.energy[:] = [1.0, 0.2]
    assert opts_in(model, np.array([0, 1]), initiative.ideal, initiative).tolist() == [True, False]


@pytest.mark.parametrize(
    "field, change",
    [
        ("tolerance", lambda p: p.tolerance.__setitem__(0, 0.0)),
        ("capacity", lambda p: p.capacity.__setitem__(1, -1.0)),
        ("trust", lambda p: p.trust.__setitem__((0, 1), 1.5)),
        ("position", lambda p: setattr(p, "position", p.position[:, :1])),
        ("energy", lambda p: p.energy.__setitem__(0, np.nan)),
    ],
)
def test_a_broken_population_is_refused_naming_the_field(make_population, field, change):
    pop = make_population([[0.5, 0.5], [0.4, 0.6]], [0.3, 0.3])
    change(pop)
    with pytest.raises(InputError, match=f"population.{field}"):
        quiet(pop)

"""Dissolution causes, each in a regime where it must (or must not) happen."""

from coalition_sim import CoalitionModel


def quiet(population, **kw):
    settings = dict(min_members=1, entry_rate=0.0, shock_rate=0.0, turnover_rate=0.0, seed=3)
    settings.update(kw)
    return CoalitionModel(population=population, **settings)


def test_months_with_nothing_pending_are_not_dormant(make_population):
    # perfectly aligned partners and not a single initiative in 60 months: nothing went wrong
    model = quiet(make_population([[0.5, 0.5]] * 4, [0.3] * 4), initiative_rate=0.0, dormancy_limit=6).run(60)
    assert model.cause is None and model.lifetime == 60


def test_dormancy_counts_the_months_with_work_pending_and_none_adopted(make_population):
    # two partners who can never agree on the one initiative in front of them: blocked every month
    pop = make_population([0.05, 0.95], [0.1, 0.1])
    model = quiet(pop, initiative_rate=0.0, initiative_window=24, dormancy_limit=5, governance="consensus")
    model.pending.append(model.environment._new(0))
    model.run(40)
    assert model.cause == "dormancy" and model.lifetime == 5


def test_collapse_when_fewer_than_min_members_remain(make_population):
    # two members, both exhausted on the first month's overload: the coalition collapses
    pop = make_population([[0.5, 0.5]] * 2, [0.4] * 2, capacity=[0.05, 0.05], energy=0.1)
    model = quiet(pop, min_members=2, initiative_rate=3.0, backbone_strength=0.0).run(24)
    assert model.cause == "collapse"


def test_purpose_achieved_when_the_impact_goal_is_reached():
    model = CoalitionModel(governance="opt-in", backbone_strength=0.8, impact_goal=10.0, seed=1).run(120)
    assert model.cause == "purpose_achieved" and model.cumulative_impact >= 10.0


def test_impatience_when_membership_keeps_costing_more_than_it_gives(make_population):
    # no initiatives, costly meetings never held, low trust: satisfaction stays negative
    pop = make_population([[0.5, 0.5]] * 3, [0.3] * 3, trust=0.0, patience=5.0)
    model = quiet(pop, initiative_rate=0.0, backbone_strength=0.0).run(24)
    assert set(model.exit_cause.values()) == {"impatience"} and max(model.exit_month.values()) <= 12

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

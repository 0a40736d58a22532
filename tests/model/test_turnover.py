"""Turnover of representatives: known answers on hand-built coalitions, and its effect on endurance."""

import numpy as np
import pytest

from coalition_sim import CoalitionModel
from coalition_sim.model.trust import TrustMatrix
from coalition_sim.model.turnover import introduce, onboard, representatives_leaving


def test_no_turnover_draws_nothing_from_the_generator():
    rng = np.random.default_rng(3)
    state = rng.bit_generator.state
    assert representatives_leaving(rng, np.arange(10), 0.0).size == 0
    assert rng.bit_generator.state == state


def test_every_representative_leaves_at_rate_one_and_about_the_rate_otherwise():
    rng = np.random.default_rng(4)
    members = np.arange(10_000)
    assert representatives_leaving(rng, members[:7], 1.0).tolist() == list(range(7))
    assert representatives_leaving(rng, members, 0.05).size == pytest.approx(500, abs=70)


def test_a_newcomer_without_briefing_speaks_for_the_organization_again():
    home = np.array([[0.2, 0.2], [0.8, 0.8], [0.5, 0.5]])
    position = np.array([[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]])
    onboard(position, home, np.array([0, 1]), briefing=0.0)
    assert position.tolist() == [[0.2, 0.2], [0.8, 0.8], [0.5, 0.5]]


def test_a_full_briefing_keeps_the_common_ground_and_half_keeps_half():
    home = np.array([[0.2, 0.2]])
    position = np.array([[0.6, 0.4]])
    onboard(position, home, np.array([0]), briefing=1.0)
    assert position.tolist() == [[0.6, 0.4]]
    onboard(position, home, np.array([0]), briefing=0.5)
    assert position == pytest.approx(np.array([[0.4, 0.3]]))


def test_a_newcomer_without_introductions_has_only_baseline_ties_both_ways():
    trust = TrustMatrix(np.full((3, 3), 0.9), baseline=0.3)
    introduce(trust, np.array([0]), 0.0)
    values = trust.values
    assert values[0, 1:] == pytest.approx([0.3, 0.3]) and values[1:, 0] == pytest.approx([0.3, 0.3])
    assert values[0, 0] == 1.0 and values[1, 2] == pytest.approx(0.9)  # self-trust; others untouched


def test_introductions_carry_over_their_share_of_trust_above_the_baseline():
    trust = TrustMatrix(np.full((2, 2), 0.9), baseline=0.3)
    introduce(trust, np.array([1]), 0.5)
    assert trust[0, 1] == pytest.approx(0.6) and trust[1, 0] == pytest.approx(0.6)


def test_the_model_records_turnover_and_its_absence():
    quiet = CoalitionModel(seed=5, turnover_rate=0.0).run(24)
    busy = CoalitionModel(seed=5, turnover_rate=0.2).run(24)
    assert quiet.totals["turnover"] == 0
    assert busy.totals["turnover"] > 0.1 * 30 * 12  # about 0.2 of ~30 members a month
    series = busy.datacollector.get_model_vars_dataframe()["turnover"]
    assert series.sum() == busy.totals["turnover"]


@pytest.mark.slow
def test_turnover_makes_losing_the_backbone_matter_for_established_coalitions():
    """The mechanism's purpose (docs/ODD.md, Calibration): with turnover, a coalition that loses
    its coordinator after three years fails more often in the next years than one that keeps it;
    without turnover the difference is much smaller."""

    def failures_after_cut(rate, strength_after):
        failed = 0
        for seed in range(40):
            m = CoalitionModel(
                seed=seed,
                turnover_rate=rate,
                backbone_strength=0.7,
                backbone_cut_month=36,
                backbone_after_cut=strength_after,
            )  # the calibrated coalition: diversity, tolerance and standing aside at their defaults
            m.run(120)
            failed += m.cause in ("collapse", "dormancy") and m.lifetime > 36
        return failed

    with_turnover = failures_after_cut(0.06, 0.0) - failures_after_cut(0.06, 0.7)
    without = failures_after_cut(0.0, 0.0) - failures_after_cut(0.0, 0.7)
    assert with_turnover >= without + 6  # measured: 10 - 1 = 9 against 2 - 2 = 0

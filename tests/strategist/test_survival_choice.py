"""Survival-aware choice: the ranking rules that weigh lasting, and the warning in the recommendation box."""

from __future__ import annotations

import pandas as pd
import pytest

from coalition_sim.analysis.study_analysis import wilson_interval
from coalition_sim.strategist.ranking import rank_options
from coalition_sim.strategist.survival_choice import check_survival_settings, survival_warnings
from coalition_sim.util.errors import InputError


def summary(rows) -> pd.DataFrame:
    """A hand-made option summary: (option, lasted, runs, mean impact) -> Wilson intervals as the comparison does."""
    out = []
    for option, lasted, n, impact in rows:
        low, high = wilson_interval(lasted, n, 0.95)
        out.append(
            {
                "option": option,
                "p_endure": lasted / n,
                "p_endure_low": low,
                "p_endure_high": high,
                "impact_mean": impact,
            }
        )
    return pd.DataFrame(out)


def test_warning_when_the_impact_winner_rarely_lasts():
    # like the watershed case: 5% against 21% of 300 draws
    table = summary([("opt-in, backbone 0.9", 15, 300, 15.5), ("consensus, backbone 0.9", 63, 300, 11.9)])
    warnings = survival_warnings(table, "opt-in, backbone 0.9")
    assert [w.option for w in warnings] == ["consensus, backbone 0.9"]
    text = warnings[0].text()
    assert "21%" in text and "5%" in text and "11.9" in text and "15.5" in text


def test_no_warning_when_the_winner_lasts_as_well():
    table = summary([("A", 60, 300, 15.5), ("B", 66, 300, 11.9)])  # intervals overlap
    assert survival_warnings(table, "A") == []


def test_no_warning_when_the_other_option_lasts_less():
    table = summary([("A", 200, 300, 15.5), ("B", 20, 300, 11.9)])
    assert survival_warnings(table, "A") == []


def test_interval_separation_not_point_estimates_decides():
    # 30% vs 20% on 40 draws: different point estimates, overlapping intervals
    table = summary([("A", 8, 40, 10.0), ("B", 12, 40, 9.0)])
    assert survival_warnings(table, "A") == []


def wide_tables():
    impact = pd.DataFrame({"sprint": [30.0, 30.0, 0.0, 0.0], "steady": [10.0, 10.0, 10.0, 10.0]})
    lasted = pd.DataFrame({"sprint": [0, 0, 0, 1], "steady": [1, 1, 1, 0]})
    return impact, lasted


def test_lasting_rule_prefers_impact_only_among_options_above_the_bar():
    impact, lasted = wide_tables()
    assert rank_options(impact, "impact")["option"].iloc[0] == "sprint"  # 15 against 10
    ranked = rank_options(impact, "lasting", lasted=lasted, min_lasting=0.5)
    assert list(ranked["option"]) == ["steady", "sprint"]
    assert ranked.set_index("option").loc["steady", "p_lasting"] == 0.75
    # a bar nobody clears: the option that lasts most often comes first
    assert rank_options(impact, "lasting", lasted=lasted, min_lasting=0.9)["option"].iloc[0] == "steady"
    # a bar everybody clears: back to impact
    assert rank_options(impact, "lasting", lasted=lasted, min_lasting=0.0)["option"].iloc[0] == "sprint"


def test_impact_and_lasting_rule_known_answers():
    impact, lasted = wide_tables()
    # sprint: 15 + v * 0.25; steady: 10 + v * 0.75 -> steady wins when v > 10
    low = rank_options(impact, "impact-and-lasting", lasted=lasted, running_value=5).set_index("option")
    assert low.loc["sprint", "score"] == pytest.approx(16.25) and low.loc["steady", "score"] == pytest.approx(13.75)
    high = rank_options(impact, "impact-and-lasting", lasted=lasted, running_value=20)
    assert high["option"].iloc[0] == "steady"


def test_survival_rules_need_the_lasting_table_and_sane_settings():
    impact, _ = wide_tables()
    with pytest.raises(InputError, match="lasted"):
        rank_options(impact, "lasting")
    with pytest.raises(InputError, match="min-lasting"):
        check_survival_settings(1.5, 10, None)
    with pytest.raises(InputError, match="running-value"):
        check_survival_settings(0.5, -1, None)
    with pytest.raises(InputError, match="backbone-cost"):
        check_survival_settings(0.5, 1, -2.0)

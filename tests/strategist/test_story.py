"""The story in words and the tables it cites: narrative, partners' fates, which uncertainty matters, backbone cost."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from coalition_sim.strategist.backbone_value import run_cost
from coalition_sim.strategist.comparison import compare
from coalition_sim.strategist.narrative import CLIFF_SHARE
from coalition_sim.strategist.partners import member_exits, partner_table
from coalition_sim.strategist.scenario_file import parse_scenario
from coalition_sim.strategist.value_of_information import margin_dependence, what_to_find_out

SCENARIO = """\
[scenario]
name = "Story"
horizon = 48
[[organizations]]
name = "Wary Farmers"
sector = "business"
alignment = 0.5
tolerance = 0.15
patience = [4, 10]
[[organizations]]
name = "B"
sector = "government"
[[organizations]]
name = "C"
sector = "community"
[[organizations]]
name = "D"
sector = "nonprofit"
[trust]
default = [0.15, 0.5]
[backbone]
strength = 0.9
cut_month = 20
after_cut = [0.0, 0.1]
"""


@pytest.fixture(scope="module")
def result():
    sc = parse_scenario(SCENARIO, "story.toml")
    return compare(
        sc,
        "consensus,opt-in",
        backbone="0.3,0.9",
        replications=30,
        workers=1,
        progress=False,
        figures=False,
        backbone_cost=1.0,
    )


def numbers(sentence: str) -> list[float]:
    return [float(x) for x in re.findall(r"\d+(?:\.\d+)?", sentence)]


def test_every_sentence_quotes_the_figures_of_the_tables(result):
    story = result.narrative
    assert len(story) >= 2 * len(result.options)
    for _, row in story.iterrows():
        runs = result.runs[(result.runs["option"] == row["option"]) & (result.runs["status"] == "ok")]
        got = numbers(row["sentence"])
        if row["kind"] == "lasting":
            p = result.summary.set_index("option").loc[row["option"], "p_endure"]
            assert round(100 * p) in got
        elif row["kind"] == "ending":
            ended = runs[~runs["endured"].astype(bool)]
            cause = ended["cause"].value_counts()
            assert round(100 * cause.iloc[0] / len(runs)) in got
            assert round(ended["lifetime"].median()) in got
        elif row["kind"] == "cliff":
            month = int(runs[~runs["endured"].astype(bool)]["lifetime"].value_counts().index[0])
            share = (runs["lifetime"] == month).sum() / len(runs)
            assert share >= CLIFF_SHARE and month in got and round(100 * share) in got
            past = runs[runs["lifetime"] > month]
            if len(past):
                assert round(100 * past["endured"].astype(bool).mean()) in got
                assert round(past["total_impact"].mean(), 1) in got
        elif row["kind"] == "exit_wave":
            exits = member_exits(result.exits[result.exits["option"] == row["option"]])
            after = exits[(exits["month"] >= 20) & (exits["month"] < 44)]
            assert 20 in got and round(100 * len(after) / len(exits)) in got
        elif row["kind"] == "first_leaver":
            partners = result.partners.set_index(["option", "organization"])
            name = row["sentence"].split(" tends to leave first")[0]
            r = partners.loc[(row["option"], name)]
            assert round(100 * r["p_left"]) in got and round(r["month_median"]) in got


def _runs(endured: list[bool], lifetime: list[int]) -> pd.DataFrame:
    """One option "x", one run per replication, all finished."""
    n = len(endured)
    return pd.DataFrame(
        {"option": ["x"] * n, "replication": range(n), "status": ["ok"] * n, "endured": endured, "lifetime": lifetime}
    )


def _exits(replication: list[int], organization: list[str], month: list[int], cause: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "option": ["x"] * len(replication),
            "replication": replication,
            "organization": organization,
            "month": month,
            "cause": cause,
        }
    )


def test_partner_fates_add_up_and_keep_an_early_death_apart():
    runs = _runs([False, False, True, True], [5, 8, 30, 30])
    exits = _exits([1, 2], ["A", "A"], [3, 12], ["impatience", "drifted_away"])
    table = partner_table(exits, runs, ["A", "B"], ["x"]).set_index("organization")
    assert table.loc["A", ["p_left", "p_ended_first", "p_still_member"]].tolist() == [0.5, 0.25, 0.25]
    # B never left, yet the coalition ended under it in half the draws: not "kind"
    assert table.loc["B", ["p_left", "p_ended_first", "p_still_member"]].tolist() == [0.0, 0.5, 0.5]
    # every cause the runs name gets its column, whatever the model calls it
    assert table.loc["A", "p_left_drifted_away"] == 0.25 and table.loc["A", "p_left_impatience"] == 0.25
    assert "drifted away 50%" in table.loc["A", "causes"] and "out of patience 50%" in table.loc["A", "causes"]
    assert table.loc["A", "month_first"] == 3


def test_losing_interest_before_joining_is_not_a_departure():
    runs = _runs([True, True, False, True], [30, 30, 8, 30])
    exits = _exits([0, 1, 2], ["Net"] * 3, [4, 9, 20], ["lost_interest", "lost_interest", "impatience"])
    row = partner_table(exits, runs, ["Net"], ["x"]).iloc[0]
    # one real departure (after joining), two drifts out of the orbit, one still with a lasting coalition
    assert [row["p_left"], row["p_lost_interest"], row["p_ended_first"], row["p_still_member"]] == [
        0.25,
        0.5,
        0.0,
        0.25,
    ]
    assert row["causes"] == "out of patience 100%" and row["month_first"] == 20
    assert "p_left_lost_interest" not in row


def test_a_network_losing_interest_after_the_cut_is_no_exit_wave():
    from coalition_sim.strategist.narrative import option_story

    runs = _runs([True] * 4, [30] * 4).assign(backbone_cut_month=10)
    before = _exits([0], ["A"], [3], ["impatience"])
    faded = _exits([0, 1, 2, 3], ["N"] * 4, [11, 12, 13, 14], ["lost_interest"] * 4)
    kinds = [kind for kind, _, _ in option_story(runs, pd.concat([before, faded]), pd.DataFrame(), "x", 30)]
    assert "exit_wave" not in kinds
    wave = _exits([2, 3, 0], ["A", "B", "C"], [11, 12, 13], ["burnout"] * 3)
    story = option_story(runs, pd.concat([before, faded, wave]), pd.DataFrame(), "x", 30)
    [figures] = [f for kind, _, f in story if kind == "exit_wave"]
    assert figures["p_exits_after_cut"] == 3 / 4  # the four network organizations are not departures


def test_the_input_the_margin_depends_on_ranks_first_and_says_where_the_runner_up_wins():
    rng = np.random.default_rng(1)
    n = 400
    x = pd.DataFrame({"trust": rng.uniform(0, 1, n), "noise": rng.uniform(0, 1, n)})
    margin = pd.Series(20 * (x["trust"] - 0.3) + rng.normal(0, 1, n))
    table = margin_dependence(margin, x, {"trust": "trust between members"})
    assert table["input"].iloc[0] == "trust"
    assert table["explained"].iloc[0] > 0.8
    assert table.set_index("input").loc["noise", "explained"] < 0.05
    top = table.iloc[0]
    assert top["flips"] and float(top["flip_range"].split(" to ")[1]) < 0.3
    assert not table.set_index("input").loc["noise", "flips"]
    assert what_to_find_out(table)[0].startswith("trust between members explains")


def test_backbone_cost_known_answers(result):
    # strength 0.9 for months 1-19, then 0.05 from month 20: a run of 30 months at price 2
    assert run_cost([30], [0.9], [20], [0.05], 2.0)[0] == pytest.approx(2 * (0.9 * 19 + 0.05 * 11))
    assert run_cost([10], [0.9], [20], [0.05], 1.0)[0] == pytest.approx(9.0)
    assert run_cost([10], [0.5], [0], [0.0], 1.0)[0] == pytest.approx(5.0)
    table = result.backbone_value
    assert set(table["governance"]) == {"consensus", "opt-in"}
    assert (table["extra_cost"] > 0).all()
    row = table.iloc[0]
    assert row["impact_per_cost"] == pytest.approx(row["extra_impact"] / row["extra_cost"])


def test_the_report_shows_the_story_the_appendix_and_partners(result, tmp_path):
    page = result.write_report(tmp_path / "r").read_text()
    assert "The story in words" in page and "Appendix: every setting the runs used" in page
    assert "until month 20, then 0-0.1" in page
    assert "coalition ended first" in page and "every reason it ended" in page
    endings = result.summary.set_index("option")["endings"]
    assert all(("censored" not in e) for e in endings)
    for name in ("partners", "narrative", "appendix", "margin", "backbone_value"):
        assert (tmp_path / "r" / f"{name}.csv").exists()


def test_a_partner_driven_by_an_input_names_it():
    n = 40
    runs = pd.DataFrame(
        {
            "option": ["x"] * n,
            "replication": range(n),
            "status": ["ok"] * n,
            "endured": [True] * n,
            "lifetime": [30] * n,
        }
    )
    inputs = pd.DataFrame({"trust.default": np.linspace(0.1, 0.9, n), "other": np.tile([0.2, 0.8], n // 2)})
    left = [r for r in range(n) if inputs.loc[r, "trust.default"] < 0.4]
    exits = pd.DataFrame({"option": "x", "replication": left, "organization": "A", "month": 5, "cause": "impatience"})
    table = partner_table(exits, runs, ["A"], ["x"], inputs, {"trust.default": "trust between members"})
    row = table.iloc[0]
    assert row["driver"] == "trust between members" and row["driver_rho"] < -0.8

"""The recommendation box: the survival warning with both figures, and no loss search when it rarely loses."""

from __future__ import annotations

from dataclasses import replace

import pytest

from coalition_sim.strategist.comparison import compare
from coalition_sim.strategist.report import headline, loss_section
from coalition_sim.strategist.scenario_file import parse_scenario

SCENARIO = """\
[scenario]
name = "Box"
horizon = 12
[[organizations]]
name = "A"
sector = "nonprofit"
[[organizations]]
name = "B"
sector = "government"
[[organizations]]
name = "C"
sector = "community"
[trust]
default = [0.2, 0.6]
"""


@pytest.fixture(scope="module")
def result():
    sc = parse_scenario(SCENARIO, "box.toml")
    return compare(sc, "consensus,opt-in", replications=6, workers=1, progress=False, figures=False)


def with_lasting(result, best_lasts: float, other_lasts: float, n: int = 300):
    from coalition_sim.analysis.study_analysis import wilson_interval

    summary = result.summary.copy()
    for label, p in ((result.recommended, best_lasts), (result.runner_up, other_lasts)):
        low, high = wilson_interval(round(p * n), n, 0.95)
        i = summary.index[summary["option"] == label][0]
        summary.loc[i, ["p_endure", "p_endure_low", "p_endure_high"]] = [p, low, high]
    return replace(result, summary=summary)


def test_the_box_warns_when_another_option_lasts_clearly_more_often(result):
    box = headline(with_lasting(result, 0.05, 0.21))
    assert "Warning:" in box and "lasts the horizon clearly more often" in box
    assert "21%" in box and "5%" in box


def test_the_box_does_not_warn_when_the_choice_lasts_as_well(result):
    assert "Warning:" not in headline(with_lasting(result, 0.20, 0.21))


def test_a_recommendation_that_rarely_loses_is_not_explained_by_a_search(result):
    runs = result.runs.copy()
    best = runs["option"] == result.recommended
    runs.loc[best, "total_impact"] = runs.loc[best, "total_impact"] + 1000.0  # never loses
    never = replace(result, runs=runs, loss_rule=None)
    box = headline(never)
    assert "rarely loses" in box and "No simple condition" not in box
    section = loss_section(never, {})
    assert "in only 0% of the draws" in section and "No simple condition" not in section


def test_the_reproduce_command_parses_back_to_the_same_settings(result):
    import shlex

    from coalition_sim.cli.main import build_parser
    from coalition_sim.strategist.report import reproduce_command

    settings = dict(result.settings, backbone_cost=2.5, rank="lasting", min_lasting=0.6)
    command = reproduce_command(replace(result, settings=settings))
    args = build_parser("compare").parse_args(shlex.split(command)[1:] + ["--out", "x"])
    assert args.rank == "lasting" and args.min_lasting == 0.6 and args.backbone_cost == 2.5
    assert args.options == "consensus,opt-in" and args.replications == result.settings["replications"]

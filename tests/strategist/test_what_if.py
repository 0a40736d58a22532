"""What-ifs on small scenarios with known answers: a partner leaves or joins, a phased transition, two files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coalition_sim.strategist.comparison import compare
from coalition_sim.strategist.scenario_file import parse_scenario
from coalition_sim.strategist.two_files import compare_files, file_table
from coalition_sim.util.errors import InputError

SCENARIO = """\
[scenario]
name = "Five"
horizon = 30
[[organizations]]
name = "Lawyers"
sector = "nonprofit"
patience = 120
skills = { legal = 1.0 }
[[organizations]]
name = "B"
sector = "government"
patience = 120
[[organizations]]
name = "C"
sector = "community"
patience = 120
[[organizations]]
name = "D"
sector = "business"
patience = 120
[[network]]
name = "Ally"
sector = "academia"
[trust]
default = [0.3, 0.6]
[backbone]
strength = 0.7
[model]
min_members = 2
"""
K = 10
RUN = dict(replications=6, workers=1, progress=False, figures=False)


@pytest.fixture(scope="module")
def scenario():
    return parse_scenario(SCENARIO, "five.toml")


@pytest.fixture(scope="module")
def leave(scenario):
    return compare(scenario, "opt-in", what_if=f"leave Lawyers at {K}", **RUN)


def test_a_partner_leaving_changes_nothing_before_its_month_and_is_gone_from_it(leave):
    base, variant = leave.options[0].label, leave.options[1].label
    assert variant == f"opt-in, scenario backbone; Lawyers leaves at month {K}"
    members = leave.members
    assert np.allclose(members.loc[: K - 1, base], members.loc[: K - 1, variant])
    exits = leave.exits[(leave.exits["option"] == variant) & (leave.exits["organization"] == "Lawyers")]
    alive = leave.runs[(leave.runs["option"] == variant) & (leave.runs["lifetime"] >= K)]
    assert set(exits["cause"]) == {"withdrew"} and set(exits["month"]) == {K}
    assert len(exits) == len(alive)  # patience 120: only the scheduled departure
    assert members.loc[K, variant] < members.loc[K, base]
    fates = leave.partners.set_index(["organization", "option"]).loc[("Lawyers", variant)]
    assert fates["p_left_withdrew"] == pytest.approx(len(exits) / RUN["replications"])


def test_a_partner_joining_is_out_until_its_month_then_counted(scenario):
    result = compare(scenario, "opt-in", what_if=f"join Ally at {K}", **RUN)
    base, variant = (o.label for o in result.options)
    members = result.members
    # held back: never more members than without the event before month K, and a step up at K
    assert (members.loc[: K - 1, variant] <= members.loc[: K - 1, base] + 1e-9).all()
    assert members.loc[K, variant] > members.loc[K - 1, variant]
    left = result.exits[(result.exits["option"] == variant) & (result.exits["organization"] == "Ally")]
    assert (left["month"] >= K).all()


def test_unknown_partner_or_month_is_refused_before_running(scenario):
    with pytest.raises(InputError, match="no organization is called 'Lawers'.*did you mean 'Lawyers'"):
        compare(scenario, "opt-in", what_if="leave Lawers at 3", **RUN)
    with pytest.raises(InputError, match="outside the horizon"):
        compare(scenario, "opt-in", what_if="leave Lawyers at 99", **RUN)


def test_a_transition_longer_than_the_horizon_is_its_first_rule(scenario):
    result = compare(scenario, "consensus,consensus-for-30-then-opt-in,consensus-for-5-then-opt-in", **RUN)
    wide = result.runs.pivot(index="replication", columns="option", values="total_impact")
    labels = [o.label for o in result.options]
    assert (wide[labels[0]] == wide[labels[1]]).all()
    assert not (wide[labels[0]] == wide[labels[2]]).all()


def test_two_files_known_answers(tmp_path):
    first = tmp_path / "a.toml"
    first.write_text(SCENARIO)
    table, a, b = compare_files(first, first, "opt-in", **RUN)
    diff = table[table["scenario"].str.startswith("difference")]
    assert (diff["p_endure"] == 0).all() and (diff["impact_mean"] == 0).all()
    hand = file_table(
        pd.DataFrame(
            [
                {
                    "option": "x",
                    "p_endure": 0.2,
                    "p_endure_low": 0.1,
                    "p_endure_high": 0.3,
                    "impact_mean": 10.0,
                    "impact_sd": 2.0,
                    "runs": 100,
                }
            ]
        ),
        pd.DataFrame(
            [
                {
                    "option": "x",
                    "p_endure": 0.5,
                    "p_endure_low": 0.4,
                    "p_endure_high": 0.6,
                    "impact_mean": 13.0,
                    "impact_sd": 2.0,
                    "runs": 100,
                }
            ]
        ),
        "without",
        "with ally",
    )
    row = hand[hand["scenario"].str.startswith("difference")].iloc[0]
    assert row["p_endure"] == pytest.approx(0.3) and row["impact_mean"] == pytest.approx(3.0)
    assert row["impact_low"] == pytest.approx(3.0 - 1.96 * np.sqrt(0.08))
    assert list(hand["scenario"][:2]) == ["without", "with ally"]


def test_the_cli_runs_what_ifs_a_transition_and_a_second_file(tmp_path, capsys):
    from coalition_sim.cli import main as cli

    first = tmp_path / "a.toml"
    first.write_text(SCENARIO)
    out = tmp_path / "out"
    argv = ["compare", str(first), "--options", "opt-in,consensus-for-3-then-opt-in", "--replications", "2"]
    argv += ["--steps", "6", "--workers", "1", "--no-progress", "--out", str(out), "--against", str(first)]
    argv += ["--what-if", "leave Lawyers at 2", "--backbone", "0.3,0.8", "--backbone-cost", "1", "--rank", "lasting"]
    assert cli.main(argv) == 0
    assert "Recommended (lasting):" in capsys.readouterr().out
    two = pd.read_csv(out / "two_files.csv")
    assert len(two) == 3 * 4  # four options without the event, each: first, second, difference
    assert len(pd.read_csv(out / "backbone_value.csv")) == 4  # two rules x with/without the event
    assert "Two scenario files compared" in (out / "report.html").read_text()


def test_a_phased_rule_and_a_what_if_run_in_worker_processes_too(scenario):
    kwargs = dict(replications=2, steps=6, progress=False, figures=False, what_if="leave Lawyers at 2")
    pooled = compare(scenario, "consensus-for-3-then-opt-in", workers=2, **kwargs)
    alone = compare(scenario, "consensus-for-3-then-opt-in", workers=1, **kwargs)
    assert (pooled.runs["status"] == "ok").all()
    assert pooled.runs["total_impact"].tolist() == alone.runs["total_impact"].tolist()

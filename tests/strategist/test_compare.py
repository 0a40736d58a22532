"""Paired comparison: common random numbers, ranking rules, the loss-rule search, random scenarios."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coalition_sim.model.population import SECTORS
from coalition_sim.strategist.comparison import (
    Option,
    compare,
    find_loss_rule,
    make_options,
    plan_runs,
    rank_options,
)
from coalition_sim.strategist.scenario_file import parse_scenario
from coalition_sim.util.errors import InputError

SMALL = """\
[scenario]
name = "Tiny"
horizon = 12
[[organizations]]
name = "A"
sector = "nonprofit"
capacity = [0.5, 2.0]
[[organizations]]
name = "B"
sector = "government"
alignment = [0.8, 0.95]
[[organizations]]
name = "C"
sector = "community"
[[organizations]]
name = "D"
sector = "business"
[trust]
default = [0.2, 0.6]
[backbone]
strength = 0.5
"""


@pytest.fixture(scope="module")
def small():
    return parse_scenario(SMALL, "small.toml")


# ---------------------------------------------------------------------------- options


def test_make_options_crosses_rules_and_strengths():
    opts = make_options("consensus,opt-in", "0.2,0.9")
    assert [o.label for o in opts] == [
        "consensus, backbone 0.2",
        "consensus, backbone 0.9",
        "opt-in, backbone 0.2",
        "opt-in, backbone 0.9",
    ]
    assert make_options(["opt-in"]) == [Option("opt-in", None)]
    assert make_options([("consensus", 0.3)]) == [Option("consensus", 0.3)]


@pytest.mark.parametrize(
    "options,backbone,fragment",
    [
        ("consensus,opt-inn", None, "did you mean 'opt-in'"),
        ("consensus", "0.2,x", "not a number"),
        ("consensus", "1.2", "out of range"),
        ("consensus,consensus", None, "listed twice"),
        ("", None, "none given"),
    ],
)
def test_bad_options_are_one_line(options, backbone, fragment):
    with pytest.raises(InputError, match=fragment):
        make_options(options, backbone)


# ---------------------------------------------------------------------------- pairing


def test_every_option_of_a_replication_gets_the_same_draw_and_seed(small):
    options = make_options("consensus,opt-in", "0.2,0.9")
    draws, specs = plan_runs(small, options, replications=5, steps=12, seed=4)
    assert len(specs) == 20 and [s.run_id for s in specs] == list(range(20))
    for r in range(5):
        group = [s for s in specs if s.replication == r]
        assert len({s.seed for s in group}) == 1
        assert all(s.population is draws[r].population for s in group)
        assert {(s.params["governance"], s.params["backbone_strength"]) for s in group} == {
            (o.governance, o.backbone) for o in options
        }
        assert all(s.params["initial_trust"] == draws[r].params["initial_trust"] for s in group)
    assert len({s.seed for s in specs}) == 5, "replications differ"
    assert len({d.inputs["trust.default"] for d in draws}) == 5
    again, _ = plan_runs(small, options, replications=5, steps=12, seed=4)
    assert [d.inputs for d in again] == [d.inputs for d in draws], "one master seed fixes every draw"


def test_identical_options_give_identical_outcomes_in_every_draw(small):
    # The scenario's backbone is 0.5: Option(consensus, 0.5) and Option(consensus, None) are the same
    # treatment, so common random numbers must make every paired run identical.
    result = compare(
        small,
        [Option("consensus", 0.5), Option("consensus", None)],
        replications=6,
        steps=12,
        workers=1,
        progress=False,
        figures=False,
    )
    wide = result.runs.pivot(index="replication", columns="option", values="total_impact")
    np.testing.assert_array_equal(wide.iloc[:, 0], wide.iloc[:, 1])
    lives = result.runs.pivot(index="replication", columns="option", values="lifetime")
    np.testing.assert_array_equal(lives.iloc[:, 0], lives.iloc[:, 1])
    assert result.loss_rule is None, "an option never loses to itself"


def test_results_do_not_depend_on_worker_count(small):
    kwargs = dict(options="consensus,opt-in", replications=4, steps=12, seed=2, progress=False, figures=False)
    one = compare(small, workers=1, **kwargs).runs
    two = compare(small, workers=2, **kwargs).runs
    cols = ["run_id", "replication", "option", "seed", "total_impact", "lifetime", "exits"]
    pd.testing.assert_frame_equal(one[cols], two[cols])


def test_scenario_backbone_is_not_an_input_when_every_option_sets_it():
    text = SMALL.replace("strength = 0.5", "strength = [0.1, 0.9]")
    sc = parse_scenario(text)
    fixed = compare(
        sc, "consensus", backbone="0.4,0.8", replications=3, steps=6, workers=1, progress=False, figures=False
    )
    assert "backbone.strength" not in fixed.inputs.columns
    own = compare(sc, "consensus,opt-in", replications=3, steps=6, workers=1, progress=False, figures=False)
    assert "backbone.strength" in own.inputs.columns


def test_bad_settings_raise_before_running(small):
    for kwargs in ({"replications": 1}, {"steps": 0}, {"rank": "best"}, {"quantile": 0.7}):
        with pytest.raises(InputError):
            compare(small, "consensus", **{"replications": 3, "workers": 1, "progress": False, **kwargs})


# ---------------------------------------------------------------------------- ranking


def table() -> pd.DataFrame:
    # safe: always 6; lottery: usually 0, sometimes 30; balanced: 5 or 20.
    return pd.DataFrame({"safe": [6, 6, 6, 6], "lottery": [0, 0, 0, 30], "balanced": [5, 5, 5, 20]}, dtype=float)


def test_ranking_rules_known_answers():
    assert rank_options(table(), "impact")["option"].tolist() == ["balanced", "lottery", "safe"]
    assert rank_options(table(), "worst-case", 0.1)["option"].tolist()[0] == "safe"
    # regret per draw: safe [0,0,0,24], lottery [6,6,6,0], balanced [1,1,1,10];
    # 90th percentiles (linear): 16.8, 6.0, 7.3 -> lottery has least regret.
    ranked = rank_options(table(), "regret", 0.1).set_index("option")
    assert ranked["rank"].idxmin() == "lottery"
    assert ranked.loc["safe", "regret_high"] == pytest.approx(16.8)
    assert ranked.loc["balanced", "mean_regret"] == pytest.approx(3.25)
    assert ranked.loc["safe", "max_regret"] == 24
    assert ranked.loc["safe", "p_best"] == pytest.approx(0.75)


def test_mean_regret_would_always_agree_with_impact():
    rng = np.random.default_rng(0)
    wide = pd.DataFrame(rng.normal(size=(50, 4)), columns=list("abcd"))
    ranked = rank_options(wide, "impact")
    assert ranked["mean_regret"].is_monotonic_increasing


def test_ties_share_the_best_and_go_to_the_higher_mean():
    wide = pd.DataFrame({"a": [1.0, 1.0], "b": [1.0, 1.0]})
    assert rank_options(wide, "impact")["p_best"].tolist() == [0.5, 0.5]
    wide = pd.DataFrame({"a": [0.0, 0.0, 0.0, 0.0, 100.0], "b": [0.0, 0.0, 0.0, 0.0, 1.0]})
    assert rank_options(wide, "worst-case")["option"].iloc[0] == "a"


# ---------------------------------------------------------------------------- loss rules


def synthetic(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {"trust": rng.uniform(0, 1, n), "backbone": rng.uniform(0, 1, n), "noise": rng.uniform(0, 1, n)}
    )


def test_finds_a_planted_two_condition_rule():
    x = synthetic()
    rng = np.random.default_rng(1)
    lost = (x["trust"] < 0.3) & (x["backbone"] < 0.4)
    lost = np.where(rng.random(len(x)) < 0.05, ~lost, lost)
    rule = find_loss_rule(x, lost, {"trust": "initial trust"})
    assert rule is not None and len(rule.conditions) == 2
    got = {c.feature: c for c in rule.conditions}
    assert set(got) == {"trust", "backbone"}
    assert got["trust"].below and got["backbone"].below
    assert 0.2 <= got["trust"].threshold <= 0.4 and 0.3 <= got["backbone"].threshold <= 0.5
    assert rule.loss_rate > 0.7 and rule.base_rate < 0.2
    assert "initial trust is below" in rule.text()


def test_finds_a_planted_single_threshold():
    x = synthetic(seed=2)
    lost = (x["noise"] >= 0.7).to_numpy()
    rule = find_loss_rule(x, lost)
    assert rule is not None and len(rule.conditions) == 1
    (cond,) = rule.conditions
    assert cond.feature == "noise" and not cond.below and cond.threshold == pytest.approx(0.7, abs=0.1)
    assert rule.loss_rate > 0.95 and rule.coverage > 0.9


@pytest.mark.parametrize("seed", range(5))
def test_pure_noise_yields_no_rule(seed):
    x = synthetic(300, seed)
    lost = np.random.default_rng(100 + seed).random(300) < 0.3
    assert find_loss_rule(x, lost) is None


def test_no_losses_or_no_inputs_yield_no_rule():
    x = synthetic(50)
    assert find_loss_rule(x, np.zeros(50, bool)) is None
    assert find_loss_rule(x[[]], np.ones(50, bool)) is None
    assert find_loss_rule(pd.DataFrame({"c": np.ones(50)}), np.arange(50) < 10) is None


# ---------------------------------------------------------------------------- random valid scenarios

number = st.floats(0.05, 0.95, allow_nan=False)
uncertain = st.one_of(
    number,
    st.tuples(number, number).map(lambda t: sorted(t)),
    st.tuples(number, st.floats(0.01, 0.2)).map(lambda t: {"dist": "normal", "mean": t[0], "sd": t[1]}),
)


def toml_value(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return f'"{value}"' if isinstance(value, str) else repr(float(value))


@st.composite
def scenarios(draw):
    n = draw(st.integers(3, 6))
    lines = ["[scenario]", 'name = "Random"', "horizon = 8"]
    for i in range(n + draw(st.integers(0, 2))):
        lines += [
            "[[organizations]]" if i < n else "[[network]]",
            f'name = "Org {i}"',
            f'sector = "{draw(st.sampled_from(SECTORS))}"',
            f"capacity = {toml_value(draw(uncertain))}",
            f"alignment = {toml_value(0.5 + draw(number) / 2)}",
            f"tolerance = {toml_value(draw(uncertain))}",
            f"patience = {draw(st.integers(1, 24))}",
        ]
    lines += [
        "[trust]",
        f"default = {toml_value(draw(uncertain))}",
        f'pairs = [{{ between = ["Org 0", "Org 1"], value = {toml_value(draw(uncertain))} }}]',
        "[backbone]",
        f"strength = {toml_value(draw(uncertain))}",
        "[initiatives]",
        f"rate = {toml_value(draw(uncertain))}",
    ]
    return parse_scenario("\n".join(lines), "random.toml")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sc=scenarios(), rank=st.sampled_from(["impact", "worst-case", "regret"]))
def test_random_valid_scenarios_run_through_compare(sc, rank):
    result = compare(
        sc, "consensus,opt-in", replications=3, steps=8, workers=1, progress=False, rank=rank, figures=False
    )
    assert len(result.runs) == 6 and (result.runs["status"] == "ok").all(), result.runs["error"].tolist()
    assert result.runs.groupby("replication")["seed"].nunique().eq(1).all()
    assert set(result.summary["option"]) == {"consensus, scenario backbone", "opt-in, scenario backbone"}
    assert result.summary["p_endure"].between(0, 1).all()
    assert result.ranking["rank"].tolist() == [1, 2]
    assert len(result.inputs) == 3
    assert set(result.exit_risk["organization"]) == {o.name for o in sc.organizations}
    assert result.objections["p_object"].between(0, 1).all()


def test_the_package_level_compare_is_the_function_whatever_was_imported_first(small):
    import coalition_sim
    import coalition_sim.strategist.comparison
    from coalition_sim import compare as exported

    result = exported(small, "consensus", replications=2, steps=3, workers=1, progress=False, figures=False)
    assert len(result.runs) == 2
    assert coalition_sim.compare is coalition_sim.strategist.comparison.compare


def test_objections_known_answers():
    from coalition_sim.strategist.comparison import objections

    text = SMALL.replace(
        'name = "A"\nsector = "nonprofit"', 'name = "A"\nsector = "nonprofit"\nalignment = 1.0\ntolerance = 0.5'
    ).replace('name = "C"\nsector = "community"', 'name = "C"\nsector = "community"\nalignment = 0.0\ntolerance = 0.01')
    text += "[initiatives]\nspread = 0.0\n"
    sc = parse_scenario(text)
    draws, _ = plan_runs(sc, make_options("consensus"), 3, 6, seed=0)
    table = objections(sc, draws).set_index("organization")
    assert table.loc["A", "p_object"] == 0.0  # at the purpose, every ideal is the purpose
    assert table.loc["C", "p_object"] == 1.0  # in a corner with almost no tolerance
    assert table.loc["C", "mean_bend"] == pytest.approx(0.5 * np.sqrt(2) - 0.01)
    assert table.index[0] == "C"


def test_exit_risk_from_a_hand_made_table():
    from coalition_sim.strategist.comparison import exit_risk

    runs = pd.DataFrame({"option": ["x"] * 4, "status": ["ok"] * 4})
    exits = pd.DataFrame(
        {
            "replication": [0, 1, 2],
            "option": ["x"] * 3,
            "organization": ["A", "A", "B"],
            "month": [10, 30, 5],
            "cause": ["impatience", "burnout", "impatience"],
        }
    )
    table = exit_risk(exits, runs, ["A", "B", "C"], ["x"]).set_index("organization")
    assert table.loc["A", "p_leave"] == 0.5 and table.loc["A", "month_median"] == 20
    assert table.loc["B", "p_leave"] == 0.25 and table.loc["B", "main_cause"] == "impatience"
    assert table.loc["C", "p_leave"] == 0.0 and np.isnan(table.loc["C", "month_median"])

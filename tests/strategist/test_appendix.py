"""Every input shown: the appendix against the scenario's resolved parameters, and option meanings."""

from __future__ import annotations

import numpy as np

from coalition_sim.model.params import PARAMETERS
from coalition_sim.strategist.appendix import (
    DEFAULT,
    GIVEN,
    MODEL_DEFAULT,
    UNCERTAIN,
    appendix_table,
    governance_text,
    option_meaning,
    shown_path,
)
from coalition_sim.strategist.comparison import Option, make_options
from coalition_sim.strategist.scenario_file import parse_scenario

FIXED = """\
[scenario]
name = "Fixed"
horizon = 60
[[organizations]]
name = "A"
sector = "nonprofit"
capacity = 2.0
[[organizations]]
name = "B"
sector = "government"
patience = 9
[[organizations]]
name = "C"
sector = "community"
alignment = [0.5, 0.9]
[trust]
default = 0.35
[backbone]
strength = 0.9
cut_month = 36
after_cut = [0.03, 0.1]
[model]
transaction_cost = 0.05
"""


def test_appendix_lists_every_input_with_its_kind_and_value():
    sc = parse_scenario(FIXED, "fixed.toml")
    table = appendix_table(sc, make_options("consensus,opt-in")).set_index("setting")
    for i in sc.inputs:
        assert shown_path(i.path) in table.index, i.path
    assert table.loc["organizations[1].capacity", "kind"] == GIVEN
    assert table.loc["organizations[1].capacity", "value"] == "2"
    assert table.loc["organizations[1].patience", "kind"] == DEFAULT  # A gave none
    assert table.loc["organizations[2].patience", "value"] == "9"
    assert table.loc["organizations[3].alignment", "kind"] == UNCERTAIN
    assert "0.5" in table.loc["organizations[3].alignment", "value"]
    assert table.loc["backbone.cut_month", "value"] == "36"
    assert table.loc["initiatives.rate", "kind"] == DEFAULT
    assert table.loc["deliberation_rounds", "kind"] == MODEL_DEFAULT


def test_appendix_values_are_the_parameters_the_runs_received():
    sc = parse_scenario(FIXED, "fixed.toml")
    params = sc.draw(np.random.default_rng(0)).params
    table = appendix_table(sc, make_options("consensus")).set_index("setting")
    by_param = {"backbone_strength": "backbone.strength", "backbone_cut_month": "backbone.cut_month"}
    by_param |= {"initiative_rate": "initiatives.rate", "transaction_cost": "model.transaction_cost"}
    by_param |= {"initial_trust": "trust.default"}
    for name, path in by_param.items():
        assert float(table.loc[path, "value"]) == params[name], name
    # every model parameter the scenario does not set is listed with the value the model uses
    for name, p in PARAMETERS.items():
        if name in table.index and table.loc[name, "kind"] == MODEL_DEFAULT:
            assert table.loc[name, "value"] == f"{p.default}" or (
                p.default == "" and table.loc[name, "value"] == "none"
            )
            assert name not in params or params[name] == p.default


def test_option_labels_say_what_they_mean_over_time():
    sc = parse_scenario(FIXED, "fixed.toml")
    meaning = option_meaning(Option("opt-in", 0.9), sc)
    assert meaning == "opt-in; backbone 0.9 until month 36, then 0.03-0.1"
    assert option_meaning(Option("consensus"), sc).startswith("consensus; backbone 0.9 until month 36")
    assert governance_text("consensus-for-24-then-opt-in") == "consensus for the first 24 months, then opt-in"
    never = parse_scenario(FIXED.replace("cut_month = 36", "cut_month = 0"), "never.toml")
    assert option_meaning(Option("opt-in", 0.4), never) == "opt-in; backbone 0.4 throughout"


def test_a_cut_that_may_not_happen_is_said_in_words():
    text = FIXED.replace("cut_month = 36", 'cut_month = {dist = "choice", values = [0, 36], weights = [1, 3]}')
    sc = parse_scenario(text, "maybe.toml")
    assert option_meaning(Option("consensus", 0.9), sc) == (
        "consensus; backbone 0.9 until month 36, then 0.03-0.1 (cut in 75% of draws; otherwise 0.9 throughout)"
    )


def test_the_scenario_backbone_is_marked_when_every_option_replaces_it():
    sc = parse_scenario(FIXED, "fixed.toml")
    own = appendix_table(sc, make_options("consensus")).set_index("setting")
    crossed = appendix_table(sc, make_options("consensus", "0.2,0.6")).set_index("setting")
    assert own.loc["backbone.strength", "kind"] == GIVEN
    assert "each option sets its own" in crossed.loc["backbone.strength", "kind"]
    assert crossed.loc["backbone_strength (options)", "value"] == "0.2; 0.6"

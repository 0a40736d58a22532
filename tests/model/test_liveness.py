"""The effect-size table in docs/ODD.md (section 7.16) is the script's last output, and still true.

The ODD table must equal the one rendered from the committed CSV; a few rows are
recomputed with the script's own code on the same seeds and must match the CSV.
"""

import importlib.util
import re
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "experiments" / "liveness.py"


@pytest.fixture(scope="module")
def liveness():
    spec = importlib.util.spec_from_file_location("liveness", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def effects(liveness):
    return pd.read_csv(liveness.CSV)


def test_the_odd_table_is_the_one_the_committed_csv_gives(liveness, effects):
    text = liveness.ODD.read_text()
    found = re.search(re.escape(liveness.BEGIN) + r"\n(.*?)\n" + re.escape(liveness.END), text, re.S)
    assert found, "docs/ODD.md has lost the liveness table markers"
    assert found.group(1) == liveness.markdown(effects)


def test_the_csv_covers_every_factor_rule_and_outcome(liveness, effects):
    names = [f["factor"] for f in liveness.factors()]
    assert sorted(set(effects["factor"])) == sorted(names)
    assert len(effects) == len(names) * len(liveness.RULES) * len(liveness.OUTCOMES)


@pytest.mark.parametrize("factor, rule", [("morale", "consensus"), ("tolerance", "opt-in")])
def test_a_recomputed_row_matches_the_csv(liveness, effects, factor, rule):
    spec = next(f for f in liveness.factors() if f["factor"] == factor)
    seeds = liveness.spawn_seeds(liveness.MASTER_SEED, liveness.SEEDS)
    fresh = pd.DataFrame(liveness.effect_rows(spec, rule, seeds))
    stored = effects[(effects["factor"] == factor) & (effects["rule"] == rule)]
    assert fresh["effect"].tolist() == pytest.approx(stored["effect"].tolist(), abs=1e-4)
    assert fresh["binds"].tolist() == stored["binds"].tolist()


def test_all_six_backbone_functions_bind_at_the_defaults(effects, liveness):
    # before know-how, shared measurement and morale bound only in a regime; on the revised model all six bind
    binding = set(effects[(effects["kind"] == "function") & effects["binds"]]["factor"])
    assert binding == set(liveness.params.BACKBONE_EFFECTS)


def test_morale_binds_in_a_small_busy_coalition(liveness):
    # ten members offered 1.5 initiatives a month (ODD 7.16): without morale support they give out
    busy = {"n_orgs": 10, "initiative_rate": 1.5}
    spec = {"factor": "morale", "kind": "function", "range": "",
            "low": {**liveness.FUNCTION_BASE, **busy, "disabled_effects": "morale"},
            "high": {**liveness.FUNCTION_BASE, **busy}}  # fmt: skip
    rows = liveness.effect_rows(spec, "opt-in", liveness.spawn_seeds(liveness.MASTER_SEED, 16))
    impact = next(r for r in rows if r["outcome"] == "total_impact")
    assert impact["binds"] and impact["effect"] > 0


@pytest.fixture(scope="module")
def regimes(liveness):
    return pd.read_csv(liveness.REGIMES_CSV)


def test_every_factor_that_binds_nowhere_at_the_defaults_binds_in_its_stated_regime(liveness, effects, regimes):
    idle = liveness.not_binding(effects)
    assert set(idle) <= set(liveness.REGIMES), "a factor binds nowhere and has no regime: give it one or remove it"
    assert sorted(set(regimes["factor"])) == sorted(idle)
    binds = regimes.groupby("factor")["binds"].any()
    assert binds.all(), f"no outcome moves beyond 2 SE in the stated regime: {list(binds[~binds].index)}"


def test_the_odd_regimes_table_is_the_one_the_committed_csv_gives(liveness, regimes):
    text = liveness.ODD.read_text()
    pattern = re.escape(liveness.REGIME_BEGIN) + r"\n(.*?)\n" + re.escape(liveness.REGIME_END)
    found = re.search(pattern, text, re.S)
    assert found, "docs/ODD.md has lost the regimes table markers"
    assert found.group(1) == liveness.regime_markdown(regimes)


@pytest.mark.parametrize("factor", ["trust_gain", "min_members"])
def test_a_recomputed_regime_row_matches_the_csv(liveness, regimes, factor):
    seeds = liveness.spawn_seeds(liveness.MASTER_SEED, liveness.SEEDS)
    for rule in liveness.RULES:
        fresh = pd.DataFrame(liveness.effect_rows(liveness.regime_factor(factor), rule, seeds))
        stored = regimes[(regimes["factor"] == factor) & (regimes["rule"] == rule)]
        assert fresh["effect"].tolist() == pytest.approx(stored["effect"].tolist(), abs=1e-4)
        assert fresh["binds"].tolist() == stored["binds"].tolist()


def test_a_regime_keeps_the_factors_own_comparison_and_adds_only_its_settings(liveness):
    spec = liveness.regime_factor("initial_energy")
    settings = liveness.REGIMES["initial_energy"]["settings"]
    assert spec["low"] == {**settings, "initial_energy": 0.4} and spec["high"] == {**settings, "initial_energy": 1.0}
    window = liveness.regime_factor("initiative_window")
    assert window["low"]["initiative_window"] == 1 and window["high"]["initiative_window"] == 6
    assert window["range"] == "1 vs 6"

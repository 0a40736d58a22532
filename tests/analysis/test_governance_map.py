"""The governance map: known answers on hand-made runs, figures' hatching, findings, and a tiny study end to end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.patches import Rectangle

from coalition_sim.analysis import governance_map as gm
from coalition_sim.analysis import map_findings, map_plots
from coalition_sim.cli.main import main

HORIZON = 120.0
SHIPPED = Path(__file__).resolve().parents[2] / "results" / "governance_map"


def arm_runs(rule: str, lifetimes, impact=None, n_orgs=10, spread=0.06, trust=0.15, backbone=0.0) -> pd.DataFrame:
    """Runs of one rule in one cell; replication i has seed 1000 + i (shared across arms)."""
    life = np.asarray(lifetimes, dtype=float)
    n = life.size
    endured = life >= HORIZON
    return pd.DataFrame(
        {
            "n_orgs": n_orgs,
            "alignment_spread": spread,
            "initial_trust": trust,
            "backbone_strength": backbone,
            "governance": rule,
            "replication": np.arange(n),
            "seed": 1000 + np.arange(n),
            "status": "ok",
            "lifetime": life,
            "censored": endured,
            "endured": endured,
            "total_impact": np.asarray(impact if impact is not None else life / 10, dtype=float),
        }
    )


def rule_rows(runs: pd.DataFrame, measure: str) -> pd.DataFrame:
    table = gm.paired_differences(runs, "governance", gm.rule_pairs(runs), HORIZON)
    return table[table.measure == measure]


def test_one_rule_always_lasts_the_other_never_is_a_clear_win():
    runs = pd.concat([arm_runs("consensus", [10.0] * 20), arm_runs("opt-in", [120.0] * 20)])
    for measure, expected in (("endurance", 1.0), ("rmst", 110.0), ("impact", 11.0)):
        row = rule_rows(runs, measure).iloc[0]
        assert (row.reference, row.arm) == ("consensus", "opt-in")
        assert row.difference == pytest.approx(expected)
        assert row.low > 0 and row.clear and row.winner == "opt-in"


def test_equal_arms_are_not_clear():
    lives = [120.0, 30.0, 120.0, 60.0, 120.0, 90.0, 120.0, 15.0]
    runs = pd.concat([arm_runs("consensus", lives), arm_runs("opt-in", lives)])
    table = gm.paired_differences(runs, "governance", gm.rule_pairs(runs), HORIZON)
    assert set(table.measure) == {"endurance", "rmst", "impact"}
    assert (table.difference == 0).all()
    assert not table.clear.any() and (table.winner == "").all()
    assert (table.low <= 0).all() and (table.high >= 0).all()


def test_the_losing_side_is_named_when_the_reference_wins():
    runs = pd.concat([arm_runs("consensus", [120.0] * 15), arm_runs("majority", [12.0] * 15)])
    row = rule_rows(runs, "rmst").iloc[0]
    assert row.difference == pytest.approx(-108.0) and row.high < 0 and row.winner == "consensus"


def test_pairs_follow_the_rule_order():
    runs = pd.concat([arm_runs(rule, [120.0] * 3) for rule in ("majority", "opt-in", "consensus", "unanimity")])
    assert gm.rule_pairs(runs)[:3] == [("unanimity", "consensus"), ("unanimity", "opt-in"), ("unanimity", "majority")]
    assert ("consensus", "opt-in") in gm.rule_pairs(runs) and len(gm.rule_pairs(runs)) == 6


def test_arms_that_do_not_share_seeds_are_refused():
    other = arm_runs("opt-in", [120.0] * 5).assign(seed=lambda t: t.seed + 1)
    runs = pd.concat([arm_runs("consensus", [10.0] * 5), other])
    with pytest.raises(ValueError, match="do not share seeds"):
        gm.paired_differences(runs, "governance", gm.rule_pairs(runs), HORIZON)


@settings(max_examples=40, deadline=None)
@given(
    a=st.lists(st.integers(1, 120), min_size=3, max_size=12),
    b=st.lists(st.integers(1, 120), min_size=3, max_size=12),
)
def test_swapping_the_arms_negates_every_difference(a, b):
    n = min(len(a), len(b))
    runs = pd.concat([arm_runs("consensus", a[:n]), arm_runs("opt-in", b[:n])])
    forward = gm.paired_differences(runs, "governance", [("consensus", "opt-in")], HORIZON)
    back = gm.paired_differences(runs, "governance", [("opt-in", "consensus")], HORIZON)
    assert np.allclose(forward.difference, -back.difference, atol=1e-9)
    assert np.allclose(forward.low, -back.high, atol=1e-9) and np.allclose(forward.high, -back.low, atol=1e-9)
    assert (forward.clear.to_numpy() == back.clear.to_numpy()).all()


def test_cell_summary_counts_and_wilson_interval():
    runs = pd.concat([arm_runs("consensus", [120.0] * 6 + [24.0] * 4), arm_runs("opt-in", [120.0] * 10)])
    cells = gm.cell_summary(runs, HORIZON).set_index("governance")
    assert cells.loc["consensus", "endurance"] == pytest.approx(0.6)
    assert cells.loc["consensus", "endurance_low"] < 0.6 < cells.loc["consensus", "endurance_high"]
    assert cells.loc["consensus", "rmst"] == pytest.approx(0.6 * 120 + 0.4 * 24)
    assert cells.loc["opt-in", "endurance_high"] == 1.0 and cells.loc["opt-in", "n"] == 10


def map_runs() -> pd.DataFrame:
    """Two sizes x two spreads, one trust, two backbones: opt-in wins clearly only when diverse."""
    parts = []
    for n_orgs in (10, 80):
        for spread in (0.06, 0.25):
            for backbone in (0.0, 0.75):
                cell = {"n_orgs": n_orgs, "spread": spread, "backbone": backbone}
                mixed = [120.0, 40.0] * 6
                parts.append(arm_runs("consensus", [12.0] * 12 if spread > 0.1 else mixed, **cell))
                parts.append(arm_runs("opt-in", [120.0] * 12 if spread > 0.1 else mixed, **cell))
    return pd.concat(parts, ignore_index=True)


def test_win_regions_and_best_rule_on_a_known_map():
    tables = gm.governance_map(map_runs(), HORIZON)
    regions = tables["map_win_regions"]
    rmst = regions[regions.measure == "rmst"].set_index("backbone_strength")
    assert (rmst.cells == 4).all() and (rmst.arm_wins == 2).all() and (rmst.not_clear == 2).all()
    assert (rmst.reference_wins == 0).all()
    best = tables["map_best_rule"]
    diverse = best[best.alignment_spread == 0.25]
    assert (diverse.best == "opt-in").all() and diverse.clear.all() and not diverse.tie.any()
    homogeneous = best[best.alignment_spread == 0.06]
    assert homogeneous.tie.all() and (homogeneous.leaders == "consensus = opt-in").all()
    assert (diverse.leaders == "opt-in").all()
    backbone = tables["map_backbone_differences"]
    assert set(backbone.reference) == {0.0} and set(backbone.arm) == {0.75} and not backbone.clear.any()


def test_hatching_marks_exactly_the_cells_whose_interval_includes_zero():
    assert map_plots.hatched(-0.1, 0.2) and map_plots.hatched(0.0, 0.0)
    assert not map_plots.hatched(0.05, 0.3) and not map_plots.hatched(-0.3, -0.01)
    tables = gm.governance_map(map_runs(), HORIZON)
    fig = map_plots.difference_heatmap(tables["map_rule_differences"], "consensus", "opt-in", "rmst", HORIZON)
    hatches = [p for ax in fig.axes for p in ax.patches if isinstance(p, Rectangle) and p.get_hatch()]
    diffs = tables["map_rule_differences"]
    assert len(hatches) == int((~diffs[diffs.measure == "rmst"].clear).sum()) == 4


def test_findings_count_what_the_tables_say():
    tables = gm.governance_map(map_runs(), HORIZON)
    text = map_findings.map_markdown(tables)
    assert "opt-in clearly longer in 4 of 8 cells, consensus clearly longer in 0, not clear in 4" in text
    assert "by diversity (alignment spread), opt-in wins / consensus wins / not clear: 0.06: 0/0/4; 0.25: 4/0/0" in text
    assert "A strong backbone never clearly shortens" in text
    assert "12 paired replications per cell" in text
    assert "consensus and opt-in tie at the top" in text and "in 4 of 8 cells." in text
    assert "opt-in has the longest restricted mean lifetime in 4 of 8 cells, clearly ahead of the runner-up in 4" in (
        text
    )


def test_replace_block_keeps_the_rest_of_the_readme():
    readme = f"# Map\n\nintro\n\n{map_findings.MAP_START}\nold\n{map_findings.MAP_END}\n\nafter\n"
    updated = map_findings.replace_block(readme, "new block")
    assert "old" not in updated and "new block" in updated and updated.endswith("after\n")
    assert map_findings.replace_block("# no markers\n", "x") is None


TINY_MAP = """
name = "tiny_map"
steps = 18
replications = 4
master_seed = 7
series = false
[varied]
governance = ["consensus", "opt-in"]
backbone_strength = [0.0, 0.75]
n_orgs = [8, 14]
alignment_spread = [0.06, 0.25]
[design]
kind = "factorial"
arms = ["governance", "backbone_strength"]
"""


def test_a_tiny_map_study_through_analyze(tmp_path, capsys):
    (tmp_path / "map.toml").write_text(TINY_MAP)
    store = tmp_path / "out" / "results.sqlite"
    assert main(["study", str(tmp_path / "map.toml"), "--out", str(store), "--workers", "1", "--no-progress"]) == 0
    (store.parent / "README.md").write_text(f"# Tiny\n\n{map_findings.MAP_START}\n{map_findings.MAP_END}\n")
    assert main(["analyze", str(store.parent), "--resamples", "99"]) == 0
    out = store.parent
    cells = pd.read_csv(out / "map_cells.csv")
    assert len(cells) == 2 * 2 * 2 * 2 and (cells.n == 4).all()
    for stem in ("map_opt_in_minus_consensus_endurance", "map_opt_in_minus_consensus_rmst", "map_corner_survival"):
        assert (out / f"{stem}.png").stat().st_size > 0 and (out / f"{stem}.svg").exists()
    block = (out / "README.md").read_text().split(map_findings.MAP_START)[1].split(map_findings.MAP_END)[0]
    assert block.strip() == map_findings.map_markdown(map_findings.load_map_tables(out)).strip()
    assert "Governance map" in capsys.readouterr().out


def test_a_study_without_coalition_types_draws_no_map():
    runs = pd.concat([arm_runs("consensus", [10.0] * 4), arm_runs("opt-in", [120.0] * 4)])
    assert not gm.applies({"varied": {"governance": {}, "backbone_strength": {}}}, runs)
    assert gm.applies({"varied": {"governance": {}, "n_orgs": {}}}, map_runs())


@pytest.mark.skipif(not (SHIPPED / "map_cells.csv").exists(), reason="the map's results are not shipped")
def test_the_shipped_map_findings_are_what_its_tables_say():
    readme = (SHIPPED / "README.md").read_text()
    block = readme.split(map_findings.MAP_START)[1].split(map_findings.MAP_END)[0].strip()
    expected = map_findings.map_markdown(map_findings.load_map_tables(SHIPPED)).strip()
    assert block == expected, "rerun: coalition-sim analyze results/governance_map"

"""The trainer's guide's figures: generated from the page's own runs, written between markers."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coalition_sim import PRESETS
from coalition_sim.classroom import guide_figures, replicates

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "trainers.md"


def test_every_preset_has_one_figures_block_in_the_guide():
    text = GUIDE.read_text()
    for name in PRESETS:
        assert text.count(f"<!-- figures:{name} -->") == 1 and text.count(f"<!-- /figures:{name} -->") == 1, name


def test_a_block_is_replaced_and_nothing_else_moves():
    text = (
        "intro\n<!-- figures:a -->\nold\n<!-- /figures:a -->\nmiddle\n<!-- figures:b -->\nold b\n<!-- /figures:b -->\n"
    )
    new = guide_figures.replace_block(text, "a", "| new | table |\nwith $1 and \\1")
    assert new == text.replace("\nold\n", "\n| new | table |\nwith $1 and \\1\n")
    assert guide_figures.replace_block(new, "a", "old") == text  # and back
    with pytest.raises(ValueError, match="figures:c"):
        guide_figures.replace_block(text, "c", "x")


def test_the_table_shows_the_checkpoints_the_screenshot_month_and_the_horizon():
    assert guide_figures.months_shown_in_table(120, 72) == [0, 12, 36, 60, 72, 120]
    assert guide_figures.months_shown_in_table(48, None) == [0, 12, 36, 48]
    assert guide_figures.months_shown_in_table(120, 60) == [0, 12, 36, 60, 120]


def _side(members: list[int], survival: list[float], heading: str = "") -> guide_figures.SideFigures:
    n = len(members)
    series = pd.DataFrame(
        {
            "members": members,
            "network": [5] * n,
            "mean_trust": np.linspace(0.1, 0.3, n),
            "cumulative_impact": np.arange(n, dtype=float),
        }
    )
    months = np.arange(len(survival))
    spread = replicates.Spread(
        months, np.array(survival), months * 0.0, months * 1.0, months * 2.0, 4, 0, survival[-1], 1.0
    )
    dissolution = None if n == len(survival) else f"Dissolved at month {n - 1}: too few members remain"
    return guide_figures.SideFigures(heading, series, 3, Counter({"impatience": 2}), dissolution, spread)


def test_the_table_and_summary_say_what_the_runs_did():
    gone = _side([5, 6, 4], [1.0, 1.0, 0.75, 0.5, 0.25], "Left: Governance rule consensus")
    going = _side([5, 6, 7, 8, 9], [1.0, 1.0, 1.0, 1.0, 1.0], "Right: Governance rule opt-in")
    table = guide_figures.table([gone, going], [0, 2, 4], n=4).splitlines()
    assert table[0] == "| | month 0 | month 2 | month 4 |"
    assert "| Left: members (this run) | 5 | 4 | dissolved |" in table
    assert "| Right: members (this run) | 5 | 7 | 9 |" in table
    assert "| Left: replicates still going (of 4) | 100% | 75% | 25% |" in table
    assert "| Right: replicates' members, 10th-90th percentile | 0-0 | 0-4 | 0-8 |" in table
    lines = guide_figures.summary_lines([gone, going], n=4)
    assert lines[0].endswith(
        "3 organizations joined the core and 2 left (2 out of patience); dissolved at month 2: too few members "
        "remain. Replicates: 3 of 4 ended before month 4; half were gone by month 3."
    )
    assert lines[1].endswith("still going at month 4. Replicates: 0 of 4 ended before month 4.")


def test_a_preset_block_comes_from_the_page_run_and_its_replicates(monkeypatch):
    """Known answer: the block quotes the page's own run (same settings and seed as the page opens)."""
    from coalition_sim.classroom import app

    monkeypatch.setattr(
        replicates,
        "run_replicates",
        lambda params, n, master_seed, horizon: _side([1] * (horizon + 1), [1.0] * (horizon + 1)).spread,
    )  # the replicates themselves are checked in test_parts; here only which run the block quotes
    block = guide_figures.preset_block("gridlock", 40, n=4)
    settings, horizon, compare = app.preset_start("gridlock")
    left = app.build_runs(settings, horizon, compare)[0]
    left.run_to(12)
    members_12 = int(left.series()["members"].iloc[12])
    assert f"| Left: members (this run) | {int(settings['n_orgs'])} | {members_12} |" in block
    assert "month 40" in block and f"seed {settings['seed']}" in block


@pytest.mark.parametrize("name", list(PRESETS))
def test_the_settings_line_names_every_setting_of_the_preset(name):
    from coalition_sim.classroom.controls import CONTROLS, label, shown

    line = guide_figures.settings_line(name)
    params = PRESETS[name].model_params()
    for key, value in params.items():
        if key == "seed":
            assert line.endswith(f"seed {value}.")
        elif key in CONTROLS:
            assert f"{label(key).lower()} {shown(key, value)}" in line
        else:
            assert key.replace("_", " ") in line
    assert line.count("; ") == len(params) - 1

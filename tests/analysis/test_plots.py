"""Figures: the right panels, lines and bars, saved as PNG and SVG, reproducibly."""

from __future__ import annotations

import numpy as np
import pytest
from test_analysis import ishigami, runs_table, saltelli_runs

from coalition_sim.analysis import plots as P
from coalition_sim.analysis import study_analysis as A

BY = ["governance", "backbone_strength"]


@pytest.fixture(scope="module")
def runs():
    arms = {
        (g, b): (20.0 if g == "consensus" else 30.0) * (1 + 3 * b)
        for g in ("consensus", "opt-in")
        for b in (0.0, 0.5, 1.0)
    }
    return runs_table(arms, n=60, seed=3)


def test_survival_figure_has_a_panel_per_rule_and_a_curve_per_backbone(runs):
    fig = P.survival_figure(runs, BY, horizon=60)
    axes = fig.axes
    assert [ax.get_title() for ax in axes] == ["consensus governance", "opt-in governance"]
    for ax in axes:
        labels = [line.get_label() for line in ax.get_lines()]
        assert labels == ["backbone 0 (n=60)", "backbone 0.5 (n=60)", "backbone 1 (n=60)"]
        assert len(ax.collections) == 3  # one confidence band per curve
        assert ax.get_xlim() == (0, 60)
    # the plotted curve is the Kaplan-Meier estimate
    rows = runs[(runs.governance == "consensus") & (runs.backbone_strength == 0.0)]
    t, s = axes[0].get_lines()[0].get_data()
    km = A.kaplan_meier(rows.lifetime, rows.censored)
    np.testing.assert_allclose(s[1 : km.survival.size + 1], km.survival)
    assert t[0] == 0 and s[0] == 1.0 and t[-1] == 60


def test_endurance_figure_plots_the_table_with_intervals(runs):
    effect = A.backbone_effect(runs, n_resamples=199)
    paired = A.paired_rule_difference(runs, n_resamples=199)
    fig = P.endurance_figure(effect, paired, horizon=60)
    left, right = fig.axes
    assert "Endurance" in left.get_title() and "Paired" in right.get_title()
    consensus = left.get_lines()[0]
    expected = effect[effect.governance == "consensus"].sort_values("backbone_strength").endurance
    np.testing.assert_allclose(np.asarray(consensus.get_ydata(), float), expected.to_numpy(float))
    assert "60 months" in left.get_ylabel()


def test_endurance_figure_without_pairs_has_one_panel(runs):
    fig = P.endurance_figure(A.backbone_effect(runs, n_resamples=199), None)
    assert len(fig.axes) == 1


def test_impact_figure_has_a_box_per_arm(runs):
    ax = P.impact_figure(runs, BY).axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0] == "consensus, backbone 0" and len(labels) == 6


def test_sobol_figure_bars_match_the_indices():
    table = A.sobol_analysis(saltelli_runs(256, 3, ishigami), "y", candidates=["x1", "x2", "x3"], n_resamples=99)
    ax = P.sobol_figure(table, "y").axes[0]
    heights = [bar.get_height() for bar in ax.patches]
    np.testing.assert_allclose(heights, [*table.S1, *table.ST])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["x1", "x2", "x3"]


def test_save_writes_png_and_svg_reproducibly(runs, tmp_path):
    paths = P.save(P.survival_figure(runs, BY, horizon=60), tmp_path, "survival")
    assert [p.name for p in paths] == ["survival.png", "survival.svg"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert paths[1].read_text().lstrip().startswith("<?xml") and "<svg" in paths[1].read_text()
    again = P.save(P.survival_figure(runs, BY, horizon=60), tmp_path / "..", "again")
    assert again[1].read_bytes() == paths[1].read_bytes()  # same figure, same SVG


def test_a_cause_figure_of_many_arms_keeps_one_panel_each_with_the_same_axes():
    from coalition_sim.analysis import method_plots

    arms = {("consensus", b / 100): 20.0 + b for b in range(method_plots.MANY_PANELS + 5)}
    fig = method_plots.cause_figure(runs_table(arms, n=10, seed=5), BY, horizon=60)
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert len(shown) == len(arms)
    assert all(ax.get_xlim() == (0, 60) and ax.get_ylim() == (0, 1) for ax in shown)
    assert fig.get_layout_engine() is None  # fixed margins: constrained layout grows with panels squared
    # a long arm label is wrapped so that neighbouring titles do not overlap
    assert all(max(len(line) for line in ax.get_title().splitlines()) <= 42 for ax in shown)

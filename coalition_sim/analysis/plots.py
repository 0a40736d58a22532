"""Figures of a study's analysis (matplotlib, no display needed).

Each ``*_figure`` function returns a :class:`matplotlib.figure.Figure` built
without pyplot (so no global state and no GUI backend); :func:`save` writes it as
PNG and SVG. Inputs are the tables of :mod:`coalition_sim.analysis.study_analysis`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from coalition_sim.analysis import study_analysis as analysis

FORMATS = ("png", "svg")
RULE_COLOURS = {"consensus": "#1b6ca8", "opt-in": "#d1495b", "majority": "#2e8b57"}
"""Fixed colours for the governance rules, so every figure agrees."""
OTHER_COLOURS = ("#6a4c93", "#e09f3e", "#335c67", "#8d99ae")
TITLE_Y = 1.0
"""A panel title's height, given so matplotlib does not measure every tick of every panel to place
it (on each of a save's draws): with the ticks below and no offset text it would put it there too."""


def rule_colour(rule: str, index: int = 0) -> str:
    """The colour of a governance rule (a fixed palette for the known ones)."""
    return RULE_COLOURS.get(str(rule), OTHER_COLOURS[index % len(OTHER_COLOURS)])


def save(fig: Figure, directory: str | Path, stem: str) -> list[Path]:
    """Write ``fig`` as ``stem.png`` and ``stem.svg`` in ``directory``; returns the paths.

    SVG ids and dates are fixed so the same figure gives the same file.
    """
    directory = Path(directory)
    paths = []
    with matplotlib.rc_context({"svg.hashsalt": "coalition-sim"}):
        for fmt in FORMATS:
            path = directory / f"{stem}.{fmt}"
            metadata = {"Date": None} if fmt == "svg" else {"Software": None}
            fig.savefig(path, format=fmt, dpi=150, bbox_inches="tight", metadata=metadata)
            paths.append(path)
    return paths


def _panels(runs: pd.DataFrame, by: Sequence[str]):
    """Split arms into panels by the first factor when there are two or more factors."""
    if len(by) >= 2:
        return [
            (f"{by[0]} = {value}" if by[0] != "governance" else f"{value} governance", rows, list(by[1:]))
            for value, rows in runs.groupby(by[0], sort=True)
        ]
    return [("", runs, list(by))]


def _line_colours(n: int) -> list:
    cmap = matplotlib.colormaps["viridis"]
    return [cmap(x) for x in (np.linspace(0.05, 0.85, n) if n > 1 else [0.4])]


def survival_figure(runs: pd.DataFrame, by: Sequence[str], horizon: float, confidence: float = 0.95) -> Figure:
    """Kaplan-Meier survival per arm with its confidence band, one panel per level of ``by[0]``."""
    runs = analysis.finished(runs)
    panels = _panels(runs, by)
    fig = Figure(figsize=(5.2 * len(panels), 4.2), layout="constrained")
    axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    for ax, (title, rows, rest) in zip(axes, panels):
        groups = list(analysis.arms(rows, rest))
        for (values, arm), colour in zip(groups, _line_colours(len(groups))):
            km = analysis.kaplan_meier(arm.lifetime, arm.censored, confidence)
            t, s, low, high = km.steps(horizon)
            ax.fill_between(t, low, high, step="post", color=colour, alpha=0.18, linewidth=0)
            ax.step(
                t,
                s,
                where="post",
                color=colour,
                lw=1.8,
                label=f"{analysis.arm_label(values) if values else 'all runs'} (n={km.n})",
            )
        ax.set(xlabel="months since the coalition formed", xlim=(0, horizon), ylim=(0, 1.02))
        ax.set_title(title, y=TITLE_Y)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="lower left")
    axes[0].set_ylabel("share of coalitions still alive")
    fig.suptitle(f"Coalition survival (Kaplan-Meier, {confidence:.0%} bands)")
    return fig


def endurance_figure(
    effect: pd.DataFrame,
    paired: pd.DataFrame | None = None,
    rule: str = "governance",
    level: str = "backbone_strength",
    horizon: float | None = None,
) -> Figure:
    """Endurance probability vs backbone strength per rule; with ``paired``, the paired difference too.

    Args:
        effect: :func:`analysis.backbone_effect` table.
        paired: :func:`analysis.paired_rule_difference` table, or None.
        rule: column of the governance rule.
        level: column of the backbone strength.
        horizon: months, for the axis label.
    """
    fig = Figure(figsize=(10.5 if paired is not None and len(paired) else 5.5, 4.2), layout="constrained")
    axes = fig.subplots(1, 2 if paired is not None and len(paired) else 1, squeeze=False)[0]
    ax = axes[0]
    groups = list(effect.groupby(rule, sort=True))
    for k, (name, rows) in enumerate(groups):
        rows = rows.sort_values(level)
        err = np.clip([rows.endurance - rows.endurance_low, rows.endurance_high - rows.endurance], 0, None)
        dodge = (k - (len(groups) - 1) / 2) * 0.012  # keep overlapping error bars apart
        ax.errorbar(
            rows[level] + dodge,
            rows.endurance,
            yerr=err,
            marker="o",
            capsize=4,
            lw=1.8,
            color=rule_colour(name, k),
            label=f"{name}",
        )
    at = f" at {horizon:g} months" if horizon else ""
    ax.set(
        xlabel="backbone strength (0 = none, 1 = fully staffed)",
        ylabel=f"probability of enduring{at}",
        ylim=(-0.02, 1.02),
        title="Endurance by backbone strength (95% CI)",
    )
    ax.grid(alpha=0.3)
    ax.legend(title="governance")
    if len(axes) > 1:
        ax = axes[1]
        for k, (name, rows) in enumerate(paired.groupby(rule, sort=True)):
            rows = rows.sort_values(level)
            err = np.clip([rows.difference - rows.low, rows.high - rows.difference], 0, None)
            ax.errorbar(
                rows[level],
                rows.difference,
                yerr=err,
                marker="s",
                capsize=4,
                lw=1.8,
                color=rule_colour(name, k),
                label=f"{name} minus {rows.reference.iloc[0]}",
            )
        ax.axhline(0, color="black", lw=0.8)
        ax.set(
            xlabel="backbone strength",
            ylabel="difference in probability of enduring",
            title="Paired difference between rules (same seeds, 95% CI)",
        )
        ax.grid(alpha=0.3)
        ax.legend()
    return fig


def impact_figure(runs: pd.DataFrame, by: Sequence[str]) -> Figure:
    """Distribution of total impact per arm (box plots; the diamond is the mean)."""
    groups = list(analysis.arms(analysis.finished(runs), by))
    fig = Figure(figsize=(max(5.0, 0.75 * len(groups) + 2), 4.6), layout="constrained")
    ax = fig.subplots()
    data = [arm.total_impact.to_numpy(float) for _, arm in groups]
    colours = [
        rule_colour(values.get("governance", ""), 0) if "governance" in values else OTHER_COLOURS[0]
        for values, _ in groups
    ]
    parts = ax.boxplot(
        data,
        patch_artist=True,
        showmeans=True,
        widths=0.6,
        medianprops={"color": "black"},
        meanprops={"marker": "D", "markerfacecolor": "white", "markeredgecolor": "black"},
    )
    for box, colour in zip(parts["boxes"], colours):
        box.set(facecolor=colour, alpha=0.45)
    ax.set_xticks(range(1, len(groups) + 1), [analysis.arm_label(v) for v, _ in groups], rotation=40, ha="right")
    ax.set(ylabel="total impact over the run", title="Impact achieved per arm (box: quartiles, diamond: mean)")
    ax.grid(alpha=0.3, axis="y")
    return fig


def _index_bars(ax, table: pd.DataFrame, columns: Sequence[tuple[str, str, str]]) -> None:
    x = np.arange(len(table))
    width = 0.8 / len(columns)
    for k, (col, label, colour) in enumerate(columns):
        err = [table[col] - table[f"{col}_low"], table[f"{col}_high"] - table[col]]
        ax.bar(
            x + (k - (len(columns) - 1) / 2) * width,
            table[col],
            width,
            yerr=np.clip(err, 0, None),
            capsize=3,
            color=colour,
            label=label,
        )
    ax.set_xticks(x, table.parameter, rotation=30, ha="right")
    ax.axhline(0, color="black", lw=0.8)
    ax.grid(alpha=0.3, axis="y")
    ax.legend()


def sobol_figure(table: pd.DataFrame, outcome: str) -> Figure:
    """First- and total-order Sobol indices per parameter with 95% bootstrap intervals."""
    fig = Figure(figsize=(max(5.0, 0.9 * len(table) + 2), 4.2), layout="constrained")
    ax = fig.subplots()
    _index_bars(ax, table, [("S1", "first order (alone)", "#1b6ca8"), ("ST", "total (with interactions)", "#e09f3e")])
    ax.set(
        ylabel="share of variance",
        title=f"Sobol sensitivity of {outcome.replace('_', ' ')} (N={int(table.n_base.iloc[0])}, 95% bootstrap CI)",
    )
    return fig


def sensitivity_figure(table: pd.DataFrame, outcome: str) -> Figure:
    """Rank correlation and standardized regression coefficients per parameter with 95% intervals."""
    fig = Figure(figsize=(max(5.0, 0.9 * len(table) + 2), 4.2), layout="constrained")
    ax = fig.subplots()
    _index_bars(
        ax,
        table,
        [
            ("rho", "Spearman rank correlation", "#335c67"),
            ("src", f"standardized regression (R² = {table.r2.iloc[0]:.2f})", "#d1495b"),
        ],
    )
    ax.set(
        ylabel="coefficient",
        ylim=(-1.05, 1.05),
        title=f"Sensitivity of {outcome.replace('_', ' ')} ({int(table.n_points.iloc[0])} design points, 95% CI)",
    )
    return fig

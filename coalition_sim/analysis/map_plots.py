"""Figures of the governance map: heat maps of paired differences, and survival in the corner cells.

- :func:`difference_heatmap`: one panel per backbone strength (rows) and initial trust (columns);
  inside a panel rows are coalition size and columns diversity; the colour is the paired
  difference between two rules (arm minus reference), the number is printed in the cell, and a
  hatched cell is one whose interval includes 0 (no clear winner).
- :func:`corner_survival`: Kaplan-Meier curves of every rule in the four corner coalitions (smallest
  and largest, least and most diverse), one column per backbone strength.

Inputs are the tables of :mod:`coalition_sim.analysis.governance_map`; figures are built without
pyplot and saved with :func:`coalition_sim.analysis.plots.save`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from coalition_sim.analysis.governance_map import LEVEL, RULE, ordered_rules
from coalition_sim.analysis.plots import rule_colour
from coalition_sim.analysis.survival import kaplan_meier
from coalition_sim.studies.store import finished

SIZE, DIVERSITY, TRUST = "n_orgs", "alignment_spread", "initial_trust"
MEASURE_NAMES = {
    "endurance": "share enduring to the horizon",
    "rmst": "restricted mean lifetime (months)",
    "impact": "mean impact",
}
UNANIMITY_COLOUR = "#6a4c93"
LINE_STYLES = ("-", "--", "-.", ":")


def _levels(table: pd.DataFrame, column: str) -> list:
    return sorted(table[column].unique()) if column in table else [None]


def _select(table: pd.DataFrame, **values) -> pd.DataFrame:
    for column, value in values.items():
        if value is not None and column in table:
            table = table[table[column] == value]
    return table


def hatched(low: float, high: float) -> bool:
    """True when the interval [low, high] includes 0: the cell is hatched (not clear)."""
    return bool(low <= 0 <= high)


def difference_heatmap(
    differences: pd.DataFrame, reference: str, arm: str, measure: str, horizon: float | None = None
) -> Figure:
    """Heat map of ``arm`` minus ``reference`` in ``measure``, per backbone strength and trust level."""
    table = differences[
        (differences.reference == reference) & (differences.arm == arm) & (differences.measure == measure)
    ]
    backbones, trusts = _levels(table, LEVEL), _levels(table, TRUST)
    sizes, spreads = _levels(table, SIZE), _levels(table, DIVERSITY)
    limit = _colour_limit(table, measure, horizon)
    norm = matplotlib.colors.TwoSlopeNorm(vcenter=0.0, vmin=-limit, vmax=limit)
    cmap = matplotlib.colormaps["RdBu"]
    fig = Figure(figsize=(2.2 + 1.3 * len(spreads) * len(trusts), 0.9 + 1.2 * len(sizes) * len(backbones)))
    fig.set_layout_engine("constrained")
    axes = fig.subplots(len(backbones), len(trusts), squeeze=False)
    image = None
    for i, backbone in enumerate(backbones):
        for j, trust in enumerate(trusts):
            ax = axes[i][j]
            panel = _select(table, **{LEVEL: backbone, TRUST: trust})
            grid = np.full((len(sizes), len(spreads)), np.nan)
            for r, size in enumerate(sizes):
                for c, spread in enumerate(spreads):
                    cell = _select(panel, **{SIZE: size, DIVERSITY: spread})
                    if cell.empty:
                        continue
                    row = cell.iloc[0]
                    grid[r, c] = row.difference
                    _annotate(ax, r, c, row, measure, norm, cmap)
            image = ax.imshow(grid, cmap=cmap, norm=norm, origin="lower", aspect="auto")
            ax.set_xticks(range(len(spreads)), [_tick(s) for s in spreads])
            ax.set_yticks(range(len(sizes)), [_tick(s) for s in sizes])
            ax.set_title(f"backbone {_tick(backbone)}, initial trust {_tick(trust)}", fontsize=9)
            if i == len(backbones) - 1:
                ax.set_xlabel("diversity (alignment spread)")
            if j == 0:
                ax.set_ylabel("members")
    if image is not None:
        bar = fig.colorbar(image, ax=axes, shrink=0.8)
        bar.set_label(f"{arm} minus {reference}")
    fig.suptitle(
        f"{arm} minus {reference}: {MEASURE_NAMES.get(measure, measure)}\n"
        f"(blue: {arm} lasts or achieves more; hatched: interval includes 0, no clear winner)",
        fontsize=10,
    )
    return fig


def _colour_limit(table: pd.DataFrame, measure: str, horizon: float | None) -> float:
    if measure == "endurance":
        return 1.0
    if measure == "rmst" and horizon:
        return float(horizon)
    largest = float(np.nanmax(np.abs(table.difference))) if len(table) else 0.0
    return largest if largest > 0 else 1.0


def _annotate(ax, r: int, c: int, row: pd.Series, measure: str, norm, cmap) -> None:
    text = f"{row.difference:+.2f}" if measure == "endurance" else f"{row.difference:+.0f}"
    shade = cmap(norm(row.difference))
    dark = (0.299 * shade[0] + 0.587 * shade[1] + 0.114 * shade[2]) < 0.5
    ax.text(c, r, text, ha="center", va="center", fontsize=8, color="white" if dark else "black")
    if hatched(row.low, row.high):
        ax.add_patch(
            Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, hatch="///", edgecolor="0.35", linewidth=0, alpha=0.7)
        )


def _tick(value) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def corners(runs: pd.DataFrame) -> list[dict]:
    """The four corner coalitions: smallest and largest size x least and most diverse."""
    ok = finished(runs)
    sizes, spreads = _levels(ok, SIZE), _levels(ok, DIVERSITY)
    found = []
    for size in dict.fromkeys([sizes[0], sizes[-1]]):
        for spread in dict.fromkeys([spreads[0], spreads[-1]]):
            found.append({k: v for k, v in ((SIZE, size), (DIVERSITY, spread)) if v is not None})
    return found


def corner_survival(runs: pd.DataFrame, horizon: float, trust=None) -> Figure:
    """Kaplan-Meier curves of each rule in the corner coalitions, one column per backbone strength."""
    ok = _select(finished(runs), **{TRUST: trust})
    places, backbones = corners(ok), _levels(ok, LEVEL)
    rules = ordered_rules(ok[RULE].unique())
    fig = Figure(figsize=(3.4 * len(backbones), 2.6 * len(places)))
    fig.set_layout_engine("constrained")
    axes = fig.subplots(len(places), len(backbones), squeeze=False, sharex=True, sharey=True)
    for i, place in enumerate(places):
        for j, backbone in enumerate(backbones):
            ax = axes[i][j]
            cell = _select(ok, **place, **{LEVEL: backbone})
            for k, rule in enumerate(rules):
                arm = cell[cell[RULE] == rule]
                if arm.empty:
                    continue
                t, s, _, _ = kaplan_meier(arm.lifetime, arm.censored).steps(horizon)
                colour = UNANIMITY_COLOUR if rule == "unanimity" else rule_colour(rule, k)
                style = LINE_STYLES[k % len(LINE_STYLES)]  # overlapping curves stay visible
                ax.step(t, s, where="post", color=colour, lw=2.6 - 0.5 * k, linestyle=style, label=rule)
            where = ", ".join(f"{_short(c)} {_tick(v)}" for c, v in place.items())
            ax.set_title(f"{where}, backbone {_tick(backbone)}", fontsize=8)
            ax.set(xlim=(0, horizon), ylim=(0, 1.02))
            ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=7, loc="lower left")
    for ax in axes[-1]:
        ax.set_xlabel("months")
    for row in axes:
        row[0].set_ylabel("still alive")
    title = "Survival in the corner coalitions" + (f" (initial trust {_tick(trust)})" if trust is not None else "")
    fig.suptitle(title, fontsize=10)
    return fig


def _short(column: str) -> str:
    return {SIZE: "members", DIVERSITY: "spread", TRUST: "trust"}.get(column, column)


def map_figures(tables: dict[str, pd.DataFrame], runs: pd.DataFrame, horizon: float) -> dict[str, Figure]:
    """The map's figures by file stem: each rule against consensus (or the first rule), corners."""
    return {stem: make() for stem, make in map_figure_makers(tables, runs, horizon).items()}


def map_figure_makers(
    tables: dict[str, pd.DataFrame], runs: pd.DataFrame, horizon: float
) -> dict[str, Callable[[], Figure]]:
    """What :func:`map_figures` draws, as picklable makers by file stem (to draw them elsewhere)."""
    rules = ordered_rules(finished(runs)[RULE].unique())
    base = "consensus" if "consensus" in rules else rules[0]
    differences = tables["map_rule_differences"]
    makers = {}
    for rule in (r for r in rules if r != base):
        pair = differences[
            ((differences.reference == base) & (differences.arm == rule))
            | ((differences.reference == rule) & (differences.arm == base))
        ]
        if pair.empty:
            continue
        reference, arm = pair.reference.iloc[0], pair.arm.iloc[0]
        for measure in ("endurance", "rmst"):
            stem = f"map_{_stem(arm)}_minus_{_stem(reference)}_{measure}"
            makers[stem] = partial(difference_heatmap, differences, reference, arm, measure, horizon)
    ok = finished(runs)
    trusts = _levels(ok, TRUST) if TRUST in ok and ok[TRUST].nunique() > 1 else [None]
    for trust in trusts:
        stem = "map_corner_survival" + (f"_trust_{_tick(trust)}" if trust is not None else "")
        makers[stem] = partial(corner_survival, runs, horizon, trust)
    return makers


def _stem(rule: str) -> str:
    return str(rule).replace("-", "_")

"""Figures of the research methods: causes of dissolution, RMST contrasts, Morris screening,
PRIM peeling and Sobol convergence (matplotlib without pyplot; save with :func:`plots.save`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from coalition_sim.analysis.arms import arm_label, arms
from coalition_sim.analysis.competing_risks import cumulative_incidence, event_causes
from coalition_sim.analysis.plots import TITLE_Y
from coalition_sim.studies.store import finished

CAUSE_COLOURS = ("#d1495b", "#e09f3e", "#2e8b57", "#6a4c93", "#335c67", "#8d99ae")


MANY_PANELS = 40
"""Above this many panels a grid gets fixed margins and no shared axes: matplotlib's constrained
layout and shared-axis bookkeeping grow with the square of the panel count (a 216-arm study spent
minutes there) and the layout collapses anyway."""


def _panel_grid(rows: int, cols: int, many: bool) -> tuple[Figure, np.ndarray]:
    """A rows x cols grid of panels with the same axes: shared, or for ``many`` panels set alike."""
    height = 2.6 * rows + 0.6
    if not many:
        fig = Figure(figsize=(3.0 * cols, height), layout="constrained")
        return fig, np.atleast_1d(fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False)).ravel()
    fig = Figure(figsize=(3.0 * cols, height))
    axes = fig.subplots(rows, cols, squeeze=False)
    fig.subplots_adjust(
        left=0.6 / (3.0 * cols), right=0.98, bottom=0.5 / height, top=1 - 0.6 / height, hspace=0.55, wspace=0.15
    )
    for ax in axes.ravel():
        ax.label_outer()
    return fig, axes.ravel()


def cause_figure(runs: pd.DataFrame, by: Sequence[str], horizon: float) -> Figure:
    """Stacked cumulative incidence of each cause per arm (Aalen-Johansen); the white band is survival."""
    ok = finished(runs)
    causes = event_causes(ok)
    groups = list(arms(ok, by))
    cols = min(len(groups), 5)
    rows = int(np.ceil(len(groups) / cols))
    many = len(groups) > MANY_PANELS
    fig, axes = _panel_grid(rows, cols, many)
    grid = np.arange(0, horizon + 1)
    for ax, (values, arm) in zip(axes, groups):
        curves = []
        for cause in causes:
            times, cif = cumulative_incidence(arm.lifetime, arm.censored, arm["cause"], cause)
            idx = np.searchsorted(times, grid, side="right") - 1
            curves.append(np.where(idx >= 0, cif[np.clip(idx, 0, None)], 0.0))
        if curves:
            ax.stackplot(grid, *curves, colors=CAUSE_COLOURS[: len(curves)], labels=causes, step="post", alpha=0.85)
        title = arm_label(values) if values else "all runs"
        ax.set(xlim=(0, horizon), ylim=(0, 1))
        ax.set_title(textwrap.fill(title, 42) if many else title, fontsize=7 if many else 9, y=TITLE_Y)
        ax.grid(alpha=0.3)
    for ax in axes[len(groups) :]:
        ax.set_visible(False)
    if causes:
        axes[0].legend(fontsize=7, loc="upper left")
    fig.supxlabel("months since the coalition formed")
    fig.supylabel("share dissolved, by cause (stacked)")
    fig.suptitle(
        "How coalitions dissolve: cumulative incidence per cause (Aalen-Johansen)",
        y=1 - 0.15 / fig.get_figheight() if many else 0.98,
    )
    return fig


def rmst_figure(rmst: pd.DataFrame, factor: str, level: str | None) -> Figure:
    """RMST difference (arm minus reference) with intervals, against ``level`` when it varies."""
    table = rmst[rmst.factor == factor]
    fig = Figure(figsize=(6, 3.8), layout="constrained")
    ax = fig.subplots()
    for k, (tau, rows) in enumerate(table.groupby("tau", sort=True)):
        x = rows[level].to_numpy(float) if level and level in rows else np.arange(len(rows), dtype=float)
        x = x + 0.01 * k
        diff, low, high = (rows[c].to_numpy(float) for c in ("difference", "low", "high"))
        ax.errorbar(
            x,
            diff,
            yerr=[diff - low, high - diff],
            fmt="o-",
            capsize=3,
            label=f"to month {tau:g}",
        )
    ax.axhline(0, color="grey", lw=1)
    names = f"{table[factor].iloc[0]} minus {table.reference.iloc[0]}" if len(table) else "arm minus reference"
    ax.set(
        xlabel=(level or "contrast").replace("_", " "),
        ylabel=f"months ({names})",
        title=f"Restricted mean lifetime: {factor} contrast",
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return fig


def morris_figure(table: pd.DataFrame, outcome: str) -> Figure:
    """Morris screening: mu* (importance) against sigma (interaction or non-linearity) per parameter."""
    fig = Figure(figsize=(6, 4.4), layout="constrained")
    ax = fig.subplots()
    mu, low, high = (table[c].to_numpy(float) for c in ("mu_star", "mu_star_low", "mu_star_high"))
    ax.errorbar(
        mu,
        table.sigma.to_numpy(float),
        xerr=[mu - low, high - mu],
        fmt="o",
        capsize=3,
    )
    for r in table.nlargest(8, "mu_star").itertuples():  # the leading ones; all are in the CSV
        ax.annotate(r.parameter, (r.mu_star, r.sigma), fontsize=8, xytext=(4, 3), textcoords="offset points")
    top = float(max(table.mu_star.max(), table.sigma.max(), 1e-12))
    ax.plot([0, top], [0, top], color="grey", lw=0.8, ls="--")
    ax.set(xlabel="mu* (mean |elementary effect|)", ylabel="sigma (spread of effects)")
    ax.set_title(f"Morris screening of {outcome} (Campolongo et al. 2007)")
    ax.grid(alpha=0.3)
    return fig


def prim_figure(trajectory: pd.DataFrame, outcome: str) -> Figure:
    """PRIM peeling trajectory: density against coverage, one point per box (darker: more peeled)."""
    fig = Figure(figsize=(5.6, 4.2), layout="constrained")
    ax = fig.subplots()
    points = ax.scatter(trajectory.coverage, trajectory.density, c=trajectory.step, cmap="viridis", s=18)
    chosen = trajectory[trajectory.chosen]
    ax.scatter(chosen.coverage, chosen.density, s=90, facecolors="none", edgecolors="#d1495b", lw=2, label="box")
    fig.colorbar(points, ax=ax, label="peeling step")
    ax.set(
        xlabel="coverage",
        ylabel="density",
        xlim=(0, 1.02),
        ylim=(0, 1.02),
        title=f"PRIM: where {outcome.replace('_', ' ')}",
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return fig


def convergence_figure(table: pd.DataFrame, outcome: str) -> Figure:
    """Sobol total-order indices with intervals at N, 2N, 4N base samples, per parameter."""
    fig = Figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.subplots()
    for name, rows in table.groupby("parameter", sort=False):
        rows = rows.sort_values("n_base")
        st, low, high = (rows[c].to_numpy(float) for c in ("ST", "ST_low", "ST_high"))
        ax.errorbar(rows.n_base.to_numpy(), st, yerr=[st - low, high - st], fmt="o-", capsize=3, label=name)
    ax.set_xscale("log", base=2)
    ax.set(xlabel="base samples N", ylabel="total-order index ST", title=f"Sobol convergence: {outcome}")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    return fig

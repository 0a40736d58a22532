"""The calibration figure: the model's survival per backbone setting against the published points."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coalition_sim.analysis import study_analysis as analysis
from coalition_sim.calibration.patterns import CONFIDENCE, CRITERIA, GRANT_MONTH, SETTINGS, failures_only

SETTING_COLOURS = {"grant": "#1b6ca8", "sustained": "#2e8b57", "none": "#8d99ae"}
SETTING_LABELS = {
    "grant": f"backbone until month {GRANT_MONTH} (grant)",
    "sustained": "backbone sustained",
    "none": "no backbone",
}


def survival_figure(runs: pd.DataFrame, horizon: float = 120, confidence: float = CONFIDENCE):
    """The model's survival per setting (Kaplan-Meier, band) against the published points.

    Args:
        runs: runs with ``setting``, ``lifetime`` and ``censored`` columns (e.g. from
            :func:`check_params`).
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9.0, 5.8), layout="constrained")
    ax = fig.subplots()
    for name in SETTINGS:
        rows = runs[runs["setting"] == name]
        if not len(rows):
            continue
        km = analysis.kaplan_meier(rows["lifetime"], rows["censored"], confidence)
        t, s, low, high = km.steps(horizon)
        colour = SETTING_COLOURS[name]
        ax.fill_between(t, low, high, step="post", color=colour, alpha=0.18, linewidth=0)
        ax.step(
            t,
            s,
            where="post",
            color=colour,
            lw=2 if name == "grant" else 1.2,
            label=f"model: {SETTING_LABELS[name]} (n={km.n})",
        )
    grant = runs[runs["setting"] == "grant"]
    if len(grant) and (grant["cause"] == "purpose_achieved").any():
        failing = failures_only(grant)
        km = analysis.kaplan_meier(failing["lifetime"], failing["censored"], confidence)
        t, s, _, _ = km.steps(horizon)
        ax.step(
            t,
            s,
            where="post",
            color=SETTING_COLOURS["grant"],
            lw=1.4,
            ls="--",
            label="model, grant: failures only (purpose achieved not counted as closing)",
        )
    _published(ax)
    ax.axvline(GRANT_MONTH, color="0.5", lw=0.8, ls=":")
    ax.set(
        xlabel="months since the coalition formed",
        ylabel="share of coalitions still running",
        xlim=(0, horizon),
        ylim=(0, 1.02),
        title=f"Calibration: model survival ({confidence:.0%} bands) vs published figures",
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, frameon=False)
    return fig


def _published(ax) -> None:
    """Feinberg et al. (2008) points and decline band; NORC (2012) range."""
    by_key = {c.key: c for c in CRITERIA}
    start, end = by_key["p1_running_at_grant_end"], by_key["p1_running_at_84"]
    ax.errorbar(
        [GRANT_MONTH, 84],
        [start.target, end.target],
        yerr=[[start.target - start.low, end.target - end.low], [start.high - start.target, end.high - end.target]],
        fmt="o",
        color="black",
        capsize=4,
        zorder=5,
        label="Feinberg et al. 2008 (CTC): 90% at grant end, 2/3 four years later (tolerance)",
    )
    months = np.linspace(GRANT_MONTH, 84, 25)
    years = (months - GRANT_MONTH) / 12
    ax.fill_between(
        months,
        start.target * 0.97**years,
        start.target * 0.92**years,
        color="black",
        alpha=0.12,
        linewidth=0,
        label="Feinberg et al.: 3-8% closing per year",
    )
    norc = by_key["p2_active_after_funding"]
    ax.hlines(
        start.target * norc.target,
        GRANT_MONTH + 36,
        GRANT_MONTH + 72,
        color="#d1495b",
        lw=2.5,
        label="NORC 2012: 68% of funded coalitions active 3-6 years after funding (x 90%)",
    )

"""The report's figures: survival, members, impact, partners' fates, and when the recommendation loses.

Colours follow the Okabe-Ito palette (distinguishable with common colour-vision
deficiencies), and every fourth option also changes line style, so no two
curves look alike; legends sit outside the axes so they never cover a curve.
"""

from __future__ import annotations

import base64
import io
import textwrap

import numpy as np
from matplotlib.figure import Figure

COLORS = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#000000", "#56B4E9", "#F0E442")
"""Okabe & Ito (2008) colours, the strongest first."""
STYLES = ("-", "--", ":", "-.")


def make_figures(result) -> dict[str, Figure]:
    """The report's figures, by name: survival, members, impact, exit_risk, loss."""
    return {
        "survival": survival_figure(result),
        "members": members_figure(result),
        "impact": impact_figure(result),
        "exit_risk": exit_risk_figure(result),
        "loss": loss_figure(result),
    }


def _index(result, label: str) -> int:
    return [o.label for o in result.options].index(label)


def _color(result, label: str) -> str:
    return COLORS[_index(result, label) % len(COLORS)]


def line_style(result, label: str) -> str:
    """Solid for the first eight options, then dashed, dotted, dash-dotted (colours repeat after eight)."""
    return STYLES[(_index(result, label) // len(COLORS)) % len(STYLES)]


def _legend_outside(fig: Figure, ax, n: int) -> None:
    """Legend below the axes (constrained layout makes room), so it never covers a curve."""
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=min(n, 2), fontsize=7, frameon=False)


def _wrap(label: str, width: int = 16) -> str:
    return "\n".join(textwrap.wrap(label.replace(";", ","), width)) or label


def survival_figure(result) -> Figure:
    """Kaplan-Meier: share of draws in which the coalition is still alive, by month."""
    from coalition_sim.analysis.study_analysis import kaplan_meier

    n = len(result.options)
    fig = Figure(figsize=(7, 3.6 + 0.2 * ((n + 1) // 2)), layout="constrained")
    ax = fig.add_subplot()
    horizon = result.settings["steps"]
    for label in (o.label for o in result.options):
        arm = result.runs[(result.runs["option"] == label) & (result.runs["status"] == "ok")]
        if not len(arm):
            continue
        km = kaplan_meier(arm["lifetime"].astype(float), arm["censored"].astype(bool))
        t, s, low, high = km.steps(horizon)
        color = _color(result, label)
        ax.step(t, s, where="post", color=color, ls=line_style(result, label), lw=1.6, label=label)
        ax.fill_between(t, low, high, step="post", color=color, alpha=0.10)
    ax.set(
        xlabel="month",
        ylabel="share still together",
        ylim=(0, 1.02),
        xlim=(0, horizon),
        title="Does the coalition last? (shaded: 95% band)",
    )
    _legend_outside(fig, ax, n)
    return fig


def members_figure(result) -> Figure:
    """Mean number of core members by month (0 once a coalition has dissolved)."""
    n = len(result.members.columns)
    fig = Figure(figsize=(7, 3.2 + 0.2 * ((n + 1) // 2)), layout="constrained")
    ax = fig.add_subplot()
    for label in result.members.columns:
        ax.plot(
            result.members.index,
            result.members[label],
            color=_color(result, label),
            ls=line_style(result, label),
            label=label,
        )
    ax.set(xlabel="month", ylabel="members (mean)", title="Members over time (dissolved coalitions count as 0)")
    ax.set_ylim(bottom=0)
    _legend_outside(fig, ax, n)
    return fig


def impact_figure(result) -> Figure:
    """Spread of total impact per option over the uncertain draws."""
    labels = [o.label for o in result.options]
    data = [
        result.runs.loc[(result.runs["option"] == lab) & (result.runs["status"] == "ok"), "total_impact"]
        .astype(float)
        .to_numpy()
        for lab in labels
    ]
    fig = Figure(figsize=(7, 0.9 + 0.5 * len(labels)))
    ax = fig.add_subplot()
    ax.boxplot(data, orientation="horizontal", whis=(10, 90), showfliers=False, widths=0.5)
    for k, values in enumerate(data, 1):
        if values.size:
            ax.plot(values.mean(), k, "D", color=_color(result, labels[k - 1]))
    ax.set_yticks(range(1, len(labels) + 1), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set(
        xlabel="total impact over the horizon",
        title="What it achieves (box: middle half; whiskers: 10th-90th percentile; diamond: mean)",
    )
    ax.title.set_fontsize(9)
    fig.tight_layout()
    return fig


def exit_risk_figure(result) -> Figure:
    """Heat map per partner and option: the chance it is lost to the coalition's work by the horizon.

    Colour: left, or still in when the coalition ended first (a coalition that died
    early does not look kind). Each cell reads 'L 30% E 50%': left, ended first.
    """
    partners = result.partners
    if partners is None or not len(partners):
        fig = Figure(figsize=(4, 1))
        return fig
    order = [o.name for o in result.scenario.organizations]
    columns = [o.label for o in result.options]
    left = partners.pivot(index="organization", columns="option", values="p_left").reindex(index=order, columns=columns)
    ended = partners.pivot(index="organization", columns="option", values="p_ended_first")
    ended = ended.reindex(index=order, columns=columns)
    lost = (left.fillna(0) + ended.fillna(0)).to_numpy()
    fig = Figure(figsize=(1.8 + 1.15 * lost.shape[1], 1.2 + 0.3 * lost.shape[0]))
    ax = fig.add_subplot()
    image = ax.imshow(lost, cmap="Reds", vmin=0, vmax=1, aspect="auto")
    ax.set_yticks(range(lost.shape[0]), order, fontsize=7)
    ax.set_xticks(range(lost.shape[1]), [_wrap(c) for c in columns], fontsize=6)
    for (i, j), v in np.ndenumerate(lost):
        text = f"L {left.iloc[i, j]:.0%}\nE {ended.iloc[i, j]:.0%}"
        ax.text(j, i, text, ha="center", va="center", fontsize=5.5, color="white" if v > 0.6 else "black")
    fig.colorbar(image, ax=ax, fraction=0.04, label="left (L) or coalition ended first (E)")
    ax.set_title("Who is lost before the horizon: L = left, E = still in when the coalition ended", fontsize=8)
    fig.tight_layout()
    return fig


def loss_figure(result) -> Figure:
    """Paired difference recommended - runner-up, against the loss rule's inputs."""
    fig = Figure(figsize=(7, 3.6))
    ax = fig.add_subplot()
    best, second = result.recommended, result.runner_up
    if second is None:
        ax.text(0.5, 0.5, "Only one option: nothing to compare.", ha="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    from coalition_sim.strategist.paired import OUTCOME, paired

    wide = paired(result.runs, OUTCOME, [best, second])
    diff = (wide[best] - wide[second]).to_numpy()
    rule = result.loss_rule
    if rule is None:
        ax.hist(diff, bins=30, color=COLORS[0])
        ax.axvline(0, color="black", lw=1)
        ax.set(xlabel=f"impact of {best} minus {second} (same draw)", ylabel="draws")
    else:
        x = result.inputs.loc[wide.index]
        first = rule.conditions[0]
        holds = rule.holds(x)
        if len(rule.conditions) == 1:
            ax.scatter(x[first.feature], diff, s=10, c=np.where(holds, COLORS[1], COLORS[0]), alpha=0.7)
            ax.axhline(0, color="black", lw=1)
            ax.axvline(first.threshold, color="grey", ls="--")
            ax.set(xlabel=first.label or first.feature, ylabel=f"{best} minus {second}")
        else:
            other = rule.conditions[1]
            lost = diff < 0
            ax.scatter(x[first.feature], x[other.feature], s=12, c=np.where(lost, COLORS[1], COLORS[0]), alpha=0.7)
            ax.axvline(first.threshold, color="grey", ls="--")
            ax.axhline(other.threshold, color="grey", ls="--")
            ax.set(xlabel=first.label or first.feature, ylabel=other.label or other.feature)
            ax.text(0.01, 1.01, f"orange: {second} did better", transform=ax.transAxes, fontsize=7, color=COLORS[1])
    ax.set_title(f"When does {best} lose to {second}?", fontsize=9)
    fig.tight_layout()
    return fig


def figure_png(fig: Figure) -> str:
    """A figure as a base64 PNG data URI."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")

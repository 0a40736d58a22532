"""Side by side: two coalitions from the same population and seed under two settings.

The left run uses the page's controls; the right run is the same with one
control changed (governance, backbone strength, anything the page offers).
Both start from the same seed, so they start from the same organizations and
differ only by that one setting. They are stepped together, and a strip shows
the difference (right minus left) in members, impact and mean trust as it grows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from coalition_sim.classroom.live_charts import months_shown, nice_ceiling
from coalition_sim.classroom.live_run import LiveRun
from coalition_sim.classroom.svg_chart import Panel, Series, figure_svg, grid_boxes

STRIP = (("members", "members"), ("cumulative_impact", "impact"), ("mean_trust", "mean trust"))
"""Columns of the difference strip and their titles."""
FIGSIZE = (9.5, 2.3)
DPI = 96
FONT_PT = 11
MARGINS = {"left": 0.06, "right": 0.99, "top": 0.82, "bottom": 0.14, "wspace": 0.25, "hspace": 0.0}
LINE_COLOUR = "#8e44ad"


def other_value(control: str, value, choices: list | None = None, low=None, high=None):
    """A sensible value for the right side when ``control`` is chosen: another rule, or the far end."""
    if choices:
        rest = [c for c in choices if c != value]
        return rest[0] if rest else value
    if low is None or high is None:
        return value
    return high if (value - low) < (high - low) / 2 else low


def pair(params: dict, control: str, value, horizon: int) -> tuple[LiveRun, LiveRun]:
    """The left run (``params``) and the right run (``params`` with ``control`` = ``value``)."""
    return LiveRun(params, horizon), LiveRun({**params, control: value}, horizon)


def step_together(runs) -> bool:
    """Step every run that can still go one month; returns whether any did."""
    return any([run.step() for run in runs])


def difference_table(left: pd.DataFrame, right: pd.DataFrame) -> pd.DataFrame:
    """Right minus left, month by month, for the strip's columns (the months both have)."""
    n = min(len(left), len(right))
    columns = [c for c, _ in STRIP]
    diff = right[columns].iloc[:n].to_numpy(dtype=float) - left[columns].iloc[:n].to_numpy(dtype=float)
    return pd.DataFrame(diff, columns=columns)


class DifferenceCanvas:
    """The difference strip, built once per pair; each month only the lines move."""

    def __init__(self, figsize=FIGSIZE) -> None:
        self.figure = Figure(figsize=figsize, dpi=DPI)
        axes = self.figure.subplots(1, len(STRIP))
        self.figure.subplots_adjust(**{k: v for k, v in MARGINS.items() if k != "hspace"})
        self.lines = []
        for ax, (_, title) in zip(axes, STRIP):
            ax.axhline(0, color="grey", lw=1)
            (line,) = ax.plot([], [], color=LINE_COLOUR, lw=2)
            self.lines.append((ax, line))
            ax.set_title(f"{title}: right minus left", fontsize=FONT_PT + 1)
            ax.tick_params(labelsize=FONT_PT)
            ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))
            ax.yaxis.set_major_locator(MaxNLocator(3))
            ax.spines[["top", "right"]].set_visible(False)

    def svg(self, diff: pd.DataFrame) -> str:
        """The strip as inline SVG, written as text (the same limits as :meth:`update`)."""
        width, height = self.figure.get_figwidth() * DPI, self.figure.get_figheight() * DPI
        months = np.arange(len(diff))
        panels = []
        for column, title in STRIP:
            values = diff[column].to_numpy(dtype=float)
            reach = _reach(values)
            panels.append(
                Panel(
                    title=f"{title}: right minus left",
                    xlim=(0, months_shown(len(diff))),
                    ylim=(-reach, reach),
                    lines=[Series(months, values, LINE_COLOUR, width=2.0)],
                    zero_line=True,
                    x_ticks=4,
                )
            )
        return figure_svg(width, height, panels, grid_boxes(width, height, 1, len(STRIP), MARGINS), name="difference")

    def update(self, diff: pd.DataFrame) -> Figure:
        """Show ``diff`` (:func:`difference_table`); returns the figure."""
        months = np.arange(len(diff))
        for (ax, line), (column, _) in zip(self.lines, STRIP):
            values = diff[column].to_numpy(dtype=float)
            line.set_data(months, values)
            reach = _reach(values)
            ax.set_ylim(-reach, reach)  # symmetric and stepwise: zero stays in the middle
            ax.set_xlim(0, months_shown(len(diff)))
        return self.figure


def _reach(values: np.ndarray) -> float:
    """Half the height of a strip panel: symmetric and stepwise, so zero stays in the middle."""
    return nice_ceiling(1.04 * np.nanmax(np.abs(values), initial=0.0)) if values.size else 0.1

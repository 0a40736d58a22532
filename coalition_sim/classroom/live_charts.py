"""The live charts of one run, as one matplotlib figure (the web app and animations).

Six small panels: members with joins and exits; mean trust and trust density;
alignment spread and energy; cumulative impact; initiatives adopted, blocked
and succeeded per month; dilution of adopted blueprints.

Speed: building axes, ticks and legends is most of matplotlib's cost, so a
:class:`ChartsCanvas` builds its figure once (per model, i.e. per reset) and
each month only replaces the lines' data and rescales. One figure with a fixed
layout (no tight bounding box) is also far cheaper than six separate figures.
See ``benchmarks/bench_app.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

PANELS = (
    ("Members", {"members": "#2c3e50", "joins": "#27ae60", "exits": "#c0392b"}),
    ("Trust", {"mean_trust": "#8e44ad", "trust_density": "#3498db"}),
    ("Alignment spread and energy", {"alignment_spread": "#d35400", "energy": "#16a085"}),
    ("Cumulative impact", {"cumulative_impact": "#2c3e50"}),
    ("Initiatives per month", {"adopted": "#2980b9", "blocked": "#c0392b", "succeeded": "#27ae60"}),
    ("Dilution of adopted blueprints", {"dilution": "#7f8c8d"}),
)
"""Panel title and the time-series columns it draws (see coalition_sim.model.metrics.SERIES)."""
DPI = 80


class ChartsCanvas:
    """A six-panel figure built once and updated with each month's series.

    Args:
        figsize: inches.
    """

    def __init__(self, figsize=(7.2, 4.6)) -> None:
        self.figure = Figure(figsize=figsize, dpi=DPI)
        axes = self.figure.subplots(2, 3)
        self.figure.subplots_adjust(left=0.07, right=0.985, top=0.93, bottom=0.07, wspace=0.32, hspace=0.38)
        self.lines: list[tuple] = []  # (axes, column, Line2D)
        for ax, (title, columns) in zip(axes.flat, PANELS):
            for column, colour in columns.items():
                (line,) = ax.plot([], [], color=colour, lw=1.3, label=column.replace("_", " "))
                self.lines.append((ax, column, line))
            ax.set_title(title, fontsize=9, y=1.0)  # a fixed title position skips a costly layout pass
            ax.tick_params(labelsize=7)
            ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))
            ax.yaxis.set_major_locator(MaxNLocator(4))
            if len(columns) > 1:
                ax.legend(loc="upper left", fontsize=6, frameon=False)
        self.axes = list(axes.flat)

    def update(self, series: pd.DataFrame) -> Figure:
        """Show ``series`` (``model.datacollector.get_model_vars_dataframe()``); returns the figure."""
        months = np.arange(len(series))
        for _, column, line in self.lines:
            line.set_data(months, series[column].to_numpy(dtype=float))
        for ax in self.axes:
            ax.relim()
            ax.autoscale_view()
            ax.set_xlim(0, max(12, len(series) - 1))
        return self.figure


def charts_figure(series: pd.DataFrame, figsize=(7.2, 4.6)) -> Figure:
    """A new figure with the six panels drawn from a run's monthly series."""
    return ChartsCanvas(figsize).update(series)

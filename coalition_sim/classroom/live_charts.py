"""The live charts of one run, as one matplotlib figure (the web app and its export).

Four panels a room can read from the back: members with joins and exits; mean
trust; cumulative impact; initiatives adopted and blocked per month. Months
where something happened to the whole coalition are marked on every panel: the
backbone's support changing (black dashes), a shock (orange dots) and the
dissolution (a red line).

Sizes are for a projector: the figure is drawn at its natural size on the page
(1 inch = 96 screen pixels, 1 point = 4/3 pixels), so an 11-point label is
about 15 pixels tall on screen.

Speed: the page's charts are written as SVG text each month
(:mod:`coalition_sim.classroom.svg_chart`, about a millisecond), with the same
panels, limits, ticks and marks as the matplotlib figure, which is drawn only
for the downloads and animations. See ``benchmarks/bench_app.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure, SubFigure
from matplotlib.ticker import MaxNLocator

from coalition_sim.classroom.svg_chart import Panel, Series, figure_svg, grid_boxes

PANELS = (
    ("Members", {"members": "#2c3e50", "joins": "#27ae60", "exits": "#c0392b"}),
    ("Mean trust", {"mean_trust": "#8e44ad"}),
    ("Cumulative impact", {"cumulative_impact": "#2c3e50"}),
    ("Initiatives per month", {"adopted": "#2980b9", "blocked": "#c0392b"}),
)
"""Panel title and the time-series columns it draws (see coalition_sim.model.metrics.SERIES)."""
EVENT_MARKS = {
    "backbone": {"color": "black", "ls": (0, (4, 3)), "lw": 1.2},
    "shock": {"color": "#e67e22", "ls": (0, (1, 2)), "lw": 1.8},
    "dissolved": {"color": "#c0392b", "ls": "-", "lw": 2.2},
}
"""How each kind of coalition-wide event is marked on the charts."""
DPI = 96
FONT_PT = 11
"""Smallest text on the charts, in points (about 15 screen pixels at natural size)."""
FIGSIZE = (4.9, 4.3)
MARGINS = {"left": 0.13, "right": 0.97, "bottom": 0.07, "wspace": 0.4, "hspace": 0.45}
"""Where the panels sit in the figure (matplotlib's ``subplots_adjust``; the top depends on the legend)."""
SVG_STYLES = {"-": "-", (0, (4, 3)): "dashed", (0, (1, 2)): "dotted"}
"""The event marks' line styles as :mod:`svg_chart` names them."""


def legend_entries() -> list[tuple[str, str, str]]:
    """(label, colour, line style as CSS) of every series and event mark, for a legend in the page."""
    css = {"-": "solid", (0, (4, 3)): "dashed", (0, (1, 2)): "dotted"}
    entries = [
        (column.replace("_", " "), colour, "solid") for _, columns in PANELS for column, colour in columns.items()
    ]
    marks = [
        ("dissolution" if kind == "dissolved" else kind, style["color"], css.get(style["ls"], "solid"))
        for kind, style in EVENT_MARKS.items()
    ]
    return entries + marks


def event_months(events, kinds=tuple(EVENT_MARKS)) -> dict[str, list[int]]:
    """Months of each coalition-wide event kind in ``events`` (model.events)."""
    months: dict[str, list[int]] = {kind: [] for kind in kinds}
    for event in events:
        if event.kind in months:
            months[event.kind].append(int(event.month))
    return months


class ChartsCanvas:
    """A four-panel figure built once and updated with each month's series and events.

    Args:
        figsize: inches.
        figure: draw into this figure (or subfigure) instead of a new one (the export).
        legend: draw the legend in the figure (the page shows it as text beside the figure instead).
    """

    def __init__(self, figsize=FIGSIZE, figure: Figure | SubFigure | None = None, legend: bool = True) -> None:
        self.figure = Figure(figsize=figsize, dpi=DPI) if figure is None else figure
        axes = self.figure.subplots(2, 2)
        self.margins = {**MARGINS, "top": 0.83 if legend else 0.93}
        self.figure.subplots_adjust(**self.margins)
        self.lines: list[tuple] = []  # (axes, column, Line2D)
        for ax, (title, columns) in zip(axes.flat, PANELS):
            for column, colour in columns.items():
                (line,) = ax.plot([], [], color=colour, lw=1.8, label=column.replace("_", " "))
                self.lines.append((ax, column, line))
            ax.set_title(title, fontsize=FONT_PT + 1, y=1.0)  # a fixed position skips a layout pass
            ax.tick_params(labelsize=FONT_PT)
            ax.xaxis.set_major_locator(MaxNLocator(3, integer=True))
            ax.yaxis.set_major_locator(MaxNLocator(3))
            ax.spines[["top", "right"]].set_visible(False)
        self.axes = list(axes.flat)
        if legend:
            self._legend()
        self._marks: list = []
        self._marked: dict[str, list[int]] = {}

    def _legend(self) -> None:
        """One legend line for the whole figure: the series colours and the event marks."""
        handles = [line for _, column, line in self.lines if column in ("joins", "exits", "adopted", "blocked")]
        marks = [
            self.axes[0].plot([], [], label=kind if kind != "dissolved" else "dissolution", **style)[0]
            for kind, style in EVENT_MARKS.items()
        ]
        self.figure.legend(
            handles=handles + marks,
            loc="upper center",
            ncol=4,
            fontsize=FONT_PT,
            frameon=False,
            handlelength=1.4,
            columnspacing=0.8,
            bbox_to_anchor=(0.5, 1.0),
        )

    def update(self, series: pd.DataFrame, events=()) -> Figure:
        """Show ``series`` (the run's monthly table) and mark ``events``; returns the figure."""
        months = np.arange(len(series))
        for _, column, line in self.lines:
            line.set_data(months, series[column].to_numpy(dtype=float))
        marks = event_months(events)
        if marks != self._marked:
            self._mark(marks)
        right = months_shown(len(series))
        for ax, top in zip(self.axes, value_limits(series)):
            ax.set_ylim(0.0, top)
            ax.set_xlim(0, right)
        return self.figure

    def _mark(self, marks: dict[str, list[int]]) -> None:
        for artist in self._marks:
            artist.remove()
        self._marks = []
        for kind, when in marks.items():
            for month in when:
                self._marks += [ax.axvline(month, zorder=0, **EVENT_MARKS[kind]) for ax in self.axes]
        self._marked = marks

    def svg(self, series: pd.DataFrame, events=()) -> str:
        """The four panels as an inline ``<svg>`` element, written as text: the page's fast path.

        The same panels, limits and event marks as :meth:`update` draws with matplotlib.
        """
        width, height = (self.figure.get_figwidth() * DPI, self.figure.get_figheight() * DPI)
        boxes = grid_boxes(width, height, 2, 2, self.margins)
        return figure_svg(width, height, chart_panels(series, events), boxes, name="live")


def value_limits(series: pd.DataFrame) -> list[float]:
    """Top of each panel's value axis: a step above the highest value (a line at the maximum stays off the frame)."""
    tops = []
    for _, columns in PANELS:
        values = series[list(columns)].to_numpy(dtype=float) if len(series) else np.zeros(0)
        tops.append(nice_ceiling(np.nanmax(values, initial=0.0) * 1.04))
    return tops


def chart_panels(series: pd.DataFrame, events=()) -> list[Panel]:
    """The four panels of a run's series with its coalition-wide events marked (for :mod:`svg_chart`)."""
    months = np.arange(len(series))
    right = months_shown(len(series))
    marks = [
        (month, EVENT_MARKS[kind]["color"], EVENT_MARKS[kind]["lw"], SVG_STYLES[EVENT_MARKS[kind]["ls"]])
        for kind, when in event_months(events).items()
        for month in when
    ]
    return [
        Panel(
            title=title,
            xlim=(0, right),
            ylim=(0.0, top),
            lines=[Series(months, series[c].to_numpy(dtype=float), colour) for c, colour in columns.items()],
            marks=marks,
        )
        for (title, columns), top in zip(PANELS, value_limits(series))
    ]


def months_shown(n_rows: int) -> int:
    """Right end of the month axis: whole years, so the axis moves once a year, not every month."""
    return max(12, 12 * int(np.ceil(max(n_rows - 1, 1) / 12)))


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 1.5, 2, 3, 5, 7.5 times a power of ten that is at least ``value`` (>= 0.1).

    Limits that change by steps keep the tick labels the same for many months: steadier for the
    room to read and cheaper to draw (matplotlib reuses the labels' layout).
    """
    value = max(float(value), 0.1)
    power = 10.0 ** np.floor(np.log10(value))
    for factor in (1.0, 1.5, 2.0, 3.0, 5.0, 7.5, 10.0):
        if value <= factor * power * (1 + 1e-9):
            return factor * power
    return 10.0 * power  # pragma: no cover - the loop always returns


def charts_figure(series: pd.DataFrame, events=(), figsize=FIGSIZE) -> Figure:
    """A new figure with the four panels drawn from a run's monthly series and events."""
    return ChartsCanvas(figsize).update(series, events)

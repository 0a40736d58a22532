"""Small line charts written directly as SVG text: the page's monthly redraw.

matplotlib redraws axes, ticks and titles whenever a limit moves, which on a
live page is most months early in a run (tens of milliseconds each time). The
page's charts are simple (a few lines, two axes, a title, vertical event
marks), so they are written here as text: a grid of :class:`Panel` s becomes one
``<svg>`` in about a millisecond. Tick positions come from matplotlib's own
``MaxNLocator``, so the ticks are the ones a matplotlib figure of the same data
would show (the downloads are still drawn by matplotlib).

Coordinates are screen pixels; line widths are given in points, as in
matplotlib, and converted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

import numpy as np
from matplotlib.ticker import MaxNLocator

PX_PER_PT = 96 / 72
TICK_PX, TITLE_PX = 15, 16
"""Tick labels and panel titles, in pixels (at natural size; the room needs at least 14)."""
FONT = "DejaVu Sans, Verdana, sans-serif"
DASHES = {"-": "", "dashed": "6.4 4.8", "dotted": "2.4 4.8"}
"""SVG dash patterns of the line styles the charts use (matplotlib's patterns, in pixels)."""


@dataclass
class Series:
    """One line: y against x, its colour, width (points) and style (a key of DASHES)."""

    x: np.ndarray
    y: np.ndarray
    colour: str
    width: float = 1.8
    style: str = "-"


@dataclass
class Panel:
    """One chart: title, limits, lines, and vertical marks (x, colour, width, style)."""

    title: str
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    lines: list[Series] = field(default_factory=list)
    marks: list[tuple[float, str, float, str]] = field(default_factory=list)
    zero_line: bool = False
    x_ticks: int = 3
    y_ticks: int = 3


def grid_boxes(width: float, height: float, rows: int, cols: int, margins: dict) -> list[tuple]:
    """(left, top, width, height) of each panel, row by row, as matplotlib's ``subplots_adjust`` places them.

    Args:
        width: the figure's width in pixels.
        height: its height.
        rows: panel rows.
        cols: panel columns.
        margins: left, right, top, bottom (fractions of the figure), wspace, hspace (fractions of a panel).
    """
    avail_w = width * (margins["right"] - margins["left"])
    avail_h = height * (margins["top"] - margins["bottom"])
    panel_w = avail_w / (cols + (cols - 1) * margins["wspace"])
    panel_h = avail_h / (rows + (rows - 1) * margins["hspace"])
    boxes = []
    for r in range(rows):
        for c in range(cols):
            left = width * margins["left"] + c * panel_w * (1 + margins["wspace"])
            top = height * (1 - margins["top"]) + r * panel_h * (1 + margins["hspace"])
            boxes.append((left, top, panel_w, panel_h))
    return boxes


def ticks(low: float, high: float, n: int, integer: bool = False) -> np.ndarray:
    """Tick positions within [low, high], as matplotlib's MaxNLocator would place them."""
    values = MaxNLocator(n, integer=integer).tick_values(low, high)
    span = max(high - low, 1e-12)
    return values[(values >= low - 1e-9 * span) & (values <= high + 1e-9 * span)]


def tick_label(value: float, step: float) -> str:
    """A tick's text with as many decimals as the tick spacing needs ('0', '0.1', '-2.5', '1500')."""
    decimals = 0 if step >= 1 else int(np.ceil(-np.log10(step) - 1e-9))
    text = f"{value:.{decimals}f}"
    return "0" if float(text) == 0 else text.replace("-", "\u2212")


def figure_svg(width: float, height: float, panels: list[Panel], boxes: list[tuple], name: str = "") -> str:
    """The panels, each in its box, as one ``<svg>`` element."""
    body = "".join(panel_svg(panel, box) for panel, box in zip(panels, boxes))
    cls = f' class="chart-{name}"' if name else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg"{cls} width="{width:g}" height="{height:g}" '
        f'viewBox="0 0 {width:g} {height:g}" font-family="{FONT}">{body}</svg>'
    )


def panel_svg(panel: Panel, box: tuple) -> str:
    """One panel: event marks, axes, ticks, title and lines."""
    left, top, w, h = box
    (x0, x1), (y0, y1) = panel.xlim, panel.ylim
    sx, sy = w / max(x1 - x0, 1e-12), h / max(y1 - y0, 1e-12)

    def px(x):
        return left + (np.asarray(x, dtype=float) - x0) * sx

    def py(y):
        return top + h - (np.asarray(y, dtype=float) - y0) * sy

    parts = []
    for x, colour, lw, style in panel.marks:
        parts.append(_segment(px(x), top, px(x), top + h, colour, lw, style))
    if panel.zero_line and y0 < 0 < y1:
        parts.append(_segment(left, py(0.0), left + w, py(0.0), "#808080", 1.0, "-"))
    parts.append(
        f'<path d="M{left:.1f} {top:.1f}V{top + h:.1f}H{left + w:.1f}" fill="none" stroke="black" stroke-width="1.1"/>'
    )
    parts.append(_x_ticks(panel, px, top + h))
    parts.append(_y_ticks(panel, py, left))
    parts.append(
        f'<text x="{left + w / 2:.1f}" y="{top - 7:.1f}" font-size="{TITLE_PX}" text-anchor="middle">'
        f"{escape(panel.title)}</text>"
    )
    for line in panel.lines:
        parts.append(_polyline(px(line.x), py(line.y), line))
    return "".join(parts)


def _x_ticks(panel: Panel, px, bottom: float) -> str:
    values = ticks(*panel.xlim, panel.x_ticks, integer=True)
    step = float(np.diff(values).min()) if values.size > 1 else 1.0
    marks = "".join(f"M{px(v):.1f} {bottom:.1f}v4.7" for v in values)
    labels = "".join(
        f'<text x="{px(v):.1f}" y="{bottom + 6 + TICK_PX:.1f}" text-anchor="middle">{tick_label(v, step)}</text>'
        for v in values
    )
    return f'<path d="{marks}" stroke="black" stroke-width="1.1"/><g font-size="{TICK_PX}">{labels}</g>'


def _y_ticks(panel: Panel, py, left: float) -> str:
    values = ticks(*panel.ylim, panel.y_ticks)
    step = float(np.diff(values).min()) if values.size > 1 else 1.0
    marks = "".join(f"M{left:.1f} {py(v):.1f}h-4.7" for v in values)
    labels = "".join(
        f'<text x="{left - 7:.1f}" y="{py(v) + TICK_PX * 0.35:.1f}" text-anchor="end">{tick_label(v, step)}</text>'
        for v in values
    )
    return f'<path d="{marks}" stroke="black" stroke-width="1.1"/><g font-size="{TICK_PX}">{labels}</g>'


def _segment(xa, ya, xb, yb, colour: str, lw: float, style: str) -> str:
    dash = DASHES.get(style, "")
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<path d="M{float(xa):.1f} {float(ya):.1f}L{float(xb):.1f} {float(yb):.1f}" stroke="{colour}" '
        f'stroke-width="{lw * PX_PER_PT:.2f}"{dashes}/>'
    )


def _polyline(xs: np.ndarray, ys: np.ndarray, line: Series) -> str:
    """The line as one polyline per stretch of finite values (a single point still shows as a dot)."""
    xs, ys = np.atleast_1d(xs), np.atleast_1d(ys)
    if xs.size == 0:
        return ""
    ok = np.isfinite(xs) & np.isfinite(ys)
    dash = DASHES.get(line.style, "")
    style = (
        f'fill="none" stroke="{line.colour}" stroke-width="{line.width * PX_PER_PT:.2f}" '
        f'stroke-linejoin="round" stroke-linecap="round"' + (f' stroke-dasharray="{dash}"' if dash else "")
    )
    parts = []
    for stretch in np.split(np.arange(xs.size), np.flatnonzero(~ok)):
        stretch = stretch[ok[stretch]]
        if stretch.size == 1:
            stretch = np.repeat(stretch, 2)
        if stretch.size:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs[stretch], ys[stretch]))
            parts.append(f'<polyline points="{coords}" {style}/>')
    return "".join(parts)

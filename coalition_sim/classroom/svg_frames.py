"""Figures as inline SVG for the page, and the fast path for lines that grow every month.

matplotlib spends most of a redraw on what does not change from one month to the
next: axes, ticks, titles, legends. :class:`LinesOverFrame` has matplotlib draw a
figure without its lines only when that frame changes (new limits, a new event
mark), and each month writes the lines straight into it as SVG polylines, using
the same data-to-page transforms matplotlib would. The text stays text (the
browser draws it with a local font, and its size can be measured).
"""

from __future__ import annotations

import base64
import io
import re

import matplotlib
import numpy as np
from PIL import Image

EMBEDDED_PNG = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=\s]+)")
PALETTE_COLOURS = 256
"""Colours kept when an embedded raster (ties and nodes) is re-encoded as a palette PNG."""


def frame_svg(figure) -> str:
    """A figure as an inline ``<svg>`` element with its text kept as text."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "coalition"}):
        figure.savefig(buffer, format="svg")
    text = buffer.getvalue()
    return EMBEDDED_PNG.sub(_palette_png, text[text.index("<svg") :])


def _palette_png(match: re.Match) -> str:
    """An embedded raster re-encoded with a palette: a drawing of a few flat colours loses
    nothing visible, and the image is about a quarter of matplotlib's full-colour PNG."""
    image = Image.open(io.BytesIO(base64.b64decode(match.group(1))))
    quantized = image.quantize(PALETTE_COLOURS, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    quantized.save(out, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def polyline(ax, line, scale: float, height: float) -> str:
    """``line`` (a Line2D of ``ax``) as SVG polylines in the figure's SVG coordinates.

    Args:
        ax: the line's axes (its limits must be final).
        line: the Line2D.
        scale: SVG units per display pixel (matplotlib writes SVG in points: 72 / dpi).
        height: the figure's height in SVG units (SVG's y axis points down).

    Returns:
        One ``<polyline>`` per stretch of finite values ('' for an empty line).
    """
    x, y = np.asarray(line.get_xdata(), dtype=float), np.asarray(line.get_ydata(), dtype=float)
    if x.size == 0:
        return ""
    points = ax.transData.transform(np.column_stack([x, y])) * scale
    points[:, 1] = height - points[:, 1]
    ok = np.isfinite(points).all(axis=1)
    style = (
        f'fill="none" stroke="{matplotlib.colors.to_hex(line.get_color())}" '
        f'stroke-width="{line.get_linewidth():g}" stroke-linejoin="round"'
    )
    parts = []
    for stretch in np.split(np.arange(x.size), np.flatnonzero(~ok)):
        stretch = stretch[ok[stretch]]
        if stretch.size == 1:
            stretch = np.repeat(stretch, 2)  # a single month: a zero-length line still shows a dot
        if stretch.size:
            coords = " ".join(f"{px:.1f},{py:.1f}" for px, py in points[stretch])
            parts.append(f'<polyline points="{coords}" {style} stroke-linecap="round"/>')
    return "".join(parts)


class LinesOverFrame:
    """A figure's frame drawn by matplotlib when ``key`` changes; its lines written each call.

    Args:
        figure: the figure.
        lines: (axes, Line2D) pairs drawn as polylines over the frame.
    """

    def __init__(self, figure, lines: list) -> None:
        self.figure = figure
        self.lines = lines
        self._frame, self._key = "", object()

    def svg(self, key) -> str:
        """The figure as inline SVG; ``key`` names the frame (limits, marks): a new key redraws it."""
        if key != self._key:
            for _, line in self.lines:
                line.set_visible(False)
            try:
                self._frame = frame_svg(self.figure)
            finally:
                for _, line in self.lines:
                    line.set_visible(True)
            self._key = key
        scale = 72.0 / self.figure.dpi
        height = self.figure.bbox.height * scale
        drawn = "".join(polyline(ax, line, scale, height) for ax, line in self.lines)
        return self._frame.replace("</svg>", drawn + "</svg>")

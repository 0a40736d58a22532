"""The coalition's network for the page, written directly as SVG text.

The same picture as :mod:`coalition_sim.classroom.network_view` (same layout,
stretched to fill the drawing, same colours, node sizes, status marks and ties)
without matplotlib: a month's
drawing is a few hundred short SVG elements built with string formatting, about
a millisecond at 100 organizations and under 60 KB at 300, where matplotlib
took tens of milliseconds and needed a raster to stay small. The text (title,
names, backbone) stays text, so the browser draws it with a local font.

Coordinates are screen pixels (the drawing is shown at its natural size).
:class:`NetworkSVG` fixes each organization's position once per run (they never
move), which is also where the page puts the invisible hit areas that make a
node clickable (:meth:`NetworkSVG.hit_areas`).
"""

from __future__ import annotations

from html import escape

import numpy as np

from coalition_sim.classroom.network_view import (
    BURNOUT_COLOUR,
    SECTOR_COLOURS,
    TIE_THRESHOLD,
    layout,
    node_sizes,
    strong_ties,
)
from coalition_sim.model.population import CORE, EXITED, NETWORK

PX_PER_PT = 96 / 72
"""Screen pixels per typographic point (matplotlib's marker sizes are in points)."""
XLIM, YLIM = (-1.15, 1.15), (-1.12, 1.12)
"""The part of the layout's plane that is drawn (as in the matplotlib drawing)."""
TITLE_PX, LABEL_PX = 16, 15
"""Font sizes of the title and the names: at natural size, above the room's 14 px."""
PLOT_SHARE = 0.9
"""Share of the height under the title that holds the network."""
MIN_HIT_PX = 8.0
"""Smallest radius of a node's hit area, so that a small organization can still be clicked."""
FONT = "DejaVu Sans, Verdana, sans-serif"


class NetworkSVG:
    """The page's drawing of one run: positions fixed at the start, state drawn each month.

    Args:
        model: the CoalitionModel (its layout is computed here, once).
        width: pixels.
        height: pixels.
    """

    def __init__(self, model, width: float, height: float) -> None:
        self.width, self.height = float(width), float(height)
        xy = layout(model)
        reach = float(np.sqrt((xy**2).sum(axis=1)).max()) if xy.size else 1.0
        xy = xy / max(reach, 0.3)  # spread the organizations over the whole disc: easier to tell apart and click
        plot_h = self.height * PLOT_SHARE
        scale = min(self.width / (XLIM[1] - XLIM[0]), plot_h / (YLIM[1] - YLIM[0]))
        centre_x, centre_y = self.width / 2, self.height - plot_h / 2
        self.scale = scale
        self.centre = (centre_x, centre_y)
        self.points = np.column_stack([centre_x + xy[:, 0] * scale, centre_y - xy[:, 1] * scale])

    def radii(self, model) -> np.ndarray:
        """Node radii in pixels (a matplotlib marker of area s points^2 has diameter sqrt(s))."""
        return np.sqrt(node_sizes(model.capacity, self.points.shape[0])) / 2 * PX_PER_PT

    def hit_areas(self, model) -> list[dict]:
        """Where each organization can be clicked or hovered: index, centre, radius and name."""
        radii = np.maximum(self.radii(model), MIN_HIT_PX)
        return [
            {"i": i, "x": round(float(x), 1), "y": round(float(y), 1), "r": round(float(r), 1), "name": str(name)}
            for i, ((x, y), r, name) in enumerate(zip(self.points, radii, model.names))
        ]

    def svg(self, model, labels: dict[int, str] | None = None, selected: int | None = None) -> str:
        """The coalition as it is now, as an ``<svg>`` element.

        Args:
            model: the CoalitionModel.
            labels: organization index -> text written beside its node.
            selected: an organization to ring in black (the one whose card is open).
        """
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width:g}" height="{self.height:g}" '
            f'viewBox="0 0 {self.width:g} {self.height:g}" font-family="{FONT}">',
            self._ties(model),
            self._nodes(model),
            self._backbone(model.backbone.strength),
            self._selected(model, selected),
            self._labels(labels or {}),
            self._title(model),
            "</svg>",
        ]
        return "".join(parts)

    def _ties(self, model) -> str:
        pairs, values = strong_ties(model)
        if not len(pairs):
            return ""
        widths = np.round((0.3 + 2.5 * (values - TIE_THRESHOLD) / (1.0 - TIE_THRESHOLD)) * PX_PER_PT * 2) / 2
        groups = []
        for width in np.unique(widths):  # one path per line width keeps the file small
            chosen = pairs[widths == width]
            a, b = self.points[chosen[:, 0]], self.points[chosen[:, 1]]
            path = "".join(f"M{x0:.1f} {y0:.1f}L{x1:.1f} {y1:.1f}" for (x0, y0), (x1, y1) in zip(a, b))
            groups.append(f'<path d="{path}" stroke-width="{width:g}"/>')
        return f'<g class="ties" fill="none" stroke="#7f8c8d" stroke-opacity="0.3">{"".join(groups)}</g>'

    def _nodes(self, model) -> str:
        status = model.status
        radii = self.radii(model)
        colours = np.array(SECTOR_COLOURS)[model.sector % len(SECTOR_COLOURS)]
        burnt = np.zeros(status.shape[0], dtype=bool)
        burnt[[i for i, cause in model.exit_cause.items() if cause == "burnout"]] = True
        parts = []
        for i in np.flatnonzero((status == EXITED) & ~burnt):  # a faded cross
            (x, y), d = self.points[i], radii[i] * 0.6
            parts.append(
                f'<path d="M{x - d:.1f} {y - d:.1f}L{x + d:.1f} {y + d:.1f}'
                f'M{x - d:.1f} {y + d:.1f}L{x + d:.1f} {y - d:.1f}" '
                f'stroke="{colours[i]}" stroke-opacity="0.35" stroke-width="2.5"/>'
            )
        for i in np.flatnonzero(burnt):  # faded, ringed in red
            parts.append(self._circle(i, radii[i], f'fill="{colours[i]}" fill-opacity="0.3" stroke="{BURNOUT_COLOUR}"'))
        for i in np.flatnonzero(status == NETWORK):  # a hollow ring
            parts.append(self._circle(i, radii[i], f'fill="none" stroke="{colours[i]}" stroke-width="1.6"'))
        for i in np.flatnonzero(status == CORE):  # filled
            parts.append(self._circle(i, radii[i], f'fill="{colours[i]}" stroke="white" stroke-width="0.8"'))
        return f'<g class="nodes" stroke-width="2.4">{"".join(parts)}</g>'

    def _circle(self, i: int, r: float, style: str) -> str:
        x, y = self.points[i]
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" {style}/>'

    def _backbone(self, strength: float) -> str:
        half = np.sqrt(80 + 420 * strength) / 2 * PX_PER_PT * 1.2  # a diamond's half diagonal
        x, y = self.centre
        face = "black" if strength > 0 else "none"
        text = f"backbone {strength:.2f}" if strength > 0 else "no backbone"
        return (
            f'<path d="M{x:.1f} {y - half:.1f}L{x + half:.1f} {y:.1f}L{x:.1f} {y + half:.1f}L{x - half:.1f} {y:.1f}Z" '
            f'fill="{face}" stroke="black" stroke-width="2"/>'
            + _halo_text(x, y + half + LABEL_PX + 2, text, LABEL_PX, anchor="middle")
        )

    def _selected(self, model, selected: int | None) -> str:
        if selected is None or not 0 <= selected < self.points.shape[0]:
            return ""
        r = self.radii(model)[selected] * 1.5 + 2
        return self._circle(selected, r, 'fill="none" stroke="black" stroke-width="3.3" class="selected"')

    def _labels(self, labels: dict[int, str]) -> str:
        parts = []
        for i, text in labels.items():
            if 0 <= i < self.points.shape[0]:
                x, y = self.points[i]
                anchor = "end" if x > self.width * 0.75 else "start"
                dx = -8 if anchor == "end" else 8
                parts.append(_halo_text(x + dx, y - 8, text, LABEL_PX, anchor=anchor))
        return "".join(parts)

    def _title(self, model) -> str:
        status = model.status
        core, network, left = (int((status == s).sum()) for s in (CORE, NETWORK, EXITED))
        heads = f"{core} members, {network} in the network, {left} left"
        if not model.running:
            heads = f"dissolved ({core} were still members)"
        return (
            f'<text x="{self.width / 2:.1f}" y="{TITLE_PX + 4}" font-size="{TITLE_PX}" text-anchor="middle">'
            f"{escape(f'Month {model.steps}: {heads}')}</text>"
        )


def _halo_text(x: float, y: float, text: str, size: int, anchor: str = "start") -> str:
    """Text with a white halo, legible over nodes and ties."""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" paint-order="stroke" '
        f'stroke="white" stroke-width="4" stroke-linejoin="round">{escape(text)}</text>'
    )

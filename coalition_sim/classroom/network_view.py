"""The coalition drawn as a network, with matplotlib (the web app and animations).

Organizations are nodes: size by capacity, colour by sector, and a style by
status (filled = core member, hollow ring = wider network, faded cross = exited,
red ring = burnt out). Trust ties above a threshold are edges whose width grows
with trust. The backbone is a black diamond at the shared purpose, sized by its
strength (hollow when it has no support left).

The layout is computed once per model (once per reset): each organization sits
where it stood in the goal space at the start, relative to the shared purpose at
the centre, nudged apart so nodes do not overlap. Nothing moves between months,
so what changes on screen is who is in, who is out, and which ties are strong.
"""

from __future__ import annotations

import weakref

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from coalition_sim.model.population import CORE, EXITED, NETWORK, SECTORS

SECTOR_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e")
"""Colour of each sector in SECTORS order (ColorBrewer Dark2, colour-blind safe)."""
TIE_THRESHOLD = 0.5
"""Mutual trust above which a tie is drawn (the mean of T[i, j] and T[j, i]): more trust than not."""
TIES_PER_NODE = 2
"""At most this many ties per organization present are drawn (the strongest), so a
coalition where everyone trusts everyone stays legible and fast."""
BURNOUT_COLOUR = "#c0392b"
TITLE_PT = 12
LABEL_PT = 11
"""Title and label sizes in points: at natural size on the page, at least 14 screen pixels."""
RELAX_ITERATIONS = 40
"""Rounds of overlap removal when the layout is computed."""

_LAYOUTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def layout(model) -> np.ndarray:
    """Node positions (n, 2) in about [-1, 1], computed once per model and cached.

    Args:
        model: a CoalitionModel.

    Returns:
        The same array for every call on the same model.
    """
    cached = _LAYOUTS.get(model)
    if cached is None or cached.shape[0] != len(model.capacity):
        cached = _compute_layout(model.position, model.purpose)
        _LAYOUTS[model] = cached
    return cached


def _compute_layout(position: np.ndarray, purpose: np.ndarray) -> np.ndarray:
    """Goal-space positions around the purpose, scaled to the unit disc and spread apart."""
    n = position.shape[0]
    xy = np.zeros((n, 2))
    dims = min(position.shape[1], 2)
    xy[:, :dims] = position[:, :dims] - purpose[:dims]
    if dims == 1:  # a one-dimensional goal space: spread the second axis by index (golden ratio)
        xy[:, 1] = ((np.arange(n) * 0.618034) % 1.0 - 0.5) * max(np.ptp(xy[:, 0]), 0.1)
    dist = np.sqrt((xy**2).sum(axis=1))
    scale = max(float(np.median(dist)) * 2.0, 1e-6) if n else 1.0
    xy *= (np.tanh(dist / scale) / np.maximum(dist, 1e-12))[:, None]  # squash outliers into the unit disc
    xy = _relax(xy, min_gap=min(0.25, 1.1 / np.sqrt(max(n, 1))))
    return xy


def _relax(xy: np.ndarray, min_gap: float) -> np.ndarray:
    """Push overlapping nodes apart (deterministic; ties broken by index)."""
    n = xy.shape[0]
    if n < 2:
        return xy
    offsets = (np.arange(n)[:, None] - np.arange(n)[None, :]) * 1e-4  # separates identical points
    for _ in range(RELAX_ITERATIONS):
        diff = xy[:, None, :] - xy[None, :, :]
        diff[..., 0] += offsets
        dist = np.sqrt((diff**2).sum(axis=2)) + np.eye(n)
        overlap = np.clip(min_gap - dist, 0.0, None)
        np.fill_diagonal(overlap, 0.0)
        if not overlap.any():
            break
        xy = xy + 0.5 * (diff / dist[..., None] * overlap[..., None]).sum(axis=1)
        radius = np.sqrt((xy**2).sum(axis=1))
        xy *= (np.minimum(radius, 1.0) / np.maximum(radius, 1e-12))[:, None]
    return xy


def strong_ties(model, threshold: float = TIE_THRESHOLD, limit: int | None = None):
    """Pairs (i, j), i < j, of organizations still around whose mutual trust exceeds ``threshold``.

    Returns:
        (pairs (k, 2) int array, trust (k,) array), strongest first, at most ``limit``
        (default: TIES_PER_NODE per organization present).
    """
    present = np.flatnonzero(model.status != EXITED)
    limit = TIES_PER_NODE * present.size if limit is None else limit
    if present.size < 2:
        return np.zeros((0, 2), dtype=int), np.zeros(0)
    sub = model.trust[np.ix_(present, present)]
    mutual = (sub + sub.T) / 2.0
    i, j = np.nonzero(np.triu(mutual > threshold, k=1))
    values = mutual[i, j]
    order = np.argsort(-values, kind="stable")[:limit]
    return np.column_stack([present[i[order]], present[j[order]]]), values[order]


def node_sizes(capacity: np.ndarray, n: int) -> np.ndarray:
    """Marker areas (points^2) growing with capacity, smaller when there are many nodes."""
    base = 260.0 / np.sqrt(max(n, 1) / 30.0)
    return np.clip(base * np.sqrt(capacity / max(capacity.mean(), 1e-9)), 6.0, 4 * base)


def draw_network(ax: Axes, model, title: bool = True) -> None:
    """Draw the coalition's current state on ``ax``.

    Args:
        ax: an empty matplotlib Axes.
        model: a CoalitionModel.
        title: whether to write the month and head counts above the drawing.
    """
    setup_axes(ax, model)
    draw_state(ax, model, title)


class NetworkCanvas:
    """A figure whose frame (limits, legend) is built once per model; each month redraws the state.

    Args:
        model: the CoalitionModel (its sectors fix the legend).
        figsize: inches.
        dpi: dots per inch.
    """

    def __init__(self, model, figsize=(7.5, 5.0), dpi: int = 80, legend: bool = True) -> None:
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.ax = self.figure.add_axes((0.0, 0.0, 0.74, 0.93) if legend else (0.0, 0.0, 1.0, 0.9))
        setup_axes(self.ax, model, legend=legend)
        self._artists: list = []

    def update(self, model, labels: dict[int, str] | None = None, selected: int | None = None) -> Figure:
        """Redraw the coalition's current state; returns the figure.

        Args:
            model: the CoalitionModel.
            labels: organization index -> text written beside its node.
            selected: an organization to ring in black (the one whose card is open).
        """
        for artist in self._artists:
            artist.remove()
        self._artists = draw_state(self.ax, model, title=True)
        self._artists += draw_labels(self.ax, model, labels or {}, selected)
        return self.figure


def setup_axes(ax: Axes, model, legend: bool = True) -> None:
    """The parts of the drawing that never change for a model: limits, no ticks, the legend."""
    ax.set_xlim(-1.15, 1.15)
    ax.set_ylim(-1.12, 1.12)
    ax.set_aspect("equal")
    ax.set_rasterization_zorder(3.5)  # ties and nodes: one small picture inside an SVG; the text stays text
    ax.title.set_zorder(10)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    if legend:
        _legend(ax, model)


def draw_state(ax: Axes, model, title: bool = True) -> list:
    """Ties, organizations and the backbone as they are now; returns the artists drawn."""
    xy = layout(model)
    n = xy.shape[0]
    sizes = node_sizes(model.capacity, n)
    colours = np.array(SECTOR_COLOURS)[model.sector % len(SECTOR_COLOURS)]
    artists = []
    pairs, values = strong_ties(model)
    if len(pairs):
        segments = np.stack([xy[pairs[:, 0]], xy[pairs[:, 1]]], axis=1)
        widths = 0.3 + 2.5 * (values - TIE_THRESHOLD) / (1.0 - TIE_THRESHOLD)
        artists.append(
            ax.add_collection(
                LineCollection(segments, linewidths=widths, colors="#7f8c8d", alpha=0.3, zorder=1), autolim=False
            )
        )
    status = model.status
    burnt = np.zeros(n, dtype=bool)
    burnt[[i for i, cause in model.exit_cause.items() if cause == "burnout"]] = True
    core, network = status == CORE, status == NETWORK
    exited = (status == EXITED) & ~burnt
    artists += [
        ax.scatter(*xy[core].T, s=sizes[core], c=colours[core], edgecolors="white", linewidths=0.6, zorder=3),
        ax.scatter(
            *xy[network].T, s=sizes[network], facecolors="none", edgecolors=colours[network], linewidths=1.2, zorder=2
        ),
        ax.scatter(
            *xy[exited].T, s=sizes[exited] * 0.6, c=colours[exited], alpha=0.25, marker="X", linewidths=0, zorder=2
        ),
        ax.scatter(
            *xy[burnt].T,
            s=sizes[burnt],
            c=colours[burnt],
            alpha=0.3,
            edgecolors=BURNOUT_COLOUR,
            linewidths=1.8,
            zorder=2,
        ),
    ]
    artists += _draw_backbone(ax, model.backbone.strength)
    if title:
        left = int((status == EXITED).sum())
        heads = f"{int(core.sum())} members, {int(network.sum())} in the network, {left} left"
        if not model.running:
            heads = f"dissolved ({int(core.sum())} were still members)"
        ax.set_title(
            f"Month {model.steps}: {heads}",
            fontsize=TITLE_PT,
        )
    return artists


def draw_labels(ax: Axes, model, labels: dict[int, str], selected: int | None = None) -> list:
    """Write ``labels`` (index -> text) beside their nodes, and ring ``selected``; returns the artists."""
    xy = layout(model)
    artists = []
    for i, text in labels.items():
        x, y = xy[i]
        artists.append(
            ax.annotate(
                text,
                (x, y),
                xytext=(6, 6),
                textcoords="offset points",
                fontsize=LABEL_PT,
                zorder=6,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
            )
        )
    if selected is not None and 0 <= selected < xy.shape[0]:
        size = node_sizes(model.capacity, xy.shape[0])[selected] * 2.2
        artists.append(
            ax.scatter(*xy[selected], s=size, facecolors="none", edgecolors="black", linewidths=2.5, zorder=5)
        )
    return artists


def _draw_backbone(ax: Axes, strength: float) -> list:
    size = 80 + 420 * strength
    face = "black" if strength > 0 else "none"
    marker = ax.scatter([0.0], [0.0], s=size, marker="D", c=face, edgecolors="black", linewidths=1.5, zorder=4)
    label = f"backbone {strength:.2f}" if strength > 0 else "no backbone"
    text = ax.annotate(
        label,
        (0.0, 0.0),
        xytext=(0, -16),
        textcoords="offset points",
        ha="center",
        va="top",
        fontsize=LABEL_PT,
        zorder=5,
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.7},
    )
    return [marker, text]


def _legend(ax: Axes, model) -> None:
    present = sorted(set(int(s) for s in model.sector))
    handles = [
        Line2D([], [], marker="o", ls="", color=SECTOR_COLOURS[s % len(SECTOR_COLOURS)], label=SECTORS[s])
        for s in present
    ]
    handles += [
        Line2D([], [], marker="o", ls="", color="grey", label="core member"),
        Line2D([], [], marker="o", ls="", mfc="none", color="grey", label="wider network"),
        Line2D([], [], marker="X", ls="", color="grey", alpha=0.4, label="left"),
        Line2D([], [], marker="o", ls="", color="grey", alpha=0.4, mec=BURNOUT_COLOUR, mew=1.8, label="burnt out"),
        Line2D([], [], color="#7f8c8d", lw=2, label=f"trust > {TIE_THRESHOLD:g}"),
        Line2D([], [], marker="D", ls="", color="black", label="backbone"),
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=10, frameon=False)

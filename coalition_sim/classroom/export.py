"""Downloads from the page: the view as PNG or SVG, the monthly data and the replicates as CSV.

The view is redrawn for the file (the network beside the charts, one figure),
so a download never disturbs the drawings on screen.
"""

from __future__ import annotations

import io

import pandas as pd
from matplotlib.figure import Figure

from coalition_sim.classroom.live_charts import ChartsCanvas
from coalition_sim.classroom.network_view import draw_network

FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
"""File type -> MIME type of the view's download."""


def view_figure(model, series: pd.DataFrame, events=()) -> Figure:
    """The network (with its legend) beside the four charts, as one new figure."""
    figure = Figure(figsize=(15.0, 5.2), dpi=100)
    left, right = figure.subfigures(1, 2, width_ratios=(1.15, 1.0))
    ax = left.add_axes((0.0, 0.0, 0.72, 0.9))
    draw_network(ax, model)
    ChartsCanvas(figure=right).update(series, events)
    return figure


def view_bytes(model, series: pd.DataFrame, events=(), fmt: str = "png") -> bytes:
    """The view as a PNG or SVG file's bytes."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: allowed {', '.join(FORMATS)}")
    buffer = io.BytesIO()
    view_figure(model, series, events).savefig(buffer, format=fmt)
    return buffer.getvalue()


def monthly_csv(tables: dict[str, pd.DataFrame]) -> bytes:
    """The runs' monthly tables as one CSV: a ``run`` column (e.g. left/right), then ``month``."""
    frames = []
    for name, table in tables.items():
        frame = table.reset_index(drop=True)
        frame.insert(0, "month", range(len(frame)))
        frame.insert(0, "run", name)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True).to_csv(index=False).encode()


def replicates_csv(spread) -> bytes:
    """The replicates' table: share still going and the member band, month by month."""
    table = pd.DataFrame(
        {
            "month": spread.months,
            "share_still_going": spread.survival,
            "members_low": spread.members_low,
            "members_median": spread.members_median,
            "members_high": spread.members_high,
        }
    )
    return table.to_csv(index=False).encode()

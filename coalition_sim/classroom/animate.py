"""A run rendered as an animation for slides: the network beside the member chart.

    coalition-sim animate --preset backbone-cut --out backbone.gif

Each frame is one month: the coalition as a network (the same drawing as the
web app) on the left, and members, joins and exits so far on the right, with
the month's most notable event as a caption. GIF is written with Pillow;
MP4 needs ffmpeg on the PATH.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
from matplotlib.animation import FFMpegWriter, FuncAnimation, PillowWriter
from matplotlib.figure import Figure

from coalition_sim.classroom.network_view import draw_state, setup_axes
from coalition_sim.model.model import CoalitionModel
from coalition_sim.util.errors import InputError

FORMATS = (".gif", ".mp4")
EVENT_PRIORITY = ("dissolved", "backbone", "shock", "exit", "join", "blocked", "succeeded", "failed", "lapsed")
"""Which event of a month becomes the caption (first kind found wins)."""


def check_output(path: Path) -> str:
    """The writer name for ``path`` ('pillow' or 'ffmpeg'), or InputError."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"--out {str(path)!r}: allowed file types are {', '.join(FORMATS)}")
    if suffix == ".mp4" and not FFMpegWriter.isAvailable():
        raise InputError(
            f"--out {str(path)!r}: writing .mp4 needs ffmpeg, which is not installed; use a .gif file instead"
        )
    if not path.parent.exists():
        raise InputError(f"--out {str(path)!r}: folder {str(path.parent)!r} does not exist")
    if path.exists():
        raise InputError(f"--out {str(path)!r} already exists: choose another name or delete it first")
    if not os.access(path.parent, os.W_OK):
        raise InputError(f"--out {str(path)!r}: folder {str(path.parent)!r} is not writable; choose another folder")
    return "pillow" if suffix == ".gif" else "ffmpeg"


def record(params: dict, months: int) -> tuple[CoalitionModel, list[dict]]:
    """Run a model and keep what each frame needs (status, trust, backbone, events) per month."""
    model = CoalitionModel(**params)
    frames = [_snapshot(model)]
    for _ in range(months):
        if not model.running:
            break
        model.step()
        frames.append(_snapshot(model))
    return model, frames


def _snapshot(model) -> dict:
    month_events = [e for e in model.events if e.month == model.steps]
    return {
        "steps": model.steps,
        "running": model.running,
        "status": model.status.copy(),
        "trust": np.array(model.trust, dtype=float),
        "strength": model.backbone.strength,
        "exit_cause": dict(model.exit_cause),
        "caption": caption(month_events),
    }


def caption(events) -> str:
    """The month's most notable event, in words ('' if nothing happened)."""
    for kind in EVENT_PRIORITY:
        for event in events:
            if event.kind == kind:
                more = len(events) - 1
                return event.text + (f"  (+{more} more)" if more else "")
    return ""


class _FrameView:
    """Looks like the model to the network drawing, but shows a recorded month."""

    def __init__(self, model, frame: dict) -> None:
        self._model = model
        self.steps, self.status, self.trust = frame["steps"], frame["status"], frame["trust"]
        self.exit_cause, self.running = frame["exit_cause"], frame["running"]
        self.backbone = type("B", (), {"strength": frame["strength"]})()

    def __getattr__(self, name):
        return getattr(self._model, name)


def animate(params: dict, out: Path, months: int = 120, fps: int = 6, dpi: int = 90) -> int:
    """Render one run to ``out`` (.gif or .mp4); returns the number of frames.

    Args:
        params: model keyword arguments (a preset's, with any overrides).
        out: output file; written whole or not at all.
        months: horizon (the run may dissolve earlier).
        fps: frames (months) per second.
        dpi: resolution.
    """
    writer_name = check_output(out)
    model, frames = record(params, months)
    series = model.datacollector.get_model_vars_dataframe()
    fig = Figure(figsize=(10.0, 4.6), dpi=dpi)
    ax_net = fig.add_axes((0.0, 0.1, 0.5, 0.82))
    ax_chart = fig.add_axes((0.66, 0.2, 0.32, 0.65))
    setup_axes(ax_net, model)
    text = fig.text(0.02, 0.03, "", fontsize=9)
    lines = {
        c: ax_chart.plot([], [], color=col, label=c)[0]
        for c, col in (("members", "#2c3e50"), ("joins", "#27ae60"), ("exits", "#c0392b"))
    }
    ax_chart.set_xlim(0, max(len(series) - 1, 1))
    ax_chart.set_ylim(0, max(float(series[list(lines)].to_numpy().max()) * 1.1, 1.0))
    ax_chart.set_xlabel("month")
    ax_chart.legend(loc="upper left", fontsize=8, frameon=False)
    drawn: list = []

    def draw(i: int):
        for artist in drawn:
            artist.remove()
        drawn[:] = draw_state(ax_net, _FrameView(model, frames[i]), title=True)
        months_so_far = np.arange(i + 1)
        for column, line in lines.items():
            line.set_data(months_so_far, series[column].to_numpy()[: i + 1])
        text.set_text(frames[i]["caption"])
        return drawn

    animation = FuncAnimation(fig, draw, frames=len(frames), blit=False)
    writer = PillowWriter(fps=fps) if writer_name == "pillow" else FFMpegWriter(fps=fps)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=out.suffix, dir=out.parent)
    os.close(fd)
    try:  # all or nothing: a failed or interrupted render leaves no half-written file
        animation.save(tmp, writer=writer, dpi=dpi)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return len(frames)

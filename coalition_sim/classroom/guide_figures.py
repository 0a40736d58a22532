"""The figures the trainer's guide quotes for each preset, computed, never typed by hand.

``docs/make_screenshots.py`` calls :func:`update_guide`, which runs every preset exactly
as the page opens it (same settings, seed, horizon and side-by-side pair) and its 50
replicates exactly as the "Is this typical?" button runs them (same master seed and
horizon), and writes a small table of what happened into ``docs/trainers.md`` between
the markers ``<!-- figures:NAME -->`` and ``<!-- /figures:NAME -->``. When the model or
a preset changes, rerunning the script brings the guide's numbers along.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from coalition_sim.classroom import replicates
from coalition_sim.classroom.controls import CONTROLS, label, shown
from coalition_sim.classroom.live_run import LiveRun
from coalition_sim.model.events import EXIT_REASONS
from coalition_sim.util.safe_write import atomic_file

CHECKPOINTS = (0, 12, 36, 60, 120)
"""Months the tables always show (plus the screenshot's month and the horizon)."""
_BLOCK = "<!-- figures:{name} -->\n{body}\n<!-- /figures:{name} -->"


@dataclass(frozen=True)
class SideFigures:
    """What one run on the page did, and its replicates."""

    heading: str
    series: pd.DataFrame
    joined: int
    left: Counter
    dissolution: str | None
    spread: replicates.Spread


def side_figures(run: LiveRun, heading: str = "", n_replicates: int = replicates.N_REPLICATES) -> SideFigures:
    """Run ``run`` to its horizon and its replicates as the page's button does (same seed and horizon)."""
    run.run_to(run.horizon)
    spread = replicates.run_replicates(
        dict(run.params), n=n_replicates, master_seed=int(run.params.get("seed", 0)), horizon=run.horizon
    )
    events = run.events()
    with run.reading() as model:
        left = Counter(model.exit_cause.values())
    return SideFigures(
        heading=heading,
        series=run.series(),
        joined=sum(e.kind == "join" for e in events),
        left=left,
        dissolution=run.dissolution(),
        spread=spread,
    )


def page_runs(name: str) -> tuple[list[LiveRun], list[str]]:
    """The run(s) the page opens ``name`` with, and their headings (side by side: left and right)."""
    from coalition_sim.classroom import app  # the page's own rules for a preset's start

    settings, horizon, compare = app.preset_start(name)
    runs = list(app.build_runs(settings, horizon, compare))
    if compare is None:
        return runs, [""]
    control = compare[0]
    sides = zip(("Left", "Right"), runs)
    return runs, [f"{side}: {label(control)} {shown(control, run.params[control])}" for side, run in sides]


def months_shown_in_table(horizon: int, shot_month: int | None) -> list[int]:
    """Checkpoint months up to the horizon, with the screenshot's month and the horizon."""
    months = {m for m in CHECKPOINTS if m <= horizon} | {horizon}
    if shot_month is not None and shot_month <= horizon:
        months.add(int(shot_month))
    return sorted(months)


def table(sides: list[SideFigures], months: list[int], n: int) -> str:
    """The figures as a Markdown table: one column per month, rows per side."""
    header = "| | " + " | ".join(f"month {m}" for m in months) + " |"
    lines = [header, "|---" * (len(months) + 1) + "|"]
    for side in sides:
        prefix = f"{side.heading.split(':')[0]}: " if side.heading else ""
        s, spread = side.series, side.spread
        rows = {
            "members": lambda m, s=s: f"{s['members'].iloc[m]:.0f}",
            "in the wider network": lambda m, s=s: f"{s['network'].iloc[m]:.0f}",
            "mean trust": lambda m, s=s: f"{s['mean_trust'].iloc[m]:.2f}",
            "impact so far": lambda m, s=s: f"{s['cumulative_impact'].iloc[m]:.1f}",
        }
        for row, cell in rows.items():
            cells = [cell(m) if m < len(s) else "dissolved" for m in months]
            lines.append(f"| {prefix}{row} (this run) | " + " | ".join(cells) + " |")
        going = [f"{100 * spread.survival[m]:.0f}%" if m < spread.survival.size else "" for m in months]
        lines.append(f"| {prefix}replicates still going (of {n}) | " + " | ".join(going) + " |")
        band = [
            f"{spread.members_low[m]:.0f}-{spread.members_high[m]:.0f}" if m < spread.months.size else ""
            for m in months
        ]
        lines.append(f"| {prefix}replicates' members, 10th-90th percentile | " + " | ".join(band) + " |")
    return "\n".join(lines)


def summary_lines(sides: list[SideFigures], n: int) -> list[str]:
    """A sentence per side: who joined and left, how it ended, how the replicates ended."""
    out = []
    for side in sides:
        horizon = len(side.spread.survival) - 1
        leaving = ", ".join(f"{count} {EXIT_REASONS.get(c, c)}" for c, count in side.left.most_common())
        ending = side.dissolution or f"still going at month {len(side.series) - 1}"
        ending = ending[0].lower() + ending[1:]
        gone = int(round((1 - side.spread.survival[-1]) * side.spread.n_ok))
        half = np.flatnonzero(side.spread.survival <= 0.5)
        half_text = f"; half were gone by month {int(half[0])}" if half.size else ""
        prefix = f"{side.heading}. " if side.heading else ""
        out.append(
            f"- {prefix}This run: {side.joined} organizations joined the core and "
            f"{sum(side.left.values())} left ({leaving or 'none'}); {ending}. "
            f"Replicates: {gone} of {side.spread.n_ok} ended before month {horizon}{half_text}."
        )
    return out


def settings_line(name: str) -> str:
    """The preset's own settings in words (the page's labels for its controls), seed last."""
    from coalition_sim.classroom.presets import PRESETS

    params = PRESETS[name].model_params()
    words = "; ".join(_setting(key, value) for key, value in params.items() if key != "seed")
    return f"*The preset's settings:* {words} (the rest at the model's defaults); seed {params.get('seed', 0)}."


def _setting(key: str, value) -> str:
    """'initial trust 0.05': a control by its label and shown value, another parameter by its name."""
    if key in CONTROLS:
        return f"{label(key).lower()} {shown(key, value)}"
    return f"{key.replace('_', ' ')} {value:g}" if isinstance(value, float) else f"{key.replace('_', ' ')} {value}"


def preset_block(name: str, shot_month: int | None, n: int = replicates.N_REPLICATES) -> str:
    """The generated Markdown for preset ``name``: the table and the summary lines."""
    runs, headings = page_runs(name)
    sides = [side_figures(run, heading, n) for run, heading in zip(runs, headings)]
    months = months_shown_in_table(runs[0].horizon, shot_month)
    intro = (
        f"*Figures of the page's run (seed {runs[0].params.get('seed', 0)}) and of its {n} replicates, "
        "generated by `python docs/make_screenshots.py`"
        + (f"; the screenshot stops at month {shot_month}" if shot_month else "")
        + ":*"
    )
    return "\n".join([settings_line(name), "", intro, "", table(sides, months, n), "", *summary_lines(sides, n)])


def replace_block(text: str, name: str, body: str) -> str:
    """``text`` with the figures block of ``name`` replaced by ``body`` (ValueError if it has none)."""
    pattern = re.compile(rf"<!-- figures:{re.escape(name)} -->\n.*?\n<!-- /figures:{re.escape(name)} -->", re.S)
    if not pattern.search(text):
        raise ValueError(f"no '<!-- figures:{name} -->' block in the guide")
    return pattern.sub(lambda _: _BLOCK.format(name=name, body=body), text, count=1)


def update_guide(path: Path, shot_months: dict[str, int], names: list[str]) -> list[str]:
    """Rewrite the figures blocks of ``names`` in the guide at ``path``; returns the names written."""
    text = path.read_text()
    for name in names:
        text = replace_block(text, name, preset_block(name, shot_months.get(name)))
    with atomic_file(path) as out:  # all blocks or none: a failure leaves the guide as it was
        out.write(text)
    return names

"""The trainer's live classroom page, built for a projector.

Run it with ``coalition-sim app`` (or ``solara run coalition_sim/classroom/app.py``).
The page shows a story (preset) with its caption, big numbers (month, members,
mean trust, impact, adopted / blocked), the coalition as a network, live charts
with the coalition-wide events marked, a filterable feed, an organization's
card, downloads, and an "Is this typical?" button that runs 50 replicates of
the current settings in the background. Side by side, two coalitions from the
same population and seed run under two settings, stepped together, with the
difference between them drawn as it grows.

Built from Solara components directly (not Mesa's generic SolaraViz layout) so
that the page reads from the back of a room, plays at a steady pace and stops
at the horizon; the model is still driven through Mesa's model API
(``step``, ``running``, ``datacollector``). The network and the charts are written
as inline SVG text each month (the downloads are drawn with matplotlib), and a
click on an organization's dot opens its card: the page works with no internet
connection (``solara-assets`` serves Solara's own scripts).

Controls take effect when Reset is pressed (or a preset is chosen); the caption
says so when they differ from the run on screen.
"""

from __future__ import annotations

import time
import warnings

import solara
import solara.server.settings

from coalition_sim.classroom import captions, export, side_by_side
from coalition_sim.classroom.controls import CONTROLS, MAX_ORGS, Control, label, shown, start_settings
from coalition_sim.classroom.feed import EventFeed
from coalition_sim.classroom.live_run import DEFAULT_HORIZON, LiveRun
from coalition_sim.classroom.org_card import OrgPanel
from coalition_sim.classroom.presets import PRESETS
from coalition_sim.classroom.replicates_panel import ReplicatesPanel
from coalition_sim.classroom.run_view import InlineSVG, RunView
from coalition_sim.classroom.style import CSS
from coalition_sim.model.governance import rule_names

warnings.filterwarnings("ignore", message=r"Cookies with samesite=none require https")
# (Solara's note on plain http, which localhost is)
solara.server.settings.theme.show_banner = False  # no vendor badge over the page's controls

TITLE = "Coalition classroom"
DEFAULT_PRESET = next(iter(PRESETS))
__all__ = ["CONTROLS", "MAX_ORGS", "Page", "TITLE"]
PLAY_INTERVAL_MS = 400
"""Default pause between months when playing (the speed slider changes it). The play loop
redraws each month before it sleeps, so the pace never outruns the drawing."""
HORIZONS = (12, 600)
"""Range of the horizon control, in months."""

selected_preset = solara.reactive(DEFAULT_PRESET)
"""The story on screen (one per browser session)."""


def build_runs(settings: dict, horizon: int, compare: tuple | None) -> tuple[LiveRun, ...]:
    """One run of ``settings``, or a pair when ``compare`` = (control, right-hand value)."""
    if compare is None:
        return (LiveRun(settings, horizon),)
    return side_by_side.pair(settings, compare[0], compare[1], horizon)


def preset_start(name: str) -> tuple[dict, int, tuple | None]:
    """Settings, horizon and side-by-side choice a preset opens with."""
    preset = PRESETS[name]
    return start_settings(preset.model_params()), max(preset.months, DEFAULT_HORIZON), preset.compare


def default_compare(settings: dict, control: str) -> tuple:
    """(control, value) for the right side when a trainer picks ``control`` to differ."""
    widget, _, low, high, _ = CONTROLS[control]
    choices = rule_names() if widget == "Select" else None
    return control, side_by_side.other_value(control, settings[control], choices, low, high)


@solara.component
def Page():
    """The whole page: play controls, story and settings in the sidebar; the coalition(s) in the middle."""
    first = solara.use_memo(lambda: preset_start(selected_preset.value), [])
    settings = solara.use_reactive(first[0])
    horizon = solara.use_reactive(first[1])
    compare = solara.use_reactive(first[2])
    runs = solara.use_reactive(solara.use_memo(lambda: build_runs(*first), []))
    playing = solara.use_reactive(False)
    tick = solara.use_reactive(0)
    interval = solara.use_reactive(PLAY_INTERVAL_MS)
    selected = solara.use_reactive(None)

    def redraw() -> None:
        tick.set(tick.value + 1)

    def rebuild(new_settings=None, new_compare="same") -> None:
        playing.set(False)
        if new_settings is not None:
            settings.set(new_settings)
        if new_compare != "same":
            compare.set(new_compare)
        selected.set(None)
        runs.set(build_runs(settings.value, horizon.value, compare.value))

    def choose_preset(name: str) -> None:
        playing.set(False)
        selected_preset.set(name)
        start, months, pair = preset_start(name)
        horizon.set(months)
        rebuild(start, pair)

    def play_loop() -> None:
        current = runs.value
        while playing.value and runs.value is current:
            time.sleep(interval.value / 1000)
            if not playing.value or runs.value is not current:
                return
            if not side_by_side.step_together(current):
                playing.set(False)
            redraw()

    solara.lab.use_task(play_loop, dependencies=[playing.value, runs.value], prefer_threaded=True)

    def step() -> None:
        side_by_side.step_together(runs.value)
        redraw()

    def run_to_horizon() -> None:
        playing.set(False)
        for run in runs.value:
            run.run_to(horizon.value)
        redraw()

    def change(name: str, value) -> None:
        settings.set({**settings.value, name: value})

    def set_horizon(months: int) -> None:
        horizon.set(months)
        for run in runs.value:
            run.horizon = months
        redraw()

    solara.Title(TITLE)
    solara.Style(CSS)
    with solara.AppBarTitle():
        solara.Text(TITLE)
    pair = len(runs.value) == 2
    now = tick.value  # every redraw of the page passes this on, so each part redraws with the month
    finished = all(run.finished for run in runs.value)
    with solara.Sidebar(), solara.Column(gap="8px", classes=["sidebar"]):
        PlayControls(playing, finished, horizon.value, on_step=step, on_reset=rebuild, on_run_to=run_to_horizon)
        LabelledSlider("Stop at month", "horizon", horizon.value, HORIZONS, 6, set_horizon)
        LabelledSlider("Pause between months", "speed", interval.value, (100, 2000), 50, interval.set, unit=" ms")
        titles = {p.title: p.name for p in PRESETS.values()}
        solara.Select(
            "Preset",
            value=PRESETS[selected_preset.value].title,
            values=list(titles),
            on_value=lambda title: choose_preset(titles[title]),
        )
        SideBySideControls(settings.value, compare.value, lambda c: rebuild(new_compare=c))
        for name in CONTROLS:
            Control(name, settings.value[name], lambda value, name=name: change(name, value))
    preset = PRESETS[selected_preset.value]
    start = start_settings(preset.model_params())
    with solara.Column(gap="8px", classes=["main"]):
        solara.Text(captions.caption(preset.caption, start, runs.value[0].params), classes=["caption"])
        if not captions.same_settings(settings.value, runs.value[0].params):
            solara.Text("You changed a control: press Reset to start again with it.", classes=["hint"])
        if pair:
            PairView(runs.value, compare.value, selected.value, now, on_select=selected.set)
        else:
            RunView(runs.value[0], now, selected=selected.value, on_select=selected.set)
        OrgPanel(runs.value, selected.value, selected.set, now)
        with solara.Row(gap="12px", style={"align-items": "flex-start", "flex-wrap": "wrap"}):
            EventFeed(runs.value[0], now)
            Downloads(runs.value, now)
        with solara.Row(gap="12px", style={"flex-wrap": "wrap"}):
            for side, run in zip(("left", "right") if pair else ("",), runs.value):
                ReplicatesPanel(run, now, name=side, seed=int(run.params.get("seed", 0)))


@solara.component
def PlayControls(playing, finished: bool, horizon: int, on_step, on_reset, on_run_to):
    """Play / pause, Step, Reset and "Run to month N"."""
    with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
        if playing.value:
            solara.Button("❚❚ Pause", on_click=lambda: playing.set(False), color="warning")
        else:
            solara.Button("▶ Play", on_click=lambda: playing.set(True), disabled=finished, color="primary")
        solara.Button("Step", on_click=on_step, disabled=finished or playing.value)
        solara.Button("Reset", on_click=lambda: on_reset())
    solara.Button(f"Run to month {horizon}", on_click=on_run_to, disabled=finished)


@solara.component
def LabelledSlider(text: str, name: str, value: int, bounds: tuple, step: int, on_value, unit: str = ""):
    """An integer slider of the page itself (not a model setting), its value beside its name."""
    solara.Text(f"{text}: {value}{unit}", classes=["control-label"])
    solara.v.Slider(
        v_model=value,
        min=bounds[0],
        max=bounds[1],
        step=step,
        hide_details=True,
        class_=f"control-{name}",
        on_v_model=lambda new: on_value(int(new)),
    )


@solara.component
def SideBySideControls(settings: dict, compare: tuple | None, on_compare):
    """Switch side by side on or off, pick the control that differs and its value on the right."""
    on = compare is not None
    solara.Switch(
        label="Side by side: two settings, same organizations",
        value=on,
        on_value=lambda yes: on_compare(default_compare(settings, "governance") if yes else None),
    )
    if not on:
        return
    control, value = compare
    labels = {label(n): n for n in CONTROLS if n != "seed"}
    solara.Select(
        "Differs on the right",
        value=label(control),
        values=list(labels),
        on_value=lambda text: on_compare(default_compare(settings, labels[text])),
    )
    with solara.Column(gap="0px", classes=["right-value"]):
        solara.Text("On the right:", classes=["control-label"])
        Control(control, value, lambda new: on_compare((control, new)), suffix="-right")


@solara.component
def PairView(runs, compare: tuple, selected: int | None, tick: int = 0, on_select=None):
    """Two coalitions side by side and the strip of their difference."""
    left, right = runs
    control, value = compare
    canvas = solara.use_memo(side_by_side.DifferenceCanvas, [left, right])
    diff = side_by_side.difference_table(left.series(), right.series())
    svg = solara.use_memo(lambda: canvas.svg(diff), [left, right, left.month, right.month])
    with solara.Row(gap="10px", style={"align-items": "flex-start"}):
        for side, run in (("Left", left), ("Right", right)):
            heading = f"{side}: {label(control)} {shown(control, run.params[control])}"
            RunView(run, tick, selected=selected, stacked=True, heading=heading, on_select=on_select)
    latest = diff.iloc[-1] if len(diff) else None
    if latest is not None:
        solara.Text(
            f"Right minus left at month {len(diff) - 1}: members {latest['members']:+.0f}, "
            f"impact {latest['cumulative_impact']:+.1f}, mean trust {latest['mean_trust']:+.2f}",
            classes=["difference"],
        )
    InlineSVG(svg, "difference")


@solara.component
def Downloads(runs, tick: int = 0):
    """The view as PNG or SVG, the monthly data as CSV."""
    first = runs[0]

    def view(fmt: str):
        def data() -> bytes:
            with first.reading() as model:
                return export.view_bytes(model, first.series(), first.events(), fmt)

        return data

    def monthly() -> bytes:
        names = ("left", "right") if len(runs) == 2 else ("run",)
        return export.monthly_csv({name: run.series() for name, run in zip(names, runs)})

    with solara.Card("Download", classes=["downloads"]), solara.Column(gap="6px"):
        solara.FileDownload(view("png"), filename="coalition.png", label="The view (PNG)", mime_type="image/png")
        solara.FileDownload(view("svg"), filename="coalition.svg", label="The view (SVG)", mime_type="image/svg+xml")
        solara.FileDownload(monthly, filename="months.csv", label="Monthly data (CSV)", mime_type="text/csv")

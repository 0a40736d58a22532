"""The trainer's live classroom page, on Mesa's SolaraViz.

Run it with ``coalition-sim app`` (or ``solara run coalition_sim/classroom/app.py``). The
page shows a story (preset) with its caption, the coalition as a network, live
charts, a plain-language event feed, and an "Is this typical?" button that runs
50 replicates of the current settings in the background.

Everything is drawn with matplotlib (as Mesa's matplotlib backend does), sent
to the browser as SVG images: the Altair backend would fetch vega from a CDN, and
the page must work with no internet connection (``solara-assets``
serves Solara's own scripts). The six charts share one figure with a fixed
layout (``coalition_sim.classroom.live_charts``) rather than six ``make_plot_component``
figures: that is several times cheaper to redraw each month.

How presets work: SolaraViz builds the model from its ``model_params`` by
keyword. Choosing a preset remounts SolaraViz (its ``key`` is the preset name)
with controls whose starting values are the preset's, so the sliders, the
model and Reset all agree. Change a control, then press Reset to rebuild.
"""

from __future__ import annotations

import io
import os
import threading
import warnings
import weakref
from collections import OrderedDict

import matplotlib
import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter
from solara.alias import rw

from coalition_sim.classroom import live_charts, replicates
from coalition_sim.classroom.network_view import NetworkCanvas
from coalition_sim.classroom.presets import PRESETS
from coalition_sim.model.governance import rule_names
from coalition_sim.model.model import CoalitionModel
from coalition_sim.model.params import PARAMETERS

warnings.filterwarnings("ignore", message=r".*ComponentsView: `use_state` found despite early return")
warnings.filterwarnings("ignore", message=r"Cookies with samesite=none require https")
# (the first is Mesa's own code; the second is Solara's note on plain http, which localhost is)

TITLE = "Coalition classroom"
DEFAULT_PRESET = next(iter(PRESETS))
MAX_ORGS = 300
"""Largest coalition the page offers (the model allows more; the page stays responsive)."""
FEED_LENGTH = 12
"""Events shown in the feed, newest first."""
PLAY_INTERVAL_MS = 400
"""Default pause between months when playing (the page's speed slider changes it). It must
stay above the time a redraw takes on the serving machine (about 100-300 ms with 100
organizations, see benchmarks/bench_app.py): Mesa's play loop changes the page from its own
thread, and if it does so faster than the page redraws, Solara stops the session's render
loop ("Too many renders")."""

CONTROLS = {
    # name: (widget, label, min, max, step)
    "governance": ("Select", "Governance rule", None, None, None),
    "backbone_strength": ("SliderFloat", "Backbone strength", 0.0, 1.0, 0.05),
    "backbone_cut_month": ("SliderInt", "Backbone cut at month (0 = never)", 0, 120, 1),
    "n_orgs": ("SliderInt", "Organizations in the core", 1, MAX_ORGS, 1),
    "initial_trust": ("SliderFloat", "Initial trust", 0.0, 1.0, 0.05),
    "alignment_spread": ("SliderFloat", "Alignment spread", 0.0, 0.5, 0.005),
    "capacity_inequality": ("SliderFloat", "Capacity inequality", 0.0, 2.5, 0.1),
    "transaction_cost": ("SliderFloat", "Transaction cost", 0.0, 1.0, 0.005),
    "shock_rate": ("SliderFloat", "Shock rate (per month)", 0.0, 0.5, 0.005),
    "turnover_rate": ("SliderFloat", "Staff turnover (per member per month)", 0.0, 0.3, 0.01),
    "seed": ("SliderInt", "Seed", 0, 999, 1),
}
"""The page's controls; the rest of a preset's parameters are passed through fixed."""

selected_preset = solara.reactive(DEFAULT_PRESET)
"""The story on screen (one per browser session)."""


def model_controls(start: dict) -> dict:
    """SolaraViz ``model_params``: the controls starting at ``start``, other values fixed.

    Args:
        start: model keyword arguments (a preset's), missing ones at their defaults.
    """
    controls = {}
    for name, (widget, label, low, high, step) in CONTROLS.items():
        value = start.get(name, 0 if name == "seed" else PARAMETERS[name].default)
        if widget == "Select":
            controls[name] = {"type": widget, "label": label, "value": value, "values": rule_names()}
        else:
            controls[name] = {"type": widget, "label": label, "value": value, "min": low, "max": high, "step": step}
    fixed = {k: v for k, v in start.items() if k not in CONTROLS}
    return {**controls, **fixed}


def build_model(preset_name: str) -> CoalitionModel:
    """The model a preset starts with."""
    return CoalitionModel(**PRESETS[preset_name].model_params())


MAX_CANVASES = 24
"""Figures kept for this many models at most (one per open browser tab is enough)."""
_CANVASES: OrderedDict[int, tuple] = OrderedDict()
"""id(model) -> (weak reference to the model, network canvas, charts canvas), oldest first.
Bounded, so that a long classroom session with many Resets holds figures for at most
MAX_CANVASES models (the models themselves are freed: CoalitionModel releases Mesa 3.3's
per-model id counter, mesa#3179)."""
_CANVAS_LOCK = threading.Lock()


def canvases(model) -> tuple[NetworkCanvas, live_charts.ChartsCanvas]:
    """The network and chart canvases of ``model``, built on first use (per reset)."""
    with _CANVAS_LOCK:
        entry = _CANVASES.get(id(model))
        if entry is None or entry[0]() is not model:
            entry = (
                weakref.ref(model),
                NetworkCanvas(model, figsize=(6.4, 4.3), dpi=live_charts.DPI),
                live_charts.ChartsCanvas(),
            )
            _CANVASES[id(model)] = entry
            while len(_CANVASES) > MAX_CANVASES:
                _CANVASES.popitem(last=False)
        _CANVASES.move_to_end(id(model))
        return entry[1], entry[2]


def svg_bytes(figure) -> bytes:
    """The figure as SVG with its text kept as text (no glyph outlines, no raster, no PNG encoding):
    about a third cheaper than PNG for these figures. The browser draws the text with a local font."""
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg")
    return buffer.getvalue()


@solara.component
def FigureSVG(figure, dependencies: list):
    """Show a matplotlib figure as SVG, redrawn only when ``dependencies`` change
    (the figures are reused between months, so their identity says nothing)."""
    image = solara.use_memo(lambda: svg_bytes(figure), dependencies)
    return rw.Image(value=image, format="svg+xml")


def NetworkView(model):
    """The coalition as a network (a stable layout per reset)."""
    network, _ = canvases(model)
    FigureSVG(network.update(model), dependencies=[model, model.steps])


def LiveCharts(model):
    """Members, trust, alignment and energy, impact, initiatives, dilution: month by month."""
    _, charts = canvases(model)
    FigureSVG(charts.update(model.datacollector.get_model_vars_dataframe()), dependencies=[model, model.steps])


def EventFeed(model):
    """What happened, in plain language, newest first."""
    events = list(model.events)[-FEED_LENGTH:][::-1]
    with solara.Card("What happened", style={"height": "100%", "overflow": "auto"}):
        if not events:
            solara.Text("Nothing yet: press ▶ or Step.")
        for event in events:
            solara.Text(f"Month {event.month}: {event.text}", style={"display": "block", "font-size": "0.85em"})


def ReplicatesPanel(model):
    """The "Is this typical?" button and the spread of N replicates of the current settings."""
    return Replicates(model)


@solara.component
def Replicates(model: CoalitionModel):
    """Runs replicates in a background task; draws them against the live run."""
    update_counter.get()  # redraw with every month, as Mesa's own components do
    result, set_result = solara.use_state(None)  # (settings key, Spread)
    done = solara.use_reactive(0)
    settings = tuple(sorted(model.params.items()))
    seed = int(getattr(model, "_seed", 0) or 0)

    def work(params: dict, master_seed: int, key):
        done.set(0)
        spread = replicates.run_replicates(params, master_seed=master_seed, on_progress=lambda d, n: done.set(d))
        set_result((key, spread))

    task = solara.lab.use_task(work, dependencies=None)
    solara.use_effect(_warm_pool_if_serving, [])
    fresh = result is not None and result[0] == settings
    current = solara.use_memo(lambda: replicates.SpreadCanvas(result[1]) if fresh else None, [result, fresh])
    with solara.Card("One run is one draw"):
        solara.Button(
            f"Is this typical? Run {replicates.N_REPLICATES} replicates",
            color="primary",
            disabled=task.pending,
            on_click=lambda: task(dict(model.params), seed, settings),
        )
        if task.pending:
            solara.Text(f"Running replicates in the background: {done.value} of {replicates.N_REPLICATES} done")
            solara.ProgressLinear(value=100 * done.value / replicates.N_REPLICATES)
        elif task.error:
            solara.Error(f"The replicates failed: {task.exception}")
        if current is not None:
            members = model.datacollector.get_model_vars_dataframe()["members"].to_numpy()
            FigureSVG(current.update(members), dependencies=[current, model, model.steps])
            solara.Text(replicates.describe(result[1]))
        elif result is not None:
            solara.Text("The settings changed since the last replicates: press the button again.")


COMPONENTS = [(NetworkView, 0), (LiveCharts, 0), (EventFeed, 0), (ReplicatesPanel, 0)]
"""Everything on the page, in order (SolaraViz lays them out two per row)."""


def _warm_pool_if_serving() -> None:
    """Under ``coalition-sim app``, start the replicate workers while the room watches the first run."""
    if os.environ.get("COALITION_SIM_WARM_POOL") == "1":
        replicates.warm_up()


@solara.component
def StoryPicker():
    """Preset selector and its caption."""
    preset = PRESETS[selected_preset.value]
    titles = {p.title: p.name for p in PRESETS.values()}
    with solara.Card("Story"):
        solara.Select(
            "Preset", value=preset.title, values=list(titles), on_value=lambda title: selected_preset.set(titles[title])
        )
        solara.Text(preset.caption, style={"display": "block"})
        solara.Text("Change a control below, then press Reset to rebuild the coalition.", style={"font-size": "0.8em"})


@solara.component
def Page():
    """The whole page: story picker in the sidebar, SolaraViz for the rest."""
    name = selected_preset.value
    model = solara.use_memo(lambda: build_model(name), [name])
    with solara.Sidebar():
        StoryPicker()
    SolaraViz(
        model,
        components=COMPONENTS,
        model_params=model_controls(PRESETS[name].model_params()),
        name=TITLE,
        play_interval=PLAY_INTERVAL_MS,
    ).key(f"preset-{name}")


page = Page

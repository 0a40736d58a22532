"""One coalition on the page: big numbers, the dissolution banner, the network and the charts.

The drawings are inline SVG with their text kept as text, drawn at natural
size: the browser draws the letters with a local font (no internet needed), a
room can read them, and their size can be measured. The network is written as
SVG text (:mod:`coalition_sim.classroom.network_svg`) inside a small Vue
component (``network.vue``) that lays an invisible hit area over each
organization: hovering shows its name, a click opens its card.
Every read of the run happens under the run's lock (``LiveRun.reading``), so a
render from the play loop and one from the replicates' task never see a
half-written month.
"""

from __future__ import annotations

from collections.abc import Callable

import solara

from coalition_sim.classroom import feed, live_charts, monitors
from coalition_sim.classroom.live_run import LiveRun
from coalition_sim.classroom.network_svg import NetworkSVG
from coalition_sim.classroom.network_view import BURNOUT_COLOUR, SECTOR_COLOURS
from coalition_sim.classroom.svg_frames import frame_svg
from coalition_sim.model.population import SECTORS

NETWORK_SIZE = (4.5, 4.3)
"""Inches of the network drawing (1 inch = 96 pixels on screen)."""
STACKED_SIZES = {"network": (4.6, 3.6), "charts": (4.6, 4.1)}
"""Inches of the drawings side by side, where each coalition has half the width."""
PX_PER_INCH = 96


def svg_text(figure) -> str:
    """The figure as an inline ``<svg>`` element, text kept as text (no glyph outlines)."""
    return frame_svg(figure)


@solara.component
def InlineSVG(svg: str, name: str):
    """An SVG drawing in the page (``name`` is its CSS class, for styling and tests)."""
    solara.HTML(tag="div", unsafe_innerHTML=svg, classes=["drawing", f"drawing-{name}"])


@solara.component_vue("network.vue")
def NetworkDrawing(svg: str, nodes: list, width: float, height: float, side: str, event_select: Callable[[int], None]):
    """The network's SVG with a hit area over each organization (hover: its name; click: ``event_select(i)``)."""


@solara.component
def Monitors(series, horizon: int):
    """The big numbers: month, members, mean trust, impact, adopted / blocked."""
    with solara.Row(classes=["monitors"], gap="12px"):
        for name, value in monitors.monitor_values(series, horizon).items():
            with solara.Column(gap="0px", classes=["monitor"]):
                solara.Text(value, classes=["monitor-value"])
                solara.Text(name, classes=["monitor-name"])


@solara.component
def NetworkLegend(sectors):
    """What the network's colours and marks mean (in the page, so it stays legible and cheap)."""
    with solara.Row(classes=["legend"], gap="10px", style={"flex-wrap": "wrap"}):
        for s in sectors:
            solara.HTML(
                tag="span",
                unsafe_innerHTML=f'<b style="color:{SECTOR_COLOURS[s % len(SECTOR_COLOURS)]}">●</b> {SECTORS[s]}',
            )
        solara.HTML(tag="span", unsafe_innerHTML="● member &nbsp; ○ wider network &nbsp; ✕ left")
        solara.HTML(tag="span", unsafe_innerHTML=f'<b style="color:{BURNOUT_COLOUR}">◯</b> burnt out &nbsp; ◆ backbone')


@solara.component
def ChartsLegend():
    """What the charts' lines and marks are."""
    with solara.Row(classes=["legend"], gap="10px", style={"flex-wrap": "wrap", "max-width": "470px"}):
        for text, colour, style in live_charts.legend_entries():
            solara.HTML(
                tag="span",
                unsafe_innerHTML=f'<b style="display:inline-block;width:1.4em;border-top:3px {style} {colour};'
                f'vertical-align:middle"></b> {text}',
            )


@solara.component
def RunView(
    run: LiveRun,
    tick: int = 0,
    selected: int | None = None,
    stacked: bool = False,
    heading: str = "",
    on_select: Callable[[int], None] | None = None,
):
    """Everything about one run: numbers, banner, network (with labels, clickable) and charts."""
    width, height = (PX_PER_INCH * inches for inches in (STACKED_SIZES["network"] if stacked else NETWORK_SIZE))
    charts_size = STACKED_SIZES["charts"] if stacked else live_charts.FIGSIZE
    network = solara.use_memo(lambda: NetworkSVG(run.model, width, height), [run])
    nodes = solara.use_memo(lambda: network.hit_areas(run.model), [network])
    charts = solara.use_memo(lambda: live_charts.ChartsCanvas(figsize=charts_size, legend=False), [run])
    series = run.series()
    events = run.events()

    def draw_network() -> str:
        with run.reading() as model:
            labels = feed.organizations_named(events, model.names, n=4)
            if selected is not None:
                labels[selected] = model.names[selected]
            return network.svg(model, labels=labels, selected=selected)

    network_svg = solara.use_memo(draw_network, [run, run.month, selected])
    charts_svg = solara.use_memo(lambda: charts.svg(series, events), [run, run.month])
    with solara.Column(gap="6px", classes=["run-view"]):
        if heading:
            solara.Text(heading, classes=["run-heading"])
        Monitors(series, run.horizon)
        banner = run.dissolution()
        if banner:
            solara.Error(banner, classes=["dissolved-banner"])
        elif run.month >= run.horizon:
            solara.Info(f"Stopped at the horizon, month {run.horizon}: raise it to run on.")
        with (solara.Column if stacked else solara.Row)(gap="8px", style={"align-items": "flex-start"}):
            with solara.Column(gap="0px"):
                NetworkDrawing(
                    svg=network_svg,
                    nodes=nodes,
                    width=width,
                    height=height,
                    side=heading.split(":")[0].lower() if heading else "single",
                    event_select=lambda i: on_select(int(i)) if on_select else None,
                )
                NetworkLegend(sorted(set(int(s) for s in run.model.sector)))
            with solara.Column(gap="0px"):
                InlineSVG(charts_svg, "charts")
                ChartsLegend()

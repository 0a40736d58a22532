"""The classroom page's parts without the page: live runs under threads, captions, feed,
organization card, big numbers, side by side, downloads, chart limits, image sizes."""

from __future__ import annotations

import io
import threading

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from coalition_sim import PRESETS
from coalition_sim.classroom import captions, export, feed, live_charts, monitors, side_by_side
from coalition_sim.classroom.live_run import LiveRun
from coalition_sim.classroom.org_card import org_card
from coalition_sim.classroom.replicates_panel import settings_key, throttled
from coalition_sim.classroom.run_view import NETWORK_SIZE, svg_text
from coalition_sim.model.events import Event


# ---------------------------------------------------------------- live runs
def test_reads_while_another_thread_steps_always_see_whole_months():
    run = LiveRun({"n_orgs": 40, "seed": 2, "patience": 120.0}, horizon=150)
    problems: list[str] = []
    columns = list(run.series().columns)
    done = threading.Event()

    def play() -> None:
        while run.step():
            pass
        done.set()

    player = threading.Thread(target=play)
    player.start()
    rows: list[int] = []
    while not done.is_set() or len(rows) < 5:
        series = run.series()  # raises "Length of values ..." if a month is half-written
        rows.append(len(series))
        if list(series.columns) != columns:
            problems.append(f"columns {list(series.columns)}")
    player.join()
    assert problems == []
    assert rows == sorted(rows), "a read went back in time"
    assert len(run.series()) == run.month + 1


def test_a_run_stops_at_its_horizon_and_runs_to_a_month():
    run = LiveRun(PRESETS["silos"].model_params(), horizon=10)
    assert run.run_to(6) == 6 and run.month == 6
    assert run.run_to(50) == 4 and run.month == 10  # capped at the horizon
    assert run.finished and not run.step() and run.month == 10
    run.horizon = 12
    assert run.step() and run.month == 11


def test_dissolution_is_told_as_a_banner():
    run = LiveRun({"n_orgs": 1, "seed": 0})
    assert run.dissolution() is None
    run.step()
    assert run.dissolved and run.finished
    assert run.dissolution().startswith("Dissolved at month 1: ")
    assert "dissolves" not in run.dissolution()


# ---------------------------------------------------------------- captions
def test_caption_is_the_preset_s_while_its_settings_run_and_follows_the_controls_after():
    from coalition_sim.classroom.controls import start_settings

    preset = PRESETS["silos"]
    start = start_settings(preset.model_params())
    assert captions.caption(preset.caption, start, dict(start)) == preset.caption
    changed = {**start, "governance": "consensus", "backbone_strength": 0.0}
    text = captions.caption(preset.caption, start, changed)
    assert text.startswith("Your settings: 30 organizations") and "consensus" in text
    assert "coordinator" not in text and "No backbone" in text
    cut = captions.describe_settings({**start, "backbone_cut_month": 36})
    assert "until month 36" in cut


def test_an_unknown_rule_is_named_as_it_is():
    assert "'drifting'" in captions.rule_phrase("drifting")


# ---------------------------------------------------------------- feed
EVENTS = [
    Event(1, "join", "Org 3 (business) joined the core"),
    Event(2, "exit", "Org 7 (academia) left: burnt out"),
    Event(2, "shock", "Shock: legal skills now needed"),
    Event(3, "join", "Org 12 (community) joined the core"),
    Event(4, "drifted", "Org 3 (business) drifted away"),
]


def test_feed_is_newest_first_and_filters_by_kind():
    assert [e.month for e in feed.latest(EVENTS)] == [4, 3, 2, 2, 1]
    assert [e.text[:6] for e in feed.latest(EVENTS, {"join"})] == ["Org 12", "Org 3 "]
    assert feed.latest(EVENTS, set()) == feed.latest(EVENTS)
    assert len(feed.latest(EVENTS, n=2)) == 2
    assert feed.kinds_seen(EVENTS) == ["join", "exit", "shock", "drifted"]
    assert feed.kind_name("drifted") == "drifted" and feed.kind_name("join") == "joins"


def test_the_organizations_the_feed_names_are_found_newest_first():
    names = [f"Org {i}" for i in range(20)]
    assert feed.organizations_named(EVENTS, names) == {3: "Org 3", 12: "Org 12", 7: "Org 7"}
    assert list(feed.organizations_named(EVENTS, names, n=2)) == [3, 12]


# ---------------------------------------------------------------- card and numbers
def test_an_organization_card_says_who_it_is_and_why_it_left():
    run = LiveRun({"n_orgs": 6, "seed": 1, "patience": 1.0})
    run.run_to(60)
    with run.reading() as model:
        gone = next(iter(model.exit_cause))
        card = org_card(model, gone)
        assert card.name == model.names[gone] and card.status == "left the coalition"
        assert card.why_left and f"(month {model.exit_month[gone]})" in card.why_left
        assert card.capacity == pytest.approx(model.capacity[gone])
    lines = card.lines()
    assert lines[0].startswith("Sector: ") and lines[-1].startswith("Why it left: ")


def test_big_numbers_known_answer():
    series = pd.DataFrame(
        {
            "members": [5, 6, 7],
            "mean_trust": [0.2, 0.25, 0.3],
            "cumulative_impact": [0.0, 1.0, 2.5],
            "adopted": [0, 1, 2],
            "blocked": [0, 2, 0],
        }
    )
    assert monitors.monitor_values(series, 120) == {
        "Month": "2 of 120",
        "Members": "7",
        "Mean trust": "0.30",
        "Impact": "2.5",
        "Adopted / blocked": "3 / 2",
    }
    other = series.assign(members=[5, 4, 3], cumulative_impact=[0.0, 0.5, 0.5])
    assert monitors.differences(series, other) == {"members": -4.0, "impact": -2.0, "trust": 0.0}
    assert monitors.monitor_values(series.iloc[:0], 120) == {}


# ---------------------------------------------------------------- side by side
def test_a_pair_shares_its_population_and_differs_in_one_setting():
    params = PRESETS["silos"].model_params()
    left, right = side_by_side.pair(params, "backbone_strength", 0.1, horizon=24)
    np.testing.assert_array_equal(left.model.capacity, right.model.capacity)
    np.testing.assert_array_equal(left.model.position, right.model.position)
    assert (left.params["backbone_strength"], right.params["backbone_strength"]) == (0.7, 0.1)
    for _ in range(24):
        side_by_side.step_together((left, right))
    assert left.month == right.month == 24
    assert not side_by_side.step_together((left, right))
    diff = side_by_side.difference_table(left.series(), right.series())
    assert len(diff) == 25 and diff.iloc[0].abs().max() == pytest.approx(0.0)
    assert diff.abs().to_numpy().max() > 0


def test_other_value_picks_another_rule_or_the_far_end():
    assert side_by_side.other_value("governance", "opt-in", ["consensus", "opt-in"]) == "consensus"
    assert side_by_side.other_value("backbone_strength", 0.2, low=0.0, high=1.0) == 1.0
    assert side_by_side.other_value("backbone_strength", 0.8, low=0.0, high=1.0) == 0.0


# ---------------------------------------------------------------- downloads
@pytest.fixture(scope="module")
def played():
    run = LiveRun(PRESETS["backbone-cut"].model_params(), horizon=48)
    run.run_to(48)
    return run


def test_the_view_downloads_as_png_and_svg(played):
    with played.reading() as model:
        png = export.view_bytes(model, played.series(), played.events(), "png")
        svg = export.view_bytes(model, played.series(), played.events(), "svg")
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.width > 1000
    assert b"<svg" in svg[:1000]
    with pytest.raises(ValueError, match="allowed png, svg"):
        export.view_bytes(model, played.series(), (), "gif")


def test_the_monthly_data_downloads_as_one_csv_per_page(played):
    table = pd.read_csv(io.BytesIO(export.monthly_csv({"left": played.series(), "right": played.series()})))
    assert list(table.columns[:3]) == ["run", "month", "members"]
    assert len(table) == 2 * 49 and set(table.run) == {"left", "right"}
    assert table.month.max() == 48


def test_the_replicates_table_downloads_as_csv():
    from coalition_sim.classroom import replicates

    spread = replicates.run_replicates({"n_orgs": 8, "seed": 0}, n=3, horizon=6, workers=1)
    table = pd.read_csv(io.BytesIO(export.replicates_csv(spread)))
    assert list(table.columns) == ["month", "share_still_going", "members_low", "members_median", "members_high"]
    assert len(table) == 7 and table.share_still_going.between(0, 1).all()


# ---------------------------------------------------------------- drawings
def test_the_charts_mark_the_backbone_cut_and_shocks(played):
    events = played.events()
    marks = live_charts.event_months(events)
    assert 36 in marks["backbone"]
    canvas = live_charts.ChartsCanvas()
    canvas.update(played.series(), events)
    per_panel = len(canvas._marks) // len(canvas.axes)
    assert per_panel == sum(len(m) for m in marks.values()) >= 1


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=0.0, max_value=1e6, allow_nan=False))
def test_nice_ceiling_is_above_the_value_and_close_to_it(value):
    top = live_charts.nice_ceiling(value)
    assert top >= value
    assert top <= max(value, 0.1) * 1.67 + 1e-9


def test_the_month_axis_moves_once_a_year():
    assert [live_charts.months_shown(n) for n in (1, 13, 14, 25, 26)] == [12, 12, 24, 24, 36]


def test_the_network_at_300_organizations_is_at_most_150_kb():
    from coalition_sim.classroom.network_view import NetworkCanvas

    run = LiveRun({"n_orgs": 300, "governance": "opt-in", "seed": 3})
    run.run_to(24)
    canvas = NetworkCanvas(run.model, figsize=NETWORK_SIZE, dpi=96, legend=False)
    svg = svg_text(canvas.update(run.model, labels={0: run.model.names[0]}, selected=0))
    assert len(svg.encode()) <= 150_000
    assert run.model.names[0] in svg and "Month 24" in svg  # text stays text


# ---------------------------------------------------------------- replicates on the page
def test_progress_is_reported_at_most_twice_a_second_and_always_at_the_end():
    seen = []
    report = throttled(lambda done, total: seen.append(done), every_s=3600)
    for done in range(1, 51):
        report(done, 50)
    assert seen == [1, 50]


def test_a_spread_belongs_to_its_settings_not_its_seed():
    assert settings_key({"a": 1, "seed": 3}) == settings_key({"a": 1, "seed": 4})
    assert settings_key({"a": 1}) != settings_key({"a": 2})


# ---------------------------------------------------------------- lines over a kept frame
def test_lines_are_written_where_matplotlib_would_draw_them():
    from matplotlib.figure import Figure

    from coalition_sim.classroom.svg_frames import LinesOverFrame, polyline

    figure = Figure(figsize=(2.0, 1.0), dpi=96)
    ax = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    (line,) = ax.plot([0.0, 0.5, 1.0], [0.0, np.nan, 1.0], color="#ff0000", lw=2)
    # 2 x 1 inches = 144 x 72 points; SVG's y axis points down; the missing value splits the line
    assert polyline(ax, line, 72 / 96, 72.0) == (
        '<polyline points="0.0,72.0 0.0,72.0" fill="none" stroke="#ff0000" stroke-width="2" '
        'stroke-linejoin="round" stroke-linecap="round"/>'
        '<polyline points="144.0,0.0 144.0,0.0" fill="none" stroke="#ff0000" stroke-width="2" '
        'stroke-linejoin="round" stroke-linecap="round"/>'
    )
    overlay = LinesOverFrame(figure, [(ax, line)])
    first = overlay.svg(key=1)
    assert first.startswith("<svg") and first.count("<polyline") == 2 and line.get_visible()
    line.set_data([0.0, 1.0], [0.0, 1.0])
    second = overlay.svg(key=1)
    assert second.count("<polyline") == 1 and "0.0,72.0 144.0,0.0" in second
    assert second.split("<polyline")[0] == first.split("<polyline")[0], "the frame was kept"


# ---------------------------------------------------------------- the page's network, as SVG text
def _network(n_orgs: int = 40, months: int = 30, seed: int = 3, params: dict | None = None):
    from coalition_sim.classroom.network_svg import NetworkSVG

    run = LiveRun(params or {"n_orgs": n_orgs, "governance": "opt-in", "seed": seed})
    run.run_to(months)
    return run.model, NetworkSVG(run.model, 432, 413)


def test_the_network_draws_each_organization_once_in_its_status():
    import re

    from coalition_sim.model.population import CORE, EXITED, NETWORK

    model, drawing = _network(months=72, params=PRESETS["backbone-cut"].model_params())  # members leave
    svg = drawing.svg(model)
    burnt = sum(cause == "burnout" for cause in model.exit_cause.values())
    exited = int((model.status == EXITED).sum())
    nodes = svg.split('<g class="nodes"')[1].split("</g>")[0]
    circles = re.findall(r"<circle ", nodes)
    crosses = re.findall(r'<path d="M[^"]*M[^"]*"', nodes)
    assert len(circles) == int((model.status == CORE).sum()) + int((model.status == NETWORK).sum()) + burnt
    assert len(crosses) == exited - burnt and exited > 0
    assert nodes.count('stroke="white"') == int((model.status == CORE).sum())  # filled = core member
    assert f"Month {model.steps}: " in svg and svg.startswith("<svg") and svg.endswith("</svg>")


def test_hit_areas_sit_on_the_drawn_nodes_and_name_them():
    import re

    from coalition_sim.model.population import CORE

    model, drawing = _network()
    areas = drawing.hit_areas(model)
    assert [a["i"] for a in areas] == list(range(len(model.names)))
    assert [a["name"] for a in areas] == list(model.names)
    core = next(a for a in areas if model.status[a["i"]] == CORE)
    drawn = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)" fill="#', drawing.svg(model))
    assert (f"{core['x']:.1f}", f"{core['y']:.1f}") in {(x, y) for x, y, _ in drawn}
    assert all(a["r"] >= 8.0 for a in areas)  # small organizations stay clickable
    assert all(0 <= a["x"] <= 432 and 0 <= a["y"] <= 413 for a in areas)


def test_the_selected_organization_is_ringed_and_labels_are_text():
    model, drawing = _network()
    svg = drawing.svg(model, labels={5: "Org 5 <&>"}, selected=5)
    assert 'class="selected"' in svg and "Org 5 &lt;&amp;&gt;" in svg
    assert 'class="selected"' not in drawing.svg(model)


def test_the_page_network_at_300_organizations_is_small_and_its_text_legible():
    import re

    model, drawing = _network(n_orgs=300, months=24)
    svg = drawing.svg(model, labels={0: model.names[0]}, selected=0)
    assert len(svg.encode()) <= 150_000
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)]
    assert sizes and min(sizes) >= 14


# ---------------------------------------------------------------- the page's charts, as SVG text
def test_chart_panels_sit_where_matplotlib_puts_the_axes_with_its_limits_and_ticks():
    from coalition_sim.classroom import svg_chart

    run = LiveRun(PRESETS["backbone-cut"].model_params())
    run.run_to(40)
    series, events = run.series(), run.events()
    canvas = live_charts.ChartsCanvas(legend=False)
    canvas.update(series, events)
    width, height = (inches * 96 for inches in canvas.figure.get_size_inches())
    boxes = svg_chart.grid_boxes(width, height, 2, 2, canvas.margins)
    panels = live_charts.chart_panels(series, events)
    for ax, box, panel in zip(canvas.axes, boxes, panels):
        x0, y0, w, h = ax.get_position().bounds
        assert box == pytest.approx((x0 * width, (1 - y0 - h) * height, w * width, h * height))
        assert panel.ylim == pytest.approx(ax.get_ylim()) and panel.xlim == pytest.approx(ax.get_xlim())
        shown = [t for t in ax.get_yticks() if panel.ylim[0] - 1e-9 <= t <= panel.ylim[1] + 1e-9]
        assert list(svg_chart.ticks(*panel.ylim, panel.y_ticks)) == pytest.approx(shown)
    marked = sorted(m[0] for m in panels[0].marks)
    assert 36 in marked and marked == sorted(e.month for e in events if e.kind in live_charts.EVENT_MARKS)


def test_chart_lines_are_written_where_matplotlib_would_draw_them():
    import re

    from coalition_sim.classroom import svg_chart

    panel = svg_chart.Panel("t", (0, 10), (0, 4), [svg_chart.Series(np.array([0, 5, 10]), np.array([0, 2, 4]), "#f00")])
    svg = svg_chart.panel_svg(panel, (50.0, 20.0, 100.0, 80.0))
    points = re.search(r'<polyline points="([^"]+)"', svg).group(1)
    assert points == "50.0,100.0 100.0,60.0 150.0,20.0"  # the box's corners; SVG's y axis points down
    assert [svg_chart.tick_label(v, 0.1) for v in (0.0, 0.2, -0.25)] == ["0", "0.2", "\u22120.2"]
    assert [svg_chart.tick_label(v, 500) for v in (0.0, 1500.0)] == ["0", "1500"]


def test_the_difference_strip_and_charts_are_svg_text_with_legible_sizes():
    import re

    left, right = side_by_side.pair({"n_orgs": 20, "seed": 1}, "governance", "opt-in", 120)
    for _ in range(15):
        side_by_side.step_together((left, right))
    strip = side_by_side.DifferenceCanvas().svg(side_by_side.difference_table(left.series(), right.series()))
    charts = live_charts.ChartsCanvas(legend=False).svg(left.series(), left.events())
    for svg in (strip, charts):
        sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)]
        assert svg.startswith("<svg") and "<polyline" in svg and min(sizes) >= 14
    assert strip.count("<polyline") == 3 and "right minus left" in strip


def test_every_default_and_preset_value_lies_on_its_controls_step():
    # a browser slider snaps to its step: an off-step start value changes the settings at Reset
    from coalition_sim.classroom.controls import CONTROLS, start_settings

    for preset in PRESETS.values():
        settings = start_settings(preset.model_params())
        for name, (_widget, _label, low, _high, step) in CONTROLS.items():
            if step is None:
                continue
            steps = (settings[name] - low) / step
            assert abs(steps - round(steps)) < 1e-6, f"{preset.name}: {name}={settings[name]} is off the step {step}"

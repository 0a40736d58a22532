"""The classroom page without a browser: it renders, steps, switches presets,
survives extreme controls; presets tell their stories; replicates and
animations are right; the app and animate commands refuse bad flags."""

from __future__ import annotations

import re
import threading
import time

import ipyvuetify as v
import numpy as np
import pandas as pd
import pytest
import solara
from PIL import Image

from coalition_sim import PARAMETERS, PRESETS, CoalitionModel
from coalition_sim.classroom import replicates
from coalition_sim.cli.main import main as cli
from coalition_sim.studies.runner import RunResult

pytestmark = pytest.mark.filterwarnings("ignore:.*use_state` found despite early return")

STORY_SEEDS = range(10)
STORY_MAJORITY = 6
"""A preset's story must show in at least this many of STORY_SEEDS."""


# ---------------------------------------------------------------- helpers
def render_page(preset: str = "silos"):
    """The real page inside an AppLayout (so the sidebar's controls render too)."""
    from coalition_sim.classroom import app

    app.selected_preset.set(preset)

    @solara.component
    def Root():
        with solara.AppLayout():
            app.Page()

    _, rc = solara.render(Root(), handle_error=False)
    return rc


def texts(rc) -> list[str]:
    """Every text shown by solara.Text."""
    return [str(c) for w in rc.find(v.Html, tag="span").widgets for c in w.children if isinstance(c, str)]


def months(rc) -> list[int]:
    """The month of each run on screen, from its big number ("12 of 120")."""
    return [int(t.split(" of ")[0]) for t in texts(rc) if re.fullmatch(r"\d+ of \d+", t)]


def month(rc) -> int:
    (shown,) = set(months(rc))
    return shown


def click(rc, label: str) -> None:
    rc.find(v.Btn, children=[label]).widget.click()


def button(rc, label: str):
    return rc.find(v.Btn, children=[label]).widget


def button_texts(rc) -> list[str]:
    """Every button's text (a download button also holds an icon)."""
    return [str(c) for w in rc.find(v.Btn).widgets for c in w.children if isinstance(c, str)]


def set_control(rc, name: str, value) -> None:
    rc.find(v.Slider, class_=f"control-{name}").widget.v_model = value


def control(rc, name: str):
    return rc.find(v.Slider, class_=f"control-{name}").widget.v_model


def network_widgets(rc) -> list:
    """The network drawings (a Vue template each: the SVG and the organizations' hit areas)."""
    return [w for w in rc.find(v.VuetifyTemplate).widgets if hasattr(w, "nodes") and hasattr(w, "svg")]


def drawings(rc, name: str | None = None) -> list[str]:
    """The inline SVG drawings on the page (optionally only the network, charts, ...), network first."""
    wanted = "drawing" if name is None else f"drawing-{name}"
    networks = [w.svg for w in network_widgets(rc)] if name in (None, "network") else []
    return networks + [
        w.unsafe_innerHTML
        for w in rc.find(solara.widgets.HTML).widgets
        if wanted in w.attributes.get("class", "").split()
    ]


def errors_shown(rc) -> list[str]:
    return [str(w.children) for w in rc.find(v.Alert).widgets if w.type == "error"]


def choose_preset(rc, name: str) -> None:
    rc.find(v.Select, label="Preset").widget.v_model = PRESETS[name].title


@pytest.fixture
def built_runs(monkeypatch):
    """Every LiveRun the page builds, in order."""
    from coalition_sim.classroom.live_run import LiveRun

    runs = []
    real = LiveRun.__init__

    def spy(self, *args, **kwargs):
        real(self, *args, **kwargs)
        runs.append(self)

    monkeypatch.setattr(LiveRun, "__init__", spy)
    return runs


def wait_for(condition, timeout_s: float = 60.0) -> bool:
    """Poll ``condition`` until it holds (the play loop and the replicates run in threads)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


# ---------------------------------------------------------------- the page
def test_app_module_imports_and_names_its_page():
    from coalition_sim.classroom import app

    assert app.DEFAULT_PRESET in PRESETS
    assert app.TITLE == "Coalition classroom"
    assert {name for name in app.CONTROLS} - {"seed"} <= set(CoalitionModel.__init__.__kwdefaults__)


def test_page_renders_controls_with_values_story_numbers_and_drawings():
    rc = render_page("silos")
    for label in (
        "Reset",
        "▶ Play",
        "Step",
        "Run to month 120",
        f"Is this typical? Run {replicates.N_REPLICATES} replicates",
    ):
        assert rc.find(v.Btn, children=[label]).widgets, label
    shown = texts(rc)
    assert PRESETS["silos"].caption in shown
    assert len(drawings(rc, "network")) == 1 and len(drawings(rc, "charts")) == 1
    assert month(rc) == 0 and "0 of 120" in shown
    for name in ("Members", "Mean trust", "Impact", "Adopted / blocked"):
        assert name in shown, name
    assert rc.find(v.Slider, class_="control-n_orgs").widget.max == 300
    assert "Backbone strength: 0.70" in shown and "Organizations in the core: 30" in shown
    assert "Initial trust: 0.05" in shown


def test_a_control_shows_its_new_value_and_asks_for_reset():
    rc = render_page("silos")
    set_control(rc, "backbone_strength", 0.35)
    assert "Backbone strength: 0.35" in texts(rc)
    assert any(t.startswith("You changed a control") for t in texts(rc))
    click(rc, "Reset")
    assert not any(t.startswith("You changed a control") for t in texts(rc))


def test_step_advances_month_drawings_and_feed():
    rc = render_page("silos")
    before = drawings(rc)
    for _ in range(3):
        click(rc, "Step")
    assert month(rc) == 3
    after = drawings(rc)
    assert after[0] != before[0] and after[1] != before[1]
    assert any(t.startswith("Month ") and ":" in t for t in texts(rc)), "the event feed shows what happened"


def test_drawings_are_svg_with_text_kept_as_text():
    rc = render_page("silos")
    click(rc, "Step")
    for svg in drawings(rc):
        assert svg.startswith("<svg") and "<text" in svg
        assert "<path" in svg or "<image" in svg


def test_choosing_a_preset_rebuilds_controls_caption_and_side_by_side():
    from coalition_sim.classroom import app

    rc = render_page("silos")
    click(rc, "Step")
    choose_preset(rc, "backbone-cut")
    assert app.selected_preset.value == "backbone-cut"
    assert PRESETS["backbone-cut"].caption in texts(rc)
    assert control(rc, "backbone_cut_month") == 36
    assert control(rc, "backbone_strength") == pytest.approx(0.9)
    assert months(rc) == [0, 0]  # this preset opens side by side: with and without the cut
    assert "Left: Backbone cut at month (0 = never) 36" in texts(rc)
    assert "Right: Backbone cut at month (0 = never) 0" in texts(rc)


def test_the_turnover_slider_starts_at_the_default_and_reaches_the_model(built_runs):
    rc = render_page("community_coalition")
    assert control(rc, "turnover_rate") == PARAMETERS["turnover_rate"].default
    set_control(rc, "turnover_rate", 0.0)
    click(rc, "Reset")
    click(rc, "Step")
    assert built_runs[-1].model.turnover_rate == 0.0 and built_runs[-1].month == 1


def test_a_changed_control_takes_effect_on_reset_and_the_caption_follows(built_runs):
    rc = render_page("silos")
    set_control(rc, "n_orgs", 12)
    rc.find(v.Select, label="Governance rule").widget.v_model = "consensus"
    click(rc, "Reset")
    click(rc, "Step")
    assert month(rc) == 1
    assert built_runs[-1].model.initial_members == 12
    caption = next(t for t in texts(rc) if t.startswith("Your settings: "))
    assert "12 organizations" in caption and "consensus" in caption and "coordinator" not in caption


@pytest.mark.parametrize(
    "name, value",
    [
        ("n_orgs", 1),
        ("n_orgs", 300),
        ("backbone_strength", 0.0),
        ("backbone_strength", 1.0),
        ("initial_trust", 0.0),
        ("initial_trust", 1.0),
        ("turnover_rate", 0.3),
    ],
)
def test_extreme_control_values_never_crash_the_page(name, value):
    rc = render_page("silos")
    set_control(rc, name, value)
    click(rc, "Reset")
    for _ in range(3):
        if not button(rc, "Step").disabled:
            click(rc, "Step")
    assert errors_shown(rc) == [] or all("Dissolved at month" in e for e in errors_shown(rc))
    assert 1 <= month(rc) <= 3  # a one-organization coalition dissolves in month 1
    assert len(drawings(rc)) == 2


def test_dissolution_shows_a_banner_and_stops_the_run():
    rc = render_page("silos")
    set_control(rc, "n_orgs", 1)
    click(rc, "Reset")
    click(rc, "Step")
    (banner,) = errors_shown(rc)
    assert re.search(r"Dissolved at month 1: \w+", banner), banner
    assert button(rc, "Step").disabled and button(rc, "▶ Play").disabled
    assert "dissolved" in drawings(rc, "network")[0]


def test_after_a_dissolution_another_preset_plays():
    rc = render_page("silos")
    set_control(rc, "n_orgs", 1)
    click(rc, "Reset")
    click(rc, "Step")
    assert button(rc, "▶ Play").disabled
    choose_preset(rc, "crisis")
    assert month(rc) == 0 and not button(rc, "▶ Play").disabled and not button(rc, "Step").disabled
    set_control(rc, "speed", 100)
    click(rc, "▶ Play")
    assert wait_for(lambda: month(rc) >= 2), "playing did not advance the new run"
    click(rc, "❚❚ Pause")
    assert errors_shown(rc) == []


def test_a_coalition_dissolving_while_playing_stops_play_and_the_next_preset_plays():
    rc = render_page("silos")
    set_control(rc, "n_orgs", 1)
    set_control(rc, "speed", 100)
    click(rc, "Reset")
    click(rc, "▶ Play")
    assert wait_for(lambda: any("Dissolved at month 1" in e for e in errors_shown(rc)), 30)
    assert wait_for(lambda: rc.find(v.Btn, children=["▶ Play"]).widgets and button(rc, "▶ Play").disabled, 30)
    choose_preset(rc, "pull")  # (the play loop's last redraw may still be finishing: wait for the new run)
    assert wait_for(lambda: month(rc) == 0 and not button(rc, "▶ Play").disabled, 30)
    assert "Organizations in the core: 15" in texts(rc)
    click(rc, "▶ Play")
    assert wait_for(lambda: month(rc) >= 2), "playing did not advance the new run"
    click(rc, "❚❚ Pause")


def test_the_run_stops_at_the_horizon_and_runs_to_it():
    rc = render_page("silos")
    set_control(rc, "horizon", 24)
    click(rc, "Run to month 24")
    assert month(rc) == 24
    assert "24 of 24" in texts(rc)
    assert button(rc, "Step").disabled and button(rc, "▶ Play").disabled
    assert any("Stopped at the horizon, month 24" in str(w.children) for w in rc.find(v.Alert).widgets)
    set_control(rc, "horizon", 30)  # raising the horizon lets it run on
    click(rc, "Step")
    assert month(rc) == 25


def test_side_by_side_steps_both_from_the_same_population_and_the_difference_grows(built_runs):
    rc = render_page("silos")
    rc.find(v.Switch, label="Side by side: two settings, same organizations").widget.v_model = True
    left, right = built_runs[-2:]
    assert left.params["governance"] == "opt-in" and right.params["governance"] != "opt-in"
    np.testing.assert_array_equal(left.model.capacity, right.model.capacity)
    np.testing.assert_array_equal(left.model.sector, right.model.sector)
    assert months(rc) == [0, 0] and len(drawings(rc, "network")) == 2
    strips = []
    for _ in range(6):
        click(rc, "Step")
        strips.append(drawings(rc, "difference")[0])
    assert months(rc) == [6, 6]
    assert len(set(strips)) > 1, "the difference strip never changed"
    assert any(t.startswith("Right minus left at month 6: members") for t in texts(rc))


def test_an_organization_card_opens_and_the_drawing_labels_it():
    rc = render_page("silos")
    click(rc, "Step")
    rc.find(v.Select, label="Find an organization").widget.v_model = "Org 3"
    shown = texts(rc)
    assert "Org 3" in shown
    assert any(t.startswith("Sector: ") for t in shown) and any(t.startswith("Energy: ") for t in shown)
    assert "Org 3" in drawings(rc, "network")[0]


def test_clicking_an_organization_in_the_drawing_opens_its_card():
    rc = render_page("silos")
    click(rc, "Step")
    (network,) = network_widgets(rc)
    assert [n["name"] for n in network.nodes][:3] == ["Org 0", "Org 1", "Org 2"]
    assert not any(t.startswith("Sector: ") for t in texts(rc))
    network.vue_select(7)  # what the browser sends when a node's hit area is clicked
    shown = texts(rc)
    assert "Org 7" in shown and any(t.startswith("Energy: ") for t in shown)
    assert rc.find(v.Select, label="Find an organization").widget.v_model == "Org 7"
    assert 'class="selected"' in network_widgets(rc)[0].svg


def test_side_by_side_a_click_on_either_drawing_opens_the_card_for_both():
    rc = render_page("backbone-cut")
    left, right = network_widgets(rc)
    right.vue_select(4)
    shown = texts(rc)
    assert "Left: Org 4" in shown and "Right: Org 4" in shown
    assert all('class="selected"' in w.svg for w in network_widgets(rc))


def test_the_feed_filters_by_kind():
    rc = render_page("crisis")
    click(rc, "Run to month 120")
    lines = [t for t in texts(rc) if re.match(r"Month \d+: ", t)]
    assert len(lines) > 12
    rc.find(v.Select, label="Show only").widget.v_model = ["joins"]
    lines = [t for t in texts(rc) if re.match(r"Month \d+: ", t)]
    assert lines and all("joined" in t for t in lines)


def _small_replicates(monkeypatch, finished: threading.Event):
    real = replicates.run_replicates

    def small(params, master_seed=0, on_progress=None, **_):
        spread = real(params, n=6, master_seed=master_seed, horizon=24, workers=1, on_progress=on_progress)
        finished.set()
        return spread

    monkeypatch.setattr(replicates, "run_replicates", small)


REPLICATES = f"Is this typical? Run {replicates.N_REPLICATES} replicates"


def test_replicate_button_runs_in_background_and_draws_the_spread(monkeypatch):
    finished = threading.Event()
    _small_replicates(monkeypatch, finished)
    rc = render_page("silos")
    click(rc, REPLICATES)
    assert finished.wait(60), "the replicates never finished"
    assert wait_for(lambda: not button(rc, REPLICATES).disabled and len(drawings(rc, "replicates")) == 1, 30)
    assert any(t.startswith("6 replicates") for t in texts(rc))
    assert "Download the replicates' table (CSV)" in button_texts(rc)
    spread_before = drawings(rc, "replicates")[0]
    click(rc, "Step")  # the live run's line moves over the replicates' band
    # (the task's thread may still be finishing its own redraw, which then includes this month)
    assert wait_for(lambda: drawings(rc, "replicates")[0] != spread_before, 30)
    assert month(rc) == 1
    set_control(rc, "initial_trust", 0.9)
    click(rc, "Reset")
    assert drawings(rc, "replicates") == [], "a spread for other settings is not shown"
    assert not any(t.startswith("6 replicates") for t in texts(rc))


def test_replicates_pressed_ten_times_while_playing_and_mid_reset_stay_safe(monkeypatch):
    finished = threading.Event()
    _small_replicates(monkeypatch, finished)
    rc = render_page("silos")
    set_control(rc, "speed", 100)
    click(rc, "▶ Play")
    for _ in range(10):
        rc.find(v.Btn, children=[REPLICATES]).widget.click()
    click(rc, "Reset")  # mid-run of the replicates
    assert finished.wait(60)
    assert wait_for(lambda: any(t.startswith("6 replicates") for t in texts(rc)), 30)
    click(rc, "▶ Play")
    assert wait_for(lambda: month(rc) >= 3)
    click(rc, "❚❚ Pause")
    assert errors_shown(rc) == []


# ---------------------------------------------------------------- presets
@pytest.mark.parametrize("name", list(PRESETS))
def test_each_preset_builds_runs_50_months_and_draws(name):
    from coalition_sim.classroom.live_charts import ChartsCanvas
    from coalition_sim.classroom.network_view import NetworkCanvas

    preset = PRESETS[name]
    assert preset.caption.count(". ") + preset.caption.count("! ") == 1 and preset.caption.endswith(".")
    model = CoalitionModel(**preset.model_params()).run(50)
    NetworkCanvas(model).update(model)
    ChartsCanvas().update(model.datacollector.get_model_vars_dataframe(), model.events)
    assert model.steps >= 1


@pytest.mark.parametrize("name", list(PRESETS))
def test_each_preset_tells_its_story_in_most_seeds(name):
    preset = PRESETS[name]
    shown = [preset.story(CoalitionModel(**preset.model_params(seed=s)).run(preset.months)) for s in STORY_SEEDS]
    assert sum(shown) >= STORY_MAJORITY, f"{name}: story shown in {sum(shown)} of {len(shown)} seeds"


def test_story_checks_can_fail():
    """Runs that cannot show a story are not counted as showing it."""
    from coalition_sim.classroom.presets import backbone_loss, gridlock, held_by_pull

    assert not backbone_loss(CoalitionModel(seed=1).run(20))  # never reached the cut
    closed = dict(n_orgs=10, entry_rate=0.0, seed=1)  # nobody can join: no growth
    assert not gridlock(CoalitionModel(**closed).run(40))
    assert not held_by_pull(CoalitionModel(**closed).run(40))


# ---------------------------------------------------------------- replicates
def _result(run_id: int, members: list[int], censored: bool, impact: float = 1.0) -> RunResult:
    series = pd.DataFrame({"members": members})
    summary = {"censored": censored, "lifetime": len(members) - 1, "total_impact": impact}
    return RunResult(run_id, "ok", summary, series, [], "", 0.0)


def test_spread_known_answer():
    results = [
        _result(0, [5, 4, 3, 2], censored=False, impact=2.0),  # dissolved in month 3
        _result(1, [5, 5, 6, 6, 7, 7], censored=True, impact=4.0),  # still going at the horizon 5
        RunResult(2, "failed", {}, None, [], "boom", 0.0),
    ]
    spread = replicates.summarize(results, horizon=5)
    np.testing.assert_allclose(spread.survival, [1, 1, 1, 0.5, 0.5, 0.5])
    np.testing.assert_allclose(spread.members_median, [5, 4.5, 4.5, 4, 3.5, 3.5])  # dissolved = 0 members
    assert (spread.n_ok, spread.n_failed, spread.endured, spread.median_impact) == (2, 1, 0.5, 3.0)
    assert "1 failed" in replicates.describe(spread)


def test_replicates_are_reproducible_and_ignore_the_live_seed():
    params = {**PRESETS["silos"].model_params(), "n_orgs": 8}
    a = replicates.run_replicates(params, n=4, master_seed=5, horizon=12, workers=1)
    b = replicates.run_replicates({**params, "seed": 999}, n=4, master_seed=5, horizon=12, workers=1)
    np.testing.assert_array_equal(a.members_median, b.members_median)
    assert a.n_ok == 4
    specs = replicates.replicate_specs(params, n=4, master_seed=5)
    assert len({s.seed for s in specs}) == 4 and all("seed" not in s.params for s in specs)
    assert [s.seed for s in specs] != [s.seed for s in replicates.replicate_specs(params, n=4, master_seed=6)]


# ---------------------------------------------------------------- animation and commands
def test_animate_writes_a_gif_with_one_frame_per_month(tmp_path, capsys):
    out = tmp_path / "silos.gif"
    assert cli(["animate", "--preset", "silos", "--out", str(out), "--months", "4"]) == 0
    with Image.open(out) as gif:
        assert gif.format == "GIF" and gif.n_frames == 5  # month 0 and four more
    assert "Wrote" in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir()] == ["silos.gif"]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["animate", "--preset", "backbone", "--out", "x.gif"], "did you mean 'backbone-cut'"),
        (["animate", "--preset", "silos", "--out", "x.txt"], "allowed file types are .gif, .mp4"),
        (["animate", "--preset", "silos", "--out", "x.gif", "--months", "0"], "--months=0 is out of range"),
        (["animate", "--preset", "silos", "--out", "no/such/dir/x.gif"], "does not exist"),
        (["app", "--port", "70000"], "--port=70000 is out of range"),
    ],
)
def test_bad_flags_exit_2_with_one_line(argv, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli(argv) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_app_command_serves_the_page_file_on_the_given_address():
    from coalition_sim.cli.commands import app as command

    line = command.server_command("127.0.0.1", 9999)
    assert line[1:4] == ["-m", "solara", "run"] and line[4].endswith("coalition_sim/classroom/app.py")
    assert line[line.index("--host") + 1] == "127.0.0.1" and line[line.index("--port") + 1] == "9999"
    assert 0 < command.free_port("127.0.0.1") < 65536


def test_animate_refuses_an_existing_file_before_any_work(tmp_path, capsys, monkeypatch):
    from coalition_sim.classroom import animate as animation

    out = tmp_path / "kept.gif"
    out.write_bytes(b"slides")
    monkeypatch.setattr(animation, "record", lambda *a, **k: pytest.fail("rendered before checking --out"))
    assert cli(["animate", "--preset", "silos", "--out", str(out), "--months", "4"]) == 2
    err = capsys.readouterr().err.strip()
    assert "already exists" in err and "\n" not in err
    assert out.read_bytes() == b"slides"


def test_animate_refuses_a_folder_it_cannot_write(tmp_path, capsys, monkeypatch):
    import os

    monkeypatch.setattr(os, "access", lambda path, mode: False)
    assert cli(["animate", "--preset", "silos", "--out", str(tmp_path / "x.gif"), "--months", "2"]) == 2
    assert "is not writable" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_app_refuses_a_port_in_use_in_one_line(capsys):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert cli(["app", "--port", str(port)]) == 2
    err = capsys.readouterr().err.strip()
    assert f"--port={port}" in err and "cannot be used" in err and "\n" not in err


def test_app_prints_its_address_only_once_the_server_listens(monkeypatch, capsys):
    from coalition_sim.cli.commands import app as command

    class Server:
        returncode = None

        def __init__(self, *args, **kwargs):
            self.polls = 0

        def poll(self):
            return None

        def wait(self, timeout=None):
            return 0

    listening = iter([False, False, True])
    monkeypatch.setattr(command.subprocess, "Popen", Server)
    monkeypatch.setattr(command, "accepts_connections", lambda host, port: next(listening))
    monkeypatch.setattr(command.time, "sleep", lambda s: print("(waiting)"))
    assert cli(["app", "--port", "0"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["(waiting)", "(waiting)"] and out[2].startswith("Coalition classroom: open http://localhost:")

"""The classroom page without a browser: it renders, steps, switches presets,
survives extreme controls; presets tell their stories; replicates and
animations are right; the app and animate commands refuse bad flags."""

from __future__ import annotations

import threading
import time

import ipyvuetify as v
import ipywidgets
import numpy as np
import pandas as pd
import pytest
import solara
from PIL import Image

from coalition_sim import PRESETS, CoalitionModel
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


def step_counter(rc) -> int:
    label = next(t for t in texts(rc) if t.startswith("Step: "))
    return int(label.removeprefix("Step: "))


def click(rc, label: str) -> None:
    rc.find(v.Btn, children=[label]).widget.click()


def set_control(rc, label: str, value) -> None:
    rc.find(v.Slider, label=label).widget.v_model = value


def images(rc) -> list[bytes]:
    return [bytes(w.value) for w in rc.find(ipywidgets.Image).widgets]


def errors_shown(rc) -> list[str]:
    return [str(w.children) for w in rc.find(v.Alert).widgets]


# ---------------------------------------------------------------- the page
def test_app_module_imports_and_names_its_page():
    from coalition_sim.classroom import app

    assert app.Page is app.page
    assert app.DEFAULT_PRESET in PRESETS
    assert {name for name in app.CONTROLS} - {"seed"} <= set(CoalitionModel.__init__.__kwdefaults__)


def test_page_renders_controls_story_and_drawings():
    rc = render_page("silos")
    for label in ("Reset", "▶", "Step", f"Is this typical? Run {replicates.N_REPLICATES} replicates"):
        assert rc.find(v.Btn, children=[label]).widgets, label
    assert PRESETS["silos"].caption in texts(rc)
    assert len(images(rc)) == 2  # network and charts
    assert step_counter(rc) == 0
    assert rc.find(v.Slider, label="Organizations in the core").widget.max == 300


def test_step_advances_counter_charts_network_and_feed():
    rc = render_page("silos")
    before = images(rc)
    for _ in range(3):
        click(rc, "Step")
    assert step_counter(rc) == 3
    after = images(rc)
    assert after[0] != before[0] and after[1] != before[1]
    assert any(t.startswith("Month ") for t in texts(rc)), "the event feed shows what happened"


def test_choosing_a_preset_rebuilds_model_controls_and_caption():
    from coalition_sim.classroom import app

    rc = render_page("silos")
    click(rc, "Step")
    select = rc.find(v.Select, label="Preset").widget
    select.v_model = PRESETS["backbone-cut"].title
    assert app.selected_preset.value == "backbone-cut"
    assert PRESETS["backbone-cut"].caption in texts(rc)
    assert rc.find(v.Slider, label="Backbone cut at month (0 = never)").widget.v_model == 36
    assert rc.find(v.Slider, label="Backbone strength").widget.v_model == pytest.approx(0.9)
    assert step_counter(rc) == 0


def test_the_turnover_slider_starts_at_the_default_and_reaches_the_model():
    rc = render_page("community_coalition")
    assert rc.find(v.Slider, label="Staff turnover (per member per month)").widget.v_model == 0.06
    set_control(rc, "Staff turnover (per member per month)", 0.0)
    click(rc, "Reset")
    click(rc, "Step")
    from coalition_sim.classroom import app

    models = [entry[0]() for entry in app._CANVASES.values()]
    assert any(m is not None and m.turnover_rate == 0.0 and m.steps == 1 for m in models)


def test_a_changed_control_takes_effect_on_reset():
    rc = render_page("silos")
    set_control(rc, "Organizations in the core", 12)
    click(rc, "Reset")
    click(rc, "Step")
    title_changes = [t for t in texts(rc) if t.startswith("Step: ")]
    assert title_changes == ["Step: 1"]
    from coalition_sim.classroom import app

    models = [entry[0]() for entry in app._CANVASES.values()]
    assert any(m is not None and m.initial_members == 12 for m in models)


def test_figure_cache_is_bounded_and_per_model():
    from coalition_sim.classroom import app

    models = [CoalitionModel(n_orgs=3, seed=s) for s in range(app.MAX_CANVASES + 5)]
    first = app.canvases(models[-1])
    assert app.canvases(models[-1]) is not None and app.canvases(models[-1])[0] is first[0]
    for model in models:
        app.canvases(model)
    assert len(app._CANVASES) <= app.MAX_CANVASES
    assert app.canvases(models[0])[0] is not app.canvases(models[1])[0]


@pytest.mark.parametrize(
    "label, value",
    [
        ("Organizations in the core", 1),
        ("Organizations in the core", 300),
        ("Backbone strength", 0.0),
        ("Backbone strength", 1.0),
        ("Initial trust", 0.0),
        ("Initial trust", 1.0),
        ("Staff turnover (per member per month)", 0.3),
    ],
)
def test_extreme_control_values_never_crash_the_page(label, value):
    rc = render_page("silos")
    set_control(rc, label, value)
    click(rc, "Reset")
    for _ in range(3):
        click(rc, "Step")
    assert errors_shown(rc) == []
    assert 1 <= step_counter(rc) <= 3  # a one-organization coalition dissolves in month 1
    assert len(images(rc)) == 2


def test_replicate_button_runs_in_background_and_draws_the_spread(monkeypatch):
    finished = threading.Event()
    real = replicates.run_replicates

    def small(params, master_seed=0, on_progress=None, **_):
        spread = real(params, n=6, master_seed=master_seed, horizon=24, workers=1, on_progress=on_progress)
        finished.set()
        return spread

    monkeypatch.setattr(replicates, "run_replicates", small)
    rc = render_page("silos")
    assert len(images(rc)) == 2
    click(rc, f"Is this typical? Run {replicates.N_REPLICATES} replicates")
    assert finished.wait(60), "the replicates never finished"
    button = rc.find(v.Btn, children=[f"Is this typical? Run {replicates.N_REPLICATES} replicates"]).widget
    deadline = time.monotonic() + 30
    while (button.disabled or len(images(rc)) < 3) and time.monotonic() < deadline:
        time.sleep(0.05)  # the task's thread re-renders the page as it ends
    assert len(images(rc)) == 3 and not button.disabled
    assert any(t.startswith("6 replicates") for t in texts(rc))
    spread_before = images(rc)[2]
    click(rc, "Step")  # the live run's line moves over the replicates' band
    assert len(images(rc)) == 3 and images(rc)[2] != spread_before
    set_control(rc, "Initial trust", 0.9)
    click(rc, "Reset")
    assert len(images(rc)) == 2, "a spread for other settings is not shown"
    assert not any(t.startswith("6 replicates") for t in texts(rc))


# ---------------------------------------------------------------- presets
@pytest.mark.parametrize("name", list(PRESETS))
def test_each_preset_builds_runs_50_months_and_draws(name):
    from coalition_sim.classroom.app import canvases

    preset = PRESETS[name]
    assert preset.caption.count(". ") + preset.caption.count("! ") == 1 and preset.caption.endswith(".")
    model = CoalitionModel(**preset.model_params()).run(50)
    network, charts = canvases(model)
    network.update(model)
    charts.update(model.datacollector.get_model_vars_dataframe())
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

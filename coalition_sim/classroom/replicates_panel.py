""" "Is this typical?" on the page: the button, its progress, and the spread against the live run.

Safe at any moment: while playing, paused, just after a Reset, or pressed twice.
The replicates run in worker processes (their own models); this page's thread
only reads the live run through its lock, ignores a press while replicates are
already running, and reports progress at most twice a second (each report
redraws the page, and reports faster than the page can redraw would pile up).
"""

from __future__ import annotations

import os
import threading
import time

import solara

from coalition_sim.classroom import export, replicates
from coalition_sim.classroom.live_run import LiveRun
from coalition_sim.classroom.run_view import InlineSVG

PROGRESS_EVERY_S = 0.5
"""Shortest time between two progress reports on the page."""


def settings_key(params: dict) -> tuple:
    """The settings a spread belongs to (a spread for other settings is not shown)."""
    return tuple(sorted((k, str(v)) for k, v in params.items() if k != "seed"))


def throttled(report, every_s: float = PROGRESS_EVERY_S):
    """``report(done, total)`` at most once per ``every_s`` seconds, and always for the last one."""
    last = [float("-inf")]
    lock = threading.Lock()

    def on_progress(done: int, total: int) -> None:
        with lock:
            now = time.monotonic()
            if done < total and now - last[0] < every_s:
                return
            last[0] = now
        report(done, total)

    return on_progress


def _warm_pool_if_serving() -> None:
    """Under ``coalition-sim app``, start the replicate workers while the room watches the first run."""
    if os.environ.get("COALITION_SIM_WARM_POOL") == "1":
        replicates.warm_up()


@solara.component
def ReplicatesPanel(run: LiveRun, tick: int = 0, name: str = "", seed: int = 0):
    """The button and, once run, the replicates' spread with this run's members drawn over it."""
    result, set_result = solara.use_state(None)  # (settings key, Spread)
    done = solara.use_reactive(0)
    key = settings_key(run.params)

    def work(params: dict, master_seed: int, settings: tuple):
        done.set(0)
        spread = replicates.run_replicates(
            params, master_seed=master_seed, horizon=run.horizon, on_progress=throttled(lambda d, _n: done.set(d))
        )
        set_result((settings, spread))

    task = solara.lab.use_task(work, dependencies=None)
    solara.use_effect(_warm_pool_if_serving, [])
    fresh = result is not None and result[0] == key
    canvas = solara.use_memo(lambda: replicates.SpreadCanvas(result[1]) if fresh else None, [result, fresh])

    def draw() -> str | None:
        return None if canvas is None else canvas.svg(run.series()["members"].to_numpy())

    svg = solara.use_memo(draw, [canvas, run, run.month])

    def press() -> None:
        if task.pending:  # a second press while running changes nothing
            return
        task(dict(run.params), seed, key)

    label = f"Is this typical? Run {replicates.N_REPLICATES} replicates" + (f" ({name})" if name else "")
    with solara.Card("One run is one draw" + (f": {name}" if name else ""), classes=["replicates"]):
        solara.Button(label, color="primary", disabled=task.pending, on_click=press)
        if task.pending:
            solara.Text(f"Running replicates in the background: {done.value} of {replicates.N_REPLICATES} done")
            solara.ProgressLinear(value=100 * done.value / replicates.N_REPLICATES)
        elif task.error:
            solara.Error(f"The replicates failed: {task.exception}")
        if svg is not None:
            InlineSVG(svg, "replicates")
            solara.Text(replicates.describe(result[1]))
            solara.FileDownload(
                lambda: export.replicates_csv(result[1]),
                filename="replicates.csv",
                label="Download the replicates' table (CSV)",
                mime_type="text/csv",
            )
        elif result is not None:
            solara.Text("The settings changed since the last replicates: press the button again.")

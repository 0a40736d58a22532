""" "Is this typical?": many replicates of the current settings, and their spread.

One run is one draw. This module runs N replicates (default 50) of a model's
settings with fresh seeds, through the study runner, and summarises them as a
survival curve (share of coalitions still going at each month) and a band of
member counts (10th to 90th percentile, with the median) that the live run can
be drawn against.

All replicates stop at the same horizon, so the only censoring is at the
horizon and the Kaplan-Meier estimate equals the plain share of runs that have
not dissolved by month t; that is what :func:`summarize` computes. A coalition
that has dissolved counts as 0 members from then on.
"""

from __future__ import annotations

import atexit
import concurrent.futures as cf
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from coalition_sim.classroom.svg_frames import LinesOverFrame
from coalition_sim.studies.runner import RunResult, RunSpec, run_many, spawn_seeds

N_REPLICATES = 50
"""Replicates per press of the button."""
HORIZON = 120
"""Months each replicate runs (the model's default horizon)."""
BAND = (10, 90)
"""Percentiles of the member band."""
FONT_PT = 11
"""Smallest text on the replicates' figure, in points (about 15 screen pixels at natural size)."""

_POOL: cf.ProcessPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def shared_pool(workers: int | None = None) -> cf.ProcessPoolExecutor:
    """A process pool kept for the life of the server, so later presses skip the start-up.

    Starting worker processes (each imports Mesa) costs seconds; a classroom
    presses the button many times. The pool is shut down when Python exits.
    """
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            workers = workers or max(1, min(2, os.cpu_count() or 1))
            _POOL = cf.ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_exit_with_parent,
                initargs=(os.getpid(),),
            )
            atexit.register(_POOL.shutdown, wait=False, cancel_futures=True)
        return _POOL


def warm_up() -> None:
    """Start the shared pool's workers in the background (they import the model)."""
    pool = shared_pool()
    for _ in range(pool._max_workers):
        pool.submit(_import_model)


def _exit_with_parent(parent: int) -> None:
    """In a worker: quit as soon as the server that started it is gone (no orphans after a kill)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()


def _import_model() -> bool:
    import coalition_sim.model.model  # noqa: F401

    return True


@dataclass(frozen=True)
class Spread:
    """What N replicates did.

    Attributes:
        months: 0..horizon.
        survival: share of replicates not yet dissolved at each month.
        members_low, members_median, members_high: percentiles of member counts per month.
        n_ok: replicates that ran; n_failed: replicates that raised (kept out of the figures).
        endured: share of replicates still going at the horizon.
        median_impact: median total impact.
    """

    months: np.ndarray
    survival: np.ndarray
    members_low: np.ndarray
    members_median: np.ndarray
    members_high: np.ndarray
    n_ok: int
    n_failed: int
    endured: float
    median_impact: float


def replicate_specs(params: dict, n: int = N_REPLICATES, master_seed: int = 0, horizon: int = HORIZON) -> list[RunSpec]:
    """Specs for ``n`` replicates of ``params`` with seeds spawned from ``master_seed``.

    Args:
        params: model keyword arguments (``seed`` is ignored: each replicate gets its own).
        n: number of replicates.
        master_seed: root of the replicates' seeds.
        horizon: months per replicate.
    """
    params = {k: v for k, v in params.items() if k != "seed"}
    seeds = spawn_seeds(int(master_seed), n)
    return [
        RunSpec(run_id=i, point_id=0, replication=i, params=params, seed=s, steps=horizon) for i, s in enumerate(seeds)
    ]


def run_replicates(
    params: dict,
    n: int = N_REPLICATES,
    master_seed: int = 0,
    horizon: int = HORIZON,
    workers: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Spread:
    """Run ``n`` replicates of ``params`` (in worker processes) and summarise them.

    Args:
        params: model keyword arguments.
        n: number of replicates.
        master_seed: root of their seeds (same root, same replicates).
        horizon: months per replicate.
        workers: None = the shared pool (up to 2 processes, kept between calls); 1 = in this
            process; more = a fresh pool of that size.
        on_progress: called with (done, total) after each replicate.
    """
    specs = replicate_specs(params, n, master_seed, horizon)
    executor = shared_pool() if workers is None else None
    results = []
    for result in run_many(specs, workers=workers, executor=executor, progress=False, keep_series=["members"]):
        results.append(result)
        if on_progress is not None:
            on_progress(len(results), n)
    return summarize(results, horizon)


def summarize(results: Iterable[RunResult], horizon: int = HORIZON) -> Spread:
    """Survival curve and member band of finished replicates."""
    results = list(results)
    ok = [r for r in results if r.status == "ok"]
    months = np.arange(horizon + 1)
    members = np.zeros((len(ok), months.size))
    lifetimes = np.full(len(ok), horizon + 1.0)
    for row, result in enumerate(ok):
        values = result.series["members"].to_numpy(dtype=float)[: months.size]
        members[row, : values.size] = values  # zero after dissolution
        if not result.summary["censored"]:
            lifetimes[row] = result.summary["lifetime"]
    survival = (lifetimes[:, None] > months[None, :]).mean(axis=0) if ok else np.full(months.size, np.nan)
    low, mid, high = (
        np.percentile(members, q, axis=0) if ok else np.full(months.size, np.nan) for q in (BAND[0], 50, BAND[1])
    )
    impacts = [r.summary["total_impact"] for r in ok]
    return Spread(
        months,
        survival,
        low,
        mid,
        high,
        len(ok),
        len(results) - len(ok),
        float(np.mean([r.summary["censored"] for r in ok])) if ok else float("nan"),
        float(np.median(impacts)) if ok else float("nan"),
    )


class SpreadCanvas:
    """The replicates' figure, drawn once; each month only the live run's line moves.

    Args:
        spread: the replicates' summary.
        figsize: inches.
    """

    def __init__(self, spread: Spread, figsize=(8.0, 3.2), dpi: int = 96) -> None:
        self.figure = Figure(figsize=figsize, dpi=dpi)
        ax_survival, ax_members = self.figure.subplots(1, 2)
        plot_spread(ax_survival, ax_members, spread, live_members=[0])
        self.live = ax_members.get_lines()[-1]
        for ax in (ax_survival, ax_members):
            ax.tick_params(labelsize=FONT_PT)
            ax.xaxis.label.set_size(FONT_PT)
            ax.yaxis.label.set_size(FONT_PT)
        self.figure.tight_layout()
        self._overlay = LinesOverFrame(self.figure, [(ax_members, self.live)])

    def update(self, live_members) -> Figure:
        """Show the live run's member counts so far; returns the figure."""
        live_members = np.asarray(live_members, dtype=float)
        self.live.set_data(np.arange(live_members.size), live_members)
        return self.figure

    def svg(self, live_members) -> str:
        """The figure as inline SVG with the live run's members so far (the frame is drawn once)."""
        self.update(live_members)
        return self._overlay.svg(key=0)


def plot_spread(ax_survival: Axes, ax_members: Axes, spread: Spread, live_members=None) -> None:
    """Draw the survival curve and the member band, with the live run's members on top.

    Args:
        ax_survival: axes for the share of coalitions still going.
        ax_members: axes for the member band.
        spread: the replicates' summary.
        live_members: the live run's member counts by month (optional).
    """
    ax_survival.step(spread.months, spread.survival, where="post", color="#2c3e50")
    ax_survival.set_ylim(-0.02, 1.02)
    ax_survival.set_xlabel("month")
    ax_survival.set_ylabel("share still going")
    ax_survival.set_title(f"Survival of {spread.n_ok} coalitions", fontsize=FONT_PT + 1)
    lo, hi = BAND
    ax_members.fill_between(
        spread.months,
        spread.members_low,
        spread.members_high,
        color="#3498db",
        alpha=0.25,
        label=f"{lo}-{hi}% of replicates",
    )
    ax_members.plot(spread.months, spread.members_median, color="#2980b9", lw=1, ls="--", label="median")
    if live_members is not None and len(live_members):
        ax_members.plot(np.arange(len(live_members)), live_members, color="#c0392b", lw=2, label="this run")
    ax_members.set_xlabel("month")
    ax_members.set_ylabel("members")
    ax_members.set_title("Members: this run against the replicates", fontsize=FONT_PT + 1)
    ax_members.legend(fontsize=FONT_PT, loc="best", frameon=False)


def describe(spread: Spread) -> str:
    """One sentence for the room."""
    failed = f" ({spread.n_failed} failed and are left out)" if spread.n_failed else ""
    return (
        f"{spread.n_ok} replicates{failed}: {spread.endured:.0%} still going after "
        f"{spread.months[-1]} months; median total impact {spread.median_impact:.1f}."
    )

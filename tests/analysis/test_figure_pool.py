"""Figures drawn in worker processes: the same files as drawn here, errors raised here, workers stopped."""

from __future__ import annotations

import os
import time
from functools import partial

import pytest
from test_analysis import runs_table

from coalition_sim.analysis import method_plots
from coalition_sim.analysis import plots as P
from coalition_sim.analysis.figure_pool import FigurePool

BY = ["governance", "backbone_strength"]


@pytest.fixture(scope="module")
def runs():
    arms = {(g, b): (20.0 if g == "consensus" else 30.0) * (1 + 3 * b) for g in ("consensus", "opt-in") for b in (0, 1)}
    return runs_table(arms, n=30, seed=5)


def _makers(runs) -> dict:
    return {
        "survival": partial(P.survival_figure, runs, BY, 60.0),
        "impact": partial(P.impact_figure, runs, BY),
    }


def _draw_all(directory, workers: int, makers: dict) -> list[str]:
    with FigurePool(directory, workers=workers) as pool:
        for stem, make in makers.items():
            pool.draw(stem, make)
        return sorted(p.name for p in pool.wait())


def test_workers_write_the_same_files_as_one_process(runs, tmp_path):
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir()
    there.mkdir()
    names = _draw_all(here, 0, _makers(runs))
    assert names == ["impact.png", "impact.svg", "survival.png", "survival.svg"]
    assert _draw_all(there, 1, _makers(runs)) == names
    for name in names:
        assert (there / name).read_bytes() == (here / name).read_bytes(), name


def test_a_figure_that_fails_in_a_worker_raises_its_error_here(tmp_path):
    with pytest.raises(ValueError, match="invalid literal"):
        _draw_all(tmp_path, 2, {"broken": partial(int, "not a number")})


def test_a_worker_that_dies_is_reported_as_a_broken_pool(tmp_path):
    from concurrent.futures.process import BrokenProcessPool

    with pytest.raises(BrokenProcessPool):
        _draw_all(tmp_path, 2, {"killed": partial(os._exit, 1)})


def test_leaving_on_ctrl_c_stops_the_workers_at_once(tmp_path):
    processes = []
    with pytest.raises(KeyboardInterrupt), FigurePool(tmp_path, workers=2) as pool:
        pool.draw("slow", partial(time.sleep, 120))
        processes = list(pool._pool._processes.values())
        raise KeyboardInterrupt
    assert processes
    assert not any(p.is_alive() for p in processes)


def test_a_discarded_figure_leaves_no_file_and_a_stem_is_drawn_once(runs, tmp_path):
    with FigurePool(tmp_path, workers=0) as pool:
        pool.draw("impact", partial(P.impact_figure, runs, BY))
        with pytest.raises(ValueError, match="drawn twice"):
            pool.draw("impact", partial(P.impact_figure, runs, BY))
        pool.discard("impact")
        assert pool.wait() == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "make",
    [
        partial(P.survival_figure, runs_table({("a", 0.0): 20.0, ("b", 0.0): 30.0}, n=20, seed=1), BY, 60.0),
        partial(method_plots.cause_figure, runs_table({("a", 0.0): 20.0, ("b", 0.0): 30.0}, n=20, seed=1), BY, 60.0),
    ],
    ids=["survival", "causes"],
)
def test_titles_placed_ahead_sit_where_matplotlib_would_place_them(make, tmp_path):
    fixed = P.save(make(), tmp_path, "fixed")
    fig = make()
    for ax in fig.axes:
        ax._autotitlepos = True  # matplotlib's own placing, measuring the ticks
    placed = P.save(fig, tmp_path, "placed")
    assert fixed[1].read_bytes() == placed[1].read_bytes()
    assert fixed[0].read_bytes() == placed[0].read_bytes()

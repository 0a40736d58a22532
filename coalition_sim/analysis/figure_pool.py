"""Figures drawn and saved in worker processes while the statistics go on.

A figure is given by its maker: a picklable callable that returns a matplotlib Figure (a
top-level function, or a ``functools.partial`` of one over picklable data). :class:`FigurePool`
builds each maker in a worker process and saves it with :func:`plots.save` into one folder,
so a figure's files are those the same calls give in this process. Workers are deaf to Ctrl-C
(this process stops them) and end with it; leaving the pool on an error or Ctrl-C stops them
at once, so nothing is written after. A worker's error is raised here by :meth:`FigurePool.wait`
(a dead worker as ``BrokenProcessPool``). With no workers everything is drawn in this process.

    >>> with FigurePool(tmp) as pool:  # doctest: +SKIP
    ...     pool.draw("survival", functools.partial(plots.survival_figure, runs, ["governance"], 60))
    ...     written = pool.wait()
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path

from matplotlib.figure import Figure

from coalition_sim.analysis import plots
from coalition_sim.util.parent_watch import exit_with_parent

MAX_WORKERS = 4
"""At most this many workers: a large figure's drawing takes hundreds of MB."""


def draw_and_save(make: Callable[[], Figure], directory: str, stem: str) -> list[str]:
    """Build one figure and save it; the names of its files (top-level, so workers can import it)."""
    return [path.name for path in plots.save(make(), directory, stem)]


def default_workers() -> int:
    """One worker per core but the one this process computes on, at most :data:`MAX_WORKERS` (0: none).

    More processes than cores only slow each other down (on two cores, two workers beside this
    process took as long when idle, and half as long again when another program ran).
    """
    return max(0, min((os.cpu_count() or 1) - 1, MAX_WORKERS))


class FigurePool:
    """Draw figures into ``directory`` in ``workers`` processes (0: here, at once).

    Use as a context manager: leaving it normally waits for every figure; leaving it on an
    exception stops the workers first.
    """

    def __init__(self, directory: str | Path, workers: int | None = None) -> None:
        self.directory = str(directory)
        self.workers = default_workers() if workers is None else workers
        self._pool: cf.ProcessPoolExecutor | None = None
        self._jobs: dict[str, cf.Future] = {}

    def __enter__(self) -> FigurePool:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if self._pool is None:
            return
        if kind is not None:
            _terminate(self._pool)
        self._pool.shutdown(wait=True, cancel_futures=True)

    def draw(self, stem: str, make: Callable[[], Figure]) -> None:
        """Draw ``make()`` as ``stem.png`` and ``stem.svg`` (in a worker, or here with one worker)."""
        if stem in self._jobs:
            raise ValueError(f"figure {stem!r} is drawn twice")
        if self.workers == 0:
            done: cf.Future = cf.Future()
            done.set_result(draw_and_save(make, self.directory, stem))
            self._jobs[stem] = done
            return
        with _sigint_held():  # a worker spawned now starts deaf to Ctrl-C
            self._jobs[stem] = self._executor().submit(draw_and_save, make, self.directory, stem)

    def discard(self, stem: str) -> None:
        """Wait for the figure ``stem`` and remove its files (drawn ahead of time but not wanted)."""
        for name in self._jobs.pop(stem).result():
            Path(self.directory, name).unlink(missing_ok=True)

    def wait(self) -> list[Path]:
        """Wait for every figure; the files written. Raises the first failed figure's error."""
        names = []
        for job in self._jobs.values():
            names += job.result()
        return [Path(self.directory, name) for name in names]

    def _executor(self) -> cf.ProcessPoolExecutor:
        if self._pool is None:
            self._pool = cf.ProcessPoolExecutor(
                max_workers=self.workers,
                initializer=exit_with_parent,  # deaf to Ctrl-C (this process stops them), gone when it is
                initargs=(os.getpid(),),
                mp_context=multiprocessing.get_context("spawn"),
            )
        return self._pool


@contextlib.contextmanager
def _sigint_held():
    """Hold back Ctrl-C while a worker may be spawned, then deliver it (main thread, POSIX only).

    The worker inherits the blocked signal and its initializer ignores it for good; here
    the pending Ctrl-C is raised as soon as the block ends.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _terminate(pool: cf.ProcessPoolExecutor) -> None:
    """Stop the pool's processes now rather than after their current figure."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        if process.is_alive():
            process.terminate()

"""The study runner: many model runs on any executor, results streamed back.

What runs is a :class:`RunSpec` (parameters, seed, horizon); how it runs is an
executor: a process pool on all cores by default, ``workers=1`` in this process,
or any :class:`concurrent.futures.Executor` (a Dask cluster through
``Client.get_executor(pure=False)``). Seeds are derived in the parent from one
master seed with ``numpy.random.SeedSequence(master).spawn``, so a run's result
depends on its spec alone, never on worker count or order.

    >>> from coalition_sim.studies.runner import RunSpec, run_many, spawn_seeds
    >>> specs = [RunSpec(i, 0, i, {"governance": "opt-in"}, s, 24)
    ...          for i, s in enumerate(spawn_seeds(7, 4))]
    >>> for result in run_many(specs, workers=2):  # doctest: +SKIP
    ...     print(result.run_id, result.summary["endured"])
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

import numpy as np

from coalition_sim.util.parent_watch import exit_with_parent

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from coalition_sim.model.population import Population

OK = "ok"
FAILED = "failed"
MAX_CHUNK = 8
"""Most runs sent to a worker in one task (more would delay progress and resume)."""
TASKS_PER_WORKER = 2
"""Tasks kept in flight per worker: enough to keep it busy, few enough for flat memory."""


@dataclass(frozen=True)
class RunSpec:
    """One model run: what to build, with which seed, for how long.

    Attributes:
        run_id: stable id within a study (the resume key).
        point_id: design point.
        replication: replication index within the point.
        params: model keyword arguments (validated names).
        seed: derived in the parent from ``SeedSequence(master).spawn``.
        steps: horizon in months.
        population: a hand-built population, else None.
    """

    run_id: int
    point_id: int
    replication: int
    params: dict
    seed: int
    steps: int
    population: Population | None = None


@dataclass
class RunResult:
    """What one run produced (or why it failed)."""

    run_id: int
    status: str
    summary: dict
    series: pd.DataFrame | None
    exits: list
    error: str
    runtime_s: float = field(default=0.0)


def spawn_seeds(master_seed: int, n: int) -> list[int]:
    """``n`` independent model seeds from one master seed.

    Each is the first 63 bits of a child of ``SeedSequence(master_seed)``, so it
    fits a signed 64-bit integer (SQLite, pandas) and does not depend on order.
    """
    children = np.random.SeedSequence(master_seed).spawn(n)
    return [int(c.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for c in children]


def run_one(spec: RunSpec, keep_series: bool | Sequence[str] = True) -> RunResult:
    """Run one coalition; a model error becomes a ``failed`` result, never an exception.

    Args:
        spec: the run.
        keep_series: True for every monthly series, False for none, or the names to keep.
    """
    from coalition_sim.model.model import CoalitionModel

    start = time.perf_counter()
    try:
        model = CoalitionModel(
            **spec.params, population=spec.population, seed=spec.seed, monthly_series=bool(keep_series)
        )
        model.run(spec.steps)
        summary = model.summary()
        series = _series(model, keep_series)
        exits = model.exit_record()
    except Exception:
        return RunResult(spec.run_id, FAILED, {}, None, [], traceback.format_exc(), time.perf_counter() - start)
    return RunResult(spec.run_id, OK, summary, series, exits, "", time.perf_counter() - start)


def _series(model, keep: bool | Sequence[str]):
    """The kept monthly series as one float block (cheaper to build and pickle than mesa's frame)."""
    import pandas as pd

    columns = model.datacollector.model_vars
    names = list(columns) if keep is True else list(keep or ())
    if not names:
        return None
    values = np.array([columns[name] for name in names], dtype=float).T
    return pd.DataFrame(values, columns=names, index=pd.RangeIndex(len(values), name="month"))


def run_chunk(specs: list[RunSpec], keep_series: bool | Sequence[str] = True) -> list[RunResult]:
    """Run several specs in one task (top-level, so spawned workers can import it)."""
    return [run_one(spec, keep_series) for spec in specs]


def run_many(
    specs: Iterable[RunSpec],
    *,
    workers: int | None = None,
    executor: cf.Executor | None = None,
    progress: bool = True,
    keep_series: bool | Sequence[str] = True,
    chunk_size: int | None = None,
    max_in_flight: int | None = None,
) -> Iterator[RunResult]:
    """Run specs and yield their results as they complete.

    Args:
        specs: the runs (any iterable; consumed lazily).
        workers: processes for the default pool (None = all cores; 1 = this process).
        executor: any ``concurrent.futures.Executor`` to use instead (not shut down here).
        progress: show a tqdm bar (runs done, rate, time left).
        keep_series: see :func:`run_one`.
        chunk_size: runs per task (default: up to 8, fewer for small studies).
        max_in_flight: tasks submitted but not finished (default: 2 per worker).

    Yields:
        One :class:`RunResult` per spec, in completion order.
    """
    total = len(specs) if hasattr(specs, "__len__") else None
    workers = _worker_count(workers, executor)
    if executor is None and total != 0:  # compiled once here, then loaded by each worker
        prepare_model(say=tell if progress else None)
    bar = _progress_bar(total, progress)
    try:
        if executor is None and workers == 1:
            results = (run_one(spec, keep_series) for spec in specs)
        else:
            chunk = chunk_size or _auto_chunk(total, workers)
            limit = max_in_flight or TASKS_PER_WORKER * workers
            results = _pooled(specs, executor, workers, chunk, limit, keep_series)
        for result in results:
            if bar is not None:
                bar.update(1)
            yield result
    finally:
        if bar is not None:
            bar.close()


def tell(line: str) -> None:
    """One line on stderr, at once."""
    print(line, file=sys.stderr, flush=True)


def prepare_model(say=None, after: float = 2.0, stepwise: bool = False) -> None:
    """Load the model's compiled loop in this process (with ``stepwise``, the kernels of a month stepped
    from Python too: the classroom's), compiling them if this install has not yet.

    The first run after installing compiles the loop (about a minute) and caches it; every later
    process loads it in a fraction of a second. Done once here, before the workers start, so they
    load it instead of each compiling it. ``say`` (a callable taking a line) is told when the
    loading has taken ``after`` seconds, so a long first compilation is not a silent wait.
    """
    from coalition_sim.model.model import CoalitionModel

    timer = threading.Timer(after, say, ("Compiling the model (once after installing; about a minute)...",))
    timer.daemon = True
    if say is not None:
        timer.start()
    try:
        with _sigint_kept():
            CoalitionModel(n_orgs=2, seed=0, monthly_series=False).run(1)  # the compiled run
            for rule in ("consensus", "opt-in") if stepwise else ():
                model = CoalitionModel(seed=0, governance=rule, initiative_rate=2.0, monthly_series=False)
                for _ in range(3):
                    model.step()
    finally:
        timer.cancel()


@contextlib.contextmanager
def _sigint_kept():
    """Ctrl-C stops the block as usual, and is not lost when it lands while compiled code is loaded.

    The compiler's loader calls back into Python from C; an interrupt raised inside such a callback is
    printed and dropped, and the study would run on to the end. Here the interrupt is also noted, and
    raised again when the block ends. Only in the main thread (where signal handlers live).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    noted = []

    def interrupt(signum, frame):
        noted.append(signum)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if noted:
        raise KeyboardInterrupt


def _pooled(specs, executor, workers, chunk, limit, keep_series) -> Iterator[RunResult]:
    """Submit chunks with at most ``limit`` in flight; yield results as chunks finish."""
    own = executor is None
    pool = executor or cf.ProcessPoolExecutor(
        max_workers=workers,
        initializer=exit_with_parent,  # deaf to Ctrl-C (the parent stops them), gone when the parent is
        initargs=(os.getpid(),),
        mp_context=multiprocessing.get_context("spawn"),
    )
    chunks = _chunks(specs, chunk)
    in_flight: set[cf.Future] = set()
    finished = False
    try:
        with _sigint_deferred(own):  # workers start (and import) deaf to Ctrl-C; the parent handles it
            for batch in islice(chunks, limit):
                in_flight.add(pool.submit(run_chunk, batch, keep_series))
        while in_flight:
            done, in_flight = cf.wait(in_flight, return_when=cf.FIRST_COMPLETED)
            for batch in islice(chunks, len(done)):
                in_flight.add(pool.submit(run_chunk, batch, keep_series))
            for future in done:
                yield from future.result()
        finished = True
    finally:
        for future in in_flight:
            future.cancel()
        if own:
            if not finished:  # Ctrl-C, an error, or the caller stopped: drop the runs in flight
                _terminate_workers(pool)
            pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _sigint_deferred(enabled: bool):
    """Hold back Ctrl-C while the pool spawns its processes, then deliver it.

    The workers inherit the held-back (blocked) signal mask, so one still importing
    when Ctrl-C arrives does not die with a traceback; its initializer then ignores
    SIGINT for good. In this process the signal stays pending and is raised the
    moment the spawning ends, so a Ctrl-C in that window still stops the study.
    Where signal masks do not exist, SIGINT is ignored for the window instead.
    Only in the main thread (where signal handlers live); a no-op elsewhere.
    """
    if not enabled or threading.current_thread() is not threading.main_thread():
        yield
        return
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a pending Ctrl-C is raised here


def _terminate_workers(pool: cf.ProcessPoolExecutor) -> None:
    """Stop the pool's processes now rather than after their current chunk."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        if process.is_alive():
            process.terminate()


def _chunks(specs: Iterable[RunSpec], size: int) -> Iterator[list[RunSpec]]:
    it = iter(specs)
    while batch := list(islice(it, size)):
        yield batch


def _worker_count(workers: int | None, executor: cf.Executor | None) -> int:
    if workers is not None and workers < 1:
        from coalition_sim.util.errors import InputError

        raise InputError(f"workers={workers} is out of range: allowed an integer >= 1")
    if workers is not None:
        return workers
    if executor is not None:
        return _executor_workers(executor)
    return os.cpu_count() or 1


def _executor_workers(executor: Any) -> int:
    """Best guess of an executor's parallelism (for chunking and in-flight limits)."""
    count = getattr(executor, "_max_workers", None)
    if count:
        return int(count)
    client = getattr(executor, "_client", None)
    if client is not None:
        try:
            return max(1, sum(client.nthreads().values()))
        except Exception:
            pass
    return os.cpu_count() or 1


def _auto_chunk(total: int | None, workers: int) -> int:
    """Enough runs per task to keep IPC cheap, enough tasks to balance the load."""
    if total is None:
        return 4
    return max(1, min(MAX_CHUNK, total // (workers * 8)))


def _progress_bar(total: int | None, enabled: bool):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="run", desc="runs", smoothing=0.05)

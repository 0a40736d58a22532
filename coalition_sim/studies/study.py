"""Running a study: every run of a study file into its results store, resuming.

    >>> from coalition_sim import load_study, run_study
    >>> spec = load_study("experiments/governance_backbone.toml")   # doctest: +SKIP
    >>> run_study(spec, "results/governance_backbone/results.sqlite")  # doctest: +SKIP

Runs already in the store are skipped, so an interrupted study resumes. A study
whose runs are all stored opens its store read-only (it may sit on a read-only
disk). A worker process that dies (killed, out of memory) costs only the runs it
held: they are retried on a fresh pool, up to :data:`POOL_RETRIES` times.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from coalition_sim.studies.runner import RunSpec
from coalition_sim.studies.study_file import StudySpec, load_study
from coalition_sim.util.errors import InputError

POOL_RETRIES = 2
"""Fresh pools started after worker processes die, before giving up (the runs stay saved)."""


@dataclass
class StudyRun:
    """What :func:`run_study` did."""

    store: Path
    total: int
    skipped: int
    completed: int
    failed: int
    failed_total: int


def run_study(
    spec_or_path: StudySpec | str | Path,
    store_path: str | Path | None = None,
    workers: int | None = None,
    executor=None,
    progress: bool = True,
) -> StudyRun:
    """Run a study into its results store, resuming if runs are already there.

    Args:
        spec_or_path: a :class:`StudySpec` or the path of a TOML study file.
        store_path: the SQLite store (default: the study's ``store`` or
            ``results/<name>/results.sqlite``).
        workers: processes (None = all cores; 1 = this process).
        executor: any ``concurrent.futures.Executor`` (e.g. Dask's ``get_executor(pure=False)``).
        progress: show a progress bar.

    Raises:
        InputError: the store belongs to another study, is damaged, read-only (with runs
            missing) or being written by another study; or the disk filled up, or worker
            processes kept dying (the message says how many runs are saved).
        KeyboardInterrupt: finished runs are committed; call again to resume.
    """
    from coalition_sim.studies.store import Store, check_integrity, store_file, stored_runs

    spec = spec_or_path if isinstance(spec_or_path, StudySpec) else load_study(spec_or_path)
    path = Path(store_path) if store_path is not None else spec.default_store()
    if store_file(path).exists():  # a finished study reads, and never writes
        Store.check(path, spec)
        check_integrity(path)
        done, failed = stored_runs(path)
        if len(done) >= spec.n_runs:
            return StudyRun(path, spec.n_runs, len(done), 0, 0, failed)
    with Store.open(path, spec) as store:
        done = store.done_ids()
        outcome = StudyRun(path, spec.n_runs, len(done), 0, 0, 0)
        if executor is None:  # the compiled model, loaded (or compiled once) before the bar and the workers
            from coalition_sim.studies.runner import prepare_model, tell

            prepare_model(say=tell if progress else None)
        bar = _bar(spec.n_runs, len(done), progress)
        try:
            _run_remaining(spec, store, outcome, workers, executor, bar)
        finally:
            if bar is not None:
                bar.close()
        outcome.failed_total = store.failed_count()
    return outcome


def _run_remaining(spec: StudySpec, store, outcome: StudyRun, workers, executor, bar) -> None:
    """Run what the store lacks; retry on a fresh pool when worker processes die."""
    from concurrent.futures.process import BrokenProcessPool

    from coalition_sim.studies.runner import run_many

    for attempt in range(POOL_RETRIES + 1):
        in_flight: dict[int, RunSpec] = {}
        try:
            results = run_many(
                _register(spec.runs(store.done_ids()), in_flight),
                workers=workers,
                executor=executor,
                progress=False,
                keep_series=list(spec.series),
            )
            for result in results:
                run = in_flight.pop(result.run_id)
                _write(store, run, result, spec, outcome)
                if bar is not None:
                    bar.update(1)
            return
        except BrokenProcessPool:
            saved = len(store.done_ids())
            if attempt == POOL_RETRIES:
                raise InputError(
                    f"worker processes died {POOL_RETRIES + 1} times (killed, or out of memory?); {saved} of "
                    f"{spec.n_runs} runs are saved in {store.path}: rerun the same command to resume"
                ) from None
            print(
                f"\nA worker process died; {saved} of {spec.n_runs} runs are saved. Retrying the rest on a fresh pool.",
                file=sys.stderr,
            )


def _write(store, run: RunSpec, result, spec: StudySpec, outcome: StudyRun) -> None:
    """Store one result; a full or read-only disk becomes one line saying what is saved."""
    try:
        store.write(run, result, spec.block(run.point_id))
    except sqlite3.OperationalError as exc:
        saved = outcome.skipped + outcome.completed
        raise InputError(
            f"{store.path}: cannot write ({exc}); {saved} of {spec.n_runs} runs are saved: free some space "
            f"(or make the store writable) and rerun the same command to resume"
        ) from None
    outcome.completed += 1
    outcome.failed += result.status != "ok"


def _register(specs: Iterator[RunSpec], in_flight: dict[int, RunSpec]) -> Iterator[RunSpec]:
    """Pass specs through, remembering each until its result comes back."""
    for spec in specs:
        in_flight[spec.run_id] = spec
        yield spec


def _bar(total: int, initial: int, enabled: bool):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, unit="run", desc="runs", smoothing=0.05)

"""Running a study: every run of a study file into its results store, resuming.

    >>> from coalition_sim import load_study, run_study
    >>> spec = load_study("experiments/governance_backbone.toml")   # doctest: +SKIP
    >>> run_study(spec, "results/governance_backbone/results.sqlite")  # doctest: +SKIP

Runs already in the store are skipped, so an interrupted study resumes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from coalition_sim.studies.runner import RunSpec
from coalition_sim.studies.study_file import StudySpec, load_study


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
        InputError: the store belongs to another study.
        KeyboardInterrupt: finished runs are committed; call again to resume.
    """
    from coalition_sim.studies.runner import run_many
    from coalition_sim.studies.store import Store

    spec = spec_or_path if isinstance(spec_or_path, StudySpec) else load_study(spec_or_path)
    path = Path(store_path) if store_path is not None else spec.default_store()
    with Store.open(path, spec) as store:
        done = store.done_ids()
        outcome = StudyRun(path, spec.n_runs, len(done), 0, 0, 0)
        in_flight: dict[int, RunSpec] = {}
        bar = _bar(spec.n_runs, len(done), progress)
        try:
            results = run_many(
                _register(spec.runs(done), in_flight),
                workers=workers,
                executor=executor,
                progress=False,
                keep_series=list(spec.series),
            )
            for result in results:
                run = in_flight.pop(result.run_id)
                store.write(run, result, spec.block(run.point_id))
                outcome.completed += 1
                outcome.failed += result.status != "ok"
                if bar is not None:
                    bar.update(1)
        finally:
            if bar is not None:
                bar.close()
        outcome.failed_total = store.failed_count()
    return outcome


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

"""``coalition-sim study FILE``: run a declared study into its results store, resumably."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from coalition_sim.studies.store import store_file
from coalition_sim.util.errors import InputError
from coalition_sim.util.output import check_output_file, check_path_text

HELP = "Run a study declared in a TOML file (resumes if its store already has runs)."
EXECUTORS = ("process", "dask", "serial")
DASK_RETRIES = 3
"""Times Dask resubmits a run whose worker was lost."""
MAX_WORKERS = 1024
"""Most worker processes (more than any machine's cores; a typo such as 10000 is refused)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """FILE, --out, --workers, --executor, --scheduler, --no-progress."""
    parser.add_argument("file", type=Path, metavar="FILE", help="study file, e.g. experiments/governance_backbone.toml")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="results store file, or a folder to hold results.sqlite "
        "(default: the file's `store`, else results/<name>/results.sqlite)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help=f"worker processes, 1-{MAX_WORKERS} (default: all cores; 1 runs in this process)",
    )
    parser.add_argument(
        "--executor",
        choices=EXECUTORS,
        default=None,
        help="process pool (default), dask (a local cluster, or --scheduler), serial",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="tcp://HOST:PORT",
        help="address of a Dask distributed scheduler, implies --executor dask (default: none)",
    )
    parser.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar (default: shown)")


def main(args: argparse.Namespace) -> int:
    """Validate, run (resuming), and say how it went."""
    from coalition_sim.studies.study import run_study
    from coalition_sim.studies.study_file import load_study

    if args.workers is not None and not 1 <= args.workers <= MAX_WORKERS:
        raise InputError(f"--workers={args.workers} is out of range: allowed an integer from 1 to {MAX_WORKERS}")
    kind = "dask" if args.scheduler else (args.executor or "process")
    if args.scheduler and args.executor not in (None, "dask"):
        raise InputError(f"--scheduler needs --executor dask, not {args.executor!r}")
    spec = load_study(args.file)
    store = args.out or spec.default_store()
    _refuse_early(store_file(check_path_text(store, "--out")), spec, "--out" if args.out else "store")
    workers = 1 if kind == "serial" else args.workers
    print(
        f"Study '{spec.name}': {spec.n_runs} runs ({len(spec.design_points())} points x "
        f"{spec.replications} replications, {spec.steps} months) -> {store}",
        file=sys.stderr,
    )
    with _executor(kind, args.scheduler, args.workers) as executor:
        try:
            outcome = run_study(
                spec, store, workers=None if executor else workers, executor=executor, progress=args.progress
            )
        except KeyboardInterrupt:
            print(
                f"\ncoalition-sim study: interrupted; every finished run is saved in {store}. "
                f"Resume with the same command: {_command(args)}",
                file=sys.stderr,
            )
            return 130
    print(_report(outcome))
    return 0


def _refuse_early(store: Path, spec, flag: str) -> None:
    """Every refusal the store can give, before anything is said or run."""
    from coalition_sim.studies.store import Store, check_integrity
    from coalition_sim.studies.store_lock import WriterLock

    if store.exists():
        Store.check(store, spec)  # another study's store
        check_integrity(store)
    else:
        check_output_file(store, flag)
    if store.parent.is_dir() and os.access(store.parent, os.W_OK):
        WriterLock(store).acquire().release()  # another study at work on it


def _report(outcome) -> str:
    lines = [
        f"Done: {outcome.total} runs in {outcome.store} ({outcome.completed} run now, {outcome.skipped} already there)."
    ]
    if outcome.failed_total:
        lines.append(
            f"{outcome.failed_total} of {outcome.total} runs FAILED (recorded with their "
            f"parameters, seed and traceback: status = 'failed' in the runs table)."
        )
    else:
        lines.append("No run failed.")
    return "\n".join(lines)


def _command(args: argparse.Namespace) -> str:
    return (
        " ".join(["coalition-sim", "study", *sys.argv[sys.argv.index("study") + 1 :]])
        if "study" in sys.argv
        else f"coalition-sim study {args.file}"
    )


@contextlib.contextmanager
def _executor(kind: str, scheduler: str | None, workers: int | None):
    """None for the built-in pool/serial runner, else a Dask executor (closed on exit)."""
    if kind != "dask":
        yield None
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError('--executor dask needs Dask: pip install -e ".[distributed]"') from None
    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError(f"--scheduler {scheduler}: cannot connect ({exc})") from None
        cluster = None
    else:
        cluster = LocalCluster(
            n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    try:
        yield client.get_executor(pure=False, retries=DASK_RETRIES)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

"""``coalition-sim calibrate FILE``: score a calibration study against the published patterns.

Runs the study through the study runner if its store lacks runs (resuming), scores
every design point against every pattern (see :mod:`coalition_sim.calibration.search`)
and writes, all or nothing, ``scores.csv`` (every point) and ``accepted.csv`` (the
points that meet all patterns at once) beside the store. ``--confirm K`` re-runs
the K best points with new seeds (``confirmed.csv``); ``accepted.csv`` then holds
only the points the independent runs confirm. ``--check-preset NAME``
instead runs one preset under the three backbone settings and writes its scores
and its survival curve against the published points.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from coalition_sim.util.errors import InputError, suggest
from coalition_sim.util.output import check_output_dir

HELP = "Calibrate against published coalition survival: score a calibration study, or check a preset."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """FILE, --out, --workers, --no-run, --confirm, --check-preset, --replications, --seed, --no-progress."""
    parser.add_argument(
        "file", type=Path, metavar="FILE", nargs="?", help="calibration file, e.g. experiments/calibration/round1.toml"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output folder (default: the file's calibration.out, else results/calibration/<name>; "
        "results/calibration with --check-preset)",
    )
    parser.add_argument("--workers", type=int, default=None, help="worker processes, >= 1 (default: all cores)")
    parser.add_argument(
        "--no-run", dest="run", action="store_false", help="score the runs already in the store; run nothing"
    )
    parser.add_argument(
        "--confirm",
        type=int,
        default=0,
        metavar="K",
        help="re-run the K best points with new seeds and --replications runs per setting; "
        "accepted.csv then holds the confirmed points (default 0: no confirmation)",
    )
    parser.add_argument(
        "--check-preset",
        default=None,
        metavar="NAME",
        help="instead of FILE: score one preset (e.g. community_coalition) and plot it (default: none)",
    )
    parser.add_argument(
        "--replications", type=int, default=200, help="runs per setting for --check-preset and --confirm (default 200)"
    )
    parser.add_argument(
        "--seed", type=int, default=20261122, help="master seed for --check-preset and --confirm (default 20261122)"
    )
    parser.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar (default: shown)")


def main(args: argparse.Namespace) -> int:
    """Score a calibration study, or check a preset."""
    _check_flags(args)
    if args.check_preset is not None:
        return _check_preset(args)
    return _score_study(args)


def _check_flags(args: argparse.Namespace) -> None:
    if (args.file is None) == (args.check_preset is None):
        raise InputError("give either FILE (a calibration file) or --check-preset NAME, not both or neither")
    if args.workers is not None and args.workers < 1:
        raise InputError(f"--workers={args.workers} is out of range: allowed an integer >= 1")
    if args.replications < 10:
        raise InputError(f"--replications={args.replications} is out of range: allowed an integer >= 10")
    if args.confirm < 0:
        raise InputError(f"--confirm={args.confirm} is out of range: allowed an integer >= 0")
    if args.confirm and args.check_preset is not None:
        raise InputError("--confirm goes with FILE, not with --check-preset")
    if args.seed < 0:
        raise InputError(f"--seed={args.seed} is out of range: allowed an integer >= 0")
    if args.check_preset is not None:
        from coalition_sim.classroom.presets import PRESETS

        if args.check_preset not in PRESETS:
            raise InputError(
                f"--check-preset {args.check_preset!r} is unknown{suggest(args.check_preset, PRESETS)}: "
                f"allowed {', '.join(PRESETS)}"
            )


def _score_study(args: argparse.Namespace) -> int:
    from coalition_sim.calibration import search as calibration
    from coalition_sim.studies.store import Store, check_integrity, load_results
    from coalition_sim.studies.study import run_study
    from coalition_sim.util.safe_write import atomic_dir

    spec = calibration.load_calibration(args.file)
    out = check_output_dir(args.out or spec.out_dir())
    store = out / "results.sqlite"
    if not args.run and not store.exists():
        raise InputError(f"{store}: no store to score; run without --no-run first")
    Store.check(store, spec)  # refuses another study's store before anything runs (and writes nothing)
    if store.exists():
        check_integrity(store)
    if args.run:
        print(
            f"Calibration '{spec.name}': {spec.n_runs} runs ({len(spec.base_points())} points x "
            f"{len(spec.settings)} settings x {spec.replications} replications) -> {store}",
            file=sys.stderr,
        )
        start = time.perf_counter()
        outcome = run_study(spec, store, workers=args.workers, progress=args.progress)
        print(
            f"{outcome.completed} runs in {time.perf_counter() - start:.0f} s "
            f"({outcome.skipped} already there, {outcome.failed_total} failed)",
            file=sys.stderr,
        )
    results = load_results(store)
    if len(results.runs) < spec.n_runs:
        raise InputError(f"{store}: {len(results.runs)} of {spec.n_runs} runs stored; run without --no-run")
    failed = int((results.runs["status"] != "ok").sum())
    if failed == len(results.runs):
        raise InputError(
            f"{store}: all {failed} runs failed, nothing to score; the runs table's error column has each traceback"
        )
    if failed:
        print(f"warning: {failed} of {len(results.runs)} runs failed and are left out of the scores", file=sys.stderr)
    scores = calibration.score_results(results)
    chosen = calibration.accepted(scores)
    varied = [f.name for f in spec.factors] + (["impact_goal"] if spec.profiles_goal else [])
    confirmed = None
    if args.confirm:
        print(
            f"Confirming the {args.confirm} best points: {args.replications} new runs per setting each", file=sys.stderr
        )
        start = time.perf_counter()
        confirmed = calibration.confirm(
            scores, varied, spec.fixed, args.confirm, args.replications, args.seed, workers=args.workers
        )
        print(f"confirmation took {time.perf_counter() - start:.0f} s", file=sys.stderr)
    with atomic_dir(out) as tmp:
        scores.to_csv(tmp / "scores.csv", index=False)
        if confirmed is not None:
            confirmed.to_csv(tmp / "confirmed.csv", index=False)
            chosen = calibration.accepted(confirmed)
        chosen.to_csv(tmp / "accepted.csv", index=False)
    print(_report(scores, calibration.accepted(scores), varied))
    if confirmed is not None:
        print(f"\nConfirmed with new seeds: {len(chosen)} of {len(confirmed)} candidates meet all four patterns.")
    written = "scores.csv, confirmed.csv" if confirmed is not None else "scores.csv"
    print(f"\nWrote {written} and accepted.csv ({len(chosen)} sets) to {out}")
    return 0


def _report(scores, chosen, varied: list[str]) -> str:
    from coalition_sim.calibration.search import CRITERIA, candidates, narrowed_ranges

    sets = ""
    if len(scores) > scores["point"].nunique():  # a profiled goal: one row per (point, goal)
        sets = f" ({len(chosen)} accepted (point, impact goal) sets; the best goal per point counts below)"
        chosen = chosen.drop_duplicates("point")
        scores = candidates(scores, len(scores))
    lines = [
        f"{len(chosen)} of {len(scores)} points meet all four patterns{sets}.",
        "",
        "Points meeting each criterion:",
    ]
    for c in CRITERIA:
        lines.append(
            f"  pattern {c.pattern} {c.key:28s} target {c.target:6.3f} "
            f"[{c.low:.3f}, {c.high:.3f}]: {int(scores[f'{c.key}_ok'].sum()):4d}"
        )
    lines.append(
        f"  all patterns: {len(chosen)}; patterns met per point: "
        + ", ".join(f"{k}: {v}" for k, v in sorted(scores["patterns_met"].value_counts().items()))
    )
    lines += ["", "Ranges for a narrower round (accepted points, or the 8 closest, padded 10%):"]
    for name, (low, high) in narrowed_ranges(scores, varied).items():
        lines.append(f"  {name} = {{ low = {low:.4g}, high = {high:.4g} }}")
    return "\n".join(lines)


def _check_preset(args: argparse.Namespace) -> int:
    from coalition_sim.analysis import plots
    from coalition_sim.calibration import search as calibration
    from coalition_sim.classroom.presets import get_preset
    from coalition_sim.util.safe_write import atomic_dir

    preset = get_preset(args.check_preset)
    out = check_output_dir(args.out or Path("results") / "calibration")
    start = time.perf_counter()
    row, runs = calibration.check_params(preset.params, args.replications, args.seed, workers=args.workers)
    elapsed = time.perf_counter() - start
    table = calibration.criteria_table(row)
    stem = f"survival_{preset.name}"
    with atomic_dir(out) as tmp:
        table.to_csv(tmp / f"check_{preset.name}.csv", index=False)
        plots.save(calibration.survival_figure(runs), tmp, stem)
    for r in table.itertuples():
        print(
            f"pattern {r.pattern} {r.criterion:28s} target {r.target:6.3f} [{r.accepted_low:.3f}, "
            f"{r.accepted_high:.3f}]  model {r.model:6.3f} (95% CI {r.ci_low:.3f}-{r.ci_high:.3f})  "
            f"{'met' if r.met else 'NOT met'}"
        )
    verdict = "meets all patterns" if row["accepted"] else f"meets {row['patterns_met']} of 4 patterns"
    print(
        f"\nPreset '{preset.name}' {verdict}: {len(runs)} runs in {elapsed:.0f} s. "
        f"Wrote check_{preset.name}.csv, {stem}.png, {stem}.svg to {out}"
    )
    return 0

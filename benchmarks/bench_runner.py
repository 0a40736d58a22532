"""Study runner benchmark: overhead, scaling, mesa.batch_run, memory in study size.

    python benchmarks/bench_runner.py                 # everything (~15 min on 2 cores)
    python benchmarks/bench_runner.py --parts a b     # only overhead and scaling
    python benchmarks/bench_runner.py --runs 200      # a quicker, noisier look

(a) overhead: a default-scenario study through ``run_study`` (1 worker, every
    series stored in SQLite) against the same runs in a bare loop of
    ``CoalitionModel(seed=s).run(months)``, in this process, in alternating blocks.
(b) scaling: the same study with 2 workers against 1 (pool start-up included).
(c) against ``mesa.batch_run`` on the same model, seeds and months, data collected
    every step, 2 processes each; each side in a fresh subprocess whose process
    tree's resident memory is sampled (psutil) for the peak.
(d) memory flat in study size: peak of the whole process tree for a study of
    --big-runs runs against one of --runs runs (short horizon: --short-months).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STUDY = """\
name = "bench"
steps = {months}
replications = {runs}
master_seed = {seed}
series = true
"""


def study_spec(runs: int, months: int, seed: int):
    """A default-scenario study of ``runs`` replications, every series kept."""
    import tomllib

    from coalition_sim.studies.study_file import parse_study

    text = STUDY.format(runs=runs, months=months, seed=seed)
    return parse_study(tomllib.loads(text), text=text)


# ------------------------------------------------------------------ workloads
def cpu_seconds() -> float:
    """CPU time of this process and of its finished (joined) children, user + system."""
    import resource

    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime


def bare_loop(spec) -> tuple[float, float]:
    """The yardstick: the same runs, called directly, nothing kept. Returns (wall, CPU) seconds."""
    from coalition_sim import CoalitionModel

    start, cpu = time.perf_counter(), cpu_seconds()
    for run in spec.runs():
        model = CoalitionModel(**run.params, seed=run.seed).run(run.steps)
        model.summary()
        _release(model)
    return time.perf_counter() - start, cpu_seconds() - cpu


def _release(model) -> None:
    """Free the model as the runner does (Mesa 3.3 keeps every model alive otherwise, mesa#3179)."""
    import mesa

    mesa.Agent._ids.pop(model, None)


def through_runner(spec, workers: int, folder: Path) -> tuple[float, float]:
    """The study through run_study into a fresh store. Returns (wall, CPU incl. workers) seconds."""
    from coalition_sim.studies.study import run_study

    store = folder / f"runner-{workers}-{spec.master_seed}-{time.monotonic_ns()}.sqlite"
    start, cpu = time.perf_counter(), cpu_seconds()
    outcome = run_study(spec, store, workers=workers, progress=False)
    elapsed = time.perf_counter() - start
    assert outcome.completed == spec.n_runs and outcome.failed_total == 0
    return elapsed, cpu_seconds() - cpu


def child(task: str, runs: int, months: int, workers: int, folder: str) -> None:
    """Run one workload in this (fresh) process and print its timing as JSON."""
    start = time.perf_counter()
    if task == "study":
        from coalition_sim.studies.study import run_study

        store = Path(tempfile.mkdtemp(dir=folder)) / "results.sqlite"
        run_study(study_spec(runs, months, 99), store, workers=workers, progress=False)
    elif task == "batch_run":
        import mesa
        import pandas as pd

        from coalition_sim import CoalitionModel

        seeds = [r.seed for r in study_spec(runs, months, 99).runs()]
        rows = mesa.batch_run(
            CoalitionModel,
            {"seed": seeds},
            number_processes=workers,
            iterations=1,
            data_collection_period=1,
            max_steps=months - 1,
            display_progress=False,
        )
        frame = pd.DataFrame(rows)  # what a user does next
        assert frame["RunId"].nunique() == runs
    else:
        raise SystemExit(f"unknown task {task}")
    # (getrusage's ru_maxrss is no use here: it survives exec, so it reports the driver's peak)
    print(json.dumps({"seconds": round(time.perf_counter() - start, 2), "cpu_seconds": round(cpu_seconds(), 2)}))


def measured(task: str, runs: int, months: int, workers: int, folder: Path) -> dict:
    """Run ``task`` in a fresh subprocess; sample its whole process tree's RSS."""
    import psutil

    cmd = [
        sys.executable,
        __file__,
        "--child",
        task,
        "--runs",
        str(runs),
        "--months",
        str(months),
        "--workers",
        str(workers),
        "--folder",
        str(folder),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    root, peak, parent_peak = psutil.Process(proc.pid), 0, 0
    while proc.poll() is None:
        total = 0
        try:
            parent = root.memory_info().rss
            total = parent + sum(p.memory_info().rss for p in root.children(recursive=True))
        except psutil.Error:
            continue
        peak, parent_peak = max(peak, total), max(parent_peak, parent)
        time.sleep(0.02)
    out = proc.stdout.read()
    if proc.returncode:
        raise SystemExit(f"{task} failed ({proc.returncode})")
    return {
        **json.loads(out.strip().splitlines()[-1]),
        "tree_peak_mb": round(peak / 2**20, 1),
        "parent_peak_mb": round(parent_peak / 2**20, 1),
    }


# ------------------------------------------------------------------ parts
def part_ab(runs: int, months: int, folder: Path, parts: set[str]) -> dict:
    """Overhead (a) and scaling (b), in alternating blocks of half the runs."""
    half = runs // 2
    times = {"bare": 0.0, "runner_1": 0.0, "runner_2": 0.0}
    cpu = dict.fromkeys(times, 0.0)
    orders = [("bare", "runner_1", "runner_2"), ("runner_2", "runner_1", "bare")]
    for block, order in enumerate(orders):
        spec = study_spec(half, months, seed=block)
        for name in order:
            if name == "runner_2" and "b" not in parts:
                continue
            wall, used = bare_loop(spec) if name == "bare" else through_runner(spec, int(name[-1]), folder)
            times[name] += wall
            cpu[name] += used
    out = {
        "runs": 2 * half,
        "months": months,
        "wall_s": {k: round(v, 1) for k, v in times.items()},
        "cpu_s": {k: round(v, 1) for k, v in cpu.items()},
        "overhead_pct": round(100 * (times["runner_1"] / times["bare"] - 1), 1),
        "overhead_cpu_pct": round(100 * (cpu["runner_1"] / cpu["bare"] - 1), 1),
    }
    print(
        f"(a) {2 * half} runs x {months} months: bare loop {times['bare']:.1f} s (CPU {cpu['bare']:.1f} s), "
        f"runner, 1 worker, all series stored {times['runner_1']:.1f} s (CPU {cpu['runner_1']:.1f} s) -> "
        f"overhead {out['overhead_pct']:+.1f}% wall, {out['overhead_cpu_pct']:+.1f}% CPU (target <= +10%)"
    )
    if "b" in parts:
        out["speedup_2_vs_1"] = round(times["runner_1"] / times["runner_2"], 2)
        out["cpu_2_vs_1"] = round(cpu["runner_2"] / cpu["runner_1"], 2)
        print(
            f"(b) 2 workers {times['runner_2']:.1f} s vs 1 worker {times['runner_1']:.1f} s -> "
            f"{out['speedup_2_vs_1']:.2f}x (target >= 1.7x); CPU used with 2 workers "
            f"{cpu['runner_2']:.1f} s = {out['cpu_2_vs_1']:.2f}x the 1-worker CPU (the best speed-up free "
            f"cores could give is 2 / {out['cpu_2_vs_1']:.2f} = {2 / out['cpu_2_vs_1']:.2f}x)"
        )
    return out


def part_c(runs: int, months: int, folder: Path) -> dict:
    """Against mesa.batch_run, 2 processes each, fresh subprocesses."""
    small = max(20, runs // 50)
    ours, ours_small = measured("study", runs, months, 2, folder), measured("study", small, months, 2, folder)
    theirs = measured("batch_run", runs, months, 2, folder)
    theirs_small = measured("batch_run", small, months, 2, folder)
    grow_ours = max(ours["tree_peak_mb"] - ours_small["tree_peak_mb"], 0.0)
    grow_theirs = theirs["tree_peak_mb"] - theirs_small["tree_peak_mb"]
    out = {
        "runs": runs,
        "months": months,
        "runner": ours,
        "batch_run": theirs,
        "small_runs": small,
        "runner_small": ours_small,
        "batch_run_small": theirs_small,
        "speedup": round(theirs["seconds"] / ours["seconds"], 2),
        "cpu_ratio": round(theirs["cpu_seconds"] / ours["cpu_seconds"], 2),
        "memory_ratio": round(ours["tree_peak_mb"] / theirs["tree_peak_mb"], 3),
        "growth_ratio": round(grow_ours / grow_theirs, 3) if grow_theirs > 0 else None,
    }
    print(
        f"(c) {runs} runs x {months} months, data every month, 2 processes: runner {ours['seconds']:.1f} s, "
        f"peak {ours['tree_peak_mb']:.0f} MB (parent {ours['parent_peak_mb']:.0f} MB); batch_run "
        f"{theirs['seconds']:.1f} s, peak {theirs['tree_peak_mb']:.0f} MB (parent {theirs['parent_peak_mb']:.0f} MB)"
        f" -> {out['speedup']:.2f}x faster (target >= 1.5x), memory {out['memory_ratio']:.2f} of batch_run's "
        f"(target <= 0.20)"
    )
    print(
        f"    CPU: runner {ours['cpu_seconds']:.1f} s, batch_run {theirs['cpu_seconds']:.1f} s -> batch_run uses "
        f"{out['cpu_ratio']:.2f}x the runner's CPU"
    )
    print(
        f"    growth of the peak from {small} to {runs} runs: runner {grow_ours:.0f} MB, batch_run "
        f"{grow_theirs:.0f} MB -> {out['growth_ratio']} of batch_run's (the rest is the same interpreters, "
        f"numpy, pandas and Mesa loaded in 3 processes on each side)"
    )
    return out


def part_d(small: int, big: int, months: int, folder: Path) -> dict:
    """Peak memory of a big study against a small one (same everything else)."""
    few = measured("study", small, months, 2, folder)
    many = measured("study", big, months, 2, folder)
    out = {
        "months": months,
        "small": {"runs": small, **few},
        "big": {"runs": big, **many},
        "ratio": round(many["tree_peak_mb"] / few["tree_peak_mb"], 3),
    }
    print(
        f"(d) {months}-month runs, 2 workers: {small} runs peak {few['tree_peak_mb']:.0f} MB "
        f"(parent {few['parent_peak_mb']:.0f}), {big} runs peak {many['tree_peak_mb']:.0f} MB "
        f"(parent {many['parent_peak_mb']:.0f}) -> {out['ratio']:.2f}x (target <= 1.2x)"
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", nargs="+", default=["a", "b", "c", "d"], choices=["a", "b", "c", "d"])
    parser.add_argument("--runs", type=int, default=1000, help="runs in (a), (b), (c) and the small (d) study")
    parser.add_argument("--months", type=int, default=120, help="horizon in (a), (b), (c)")
    parser.add_argument("--big-runs", type=int, default=20000, help="runs in the big (d) study")
    parser.add_argument("--short-months", type=int, default=3, help="horizon in (d)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=2, help=argparse.SUPPRESS)
    parser.add_argument("--folder", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.runs, args.months, args.workers, args.folder)
        return
    parts = set(args.parts)
    print(f"cores: {os.cpu_count()}, load average at start: {os.getloadavg()[0]:.1f}", flush=True)
    figures = {}
    with tempfile.TemporaryDirectory(prefix="bench_runner.") as tmp:
        folder = Path(tmp)
        if parts & {"a", "b"}:
            figures["ab"] = part_ab(args.runs, args.months, folder, parts)
        if "c" in parts:
            figures["c"] = part_c(args.runs, args.months, folder)
        if "d" in parts:
            figures["d"] = part_d(args.runs, args.big_runs, args.short_months, folder)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()

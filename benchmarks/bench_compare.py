"""Benchmark: the strategist's comparison at full size.

A 25-organization scenario (20 members, 5 in the wider network, 13 uncertain
values), 6 options (consensus and opt-in x backbone 0.2, 0.6, 0.9), 300
replications, 120 months: 1800 runs through ``coalition_sim.compare`` on the
default process pool. Target: <= 90 s on 2 cores.

Yardstick, in the same process: the very same 1800 runs (same populations,
parameters and seeds) in a bare serial loop of ``CoalitionModel(...).run()``,
with no pool, no analysis and no figures. The ratio shows what parallelism buys
and what the comparison's own overhead costs.

    python benchmarks/bench_compare.py                    # full size
    python benchmarks/bench_compare.py --replications 50  # quicker look
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from coalition_sim.model.model import CoalitionModel
from coalition_sim.model.population import SECTORS
from coalition_sim.strategist.comparison import SERIES_KEPT, analyse, make_options, plan_runs
from coalition_sim.strategist.report import make_figures
from coalition_sim.strategist.scenario_file import parse_scenario
from coalition_sim.studies.runner import run_many


def scenario_text(members: int = 20, network: int = 5) -> str:
    """A 25-organization coalition with a few uncertain values."""
    lines = ["[scenario]", 'name = "Benchmark coalition"', "horizon = 120"]
    for i in range(members + network):
        sector = SECTORS[i % len(SECTORS)]
        capacity = "[0.5, 2.0]" if i % 5 == 0 else f"{0.6 + 0.1 * (i % 7):.1f}"
        alignment = "[0.8, 0.95]" if i % 6 == 0 else f"{0.82 + 0.01 * (i % 12):.2f}"
        lines += [
            "[[organizations]]" if i < members else "[[network]]",
            f'name = "Org {i:02d}"',
            f'sector = "{sector}"',
            f"capacity = {capacity}",
            f"alignment = {alignment}",
            f"tolerance = {0.22 + 0.02 * (i % 8):.2f}",
            f"patience = {8 + i % 10}",
        ]
    lines += [
        "[trust]",
        "default = [0.25, 0.55]",
        "network = 0.15",
        'pairs = [{ between = ["Org 00", "Org 01"], value = 0.8 }]',
        "[backbone]",
        "strength = 0.6",
        "[initiatives]",
        "rate = [0.7, 1.3]",
        "size = 3.5",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=300)
    parser.add_argument("--steps", type=int, default=120)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--no-yardstick", action="store_true", help="skip the serial loop")
    args = parser.parse_args()

    sc = parse_scenario(scenario_text(), "bench.toml")
    options = make_options("consensus,opt-in", "0.2,0.6,0.9")
    runs = args.replications * len(options)
    print(
        f"{len(sc.organizations)} organizations ({len(sc.members)} members), {len(sc.uncertain())} uncertain "
        f"values; {len(options)} options x {args.replications} replications x {args.steps} months = {runs} runs; "
        f"{os.cpu_count()} cores, workers={args.workers or os.cpu_count()}"
    )

    start = time.perf_counter()
    draws, specs = plan_runs(sc, options, args.replications, args.steps, seed=0)
    t_plan = time.perf_counter()
    results = list(run_many(specs, workers=args.workers, progress=False, keep_series=SERIES_KEPT))
    t_runs = time.perf_counter()
    settings = {
        "replications": args.replications,
        "steps": args.steps,
        "seed": 0,
        "rank": "impact",
        "quantile": 0.1,
        "outcome": "total_impact",
    }
    result = analyse(sc, options, draws, specs, results, settings)
    t_analyse = time.perf_counter()
    result.figures = make_figures(result)
    with tempfile.TemporaryDirectory() as tmp:
        result.write_report(Path(tmp) / "report")
    end = time.perf_counter()
    wall = end - start
    ok = int((result.runs["status"] == "ok").sum())
    print(
        f"compare, end to end (what `coalition-sim compare` does): {wall:.1f} s, {runs / wall:.1f} runs/s, "
        f"{ok}/{runs} ok; target <= 90 s: {'met' if wall <= 90 else 'NOT met'}"
    )
    print(
        f"  draws {t_plan - start:.1f} s | runs on the pool {t_runs - t_plan:.1f} s | analysis "
        f"{t_analyse - t_runs:.1f} s | figures + report {end - t_analyse:.1f} s"
    )
    print(
        f"  model time inside the runs: {result.runs['runtime_s'].sum():.1f} s "
        f"(mean {result.runs['runtime_s'].mean() * 1000:.0f} ms/run, mean lifetime "
        f"{result.runs['lifetime'].mean():.0f} months)"
    )

    if args.no_yardstick:
        return
    start = time.perf_counter()
    for spec in specs:
        CoalitionModel(**spec.params, population=spec.population, seed=spec.seed).run(spec.steps).summary()
    bare = time.perf_counter() - start
    print(f"yardstick (same runs, bare serial loop): {bare:.1f} s, {runs / bare:.1f} runs/s")
    print(
        f"ratio compare / bare loop: {wall / bare:.2f}; runs on the pool / bare loop: "
        f"{(t_runs - t_plan) / bare:.2f} (1/workers = perfect scaling, no overhead)"
    )


if __name__ == "__main__":
    main()

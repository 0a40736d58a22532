"""Model speed of two checkouts side by side: CPU time per run, before and after a change.

Ratios against a yardstick move between machines and with the load, so a speed-up
is measured here as the same runs in two checkouts of this repository (say, the
commit before a change in a second worktree, and the working tree), run in
alternating fresh processes on the same machine. Each process imports one
checkout (``PYTHONPATH``), warms up (compiled kernels load from their cache), and
reports the CPU time (``time.process_time``, less sensitive than wall time to other
jobs on a shared machine) per run of each workload. The speed-up is the median of
the paired ratios.

    git worktree add /tmp/before <commit>
    python benchmarks/bench_versions.py /tmp/before .            # about 3 minutes
    python benchmarks/bench_versions.py /tmp/before . --pairs 5 --seeds 20
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

WORKLOADS = {
    "default run, consensus": dict(n_orgs=30, governance="consensus"),
    "default run, opt-in": dict(n_orgs=30, governance="opt-in"),
    "300 orgs, consensus": dict(n_orgs=300, governance="consensus"),
    "300 orgs, opt-in": dict(n_orgs=300, governance="opt-in"),
    "1000 orgs, opt-in": dict(n_orgs=1000, governance="opt-in"),
}
SEEDS_OF = {"default run": 1.0, "300 orgs": 0.25, "1000 orgs": 0.1}
"""Share of ``--seeds`` each size runs (larger coalitions take longer per run)."""

CHILD = """
import json, sys, time
from coalition_sim import CoalitionModel
workloads, seeds = json.loads(sys.argv[1]), json.loads(sys.argv[2])
for governance in {kwargs["governance"] for kwargs in workloads.values()}:
    CoalitionModel(seed=10_000, governance=governance).run(120)  # warm up: imports, compiled kernels
out = {}
for label, kwargs in workloads.items():
    start = time.process_time()
    for seed in seeds[label]:
        CoalitionModel(seed=seed, monthly_series=False, **kwargs).run(120)
    out[label] = (time.process_time() - start) / len(seeds[label])
print(json.dumps(out))
"""


def seeds_for(label: str, n: int) -> list[int]:
    """The seeds a workload runs: ``n`` for the default run, fewer for larger coalitions."""
    share = next(v for k, v in SEEDS_OF.items() if label.startswith(k))
    return list(range(max(1, round(n * share))))


def measure(tree: Path, seeds: dict) -> dict:
    """CPU seconds per run of each workload, in a fresh process importing ``tree``."""
    env = dict(os.environ, PYTHONPATH=str(tree.resolve()))
    result = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(WORKLOADS), json.dumps(seeds)],
        env=env,
        capture_output=True,
        text=True,
        cwd=tree,
    )
    if result.returncode != 0:
        sys.exit(f"error: the run in {tree} failed: {result.stderr.strip().splitlines()[-1]}")
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="checkout measured first in each pair")
    parser.add_argument("after", type=Path, help="checkout measured second in each pair")
    parser.add_argument("--pairs", type=int, default=3, help="alternating pairs of processes (default 3)")
    parser.add_argument("--seeds", type=int, default=20, help="default-run seeds per process (default 20)")
    args = parser.parse_args()
    for tree in (args.before, args.after):
        if not (tree / "coalition_sim" / "model" / "model.py").is_file():
            sys.exit(f"error: {tree} is not a checkout of this repository (no coalition_sim/model/model.py)")
    seeds = {label: seeds_for(label, args.seeds) for label in WORKLOADS}
    pairs = [(measure(args.before, seeds), measure(args.after, seeds)) for _ in range(args.pairs)]
    header = f"{'workload':26s} {'before ms':>10s} {'after ms':>10s} {'speed-up':>9s}"
    print(f"{header}  (CPU per run, median of {args.pairs} pairs)")
    for label in WORKLOADS:
        before = statistics.median(b[label] for b, _ in pairs)
        after = statistics.median(a[label] for _, a in pairs)
        ratio = statistics.median(b[label] / a[label] for b, a in pairs)
        print(f"{label:26s} {before * 1000:10.1f} {after * 1000:10.1f} {ratio:8.2f}x")


if __name__ == "__main__":
    main()

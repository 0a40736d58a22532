"""Model speed and memory, against Mesa's Boltzmann wealth example as a yardstick.

Prints, for each workload, the median wall time and agent-steps per second, and
the ratio to the yardstick measured in the same process (the machine is shared
and noisy; ratios travel better than seconds). Peak memory of a 1,000-organization
run is measured in a fresh subprocess (peak resident set size).

    python benchmarks/bench_model.py            # full (about a minute)
    python benchmarks/bench_model.py --quick    # fewer repetitions
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time

from mesa.examples import BoltzmannWealth

from coalition_sim import CoalitionModel


def timed(fn, repeats: int) -> tuple[float, list]:
    """Median seconds of ``fn()`` over ``repeats`` calls, and the results."""
    times, results = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        results.append(fn())
        times.append(time.perf_counter() - start)
    return statistics.median(times), results


def boltzmann(seed: int = 0) -> int:
    """Mesa's example: 100 agents, 1,000 steps. Returns agent-steps."""
    model = BoltzmannWealth(n=100, width=10, height=10, seed=seed)
    for _ in range(1000):
        model.step()
    return 100 * 1000


def coalition(n_orgs: int, governance: str = "consensus", seed: int = 0) -> int:
    """One coalition run of up to 120 months. Returns agent-steps actually simulated."""
    model = CoalitionModel(n_orgs=n_orgs, governance=governance, seed=seed).run(120)
    return len(model.orgs) * model.steps


def peak_memory_mb(n_orgs: int) -> float:
    """Peak RSS (MB) of a fresh process that imports the package and runs one model."""
    code = (f"import resource; from coalition_sim import CoalitionModel; "
            f"CoalitionModel(n_orgs={n_orgs}, seed=0).run(120); "
            f"print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def baseline_memory_mb() -> float:
    """Peak RSS (MB) of a fresh process that only imports the package."""
    code = "import resource, coalition_sim; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    reps = 3 if args.quick else 5

    t_boltz, _ = timed(boltzmann, reps)
    yard = 100_000 / t_boltz
    print(f"{'workload':42s} {'median':>10s} {'agent-steps/s':>14s} {'vs yardstick':>12s}")
    print(f"{'Boltzmann wealth (100 agents, 1000 steps)':42s} {t_boltz * 1000:8.1f}ms {yard:14,.0f} {1.0:11.2f}x")
    rows = [("default run (30 orgs, consensus)", lambda: coalition(30), 4 * reps + 1),
            ("default run (30 orgs, opt-in)", lambda: coalition(30, "opt-in"), 4 * reps + 1),
            ("300 orgs, consensus", lambda: coalition(300), reps),
            ("300 orgs, opt-in", lambda: coalition(300, "opt-in"), reps),
            ("1000 orgs, consensus", lambda: coalition(1000), max(reps // 2, 1)),
            ("1000 orgs, opt-in", lambda: coalition(1000, "opt-in"), max(reps // 2, 1))]
    for label, fn, n in rows:
        seconds, steps = timed(fn, n)
        rate = statistics.median(steps) / seconds
        print(f"{label:42s} {seconds * 1000:8.1f}ms {rate:14,.0f} {rate / yard:11.2f}x")
    base, peak = baseline_memory_mb(), peak_memory_mb(1000)
    print(f"\npeak memory, 1000 orgs x 120 months: {peak:.0f} MB (of which {base:.0f} MB is Python + imports)")
    print(f"this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB peak")


if __name__ == "__main__":
    main()

"""Model speed and memory, against Mesa's Boltzmann wealth example as a yardstick.

Prints, for each workload, the median wall time and agent-steps per second, and
the ratio to the yardstick. The machine is shared and noisy, so the yardstick and
the workload run alternately in the same process and the ratio is the median of
the paired ratios: both sides of a pair see the same load. Peak memory of a
1,000-organization run is measured in a fresh subprocess (VmHWM, which unlike
ru_maxrss is not inherited from the parent across exec).

    python benchmarks/bench_model.py            # full (about a minute)
    python benchmarks/bench_model.py --quick    # fewer repetitions
"""

from __future__ import annotations

import argparse
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


PEAK = "import re; print(int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)) / 1024)"


def peak_memory_mb(setup: str) -> float:
    """Peak resident memory (MB) of a fresh Python process that runs ``setup``."""
    out = subprocess.run([sys.executable, "-c", f"{setup}\n{PEAK}"], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def paired(fn, repeats: int) -> tuple[float, float, float]:
    """Alternate yardstick and ``fn``; return (median seconds, median agent-steps/s, median ratio)."""
    seconds, rates, ratios = [], [], []
    for _ in range(repeats):
        yard_s, _ = timed(boltzmann, 1)
        run_s, (steps,) = timed(fn, 1)
        seconds.append(run_s)
        rates.append(steps / run_s)
        ratios.append((steps / run_s) / (100_000 / yard_s))
    return statistics.median(seconds), statistics.median(rates), statistics.median(ratios)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    reps = 3 if args.quick else 5

    t_boltz, _ = timed(boltzmann, reps)
    print(f"{'workload':42s} {'median':>10s} {'agent-steps/s':>14s} {'vs yardstick':>12s}")
    print(
        f"{'Boltzmann wealth (100 agents, 1000 steps)':42s} {t_boltz * 1000:8.1f}ms {100_000 / t_boltz:14,.0f} "
        f"{1.0:11.2f}x"
    )
    default = [timed(lambda s=s: coalition(30, seed=s), 1)[0] for s in range(20 if not args.quick else 10)]
    print(
        f"{'default run, 20 seeds (30 orgs, consensus)':42s} {statistics.median(default) * 1000:8.1f}ms "
        f"{'':>14s} {'':>12s}"
    )
    rows = [
        ("default run (30 orgs, consensus, seed 0)", lambda: coalition(30), reps),
        ("default run (30 orgs, opt-in, seed 0)", lambda: coalition(30, "opt-in"), reps),
        ("300 orgs, consensus", lambda: coalition(300), reps),
        ("300 orgs, opt-in", lambda: coalition(300, "opt-in"), reps),
        ("1000 orgs, consensus", lambda: coalition(1000), max(reps // 2, 1)),
        ("1000 orgs, opt-in", lambda: coalition(1000, "opt-in"), max(reps // 2, 1)),
    ]
    for label, fn, n in rows:
        seconds, rate, ratio = paired(fn, n)
        print(f"{label:42s} {seconds * 1000:8.1f}ms {rate:14,.0f} {ratio:11.2f}x")
    base = peak_memory_mb("import coalition_sim")
    for governance in ("consensus", "opt-in"):
        peak = peak_memory_mb(
            f"from coalition_sim import CoalitionModel\n"
            f"CoalitionModel(n_orgs=1000, governance='{governance}', seed=0).run(120)"
        )
        print(
            f"peak memory, 1000 orgs x 120 months, {governance}: {peak:.0f} MB "
            f"(importing the package alone: {base:.0f} MB)"
        )


if __name__ == "__main__":
    main()

"""Cold start: the first run after install (kernels compiled) and the first run in a fresh worker.

The model's trust kernels are compiled by Numba on first use and cached on disk.
Each row is a fresh interpreter that imports the package and runs one default
coalition (120 months), timed from the interpreter's start:

- "first run after install": an empty kernel cache (``NUMBA_CACHE_DIR`` pointed at a
  new folder), so the kernels are compiled;
- "first run in a fresh worker": the same cache, now filled (what every study worker
  and every later session pays);
- "a later run in the same process": the steady state, for scale.

    python benchmarks/bench_coldstart.py            # 5 repeats
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

FIRST = """
import time
t0 = time.perf_counter()
from coalition_sim import CoalitionModel
t1 = time.perf_counter()
CoalitionModel(seed=0).run(120)
t2 = time.perf_counter()
CoalitionModel(seed=1).run(120)
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""


def fresh(cache: str) -> tuple[float, float, float, float]:
    """(wall from start, import, first run, second run) seconds of one fresh interpreter."""
    env = dict(os.environ, NUMBA_CACHE_DIR=cache)
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", FIRST], env=env, capture_output=True, text=True, check=True)
    total = time.perf_counter() - start
    imported, first, second = (float(x) for x in out.stdout.split())
    return total, imported, first, second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="fresh interpreters per row (default 5)")
    args = parser.parse_args()
    cold, warm = [], []
    for _ in range(args.repeats):
        with tempfile.TemporaryDirectory() as cache:
            cold.append(fresh(cache))
            warm.append(fresh(cache))
    print(f"{'case':36s} {'whole process':>14s} {'import':>8s} {'first run':>10s} {'next run':>9s}")
    for label, rows in (("first run after install (compile)", cold), ("first run in a fresh worker", warm)):
        total, imported, first, second = (statistics.median(col) for col in zip(*rows))
        print(f"{label:36s} {total:13.2f}s {imported:7.2f}s {first:9.3f}s {second:8.3f}s")


if __name__ == "__main__":
    main()

"""Start-up: how fast the command line answers help, --version and refused input.

Each command runs in a fresh interpreter, alternating with the yardstick
``python -c "import mesa"`` so both see the same load; the table gives medians
and the ratio to the yardstick (below 1 means it answers before Mesa could even
load). ``--importtime`` also lists what ``run --help`` imports, slowest first.

    python benchmarks/bench_startup.py            # 9 repeats
    python benchmarks/bench_startup.py --repeats 3 --importtime
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

CLI = [sys.executable, "-m", "coalition_sim.cli.main"]
YARDSTICK = [sys.executable, "-c", "import mesa"]
CASES = {
    "--version": ["--version"],
    "--help": ["--help"],
    "run --help": ["run", "--help"],
    "study --help": ["study", "--help"],
    "export --help": ["export", "--help"],
    "analyze --help": ["analyze", "--help"],
    "compare --help": ["compare", "--help"],
    "run --orgz 30 (refused)": ["run", "--orgz", "30"],
    "run --tolerance 9 (refused)": ["run", "--tolerance", "9"],
    "study missing.toml (refused)": ["study", "missing.toml"],
    "export missing.sqlite (refused)": ["export", "missing.sqlite"],
}
HEAVY = ("mesa", "pandas", "scipy", "matplotlib", "solara", "numba")


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def heavy_imports(args: list[str]) -> list[str]:
    """Heavy libraries among the imports of one command (from ``-X importtime``)."""
    done = subprocess.run([sys.executable, "-X", "importtime", *CLI[1:], *args], capture_output=True, text=True)
    names = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    return [name for name in HEAVY if name in names]


def importtime_top(args: list[str], n: int = 12) -> list[tuple[int, str]]:
    """The ``n`` slowest imports (cumulative microseconds, module) of one command."""
    done = subprocess.run([sys.executable, "-X", "importtime", *CLI[1:], *args], capture_output=True, text=True)
    rows = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "cumulative" not in line:
            _self_us, cumulative, name = line.split("|", 2)
            rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9, help="runs of each command (default 9)")
    parser.add_argument("--importtime", action="store_true", help="also list the slowest imports of run --help")
    args = parser.parse_args()
    wall(YARDSTICK)  # warm the file cache
    print(f"{'command':34s} {'median s':>9s} {'mesa s':>8s} {'ratio':>6s}  heavy imports")
    for label, argv in CASES.items():
        ours, yard = [], []
        for _ in range(args.repeats):
            ours.append(wall(CLI + argv))
            yard.append(wall(YARDSTICK))
        ratio = statistics.median(o / y for o, y in zip(ours, yard))
        heavy = ", ".join(heavy_imports(argv)) or "none"
        print(f"{label:34s} {statistics.median(ours):9.3f} {statistics.median(yard):8.3f} {ratio:6.2f}  {heavy}")
    if args.importtime:
        print("\nSlowest imports of `run --help` (cumulative ms):")
        for micros, name in importtime_top(["run", "--help"]):
            print(f"  {micros / 1000:7.1f}  {name}")


if __name__ == "__main__":
    main()

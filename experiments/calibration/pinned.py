"""Which parameters the patterns pin down, and which they leave free.

For each calibration round given, the Spearman rank correlation between every varied
parameter and every criterion over the round's design points (each point at its best
impact goal, the one nearest all targets), and the criterion each parameter moves most.
A parameter the criteria hardly notice (|rho| below about 0.3 everywhere) is left free
by the patterns: its default is a choice within the accepted ranges, not a measurement.

    python experiments/calibration/pinned.py 10 11 12

Replaces those rounds' rows in ``results/calibration/sensitivity_of_criteria.csv`` (other
rounds' rows stay) and prints them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from coalition_sim.calibration.patterns import CRITERIA

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "results" / "calibration" / "sensitivity_of_criteria.csv"
NOT_PARAMETERS = {"point", "replications", "patterns_met", "accepted", "distance"}


def best_goal_per_point(scores: pd.DataFrame) -> pd.DataFrame:
    """Each design point once, at the impact goal nearest all targets."""
    return scores.sort_values("distance").groupby("point", sort=True).head(1)


def varied_parameters(scores: pd.DataFrame) -> list[str]:
    """The round's varied parameters: columns before the criteria that vary over the points."""
    names = [c.key for c in CRITERIA]
    columns = [c for c in scores.columns if c not in NOT_PARAMETERS and not c.startswith(tuple(names))]
    return [c for c in columns if scores[c].nunique() > 1]


def correlations(round_number: int) -> pd.DataFrame:
    """One row per varied parameter: rho with every criterion and the strongest."""
    scores = pd.read_csv(ROOT / "results" / "calibration" / f"round{round_number}" / "scores.csv")
    points = best_goal_per_point(scores)
    names = [c.key for c in CRITERIA]
    rows = []
    for param in varied_parameters(scores):
        rho = {n: round(float(points[param].corr(points[n], method="spearman")), 2) for n in names}
        strongest = max(names, key=lambda n: abs(rho[n]) if rho[n] == rho[n] else -1.0)
        rows.append(
            {"round": f"round{round_number}", "parameter": param, "strongest_criterion": strongest,
             "spearman": rho[strongest], **rho}
        )  # fmt: skip
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rounds", type=int, nargs="+", help="round numbers, e.g. 10 11 12")
    args = parser.parse_args(argv)
    fresh = pd.concat([correlations(r) for r in args.rounds], ignore_index=True)
    old = pd.read_csv(OUT) if OUT.exists() else pd.DataFrame(columns=fresh.columns)
    kept = old[~old["round"].isin(fresh["round"])]
    pd.concat([kept, fresh], ignore_index=True).to_csv(OUT, index=False)
    print(fresh.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

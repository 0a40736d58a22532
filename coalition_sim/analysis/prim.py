"""Scenario discovery with PRIM: where in the parameter space does an outcome of interest hold?

The Patient Rule Induction Method (Friedman & Fisher 1999), as exploratory modelling uses it
(Bryant & Lempert 2010; EMA Workbench): start from the box holding every run, and repeatedly
peel off the ``alpha`` share of runs at the low or high end of one parameter, whichever peel
leaves the highest share of cases of interest; stop when the box holds less than
``min_mass`` of the runs. Each box on this peeling trajectory has a *coverage* (share of all
cases of interest inside it), a *density* (share of the runs inside it that are cases) and a
*mass* (share of all runs inside it). The box reported is the densest one that still covers
at least ``min_coverage`` of the cases (a choice stated in the findings; the whole trajectory
is written so another can be made). The peeling trajectory equals EMA Workbench's with its
"original" objective (a test checks); pasting is not done.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class PrimResult:
    """A peeling trajectory and the box chosen on it.

    Attributes:
        trajectory: one row per box: step, coverage, density, mass, n, chosen, and low_<p> / high_<p> limits.
        box: the chosen box's restricted parameters: parameter, low, high, full_low, full_high.
        cases: number of cases of interest; n: number of runs; base_density: cases / n.
    """

    trajectory: pd.DataFrame
    box: pd.DataFrame
    cases: int
    n: int
    base_density: float


def prim(
    x: pd.DataFrame,
    y: Sequence[bool],
    alpha: float = 0.05,
    min_mass: float = 0.05,
    min_coverage: float = 0.5,
) -> PrimResult:
    """Peel boxes over the numeric columns of ``x`` towards the runs where ``y`` holds.

    Args:
        x: one row per run, one column per varied parameter.
        y: True where the outcome of interest holds.
        alpha: share of the box's runs removed per peel.
        min_mass: stop when the box would hold less than this share of all runs.
        min_coverage: the chosen box is the densest with at least this coverage.
    """
    values = x.to_numpy(float)
    hit = np.asarray(pd.Series(y).astype(bool), dtype=bool)
    n, names = len(hit), list(x.columns)
    cases = int(hit.sum())
    low, high = values.min(axis=0), values.max(axis=0)
    inside = np.ones(n, dtype=bool)
    boxes = [_record(0, inside, hit, cases, low, high)]
    while True:
        best = _best_peel(values, hit, inside, low, high, alpha, min_mass * n)
        if best is None:
            break
        inside, low, high = best
        boxes.append(_record(len(boxes), inside, hit, cases, low, high))
    trajectory = pd.DataFrame(
        [
            {
                **{k: v for k, v in box.items() if k not in ("low", "high")},
                **{f"low_{p}": box["low"][j] for j, p in enumerate(names)},
                **{f"high_{p}": box["high"][j] for j, p in enumerate(names)},
            }
            for box in boxes
        ]
    )
    eligible = trajectory[trajectory.coverage >= min_coverage]
    pick = eligible.density.idxmax() if len(eligible) else (trajectory.density * trajectory.coverage).idxmax()
    trajectory["chosen"] = trajectory.index == pick
    full_low, full_high = values.min(axis=0), values.max(axis=0)
    chosen = trajectory.loc[pick]
    box = pd.DataFrame(
        [
            {
                "parameter": p,
                "low": float(chosen[f"low_{p}"]),
                "high": float(chosen[f"high_{p}"]),
                "full_low": float(full_low[j]),
                "full_high": float(full_high[j]),
            }
            for j, p in enumerate(names)
            if chosen[f"low_{p}"] > full_low[j] or chosen[f"high_{p}"] < full_high[j]
        ],
        columns=["parameter", "low", "high", "full_low", "full_high"],
    )
    return PrimResult(trajectory, box, cases, n, cases / n if n else float("nan"))


def _record(step: int, inside: np.ndarray, hit: np.ndarray, cases: int, low, high) -> dict:
    k = int(inside.sum())
    return {
        "step": step,
        "coverage": float(hit[inside].sum() / cases) if cases else 0.0,
        "density": float(hit[inside].mean()) if k else 0.0,
        "mass": k / len(hit),
        "n": k,
        "low": low.copy(),
        "high": high.copy(),
    }


def _best_peel(values, hit, inside, low, high, alpha, min_count):
    """The peel (one end of one parameter) that leaves the densest box, or None."""
    best, best_density = None, -1.0
    rows = values[inside]
    for j in range(values.shape[1]):
        column = rows[:, j]
        for side in ("low", "high"):
            q = np.quantile(
                column, alpha if side == "low" else 1 - alpha, method="lower" if side == "low" else "higher"
            )
            keep = inside & ((values[:, j] > q) if side == "low" else (values[:, j] < q))
            if side == "low" and not keep.any():
                continue
            count = int(keep.sum())
            if count < min_count or count == int(inside.sum()) or count == 0:
                continue
            density = float(hit[keep].mean())
            if density > best_density:
                new_low, new_high = low.copy(), high.copy()
                if side == "low":
                    new_low[j] = values[keep, j].min()
                else:
                    new_high[j] = values[keep, j].max()
                best, best_density = (keep, new_low, new_high), density
    return best


def prim_sentences(result: PrimResult, outcome: str, min_coverage: float = 0.5) -> list[str]:
    """The chosen box in words."""
    chosen = result.trajectory[result.trajectory.chosen].iloc[0]
    limits = "; ".join(f"{r.parameter} in [{r.low:.3g}, {r.high:.3g}]" for r in result.box.itertuples())
    return [
        f"{outcome}: {result.cases} of {result.n} runs ({result.base_density:.0%}). The densest box covering at "
        f"least {min_coverage:.0%} of them (step {int(chosen.step)} of {len(result.trajectory) - 1}): "
        f"{limits or 'the whole space'}; coverage {chosen.coverage:.0%}, density {chosen.density:.0%}, "
        f"mass {chosen.mass:.0%} (Friedman & Fisher 1999)."
    ]

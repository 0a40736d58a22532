"""Profiling the impact goal: one set of runs made without a goal, scored at many goals.

The goal acts only through the dissolution check, so each goal of a grid is applied
after the runs (:func:`apply_goal`); a test shows it equals running with that goal.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def impact_paths(series: pd.DataFrame, run_ids: Sequence[int], horizon: int) -> np.ndarray:
    """Cumulative impact per run and month (rows in ``run_ids`` order), held after a run ends.

    Args:
        series: long series table (run_id, month, variable, value) with ``cumulative_impact``.
    """
    rows = series[series["variable"] == "cumulative_impact"]
    wide = rows.pivot(index="run_id", columns="month", values="value")
    wide = wide.reindex(index=list(run_ids), columns=range(horizon + 1)).ffill(axis=1).fillna(0.0)
    return wide.to_numpy(dtype=float)


def apply_goal(runs: pd.DataFrame, paths: np.ndarray, goal: float) -> pd.DataFrame:
    """The runs as they would have ended with ``impact_goal = goal`` (they ran with none).

    The goal acts only through the dissolution check, after collapse and before
    dormancy (``endurance.dissolution_cause``), so a run with no goal is the same
    run with a goal up to the first month its cumulative impact reaches it:
    it then closes with its purpose achieved, unless it collapsed that month.

    Args:
        runs: runs made with ``impact_goal = 0`` (lifetime, censored, cause).
        paths: their cumulative impact per month, from :func:`impact_paths`.
        goal: the impact goal to apply (> 0).
    """
    reached = paths[:, 1:] >= goal
    first = np.where(reached.any(axis=1), reached.argmax(axis=1) + 1, np.iinfo(np.int64).max)
    life = runs["lifetime"].to_numpy(dtype=np.int64)
    cause = runs["cause"].to_numpy(dtype=object)
    purpose = (first < life) | ((first == life) & (cause != "collapse"))
    out = runs.copy()
    out["lifetime"] = np.where(purpose, first, life)
    out["cause"] = np.where(purpose, "purpose_achieved", cause)
    out["censored"] = out["censored"].astype(bool).to_numpy() & ~purpose
    if "endured" in out:
        out["endured"] = out["censored"]
    out["impact_goal"] = goal
    return out

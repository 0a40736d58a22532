"""Per named partner: will it leave, when, why, and what drives it.

Four fates are kept apart for each partner in each run: it **left** (for any
member exit cause the model records), it **lost interest** before ever joining
(a wider-network organization leaving the coalition's orbit: not a departure),
it was **still with the coalition when the coalition ended** before the horizon
(the coalition ended first), or it was **still with** a coalition that lasted.
Counting only departures makes a coalition that dies early look kind to its
partners; the table does not. Causes are read from the runs as the model names
them, so a new exit cause in the model shows up here without any change.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from coalition_sim.model.events import EXIT_REASONS
from coalition_sim.model.membership import LOST_INTEREST

EXTRA_REASONS = {"withdrew": "withdrew (scheduled)"}
"""Plain words for causes the model's event texts do not cover."""
DRIVER_MIN_RHO = 0.2
"""A partner's leaving is said to be driven by an uncertain input only if |Spearman rho| reaches this."""


def cause_text(cause: str) -> str:
    """Plain words for an exit cause ('impatience' -> 'out of patience'); unknown causes are spelled out."""
    return {**EXIT_REASONS, **EXTRA_REASONS}.get(cause, str(cause).replace("_", " "))


def member_exits(exits: pd.DataFrame) -> pd.DataFrame:
    """The exits that are departures: a network organization losing interest before joining is not one."""
    return exits[exits["cause"] != LOST_INTEREST]


def exit_risk(exits: pd.DataFrame, runs: pd.DataFrame, names: Sequence[str], labels: Sequence[str]) -> pd.DataFrame:
    """Per organization and option: chance it leaves, the median and first-quartile month, the main cause."""
    exits = member_exits(exits)
    n_runs = runs[runs["status"] == "ok"].groupby("option").size()
    rows = []
    for label in labels:
        arm = exits[exits["option"] == label]
        for name in names:
            left = arm[arm["organization"] == name]
            months = left["month"].astype(float)
            causes = left["cause"].value_counts()
            rows.append(
                {
                    "organization": name,
                    "option": label,
                    "p_leave": len(left) / n_runs.get(label, 1) if n_runs.get(label, 0) else math.nan,
                    "month_q25": float(months.quantile(0.25)) if len(left) else math.nan,
                    "month_median": float(months.median()) if len(left) else math.nan,
                    "main_cause": str(causes.index[0]) if len(causes) else "",
                }
            )
    return pd.DataFrame(rows)


def partner_table(
    exits: pd.DataFrame,
    runs: pd.DataFrame,
    names: Sequence[str],
    labels: Sequence[str],
    inputs: pd.DataFrame | None = None,
    input_labels: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Each partner's fate per option: left / lost interest / coalition ended first / still with it.

    Returns:
        One row per organization and option: p_left, p_lost_interest (wider network
        only), p_ended_first, p_still_member (these four sum to 1), p_left_<cause> for every cause seen in ``exits``,
        month_first (earliest exit), month_median, causes (plain words, most common
        first), driver and driver_rho (the uncertain input most associated with
        its leaving, if |rho| >= DRIVER_MIN_RHO).
    """
    ok = runs[runs["status"] == "ok"]
    faded = exits[exits["cause"] == LOST_INTEREST]
    exits = member_exits(exits)
    causes = sorted(exits["cause"].dropna().unique()) if len(exits) else []
    rows = []
    for label in labels:
        arm = ok[ok["option"] == label].set_index("replication")
        n = len(arm)
        ended = ~arm["endured"].astype(bool)
        arm_exits = exits[exits["option"] == label]
        arm_faded = faded[faded["option"] == label]
        ranks = None if inputs is None or inputs.shape[1] == 0 else _standard_ranks(inputs.reindex(arm.index))
        for name in names:
            mine = arm_exits[arm_exits["organization"] == name]
            left = pd.Series(arm.index.isin(mine["replication"]), index=arm.index)
            gone = left | arm.index.isin(arm_faded.loc[arm_faded["organization"] == name, "replication"])
            row = {
                "organization": name,
                "option": label,
                "runs": n,
                "p_left": float(left.mean()) if n else math.nan,
                "p_lost_interest": float((gone & ~left).mean()) if n else math.nan,
                "p_ended_first": float((~gone & ended).mean()) if n else math.nan,
                "p_still_member": float((~gone & ~ended).mean()) if n else math.nan,
            }
            counts = mine["cause"].value_counts()
            for cause in causes:
                row[f"p_left_{cause}"] = float(counts.get(cause, 0) / n) if n else math.nan
            months = mine["month"].astype(float)
            row["month_first"] = float(months.min()) if len(mine) else math.nan
            row["month_median"] = float(months.median()) if len(mine) else math.nan
            row["causes"] = ", ".join(f"{cause_text(c)} {k / len(mine):.0%}" for c, k in counts.items())
            row["driver"], row["driver_rho"] = _driver(left, ranks, inputs, input_labels or {})
            rows.append(row)
    return pd.DataFrame(rows)


def _standard_ranks(frame: pd.DataFrame) -> np.ndarray:
    """Column ranks scaled to mean 0 and norm 1 (constant columns are 0): Spearman's rho is then a dot product."""
    ranks = frame.rank().to_numpy(dtype=float)
    ranks -= ranks.mean(axis=0)
    norm = np.sqrt((ranks**2).sum(axis=0))
    return np.divide(ranks, norm, out=np.zeros_like(ranks), where=norm > 0)


def _driver(
    left: pd.Series, ranks: np.ndarray | None, inputs: pd.DataFrame | None, labels: dict[str, str]
) -> tuple[str, float]:
    """The uncertain input with the strongest rank correlation with leaving ('' if none is strong).

    ``ranks`` are the inputs' standardised ranks over the same draws as ``left`` (see _standard_ranks).
    """
    if ranks is None or left.nunique() < 2:
        return "", math.nan
    y = _standard_ranks(left.astype(float).to_frame())[:, 0]
    rho = ranks.T @ y
    best = int(np.argmax(np.abs(rho)))
    if abs(rho[best]) < DRIVER_MIN_RHO:
        return "", math.nan
    col = inputs.columns[best]
    return labels.get(col, col), float(rho[best])

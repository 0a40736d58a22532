"""The big numbers above the drawings: month, members, mean trust, impact, adopted / blocked.

Read from the run's monthly table (``datacollector``), so they always agree with
the charts.
"""

from __future__ import annotations

import pandas as pd


def monitor_values(series: pd.DataFrame, horizon: int) -> dict[str, str]:
    """Label -> value as shown, from the run's monthly table so far."""
    if series.empty:
        return {}
    last = series.iloc[-1]
    month = len(series) - 1
    return {
        "Month": f"{month} of {horizon}",
        "Members": f"{int(last['members'])}",
        "Mean trust": f"{float(last['mean_trust']):.2f}",
        "Impact": f"{float(last['cumulative_impact']):.1f}",
        "Adopted / blocked": f"{int(series['adopted'].sum())} / {int(series['blocked'].sum())}",
    }


def differences(left: pd.DataFrame, right: pd.DataFrame) -> dict[str, float]:
    """Right minus left at the latest month both have: members, impact, mean trust."""
    if left.empty or right.empty:
        return {}
    a, b = left.iloc[-1], right.iloc[-1]
    return {
        "members": float(b["members"] - a["members"]),
        "impact": float(b["cumulative_impact"] - a["cumulative_impact"]),
        "trust": float(b["mean_trust"] - a["mean_trust"]),
    }

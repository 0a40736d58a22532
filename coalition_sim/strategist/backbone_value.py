"""The backbone's cost against its benefit: what each step up in strength buys per unit of cost.

The strategist states what one unit of backbone strength costs for one month
(e.g. 1.0 = a fully staffed backbone for a month). A run's backbone cost is
that price times the strength in force in each month the coalition lived
(the schedule: strength until the cut month, then what is left after it).
For each rule run at two or more strengths, consecutive strengths are
compared on the same draws: the extra cost, the extra impact and the extra
chance of lasting the horizon, and each per unit of extra cost.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

COLUMNS = [
    "governance",
    "from_strength",
    "to_strength",
    "extra_cost",
    "extra_impact",
    "extra_lasting",
    "impact_per_cost",
    "lasting_per_cost",
]


def run_cost(lifetime, strength, cut_month, after_cut, price: float) -> np.ndarray:
    """Backbone cost of runs: price x sum over months 1..lifetime of the scheduled strength."""
    life = np.asarray(lifetime, float)
    cut = np.asarray(cut_month, float)
    before = np.where(cut > 0, np.minimum(life, np.maximum(cut - 1, 0)), life)
    return price * (np.asarray(strength, float) * before + np.asarray(after_cut, float) * (life - before))


def backbone_value(runs: pd.DataFrame, options, scenario, price: float | None) -> pd.DataFrame:
    """Per rule, consecutive backbone strengths compared on the same draws (empty without a price)."""
    if price is None or runs.empty:
        return pd.DataFrame(columns=COLUMNS)
    ok = runs[runs["status"] == "ok"].copy()
    ok["cost"] = run_cost(
        ok["lifetime"], ok["backbone_strength"], ok["backbone_cut_month"], ok["backbone_after_cut"], price
    )
    rows = []
    groups: dict[tuple, list] = {}
    for o in options:
        if o.backbone is not None:
            groups.setdefault((o.governance, o.interventions), []).append(o)
    for (governance, _), opts in groups.items():
        opts = sorted(opts, key=lambda o: o.backbone)
        for low, high in zip(opts, opts[1:]):
            a = ok[ok["option"] == low.label].set_index("replication")
            b = ok[ok["option"] == high.label].set_index("replication")
            both = a.index.intersection(b.index)
            if not len(both):
                continue
            a, b = a.loc[both], b.loc[both]
            cost = float((b["cost"] - a["cost"]).mean())
            impact = float((b["total_impact"] - a["total_impact"]).mean())
            lasting = float(b["endured"].astype(float).mean() - a["endured"].astype(float).mean())
            rows.append(
                [
                    governance,
                    low.backbone,
                    high.backbone,
                    cost,
                    impact,
                    lasting,
                    impact / cost if cost > 0 else math.nan,
                    lasting / cost if cost > 0 else math.nan,
                ]
            )
    return pd.DataFrame(rows, columns=COLUMNS)

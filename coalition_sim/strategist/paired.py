"""Draw-by-draw tables of the strategist's comparison: the options side by side on the same draws.

Both the comparison and the report read them, so they live apart from either.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

OUTCOME = "total_impact"
"""The outcome options are ranked on."""


def paired(runs: pd.DataFrame, outcome: str, labels: Sequence[str]) -> pd.DataFrame:
    """Replications x options table of ``outcome``, keeping only replications where every run succeeded."""
    ok = runs[runs["status"] == "ok"]
    wide = ok.pivot(index="replication", columns="option", values=outcome)
    wide = wide.reindex(columns=list(labels)).dropna().astype(float)
    return wide

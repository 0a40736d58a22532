"""Which uncertainty matters: how much the winner's margin depends on each uncertain input.

For the recommendation and the runner-up, the margin in a draw is the
recommendation's impact minus the runner-up's. An input matters when knowing it
would tell you much about the margin, and above all when, in part of its range,
the runner-up wins on average: then finding it out could change the decision.
For each input the draws are cut into ``BINS`` equal-count bins of that input;
the share of the margin's variance explained by the bin means (the correlation
ratio, a first-order sensitivity index) ranks the inputs, and the bins where the
mean margin is negative say in which range the recommendation would change.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

BINS = 5
"""Equal-count bins of an input (quintiles)."""
MIN_DRAWS = 10
"""Fewer paired draws than this: no ranking."""
FLIP_Z = 1.96
"""A bin counts as one where the runner-up wins only if its mean margin is this many standard errors below 0."""


def margin_dependence(margin: pd.Series, inputs: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Uncertain inputs ranked by the share of the margin's variance their bins explain.

    Args:
        margin: per replication, recommended minus runner-up impact.
        inputs: per replication, the drawn uncertain inputs (same index).
        labels: plain names of the inputs by path.

    Returns:
        One row per varying input, most important first: input, label, explained
        (0-1, corrected for the share noise alone would explain), flips (True if
        the runner-up wins on average in some bin, beyond sampling error), flip_range ('below 0.3',
        'from 0.4 to 0.6' ...: where it wins), worst_bin_margin.
    """
    labels = labels or {}
    columns = ["input", "label", "explained", "flips", "flip_range", "worst_bin_margin"]
    y = margin.astype(float)
    x = inputs.reindex(y.index)
    if len(y) < MIN_DRAWS or float(y.var(ddof=0)) == 0.0:
        return pd.DataFrame(columns=columns)
    rows = []
    for col in x.columns:
        v = x[col].astype(float)
        if v.nunique() < 2:
            continue
        bins = pd.qcut(v.rank(method="first"), min(BINS, v.nunique()), labels=False)
        means = y.groupby(bins).mean()
        sizes = y.groupby(bins).size()
        between = float((sizes * (means - y.mean()) ** 2).sum() / len(y))
        k = len(means)
        # expected share under no dependence is (k - 1) / (n - 1); subtract it so noise scores about 0
        share = between / float(y.var(ddof=0)) - (k - 1) / (len(y) - 1)
        se = y.groupby(bins).std(ddof=1) / np.sqrt(sizes)
        losing = [b for b in means.index if means[b] + FLIP_Z * se[b] < 0]
        rows.append(
            {
                "input": col,
                "label": labels.get(col, col),
                "explained": max(share, 0.0),
                "flips": bool(losing),
                "flip_range": _range_text(v, bins, losing),
                "worst_bin_margin": float(means.min()),
            }
        )
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values("explained", ascending=False, kind="stable").reset_index(drop=True)


def _range_text(v: pd.Series, bins: pd.Series, losing: list) -> str:
    if not losing:
        return ""
    parts = []
    for b in losing:
        inside = v[bins == b]
        low, high = float(inside.min()), float(inside.max())
        parts.append(f"{low:.3g} to {high:.3g}" if not math.isclose(low, high) else f"{low:.3g}")
    return "; ".join(parts)


def what_to_find_out(table: pd.DataFrame, top: int = 3) -> list[str]:
    """Plain sentences on the inputs worth finding out first."""
    out = []
    for _, r in table.head(top).iterrows():
        if r["explained"] <= 0.01 and not r["flips"]:
            continue
        text = f"{r['label']} explains {r['explained']:.0%} of how much the recommendation wins by"
        if r["flips"]:
            text += f"; where it is {r['flip_range']}, the runner-up wins on average"
        out.append(text + ".")
    return out

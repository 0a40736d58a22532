"""Choosing with survival in mind: rules that weigh lasting, and a warning when the choice rarely lasts.

Impact alone can recommend an option that achieves a lot in the few draws where
the coalition holds together and little elsewhere. Two ranking rules weigh
lasting:

- ``lasting``: the best mean impact among options that last the horizon in at
  least ``min_lasting`` of the draws (the strategist sets the bar); options
  below the bar come after, by their chance of lasting.
- ``impact-and-lasting``: mean impact plus ``running_value`` for every draw in
  which the coalition is still running at the horizon (the value, in impact
  units, of a coalition that can go on working).

Whatever rule ranked the options, :func:`survival_warnings` names every other
option that lasts clearly more often than the recommendation: its 95% Wilson
interval lies entirely above the recommendation's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from coalition_sim.strategist.rank_rules import SURVIVAL_RULES  # noqa: F401  (named here for readers)

DEFAULT_MIN_LASTING = 0.5
"""Default bar of the ``lasting`` rule: last the horizon in at least half of the draws."""
DEFAULT_RUNNING_VALUE = 10.0
"""Default value of a coalition still running at the horizon (impact units, about ten initiatives)."""


def lasting_score(mean_impact: np.ndarray, p_lasting: np.ndarray, min_lasting: float) -> np.ndarray:
    """Score of the ``lasting`` rule: options above the bar by impact, then the rest by chance of lasting.

    Options that clear the bar score their mean impact; the others score
    ``-1e9 + p_lasting`` so they come after every option that clears it.
    """
    mean_impact, p_lasting = np.asarray(mean_impact, float), np.asarray(p_lasting, float)
    return np.where(p_lasting >= min_lasting, mean_impact, -1e9 + p_lasting)


def impact_and_lasting_score(impact: pd.DataFrame, lasted: pd.DataFrame, running_value: float) -> np.ndarray:
    """Mean over draws of impact + ``running_value`` x (1 if still running at the horizon)."""
    return (impact.to_numpy(float) + running_value * lasted.to_numpy(float)).mean(axis=0)


@dataclass(frozen=True)
class SurvivalWarning:
    """Another option that lasts clearly more often than the recommendation."""

    option: str
    p: float
    low: float
    high: float
    recommended: str
    p_recommended: float
    low_recommended: float
    high_recommended: float
    impact: float
    impact_recommended: float

    def text(self) -> str:
        """One sentence with both figures."""
        return (
            f"{self.option} lasts the horizon clearly more often: in {self.p:.0%} of draws "
            f"(95% interval {self.low:.0%} to {self.high:.0%}) against {self.p_recommended:.0%} "
            f"({self.low_recommended:.0%} to {self.high_recommended:.0%}) for {self.recommended}, "
            f"at a mean impact of {self.impact:.1f} against {self.impact_recommended:.1f}."
        )


def survival_warnings(summary: pd.DataFrame, recommended: str) -> list[SurvivalWarning]:
    """Options whose chance of lasting has a Wilson interval wholly above the recommendation's.

    Args:
        summary: one row per option with option, p_endure, p_endure_low, p_endure_high, impact_mean.
        recommended: the recommended option's label.

    Returns:
        The warnings, most lasting first (empty when nothing lasts clearly more often).
    """
    rows = summary.dropna(subset=["p_endure"]).set_index("option")
    if recommended not in rows.index:
        return []
    best = rows.loc[recommended]
    found = [
        SurvivalWarning(
            option=str(label),
            p=float(r["p_endure"]),
            low=float(r["p_endure_low"]),
            high=float(r["p_endure_high"]),
            recommended=recommended,
            p_recommended=float(best["p_endure"]),
            low_recommended=float(best["p_endure_low"]),
            high_recommended=float(best["p_endure_high"]),
            impact=float(r["impact_mean"]),
            impact_recommended=float(best["impact_mean"]),
        )
        for label, r in rows.iterrows()
        if label != recommended and float(r["p_endure_low"]) > float(best["p_endure_high"])
    ]
    return sorted(found, key=lambda w: -w.p)


def check_survival_settings(min_lasting: float, running_value: float, backbone_cost: float | None) -> None:
    """Refuse a bar outside [0, 1], a negative value of running on, or a negative backbone cost."""
    from coalition_sim.util.errors import InputError

    if not 0.0 <= min_lasting <= 1.0:
        raise InputError(f"min-lasting={min_lasting!r} is out of range: allowed a share between 0 and 1")
    if not running_value >= 0.0:
        raise InputError(f"running-value={running_value!r} is out of range: allowed a number >= 0 (impact units)")
    if backbone_cost is not None and not backbone_cost >= 0.0:
        raise InputError(f"backbone-cost={backbone_cost!r} is out of range: allowed a number >= 0")

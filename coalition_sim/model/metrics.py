"""What a run reports: per-month reporters for the DataCollector, and the summary.

Month-level counts are kept by the model in ``model.tally`` (reset each month);
:func:`snapshot` turns the model's state into one row of figures, and
:func:`summary` the whole run into end-of-run figures.
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from coalition_sim.model.endurance import CENSORED

COUNTS = (
    "arrived",
    "adopted",
    "blocked",
    "lapsed",
    "succeeded",
    "failed",
    "joins",
    "exits",
    "exits_burnout",
    "exits_impatience",
    "exits_drift",
    "turnover",
)
"""Things counted each month (reset at the start of the month)."""

SERIES = (
    "members",
    "network",
    "mean_trust",
    "trust_density",
    "alignment_mean",
    "alignment_spread",
    "energy",
    *COUNTS,
    "pending",
    "dilution",
    "decision_delay",
    "impact",
    "cumulative_impact",
    "reputation",
    "backbone_strength",
)
"""Columns of the time series, in order."""


def snapshot(model) -> dict[str, float]:
    """The figures for the current month."""
    members = model.core_indices()
    tally = model.tally
    k = members.size
    if k:
        alignment = model.alignment(members)
        alignment_mean = float(alignment.sum() / k)  # numpy's mean and std, spelt out (no per-call overhead)
        spread = alignment - alignment_mean
        alignment_spread = math.sqrt(float((spread * spread).sum() / k))
        energy = float(model.energy[members].sum() / k)
    else:
        alignment_mean = alignment_spread = energy = 0.0
    return {
        "members": int(k),
        "network": int(model.network_indices().size),
        "mean_trust": model.trust.mean_among(members, model.member_ties),
        "trust_density": model.trust.density_among(members),
        "alignment_mean": alignment_mean,
        "alignment_spread": alignment_spread,
        "energy": energy,
        **{name: tally[name] for name in COUNTS},
        "pending": len(model.pending),
        "dilution": _mean(tally["dilutions"]),
        "decision_delay": _mean(tally["delays"]),
        "impact": tally["impact"],
        "cumulative_impact": model.cumulative_impact,
        "reputation": model.reputation,
        "backbone_strength": model.backbone.strength,
    }


class ScalarCollector(mesa.DataCollector):
    """Mesa's DataCollector, minus the deepcopy of every value.

    Our model reporters return fresh Python scalars, which need no copy; the copy
    cost a fifth of a default run. With the standard reporters (:func:`reporters`)
    the month's row is read straight from ``model.stats``, without a call per
    column. Everything else (tables, agent reporters, ``get_model_vars_dataframe``)
    is Mesa's own.
    """

    def collect(self, model) -> None:
        """Append one row of model reporters (and agent data, if any, the Mesa way)."""
        if self.agent_reporters or self.agenttype_reporters:
            super().collect(model)
            return
        if getattr(self, "_columns", None) is None:
            standard = all(getattr(r, "stats_key", None) == v for v, r in self.model_reporters.items())
            self._columns = [(self.model_vars[v].append, v) for v in self.model_reporters] if standard else []
        if self._columns:
            stats = model.stats
            for append, key in self._columns:
                append(stats[key])
            return
        for var, reporter in self.model_reporters.items():
            self.model_vars[var].append(reporter(model))


class _StatReporter:
    """A model reporter that reads one figure of the month's snapshot."""

    def __init__(self, key: str) -> None:
        self.stats_key = key

    def __call__(self, model) -> float:
        return model.stats[self.stats_key]


def reporters() -> dict:
    """DataCollector model reporters reading the month's snapshot."""
    return {name: _StatReporter(name) for name in SERIES}


def _mean(values: list[float]) -> float:
    if len(values) < 8:  # a month's few values: the same mean to rounding, without numpy's call overhead
        return sum(values) / len(values) if values else math.nan
    return float(np.mean(values))


def summary(model) -> dict:
    """End-of-run figures (scalars only; see CoalitionModel.summary for the series)."""
    totals = model.totals
    return {
        "endured": model.cause is None,
        "lifetime": model.lifetime,
        "censored": model.cause is None,
        "cause": model.cause or CENSORED,
        "total_impact": model.cumulative_impact,
        "final_members": int(model.core_indices().size),
        "joins": totals["joins"],
        "exits": totals["exits"],
        "exits_burnout": totals["exits_burnout"],
        "exits_impatience": totals["exits_impatience"],
        "exits_drift": totals["exits_drift"],
        "turnover": totals["turnover"],
        "churn": (totals["joins"] + totals["exits"]) / max(model.initial_members, 1),
        "arrived": totals["arrived"],
        "adopted": totals["adopted"],
        "blocked": totals["blocked"],
        "lapsed": totals["lapsed"],
        "succeeded": totals["succeeded"],
        "failed": totals["failed"],
        "success_rate": totals["succeeded"] / totals["adopted"] if totals["adopted"] else math.nan,
        "mean_dilution": _mean(model.all_dilutions),
        "mean_decision_delay": _mean(model.all_delays),
        "final_mean_trust": model.stats["mean_trust"],
        "final_energy": model.stats["energy"],
        "final_backbone_strength": model.backbone.strength,
    }

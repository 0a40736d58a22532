"""Where dilution and blocking come from: who objects to the best plans, and which uncertain inputs move them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from coalition_sim.strategist.scenario import Draw, Scenario

OBJECTION_SAMPLES = 200
"""Ideal plans drawn per replication to estimate how often each organization objects."""


def objections(scenario: Scenario, draws: list[Draw], seed: int = 0, samples: int = OBJECTION_SAMPLES) -> pd.DataFrame:
    """How often each organization would object to an initiative's ideal plan.

    For each draw, ideal plans are drawn as the model draws them (around the
    purpose with the drawn initiative spread); an organization objects to those
    outside its tolerance. Under consensus these are the plans it forces to be
    bent (dilution) or blocks; under opt-in it sits them out.
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, 1]))
    shares, gaps = [], []
    for d in draws:
        pop = d.population
        spread = d.params["initiative_spread"]
        ideals = np.clip(pop.purpose + rng.normal(0.0, spread, (samples, pop.purpose.size)), 0.0, 1.0)
        dist = np.sqrt(((pop.position[:, None, :] - ideals[None, :, :]) ** 2).sum(axis=2))
        outside = dist > pop.tolerance[:, None]
        shares.append(outside.mean(axis=1))
        gaps.append(np.where(outside, dist - pop.tolerance[:, None], 0.0).mean(axis=1))
    member = {o.name: o.member for o in scenario.organizations}
    table = pd.DataFrame(
        {
            "organization": [o.name for o in scenario.organizations],
            "member": [member[o.name] for o in scenario.organizations],
            "p_object": np.mean(shares, axis=0),
            "mean_bend": np.mean(gaps, axis=0),
        }
    )
    return table.sort_values("p_object", ascending=False, kind="stable").reset_index(drop=True)


def drivers(
    runs: pd.DataFrame, inputs: pd.DataFrame, labels: Sequence[str], names: dict[str, str], top: int = 3
) -> pd.DataFrame:
    """Per option and outcome (blocking, dilution): the uncertain inputs with the strongest rank correlation."""
    from scipy import stats

    rows = []
    for label in labels:
        arm = runs[(runs["option"] == label) & (runs["status"] == "ok")].set_index("replication")
        years = np.maximum(arm["lifetime"].astype(float), 1) / 12
        outcomes = {"blocked_per_year": arm["blocked"] / years, "mean_dilution": arm["mean_dilution"]}
        for outcome, y in outcomes.items():
            found = []
            for col in inputs.columns:
                both = pd.concat([inputs[col], y.astype(float)], axis=1, join="inner").dropna()
                if len(both) < 5 or both.iloc[:, 0].nunique() < 2 or both.iloc[:, 1].nunique() < 2:
                    continue
                rho = float(stats.spearmanr(both.iloc[:, 0], both.iloc[:, 1]).statistic)
                found.append((abs(rho), rho, col))
            for _, rho, col in sorted(found, reverse=True)[:top]:
                rows.append(
                    {"option": label, "outcome": outcome, "input": col, "label": names.get(col, col), "spearman": rho}
                )
    return pd.DataFrame(rows, columns=["option", "outcome", "input", "label", "spearman"])

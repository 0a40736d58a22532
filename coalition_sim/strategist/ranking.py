"""Ranking options on the paired draws: by impact, worst case, regret, or with survival weighed in.

Every rule works on a replications x options table of impact (and, for the
survival-aware rules of :mod:`coalition_sim.strategist.survival_choice`, the
matching table of whether the coalition was still running at the horizon).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coalition_sim.strategist.rank_rules import RANK_RULES, SURVIVAL_RULES
from coalition_sim.strategist.survival_choice import (
    DEFAULT_MIN_LASTING,
    DEFAULT_RUNNING_VALUE,
    impact_and_lasting_score,
    lasting_score,
)
from coalition_sim.util.errors import InputError, suggest

WORST_CASE_QUANTILE = 0.1
"""The 'worst case' is this quantile of impact across the uncertain draws."""


def check_rule(rule: str) -> None:
    """Refuse an unknown ranking rule with the allowed ones."""
    if rule not in RANK_RULES:
        raise InputError(
            f"rank={rule!r} is not allowed{suggest(str(rule), RANK_RULES)}: one of {', '.join(RANK_RULES)}"
        )


def rank_options(
    wide: pd.DataFrame,
    rule: str = "impact",
    quantile: float = WORST_CASE_QUANTILE,
    lasted: pd.DataFrame | None = None,
    min_lasting: float = DEFAULT_MIN_LASTING,
    running_value: float = DEFAULT_RUNNING_VALUE,
) -> pd.DataFrame:
    """Rank options (columns of a replications x options table) by a rule.

    Rules: ``impact`` (highest mean), ``worst-case`` (highest ``quantile`` of the
    outcome across draws), ``regret`` (lowest ``1 - quantile`` quantile of regret,
    e.g. the regret exceeded in only 10% of draws; a draw's regret for an option is
    the best option's outcome in that draw minus its own), ``lasting`` (highest
    mean among options lasting the horizon in at least ``min_lasting`` of draws)
    and ``impact-and-lasting`` (mean of impact + ``running_value`` when still
    running). The mean regret is reported but not ranked on: it equals the mean of
    the best outcome minus the option's mean, so it would always agree with
    ``impact``. Ties go to the higher mean.

    Args:
        lasted: replications x options table, 1 where the coalition lasted the
            horizon (needed by the survival-aware rules; same rows and columns as ``wide``).

    Returns:
        One row per option, best first: option, mean, worst_case, mean_regret,
        regret_high (the 1 - quantile quantile of regret), max_regret, p_best
        (share of draws where it is best, ties shared), p_lasting (when ``lasted``
        is given), score, rank.
    """
    check_rule(rule)
    if rule in SURVIVAL_RULES and lasted is None:
        raise InputError(f"rank={rule!r} needs whether each run lasted the horizon")
    values = wide.to_numpy(dtype=float)
    empty = not len(values)
    best = values.max(axis=1, keepdims=True) if not empty else np.zeros((0, 1))
    regret = best - values
    winners = np.isclose(values, best)
    table = pd.DataFrame(
        {
            "option": list(wide.columns),
            "mean": values.mean(axis=0) if not empty else np.nan,
            "worst_case": np.quantile(values, quantile, axis=0) if not empty else np.nan,
            "mean_regret": regret.mean(axis=0) if not empty else np.nan,
            "regret_high": np.quantile(regret, 1 - quantile, axis=0) if not empty else np.nan,
            "max_regret": regret.max(axis=0) if not empty else np.nan,
            "p_best": (winners / winners.sum(axis=1, keepdims=True)).mean(axis=0) if not empty else np.nan,
        }
    )
    if lasted is not None:
        lasted = lasted.reindex(index=wide.index, columns=wide.columns).astype(float)
        table["p_lasting"] = lasted.to_numpy().mean(axis=0) if not empty else np.nan
    scores = {
        "impact": lambda: table["mean"],
        "worst-case": lambda: table["worst_case"],
        "regret": lambda: -table["regret_high"],
        "lasting": lambda: lasting_score(table["mean"], table["p_lasting"], min_lasting),
        "impact-and-lasting": lambda: impact_and_lasting_score(wide, lasted, running_value),
    }
    table["score"] = scores[rule]()
    table = table.sort_values(["score", "mean"], ascending=False, kind="stable").reset_index(drop=True)
    table["rank"] = np.arange(1, len(table) + 1)
    return table

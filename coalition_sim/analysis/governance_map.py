"""The answer as a map: which governance rule endures longer, and achieves more, for which coalition.

A map study varies the governance rule and the backbone strength (the arms, sharing seeds) over
coalition types: size (``n_orgs``), diversity (``alignment_spread`` against a fixed ``tolerance``)
and initial trust (``initial_trust``). A *cell* is one coalition type at one backbone strength.

- :func:`cell_summary`: per cell and rule, endurance with its Wilson (1927) interval, restricted
  mean lifetime (RMST) to the horizon and mean impact, each with an interval.
- :func:`paired_differences`: per cell and pair of levels of a factor (two rules, or a backbone
  strength against none), the paired difference on shared seeds in endurance (Newcombe 1998),
  RMST (jackknife pseudo-values, Andersen et al. 2004) and impact (paired t), with whether its
  interval excludes 0 (*clear*) and which side wins.
- :func:`win_regions`: per pair of rules, backbone strength and measure, how many cells each rule
  wins clearly and how many are not clear; :func:`best_rule`: per cell, the rule with the longest
  restricted mean lifetime and whether it beats the runner-up clearly.

The findings in words are in :mod:`coalition_sim.analysis.map_findings`, the figures in
:mod:`coalition_sim.analysis.map_plots`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from coalition_sim.analysis.proportions import mcnemar_exact_p, newcombe_paired_interval, proportion
from coalition_sim.analysis.rmst import rmst_contrast
from coalition_sim.analysis.survival import restricted_mean
from coalition_sim.studies.store import finished

RULE, LEVEL = "governance", "backbone_strength"
COALITION = ("n_orgs", "alignment_spread", "initial_trust")
"""The coalition-type factors, in map order: rows (size), columns (diversity), panels (trust)."""
RULE_ORDER = ("unanimity", "consensus", "opt-in", "majority")
"""Rules in the order pairs are formed: each pair is the later rule minus the earlier one."""
MEASURES = ("endurance", "rmst", "impact")


def applies(study: dict, runs: pd.DataFrame) -> bool:
    """True when the study varies the rule and at least one coalition-type factor."""
    varied = study.get("varied") or {}
    ok = finished(runs)
    if RULE not in varied or RULE not in ok or ok[RULE].nunique() < 2:
        return False
    return any(name in varied and name in ok and ok[name].nunique() > 1 for name in COALITION)


def cell_columns(runs: pd.DataFrame) -> list[str]:
    """The coalition-type factors and backbone strength present in ``runs``, in map order."""
    return [c for c in (*COALITION, LEVEL) if c in runs]


def ordered_rules(rules: Sequence[str]) -> list[str]:
    """The rules in :data:`RULE_ORDER`, any others after them in sorted order."""
    known = [r for r in RULE_ORDER if r in set(rules)]
    return known + sorted(set(rules) - set(known))


def cell_summary(runs: pd.DataFrame, horizon: float, confidence: float = 0.95) -> pd.DataFrame:
    """Per cell and rule: n, endurance [Wilson], RMST to the horizon [CI], mean impact [t CI]."""
    ok = finished(runs)
    cells = cell_columns(ok)
    rows = []
    for key, group in ok.groupby([*cells, RULE], sort=True):
        p, p_low, p_high = proportion(group.endured, confidence)
        rmst, r_low, r_high = restricted_mean(group.lifetime, group.censored, horizon, confidence)
        impact, i_low, i_high = mean_interval(group.total_impact.to_numpy(dtype=float), confidence)
        rows.append(
            {
                **dict(zip([*cells, RULE], key)),
                "n": len(group),
                "endurance": p,
                "endurance_low": p_low,
                "endurance_high": p_high,
                "rmst": rmst,
                "rmst_low": r_low,
                "rmst_high": r_high,
                "mean_impact": impact,
                "impact_low": i_low,
                "impact_high": i_high,
            }
        )
    return pd.DataFrame(rows)


def mean_interval(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean with its t interval: (mean, low, high); the mean alone when n < 2."""
    n = values.size
    if n == 0:
        return math.nan, math.nan, math.nan
    mean = float(values.mean())
    if n < 2:
        return mean, math.nan, math.nan
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * float(values.std(ddof=1)) / math.sqrt(n)
    return mean, mean - half, mean + half


def paired_differences(
    runs: pd.DataFrame,
    factor: str,
    pairs: Sequence[tuple],
    horizon: float,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Paired differences (arm minus reference) between levels of ``factor`` within every cell.

    Runs are paired by ``replication``; the pair must share its seed (common random numbers),
    else the cell is refused with a ValueError naming it.

    Args:
        runs: the study's runs.
        factor: ``governance`` (pairs of rules) or ``backbone_strength`` (pairs of strengths).
        pairs: (reference, arm) levels of ``factor``.
        horizon: restriction time of the RMST (months).
        confidence: level of every interval.

    Returns:
        One row per cell, pair and measure (``endurance``, ``rmst``, ``impact``): the cell's
        columns, ``reference``, ``arm``, ``measure``, ``n_pairs``, ``difference``, ``low``,
        ``high``, ``p``, ``clear`` (the interval excludes 0), ``winner`` (the level that is
        clearly better, empty when not clear) and ``confidence``.
    """
    ok = finished(runs)
    within = [c for c in (*cell_columns(ok), RULE) if c != factor and c in ok]
    rows = []
    for key, group in ok.groupby(within, sort=True):
        values = dict(zip(within, key if isinstance(key, tuple) else (key,)))
        for reference, arm in pairs:
            ref = group[group[factor] == reference].set_index("replication")
            other = group[group[factor] == arm].set_index("replication")
            common = ref.index.intersection(other.index).sort_values()
            if len(common) < 2:
                continue
            ref, other = ref.loc[common], other.loc[common]
            if not (ref.seed.to_numpy() == other.seed.to_numpy()).all():
                raise ValueError(
                    f"{factor} {reference} and {arm} do not share seeds at {values}: the map needs paired arms "
                    f'(design.arms = ["governance", "backbone_strength"])'
                )
            for measure, (d, low, high, p) in _pair_measures(ref, other, horizon, confidence).items():
                clear = bool(low > 0 or high < 0)
                winner = (arm if low > 0 else reference) if clear else ""
                rows.append(
                    {
                        **values,
                        "reference": reference,
                        "arm": arm,
                        "measure": measure,
                        "n_pairs": len(common),
                        "difference": d + 0.0,
                        "low": low + 0.0,
                        "high": high + 0.0,
                        "p": p,
                        "clear": clear,
                        "winner": winner,
                        "confidence": confidence,
                    }
                )
    return pd.DataFrame(rows)


def _pair_measures(ref: pd.DataFrame, arm: pd.DataFrame, horizon: float, confidence: float) -> dict:
    """(difference, low, high, p) of arm minus reference for each measure, on paired runs."""
    d, low, high = newcombe_paired_interval(ref.endured, arm.endured, confidence)
    found = {"endurance": (d, low, high, mcnemar_exact_p(ref.endured, arm.endured))}
    c = rmst_contrast((ref.lifetime, ref.censored), (arm.lifetime, arm.censored), horizon, True, confidence)
    found["rmst"] = (c.difference, c.low, c.high, c.p)
    diff = arm.total_impact.to_numpy(dtype=float) - ref.total_impact.to_numpy(dtype=float)
    m, low, high = mean_interval(diff, confidence)
    if np.allclose(diff, diff[0]):  # no spread: the interval is the point itself
        low = high = m
        p = 1.0 if m == 0 else 0.0
    else:
        p = float(stats.ttest_1samp(diff, 0.0).pvalue)
    found["impact"] = (m, low, high, p)
    return found


def rule_pairs(runs: pd.DataFrame) -> list[tuple[str, str]]:
    """Every pair of rules in the runs, (earlier, later) in :data:`RULE_ORDER`."""
    return list(itertools.combinations(ordered_rules(finished(runs)[RULE].unique()), 2))


def backbone_pairs(runs: pd.DataFrame) -> list[tuple[float, float]]:
    """Each backbone strength against the weakest, (weakest, strength)."""
    levels = sorted(finished(runs)[LEVEL].unique()) if LEVEL in runs else []
    return [(levels[0], level) for level in levels[1:]]


def win_regions(differences: pd.DataFrame) -> pd.DataFrame:
    """Per pair, backbone strength and measure: cells, clear wins of each side, and not clear.

    Returns:
        Columns ``reference``, ``arm``, ``backbone_strength``, ``measure``, ``cells``,
        ``arm_wins``, ``reference_wins``, ``not_clear``, ``median_half_width``.
    """
    if differences.empty:
        return pd.DataFrame()
    keys = ["reference", "arm", *([LEVEL] if LEVEL in differences else []), "measure"]
    rows = []
    for key, group in differences.groupby(keys, sort=False):
        rows.append(
            {
                **dict(zip(keys, key)),
                "cells": len(group),
                "arm_wins": int((group.winner == group.arm).sum()),
                "reference_wins": int((group.winner == group.reference).sum()),
                "not_clear": int((~group.clear.astype(bool)).sum()),
                "median_half_width": float(((group.high - group.low) / 2).median()),
            }
        )
    return pd.DataFrame(rows)


def best_rule(cells: pd.DataFrame, differences: pd.DataFrame) -> pd.DataFrame:
    """Per cell: the rule with the longest RMST, the runner-up, and whether the lead is clear.

    Returns:
        The cell's columns, ``best``, ``runner_up``, ``rmst_best``, ``rmst_runner_up``,
        ``difference``, ``low``, ``high`` (best minus runner-up, paired), ``clear`` and ``tie``
        (best and runner-up have the same RMST and endurance, e.g. every run endured under both) and
        ``leaders`` (every rule level with the best, ``opt-in = majority``; the best alone when no tie).
    """
    columns = [c for c in cell_columns(cells) if c in cells]
    rmst = differences[differences.measure == "rmst"]
    rows = []
    for key, group in cells.groupby(columns, sort=True):
        values = dict(zip(columns, key if isinstance(key, tuple) else (key,)))
        ranked = group.sort_values(["rmst", "endurance"], ascending=False, kind="stable")
        best, second = ranked.iloc[0], ranked.iloc[1]
        match = rmst[np.logical_and.reduce([rmst[c] == v for c, v in values.items()])]
        pair = match[match.reference.isin([best[RULE], second[RULE]]) & match.arm.isin([best[RULE], second[RULE]])]
        sign = 1.0 if len(pair) and pair.arm.iloc[0] == best[RULE] else -1.0
        d, low, high = (
            (sign * pair.difference.iloc[0], *sorted((sign * pair.low.iloc[0], sign * pair.high.iloc[0])))
            if len(pair)
            else (math.nan, math.nan, math.nan)
        )
        rows.append(
            {
                **values,
                "best": best[RULE],
                "runner_up": second[RULE],
                "rmst_best": best.rmst,
                "rmst_runner_up": second.rmst,
                "difference": d + 0.0,
                "low": low + 0.0,
                "high": high + 0.0,
                "clear": bool(low > 0),
                "tie": bool(best.rmst == second.rmst and best.endurance == second.endurance),
                "leaders": " = ".join(
                    ordered_rules(ranked[(ranked.rmst == best.rmst) & (ranked.endurance == best.endurance)][RULE])
                ),
            }
        )
    return pd.DataFrame(rows)


def governance_map(runs: pd.DataFrame, horizon: float, confidence: float = 0.95) -> dict[str, pd.DataFrame]:
    """Every table of the map, by file stem (``map_cells``, ``map_rule_differences``, ...)."""
    cells = cell_summary(runs, horizon, confidence)
    rules = paired_differences(runs, RULE, rule_pairs(runs), horizon, confidence)
    tables = {"map_cells": cells, "map_rule_differences": rules, "map_win_regions": win_regions(rules)}
    tables["map_best_rule"] = best_rule(cells, rules)
    if LEVEL in runs and finished(runs)[LEVEL].nunique() > 1:
        tables["map_backbone_differences"] = paired_differences(runs, LEVEL, backbone_pairs(runs), horizon, confidence)
    return tables

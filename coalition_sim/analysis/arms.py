"""Arms of a study side by side: endurance, restricted mean, impact per arm; paired rule differences.

An arm is one combination of the values of the columns ``by`` (e.g. governance x backbone).
Pure functions on the runs table of ``load_results``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from coalition_sim.analysis.competing_risks import event_causes
from coalition_sim.analysis.proportions import _as_bool, holm, mcnemar_exact_p, newcombe_paired_interval, proportion
from coalition_sim.analysis.survival import Survival, kaplan_meier, logrank_test, restricted_mean
from coalition_sim.studies.store import finished


def logrank_table(runs: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Log-rank tests of each arm against its factor's reference level, within the other factors.

    For every factor in ``by`` and every combination of the other factors, each level
    is compared with the factor's first (sorted) level: with ``by = [governance,
    backbone_strength]`` that is opt-in vs consensus at each backbone strength, and
    each backbone strength vs 0 under each rule. ``p_holm`` adjusts over the whole table.

    Returns:
        One row per test: factor, the arm (its values of ``by``), reference, statistic, p, p_holm.
    """
    runs = finished(runs)
    rows = []
    for factor in by:
        others = [c for c in by if c != factor]
        levels = sorted(runs[factor].unique())
        groups = runs.groupby(others, sort=True) if others else [((), runs)]
        for key, stratum in groups:
            key = key if isinstance(key, tuple) else (key,)
            ref = stratum[stratum[factor] == levels[0]]
            for level in levels[1:]:
                arm = stratum[stratum[factor] == level]
                if arm.empty or ref.empty:
                    continue
                test = logrank_test(arm.lifetime, arm.censored, ref.lifetime, ref.censored)
                rows.append(
                    {
                        "factor": factor,
                        **dict(zip(others, key)),
                        factor: level,
                        "reference": levels[0],
                        "statistic": test.statistic,
                        "p": test.pvalue,
                    }
                )
    table = pd.DataFrame(rows, columns=["factor", *by, "reference", "statistic", "p"])
    table["p_holm"] = holm(table["p"]) if len(table) else []
    return table


# --------------------------------------------------------------------------- proportions
def bootstrap_mean(
    values: Sequence[float], confidence: float = 0.95, n_resamples: int = 9999, seed: int | np.random.Generator = 0
) -> tuple[float, float, float]:
    """Mean with a seeded percentile bootstrap interval (``scipy.stats.bootstrap``).

    Returns:
        (mean, low, high); the interval is (nan, nan) for a constant sample, where
        the bootstrap distribution is degenerate.
    """
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        return math.nan, math.nan, math.nan
    if np.ptp(x) == 0:
        return float(x.mean()), math.nan, math.nan
    res = stats.bootstrap(
        (x,),
        np.mean,
        confidence_level=confidence,
        n_resamples=n_resamples,
        method="percentile",
        vectorized=True,
        rng=np.random.default_rng(seed),
    )
    return float(x.mean()), float(res.confidence_interval.low), float(res.confidence_interval.high)


def endurance_probability(
    endured: Sequence[bool], confidence: float = 0.95, n_resamples: int = 9999, seed: int | np.random.Generator = 0
) -> tuple[float, float, float]:
    """Share of coalitions alive at the horizon, with its Wilson score interval.

    Wilson's interval keeps its level near 0 and 1, where a percentile bootstrap does not
    (37 of 40 gives [0.80, 0.97], not [0.825, 1]). ``n_resamples`` and ``seed`` are accepted
    for compatibility and unused: the interval is exact arithmetic.

    Returns:
        (probability, low, high).
    """
    del n_resamples, seed
    return proportion(endured, confidence)


# --------------------------------------------------------------------------- arms
def arm_label(values: dict) -> str:
    """Readable name of an arm, e.g. ``opt-in, backbone 0.5``."""
    parts = []
    for name, value in values.items():
        if name == "governance":
            parts.append(str(value))
        elif name == "backbone_strength":
            parts.append(f"backbone {value:g}")
        elif isinstance(value, float):
            parts.append(f"{name}={value:g}")
        else:
            parts.append(f"{name}={value}")
    return ", ".join(parts) if parts else "all runs"


def arms(runs: pd.DataFrame, by: Sequence[str]):
    """Yield (values dict, rows) for each arm: each combination of ``by`` (sorted)."""
    if not by:
        yield {}, runs
        return
    for key, rows in runs.groupby(list(by), sort=True):
        key = key if isinstance(key, tuple) else (key,)
        yield dict(zip(by, key)), rows


def survival_by_arm(runs: pd.DataFrame, by: Sequence[str], confidence: float = 0.95) -> dict[str, Survival]:
    """Kaplan-Meier curve of each arm, keyed by its label."""
    return {
        arm_label(values): kaplan_meier(rows.lifetime, rows.censored, confidence)
        for values, rows in arms(finished(runs), by)
    }


def arm_summary(
    runs: pd.DataFrame,
    by: Sequence[str],
    horizon: float,
    confidence: float = 0.95,
    n_resamples: int = 9999,
    seed: int = 0,
) -> pd.DataFrame:
    """One row per arm: n, endurance probability [CI], restricted mean and median lifetime, impact.

    Args:
        runs: the study's runs table.
        by: columns that define the arms (e.g. ``["governance", "backbone_strength"]``).
        horizon: months simulated; the restricted mean is taken to it.
        confidence: level of every interval.
        n_resamples: bootstrap resamples.
        seed: seed of the bootstrap (each arm gets its own stream from it).

    Returns:
        Columns: the ``by`` columns, arm, n, failed, endured, endurance, endurance_low,
        endurance_high, rmst, rmst_low, rmst_high, median_lifetime (NaN: over half endured),
        mean_impact, impact_low, impact_high, and ``n_<cause>`` per cause of dissolution in the data.
    """
    streams = np.random.SeedSequence(seed)
    causes_present = event_causes(runs)
    failed = {tuple(values.values()): len(rows) - len(finished(rows)) for values, rows in arms(runs, by)}
    table = []
    for values, arm in arms(finished(runs), by):
        gen = np.random.default_rng(streams.spawn(1)[0])
        p, p_low, p_high = endurance_probability(arm.endured, confidence, n_resamples, gen)
        rmst, r_low, r_high = restricted_mean(arm.lifetime, arm.censored, horizon, confidence)
        impact, i_low, i_high = bootstrap_mean(arm.total_impact, confidence, n_resamples, gen)
        causes = arm["cause"].value_counts() if "cause" in arm else pd.Series(dtype=int)
        table.append(
            {
                **values,
                "arm": arm_label(values),
                "n": len(arm),
                "failed": failed.get(tuple(values.values()), 0),
                "endured": int(_as_bool(arm.endured).sum()),
                "endurance": p,
                "endurance_low": p_low,
                "endurance_high": p_high,
                "rmst": rmst,
                "rmst_low": r_low,
                "rmst_high": r_high,
                "median_lifetime": kaplan_meier(arm.lifetime, arm.censored, confidence).median(),
                "mean_impact": impact,
                "impact_low": i_low,
                "impact_high": i_high,
                **{f"n_{cause}": int(causes.get(cause, 0)) for cause in causes_present},
            }
        )
    return pd.DataFrame(table)


def backbone_effect(
    runs: pd.DataFrame,
    rule: str = "governance",
    level: str = "backbone_strength",
    confidence: float = 0.95,
    n_resamples: int = 9999,
    seed: int = 0,
) -> pd.DataFrame:
    """Endurance probability [CI] at each backbone strength under each governance rule.

    Returns:
        Columns: ``rule``, ``level``, n, endurance, endurance_low, endurance_high.
    """
    table = arm_summary(
        runs,
        [rule, level],
        horizon=float(runs.lifetime.max()),
        confidence=confidence,
        n_resamples=n_resamples,
        seed=seed,
    )
    return table[[rule, level, "n", "endurance", "endurance_low", "endurance_high"]]


def paired_rule_difference(
    runs: pd.DataFrame,
    rule: str = "governance",
    level: str = "backbone_strength",
    outcome: str = "endured",
    confidence: float = 0.95,
    n_resamples: int = 9999,
    seed: int = 0,
    within: Sequence[str] = (),
) -> pd.DataFrame:
    """Paired difference between governance rules at each backbone strength.

    Runs are paired by ``replication`` within a backbone strength: under common
    random numbers the two rules' runs of a replication share their seed, so the
    difference is not noise from different draws. Pairs with a failed run are
    dropped. A binary outcome gets Newcombe's score interval for paired proportions
    and McNemar's exact test (``p``); others a seeded paired bootstrap. ``within`` names other
    varied columns to pair inside (a pair shares every one of them).

    Returns:
        One row per level and pair of rules (each rule vs the first, sorted):
        ``level``, rule, reference, n_pairs, same_seed (share of pairs with equal seeds),
        difference (rule minus reference), low, high, and for binary outcomes
        only_rule / only_reference (pairs where just one of them endured), p, and
        crn_variance_ratio (variance of the difference if the runs were independent over
        its variance on shared seeds: the gain from common random numbers).
    """
    runs = finished(runs)
    rules = sorted(runs[rule].unique())
    streams = np.random.SeedSequence(seed)
    rows = []
    strata = [level, *[c for c in within if c not in (level, rule)]]
    for key, stratum in runs.groupby(strata, sort=True):
        values = dict(zip(strata, key if isinstance(key, tuple) else (key,)))
        ref = stratum[stratum[rule] == rules[0]].set_index("replication")
        for other in rules[1:]:
            arm = stratum[stratum[rule] == other].set_index("replication")
            common = ref.index.intersection(arm.index)
            x, y = ref.loc[common, outcome], arm.loc[common, outcome]
            same_seed = (
                float((ref.loc[common, "seed"] == arm.loc[common, "seed"]).mean())
                if "seed" in runs and len(common)
                else math.nan
            )
            binary = outcome in ("endured", "censored") or pd.api.types.is_bool_dtype(x)
            diff = y.astype(float).to_numpy() - x.astype(float).to_numpy()
            gen = np.random.default_rng(streams.spawn(1)[0])
            if binary:
                d, low, high = newcombe_paired_interval(x, y, confidence)
            else:
                d, low, high = bootstrap_mean(diff, confidence, n_resamples, gen)
            row = {
                **values,
                rule: other,
                "reference": rules[0],
                "n_pairs": len(common),
                "same_seed": same_seed,
                "difference": d,
                "low": low,
                "high": high,
            }
            if binary:
                xb, yb = _as_bool(x), _as_bool(y)
                row.update(
                    only_rule=int((yb & ~xb).sum()), only_reference=int((xb & ~yb).sum()), p=mcnemar_exact_p(xb, yb)
                )
                row["crn_variance_ratio"] = _crn_gain(xb.astype(float), yb.astype(float))
            rows.append(row)
    return pd.DataFrame(rows)


def _crn_gain(x: np.ndarray, y: np.ndarray) -> float:
    """Var(x) + Var(y) over Var(y - x): how much sharper pairing on seeds made a difference."""
    paired = float(np.var(y - x, ddof=1)) if len(x) > 1 else 0.0
    return (float(np.var(x, ddof=1)) + float(np.var(y, ddof=1))) / paired if paired > 0 else math.nan

"""Statistics of a study: arms side by side, endurance, paired contrasts, and the whole analysis.

Pure functions on pandas DataFrames shaped like ``load_results(path).runs`` (one
row per run: its parameters, ``replication``, ``seed``, ``status`` and the model's
summary outcomes). Nothing here reads or writes files.

A coalition's lifetime is right-censored at the horizon: a run that ``endured`` is
``censored``; any dissolution (collapse, dormancy, purpose achieved) is the event.

- Survival (in :mod:`coalition_sim.analysis.survival`, re-exported here): Kaplan-Meier with pointwise
  bands (:func:`kaplan_meier`), restricted mean lifetime, log-rank tests; per arm: :func:`logrank_table`.
- Endurance probability with a seeded bootstrap interval: :func:`endurance_probability`.
- Arms side by side: :func:`arm_summary`; backbone effect per rule and the paired
  (common-random-numbers) difference between rules: :func:`backbone_effect`,
  :func:`paired_rule_difference`.
- Sensitivity (in :mod:`coalition_sim.analysis.sensitivity`, re-exported here): Sobol indices for
  Saltelli designs (:func:`sobol_analysis`), rank correlation and standardized regression
  coefficients for other designs (:func:`rank_sensitivity`).
- A whole study at once: :func:`analyze_study` (what ``coalition-sim analyze`` prints and writes).

    >>> from coalition_sim import load_results
    >>> from coalition_sim.analysis.study_analysis import analyze_study
    >>> found = analyze_study(load_results("results/governance_backbone"))  # doctest: +SKIP
    >>> found.summary[["arm", "endurance", "endurance_low", "endurance_high", "rmst"]]  # doctest: +SKIP
    >>> found.paired          # opt-in minus consensus on the same seeds  # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from coalition_sim.analysis.sensitivity import (  # noqa: F401  (re-exported: part of the analysis API)
    SOBOL_BLOCKS,
    numeric_varied,
    point_means,
    rank_sensitivity,
    saltelli_2010,
    sobol_analysis,
)
from coalition_sim.analysis.survival import (  # noqa: F401
    LogRank,
    Survival,
    _as_bool,
    _z,
    censored_data,
    holm,
    kaplan_meier,
    logrank_test,
    restricted_mean,
)
from coalition_sim.studies.store import finished

EVENT_CAUSES = ("collapse", "dormancy", "purpose_achieved")
"""Causes of dissolution; each counts as the event in survival analysis."""


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
def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion."""
    z = _z(confidence)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low = 0.0 if successes == 0 else max(centre - half, 0.0)
    high = 1.0 if successes == n else min(centre + half, 1.0)
    return low, high


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
    """Share of coalitions alive at the horizon, with a seeded bootstrap interval.

    When every run had the same fate the bootstrap is degenerate; the Wilson score
    interval is returned instead (so 200 of 200 gives about [0.98, 1], not [1, 1]).

    Returns:
        (probability, low, high).
    """
    x = _as_bool(endured).astype(float)
    p, low, high = bootstrap_mean(x, confidence, n_resamples, seed)
    if x.size and math.isnan(low):
        low, high = wilson_interval(int(x.sum()), x.size, confidence)
    return p, low, high


def paired_difference_interval(
    x: Sequence[bool], y: Sequence[bool], confidence: float = 0.95
) -> tuple[float, float, float]:
    """Newcombe's (1998, method 10) score interval for p_y - p_x from paired binary outcomes.

    Used where the paired bootstrap is degenerate (every pair has the same difference).
    """
    x, y = _as_bool(x), _as_bool(y)
    n = len(x)
    px, py = x.mean(), y.mean()
    lx, ux = wilson_interval(int(x.sum()), n, confidence)
    ly, uy = wilson_interval(int(y.sum()), n, confidence)
    a, b = np.sum(x & y), np.sum(x & ~y)
    c, d = np.sum(~x & y), np.sum(~x & ~y)
    denom = math.sqrt(float((a + b) * (c + d) * (a + c) * (b + d)))
    phi = 0.0 if denom == 0 else float(a * d - b * c) / denom
    delta = py - px
    low = delta - math.sqrt(max((py - ly) ** 2 - 2 * phi * (py - ly) * (ux - px) + (ux - px) ** 2, 0.0))
    high = delta + math.sqrt(max((uy - py) ** 2 - 2 * phi * (uy - py) * (px - lx) + (px - lx) ** 2, 0.0))
    return float(delta), max(low, -1.0), min(high, 1.0)


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
        mean_impact, impact_low, impact_high, and counts per cause.
    """
    streams = np.random.SeedSequence(seed)
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
                **{f"n_{cause}": int(causes.get(cause, 0)) for cause in EVENT_CAUSES},
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
    dropped. The interval is a seeded paired bootstrap; where every pair has the
    same difference (degenerate bootstrap) and the outcome is binary, Newcombe's
    score interval for paired proportions is used instead. ``within`` names other
    varied columns to pair inside (a pair shares every one of them).

    Returns:
        One row per level and pair of rules (each rule vs the first, sorted):
        ``level``, rule, reference, n_pairs, same_seed (share of pairs with equal seeds),
        difference (rule minus reference), low, high, and for binary outcomes
        only_rule / only_reference (pairs where just one of them endured).
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
            d, low, high = bootstrap_mean(diff, confidence, n_resamples, gen)
            if len(diff) and math.isnan(low) and binary:
                d, low, high = paired_difference_interval(x, y, confidence)
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
                row.update(only_rule=int((yb & ~xb).sum()), only_reference=int((xb & ~yb).sum()))
            rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- a whole study
SENSITIVITY_OUTCOMES = ("endured", "lifetime", "total_impact")
"""Outcomes whose sensitivity to the varied parameters is reported for LHS/Sobol studies."""


@dataclass
class StudyAnalysis:
    """Everything :func:`analyze_study` finds, as tables.

    Attributes:
        name: study name.
        design: ``factorial``, ``lhs`` or ``sobol``.
        horizon: months simulated.
        by: the columns that define the arms.
        n_runs: runs in the store; n_failed: of which failed (left out of every statistic).
        summary: :func:`arm_summary` plus, per factor, the log-rank p against its reference level.
        logrank: :func:`logrank_table`.
        effect: :func:`backbone_effect`, or None when neither rule nor backbone varies.
        paired: :func:`paired_rule_difference`, or None when the rule does not vary.
        paired_impact: the same pairing as ``paired`` for total impact, or None.
        backbone_paired: each backbone strength minus the weakest, paired by replication
            within each rule (the same table shape with the roles swapped), or None.
        sensitivity: outcome -> :func:`sobol_analysis` or :func:`rank_sensitivity` table.
        sensitivity_method: ``sobol``, ``rank`` or None.
        confidence: level of every interval.
        seed: seed of the bootstraps.
    """

    name: str
    design: str
    horizon: float
    by: list[str]
    n_runs: int
    n_failed: int
    summary: pd.DataFrame
    logrank: pd.DataFrame
    effect: pd.DataFrame | None
    paired: pd.DataFrame | None
    paired_impact: pd.DataFrame | None
    backbone_paired: pd.DataFrame | None
    sensitivity: dict[str, pd.DataFrame]
    sensitivity_method: str | None
    confidence: float
    seed: int = 0


def design_kind(study: dict, runs: pd.DataFrame) -> str:
    """The study's design kind (``factorial``, ``lhs``, ``sobol``)."""
    design = study.get("design")
    kind = design.get("kind") if isinstance(design, dict) else design
    if kind:
        return str(kind)
    return "sobol" if "sobol_block" in runs and runs["sobol_block"].notna().any() else "factorial"


def default_arms(study: dict, runs: pd.DataFrame) -> list[str]:
    """Arms of a study: every varied parameter of a factorial design; for LHS/Sobol
    designs, the varied parameters with few distinct values (e.g. the governance rule)."""
    varied = [name for name in study.get("varied", {}) if name in runs]
    if design_kind(study, runs) == "factorial":
        return varied
    return [name for name in varied if runs[name].nunique() <= 6]


def analyze_study(
    results,
    by: Sequence[str] | None = None,
    confidence: float = 0.95,
    n_resamples: int = 9999,
    seed: int = 0,
    outcomes: Sequence[str] = SENSITIVITY_OUTCOMES,
) -> StudyAnalysis:
    """Analyse a study's results (as returned by ``load_results``).

    Args:
        results: an object with ``runs`` (DataFrame) and ``study`` (dict), as ``load_results`` gives.
        by: columns that define the arms (default :func:`default_arms`).
        confidence: level of every interval.
        n_resamples: bootstrap resamples (Sobol and regression intervals use a tenth, at least 199).
        seed: seed of every bootstrap, so the same store gives the same tables.
        outcomes: outcomes for the sensitivity analysis of LHS/Sobol designs.

    Raises:
        ValueError: the store has no finished run, or ``by`` names a column it lacks.
    """
    runs, study = results.runs, results.study
    ok = finished(runs)
    if ok.empty:
        raise ValueError(f"no finished runs ({len(runs)} in the store{', all failed' if len(runs) else ''})")
    by = list(by) if by is not None else default_arms(study, runs)
    missing = [c for c in by if c not in runs]
    if missing:
        raise ValueError(f"arm column {missing[0]!r} is not in the runs table")
    horizon = float(study.get("steps") or ok.lifetime.max())
    kind = design_kind(study, runs)
    summary = arm_summary(runs, by, horizon, confidence, n_resamples, seed)
    logrank = logrank_table(runs, by) if by else logrank_table(runs.iloc[:0], [])
    summary = _with_logrank(summary, logrank, by)
    rule, level = "governance", "backbone_strength"
    effect = paired = paired_impact = backbone_paired = None
    if rule in runs and level in runs and (rule in by or level in by):
        effect = backbone_effect(runs, rule, level, confidence, n_resamples, seed)
    if rule in by and ok[rule].nunique() > 1 and level in runs:
        paired = paired_rule_difference(
            runs,
            rule,
            level,
            "endured",
            confidence,
            n_resamples,
            seed,
            within=[c for c in by if c not in (rule, level)],
        )
        if "total_impact" in runs:
            paired_impact = paired_rule_difference(
                runs,
                rule,
                level,
                "total_impact",
                confidence,
                n_resamples,
                seed,
                within=[c for c in by if c not in (rule, level)],
            )
    if level in by and ok[level].nunique() > 1 and rule in runs:
        backbone_paired = paired_rule_difference(
            runs,
            level,
            rule,
            "endured",
            confidence,
            n_resamples,
            seed,
            within=[c for c in by if c not in (rule, level)],
        )
    sensitivity, method = _sensitivity(runs, study, kind, outcomes, confidence, max(n_resamples // 10, 199), seed)
    return StudyAnalysis(
        name=str(study.get("name", "study")),
        design=kind,
        horizon=horizon,
        by=by,
        n_runs=len(runs),
        n_failed=len(runs) - len(ok),
        summary=summary,
        logrank=logrank,
        effect=effect,
        paired=paired,
        paired_impact=paired_impact,
        backbone_paired=backbone_paired,
        sensitivity=sensitivity,
        sensitivity_method=method,
        confidence=confidence,
        seed=seed,
    )


def _with_logrank(summary: pd.DataFrame, logrank: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Add, per factor, the arm's log-rank p (raw and Holm) against the factor's reference level."""
    summary = summary.copy()
    for factor in by:
        tests = logrank[logrank.factor == factor]
        p, p_holm = [], []
        for _, arm in summary.iterrows():
            match = tests[np.logical_and.reduce([tests[c] == arm[c] for c in by])] if len(tests) else tests
            p.append(float(match.p.iloc[0]) if len(match) else math.nan)
            p_holm.append(float(match.p_holm.iloc[0]) if len(match) else math.nan)
        summary[f"logrank_p_vs_{factor}_ref"] = p
        summary[f"logrank_p_holm_vs_{factor}_ref"] = p_holm
    return summary


def _sensitivity(
    runs: pd.DataFrame, study: dict, kind: str, outcomes: Sequence[str], confidence: float, n_resamples: int, seed: int
) -> tuple[dict[str, pd.DataFrame], str | None]:
    if kind not in ("sobol", "lhs"):
        return {}, None
    names = numeric_varied(finished(runs), list(study.get("varied", {})))
    outcomes = [o for o in outcomes if o in runs]
    if not names or not outcomes:
        return {}, None
    if kind == "sobol":
        return {
            o: sobol_analysis(runs, o, candidates=names, confidence=confidence, n_resamples=n_resamples, seed=seed)
            for o in outcomes
        }, "sobol"
    return {o: rank_sensitivity(runs, o, names, confidence, n_resamples, seed) for o in outcomes}, "rank"

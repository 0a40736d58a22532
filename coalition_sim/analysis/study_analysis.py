"""Statistics of a study: arms side by side, endurance, paired contrasts, and the whole analysis.

Pure functions on pandas DataFrames shaped like ``load_results(path).runs`` (one
row per run: its parameters, ``replication``, ``seed``, ``status`` and the model's
summary outcomes). Nothing here reads or writes files.

A coalition's lifetime is right-censored at the horizon: a run that ``endured`` is
``censored``; any dissolution (collapse, dormancy, purpose achieved) is the event.

- Survival (in :mod:`coalition_sim.analysis.survival`, re-exported here): Kaplan-Meier with pointwise
  bands (:func:`kaplan_meier`), restricted mean lifetime, log-rank tests; per arm: :func:`logrank_table`.
- Endurance probability with a Wilson interval: :func:`endurance_probability`; paired differences
  of proportions by Newcombe's interval and McNemar's exact test (:mod:`coalition_sim.analysis.proportions`).
- RMST contrasts, Cox model with its PH check, causes, trend and the declared family of primary
  tests: :func:`coalition_sim.analysis.contrasts.study_contrasts` (field ``contrasts``).
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
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from coalition_sim.analysis.arms import (  # noqa: F401  (re-exported: part of the analysis API)
    arm_label,
    arm_summary,
    arms,
    backbone_effect,
    bootstrap_mean,
    endurance_probability,
    logrank_table,
    paired_rule_difference,
    survival_by_arm,
)
from coalition_sim.analysis.contrasts import Contrasts, study_contrasts
from coalition_sim.analysis.proportions import (  # noqa: F401  (re-exported)
    mcnemar_exact_p,
    newcombe_paired_interval,
    proportion,
    wilson_interval,
)
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

paired_difference_interval = newcombe_paired_interval
"""Newcombe's paired interval under its former name."""


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
        contrasts: RMST, Cox, causes, trend and the primary family (:func:`study_contrasts`), or None.
        extra: more findings sections (title -> markdown), e.g. Morris screening and PRIM boxes.
        tables: more tables by file stem (``morris_<outcome>``, ``prim_box_<outcome>``, ...).
        expected_runs: runs the study file asks for (None when unknown); more than ``n_runs``:
            the study is unfinished.
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
    contrasts: Contrasts | None = None
    expected_runs: int | None = None
    extra: dict = field(default_factory=dict)
    tables: dict = field(default_factory=dict)

    @property
    def unfinished(self) -> bool:
        """True when the store holds fewer runs than the study asks for."""
        return self.expected_runs is not None and self.n_runs < self.expected_runs


def design_kind(study: dict, runs: pd.DataFrame) -> str:
    """The study's design kind (``factorial``, ``lhs``, ``sobol``)."""
    design = study.get("design")
    kind = design.get("kind") if isinstance(design, dict) else design
    if kind:
        return str(kind)
    return "sobol" if "sobol_block" in runs and runs["sobol_block"].notna().any() else "factorial"


def default_arms(study: dict, runs: pd.DataFrame) -> list[str]:
    """Arms of a study: every varied parameter of a factorial design; for LHS/Sobol
    designs, the varied parameters with few distinct values (e.g. the governance rule);
    for Morris designs, the non-numeric ones."""
    varied = [name for name in study.get("varied", {}) if name in runs]
    kind = design_kind(study, runs)
    if kind == "factorial":
        return varied
    if kind == "morris":  # every numeric parameter takes only the grid's few levels: not arms
        return [name for name in varied if name not in numeric_varied(runs, varied)]
    return [name for name in varied if runs[name].nunique() <= 6]


def study_horizon(study: dict, ok: pd.DataFrame) -> float:
    """Months simulated: the study's ``steps``, else the longest lifetime among the finished runs ``ok``."""
    return float(study.get("steps") or ok.lifetime.max())


def analyze_study(
    results,
    by: Sequence[str] | None = None,
    confidence: float = 0.95,
    n_resamples: int = 9999,
    seed: int = 0,
    outcomes: Sequence[str] = SENSITIVITY_OUTCOMES,
    tau: float | None = None,
) -> StudyAnalysis:
    """Analyse a study's results (as returned by ``load_results``).

    Args:
        results: an object with ``runs`` (DataFrame) and ``study`` (dict), as ``load_results`` gives.
        by: columns that define the arms (default :func:`default_arms`).
        confidence: level of every interval.
        n_resamples: bootstrap resamples (Sobol and regression intervals use a tenth, at least 199).
        seed: seed of every bootstrap, so the same store gives the same tables.
        outcomes: outcomes for the sensitivity analysis of LHS/Sobol designs.
        tau: a restriction time (months) for RMST contrasts besides the horizon.

    Raises:
        ValueError: the store has no finished run, ``by`` names a column it lacks, or
            ``tau`` is not within (0, horizon].
    """
    runs, study = results.runs, results.study
    ok = finished(runs)
    if ok.empty:
        raise ValueError(f"no finished runs ({len(runs)} in the store{', all failed' if len(runs) else ''})")
    by = list(by) if by is not None else default_arms(study, runs)
    missing = [c for c in by if c not in runs]
    if missing:
        raise ValueError(f"arm column {missing[0]!r} is not in the runs table")
    horizon = study_horizon(study, ok)
    if tau is not None and not 0 < tau <= horizon:
        raise ValueError(f"tau={tau:g} is outside the study's horizon: allowed 0 < tau <= {horizon:g} months")
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
    resamples = max(n_resamples // 10, 199)
    contrasts = study_contrasts(ok, by, horizon, tau, paired, confidence) if by and kind == "factorial" else None
    try:
        sensitivity, method = _sensitivity(runs, study, kind, outcomes, confidence, resamples, seed)
        tables, extra = _screening(runs, study, kind, outcomes, confidence, resamples, seed)
    except ValueError as exc:  # an unfinished Sobol study: its blocks are incomplete
        if not expected_runs(study) or len(runs) >= expected_runs(study):
            raise
        sensitivity, method, tables = {}, None, {}
        extra = {"incomplete": f"## Sensitivity\n\nNot computed on an unfinished study ({exc}).\n"}
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
        contrasts=contrasts,
        expected_runs=expected_runs(study),
        tables=tables,
        extra=extra,
    )


def expected_runs(study: dict) -> int | None:
    """Runs the normalised study spec asks for (points x replications), or None if it cannot tell."""
    design = study.get("design") or {}
    kind = design.get("kind", "factorial") if isinstance(design, dict) else design
    varied = study.get("varied") or {}
    reps = study.get("replications")
    samples = design.get("samples") if isinstance(design, dict) else None
    if not isinstance(reps, int):
        return None
    d = len(varied)
    if kind == "factorial":
        points = 1
        for spec in varied.values():
            if "values" in spec:
                points *= len(spec["values"])
            elif spec.get("num"):
                grid = np.linspace(spec["low"], spec["high"], spec["num"])
                points *= len({int(round(v)) for v in grid}) if spec.get("kind") == "int" else len(grid)
            else:
                return None
        return points * reps
    if not isinstance(samples, int):
        return None
    return {"lhs": samples, "sobol": samples * (d + 2), "morris": samples * (d + 1)}.get(kind, 0) * reps or None


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


def _screening(
    runs: pd.DataFrame, study: dict, kind: str, outcomes: Sequence[str], confidence: float, n_resamples: int, seed: int
) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """Morris screening, Sobol convergence and PRIM boxes, as tables and findings sections."""
    from coalition_sim.analysis import morris, prim, sobol_convergence

    ok = finished(runs)
    names = numeric_varied(ok, list(study.get("varied", {})))
    outcomes = [o for o in outcomes if o in ok]
    tables, extra = {}, {}
    if kind == "morris" and names:
        lines = []
        for o in outcomes:
            table = morris.morris_analysis(ok, o, study, names, confidence, n_resamples, seed)
            tables[f"morris_{o}"] = table
            lines += [f"- {s}" for s in morris.morris_sentences(table, o)]
        extra["morris"] = "## Morris screening (elementary effects)\n\n" + "\n".join(lines) + "\n"
    if kind == "sobol" and names:
        lines = []
        for o in outcomes:
            table = sobol_convergence.sobol_convergence(ok, o, names, confidence, n_resamples, seed)
            tables[f"sobol_convergence_{o}"] = table
            lines += [f"- {s}" for s in sobol_convergence.convergence_sentences(table, o)]
        extra["sobol"] = "## Sobol indices without replicate noise, and their convergence\n\n" + "\n".join(lines) + "\n"
    if kind in ("lhs", "sobol", "morris") and names and "endured" in ok:
        dissolved = ~_as_bool(ok.endured)
        if 0 < dissolved.sum() < len(ok):
            found = prim.prim(ok[names].astype(float), dissolved)
            tables["prim_trajectory_dissolved"] = found.trajectory
            tables["prim_box_dissolved"] = found.box
            text = prim.prim_sentences(found, "coalitions that dissolved before the horizon")
            extra["prim"] = "## Scenario discovery (PRIM)\n\n" + "\n".join(f"- {s}" for s in text) + "\n"
    return tables, extra

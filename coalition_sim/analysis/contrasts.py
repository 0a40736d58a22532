"""The contrasts a study's findings lead with: RMST, proportional hazards, causes, trend, one declared family.

:func:`study_contrasts` gathers, for the arms of a study:

- RMST differences and ratios of each level of each factor against the factor's reference
  level, the other factors equal (:mod:`coalition_sim.analysis.rmst`), at the horizon and at a
  chosen ``tau``, each with the proportional-hazards test of that factor in that stratum;
- a Cox model of rule, backbone and their interaction (and any other varied factor), clustered
  by seed, with its Schoenfeld diagnostic (:mod:`coalition_sim.analysis.cox`);
- cumulative incidence per cause and the cause-specific contrasts (:mod:`coalition_sim.analysis.competing_risks`);
- the trend of endurance across backbone strengths (:mod:`coalition_sim.analysis.trend`);
- Holm's adjustment over a declared family of primary tests (:func:`primary_family`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from coalition_sim.analysis import competing_risks, cox, rmst, trend
from coalition_sim.analysis.proportions import holm
from coalition_sim.studies.store import finished

RULE, LEVEL = "governance", "backbone_strength"


@dataclass
class Contrasts:
    """Tables of :func:`study_contrasts` (empty tables where a part does not apply).

    Attributes:
        rmst: one row per factor, stratum, level and tau (columns of :class:`rmst.RmstContrast`, plus ph_p).
        cox: :func:`cox.cox_model` over the arms' factors.
        incidence: :func:`competing_risks.incidence_table` per arm.
        causes: :func:`competing_risks.cause_contrasts` between rules (or the first factor).
        trend: :func:`trend.trend_table` of endurance over backbone strength, all levels and above the weakest.
        family: the declared primary family with raw and Holm-adjusted p.
        tau: the chosen restriction time (the horizon unless told).
    """

    rmst: pd.DataFrame
    cox: pd.DataFrame
    incidence: pd.DataFrame
    causes: pd.DataFrame
    trend: pd.DataFrame
    family: pd.DataFrame
    tau: float


def study_contrasts(
    runs: pd.DataFrame,
    by: Sequence[str],
    horizon: float,
    tau: float | None = None,
    paired_endurance: pd.DataFrame | None = None,
    confidence: float = 0.95,
) -> Contrasts:
    """All contrasts between the arms ``by`` of a study (see the module docstring)."""
    ok = finished(runs)
    by = [c for c in by if ok[c].nunique() > 1]
    tau = float(horizon if tau is None else tau)
    taus = sorted({float(horizon), tau})
    rmst_rows = []
    for factor in by:
        others = [c for c in by if c != factor]
        ph = cox.ph_test_by_stratum(ok, factor, others)
        for t in taus:
            table = rmst.rmst_table(ok, factor, others, t, confidence)
            if len(table):
                table = table.merge(ph, on=others, how="left") if others else table.assign(ph_p=ph.ph_p.iloc[0])
                rmst_rows.append(table.assign(factor=factor))
    rmst_all = pd.concat(rmst_rows, ignore_index=True) if rmst_rows else pd.DataFrame()
    interaction = (RULE, LEVEL) if RULE in by and LEVEL in by else None
    cox_table = _cox_or_empty(ok, by, interaction, confidence)
    main = RULE if RULE in by else (by[0] if by else None)
    incidence = competing_risks.incidence_table(ok, by, horizon, confidence)
    causes = (
        competing_risks.cause_contrasts(ok, main, [c for c in by if c != main], confidence) if main else pd.DataFrame()
    )
    trends = pd.DataFrame()
    if LEVEL in by and ok[LEVEL].nunique() > 2:
        group = RULE if RULE in ok else None
        data = ok if group else ok.assign(**{RULE: "all runs"})
        weakest = sorted(ok[LEVEL].unique())[1]
        trends = pd.concat(
            [
                trend.trend_table(data, "endured", LEVEL, RULE, confidence=confidence),
                trend.trend_table(data, "endured", LEVEL, RULE, from_level=weakest, confidence=confidence),
            ],
            ignore_index=True,
        )
    family = primary_family(rmst_all, paired_endurance, trends, main, float(horizon))
    return Contrasts(rmst_all, cox_table, incidence, causes, trends, family, tau)


def primary_family(
    rmst_table: pd.DataFrame,
    paired_endurance: pd.DataFrame | None,
    trends: pd.DataFrame,
    main: str | None,
    horizon: float,
) -> pd.DataFrame:
    """The declared family of primary tests and Holm's adjustment over it.

    The family: the RMST contrasts of the main factor (the governance rule when it varies) at the
    horizon in every stratum; the paired endurance contrasts between rules (exact McNemar); the
    trend tests of endurance over all backbone strengths (paired slope where seeds are shared,
    else Cochran-Armitage). Everything else in the analysis is secondary and says so.

    Returns:
        One row per test: test (in words), estimate, p, p_holm.
    """
    rows = []
    if main is not None and len(rmst_table):
        mine = rmst_table[(rmst_table.factor == main) & (rmst_table.tau == horizon)]
        for _, r in mine.iterrows():
            rows.append(
                {"test": f"RMST {_where(r, main)}: {r[main]} minus {r.reference}", "estimate": r.difference, "p": r.p}
            )
    if paired_endurance is not None and "p" in paired_endurance:
        for _, r in paired_endurance.iterrows():
            where = f"{LEVEL} {r[LEVEL]:g}" if LEVEL in r else "all runs"
            rows.append(
                {"test": f"endurance {where}: {r[RULE]} minus {r.reference}", "estimate": r.difference, "p": r.p}
            )
    if len(trends):
        full = trends[trends.levels == trends.levels.iloc[0]]
        for value, tests in full.groupby(RULE, sort=True):
            best = tests[tests.method == "paired slope"] if (tests.method == "paired slope").any() else tests
            r = best.iloc[0]
            rows.append(
                {"test": f"trend of endurance over {LEVEL} ({value}, {r.method})", "estimate": r.slope, "p": r.p}
            )
    table = pd.DataFrame(rows, columns=["test", "estimate", "p"])
    table["p_holm"] = holm(table.p.fillna(1.0)) if len(table) else []
    return table


def _where(row: pd.Series, factor: str) -> str:
    skip = {factor, "reference", "factor", "ph_p", "tau", "paired", "n"}
    parts = []
    for name in row.index:
        if name in skip or name in rmst.RmstContrast.__dataclass_fields__:
            continue
        value = row[name]
        parts.append(f"{name} {value:g}" if isinstance(value, float) and not math.isnan(value) else f"{name} {value}")
    return ", ".join(parts) or "all runs"


def _cox_or_empty(ok: pd.DataFrame, by: list[str], interaction, confidence: float) -> pd.DataFrame:
    """The Cox table, or an empty one when nothing varies or the fit does not converge (e.g. no events in an arm)."""
    if not by:
        return pd.DataFrame()
    try:
        return cox.cox_model(ok, by, interaction, cluster="seed", confidence=confidence)
    except (ValueError, ArithmeticError, np.linalg.LinAlgError):
        return pd.DataFrame()

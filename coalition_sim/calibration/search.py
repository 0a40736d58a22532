"""Pattern-oriented calibration (Grimm et al. 2005) against published coalition survival.

A calibration study is an ordinary study file (LHS over the uncertain parameters)
plus a ``[calibration]`` table. Every design point runs under the three backbone
settings of :mod:`coalition_sim.calibration.patterns` (grant, sustained, none) with common
random numbers, and is scored against every criterion of the four patterns; a
point is *accepted* only when every criterion's estimate lies within its
tolerance. This module runs the study, profiles the impact goal, scores all
points, narrows the ranges and confirms candidates with fresh seeds; the figure
is in :mod:`coalition_sim.calibration.figure`, the goal's profiling in
:mod:`coalition_sim.calibration.goal_profile`.

    >>> from coalition_sim.calibration.search import load_calibration, run_calibration, score_results
    >>> spec = load_calibration("experiments/calibration/round1.toml")   # doctest: +SKIP
    >>> scores = score_results(run_calibration(spec))                       # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coalition_sim.analysis import study_analysis as analysis
from coalition_sim.calibration.figure import survival_figure
from coalition_sim.calibration.goal_profile import apply_goal, impact_paths
from coalition_sim.calibration.patterns import (
    CONFIDENCE,
    CRITERIA,
    GRANT_MONTH,
    NAN,
    NORC_LAST,
    NORC_MONTH,
    SETTINGS,
    SUCCESS_CAUSES,
    Criterion,
    Estimate,
    annual_closure,
    cause_share,
    conditional_survival,
    criteria_table,
    failures_only,
    hazard,
    hazard_ratio,
    score_point,
    success_ratio,
    success_share,
    survival_at,
)
from coalition_sim.studies.designs import Design
from coalition_sim.studies.study_file import StudySpec, parse_study
from coalition_sim.util.errors import InputError
from coalition_sim.util.toml_input import load_toml

__all__ = [
    # the study (this module)
    "CalibrationSpec",
    "load_calibration",
    "parse_calibration",
    "run_calibration",
    "impact_paths",
    "apply_goal",
    "split_settings",
    "score_runs",
    "score_goals",
    "score_results",
    "accepted",
    "narrowed_ranges",
    "check_params",
    "candidates",
    "confirm",
    # re-exported, so ``calibration`` stays the one name to import: the patterns and the figure
    "CONFIDENCE",
    "CRITERIA",
    "GRANT_MONTH",
    "NAN",
    "NORC_LAST",
    "NORC_MONTH",
    "SETTINGS",
    "SUCCESS_CAUSES",
    "Criterion",
    "Estimate",
    "annual_closure",
    "cause_share",
    "conditional_survival",
    "criteria_table",
    "failures_only",
    "hazard",
    "hazard_ratio",
    "score_point",
    "success_ratio",
    "success_share",
    "survival_at",
    "survival_figure",
]

CALIBRATION_KEYS = ("out", "impact_goals")
GOAL_KEYS = ("low", "high", "num")


# ----------------------------------------------------------------------------- the study
@dataclass(frozen=True)
class CalibrationSpec(StudySpec):
    """A study whose every design point runs under each backbone setting.

    Point ids are ``base_point * len(settings) + setting_index``; the settings of
    one base point share seeds (common random numbers).
    """

    settings: tuple[tuple[str, tuple], ...] = ()
    out: str | None = None
    goals: tuple[float, ...] = ()

    @property
    def profiles_goal(self) -> bool:
        """True when runs go without an impact goal and the goal is applied afterwards."""
        return bool(self.goals)

    def setting_names(self) -> list[str]:
        """Settings in point-id order."""
        return [name for name, _ in self.settings]

    def base_points(self) -> Design:
        """The LHS points before the settings are applied."""
        base = dataclasses.replace(self, settings=(), _cache={})
        return StudySpec.design_points(base)

    def design_points(self) -> Design:
        """Each base point once per setting, setting values overriding the point's."""
        if "design" not in self._cache:
            points = [{**point, **dict(values)} for point in self.base_points().points for _, values in self.settings]
            self._cache["design"] = Design(points, [None] * len(points))
        return self._cache["design"]

    def seeds(self):
        """Seeds per (point, replication): one row per base point, repeated over settings."""
        if "seeds" not in self._cache:
            from coalition_sim.studies.designs import run_seeds

            base = run_seeds(self.base_points().points, (), self.replications, self.master_seed)
            self._cache["seeds"] = np.repeat(base, len(self.settings), axis=0)
        return self._cache["seeds"]

    def to_dict(self) -> dict:
        """The study's normalised spec plus its settings (so the store's hash covers them)."""
        return {
            **super().to_dict(),
            "calibration": {
                "settings": {name: dict(values) for name, values in self.settings},
                "impact_goals": list(self.goals),
            },
        }

    def default_store(self) -> Path:
        """``<out>/results.sqlite`` (out defaults to results/calibration/<name>)."""
        return self.out_dir() / "results.sqlite"

    def out_dir(self) -> Path:
        """Folder for the store, the scores and the accepted set."""
        return Path(self.out) if self.out else Path("results") / "calibration" / self.name


def load_calibration(path: str | Path) -> CalibrationSpec:
    """Read a calibration file: a study file plus a ``[calibration]`` table.

    Raises:
        InputError: one line naming the file and the field.
    """
    return load_toml(path, "calibration", parse_calibration)


def parse_calibration(data: dict, *, text: str = "", path: str | None = None) -> CalibrationSpec:
    """Validate a calibration given as a dict (the parsed TOML)."""
    data = dict(data)
    table = data.pop("calibration", None)
    if not isinstance(table, dict):
        raise InputError(
            "calibration: missing [calibration] table; this is a plain study file (run it with coalition-sim study)"
        )
    for key in table:
        if key not in CALIBRATION_KEYS:
            raise InputError(f"unknown key 'calibration.{key}'; allowed: {', '.join(CALIBRATION_KEYS)}")
    out = table.get("out")
    if out is not None and (not isinstance(out, str) or not out.strip()):
        raise InputError(f"calibration.out={out!r}: must be a folder path")
    goals = _goals(table.get("impact_goals"))
    spec = parse_study(data, text=text, path=path)
    if spec.design != "lhs":
        raise InputError(f'design.kind={spec.design!r}: a calibration searches with kind = "lhs"')
    overrides = {name: dict(values) for name, values in SETTINGS.items()}
    if goals:
        for where, names in (("fixed", spec.fixed), ("varied", [f.name for f in spec.factors])):
            if "impact_goal" in names:
                raise InputError(f"{where}.impact_goal: calibration.impact_goals profiles the goal; leave it out")
        overrides = {name: {**values, "impact_goal": 0.0} for name, values in overrides.items()}
    for name, values in overrides.items():
        for key in values:
            if key in spec.fixed:
                raise InputError(f"fixed.{key}: set by the calibration's '{name}' setting; leave it out")
    settings = tuple((name, tuple(sorted(values.items()))) for name, values in overrides.items())
    fields = {f.name: getattr(spec, f.name) for f in dataclasses.fields(StudySpec) if f.name != "_cache"}
    if goals:
        fields["series"] = tuple(dict.fromkeys((*spec.series, "cumulative_impact")))
    return CalibrationSpec(**fields, settings=settings, out=out, goals=goals)


def _goals(entry: Any) -> tuple[float, ...]:
    """The goal grid of ``calibration.impact_goals = {low, high, num}`` (empty when absent)."""
    if entry is None:
        return ()
    where = "calibration.impact_goals"
    if not isinstance(entry, dict):
        raise InputError(f"{where}={entry!r}: give a table {{ low = .., high = .., num = .. }}")
    for key in entry:
        if key not in GOAL_KEYS:
            raise InputError(f"unknown key '{where}.{key}'; allowed: {', '.join(GOAL_KEYS)}")
    for key in GOAL_KEYS:
        if key not in entry:
            raise InputError(f"{where}.{key}: missing; give low, high and num")
    low, high, num = entry["low"], entry["high"], entry["num"]
    for key, value in (("low", low), ("high", high)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
            raise InputError(f"{where}.{key}={value!r}: must be a number > 0")
    if not low < high:
        raise InputError(f"{where}: low={low!r} must be below high={high!r}")
    if isinstance(num, bool) or not isinstance(num, int) or num < 2:
        raise InputError(f"{where}.num={num!r}: must be an integer >= 2")
    return tuple(float(g) for g in np.linspace(low, high, num))


def run_calibration(
    spec: CalibrationSpec, store: str | Path | None = None, workers: int | None = None, progress: bool = True
):
    """Run (or resume) a calibration study through the study runner; return its results.

    Returns:
        :class:`coalition_sim.studies.store.Results` of the store.
    """
    from coalition_sim.studies.store import load_results
    from coalition_sim.studies.study import run_study

    path = Path(store) if store is not None else spec.default_store()
    run_study(spec, path, workers=workers, progress=progress)
    return load_results(path)


# ----------------------------------------------------------------------------- scoring
def split_settings(runs: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """Add ``base_point`` and ``setting`` columns from the point ids."""
    runs = analysis.finished(runs).copy()
    k = len(names)
    runs["base_point"] = runs["point_id"] // k
    runs["setting"] = [names[i] for i in (runs["point_id"] % k)]
    return runs


def score_runs(
    runs: pd.DataFrame, names: Sequence[str], varied: Sequence[str], criteria: Sequence[Criterion] = CRITERIA
) -> pd.DataFrame:
    """Score every base point of a calibration runs table.

    Args:
        runs: the store's runs table.
        names: the settings in point-id order.
        varied: parameter columns to report per point (taken from the ``grant`` setting).

    Returns:
        One row per base point: its parameter values, replications, each
        criterion's estimate/CI/pass, ``patterns_met``, ``accepted``, ``distance``.
    """
    runs = split_settings(runs, names)
    rows = []
    for point, group in runs.groupby("base_point", sort=True):
        by = {name: group[group["setting"] == name] for name in names}
        first = by["grant"].iloc[0] if len(by["grant"]) else group.iloc[0]
        row = {"point": int(point), **{v: first[v] for v in varied}, "replications": int(len(by["grant"]))}
        row.update(score_point(by, criteria))
        rows.append(row)
    return pd.DataFrame(rows)


def score_goals(
    runs: pd.DataFrame,
    paths: np.ndarray,
    names: Sequence[str],
    varied: Sequence[str],
    goals: Sequence[float],
    criteria: Sequence[Criterion] = CRITERIA,
) -> pd.DataFrame:
    """Score every base point at every impact goal of the grid (runs made with no goal).

    Args:
        runs: the store's runs table (all made with ``impact_goal = 0``).
        paths: cumulative impact per run (rows in ``runs`` order), from :func:`impact_paths`.

    Returns:
        One row per (point, goal), as :func:`score_runs` with ``impact_goal`` set.
    """
    ok = analysis.finished(runs).index
    paths = paths[runs.index.get_indexer(ok)]
    runs = split_settings(runs.loc[ok], names)
    rows = []
    for point, group in runs.groupby("base_point", sort=True):
        where = runs.index.get_indexer(group.index)
        by0 = {name: group[group["setting"] == name] for name in names}
        at = {name: where[(group["setting"] == name).to_numpy()] for name in names}
        first = by0["grant"].iloc[0] if len(by0["grant"]) else group.iloc[0]
        base = {
            "point": int(point),
            **{v: first[v] for v in varied if v != "impact_goal"},
            "replications": int(len(by0["grant"])),
        }
        for goal in goals:
            by = {name: apply_goal(by0[name], paths[at[name]], goal) for name in names}
            rows.append({**base, "impact_goal": float(goal), **score_point(by, criteria)})
    return pd.DataFrame(rows)


def score_results(results) -> pd.DataFrame:
    """Score a calibration store's runs (as loaded by ``load_results``)."""
    study = results.study
    if "calibration" not in study:
        raise InputError(f"{results.path}: not a calibration store (made by study '{study.get('name')}')")
    names = list(study["calibration"]["settings"])
    goals = study["calibration"].get("impact_goals") or []
    if not goals:
        return score_runs(results.runs, names, list(study["varied"]))
    runs = results.runs.reset_index(drop=True)
    paths = impact_paths(results.series, runs["run_id"], int(study["steps"]))
    return score_goals(runs, paths, names, list(study["varied"]), goals)


def accepted(scores: pd.DataFrame) -> pd.DataFrame:
    """The accepted parameter sets, closest to the targets first."""
    return scores[scores["accepted"]].sort_values("distance").reset_index(drop=True)


def narrowed_ranges(
    scores: pd.DataFrame, varied: Sequence[str], top: int = 8, pad: float = 0.1
) -> dict[str, tuple[float, float]]:
    """Ranges for a next round: the span of the accepted points (or the ``top`` closest), padded.

    The padded ranges are clipped to each parameter's allowed range.

    Args:
        scores: the scores table.
        varied: parameters to narrow.
        top: points to use when fewer than this many were accepted.
        pad: fraction of each span added on both sides.
    """
    chosen = accepted(scores)
    if len(chosen) < top:
        chosen = scores.sort_values(["patterns_met", "distance"], ascending=[False, True]).head(top)
    from coalition_sim.model.params import PARAMETERS

    out = {}
    for name in varied:
        low, high = float(chosen[name].min()), float(chosen[name].max())
        span = high - low
        param = PARAMETERS[name]
        out[name] = (max(low - pad * span, param.low), min(high + pad * span, param.high))
    return out


# ----------------------------------------------------------------------------- checking a setting
def check_params(
    params: dict,
    replications: int,
    master_seed: int = 20261122,
    steps: int = 120,
    workers: int | None = None,
    criteria: Sequence[Criterion] = CRITERIA,
    settings: Sequence[str] = tuple(SETTINGS),
) -> tuple[dict[str, Any], pd.DataFrame]:
    """Run one parameter set under every setting and score it (the shipped-defaults check).

    ``params`` are the grant-setting parameters (e.g. the ``community_coalition``
    preset); the settings override the backbone schedule as in a calibration.
    Replication ``r`` uses the same seed in every setting (common random numbers).
    Patterns 1 and 2 need only ``settings=("grant",)`` with their ``criteria``.

    Returns:
        (score row as from :func:`score_point`, the runs table with a ``setting`` column).
    """
    from coalition_sim.studies.runner import RunSpec, run_many, spawn_seeds

    params = {k: v for k, v in params.items() if k != "seed"}
    seeds = spawn_seeds(master_seed, replications)
    names = list(settings)
    specs = [
        RunSpec(i * len(names) + j, j, i, {**params, **SETTINGS[name]}, seeds[i], steps)
        for i in range(replications)
        for j, name in enumerate(names)
    ]
    rows = []
    for result in run_many(specs, workers=workers, progress=False, keep_series=False):
        if result.status != "ok":
            raise RuntimeError(f"run {result.run_id} failed:\n{result.error}")
        rows.append(
            {
                "run_id": result.run_id,
                "setting": names[result.run_id % len(names)],
                "replication": result.run_id // len(names),
                **result.summary,
            }
        )
    runs = pd.DataFrame(rows).sort_values("run_id").reset_index(drop=True)
    by = {name: runs[runs["setting"] == name] for name in names}
    return score_point(by, criteria), runs


def candidates(scores: pd.DataFrame, top: int) -> pd.DataFrame:
    """The ``top`` points closest to meeting every pattern (most patterns met, then distance).

    With a profiled goal a point has one row per goal; its best row stands for it.
    """
    ranked = scores.sort_values(["patterns_met", "distance", "point"], ascending=[False, True, True])
    return ranked.drop_duplicates("point").head(top).reset_index(drop=True)


def confirm(
    scores: pd.DataFrame,
    varied: Sequence[str],
    fixed: dict,
    top: int,
    replications: int,
    master_seed: int,
    workers: int | None = None,
) -> pd.DataFrame:
    """Re-run the ``top`` candidates with new seeds and more replications, and score them again.

    A screen with few replications accepts some points by luck; a point is
    *confirmed* only when independent runs also meet every pattern.

    Returns:
        One row per candidate: ``point``, its parameters, ``replications`` and the scores.
    """
    rows = []
    if "impact_goal" in scores and "impact_goal" not in varied:
        varied = [*varied, "impact_goal"]
    for _, cand in candidates(scores, top).iterrows():
        params = {**fixed, **{name: _plain(cand[name]) for name in varied}}
        row, _ = check_params(params, replications, master_seed, workers=workers)
        rows.append(
            {
                "point": int(cand["point"]),
                **{name: params[name] for name in varied},
                "replications": replications,
                **row,
            }
        )
    return pd.DataFrame(rows)


def _plain(value):
    return value.item() if hasattr(value, "item") else value

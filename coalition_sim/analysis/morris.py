"""Morris elementary-effects screening: which of many parameters matter, for few runs.

A Morris design (``kind = "morris"`` in a study file) is ``r`` trajectories of d + 1 points,
each moving one parameter at a time by Delta on a p-level grid (Morris 1991). The elementary
effect of parameter i in a trajectory is the change in the outcome (mean over replications)
divided by the parameter's change on the unit scale of its range. Per parameter:
``mu`` (mean effect), ``mu_star`` (mean absolute effect: importance; Campolongo, Cariboni &
Saltelli 2007) with a seeded bootstrap interval, and ``sigma`` (spread: interactions or
non-linearity). A parameter with small mu* is a candidate to fix before a Sobol study.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from coalition_sim.analysis.sensitivity import numeric_varied, point_means
from coalition_sim.studies.store import finished


def unit_scales(study: dict, names: Sequence[str], runs: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """(low, high) of each parameter's range from the study spec (else the values seen)."""
    varied = study.get("varied", {}) if study else {}
    out = {}
    for name in names:
        spec = varied.get(name, {})
        if "low" in spec and "high" in spec and spec["high"] != spec["low"]:
            out[name] = (float(spec["low"]), float(spec["high"]))
        else:
            values = runs[name].astype(float)
            out[name] = (float(values.min()), float(values.max()))
    return out


def elementary_effects(
    runs: pd.DataFrame, outcome: str, names: Sequence[str], scales: dict[str, tuple[float, float]]
) -> pd.DataFrame:
    """One row per trajectory step: trajectory, parameter, effect (outcome change per unit of range)."""
    means = point_means(runs, outcome, names).set_index("point_id")
    blocks = runs.drop_duplicates("point_id").set_index("point_id")["sobol_block"].astype(str)
    rows = []
    for tag in sorted({b for b in blocks if b.startswith("T")}, key=lambda b: int(b[1:])):
        ids = blocks[blocks == tag].index.sort_values()
        traj = means.reindex(ids)
        for before, after in zip(traj.iloc[:-1].itertuples(), traj.iloc[1:].itertuples()):
            moved = [n for n in names if getattr(before, n) != getattr(after, n)]
            if len(moved) != 1 or np.isnan(getattr(before, outcome)) or np.isnan(getattr(after, outcome)):
                continue
            name = moved[0]
            low, high = scales[name]
            step = (float(getattr(after, name)) - float(getattr(before, name))) / (high - low)
            effect = (float(getattr(after, outcome)) - float(getattr(before, outcome))) / step
            rows.append({"trajectory": tag, "parameter": name, "effect": effect})
    return pd.DataFrame(rows, columns=["trajectory", "parameter", "effect"])


def morris_analysis(
    runs: pd.DataFrame,
    outcome: str,
    study: dict | None = None,
    candidates: Sequence[str] = (),
    confidence: float = 0.95,
    n_resamples: int = 999,
    seed: int = 0,
) -> pd.DataFrame:
    """mu, mu*, sigma per parameter of a Morris study, ranked by mu*.

    Returns:
        One row per parameter: parameter, mu, mu_star, mu_star_low, mu_star_high, sigma, n_effects, rank.
    """
    ok = finished(runs)
    names = numeric_varied(ok, list(candidates) or list((study or {}).get("varied", {})))
    effects = elementary_effects(ok, outcome, names, unit_scales(study or {}, names, ok))
    rng = np.random.default_rng(seed)
    alpha = 1 - confidence
    rows = []
    for name in names:
        e = effects.loc[effects.parameter == name, "effect"].to_numpy(float)
        if e.size == 0:
            continue
        boot = np.abs(e[rng.integers(0, e.size, (n_resamples, e.size))]).mean(axis=1)
        rows.append(
            {
                "parameter": name,
                "mu": float(e.mean()),
                "mu_star": float(np.abs(e).mean()),
                "mu_star_low": float(np.quantile(boot, alpha / 2)),
                "mu_star_high": float(np.quantile(boot, 1 - alpha / 2)),
                "sigma": float(e.std(ddof=1)) if e.size > 1 else float("nan"),
                "n_effects": int(e.size),
            }
        )
    table = pd.DataFrame(rows).sort_values("mu_star", ascending=False, ignore_index=True)
    table["rank"] = np.arange(1, len(table) + 1)
    return table


def morris_sentences(table: pd.DataFrame, outcome: str) -> list[str]:
    """The screening in words: parameters by importance, and which could be fixed."""
    if not len(table):
        return []
    top = float(table.mu_star.max())
    lines = [
        f"{r.parameter}: mu* {r.mu_star:.3g} [{r.mu_star_low:.3g}, {r.mu_star_high:.3g}], mu {_tidy(r.mu):+.3g}, "
        f"sigma {r.sigma:.3g} over {int(r.n_effects)} trajectories"
        for r in table.itertuples()
    ]
    small = table[table.mu_star_high < 0.1 * top].parameter.tolist()
    if small:
        lines.append(
            f"Candidates to fix before a Sobol study (mu* below a tenth of the largest, interval included): "
            f"{', '.join(small)}."
        )
    else:
        lines.append(
            "No parameter can be set aside yet: every mu* interval reaches a tenth of the largest "
            "(more trajectories would narrow them)."
        )
    return [f"{outcome}: " + line if i == 0 else line for i, line in enumerate(lines)]


def _tidy(x: float) -> float:
    """Rounding noise of a mean of equal and opposite effects shown as 0."""
    return 0.0 if abs(x) < 1e-12 else x

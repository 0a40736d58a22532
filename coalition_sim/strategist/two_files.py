"""Two scenario files compared: the same options on two coalitions (e.g. with and without a new partner).

Both comparisons use the same options and master seed. The files describe
different coalitions, so their draws are not paired draw by draw; the
differences are given with their sampling error (a normal 95% interval on the
difference in the chance of lasting and in mean impact).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

FILE_COLUMNS = [
    "option",
    "scenario",
    "p_endure",
    "p_endure_low",
    "p_endure_high",
    "impact_mean",
    "impact_sd",
    "runs",
]


def compare_files(first: str | Path, second: str | Path, options="consensus,opt-in", **kwargs) -> tuple:
    """Run the same options on two scenario files; return (table, first result, second result).

    ``kwargs`` go to :func:`coalition_sim.strategist.comparison.compare` (same seed for both).
    The table has one row per option and scenario plus, per option, the difference
    (second minus first) with a 95% interval on mean impact and on the chance of lasting.
    """
    from coalition_sim.strategist.comparison import compare

    a = compare(first, options, **kwargs)
    b = compare(second, options, **kwargs)
    return file_table(a.summary, b.summary, a.scenario.name, b.scenario.name), a, b


def file_table(first: pd.DataFrame, second: pd.DataFrame, name_a: str, name_b: str) -> pd.DataFrame:
    """Per option: each scenario's endurance and impact, then the difference with 95% intervals."""
    if name_a == name_b:
        name_a, name_b = f"{name_a} (first file)", f"{name_b} (second file)"
    rows = []
    for label in first["option"]:
        ra = first.set_index("option").loc[label]
        if label not in set(second["option"]):
            continue
        rb = second.set_index("option").loc[label]
        for name, r in ((name_a, ra), (name_b, rb)):
            rows.append({"option": label, "scenario": name, **{c: r[c] for c in FILE_COLUMNS[2:]}})
        d_imp = float(rb["impact_mean"] - ra["impact_mean"])
        se_imp = math.sqrt(ra["impact_sd"] ** 2 / ra["runs"] + rb["impact_sd"] ** 2 / rb["runs"])
        pa, pb = float(ra["p_endure"]), float(rb["p_endure"])
        se_p = math.sqrt(pa * (1 - pa) / ra["runs"] + pb * (1 - pb) / rb["runs"])
        rows.append(
            {
                "option": label,
                "scenario": "difference (second - first)",
                "p_endure": pb - pa,
                "p_endure_low": pb - pa - 1.96 * se_p,
                "p_endure_high": pb - pa + 1.96 * se_p,
                "impact_mean": d_imp,
                "impact_sd": se_imp,
                "runs": int(min(ra["runs"], rb["runs"])),
                "impact_low": d_imp - 1.96 * se_imp,
                "impact_high": d_imp + 1.96 * se_imp,
            }
        )
    return pd.DataFrame(rows)

"""Arms side by side: each level of a factor against its first level, within strata, paired where they can be.

Common random numbers pair two arms when every replication they share ran on the same seed
in both; then a contrast is computed replication by replication (on the shared ones), else
the arms are compared as independent samples. Every contrast table (restricted mean
lifetime, causes of dissolution) walks the arms the same way, through :func:`arm_pairs`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pandas as pd

from coalition_sim.studies.store import finished


@dataclass
class ArmPair:
    """One level of ``factor`` against the reference level, within one stratum.

    Attributes:
        where: the stratum's values (column -> value), empty when there are no strata.
        level: the arm's level; ``reference`` the first (sorted) level.
        ref, arm: their finished runs, indexed and sorted by replication.
        common: the replications both have.
        paired: whether every common replication ran on the same seed in both (at least two).
    """

    where: dict
    level: object
    reference: object
    ref: pd.DataFrame
    arm: pd.DataFrame
    common: pd.Index
    paired: bool


def arm_pairs(runs: pd.DataFrame, factor: str, strata: Sequence[str]) -> Iterator[ArmPair]:
    """Every (stratum, level) pair of arms with runs on both sides, the reference level first."""
    ok = finished(runs)
    levels = sorted(ok[factor].unique())
    strata = [c for c in strata if c != factor]
    groups = ok.groupby(strata, sort=True) if strata else [((), ok)]
    for key, stratum in groups:
        key = key if isinstance(key, tuple) else (key,)
        ref = stratum[stratum[factor] == levels[0]].set_index("replication").sort_index()
        for level in levels[1:]:
            arm = stratum[stratum[factor] == level].set_index("replication").sort_index()
            if ref.empty or arm.empty:
                continue
            common = ref.index.intersection(arm.index)
            paired = (
                "seed" in ok and len(common) > 1 and bool((ref.loc[common, "seed"] == arm.loc[common, "seed"]).all())
            )
            yield ArmPair(dict(zip(strata, key)), level, levels[0], ref, arm, common, paired)

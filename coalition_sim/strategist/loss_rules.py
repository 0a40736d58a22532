"""When the recommended option loses: simple threshold rules on the uncertain inputs.

Given the paired draws where the winner did worse than the runner-up, search
one- and two-condition rules such as "initial trust below 0.3 and backbone
strength below 0.4" that concentrate those losses, and report one only if a
binomial test, Bonferroni-corrected for every rule tried, says it beats chance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

RULE_MIN_SUPPORT = 0.05
"""A loss rule must hold in at least this share of draws (and in at least RULE_MIN_N draws)."""
RULE_MIN_N = 8
RULE_DEPTH2_GAIN = 0.1
"""A two-condition rule is preferred only if it raises the best single rule's score by this fraction."""
PAIR_BEAM = 2000
"""Pairs are searched among this many best single conditions (all of them in most scenarios)."""
PAIR_BLOCK_CELLS = 2_000_000
"""Cells of the pair matrices computed at once (a few of them, 8 bytes each: tens of MB)."""
RULE_QUANTILES = np.linspace(0.05, 0.95, 19)
"""Candidate thresholds: these quantiles of each uncertain input."""


@dataclass(frozen=True)
class Condition:
    """``feature`` below (or at/above) ``threshold``."""

    feature: str
    below: bool
    threshold: float
    label: str = ""

    def holds(self, x: pd.DataFrame) -> np.ndarray:
        """Mask of rows where the condition holds."""
        v = x[self.feature].to_numpy(dtype=float)
        return v < self.threshold if self.below else v >= self.threshold

    def text(self) -> str:
        """E.g. 'trust between members is below 0.31'."""
        return f"{self.label or self.feature} is {'below' if self.below else 'at least'} {self.threshold:.3g}"


@dataclass(frozen=True)
class LossRule:
    """Conditions on the uncertain inputs under which the recommended option loses.

    Attributes:
        conditions: one or two thresholds, all of which hold.
        n: draws in which they hold.
        support: share of draws in which they hold.
        loss_rate: share of those draws in which the recommended option lost.
        base_rate: share of all draws in which it lost.
        coverage: share of all its losses that fall where the rule holds.
        score: excess losses where it holds, in binomial standard deviations (what the search maximises).
    """

    conditions: tuple[Condition, ...]
    n: int
    support: float
    loss_rate: float
    base_rate: float
    coverage: float
    score: float

    def text(self) -> str:
        """E.g. 'trust between members is below 0.31 and backbone strength is below 0.4'."""
        return " and ".join(c.text() for c in self.conditions)

    def holds(self, x: pd.DataFrame) -> np.ndarray:
        """Mask of rows where every condition holds."""
        mask = np.ones(len(x), dtype=bool)
        for c in self.conditions:
            mask &= c.holds(x)
        return mask


def excess(k: np.ndarray, n: np.ndarray, base: float) -> np.ndarray:
    """Losses beyond what the base rate predicts, in binomial standard deviations (-inf where n is 0)."""
    k, n = np.asarray(k, float), np.asarray(n, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (k - n * base) / np.sqrt(n * base * (1 - base))
    return np.where(n > 0, z, -np.inf)


def candidate_conditions(x: pd.DataFrame, labels: dict[str, str] | None = None) -> list[Condition]:
    """'below t' and 'at least t' for t at the RULE_QUANTILES of each varying input."""
    labels = labels or {}
    out = []
    for col in x.columns:
        v = x[col].to_numpy(dtype=float)
        if np.unique(v).size < 2:
            continue
        for t in np.unique(np.quantile(v, RULE_QUANTILES)):
            if v.min() < t <= v.max():
                out += [
                    Condition(col, True, float(t), labels.get(col, col)),
                    Condition(col, False, float(t), labels.get(col, col)),
                ]
    return out


def _significant(k: int, n: int, base: float, tested: int, alpha: float = 0.05) -> bool:
    """Is k losses in n draws more than chance at the overall rate, Bonferroni-corrected for the search?"""

    if base >= 1.0:
        return False
    return float(stats.binomtest(k, n, base, alternative="greater").pvalue) < alpha / max(tested, 1)


def _best_pair(
    conds: list[Condition], masks: np.ndarray, lost: np.ndarray, base: float, min_n: int, s1: np.ndarray
) -> tuple[int, int, float, int, int]:
    """The best pair of conditions on different inputs, in bounded memory.

    Pairs are searched among the PAIR_BEAM conditions that score best alone
    (subgroup discovery's beam; every condition when there are fewer), in blocks
    of rows so that no intermediate holds more than PAIR_BLOCK_CELLS cells: the
    memory stays near PAIR_BLOCK_CELLS x 8 bytes x a few, whatever the number of
    uncertain inputs (a 200-organization scenario has thousands of conditions).
    """
    order = np.argsort(-s1, kind="stable")[:PAIR_BEAM]
    beam = masks[order]
    lost_beam = beam * lost.astype(np.float32)
    features = np.array([conds[c].feature for c in order])
    width = len(order)
    block = max(1, PAIR_BLOCK_CELLS // max(width, 1))
    best = (-np.inf, 0, 0, 0, 0)
    for start in range(0, width, block):
        rows = slice(start, min(start + block, width))
        n2 = beam[rows] @ beam.T
        k2 = lost_beam[rows] @ beam.T
        upper = np.arange(rows.start, rows.stop)[:, None] >= np.arange(width)[None, :]
        invalid = (n2 < min_n) | (features[rows, None] == features[None, :]) | upper
        s2 = np.where(invalid, -np.inf, excess(k2, n2, base))
        a, b = np.unravel_index(int(np.argmax(s2)), s2.shape)
        if s2[a, b] > best[0]:
            best = (float(s2[a, b]), int(order[rows.start + a]), int(order[b]), int(n2[a, b]), int(k2[a, b]))
    s_ij, i, j, n_ij, k_ij = best
    return i, j, s_ij, n_ij, k_ij


def find_loss_rule(
    x: pd.DataFrame,
    lost: np.ndarray,
    labels: dict[str, str] | None = None,
    max_depth: int = 2,
    min_support: float = RULE_MIN_SUPPORT,
) -> LossRule | None:
    """The simplest threshold rule on the inputs ``x`` under which losses concentrate.

    Searches every one-condition rule and (``max_depth=2``) every pair of
    conditions on different inputs. Each is scored by how far its loss count
    exceeds what the overall loss rate predicts, in binomial standard deviations
    ((k - n p) / sqrt(n p (1 - p))), which favours rules that are both sharp and
    common, as subgroup discovery does. A pair replaces the best single condition
    only if it raises that score by RULE_DEPTH2_GAIN (relative). Returns None when
    nothing (or everything) was lost, nothing varies, or the best rule is not
    convincingly better than chance: a one-sided binomial test against the overall
    rate at 5%, Bonferroni-corrected for every rule searched (so noise yields no rule).
    """
    lost = np.asarray(lost, dtype=bool)
    n_rows = lost.size
    base = float(lost.mean()) if n_rows else 0.0
    if n_rows == 0 or base in (0.0, 1.0) or x.shape[1] == 0:
        return None
    conds = candidate_conditions(x, labels)
    if not conds:
        return None
    # float32 holds counts exactly up to 2**24 draws and lets BLAS do the products
    masks = np.array([c.holds(x) for c in conds], dtype=np.float32)
    min_n = max(RULE_MIN_N, math.ceil(min_support * n_rows))
    n1, k1 = masks.sum(axis=1), masks @ lost.astype(np.float32)
    s1 = np.where(n1 >= min_n, excess(k1, n1, base), -np.inf)
    best = int(np.argmax(s1))
    choice, score, n, k = (conds[best],), float(s1[best]), int(n1[best]), int(k1[best])
    if max_depth >= 2 and len(conds) > 1:
        i, j, s_ij, n_ij, k_ij = _best_pair(conds, masks, lost, base, min_n, s1)
        if s_ij >= score * (1 + RULE_DEPTH2_GAIN):
            choice, score, n, k = (conds[i], conds[j]), s_ij, n_ij, k_ij
    tested = len(conds) + (len(conds) * (len(conds) - 1) // 2 if max_depth >= 2 else 0)
    if not np.isfinite(score) or score <= 0 or not _significant(k, n, base, tested):
        return None
    return LossRule(
        conditions=choice,
        n=n,
        support=n / n_rows,
        loss_rate=k / n,
        base_rate=base,
        coverage=k / int(lost.sum()),
        score=score,
    )

"""Turnover: the people who represent member organizations change.

Each month each core member's representative moves on with probability
``turnover_rate``. The newcomer speaks for the organization's own agenda (its
*home* position, where the organization stood when the run began), not for the
common ground its predecessor had reached with the others, and it has not yet
built the predecessor's relationships: its trust ties, both ways, fall back to
the baseline. Seed 000 (patience and adaptability: relationships take time to
build); seed 003 p.5 (trust must exist beyond single transactions).

The backbone onboards newcomers, so the coalition keeps what it has learned:
its ``vision`` work briefs them on the shared strategy (they keep a share
b_vis of the predecessor's move away from home) and its ``roles`` work
introduces them to the partners they will work with (a share b_roles of the
predecessor's trust, above the baseline, carries over). Without a backbone an
established coalition slowly becomes a new one again; this is why losing the
coordinator still matters years after the start.
"""

from __future__ import annotations

import numpy as np

from coalition_sim.model.compiled import LazyKernels, as_index, draw_handle


def representatives_leaving(rng: np.random.Generator, members: np.ndarray, rate: float) -> np.ndarray:
    """Members whose representative changes this month (no draw at all when ``rate`` is 0)."""
    return KERNELS.representatives_leaving(draw_handle(rng), as_index(members), rate)


def onboard(position: np.ndarray, home: np.ndarray, who: np.ndarray, briefing: float) -> None:
    """Newcomers stand at home, plus the share ``briefing`` of where their predecessor had moved, in place."""
    if who.size:
        KERNELS.onboard(position, home, who, briefing)


def introduce(trust, who: np.ndarray, introductions: float) -> None:
    """Newcomers' ties (rows and columns) keep ``introductions`` of their height above the baseline."""
    trust.fade(who, introductions)


def turnover(model) -> np.ndarray:
    """Apply a month of turnover to the model's members; return who changed.

    One compiled pass, its draw included (:func:`coalition_sim.model.turnover_kernels.turnover`):
    who changes (:func:`representatives_leaving`), their onboarding (:func:`onboard`, briefed by the
    backbone's vision work) and :func:`introduce` (ties faded to b_roles of their height, by its roles work).
    """
    effect = model.backbone.effect
    trust = model.trust
    return KERNELS.turnover(
        draw_handle(model.rng),
        model.position,
        model.home,
        trust.dev,
        trust.diagonal(),
        model.core_indices(),
        model.turnover_rate,
        effect("vision"),
        effect("roles"),
    )


KERNELS = LazyKernels("coalition_sim.model.turnover_kernels")
"""The compiled loops of this mechanism, imported on first use (:mod:`coalition_sim.model.compiled`)."""

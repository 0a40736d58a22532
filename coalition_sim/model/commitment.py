"""Fading commitment: members who rarely take part drift away.

Each month in which the coalition carries out at least one initiative, a
member's engagement g_i moves toward 1 if it worked on one and toward 0 if it
did not: g_i <- g_i + ENGAGEMENT_MEMORY * (worked_i - g_i). A member whose
engagement falls below DRIFT_LEVEL drifts away (exit cause "drift"): rarely
invited, or rarely opting in, it stops seeing itself as a partner (Provan &
Kenis 2008 on inclusiveness; Olson 1965 on the latent group). Under consensus
everyone who does not stand aside works on every adopted initiative, so only
repeated standing aside lets commitment fade.

The model runs this inside the members' compiled month (``membership.month``);
these array forms state it, and ``tests/model/test_membership_kernels.py`` checks the two agree.
"""

from __future__ import annotations

import numpy as np

ENGAGEMENT_MEMORY = 0.05
"""Weight of this month in a member's engagement (about 45 active months without work to drift)."""
DRIFT_LEVEL = 0.1
"""Engagement below which a member drifts away."""


def update_engagement(engagement: np.ndarray, members: np.ndarray, workers: np.ndarray) -> None:
    """Fold one active month into members' engagement (in place)."""
    worked = np.zeros(engagement.size)
    worked[workers] = 1.0
    engagement[members] += ENGAGEMENT_MEMORY * (worked[members] - engagement[members])


def drifters(engagement: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Members whose engagement has faded below DRIFT_LEVEL."""
    return members[engagement[members] < DRIFT_LEVEL]

"""External costs and legitimacy: what a blueprint carried out in the coalition's name costs objectors.

Under opt-in a coordinator's blueprint goes ahead with whoever opts in; members
who object to it (it lies beyond their tolerance) bear its external costs
(Buchanan & Tullock 1962): they lose DISSENT_COST of satisfaction, and their trust
in the coordinator falls by LEGITIMACY_LOSS of its level (internal legitimacy,
Provan & Kenis 2008). Trust in the backbone feeds back on invitations accepted
(:func:`coalition_sim.model.governance.opt_in.opts_in`) and, through the morale
function's encouragement, on satisfaction and exits (``membership.satisfaction``).
"""

from __future__ import annotations

import numpy as np

from coalition_sim.model.goal_space import distances

LEGITIMACY_LOSS = 0.1
"""Share of an objector's trust in the coordinator lost per blueprint carried out against it."""


def objectors(model, blueprint: np.ndarray, team: np.ndarray) -> np.ndarray:
    """Core members outside the team for whom ``blueprint`` lies beyond their tolerance."""
    members = model.core_indices()
    in_team = np.zeros(model.status.size, dtype=bool)
    in_team[team] = True
    outside = members[~in_team[members]]
    return outside[distances(model.position[outside], blueprint) > model.tolerance[outside]]


def lose_legitimacy(model, who: np.ndarray) -> None:
    """Objectors' trust in the coordinator falls (in place)."""
    if who.size:
        model.backbone_trust[who] *= 1.0 - LEGITIMACY_LOSS

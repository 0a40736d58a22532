"""Consensus as coalitions practise it: stand aside, block only on principle, fall back if stuck.

A member can live with a draft it would not work on: between its tolerance and
its block threshold it *stands aside* (Butler & Rothstein 1987; consent in
Endenburg 1998; rough consensus, IETF RFC 7282). Stand-asiders attend, do not
work on the initiative, and pay what dissent costs them. Only a draft beyond a
member's block threshold is blocked. Deliberation widens acceptance as partners
come to trust each other (Ansell & Gash 2008):

    accept_i = tolerance_i * max(0, 1 + trust_widening * (T_i - trust_baseline))
    block_i  = accept_i * (1 + stand_aside_band)

with T_i member i's mean trust in the other members. Drafting is the minimal
concession of :func:`base.concede`, made to the member whose *block threshold*
the draft exceeds most. An adopted draft is carried out by the members within
their acceptance; if none is, the initiative waits. Many charters add a
fallback after repeated failure (Susskind, McKearnan & Thomas-Larmer 1999):
with ``fallback_months`` = k > 0, an initiative blocked in k earlier months is
decided by majority (more than half within their block thresholds).

With ``stand_aside_band`` = 0, ``trust_widening`` = 0 and no fallback this is
:mod:`unanimity <coalition_sim.model.governance.unanimity>`, run for run.
"""

from __future__ import annotations

import numpy as np

from coalition_sim.model.governance.base import ADOPTED, BLOCKED, Decision, GovernanceRule, register
from coalition_sim.model.governance.base import KERNELS as DELIBERATION

BLOCK_REASON = "a member objects on principle: the draft lies beyond its block threshold"
IDLE_REASON = "everyone stands aside: nobody will do the work"
MAJORITY = 0.5 + 1e-9
"""Quorum of the fallback vote: strictly more than half."""


def acceptance(model, members: np.ndarray) -> np.ndarray:
    """How far a draft may lie from each member for it to work on it: tolerance widened by trust."""
    widening = model.params["trust_widening"]
    if widening == 0 or members.size < 2:
        return model.tolerance[members]
    ties = model.trust.ties_toward(members)
    return DELIBERATION.acceptance(model.tolerance, members, ties, widening, model.trust_baseline)


@register
class Consensus(GovernanceRule):
    """Consensus with stand-aside, principled blocks and an optional fallback.

    Drafting and the check of who works on the draft are one compiled pass per initiative
    (:func:`deliberation_kernels.consensus_draft
    <coalition_sim.model.governance.deliberation_kernels.consensus_draft>`).
    """

    name = "consensus"

    def decide(self, model, pending):
        if not pending:
            return []
        members = model.core_indices()
        rounds = model.meeting_rounds()
        accept = acceptance(model, members)
        block = accept * (1.0 + model.params["stand_aside_band"])
        fallback = model.params["fallback_months"]
        draft_by_consensus = DELIBERATION.consensus_draft
        decisions = []
        for initiative in pending:
            quorum = MAJORITY if fallback and initiative.blocked_months >= fallback else 1.0
            draft, used, agreed, within = draft_by_consensus(
                model.position, members, initiative.draft, rounds, quorum, block, accept
            )
            if agreed and within.any():
                decisions.append(
                    Decision(initiative, ADOPTED, draft, members[within], members, used, dissenters=members[~within])
                )
            else:
                reason = BLOCK_REASON if not agreed else IDLE_REASON
                decisions.append(Decision(initiative, BLOCKED, draft, attendees=members, rounds=used, reason=reason))
        return decisions

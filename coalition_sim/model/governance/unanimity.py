"""Unanimity: every member must accept the blueprint within its tolerance; everyone takes part.

The strict rule, kept for comparison with consensus as coalitions practise it
(:mod:`coalition_sim.model.governance.consensus`). Each month the draft gets
``rounds`` meeting rounds. In each round the member who objects most is
accommodated by the smallest move that brings the draft within its tolerance
(see :func:`base.concede`). The draft's distance from the initiative's ideal is
its dilution. If no draft is acceptable to all at the end of the month, the
initiative is blocked and tried again next month (its draft carried over) until
its window lapses. Nobody can stand aside: one member whose tolerance excludes
every draft vetoes everyone. All members attend and all take part.
"""

from __future__ import annotations

from coalition_sim.model.governance.base import ADOPTED, BLOCKED, Decision, GovernanceRule, concede, register

BLOCK_REASON = "no blueprint within every member's tolerance"


@register
class Unanimity(GovernanceRule):
    """Strict unanimity with compromise drafting (docs/MODEL.md step 2, consensus as first modelled)."""

    name = "unanimity"
    quorum = 1.0

    def decide(self, model, pending):
        if not pending:
            return []
        members = model.core_indices()
        rounds = model.meeting_rounds()
        decisions = []
        for initiative in pending:
            draft, used, accepted = concede(model, members, initiative.draft, rounds, self.quorum)
            if accepted:
                decisions.append(Decision(initiative, ADOPTED, draft, members, members, used))
            else:
                decisions.append(
                    Decision(initiative, BLOCKED, draft, attendees=members, rounds=used, reason=BLOCK_REASON)
                )
        return decisions

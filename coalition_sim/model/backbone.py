"""The backbone: a coordinating organization that supports without directing.

Its strength b(t) in [0, 1] may follow a schedule (a cut at a given month, e.g.
when a start-up grant ends). It performs six functions (Turner et al. 2012;
seeds 000 and 003), each a separate effect that scales with b and can be
switched off alone. The model asks ``backbone.effect(name)`` where each pathway
acts; a switched-off effect returns 0, exactly as if there were no backbone
for that pathway and only that one.

========================  ==========================================  ========================
effect                    what it does (where)                         code
========================  ==========================================  ========================
``vision``                pulls positions toward the purpose;          influence.vision_pull,
                          sharper opt-in blueprints; briefs new        governance.opt_in,
                          representatives                              turnover.onboard
``roles``                 invites and teams by skill; coordination     governance.opt_in,
                          in execution; introduces new                 execution,
                          representatives to the partners              turnover.introduce
``measurement``           setbacks become learning, not blame;         learning,
                          everyone learns from all activities          membership
``public_will``           invites the wider network; reputation        membership, learning,
                                                                       governance.opt_in
``transaction_costs``     cheaper meetings, more done per month        model.round_cost,
                                                                       model.meeting_rounds
``morale``                recognition, rest, mediation;                morale,
                          encouragement (members' satisfaction)        membership
========================  ==========================================  ========================
"""

from __future__ import annotations

import mesa

from coalition_sim.model.params import BACKBONE_EFFECTS


class Backbone(mesa.Agent):
    """The coordinator, an agent so it can be drawn and inspected.

    Args:
        model: the CoalitionModel.
        strength: support before any cut, in [0, 1].
        cut_month: month from which ``after_cut`` applies (0 = never).
        after_cut: support from the cut on.
        disabled: effects switched off.
    """

    def __init__(
        self, model, strength: float, cut_month: int = 0, after_cut: float = 0.0, disabled: tuple[str, ...] = ()
    ) -> None:
        super().__init__(model)
        self.initial_strength = strength
        self.cut_month = cut_month
        self.after_cut = after_cut
        self.disabled = frozenset(disabled)
        self.strength = self.strength_at(0)

    def strength_at(self, month: int) -> float:
        """Support at a given month under the schedule."""
        if self.cut_month and month >= self.cut_month:
            return self.after_cut
        return self.initial_strength

    def update(self, month: int) -> None:
        """Apply the schedule for this month."""
        self.strength = self.strength_at(month)

    def effect(self, name: str) -> float:
        """Strength of one function (0 when switched off or with no backbone)."""
        if name not in BACKBONE_EFFECTS:
            raise ValueError(f"unknown backbone effect '{name}'")
        return 0.0 if name in self.disabled else self.strength

    def effects(self) -> dict[str, float]:
        """Strength of every function."""
        return {name: self.effect(name) for name in BACKBONE_EFFECTS}

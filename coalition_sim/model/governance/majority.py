"""Majority vote: a draft passes when more than half of the members accept it.

Written as the proof that a rule can be added without touching the model loop:
it reuses unanimity's drafting with a quorum of one half. The outvoted minority
still takes part (everyone is engaged), but works reluctantly: its effort falls
with its distance from the blueprint (see :mod:`coalition_sim.model.execution`).
"""

from __future__ import annotations

from coalition_sim.model.governance.base import register
from coalition_sim.model.governance.unanimity import Unanimity


@register
class Majority(Unanimity):
    """Simple majority with minimal-concession drafting."""

    name = "majority"
    quorum = 0.5 + 1e-9

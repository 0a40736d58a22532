"""Governance rules. Importing this package registers the built-in rules.

To add a rule: subclass :class:`GovernanceRule` in a new module, decorate it with
:func:`register`, and import that module (here, or from your own code) before
building the model with ``governance="your-name"``.
"""

from coalition_sim.model.governance import consensus, majority, opt_in, unanimity  # noqa: F401  (registers)
from coalition_sim.model.governance.base import (
    ADOPTED,
    BLOCKED,
    Decision,
    GovernanceRule,
    make_rule,
    register,
    rule_names,
)

__all__ = ["ADOPTED", "BLOCKED", "Decision", "GovernanceRule", "make_rule", "register", "rule_names"]

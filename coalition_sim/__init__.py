"""coalition-sim: agent-based simulation of coalition dynamics on Mesa.

    >>> from coalition_sim import CoalitionModel
    >>> m = CoalitionModel(governance="opt-in", backbone_strength=0.8, seed=1)
    >>> m.run(120).summary()["endured"]  # doctest: +SKIP
"""

from coalition_sim.governance import GovernanceRule, register, rule_names
from coalition_sim.model import CoalitionModel
from coalition_sim.params import BACKBONE_EFFECTS, PARAMETERS

__version__ = "0.1.0"
__all__ = ["CoalitionModel", "GovernanceRule", "register", "rule_names", "PARAMETERS",
           "BACKBONE_EFFECTS", "__version__"]

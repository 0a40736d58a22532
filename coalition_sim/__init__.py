"""coalition-sim: agent-based simulation of coalition dynamics on Mesa.

    >>> from coalition_sim import CoalitionModel
    >>> m = CoalitionModel(governance="opt-in", backbone_strength=0.8, seed=1)
    >>> m.run(120).summary()["endured"]  # doctest: +SKIP

Studies, analysis and the strategist's comparison are imported on first use
(``coalition_sim.load_results``, ``coalition_sim.compare``, ...), so importing the
model stays fast.
"""

import os

# The model's matrix products are small; BLAS threads only add contention when
# study workers share the cores (6x slower seen on 2 busy cores). Set before
# numpy loads; an explicit setting by the user wins.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from importlib import import_module  # noqa: E402

from coalition_sim.errors import InputError  # noqa: E402
from coalition_sim.governance import GovernanceRule, register, rule_names  # noqa: E402
from coalition_sim.model import CoalitionModel  # noqa: E402
from coalition_sim.params import BACKBONE_EFFECTS, PARAMETERS  # noqa: E402

__version__ = "0.1.0"

_LAZY = {
    "load_results": "coalition_sim.store",
    "run_study": "coalition_sim.study",
    "load_study": "coalition_sim.study",
    "compare": "coalition_sim.comparison",
    "load_scenario": "coalition_sim.scenario_file",
    "PRESETS": "coalition_sim.presets",
}
"""Public names defined in heavier modules, imported when first used."""

__all__ = ["CoalitionModel", "GovernanceRule", "InputError", "register", "rule_names", "PARAMETERS",
           "BACKBONE_EFFECTS", "__version__", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'coalition_sim' has no attribute {name!r}")

"""coalition-sim: agent-based simulation of coalition dynamics on Mesa.

    >>> from coalition_sim import CoalitionModel
    >>> m = CoalitionModel(governance="opt-in", backbone_strength=0.8, seed=1)
    >>> m.run(120).summary()["endured"]  # doctest: +SKIP

The package is a set of wings, one per concern (see the README's Architecture):
``model`` (the coalition), ``studies`` (designs, runner, store), ``analysis``
(statistics, figures), ``calibration``, ``strategist``, ``classroom``, ``cli``, and
``util`` (what several share). Every public name below is imported on first use,
so ``import coalition_sim`` (and the CLI's ``--help``) stays fast.
"""

import os

# The model's matrix products are small; BLAS threads only add contention when
# study workers share the cores (6x slower seen on 2 busy cores). Set before
# numpy loads; an explicit setting by the user wins.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from importlib import import_module  # noqa: E402

__version__ = "0.2.0"

_LAZY = {
    "CoalitionModel": "coalition_sim.model.model",
    "PARAMETERS": "coalition_sim.model.params",
    "BACKBONE_EFFECTS": "coalition_sim.model.params",
    "GovernanceRule": "coalition_sim.model.governance",
    "register": "coalition_sim.model.governance",
    "rule_names": "coalition_sim.model.governance",
    "InputError": "coalition_sim.util.errors",
    "load_results": "coalition_sim.studies.store",
    "run_study": "coalition_sim.studies.study",
    "load_study": "coalition_sim.studies.study_file",
    "compare": "coalition_sim.strategist.comparison",
    "load_scenario": "coalition_sim.strategist.scenario_file",
    "PRESETS": "coalition_sim.classroom.presets",
}
"""Public names and the module that defines each, imported when first used."""

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'coalition_sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)

"""Regression: small fixed configurations against stored reference figures.

The reference file stores the full parameter set of each run, so a change of
defaults does not move it; a change of mechanism does, on purpose. After an
intended change, regenerate and review the diff:

    python tests/model/test_regression.py --update
"""

import json
import math
import sys
from pathlib import Path

import pytest

from coalition_sim import CoalitionModel
from coalition_sim.model import params

REFERENCE = Path(__file__).parent / "data" / "reference_runs.json"
CASES = {
    "consensus-small": {"governance": "consensus", "n_orgs": 12, "backbone_strength": 0.5},
    "opt-in-small": {"governance": "opt-in", "n_orgs": 12, "backbone_strength": 0.5},
    "opt-in-cut": {"governance": "opt-in", "n_orgs": 12, "backbone_strength": 0.9, "backbone_cut_month": 24},
}
SEED, MONTHS = 2024, 60
SERIES = ("members", "mean_trust", "energy", "cumulative_impact")


def figures(case_params: dict) -> dict:
    """The figures we pin for one run."""
    model = CoalitionModel(seed=SEED, **case_params).run(MONTHS)
    series = model.datacollector.get_model_vars_dataframe()
    summary = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in model.summary().items()}
    return {"summary": summary, "series": {name: [float(x) for x in series[name].iloc[::6]] for name in SERIES}}


def build_reference() -> dict:
    return {
        name: {"params": {**params.defaults(), **case}, "figures": figures({**params.defaults(), **case})}
        for name, case in CASES.items()
    }


@pytest.mark.parametrize("case", sorted(CASES))
def test_run_matches_reference(case):
    stored = json.loads(REFERENCE.read_text())[case]
    actual = figures(stored["params"])
    for key, expected in stored["figures"]["summary"].items():
        value = actual["summary"][key]
        if isinstance(expected, float):
            assert value == pytest.approx(expected, rel=1e-9, abs=1e-12), key
        else:
            assert value == expected, key
    for name, expected in stored["figures"]["series"].items():
        assert actual["series"][name] == pytest.approx(expected, rel=1e-9, abs=1e-12), name


def test_reference_covers_every_case():
    assert set(json.loads(REFERENCE.read_text())) == set(CASES)


if __name__ == "__main__":
    if "--update" in sys.argv:
        REFERENCE.write_text(json.dumps(build_reference(), indent=1) + "\n")
        print(f"wrote {REFERENCE}")

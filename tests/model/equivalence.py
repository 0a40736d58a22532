"""Fingerprints of many runs, to show that a faster model gives the same answers.

Each case is a full parameter set, a rule and a seed. The parameter defaults the
fingerprints were made with are stored beside them and every case is rebuilt from
those, so a later change of the model's defaults does not move the cases. Its fingerprint holds the run's
summary, its events (count per kind and a digest of every month, kind and
sentence), the integer columns of the monthly series exactly (as digests), who left when and why, and for each float
column its length, NaN count, sum, index-weighted sum and sum of squares: a change
of any month's value moves at least one of them. Build the stored file on the
model before a speed-up, then compare after it:

    python tests/model/equivalence.py --update
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import sys
from pathlib import Path

import numpy as np

from coalition_sim import CoalitionModel
from coalition_sim.model import params
from coalition_sim.model.metrics import COUNTS
from coalition_sim.model.population import Population, generate

STORED = Path(__file__).parent / "data" / "equivalence_runs.json.gz"
RULES = ("consensus", "majority", "opt-in", "unanimity", "consensus-for-12-then-opt-in")
SEEDS = 40
PARAMETER_SETS = {
    "default": ({}, SEEDS),
    "small": ({"n_orgs": 10, "network_ratio": 0.5}, SEEDS),
    "practised": ({"stand_aside_band": 0.8, "trust_widening": 1.2, "fallback_months": 4}, SEEDS),
    "cut": ({"backbone_strength": 0.9, "backbone_cut_month": 18, "backbone_after_cut": 0.1}, SEEDS),
    "varied": (
        {
            "goal_dims": 3,
            "disabled_effects": "vision,morale",
            "impact_goal": 6.0,
            "boundary_alignment": 0.3,
            "initial_trust": 0.5,
            "shock_rate": 0.2,
            "initiative_rate": 1.5,
            "patience": 10.0,
            "min_members": 4,
            "dormancy_limit": 6,
        },
        SEEDS,
    ),
    "interventions": ({"interventions": "leave Org 2 at 6; join Org 40 at 10; leave Org 5 at 30"}, SEEDS),
    "scenario": ({"population": "scenario"}, SEEDS),
    "large": ({"n_orgs": 300}, 3),
}
"""Name -> (overrides of the defaults, seeds)."""
INTEGER_SERIES = ("members", "network", "pending", *COUNTS)
"""Monthly columns that are counts (compared exactly, month by month)."""


def scenario_population() -> Population:
    """A hand-built population like a strategist's: 14 core partners, 6 in the network, one gone."""
    rng = np.random.default_rng(7)
    pop = generate(
        rng,
        n_orgs=14,
        network_ratio=6 / 14,
        n_sectors=5,
        capacity_inequality=1.2,
        goal_dims=2,
        alignment_spread=0.2,
        tolerance=0.4,
        initial_trust=0.45,
        initial_energy=0.7,
        patience=12.0,
    )
    pop.energy = rng.uniform(0.4, 1.0, pop.size)
    pop.backbone_trust = rng.uniform(0.1, 0.8, pop.size)
    pop.status[19] = 2
    pop.names = [f"Partner {chr(65 + i)}" for i in range(pop.size)]
    return pop


def cases(full: bool = True, defaults: dict | None = None):
    """Yield (case id, keyword arguments) for every case (``full=False``: the first 8 seeds, 1 large).

    ``defaults``: the parameter values every case starts from (default: those stored with
    the fingerprints, else the model's current defaults).
    """
    if defaults is None:
        defaults = recorded_defaults() if STORED.exists() else params.defaults()
    for set_name, (overrides, seeds) in PARAMETER_SETS.items():
        for rule in RULES:
            for seed in range(seeds if full else min(seeds, 8 if set_name != "large" else 1)):
                kwargs = {**defaults, **overrides, "governance": rule, "seed": seed}
                yield f"{set_name}/{rule}/{seed}", kwargs


def build(kwargs: dict) -> CoalitionModel:
    """Run one case for 120 months."""
    kwargs = dict(kwargs)
    if kwargs.get("population") == "scenario":
        kwargs["population"] = scenario_population()
        for name in ("n_orgs", "network_ratio", "n_sectors", "capacity_inequality", "goal_dims", "alignment_spread"):
            kwargs.pop(name)
    return CoalitionModel(**kwargs).run(120)


def _clean(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def fingerprint(model: CoalitionModel) -> dict:
    """The figures compared for one run."""
    table = model.datacollector.get_model_vars_dataframe()
    series = {}
    for name in table.columns:
        values = np.asarray(table[name].to_numpy(), dtype=float)
        if name in INTEGER_SERIES:
            series[name] = _digest(",".join(str(int(v)) for v in values))
        else:
            finite = np.where(np.isnan(values), 0.0, values)
            weights = np.arange(1, values.size + 1)
            series[name] = [
                int(values.size),
                int(np.isnan(values).sum()),
                float(finite.sum()),
                float((weights * finite).sum()),
                float((finite * finite).sum()),
            ]
    text = "\n".join(f"{e.month}|{e.kind}|{e.text}" for e in model.events)
    exits = "\n".join(f"{r['organization']}|{r['month']}|{r['cause']}" for r in model.exit_record())
    kinds: dict[str, int] = {}
    for event in model.events:
        kinds[event.kind] = kinds.get(event.kind, 0) + 1
    return {
        "summary": {k: _clean(v) for k, v in model.summary().items()},
        "series": series,
        "events": {"kinds": kinds, "digest": _digest(text)},
        "exits": _digest(exits),
    }


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _load() -> dict:
    with gzip.open(STORED, "rt") as handle:
        return json.load(handle)


def stored() -> dict:
    """The stored fingerprints, by case id."""
    return _load()["runs"]


def recorded_defaults() -> dict:
    """The parameter defaults the stored fingerprints were made with."""
    return _load()["defaults"]


if __name__ == "__main__":
    if "--update" in sys.argv:
        defaults = params.defaults()
        data = {case: fingerprint(build(kwargs)) for case, kwargs in cases(defaults=defaults)}
        with gzip.open(STORED, "wt") as handle:
            json.dump({"defaults": defaults, "runs": data}, handle, separators=(",", ":"))
        print(f"wrote {len(data)} runs to {STORED}")

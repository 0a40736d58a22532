"""Study files: a TOML file declares what varies; this module reads and validates it.

    >>> from coalition_sim import load_study, run_study
    >>> spec = load_study("experiments/governance_backbone.toml")   # doctest: +SKIP
    >>> run_study(spec, "results/governance_backbone/results.sqlite")  # doctest: +SKIP

The file format (every key, with examples) is in ``experiments/README.md``.
Bad input raises :class:`~coalition_sim.util.errors.InputError` with one line naming
the file and the field, e.g. ``varied.backbone_strength[2]``, before any store
is touched. :mod:`coalition_sim.studies.study` runs it.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from coalition_sim.model import params as model_params
from coalition_sim.studies.designs import KINDS, Design, Factor, make_design, run_seeds
from coalition_sim.studies.runner import RunSpec
from coalition_sim.util.errors import InputError
from coalition_sim.util.toml_input import load_toml

TOP_KEYS = (
    "name",
    "description",
    "steps",
    "replications",
    "master_seed",
    "store",
    "outcomes",
    "series",
    "fixed",
    "varied",
    "design",
)
DESIGN_KEYS = ("kind", "samples", "arms", "levels")
RANGE_KEYS = ("low", "high", "num", "kind", "values")
FACTOR_KINDS = ("int", "float", "choice")
DEFAULT_ARMS = ("governance", "backbone_strength")
"""Arms share common random numbers when varied, unless a study names its own."""

# Limits: far above any real study, low enough that a typo is refused at once
# rather than hanging, exhausting memory or filling the disk (experiments/README.md).
MAX_NAME = 100
"""Longest study name (it names the default results folder)."""
MAX_STEPS = 10_000
"""Longest horizon in months."""
MAX_REPLICATIONS = 100_000
"""Most replications per design point."""
MAX_LEVELS = 1_000
"""Most levels of one varied parameter (a list, or a range's ``num``)."""
MAX_SAMPLES = 65_536
"""Most lhs points, or sobol base samples N (2^16)."""
MAX_POINTS = 100_000
"""Most design points."""
MAX_RUNS = 1_000_000
"""Most runs in a study (points x replications)."""
MAX_SEED = 2**63 - 1
"""Largest master seed (a signed 64-bit integer, as the store keeps it)."""
MAX_TEXT = 10_000
"""Longest description."""


@dataclass(frozen=True)
class StudySpec:
    """A validated study: what is fixed, what varies, how often and how long.

    Attributes:
        name: study name (also the default store folder).
        fixed: model parameters held fixed (validated).
        factors: the varied parameters.
        design: ``factorial``, ``lhs`` or ``sobol``.
        samples: points (lhs) or base samples N (sobol); None for factorial.
        arms: varied parameters that share seeds (common random numbers).
        replications: runs per design point.
        steps: horizon in months.
        master_seed: every run's seed derives from it.
        outcomes: summary outcomes kept in the runs table (None = all).
        series: monthly series kept (a list of names; empty = none).
        description: free text.
        store: store path the file asks for, or None.
        text: the study file's text (provenance).
        path: the study file.
    """

    name: str
    fixed: dict
    factors: tuple[Factor, ...]
    design: str
    samples: int | None
    arms: tuple[str, ...]
    replications: int
    steps: int
    master_seed: int
    outcomes: tuple[str, ...] | None
    series: tuple[str, ...]
    description: str = ""
    store: str | None = None
    text: str = ""
    path: str | None = None
    levels: int | None = None
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def to_dict(self) -> dict:
        """The normalised spec (what the results depend on), as plain JSON types."""
        return {
            "name": self.name,
            "fixed": self.fixed,
            "varied": {f.name: _factor_dict(f) for f in self.factors},
            "design": {
                "kind": self.design,
                "samples": self.samples,
                "arms": list(self.arms),
                **({"levels": self.levels} if self.design == "morris" else {}),
            },
            "replications": self.replications,
            "steps": self.steps,
            "master_seed": self.master_seed,
            "outcomes": list(self.outcomes) if self.outcomes is not None else None,
            "series": list(self.series),
        }

    def spec_hash(self) -> str:
        """SHA-256 of the normalised spec: two files with the same hash give the same results."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def design_points(self) -> Design:
        """The design's points (computed once)."""
        if "design" not in self._cache:
            self._cache["design"] = make_design(
                self.design, list(self.factors), self.samples, self.master_seed, self.levels
            )
        return self._cache["design"]

    def seeds(self):
        """Seeds per (point, replication), common across arms."""
        if "seeds" not in self._cache:
            self._cache["seeds"] = run_seeds(
                self.design_points().points, self.arms, self.replications, self.master_seed
            )
        return self._cache["seeds"]

    @property
    def n_runs(self) -> int:
        """Runs in the whole study."""
        return len(self.design_points()) * self.replications

    def runs(self, skip: set[int] | frozenset = frozenset()) -> Iterator[RunSpec]:
        """The study's runs in run_id order, lazily, leaving out ``skip``."""
        design, seeds = self.design_points(), self.seeds()
        for point_id, point in enumerate(design.points):
            for rep in range(self.replications):
                run_id = point_id * self.replications + rep
                if run_id not in skip:
                    yield RunSpec(run_id, point_id, rep, {**self.fixed, **point}, int(seeds[point_id, rep]), self.steps)

    def block(self, point_id: int) -> str | None:
        """The Sobol block of a point ('A', 'B', 'AB0', ...) or None."""
        return self.design_points().blocks[point_id]

    def default_store(self) -> Path:
        """Where results go unless told otherwise."""
        return Path(self.store) if self.store else Path("results") / self.name / "results.sqlite"


# ---------------------------------------------------------------------- loading
def load_study(path: str | Path) -> StudySpec:
    """Parse and validate a TOML study file.

    Raises:
        InputError: one line naming the file and the field (or the TOML line).
    """
    return load_toml(path, "study", parse_study)


def parse_study(data: dict, *, text: str = "", path: str | None = None) -> StudySpec:
    """Validate a study given as a dict (the parsed TOML)."""
    _refuse_unknown(data, TOP_KEYS, "")
    name = _name(data)
    fixed = _fixed(data.get("fixed", {}))
    factors = _factors(data.get("varied", {}), fixed)
    design, samples, arms = _design(data.get("design", {}), factors)
    levels = _morris_levels(data.get("design", {}), design)
    replications = _integer(data, "replications", low=1, high=MAX_REPLICATIONS, required=True)
    _check_size(design, factors, samples, replications)
    spec = StudySpec(
        name=name,
        fixed=fixed,
        factors=tuple(factors),
        design=design,
        samples=samples,
        arms=arms,
        replications=replications,
        steps=_integer(data, "steps", low=1, high=MAX_STEPS, default=120),
        master_seed=_integer(data, "master_seed", low=0, high=MAX_SEED, required=True),
        outcomes=_outcomes(data.get("outcomes")),
        series=_series(data.get("series", True)),
        description=_text(data, "description", "", limit=MAX_TEXT),
        store=_store(data),
        text=text,
        levels=levels,
        path=path,
    )
    if spec.n_runs == 0:
        raise InputError("design: the design has no points")
    return spec


def _refuse_unknown(table: dict, allowed, where: str) -> None:
    for key in table:
        if key not in allowed:
            raise InputError(
                f"unknown key '{where}{key}'{model_params.suggest(key, allowed)}; allowed: {', '.join(allowed)}"
            )


def _name(data: dict) -> str:
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InputError('name: missing or empty; give the study a name, e.g. name = "my_study"')
    if any(c in name for c in "/\\") or name.startswith("."):
        raise InputError(f"name={name!r}: must not contain '/' or '\\' or start with '.'")
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise InputError(f"name={name!r}: must not contain control characters (NUL, tab, newline)")
    if len(name.strip()) > MAX_NAME:
        raise InputError(f"name: {len(name.strip())} characters is too long (at most {MAX_NAME})")
    return name.strip()


def _text(data: dict, key: str, default, limit: int = MAX_TEXT):
    value = data.get(key, default)
    if value is not None and not isinstance(value, str):
        raise InputError(f"{key}={value!r}: must be a string")
    if value is not None and len(value) > limit:
        raise InputError(f"{key}: {len(value)} characters is too long (at most {limit})")
    return value


def _store(data: dict) -> str | None:
    """The store path the file asks for: a plain path to a file, not a folder."""
    from coalition_sim.util.output import check_path_text

    value = _text(data, "store", None, limit=4096)
    if value is None:
        return None
    if not value.strip():
        raise InputError('store: empty; give a file path, e.g. store = "results/my_study/results.sqlite"')
    check_path_text(value, "store")
    if Path(value).is_dir():
        example = f"{value.rstrip('/')}/results.sqlite"
        raise InputError(f"store={value!r}: is a folder; give the store's file, e.g. {example}")
    return value


def _integer(data: dict, key: str, *, low: int, high: int, default: int | None = None, required: bool = False) -> int:
    if key not in data:
        if required:
            raise InputError(f"{key}: missing; give an integer from {low} to {high:,}")
        return default
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        shown = f"{value:.3g}" if isinstance(value, int) and abs(value) >= 10**15 else repr(value)
        raise InputError(f"{key}={shown}: must be an integer from {low} to {high:,}")
    return value


def _check_size(design: str, factors: list[Factor], samples: int | None, replications: int) -> None:
    """Refuse a design whose points or runs exceed the limits, before any point is made."""
    if design == "factorial":
        points = math.prod(len(f.levels) if f.levels is not None else f.num for f in factors)
    elif design == "sobol":
        points = (len(factors) + 2) * samples
    elif design == "morris":
        points = (len(factors) + 1) * samples
    else:
        points = samples
    if points > MAX_POINTS:
        raise InputError(f"design: {points:,} points is too many (at most {MAX_POINTS:,}); use fewer levels or samples")
    if points * replications > MAX_RUNS:
        raise InputError(
            f"replications: {points:,} points x {replications:,} replications = {points * replications:,} runs "
            f"is too many (at most {MAX_RUNS:,})"
        )


def _check(field_name: str, name: str, value: Any) -> Any:
    try:
        return model_params.check_value(name, value)
    except InputError as exc:
        raise InputError(f"{field_name}: {exc}") from None


def _fixed(table: Any) -> dict:
    if not isinstance(table, dict):
        raise InputError("fixed: must be a table of parameter = value")
    return {name: _check(f"fixed.{name}", name, value) for name, value in table.items()}


def _factors(table: Any, fixed: dict) -> list[Factor]:
    if not isinstance(table, dict):
        raise InputError("varied: must be a table of parameter = [levels] or {low, high}")
    factors = []
    for name, entry in table.items():
        where = f"varied.{name}"
        try:
            param = model_params.check_name(name)
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from None
        if name in fixed:
            raise InputError(f"{where}: '{name}' is both fixed and varied; keep one")
        factors.append(_factor(where, param, entry))
    return factors


def _factor(where: str, param, entry: Any) -> Factor:
    natural = {"int": "int", "float": "float"}.get(param.kind, "choice")
    if isinstance(entry, list):
        return _levels_factor(where, param, natural, entry)
    if not isinstance(entry, dict):
        raise InputError(f"{where}={entry!r}: give a list of levels or a table {{low = .., high = ..}}")
    _refuse_unknown(entry, RANGE_KEYS, f"{where}.")
    kind = entry.get("kind", natural)
    if kind not in FACTOR_KINDS:
        raise InputError(f"{where}.kind={kind!r}: allowed one of {', '.join(FACTOR_KINDS)}")
    if kind != natural and not (kind == "choice" and "values" in entry):
        raise InputError(f"{where}.kind={kind!r} does not fit {param.name}, which is {natural}")
    if "values" in entry:
        return _levels_factor(f"{where}.values", param, natural, entry["values"], base=where)
    return _range_factor(where, param, kind, entry)


def _levels_factor(where: str, param, kind: str, levels: Any, base: str | None = None) -> Factor:
    if not isinstance(levels, list) or not levels:
        raise InputError(f"{where}: empty list of levels; give at least one value")
    if len(levels) > MAX_LEVELS:
        raise InputError(f"{where}: {len(levels)} levels is too many (at most {MAX_LEVELS})")
    values = tuple(_check(f"{where}[{i}]", param.name, v) for i, v in enumerate(levels))
    if len(set(values)) != len(values):
        raise InputError(f"{where}: repeated levels {list(values)}; give each level once")
    return Factor(param.name, kind, levels=values)


def _range_factor(where: str, param, kind: str, entry: dict) -> Factor:
    if kind == "choice":
        raise InputError(f"{where}: {param.name} takes named values; give a list, not a range")
    for end in ("low", "high"):
        if end not in entry:
            raise InputError(f"{where}.{end}: missing; a range needs low and high")
    low = _check(f"{where}.low", param.name, entry["low"])
    high = _check(f"{where}.high", param.name, entry["high"])
    if not low < high:
        raise InputError(f"{where}: low={low!r} must be below high={high!r}")
    num = entry.get("num")
    if num is not None and (isinstance(num, bool) or not isinstance(num, int) or not 1 <= num <= MAX_LEVELS):
        raise InputError(f"{where}.num={num!r}: must be an integer from 1 to {MAX_LEVELS}")
    return Factor(param.name, kind, low=low, high=high, num=num)


def _design(table: Any, factors: list[Factor]) -> tuple[str, int | None, tuple[str, ...]]:
    if not isinstance(table, dict):
        raise InputError('design: must be a table, e.g. [design] kind = "factorial"')
    _refuse_unknown(table, DESIGN_KEYS, "design.")
    kind = table.get("kind", "factorial")
    if kind not in KINDS:
        raise InputError(
            f"design.kind={kind!r}{model_params.suggest(str(kind), KINDS)}: allowed one of {', '.join(KINDS)}"
        )
    samples = _samples(kind, table, factors)
    names = [f.name for f in factors]
    arms = table.get("arms", [a for a in DEFAULT_ARMS if a in names])
    if not isinstance(arms, list):
        raise InputError(f"design.arms={arms!r}: must be a list of varied parameter names")
    for i, arm in enumerate(arms):
        if arm not in names:
            raise InputError(
                f"design.arms[{i}]={arm!r} is not a varied parameter"
                f"{model_params.suggest(str(arm), names)}; varied: {', '.join(names) or 'none'}"
            )
    return kind, samples, tuple(arms)


def _morris_levels(table: dict, kind: str) -> int | None:
    if kind != "morris":
        if "levels" in table:
            raise InputError(f"design.levels: only a morris design takes levels (this one is {kind})")
        return None
    levels = table.get("levels", 4)
    if isinstance(levels, bool) or not isinstance(levels, int) or levels < 2 or levels % 2:
        raise InputError(f"design.levels={levels!r}: a morris design needs an even integer >= 2 (e.g. 4)")
    return levels


def _samples(kind: str, table: dict, factors: list[Factor]) -> int | None:
    if kind == "factorial":
        if "samples" in table:
            raise InputError("design.samples: a factorial design takes no samples; list the levels")
        for f in factors:
            if f.levels is None and f.num is None:
                raise InputError(f"varied.{f.name}: a range in a factorial design needs num = <levels>")
        return None
    if not factors:
        raise InputError(f"varied: a {kind} design needs at least one varied parameter")
    samples = table.get("samples")
    if isinstance(samples, bool) or not isinstance(samples, int) or not 1 <= samples <= MAX_SAMPLES:
        raise InputError(f"design.samples={samples!r}: a {kind} design needs an integer from 1 to {MAX_SAMPLES:,}")
    if kind == "sobol" and samples & (samples - 1):
        raise InputError(
            f"design.samples={samples}: a sobol design needs a power of two (e.g. "
            f"{1 << (samples.bit_length() - 1)} or {1 << samples.bit_length()})"
        )
    return samples


def _outcomes(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not value:
        raise InputError("outcomes: must be a non-empty list of summary outcomes (or left out for all)")
    return _known_names(value, outcome_types(), "outcomes", "outcome")


def _series(value: Any) -> tuple[str, ...]:
    from coalition_sim.model.metrics import SERIES

    if value is True:
        return tuple(SERIES)
    if value is False:
        return ()
    if not isinstance(value, list):
        raise InputError("series: must be true (all), false (none) or a list of series names")
    return _known_names(value, SERIES, "series", "series")


def _known_names(names: list, known, field: str, what: str) -> tuple[str, ...]:
    """The names, deduplicated in order; an unknown one is refused naming its index."""
    for i, name in enumerate(names):
        if not isinstance(name, str) or name not in known:
            raise InputError(
                f"{field}[{i}]: unknown {what} {name!r}{model_params.suggest(str(name), known)}; "
                f"allowed: {', '.join(known)}"
            )
    return tuple(dict.fromkeys(names))


@lru_cache(maxsize=1)
def outcome_types() -> dict[str, str]:
    """Each summary outcome and its type (``bool``, ``int``, ``float`` or ``str``)."""
    from coalition_sim.model.model import CoalitionModel

    summary = CoalitionModel(n_orgs=3, network_ratio=0, seed=0).run(1).summary()
    return {name: type(value).__name__ for name, value in summary.items()}


def _factor_dict(f: Factor) -> dict:
    out = {"kind": f.kind}
    if f.levels is not None:
        out["values"] = list(f.levels)
    else:
        out.update(low=f.low, high=f.high, num=f.num)
    return out

"""Reading a strategist's scenario file (TOML) into a :class:`~coalition_sim.strategist.scenario.Scenario`.

Files are read with :mod:`tomllib` only (no code runs from input). A mistake gets
one line naming the file, the line where it can be found, the field path
(``organizations[4].capacity ('Farm Bureau')``: blocks and list items counted from 1, as
people count them, with the organization's name) and what is allowed. A file that is
not TOML at all (a CSV, a spreadsheet) is refused as "not a scenario file".
Any number may be uncertain: a range ``[low, high]`` or ``{low = .., high = ..}``
(uniform), or a distribution table such as ``{dist = "normal", mean = .., sd = ..}``.
"""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path
from typing import Any

from coalition_sim.model.initiative import ROLES
from coalition_sim.model.params import PARAMETERS, suggest
from coalition_sim.model.population import GENERATION_PARAMS, SECTORS
from coalition_sim.strategist.scenario import SECTION_PARAMS, Input, Organization, Scenario, TrustPair
from coalition_sim.strategist.scenario_messages import display_path, other_format, show_value
from coalition_sim.strategist.uncertain import DIST_KEYS, UNCERTAIN_HELP, Field, Uncertain
from coalition_sim.util.errors import InputError
from coalition_sim.util.toml_input import line_map, locate

# ---------------------------------------------------------------------------- fields


def _param_field(name: str) -> Field:
    p = PARAMETERS[name]
    return Field(p.low, p.high, integer=p.kind == "int")


UNIT = Field(0.0, 1.0)
FIELDS = {
    "capacity": Field(0.0, 100.0, low_open=True),
    "alignment": Field(0.0, 1.0),
    "position": UNIT,
    "tolerance": _param_field("tolerance"),
    "skills": UNIT,
    "patience": _param_field("patience"),
    "energy": _param_field("initial_energy"),
    "trust": UNIT,
    "horizon": Field(1, 1200, integer=True),
    "goal_dims": _param_field("goal_dims"),
}
"""Allowed values of scenario fields that are not model parameters."""

ORG_DEFAULTS = {
    "capacity": 1.0,
    "alignment": 0.8,
    "tolerance": PARAMETERS["tolerance"].default,
    "patience": PARAMETERS["patience"].default,
    "energy": PARAMETERS["initial_energy"].default,
}
"""Values an organization gets when the file leaves them out."""

SECTIONS = {
    "scenario": ("name", "description", "horizon", "goal_dims"),
    "organizations": None,
    "network": None,
    "trust": ("default", "network", "backbone", "pairs"),
    "backbone": ("strength", "cut_month", "after_cut"),
    "initiatives": ("rate", "size", "spread", "window", "shock_rate"),
    "model": None,
}
"""Top-level tables and their keys (None: checked elsewhere)."""
ORG_KEYS = ("name", "sector", "capacity", "alignment", "position", "tolerance", "skills", "patience", "energy", "note")
PAIR_KEYS = ("between", "from", "to", "value")
NOT_IN_MODEL_TABLE = (
    *GENERATION_PARAMS,
    "governance",
    *SECTION_PARAMS["backbone"].values(),
    *SECTION_PARAMS["initiatives"].values(),
)
"""Model parameters a scenario sets elsewhere (or that the options set), not in [model]."""


# ---------------------------------------------------------------------------- loading


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    Raises:
        InputError: one line naming the file, line, field path and what is allowed.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such scenario file") from None
    except UnicodeDecodeError:
        raise InputError(
            f"{path}: not a scenario file (not text: a scenario is a TOML file; "
            "start from `coalition-sim scenario template`)"
        ) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the scenario file ({exc.__class__.__name__}: {exc})") from None
    return parse_scenario(text, str(path))


def parse_scenario(text: str, source: str = "<scenario>") -> Scenario:
    """Validate scenario TOML ``text``; ``source`` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        other = other_format(text, source)
        if other:
            raise InputError(
                f"{source}: not a scenario file ({other}; a scenario is a TOML file, "
                "start from `coalition-sim scenario template`)"
            ) from None
        line = re.search(r"line (\d+)", str(exc))
        where = f", line {line.group(1)}" if line else ""
        raise InputError(f"{source}{where}: not valid TOML: {str(exc).split(' (at ')[0]}") from None
    return _Parser(source, text).scenario(data)


class _Parser:
    """Walks the parsed TOML, builds the Scenario, and raises located one-line errors."""

    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self.lines = line_map(text)
        self.inputs: list[Input] = []
        self.names: dict[tuple[str, int], str] = {}

    # -- errors
    def fail(self, path: str, problem: str) -> None:
        """Raise InputError for ``path`` with the file and the best line known."""
        line = locate(self.lines, path)
        where = f", line {line}" if line else ""
        raise InputError(f"{self.source}{where}: {self.human(path)}: {problem}")

    def human(self, path: str) -> str:
        """``organizations[0].capacity`` -> ``organizations[1].capacity ('Alpha')``: counted from 1, named."""
        return display_path(path, self.names)

    def keys(self, table: Any, path: str, allowed) -> dict:
        """Check ``table`` is a table whose keys are all in ``allowed``."""
        if not isinstance(table, dict):
            self.fail(path, f"got {show_value(table)}; allowed a table of {', '.join(allowed)}")
        for key in table:
            if key not in allowed:
                self.fail(
                    f"{path}.{key}" if path else key,
                    f"unknown key '{key}'{suggest(key, allowed)}; allowed: {', '.join(allowed)}",
                )
        return table

    # -- values
    def number(self, value: Any, path: str, spec: Field, label: str, given: bool = True) -> Uncertain:
        """Parse a possibly uncertain number and register it as an input (``given``: written in the file)."""
        u = self.uncertain(value, path, spec)
        self.inputs.append(Input(path, label, u, given))
        return u

    def uncertain(self, value: Any, path: str, spec: Field) -> Uncertain:
        """A number, a range [low, high], or a distribution table, within ``spec``."""
        if _is_number(value):
            self.inside(value, path, spec)
            return Uncertain("fixed", (int(value) if spec.integer else float(value),), spec)
        if isinstance(value, list):
            if len(value) != 2 or not all(_is_number(v) for v in value):
                shown = show_value(value)
                self.fail(path, f"got {shown}; a range is two numbers [low, high]; allowed {UNCERTAIN_HELP}")
            return self.distribution({"dist": "uniform", "low": value[0], "high": value[1]}, path, spec)
        if isinstance(value, dict):
            return self.distribution(value, path, spec)
        self.fail(path, f"got {show_value(value)}; allowed {UNCERTAIN_HELP}, with values {spec.allowed()}")
        raise AssertionError  # unreachable

    def distribution(self, table: dict, path: str, spec: Field) -> Uncertain:
        dist = table.get("dist", "uniform")
        if dist not in DIST_KEYS:
            self.fail(
                f"{path}.dist",
                f"got {show_value(dist)}{suggest(str(dist), DIST_KEYS)}; allowed one of {', '.join(DIST_KEYS)}",
            )
        wanted = DIST_KEYS[dist]
        self.keys(table, path, ("dist", *wanted))
        if dist == "choice":
            return self.choice(table, path, spec)
        missing = [k for k in wanted if k not in table]
        if missing:
            self.fail(path, f"a {dist} distribution needs {', '.join(wanted)}; missing {', '.join(missing)}")
        for k in wanted:
            if not _is_number(table[k]):
                self.fail(f"{path}.{k}", f"got {show_value(table[k])}; allowed a number")
        args = tuple(float(table[k]) for k in wanted)
        if dist == "normal":
            self.inside(args[0], f"{path}.mean", Field(spec.low, spec.high, low_open=spec.low_open))
            if args[1] < 0:
                self.fail(f"{path}.sd", f"got {args[1]:g}; allowed a number >= 0")
            return Uncertain("normal", args, spec) if args[1] > 0 else Uncertain("fixed", (args[0],), spec)
        for k, v in zip(wanted, args):
            self.inside(v, f"{path}.{k}", Field(spec.low, spec.high, low_open=spec.low_open))
        if list(args) != sorted(args):
            self.fail(path, f"got {' > '.join(f'{a:g}' for a in args)}; allowed {' <= '.join(wanted)}")
        if dist == "loguniform" and args[0] <= 0:
            self.fail(f"{path}.low", f"got {args[0]:g}; a log-uniform range needs low > 0")
        if args[0] == args[-1]:
            return Uncertain("fixed", (int(args[0]) if spec.integer else args[0],), spec)
        return Uncertain(dist, args, spec)

    def choice(self, table: dict, path: str, spec: Field) -> Uncertain:
        values = table.get("values")
        if not isinstance(values, list) or not values or not all(_is_number(v) for v in values):
            self.fail(f"{path}.values", f"got {show_value(values)}; allowed a non-empty list of numbers")
        for k, v in enumerate(values):
            self.inside(v, f"{path}.values[{k}]", spec)
        weights = table.get("weights", [1.0] * len(values))
        if (
            not isinstance(weights, list)
            or len(weights) != len(values)
            or not all(_is_number(w) and w >= 0 for w in weights)
            or sum(weights) <= 0
        ):
            self.fail(f"{path}.weights", f"got {show_value(weights)}; allowed {len(values)} numbers >= 0, not all 0")
        total = float(sum(weights))
        return Uncertain("choice", (tuple(float(v) for v in values), tuple(w / total for w in weights)), spec)

    def inside(self, value: float, path: str, spec: Field) -> None:
        if spec.integer and math.isfinite(value) and not float(value).is_integer():
            self.fail(path, f"got {value!r}, not a whole number; allowed {spec.allowed()}")
        if not math.isfinite(value) or not spec.contains(value):
            self.fail(path, f"got {value!r}, out of range; allowed {spec.allowed()}")

    def fixed_int(self, value: Any, path: str, spec: Field) -> int:
        if not _is_number(value):
            self.fail(path, f"got {show_value(value)}; allowed {spec.allowed()} (not a range: it must be known)")
        self.inside(value, path, spec)
        return int(value)

    def text(self, value: Any, path: str) -> str:
        if not isinstance(value, str):
            self.fail(path, f"got {show_value(value)}; allowed a string in quotes")
        return value

    # -- sections
    def scenario(self, data: dict) -> Scenario:
        for section in ("organizations", "network"):
            items = data.get(section)
            for k, item in enumerate(items if isinstance(items, list) else []):
                if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"].strip():
                    self.names[(section, k)] = item["name"].strip()
        self.keys(data, "", tuple(SECTIONS))
        head = self.keys(data.get("scenario", {}), "scenario", SECTIONS["scenario"])
        horizon = self.fixed_int(head.get("horizon", 120), "scenario.horizon", FIELDS["horizon"])
        dims = self.fixed_int(head.get("goal_dims", 2), "scenario.goal_dims", FIELDS["goal_dims"])
        orgs = self.organizations(data, dims)
        self.trust(data.get("trust", {}), orgs)
        for section, mapping in SECTION_PARAMS.items():
            table = self.keys(data.get(section, {}), section, tuple(mapping))
            for key, name in mapping.items():
                value = table.get(key, PARAMETERS[name].default)
                label = _PARAM_LABELS.get(name, name)
                self.number(value, f"{section}.{key}", _param_field(name), label, given=key in table)
        fixed = self.model_table(data.get("model", {}))
        self.check_size(orgs)
        return Scenario(
            name=self.text(head.get("name", "Unnamed coalition"), "scenario.name"),
            description=self.text(head.get("description", ""), "scenario.description"),
            path=self.source,
            horizon=horizon,
            goal_dims=dims,
            organizations=tuple(orgs),
            inputs=tuple(self.inputs),
            pairs=tuple(self.pairs),
            fixed_params=fixed,
        )

    def organizations(self, data: dict, dims: int) -> list[Organization]:
        orgs: list[Organization] = []
        for section, member in (("organizations", True), ("network", False)):
            items = data.get(section, [])
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                self.fail(section, f"got {show_value(items)}; allowed a list of tables ([[{section}]] blocks)")
            for k, item in enumerate(items):
                orgs.append(self.organization(item, f"{section}[{k}]", member, dims, orgs))
        if not any(o.member for o in orgs):
            self.fail(
                "organizations",
                "the coalition is empty; add at least one [[organizations]] block with a name and a sector",
            )
        return orgs

    def organization(self, item: dict, path: str, member: bool, dims: int, seen: list[Organization]) -> Organization:
        self.keys(item, path, ORG_KEYS)
        if "name" not in item:
            self.fail(path, "missing 'name'; every organization needs a unique name")
        name = self.text(item["name"], f"{path}.name").strip()
        if not name:
            self.fail(f"{path}.name", "got an empty name; allowed a non-empty string")
        clash = next((o for o in seen if o.name == name), None)
        if clash:
            self.fail(
                f"{path}.name",
                f"duplicate organization name '{name}' (also {self.human(clash.path)}); names must be unique",
            )
        sector = item.get("sector")
        if sector not in SECTORS:
            self.fail(
                f"{path}.sector",
                f"got {show_value(sector)}{suggest(str(sector), SECTORS)}; allowed one of {', '.join(SECTORS)}",
            )
        if "alignment" in item and "position" in item:
            self.fail(f"{path}.position", "give alignment or position, not both")
        for key in ("capacity", "tolerance", "patience", "energy"):
            value = item.get(key, ORG_DEFAULTS[key])
            self.number(value, f"{path}.{key}", FIELDS[key], f"{key} of {name}", given=key in item)
        if "position" in item:
            self.position(item["position"], f"{path}.position", dims, name)
        else:
            self.number(
                item.get("alignment", ORG_DEFAULTS["alignment"]),
                f"{path}.alignment",
                FIELDS["alignment"],
                f"alignment of {name}",
                given="alignment" in item,
            )
        skills = self.keys(item.get("skills", {}), f"{path}.skills", ROLES)
        for role, value in skills.items():
            self.number(value, f"{path}.skills.{role}", FIELDS["skills"], f"{role} skill of {name}")
        note = self.text(item.get("note", ""), f"{path}.note")
        return Organization(name, sector, member, path, note)

    def position(self, value: Any, path: str, dims: int, name: str) -> None:
        if not isinstance(value, list) or len(value) != dims:
            self.fail(
                path,
                f"got {show_value(value)}; allowed a list of {dims} coordinates in [0, 1] "
                f"(scenario.goal_dims = {dims})",
            )
        for k, v in enumerate(value):
            self.number(v, f"{path}[{k}]", FIELDS["position"], f"position {k} of {name}")

    def trust(self, table: Any, orgs: list[Organization]) -> None:
        self.keys(table, "trust", SECTIONS["trust"])
        default = table.get("default", PARAMETERS["initial_trust"].default)
        self.number(default, "trust.default", FIELDS["trust"], "trust between members", given="default" in table)
        if "network" in table:  # else half of the drawn default (NETWORK_TRUST_FACTOR)
            self.number(table["network"], "trust.network", FIELDS["trust"], "trust with the wider network")
        if "backbone" in table:  # else each draw's member trust
            self.number(table["backbone"], "trust.backbone", FIELDS["trust"], "trust in the backbone")
        pairs = table.get("pairs", [])
        if not isinstance(pairs, list):
            self.fail(
                "trust.pairs",
                f"got {show_value(pairs)}; allowed a list of tables like "
                '{between=["A", "B"], value=0.8} or {from="A", to="B", value=0.8}',
            )
        names = [o.name for o in orgs]
        self.pairs = [self.pair(p, f"trust.pairs[{k}]", names) for k, p in enumerate(pairs)]
        self.no_conflicting_pairs()

    def no_conflicting_pairs(self) -> None:
        """Refuse one direction of trust given twice with different values (the last would silently win)."""
        seen: dict[tuple[str, str], TrustPair] = {}
        values = {i.path: i.value for i in self.inputs}
        for pair in self.pairs:
            directions = [(pair.source, pair.target)] + ([(pair.target, pair.source)] if pair.mutual else [])
            for direction in directions:
                before = seen.get(direction)
                if before is not None and values[f"{before.path}.value"] != values[f"{pair.path}.value"]:
                    self.fail(
                        pair.path,
                        f"trust from '{direction[0]}' to '{direction[1]}' is given twice with different values "
                        f"({values[f'{before.path}.value'].describe()} in {self.human(before.path)}, "
                        f"{values[f'{pair.path}.value'].describe()} here); give each direction once",
                    )
                seen[direction] = pair

    def pair(self, item: Any, path: str, names: list[str]) -> TrustPair:
        self.keys(item, path, PAIR_KEYS)
        if "between" in item:
            ends, mutual = item["between"], True
            if ("from" in item or "to" in item) or not isinstance(ends, list) or len(ends) != 2:
                self.fail(
                    f"{path}.between",
                    f'got {show_value(ends)}; allowed two names, between = ["A", "B"] '
                    '(or from = "A", to = "B" for one direction)',
                )
            keys = (f"{path}.between", f"{path}.between")
        else:
            ends, mutual, keys = [item.get("from"), item.get("to")], False, (f"{path}.from", f"{path}.to")
        for end, key in zip(ends, keys):
            if end not in names:
                self.fail(
                    key,
                    f"names an unknown organization {show_value(end)}{suggest(str(end), names)}; "
                    "allowed: a name from [[organizations]] or [[network]]",
                )
        if ends[0] == ends[1]:
            self.fail(path, f"trust of '{ends[0]}' in itself; a pair needs two different organizations")
        if "value" not in item:
            self.fail(path, "missing 'value' (trust in [0, 1])")
        self.number(item["value"], f"{path}.value", FIELDS["trust"], f"trust {ends[0]} - {ends[1]}")
        return TrustPair(ends[0], ends[1], mutual, path)

    def model_table(self, table: Any) -> dict:
        allowed = [n for n in PARAMETERS if n not in NOT_IN_MODEL_TABLE]
        if isinstance(table, dict):
            for name in table:
                if name in NOT_IN_MODEL_TABLE:
                    self.fail(
                        f"model.{name}",
                        f"'{name}' is not set here: the scenario sets it through its "
                        "organizations, trust, backbone and initiatives tables (governance: the options)",
                    )
        self.keys(table, "model", allowed)
        fixed = {}
        for name, value in table.items():
            p = PARAMETERS[name]
            if p.kind in ("choice", "effects"):
                from coalition_sim.model.params import check_value

                try:
                    fixed[name] = check_value(name, value)
                except InputError as exc:
                    self.fail(f"model.{name}", str(exc))
            else:
                self.number(value, f"model.{name}", _param_field(name), name.replace("_", " "))
        return fixed

    def check_size(self, orgs: list[Organization]) -> None:
        n = sum(o.member for o in orgs)
        floor = next((i.value for i in self.inputs if i.path == "model.min_members"), None)
        need = PARAMETERS["min_members"].default if floor is None else floor.lowest()
        if n < need:
            self.fail(
                "organizations",
                f"{n} member organization(s), fewer than model.min_members = {need:g}: "
                "the coalition would collapse at once; add members or lower min_members",
            )


_PARAM_LABELS = {
    "backbone_strength": "backbone strength",
    "backbone_cut_month": "month of the backbone cut",
    "backbone_after_cut": "backbone strength after the cut",
    "initiative_rate": "initiatives per month",
    "initiative_size": "capacity an initiative needs",
    "initiative_spread": "spread of initiatives around the purpose",
    "initiative_window": "months an initiative waits",
    "shock_rate": "chance of a skill shock per month",
}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)

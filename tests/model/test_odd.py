"""docs/ODD.md must not drift silently from the code.

The parameter table must list every parameter with its current default, every
relative link must point to a file that exists, a link that names a function,
class or constant must name one defined in the file it points to, and the output
section must describe every time-series column and summary field.
"""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import pytest

from coalition_sim import PARAMETERS, CoalitionModel
from coalition_sim.model.metrics import SERIES

ROOT = Path(__file__).resolve().parents[2]
ODD = ROOT / "docs" / "ODD.md"
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
IDENTIFIER = re.compile(r"^`([A-Za-z_][A-Za-z0-9_.]*)`$")


@pytest.fixture(scope="module")
def text() -> str:
    return ODD.read_text(encoding="utf-8")


def table_after(text: str, header_start: str) -> list[list[str]]:
    """Rows (as lists of cells) of the markdown table whose header starts with ``header_start``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def parameter_rows(text: str) -> dict[str, str]:
    """Parameter name -> default cell of the ODD's parameter table."""
    rows = table_after(text, "| parameter | default |")
    return {row[0].strip("`"): row[1] for row in rows}


def defined_names(path: Path) -> set[str]:
    """Functions, classes, methods and assigned names defined anywhere in a module."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def relative_links(text: str) -> list[tuple[str, str]]:
    """(link text, target) for every link that is not a web address or an in-page anchor."""
    return [(label, target) for label, target in LINK.findall(text) if not re.match(r"^(https?:|mailto:|#)", target)]


def test_every_parameter_is_in_the_table_with_its_current_default(text):
    rows = parameter_rows(text)
    for name, spec in PARAMETERS.items():
        assert name in rows, f"docs/ODD.md parameter table lacks '{name}'"
        cell = rows[name]
        if isinstance(spec.default, str):
            assert cell == f'`"{spec.default}"`', f"{name}: ODD says {cell}, code says {spec.default!r}"
        else:
            assert math.isclose(float(cell), spec.default, rel_tol=1e-5, abs_tol=1e-12), (
                f"{name}: ODD says default {cell}, code says {spec.default!r}"
            )


def test_parameter_table_has_no_stale_rows(text):
    stale = set(parameter_rows(text)) - set(PARAMETERS)
    assert not stale, f"docs/ODD.md lists parameters the code no longer has: {sorted(stale)}"


def test_parameter_table_is_found_and_complete_in_size(text):
    assert len(parameter_rows(text)) == len(PARAMETERS)


def test_every_relative_link_points_to_an_existing_file(text):
    links = relative_links(text)
    assert len(links) > 30, "expected the ODD to link its mechanisms to the code"
    missing = [target for _, target in links if not (ODD.parent / target.split("#")[0]).resolve().exists()]
    assert not missing, f"broken links in docs/ODD.md: {sorted(set(missing))}"


def test_links_that_name_code_name_something_defined_there(text):
    checked = 0
    for label, target in relative_links(text):
        match = IDENTIFIER.match(label)
        path = (ODD.parent / target.split("#")[0]).resolve()
        if not match or path.suffix != ".py" or match.group(1).endswith(".py"):
            continue
        name = match.group(1).split(".")[-1]
        assert name in defined_names(path), f"[{label}] -> {target}: '{name}' is not defined there"
        checked += 1
    assert checked > 30


def test_every_time_series_column_is_described(text):
    output = text.split("### 7.15 Output", 1)[1]
    for column in SERIES:
        assert f"`{column}`" in output, f"series column '{column}' is not described in ODD §7.15"


def test_every_summary_field_is_described(text):
    output = text.split("### 7.15 Output", 1)[1]
    model = CoalitionModel(n_orgs=5, seed=1)
    model.step()
    for field in model.summary():
        assert f"`{field}`" in output, f"summary field '{field}' is not described in ODD §7.15"


def test_the_link_checker_would_catch_a_broken_link():
    fake = "see [`execute`](../coalition_sim/no_such_module.py) and [web](https://example.org)"
    ((label, target),) = relative_links(fake)
    assert not (ODD.parent / target).resolve().exists()

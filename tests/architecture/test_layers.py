"""The wings' dependencies point one way, and no module imports itself back in a cycle.

Layers, lowest first: util < model < studies < analysis < (calibration, strategist,
classroom) < cli. A module may import its own wing and the wings below it, never
one above or beside it. Imports under ``if TYPE_CHECKING:`` are for type checkers
only and do not count.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "coalition_sim"
LAYER = {
    "util": 0,
    "model": 1,
    "studies": 2,
    "analysis": 3,
    "calibration": 4,
    "strategist": 4,
    "classroom": 4,
    "cli": 5,
}


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path) -> set[str]:
    """Package modules that ``path`` imports at run time (anywhere in the file, lazy imports included)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("coalition_sim"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("coalition_sim"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in MODULES)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text()))
    return {name for name in found if name in MODULES}


def _wing(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


GRAPH = {name: _imports(path) for name, path in MODULES.items()}


def test_every_module_belongs_to_a_known_wing():
    wings = {_wing(m) for m in MODULES} - {None}
    assert wings == set(LAYER), wings ^ set(LAYER)


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _wing(m)))
def test_a_module_imports_only_its_wing_and_the_wings_below(module):
    own = _wing(module)
    above = sorted(
        target
        for target in GRAPH[module]
        if _wing(target) and _wing(target) != own and LAYER[_wing(target)] >= LAYER[own]
    )
    assert not above, f"{module} imports {above}: a wing above or beside {own}"


def test_no_import_cycles_between_modules():
    state: dict[str, int] = {}
    cycles = []

    def walk(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(GRAPH[node]):
            if nxt == node or nxt == "coalition_sim":
                continue
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt) :] + [nxt] if nxt in stack else [node, nxt])
            elif nxt not in state:
                walk(nxt, [*stack, nxt])
        state[node] = 2

    for module in sorted(GRAPH):
        if module not in state:
            walk(module, [module])
    # a package's __init__ importing its own submodules is how packages work, not a cycle
    real = [c for c in cycles if not all(m.startswith(c[0]) or c[0].startswith(m) for m in c)]
    assert not real, real


def test_the_checker_sees_a_forbidden_import(tmp_path):
    """The walker is not vacuous: a model module importing the strategist is caught."""
    fake = tmp_path / "bad.py"
    fake.write_text("def f():\n    from coalition_sim.strategist.comparison import compare\n")
    assert "coalition_sim.strategist.comparison" in _imports(fake)
    fake.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from coalition_sim.cli import main\n")
    assert _imports(fake) == set()

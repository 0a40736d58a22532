"""How a scenario file's mistakes are told: field paths as people count, values as written, other formats named."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any


def display_path(path: str, names: dict[tuple[str, int], str]) -> str:
    """A field path as people count: ``organizations[0].capacity`` -> ``organizations[1].capacity ('Alpha')``.

    Args:
        path: the path as stored (indices from 0).
        names: organization names by (section, index from 0).
    """
    shown = re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + 1}]", path)
    block = re.match(r"(organizations|network)\[(\d+)\]", path)
    name = names.get((block.group(1), int(block.group(2)))) if block else None
    return f"{shown} ({name!r})" if name else shown


def show_value(value: Any) -> str:
    """A short rendering of a given value as the user wrote it ('big', true, a list [1, 2], a table {...})."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    shown = repr(value)
    shown = f"{shown[:60]}{'...' if len(shown) > 60 else ''}"
    if isinstance(value, list):
        return f"a list {shown}"
    if isinstance(value, dict):
        return f"a table {shown}"
    return shown


OTHER_SUFFIXES = {
    ".csv": "it looks like a CSV table",
    ".tsv": "it looks like a tab-separated table",
    ".json": "it looks like JSON",
    ".xlsx": "it looks like a spreadsheet",
    ".xls": "it looks like a spreadsheet",
    ".yaml": "it looks like YAML",
    ".yml": "it looks like YAML",
    ".txt": "it is a plain text file",
}


def other_format(text: str, source: str) -> str:
    """Why a file that is not valid TOML is probably not meant as a scenario at all ('' if it may be one)."""
    suffix = Path(source).suffix.lower()
    if suffix in OTHER_SUFFIXES:
        return OTHER_SUFFIXES[suffix]
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if first.startswith(("{", "[{")):
        return "it looks like JSON"
    if "," in first and "=" not in first and not first.startswith(("[", "#")):
        return "it looks like a CSV table"
    return ""

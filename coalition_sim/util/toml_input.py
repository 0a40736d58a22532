"""Reading a TOML input file with one-line errors (stdlib tomllib: no code runs from input)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from coalition_sim.util.errors import InputError

T = TypeVar("T")


def read_toml(path: str | Path, kind: str) -> tuple[dict, str]:
    """Return (parsed data, text) of a TOML file.

    Args:
        path: the file.
        kind: what the file is, for messages ("study", "calibration").

    Raises:
        InputError: unreadable file or malformed TOML (tomllib's message gives the line).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the {kind} file ({exc.strerror})") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: malformed TOML: {exc}") from None


def load_toml(path: str | Path, kind: str, parse: Callable[..., T]) -> T:
    """Read a TOML file and validate it with ``parse(data, text=..., path=...)``.

    Raises:
        InputError: one line that starts with the file's path.
    """
    data, text = read_toml(path, kind)
    try:
        return parse(data, text=text, path=str(path))
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None


# ------------------------------------------------------------ where a field is in the file
_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-.\"']+)\s*=")


def line_map(text: str) -> dict[str, int]:
    """Best-effort map from field path to the line (1-based) where it is written."""
    found: dict[str, int] = {}
    counts: dict[str, int] = {}
    prefix, array_path, element = "", None, 0
    for no, line in enumerate(text.splitlines(), 1):
        stripped = line.split("#", 1)[0].strip() if '"' not in line else line.strip()
        header = _HEADER.match(line)
        if header:
            name = header.group(2).replace('"', "").replace("'", "").strip()
            if header.group(1) == "[[":
                counts[name] = counts.get(name, -1) + 1
                prefix = f"{name}[{counts[name]}]"
                found.setdefault(name, no)
            else:
                prefix = name
            found.setdefault(prefix, no)
            array_path = None
            continue
        if array_path and stripped.startswith("{"):
            found.setdefault(f"{array_path}[{element}]", no)
            element += 1
        key = _KEY.match(line)
        if key and not stripped.startswith("{"):
            path = f"{prefix}.{key.group(1).strip(chr(34))}" if prefix else key.group(1)
            found.setdefault(path, no)
            rest = line.split("=", 1)[1]
            array_path, element = (path, 0) if rest.count("[") > rest.count("]") else (None, 0)
            if array_path is None and rest.strip().startswith("[{"):
                found.setdefault(f"{path}[0]", no)
        if array_path and stripped.startswith("]"):
            array_path = None
    return found


def locate(lines: dict[str, int], path: str) -> int | None:
    """The line of ``path``, or of its nearest ancestor written in the file."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        if cut <= 0:
            return None
        path = path[:cut]
    return None

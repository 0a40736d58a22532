"""Reading a TOML input file with one-line errors (stdlib tomllib: no code runs from input)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from coalition_sim.util.errors import InputError

T = TypeVar("T")

MAX_FILE_BYTES = 1_000_000
"""Largest input file read (a study or scenario file is a few kilobytes)."""
MAX_DEPTH = 32
"""Deepest nesting of tables and arrays accepted (real files need 4 or 5)."""


def read_toml(path: str | Path, kind: str) -> tuple[dict, str]:
    """Return (parsed data, text) of a TOML file.

    Args:
        path: the file.
        kind: what the file is, for messages ("study", "calibration").

    Raises:
        InputError: unreadable file or malformed TOML (tomllib's message gives the line).
    """
    path = Path(path)
    if "\x00" in str(path):
        raise InputError(f"{str(path)!r}: the file name contains a NUL byte")
    try:
        if path.is_dir():
            raise InputError(f"{path}: is a folder; give the {kind} file (TOML)")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"{path}: the {kind} file is larger than {MAX_FILE_BYTES:,} bytes; is it the right file?")
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the {kind} file ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not a text file (UTF-8 fails at byte {exc.start})") from None
    return parse_toml_text(text, str(path)), text


def parse_toml_text(text: str, where: str) -> dict:
    """Parse TOML text, refusing malformed or absurdly nested input with one line.

    Raises:
        InputError: naming ``where`` and the cause.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{where}: malformed TOML: {exc}") from None
    except RecursionError:
        raise InputError(f"{where}: arrays or tables nested more than {MAX_DEPTH} deep; flatten the file") from None
    if nesting_depth(data) > MAX_DEPTH:
        raise InputError(f"{where}: arrays or tables nested more than {MAX_DEPTH} deep; flatten the file")
    return data


def nesting_depth(value) -> int:
    """Depth of nested dicts and lists (a scalar is 0), without recursion."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            deepest = max(deepest, depth)
            continue
        deepest = max(deepest, depth + 1)
        stack.extend((child, depth + 1) for child in children)
    return deepest


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

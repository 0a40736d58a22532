"""Reading a TOML input file with one-line errors (stdlib tomllib: no code runs from input)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from coalition_sim.errors import InputError

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

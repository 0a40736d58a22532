"""Reading a TOML input file with one-line errors (stdlib tomllib: no code runs from input)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from coalition_sim.errors import InputError


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

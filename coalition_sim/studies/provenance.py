"""Provenance of a results store: what a result depends on, and where and when it was made.

:func:`provenance` is recorded once, when a store is created. Its
:data:`REPRODUCIBLE_KEYS` (versions, the model's code fingerprint, the study's spec
hash) are the same on every machine that reproduces the store; the rest (git
commit, platform, time) say where and when, and differ between reruns. A committed
report should quote :func:`reproducible` so rerunning the study leaves it unchanged.
"""

from __future__ import annotations

import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from coalition_sim.studies.fingerprint import model_fingerprint

REPRODUCIBLE_KEYS = ("package_version", "model_fingerprint", "numpy", "scipy", "mesa", "pandas", "spec_hash")
"""Provenance keys that do not change when the same study is rerun with the same code."""


def provenance() -> dict[str, Any]:
    """Versions of everything a result depends on, the git commit, and the time."""
    from importlib.metadata import PackageNotFoundError, version

    libs = {}
    for lib in ("coalition-sim", "numpy", "scipy", "mesa", "pandas"):
        try:
            libs[lib] = version(lib)
        except PackageNotFoundError:
            libs[lib] = None
    return {
        "package_version": libs.pop("coalition-sim"),
        "git_commit": _git_commit(),
        "model_fingerprint": model_fingerprint(),
        "python": platform.python_version(),
        **libs,
        "platform": platform.platform(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _git_commit() -> str | None:
    """HEAD of the package's repository (with ``-dirty`` if it has changes), or None."""
    repo = Path(__file__).resolve().parents[2]
    try:
        head = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return head + ("-dirty" if dirty else "")


def reproducible(prov: dict[str, Any]) -> dict[str, Any]:
    """The part of a store's provenance that a rerun of the same study reproduces exactly."""
    return {key: prov[key] for key in REPRODUCIBLE_KEYS if key in prov}

"""A fingerprint of the model's code, so results of different models never mix.

A study resumed after the model changed would silently combine old and new runs.
The store records this fingerprint and refuses to resume under another one.
Only modules that change what a run computes count: editing the analysis, the
plots or the web app does not invalidate a store.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

MODEL_MODULES = ("model", "studies/runner.py")
"""Files and folders of coalition_sim whose code decides a run's results: the model wing and the runner."""


@lru_cache(maxsize=1)
def model_fingerprint() -> str:
    """SHA-256 (hex, first 16 characters) of the model modules' source."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for name in MODEL_MODULES:
        path = package / name
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.relative_to(package).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]

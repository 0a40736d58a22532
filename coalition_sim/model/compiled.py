"""Compiled kernels, loaded on first use, and the index arrays they take.

Each mechanism keeps its compiled loops in a ``*_kernels`` module beside it (docs/ODD.md §7.17).
Importing one imports Numba, so a mechanism holds a :class:`LazyKernels` instead: the module is
imported when a run first calls a kernel, and ``coalition-sim --help`` or a refused input never
loads Numba.
"""

from __future__ import annotations

import importlib

import numpy as np


class LazyKernels:
    """The kernels module ``module`` (a dotted name), imported on first attribute access.

    Each kernel looked up is kept on the instance, so later calls are a plain attribute read.
    """

    def __init__(self, module: str) -> None:
        self._module = module

    def __getattr__(self, name: str):
        kernel = getattr(importlib.import_module(self._module), name)
        setattr(self, name, kernel)
        return kernel


def as_index(group) -> np.ndarray:
    """``group`` (indices or a boolean mask) as the integer array the kernels take."""
    group = np.asarray(group)
    if group.dtype == np.intp:
        return group
    return np.flatnonzero(group) if group.dtype == bool else group.astype(np.intp)

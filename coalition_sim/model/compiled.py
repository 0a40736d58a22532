"""Compiled kernels, loaded on first use, and the index arrays they take.

Each mechanism keeps its compiled loops in a ``*_kernels`` module beside it (docs/ODD.md §7.17).
Importing one imports Numba, so a mechanism holds a :class:`LazyKernels` instead: the module is
imported when a run first calls a kernel, and ``coalition-sim --help`` or a refused input never
loads Numba.

A kernel that draws random numbers takes the generator as a :func:`draw_handle` (four integers,
cheap to pass) rather than as a ``numpy.random.Generator`` (costly to pass), and draws exactly what
numpy would.
"""

from __future__ import annotations

import ctypes
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


_NEXT_FUNCTIONS: dict[type, tuple[int, int, int]] = {}
"""Addresses of each bit generator type's next_uint64, next_uint32 and next_double (the same for every instance)."""


def draw_handle(rng: np.random.Generator) -> tuple[int, int, int, int]:
    """What a compiled pass needs to draw from ``rng`` itself: its state's address and its draw functions.

    Numba can take a ``numpy.random.Generator`` as an argument, but unboxing one costs 12-20 us a call,
    more than a month's work in most passes; these four integers cost about 1 us. A kernel turns
    them back into a generator with :func:`coalition_sim.model.draws_kernels.generator`, draws the
    same numbers numpy would, and leaves ``rng`` in the state numpy would. The handle is only good
    while ``rng`` lives: make it where the pass is called, never keep it.
    """
    bit_generator = rng.bit_generator
    interface = bit_generator.ctypes  # numpy builds this once per bit generator and keeps it
    functions = _NEXT_FUNCTIONS.get(type(bit_generator))
    if functions is None:
        functions = tuple(
            ctypes.cast(f, ctypes.c_void_p).value
            for f in (interface.next_uint64, interface.next_uint32, interface.next_double)
        )
        _NEXT_FUNCTIONS[type(bit_generator)] = functions
    return (interface.state_address, *functions)

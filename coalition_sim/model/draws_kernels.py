"""A numpy Generator rebuilt inside compiled code from a cheap handle (:func:`.compiled.draw_handle`).

Numba supports ``numpy.random.Generator`` methods in compiled code and draws the same numbers as
numpy from the same state (random, normal, lognormal, poisson, integers, permutation: checked in
``tests/model/test_draws_kernels.py``). Passing a Generator into a compiled call costs 12-20 us,
so a kernel takes the handle (the state's address and the bit generator's three draw functions,
four integers) and calls :func:`generator` on it: the struct Numba would have unboxed, built from
those integers, with no Python object behind it. The draws advance the caller's generator, so the
Python code that draws next sees the state numpy would have left.
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic
from numba.np.random.random_methods import random_interval

_GENERATOR = types.NumPyRandomGeneratorType("generator")
_BIT_GENERATOR = types.NumPyRandomBitGeneratorType("bit_generator")


@intrinsic
def _from_handle(typingctx, handle):
    """(state address, next_uint64, next_uint32, next_double) -> a Generator value."""

    def codegen(context, builder, signature, args):
        state, next_uint64, next_uint32, next_double = (builder.extract_value(args[0], i) for i in range(4))
        bit_generator = cgutils.create_struct_proxy(_BIT_GENERATOR)(context, builder)
        bit_generator.state_address = state
        bit_generator.state = state
        bit_generator.fnptr_next_uint64 = next_uint64
        bit_generator.fnptr_next_uint32 = next_uint32
        bit_generator.fnptr_next_double = next_double
        bit_generator.bit_generator = state
        generator = cgutils.create_struct_proxy(_GENERATOR)(context, builder)
        generator.bit_generator = bit_generator._getvalue()
        return generator._getvalue()

    return _GENERATOR(handle), codegen


@njit(cache=True, nogil=True)
def generator(handle):
    """The Generator behind ``handle`` (valid only during the call that received the handle)."""
    return _from_handle(handle)


@njit(cache=True, nogil=True)
def permutation(g, values):
    """``rng.permutation(values)`` of a 1-d array: numpy's shuffle of a copy, the same draws.

    Fisher-Yates from the last position down, each swap partner drawn as numpy draws it (a masked,
    rejected-if-too-large draw of 32 or 64 bits). Numba's own ``Generator.permutation`` draws the
    same, but compiles a general n-dimensional shuffle several times over.
    """
    out = values.copy()
    for i in range(out.size - 1, 0, -1):
        j = np.intp(random_interval(g.bit_generator, i))
        if i != j:
            out[i], out[j] = out[j], out[i]
    return out

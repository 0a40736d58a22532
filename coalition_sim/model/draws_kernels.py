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

from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

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

"""Can the model's random draws move into compiled code, and what does a call cost?

Prints, for the distributions the model draws from, whether Numba's
``numpy.random.Generator`` support gives the same numbers as numpy from the
same seed (and leaves the generator in the same state), then the cost of one
compiled call that takes a Generator, one that takes an array, and the numpy
draw itself, side by side in this process. A default month costs about 200
microseconds (``bench_model.py``), so the per-call figure says where compiled
draws can pay: only where one call covers many months.

    python benchmarks/bench_compiled_draws.py [--calls 100000]
"""

from __future__ import annotations

import argparse
import timeit

import numpy as np
from numba import njit

N = 500


@njit(cache=False)
def compiled_draws(g):
    lognormal = np.empty(N)
    poisson = np.empty(N)
    for i in range(N):
        lognormal[i] = g.lognormal(-0.5, 0.7)
        poisson[i] = g.poisson(1.3)
    return g.random(N), g.normal(0.0, 0.3, N), lognormal, poisson, g.integers(0, 17, N), g.permutation(30)


def numpy_draws(g):
    lognormal = np.empty(N)
    poisson = np.empty(N)
    for i in range(N):
        lognormal[i] = g.lognormal(-0.5, 0.7)
        poisson[i] = g.poisson(1.3)
    return g.random(N), g.normal(0.0, 0.3, N), lognormal, poisson, g.integers(0, 17, N), g.permutation(30)


@njit(cache=False)
def takes_generator(g):
    return g.random(30)


@njit(cache=False)
def takes_array(a):
    return a * 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000, help="calls timed per figure")
    calls = parser.parse_args().calls
    names = ("random", "normal", "lognormal", "poisson", "integers", "permutation")
    mine, theirs = np.random.default_rng(5), np.random.default_rng(5)
    for name, a, b in zip(names, compiled_draws(mine), numpy_draws(theirs)):
        print(f"same draws as numpy, {name:<12} {np.array_equal(a, b)}")
    print(f"generator state shared after the call    {mine.random() == theirs.random()}")
    g, a = np.random.default_rng(1), np.zeros(30)
    takes_generator(g), takes_array(a)
    per_call = {
        "compiled call taking a Generator": timeit.timeit(lambda: takes_generator(g), number=calls),
        "compiled call taking an array": timeit.timeit(lambda: takes_array(a), number=calls),
        "numpy draw of 30 (the yardstick)": timeit.timeit(lambda: g.random(30), number=calls),
    }
    yardstick = per_call["numpy draw of 30 (the yardstick)"]
    for label, seconds in per_call.items():
        print(f"{label:<36} {seconds / calls * 1e6:6.2f} us  ({seconds / yardstick:5.2f}x the numpy draw)")


if __name__ == "__main__":
    main()

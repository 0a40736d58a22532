"""The month's figures in compiled form (see :mod:`coalition_sim.model.metrics`), for the compiled run.

:func:`snapshot` is :func:`metrics.snapshot <coalition_sim.model.metrics.snapshot>` over the loop's
arrays, the same arithmetic (sums in numpy's pairwise order, a month's few means summed in order as
Python's ``sum`` does), written into one row per month in the order of ``metrics.SERIES``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from coalition_sim.model.execution_kernels import numpy_sum
from coalition_sim.model.goal_space_kernels import distance
from coalition_sim.model.trust_kernels import count_at_least

# Indices of the loop's books, as coalition_sim.model.run_kernels keeps them (a test holds the two together)
CUMULATIVE, REPUTATION, STRENGTH, SCALE, MONTH_IMPACT = 2, 0, 4, 5, 6
N_PENDING, N_EVENTS = 7, 8
EV_SUCCEEDED, EV_FAILED = 3, 4


@njit(cache=True, nogil=True)
def snapshot(arrays, dev, books, counters, log, series_row, series_terms):
    """The month's figures in the order of ``metrics.SERIES`` (:func:`metrics.snapshot`, the same arithmetic).

    ``series_terms``: (core, network, baseline, DENSE_TIE, purpose, farthest, index of the month's
    first adoption in the log).
    """
    position, energy, status, member_ties = arrays[0], arrays[6], arrays[7], arrays[17]
    scalars, tally = books[0], books[2]
    core, network, baseline, dense_tie, purpose, farthest, first_event = series_terms
    members = np.flatnonzero(status == core)
    k = members.size
    values = np.empty(k)
    alignment_mean = alignment_spread = mean_energy = mean_trust = density = 0.0
    if k:
        for m in range(k):
            values[m] = 1.0 - distance(position, members[m], purpose) / farthest
        alignment_mean = numpy_sum(values, 0, k) / k
        for m in range(k):
            values[m] = (values[m] - alignment_mean) * (values[m] - alignment_mean)
        alignment_spread = np.sqrt(numpy_sum(values, 0, k) / k)
        for m in range(k):
            values[m] = energy[members[m]]
        mean_energy = numpy_sum(values, 0, k) / k
    if k >= 2:
        for m in range(k):
            values[m] = member_ties[members[m]]
        mean_trust = (numpy_sum(values, 0, k) - k) / (k * (k - 1))
        dense = count_at_least(dev, members, (dense_tie - baseline) / scalars[SCALE]) - k
        density = dense / (k * (k - 1))
    row = series_row
    row[0], row[1] = k, np.count_nonzero(status == network)
    row[2], row[3], row[4], row[5], row[6] = mean_trust, density, alignment_mean, alignment_spread, mean_energy
    for c in range(12):
        row[7 + c] = tally[c]
    row[19] = counters[N_PENDING]
    row[20], row[21] = month_means(log, first_event, counters[N_EVENTS])
    row[22], row[23], row[24], row[25] = (
        scalars[MONTH_IMPACT],
        scalars[CUMULATIVE],
        scalars[REPUTATION],
        scalars[STRENGTH],
    )


@njit(cache=True, nogil=True)
def month_means(log, first, last):
    """The month's mean dilution and mean decision delay (NaN without adoptions), as ``metrics._mean`` takes them."""
    months, kinds, ints, floats = log
    count = 0
    for e in range(first, last):
        count += kinds[e] == EV_SUCCEEDED or kinds[e] == EV_FAILED
    if count == 0:
        return np.nan, np.nan
    dilutions = np.empty(count)
    delays = np.empty(count)
    j = 0
    for e in range(first, last):
        if kinds[e] == EV_SUCCEEDED or kinds[e] == EV_FAILED:
            dilutions[j], delays[j] = floats[e, 1], ints[e, 2]
            j += 1
    if count < 8:  # a plain sum in order, as Python's sum
        total_dilution = total_delay = 0.0
        for j in range(count):
            total_dilution += dilutions[j]
            total_delay += delays[j]
        return total_dilution / count, total_delay / count
    return numpy_sum(dilutions, 0, count) / count, numpy_sum(delays, 0, count) / count

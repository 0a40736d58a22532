"""Pattern-oriented calibration against published coalition survival.

``patterns`` holds the four published patterns and how a set of runs is scored
against them, ``search`` the calibration file, its runs and the accepted set,
``figure`` the survival figure against the published points.

Depends on ``coalition_sim.analysis`` and below.
"""

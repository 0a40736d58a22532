"""Pattern-oriented calibration against published coalition survival.

``patterns`` holds the four published patterns and how a set of runs is scored
against them, ``search`` the calibration file, its runs and the accepted set,
``goal_profile`` how one set of runs is scored at many impact goals, ``figure`` the
survival figure against the published points.

Depends on ``coalition_sim.analysis`` and below.
"""

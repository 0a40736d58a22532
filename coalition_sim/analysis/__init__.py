"""What is learnt from runs: survival, sensitivity, a whole study's analysis, figures.

``survival`` (Kaplan-Meier, log-rank, restricted mean lifetime), ``sensitivity``
(Sobol indices), ``study_analysis`` (a study store's tables and findings), ``plots``.

Depends on ``coalition_sim.studies`` (it reads their stores) and below.
"""

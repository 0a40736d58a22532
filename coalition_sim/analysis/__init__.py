"""What is learnt from runs: survival, contrasts between arms, sensitivity and screening, figures, findings.

- Survival and arms: ``survival`` (Kaplan-Meier, log-rank, restricted mean), ``arms`` (per-arm
  tables, paired rule differences), ``proportions`` (Wilson, Clopper-Pearson, Newcombe, McNemar,
  Holm).
- Contrasts: ``rmst`` (RMST differences and ratios, paired on seeds), ``cox`` (Cox model with its
  proportional-hazards test), ``competing_risks`` (cumulative incidence per cause), ``trend``
  (Cochran-Armitage, paired slope), ``contrasts`` (all of them and the declared family).
- Parameters: ``sensitivity`` (Sobol, rank correlation), ``sobol_convergence`` (noise-corrected
  indices at N/4, N/2, N), ``morris`` (elementary effects), ``prim`` (scenario discovery).
- A whole study: ``study_analysis`` (``analyze_study``), ``findings`` (findings.md and the README
  block), ``plots`` and ``method_plots`` (figures).

Depends on ``coalition_sim.studies`` (it reads their stores) and below.
"""

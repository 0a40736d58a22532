"""The names of the ranking rules, apart from their code so the CLI can list them without loading pandas."""

SURVIVAL_RULES = ("lasting", "impact-and-lasting")
"""Rules that weigh lasting (:mod:`coalition_sim.strategist.survival_choice`)."""
RANK_RULES = ("impact", "worst-case", "regret", *SURVIVAL_RULES)
"""Ranking rules: best mean impact, best lower quantile of impact, least high quantile of regret,
best impact among options that last often enough, impact plus the value of a coalition still running."""

"""A whole run as one compiled loop, for the runs that only need their result.

:meth:`CoalitionModel.run <coalition_sim.model.model.CoalitionModel.run>` hands its months to
:func:`coalition_sim.model.run_kernels.run` when the run is one the loop covers (:func:`covers`): a
built-in rule (consensus, unanimity, majority, opt-in, or one schedule of two of them), no scheduled
interventions still to come, and no monthly figures collected beyond the model's own. The loop steps the same months in
the same order with the same kernels and draws as :meth:`CoalitionModel.step`; this module packs
the model's state into the loop's arrays and, afterwards, writes back what the loop kept in arrays:
the pending initiatives, the events, the exits, the month's and the run's counts. A run stepped
month by month from Python (the classroom, a series, a custom rule) gives the same figures
(``tests/model/test_compiled_run.py``).
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from coalition_sim.model import (
    commitment,
    environment,
    execution,
    influence,
    learning,
    legitimacy,
    membership,
    metrics,
    morale,
    trust,
    workload,
)
from coalition_sim.model.compiled import LazyKernels, draw_handle
from coalition_sim.model.endurance import CAUSES
from coalition_sim.model.events import CAUSE_TEXT, EXIT_REASONS, Later
from coalition_sim.model.governance import consensus, opt_in, unanimity
from coalition_sim.model.governance.majority import Majority
from coalition_sim.model.governance.phased import Phased
from coalition_sim.model.initiative import ADOPTED, LAPSED, ROLES, Initiative
from coalition_sim.model.params import BACKBONE_EFFECTS
from coalition_sim.model.population import CORE, EXITED, NETWORK, SECTORS

LOOP = LazyKernels("coalition_sim.model.run_kernels")
RULE_CODES = {consensus.Consensus: 0, unanimity.Unanimity: 1, Majority: 2, opt_in.OptIn: 3}
"""The built-in rules the compiled loop runs (exact classes: a subclass may decide otherwise)."""
EXIT_CAUSES = ("burnout", "impatience", "drift")
BLOCK_REASONS = (
    "",
    consensus.BLOCK_REASON,
    consensus.IDLE_REASON,
    unanimity.BLOCK_REASON,
    opt_in.BLOCK_REASON,
    opt_in.WAIT_REASON,
)
"""Reason texts by the reason codes of :mod:`coalition_sim.model.governance.rule_kernels`."""
FIRST_ROWS = 4
"""The pending table and the event log start with room for this many months' worst case."""


def rule_schedule(rule) -> tuple[int, int, int] | None:
    """(rule code, switch month, rule code after it) of a rule the loop runs, else None."""
    code = RULE_CODES.get(type(rule))
    if code is not None:
        return code, 0, code
    if isinstance(rule, Phased):
        first, then = RULE_CODES.get(type(rule.first)), RULE_CODES.get(type(rule.then))
        if first is not None and then is not None:
            return first, int(rule.months), then
    return None


def covers(model) -> bool:
    """Whether the compiled loop runs this model's months (else they are stepped from Python)."""
    return (
        model.compiled_runs
        and (not model.monthly_series or standard_series(model.datacollector))
        and rule_schedule(model.rule) is not None
        and "decide" not in vars(model.rule)  # a rule instance given its own decide decides otherwise
        and not {"shock", "arrivals"} & set(vars(model.environment))  # nor an environment with its own draws
        and all(item.month <= model.steps for item in model.interventions.items)
    )


def standard_series(collector) -> bool:
    """Whether ``collector`` collects the model's own monthly figures and nothing else (the loop writes those)."""
    return (
        type(collector) is metrics.ScalarCollector
        and list(collector.model_reporters) == list(metrics.SERIES)
        and all(getattr(r, "stats_key", None) == name for name, r in collector.model_reporters.items())
        and not collector.agent_reporters
        and not getattr(collector, "agenttype_reporters", None)
        and not collector.tables
    )


@contextmanager
def strength_of(model, strength: float):
    """The model's backbone at ``strength`` for the block (to read what its methods derive from it)."""
    before = model.backbone.strength
    model.backbone.strength = strength
    try:
        yield
    finally:
        model.backbone.strength = before


def phase_figures(model) -> tuple[np.ndarray, np.ndarray]:
    """Rows before and after the backbone's cut: what the month derives from the backbone's strength.

    Worked out by the model's own methods, so the loop uses the very same numbers.
    """
    backbone = model.backbone
    strengths = (backbone.initial_strength, backbone.after_cut if backbone.cut_month else backbone.initial_strength)
    phases, effects = np.zeros((2, 11)), np.zeros((2, len(BACKBONE_EFFECTS)))
    for p, strength in enumerate(strengths):
        with strength_of(model, strength):
            effect = backbone.effect
            effects[p] = [effect(name) for name in BACKBONE_EFFECTS]
            relief = model.cost_relief()
            phases[p] = (
                strength,
                model.meeting_rounds(),
                relief,
                model.round_cost(),
                workload.MEETING_TIME * relief,
                opt_in.coordinator_slots(model),
                morale.rest_share(effect("morale")),
                morale.OVERLOAD_ENERGY * (1.0 - morale.OVERLOAD_SHIELD * effect("morale")),
                membership.ENCOURAGEMENT * effect("morale"),
                membership.MEMBERSHIP_COST * relief,
                1.0 - learning.spillover_share(model),
            )
    return phases, effects


def pending_table(model, rows: int) -> tuple[np.ndarray, ...]:
    """The pending initiatives as arrays with room for ``rows``: uid, arrived, ideal, draft, drafted,
    required, needs, value, blocked months."""
    dims, roles = model.goal_dims, len(ROLES)
    table = (
        np.zeros(rows, np.int64),
        np.zeros(rows, np.int64),
        np.zeros((rows, dims)),
        np.zeros((rows, dims)),
        np.zeros(rows, np.bool_),
        np.zeros(rows),
        np.zeros((rows, roles)),
        np.zeros(rows),
        np.zeros(rows, np.int64),
    )
    for r, i in enumerate(model.pending):
        row = (i.uid, i.arrived, i.ideal, i.draft, i.drafted, i.required, i.needs, i.value, i.blocked_months)
        for column, value in zip(table, row):
            column[r] = value
    return table


def grown(arrays: tuple[np.ndarray, ...], rows: int) -> tuple[np.ndarray, ...]:
    """The same arrays with ``rows`` rows, the old rows kept."""
    out = []
    for a in arrays:
        b = np.zeros((rows, *a.shape[1:]), a.dtype)
        b[: a.shape[0]] = a
        out.append(b)
    return tuple(out)


def terms(model, rules: tuple[int, int, int], loop_constants: tuple[float, float, float], effects) -> tuple:
    """The loop's fixed terms: status codes, rules, and every mechanism's parameters and constants.

    ``loop_constants``: the model loop's own (MEETING_TRUST, SUCCESS_MEMORY, BACKBONE_TRUST_RATE); ``effects``:
    the backbone's effects before and after a cut (:func:`phase_figures`).
    """
    p, env = model.params, model.environment
    backbone = model.backbone
    weights = (
        execution.B0,
        execution.B_CAP,
        execution.B_SKILL,
        execution.B_TRUST,
        execution.B_COHERENCE,
        execution.B_COORD,
        execution.B_KNOW_HOW,
        execution.CAP_CEILING,
    )
    execution_terms = (execution.MIN_EFFORT, workload.TEAM_SLACK, execution.DILUTION_SCALE, weights)
    learning_constants = learning.terms(model)[4]
    return (
        (CORE, NETWORK, EXITED),
        rules,
        (
            backbone.cut_month,
            env.shock_rate,
            environment.DOMINANT_WEIGHT,
            learning.SHOCK_UNLEARNING,
            env.rate,
            env.spread,
            env.size,
            (environment.SIZE_SIGMA, environment.VALUE_SIGMA),
            model.purpose,
            env.needs,
        ),
        (model.trust_baseline, model.trust_gain, model.trust_decay, trust.RESCALE_BELOW, loop_constants[0]),
        (
            (p["trust_widening"], p["stand_aside_band"], p["fallback_months"], consensus.MAJORITY),
            (
                effects,
                opt_in.DRAFT_NOISE,
                opt_in.STANDIN_BIAS,
                opt_in.LEGITIMACY_WEIGHT,
                learning.WORK_COST,
                opt_in.ENERGY_FLOOR,
                execution.MIN_EFFORT,
                workload.TEAM_SLACK,
                opt_in.MIN_TEAM,
            ),
        ),
        (
            morale.MEETING_ENERGY,
            membership.DISSENT_COST,
            legitimacy.LEGITIMACY_LOSS,
            loop_constants[1],
            execution_terms,
            learning_constants,
            (model.influence_threshold, model.influence_rate),
        ),
        workload.TEAM_SLACK,
        env.window,
        (
            model.turnover_rate,
            model.purpose,
            influence.VISION_RATE,
            morale.MEMBERSHIP_ENERGY,
            loop_constants[2],
            learning.REPUTATION_FADE,
            learning.KNOW_HOW_FADE,
        ),
        (
            (
                membership.EXPERIENCE_MEMORY,
                membership.TRUST_WEIGHT,
                commitment.ENGAGEMENT_MEMORY,
                commitment.DRIFT_LEVEL,
            ),
            model.farthest,
            (model.boundary_alignment, model.entry_rate),
            (*membership.PULL_WEIGHTS, membership.NETWORK_FADE),
        ),
        (model.min_members, p["impact_goal"], model.dormancy_limit),
        (trust.DENSE_TIE,),
    )


def run(model, months: int, loop_constants: tuple[float, float, float]) -> None:
    """Step up to ``months`` months of ``model`` in the compiled loop and write the results back.

    ``loop_constants``: the model loop's (MEETING_TRUST, SUCCESS_MEMORY, BACKBONE_TRUST_RATE).
    """
    rules = rule_schedule(model.rule)
    phases, effects = phase_figures(model)
    loop_terms = terms(model, rules, loop_constants, effects)
    env = model.environment
    scalars = np.array(
        [model.reputation, model.know_how, model.cumulative_impact, model.expected_rate, model.backbone.strength,
         model.trust.scale, 0.0]
    )  # fmt: skip
    counters = np.array(
        [model.steps, model.last_adoption, model.idle_months, -1, model.lifetime, env._next_uid,
         -1 if env.dominant is None else env.dominant, len(model.pending), 0]
    )  # fmt: skip
    tally, totals = np.zeros(len(metrics.COUNTS), np.int64), np.zeros(len(metrics.COUNTS), np.int64)
    n = model.status.size
    room = (16 + int(10 * env.rate), 8 + 2 * (16 + int(10 * env.rate) + 64) + 2 * n)
    pending = pending_table(model, max(len(model.pending), FIRST_ROWS * room[0]))
    log = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, 3), np.int64), np.zeros((0, 2)))
    log = grown(log, FIRST_ROWS * room[1])
    model.exhausted = np.asarray(model.exhausted, dtype=bool).copy()
    model.load, model.availability = np.array(model.load, dtype=float), np.array(model.availability, dtype=float)
    model.member_ties = np.array(model.member_ties, dtype=float)
    arrays = (
        model.position, model.home, model.tolerance, model.capacity, model.skills, model.patience, model.energy,
        model.status, model.backbone_trust, model.experience, model.poor_months, model.benefit, model.cost,
        model.engagement, model.exhausted, model.load, model.availability, model.member_ties,
    )  # fmt: skip
    books = (scalars, counters, tally, totals)
    stepped_before = model.steps
    series = np.zeros((months if model.monthly_series else 0, len(metrics.SERIES)))
    left = months
    while left > 0:
        done = LOOP.run(
            left, draw_handle(model.rng), draw_handle(env.rng), arrays, model.trust.dev, books, pending, log,
            phases, effects, loop_terms, room, series[months - left :] if series.size else series,
        )  # fmt: skip
        if done >= 0:
            left -= done
            break
        left -= -done - 1
        pending = grown(pending, 2 * pending[0].size) if pending[0].size - counters[7] < room[0] else pending
        log = grown(log, 2 * log[0].size) if log[0].size - counters[8] < room[1] else log
    write_back(model, scalars, counters, tally, totals, pending, log, stepped_before)
    if model.monthly_series:
        collect(model, series[: months - left])


INTEGER_SERIES = frozenset(("members", "network", "pending", *metrics.COUNTS))
"""Monthly figures that are counts (ints in the model's own series)."""


def collect(model, rows: np.ndarray) -> None:
    """The loop's monthly figures appended to the model's DataCollector, as ``record_month`` would have."""
    if not rows.shape[0]:
        return
    columns = model.datacollector.model_vars
    for j, name in enumerate(metrics.SERIES):
        values = rows[:, j].tolist()
        columns[name].extend([int(v) for v in values] if name in INTEGER_SERIES else values)
    last = rows[-1].tolist()
    model.stats = {name: (int(v) if name in INTEGER_SERIES else v) for name, v in zip(metrics.SERIES, last)}


def write_back(model, scalars, counters, tally, totals, pending, log, stepped_before: int) -> None:
    """Put what the loop kept in arrays back into the model's attributes and objects."""
    model.reputation, model.know_how, model.cumulative_impact = float(scalars[0]), float(scalars[1]), float(scalars[2])
    model.expected_rate, model.backbone.strength, model.trust.scale = (float(x) for x in scalars[3:6])
    model.steps, model.last_adoption, model.idle_months = int(counters[0]), int(counters[1]), int(counters[2])
    model.lifetime = int(counters[4])
    env = model.environment
    env._next_uid, env.dominant = int(counters[5]), (None if counters[6] < 0 else int(counters[6]))
    model._core = model._network = None
    if counters[3] >= 0:
        model.cause = CAUSES[int(counters[3])]
        model.running = False
    known = {i.uid: i for i in model.pending}
    model.pending = rebuild_pending(model, pending, int(counters[7]))
    month_lists = replay(model, log, int(counters[8]), int(counters[0]), known)
    model.totals.update(dict(zip(metrics.COUNTS, (int(x) for x in totals))))
    if model.steps > stepped_before:
        model.tally = {name: int(x) for name, x in zip(metrics.COUNTS, tally)}
        model.tally.update(impact=float(scalars[6]), dilutions=month_lists[0], delays=month_lists[1])
    model.stats = None


def rebuild_pending(model, pending, count: int) -> list[Initiative]:
    """The pending initiatives as objects (the ones that were pending before keep their identity)."""
    known = {i.uid: i for i in model.pending}
    env = model.environment
    uid, arrived, ideal, draft, drafted, required, needs, value, blocked = pending
    out = []
    for r in range(count):
        initiative = known.get(int(uid[r])) or Initiative(
            uid=int(uid[r]),
            arrived=int(arrived[r]),
            ideal=ideal[r].copy(),
            required=float(required[r]),
            needs=needs[r].copy(),
            window=env.window,
            value=float(value[r]),
        )
        initiative.draft, initiative.drafted = draft[r].copy(), bool(drafted[r])
        initiative.blocked_months = int(blocked[r])
        out.append(initiative)
    return out


def theory(code: int) -> Later:
    """The theory of change of a roles code (8 · first + second), written when the sentence is."""
    first, second = divmod(int(code), 8)
    return Later(lambda: " + ".join(ROLES[r] for r in dict.fromkeys((first, second))))


def replay(model, log, count: int, last: int, known: dict) -> tuple[list[float], list[float]]:
    """The loop's log as the model's exits and outcome lists; its events are kept as records, written
    when the feed is first read (:func:`write_events`). Return month ``last``'s (dilutions, delays);
    initiatives of ``known`` (uid -> the object pending before the loop) adopted or lapsed get that state."""
    months, kinds, ints, floats = (a[:count].copy() for a in log)
    outcomes = (kinds == 3) | (kinds == 4)
    model.all_dilutions.extend(floats[outcomes, 1].tolist())
    model.all_delays.extend(ints[outcomes, 2].tolist())
    this_month = outcomes & (months == last)
    for uid, initiative in known.items():
        if np.any(outcomes & (ints[:, 0] == uid)):
            initiative.state = ADOPTED
        elif np.any((kinds == 5) & (ints[:, 0] == uid)):
            initiative.state = LAPSED
    for e in np.flatnonzero((kinds == 7) | (kinds == 8)):
        org = int(ints[e, 0])
        cause = EXIT_CAUSES[ints[e, 1]] if kinds[e] == 7 else membership.LOST_INTEREST
        model.exit_cause[org], model.exit_month[org] = cause, int(months[e])
    if count:
        model.unread_log.append((months, kinds, ints, floats))
    return floats[this_month, 1].tolist(), ints[this_month, 2].tolist()


def write_events(model, events, record) -> None:
    """The loop's event records as sentences of the feed (the same templates as the Python month)."""
    names, sector = model.names, model.sector
    months, kinds, ints, floats = record
    for e in range(kinds.size):
        month, kind = int(months[e]), int(kinds[e])
        a, b = int(ints[e, 0]), int(ints[e, 1])
        x, y = float(floats[e, 0]), float(floats[e, 1])
        if kind == 0:
            events.add(month, "backbone", "Backbone support changes: {:.2f} -> {:.2f}", x, y)
        elif kind == 1:
            events.add(month, "shock", "Shock: {} skills now needed", ROLES[a])
        elif kind == 2:
            events.add(month, "blocked", "Initiative {} blocked: {}", a, BLOCK_REASONS[b])
        elif kind == 3:
            events.add(month, "succeeded", "Initiative {} ({}) succeeded: impact {:.2f}", a, theory(b), x)
        elif kind == 4:
            events.add(month, "failed", "Initiative {} failed (chance was {:.0%})", a, x)
        elif kind == 5:
            events.add(month, "lapsed", "Initiative {} lapsed undecided", a)
        elif kind == 6:
            events.add(month, "join", "{} ({}) joined the core", names[a], SECTORS[sector[a]])
        elif kind == 7:
            reason = EXIT_REASONS[EXIT_CAUSES[b]]
            events.add(month, "exit", "{} ({}) left: {}", names[a], SECTORS[sector[a]], reason)
        elif kind == 9:
            events.add(month, "dissolved", "The coalition dissolves: {}", CAUSE_TEXT[CAUSES[a]])

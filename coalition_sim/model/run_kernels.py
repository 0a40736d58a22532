"""The whole run as one compiled loop: :meth:`CoalitionModel.step <coalition_sim.model.model.CoalitionModel.step>`,
month after month, without returning to Python.

A month of a default coalition is a few thousand multiply-adds; stepped from Python it costs a
hundred-odd calls whose fixed cost is most of its time. :func:`run` steps the same months in the
same order, calling the same kernels as the Python month (each mechanism's ``*_kernels`` module,
the sections of :mod:`.month_kernels`, the rules' decisions in :mod:`.governance.rule_kernels`),
with the draws made from the run's own generators in the same order. What Python does with objects
(pending initiatives, events, exits, the month's counts) is kept here in arrays and handed back
(:mod:`coalition_sim.model.compiled_run` turns them into the model's objects).

The month (docs/MODEL.md), as :meth:`CoalitionModel.step` reads:

1. environment: the backbone's schedule, a skill shock, new initiatives;
2-4. the rule decides on every pending initiative; the month's load; each decision applied
   (meetings; blocked ones counted; adopted ones carried out, learned from, counted); meetings
   that ended in a block build trust and influence; overload drains energy; idle months counted;
5. lapses, trust's decay, relationships (:func:`.month_kernels.relationships`), reputation and
   know-how fade;
6. membership (:func:`.month_kernels.membership`);
7. endurance: collapse, purpose achieved or dormancy.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from coalition_sim.model.environment_kernels import arrivals, shock
from coalition_sim.model.execution_kernels import numpy_sum
from coalition_sim.model.governance.rule_kernels import (
    CONSENSUS,
    MAJORITY,
    OPT_IN,
    UNANIMITY,
    by_quorum,
    consensus,
    opt_in,
)
from coalition_sim.model.influence_kernels import influence_within
from coalition_sim.model.learning_kernels import strengthen
from coalition_sim.model.metrics_kernels import snapshot
from coalition_sim.model.month_kernels import carry_out, membership, relationships
from coalition_sim.model.trust_kernels import set_diagonal

# Scalars of the coalition (float array ``scalars``)
REPUTATION, KNOW_HOW, CUMULATIVE, EXPECTED, STRENGTH, SCALE, MONTH_IMPACT = range(7)
# Counters (int array ``counters``)
STEPS, LAST_ADOPTION, IDLE, CAUSE, LIFETIME, NEXT_UID, DOMINANT, N_PENDING, N_EVENTS = range(9)
# The month's counts, in the order of metrics.COUNTS
ARRIVED, ADOPTED_COUNT, BLOCKED_COUNT, LAPSED_COUNT, SUCCEEDED, FAILED, JOINS, EXITS = range(8)
EXITS_BURNOUT, EXITS_IMPATIENCE, EXITS_DRIFT, TURNOVER = range(8, 12)
# Event kinds of the log
EV_BACKBONE, EV_SHOCK, EV_BLOCKED, EV_SUCCEEDED, EV_FAILED, EV_LAPSED, EV_JOIN, EV_EXIT = range(8)
EV_LOST_INTEREST, EV_DISSOLVED = 8, 9
# Dissolution causes (endurance.CAUSES order)
COLLAPSE, DORMANCY, PURPOSE = 0, 1, 2
# Backbone effects (params.BACKBONE_EFFECTS order)
VISION, ROLES, MEASUREMENT, PUBLIC_WILL, TRANSACTION_COSTS, MORALE = range(6)
# Per-phase figures worked out from the backbone's strength (``phases``, one row before a cut, one after)
(P_STRENGTH, P_ROUNDS, P_RELIEF, P_ROUND_COST, P_MEETING_TIME, P_SLOTS, P_REST, P_DRAIN, P_ENCOURAGE,
 P_STANDING, P_OWN_SHARE) = range(11)  # fmt: skip
NEEDS_ROOM = -1
"""What :func:`run` returns when its pending table or event log must grow before the next month."""


@njit(cache=True, nogil=True)
def log_event(log, counters, month, kind, a, b, c, x, y):
    """Append one event to the log (room is checked before each month)."""
    e = counters[N_EVENTS]
    months, kinds, ints, floats = log
    months[e], kinds[e] = month, kind
    ints[e, 0], ints[e, 1], ints[e, 2] = a, b, c
    floats[e, 0], floats[e, 1] = x, y
    counters[N_EVENTS] = e + 1


@njit(cache=True, nogil=True)
def remove_pending(pending, counters, row):
    """Drop row ``row`` of the pending table, keeping the others in order."""
    uid, arrived, ideals, drafts, drafted, required, needs, values, blocked = pending
    n = counters[N_PENDING]
    for r in range(row, n - 1):
        uid[r], arrived[r], drafted[r], required[r] = uid[r + 1], arrived[r + 1], drafted[r + 1], required[r + 1]
        ideals[r], drafts[r], needs[r] = ideals[r + 1], drafts[r + 1], needs[r + 1]
        values[r], blocked[r] = values[r + 1], blocked[r + 1]
    counters[N_PENDING] = n - 1


@njit(cache=True, nogil=True)
def core_indices(status, core):
    """Indices of the core members."""
    return np.flatnonzero(status == core)


@njit(cache=True, nogil=True)
def ties_toward(dev, baseline, scale, group):
    """Every organization's summed trust in ``group`` (:meth:`TrustMatrix.ties_toward`: the same product)."""
    weights = np.zeros(dev.shape[0])
    for i in group:
        weights[i] = 1.0
    return baseline * group.size + scale * dev.dot(weights)


@njit(cache=True, nogil=True)
def environment_changes(env_draws, state, scalars, counters, tally, pending, phases, env_terms, log, month):
    """Step 1: the backbone's schedule, a skill shock (know-how devalued), new initiatives."""
    cut_month, shock_rate, dominant_weight, unlearning, rate, spread, size, sigmas, purpose, needs = env_terms
    phase = 1 if cut_month and month >= cut_month else 0
    before = scalars[STRENGTH]
    scalars[STRENGTH] = phases[phase, P_STRENGTH]
    if scalars[STRENGTH] != before:
        log_event(log, counters, month, EV_BACKBONE, 0, 0, 0, before, scalars[STRENGTH])
    role = shock(env_draws, shock_rate, counters[DOMINANT], needs, dominant_weight)
    if role >= 0:
        counters[DOMINANT] = role
        scalars[KNOW_HOW] *= 1.0 - unlearning
        log_event(log, counters, month, EV_SHOCK, role, 0, 0, 0.0, 0.0)
    ideal, required, initiative_needs, value = arrivals(
        env_draws, purpose, rate, spread, needs, size, sigmas[0], sigmas[1]
    )
    uid, arrived, ideals, drafts, drafted, req, need_rows, values, blocked = pending
    for k in range(required.size):
        r = counters[N_PENDING]
        uid[r], arrived[r] = counters[NEXT_UID], month
        ideals[r], drafts[r], drafted[r] = ideal[k], ideal[k], False
        req[r], need_rows[r], values[r], blocked[r] = required[k], initiative_needs[k], value[k], 0
        counters[NEXT_UID] += 1
        counters[N_PENDING] = r + 1
    tally[ARRIVED] = required.size
    return phase


@njit(cache=True, nogil=True)
def decide(draws, rule, state, trust, scalars, counters, pending, phases, phase, terms, codes):
    """Step 2: the rule in force decides on every pending initiative (arrays of :mod:`.rule_kernels`)."""
    position, home, tolerance, capacity, skills, patience, energy, status, backbone_trust = state[:9]
    dev, baseline = trust
    n = counters[N_PENDING]
    core, network = codes[0], codes[1]
    members = core_indices(status, core)
    n_orgs = status.size
    rounds = np.int64(phases[phase, P_ROUNDS])
    drafts = pending[3][:n]
    if rule == CONSENSUS:
        widening, band, fallback, majority = terms[0]
        ties = ties_toward(dev, baseline, scalars[SCALE], members) if widening != 0 and members.size >= 2 else energy
        consensus_terms = (rounds, widening, baseline, band, fallback, majority)
        return consensus(position, tolerance, members, ties, drafts, pending[8][:n], consensus_terms, n_orgs)
    if rule in (UNANIMITY, MAJORITY):
        quorum = 1.0 if rule == UNANIMITY else terms[0][3]
        return by_quorum(position, tolerance, members, drafts, rounds, quorum, n_orgs)
    effects, noise_sd, bias, legitimacy_weight, work_cost, energy_floor, min_effort, slack, min_team = terms[1]
    vision = effects[phase, 0]
    rules = (
        phases[phase, P_OWN_SHARE],
        legitimacy_weight * vision,
        work_cost,
        phases[phase, P_ROUND_COST],
        energy_floor,
        min_effort,
    )
    opt_in_terms = (
        np.int64(phases[phase, P_SLOTS]),
        vision,
        effects[phase, PUBLIC_WILL],
        effects[phase, ROLES],
        noise_sd,
        bias,
        rules,
        scalars[EXPECTED],
        slack,
        min_team,
    )
    network_orgs = np.flatnonzero(status == network)
    opt_in_state = (position, tolerance, energy, backbone_trust, capacity, skills)
    table = (pending[2][:n], drafts, pending[4][:n], pending[6][:n], pending[5][:n], pending[7][:n])
    return opt_in(draws, opt_in_state, members, network_orgs, table, opt_in_terms, n_orgs)


@njit(cache=True, nogil=True)
def month_load(decisions, capacity, required, meeting_time, slack, load, availability):
    """The month's demand on each organization over its capacity, and what it can deliver (:mod:`.workload`)."""
    (adopted, blueprints, rounds, reasons), (participants, attendees, dissenters) = decisions
    demand = np.zeros(capacity.size)
    for r in range(adopted.size):
        idx, off = attendees
        if rounds[r] and off[r + 1] > off[r]:
            for m in range(off[r], off[r + 1]):
                demand[idx[m]] += rounds[r] * meeting_time
        idx, off = participants
        k = off[r + 1] - off[r]
        if k:
            team_capacity = np.empty(k)
            for m in range(k):
                team_capacity[m] = capacity[idx[off[r] + m]]
            total = numpy_sum(team_capacity, 0, k)
            for m in range(k):
                demand[idx[off[r] + m]] += slack * required[r] * (team_capacity[m] / total)
    for i in range(capacity.size):
        load[i] = demand[i] / capacity[i]
        availability[i] = 1.0 / max(load[i], 1.0)


@njit(cache=True, nogil=True)
def row(ragged, r):
    """Row ``r`` of a ragged list."""
    idx, off = ragged
    return idx[off[r] : off[r + 1]]


@njit(cache=True, nogil=True)
def roles_code(needs) -> int:
    """The two roles an initiative's theory of change needs, as one number: 8 · first + second."""
    first = -1
    for k in range(needs.size):
        if needs[k] != 0.0:
            if first < 0:
                first = k
            else:
                return 8 * first + k
    return 8 * first + first


@njit(cache=True, nogil=True)
def apply_decisions(draws, decisions, rule, state, trust, scalars, counters, tally, pending, phase, phases, terms, log):
    """Steps 3-4: each decision in order (:meth:`CoalitionModel.apply`); return (deliberated mask, workers mask)."""
    (adopted, blueprints, rounds, reasons), (participants, attendees, dissenters) = decisions
    position, tolerance, capacity, skills, energy, backbone_trust, cost, benefit, availability = state
    dev, baseline, gain = trust
    month = counters[STEPS]
    meeting_energy, dissent_cost, legitimacy_loss, success_memory, execution_terms, learning_terms = terms[:6]
    influence_terms, effects, members = terms[6:]
    uid, arrived, ideals, drafts, drafted, required, needs, values, blocked = pending
    n_orgs = energy.size
    deliberated = np.zeros(n_orgs, np.bool_)
    workers = np.zeros(n_orgs, np.bool_)
    removed = 0
    for r in range(adopted.size):
        p = r - removed
        drafts[p] = blueprints[r]
        drafted[p] = True
        att = row(attendees, r)
        if rounds[r] != 0 and att.size:
            for i in att:
                cost[i] += rounds[r] * phases[phase, P_ROUND_COST]
                energy[i] = max(energy[i] - rounds[r] * meeting_energy * phases[phase, P_RELIEF], 0.0)
        if not adopted[r]:
            blocked[p] += 1
            for i in att:
                deliberated[i] = True
            tally[BLOCKED_COUNT] += 1
            log_event(log, counters, month, EV_BLOCKED, uid[p], reasons[r], 0, 0.0, 0.0)
            continue
        against = row(dissenters, r)
        for i in against:
            cost[i] += dissent_cost
        if rule == OPT_IN and against.size:
            for i in against:
                backbone_trust[i] *= 1.0 - legitimacy_loss
        team = row(participants, r)
        for i in team:
            workers[i] = True
        counters[LAST_ADOPTION] = month
        success, chance, effort, share, impact, dilution, scalars[REPUTATION], scalars[KNOW_HOW] = carry_out(
            draws,
            (
                (position, energy, tolerance, capacity, availability, skills),
                (dev, baseline, scalars[SCALE]),
                team,
                (blueprints[r], ideals[p], required[p], needs[p], values[p]),
                effects[phase, ROLES],
                scalars[KNOW_HOW],
                execution_terms,
            ),
            (
                (cost, energy, benefit, position, tolerance, members),
                (dev, baseline, scalars[SCALE], gain),
                (effects[phase, MORALE], effects[phase, PUBLIC_WILL], effects[phase, MEASUREMENT]),
                (scalars[REPUTATION], scalars[KNOW_HOW]),
                learning_terms,
            ),
            influence_terms,
        )
        delay = month - arrived[p]
        tally[ADOPTED_COUNT] += 1
        scalars[EXPECTED] += success_memory * ((1.0 if success else 0.0) - scalars[EXPECTED])
        if success:
            tally[SUCCEEDED] += 1
            scalars[MONTH_IMPACT] += impact
            scalars[CUMULATIVE] += impact
            log_event(log, counters, month, EV_SUCCEEDED, uid[p], roles_code(needs[p]), delay, impact, dilution)
        else:
            tally[FAILED] += 1
            log_event(log, counters, month, EV_FAILED, uid[p], 0, delay, chance, dilution)
        remove_pending(pending, counters, p)
        removed += 1
    return deliberated, workers


@njit(cache=True, nogil=True)
def lapse(pending, counters, tally, window, log, month):
    """Pending initiatives whose window has passed (arrival month included) lapse, in order."""
    r = 0
    while r < counters[N_PENDING]:
        if month - pending[1][r] + 1 >= window:
            tally[LAPSED_COUNT] += 1
            log_event(log, counters, month, EV_LAPSED, pending[0][r], 0, 0, 0.0, 0.0)
            remove_pending(pending, counters, r)
        else:
            r += 1


@njit(cache=True, nogil=True)
def decay(dev, scalars, rate, rescale_below, baseline):
    """Trust's monthly decay toward the baseline in the stored form (:meth:`TrustMatrix.decay`)."""
    scalars[SCALE] *= 1.0 - rate
    if scalars[SCALE] < rescale_below:
        dev *= scalars[SCALE]
        scalars[SCALE] = 1.0
    set_diagonal(dev, (1.0 - baseline) / scalars[SCALE])


@njit(cache=True, nogil=True)
def log_moves(log, counters, tally, month, moves):
    """The membership month's exits and joins, counted and logged in the Python month's order."""
    burnt, impatient, drifted, lost, newcomers = moves
    for cause in range(3):
        who = (burnt, impatient, drifted)[cause]
        tally[EXITS] += who.size
        tally[EXITS_BURNOUT + cause] += who.size
        for i in who:
            log_event(log, counters, month, EV_EXIT, i, cause, 0, 0.0, 0.0)
    for i in lost:
        log_event(log, counters, month, EV_LOST_INTEREST, i, 0, 0, 0.0, 0.0)
    tally[JOINS] = newcomers.size
    for i in newcomers:
        log_event(log, counters, month, EV_JOIN, i, 0, 0, 0.0, 0.0)


@njit(cache=True, nogil=True)
def endurance(status, core, scalars, counters, ends, log, month):
    """Step 7: collapse, purpose achieved or dormancy (:func:`endurance.dissolution_cause`)."""
    min_members, impact_goal, dormancy_limit = ends
    counters[LIFETIME] = month
    cause = -1
    if np.count_nonzero(status == core) < min_members:
        cause = COLLAPSE
    elif impact_goal > 0 and scalars[CUMULATIVE] >= impact_goal:
        cause = PURPOSE
    elif counters[IDLE] >= dormancy_limit:
        cause = DORMANCY
    if cause >= 0:
        counters[CAUSE] = cause
        log_event(log, counters, month, EV_DISSOLVED, cause, 0, 0, 0.0, 0.0)


@njit(cache=True, nogil=True)
def month(draws, env_draws, arrays, dev, books, pending, log, phases, effects, terms):
    """One month, in the order of :meth:`CoalitionModel.step` (the model's ``steps`` already counts it)."""
    (position, home, tolerance, capacity, skills, patience, energy, status, backbone_trust, experience,
     poor_months, benefit, cost, engagement, exhausted, load, availability, member_ties) = arrays  # fmt: skip
    scalars, counters, tally, totals = books
    codes, rules, env_terms, trust_terms, rule_terms, apply_terms, slack, window, rel_terms, mem_terms, ends = terms[
        :11
    ]
    core, network, exited = codes
    baseline, gain, decay_rate, rescale_below, meeting_trust = trust_terms
    now = counters[STEPS]
    tally[:] = 0
    scalars[MONTH_IMPACT] = 0.0
    benefit[:] = 0.0
    cost[:] = 0.0
    # 1. environment
    phase = environment_changes(env_draws, arrays, scalars, counters, tally, pending, phases, env_terms, log, now)
    # 2-4. decide, execute, learn and feel
    had_work = counters[N_PENDING] > 0
    members = core_indices(status, core)
    deliberated = np.zeros(status.size, np.bool_)
    workers = deliberated
    if had_work:
        rule = rules[0] if rules[1] == 0 or now <= rules[1] else rules[2]
        state = (position, home, tolerance, capacity, skills, patience, energy, status, backbone_trust)
        decisions = decide(draws, rule, state, (dev, baseline), scalars, counters, pending, phases, phase,
                           rule_terms, codes)  # fmt: skip
        n = counters[N_PENDING]
        month_load(decisions, capacity, pending[5][:n], phases[phase, P_MEETING_TIME], slack, load, availability)
        apply_state = (position, tolerance, capacity, skills, energy, backbone_trust, cost, benefit, availability)
        deliberated, workers = apply_decisions(
            draws, decisions, rule, apply_state, (dev, baseline, gain), scalars, counters, tally, pending, phase,
            phases, (*apply_terms, effects, members), log,
        )  # fmt: skip
    else:
        for i in range(load.size):
            load[i] = 0.0
            availability[i] = 1.0
    attendees = np.flatnonzero(deliberated)
    if attendees.size:
        diagonal = (1.0 - baseline) / scalars[SCALE]
        strengthen(dev, attendees, meeting_trust * gain, baseline, scalars[SCALE], diagonal)
        influence_within(draws, position, attendees, apply_terms[6][0], apply_terms[6][1])
    drain = phases[phase, P_DRAIN]
    for i in range(energy.size):
        over = max(load[i] - 1.0, 0.0)
        if over > 0:
            energy[i] = max(energy[i] - drain * over, 0.0)
        exhausted[i] = energy[i] <= 0.0
    if tally[ADOPTED_COUNT]:
        counters[IDLE] = 0
    elif had_work:
        counters[IDLE] += 1
    lapse(pending, counters, tally, window, log, now)
    # 5. relationships
    decay(dev, scalars, decay_rate, rescale_below, baseline)
    turnover_rate, purpose, vision_rate, toll, backbone_rate, reputation_fade, know_how_fade = rel_terms
    tally[TURNOVER] = relationships(
        draws, position, home, dev, (1.0 - baseline) / scalars[SCALE], members, turnover_rate,
        (effects[phase, VISION], effects[phase, ROLES]), purpose, vision_rate, energy, exhausted, status, core,
        exited, toll, phases[phase, P_REST], backbone_trust, backbone_rate, scalars[STRENGTH],
    )  # fmt: skip
    scalars[REPUTATION] *= 1.0 - reputation_fade
    scalars[KNOW_HOW] *= 1.0 - know_how_fade
    # 6. membership
    weigh_constants, farthest, entry_terms, pull_constants = mem_terms
    members = core_indices(status, core)
    ties = ties_toward(dev, baseline, scalars[SCALE], members)
    weighing = (
        benefit, cost, backbone_trust, phases[phase, P_ENCOURAGE], phases[phase, P_STANDING], experience,
        poor_months, exhausted, energy, patience, engagement, np.flatnonzero(workers), tally[ADOPTED_COUNT] > 0,
        weigh_constants,
    )  # fmt: skip
    entry = (entry_terms[0], entry_terms[1], 0.5 + effects[phase, PUBLIC_WILL])
    orbit_terms = (position, purpose, farthest, scalars[REPUTATION], entry, pull_constants)
    burnt, impatient, drifted, lost, newcomers, ties = membership(
        draws, members, ties, weighing, (status, engagement, poor_months, experience), codes,
        (dev, baseline, scalars[SCALE]), orbit_terms,
    )  # fmt: skip
    member_ties[:] = ties
    log_moves(log, counters, tally, now, (burnt, impatient, drifted, lost, newcomers))
    totals += tally
    # 7. endurance
    endurance(status, core, scalars, counters, ends, log, now)


@njit(cache=True, nogil=True)
def run(months, draws, env_draws, arrays, dev, books, pending, log, phases, effects, terms, room, series):
    """Step up to ``months`` months (fewer if the coalition dissolves); return how many were stepped.

    With ``series`` (a row per month to come, else an empty array) each month's figures are
    written to its row (:func:`snapshot`).

    Before each month the pending table and the event log must have ``room`` = (rows, events) free;
    when they do not, the months stepped so far are returned negated minus one
    (``-(stepped + 1)``) so the caller can grow them and go on.
    """
    counters = books[1]
    for stepped in range(months):
        if counters[CAUSE] >= 0:
            return stepped
        if pending[0].size - counters[N_PENDING] < room[0] or log[0].size - counters[N_EVENTS] < room[1]:
            return -(stepped + 1)
        counters[STEPS] += 1
        first_event = counters[N_EVENTS]
        month(draws, env_draws, arrays, dev, books, pending, log, phases, effects, terms)
        if series.shape[0]:
            series_terms = (*terms[0][:2], terms[3][0], terms[11][0], terms[8][1], terms[9][1], first_event)
            snapshot(arrays, dev, books, counters, log, series[stepped], series_terms)
    return months

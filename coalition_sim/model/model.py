"""The coalition model: one coalition over a horizon of monthly steps.

``CoalitionModel.step`` is the table of contents of a month (docs/MODEL.md):
environment, decide, execute, learn and feel, relationships, membership,
endurance. Each step is a short method that calls one module.
"""

from __future__ import annotations

from collections import Counter

import mesa
import numpy as np

from coalition_sim.model import (
    compiled_run,
    execution,
    influence,
    learning,
    legitimacy,
    membership,
    metrics,
    morale,
    params,
    workload,
)
from coalition_sim.model.backbone import Backbone
from coalition_sim.model.compiled import LazyKernels, draw_handle
from coalition_sim.model.endurance import dissolution_cause
from coalition_sim.model.environment import Environment
from coalition_sim.model.events import CAUSE_TEXT, EXIT_REASONS, EventLog, Later
from coalition_sim.model.execution import Outcome
from coalition_sim.model.goal_space import distances, farthest_distance
from coalition_sim.model.governance import ADOPTED, GovernanceRule, make_rule
from coalition_sim.model.initiative import ADOPTED as INITIATIVE_ADOPTED
from coalition_sim.model.initiative import LAPSED, ROLES
from coalition_sim.model.interventions import Schedule
from coalition_sim.model.mesa_ids import release_mesa_id_counter
from coalition_sim.model.organization import Organization
from coalition_sim.model.population import (
    CORE,
    EXITED,
    GENERATION_PARAMS,
    NETWORK,
    SECTORS,
    Population,
    check_population,
    generate,
)
from coalition_sim.model.streams import spawn_streams
from coalition_sim.model.trust import TrustMatrix

MEETING_TRUST = 0.3
"""Trust gain from a month of meetings that ended in a block, relative to a month of working together."""
COST_RELIEF = 0.6
"""Share of meeting cost the transaction-cost effect removes at full strength."""
BACKBONE_TRUST_RATE = 0.1
"""Monthly share of the gap between trust in the backbone and its strength that closes
(organizations come to trust a backbone as much as it delivers; not one of the six effects)."""
SUCCESS_MEMORY = 0.1
"""Weight of the latest outcome in the coalition's expected success rate."""
MONTH = LazyKernels("coalition_sim.model.month_kernels")
"""The month's sections as compiled passes, imported on first use (:mod:`coalition_sim.model.compiled`)."""


class CoalitionModel(mesa.Model):
    """A coalition of organizations under a governance rule and a backbone.

    Every argument is a keyword with a default; see :mod:`coalition_sim.model.params`
    (or ``docs/ODD.md``) for ranges and reasons. ``population`` replaces the
    drawn organizations with a given :class:`~coalition_sim.model.population.Population`
    (a strategist's scenario). ``seed`` fixes every random draw: it is split into
    population, environment and behaviour streams (:mod:`coalition_sim.model.streams`),
    so runs under different rules with one seed face the same initiatives and shocks.
    ``self.rng`` is the behaviour stream. ``monthly_series=False`` skips the monthly
    figures (``datacollector`` stays empty, ``stats`` is worked out when the summary
    is asked for): a study that keeps only summaries gets the same summaries, sooner.
    """

    compiled_runs = True
    """Whether :meth:`run` may hand its months to the compiled loop (tests compare both ways)."""

    def __init__(
        self,
        *,
        n_orgs=30,
        network_ratio=1.0,
        n_sectors=5,
        capacity_inequality=0.8,
        goal_dims=2,
        alignment_spread=0.155,
        tolerance=0.39,
        initial_trust=0.44,
        initial_energy=0.8,
        patience=23.0,
        backbone_strength=0.63,
        backbone_cut_month=0,
        backbone_after_cut=0.0,
        disabled_effects="",
        governance="consensus",
        stand_aside_band=0.27,
        trust_widening=0.55,
        fallback_months=0,
        deliberation_rounds=3,
        initiative_rate=0.56,
        initiative_size=3.2,
        initiative_window=3,
        initiative_spread=0.2,
        shock_rate=0.025,
        transaction_cost=0.045,
        trust_gain=0.1,
        trust_decay=0.01,
        trust_baseline=0.3,
        influence_threshold=0.25,
        influence_rate=0.3,
        turnover_rate=0.065,
        entry_rate=0.1,
        boundary_alignment=0.0,
        min_members=3,
        dormancy_limit=8,
        impact_goal=0.0,
        population: Population | None = None,
        interventions=(),
        seed=None,
        monthly_series: bool = True,
    ):
        values = {k: v for k, v in locals().items() if k in params.PARAMETERS}
        if isinstance(governance, GovernanceRule):
            values.pop("governance")
        checked = params.validate(values)
        super().__init__(seed=seed)
        self.streams = spawn_streams(seed, self.rng)
        self.rng = self.streams.behaviour
        self.params = checked
        for name in params.LOOP_SCALARS:
            setattr(self, name, checked[name])
        self.rule = governance if isinstance(governance, GovernanceRule) else make_rule(governance)
        if population is not None:
            check_population(population)
        self._init_population(
            population.copy()
            if population is not None
            else generate(self.streams.population, **{k: checked[k] for k in GENERATION_PARAMS})
        )
        self.backbone = Backbone(
            self, backbone_strength, backbone_cut_month, backbone_after_cut, params.parse_effects(disabled_effects)
        )
        self.environment = Environment(
            self.streams.environment,
            self.purpose,
            initiative_rate,
            initiative_size,
            initiative_window,
            initiative_spread,
            shock_rate,
        )
        self._init_books()
        self.interventions = Schedule(interventions, self.names)
        self.interventions.hold_back(self)
        self.member_ties = self.trust.ties_toward(self.core_indices())
        self.datacollector = metrics.ScalarCollector(model_reporters=metrics.reporters())
        self.monthly_series = bool(monthly_series)
        self.stats: dict | None = None
        self.record_month()
        release_mesa_id_counter(self)

    # ------------------------------------------------------------------ setup
    def _init_population(self, pop: Population) -> None:
        self.sector, self.capacity, self.position = pop.sector, pop.capacity, pop.position
        self.home = pop.position.copy()
        self.tolerance, self.skills, self.patience = pop.tolerance, pop.skills, pop.patience
        self.energy, self.status = pop.energy, pop.status
        self.trust = TrustMatrix(pop.trust, self.trust_baseline)
        self.backbone_trust, self.purpose, self.names = pop.backbone_trust, pop.purpose, pop.names
        self.goal_dims = int(self.purpose.size)
        self.farthest = farthest_distance(self.purpose)
        self._core = self._network = None
        self.initial_members = int(np.count_nonzero(self.status == CORE))
        self.orgs = [Organization(self, i) for i in range(pop.size)]

    def _init_books(self) -> None:
        n = len(self.orgs)
        self.experience = np.zeros(n)
        self.poor_months = np.zeros(n)
        self.benefit = np.zeros(n)
        self.cost = np.zeros(n)
        self.exit_cause: dict[int, str] = {}
        self.exit_month: dict[int, int] = {}
        self.pending: list = []
        self.events = EventLog()
        self.unread_log: list = []  # the compiled loop's event records not yet written as events
        self.reputation = 0.0
        self.know_how = 0.0
        self.cumulative_impact = 0.0
        self.expected_rate = 0.5
        self.last_adoption = 0
        self.idle_months = 0
        self.load = np.zeros(n)
        self.availability = np.ones(n)
        self.exhausted = np.zeros(n, dtype=bool)
        self.engagement = np.ones(n)
        self.cause: str | None = None
        self.lifetime = 0
        self.all_dilutions: list[float] = []
        self.all_delays: list[float] = []
        self.totals: Counter = Counter({name: 0 for name in metrics.COUNTS})
        self._new_tally()

    def _new_tally(self) -> None:
        self.tally = {name: 0 for name in metrics.COUNTS}
        self.tally.update(impact=0.0, dilutions=[], delays=[])

    # ------------------------------------------------------------------ views
    @property
    def events(self) -> EventLog:
        """The plain-language feed (:mod:`coalition_sim.model.events`), in the order things happened.

        Months run by the compiled loop keep their events as records until the feed is first read.
        """
        if self.unread_log:
            records, self.unread_log = self.unread_log, []
            for record in records:
                compiled_run.write_events(self, self._events, record)
        return self._events

    @events.setter
    def events(self, log: EventLog) -> None:
        self._events = log
        self.unread_log = []

    def core_indices(self) -> np.ndarray:
        """Indices of current core members (cached until a status changes)."""
        if self._core is None:
            self._core = (self.status == CORE).nonzero()[0]
        return self._core

    def network_indices(self) -> np.ndarray:
        """Indices of wider-network organizations (cached until a status changes)."""
        if self._network is None:
            self._network = (self.status == NETWORK).nonzero()[0]
        return self._network

    def set_status(self, idx: np.ndarray, status: int) -> None:
        """Change organizations' status (the only place status is written)."""
        if isinstance(idx, np.ndarray) and idx.size == 0:
            return
        self.status[idx] = status
        self._core = self._network = None

    def alignment(self, idx: np.ndarray) -> np.ndarray:
        """1 at the shared purpose, 0 at the point of the goal space farthest from it."""
        return 1.0 - distances(self.position[idx], self.purpose) / self.farthest

    def cost_relief(self) -> float:
        """Multiplier on meeting and membership costs from the transaction-cost effect."""
        return 1.0 - COST_RELIEF * self.backbone.effect("transaction_costs")

    def round_cost(self) -> float:
        """Cost to an attendee of one meeting round."""
        return self.transaction_cost * self.cost_relief()

    def meeting_rounds(self) -> int:
        """Rounds a draft gets per month: more with a backbone that runs slick meetings."""
        extra = self.backbone.effect("transaction_costs")
        return self.deliberation_rounds + int(round(self.deliberation_rounds * extra))

    def work_cost_per_unit(self) -> float:
        """Cost of a unit of effort (used by organizations weighing an offer)."""
        return learning.WORK_COST

    def expected_success(self) -> float:
        """The coalition's running estimate of its success rate."""
        return self.expected_rate

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        """One month, in the order of docs/MODEL.md."""
        if self.cause is not None:
            return
        self.open_books()
        self.interventions.apply(self)
        self.environment_changes()  # 1. environment
        self.decide_and_execute()  # 2-4. decide, execute, learn and feel
        self.lapse()
        self.relationships()  # 5. relationships
        self.membership()  # 6. membership
        self.endurance()  # 7. endurance
        self.record_month()

    def record_month(self) -> None:
        """The month's figures and their row in the time series (unless ``monthly_series`` is off)."""
        if self.monthly_series:
            self.stats = metrics.snapshot(self)
            self.datacollector.collect(self)
        else:
            self.stats = None

    def open_books(self) -> None:
        """Start the month's ledger: counts, each organization's benefit and cost."""
        self._new_tally()
        self.benefit[:] = 0.0
        self.cost[:] = 0.0
        self.deliberated = []
        self.workers: list[np.ndarray] = []

    def decide_and_execute(self) -> None:
        """The rule decides on every pending initiative; adopted ones are carried out.

        A month with work pending and nothing adopted is an idle month (see endurance).
        """
        had_work = bool(self.pending)
        decisions = self.rule.decide(self, list(self.pending))
        self.load = workload.load(self, decisions)
        self.availability = workload.availability(self.load)
        for decision in decisions:
            self.apply(decision)
        self.deliberate()
        morale.after_overload(self.energy, workload.overload(self.load), self.backbone.effect("morale"))
        self.exhausted = self.energy <= 0.0
        if self.tally["adopted"]:
            self.idle_months = 0
        elif had_work:
            self.idle_months += 1

    def run(self, months: int = 120) -> CoalitionModel:
        """Step up to ``months`` times (fewer if the coalition dissolves).

        A run that keeps no monthly series, under a built-in rule and with no interventions to come,
        is stepped by one compiled loop (:mod:`coalition_sim.model.compiled_run`): the same months,
        the same figures, several times faster.
        """
        if type(self) is CoalitionModel and compiled_run.covers(self):
            compiled_run.run(self, months, (MEETING_TRUST, SUCCESS_MEMORY, BACKBONE_TRUST_RATE))
            return self
        for _ in range(months):
            if not self.running:
                break
            self.step()
        return self

    def environment_changes(self) -> None:
        """Backbone schedule, skill shocks, new initiatives."""
        before = self.backbone.strength
        self.backbone.update(self.steps)
        if self.backbone.strength != before:
            self.events.add(
                self.steps, "backbone", "Backbone support changes: {:.2f} -> {:.2f}", before, self.backbone.strength
            )
        role = self.environment.shock()
        if role is not None:
            learning.unlearn(self)
            self.events.add(self.steps, "shock", "Shock: {} skills now needed", ROLES[role])
        arrivals = self.environment.arrivals(self.steps)
        self.tally["arrived"] = len(arrivals)
        self.pending.extend(arrivals)

    def apply(self, decision) -> None:
        """Book one decision: meetings, and for an adopted initiative its execution."""
        initiative = decision.initiative
        initiative.draft, initiative.drafted = decision.blueprint, True
        self.meet(decision.attendees, decision.rounds)
        if decision.outcome != ADOPTED:
            initiative.blocked_months += 1
            self.deliberated.append(decision.attendees)
            self.tally["blocked"] += 1
            self.events.add(self.steps, "blocked", "Initiative {} blocked: {}", initiative.uid, decision.reason)
            return
        self.cost[decision.dissenters] += membership.DISSENT_COST
        if decision.by_coordinator:
            legitimacy.lose_legitimacy(self, decision.dissenters)
        self.workers.append(decision.participants)
        initiative.state = INITIATIVE_ADOPTED
        self.pending.remove(initiative)
        self.last_adoption = self.steps
        self.record_outcome(initiative, self.carry_out(decision))

    def meet(self, attendees: np.ndarray, rounds: int) -> None:
        """Meeting costs in value and energy for everyone who attended."""
        if rounds == 0 or attendees.size == 0:
            return
        self.cost[attendees] += rounds * self.round_cost()
        morale.spend(self.energy, attendees, rounds * morale.MEETING_ENERGY * self.cost_relief())

    def deliberate(self) -> None:
        """Meeting this month without agreeing still builds some trust and influence.

        Counted once per month for everyone who sat in a blocked deliberation.
        """
        if not self.deliberated:
            return
        attendees = np.unique(np.concatenate(self.deliberated))
        self.trust.strengthen(attendees, MEETING_TRUST * self.trust_gain)
        self.influence_within(attendees)

    def influence_within(self, group: np.ndarray) -> None:
        """Partners who worked or met together and stand close influence each other."""
        influence.influence_within(self.rng, self.position, group, self.influence_threshold, self.influence_rate)

    def carry_out(self, decision) -> Outcome:
        """The adopted initiative is worked on, the coalition learns and feels, the team influences each other.

        :func:`execution.execute`, :func:`learning.learn` and :meth:`influence_within` as one compiled
        pass (:func:`coalition_sim.model.month_kernels.carry_out`).
        """
        success, p, effort, share, impact, dilution, self.reputation, self.know_how = MONTH.carry_out(
            draw_handle(self.rng),
            execution.terms(self, decision),
            learning.terms(self),
            (self.influence_threshold, self.influence_rate),
        )
        return Outcome(bool(success), p, effort, impact, dilution, share)

    def record_outcome(self, initiative, outcome) -> None:
        """Counts, impact, expected success rate and the event feed."""
        delay = self.steps - initiative.arrived
        self.tally["adopted"] += 1
        self.tally["dilutions"].append(outcome.dilution)
        self.tally["delays"].append(delay)
        self.all_dilutions.append(outcome.dilution)
        self.all_delays.append(delay)
        self.expected_rate += SUCCESS_MEMORY * (outcome.success - self.expected_rate)
        if outcome.success:
            self.tally["succeeded"] += 1
            self.tally["impact"] += outcome.impact
            self.cumulative_impact += outcome.impact
            self.events.add(
                self.steps,
                "succeeded",
                "Initiative {} ({}) succeeded: impact {:.2f}",
                initiative.uid,
                Later(initiative.theory_of_change),
                outcome.impact,
            )
        else:
            self.tally["failed"] += 1
            self.events.add(
                self.steps, "failed", "Initiative {} failed (chance was {:.0%})", initiative.uid, outcome.probability
            )

    def lapse(self) -> None:
        """Pending initiatives whose window has passed lapse."""
        for initiative in [i for i in self.pending if i.expired(self.steps)]:
            initiative.state = LAPSED
            self.pending.remove(initiative)
            self.tally["lapsed"] += 1
            self.events.add(self.steps, "lapsed", "Initiative {} lapsed undecided", initiative.uid)

    def relationships(self) -> None:
        """Trust decays unused; representatives change; vision pulls; belonging tires members; all rest.

        After the decay, one compiled pass (:func:`coalition_sim.model.month_kernels.relationships`):
        :func:`turnover.turnover`, :func:`influence.vision_pull`, positions clipped to the goal space,
        :func:`morale.belong_then_rest`, trust in the backbone; then reputation and know-how fade.
        """
        self.trust.decay(self.trust_decay)
        effect = self.backbone.effect
        self.tally["turnover"] = MONTH.relationships(
            draw_handle(self.rng),
            self.position,
            self.home,
            self.trust.dev,
            self.trust.diagonal(),
            self.core_indices(),
            self.turnover_rate,
            (effect("vision"), effect("roles")),
            self.purpose,
            influence.VISION_RATE,
            self.energy,
            self.exhausted,
            self.status,
            CORE,
            EXITED,
            morale.MEMBERSHIP_ENERGY,
            morale.rest_share(effect("morale")),
            self.backbone_trust,
            BACKBONE_TRUST_RATE,
            self.backbone.strength,
        )
        learning.fade_reputation(self)
        learning.fade_know_how(self)

    def membership(self) -> None:
        """Members weigh the month; some leave; the network is pulled in (:func:`membership.month`).

        Each organization's summed trust in the members (``member_ties``) is
        computed once and updated for leavers and newcomers.
        """
        members = self.core_indices()
        ties = self.trust.ties_toward(members)
        burnt, impatient, drifted, lost, newcomers, self.member_ties = membership.month(self, members, ties)
        if burnt.size or impatient.size or drifted.size or lost.size or newcomers.size:
            self._core = self._network = None  # statuses were written in the compiled pass
            for who, cause in ((burnt, "burnout"), (impatient, "impatience"), (drifted, "drift")):
                self.leave(who, cause)
            self.exit_orbit(lost, membership.LOST_INTEREST)  # not a member exit
        self.tally["joins"] = int(newcomers.size)
        for i in newcomers:
            self.events.add(self.steps, "join", "{} ({}) joined the core", self.names[i], SECTORS[self.sector[i]])
        totals, tally = self.totals, self.tally
        for name in metrics.COUNTS:
            totals[name] += tally[name]

    def exit_orbit(self, who: np.ndarray, cause: str) -> None:
        """Organizations ``who`` leave for good: status, cause and month (every exit goes through here)."""
        self.set_status(who, EXITED)
        for i in who:
            self.exit_cause[int(i)] = cause
            self.exit_month[int(i)] = self.steps

    def leave(self, who: np.ndarray, cause: str) -> None:
        """Members ``who`` exit for ``cause``: counted as member exits, with a line in the feed."""
        if not who.size:
            return
        self.exit_orbit(who, cause)
        self.tally["exits"] += int(who.size)
        self.tally[f"exits_{cause}"] += int(who.size)
        for i in who:
            self.events.add(
                self.steps, "exit", "{} ({}) left: {}", self.names[i], SECTORS[self.sector[i]], EXIT_REASONS[cause]
            )

    def endurance(self) -> None:
        """Dissolve if too few members, purpose achieved, or dormant too long."""
        self.lifetime = self.steps
        cause = dissolution_cause(self)
        if cause is not None:
            self.cause = cause
            self.running = False
            self.events.add(self.steps, "dissolved", "The coalition dissolves: {}", CAUSE_TEXT[cause])

    # ------------------------------------------------------------------ results
    def summary(self, series: bool = False) -> dict:
        """End-of-run figures; with ``series=True`` also the monthly time series."""
        if self.stats is None:
            self.stats = metrics.snapshot(self)
        result = metrics.summary(self)
        if series:
            result["series"] = self.datacollector.get_model_vars_dataframe().to_dict("list")
        return result

    def exit_record(self) -> list[dict]:
        """Who left, when and why."""
        return [
            {"organization": self.names[i], "month": self.exit_month[i], "cause": c} for i, c in self.exit_cause.items()
        ]

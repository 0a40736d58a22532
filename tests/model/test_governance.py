"""Every governance rule passes one contract; then each rule's own scenarios.

The contract (after Axelrod's strategy tests): deterministic under a seed, one
valid decision per pending initiative, and no state kept in the rule or written
to the model while deciding.
"""

import copy

import numpy as np
import pytest

from coalition_sim import CoalitionModel, GovernanceRule, register, rule_names
from coalition_sim.model.governance import ADOPTED, BLOCKED, Decision
from coalition_sim.model.governance.base import concede
from coalition_sim.model.population import EXITED


@register
class LeadOrganization(GovernanceRule):
    """A rule written outside the package: the largest member decides alone and does the work."""

    name = "lead-organization"

    def decide(self, model, pending):
        members = model.core_indices()
        lead = members[np.argmax(model.capacity[members])]
        return [
            Decision(i, ADOPTED, model.position[lead].copy(), np.array([lead]), np.array([lead]), 1) for i in pending
        ]


ALL_RULES = rule_names()


def decisions_over(model, months):
    """Run ``months`` months, recording every decision the rule makes."""
    recorded = []
    original = model.rule.decide

    def recording(m, pending):
        out = original(m, pending)
        recorded.append((m.steps, [i.uid for i in pending], out))
        return out

    model.rule.decide = recording
    model.run(months)
    return recorded


@pytest.mark.parametrize("rule", ALL_RULES)
class TestRuleContract:
    def test_is_registered_and_builds(self, rule):
        assert CoalitionModel(governance=rule, seed=1).rule.name == rule

    def test_same_seed_same_decisions(self, rule):
        a = decisions_over(CoalitionModel(governance=rule, seed=3), 24)
        b = decisions_over(CoalitionModel(governance=rule, seed=3), 24)
        assert len(a) == len(b) and len(a) > 0
        for (_, _, da), (_, _, db) in zip(a, b):
            assert [(d.outcome, d.participants.tolist(), d.blueprint.tolist()) for d in da] == [
                (d.outcome, d.participants.tolist(), d.blueprint.tolist()) for d in db
            ]

    def test_decisions_are_valid(self, rule):
        model = CoalitionModel(governance=rule, seed=5, n_orgs=20)
        records = decisions_over(model, 36)
        outcomes = set()
        for _, pending_uids, decisions in records:
            assert [d.initiative.uid for d in decisions] == pending_uids  # one per pending, in order
            for d in decisions:
                outcomes.add(d.outcome)
                assert d.outcome in (ADOPTED, BLOCKED)
                assert d.blueprint.shape == (model.goal_dims,)
                assert np.all((d.blueprint >= 0) & (d.blueprint <= 1))
                assert len(set(d.participants.tolist())) == d.participants.size
                assert d.rounds >= 0
                if d.outcome == ADOPTED:
                    assert d.participants.size >= 1
                else:
                    assert d.participants.size == 0 and d.reason
        assert ADOPTED in outcomes

    def test_deciding_changes_no_model_state_and_keeps_no_rule_state(self, rule):
        model = CoalitionModel(governance=rule, seed=11)
        model.run(6)
        model.pending.extend(model.environment.arrivals(model.steps))
        rule_state = copy.deepcopy(model.rule.__dict__)
        arrays = {
            k: np.array(getattr(model, k), copy=True)
            for k in ("position", "energy", "status", "capacity", "tolerance", "trust")
        }
        model.rule.decide(model, list(model.pending))
        assert model.rule.__dict__ == rule_state
        for name, before in arrays.items():
            assert np.array_equal(np.asarray(getattr(model, name)), before), name


def test_participants_in_a_month_are_active_organizations():
    for rule in ALL_RULES:
        model = CoalitionModel(governance=rule, seed=8, n_orgs=15, patience=2)
        original = model.rule.decide

        def checking(m, pending, original=original, rule=rule):
            out = original(m, pending)
            for d in out:
                assert not np.any(m.status[d.participants] == EXITED), rule
            return out

        model.rule.decide = checking
        model.run(48)
        assert model.totals["exits"] > 0, rule  # exits happened, so the check had teeth


def test_a_rule_defined_outside_the_package_runs_the_model():
    model = CoalitionModel(governance="lead-organization", seed=2).run(24)
    assert model.totals["adopted"] > 0 and model.totals["blocked"] == 0


def test_a_rule_instance_can_be_passed_directly():
    model = CoalitionModel(governance=LeadOrganization(), seed=2).run(6)
    assert model.rule.name == "lead-organization"


# ---------------------------------------------------------------- scenarios
def run_rule(rule, population, months=24, **kw):
    defaults = dict(min_members=1, dormancy_limit=240, entry_rate=0.0, shock_rate=0.0, seed=4)
    defaults.update(kw)
    return CoalitionModel(governance=rule, population=population, **defaults)


def test_consensus_blocks_every_initiative_when_two_tolerances_do_not_overlap(make_population):
    pop = make_population([0.2, 0.8], [0.1, 0.1])
    model = run_rule("consensus", pop, backbone_strength=0.0)
    records = decisions_over(model, 36)
    decisions = [d for _, _, ds in records for d in ds]
    assert len(decisions) > 10
    assert all(d.outcome == BLOCKED for d in decisions)
    assert model.totals["adopted"] == 0 and model.totals["lapsed"] > 0


def test_consensus_adopts_undiluted_when_the_ideal_suits_everyone(make_population):
    pop = make_population([[0.5, 0.5], [0.52, 0.5], [0.5, 0.48]], [1.5, 1.5, 1.5])
    model = run_rule("consensus", pop, initiative_spread=0.1)
    decisions = [d for _, _, ds in decisions_over(model, 12) for d in ds]
    assert decisions and all(d.outcome == ADOPTED for d in decisions)
    assert model.all_dilutions and max(model.all_dilutions) == 0.0


def test_concession_lands_on_the_closest_acceptable_point_for_one_objector(make_population):
    pop = make_population([0.5, 0.9], [0.5, 0.2])
    model = run_rule("consensus", pop)
    draft, used, accepted = concede(model, model.core_indices(), np.array([0.3]), rounds=3)
    assert accepted and draft[0] == pytest.approx(0.7)  # the objector's tolerance edge


def test_majority_adopts_what_consensus_blocks(make_population):
    pop = make_population([0.45, 0.5, 0.55, 0.95], [0.2, 0.2, 0.2, 0.02])
    consensus = run_rule("consensus", pop, initiative_spread=0.02)
    majority = run_rule("majority", pop, initiative_spread=0.02)
    consensus.run(24), majority.run(24)
    assert consensus.totals["adopted"] == 0
    assert majority.totals["adopted"] > 5


def test_opt_in_partner_outside_its_tolerance_never_joins(make_population):
    # three partners near the purpose, one far away with a narrow tolerance
    pop = make_population(
        [[0.5, 0.5], [0.55, 0.5], [0.5, 0.55], [0.05, 0.05]], [0.4, 0.4, 0.4, 0.05], capacity=[1, 1, 1, 3]
    )
    model = run_rule("opt-in", pop, backbone_strength=1.0, initiative_spread=0.05, initiative_size=1.0)
    teams = [d.participants for _, _, ds in decisions_over(model, 48) for d in ds if d.outcome == ADOPTED]
    assert len(teams) > 10
    assert all(3 not in team for team in teams)
    assert any(0 in team for team in teams)  # the others do join: the test has teeth


def test_opt_in_declining_keeps_membership(make_population):
    pop = make_population(
        [[0.5, 0.5], [0.55, 0.5], [0.5, 0.55], [0.05, 0.05]], [0.4, 0.4, 0.4, 0.05], capacity=[1, 1, 1, 3]
    )
    model = run_rule("opt-in", pop, backbone_strength=1.0, initiative_spread=0.05).run(48)
    assert model.orgs[3].status == "core"


def test_opt_in_with_no_backbone_drafts_toward_the_stand_in(make_population):
    pop = make_population([[0.5, 0.5], [0.9, 0.9], [0.5, 0.55]], [0.5, 0.5, 0.5], capacity=[1, 5, 1])
    from coalition_sim.model.governance.opt_in import draft_blueprint

    strong = run_rule("opt-in", pop, backbone_strength=1.0)
    none = run_rule("opt-in", pop, backbone_strength=0.0)
    initiative = strong.environment._new(0)
    assert np.allclose(draft_blueprint(strong, initiative), initiative.ideal)
    drafts = np.array([draft_blueprint(none, initiative) for _ in range(200)])
    lead = none.position[1]
    # on average the stand-in's draft sits between the ideal and its own position
    assert np.linalg.norm(drafts.mean(axis=0) - lead) < np.linalg.norm(initiative.ideal - lead)

"""Random walks through the hazard lifecycle (hypothesis), against the real database.

Several people of several organisations take the steps: two enterprises (the hazard's and
another), grid staff of the hazard's grid and of another, the safety office, enforcement.
Whatever the sequence of steps, people and clock: the history only grows and never changes; a
hazard is closed only after verification by someone of another organisation than its fixer's; a
major hazard never starts work without its plan; only enforcement or the zone admin move a
hazard out of enforcement; only the safety office, the zone admin or enforcement close a major
hazard; a closed hazard stays closed; and an overdue hazard stays on the books (flagged) until it
is closed or given a new deadline.
"""

import uuid
from datetime import timedelta
from typing import get_args

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.inspections.deps import TENANCY
from services.inspections.hazard.models import EvidenceTag, Hazard, HazardTransition
from services.inspections.hazard.schemas import HazardReport, HazardStep
from services.inspections.hazard.service import add_evidence, apply_action, check_deadlines, report_hazard
from services.inspections.hazard.state_machine import allowed_actions, organisations
from services.inspections.runtime import runtime
from services.inspections.units.models import GridDuty
from shared.access import Access, access_for
from shared.auth import Principal, Role
from shared.clock import local_today, utc_now
from shared.errors import DomainError
from shared.events.contracts.inspections import UNDER_DEADLINE, HazardGrade, HazardSource, HazardState
from shared.uploads import Upload
from tests.support.inspections import known_unit
from tests.test_hazards import PNG, SIX_PARTS

GRID, OTHER_GRID = uuid.uuid4(), uuid.uuid4()
OTHER_ENTERPRISE = uuid.uuid4()


def people(unit_id: uuid.UUID) -> dict[str, Principal]:
    """Two of each organisation, so a colleague of the fixer is always at hand."""
    kinds = {
        "企业": ({Role.enterprise_user}, unit_id, set()),
        "他企": ({Role.enterprise_user}, OTHER_ENTERPRISE, set()),
        "网格员": ({Role.grid_member}, None, {GRID}),
        "网格长": ({Role.leader}, None, {GRID}),
        "邻格员": ({Role.grid_member}, None, {OTHER_GRID}),
        "安办": ({Role.safety_office}, None, set()),
        "执法": ({Role.enforcement_officer}, None, set()),
    }
    return {
        f"{kind}{n}": Principal(
            user_id=uuid.uuid5(uuid.NAMESPACE_DNS, f"{kind}{n}"), name=f"{kind}{n}",
            person_id=uuid.uuid5(uuid.NAMESPACE_URL, f"{kind}{n}"), roles=frozenset(roles),
            enterprise_id=enterprise, grid_ids=frozenset(grids),
        )
        for kind, (roles, enterprise, grids) in kinds.items()
        for n in (1, 2)
    }  # fmt: skip


def staff_their_grids(everyone: dict[str, Principal]) -> None:
    """The grid staff's duties in inspections' copy of the ledger: the policy reads grid scope there."""
    with runtime.transaction() as session:
        for person in everyone.values():
            for grid_id in person.grid_ids:
                session.merge(
                    GridDuty(
                        assignment_id=uuid.uuid5(uuid.NAMESPACE_OID, f"{person.name}:{grid_id}"),
                        person_id=person.person_id, grid_id=grid_id,
                        valid_from=local_today() - timedelta(days=365), valid_to=None, source_time=utc_now(),
                    )
                )  # fmt: skip


def acting(person: Principal, action: str, session: Session) -> Access:
    """The person's access to the hazard ledger, as an endpoint would give it (403 if not granted)."""
    return access_for(person, action, session, TENANCY)


NAMES = sorted(people(uuid.uuid4()))
ADMIN = Principal(user_id=uuid.uuid4(), name="管理员", roles=frozenset({Role.zone_admin}))
# Each step: which of the actions allowed in the hazard's state (or the clock, now and then), by
# whom, passed or not, how many days. Mostly allowed actions, so walks get as far as verification
# and close-out; the people's roles and organisations decide whether a step is refused.
CLOCK = 20
STEPS = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=CLOCK),
        st.sampled_from(NAMES),
        st.booleans(),
        st.integers(min_value=0, max_value=12),
    ),
    max_size=30,
)


def chosen_action(choice: int, state: HazardState) -> str:
    allowed = allowed_actions(state)
    return "clock" if choice == CLOCK or not allowed else allowed[choice % len(allowed)]


# each action's body model, by the action it is for
MODELS = {model.model_fields["action"].default: model for model in get_args(get_args(HazardStep)[0])}


def action_body(action: str, passed: bool, days: int, evidence_id: uuid.UUID) -> HazardStep:
    """Everything any step could need; each action's model takes the fields it has."""
    today = local_today()
    offered = {
        "reason": "随机步骤",
        "evidence_ids": [evidence_id],
        "deadline": today + timedelta(days=days),
        "responsible_person": "责任人",
        "measures": "措施",
        "plan": SIX_PARTS,
        "passed": passed,
        "evaluation": "评估",
        "restart_applied_on": today - timedelta(days=days),
        "authority_review_on": today,
        "enforcement_owner": "执法大队",
    }
    model = MODELS[action]
    if action == "regrade":
        offered["grade"] = HazardGrade.major if passed else HazardGrade.general
    if days % 4 == 0:  # now and then without the plan: a major hazard must then refuse to start work
        offered.pop("plan")
    offered["listing_authority"] = "区安委会"
    return model(**{name: value for name, value in offered.items() if name in model.model_fields})


def snapshot(hazard_id: uuid.UUID) -> tuple[Hazard, list[tuple]]:
    with runtime.transaction() as session:
        hazard = session.get(Hazard, hazard_id)
        rows = session.execute(
            select(
                HazardTransition.id, HazardTransition.action, HazardTransition.actor_id, HazardTransition.to_state,
                HazardTransition.details,
            )
            .where(HazardTransition.hazard_id == hazard_id)
            .order_by(HazardTransition.id)
        ).all()  # fmt: skip
        session.expunge(hazard)
        return hazard, [tuple(r) for r in rows]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(grade=st.sampled_from(HazardGrade), steps=STEPS)
def test_random_walks_keep_the_ledgers_promises(grade, steps):
    unit = known_unit(grid_id=GRID)
    everyone = people(unit)
    staff_their_grids(everyone)
    reporter = everyone["网格员1"]
    with runtime.transaction() as session:
        hazard, _ = report_hazard(
            session,
            HazardReport(
                unit_id=unit,
                source=HazardSource.grid_patrol,
                category="消防",
                grade=grade,
                location="x",
                description="y",
            ),
            acting(reporter, "hazard.report", session),
            None,
        )
        admin = acting(ADMIN, "hazard.step", session)
        evidence_id = add_evidence(session, hazard.id, Upload("photo.png", PNG), EvidenceTag.after, admin)[
            0
        ].id
        hazard_id = hazard.id
    day = local_today()
    before, history = snapshot(hazard_id)
    for choice, who, passed, days in steps:
        action = chosen_action(choice, before.state)
        try:
            with runtime.transaction() as session:
                if action == "clock":
                    day += timedelta(days=days)
                    check_deadlines(session, day)
                else:
                    body = action_body(action, passed, days, evidence_id)
                    apply_action(session, hazard_id, body, acting(everyone[who], "hazard.step", session))
        except DomainError:
            pass  # a refused step must change nothing: checked below
        after, new_history = snapshot(hazard_id)
        assert new_history[: len(history)] == history, "history rows changed or vanished"
        if len(new_history) == len(history):
            assert (after.state, after.deadline, after.overdue_since) == (
                before.state,
                before.deadline,
                before.overdue_since,
            )
        if before.state == HazardState.closed:
            assert after.state == HazardState.closed, "a closed hazard was reopened"
        by = next((p for p in everyone.values() if p.user_id == new_history[-1][2]), None)
        if after.state == HazardState.closed and before.state != HazardState.closed:
            verifications = [r for r in new_history if r[1] == "verify" and r[4].get("passed")]
            assert verifications and verifications[-1][2] != after.rectified_by, (
                "closed without independent verification"
            )
            if after.grade == HazardGrade.major:
                assert by is not None and by.has(Role.safety_office, Role.enforcement_officer), (
                    f"major hazard closed by {by}"
                )
        if after.state == HazardState.verified and before.state == HazardState.rectified:
            assert by is not None
            with runtime.transaction() as session:
                verifier_organisations = organisations(acting(by, "hazard.step", session))
            assert not verifier_organisations & set(after.rectified_by_organisations), (
                f"{by.name} verified a fix of their own organisation"
            )
            assert not (by.has(Role.enterprise_user) and by.enterprise_id == unit), "the unit verified itself"
        if after.grade == HazardGrade.major and after.state in UNDER_DEADLINE:
            assert after.plan is not None, "a major hazard started work without its plan"
        if before.state == HazardState.with_enforcement and after.state != HazardState.with_enforcement:
            assert by is not None and by.has(Role.enforcement_officer), f"{by} moved it out of enforcement"
        if before.overdue_since is not None and after.overdue_since is None:
            assert after.deadline is not None and after.deadline > before.deadline, (
                "overdue flag lost without a new deadline"
            )
        if after.state != before.state:
            event(f"reached {after.state.value}")
        before, history = after, new_history
    event(f"ended {before.state.value}")  # shown with --hypothesis-show-statistics

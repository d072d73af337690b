"""Random walks through the hazard lifecycle (hypothesis), against the real database.

Whatever the sequence of steps, people and clock: the history only grows and never changes,
a hazard is closed only after someone other than its fixer verified it, a closed hazard stays
closed, and an overdue hazard stays on the books (flagged) until it is closed or given a new deadline.
"""

import uuid
from datetime import timedelta
from typing import get_args

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from services.inspections.hazard.models import Hazard, HazardTransition
from services.inspections.hazard.schemas import HazardReport, HazardStep
from services.inspections.hazard.service import add_evidence, apply_action, check_deadlines, report_hazard
from services.inspections.hazard.state_machine import TRANSITIONS
from services.inspections.runtime import runtime
from shared.access import access_for
from shared.auth import Principal, Role
from shared.clock import local_today
from shared.errors import DomainError
from shared.events.contracts.inspections import HazardGrade, HazardSource, HazardState
from tests.support.inspections import known_unit
from tests.test_hazards import PNG, SIX_PARTS

PEOPLE = {
    name: access_for(
        Principal(
            user_id=uuid.uuid5(uuid.NAMESPACE_DNS, name), name=name, roles=frozenset({Role.zone_admin})
        ),
        "hazard.step",
    )
    for name in ("甲", "乙", "丙")
}
# Forward steps are listed more than once, so walks often get as far as verification and close-out.
ACTIONS = [*TRANSITIONS, "clock", "verify", "verify", "close", "close", "mark_rectified", "fix_on_spot"]
STEPS = st.lists(
    st.tuples(
        st.sampled_from(ACTIONS),
        st.sampled_from(sorted(PEOPLE)),
        st.booleans(),
        st.integers(min_value=0, max_value=12),
    ),
    max_size=20,
)


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
        "restart_applied_on": today,
        "authority_review_on": today + timedelta(days=days),
        "enforcement_owner": "执法大队",
    }
    model = MODELS[action]
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


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(grade=st.sampled_from(HazardGrade), steps=STEPS)
def test_random_walks_keep_the_ledgers_promises(grade, steps):
    unit = known_unit()
    reporter = PEOPLE["甲"]
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
            reporter,
            None,
        )
        evidence_id = add_evidence(session, hazard.id, "photo.png", PNG, reporter).id
        hazard_id = hazard.id
    day = local_today()
    before, history = snapshot(hazard_id)
    for action, who, passed, days in steps:
        try:
            with runtime.transaction() as session:
                if action == "clock":
                    day += timedelta(days=days)
                    check_deadlines(session, day)
                else:
                    apply_action(
                        session, hazard_id, action_body(action, passed, days, evidence_id), PEOPLE[who]
                    )
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
        if after.state == HazardState.closed and before.state != HazardState.closed:
            verifications = [r for r in new_history if r[1] == "verify" and r[4].get("passed")]
            assert verifications and verifications[-1][2] != after.rectified_by, (
                "closed without independent verification"
            )
        if before.overdue_since is not None and after.overdue_since is None:
            assert after.deadline is not None and after.deadline > before.deadline, (
                "overdue flag lost without a new deadline"
            )
        before, history = after, new_history
    event(f"ended {before.state.value}")  # shown with --hypothesis-show-statistics

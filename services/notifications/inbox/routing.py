"""Who must know about which hazard event (通知对象), as data with the work plan's defaults.

Audiences are resolved from the notifications service's own copy of the registry: the unit's
principal person, its grid's members and leader, the committee's safety office, the district
enforcement officers.
"""

import uuid
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from services.notifications.directory.models import DutyHolder, GridStaff

# event type -> audiences told at once; a major hazard adds MAJOR_EXTRA to any of them. Deadlines
# (due soon, overdue) are told by the reminders and the escalation ladder instead.
HAZARD_ROUTES: dict[str, tuple[str, ...]] = {
    "hazard.reported": ("unit_principal", "grid_members"),
    "hazard.escalated": ("grid_leader", "safety_office"),
    "hazard.rectification_ordered": ("unit_principal",),
    "hazard.verification_failed": ("unit_principal", "grid_members"),
    "hazard.refused": ("enforcement_officers", "safety_office", "grid_leader"),
    "hazard.closed": ("unit_principal", "grid_members"),
}
MAJOR_EXTRA = ("grid_leader", "safety_office")
URGENT_TYPES = frozenset({"hazard.escalated", "hazard.refused"})

# Who hears of a missed inspection (漏检): the grid's staff.
MISSED_INSPECTION_ROUTE = ("grid_members", "grid_leader")

# The escalation ladder (逾期逐级上报) for an overdue hazard: (step, audiences, urgent); the days
# after which each step is taken are settings.
LADDER_STEPS: tuple[tuple[int, tuple[str, ...], bool], ...] = (
    (1, ("unit_principal", "grid_members"), False),
    (2, ("grid_leader",), False),
    (3, ("enforcement_officers", "safety_office"), True),
)
DEADLINE_REMINDER_ROUTE = ("unit_principal", "grid_members")

# Reports units owe: reminded to the unit's head before the due date; once overdue, its grid member too.
REPORT_DUE_ROUTE = ("unit_principal",)
# Training duties, exams and certificates (§4.5): the enterprise's head.
TRAINING_ROUTE = ("unit_principal",)
REPORT_OVERDUE_ROUTE = ("unit_principal", "grid_members")


def _holders(session: Session, duty: str, scope_id: uuid.UUID | None, today: date) -> list[uuid.UUID]:
    query = select(DutyHolder.person_id).where(
        DutyHolder.duty == duty,
        DutyHolder.valid_from <= today,
        or_(DutyHolder.valid_to.is_(None), DutyHolder.valid_to >= today),
    )
    if scope_id is not None:
        query = query.where(DutyHolder.scope_id == scope_id)
    return list(session.scalars(query))


def recipients(
    session: Session,
    audiences: tuple[str, ...],
    unit_id: uuid.UUID | None,
    grid_id: uuid.UUID | None,
    today: date,
) -> dict[uuid.UUID, str]:
    """person id -> the audience that chose them (first one wins)."""
    staff = session.get(GridStaff, grid_id) if grid_id else None
    found: dict[uuid.UUID, str] = {}
    for audience in audiences:
        match audience:
            case "unit_principal":
                people = _holders(session, "principal_person", unit_id, today) if unit_id else []
            case "grid_members":
                people = list(staff.member_person_ids) if staff else []
            case "grid_leader":
                people = [staff.leader_person_id] if staff and staff.leader_person_id else []
            case "safety_office":
                people = _holders(session, "safety_office", None, today)
            case "enforcement_officers":
                people = _holders(session, "enforcement_officer", None, today)
            case _:
                raise ValueError(f"unknown audience {audience}")
        for person_id in people:
            found.setdefault(person_id, audience)
    return found

"""Who must know about which hazard event (通知对象), as data with the work plan's defaults.

Audiences are resolved from the notifications service's own copy of the registry: the unit's
principal person, its grid's members and leader, the committee's safety office, the district
enforcement officers.
"""

import uuid
from datetime import date

from sqlalchemy import Select, func, literal, or_, select, text, union_all
from sqlalchemy.orm import Session

from services.notifications.directory.models import DutyHolder, GridStaff

# Who may take the next step: verify a fix (independent of the unit that fixed it), close out.
VERIFIERS = ("grid_members", "grid_leader", "safety_office")
GENERAL_CLOSERS = ("grid_members", "grid_leader")
MAJOR_CLOSERS = ("safety_office",)

# event type -> audiences told at once; a major hazard adds MAJOR_EXTRA to any of them, unless
# MAJOR_ROUTES gives its own. Deadlines (due soon, overdue) are told by the reminders and the
# escalation ladder instead.
HAZARD_ROUTES: dict[str, tuple[str, ...]] = {
    "hazard.reported": ("unit_principal", "grid_members"),
    "hazard.escalated": ("grid_leader", "safety_office"),
    "hazard.rectification_ordered": ("unit_principal",),
    "hazard.fixed_on_spot": VERIFIERS,
    "hazard.rectified": VERIFIERS,
    "hazard.verification_failed": ("unit_principal", "grid_members"),
    "hazard.verified": GENERAL_CLOSERS,
    "hazard.refused": ("enforcement_officers", "safety_office", "grid_leader"),
    "hazard.closed": ("unit_principal", "grid_members"),
    "hazard.listed": ("unit_principal", "grid_members", "grid_leader"),  # 挂牌督办
    "hazard.review_late": ("safety_office",),
    "hazard.regraded": ("unit_principal", "grid_members"),
    "hazard.voided": ("unit_principal", "grid_members"),
    "hazard.unacted_reminded": ("unit_principal", "grid_members"),
    "hazard.unacted_escalated": ("grid_leader", "safety_office"),
}
MAJOR_EXTRA = ("grid_leader", "safety_office")
MAJOR_ROUTES: dict[str, tuple[str, ...]] = {"hazard.verified": MAJOR_CLOSERS}
URGENT_TYPES = frozenset({"hazard.escalated", "hazard.refused", "hazard.listed", "hazard.unacted_escalated"})

# A unit penalised again and again for major hazards (安全生产法第113条): who may act on it.
REPEAT_OFFENDER_ROUTE = ("safety_office", "enforcement_officers")

# Who hears of a missed inspection (漏检): the grid staff who owed it (named by the event), else
# the grid's staff of today; a unit's own missed duty (e.g. its self-check) goes to the unit's head.
MISSED_INSPECTION_ROUTE = ("grid_members", "grid_leader")
OWN_DUTY_ROUTE = ("unit_principal",)

# The escalation ladder (逾期逐级上报) for an overdue hazard: (step, audiences, urgent); the days
# after which each step is taken are settings.
LADDER_STEPS: tuple[tuple[int, tuple[str, ...], bool], ...] = (
    (1, ("unit_principal", "grid_members"), False),
    (2, ("grid_leader",), False),
    (3, ("enforcement_officers", "safety_office"), True),
)
DEADLINE_REMINDER_ROUTE = ("unit_principal", "grid_members")

# Reports units owe, soon due or overdue (report.due, report.overdue): the unit's head and grid member.
REPORT_ROUTE = ("unit_principal", "grid_members")
# Training duties, exams and certificates (§4.5): the enterprise's head.
TRAINING_ROUTE = ("unit_principal",)


def _holders(duty: str, scope_id: uuid.UUID | None, today: date) -> Select:
    query = select(DutyHolder.person_id).where(
        DutyHolder.duty == duty,
        DutyHolder.valid_from <= today,
        or_(DutyHolder.valid_to.is_(None), DutyHolder.valid_to >= today),
    )
    if scope_id is not None:
        query = query.where(DutyHolder.scope_id == scope_id)
    return query


def _audience(
    audience: str, unit_id: uuid.UUID | None, grid_id: uuid.UUID | None, today: date
) -> Select | None:
    """The people of one audience, as a query (None when the event names no unit or grid for it)."""
    match audience:
        case "unit_principal":
            return _holders("principal_person", unit_id, today) if unit_id else None
        case "grid_members":
            members = func.unnest(GridStaff.member_person_ids)
            standing = GridStaff.valid_to.is_(None)  # an abolished grid has no one to tell
            return select(members).where(GridStaff.grid_id == grid_id, standing) if grid_id else None
        case "grid_leader":
            leader = GridStaff.leader_person_id
            return (
                select(leader).where(
                    GridStaff.grid_id == grid_id, leader.is_not(None), GridStaff.valid_to.is_(None)
                )
                if grid_id
                else None
            )
        case "safety_office":
            return _holders("safety_office", None, today)
        case "enforcement_officers":
            return _holders("enforcement_officer", None, today)
    raise ValueError(f"unknown audience {audience}")


def recipients(
    session: Session,
    audiences: tuple[str, ...],
    unit_id: uuid.UUID | None,
    grid_id: uuid.UUID | None,
    today: date,
) -> dict[uuid.UUID, str]:
    """person id -> the audience that chose them (the first one wins), in one query."""
    parts = [
        query.add_columns(literal(rank).label("rank"))
        for rank, audience in enumerate(audiences)
        if (query := _audience(audience, unit_id, grid_id, today)) is not None
    ]
    if not parts:
        return {}
    found: dict[uuid.UUID, str] = {}
    for person_id, rank in session.execute(union_all(*parts).order_by(text("rank"))):
        found.setdefault(person_id, audiences[rank])
    return found

"""Who must know about which hazard event (通知对象), as data with the work plan's defaults.

Audiences are resolved from the notifications service's own copy of the registry: the unit's
principal person, its grid's members and leader, the committee's safety office, the district
enforcement officers.
"""

import uuid
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    Select,
    bindparam,
    func,
    literal,
    or_,
    select,
    text,
    true,
    union_all,
)
from sqlalchemy.orm import Session

from services.notifications.directory.models import DutyHolder, GridStaff, UnitContact
from services.notifications.directory.service import unit_not_known

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


# The queries below are built once per route and shape, with the unit, grid and day as parameters:
# a consumer resolves recipients for every event, and building the query cost more than running it.
def _holders(duty: str, scoped: bool) -> Select:
    today: BindParameter[date] = bindparam("today")
    query = select(DutyHolder.person_id).where(
        DutyHolder.duty == duty,
        DutyHolder.valid_from <= today,
        or_(DutyHolder.valid_to.is_(None), DutyHolder.valid_to >= today),
    )
    if scoped:
        query = query.where(DutyHolder.scope_id == bindparam("unit_id"))
    return query


def _audience(audience: str, has_unit: bool, has_grid: bool) -> Select | None:
    """The people of one audience, as a query (None when the event names no unit or grid for it)."""
    grid = GridStaff.grid_id == bindparam("grid_id")
    standing = GridStaff.valid_to.is_(None)  # an abolished grid has no one to tell
    match audience:
        case "unit_principal":
            return _holders("principal_person", scoped=True) if has_unit else None
        case "grid_members":
            return (
                select(func.unnest(GridStaff.member_person_ids).label("person_id")).where(grid, standing)
                if has_grid
                else None
            )
        case "grid_leader":
            leader = GridStaff.leader_person_id
            return (
                select(leader.label("person_id")).where(grid, leader.is_not(None), standing)
                if has_grid
                else None
            )
        case "safety_office":
            return _holders("safety_office", scoped=False)
        case "enforcement_officers":
            return _holders("enforcement_officer", scoped=False)
    raise ValueError(f"unknown audience {audience}")


@lru_cache(maxsize=256)
def _chosen(audiences: tuple[str, ...], has_unit: bool, has_grid: bool) -> CompoundSelect | None:
    """(person_id, rank) of every audience's people, rank being the audience's place in `audiences`."""
    parts = [
        query.add_columns(literal(rank).label("rank"))
        for rank, audience in enumerate(audiences)
        if (query := _audience(audience, has_unit, has_grid)) is not None
    ]
    return union_all(*parts) if parts else None


@lru_cache(maxsize=256)
def _recipients_query(audiences: tuple[str, ...], has_unit: bool, has_grid: bool) -> CompoundSelect | None:
    chosen = _chosen(audiences, has_unit, has_grid)
    return chosen.order_by(text("rank")) if chosen is not None else None


@lru_cache(maxsize=256)
def _unit_and_recipients_query(audiences: tuple[str, ...], has_grid: bool) -> Select:
    query = select(UnitContact).where(UnitContact.unit_id == bindparam("unit_id"))
    chosen = _chosen(audiences, True, has_grid)
    if chosen is None:
        return query
    people = chosen.subquery("chosen")
    return (
        query.add_columns(people.c.person_id, people.c.rank).outerjoin(people, true()).order_by(people.c.rank)
    )


def _first_audience(audiences: tuple[str, ...], rows: Iterable[Sequence[Any]]) -> dict[uuid.UUID, str]:
    """person id -> the audience that chose them (the first one wins), from (person_id, rank) rows."""
    found: dict[uuid.UUID, str] = {}
    for person_id, rank in rows:
        if person_id is not None:
            found.setdefault(person_id, audiences[rank])
    return found


def recipients(
    session: Session,
    audiences: tuple[str, ...],
    unit_id: uuid.UUID | None,
    grid_id: uuid.UUID | None,
    today: date,
) -> dict[uuid.UUID, str]:
    """person id -> the audience that chose them (the first one wins), in one query."""
    query = _recipients_query(audiences, unit_id is not None, grid_id is not None)
    if query is None:
        return {}
    rows = session.execute(query, {"unit_id": unit_id, "grid_id": grid_id, "today": today})
    return _first_audience(audiences, rows)


def unit_and_recipients(
    session: Session, audiences: tuple[str, ...], unit_id: uuid.UUID, grid_id: uuid.UUID | None, today: date
) -> tuple[UnitContact, dict[uuid.UUID, str]]:
    """The unit's contact and its recipients (as `recipients`) in one query; RetryLater while the
    registry's event of the unit has not arrived."""
    query = _unit_and_recipients_query(audiences, grid_id is not None)
    rows = session.execute(query, {"unit_id": unit_id, "grid_id": grid_id, "today": today}).all()
    if not rows:
        raise unit_not_known(unit_id)
    if len(rows[0]) == 1:  # the route names no one the event can reach
        return rows[0][0], {}
    return rows[0][0], _first_audience(audiences, (row[1:] for row in rows))

"""The responsibility ledger: start and end assignments, ask who holds a duty on a day."""

import uuid
from datetime import date, timedelta

from sqlalchemy import ColumnElement, case, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.registry.effective.dates import ASSIGNMENT, schedule
from services.registry.enterprise.models import Enterprise
from services.registry.grid.models import Grid, Zone
from services.registry.organisation.models import OrgUnit, Post
from services.registry.people.models import Person
from services.registry.responsibility.duties import DUTIES, ScopeType
from services.registry.responsibility.models import Assignment
from services.registry.responsibility.schemas import AssignmentCreate
from services.registry.runtime import runtime
from shared.access import Access
from shared.clock import utc_now
from shared.errors import Conflict, InvalidInput, NotFound
from shared.events.contracts.registry import AssignmentChangedV1
from shared.pagination import Keyset, Page, PageRequest

SCOPE_MODELS: dict[ScopeType, type] = {
    ScopeType.zone: Zone,
    ScopeType.grid: Grid,
    ScopeType.enterprise: Enterprise,
    ScopeType.org_unit: OrgUnit,
    ScopeType.post: Post,
}


ASSIGNMENTS_BY_ID = Keyset("assignments", Assignment.id)


def on_day(day: date) -> ColumnElement[bool]:
    """Assignments in force on `day` (both ends inclusive)."""
    return (Assignment.valid_from <= day) & or_(Assignment.valid_to.is_(None), Assignment.valid_to >= day)


def holders(session: Session, scope_id: uuid.UUID, duty: str, day: date) -> list[Assignment]:
    return list(
        session.scalars(
            select(Assignment)
            .where(Assignment.scope_id == scope_id, Assignment.duty == duty, on_day(day))
            .order_by(Assignment.valid_from, Assignment.created_at)
        )
    )


def publish_assignment(session: Session, assignment: Assignment) -> None:
    """Raise the assignment's version and publish it; a grid's duty republishes the grid's staff."""
    assignment.version += 1
    session.flush()
    runtime.publish(
        session,
        AssignmentChangedV1(
            assignment_id=assignment.id,
            person_id=assignment.person_id,
            duty=assignment.duty,
            scope_type=assignment.scope_type,
            scope_id=assignment.scope_id,
            valid_from=assignment.valid_from,
            valid_to=assignment.valid_to,
            version=assignment.version,
        ),
        subject=str(assignment.scope_id),
    )
    if assignment.scope_type == ScopeType.grid:
        from services.registry.grid.service import publish_grid_changed

        grid = session.get(Grid, assignment.scope_id)
        if grid is not None and grid.valid_to is None:  # an abolished grid's last word is grid.deleted
            publish_grid_changed(session, grid)


def start_assignment(session: Session, data: AssignmentCreate, user: Access) -> Assignment:
    duty = DUTIES.get(data.duty)
    if duty is None:
        raise InvalidInput(f"未知职责 / unknown duty {data.duty!r}; known: {', '.join(DUTIES)}", field="duty")
    if session.get(Person, data.person_id) is None:
        raise InvalidInput(f"人员不存在 / person {data.person_id} does not exist", field="person_id")
    scope = session.get(SCOPE_MODELS[duty.scope_type], data.scope_id)
    if scope is None:
        raise InvalidInput(
            f"{duty.scope_type.value} {data.scope_id} 不存在 / does not exist (duty {data.duty} applies to a "
            f"{duty.scope_type.value})",
            field="scope_id",
        )
    if isinstance(scope, Grid) and scope.valid_to is not None:
        raise Conflict(
            f"网格 {scope.code} 已于 {scope.valid_to} 撤销 / grid {scope.code} was abolished (its last day was "
            f"{scope.valid_to}); no one takes a duty in it",
            field="scope_id",
        )
    if duty.sole:
        _refuse_overlap(session, data)
    assignment = Assignment(
        id=uuid.uuid4(),
        person_id=data.person_id,
        duty=data.duty,
        scope_type=duty.scope_type,
        scope_id=data.scope_id,
        sole=duty.sole,
        version=0,
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        note=data.note,
        created_by=user.user_id,
    )
    session.add(assignment)
    try:
        session.flush()
    except IntegrityError:  # a concurrent assignment won the race for a sole duty
        raise Conflict("该职责在此期间已有人担任 / another person holds this sole duty then") from None
    publish_assignment(session, assignment)
    _schedule_ends(session, assignment)
    return assignment


def _schedule_ends(session: Session, assignment: Assignment) -> None:
    """An assignment starting, or ending, after today is published again on the day it does."""
    schedule(session, ASSIGNMENT, assignment.id, assignment.valid_from)
    if assignment.valid_to is not None:
        schedule(session, ASSIGNMENT, assignment.id, assignment.valid_to + timedelta(days=1))


def _refuse_overlap(session: Session, data: AssignmentCreate) -> None:
    end = data.valid_to or date.max
    clash = session.scalar(
        select(Assignment).where(
            Assignment.scope_id == data.scope_id,
            Assignment.duty == data.duty,
            Assignment.valid_from <= end,
            or_(Assignment.valid_to.is_(None), Assignment.valid_to >= data.valid_from),
        )
    )
    if clash is not None:
        holder = session.get_one(Person, clash.person_id)  # a foreign key
        until = clash.valid_to.isoformat() if clash.valid_to else "open"
        raise Conflict(
            f"该职责已由{holder.name}担任({clash.valid_from}至{until}) / this sole duty is held by "
            f"{holder.name} from {clash.valid_from} to {until}; end that assignment first",
            field="valid_from",
        )


def end_assignment(
    session: Session, assignment_id: uuid.UUID, valid_to: date, reason: str, user: Access
) -> Assignment:
    assignment = session.get(Assignment, assignment_id, with_for_update=True)
    if assignment is None:
        raise NotFound(f"责任记录不存在 / assignment {assignment_id} not found")
    if assignment.valid_to is not None:
        raise Conflict(
            f"该记录已于{assignment.valid_to}终止,历史不可改写 / already ended on {assignment.valid_to}; "
            "history is never rewritten"
        )
    if valid_to < assignment.valid_from:
        raise InvalidInput(
            f"终止日期早于起始日期 {assignment.valid_from} / ends before it starts", field="valid_to"
        )
    assignment.valid_to = valid_to
    assignment.end_reason = reason
    assignment.ended_by = user.user_id
    assignment.ended_at = utc_now()
    session.flush()
    publish_assignment(session, assignment)
    _schedule_ends(session, assignment)
    return assignment


def _unit_of_scope() -> ColumnElement[uuid.UUID | None]:
    """The enterprise an assignment's scope belongs to (its org unit's or post's enterprise)."""
    org_unit_enterprise = select(OrgUnit.enterprise_id).where(OrgUnit.id == Assignment.scope_id)
    post_enterprise = (
        select(OrgUnit.enterprise_id)
        .join(Post, Post.org_unit_id == OrgUnit.id)
        .where(Post.id == Assignment.scope_id)
    )
    return case(
        (Assignment.scope_type == ScopeType.enterprise, Assignment.scope_id),
        (Assignment.scope_type == ScopeType.org_unit, org_unit_enterprise.scalar_subquery()),
        (Assignment.scope_type == ScopeType.post, post_enterprise.scalar_subquery()),
    )


def ledger(
    session: Session,
    user: Access,
    *,
    scope_id: uuid.UUID | None,
    person_id: uuid.UUID | None,
    on: date | None,
    page: PageRequest,
) -> Page[Assignment]:
    # The zone's own duties (who leads the committee, who is on the safety office) are public.
    query = user.narrow(
        select(Assignment),
        unit=_unit_of_scope(),
        grid=case((Assignment.scope_type == ScopeType.grid, Assignment.scope_id)),
        person=Assignment.person_id,
        also=Assignment.scope_type == ScopeType.zone,
    )
    if scope_id is not None:
        query = query.where(Assignment.scope_id == scope_id)
    if person_id is not None:
        query = query.where(Assignment.person_id == person_id)
    if on is not None:
        query = query.where(on_day(on))
    return ASSIGNMENTS_BY_ID.fetch(session, query, page)

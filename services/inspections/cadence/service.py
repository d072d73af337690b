"""The cadence engine: which recurring duties are due, done or missed, per subject and period.

One engine for every recurring duty: inspections, pre-shift training per team, the monthly
exam, the half-yearly publicity activity.
"""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from pydantic import MISSING, BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import InstrumentedAttribute, Session

from services.inspections.cadence.models import CadenceRule, MissedNotice
from services.inspections.inspection.models import Inspection
from services.inspections.runtime import runtime
from services.inspections.training.models import Exam, PostHolder, Team, TrainingSession, UnitPerson
from services.inspections.units.models import SupervisedGrid, SupervisedUnit
from shared.access import Access
from shared.errors import NotFound
from shared.events.contracts.inspections import (
    InspectionDueV1,
    InspectionMissedV1,
    TrainingDueV1,
    TrainingMissedV1,
)
from shared.events.contracts.registry import ProductionStatus
from shared.pagination import Page, PageRequest, Positions
from shared.periods import Period, containing

COVERAGE = Positions("cadence-coverage")


class RuleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # A field left out stays as it is; null clears only what may be empty (typed `| None`).
    required: int | MISSING = Field(MISSING, ge=1, le=100)
    grace_days: int | MISSING = Field(MISSING, ge=0, le=60)
    remind_after_days: int | None = Field(
        None, ge=0, le=365, description="remind a duty not done this many days in; null: no reminder"
    )
    active: bool | MISSING = MISSING


class Obligation(BaseModel):
    rule_code: str
    subject_id: uuid.UUID
    subject_name: str
    unit_id: uuid.UUID | None  # the unit, or the team's unit; None for a grid
    grid_id: uuid.UUID | None
    period: str
    period_start: date
    period_end: date  # the last day, in the period
    required: int
    done: int
    status: str  # done | due | missed


@dataclass(frozen=True)
class Subject:
    id: uuid.UUID
    name: str
    unit_id: uuid.UUID | None
    grid_id: uuid.UUID | None


def _subjects(session: Session, rule: CadenceRule, user: Access | None, on: date) -> list[Subject]:
    if rule.subject == "grids":
        grids = select(SupervisedGrid)
        if user is not None:
            grids = user.narrow(grids, grid=SupervisedGrid.id)
        return [
            Subject(g.id, g.name, None, g.id) for g in session.scalars(grids.order_by(SupervisedGrid.code))
        ]
    query = select(SupervisedUnit).where(SupervisedUnit.production_status != ProductionStatus.closed)
    if rule.subject == "key_units":
        query = query.where(SupervisedUnit.key_supervision.is_(True))
    if user is not None:
        query = user.narrow(query, unit=SupervisedUnit.id, grid=SupervisedUnit.grid_id)
    if rule.subject == "three_post_people":
        holders = session.execute(
            select(PostHolder.person_id, UnitPerson.name, SupervisedUnit)
            .join(SupervisedUnit, SupervisedUnit.id == PostHolder.unit_id)
            .outerjoin(UnitPerson, UnitPerson.person_id == PostHolder.person_id)
            .where(
                SupervisedUnit.id.in_(query.with_only_columns(SupervisedUnit.id)),
                PostHolder.valid_from <= on,
                PostHolder.valid_to.is_(None) | (PostHolder.valid_to >= on),
            )
            .distinct()
            .order_by(SupervisedUnit.name, SupervisedUnit.id, UnitPerson.name, PostHolder.person_id)
        )
        return [Subject(p, f"{u.name} {name or p}", u.id, u.grid_id) for p, name, u in holders]
    if rule.subject == "teams":
        teams = session.execute(
            select(Team, SupervisedUnit)
            .join(SupervisedUnit, SupervisedUnit.id == Team.unit_id)
            .where(Team.active, SupervisedUnit.id.in_(query.with_only_columns(SupervisedUnit.id)))
            .order_by(SupervisedUnit.name, SupervisedUnit.id, Team.name, Team.id)
        )
        return [Subject(t.id, f"{u.name} {t.name}", u.id, u.grid_id) for t, u in teams]
    return [
        Subject(u.id, u.name, u.id, u.grid_id)
        for u in session.scalars(query.order_by(SupervisedUnit.name, SupervisedUnit.id))
    ]


def _done(session: Session, rule: CadenceRule, period: Period) -> dict[uuid.UUID, int]:
    """How many records count for each subject in the period."""
    key: ColumnElement[uuid.UUID] | InstrumentedAttribute[uuid.UUID | None]  # the subject's column
    match rule.record:
        case "training" if rule.subject == "three_post_people":  # counted per attendee
            attendees = (
                select(func.unnest(TrainingSession.attendee_ids).label("person_id"))
                .where(TrainingSession.kind == rule.activity, period.includes(TrainingSession.held_on))
                .subquery()
            )
            key = attendees.c.person_id
            query = select(key, func.count())
        case "training":
            key = TrainingSession.team_id if rule.subject == "teams" else TrainingSession.unit_id
            query = select(key, func.count()).where(
                TrainingSession.kind == rule.activity, period.includes(TrainingSession.held_on)
            )
        case "exam":
            key = Exam.unit_id
            query = select(key, func.count()).where(period.includes(Exam.held_on))
        case _:
            key = Inspection.grid_id if rule.subject == "grids" else Inspection.unit_id
            query = select(key, func.count()).where(
                Inspection.kind == rule.activity, period.includes(Inspection.inspected_on)
            )
    return dict(session.execute(query.group_by(key)).all())


def get_rule(session: Session, code: str) -> CadenceRule:
    rule = session.get(CadenceRule, code)
    if rule is None:
        raise NotFound(f"频次规则不存在 / no cadence rule {code}")
    return rule


def change_rule(session: Session, code: str, data: RuleChange) -> CadenceRule:
    rule = get_rule(session, code)
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(rule, name, value)
    session.flush()
    return rule


def obligations(
    session: Session, rule: CadenceRule, on: date, today: date, user: Access | None
) -> list[Obligation]:
    """Each subject's obligation in the period containing `on`, as it stands `today`."""
    period = containing(rule.period, on)
    done = _done(session, rule, period)
    ended = period.end + timedelta(days=rule.grace_days) <= today  # the grace's last day is past
    result = []
    for subject in _subjects(session, rule, user, on):
        count = done.get(subject.id, 0)
        status = "done" if count >= rule.required else "missed" if ended else "due"
        result.append(
            Obligation(
                rule_code=rule.code,
                subject_id=subject.id,
                subject_name=subject.name,
                unit_id=subject.unit_id,
                grid_id=subject.grid_id,
                period=period.label,
                period_start=period.start,
                period_end=period.last_day,
                required=rule.required,
                done=count,
                status=status,
            )
        )
    return result


def last_closed_period_day(rule: CadenceRule, today: date) -> date:
    """A day inside the latest period whose end plus grace is already past."""
    candidate = today - timedelta(days=rule.grace_days + 1)
    period = containing(rule.period, candidate)
    return candidate if candidate == period.last_day else period.start - timedelta(days=1)


def check_missed(session: Session, today: date) -> int:
    """Emit inspection.missed or training.missed once per rule, subject and period, however often it runs."""
    emitted = 0
    for rule in session.scalars(select(CadenceRule).where(CadenceRule.active.is_(True))):
        for obligation in obligations(session, rule, last_closed_period_day(rule, today), today, None):
            if obligation.status == "missed":
                emitted += _emit_once(session, rule, obligation, "missed")
    return emitted


def check_due(session: Session, today: date) -> int:
    """Remind duties still not done on their rule's reminder day (inspection.due, training.due), once each."""
    emitted = 0
    rules = select(CadenceRule).where(
        CadenceRule.active.is_(True), CadenceRule.remind_after_days.is_not(None)
    )
    for rule in session.scalars(rules):
        assert rule.remind_after_days is not None  # the query takes only rules with a reminder day
        if today < containing(rule.period, today).start + timedelta(days=rule.remind_after_days):
            continue
        for obligation in obligations(session, rule, today, today, None):
            if obligation.status == "due":
                emitted += _emit_once(session, rule, obligation, "due")
    return emitted


def _emit_once(session: Session, rule: CadenceRule, obligation: Obligation, notice: str) -> int:
    claimed = session.execute(
        insert(MissedNotice)
        .values(
            rule_code=rule.code,
            subject_id=obligation.subject_id,
            period_start=obligation.period_start,
            notice=notice,
        )
        .on_conflict_do_nothing()
        .returning(MissedNotice.id)
    ).first()
    if claimed is None:
        return 0
    runtime.publish(session, _event(rule, obligation, notice), subject=str(obligation.subject_id))
    return 1


def _event(rule: CadenceRule, obligation: Obligation, notice: str) -> InspectionMissedV1 | TrainingMissedV1:
    period = {
        "subject_id": obligation.subject_id,
        "grid_id": obligation.grid_id,
        "period": obligation.period,
        "period_start": obligation.period_start,
        "period_end": obligation.period_end,
        "done": obligation.done,
        "required": obligation.required,
    }
    if rule.record == "inspection":
        inspection = InspectionDueV1 if notice == "due" else InspectionMissedV1
        return inspection(rule_code=rule.code, inspection_kind=rule.activity, **period)
    training = TrainingDueV1 if notice == "due" else TrainingMissedV1
    return training(rule_code=rule.code, activity=rule.activity, unit_id=obligation.unit_id, **period)


class CoverageCount(BaseModel):
    """How a grid stands against one recurring duty in the period containing a day (覆盖情况)."""

    rule_code: str
    label: str
    grid_id: uuid.UUID | None
    period: str
    done: int
    due: int
    missed: int


def obligations_page(
    session: Session, rule: CadenceRule, on: date, today: date, user: Access, page: PageRequest
) -> Page[Obligation]:
    """A page of `obligations`, in its order (subjects by name)."""
    return Positions(f"cadence-status-{rule.code}").slice(obligations(session, rule, on, today, user), page)


def coverage(
    session: Session, on: date, today: date, user: Access | None, page: PageRequest
) -> Page[CoverageCount]:
    """Every active duty's obligations counted per grid: done, still due, missed."""
    counts: dict[tuple[str, uuid.UUID | None], CoverageCount] = {}
    for rule in session.scalars(
        select(CadenceRule).where(CadenceRule.active.is_(True)).order_by(CadenceRule.code)
    ):
        for obligation in obligations(session, rule, on, today, user):
            key = (rule.code, obligation.grid_id)
            row = counts.setdefault(
                key,
                CoverageCount(
                    rule_code=rule.code, label=rule.label, grid_id=obligation.grid_id, period=obligation.period,
                    done=0, due=0, missed=0,
                ),
            )  # fmt: skip
            setattr(row, obligation.status, getattr(row, obligation.status) + 1)
    return COVERAGE.slice(list(counts.values()), page)

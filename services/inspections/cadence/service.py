"""The cadence engine: which recurring duties are due, done or missed, per subject and period.

One engine for every recurring duty: inspections, pre-shift training per team, the monthly
exam, the half-yearly publicity activity.

Every period is judged by what was true then, never by today's rows:

- the rule's terms are those of the version in force on the period's first day; a period whose
  first day has no version, or an inactive one, owes nothing (nothing is owed before a rule
  took effect, and a change from a day never rewrites a period begun before it);
- a daily duty is owed on the zone's working days only (the zone calendar), unless the rule's
  version counts calendar days;
- a subject owes a period's duty when it qualifies on the period's first day and still exists on
  its last day (the mid-period rule): a unit registered, made key or restarted mid-month owes the
  monthly duties from the next month; a grid established mid-week owes the weekly duty from the
  next week; a unit closed, or a grid abolished, before a period ends owes nothing for it;
- units: a closed unit owes nothing; a suspended unit (停产) owes no daily duty while suspended;
- for grid duties, the responsible people are the grid staff who held the duty (leader or
  member) on the period's last day, else the last who held it within the period.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from pydantic import MISSING, BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from services.inspections.cadence.models import CadenceCheck, CadenceRule, CadenceRuleVersion, MissedNotice
from services.inspections.inspection.models import Inspection
from services.inspections.runtime import runtime
from services.inspections.training.models import Exam, PostHolder, Team, TrainingSession, UnitPerson
from services.inspections.units.models import GridDuty, SupervisedGrid, SupervisedUnit, UnitState
from services.inspections.zone_calendar.service import is_working_day
from shared.access import Access
from shared.clock import local_today
from shared.errors import Conflict, InvalidInput, NotFound
from shared.events.contracts.inspections import (
    DutyHolder,
    InspectionDueV1,
    InspectionMissedV1,
    TrainingDueV1,
    TrainingMissedV1,
)
from shared.events.contracts.registry import ProductionStatus
from shared.inputs import Day, StorableText
from shared.pagination import Page, PageRequest, Positions
from shared.periods import Period, PeriodKind, containing

COVERAGE = Positions("cadence-coverage")
TERMS = ("required", "grace_days", "remind_after_days", "active", "calendar_days")


class RuleChange(BaseModel):
    """New terms of a rule from a day on; a term left out keeps its value in force on that day."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    valid_from: Day | None = Field(None, title="生效日期 / the first day the terms apply; today if empty")
    valid_to: Day | None = Field(
        None, title="截止日期 / the last day they apply (inclusive); after it the earlier terms resume"
    )
    required: int | MISSING = Field(MISSING, ge=1, le=100)
    grace_days: int | MISSING = Field(MISSING, ge=0, le=60)
    remind_after_days: int | None | MISSING = Field(
        MISSING, ge=0, le=365, description="remind a duty not done this many days in; null: no reminder"
    )
    active: bool | MISSING = MISSING
    calendar_days: bool | MISSING = Field(
        MISSING, description="a daily duty counts every calendar day, not only working days"
    )
    source: StorableText | None = Field(None, max_length=500, title="依据 / the document or decision")
    reason: StorableText | None = Field(
        None, max_length=2000, title="原因 / why; required when the first day is in the past"
    )


class RuleVersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    valid_from: date
    required: int
    grace_days: int
    remind_after_days: int | None
    active: bool
    calendar_days: bool
    source: str
    reason: str | None


class RuleOut(BaseModel):
    code: str
    label: str
    record: str
    activity: str
    subject: str
    period: PeriodKind
    owed_by: DutyHolder
    on: date
    # the terms in force on `on` (none before the rule's first version)
    required: int | None
    grace_days: int | None
    remind_after_days: int | None
    active: bool
    calendar_days: bool
    versions: list[RuleVersionOut]


class Obligation(BaseModel):
    rule_code: str
    subject_id: uuid.UUID
    subject_name: str
    unit_id: uuid.UUID | None  # the unit, or the team's unit; None for a grid
    grid_id: uuid.UUID | None  # the grid on the period's last day
    owed_by: DutyHolder
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


class Terms:
    """A rule's versions, oldest first: the terms in force on any day."""

    def __init__(self, versions: Sequence[CadenceRuleVersion]) -> None:
        self.versions = list(versions)

    @classmethod
    def of(cls, session: Session, code: str) -> "Terms":
        return cls(
            session.scalars(
                select(CadenceRuleVersion)
                .where(CadenceRuleVersion.rule_code == code)
                .order_by(CadenceRuleVersion.valid_from)
            ).all()
        )

    def on(self, day: date) -> CadenceRuleVersion | None:
        found = None
        for version in self.versions:
            if version.valid_from > day:
                break
            found = version
        return found

    def first_day(self) -> date | None:
        return self.versions[0].valid_from if self.versions else None


def _in_force(state: type[UnitState], day: date) -> ColumnElement[bool]:
    return and_(state.valid_from <= day, or_(state.valid_to.is_(None), state.valid_to >= day))


def _subjects(session: Session, rule: CadenceRule, period: Period, user: Access | None) -> list[Subject]:
    """The subjects that owe the rule's duty in the period (see the module's mid-period rule)."""
    start, last = period.start, period.last_day
    if rule.subject == "grids":
        grids = select(SupervisedGrid).where(
            SupervisedGrid.valid_from <= start,
            or_(SupervisedGrid.valid_to.is_(None), SupervisedGrid.valid_to >= last),
        )
        if user is not None:
            grids = user.narrow(grids, grid=SupervisedGrid.id)
        return [
            Subject(g.id, g.name, None, g.id)
            for g in session.scalars(grids.order_by(SupervisedGrid.code, SupervisedGrid.id))
        ]
    first, final = aliased(UnitState), aliased(UnitState)
    owing = [
        first.production_status != ProductionStatus.closed,
        final.production_status != ProductionStatus.closed,
    ]
    if period.kind == PeriodKind.day:  # a suspended unit owes no daily duty while suspended
        owing.append(first.production_status != ProductionStatus.suspended)
    if rule.subject == "key_units":
        owing.append(first.key_supervision.is_(True))
    query = (
        select(SupervisedUnit.id, SupervisedUnit.name, final.grid_id)
        .join(first, and_(first.unit_id == SupervisedUnit.id, _in_force(first, start)))
        .join(final, and_(final.unit_id == SupervisedUnit.id, _in_force(final, last)))
        .where(*owing)
    )
    if user is not None:
        query = user.narrow(query, unit=SupervisedUnit.id, grid=final.grid_id)
    units = query.subquery()
    if rule.subject == "three_post_people":
        holders = session.execute(
            select(PostHolder.person_id, UnitPerson.name, units.c.id, units.c.name, units.c.grid_id)
            .join(units, units.c.id == PostHolder.unit_id)
            .outerjoin(UnitPerson, UnitPerson.person_id == PostHolder.person_id)
            .where(
                PostHolder.valid_from <= start, PostHolder.valid_to.is_(None) | (PostHolder.valid_to >= start)
            )
            .distinct()
            .order_by(units.c.name, units.c.id, UnitPerson.name, PostHolder.person_id)
        )
        return [Subject(p, f"{unit} {name or p}", u, g) for p, name, u, unit, g in holders]
    if rule.subject == "teams":
        teams = session.execute(
            select(Team.id, Team.name, units.c.id, units.c.name, units.c.grid_id)
            .join(units, units.c.id == Team.unit_id)
            .where(Team.active)
            .order_by(units.c.name, units.c.id, Team.name, Team.id)
        )
        return [Subject(t, f"{unit} {name}", u, g) for t, name, u, unit, g in teams]
    return [
        Subject(u, name, u, g)
        for u, name, g in session.execute(select(units).order_by(units.c.name, units.c.id))
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


def describe(session: Session, rule: CadenceRule, on: date) -> RuleOut:
    terms = Terms.of(session, rule.code)
    now = terms.on(on)
    return RuleOut(
        code=rule.code,
        label=rule.label,
        record=rule.record,
        activity=rule.activity,
        subject=rule.subject,
        period=rule.period,
        owed_by=rule.owed_by,
        on=on,
        required=now.required if now else None,
        grace_days=now.grace_days if now else None,
        remind_after_days=now.remind_after_days if now else None,
        active=bool(now and now.active),
        calendar_days=bool(now and now.calendar_days),
        versions=[RuleVersionOut.model_validate(v) for v in terms.versions],
    )


def change_rule(session: Session, code: str, data: RuleChange, user: Access) -> CadenceRule:
    """Record new terms from `valid_from` (and, with `valid_to`, the earlier terms again after it).

    Past periods keep the terms they were judged by: a version whose first day is past is never
    replaced, and a new one starting in the past needs a reason.
    """
    rule = get_rule(session, code)
    today = local_today()
    start = data.valid_from or today
    if data.valid_to is not None and data.valid_to < start:
        raise InvalidInput("截止日期早于生效日期 / valid_to is before valid_from", field="valid_to")
    if start < today and not data.reason:
        raise InvalidInput(
            "生效日期早于今天,须说明原因 / a first day in the past needs a reason", field="reason"
        )
    session.execute(
        select(CadenceRule).where(CadenceRule.code == code).with_for_update()
    )  # one change at a time
    terms = Terms.of(session, code)
    base = terms.on(start)
    changed = data.model_dump(include=set(TERMS), exclude_unset=True)
    if base is None and not {"required", "grace_days"} <= set(changed):
        raise InvalidInput(
            f"{code} 在 {start} 尚无条款,须给出 required 与 grace_days / the rule has no terms on that day",
            field="required",
        )
    first_terms = {"remind_after_days": None, "active": True, "calendar_days": False}
    values = ({name: getattr(base, name) for name in TERMS} if base else first_terms) | changed
    if data.valid_to is not None:
        resume = data.valid_to + timedelta(days=1)
        between = [v for v in terms.versions if start < v.valid_from <= data.valid_to]
        if between:
            raise Conflict(
                f"{between[0].valid_from} 起已有版本 / a version from {between[0].valid_from} lies in that span; "
                "change it separately",
                field="valid_to",
            )
        after = terms.on(resume)
        if after is None or after.valid_from < resume:  # the terms in force then resume after the span
            resumed = {name: getattr(after, name) for name in TERMS} if after else {**values, "active": False}
            _put_version(session, code, resume, resumed, data, user, today)
    _put_version(session, code, start, values, data, user, today)
    session.flush()
    return rule


def _put_version(
    session: Session, code: str, day: date, values: dict, data: RuleChange, user: Access, today: date
) -> None:
    existing = session.scalar(
        select(CadenceRuleVersion).where(
            CadenceRuleVersion.rule_code == code, CadenceRuleVersion.valid_from == day
        )
    )
    if existing is not None and day < today:
        raise Conflict(
            f"{code} 在 {day} 的版本已生效,历史不可改写 / the version from {day} already applied; "
            "record one from another day",
            field="valid_from",
        )
    recorded = {"source": data.source or "", "reason": data.reason, "recorded_by": user.user_id}
    if existing is None:  # a version from today or later may still be corrected
        session.add(CadenceRuleVersion(rule_code=code, valid_from=day, **values, **recorded))
    else:
        for name, value in (values | recorded).items():
            setattr(existing, name, value)
    session.flush()


def owes_in(session: Session, version: CadenceRuleVersion | None, period: Period) -> bool:
    """Whether a period is owed at all: a version in force on its first day, active, and for a
    daily duty counted on working days, the day a working day."""
    if version is None or not version.active:
        return False
    if period.kind == PeriodKind.day and not version.calendar_days:
        return is_working_day(session, period.start)
    return True


def period_obligations(
    session: Session,
    rule: CadenceRule,
    version: CadenceRuleVersion | None,
    period: Period,
    today: date,
    user: Access | None,
) -> list[Obligation]:
    """Each subject's obligation in the period, as it stands `today`."""
    if version is None or not owes_in(session, version, period):
        return []
    done = _done(session, rule, period)
    ended = period.end + timedelta(days=version.grace_days) <= today  # the grace's last day is past
    result = []
    for subject in _subjects(session, rule, period, user):
        count = done.get(subject.id, 0)
        status = "done" if count >= version.required else "missed" if ended else "due"
        result.append(
            Obligation(
                rule_code=rule.code,
                subject_id=subject.id,
                subject_name=subject.name,
                unit_id=subject.unit_id,
                grid_id=subject.grid_id,
                owed_by=rule.owed_by,
                period=period.label,
                period_start=period.start,
                period_end=period.last_day,
                required=version.required,
                done=count,
                status=status,
            )
        )
    return result


def obligations(
    session: Session, rule: CadenceRule, on: date, today: date, user: Access | None
) -> list[Obligation]:
    """Each subject's obligation in the period containing `on`, as it stands `today`."""
    period = containing(rule.period, on)
    return period_obligations(
        session, rule, Terms.of(session, rule.code).on(period.start), period, today, user
    )


def _closed(version: CadenceRuleVersion | None, period: Period, today: date) -> bool:
    grace = version.grace_days if version else 0
    return period.end + timedelta(days=grace) <= today


def _first_to_check(session: Session, rule: CadenceRule, terms: Terms) -> date | None:
    """Where a rule never checked starts: its first version, or the first fact of a subject if later."""
    first = terms.first_day()
    if first is None:
        return None
    if rule.subject == "grids":
        subjects = session.scalar(select(func.min(SupervisedGrid.valid_from)))
    else:
        subjects = session.scalar(select(func.min(UnitState.valid_from)))
    return None if subjects is None else max(first, subjects)


def check_missed(session: Session, today: date) -> int:
    """Emit inspection.missed or training.missed for every period closed since the last check.

    Each rule's periods are checked in order, each once (`CadenceCheck` says how far it came), so
    a check after days of downtime covers every day missed; a notice goes out once per rule,
    subject and period however often this runs, and none for a period that was not owed.
    """
    emitted = 0
    for rule in session.scalars(select(CadenceRule).order_by(CadenceRule.code)):
        terms = Terms.of(session, rule.code)
        check = session.scalar(
            select(CadenceCheck).where(CadenceCheck.rule_code == rule.code).with_for_update()
        )
        start = check.checked_through + timedelta(days=1) if check else _first_to_check(session, rule, terms)
        if start is None:
            continue
        period, checked = containing(rule.period, start), None
        while _closed(version := terms.on(period.start), period, today):
            for obligation in period_obligations(session, rule, version, period, today, None):
                if obligation.status == "missed":
                    emitted += _emit_once(session, rule, obligation, "missed")
            checked, period = period, period.next()
        if checked is not None:
            session.execute(
                insert(CadenceCheck)
                .values(rule_code=rule.code, checked_through=checked.last_day)
                .on_conflict_do_update(
                    index_elements=["rule_code"], set_={"checked_through": checked.last_day}
                )
            )
    return emitted


def check_due(session: Session, today: date) -> int:
    """Remind duties still not done on their rule's reminder day (inspection.due, training.due), once each."""
    emitted = 0
    for rule in session.scalars(select(CadenceRule).order_by(CadenceRule.code)):
        period = containing(rule.period, today)
        version = Terms.of(session, rule.code).on(period.start)
        if version is None or version.remind_after_days is None:
            continue
        if today < period.start + timedelta(days=version.remind_after_days):
            continue
        for obligation in period_obligations(session, rule, version, period, today, None):
            if obligation.status == "due":
                emitted += _emit_once(session, rule, obligation, "due")
    return emitted


def responsible(session: Session, rule: CadenceRule, obligation: Obligation) -> list[uuid.UUID]:
    """The grid staff who held the duty on the period's last day, else the last who held it in it."""
    if rule.owed_by == DutyHolder.enterprise or obligation.grid_id is None:
        return []
    held = session.execute(
        select(GridDuty.person_id, GridDuty.valid_to).where(
            GridDuty.grid_id == obligation.grid_id,
            GridDuty.duty == rule.owed_by.value,
            GridDuty.valid_from <= obligation.period_end,
            or_(GridDuty.valid_to.is_(None), GridDuty.valid_to >= obligation.period_start),
        )
    ).all()
    on_last = sorted({p for p, to in held if to is None or to >= obligation.period_end})
    if on_last or not held:
        return on_last
    latest = max(to for _, to in held if to is not None)
    return sorted({p for p, to in held if to == latest})


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
    event = _event(rule, obligation, notice, responsible(session, rule, obligation))
    runtime.publish(session, event, subject=str(obligation.subject_id))
    return 1


def _event(
    rule: CadenceRule, obligation: Obligation, notice: str, people: list[uuid.UUID]
) -> InspectionMissedV1 | TrainingMissedV1:
    period = {
        "subject_id": obligation.subject_id,
        "grid_id": obligation.grid_id,
        "period": obligation.period,
        "period_start": obligation.period_start,
        "period_end": obligation.period_end,
        "done": obligation.done,
        "required": obligation.required,
        "owed_by": rule.owed_by,
        "responsible_person_ids": people,
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
    """Every duty owed in the periods containing `on`, counted per grid: done, still due, missed."""
    counts: dict[tuple[str, uuid.UUID | None], CoverageCount] = {}
    for rule in session.scalars(select(CadenceRule).order_by(CadenceRule.code)):
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

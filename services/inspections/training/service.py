"""Training, publicity and exams (班前培训、宣传活动、月度考试): recorded with their evidence and
checked against the unit's own people; the cadence engine counts them."""

import uuid
from datetime import date

from sqlalchemy import any_, func, select
from sqlalchemy.orm import Session

from services.inspections.request_keys import service as request_keys
from services.inspections.rules import catalogue as local_rules
from services.inspections.runtime import runtime
from services.inspections.settings import get_inspections_settings
from services.inspections.training.models import (
    Exam,
    ExamResult,
    Team,
    TrainingEvidence,
    TrainingSession,
    UnitPerson,
)
from services.inspections.training.schemas import ExamIn, ExamOut, Score, TeamIn, TrainingHours, TrainingIn
from services.inspections.units.models import SupervisedUnit
from services.inspections.units.service import unit_for
from shared import uploads
from shared.access import Access
from shared.clock import local_today
from shared.errors import Conflict, InvalidInput, NotFound
from shared.events.contracts.inspections import ExamFailedV1, TrainingKind, TrainingRecordedV1
from shared.events.contracts.registry import ProductionStatus
from shared.pagination import Keyset, Page, PageRequest
from shared.periods import PeriodKind, containing
from shared.uploads import StoredFile

TEAMS_BY_NAME = Keyset("teams", Team.name, Team.id)


def _open_unit(session: Session, unit_id: uuid.UUID, user: Access) -> SupervisedUnit:
    unit = unit_for(session, unit_id, user)
    if unit.production_status == ProductionStatus.closed:
        raise Conflict(
            f"{unit.name} 已关闭,不再登记 / {unit.name} is closed: nothing more is recorded for it"
        )
    return unit


def _not_in_future(day: date, field: str) -> None:
    if day > local_today():
        raise InvalidInput(f"日期不能晚于今天 / {field} {day} is in the future", field=field)


def _own_people(session: Session, unit: SupervisedUnit, person_ids: list[uuid.UUID], field: str) -> None:
    """Every person must belong to the unit, as the registry says."""
    belonging = set(
        session.scalars(
            select(UnitPerson.person_id).where(
                UnitPerson.person_id.in_(person_ids), UnitPerson.enterprise_id == unit.id
            )
        )
    )
    strangers = [str(p) for p in person_ids if p not in belonging]
    if strangers:
        raise InvalidInput(
            f"以下人员不属于{unit.name} / these people do not belong to the unit: {', '.join(strangers)}",
            details=[
                {"loc": ["body", field, person_ids.index(uuid.UUID(p))], "msg": "not of this unit"}
                for p in strangers
            ],
        )


def add_team(session: Session, unit_id: uuid.UUID, data: TeamIn, user: Access) -> Team:
    _open_unit(session, unit_id, user)
    if session.scalar(select(Team).where(Team.unit_id == unit_id, Team.name == data.name)):
        raise Conflict(f"班组已存在 / the unit already has a team named {data.name}")
    team = Team(unit_id=unit_id, name=data.name)
    session.add(team)
    session.flush()
    return team


def teams_of(session: Session, unit_id: uuid.UUID, user: Access, page: PageRequest) -> Page[Team]:
    unit_for(session, unit_id, user)
    return TEAMS_BY_NAME.fetch(session, select(Team).where(Team.unit_id == unit_id), page)


def record_training(session: Session, data: TrainingIn, user: Access) -> TrainingSession:
    unit = _open_unit(session, data.unit_id, user)
    _not_in_future(data.held_on, "held_on")
    if data.kind == TrainingKind.pre_shift and data.team_id is None:
        raise InvalidInput("班前培训须注明班组 / pre-shift training names its team", field="team_id")
    if data.team_id is not None:
        team = session.get(Team, data.team_id)
        if team is None or team.unit_id != unit.id:
            raise InvalidInput(
                f"班组不属于该单位 / team {data.team_id} is not a team of the unit", field="team_id"
            )
    _own_people(session, unit, data.attendee_ids, "attendee_ids")
    training = TrainingSession(**data.model_dump(), recorded_by=user.user_id)
    session.add(training)
    session.flush()
    runtime.publish(
        session,
        TrainingRecordedV1(
            session_id=training.id,
            unit_id=unit.id,
            grid_id=unit.grid_id,
            team_id=training.team_id,
            kind=training.kind,
            held_on=training.held_on,
            attendees=len(training.attendee_ids),
            duration_minutes=training.duration_minutes,
        ),
        subject=str(unit.id),
    )
    return training


def record_exam(session: Session, data: ExamIn, user: Access) -> ExamOut:
    unit = _open_unit(session, data.unit_id, user)
    _not_in_future(data.held_on, "held_on")
    people = [s.person_id for s in data.scores]
    if len(set(people)) != len(people):
        raise InvalidInput("同一人员只能有一个成绩 / one score per person", field="scores")
    _own_people(session, unit, people, "scores")
    exam = Exam(
        unit_id=unit.id,
        held_on=data.held_on,
        topic=data.topic,
        pass_mark=data.pass_mark,
        recorded_by=user.user_id,
    )
    session.add(exam)
    session.flush()
    session.add_all(
        ExamResult(exam_id=exam.id, person_id=s.person_id, score=s.score, passed=s.score >= data.pass_mark)
        for s in data.scores
    )
    failed = [s.person_id for s in data.scores if s.score < data.pass_mark]
    if failed:
        runtime.publish(
            session,
            ExamFailedV1(
                exam_id=exam.id,
                unit_id=unit.id,
                grid_id=unit.grid_id,
                held_on=exam.held_on,
                pass_mark=exam.pass_mark,
                failed_person_ids=failed,
            ),
            subject=str(unit.id),
        )
    return ExamOut(
        id=exam.id,
        unit_id=unit.id,
        held_on=exam.held_on,
        topic=exam.topic,
        pass_mark=exam.pass_mark,
        scores=data.scores,
        must_retake=failed,
    )


def get_exam(session: Session, exam_id: uuid.UUID, user: Access) -> ExamOut:
    exam = session.get(Exam, exam_id)
    if exam is None:
        raise NotFound(f"考试不存在 / exam {exam_id} not found")
    unit_for(session, exam.unit_id, user)
    results = session.scalars(select(ExamResult).where(ExamResult.exam_id == exam_id)).all()
    return ExamOut(
        id=exam.id,
        unit_id=exam.unit_id,
        held_on=exam.held_on,
        topic=exam.topic,
        pass_mark=exam.pass_mark,
        scores=[Score(person_id=r.person_id, score=r.score) for r in results],
        must_retake=[r.person_id for r in results if not r.passed],
    )


def training_hours(
    session: Session, person_id: uuid.UUID, year: int, first_year: bool, user: Access
) -> TrainingHours:
    known = session.get(UnitPerson, person_id)
    user.ensure_person(person_id, known.enterprise_id if known else None)
    minutes = session.execute(
        select(func.coalesce(func.sum(TrainingSession.duration_minutes), 0)).where(
            any_(TrainingSession.attendee_ids) == person_id,
            containing(PeriodKind.year, date(year, 1, 1)).includes(TrainingSession.held_on),
        )
    ).scalar_one()
    # the hours in force on the year's first day (local rules, 32 the first year and 12 after by default)
    rule = local_rules.FIRST_YEAR_HOURS if first_year else local_rules.YEARLY_HOURS
    required = float(local_rules.value_on(session, rule, date(year, 1, 1)))
    hours = round(minutes / 60, 2)
    return TrainingHours(
        person_id=person_id, year=year, hours=hours, required_hours=required, enough=hours >= required
    )


def _training(session: Session, session_id: uuid.UUID, user: Access) -> TrainingSession:
    training = session.get(TrainingSession, session_id)
    if training is None:
        raise NotFound(f"培训记录不存在 / training session {session_id} not found")
    unit_for(session, training.unit_id, user)
    return training


def add_evidence(
    session: Session,
    session_id: uuid.UUID,
    upload: uploads.Upload,
    user: Access,
    idempotency_key: str | None = None,
) -> tuple[StoredFile, bool]:
    """Attach the session's photo or sign-in sheet (JPEG, PNG, WebP or PDF, told by content); a
    resend with the same Idempotency-Key returns the first file. Returns it and whether it is new."""
    file_id = uuid.uuid4()
    body = request_keys.fingerprint(session_id, upload.content, upload.told)
    previous = request_keys.claim(session, user, idempotency_key, "training.evidence", body, file_id)
    if previous is not None:
        return session.get_one(TrainingEvidence, previous), False
    training = _training(session, session_id, user)
    max_bytes = get_inspections_settings().evidence_max_bytes
    record = uploads.attach(
        session, TrainingEvidence, TrainingEvidence.session_id, training.id, upload.filename, upload.content,
        max_bytes, user.user_id, user.name, upload.told, id=file_id,
    )  # fmt: skip
    return record, True


def evidence_of(
    session: Session, session_id: uuid.UUID, user: Access, page: PageRequest
) -> Page[TrainingEvidence]:
    _training(session, session_id, user)
    return uploads.files_of(session, TrainingEvidence, TrainingEvidence.session_id, session_id, page)


def evidence_file(session: Session, session_id: uuid.UUID, file_id: uuid.UUID, user: Access) -> StoredFile:
    _training(session, session_id, user)
    return uploads.file_of(session, TrainingEvidence, TrainingEvidence.session_id, session_id, file_id)

"""A unit's section of its dossier (一企一档) as inspections knows it, for the registry to gather."""

import uuid
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from services.inspections.hazard.models import Hazard, Penalty
from services.inspections.hazard.penalties import summary
from services.inspections.inspection.models import Inspection, InspectionItem, ItemResult
from services.inspections.risk.models import RiskAssessment
from services.inspections.training.models import Exam, ExamResult, TrainingSession
from shared.clock import local_today
from shared.dossier import (
    DOSSIER_LIST_ROWS,
    ExamRow,
    HazardRow,
    InspectionRow,
    InspectionsSection,
    Latest,
    PenaltyRow,
    RiskAssessmentRow,
    TrainingRow,
)
from shared.events.contracts.inspections import HazardState

FINISHED = (HazardState.closed, HazardState.voided)


def _latest(session: Session, query: Select[Any], *newest_first: Any) -> tuple[int, list[Any]]:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.scalars(query.order_by(*(c.desc() for c in newest_first)).limit(DOSSIER_LIST_ROWS)).all()
    return total, list(rows)


def _counted(
    session: Session, key: Any, ids: list[uuid.UUID], condition: Any
) -> dict[uuid.UUID, tuple[int, int]]:
    """Per id: how many rows (items of an inspection, candidates of an exam), and how many meet `condition`."""
    query = select(key, func.count(), func.count().filter(condition)).where(key.in_(ids)).group_by(key)
    return {row[0]: (row[1], row[2]) for row in session.execute(query)}


def inspections_section(session: Session, unit_id: uuid.UUID) -> InspectionsSection:
    total, assessments = _latest(
        session, select(RiskAssessment).where(RiskAssessment.unit_id == unit_id), RiskAssessment.assessed_at
    )
    risk = Latest[RiskAssessmentRow](
        total=total, items=[RiskAssessmentRow.model_validate(a, from_attributes=True) for a in assessments]
    )

    total, done = _latest(
        session,
        select(Inspection).where(Inspection.unit_id == unit_id),
        Inspection.inspected_on,
        Inspection.recorded_at,
    )
    counts = _counted(
        session,
        InspectionItem.inspection_id,
        [i.id for i in done],
        InspectionItem.result == ItemResult.failed,
    )
    inspections = Latest[InspectionRow](
        total=total,
        items=[
            InspectionRow(
                id=i.id,
                kind=i.kind,
                inspected_on=i.inspected_on,
                inspector_name=i.inspector_name,
                items=counts.get(i.id, (0, 0))[0],
                failed=counts.get(i.id, (0, 0))[1],
                notes=i.notes,
            )
            for i in done
        ],
    )

    of_unit = select(Hazard).where(Hazard.unit_id == unit_id)
    total, found = _latest(session, of_unit, Hazard.reported_at, Hazard.id)
    hazards = Latest[HazardRow](
        total=total,
        items=[
            HazardRow(
                id=h.id,
                reported_at=h.reported_at,
                category=h.category,
                grade=h.grade,
                source=h.source,
                location=h.location,
                description=h.description,
                state=h.state,
                deadline=h.deadline,
                overdue=h.overdue_since is not None and h.state not in FINISHED,
                closed_at=h.closed_at,
            )
            for h in found
        ],
    )
    open_ = of_unit.where(Hazard.state.not_in(FINISHED))
    open_count = session.scalar(select(func.count()).select_from(open_.subquery())) or 0
    overdue = session.scalar(
        select(func.count()).select_from(open_.where(Hazard.overdue_since.is_not(None)).subquery())
    )

    total, held = _latest(
        session,
        select(TrainingSession).where(TrainingSession.unit_id == unit_id),
        TrainingSession.held_on,
        TrainingSession.recorded_at,
    )
    trainings = Latest[TrainingRow](
        total=total,
        items=[
            TrainingRow(
                held_on=t.held_on,
                kind=t.kind,
                topic=t.topic,
                trainer=t.trainer,
                attendees=len(t.attendee_ids),
                duration_minutes=t.duration_minutes,
            )
            for t in held
        ],
    )

    total, sat = _latest(session, select(Exam).where(Exam.unit_id == unit_id), Exam.held_on, Exam.recorded_at)
    results = _counted(session, ExamResult.exam_id, [e.id for e in sat], ExamResult.passed)
    exams = Latest[ExamRow](
        total=total,
        items=[
            ExamRow(
                held_on=e.held_on,
                topic=e.topic,
                pass_mark=e.pass_mark,
                candidates=results.get(e.id, (0, 0))[0],
                passed=results.get(e.id, (0, 0))[1],
            )
            for e in sat
        ],
    )

    total, decided = _latest(
        session, select(Penalty).where(Penalty.unit_id == unit_id), Penalty.decided_on, Penalty.recorded_at
    )
    penalties = Latest[PenaltyRow](
        total=total, items=[PenaltyRow.model_validate(p, from_attributes=True) for p in decided]
    )
    counted = summary(session, unit_id, local_today())
    return InspectionsSection(
        risk_assessments=risk,
        inspections=inspections,
        hazards=hazards,
        open_hazards=open_count,
        overdue_hazards=overdue or 0,
        trainings=trainings,
        exams=exams,
        penalties=penalties,
        penalties_365_days=counted.penalties_365_days,
        repeat_offender=counted.repeat_offender,
    )

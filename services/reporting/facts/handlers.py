"""Events folded into reporting's read models: hazards, inspections, people and grid staff, risk."""

from typing import cast

from sqlalchemy import Table, and_, case, func, not_, or_, update
from sqlalchemy.dialects.postgresql import Insert, insert
from sqlalchemy.orm import Session

from services.reporting.facts.models import (
    HazardFact,
    InspectionFact,
    MissedInspectionFact,
    MissedTrainingFact,
    ReportingPerson,
    TrainingFact,
)
from services.reporting.units.models import ReportingUnit
from shared.clock import local_date
from shared.db import columns_from, insert_once, rows_affected, upsert_snapshot
from shared.events.consumer import RetryLater
from shared.events.contracts.inspections import (
    HazardEventV1,
    HazardState,
    InspectionCompletedV1,
    InspectionMissedV1,
    RiskAssessedV1,
    TrainingMissedV1,
    TrainingRecordedV1,
)
from shared.events.contracts.registry import PersonChangedV1
from shared.events.envelope import CloudEvent
from shared.events.handlers import handles

ESCALATING = {"hazard.escalated", "hazard.refused"}
FIX_DONE = {"hazard.rectified", "hazard.fixed_on_spot"}


def _hazard_fact_upsert() -> Insert:
    """How one hazard event folds into its fact row: built once, at import (building this statement
    for every event was a large part of the handler's CPU)."""
    table = cast(Table, HazardFact.__table__)
    statement = insert(table)
    new, old = statement.excluded, table.c
    newer = new.source_time > old.source_time
    return statement.on_conflict_do_update(
        index_elements=[HazardFact.hazard_id],
        set_={
            # the latest snapshot's state and deadline
            "state": case((newer, new.state), else_=old.state),
            "deadline": case((newer, new.deadline), else_=old.deadline),
            "grid_id": new.grid_id,
            "source_time": func.greatest(old.source_time, new.source_time),
            # what happened at some point: once on, stays on
            "reported_on": func.coalesce(old.reported_on, new.reported_on),
            "reporter_id": func.coalesce(old.reporter_id, new.reporter_id),
            "fixed_on_spot": old.fixed_on_spot | new.fixed_on_spot,
            "deadline_ordered": old.deadline_ordered | new.deadline_ordered,
            "ever_overdue": old.ever_overdue | new.ever_overdue,
            "overdue_on": func.least(old.overdue_on, new.overdue_on),  # the first day seen
            "escalated": old.escalated | new.escalated,
            "closed_on": func.coalesce(old.closed_on, new.closed_on),
            # the ledger's words: the latest snapshot's, where it has them
            **{
                text: case(
                    (and_(newer, getattr(new, text).is_not(None)), getattr(new, text)),
                    else_=func.coalesce(getattr(old, text), getattr(new, text)),
                )
                for text in ("location", "description", "found_by", "measures", "responsible_person")
            },
            "rectified_on": func.greatest(old.rectified_on, new.rectified_on),  # the latest fix
            "verified_on": func.greatest(old.verified_on, new.verified_on),
            "verified_by": case(
                (
                    and_(
                        new.verified_on.is_not(None),
                        or_(old.verified_on.is_(None), new.verified_on >= old.verified_on),
                    ),
                    new.verified_by,
                ),
                else_=old.verified_by,
            ),
            "closed_on_time": case(
                (func.coalesce(old.closed_on_time, new.closed_on_time).is_(None), None),
                else_=and_(
                    func.coalesce(old.closed_on_time, new.closed_on_time),
                    not_(or_(old.ever_overdue, new.ever_overdue)),
                ),
            ),
        },
    )


HAZARD_FACT_UPSERT = _hazard_fact_upsert()


@handles(HazardEventV1)  # every hazard.* step
def on_hazard_event(session: Session, data: HazardEventV1, event: CloudEvent) -> None:
    closed_on = local_date(data.at) if data.state == HazardState.closed else None
    ever_overdue = data.overdue or event.type == "hazard.overdue"
    values = {
        "hazard_id": data.hazard_id,
        "unit_id": data.unit_id,
        "grid_id": data.grid_id,
        "grade": data.grade.value,
        "category": data.category,
        "source": data.source.value,
        "state": data.state.value,
        "deadline": data.deadline,
        "reported_on": local_date(data.at) if event.type == "hazard.reported" else None,
        "reporter_id": data.actor_id if event.type == "hazard.reported" else None,
        "fixed_on_spot": event.type == "hazard.fixed_on_spot",
        "deadline_ordered": event.type == "hazard.rectification_ordered",
        "ever_overdue": ever_overdue,
        "overdue_on": local_date(data.at) if ever_overdue else None,
        "escalated": event.type in ESCALATING,
        "closed_on": closed_on,
        # on time: closed by its deadline and never overdue, whatever deadline it got later
        "closed_on_time": (
            (data.deadline is None or closed_on <= data.deadline) and not ever_overdue if closed_on else None
        ),
        "location": data.location,
        "description": data.description,
        "found_by": data.reporter_name,
        "measures": data.measures,
        "responsible_person": data.responsible_person,
        "rectified_on": local_date(data.at) if event.type in FIX_DONE else None,
        "verified_by": data.actor_name if event.type == "hazard.verified" else None,
        "verified_on": local_date(data.at) if event.type == "hazard.verified" else None,
        "source_time": event.time,
    }
    session.execute(HAZARD_FACT_UPSERT, values)


@handles(InspectionCompletedV1)
def on_inspection_completed(session: Session, data: InspectionCompletedV1, _: CloudEvent) -> None:
    insert_once(session, InspectionFact, columns_from(InspectionFact, data))


@handles(InspectionMissedV1)
def on_inspection_missed(session: Session, data: InspectionMissedV1, _: CloudEvent) -> None:
    insert_once(session, MissedInspectionFact, columns_from(MissedInspectionFact, data))


@handles(PersonChangedV1)
def on_person_changed(session: Session, data: PersonChangedV1, event: CloudEvent) -> None:
    upsert_snapshot(
        session,
        ReportingPerson,
        {
            "person_id": data.person_id,
            "user_id": data.user_id,
            "name": data.name,
            "version": data.version,
            "source_time": event.time,
        },
        key="person_id",
        order_by="version",
    )


@handles(RiskAssessedV1)
def on_risk_assessed(session: Session, data: RiskAssessedV1, _: CloudEvent) -> None:
    updated = rows_affected(
        session,
        update(ReportingUnit).where(ReportingUnit.id == data.unit_id).values(risk_colour=data.unit_colour),
    )
    if updated == 0:  # the registry's event has not arrived yet
        raise RetryLater(f"unit {data.unit_id} not yet known to reporting")


@handles(TrainingRecordedV1)
def on_training_recorded(session: Session, data: TrainingRecordedV1, _: CloudEvent) -> None:
    insert_once(session, TrainingFact, columns_from(TrainingFact, data))


@handles(TrainingMissedV1)
def on_training_missed(session: Session, data: TrainingMissedV1, _: CloudEvent) -> None:
    insert_once(session, MissedTrainingFact, columns_from(MissedTrainingFact, data))

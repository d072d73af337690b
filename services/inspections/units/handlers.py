"""Registry events that keep the inspections service's copies of units, grids and people current."""

from sqlalchemy import delete
from sqlalchemy.orm import Session

from services.inspections.training.models import PostHolder, UnitPerson
from services.inspections.units.models import GridDuty, SupervisedGrid, SupervisedUnit
from shared.access import record_grid_duty
from shared.db import upsert_snapshot
from shared.events.contracts.registry import (
    AssignmentChangedV1,
    EnterpriseRegisteredV1,
    EnterpriseUpdatedV1,
    GridChangedV1,
    GridDeletedV1,
    PersonChangedV1,
)
from shared.events.envelope import CloudEvent
from shared.events.handlers import handles


@handles(EnterpriseRegisteredV1)
@handles(EnterpriseUpdatedV1)
def on_enterprise(session: Session, data: EnterpriseRegisteredV1, event: CloudEvent) -> None:
    upsert_snapshot(
        session,
        SupervisedUnit,
        {
            "id": data.enterprise_id,
            "name": data.name,
            "kind": data.kind,
            "production_status": data.production_status,
            "key_supervision": data.key_supervision,
            "grid_id": data.grid_id,
            "source_time": event.time,
        },
    )


@handles(GridChangedV1)
def on_grid_changed(session: Session, data: GridChangedV1, event: CloudEvent) -> None:
    upsert_snapshot(
        session,
        SupervisedGrid,
        {
            "id": data.grid_id,
            "zone_id": data.zone_id,
            "code": data.code,
            "name": data.name,
            "leader_person_id": data.leader_person_id,
            "member_person_ids": data.member_person_ids,
            "source_time": event.time,
        },
    )


@handles(GridDeletedV1)
def on_grid_deleted(session: Session, data: GridDeletedV1, _: CloudEvent) -> None:
    session.execute(delete(SupervisedGrid).where(SupervisedGrid.id == data.grid_id))


@handles(PersonChangedV1)
def on_person_changed(session: Session, data: PersonChangedV1, event: CloudEvent) -> None:
    """Who belongs to which enterprise: training attendees and exam takers are checked against it."""
    upsert_snapshot(
        session,
        UnitPerson,
        {
            "person_id": data.person_id,
            "enterprise_id": data.enterprise_id,
            "name": data.name,
            "source_time": event.time,
        },
        key="person_id",
    )


# The posts whose holders owe the annual re-examination training (主要负责人、安全管理人员).
THREE_POSTS = frozenset({"principal_person", "safety_manager"})


@handles(AssignmentChangedV1)
def on_assignment_changed(session: Session, data: AssignmentChangedV1, event: CloudEvent) -> None:
    record_grid_duty(session, GridDuty, data, event.time)
    if data.duty not in THREE_POSTS:
        return
    upsert_snapshot(
        session,
        PostHolder,
        {
            "assignment_id": data.assignment_id,
            "person_id": data.person_id,
            "duty": data.duty,
            "unit_id": data.scope_id,
            "valid_from": data.valid_from,
            "valid_to": data.valid_to,
            "source_time": event.time,
        },
        key="assignment_id",
    )

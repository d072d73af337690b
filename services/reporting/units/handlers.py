"""Registry events that keep the reporting service's units and grids current."""

from sqlalchemy import delete
from sqlalchemy.orm import Session

from services.reporting.facts.models import GridStaffing
from services.reporting.units.models import GridDuty, ReportingGrid, ReportingUnit
from shared.access import record_grid_duty
from shared.db import upsert_snapshot
from shared.events.contracts.registry import (
    AssignmentChangedV1,
    EnterpriseRegisteredV1,
    EnterpriseUpdatedV1,
    GridChangedV1,
    GridDeletedV1,
)
from shared.events.envelope import CloudEvent
from shared.events.handlers import handles


@handles(EnterpriseRegisteredV1)
@handles(EnterpriseUpdatedV1)
def on_enterprise(session: Session, data: EnterpriseRegisteredV1, event: CloudEvent) -> None:
    upsert_snapshot(
        session,
        ReportingUnit,
        {
            "id": data.enterprise_id,
            "name": data.name,
            "kind": data.kind,
            "industry": data.industry,
            "production_status": data.production_status,
            "grid_id": data.grid_id,
            "source_time": event.time,
        },
    )


@handles(GridChangedV1)
def on_grid_changed(session: Session, data: GridChangedV1, event: CloudEvent) -> None:
    upsert_snapshot(
        session,
        ReportingGrid,
        {
            "id": data.grid_id,
            "zone_id": data.zone_id,
            "code": data.code,
            "name": data.name,
            "source_time": event.time,
        },
    )
    upsert_snapshot(
        session,
        GridStaffing,
        {
            "grid_id": data.grid_id,
            "leader_person_id": data.leader_person_id,
            "member_person_ids": data.member_person_ids,
            "source_time": event.time,
        },
        key="grid_id",
    )


@handles(GridDeletedV1)
def on_grid_deleted(session: Session, data: GridDeletedV1, _: CloudEvent) -> None:
    session.execute(delete(ReportingGrid).where(ReportingGrid.id == data.grid_id))
    session.execute(delete(GridStaffing).where(GridStaffing.grid_id == data.grid_id))


@handles(AssignmentChangedV1)
def on_assignment_changed(session: Session, data: AssignmentChangedV1, event: CloudEvent) -> None:
    record_grid_duty(session, GridDuty, data, event.time)

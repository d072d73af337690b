"""Registry events that keep reporting's copies of units, grids and grid duties, with their dated facts.

Every copy keeps the snapshot with the highest version of its entity (`upsert_snapshot`), so a
late older event changes nothing; an abolished grid stays as a tombstone.
"""

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.reporting.units.models import GridDuty, ReportingGrid, ReportingUnit, UnitState
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
            "key_supervision": data.key_supervision,
            "grid_id": data.grid_id,
            "version": data.version,
            "source_time": event.time,
        },
        order_by="version",
    )
    kept = session.execute(
        select(ReportingUnit.version, ReportingUnit.source_time).where(ReportingUnit.id == data.enterprise_id)
    ).one()
    if tuple(kept) != (data.version, event.time):
        return  # a newer snapshot is kept, and its dated facts with it
    session.execute(delete(UnitState).where(UnitState.unit_id == data.enterprise_id))
    session.add_all(UnitState(unit_id=data.enterprise_id, **state.model_dump()) for state in data.states)
    session.flush()


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
            "valid_from": data.valid_from,
            "valid_to": None,
            "deleted": False,
            "version": data.version,
            "source_time": event.time,
        },
        order_by="version",
    )


@handles(GridDeletedV1)
def on_grid_deleted(session: Session, data: GridDeletedV1, event: CloudEvent) -> None:
    """The tombstone: the grid keeps its name for the figures of its past, and no older snapshot
    can bring it back. Who staffed it stays in `grid_duty`, dated."""
    upsert_snapshot(
        session,
        ReportingGrid,
        {
            "id": data.grid_id,
            "valid_to": data.valid_to,
            "deleted": True,
            "version": data.version,
            "source_time": event.time,
        },
        order_by="version",
    )


@handles(AssignmentChangedV1)
def on_assignment_changed(session: Session, data: AssignmentChangedV1, event: CloudEvent) -> None:
    record_grid_duty(session, GridDuty, data, event.time)

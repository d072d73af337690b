"""Registry events that keep the inspections service's copies of units, grids and people current.

The copies keep dated facts: a unit's states (status, key flag, grid) from its registration on,
a grid's first and last day, and who held each grid duty from when to when (`GridDuty`).
"""

import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from services.inspections.training.models import PostHolder, UnitPerson
from services.inspections.units.models import GridDuty, SupervisedGrid, SupervisedUnit, UnitState
from shared.access import record_grid_duty
from shared.clock import local_date
from shared.db import upsert_snapshot
from shared.events.contracts.registry import (
    AssignmentChangedV1,
    EnterpriseRegisteredV1,
    EnterpriseUpdatedV1,
    GridChangedV1,
    GridDeletedV1,
    PersonChangedV1,
)
from shared.events.contracts.registry import (
    UnitState as DatedState,
)
from shared.events.envelope import CloudEvent
from shared.events.handlers import handles

NO_ZONE = uuid.UUID(int=0)  # a tombstone of a grid never seen alive: the registry did not say


def _kept(
    session: Session,
    model: type[SupervisedUnit] | type[SupervisedGrid],
    key: uuid.UUID,
    version: int,
    time: datetime,
) -> bool:
    """Whether the stored copy is the snapshot just offered (it was newer than what was there)."""
    return (
        session.execute(
            select(model.id).where(
                model.id == key, tuple_(model.version, model.source_time) == (version, time)
            )
        ).first()
        is not None
    )


@handles(EnterpriseRegisteredV1)
@handles(EnterpriseUpdatedV1)
def on_enterprise(session: Session, data: EnterpriseRegisteredV1, event: CloudEvent) -> None:
    states = list(data.states)
    if not states:  # a publisher without dated facts: what it says is true from the day it said so
        day = local_date(event.time)
        earlier = session.scalars(
            select(UnitState).where(UnitState.unit_id == data.enterprise_id, UnitState.valid_from < day)
        ).all()
        states = [
            DatedState(
                valid_from=s.valid_from,
                valid_to=min(s.valid_to or day, day - timedelta(days=1)),
                production_status=s.production_status,
                key_supervision=s.key_supervision,
                grid_id=s.grid_id,
            )
            for s in earlier
        ]
        states.append(
            DatedState(
                valid_from=day,
                valid_to=None,
                production_status=data.production_status,
                key_supervision=data.key_supervision,
                grid_id=data.grid_id,
            )
        )
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
            "registered_on": min(s.valid_from for s in states),
            "version": data.version,
            "source_time": event.time,
        },
        order_by="version",
    )
    if not _kept(session, SupervisedUnit, data.enterprise_id, data.version, event.time):
        return  # an older snapshot: its history is older too
    session.execute(delete(UnitState).where(UnitState.unit_id == data.enterprise_id))
    session.execute(
        insert(UnitState),
        [{"unit_id": data.enterprise_id, **s.model_dump()} for s in states],
    )


@handles(GridChangedV1)
def on_grid_changed(session: Session, data: GridChangedV1, event: CloudEvent) -> None:
    known = session.get(SupervisedGrid, data.grid_id)
    # a publisher that does not date grids: the grid exists from the day it was first heard of
    valid_from = data.valid_from or (known.valid_from if known else None) or local_date(event.time)
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
            "valid_from": valid_from,
            "valid_to": None,
            "deleted": False,
            "version": data.version,
            "source_time": event.time,
        },
        order_by="version",
    )


@handles(GridDeletedV1)
def on_grid_deleted(session: Session, data: GridDeletedV1, event: CloudEvent) -> None:
    """Keep the grid as a tombstone: its history stays, and no older snapshot brings it back."""
    tombstone = {
        "deleted": True,
        "valid_to": data.valid_to or local_date(event.time) - timedelta(days=1),
        "version": data.version,
        "source_time": event.time,
    }
    statement = insert(SupervisedGrid).values(
        id=data.grid_id, zone_id=NO_ZONE, code="", name="", member_person_ids=[], **tombstone
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["id"],
            set_={name: statement.excluded[name] for name in tombstone},
            where=tuple_(SupervisedGrid.version, SupervisedGrid.source_time)
            < tuple_(statement.excluded.version, statement.excluded.source_time),
        )
    )


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
    # which duty an assignment is never changes; the cadences name the leader or the members by it
    session.execute(
        update(GridDuty).where(GridDuty.assignment_id == data.assignment_id).values(duty=data.duty)
    )
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

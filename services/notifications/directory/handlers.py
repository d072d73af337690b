"""Registry events that keep the notifications service's directory current."""

from sqlalchemy.orm import Session

from services.notifications.directory.models import DutyHolder, GridStaff, PersonContact, UnitContact
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
from shared.events.envelope import CloudEvent
from shared.events.handlers import handles


@handles(EnterpriseRegisteredV1)
@handles(EnterpriseUpdatedV1)
def on_enterprise(session: Session, data: EnterpriseRegisteredV1, event: CloudEvent) -> None:
    upsert_snapshot(
        session,
        UnitContact,
        {
            "unit_id": data.enterprise_id,
            "unit_name": data.name,
            "grid_id": data.grid_id,
            "key_supervision": data.key_supervision,
            "responsible_head": data.responsible_head,
            "responsible_phone": data.responsible_phone,
            "version": data.version,
            "source_time": event.time,
        },
        key="unit_id",
        order_by="version",
    )


@handles(GridChangedV1)
def on_grid_changed(session: Session, data: GridChangedV1, event: CloudEvent) -> None:
    upsert_snapshot(
        session,
        GridStaff,
        {
            "grid_id": data.grid_id,
            "grid_name": data.name,
            "leader_person_id": data.leader_person_id,
            "member_person_ids": data.member_person_ids,
            "valid_from": data.valid_from,
            "version": data.version,
            "source_time": event.time,
        },
        key="grid_id",
        order_by="version",
    )


@handles(GridDeletedV1)
def on_grid_deleted(session: Session, data: GridDeletedV1, event: CloudEvent) -> None:
    """Keep a tombstone: the grid's highest version, abolished, with no staff to tell."""
    upsert_snapshot(
        session,
        GridStaff,
        {
            "grid_id": data.grid_id,
            "leader_person_id": None,
            "member_person_ids": [],
            "valid_to": data.valid_to or local_date(event.time),
            "version": data.version,
            "source_time": event.time,
        },
        key="grid_id",
        order_by="version",
    )


@handles(PersonChangedV1)
def on_person_changed(session: Session, data: PersonChangedV1, event: CloudEvent) -> None:
    upsert_snapshot(
        session,
        PersonContact,
        {
            "person_id": data.person_id,
            "name": data.name,
            "phone": data.phone,
            "email": data.email,
            "enterprise_id": data.enterprise_id,
            "user_id": data.user_id,
            "version": data.version,
            "source_time": event.time,
        },
        key="person_id",
        order_by="version",
    )


@handles(AssignmentChangedV1)
def on_assignment_changed(session: Session, data: AssignmentChangedV1, event: CloudEvent) -> None:
    upsert_snapshot(
        session,
        DutyHolder,
        {
            "assignment_id": data.assignment_id,
            "person_id": data.person_id,
            "duty": data.duty,
            "scope_type": data.scope_type,
            "scope_id": data.scope_id,
            "valid_from": data.valid_from,
            "valid_to": data.valid_to,
            "version": data.version,
            "source_time": event.time,
        },
        key="assignment_id",
        order_by="version",
    )

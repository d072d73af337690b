"""Grid staff as the access policy knows them: assignments in the ledger, not token claims."""

import uuid
from datetime import date
from typing import Any

from shared.auth import Role
from shared.events.contracts.registry import AssignmentChangedV1, ScopeType
from shared.events.envelope import CloudEvent

SINCE = date(2000, 1, 1)


def assign_grids_in_copies(person_id: uuid.UUID, grid_ids: list[Any], role: Role) -> None:
    """Tell the services that keep a copy of the ledger (through their real consumers) that the
    person staffs these grids from 2000 on: what `assignment.changed` from the registry says."""
    from services.inspections.worker import consumer as inspections
    from services.notifications.worker import consumer as notifications
    from services.reporting.worker import consumer as reporting

    duty = "grid_leader" if role == Role.leader else "grid_member"
    for grid_id in grid_ids:
        data = AssignmentChangedV1(
            assignment_id=uuid.uuid4(),
            person_id=person_id,
            duty=duty,
            scope_type=ScopeType.grid,
            scope_id=uuid.UUID(str(grid_id)),
            valid_from=SINCE,
            valid_to=None,
        )
        envelope = CloudEvent.wrap(
            data, source="registry", subject=str(data.assignment_id), correlation_id=None
        )
        for consumer in (inspections, notifications, reporting):
            assert consumer.process(envelope.model_dump(mode="json")) == "applied"

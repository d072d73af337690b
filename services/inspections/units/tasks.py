"""Registry events that keep the inspections service's unit copy current."""

from sqlalchemy.orm import Session

from services.inspections.units.models import SupervisedUnit
from services.inspections.worker import consumer
from shared.db import upsert
from shared.events.contracts.registry import EnterpriseRegisteredV1
from shared.events.envelope import CloudEvent


@consumer.handles(EnterpriseRegisteredV1)
def on_enterprise_registered(session: Session, data: EnterpriseRegisteredV1, _: CloudEvent) -> None:
    upsert(
        session,
        SupervisedUnit,
        {
            "id": data.enterprise_id,
            "name": data.name,
            "kind": data.kind,
            "production_status": data.production_status,
            "key_supervision": data.key_supervision,
            "grid_id": data.grid_id,
        },
    )

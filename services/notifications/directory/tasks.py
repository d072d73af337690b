"""Registry events that keep the notifications service's contact directory current."""

from sqlalchemy.orm import Session

from services.notifications.directory.models import UnitContact
from services.notifications.worker import consumer
from shared.db import upsert
from shared.events.contracts.registry import EnterpriseRegisteredV1
from shared.events.envelope import CloudEvent


@consumer.handles(EnterpriseRegisteredV1)
def on_enterprise_registered(session: Session, data: EnterpriseRegisteredV1, _: CloudEvent) -> None:
    upsert(
        session,
        UnitContact,
        {
            "unit_id": data.enterprise_id,
            "unit_name": data.name,
            "grid_id": data.grid_id,
            "responsible_head": data.responsible_head,
            "responsible_phone": data.responsible_phone,
        },
        key="unit_id",
    )

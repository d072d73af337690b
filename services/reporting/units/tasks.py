"""Registry events that keep the reporting service's units current."""

from sqlalchemy.orm import Session

from services.reporting.units.models import ReportingUnit
from services.reporting.worker import consumer
from shared.db import upsert
from shared.events.contracts.registry import EnterpriseRegisteredV1
from shared.events.envelope import CloudEvent


@consumer.handles(EnterpriseRegisteredV1)
def on_enterprise_registered(session: Session, data: EnterpriseRegisteredV1, event: CloudEvent) -> None:
    upsert(
        session,
        ReportingUnit,
        {
            "id": data.enterprise_id,
            "name": data.name,
            "kind": data.kind,
            "industry": data.industry,
            "grid_id": data.grid_id,
            "registered_at": event.time,
        },
    )

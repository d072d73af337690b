"""Hazard events that tell people: each lifecycle step reaches whoever it concerns."""

from sqlalchemy.orm import Session

from services.notifications.hazard_notices.service import on_hazard_event
from services.notifications.worker import consumer
from shared.clock import local_today
from shared.events.contracts import CONTRACTS
from shared.events.contracts.inspections import HazardEventV1
from shared.events.envelope import CloudEvent


def handle_hazard_event(session: Session, data: HazardEventV1, event: CloudEvent) -> None:
    on_hazard_event(session, data, event, local_today())


for contract in CONTRACTS.values():
    if issubclass(contract, HazardEventV1):
        consumer.handles(contract)(handle_hazard_event)

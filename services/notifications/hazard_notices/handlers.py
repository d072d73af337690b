"""Hazard events that tell people: each lifecycle step reaches whoever it concerns."""

from sqlalchemy.orm import Session

from services.notifications.hazard_notices.service import on_hazard_event, on_repeat_offender
from shared.clock import local_today
from shared.events.contracts.inspections import HazardEventV1, RepeatOffenderV1
from shared.events.envelope import CloudEvent
from shared.events.handlers import handles


@handles(HazardEventV1)  # every hazard.* step
def handle_hazard_event(session: Session, data: HazardEventV1, event: CloudEvent) -> None:
    on_hazard_event(session, data, event, local_today())


@handles(RepeatOffenderV1)
def handle_repeat_offender(session: Session, data: RepeatOffenderV1, event: CloudEvent) -> None:
    on_repeat_offender(session, data, event, local_today())

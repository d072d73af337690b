"""Every event notifications receives is offered to the webhook endpoints subscribed to its type."""

from sqlalchemy.orm import Session

from services.notifications.webhooks.service import fan_out
from shared.events.envelope import CloudEvent
from shared.events.handlers import observes_every_event


@observes_every_event
def offer_to_webhooks(session: Session, event: CloudEvent) -> None:
    fan_out(session, event)

"""Every event reporting applies is also journaled, in the same transaction."""

from sqlalchemy.orm import Session

from services.reporting.journal.models import JournalEntry
from shared.db import insert_once
from shared.events.envelope import CloudEvent
from shared.events.handlers import observes_every_event


@observes_every_event
def journal(session: Session, event: CloudEvent) -> None:
    values = {"event_id": event.id, "event_type": event.type, "envelope": event.model_dump(mode="json")}
    insert_once(session, JournalEntry, values)

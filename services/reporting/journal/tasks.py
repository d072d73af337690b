"""Every event reporting applies is also journaled, in the same transaction."""

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from services.reporting.journal.models import JournalEntry
from services.reporting.worker import consumer
from shared.events.envelope import CloudEvent


@consumer.observes_every_event
def journal(session: Session, event: CloudEvent) -> None:
    session.execute(
        insert(JournalEntry)
        .values(event_id=event.id, event_type=event.type, envelope=event.model_dump(mode="json"))
        .on_conflict_do_nothing()
    )

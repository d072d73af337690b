"""Telling people (站内消息 first, then their other channels), and reading one's own inbox."""

import uuid
from dataclasses import dataclass

from sqlalchemy import ARRAY, Text, Uuid, cast, func, literal, select, update
from sqlalchemy.dialects.postgresql import Insert, insert
from sqlalchemy.orm import Session

from services.notifications.delivery.planning import plan_deliveries, send_after_commit
from services.notifications.inbox.models import InboxMessage
from shared.clock import utc_now
from shared.errors import NotFound
from shared.events.envelope import CloudEvent
from shared.pagination import Keyset, Page, PageRequest

NEWEST_FIRST = Keyset("inbox", InboxMessage.created_at, InboxMessage.id, descending=True)


@dataclass(frozen=True)
class Notice:
    """Something to tell: once per occasion and person, however often it is raised."""

    occasion: str
    event_type: str
    title: str
    body: str
    urgent: bool
    subject_id: uuid.UUID | None = None
    event_id: uuid.UUID | None = None

    @classmethod
    def of_event(
        cls, event: CloudEvent, title: str, body: str, *, urgent: bool, subject_id: uuid.UUID | None
    ) -> "Notice":
        """The notice an event gives: once per event and person."""
        return cls(f"event:{event.id}", event.type, title, body, urgent, subject_id, event.id)


def notify(
    session: Session, notice: Notice, recipients: dict[uuid.UUID, str], *, along: Insert | None = None
) -> list[InboxMessage]:
    """Write the notice to each recipient's inbox (person id -> why they are told) and plan its
    deliveries; recipients already told on this occasion are skipped. Returns the new messages.

    `along` is a write of the same change (a copy's upsert), made in the same statement (a CTE):
    one round trip for both."""
    if not recipients:
        if along is not None:
            session.execute(along)
        return []
    columns = InboxMessage.__table__.c
    fields = {
        "occasion": notice.occasion,
        "event_id": notice.event_id,
        "event_type": notice.event_type,
        "subject_id": notice.subject_id,
        "title": notice.title[:200],
        "body": notice.body,
        "urgent": notice.urgent,
    }
    # the recipients as two arrays: one statement (and one cached compilation) however many they are
    people = (
        func.unnest(cast(list(recipients), ARRAY(Uuid)), cast(list(recipients.values()), ARRAY(Text)))
        .table_valued("person_id", "why")
        .render_derived(name="people")
    )
    rows = select(
        func.gen_random_uuid(),
        people.c.person_id,
        people.c.why,
        *(literal(value, columns[name].type) for name, value in fields.items()),
    )
    statement = (
        insert(InboxMessage)
        .from_select(["id", "person_id", "why", *fields], rows)
        .on_conflict_do_nothing()
        .returning(InboxMessage)
    )
    if along is not None:
        statement = statement.add_cte(along.cte("along"))
    messages = list(session.scalars(statement))
    send_after_commit(session, plan_deliveries(session, messages))
    return messages


def messages(
    session: Session, person_id: uuid.UUID | None, page: PageRequest, *, unread_only: bool
) -> tuple[int, Page[InboxMessage]]:
    """(unread count, a page of the newest messages) of one person, including those sent before
    they had an account."""
    mine = InboxMessage.person_id == person_id
    query = select(InboxMessage).where(mine)
    if unread_only:
        query = query.where(InboxMessage.read_at.is_(None))
    unread = session.execute(select(func.count()).where(mine, InboxMessage.read_at.is_(None))).scalar_one()
    return unread, NEWEST_FIRST.fetch(session, query, page)


def mark_read(session: Session, message_id: uuid.UUID, person_id: uuid.UUID | None) -> InboxMessage:
    """Mark one's own message read (the first reading time is kept); 404 for anyone else's."""
    own = (InboxMessage.id == message_id) & (InboxMessage.person_id == person_id)
    session.execute(update(InboxMessage).where(own, InboxMessage.read_at.is_(None)).values(read_at=utc_now()))
    message = session.scalar(select(InboxMessage).where(own))
    if message is None:
        raise NotFound(f"消息不存在 / message {message_id} not found")
    return message

"""Telling people (站内消息 first, then their other channels), and reading one's own inbox."""

import typing
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Row, Table, Text, Uuid, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import Insert, insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from services.notifications.delivery.planning import plan_deliveries, send_after_commit
from services.notifications.inbox.models import InboxMessage
from shared.clock import utc_now
from shared.db import array_rows
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


# A message just written, as the row its insert returned (its columns by name): no ORM object to
# build, which cost a burst of events a sixth of their CPU.
NewMessage = Row[Any]


def notify(
    session: Session,
    notice: Notice,
    recipients: dict[uuid.UUID, str],
    *,
    along: tuple[Insert, dict[str, Any]] | None = None,
) -> Sequence[NewMessage]:
    """Write the notice to each recipient's inbox (person id -> why they are told) and plan its
    deliveries; recipients already told on this occasion are skipped. Returns the new messages.

    `along` is a write of the same change (a copy's upsert, `shared.db.snapshot_upsert`) and its
    values, made in the same statement (a CTE): one round trip for both."""
    if not recipients:
        if along is not None:
            session.execute(*along)
        return []
    parameters = {f"notice_{name}": getattr(notice, name) for name in _NOTICE_FIELDS}
    parameters["notice_title"] = notice.title[:200]
    parameters |= {"notice_people": list(recipients), "notice_whys": list(recipients.values())}
    statement = _notice_statement(None if along is None else along[0])
    messages = session.execute(statement, {**(along[1] if along else {}), **parameters}).all()
    send_after_commit(session, plan_deliveries(session, messages))
    return messages


_NOTICE_FIELDS = ("occasion", "event_id", "event_type", "subject_id", "title", "body", "urgent")


@lru_cache(maxsize=16)
def _notice_statement(along: Insert | None) -> ReturningInsert[Any]:
    """The inbox rows of one notice, built once per `along` statement: the recipients as two arrays,
    so one statement (and one compilation) serves however many they are."""
    inbox = typing.cast(Table, InboxMessage.__table__)
    columns = inbox.c
    people = array_rows("people", person_id=("notice_people", Uuid()), why=("notice_whys", Text()))
    rows = select(
        func.gen_random_uuid(),
        people.c.person_id,
        people.c.why,
        *(bindparam(f"notice_{name}", type_=columns[name].type) for name in _NOTICE_FIELDS),
    )
    statement = (
        insert(inbox)
        .from_select(["id", "person_id", "why", *_NOTICE_FIELDS], rows)
        .on_conflict_do_nothing()
        .returning(*columns)
    )
    if along is not None:
        statement = statement.add_cte(along.cte("along"))
    return statement


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

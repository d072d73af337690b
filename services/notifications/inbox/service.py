"""Reading one's own inbox."""

import uuid

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from services.notifications.inbox.models import InboxMessage
from shared.clock import utc_now
from shared.errors import NotFound


def messages(
    session: Session, user_id: uuid.UUID, *, unread_only: bool, limit: int
) -> tuple[int, list[InboxMessage]]:
    """(unread count, newest messages) of one user."""
    mine = InboxMessage.user_id == user_id
    query = select(InboxMessage).where(mine).order_by(InboxMessage.created_at.desc()).limit(limit)
    if unread_only:
        query = query.where(InboxMessage.read_at.is_(None))
    unread = session.scalar(select(func.count()).where(mine, InboxMessage.read_at.is_(None)))
    return unread, list(session.scalars(query))


def mark_read(session: Session, message_id: uuid.UUID, user_id: uuid.UUID) -> InboxMessage:
    """Mark one's own message read (the first reading time is kept); 404 for anyone else's."""
    own = (InboxMessage.id == message_id) & (InboxMessage.user_id == user_id)
    session.execute(update(InboxMessage).where(own, InboxMessage.read_at.is_(None)).values(read_at=utc_now()))
    message = session.scalar(select(InboxMessage).where(own))
    if message is None:
        raise NotFound(f"消息不存在 / message {message_id} not found")
    return message

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from services.notifications.inbox.models import InboxMessage
from services.notifications.runtime import runtime
from shared.auth import CurrentUser
from shared.clock import utc_now
from shared.deps import transactional_session
from shared.errors import NotFound

router = APIRouter(prefix="/inbox", tags=["inbox 站内消息"])
DbSession = Annotated[Session, Depends(transactional_session(runtime), scope="function")]


class MessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    event_type: str
    subject_id: uuid.UUID | None
    title: str
    body: str
    urgent: bool
    why: str
    created_at: datetime
    read_at: datetime | None


class InboxOut(BaseModel):
    unread: int
    messages: list[MessageOut]


@router.get("", summary="我的消息 / my inbox, newest first")
def my_inbox(
    session: DbSession,
    user: CurrentUser,
    unread_only: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> InboxOut:
    mine = InboxMessage.user_id == user.user_id
    query = select(InboxMessage).where(mine).order_by(InboxMessage.created_at.desc()).limit(limit)
    if unread_only:
        query = query.where(InboxMessage.read_at.is_(None))
    unread = session.scalar(select(func.count()).where(mine, InboxMessage.read_at.is_(None)))
    return InboxOut(unread=unread, messages=[MessageOut.model_validate(m) for m in session.scalars(query)])


@router.post("/{message_id}/read", summary="标记已读 / mark a message read")
def mark_read(message_id: uuid.UUID, session: DbSession, user: CurrentUser) -> MessageOut:
    session.execute(
        update(InboxMessage)
        .where(
            InboxMessage.id == message_id,
            InboxMessage.user_id == user.user_id,
            InboxMessage.read_at.is_(None),
        )
        .values(read_at=utc_now())
    )
    message = session.scalar(
        select(InboxMessage).where(InboxMessage.id == message_id, InboxMessage.user_id == user.user_id)
    )
    if message is None:
        raise NotFound(f"消息不存在 / message {message_id} not found")
    return MessageOut.model_validate(message)

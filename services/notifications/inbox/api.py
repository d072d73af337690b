import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from services.notifications.deps import DbSession
from services.notifications.inbox import service
from services.notifications.inbox.schemas import InboxOut, MessageOut
from shared.auth import CurrentUser

router = APIRouter(prefix="/inbox", tags=["inbox 站内消息"])


@router.get("", summary="我的消息 / my inbox, newest first")
def my_inbox(
    session: DbSession,
    user: CurrentUser,
    unread_only: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> InboxOut:
    unread, rows = service.messages(session, user.user_id, unread_only=unread_only, limit=limit)
    return InboxOut(unread=unread, messages=[MessageOut.model_validate(m) for m in rows])


@router.post("/{message_id}/read", summary="标记已读 / mark a message read")
def mark_read(message_id: uuid.UUID, session: DbSession, user: CurrentUser) -> MessageOut:
    return MessageOut.model_validate(service.mark_read(session, message_id, user.user_id))

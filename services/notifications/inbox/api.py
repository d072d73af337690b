import uuid

from fastapi import APIRouter

from services.notifications.deps import DbSession
from services.notifications.inbox import service
from services.notifications.inbox.schemas import InboxOut, MessageOut
from shared.auth import CurrentUser
from shared.pagination import PageQuery

router = APIRouter(prefix="/inbox", tags=["inbox 站内消息"])


@router.get("", summary="我的消息 / my inbox, newest first")
def my_inbox(
    session: DbSession,
    user: CurrentUser,
    page: PageQuery,
    unread_only: bool = False,
) -> InboxOut:
    unread, found = service.messages(session, user.user_id, page, unread_only=unread_only)
    shown = found.map(MessageOut.model_validate)
    return InboxOut(unread=unread, items=shown.items, next=shown.next)


@router.post("/{message_id}/read", summary="标记已读 / mark a message read")
def mark_read(message_id: uuid.UUID, session: DbSession, user: CurrentUser) -> MessageOut:
    return MessageOut.model_validate(service.mark_read(session, message_id, user.user_id))

import uuid
from typing import Annotated

from fastapi import APIRouter

from services.notifications.deps import DbSession, permit
from services.notifications.directory.service import person_of
from services.notifications.inbox import service
from services.notifications.inbox.schemas import InboxOut, MessageOut
from shared.access import Access
from shared.pagination import PageQuery

router = APIRouter(prefix="/inbox", tags=["inbox 站内消息"])
Own = Annotated[Access, permit("inbox.own")]


@router.get("", summary="我的消息 / my inbox, newest first")
def my_inbox(
    session: DbSession,
    user: Own,
    page: PageQuery,
    unread_only: bool = False,
) -> InboxOut:
    unread, found = service.messages(session, person_of(session, user), page, unread_only=unread_only)
    shown = found.map(MessageOut.model_validate)
    return InboxOut(unread=unread, items=shown.items, next=shown.next)


@router.post("/{message_id}/read", summary="标记已读 / mark a message read")
def mark_read(message_id: uuid.UUID, session: DbSession, user: Own) -> MessageOut:
    return MessageOut.model_validate(service.mark_read(session, message_id, person_of(session, user)))

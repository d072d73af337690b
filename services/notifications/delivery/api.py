import uuid
from typing import Annotated

from fastapi import APIRouter

from services.notifications.delivery import sending, service
from services.notifications.delivery.models import Channel, DeliveryStatus
from services.notifications.delivery.schemas import (
    DeliveryDetail,
    DeliveryOut,
    EventNotices,
    PreferenceIn,
    PreferenceOut,
)
from services.notifications.deps import DbSession, permit
from shared.access import Access
from shared.pagination import Page, PageQuery

router = APIRouter(tags=["deliveries 投递记录"])
NoticeReader = Annotated[Access, permit("notice.read")]
Own = Annotated[Access, permit("inbox.own")]


@router.get("/deliveries", summary="投递记录 / deliveries, newest first")
def list_deliveries(
    session: DbSession,
    user: NoticeReader,
    page: PageQuery,
    channel: Channel | None = None,
    status: DeliveryStatus | None = None,
    event_id: uuid.UUID | None = None,
    subscription_id: uuid.UUID | None = None,
    person_id: uuid.UUID | None = None,
) -> Page[DeliveryOut]:
    found = service.list_deliveries(
        session,
        user,
        channel=channel,
        status=status,
        event_id=event_id,
        subscription_id=subscription_id,
        person_id=person_id,
        page=page,
    )
    return found.map(lambda d: service.delivery_out(user, d))


@router.get("/deliveries/{delivery_id}", summary="投递详情及每次尝试 / a delivery and its attempts")
def get_delivery(delivery_id: uuid.UUID, session: DbSession, user: NoticeReader) -> DeliveryDetail:
    return service.delivery_detail(session, user, delivery_id)


@router.post("/deliveries/{delivery_id}/replay", summary="补发 / send a sent or dead delivery again")
def replay_delivery(
    delivery_id: uuid.UUID, session: DbSession, _: Annotated[Access, permit("notice.replay")]
) -> DeliveryOut:
    return DeliveryOut.model_validate(sending.replay(session, delivery_id))


@router.get("/events/{event_id}/notices", summary="某事件通知了谁、为何、何时 / who was told of an event")
def notices_of_event(
    event_id: uuid.UUID, session: DbSession, user: Annotated[Access, permit("notice.trace")]
) -> EventNotices:
    return service.event_notices(session, user, event_id)


@router.get("/preferences/me", summary="我的通知偏好 / my notification preferences")
def get_my_preference(session: DbSession, user: Own) -> PreferenceOut:
    return service.my_preference(session, user)


@router.put("/preferences/me", summary="设置通知偏好 / set my notification preferences")
def put_my_preference(data: PreferenceIn, session: DbSession, user: Own) -> PreferenceOut:
    return service.set_my_preference(session, user, data)

"""Reading deliveries and notices (谁在何时因何被通知了什么), and people's preferences."""

import uuid

from sqlalchemy import ColumnElement, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from services.notifications.delivery.models import (
    Channel,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Preference,
)
from services.notifications.delivery.planning import DEFAULT_CHANNELS, DEFAULT_URGENT_CHANNELS
from services.notifications.delivery.schemas import (
    DeliveryDetail,
    DeliveryOut,
    EventNotices,
    NoticeOut,
    PreferenceIn,
    PreferenceOut,
)
from services.notifications.directory.service import person_of
from services.notifications.inbox.models import InboxMessage
from shared.access import Access
from shared.auth import Principal
from shared.clock import utc_now
from shared.db import where_given
from shared.errors import NotFound
from shared.pagination import Keyset, Page, PageRequest

NEWEST_FIRST = Keyset("deliveries", Delivery.created_at, Delivery.id, descending=True)


def _visible(session: Session, user: Access) -> ColumnElement[bool]:
    """Zone-wide: every delivery; anyone else the deliveries of their own messages."""
    own = select(InboxMessage.id).where(InboxMessage.person_id == person_of(session, user))
    return user.visible(person=Delivery.person_id, also=Delivery.message_id.in_(own))


def delivery_out(user: Access, delivery: Delivery) -> DeliveryOut:
    """A delivery as the caller may see it: a person's phone or e-mail only if they may reach them."""
    shown = DeliveryOut.model_validate(delivery)
    if delivery.person_id is None or user.may_reach_person(delivery.person_id, None):
        return shown
    return shown.model_copy(update={"address": None})


def list_deliveries(
    session: Session,
    user: Access,
    *,
    channel: Channel | None,
    status: DeliveryStatus | None,
    event_id: uuid.UUID | None,
    subscription_id: uuid.UUID | None,
    person_id: uuid.UUID | None,
    page: PageRequest,
) -> Page[Delivery]:
    """Newest first; the deliveries of one event, created in the same instant, follow their ids."""
    query = where_given(
        select(Delivery).where(_visible(session, user)),
        {
            Delivery.channel: channel,
            Delivery.status: status,
            Delivery.event_id: event_id,
            Delivery.subscription_id: subscription_id,
            Delivery.person_id: person_id,
        },
    )
    return NEWEST_FIRST.fetch(session, query, page)


def delivery_detail(session: Session, user: Access, delivery_id: uuid.UUID) -> DeliveryDetail:
    delivery = session.scalar(select(Delivery).where(Delivery.id == delivery_id, _visible(session, user)))
    if delivery is None:
        raise NotFound(f"投递不存在 / delivery {delivery_id} not found")
    attempts = session.scalars(
        select(DeliveryAttempt)
        .where(DeliveryAttempt.delivery_id == delivery_id)
        .order_by(DeliveryAttempt.round, DeliveryAttempt.number)
    )
    return DeliveryDetail.model_validate(
        {
            **delivery_out(user, delivery).model_dump(),
            "body": delivery.body,
            "attempt_log": list(attempts),
        }
    )


def event_notices(session: Session, user: Access, event_id: uuid.UUID) -> EventNotices:
    """Everyone told because of one event, why, when, and how each channel fared."""
    messages = session.scalars(
        select(InboxMessage).where(InboxMessage.event_id == event_id).order_by(InboxMessage.created_at)
    ).all()
    deliveries = session.scalars(
        select(Delivery).where(Delivery.event_id == event_id).order_by(Delivery.created_at)
    ).all()
    by_message: dict[uuid.UUID | None, list[DeliveryOut]] = {}
    for delivery in deliveries:
        by_message.setdefault(delivery.message_id, []).append(delivery_out(user, delivery))
    return EventNotices(
        event_id=event_id,
        notices=[
            NoticeOut(
                person_id=m.person_id,
                why=m.why,
                title=m.title,
                urgent=m.urgent,
                created_at=m.created_at,
                read_at=m.read_at,
                deliveries=by_message.get(m.id, []),
            )
            for m in messages
        ],
        webhooks=[d for d in by_message.get(None, []) if d.channel == Channel.webhook],
    )


def _person_of(session: Session, user: Principal) -> uuid.UUID:
    person_id = person_of(session, user)
    if person_id is None:
        raise NotFound("账号未关联人员 / this account is not linked to a person known to notifications")
    return person_id


def my_preference(session: Session, user: Principal) -> PreferenceOut:
    person_id = _person_of(session, user)
    preference = session.get(Preference, person_id)
    if preference is None:
        return PreferenceOut(
            person_id=person_id,
            channels=DEFAULT_CHANNELS,
            urgent_channels=DEFAULT_URGENT_CHANNELS,
            digest=False,
        )
    return PreferenceOut.model_validate(preference, from_attributes=True)


def set_my_preference(session: Session, user: Principal, data: PreferenceIn) -> PreferenceOut:
    person_id = _person_of(session, user)
    values = {
        "channels": sorted(set(data.channels)),
        "urgent_channels": sorted(set(data.urgent_channels)),
        "digest": data.digest,
        "updated_at": utc_now(),
    }
    session.execute(
        insert(Preference)
        .values(person_id=person_id, **values)
        .on_conflict_do_update(index_elements=[Preference.person_id], set_=values)
    )
    return PreferenceOut(person_id=person_id, **values)

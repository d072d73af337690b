"""Webhook subscriptions of other systems (外部系统订阅): checked when made, fed every event of
their types, disabled with a notice to their owner when they keep failing."""

import base64
import json
import secrets
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import Row, bindparam, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from services.notifications.delivery.models import Channel, Delivery, DeliveryStatus
from services.notifications.delivery.planning import send_after_commit
from services.notifications.directory.models import PersonContact
from services.notifications.inbox.service import Notice, notify
from services.notifications.settings import get_notifications_settings
from services.notifications.webhooks.models import WebhookSubscription
from services.notifications.webhooks.urls import forbidden_address_problem
from shared.clock import utc_now
from shared.errors import Conflict, InvalidInput, NotFound
from shared.events.contracts import CONTRACTS
from shared.events.envelope import CloudEvent
from shared.events.subscriptions import subscribers
from shared.pagination import Keyset, Page, PageRequest

OLDEST_FIRST = Keyset("webhooks", WebhookSubscription.created_at, WebhookSubscription.id)


def subscribable_types() -> list[str]:
    """Event types other systems may subscribe to: those notifications itself receives."""
    return sorted({t for (t, _) in CONTRACTS if "notifications" in subscribers(t)})


def check_subscription(url: str, event_types: list[str]) -> None:
    problems: list[dict[str, Any]] = []
    problem = forbidden_address_problem(url, get_notifications_settings())
    if problem:
        problems.append({"loc": ["body", "url"], "msg": problem})
    allowed = subscribable_types()
    for index, event_type in enumerate(event_types):
        if event_type not in allowed:
            problems.append(
                {
                    "loc": ["body", "event_types", index],
                    "msg": f"未知事件类型 / unknown event type {event_type!r}; known: {', '.join(allowed)}",
                }
            )
    if problems:
        raise InvalidInput("订阅无效 / invalid webhook subscription", details=problems)


def create(
    session: Session, *, name: str, url: str, event_types: list[str], owner: uuid.UUID
) -> WebhookSubscription:
    check_subscription(url, event_types)
    subscription = WebhookSubscription(
        name=name, url=url, event_types=sorted(set(event_types)), secret=_new_secret(), owner_user_id=owner
    )
    session.add(subscription)
    session.flush()
    return subscription


def _new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def rotate_secret(session: Session, subscription_id: uuid.UUID) -> WebhookSubscription:
    """A new signing secret; the old one keeps signing too (a second signature) for the grace
    period, so the receiver can switch over without missing a delivery."""
    subscription = get(session, subscription_id)
    grace = timedelta(hours=get_notifications_settings().webhook_secret_grace_hours)
    subscription.previous_secret, subscription.previous_secret_until = subscription.secret, utc_now() + grace
    subscription.secret = _new_secret()
    return subscription


def list_all(session: Session, page: PageRequest) -> Page[WebhookSubscription]:
    return OLDEST_FIRST.fetch(session, select(WebhookSubscription), page)


def get(session: Session, subscription_id: uuid.UUID) -> WebhookSubscription:
    subscription = session.get(WebhookSubscription, subscription_id)
    if subscription is None:
        raise NotFound(f"推送端点不存在 / webhook subscription {subscription_id} not found")
    return subscription


def update(
    session: Session,
    subscription_id: uuid.UUID,
    *,
    url: str | None = None,
    event_types: list[str] | None = None,
    enabled: bool | None = None,
) -> WebhookSubscription:
    subscription = get(session, subscription_id)
    check_subscription(
        url or subscription.url, event_types if event_types is not None else subscription.event_types
    )
    if url is not None:
        subscription.url = url
    if event_types is not None:
        subscription.event_types = sorted(set(event_types))
    if enabled is True and not subscription.enabled:  # re-enabled after a fix: a fresh start
        subscription.enabled, subscription.consecutive_failures = True, 0
        subscription.disabled_at = subscription.disabled_reason = None
    elif enabled is False:
        subscription.enabled, subscription.disabled_at = False, utc_now()
        subscription.disabled_reason = "停用 / disabled by its owner"
    return subscription


# built once: every event asks it (Core columns, no ORM objects: most events find none)
_SUBSCRIBED = select(WebhookSubscription.id, WebhookSubscription.url).where(
    WebhookSubscription.enabled,
    WebhookSubscription.event_types.contains(
        bindparam("event_types", type_=WebhookSubscription.__table__.c.event_types.type)
    ),
)


def _subscribed(session: Session, event_type: str) -> Sequence[Row[uuid.UUID, str]]:
    """The enabled endpoints subscribed to this type, read once per transaction: a consumer applies
    a message's events in one, and they see the subscriptions as of its first event."""
    transaction = session.get_transaction()
    kept = session.info.get("webhook_subscriptions")
    if kept is None or kept[0] is not transaction:
        kept = session.info["webhook_subscriptions"] = (transaction, {})
    known: dict[str, Sequence[Row[uuid.UUID, str]]] = kept[1]
    if event_type not in known:
        known[event_type] = session.execute(_SUBSCRIBED, {"event_types": [event_type]}).all()
    return known[event_type]


def fan_out(session: Session, event: CloudEvent) -> None:
    """A delivery of this event to every enabled endpoint subscribed to its type, once each."""
    subscriptions = _subscribed(session, event.type)
    if not subscriptions:
        return
    # The Standard Webhooks payload shape: type, timestamp, data (here the whole CloudEvent).
    payload = json.dumps(
        {"type": event.type, "timestamp": event.time.isoformat(), "data": event.model_dump(mode="json")},
        ensure_ascii=False,
    )
    added = session.scalars(
        insert(Delivery)
        .values(
            [
                {
                    "id": uuid.uuid4(),
                    "channel": Channel.webhook,
                    "status": DeliveryStatus.pending,
                    "subscription_id": s.id,
                    "event_id": event.id,
                    "address": s.url,
                    "subject": event.type,
                    "body": payload,
                    "next_attempt_at": utc_now(),
                }
                for s in subscriptions
            ]
        )
        .on_conflict_do_nothing()
        .returning(Delivery.id)
    ).all()
    send_after_commit(session, added)


def record_dead_delivery(session: Session, subscription: WebhookSubscription, error: str) -> None:
    """Count a delivery that gave up; past the limit, disable the endpoint and tell its owner."""
    session.refresh(subscription, with_for_update=True)  # deliveries of one endpoint die side by side
    subscription.consecutive_failures += 1
    limit = get_notifications_settings().webhook_disable_after_failures
    if not subscription.enabled or subscription.consecutive_failures < limit:
        return
    subscription.enabled, subscription.disabled_at = False, utc_now()
    subscription.disabled_reason = (
        f"连续 {subscription.consecutive_failures} 次投递失败 / failed {limit} times in a row"
    )
    owner = session.scalar(
        select(PersonContact.person_id).where(PersonContact.user_id == subscription.owner_user_id)
    )
    if owner is None:
        return
    notice = Notice(
        occasion=f"webhook_disabled:{subscription.id}:{subscription.disabled_at.isoformat()}",
        event_type="webhook.disabled",
        title=f"推送端点已停用:{subscription.name}",
        body=f"端点 {subscription.url} 连续 {subscription.consecutive_failures} 次投递失败,已停用。"
        f"最后一次错误:{error}。修复后请重新启用,并可逐条重发失败的投递。",
        urgent=True,
        subject_id=subscription.id,
    )
    notify(session, notice, {owner: "webhook_owner"})


def ensure_enabled(subscription: WebhookSubscription) -> None:
    if not subscription.enabled:
        raise Conflict(
            f"推送端点已停用,请先启用 / webhook subscription {subscription.id} is disabled: enable it first"
        )

"""Sending a delivery: one attempt at a time, each recorded, retried on the channel's schedule,
given up (dead) when the schedule runs out, and replayable by hand.

An attempt first takes a lease on the delivery (its next try is moved past the channel's
timeout) and commits, so no database connection or lock is held while the network is slow and
no other worker sends it meanwhile; then it sends, then it records what happened. A worker that
dies mid-send leaves the delivery pending; once the lease runs out the sweeper sends it again
(receivers of webhooks can tell a repeat by its webhook-id).
"""

import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.notifications.delivery.channels import SendResult, send_email, send_sms, send_webhook
from services.notifications.delivery.models import Channel, Delivery, DeliveryAttempt, DeliveryStatus
from services.notifications.delivery.planning import render, send_after_commit
from services.notifications.directory.models import PersonContact
from services.notifications.inbox.models import InboxMessage
from services.notifications.runtime import runtime
from services.notifications.settings import NotificationsSettings, get_notifications_settings
from services.notifications.webhooks.models import WebhookSubscription
from services.notifications.webhooks.service import ensure_enabled, record_dead_delivery
from shared.clock import local_now_text, utc_now
from shared.errors import Conflict, NotFound
from shared.events.contracts.notifications import NotificationFailedV1, NotificationSentV1

EARLY_TOLERANCE = timedelta(seconds=1)
# A lease lasts the channel's timeout and this much more; then the sweeper may send again.
LEASE_MARGIN_SECONDS = 60.0


def retry_schedule(channel: Channel, settings: NotificationsSettings) -> list[float]:
    if channel == Channel.webhook:
        return settings.webhook_retry_schedule_seconds
    return settings.channel_retry_schedule_seconds


@dataclass(frozen=True)
class Outgoing:
    """What one try sends, read under the lease."""

    channel: Channel
    address: str | None
    subject: str
    body: str
    message_id: str  # the webhook-id: the event id, the same on every try
    url: str | None
    signing_secrets: list[str] | None
    endpoint_enabled: bool


def _send(outgoing: Outgoing, settings: NotificationsSettings) -> SendResult:
    match outgoing:
        case Outgoing(channel=Channel.email, address=str(address)):
            return send_email(settings, address, outgoing.subject, outgoing.body)
        case Outgoing(channel=Channel.sms, address=str(phone)):
            return send_sms(settings, phone, outgoing.body)
        case Outgoing(channel=Channel.webhook, endpoint_enabled=False):
            return SendResult(False, None, "推送端点已停用 / the endpoint is disabled")
        case Outgoing(channel=Channel.webhook, url=str(url), signing_secrets=list(signing_secrets)):
            return send_webhook(settings, url, signing_secrets, outgoing.message_id, outgoing.body)
    return SendResult(
        False, None, f"缺少{outgoing.channel}收件地址 / no {outgoing.channel} address to send to"
    )


def _lease_seconds(channel: Channel, settings: NotificationsSettings) -> float:
    timeout = {
        Channel.email: settings.smtp_timeout_seconds,
        Channel.sms: settings.sms_timeout_seconds,
        Channel.webhook: settings.webhook_timeout_seconds,
    }[channel]
    return timeout + LEASE_MARGIN_SECONDS


def _claim(delivery_id: uuid.UUID, settings: NotificationsSettings) -> Outgoing | None:
    """Lease a pending delivery that is due; None if it is done, leased or not due yet."""
    with runtime.transaction() as session:
        delivery = session.scalar(
            select(Delivery)
            .where(Delivery.id == delivery_id, Delivery.status == DeliveryStatus.pending)
            .with_for_update(skip_locked=True)
        )
        if delivery is None:
            return None
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > utc_now() + EARLY_TOLERANCE:
            return None  # leased, or not due yet (pending without a time means due now)
        delivery.next_attempt_at = utc_now() + timedelta(seconds=_lease_seconds(delivery.channel, settings))
        subscription = (
            session.get(WebhookSubscription, delivery.subscription_id) if delivery.subscription_id else None
        )
        return Outgoing(
            channel=delivery.channel,
            address=delivery.address,
            subject=delivery.subject,
            body=delivery.body,
            message_id=str(delivery.event_id),
            url=subscription.url if subscription else None,
            signing_secrets=subscription.signing_secrets(utc_now()) if subscription else None,
            endpoint_enabled=subscription is None or subscription.enabled,
        )


def attempt(delivery_id: uuid.UUID) -> float | None:
    """Try to send one pending delivery that is due. Returns seconds until its next try, if any."""
    settings = get_notifications_settings()
    outgoing = _claim(delivery_id, settings)
    if outgoing is None:
        return None
    started, clock = utc_now(), time.monotonic()
    result = _send(outgoing, settings)  # outside any transaction
    with runtime.transaction() as session:
        delivery = session.get_one(Delivery, delivery_id, with_for_update=True)  # leased above, never deleted
        subscription = (
            session.get(WebhookSubscription, delivery.subscription_id) if delivery.subscription_id else None
        )
        delivery.attempts += 1
        session.add(
            DeliveryAttempt(
                delivery_id=delivery.id,
                round=delivery.replays,
                number=delivery.attempts,
                started_at=started,
                duration_ms=round((time.monotonic() - clock) * 1000),
                ok=result.ok,
                status_code=result.status_code,
                error=result.error,
            )
        )
        if result.ok:
            delivery.status, delivery.sent_at, delivery.last_error = DeliveryStatus.sent, utc_now(), None
            delivery.next_attempt_at = None
            if subscription is not None:
                subscription.consecutive_failures = 0
            _publish(session, delivery, NotificationSentV1)
            return None
        delivery.last_error = result.error
        schedule = retry_schedule(delivery.channel, settings)
        if delivery.attempts <= len(schedule) and (subscription is None or subscription.enabled):
            delay = schedule[delivery.attempts - 1]
            delivery.next_attempt_at = utc_now() + timedelta(seconds=delay)
            return delay
        delivery.status, delivery.next_attempt_at = DeliveryStatus.dead, None
        _publish(session, delivery, NotificationFailedV1, error=result.error or "")
        if subscription is not None:
            record_dead_delivery(session, subscription, result.error or "")
        return None


def _publish(
    session: Session,
    delivery: Delivery,
    contract: type[NotificationSentV1 | NotificationFailedV1],
    **extra: str,
) -> None:
    runtime.publish(
        session,
        contract(
            delivery_id=delivery.id,
            channel=delivery.channel,
            person_id=delivery.person_id,
            subscription_id=delivery.subscription_id,
            message_id=delivery.message_id,
            event_id=delivery.event_id,
            subject=delivery.subject,
            attempts=delivery.attempts,
            at=utc_now(),
            **extra,
        ),
        subject=str(delivery.id),
    )


def replay(session: Session, delivery_id: uuid.UUID) -> Delivery:
    """Send a delivery again (补发), whatever became of it; a new round of attempts is recorded."""
    delivery = session.scalar(select(Delivery).where(Delivery.id == delivery_id).with_for_update())
    if delivery is None:
        raise NotFound(f"投递不存在 / delivery {delivery_id} not found")
    if delivery.status not in (DeliveryStatus.sent, DeliveryStatus.dead):
        raise Conflict(
            f"只能重发已发送或已失败的投递 / only a sent or dead delivery can be replayed, not {delivery.status}"
        )
    if delivery.subscription_id:
        ensure_enabled(session.get_one(WebhookSubscription, delivery.subscription_id))
    delivery.status, delivery.attempts, delivery.replays = DeliveryStatus.pending, 0, delivery.replays + 1
    delivery.next_attempt_at = utc_now()
    send_after_commit(session, [delivery.id])
    return delivery


def stalled(session: Session) -> list[uuid.UUID]:
    """Pending deliveries due a while ago (their queue message was lost or is far off): send them."""
    cutoff = utc_now() - timedelta(seconds=get_notifications_settings().stalled_delivery_seconds)
    ids = list(
        session.scalars(
            select(Delivery.id)
            .where(Delivery.status == DeliveryStatus.pending, Delivery.next_attempt_at <= cutoff)
            .limit(10_000)
        )
    )
    send_after_commit(session, ids)
    return ids


def send_digests(session: Session, day: date) -> int:
    """One digest email per person for the notices held back for it (每日摘要). Returns how many."""
    held = session.execute(
        select(InboxMessage.person_id, Delivery.id, InboxMessage)  # a held delivery's person is its message's
        .join(InboxMessage, InboxMessage.id == Delivery.message_id)
        .where(Delivery.status == DeliveryStatus.held)
        .order_by(Delivery.person_id, InboxMessage.created_at)
        .with_for_update(of=Delivery, skip_locked=True)
    ).all()
    by_person: dict[uuid.UUID, tuple[list[uuid.UUID], dict[uuid.UUID, InboxMessage]]] = {}
    for person_id, delivery_id, message in held:
        deliveries, messages = by_person.setdefault(person_id, ([], {}))
        deliveries.append(delivery_id)
        messages[message.id] = message  # the same message held on two channels is listed once
    to_send = []
    for person_id, (deliveries, messages) in by_person.items():
        contact = session.get(PersonContact, person_id)
        digest = Delivery(
            id=uuid.uuid4(),
            channel=Channel.email,
            status=DeliveryStatus.pending if contact and contact.email else DeliveryStatus.no_address,
            person_id=person_id,
            digest_of=day,
            address=contact.email if contact else None,
            subject=f"GridSafe 每日提醒摘要 {day}({len(messages)} 条)",
            body=render(
                "digest.email.j2",
                name=contact.name if contact else "",
                day=day,
                messages=list(messages.values()),
                local_time=local_now_text(),
            ),
            next_attempt_at=utc_now(),
        )
        session.add(digest)
        session.flush()
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_(deliveries))
            .values(status=DeliveryStatus.digested, digest_id=digest.id)
        )
        if digest.status == DeliveryStatus.pending:
            to_send.append(digest.id)
    send_after_commit(session, to_send)
    return len(by_person)

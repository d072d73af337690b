"""Turning inbox messages into deliveries over the channels each recipient prefers.

The inbox message is written first and always; a delivery per channel follows in the same
transaction, and its sending is queued only after that transaction commits (a sweeper sends again
whatever was left pending, so a lost queue message delays a delivery but never loses it).
"""

import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import structlog
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy import Row, event, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from services.notifications.delivery.models import Channel, Delivery, DeliveryStatus, Preference
from services.notifications.directory.models import PersonContact
from services.notifications.settings import NotificationsSettings, get_notifications_settings
from shared.clock import local_now_text, utc_now
from shared.labels import both

log = structlog.get_logger(__name__)

DELIVER_TASK = "notifications.deliver"  # delivery/tasks.py: deliver

templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)

DEFAULT_CHANNELS = [Channel.email]
DEFAULT_URGENT_CHANNELS = [Channel.email, Channel.sms]


def enabled_channels(settings: NotificationsSettings) -> set[Channel]:
    """The person-facing channels this installation has configured."""
    return {
        c for c, on in ((Channel.email, settings.smtp_host), (Channel.sms, settings.sms_gateway_url)) if on
    }


def render(template: str, **context: object) -> str:
    return templates.get_template(template).render(**context)


def plan_deliveries(session: Session, messages: Sequence[Row[Any]]) -> list[uuid.UUID]:
    """Add a delivery per preferred channel for each new message (`inbox.service.NewMessage`, an
    inbox row); returns the ids to send now."""
    settings = get_notifications_settings()
    channels_on = enabled_channels(settings)
    if not messages or not channels_on:
        return []
    people = [m.person_id for m in messages]
    contacts = {
        c.person_id: c
        for c in session.scalars(select(PersonContact).where(PersonContact.person_id.in_(people)))
    }
    preferences = {
        p.person_id: p for p in session.scalars(select(Preference).where(Preference.person_id.in_(people)))
    }
    rows = []
    for message in messages:
        contact, preference = contacts.get(message.person_id), preferences.get(message.person_id)
        wanted: Sequence[str]  # channel names, as preferences store them
        if preference is None:
            wanted, digest = DEFAULT_URGENT_CHANNELS if message.urgent else DEFAULT_CHANNELS, False
        else:
            wanted = preference.urgent_channels if message.urgent else preference.channels
            digest = preference.digest and not message.urgent
        context = {
            "message": message,
            "name": contact.name if contact else "",
            "why": both("notice_reason", message.why),
            "local_time": local_now_text(),
        }
        for channel in (Channel(c) for c in wanted if c in channels_on):
            address = (contact.email if channel == Channel.email else contact.phone) if contact else None
            status = DeliveryStatus.pending
            if not address:
                status = DeliveryStatus.no_address
            elif digest:
                status = DeliveryStatus.held
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "channel": channel,
                    "status": status,
                    "message_id": message.id,
                    "person_id": message.person_id,
                    "event_id": message.event_id,
                    "address": address,
                    "subject": message.title,
                    "body": render(f"message.{channel}.j2", **context),
                    "next_attempt_at": utc_now() if status == DeliveryStatus.pending else None,
                    "last_error": "无该渠道地址,仅留站内消息 / no address for this channel: inbox only"
                    if status == DeliveryStatus.no_address
                    else None,
                }
            )
    if not rows:
        return []
    added = session.execute(
        insert(Delivery).values(rows).on_conflict_do_nothing().returning(Delivery.id, Delivery.status)
    )
    return [row.id for row in added if row.status == DeliveryStatus.pending]


def send_after_commit(session: Session, delivery_ids: Sequence[uuid.UUID]) -> None:
    """Queue the sending of these deliveries once the session's transaction has committed."""
    if not delivery_ids:
        return
    queued: list[uuid.UUID] = session.info.setdefault("deliveries_to_send", [])
    if not queued:
        event.listen(session, "after_commit", _send_queued, once=True)
        event.listen(session, "after_rollback", _forget_queued, once=True)
    queued.extend(delivery_ids)


def _forget_queued(session: Session) -> None:
    session.info.pop("deliveries_to_send", None)


def _send_queued(session: Session) -> None:
    from services.notifications.worker import celery_app  # the worker module imports this one

    queued = session.info.pop("deliveries_to_send", [])
    try:
        for delivery_id in queued:
            celery_app.send_task(DELIVER_TASK, args=[str(delivery_id)], queue="notifications")
    except Exception as exc:  # the broker is down: the sweeper sends them later
        log.warning("delivery.queue_failed", deliveries=len(queued), error=repr(exc))

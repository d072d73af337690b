"""Events published by the notifications service: a delivery over a channel succeeded or gave up."""

import uuid
from datetime import datetime
from enum import StrEnum

from shared.events.contracts.base import EventContract


class Channel(StrEnum):
    email = "email"  # 邮件
    sms = "sms"  # 短信
    webhook = "webhook"  # 外部系统推送


class DeliveryOutcomeV1(EventContract):
    """The shared shape of notification.sent and notification.failed."""

    delivery_id: uuid.UUID
    channel: Channel
    person_id: uuid.UUID | None  # the recipient, for email and SMS
    subscription_id: uuid.UUID | None  # the endpoint, for webhooks
    message_id: uuid.UUID | None  # the inbox message it carries
    event_id: uuid.UUID | None  # the event that caused it
    subject: str
    attempts: int
    at: datetime


class NotificationSentV1(DeliveryOutcomeV1):
    """A delivery reached its channel (已发送)."""

    event_type = "notification.sent"
    event_version = 1


class NotificationFailedV1(DeliveryOutcomeV1):
    """A delivery gave up after its retries (发送失败); the inbox copy stays."""

    event_type = "notification.failed"
    event_version = 1

    error: str

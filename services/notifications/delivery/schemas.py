import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.notifications.delivery.models import Channel, DeliveryStatus


class AttemptOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    round: int
    number: int
    started_at: datetime
    duration_ms: int
    ok: bool
    status_code: int | None
    error: str | None


class DeliveryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    channel: Channel
    status: DeliveryStatus
    message_id: uuid.UUID | None
    person_id: uuid.UUID | None
    subscription_id: uuid.UUID | None
    event_id: uuid.UUID | None
    digest_of: date | None
    digest_id: uuid.UUID | None
    address: str | None
    subject: str
    attempts: int
    replays: int
    next_attempt_at: datetime | None
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


class DeliveryDetail(DeliveryOut):
    body: str
    attempt_log: list[AttemptOut]


class NoticeOut(BaseModel):
    """One person told about an event: why, when, whether they read it, and over which channels."""

    person_id: uuid.UUID
    why: str
    title: str
    urgent: bool
    created_at: datetime
    read_at: datetime | None
    deliveries: list[DeliveryOut]


class EventNotices(BaseModel):
    event_id: uuid.UUID
    notices: list[NoticeOut]
    webhooks: list[DeliveryOut]


PersonChannel = Literal[Channel.email, Channel.sms]  # webhooks are for other systems, not people


class PreferenceIn(BaseModel):
    channels: list[PersonChannel] = Field(
        description="channels for ordinary notices; the inbox always has them"
    )
    urgent_channels: list[PersonChannel] = Field(
        description="channels for urgent notices: major hazards, refusals"
    )
    digest: bool = Field(False, description="ordinary notices in one daily email instead of one by one")


class PreferenceOut(PreferenceIn):
    person_id: uuid.UUID

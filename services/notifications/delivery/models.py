import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.notifications.runtime import Base
from shared.events.contracts.notifications import Channel


class DeliveryStatus(StrEnum):
    pending = "pending"  # 待发送(含等待重试)
    sent = "sent"  # 已送达
    dead = "dead"  # 重试用尽,已放弃(可手动重发)
    no_address = "no_address"  # 无该渠道地址,仅留站内消息
    held = "held"  # 待并入每日摘要
    digested = "digested"  # 已并入每日摘要


class Delivery(Base):
    """One message sent, or to be sent, over one channel: the record of who was told what, and how."""

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("message_id", "channel"),  # one per inbox message and channel
        UniqueConstraint("subscription_id", "event_id"),  # one per webhook endpoint and event
        Index("ix_delivery_due", "next_attempt_at", postgresql_where="status = 'pending'"),
        Index("ix_delivery_held", "person_id", postgresql_where="status = 'held'"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    channel: Mapped[Channel] = mapped_column(String(10))
    status: Mapped[DeliveryStatus] = mapped_column(String(12))
    message_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("inbox_message.id"), index=True)
    person_id: Mapped[uuid.UUID | None]
    subscription_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("webhook_subscription.id"))
    event_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    digest_of: Mapped[date | None] = mapped_column(Date)  # the day a daily digest covers
    digest_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("delivery.id"))  # the digest it went into
    address: Mapped[str | None] = mapped_column(String(2000))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)  # exactly what is sent (a webhook's JSON payload)
    attempts: Mapped[int] = mapped_column(default=0)  # in the current round
    replays: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DeliveryAttempt(Base):
    """One try at sending a delivery, kept for ever (发送记录)."""

    __tablename__ = "delivery_attempt"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    delivery_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("delivery.id"), index=True)
    round: Mapped[int]  # 0 for the first round, n for the n-th manual replay
    number: Mapped[int]  # 1, 2, ... within the round
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    duration_ms: Mapped[int]
    ok: Mapped[bool]
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)


class Preference(Base):
    """How a person wants to be told (通知偏好): channels, and a daily digest for what is not urgent."""

    __tablename__ = "preference"

    person_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    channels: Mapped[list[str]] = mapped_column(ARRAY(String(10)))
    urgent_channels: Mapped[list[str]] = mapped_column(ARRAY(String(10)))
    digest: Mapped[bool]
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

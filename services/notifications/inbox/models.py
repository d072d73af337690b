import uuid
from datetime import datetime

from sqlalchemy import DateTime, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from services.notifications.runtime import Base


class InboxMessage(Base):
    """A message in a person's in-app inbox (站内消息): the channel every other one falls back to.

    Addressed to the person, not to an account: one created later sees the messages sent before."""

    __tablename__ = "inbox_message"
    __table_args__ = (
        UniqueConstraint("occasion", "person_id"),  # one message per occasion and recipient
        Index("ix_inbox_message_person_created", "person_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    person_id: Mapped[uuid.UUID]
    # what the message is about, e.g. "event:<id>" or "ladder:<hazard>:<deadline>:2" (每次只通知一次)
    occasion: Mapped[str] = mapped_column(String(200))
    event_id: Mapped[uuid.UUID | None]  # the event that caused it, if one did
    event_type: Mapped[str] = mapped_column(String(60))
    subject_id: Mapped[uuid.UUID | None]
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    urgent: Mapped[bool]
    why: Mapped[str] = mapped_column(String(200))  # which routing rule chose this recipient
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Index, String, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from services.notifications.runtime import Base


class WebhookSubscription(Base):
    """Another system's endpoint (外部系统订阅) that receives events of chosen types, signed."""

    __tablename__ = "webhook_subscription"
    __table_args__ = (Index("ix_webhook_subscription_types", "event_types", postgresql_using="gin"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(2000))
    event_types: Mapped[list[str]] = mapped_column(ARRAY(String(60)))
    secret: Mapped[str] = mapped_column(String(100))  # whsec_<base64>, per the Standard Webhooks spec
    # After a rotation the previous secret signs too, until its grace period ends.
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_secret_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    owner_user_id: Mapped[uuid.UUID]
    enabled: Mapped[bool] = mapped_column(default=True)
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    disabled_reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    def signing_secrets(self, now: datetime) -> list[str]:
        """The secrets deliveries are signed with now: the current one, and the previous one
        during its grace period."""
        in_grace = self.previous_secret and self.previous_secret_until and now < self.previous_secret_until
        return [self.secret, self.previous_secret] if in_grace and self.previous_secret else [self.secret]

import uuid
from datetime import datetime

from sqlalchemy import DateTime, String, func
from sqlalchemy.orm import Mapped, mapped_column

from services.notifications.runtime import Base


class UnitContact(Base):
    """Who to tell about a unit (单位联系人): the notifications service's copy, fed by registry events."""

    __tablename__ = "unit_contact"

    unit_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    unit_name: Mapped[str] = mapped_column(String(200))
    grid_id: Mapped[uuid.UUID | None]
    responsible_head: Mapped[str | None] = mapped_column(String(100))
    responsible_phone: Mapped[str | None] = mapped_column(String(30))
    synced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

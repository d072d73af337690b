import uuid
from datetime import datetime

from sqlalchemy import DateTime, Enum, String, func
from sqlalchemy.orm import Mapped, mapped_column

from services.registry.runtime import Base
from shared.events.contracts.registry import ProductionStatus, UnitKind


class Enterprise(Base):
    """An enterprise (企业) or construction site (建设工地) under supervision."""

    __tablename__ = "enterprise"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    kind: Mapped[UnitKind] = mapped_column(Enum(UnitKind, native_enum=False, length=32))
    industry: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(300))
    longitude: Mapped[float | None]
    latitude: Mapped[float | None]
    production_status: Mapped[ProductionStatus] = mapped_column(
        Enum(ProductionStatus, native_enum=False, length=32)
    )
    key_supervision: Mapped[bool] = mapped_column(default=False)
    legal_representative: Mapped[str | None] = mapped_column(String(100))
    responsible_head: Mapped[str | None] = mapped_column(String(100))
    responsible_phone: Mapped[str | None] = mapped_column(String(30))
    grid_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

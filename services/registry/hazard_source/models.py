import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, Enum, ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from services.registry.runtime import Base


class HazardSourceKind(StrEnum):
    major_hazard_source = "major_hazard_source"  # 重大危险源
    key_area = "key_area"  # 重点监管区域
    key_equipment = "key_equipment"  # 重点监控设备
    dangerous_process = "dangerous_process"  # 危险工艺


class HazardSource(Base):
    """A hazard source or key point of a unit (危险源、重点部位)."""

    __tablename__ = "hazard_source"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    enterprise_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enterprise.id"), index=True)
    kind: Mapped[HazardSourceKind] = mapped_column(Enum(HazardSourceKind, native_enum=False, length=30))
    name: Mapped[str] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, Enum, ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from services.registry.runtime import Base


class RuleStatus(StrEnum):
    exists = "exists"  # 已建立
    missing = "missing"  # 缺失
    under_revision = "under_revision"  # 修订中


class SafetyRuleRecord(Base):
    """Whether an enterprise has one of the 16 required safety-management rules (安全管理制度)."""

    __tablename__ = "safety_rule_record"

    enterprise_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enterprise.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[RuleStatus] = mapped_column(Enum(RuleStatus, native_enum=False, length=20))
    document_ref: Mapped[str | None] = mapped_column(String(300))
    updated_by: Mapped[uuid.UUID | None]
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class TenHavesRecord(Base):
    """One of the committee's "ten haves" (十有) for a zone, with its evidence."""

    __tablename__ = "ten_haves_record"

    zone_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("zone.id"), primary_key=True)
    item: Mapped[str] = mapped_column(String(40), primary_key=True)
    in_place: Mapped[bool]
    evidence: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[uuid.UUID | None]
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, Enum, ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from services.registry.runtime import Base


class OrgLevel(StrEnum):
    company = "company"  # 公司
    workshop = "workshop"  # 车间
    team = "team"  # 班组


class OrgUnit(Base):
    """A level of an enterprise's three-level safety organisation (公司、车间、班组)."""

    __tablename__ = "org_unit"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    enterprise_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enterprise.id"), index=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("org_unit.id"))
    level: Mapped[OrgLevel] = mapped_column(Enum(OrgLevel, native_enum=False, length=20))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Post(Base):
    """A post (岗位) in a team or workshop, with its responsibility statement and operating rules."""

    __tablename__ = "post"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    org_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    responsibility_statement: Mapped[str | None] = mapped_column(Text)  # 岗位责任书
    operating_rules: Mapped[str | None] = mapped_column(Text)  # 安全操作规程
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

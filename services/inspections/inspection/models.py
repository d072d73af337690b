import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.inspections.runtime import Base
from shared.events.contracts.inspections import InspectionKind
from shared.uploads import StoredFile


class ItemResult(StrEnum):
    passed = "pass"
    failed = "fail"
    not_applicable = "n/a"


class ChecklistTemplate(Base):
    """A versioned checklist (检查表): items are fixed once published; a change is a new version."""

    __tablename__ = "checklist_template"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)  # [{key, text, category}]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Inspection(Base):
    """One inspection of a unit (检查记录), against one checklist version."""

    __tablename__ = "inspection"
    __table_args__ = (
        Index("ix_inspection_unit_date", "unit_id", "inspected_on", "id"),
        Index("ix_inspection_inspector_recorded", "inspector_id", "recorded_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("supervised_unit.id"))
    grid_id: Mapped[uuid.UUID | None]
    kind: Mapped[InspectionKind] = mapped_column(Enum(InspectionKind, native_enum=False, length=30))
    template_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("checklist_template.id"))
    inspector_id: Mapped[uuid.UUID]
    inspector_name: Mapped[str] = mapped_column(String(100))
    inspected_on: Mapped[date] = mapped_column(Date)  # zone date
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # where and when the phone says the inspection was done (GPS, WGS-84), where it could tell
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    performed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class InspectionItem(Base):
    """The answer to one checklist item; a failed item names the hazard it raised."""

    __tablename__ = "inspection_item"

    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspection.id"), primary_key=True)
    item_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    result: Mapped[ItemResult] = mapped_column(Enum(ItemResult, native_enum=False, length=20))
    note: Mapped[str | None] = mapped_column(Text)
    hazard_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("hazard.id"))


class InspectionFileTag(StrEnum):
    inspector_signature = "inspector_signature"  # 检查人签名
    unit_signature = "unit_signature"  # 受检单位人员签名
    photo = "photo"  # 现场照片


class InspectionFile(StoredFile, Base):
    """A file kept with an inspection: the signatures drawn on the phone, scene photos."""

    __tablename__ = "inspection_file"

    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspection.id"), index=True)
    tag: Mapped[InspectionFileTag] = mapped_column(Enum(InspectionFileTag, native_enum=False, length=30))
    signer: Mapped[str | None] = mapped_column(String(100))  # who signed, as written by the signer

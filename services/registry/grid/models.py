import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.registry.runtime import Base


class Zone(Base):
    """A supervised territory (辖区), e.g. an economic development zone (经开区)."""

    __tablename__ = "zone"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Grid(Base):
    """A supervision grid (监管网格): a polygon of the zone with its own leader and members.

    It exists from `valid_from` to `valid_to` (both inclusive zone dates). Abolishing it (撤销)
    sets `valid_to` and keeps the row as a tombstone: lists and lookups leave it out, it can no
    longer be changed, and its code is not given to another grid of the zone (a code names one
    grid through all of history).
    """

    __tablename__ = "grid"
    __table_args__ = (
        UniqueConstraint("zone_id", "code"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="ends_after_it_starts"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    zone_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("zone.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    boundary: Mapped[dict[str, Any]] = mapped_column(JSONB)  # GeoJSON Polygon/MultiPolygon, WGS84
    min_lon: Mapped[float]
    min_lat: Mapped[float]
    max_lon: Mapped[float]
    max_lat: Mapped[float]
    valid_from: Mapped[date] = mapped_column(Date)  # 设立日期
    valid_to: Mapped[date | None] = mapped_column(Date)  # 撤销: its last day
    change_reason: Mapped[str | None] = mapped_column(Text)  # why it was set up or abolished on a past day
    version: Mapped[int] = mapped_column(server_default="0")  # raised by every change (events carry it)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

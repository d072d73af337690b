import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Identity,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.registry.runtime import Base
from shared.events.contracts.registry import ProductionStatus, RiskColour, UnitKind


class Enterprise(Base):
    """An enterprise (企业) or construction site (建设工地) under supervision.

    `production_status`, `key_supervision` and `grid_id` are the unit's state in force today, kept
    in step with its dated history (`EnterpriseState`) by every change and by the effective-day job.
    """

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
    risk_colour: Mapped[RiskColour | None] = mapped_column(Enum(RiskColour, native_enum=False, length=10))
    legal_representative: Mapped[str | None] = mapped_column(String(100))
    responsible_head: Mapped[str | None] = mapped_column(String(100))
    responsible_phone: Mapped[str | None] = mapped_column(String(30))
    grid_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grid.id"), index=True)
    registered_on: Mapped[date] = mapped_column(Date)  # 登记日期: the first day it is supervised (zone date)
    registered_reason: Mapped[str | None] = mapped_column(Text)  # why it was registered from a past day
    version: Mapped[int] = mapped_column(server_default="0")  # raised by every change (events carry it)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class EnterpriseState(Base):
    """What was true of a unit from one day to another (both inclusive; `valid_to` null: still true).

    A unit's states run without gaps from its registration day on. A change starts a new state on
    its effective day and ends the one before on the eve; states are never rewritten, except that a
    second change taking effect on the same day as the latest state amends that state (one state
    per unit and day). Who recorded each change, when and why is in `EnterpriseChange`.
    """

    __tablename__ = "enterprise_state"
    __table_args__ = (
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="ends_after_it_starts"),
        ExcludeConstraint(
            (text("enterprise_id"), "="),
            (text("daterange(valid_from, valid_to, '[]')"), "&&"),
            name="ex_enterprise_state_overlap",
            using="gist",
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    enterprise_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enterprise.id"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    production_status: Mapped[ProductionStatus] = mapped_column(
        Enum(ProductionStatus, native_enum=False, length=32)
    )
    key_supervision: Mapped[bool]
    grid_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grid.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class EnterpriseChange(Base):
    """Who changed an enterprise's tracked fields (production status, grid, key flag, risk colour,
    name), when, why, and from which day the change takes effect (`effective_on`)."""

    __tablename__ = "enterprise_change"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    enterprise_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enterprise.id"), index=True)
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(String(200))
    new_value: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    effective_on: Mapped[date] = mapped_column(Date)
    changed_by: Mapped[uuid.UUID | None]
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Enum, ForeignKey, Index, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.inspections.runtime import Base
from shared.events.contracts.registry import RiskColour


class RiskAssessment(Base):
    """One LEC or LS assessment of a hazard source, area or activity of a unit (风险辨识评估)."""

    __tablename__ = "risk_assessment"
    __table_args__ = (Index("ix_risk_assessment_unit_target", "unit_id", "target", "assessed_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("supervised_unit.id"))
    target: Mapped[str] = mapped_column(String(200))  # what was assessed
    method: Mapped[str] = mapped_column(String(10))
    factors: Mapped[dict[str, float]] = mapped_column(JSONB)
    score: Mapped[float]
    colour: Mapped[RiskColour] = mapped_column(Enum(RiskColour, native_enum=False, length=10))
    band_label: Mapped[str] = mapped_column(String(100))
    table_version: Mapped[str] = mapped_column(String(40))
    assessed_by: Mapped[uuid.UUID]
    assessed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

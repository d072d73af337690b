import uuid
from datetime import date

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from services.reporting.runtime import Base


class CampaignPhase(Base):
    """A phase of rolling out grid supervision in the zone (实施步骤), with its dates."""

    __tablename__ = "campaign_phase"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    position: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


class CampaignTask(Base):
    """A task of a phase, done on a day or not yet."""

    __tablename__ = "campaign_task"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    phase_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaign_phase.id"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    done_on: Mapped[date | None] = mapped_column(Date)

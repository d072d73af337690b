import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.inspections.runtime import Base


class NoticeKind(StrEnum):
    rectification_order = "rectification_order"  # 隐患整改通知书
    review_opinion = "review_opinion"  # 复查意见书
    supervision_listing = "supervision_listing"  # 挂牌督办通知书
    enforcement_handoff = "enforcement_handoff"  # 移交执法函


class HazardNotice(Base):
    """A notice issued for a hazard at a step of its lifecycle, kept as issued.

    `context` is everything the document shows, frozen when it was issued: the PDF is rendered from
    it, so a later change of the hazard or the unit never rewrites an issued notice. A database
    trigger refuses UPDATE and DELETE.
    """

    __tablename__ = "hazard_notice"
    __table_args__ = (
        UniqueConstraint("kind", "zone_key", "year", "serial"),
        UniqueConstraint("transition_id", "kind"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    hazard_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("hazard.id"), index=True)
    kind: Mapped[NoticeKind] = mapped_column(String(30))
    transition_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("hazard_transition.id"))
    zone_key: Mapped[str] = mapped_column(String(40))  # the zone's id ("none" for a unit without a grid)
    year: Mapped[int] = mapped_column(Integer)
    serial: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(40))  # 隐改〔2026〕第0001号
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    issued_by_name: Mapped[str] = mapped_column(String(100))
    context: Mapped[dict[str, Any]] = mapped_column(JSONB)


class NoticeSequence(Base):
    """The last serial issued per kind, zone and year. Taken with an upsert in the issuing
    transaction: its row lock makes concurrent issuers wait, and a rollback gives the number back."""

    __tablename__ = "notice_sequence"

    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    zone_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)

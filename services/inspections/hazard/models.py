import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Identity,
    Index,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.inspections.runtime import Base
from shared.events.contracts.inspections import HazardGrade, HazardSource, HazardState
from shared.uploads import StoredFile


def _enum(kind: type) -> Enum:
    return Enum(kind, native_enum=False, length=30)


class Hazard(Base):
    """One entry of the hazard ledger (事故隐患台帐): where it is, how grave, and where it stands."""

    __tablename__ = "hazard"
    __table_args__ = (
        Index("ix_hazard_reported", "reported_at", "id"),
        Index("ix_hazard_unit_reported", "unit_id", "reported_at", "id"),
        Index("ix_hazard_grid_reported", "grid_id", "reported_at", "id"),
        Index("ix_hazard_grade_reported", "grade", "reported_at", "id"),
        Index("ix_hazard_state_reported", "state", "reported_at", "id"),
        Index("ix_hazard_state_deadline", "state", "deadline"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("supervised_unit.id"))
    grid_id: Mapped[uuid.UUID | None]
    source: Mapped[HazardSource] = mapped_column(_enum(HazardSource))
    category: Mapped[str] = mapped_column(String(60))
    grade: Mapped[HazardGrade] = mapped_column(_enum(HazardGrade))
    location: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    state: Mapped[HazardState] = mapped_column(_enum(HazardState))
    reporter_id: Mapped[uuid.UUID]
    reporter_name: Mapped[str] = mapped_column(String(100))
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    deadline: Mapped[date | None] = mapped_column(Date)  # last day, in the zone's calendar
    responsible_person: Mapped[str | None] = mapped_column(String(100))
    measures: Mapped[str | None] = mapped_column(Text)
    plan: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # major hazards: the six-part plan
    rectified_by: Mapped[uuid.UUID | None]
    # the organisations the fixer acted for: none of them may verify the fix
    rectified_by_organisations: Mapped[list[str]] = mapped_column(
        ARRAY(String(80)), default=list, server_default="{}"
    )
    verified_by: Mapped[uuid.UUID | None]
    listing_authority: Mapped[str | None] = mapped_column(String(100))  # 挂牌督办: who listed it
    listed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    stop_ordered: Mapped[bool] = mapped_column(default=False, server_default="false")  # was suspended
    restart_applied_on: Mapped[date | None] = mapped_column(Date)
    authority_review_on: Mapped[date | None] = mapped_column(Date)
    review_late: Mapped[bool] = mapped_column(default=False, server_default="false")
    enforcement_owner: Mapped[str | None] = mapped_column(String(100))
    overdue_since: Mapped[date | None] = mapped_column(Date)
    overdue_explanation: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class HazardTransition(Base):
    """The hazard's history: every step, who, when, from, to, why, with which evidence.

    Append-only: a database trigger refuses UPDATE and DELETE.
    """

    __tablename__ = "hazard_transition"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    hazard_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("hazard.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[HazardState | None] = mapped_column(_enum(HazardState))
    to_state: Mapped[HazardState] = mapped_column(_enum(HazardState))
    actor_id: Mapped[uuid.UUID | None]
    actor_name: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    evidence_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid), default=list)


class EvidenceTag(StrEnum):
    before = "before"  # 整改前
    after = "after"  # 整改后
    other = "other"  # 其他(方案、签字、警戒等)


class EvidenceFile(StoredFile, Base):
    """A photo or PDF attached to a hazard (before/after evidence, plans, sign-offs)."""

    __tablename__ = "evidence_file"

    hazard_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("hazard.id"), index=True)
    tag: Mapped[EvidenceTag] = mapped_column(_enum(EvidenceTag))


class HazardSubmission(Base):
    """An idempotency key of a hazard report: the same key and body give the same hazard."""

    __tablename__ = "hazard_submission"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    body_sha256: Mapped[str] = mapped_column(String(64))
    # checked at commit: the key is taken first, its hazard written after (hazard/service.py)
    hazard_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("hazard.id", deferrable=True, initially="DEFERRED")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DeadlineNotice(Base):
    """A deadline event already emitted (due soon, overdue) for one deadline of one hazard: once each."""

    __tablename__ = "deadline_notice"
    __table_args__ = (UniqueConstraint("hazard_id", "kind", "deadline"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    hazard_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("hazard.id"))
    kind: Mapped[str] = mapped_column(String(20))
    deadline: Mapped[date] = mapped_column(Date)
    emitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Penalty(Base):
    """An administrative penalty decided for a major hazard (行政处罚), counted for art. 113."""

    __tablename__ = "penalty"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    hazard_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("hazard.id"), index=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(index=True)
    decided_on: Mapped[date] = mapped_column(Date)
    decision_number: Mapped[str] = mapped_column(String(100), unique=True)  # 处罚决定书文号
    description: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[uuid.UUID]
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

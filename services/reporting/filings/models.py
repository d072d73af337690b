import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, String, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.reporting.runtime import Base
from shared.uploads import StoredFile


class ReportFiling(Base):
    """A report a unit filed (报送): every filing is kept, a second one for a period is a new version."""

    __tablename__ = "report_filing"
    __table_args__ = (UniqueConstraint("unit_id", "kind", "period", "version"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    unit_id: Mapped[uuid.UUID]
    kind: Mapped[str] = mapped_column(String(30))
    period: Mapped[str] = mapped_column(String(10))  # 2026-11, 2026-Q3, 2026
    version: Mapped[int]
    content: Mapped[dict[str, Any]] = mapped_column(JSONB)
    signed_by: Mapped[str | None] = mapped_column(String(100))  # 主要负责人签字, for statistics reports
    filed_by: Mapped[uuid.UUID]
    filed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    due_on: Mapped[date] = mapped_column(Date)
    late: Mapped[bool]


class ReportNotice(Base):
    """report.due or report.overdue already published for a unit, kind and period: once each."""

    __tablename__ = "report_notice"

    event_type: Mapped[str] = mapped_column(String(30), primary_key=True)  # report.due | report.overdue
    unit_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    noticed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class FilingAttachment(StoredFile, Base):
    """A file filed with a report (附件): a scan, a photo or a PDF, judged by its content."""

    __tablename__ = "filing_attachment"

    filing_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("report_filing.id"), index=True)

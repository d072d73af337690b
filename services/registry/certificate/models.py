import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from services.registry.runtime import Base


class Certificate(Base):
    """A certificate of one of the three posts (三岗人员证书), kept with its holder."""

    __tablename__ = "certificate"
    __table_args__ = (UniqueConstraint("kind", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    category: Mapped[str | None] = mapped_column(
        String(100)
    )  # special operations: 电工作业, 焊接与热切割作业 ...
    number: Mapped[str] = mapped_column(String(60))
    issuing_authority: Mapped[str] = mapped_column(String(200))
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date, index=True)
    review_on: Mapped[date | None] = mapped_column(Date)  # 复审: special operations every 3 years
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CertificateNotice(Base):
    """certificate.expiring / certificate.expired already published for a certificate and expiry date."""

    __tablename__ = "certificate_notice"

    certificate_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("certificate.id"), primary_key=True)
    notice: Mapped[str] = mapped_column(String(10), primary_key=True)  # expiring | expired
    expires_on: Mapped[date] = mapped_column(Date, primary_key=True)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

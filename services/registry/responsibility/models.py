import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text, func, text
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.registry.runtime import Base


class Assignment(Base):
    """One person holding one duty for one grid, unit, post or the zone, from a date to a date.

    The responsibility ledger (责任落实台帐) is append-only: an assignment is only ever ended (its
    `valid_to` set once), never rewritten, so "who was responsible for X on day D" stays answerable.
    Dates are inclusive local dates of the zone.
    """

    __tablename__ = "assignment"
    __table_args__ = (
        Index("ix_assignment_scope", "scope_type", "scope_id", "duty"),
        # A sole duty (e.g. a grid's leader) has at most one holder on any day.
        ExcludeConstraint(
            (text("scope_id"), "="),
            (text("duty"), "="),
            (text("daterange(valid_from, valid_to, '[]')"), "&&"),
            name="ex_assignment_sole_duty_overlap",
            using="gist",
            where=text("sole"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    duty: Mapped[str] = mapped_column(String(40))
    scope_type: Mapped[str] = mapped_column(String(20))
    scope_id: Mapped[uuid.UUID]
    sole: Mapped[bool]
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    ended_by: Mapped[uuid.UUID | None]
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(server_default="0")  # raised by every change (events carry it)

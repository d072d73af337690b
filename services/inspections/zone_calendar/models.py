import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, Enum, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from services.inspections.runtime import Base


class CalendarDayKind(StrEnum):
    holiday = "holiday"  # 法定节假日: a weekday off
    make_up_workday = "make_up_workday"  # 调休上班: a weekend day worked


class CalendarDay(Base):
    """A day of the zone calendar that is not as its weekday says: a public holiday, or a weekend
    day worked in exchange (调休). Every other Monday to Friday is a working day."""

    __tablename__ = "calendar_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[CalendarDayKind] = mapped_column(Enum(CalendarDayKind, native_enum=False, length=20))
    name: Mapped[str] = mapped_column(String(100))  # e.g. 国庆节, 国庆节调休
    source: Mapped[str] = mapped_column(Text)  # the notice that sets it (e.g. 国务院办公厅关于...的通知)
    reason: Mapped[str | None] = mapped_column(Text)  # why, for a day recorded after it passed
    recorded_by: Mapped[uuid.UUID | None]
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

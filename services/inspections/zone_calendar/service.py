"""The zone calendar (工作日历): which days are working days.

Monday to Friday are working days and weekends are not, except the days the calendar records: a
public holiday (法定节假日) on a weekday, or a weekend day worked in exchange (调休上班). The
calendar ships empty: the official dates are published each year and entered by the zone's admins.
"""

from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.inspections.zone_calendar.models import CalendarDay, CalendarDayKind
from shared.access import Access
from shared.clock import local_today
from shared.errors import Conflict, InvalidInput, NotFound
from shared.inputs import Day, StorableText
from shared.pagination import Keyset, Page, PageRequest

BY_DAY = Keyset("calendar", CalendarDay.day)


class CalendarDayIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    day: Day = Field(title="日期 / the day")
    kind: CalendarDayKind = Field(title="类别 / holiday, or make-up working day")
    name: StorableText = Field(min_length=1, max_length=100, title="名称 / e.g. 国庆节")
    source: StorableText = Field(min_length=1, max_length=500, title="依据 / the notice that sets it")
    reason: StorableText | None = Field(None, max_length=2000, title="原因 / required for a day already past")


class CalendarDayOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    day: date
    kind: CalendarDayKind
    name: str
    source: str
    reason: str | None


class WorkingDay(BaseModel):
    day: date
    working: bool
    kind: CalendarDayKind | None  # None: as its weekday says
    name: str | None


def is_working_day(session: Session, day: date) -> bool:
    entry = session.get(CalendarDay, day)
    if entry is not None:
        return entry.kind == CalendarDayKind.make_up_workday
    return day.weekday() < 5


def working_days(session: Session, first: date, last: date) -> set[date]:
    """The working days from `first` to `last`, both inclusive."""
    entries = {
        e.day: e.kind
        for e in session.scalars(select(CalendarDay).where(CalendarDay.day >= first, CalendarDay.day <= last))
    }
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return {
        d
        for d in days
        if (entries[d] == CalendarDayKind.make_up_workday if d in entries else d.weekday() < 5)
    }


def describe(session: Session, day: date) -> WorkingDay:
    entry = session.get(CalendarDay, day)
    return WorkingDay(
        day=day,
        working=is_working_day(session, day),
        kind=entry.kind if entry else None,
        name=entry.name if entry else None,
    )


def record(session: Session, data: CalendarDayIn, user: Access) -> CalendarDay:
    if data.kind == CalendarDayKind.make_up_workday and data.day.weekday() < 5:
        raise InvalidInput(
            f"{data.day} 是工作日,无需调休 / {data.day} is a weekday: only a weekend day can be a make-up working day",
            field="day",
        )
    if data.day < local_today() and not data.reason:
        raise InvalidInput("日期已过,须说明原因 / a day already past needs a reason", field="reason")
    if session.get(CalendarDay, data.day) is not None:
        raise Conflict(f"{data.day} 已在日历中 / {data.day} is already in the calendar", field="day")
    entry = CalendarDay(**data.model_dump(), recorded_by=user.user_id)
    session.add(entry)
    session.flush()
    return entry


def remove(session: Session, day: date) -> None:
    entry = session.get(CalendarDay, day)
    if entry is None:
        raise NotFound(f"{day} 不在日历中 / {day} is not in the calendar")
    if day < local_today():
        raise Conflict(f"{day} 已过,不可删除 / {day} is past: duties were judged by it", field="day")
    session.delete(entry)
    session.flush()


def listing(session: Session, first: date | None, last: date | None, page: PageRequest) -> Page[CalendarDay]:
    query = select(CalendarDay)
    if first is not None:
        query = query.where(CalendarDay.day >= first)
    if last is not None:
        query = query.where(CalendarDay.day <= last)
    return BY_DAY.fetch(session, query, page)

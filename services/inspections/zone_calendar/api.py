from typing import Annotated

from fastapi import APIRouter, Query, status

from services.inspections.deps import DbSession, permit
from services.inspections.zone_calendar import service
from services.inspections.zone_calendar.service import CalendarDayIn, CalendarDayOut, WorkingDay
from shared.access import Access
from shared.inputs import Day
from shared.pagination import Page, PageQuery

router = APIRouter(prefix="/calendar", tags=["calendar 工作日历"])


@router.get("", summary="工作日历 / the holidays and make-up working days recorded, by day")
def listing(
    session: DbSession,
    _: Annotated[Access, permit("catalogue.read")],
    page: PageQuery,
    first: Annotated[Day | None, Query(alias="from", description="from this day on (inclusive)")] = None,
    last: Annotated[Day | None, Query(alias="to", description="up to this day (inclusive)")] = None,
) -> Page[CalendarDayOut]:
    return service.listing(session, first, last, page).map(CalendarDayOut.model_validate)


@router.get("/{day}", summary="某日是否工作日 / whether a day is a working day")
def one_day(day: Day, session: DbSession, _: Annotated[Access, permit("catalogue.read")]) -> WorkingDay:
    return service.describe(session, day)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="登记节假日或调休 / record a holiday or make-up working day",
)
def record(
    data: CalendarDayIn, session: DbSession, user: Annotated[Access, permit("catalogue.edit")]
) -> CalendarDayOut:
    return CalendarDayOut.model_validate(service.record(session, data, user))


@router.delete(
    "/{day}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="删除未到的日历项 / remove an entry not yet past",
)
def remove(day: Day, session: DbSession, _: Annotated[Access, permit("catalogue.edit")]) -> None:
    service.remove(session, day)

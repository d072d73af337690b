from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from services.inspections.cadence import service
from services.inspections.cadence.models import CadenceRule
from services.inspections.deps import DbSession, permit
from shared.access import Access
from shared.clock import local_today
from shared.inputs import Day
from shared.pagination import Page, PageQuery

router = APIRouter(prefix="/cadences", tags=["cadences 检查频次"])
OnDay = Annotated[Day | None, Query(description="the day whose terms are shown (zone date); today if empty")]


@router.get("/rules", summary="频次规则 / the recurring duties, their terms on a day and every version")
def rules(
    session: DbSession, _: Annotated[Access, permit("catalogue.read")], on: OnDay = None
) -> list[service.RuleOut]:
    return [
        service.describe(session, rule, on or local_today())
        for rule in session.scalars(select(CadenceRule).order_by(CadenceRule.code))
    ]


@router.get("/rules/{code}", summary="一条频次规则 / one recurring duty and its versions")
def rule(
    code: str, session: DbSession, _: Annotated[Access, permit("catalogue.read")], on: OnDay = None
) -> service.RuleOut:
    return service.describe(session, service.get_rule(session, code), on or local_today())


@router.patch(
    "/rules/{code}",
    summary="调整频次 / new terms (how often, grace, reminder, on or off) from a day on; past periods keep theirs",
)
def change_rule(
    code: str, data: service.RuleChange, session: DbSession, user: Annotated[Access, permit("catalogue.edit")]
) -> service.RuleOut:
    rule = service.change_rule(session, code, data, user)
    return service.describe(session, rule, data.valid_from or local_today())


@router.get("/status", summary="完成情况 / what is done, due or missed in a period, by what was true then")
def status(
    session: DbSession,
    user: Annotated[Access, permit("unit.read")],
    page: PageQuery,
    rule: str,
    on: Annotated[Day | None, Query(description="a day in the period (zone date); today if empty")] = None,
) -> Page[service.Obligation]:
    today = local_today()
    return service.obligations_page(session, service.get_rule(session, rule), on or today, today, user, page)


@router.get("/coverage", summary="覆盖情况 / every duty counted per grid: done, due, missed")
def coverage(
    session: DbSession,
    user: Annotated[Access, permit("unit.read")],
    page: PageQuery,
    on: Annotated[Day | None, Query(description="a day in the periods (zone date); today if empty")] = None,
) -> Page[service.CoverageCount]:
    today = local_today()
    return service.coverage(session, on or today, today, user, page)

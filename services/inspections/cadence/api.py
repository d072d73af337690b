from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from services.inspections.cadence import service
from services.inspections.cadence.models import CadenceRule
from services.inspections.deps import DbSession, permit
from shared.access import Access
from shared.clock import local_today
from shared.inputs import Day
from shared.pagination import Page, PageQuery
from shared.periods import PeriodKind

router = APIRouter(prefix="/cadences", tags=["cadences 检查频次"])


class RuleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    label: str
    record: str
    activity: str
    subject: str
    period: PeriodKind
    required: int
    grace_days: int
    remind_after_days: int | None
    active: bool


@router.get("/rules", summary="频次规则 / the recurring duties")
def rules(session: DbSession, _: Annotated[Access, permit("catalogue.read")]) -> list[RuleOut]:
    return [
        RuleOut.model_validate(r) for r in session.scalars(select(CadenceRule).order_by(CadenceRule.code))
    ]


@router.patch("/rules/{code}", summary="调整频次 / change how often, the grace, or switch a rule off")
def change_rule(
    code: str, data: service.RuleChange, session: DbSession, _: Annotated[Access, permit("catalogue.edit")]
) -> RuleOut:
    return RuleOut.model_validate(service.change_rule(session, code, data))


@router.get("/status", summary="完成情况 / what is done, due or missed in a period")
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

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import func, select

from services.reporting.deps import DbSession, Supervisor
from services.reporting.units.models import ReportingUnit
from shared.events.contracts.registry import UnitKind

router = APIRouter(prefix="/statistics", tags=["statistics 统计"])


class UnitCounts(BaseModel):
    total: int
    by_kind: dict[UnitKind, int]


@router.get("/units", summary="辖区单位数 / how many units the zone supervises, by kind")
def unit_counts(session: DbSession, _: Supervisor) -> UnitCounts:
    rows = session.execute(select(ReportingUnit.kind, func.count()).group_by(ReportingUnit.kind)).all()
    by_kind = {kind: count for kind, count in rows}
    return UnitCounts(total=sum(by_kind.values()), by_kind=by_kind)

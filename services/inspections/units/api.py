import uuid
from typing import Annotated

from fastapi import APIRouter
from sqlalchemy import select

from services.inspections.deps import DbSession, permit
from services.inspections.hazard.penalties import PenaltySummary, summary
from services.inspections.units.dossier import inspections_section
from services.inspections.units.models import SupervisedUnit, UnitState
from services.inspections.units.schemas import SupervisedUnitOut, UnitStateOut
from shared.access import Access
from shared.clock import local_today
from shared.dossier import InspectionsSection
from shared.errors import NotFound

router = APIRouter(prefix="/units", tags=["units 受监管单位"])
UnitReader = Annotated[Access, permit("unit.read")]


@router.get("/{unit_id}", summary="单位(来自台账) / a unit as known to inspections")
def get_unit(unit_id: uuid.UUID, session: DbSession, user: UnitReader) -> SupervisedUnitOut:
    unit = session.get(SupervisedUnit, unit_id)
    if unit is None:
        raise NotFound(f"单位不存在 / unit {unit_id} not known to inspections")
    user.ensure_unit(unit.id, unit.grid_id)
    return SupervisedUnitOut.model_validate(unit)


@router.get("/{unit_id}/states", summary="单位历史 / what was true of a unit, from its registration on")
def unit_states(unit_id: uuid.UUID, session: DbSession, user: UnitReader) -> list[UnitStateOut]:
    unit = session.get(SupervisedUnit, unit_id)
    if unit is None:
        raise NotFound(f"单位不存在 / unit {unit_id} not known to inspections")
    user.ensure_unit(unit.id, unit.grid_id)
    states = session.scalars(
        select(UnitState).where(UnitState.unit_id == unit_id).order_by(UnitState.valid_from)
    )
    return [UnitStateOut.model_validate(s) for s in states]


@router.get("/{unit_id}/penalties", summary="处罚累计 / major-hazard penalties in the last 180 and 365 days")
def penalty_summary(unit_id: uuid.UUID, session: DbSession, user: UnitReader) -> PenaltySummary:
    unit = session.get(SupervisedUnit, unit_id)
    if unit is None:
        raise NotFound(f"单位不存在 / unit {unit_id} not known to inspections")
    user.ensure_unit(unit.id, unit.grid_id)
    return summary(session, unit_id, local_today())


@router.get(
    "/{unit_id}/dossier",
    summary="一企一档(检查部分)/ the unit's risk, inspections, hazards, training and penalties",
)
def dossier_section(unit_id: uuid.UUID, session: DbSession, user: UnitReader) -> InspectionsSection:
    unit = session.get(SupervisedUnit, unit_id)
    if unit is None:
        raise NotFound(f"单位不存在 / unit {unit_id} not known to inspections")
    user.ensure_unit(unit.id, unit.grid_id)
    return inspections_section(session, unit_id)

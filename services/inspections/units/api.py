import uuid
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from services.inspections.runtime import runtime
from services.inspections.units.models import SupervisedUnit
from services.inspections.units.schemas import SupervisedUnitOut
from shared.auth import CurrentUser
from shared.deps import transactional_session
from shared.errors import NotFound

router = APIRouter(prefix="/units", tags=["units 受监管单位"])
DbSession = Annotated[Session, Depends(transactional_session(runtime), scope="function")]


@router.get("/{unit_id}", summary="单位(来自台账) / a unit as known to inspections")
def get_unit(unit_id: uuid.UUID, session: DbSession, user: CurrentUser) -> SupervisedUnitOut:
    user.ensure_may_see_enterprise(unit_id)
    unit = session.get(SupervisedUnit, unit_id)
    if unit is None:
        raise NotFound(f"单位不存在 / unit {unit_id} not known to inspections")
    return SupervisedUnitOut.model_validate(unit)

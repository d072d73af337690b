import uuid
from typing import Annotated

from fastapi import APIRouter

from services.inspections.deps import DbSession, permit
from services.inspections.unit_page.service import UnitPage, unit_page
from shared.access import Access

router = APIRouter(prefix="/units", tags=["units 受监管单位"])


@router.get(
    "/{unit_id}/page",
    summary="单位页(一企一码) / a unit, its open hazards, latest inspections and current duties in one call",
)
def get_unit_page(
    unit_id: uuid.UUID, session: DbSession, user: Annotated[Access, permit("unit.read")]
) -> UnitPage:
    return unit_page(session, unit_id, user)

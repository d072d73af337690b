"""A unit's page in the field app (opened by its QR code) in one call: the unit, its open hazards,
its latest inspections, and the recurring duties it is a subject of in their current periods."""

import uuid

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.inspections.cadence import service as cadence
from services.inspections.cadence.models import CadenceRule
from services.inspections.hazard.models import Hazard
from services.inspections.hazard.schemas import HazardOut
from services.inspections.inspection.models import Inspection
from services.inspections.inspection.schemas import InspectionOut
from services.inspections.inspection.service import described
from services.inspections.units.models import SupervisedUnit
from services.inspections.units.schemas import SupervisedUnitOut
from shared.access import Access
from shared.clock import local_today
from shared.errors import NotFound
from shared.events.contracts.inspections import HazardState

OPEN_HAZARDS = 100
RECENT_INSPECTIONS = 10


class UnitPage(BaseModel):
    unit: SupervisedUnitOut
    open_hazards: list[HazardOut]  # newest first, at most OPEN_HAZARDS
    recent_inspections: list[InspectionOut]  # newest first, at most RECENT_INSPECTIONS
    duties: list[cadence.Obligation]  # the unit's (and its teams' and people's) in the current periods


def unit_page(session: Session, unit_id: uuid.UUID, user: Access) -> UnitPage:
    unit = session.get(SupervisedUnit, unit_id)
    if unit is None:
        raise NotFound(f"单位不存在 / unit {unit_id} not known to inspections")
    user.ensure_unit(unit.id, unit.grid_id)
    hazards = session.scalars(
        select(Hazard)
        .where(Hazard.unit_id == unit.id, Hazard.state.not_in((HazardState.closed, HazardState.voided)))
        .order_by(Hazard.reported_at.desc(), Hazard.id.desc())
        .limit(OPEN_HAZARDS)
    )
    inspections = session.scalars(
        select(Inspection)
        .where(Inspection.unit_id == unit.id)
        .order_by(Inspection.recorded_at.desc(), Inspection.id.desc())
        .limit(RECENT_INSPECTIONS)
    ).all()
    today = local_today()
    duties = [
        obligation
        for rule in session.scalars(
            select(CadenceRule).where(CadenceRule.subject != "grids").order_by(CadenceRule.code)
        )
        for obligation in cadence.obligations(session, rule, today, today, user)
        if obligation.unit_id == unit.id
    ]
    return UnitPage(
        unit=SupervisedUnitOut.model_validate(unit),
        open_hazards=[HazardOut.of(h) for h in hazards],
        recent_inspections=described(session, inspections),
        duties=duties,
    )

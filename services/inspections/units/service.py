"""The units inspections knows (from registry events), and who may act on them."""

import uuid

from sqlalchemy.orm import Session

from services.inspections.units.models import SupervisedUnit
from shared.auth import Principal
from shared.errors import Forbidden, InvalidInput


def ensure_may_act_on_unit(user: Principal, unit: SupervisedUnit) -> None:
    user.ensure_may_see_enterprise(unit.id)
    if user.own_grids_only and unit.grid_id not in user.grid_ids:
        raise Forbidden("只能处理本人负责网格内的单位 / grid staff act only within their own grids")


def unit_for(session: Session, unit_id: uuid.UUID, user: Principal) -> SupervisedUnit:
    """A unit the caller may act on; 422 naming `unit_id` if inspections has not heard of it."""
    unit = session.get(SupervisedUnit, unit_id)
    if unit is None:
        raise InvalidInput(f"单位未知 / unit {unit_id} is not known", field="unit_id")
    ensure_may_act_on_unit(user, unit)
    return unit

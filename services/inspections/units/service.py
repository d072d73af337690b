"""The units inspections knows (from registry events), and who may act on them."""

import uuid

from sqlalchemy.orm import Session

from services.inspections.units.models import SupervisedUnit
from shared.access import Access
from shared.errors import InvalidInput


def ensure_may_act_on_unit(user: Access, unit: SupervisedUnit) -> None:
    user.ensure_unit(unit.id, unit.grid_id)


def unit_for(session: Session, unit_id: uuid.UUID, user: Access) -> SupervisedUnit:
    """A unit the caller may act on; 422 naming `unit_id` if inspections has not heard of it."""
    unit = session.get(SupervisedUnit, unit_id)
    if unit is None:
        raise InvalidInput(f"单位未知 / unit {unit_id} is not known", field="unit_id")
    ensure_may_act_on_unit(user, unit)
    return unit

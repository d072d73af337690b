"""The units inspections knows (from registry events), and who may act on them."""

import uuid
from typing import TypeVar, cast

from sqlalchemy import Row, Table, bindparam, select
from sqlalchemy.orm import Session

from services.inspections.units.models import SupervisedUnit
from shared.access import Access
from shared.errors import InvalidInput
from shared.events.contracts.registry import ProductionStatus

T = TypeVar("T")


def ensure_may_act_on_unit(user: Access, unit: SupervisedUnit) -> None:
    user.ensure_unit(unit.id, unit.grid_id)


def unit_for(session: Session, unit_id: uuid.UUID, user: Access) -> SupervisedUnit:
    """A unit the caller may act on; 422 naming `unit_id` if inspections has not heard of it."""
    unit = _known(session.get(SupervisedUnit, unit_id), unit_id)
    ensure_may_act_on_unit(user, unit)
    return unit


_units = cast(Table, SupervisedUnit.__table__)
# built once, its value a parameter: SQLAlchemy neither builds nor keys the statement again
_STANDING = select(_units.c.id, _units.c.grid_id, _units.c.production_status).where(
    _units.c.id == bindparam("unit_id")
)


def unit_standing(
    session: Session, unit_id: uuid.UUID, user: Access
) -> Row[uuid.UUID, uuid.UUID | None, ProductionStatus]:
    """`unit_for`, reading only the unit's id, grid and production status as a row rather than an
    object the session keeps: a third of the cost, for the busiest write (the hazard report)."""
    unit = _known(session.execute(_STANDING, {"unit_id": unit_id}).one_or_none(), unit_id)
    user.ensure_unit(unit.id, unit.grid_id)
    return unit


def _known(unit: T | None, unit_id: uuid.UUID) -> T:
    if unit is None:
        raise InvalidInput(f"单位未知 / unit {unit_id} is not known", field="unit_id")
    return unit

"""Effective days (生效日期): when a recorded change takes effect, and publishing it on that day."""

import uuid
from datetime import date

from sqlalchemy.orm import Session

from services.registry.effective.models import ScheduledEffect
from shared.clock import local_today
from shared.db import insert_once
from shared.errors import InvalidInput

ASSIGNMENT = "assignment"
UNIT_STATE = "unit_state"
GRID = "grid"


def effective_day(day: date | None, reason: str | None) -> date:
    """The day a change takes effect: today unless given; a past day only with a recorded reason."""
    today = local_today()
    if day is None:
        return today
    if day < today and not (reason and reason.strip()):
        raise InvalidInput(
            f"追溯至过去的日期 {day} 须说明原因 / a change taking effect on a past day ({day}) needs a reason",
            field="reason",
        )
    return day


def schedule(session: Session, kind: str, entity_id: uuid.UUID, day: date) -> None:
    """Publish the entity's event again on `day` (the effective-day job does), if that day is to come."""
    if day > local_today():
        insert_once(session, ScheduledEffect, {"kind": kind, "entity_id": entity_id, "takes_effect_on": day})

"""Reading notifications' copy of the registry."""

import uuid

from sqlalchemy.orm import Session

from services.notifications.directory.models import UnitContact
from shared.events.consumer import RetryLater


def known_unit(session: Session, unit_id: uuid.UUID) -> UnitContact:
    unit = session.get(UnitContact, unit_id)
    if unit is None:  # the registry's event has not arrived yet: try again later, never drop
        raise RetryLater(f"unit {unit_id} not yet known to notifications")
    return unit

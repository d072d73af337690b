"""Reading notifications' copy of the registry."""

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notifications.directory.models import PersonContact, UnitContact
from shared.auth import Principal
from shared.events.consumer import RetryLater


def known_unit(session: Session, unit_id: uuid.UUID) -> UnitContact:
    unit = session.get(UnitContact, unit_id)
    if unit is None:
        raise unit_not_known(unit_id)
    return unit


def unit_not_known(unit_id: uuid.UUID) -> RetryLater:
    """The registry's event of the unit has not arrived yet: try again later, never drop."""
    return RetryLater(f"unit {unit_id} not yet known to notifications")


def person_of(session: Session, user: Principal) -> uuid.UUID | None:
    """The person an account belongs to: its token says so; else the directory's copy of people."""
    if user.person_id is not None:
        return user.person_id
    return session.scalar(select(PersonContact.person_id).where(PersonContact.user_id == user.user_id))

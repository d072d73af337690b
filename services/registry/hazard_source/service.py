"""Hazard sources and key points of a unit."""

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.enterprise.service import get_enterprise
from services.registry.hazard_source.models import HazardSource
from shared.auth import Principal


def register(session: Session, enterprise_id: uuid.UUID, values: dict, user: Principal) -> HazardSource:
    get_enterprise(session, enterprise_id, user)
    source = HazardSource(id=uuid.uuid4(), enterprise_id=enterprise_id, **values)
    session.add(source)
    session.flush()
    return source


def of_enterprise(session: Session, enterprise_id: uuid.UUID, user: Principal) -> list[HazardSource]:
    get_enterprise(session, enterprise_id, user)
    query = select(HazardSource).where(HazardSource.enterprise_id == enterprise_id)
    return list(session.scalars(query.order_by(HazardSource.kind, HazardSource.name)))

"""Hazard sources and key points of a unit."""

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.enterprise.service import get_enterprise
from services.registry.hazard_source.models import HazardSource
from shared.access import Access
from shared.pagination import Keyset, Page, PageRequest

BY_KIND_AND_NAME = Keyset("hazard-sources", HazardSource.kind, HazardSource.name, HazardSource.id)


def register(session: Session, enterprise_id: uuid.UUID, values: dict, user: Access) -> HazardSource:
    get_enterprise(session, enterprise_id, user)
    source = HazardSource(id=uuid.uuid4(), enterprise_id=enterprise_id, **values)
    session.add(source)
    session.flush()
    return source


def of_enterprise(
    session: Session, enterprise_id: uuid.UUID, user: Access, page: PageRequest
) -> Page[HazardSource]:
    get_enterprise(session, enterprise_id, user)
    return BY_KIND_AND_NAME.fetch(
        session, select(HazardSource).where(HazardSource.enterprise_id == enterprise_id), page
    )

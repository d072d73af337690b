"""Hazard sources and key points of a unit (危险源、重点监管区域、重点监控设备、危险工艺)."""

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from services.registry.deps import DbSession, permit
from services.registry.hazard_source import service
from services.registry.hazard_source.models import HazardSourceKind
from shared.access import Access
from shared.pagination import Page, PageQuery

router = APIRouter(tags=["hazard sources 危险源"])
Editor = Annotated[Access, permit("unit.edit")]
UnitReader = Annotated[Access, permit("unit.read")]


class HazardSourceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: HazardSourceKind
    name: str = Field(min_length=1, max_length=200)
    location: str | None = Field(None, max_length=300)
    description: str | None = Field(None, max_length=5000)


class HazardSourceOut(HazardSourceCreate):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    enterprise_id: uuid.UUID
    created_at: datetime


@router.post(
    "/enterprises/{enterprise_id}/hazard-sources",
    status_code=status.HTTP_201_CREATED,
    summary="登记危险源或重点部位 / register a hazard source or key point",
)
def create_hazard_source(
    enterprise_id: uuid.UUID, data: HazardSourceCreate, session: DbSession, user: Editor
) -> HazardSourceOut:
    return HazardSourceOut.model_validate(service.register(session, enterprise_id, data.model_dump(), user))


@router.get("/enterprises/{enterprise_id}/hazard-sources", summary="危险源清单 / a unit's hazard sources")
def list_hazard_sources(
    enterprise_id: uuid.UUID, session: DbSession, user: UnitReader, page: PageQuery
) -> Page[HazardSourceOut]:
    return service.of_enterprise(session, enterprise_id, user, page).map(HazardSourceOut.model_validate)

import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict

from services.inspections.deps import DbSession, permit
from services.inspections.risk import service
from services.inspections.risk.bands import TABLES
from services.inspections.risk.service import AssessmentIn
from shared.access import Access
from shared.events.contracts.registry import RiskColour
from shared.pagination import Page, PageQuery

router = APIRouter(prefix="/risk-assessments", tags=["risk 风险分级"])
Assessor = Annotated[Access, permit("inspection.record")]


class AssessmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    unit_id: uuid.UUID
    target: str
    method: str
    factors: dict[str, float]
    score: float
    colour: RiskColour
    band_label: str
    table_version: str
    assessed_at: datetime


@router.get("/tables", summary="分级表 / the band tables in force, with their source and version")
def tables(_: Annotated[Access, permit("catalogue.read")]) -> dict[str, dict]:
    return {method: asdict(table) for method, table in TABLES.items()}


@router.post("", status_code=status.HTTP_201_CREATED, summary="风险评估 / assess with LEC or LS")
def assess(data: AssessmentIn, session: DbSession, user: Assessor) -> AssessmentOut:
    return AssessmentOut.model_validate(service.assess(session, data, user))


@router.get("", summary="单位的风险评估 / a unit's assessments, newest first")
def assessments(
    unit_id: uuid.UUID, session: DbSession, user: Annotated[Access, permit("unit.read")], page: PageQuery
) -> Page[AssessmentOut]:
    return service.assessments(session, unit_id, user, page).map(AssessmentOut.model_validate)

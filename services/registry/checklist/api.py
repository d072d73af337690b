"""The 16 safety-management rules per enterprise and the committee's ten haves (十有)."""

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from services.registry.checklist import service
from services.registry.checklist.models import RuleStatus
from services.registry.deps import DbSession, permit
from shared.access import Access
from shared.pagination import Page, PageQuery

router = APIRouter(tags=["checklists 制度与十有"])
Editor = Annotated[Access, permit("unit.edit")]
UnitReader = Annotated[Access, permit("unit.read")]


class SafetyRuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    status: RuleStatus
    document_ref: str | None = Field(None, max_length=300, title="文件编号或链接 / document reference")


class SafetyRuleOut(BaseModel):
    category: str
    label: str
    status: RuleStatus
    document_ref: str | None
    updated_at: datetime | None


class TenHavesIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    in_place: bool
    evidence: str | None = Field(None, max_length=5000, title="佐证材料 / evidence")


class TenHavesOut(BaseModel):
    item: str
    label: str
    in_place: bool
    evidence: str | None
    updated_at: datetime | None


@router.get(
    "/enterprises/{enterprise_id}/safety-rules", summary="安全管理制度清单 / the 16 rules and their status"
)
def safety_rules(
    enterprise_id: uuid.UUID, session: DbSession, user: UnitReader, page: PageQuery
) -> Page[SafetyRuleOut]:
    return service.safety_rules(session, enterprise_id, user, page).map(lambda row: SafetyRuleOut(**row))


@router.put(
    "/enterprises/{enterprise_id}/safety-rules/{category}", summary="更新制度状态 / record a rule's status"
)
def set_safety_rule(
    enterprise_id: uuid.UUID,
    category: Annotated[str, Path(max_length=40)],
    data: SafetyRuleIn,
    session: DbSession,
    user: Editor,
) -> SafetyRuleOut:
    return SafetyRuleOut(**service.set_safety_rule(session, enterprise_id, category, data.model_dump(), user))


@router.get("/zones/{zone_id}/ten-haves", summary="管委会十有 / the committee's ten haves")
def ten_haves(
    zone_id: uuid.UUID, session: DbSession, _: Annotated[Access, permit("catalogue.read")], page: PageQuery
) -> Page[TenHavesOut]:
    return service.ten_haves(session, zone_id, page).map(lambda row: TenHavesOut(**row))


@router.put("/zones/{zone_id}/ten-haves/{item}", summary="更新十有条目 / record one of the ten haves")
def set_ten_haves(
    zone_id: uuid.UUID,
    item: Annotated[str, Path(max_length=40)],
    data: TenHavesIn,
    session: DbSession,
    user: Annotated[Access, permit("catalogue.edit")],
) -> TenHavesOut:
    return TenHavesOut(**service.set_ten_haves(session, zone_id, item, data.model_dump(), user))

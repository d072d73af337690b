"""The 16 safety-management rules per enterprise and the committee's ten haves (十有)."""

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from services.registry.checklist.catalogue import SAFETY_RULE_CATEGORIES, TEN_HAVES
from services.registry.checklist.models import RuleStatus, SafetyRuleRecord, TenHavesRecord
from services.registry.deps import Admin, DbSession
from services.registry.enterprise.service import get_enterprise
from services.registry.grid.models import Zone
from shared.auth import CurrentUser, UnitEditor
from shared.db import upsert_row
from shared.errors import InvalidInput, NotFound

router = APIRouter(tags=["checklists 制度与十有"])


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


def _known(key: str, catalogue: dict[str, str], field: str) -> None:
    if key not in catalogue:
        raise InvalidInput(f"未知条目 / unknown {field} {key!r}; known: {', '.join(catalogue)}", field=field)


@router.get(
    "/enterprises/{enterprise_id}/safety-rules", summary="安全管理制度清单 / the 16 rules and their status"
)
def safety_rules(enterprise_id: uuid.UUID, session: DbSession, user: CurrentUser) -> list[SafetyRuleOut]:
    get_enterprise(session, enterprise_id, user)
    records = {
        r.category: r
        for r in session.scalars(
            select(SafetyRuleRecord).where(SafetyRuleRecord.enterprise_id == enterprise_id)
        )
    }
    return [
        SafetyRuleOut(
            category=category,
            label=label,
            status=records[category].status if category in records else RuleStatus.missing,
            document_ref=records[category].document_ref if category in records else None,
            updated_at=records[category].updated_at if category in records else None,
        )
        for category, label in SAFETY_RULE_CATEGORIES.items()
    ]


@router.put(
    "/enterprises/{enterprise_id}/safety-rules/{category}", summary="更新制度状态 / record a rule's status"
)
def set_safety_rule(
    enterprise_id: uuid.UUID,
    category: Annotated[str, Path(max_length=40)],
    data: SafetyRuleIn,
    session: DbSession,
    user: UnitEditor,
) -> list[SafetyRuleOut]:
    _known(category, SAFETY_RULE_CATEGORIES, "category")
    get_enterprise(session, enterprise_id, user)
    upsert_row(
        session,
        SafetyRuleRecord,
        {
            "enterprise_id": enterprise_id,
            "category": category,
            **data.model_dump(),
            "updated_by": user.user_id,
        },
        keys=("enterprise_id", "category"),
    )
    return safety_rules(enterprise_id, session, user)


@router.get("/zones/{zone_id}/ten-haves", summary="管委会十有 / the committee's ten haves")
def ten_haves(zone_id: uuid.UUID, session: DbSession, _: CurrentUser) -> list[TenHavesOut]:
    if session.get(Zone, zone_id) is None:
        raise NotFound(f"辖区不存在 / zone {zone_id} not found")
    records = {
        r.item: r for r in session.scalars(select(TenHavesRecord).where(TenHavesRecord.zone_id == zone_id))
    }
    return [
        TenHavesOut(
            item=item,
            label=label,
            in_place=records[item].in_place if item in records else False,
            evidence=records[item].evidence if item in records else None,
            updated_at=records[item].updated_at if item in records else None,
        )
        for item, label in TEN_HAVES.items()
    ]


@router.put("/zones/{zone_id}/ten-haves/{item}", summary="更新十有条目 / record one of the ten haves")
def set_ten_haves(
    zone_id: uuid.UUID,
    item: Annotated[str, Path(max_length=40)],
    data: TenHavesIn,
    session: DbSession,
    user: Admin,
) -> list[TenHavesOut]:
    _known(item, TEN_HAVES, "item")
    if session.get(Zone, zone_id) is None:
        raise NotFound(f"辖区不存在 / zone {zone_id} not found")
    upsert_row(
        session,
        TenHavesRecord,
        {"zone_id": zone_id, "item": item, **data.model_dump(), "updated_by": user.user_id},
        keys=("zone_id", "item"),
    )
    return ten_haves(zone_id, session, user)

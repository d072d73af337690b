"""The 16 safety-management rules of an enterprise and the committee's ten haves: status per item."""

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.checklist.models import RuleStatus, SafetyRuleRecord, TenHavesRecord
from services.registry.enterprise.service import get_enterprise
from services.registry.grid.models import Zone
from shared.auth import Principal
from shared.db import upsert_row
from shared.errors import InvalidInput, NotFound
from shared.labels import LABELS, Label, both

SAFETY_RULE_CATEGORIES = LABELS["safety_rule_category"]
TEN_HAVES = LABELS["ten_haves"]


def _known(key: str, catalogue: dict[str, Label], field: str) -> None:
    if key not in catalogue:
        raise InvalidInput(f"未知条目 / unknown {field} {key!r}; known: {', '.join(catalogue)}", field=field)


def _zone(session: Session, zone_id: uuid.UUID) -> None:
    if session.get(Zone, zone_id) is None:
        raise NotFound(f"辖区不存在 / zone {zone_id} not found")


def safety_rules(session: Session, enterprise_id: uuid.UUID, user: Principal) -> list[dict[str, Any]]:
    """Every required rule, recorded or not (an unrecorded rule counts as missing)."""
    get_enterprise(session, enterprise_id, user)
    records = {
        r.category: r
        for r in session.scalars(
            select(SafetyRuleRecord).where(SafetyRuleRecord.enterprise_id == enterprise_id)
        )
    }
    return [
        {
            "category": category,
            "label": both("safety_rule_category", category),
            "status": records[category].status if category in records else RuleStatus.missing,
            "document_ref": records[category].document_ref if category in records else None,
            "updated_at": records[category].updated_at if category in records else None,
        }
        for category in SAFETY_RULE_CATEGORIES
    ]


def set_safety_rule(
    session: Session, enterprise_id: uuid.UUID, category: str, values: dict[str, Any], user: Principal
) -> None:
    _known(category, SAFETY_RULE_CATEGORIES, "category")
    get_enterprise(session, enterprise_id, user)
    upsert_row(
        session,
        SafetyRuleRecord,
        {"enterprise_id": enterprise_id, "category": category, **values, "updated_by": user.user_id},
        keys=("enterprise_id", "category"),
    )


def ten_haves(session: Session, zone_id: uuid.UUID) -> list[dict[str, Any]]:
    _zone(session, zone_id)
    records = {
        r.item: r for r in session.scalars(select(TenHavesRecord).where(TenHavesRecord.zone_id == zone_id))
    }
    return [
        {
            "item": item,
            "label": both("ten_haves", item),
            "in_place": records[item].in_place if item in records else False,
            "evidence": records[item].evidence if item in records else None,
            "updated_at": records[item].updated_at if item in records else None,
        }
        for item in TEN_HAVES
    ]


def set_ten_haves(
    session: Session, zone_id: uuid.UUID, item: str, values: dict[str, Any], user: Principal
) -> None:
    _known(item, TEN_HAVES, "item")
    _zone(session, zone_id)
    upsert_row(
        session,
        TenHavesRecord,
        {"zone_id": zone_id, "item": item, **values, "updated_by": user.user_id},
        keys=("zone_id", "item"),
    )

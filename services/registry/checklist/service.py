"""The 16 safety-management rules of an enterprise and the committee's ten haves: status per item."""

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.checklist.models import RuleStatus, SafetyRuleRecord, TenHavesRecord
from services.registry.enterprise.service import get_enterprise
from services.registry.grid.models import Zone
from shared.access import Access
from shared.db import upsert_row
from shared.errors import InvalidInput, NotFound
from shared.labels import LABELS, Label, both
from shared.pagination import Page, PageRequest, Positions

SAFETY_RULE_CATEGORIES = LABELS["safety_rule_category"]
TEN_HAVES = LABELS["ten_haves"]
SAFETY_RULES = Positions("safety-rules")
TEN_HAVES_ITEMS = Positions("ten-haves")


def _known(key: str, catalogue: dict[str, Label], field: str) -> None:
    if key not in catalogue:
        raise InvalidInput(f"未知条目 / unknown {field} {key!r}; known: {', '.join(catalogue)}", field=field)


def _zone(session: Session, zone_id: uuid.UUID) -> None:
    if session.get(Zone, zone_id) is None:
        raise NotFound(f"辖区不存在 / zone {zone_id} not found")


def _safety_rule(category: str, record: SafetyRuleRecord | None) -> dict[str, Any]:
    """One required rule's status; an unrecorded rule counts as missing."""
    return {
        "category": category,
        "label": both("safety_rule_category", category),
        "status": record.status if record else RuleStatus.missing,
        "document_ref": record.document_ref if record else None,
        "updated_at": record.updated_at if record else None,
    }


def safety_rules(
    session: Session, enterprise_id: uuid.UUID, user: Access, page: PageRequest
) -> Page[dict[str, Any]]:
    """Every required rule, in the catalogue's order, recorded or not."""
    get_enterprise(session, enterprise_id, user)
    records = {
        r.category: r
        for r in session.scalars(
            select(SafetyRuleRecord).where(SafetyRuleRecord.enterprise_id == enterprise_id)
        )
    }
    rules = [_safety_rule(category, records.get(category)) for category in SAFETY_RULE_CATEGORIES]
    return SAFETY_RULES.slice(rules, page)


def set_safety_rule(
    session: Session, enterprise_id: uuid.UUID, category: str, values: dict[str, Any], user: Access
) -> dict[str, Any]:
    _known(category, SAFETY_RULE_CATEGORIES, "category")
    get_enterprise(session, enterprise_id, user)
    upsert_row(
        session,
        SafetyRuleRecord,
        {"enterprise_id": enterprise_id, "category": category, **values, "updated_by": user.user_id},
        keys=("enterprise_id", "category"),
    )
    record = session.scalar(
        select(SafetyRuleRecord).where(
            SafetyRuleRecord.enterprise_id == enterprise_id, SafetyRuleRecord.category == category
        )
    )
    return _safety_rule(category, record)


def _ten_haves_item(item: str, record: TenHavesRecord | None) -> dict[str, Any]:
    return {
        "item": item,
        "label": both("ten_haves", item),
        "in_place": record.in_place if record else False,
        "evidence": record.evidence if record else None,
        "updated_at": record.updated_at if record else None,
    }


def ten_haves(session: Session, zone_id: uuid.UUID, page: PageRequest) -> Page[dict[str, Any]]:
    """The ten haves in the catalogue's order, recorded or not."""
    _zone(session, zone_id)
    records = {
        r.item: r for r in session.scalars(select(TenHavesRecord).where(TenHavesRecord.zone_id == zone_id))
    }
    return TEN_HAVES_ITEMS.slice([_ten_haves_item(item, records.get(item)) for item in TEN_HAVES], page)


def set_ten_haves(
    session: Session, zone_id: uuid.UUID, item: str, values: dict[str, Any], user: Access
) -> dict[str, Any]:
    _known(item, TEN_HAVES, "item")
    _zone(session, zone_id)
    upsert_row(
        session,
        TenHavesRecord,
        {"zone_id": zone_id, "item": item, **values, "updated_by": user.user_id},
        keys=("zone_id", "item"),
    )
    record = session.scalar(
        select(TenHavesRecord).where(TenHavesRecord.zone_id == zone_id, TenHavesRecord.item == item)
    )
    return _ten_haves_item(item, record)

"""Events published by the registry service (units, grids, people, assignments)."""

import uuid
from enum import StrEnum

from shared.events.contracts.base import EventContract


class UnitKind(StrEnum):
    enterprise = "enterprise"  # 企业
    construction_site = "construction_site"  # 建设工地


class ProductionStatus(StrEnum):
    operating = "operating"  # 生产经营
    suspended = "suspended"  # 停产
    under_construction = "under_construction"  # 在建
    closed = "closed"  # 关闭


class EnterpriseRegisteredV1(EventContract):
    """A new enterprise or construction site entered the registry (企业登记)."""

    event_type = "enterprise.registered"
    event_version = 1

    enterprise_id: uuid.UUID
    name: str
    credit_code: str
    kind: UnitKind
    industry: str | None
    production_status: ProductionStatus
    key_supervision: bool
    grid_id: uuid.UUID | None
    responsible_head: str | None
    responsible_phone: str | None

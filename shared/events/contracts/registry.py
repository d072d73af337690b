"""Events published by the registry service (units, grids, people, assignments)."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from shared.events.contracts.base import EventContract

VERSION_DESCRIPTION = (
    "the entity's version, raised by every change: a copy keeps the snapshot with the highest version "
    "(0: sent before versions existed, older than any versioned snapshot)"
)


class UnitKind(StrEnum):
    enterprise = "enterprise"  # 企业
    construction_site = "construction_site"  # 建设工地


class ProductionStatus(StrEnum):
    operating = "operating"  # 生产经营
    suspended = "suspended"  # 停产
    under_construction = "under_construction"  # 在建
    closed = "closed"  # 关闭


class RiskColour(StrEnum):
    red = "red"  # 重大风险
    orange = "orange"  # 较大风险
    yellow = "yellow"  # 一般风险
    blue = "blue"  # 低风险


class CertificateKind(StrEnum):
    principal_person = "principal_person"  # 主要负责人安全生产知识和管理能力考核合格证
    safety_manager = "safety_manager"  # 安全生产管理人员考核合格证
    special_operation = "special_operation"  # 特种作业操作证


class ScopeType(StrEnum):
    zone = "zone"
    grid = "grid"
    enterprise = "enterprise"
    org_unit = "org_unit"
    post = "post"


class UnitState(BaseModel):
    """What was true of a unit from one day to another (both inclusive; `valid_to` None: still true)."""

    valid_from: date
    valid_to: date | None
    production_status: ProductionStatus
    key_supervision: bool
    grid_id: uuid.UUID | None


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
    risk_colour: RiskColour | None = None
    address: str | None = None
    longitude: float | None = None
    latitude: float | None = None
    version: int = Field(0, description=VERSION_DESCRIPTION)
    states: list[UnitState] = Field(
        default_factory=list,
        description="the unit's dated facts from its registration on, oldest first, without gaps; the "
        "flat fields above are those in force on the day the event was sent",
    )


class EnterpriseUpdatedV1(EnterpriseRegisteredV1):
    """An enterprise changed (details, production status, grid, key flag, risk colour): its new state."""

    event_type = "enterprise.updated"
    event_version = 1

    changed: list[str]


class GridChangedV1(EventContract):
    """A grid (网格) was created or its name, boundary, leader or members changed: its new state."""

    event_type = "grid.changed"
    event_version = 1

    grid_id: uuid.UUID
    zone_id: uuid.UUID
    code: str
    name: str
    boundary: dict[str, Any]
    leader_person_id: uuid.UUID | None  # on the day the event was sent
    member_person_ids: list[uuid.UUID]  # on the day the event was sent
    version: int = Field(0, description=VERSION_DESCRIPTION)
    valid_from: date | None = Field(None, description="the first day the grid exists (设立日期)")


class GridDeletedV1(EventContract):
    """A grid was abolished (撤销): a tombstone that no older snapshot of the grid may bring back."""

    event_type = "grid.deleted"
    event_version = 1

    grid_id: uuid.UUID
    version: int = Field(0, description=VERSION_DESCRIPTION)
    valid_to: date | None = Field(None, description="the last day the grid existed")


class PersonChangedV1(EventContract):
    """A person was registered or their contact details changed (人员信息)."""

    event_type = "person.changed"
    event_version = 1

    person_id: uuid.UUID
    name: str
    phone: str | None
    email: str | None
    enterprise_id: uuid.UUID | None
    user_id: uuid.UUID | None = None
    version: int = Field(0, description=VERSION_DESCRIPTION)


class AssignmentChangedV1(EventContract):
    """A responsibility assignment (定人定岗定责) started or ended: its state now."""

    event_type = "assignment.changed"
    event_version = 1

    assignment_id: uuid.UUID
    person_id: uuid.UUID
    duty: str
    scope_type: ScopeType
    scope_id: uuid.UUID
    valid_from: date
    valid_to: date | None
    version: int = Field(0, description=VERSION_DESCRIPTION)


class CertificateDeadlineV1(EventContract):
    """The shared shape of certificate.expiring and certificate.expired (三岗人员证书)."""

    certificate_id: uuid.UUID
    person_id: uuid.UUID
    enterprise_id: uuid.UUID | None
    kind: CertificateKind
    category: str | None
    number: str
    expires_on: date
    days_left: int


class CertificateExpiringV1(CertificateDeadlineV1):
    """A certificate expires soon (证书即将到期), once per certificate and expiry date."""

    event_type = "certificate.expiring"
    event_version = 1


class CertificateExpiredV1(CertificateDeadlineV1):
    """A certificate has expired (证书已过期), once per certificate and expiry date."""

    event_type = "certificate.expired"
    event_version = 1


class AccountLockedV1(EventContract):
    """An account was locked for a while after failed logins in a row (账号临时锁定); its owner is told."""

    event_type = "account.locked"
    event_version = 1

    user_id: uuid.UUID
    person_id: uuid.UUID
    username: str
    failures: int
    locked_until: datetime
    client_address: str | None

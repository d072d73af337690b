"""Enterprises and construction sites: registration, changes with history, and their grid."""

import uuid

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.registry.enterprise.models import Enterprise, EnterpriseChange
from services.registry.enterprise.schemas import EnterpriseCreate, EnterpriseUpdate
from services.registry.grid.models import Grid
from services.registry.grid.service import grid_covering
from services.registry.runtime import runtime
from shared.access import Access
from shared.db import where_given
from shared.errors import Conflict, InvalidInput, NotFound
from shared.events.contracts.registry import (
    EnterpriseRegisteredV1,
    EnterpriseUpdatedV1,
    ProductionStatus,
    RiskColour,
    UnitKind,
)
from shared.pagination import Keyset, Page, PageRequest

# Changes to these are kept in the enterprise's history (with who, when and why).
BY_ID = Keyset("enterprises", Enterprise.id)
OLDEST_CHANGE_FIRST = Keyset("enterprise-history", EnterpriseChange.changed_at, EnterpriseChange.id)
TRACKED_FIELDS = ("production_status", "grid_id", "key_supervision", "risk_colour", "name")


def _snapshot(enterprise: Enterprise) -> dict[str, object]:
    return {
        "enterprise_id": enterprise.id,
        "name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "kind": enterprise.kind,
        "industry": enterprise.industry,
        "production_status": enterprise.production_status,
        "key_supervision": enterprise.key_supervision,
        "grid_id": enterprise.grid_id,
        "responsible_head": enterprise.responsible_head,
        "responsible_phone": enterprise.responsible_phone,
        "risk_colour": enterprise.risk_colour,
        "address": enterprise.address,
        "longitude": enterprise.longitude,
        "latitude": enterprise.latitude,
    }


def resolve_grid(
    session: Session, grid_id: uuid.UUID | None, longitude: float | None, latitude: float | None
) -> uuid.UUID:
    """The grid a unit belongs to: the one given, else the one covering its coordinates."""
    if grid_id is not None:
        if session.get(Grid, grid_id) is None:
            raise InvalidInput(f"网格不存在 / grid {grid_id} does not exist", field="grid_id")
        return grid_id
    if longitude is None or latitude is None:
        raise InvalidInput(
            "须指定所属网格或提供坐标 / give grid_id, or longitude and latitude inside a grid",
            field="grid_id",
        )
    grid = grid_covering(session, longitude, latitude)
    if grid is None:
        raise InvalidInput(
            f"坐标({longitude}, {latitude})不在任何网格内 / the coordinates lie outside every grid",
            field="longitude",
        )
    return grid.id


def register_enterprise(session: Session, data: EnterpriseCreate, user: Access | None = None) -> Enterprise:
    """Register an enterprise or site and announce it (enterprise.registered) in one transaction."""
    # Serialise registrations of one code, so two concurrent requests cannot both pass the check.
    session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"credit_code:{data.credit_code}"))))
    if session.scalar(select(Enterprise.id).where(Enterprise.credit_code == data.credit_code)):
        raise Conflict(
            f"统一社会信用代码已登记 / credit code {data.credit_code} is already registered",
            field="credit_code",
        )
    return register_many(session, [data])[0]


def register_many(session: Session, items: list[EnterpriseCreate]) -> list[Enterprise]:
    """Register units whose credit codes were checked by the caller; one flush, one outbox write.

    A code registered concurrently in the meantime still fails on the unique constraint.
    """
    checked: set[uuid.UUID] = set()  # grids already known to exist

    def grid_of(data: EnterpriseCreate) -> uuid.UUID:
        if data.grid_id in checked:
            return data.grid_id
        grid_id = resolve_grid(session, data.grid_id, data.longitude, data.latitude)
        checked.add(grid_id)
        return grid_id

    enterprises = [
        Enterprise(id=uuid.uuid4(), **data.model_dump(exclude={"grid_id"}), grid_id=grid_of(data))
        for data in items
    ]
    session.add_all(enterprises)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(
            "统一社会信用代码已登记 / a credit code was registered meanwhile", field="credit_code"
        ) from None
    runtime.publish_many(session, [(EnterpriseRegisteredV1(**_snapshot(e)), str(e.id)) for e in enterprises])
    return enterprises


def get_enterprise(session: Session, enterprise_id: uuid.UUID, user: Access) -> Enterprise:
    enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is None:
        raise NotFound(f"企业不存在 / enterprise {enterprise_id} not found")
    user.ensure_unit(enterprise.id, enterprise.grid_id)
    return enterprise


def _apply(
    session: Session, enterprise: Enterprise, changes: dict[str, object], reason: str | None, user: Access
) -> Enterprise:
    """Set fields, record tracked ones in the history, announce the new state."""
    changed = [name for name, value in changes.items() if getattr(enterprise, name) != value]
    if not changed:
        return enterprise
    for name in changed:
        old = getattr(enterprise, name)
        new = changes[name]
        if name in TRACKED_FIELDS:
            session.add(
                EnterpriseChange(
                    enterprise_id=enterprise.id,
                    field=name,
                    old_value=None if old is None else str(old),
                    new_value=None if new is None else str(new),
                    reason=reason,
                    changed_by=user.user_id,
                )
            )
        setattr(enterprise, name, new)
    session.flush()
    runtime.publish(
        session,
        EnterpriseUpdatedV1(**_snapshot(enterprise), changed=sorted(changed)),
        subject=str(enterprise.id),
    )
    return enterprise


def update_enterprise(
    session: Session, enterprise_id: uuid.UUID, data: EnterpriseUpdate, user: Access
) -> Enterprise:
    enterprise = get_enterprise(session, enterprise_id, user)
    changes = data.model_dump(exclude_unset=True, exclude={"reason"})
    return _apply(session, enterprise, changes, data.reason, user)


def change_status(
    session: Session, enterprise_id: uuid.UUID, status: ProductionStatus, reason: str, user: Access
) -> Enterprise:
    enterprise = get_enterprise(session, enterprise_id, user)
    if enterprise.production_status == status:
        raise Conflict(
            f"生产状态已是 {status.value} / the status is already {status.value}", field="production_status"
        )
    return _apply(session, enterprise, {"production_status": status}, reason, user)


def move_to_grid(
    session: Session, enterprise_id: uuid.UUID, grid_id: uuid.UUID, reason: str, user: Access
) -> Enterprise:
    enterprise = get_enterprise(session, enterprise_id, user)
    resolve_grid(session, grid_id, None, None)
    if enterprise.grid_id == grid_id:
        raise Conflict("已在该网格 / the unit is already in this grid", field="grid_id")
    return _apply(session, enterprise, {"grid_id": grid_id}, reason, user)


def set_risk_colour(
    session: Session, enterprise_id: uuid.UUID, colour: RiskColour, reason: str, user: Access
) -> Enterprise:
    enterprise = get_enterprise(session, enterprise_id, user)
    return _apply(session, enterprise, {"risk_colour": colour}, reason, user)


def history(
    session: Session, enterprise_id: uuid.UUID, user: Access, page: PageRequest
) -> Page[EnterpriseChange]:
    get_enterprise(session, enterprise_id, user)
    query = select(EnterpriseChange).where(EnterpriseChange.enterprise_id == enterprise_id)
    return OLDEST_CHANGE_FIRST.fetch(session, query, page)


def list_enterprises(
    session: Session,
    user: Access,
    page: PageRequest,
    *,
    grid_id: uuid.UUID | None = None,
    kind: UnitKind | None = None,
    status: ProductionStatus | None = None,
    key_supervision: bool | None = None,
    risk_colour: RiskColour | None = None,
) -> Page[Enterprise]:
    """Paged by id and filtered; each caller sees only what their role covers."""
    query = user.narrow(select(Enterprise), unit=Enterprise.id, grid=Enterprise.grid_id)
    query = where_given(
        query,
        {
            Enterprise.grid_id: grid_id,
            Enterprise.kind: kind,
            Enterprise.production_status: status,
            Enterprise.key_supervision: key_supervision,
            Enterprise.risk_colour: risk_colour,
        },
    )
    return BY_ID.fetch(session, query, page)

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from services.registry.deps import DbSession, permit
from services.registry.enterprise import service
from services.registry.enterprise.models import Enterprise
from services.registry.enterprise.schemas import (
    EnterpriseChangeOut,
    EnterpriseCreate,
    EnterpriseOut,
    EnterpriseUpdate,
    GridMove,
    StateChange,
    StatusChange,
    UnitStateOut,
)
from shared.access import Access
from shared.errors import InvalidInput
from shared.events.contracts.registry import ProductionStatus, RiskColour, UnitKind
from shared.pagination import Page, PageQuery

router = APIRouter(prefix="/enterprises", tags=["enterprises 企业与工地"])
Registrar = Annotated[Access, permit("unit.register")]
UnitReader = Annotated[Access, permit("unit.read")]


def enterprise_out(user: Access, enterprise: Enterprise) -> EnterpriseOut:
    """A unit as the caller may see it: its head's phone only for those who must reach them."""
    shown = EnterpriseOut.model_validate(enterprise)
    if user.may_reach_unit(enterprise.id, enterprise.grid_id):
        return shown
    return shown.model_copy(update={"responsible_phone": None})


@router.post("", status_code=status.HTTP_201_CREATED, summary="登记企业或工地 / register a unit")
def register_enterprise(data: EnterpriseCreate, session: DbSession, user: Registrar) -> EnterpriseOut:
    return enterprise_out(user, service.register_enterprise(session, data, user))


@router.get("", summary="企业列表 / units, filtered, by id")
def list_enterprises(
    session: DbSession,
    user: UnitReader,
    page: PageQuery,
    grid_id: uuid.UUID | None = None,
    kind: UnitKind | None = None,
    production_status: ProductionStatus | None = None,
    key_supervision: bool | None = None,
    risk_colour: RiskColour | None = None,
    q: Annotated[
        str | None,
        Query(
            min_length=1, max_length=100, description="名称或信用代码包含 / part of the name or credit code"
        ),
    ] = None,
) -> Page[EnterpriseOut]:
    found = service.list_enterprises(
        session,
        user,
        page,
        grid_id=grid_id,
        kind=kind,
        status=production_status,
        key_supervision=key_supervision,
        risk_colour=risk_colour,
        text=q,
    )
    return found.map(lambda e: enterprise_out(user, e))


@router.get("/{enterprise_id}", summary="企业详情 / one unit")
def get_enterprise(enterprise_id: uuid.UUID, session: DbSession, user: UnitReader) -> EnterpriseOut:
    return enterprise_out(user, service.get_enterprise(session, enterprise_id, user))


@router.patch("/{enterprise_id}", summary="修改企业信息 / correct a unit's details")
def update_enterprise(
    enterprise_id: uuid.UUID, data: EnterpriseUpdate, session: DbSession, user: Registrar
) -> EnterpriseOut:
    return enterprise_out(user, service.update_enterprise(session, enterprise_id, data, user))


@router.post("/{enterprise_id}/status", summary="变更生产状态 / change production status")
def change_status(
    enterprise_id: uuid.UUID, data: StatusChange, session: DbSession, user: Registrar
) -> EnterpriseOut:
    return enterprise_out(
        user,
        service.change_status(
            session, enterprise_id, data.production_status, data.reason, user, data.effective_on
        ),
    )


@router.post("/{enterprise_id}/grid", summary="调整所属网格 / move a unit to another grid")
def move_to_grid(
    enterprise_id: uuid.UUID, data: GridMove, session: DbSession, user: Registrar
) -> EnterpriseOut:
    return enterprise_out(
        user, service.move_to_grid(session, enterprise_id, data.grid_id, data.reason, user, data.effective_on)
    )


@router.post(
    "/{enterprise_id}/states", summary="登记状态变更(生效日期)/ a dated change of status, key flag or grid"
)
def change_state(
    enterprise_id: uuid.UUID, data: StateChange, session: DbSession, user: Registrar
) -> EnterpriseOut:
    changes = data.changes()
    if not changes:
        raise InvalidInput(
            "须给出 production_status、key_supervision 或 grid_id / give production_status, key_supervision or grid_id",
            field="production_status",
        )
    return enterprise_out(
        user, service.change_state(session, enterprise_id, changes, data.effective_on, data.reason, user)
    )


@router.get("/{enterprise_id}/states", summary="状态沿革 / the unit's dated states, oldest first")
def dated_states(
    enterprise_id: uuid.UUID, session: DbSession, user: UnitReader, page: PageQuery
) -> Page[UnitStateOut]:
    return service.dated_states(session, enterprise_id, user, page).map(UnitStateOut.model_validate)


@router.get("/{enterprise_id}/history", summary="变更历史 / status, grid, key flag and risk colour history")
def history(
    enterprise_id: uuid.UUID, session: DbSession, user: UnitReader, page: PageQuery
) -> Page[EnterpriseChangeOut]:
    return service.history(session, enterprise_id, user, page).map(EnterpriseChangeOut.model_validate)

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from sqlalchemy.orm import Session

from services.registry.enterprise import service
from services.registry.enterprise.schemas import EnterpriseCreate, EnterpriseOut
from services.registry.runtime import runtime
from shared.auth import CurrentUser, Principal, Role, require_roles
from shared.deps import transactional_session

router = APIRouter(prefix="/enterprises", tags=["enterprises 企业"])
DbSession = Annotated[Session, Depends(transactional_session(runtime))]
Admin = Annotated[Principal, require_roles(Role.zone_admin)]


@router.post("", status_code=status.HTTP_201_CREATED, summary="登记企业或工地 / register a unit")
def register_enterprise(data: EnterpriseCreate, session: DbSession, _: Admin) -> EnterpriseOut:
    return EnterpriseOut.model_validate(service.register_enterprise(session, data))


@router.get("/{enterprise_id}", summary="企业详情 / one unit")
def get_enterprise(enterprise_id: uuid.UUID, session: DbSession, user: CurrentUser) -> EnterpriseOut:
    return EnterpriseOut.model_validate(service.get_enterprise(session, enterprise_id, user))


@router.get("", summary="企业列表 / units, keyset-paged by id")
def list_enterprises(
    session: DbSession,
    user: CurrentUser,
    after: Annotated[uuid.UUID | None, Query(description="last id of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[EnterpriseOut]:
    return [
        EnterpriseOut.model_validate(e)
        for e in service.list_enterprises(session, user, after=after, limit=limit)
    ]

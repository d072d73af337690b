import uuid
from typing import Annotated

from fastapi import APIRouter, status

from services.registry.deps import DbSession, permit
from services.registry.organisation import service
from services.registry.organisation.schemas import OrgUnitCreate, OrgUnitOut, PostCreate, PostOut
from shared.access import Access
from shared.pagination import Page, PageQuery

router = APIRouter(tags=["organisation 三级安全管理体系"])
Editor = Annotated[Access, permit("unit.edit")]
UnitReader = Annotated[Access, permit("unit.read")]


@router.post(
    "/enterprises/{enterprise_id}/org-units",
    status_code=status.HTTP_201_CREATED,
    summary="新建公司/车间/班组 / add a company, workshop or team",
)
def create_org_unit(
    enterprise_id: uuid.UUID, data: OrgUnitCreate, session: DbSession, user: Editor
) -> OrgUnitOut:
    return OrgUnitOut.model_validate(service.create_org_unit(session, enterprise_id, data, user))


@router.post(
    "/org-units/{org_unit_id}/posts", status_code=status.HTTP_201_CREATED, summary="新建岗位 / add a post"
)
def create_post(org_unit_id: uuid.UUID, data: PostCreate, session: DbSession, user: Editor) -> PostOut:
    return PostOut.model_validate(service.create_post(session, org_unit_id, data, user))


@router.get(
    "/enterprises/{enterprise_id}/organisation",
    summary="三级体系 / the organisation tree with who is responsible",
)
def organisation(
    enterprise_id: uuid.UUID, session: DbSession, user: UnitReader, page: PageQuery
) -> Page[OrgUnitOut]:
    return service.organisation(session, enterprise_id, user, page)
